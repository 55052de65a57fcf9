//! The two key tables, in the help's order: coding a clip, and shared
//! review (presentation clickers send PageDown/PageUp, some Down/Up).

use egui::Key;

use super::binding::{Binding, Mods, Row, Trigger, bind, briefly, plain, row};
use super::{Action, ReviewAction};

use Action as W;
use ReviewAction as R;

/// The workspace's keys, in the help's order.
pub(crate) const WORKSPACE: &[Row<Action>] = &[
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
        "Alt+Left / Right",
        "Previous / next disagreement between the coders compared",
        &[
            bind(
                Trigger::Key(Key::ArrowLeft),
                Mods::Alt,
                W::Disagreement(false),
            ),
            bind(
                Trigger::Key(Key::ArrowRight),
                Mods::Alt,
                W::Disagreement(true),
            ),
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
        "W",
        "Cycle who the selected moment is about (parent, infant, other, people)",
        &[plain(Key::W, W::CycleParticipant)],
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
pub(crate) const REVIEW: &[Row<ReviewAction>] = &[
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
pub(crate) fn review_reminder() -> String {
    REVIEW
        .iter()
        .map(|r| r.brief)
        .filter(|b| !b.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}
