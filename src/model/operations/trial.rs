//! An operation promises an edit that applies. Rather than restate every
//! project rule (text limits, spans inside the clip, holds inside items),
//! the edit is tried on a copy and refused with the rule's own words. This
//! costs one copy of the project, next to the whole-project validation the
//! real apply does anyway, and only when a clinician acts.

use super::refusal::Refusal;
use crate::model::edit::{Edit, apply};
use crate::model::project::Project;

pub(super) fn checked(project: &Project, edit: Edit) -> Result<Edit, Refusal> {
    let mut copy = project.clone();
    apply(&mut copy, edit.clone())?;
    Ok(edit)
}
