//! The keyboard map: the conventions editors already know (J/K/L shuttle,
//! I/O marks, arrow-key frame steps), so a specialist can code a whole clip
//! without the mouse, and the presentation-clicker keys of shared review.
//! One table per mode feeds the key handler, the help overlay and the
//! presenter's key line, so none of them can disagree with what a key does.

use egui::{Key, Modifiers};

/// What a key press asks of the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    PlayPause,
    /// L: play forward, faster on each further press (1×, 1.5×, 2×).
    ShuttleForward,
    /// J: step back one frame (repeats while held).
    ShuttleBack,
    /// K: pause.
    Pause,
    Step(i32),
    First,
    Last,
    PreviousMoment,
    NextMoment,
    MarkIn,
    MarkOut,
    MarkPoint,
    MomentFromMarks,
    /// 1–9: the active codebook's item with that hotkey.
    Code(char),
    PlaySelection,
    LoopSelection,
    Delete,
    Undo,
    Redo,
    Save,
    Help,
    Escape,
}

/// What a key asks for in shared review (everything else is ignored, so
/// nothing can pop up on the parent's screen by accident).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewAction {
    Next,
    Previous,
    PlayPause,
    Replay,
    Step(i32),
    Slower,
    Freeze,
    Caption,
    Blank,
    PauseAtHold,
    PresenterWindow,
    Leave,
    /// Held, not pressed: the presenter view on a single screen.
    PeekPresenter,
}

/// What sets a binding off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Key(Key),
    /// A typed character ("?" has no key of its own on most layouts).
    Text(char),
    /// Acts while the key is down, not when it is pressed.
    Held(Key),
}

/// Which modifiers a binding wants. `Plain` ignores Shift, as editors do
/// (Shift+L still shuttles), unless a Shift binding for the key exists:
/// the more particular binding wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mods {
    /// Any modifiers at all.
    Any,
    /// No Ctrl/Cmd, no Alt.
    Plain,
    /// Shift, without Ctrl/Cmd or Alt.
    Shift,
    /// No Ctrl/Cmd; Shift and Alt do not matter.
    NoCommand,
    /// Ctrl (Cmd on a Mac), with or without Shift.
    Command,
    CommandShift,
}

impl Mods {
    fn accepts(self, m: Modifiers) -> bool {
        match self {
            Mods::Any => true,
            Mods::Plain => !m.command && !m.alt,
            Mods::Shift => m.shift && !m.command && !m.alt,
            Mods::NoCommand => !m.command,
            Mods::Command => m.command,
            Mods::CommandShift => m.command && m.shift,
        }
    }

    /// How much a binding asks for; the most particular match wins.
    fn particularity(self) -> u8 {
        match self {
            Mods::Any | Mods::NoCommand => 0,
            Mods::Plain | Mods::Command => 1,
            Mods::Shift | Mods::CommandShift => 2,
        }
    }

    /// The modifier names a help row must mention for this binding.
    #[cfg(test)]
    fn names(self) -> &'static [&'static str] {
        match self {
            Mods::Any | Mods::Plain | Mods::NoCommand => &[],
            Mods::Shift => &["Shift"],
            Mods::Command => &["Ctrl"],
            Mods::CommandShift => &["Ctrl", "Shift"],
        }
    }
}

/// One key (with modifiers) and what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding<A> {
    pub trigger: Trigger,
    pub mods: Mods,
    pub action: A,
    /// Also acts on auto-repeat while held (frame steps); one press only
    /// otherwise (a clicker held down must not race through a reel).
    pub repeats: bool,
    /// Still acts while a text field has the keyboard (Ctrl+S, F1, Esc).
    pub while_typing: bool,
    /// Acts only while this other key is down (K+J, K+L).
    pub with_held: Option<Key>,
}

const fn bind<A>(trigger: Trigger, mods: Mods, action: A) -> Binding<A> {
    Binding {
        trigger,
        mods,
        action,
        repeats: false,
        while_typing: false,
        with_held: None,
    }
}

const fn plain<A>(key: Key, action: A) -> Binding<A> {
    bind(Trigger::Key(key), Mods::Plain, action)
}

impl<A> Binding<A> {
    const fn repeating(mut self) -> Self {
        self.repeats = true;
        self
    }

    const fn typing_too(mut self) -> Self {
        self.while_typing = true;
        self
    }

    const fn while_held(mut self, key: Key) -> Self {
        self.with_held = Some(key);
        self
    }
}

/// A line of the help: the keys as people say them, what they do, and
/// the bindings behind it.
pub struct Row<A: 'static> {
    pub keys: &'static str,
    pub what: &'static str,
    /// The presenter view's one-line reminder ("Space play/pause"); empty
    /// for a row it leaves out.
    pub brief: &'static str,
    pub bindings: &'static [Binding<A>],
}

const fn row<A>(keys: &'static str, what: &'static str, bindings: &'static [Binding<A>]) -> Row<A> {
    Row {
        keys,
        what,
        brief: "",
        bindings,
    }
}

const fn briefly<A>(
    brief: &'static str,
    keys: &'static str,
    what: &'static str,
    bindings: &'static [Binding<A>],
) -> Row<A> {
    Row {
        keys,
        what,
        brief,
        bindings,
    }
}

use Action as W;
use ReviewAction as R;

/// The workspace's keys, in the help's order.
pub const WORKSPACE: &[Row<Action>] = &[
    row("Space", "Play or pause", &[plain(Key::Space, W::PlayPause)]),
    row(
        "L",
        "Play forward; press again for 1.5× and 2×",
        &[plain(Key::L, W::ShuttleForward)],
    ),
    row("K", "Pause", &[plain(Key::K, W::Pause)]),
    row(
        "J",
        "Step back a frame (hold to keep stepping)",
        &[plain(Key::J, W::ShuttleBack).repeating()],
    ),
    row(
        "K+J / K+L",
        "Step one frame back / forward",
        &[
            plain(Key::J, W::Step(-1)).repeating().while_held(Key::K),
            plain(Key::L, W::Step(1)).repeating().while_held(Key::K),
        ],
    ),
    row(
        "Left / Right",
        "One frame back / forward",
        &[
            plain(Key::ArrowLeft, W::Step(-1)).repeating(),
            plain(Key::ArrowRight, W::Step(1)).repeating(),
        ],
    ),
    row(
        "Shift+Left / Right",
        "Ten frames back / forward",
        &[
            bind(Trigger::Key(Key::ArrowLeft), Mods::Shift, W::Step(-10)).repeating(),
            bind(Trigger::Key(Key::ArrowRight), Mods::Shift, W::Step(10)).repeating(),
        ],
    ),
    row(
        "Home / End",
        "First / last frame",
        &[
            plain(Key::Home, W::First).repeating(),
            plain(Key::End, W::Last).repeating(),
        ],
    ),
    row(
        "Up / Down",
        "Previous / next moment",
        &[
            plain(Key::ArrowUp, W::PreviousMoment).repeating(),
            plain(Key::ArrowDown, W::NextMoment).repeating(),
        ],
    ),
    row(
        "I / O",
        "Set the in / out mark",
        &[plain(Key::I, W::MarkIn), plain(Key::O, W::MarkOut)],
    ),
    row(
        "M",
        "Mark a point moment at this frame",
        &[plain(Key::M, W::MarkPoint)],
    ),
    row(
        "Enter",
        "Make a moment from the in and out marks",
        &[plain(Key::Enter, W::MomentFromMarks)],
    ),
    row(
        "1 – 9",
        "Apply (or remove) a code of the active codebook",
        &[
            plain(Key::Num1, W::Code('1')),
            plain(Key::Num2, W::Code('2')),
            plain(Key::Num3, W::Code('3')),
            plain(Key::Num4, W::Code('4')),
            plain(Key::Num5, W::Code('5')),
            plain(Key::Num6, W::Code('6')),
            plain(Key::Num7, W::Code('7')),
            plain(Key::Num8, W::Code('8')),
            plain(Key::Num9, W::Code('9')),
        ],
    ),
    row(
        "P",
        "Play the selected moment (or the marks)",
        &[plain(Key::P, W::PlaySelection)],
    ),
    row(
        "Shift+P",
        "Loop the selected moment (or the marks)",
        &[bind(Trigger::Key(Key::P), Mods::Shift, W::LoopSelection)],
    ),
    row(
        "Delete or Backspace",
        "Delete the selected moment",
        &[
            plain(Key::Delete, W::Delete),
            plain(Key::Backspace, W::Delete),
        ],
    ),
    row(
        "Ctrl+Z / Ctrl+Shift+Z or Ctrl+Y",
        "Undo / redo",
        &[
            bind(Trigger::Key(Key::Z), Mods::Command, W::Undo).repeating(),
            bind(Trigger::Key(Key::Z), Mods::CommandShift, W::Redo).repeating(),
            bind(Trigger::Key(Key::Y), Mods::Command, W::Redo).repeating(),
        ],
    ),
    row(
        "Ctrl+S",
        "Save",
        &[bind(Trigger::Key(Key::S), Mods::Command, W::Save)
            .repeating()
            .typing_too()],
    ),
    row(
        "F1 or ?",
        "Show or hide this help",
        &[
            bind(Trigger::Key(Key::F1), Mods::Any, W::Help).typing_too(),
            bind(Trigger::Text('?'), Mods::Any, W::Help),
        ],
    ),
    row(
        "Esc",
        "Close help, or clear the selection",
        &[bind(Trigger::Key(Key::Escape), Mods::Any, W::Escape).typing_too()],
    ),
];

const fn clicker(key: Key, action: ReviewAction) -> Binding<ReviewAction> {
    bind(Trigger::Key(key), Mods::NoCommand, action)
}

/// Shared review's keys, in the help's order. Presentation clickers send
/// PageDown/PageUp (some send Down/Up).
pub const REVIEW: &[Row<ReviewAction>] = &[
    briefly(
        "PageDown/PageUp items",
        "PageDown / PageUp, Down / Up, N",
        "Next / previous item (a clicker's buttons)",
        &[
            clicker(Key::PageDown, R::Next),
            clicker(Key::ArrowDown, R::Next),
            clicker(Key::N, R::Next),
            clicker(Key::PageUp, R::Previous),
            clicker(Key::ArrowUp, R::Previous),
        ],
    ),
    briefly(
        "Space play/pause",
        "Space",
        "Play or pause; after a freeze frame, play on",
        &[clicker(Key::Space, R::PlayPause)],
    ),
    briefly(
        "R replay",
        "R",
        "The item again from its start",
        &[clicker(Key::R, R::Replay)],
    ),
    briefly(
        "Left/Right frame",
        "Left / Right",
        "One frame back / forward",
        &[
            clicker(Key::ArrowLeft, R::Step(-1)).repeating(),
            clicker(Key::ArrowRight, R::Step(1)).repeating(),
        ],
    ),
    briefly(
        "S slower",
        "S",
        "Slower: ½×, ¼×, then as filmed",
        &[clicker(Key::S, R::Slower)],
    ),
    briefly(
        "F freeze",
        "F",
        "To the freeze frame (or the item's middle)",
        &[clicker(Key::F, R::Freeze)],
    ),
    briefly(
        "C caption",
        "C",
        "Show or hide the caption",
        &[clicker(Key::C, R::Caption)],
    ),
    briefly(
        "B blank",
        "B or .",
        "Blank the parent's screen, and show it again",
        &[clicker(Key::B, R::Blank), clicker(Key::Period, R::Blank)],
    ),
    briefly(
        "A pause at freeze",
        "A",
        "Pause at each freeze frame, or hold it and play on",
        &[clicker(Key::A, R::PauseAtHold)],
    ),
    briefly(
        "P presenter window",
        "P",
        "The presenter view in a window of its own",
        &[clicker(Key::P, R::PresenterWindow)],
    ),
    briefly(
        "Esc leave",
        "Esc",
        "Back to the workspace, logging the review",
        &[clicker(Key::Escape, R::Leave)],
    ),
    row(
        "Hold H",
        "The presenter view, on a single screen",
        &[bind(Trigger::Held(Key::H), Mods::Any, R::PeekPresenter)],
    ),
];

/// The presenter view's reminder line, from the review table.
pub fn review_reminder() -> String {
    REVIEW
        .iter()
        .map(|r| r.brief)
        .filter(|b| !b.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// What one key event asks for under `table`.
fn lookup<A: Copy>(
    table: &[Row<A>],
    trigger: Trigger,
    mods: Modifiers,
    repeat: bool,
    typing: bool,
    held: impl Fn(Key) -> bool,
) -> Option<A> {
    table
        .iter()
        .flat_map(|r| r.bindings)
        .filter(|b| b.trigger == trigger && b.mods.accepts(mods))
        .filter(|b| b.repeats || !repeat)
        .filter(|b| b.while_typing || !typing)
        .filter(|b| b.with_held.is_none_or(&held))
        // The most particular binding wins: K+J over J, Shift+P over P.
        .max_by_key(|b| (b.with_held.is_some(), b.mods.particularity()))
        .map(|b| b.action)
}

/// The actions of this frame's events under `table`.
fn read_table<A: Copy>(table: &[Row<A>], input: &egui::InputState, typing: bool) -> Vec<A> {
    input
        .events
        .iter()
        .filter_map(|event| match event {
            egui::Event::Key {
                key,
                pressed: true,
                repeat,
                modifiers,
                ..
            } => lookup(
                table,
                Trigger::Key(*key),
                *modifiers,
                *repeat,
                typing,
                |k| input.key_down(k),
            ),
            egui::Event::Text(text) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => lookup(
                        table,
                        Trigger::Text(c),
                        input.modifiers,
                        false,
                        typing,
                        |k| input.key_down(k),
                    ),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

/// Reads this frame's key presses. When a text field has the keyboard, only
/// Ctrl+S, F1 and Esc apply: typing a caption never moves the playhead, and
/// Ctrl+Z there undoes typing, not the last project change.
pub fn read(input: &egui::InputState, typing: bool) -> Vec<Action> {
    read_table(WORKSPACE, input, typing)
}

/// Review keys pressed this frame (held keys are read by `review_held`).
pub fn read_review(input: &egui::InputState) -> Vec<ReviewAction> {
    read_table(REVIEW, input, false)
}

/// Whether a held review key (H) is down.
pub fn review_held(input: &egui::InputState, action: ReviewAction) -> bool {
    REVIEW
        .iter()
        .flat_map(|r| r.bindings)
        .any(|b| b.action == action && matches!(b.trigger, Trigger::Held(k) if input.key_down(k)))
}

#[cfg(test)]
fn map(key: Key, mods: Modifiers, repeat: bool, typing: bool, k_held: bool) -> Option<Action> {
    lookup(WORKSPACE, Trigger::Key(key), mods, repeat, typing, |k| {
        k == Key::K && k_held
    })
}

/// The next rate for repeated L presses.
pub fn next_shuttle_rate(playing: bool, rate: f64) -> f64 {
    if !playing || rate < 1.0 - 1e-6 {
        1.0
    } else if rate < 1.5 - 1e-6 {
        1.5
    } else {
        2.0
    }
}

/// How a help row names a key ("1 – 9" stands for each digit key).
#[cfg(test)]
fn key_name(trigger: Trigger) -> String {
    let key = match trigger {
        Trigger::Text(c) => return c.to_string(),
        Trigger::Key(k) | Trigger::Held(k) => k,
    };
    match key {
        Key::ArrowLeft => "Left".into(),
        Key::ArrowRight => "Right".into(),
        Key::ArrowUp => "Up".into(),
        Key::ArrowDown => "Down".into(),
        Key::Escape => "Esc".into(),
        Key::Period => ".".into(),
        Key::Num1
        | Key::Num2
        | Key::Num3
        | Key::Num4
        | Key::Num5
        | Key::Num6
        | Key::Num7
        | Key::Num8
        | Key::Num9 => "1 – 9".into(),
        other => other.name().to_owned(),
    }
}

#[cfg(test)]
mod tests {
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
                    let same =
                        a.trigger == b.trigger && a.mods == b.mods && a.with_held == b.with_held;
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
}
