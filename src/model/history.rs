//! The open project with unlimited undo/redo and a dirty flag.
//!
//! Every history state gets its own revision number. Undo and redo move
//! between numbers instead of counting, so undoing back to the saved state is
//! clean again, while a state abandoned by a new edit never comes back.

use super::edit::{Edit, EditError, apply};
use super::project::Project;

#[derive(Clone, Debug)]
struct Step {
    forward: Edit,
    inverse: Edit,
    /// Revision of the state before `forward`.
    before: u64,
    /// Revision of the state after `forward`.
    after: u64,
}

#[derive(Clone, Debug)]
pub struct Document {
    project: Project,
    undo: Vec<Step>,
    redo: Vec<Step>,
    revision: u64,
    saved_revision: u64,
    next_revision: u64,
}

impl Document {
    /// A project as it is on disk: clean.
    pub fn new(project: Project) -> Self {
        Self {
            project,
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 0,
            saved_revision: 0,
            next_revision: 1,
        }
    }

    /// A project that is not what the file holds (restored from a recovery
    /// file, or migrated from an older schema): dirty until saved.
    pub fn unsaved(project: Project) -> Self {
        let mut doc = Self::new(project);
        doc.saved_revision = u64::MAX;
        doc
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Applies an edit as a new undo step; on error nothing changes.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        let inverse = apply(&mut self.project, edit.clone())?;
        let before = self.revision;
        self.revision = self.fresh_revision();
        self.undo.push(Step {
            forward: edit,
            inverse,
            before,
            after: self.revision,
        });
        self.redo.clear();
        Ok(())
    }

    pub fn undo(&mut self) -> bool {
        let Some(step) = self.undo.pop() else {
            return false;
        };
        match apply(&mut self.project, step.inverse.clone()) {
            Ok(_) => {
                self.revision = step.before;
                self.redo.push(step);
                true
            }
            Err(_) => {
                // Cannot happen while every change goes through `apply`; if it
                // did, keep the step rather than lose the history.
                self.undo.push(step);
                false
            }
        }
    }

    pub fn redo(&mut self) -> bool {
        let Some(step) = self.redo.pop() else {
            return false;
        };
        match apply(&mut self.project, step.forward.clone()) {
            Ok(_) => {
                self.revision = step.after;
                self.undo.push(step);
                true
            }
            Err(_) => {
                self.redo.push(step);
                false
            }
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo_label(&self) -> Option<&'static str> {
        self.undo.last().map(|s| s.forward.label())
    }

    pub fn redo_label(&self) -> Option<&'static str> {
        self.redo.last().map(|s| s.forward.label())
    }

    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    pub fn mark_saved(&mut self) {
        self.saved_revision = self.revision;
    }

    /// For a save that ran on a snapshot taken at `revision` (e.g. in the
    /// background) while further edits may have happened.
    pub fn mark_saved_at(&mut self, revision: u64) {
        self.saved_revision = revision;
    }

    /// Identifies the current state; differs after every apply, undo or redo.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    fn fresh_revision(&mut self) -> u64 {
        let r = self.next_revision;
        self.next_revision += 1;
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::sample_project;

    fn retitle(doc: &mut Document, title: &str) {
        doc.apply(Edit::SetTitle(title.into())).unwrap();
    }

    #[test]
    fn undo_and_redo_walk_the_history() {
        let original = sample_project();
        let mut doc = Document::new(original.clone());
        assert!(!doc.is_dirty() && !doc.can_undo() && !doc.undo());
        retitle(&mut doc, "a");
        retitle(&mut doc, "b");
        assert_eq!(doc.undo_label(), Some("Rename project"));
        assert!(doc.undo());
        assert_eq!(doc.project().title, "a");
        assert_eq!(doc.redo_label(), Some("Rename project"));
        assert!(doc.redo());
        assert_eq!(doc.project().title, "b");
        assert!(doc.undo() && doc.undo());
        assert_eq!(doc.project(), &original);
        assert!(!doc.is_dirty(), "back at the saved state");
        assert!(!doc.undo());
    }

    #[test]
    fn a_new_edit_clears_redo_and_the_saved_state_stays_dirty_when_abandoned() {
        let mut doc = Document::new(sample_project());
        retitle(&mut doc, "a");
        doc.mark_saved();
        assert!(!doc.is_dirty());
        assert!(doc.undo());
        assert!(doc.is_dirty());
        retitle(&mut doc, "c");
        assert!(!doc.can_redo());
        assert!(doc.is_dirty());
        assert!(doc.undo());
        assert!(doc.is_dirty(), "the saved state 'a' is gone for good");
    }

    #[test]
    fn revisions_change_on_every_step_and_refused_edits_change_nothing() {
        let mut doc = Document::new(sample_project());
        let r0 = doc.revision();
        retitle(&mut doc, "a");
        let r1 = doc.revision();
        assert_ne!(r0, r1);
        assert!(
            doc.apply(Edit::RemoveClip(crate::model::ClipId(1)))
                .is_err()
        );
        assert_eq!(doc.revision(), r1);
        assert_eq!(doc.undo_label(), Some("Rename project"));
        doc.undo();
        assert_eq!(doc.revision(), r0);
        doc.redo();
        assert_eq!(doc.revision(), r1);
        assert!(Document::unsaved(sample_project()).is_dirty());
    }
}
