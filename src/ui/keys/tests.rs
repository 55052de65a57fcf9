//! The key tables against the handler, the help and each other.
use super::*;

const NONE: Modifiers = Modifiers::NONE;

#[test]
fn typing_keeps_letters_for_the_text_field() {
    assert_eq!(map(Key::L, NONE, false, true, false), None);
    assert_eq!(map(Key::ArrowLeft, NONE, false, true, false), None);
    assert_eq!(map(Key::Z, Modifiers::COMMAND, false, true, false), None);
    assert_eq!(
        map(Key::S, Modifiers::COMMAND, false, true, false),
        Some(Action::Save)
    );
}

#[test]
fn k_held_turns_j_and_l_into_single_steps() {
    assert_eq!(map(Key::L, NONE, false, false, true), Some(Action::Step(1)));
    assert_eq!(
        map(Key::J, NONE, false, false, true),
        Some(Action::Step(-1))
    );
    assert_eq!(
        map(Key::L, NONE, false, false, false),
        Some(Action::ShuttleForward)
    );
}

#[test]
fn shift_arrows_step_ten_and_repeat_while_held() {
    assert_eq!(
        map(Key::ArrowRight, Modifiers::SHIFT, true, false, false),
        Some(Action::Step(10))
    );
    assert_eq!(map(Key::M, NONE, true, false, false), None);
}

#[test]
fn digits_are_codes_and_redo_has_two_spellings() {
    assert_eq!(
        map(Key::Num3, NONE, false, false, false),
        Some(Action::Code('3'))
    );
    let ctrl_shift = Modifiers::COMMAND | Modifiers::SHIFT;
    assert_eq!(
        map(Key::Z, ctrl_shift, false, false, false),
        Some(Action::Redo)
    );
    assert_eq!(
        map(Key::Y, Modifiers::COMMAND, false, false, false),
        Some(Action::Redo)
    );
}

#[test]
fn shuttle_speeds_up_to_two() {
    assert_eq!(next_shuttle_rate(false, 2.0), 1.0);
    assert_eq!(next_shuttle_rate(true, 1.0), 1.5);
    assert_eq!(next_shuttle_rate(true, 1.5), 2.0);
    assert_eq!(next_shuttle_rate(true, 2.0), 2.0);
    assert_eq!(next_shuttle_rate(true, 0.5), 1.0);
}

fn review_key(key: Key, repeat: bool) -> Option<ReviewAction> {
    lookup(REVIEW, Trigger::Key(key), NONE, repeat, false, |_| false)
}

#[test]
fn clicker_keys_move_between_items_and_only_once_per_press() {
    assert_eq!(review_key(Key::PageDown, false), Some(ReviewAction::Next));
    assert_eq!(review_key(Key::PageUp, false), Some(ReviewAction::Previous));
    // A held clicker button must not race through the reel.
    assert_eq!(review_key(Key::PageDown, true), None);
    // Frame steps do repeat while an arrow is held.
    assert_eq!(
        review_key(Key::ArrowRight, true),
        Some(ReviewAction::Step(1))
    );
}

#[test]
fn keys_that_are_not_review_keys_do_nothing() {
    // No workspace shortcut (delete, mark, code) can act on the parent's screen.
    for key in [Key::Delete, Key::M, Key::I, Key::O, Key::Num1, Key::Enter] {
        assert_eq!(review_key(key, false), None, "{key:?}");
    }
    assert_eq!(review_key(Key::Escape, false), Some(ReviewAction::Leave));
    assert_eq!(review_key(Key::B, false), Some(ReviewAction::Blank));
}

/// Every row of the help names each key it binds, with its modifiers:
/// the overlay (drawn from these rows) cannot leave a key out.
fn rows_name_their_keys<A: std::fmt::Debug>(table: &[Row<A>]) {
    for row in table {
        for b in row.bindings {
            let name = key_name(b.trigger);
            assert!(
                row.keys.contains(&name),
                "help row {:?} does not mention {name} ({:?})",
                row.keys,
                b.action
            );
            for m in b.mods.names() {
                assert!(row.keys.contains(m), "help row {:?} lacks {m}", row.keys);
            }
            if let Some(held) = b.with_held {
                let held = key_name(Trigger::Key(held));
                assert!(row.keys.contains(&format!("{held}+")), "{:?}", row.keys);
            }
        }
    }
}

#[test]
fn every_bound_key_is_in_its_help_row() {
    rows_name_their_keys(WORKSPACE);
    rows_name_their_keys(REVIEW);
}

#[test]
fn no_two_bindings_in_a_table_fight_over_one_key() {
    fn check<A: std::fmt::Debug + PartialEq>(table: &[Row<A>]) {
        let all: Vec<_> = table.iter().flat_map(|r| r.bindings).collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                let same = a.trigger == b.trigger && a.mods == b.mods && a.with_held == b.with_held;
                assert!(!same || a.action == b.action, "{a:?} and {b:?}");
            }
        }
    }
    check(WORKSPACE);
    check(REVIEW);
}

#[test]
fn the_presenter_reminder_is_the_review_table() {
    assert_eq!(
        review_reminder(),
        "PageDown/PageUp items · Space play/pause · R replay · Left/Right frame · S slower · \
         F freeze · C caption · B blank · A pause at freeze · P presenter window · Esc leave"
    );
}
