//! The drag in progress on the timeline: what the view remembers between
//! frames and what the pointer handling moves along.

use crate::model::MomentId;

/// Which edge of a moment is being dragged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Edge {
    Start,
    End,
}

/// The drag in progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Gesture {
    #[default]
    None,
    Scrub {
        last: Option<u32>,
    },
    Trim {
        moment: MomentId,
        edge: Edge,
        original: (u32, u32),
        /// The preview: where the edges are now.
        start: u32,
        end: u32,
    },
}

impl Gesture {
    /// The trimmed moment and its previewed span, while trimming.
    pub(super) fn trimming(&self) -> Option<(MomentId, u32, u32)> {
        match *self {
            Gesture::Trim {
                moment, start, end, ..
            } => Some((moment, start, end)),
            _ => None,
        }
    }
}
