//! STUB until the timeline branch lands.
use super::{ClipId, CodeRef, Moment, Project};
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MomentFilter {
    pub text: String,
    pub clip: Option<ClipId>,
    pub code: Option<CodeRef>,
}
impl MomentFilter {
    pub fn apply<'a>(&self, project: &'a Project) -> Vec<&'a Moment> {
        project.moments.iter().collect()
    }
}
