//! Frame ↔ ms for a project's clips as annotation files need them: by the
//! rate for constant-rate clips, through the file's real timestamps for
//! variable-rate ones (read once per import or export, only for those
//! clips). Here, beside the other exports, so the CLI and the app (off
//! its UI thread) time annotations the same way.

use std::collections::HashMap;
use std::path::Path;

use crate::interchange::{ByRate, ClipTimes};
use crate::media::frame_clock::FrameClock;
use crate::model::{Clip, ClipId, Project};
use crate::store;

pub struct ProjectTimes {
    clocks: HashMap<ClipId, FrameClock>,
    /// Variable-rate clips whose file could not be read, with why: they are
    /// timed by their average rate, and may be a frame off.
    by_rate: Vec<(ClipId, String)>,
}

impl ProjectTimes {
    /// Reads the timestamps of the variable-rate clips (only `only`, when
    /// given). A clip whose file cannot be read is timed by its rate and
    /// listed in [`timed_by_rate`](Self::timed_by_rate) for the user.
    pub fn open(project_path: &Path, project: &Project, only: Option<ClipId>) -> Self {
        Self::with_paths(
            project,
            &|clip| Some(store::clip_path(project_path, clip)),
            only,
        )
    }

    /// As [`open`](Self::open), finding each clip's file through `path_of`
    /// (the app knows where relinked clips are); a clip it has no file for
    /// is timed by its rate.
    pub fn with_paths(
        project: &Project,
        path_of: &dyn Fn(&crate::model::Clip) -> Option<std::path::PathBuf>,
        only: Option<ClipId>,
    ) -> Self {
        let mut clocks = HashMap::new();
        let mut by_rate = Vec::new();
        for clip in &project.clips {
            if !clip.media.variable_frame_rate || only.is_some_and(|id| id != clip.id) {
                continue;
            }
            let Some(path) = path_of(clip) else {
                continue;
            };
            match FrameClock::open(&path, clip.media.frame_rate) {
                Ok(clock) => {
                    clocks.insert(clip.id, clock);
                }
                Err(e) => {
                    log::warn!(
                        "clip {} timed by its rate: {}",
                        clip.id.0,
                        crate::files::log::kind_of(&e)
                    );
                    by_rate.push((clip.id, e.to_string()));
                }
            }
        }
        Self { clocks, by_rate }
    }

    /// Variable-rate clips timed by their average rate, with why.
    pub fn timed_by_rate(&self) -> &[(ClipId, String)] {
        &self.by_rate
    }
}

impl ClipTimes for ProjectTimes {
    fn ms_of(&self, clip: &Clip, frame: u32) -> u64 {
        match self.clocks.get(&clip.id) {
            Some(clock) => clock.ms_of(frame),
            None => ByRate.ms_of(clip, frame),
        }
    }

    fn frame_of(&self, clip: &Clip, ms: u64) -> u64 {
        match self.clocks.get(&clip.id) {
            Some(clock) => clock.frame_of(ms),
            None => ByRate.frame_of(clip, ms),
        }
    }
}
