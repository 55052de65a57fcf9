//! Which clip is in the viewer and which moment is selected, and moving
//! between them.

use super::Workspace;
use crate::media::engine::PlayerCommand;
use crate::model::{ClipId, MomentId};

impl Workspace {
    /// Puts a clip in the viewer and the timeline (paused on frame 0).
    pub(super) fn show_clip(&mut self, id: ClipId) {
        if self.transport.current == Some(id) {
            return;
        }
        self.commit_draft();
        let Some(clip) = self.session.doc.project().clip(id) else {
            return;
        };
        let path = self.clip_path(clip);
        self.transport.current = Some(id);
        self.moments.selected = None;
        self.transport.mark_in = None;
        self.transport.mark_out = None;
        self.transport.timeline_view = Default::default();
        self.transport.overviews.request(clip, path.clone());
        if self.bin.offline.contains(&id) {
            self.transport.viewer.close();
        } else {
            self.transport.viewer.open(id, path);
        }
    }

    /// Selects a moment, showing its clip and landing on its first frame.
    pub(super) fn go_to_moment(&mut self, id: MomentId) {
        let Some(moment) = self.session.doc.project().moment(id) else {
            return;
        };
        let (clip, start) = (moment.clip, moment.start);
        self.show_clip(clip);
        self.commit_draft();
        self.moments.selected = Some(id);
        self.transport
            .viewer
            .send(PlayerCommand::SeekToFrame(start));
    }

    /// Up/Down: the moment before or after the selected one (or the
    /// playhead) on the current clip, in order of start frame.
    pub(super) fn neighbour_moment(&mut self, forward: bool) {
        let Some(clip) = self.transport.current else {
            return;
        };
        let mut moments: Vec<(u32, u32, MomentId)> = self
            .session
            .doc
            .project()
            .moments
            .iter()
            .filter(|m| m.clip == clip && self.coding.shows(m))
            .map(|m| (m.start, m.id.0, m.id))
            .collect();
        moments.sort_unstable();
        let here = match self
            .moments
            .selected
            .and_then(|id| self.session.doc.project().moment(id))
        {
            Some(m) => (m.start, m.id.0),
            // From the playhead: a moment starting exactly here counts as next.
            None if forward => (self.transport.viewer.frame(), 0),
            None => (self.transport.viewer.frame(), u32::MAX),
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
