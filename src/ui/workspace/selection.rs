//! Which clip is in the viewer and which moment is selected, and moving
//! between them.

use super::Workspace;
use crate::media::engine::PlayerCommand;
use crate::model::{ClipId, MomentId};

impl Workspace {
    /// Puts a clip in the viewer and the timeline (paused on frame 0).
    pub(super) fn show_clip(&mut self, id: ClipId) {
        if self.current == Some(id) {
            return;
        }
        self.commit_draft();
        let Some(clip) = self.doc.project().clip(id) else {
            return;
        };
        let path = self.clip_path(clip);
        self.current = Some(id);
        self.selected = None;
        self.mark_in = None;
        self.mark_out = None;
        self.timeline_view = Default::default();
        self.overviews.request(clip, path.clone());
        if self.offline.contains(&id) {
            self.viewer.close();
        } else {
            self.viewer.open(id, path);
        }
    }

    /// Selects a moment, showing its clip and landing on its first frame.
    pub(super) fn go_to_moment(&mut self, id: MomentId) {
        let Some(moment) = self.doc.project().moment(id) else {
            return;
        };
        let (clip, start) = (moment.clip, moment.start);
        self.show_clip(clip);
        self.commit_draft();
        self.selected = Some(id);
        self.viewer.send(PlayerCommand::SeekToFrame(start));
    }

    /// Up/Down: the moment before or after the selected one (or the
    /// playhead) on the current clip, in order of start frame.
    pub(super) fn neighbour_moment(&mut self, forward: bool) {
        let Some(clip) = self.current else {
            return;
        };
        let mut moments: Vec<(u32, u32, MomentId)> = self
            .doc
            .project()
            .moments
            .iter()
            .filter(|m| m.clip == clip)
            .map(|m| (m.start, m.id.0, m.id))
            .collect();
        moments.sort_unstable();
        let here = match self.selected.and_then(|id| self.doc.project().moment(id)) {
            Some(m) => (m.start, m.id.0),
            // From the playhead: a moment starting exactly here counts as next.
            None if forward => (self.viewer.frame(), 0),
            None => (self.viewer.frame(), u32::MAX),
        };
        let target = if forward {
            moments.iter().find(|(s, i, _)| (*s, *i) > here)
        } else {
            moments.iter().rev().find(|(s, i, _)| (*s, *i) < here)
        };
        if let Some(&(_, _, id)) = target {
            self.go_to_moment(id);
        }
    }
}
