//! The right-hand panel's moment side: which moment is selected, the text
//! being typed for it (one commit point), the moment list's filter, and the
//! codebook whose hotkeys apply.

use crate::model::operations::MomentDraft;
use crate::model::{MomentFilter, MomentId};

pub(super) struct MomentPanel {
    pub selected: Option<MomentId>,
    /// Text being typed into the inspector, committed as one edit.
    pub draft: Option<MomentDraft>,
    pub filter: MomentFilter,
    /// Filter results, recomputed when the filter or the project changes.
    pub filtered: Option<(u64, MomentFilter, Vec<MomentId>)>,
    /// Id of the codebook whose hotkeys 1–9 apply.
    pub active_codebook: Option<String>,
    /// A name being typed in the inspector to add to the project's people.
    pub new_person: String,
}

impl MomentPanel {
    pub(super) fn new(active_codebook: Option<String>) -> Self {
        Self {
            selected: None,
            draft: None,
            filter: MomentFilter::default(),
            filtered: None,
            active_codebook,
            new_person: String::new(),
        }
    }
}
