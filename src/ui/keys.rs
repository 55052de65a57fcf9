//! The keyboard map: the conventions editors already know (J/K/L shuttle,
//! I/O marks, arrow-key frame steps), so a specialist can code a whole clip
//! without the mouse. One table feeds both the handler and the help overlay.

use egui::{Key, Modifiers};

/// What a key press asks for. The workspace carries these out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
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

/// Rows of the help overlay: keys, then what they do.
pub(crate) const HELP: &[(&str, &str)] = &[
    ("Space", "Play or pause"),
    ("L", "Play forward; press again for 1.5× and 2×"),
    ("K", "Pause"),
    ("J", "Step back a frame (hold to keep stepping)"),
    ("K+J / K+L", "Step one frame back / forward"),
    ("Left / Right", "One frame back / forward"),
    ("Shift+Left / Right", "Ten frames back / forward"),
    ("Home / End", "First / last frame"),
    ("Up / Down", "Previous / next moment"),
    ("I / O", "Set the in / out mark"),
    ("M", "Mark a point moment at this frame"),
    ("Enter", "Make a moment from the in and out marks"),
    ("1 – 9", "Apply (or remove) a code of the active codebook"),
    ("P", "Play the selected moment (or the marks)"),
    ("Shift+P", "Loop the selected moment (or the marks)"),
    ("Delete", "Delete the selected moment"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo"),
    ("Ctrl+S", "Save"),
    ("F1 or ?", "Show or hide this help"),
    ("Esc", "Close help, or clear the selection"),
];

/// Reads this frame's key presses. When a text field has the keyboard, only
/// Ctrl+S, F1 and Esc apply: typing a caption never moves the playhead, and
/// Ctrl+Z there undoes typing, not the last project change.
pub(crate) fn read(input: &egui::InputState, typing: bool) -> Vec<Action> {
    let mut actions = Vec::new();
    for event in &input.events {
        let egui::Event::Key {
            key,
            pressed: true,
            repeat,
            modifiers,
            ..
        } = event
        else {
            if let egui::Event::Text(text) = event
                && text == "?"
                && !typing
            {
                actions.push(Action::Help);
            }
            continue;
        };
        if let Some(action) = map(*key, *modifiers, *repeat, typing, input.key_down(Key::K)) {
            actions.push(action);
        }
    }
    actions
}

fn map(key: Key, mods: Modifiers, repeat: bool, typing: bool, k_held: bool) -> Option<Action> {
    let command = mods.command;
    // Shortcuts that also work while typing.
    match key {
        Key::S if command => return Some(Action::Save),
        Key::F1 if !repeat => return Some(Action::Help),
        Key::Escape if !repeat => return Some(Action::Escape),
        _ => {}
    }
    if typing {
        return None;
    }
    match key {
        Key::Z if command && mods.shift => return Some(Action::Redo),
        Key::Z if command => return Some(Action::Undo),
        Key::Y if command => return Some(Action::Redo),
        _ => {}
    }
    if command || mods.alt {
        return None;
    }
    let ten = if mods.shift { 10 } else { 1 };
    Some(match key {
        Key::Space if !repeat => Action::PlayPause,
        Key::ArrowRight => Action::Step(ten),
        Key::ArrowLeft => Action::Step(-ten),
        Key::L if k_held => Action::Step(1),
        Key::J if k_held => Action::Step(-1),
        Key::L if !repeat => Action::ShuttleForward,
        Key::J => Action::ShuttleBack,
        Key::K if !repeat => Action::Pause,
        Key::Home => Action::First,
        Key::End => Action::Last,
        Key::ArrowUp => Action::PreviousMoment,
        Key::ArrowDown => Action::NextMoment,
        Key::I if !repeat => Action::MarkIn,
        Key::O if !repeat => Action::MarkOut,
        Key::M if !repeat => Action::MarkPoint,
        Key::Enter if !repeat => Action::MomentFromMarks,
        Key::P if !repeat && mods.shift => Action::LoopSelection,
        Key::P if !repeat => Action::PlaySelection,
        Key::Delete | Key::Backspace if !repeat => Action::Delete,
        _ => return digit(key).filter(|_| !repeat).map(Action::Code),
    })
}

fn digit(key: Key) -> Option<char> {
    let c = match key {
        Key::Num1 => '1',
        Key::Num2 => '2',
        Key::Num3 => '3',
        Key::Num4 => '4',
        Key::Num5 => '5',
        Key::Num6 => '6',
        Key::Num7 => '7',
        Key::Num8 => '8',
        Key::Num9 => '9',
        _ => return None,
    };
    Some(c)
}

/// The next rate for repeated L presses.
pub(crate) fn next_shuttle_rate(playing: bool, rate: f64) -> f64 {
    if !playing || rate < 1.0 - 1e-6 {
        1.0
    } else if rate < 1.5 - 1e-6 {
        1.5
    } else {
        2.0
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
}
