//! The file dialog the workspace is waiting on, and what it was asked for.

use std::path::PathBuf;

use crate::ui::dialogs::Dialogs;
use crate::ui::jobs::Job;

use super::clips::Pending;

pub(super) struct Questions {
    pub dialogs: Dialogs,
    /// A dialog waiting for its answer.
    pub pending: Option<(Pending, Job<Vec<PathBuf>>)>,
}
