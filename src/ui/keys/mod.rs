//! The keyboard map: the conventions editors already know (J/K/L shuttle,
//! I/O marks, arrow-key frame steps), so a specialist can code a whole clip
//! without the mouse, and the presentation-clicker keys of shared review.
//! One table per mode (`tables`) feeds the key handler, the help overlay
//! and the presenter's key line, so none of them can disagree with what a
//! key does.

mod binding;
mod tables;

use egui::{Key, Modifiers};

pub(crate) use binding::Row;
use binding::Trigger;
pub(crate) use tables::{REVIEW, WORKSPACE, review_reminder};

/// What a key press asks of the workspace.
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
    /// W: the selected moment's participant (who), cycled.
    CycleParticipant,
    /// Alt+Left/Right: the previous or next place two coders disagree.
    Disagreement(bool),
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
pub(crate) enum ReviewAction {
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
pub(crate) fn read(input: &egui::InputState, typing: bool) -> Vec<Action> {
    read_table(WORKSPACE, input, typing)
}

/// Review keys pressed this frame (held keys are read by `review_held`).
pub(crate) fn read_review(input: &egui::InputState) -> Vec<ReviewAction> {
    read_table(REVIEW, input, false)
}

/// Whether a held review key (H) is down.
pub(crate) fn review_held(input: &egui::InputState, action: ReviewAction) -> bool {
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
pub(crate) fn next_shuttle_rate(playing: bool, rate: f64) -> f64 {
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
mod tests;
