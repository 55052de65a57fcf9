//! The supervision sample: the sample project with a supervisor's second
//! pass over the mat clip, so the agreement, compare mode and blind coding
//! can be tried (and tested) on real footage. The pass mostly agrees, a
//! little shifted as a second coder's would be; it codes one stretch
//! differently, misses one moment and sees one the first coder did not.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::project::sample_project;
use crate::model::{ClipId, CodeRef, Moment, MomentId, Project};

pub(crate) const SUPERVISION_FILE: &str = "supervision.attune.json";
pub(crate) const SUPERVISOR: &str = "M. Okafor (supervisor)";

/// (first frame, last frame, VIG item) of the supervisor's moments.
const SECOND_PASS: [(u32, u32, &str); 5] = [
    (4, 128, "initiative-by-infant"),
    (140, 200, "returning-eye-contact-smiling-nodding"),
    (205, 380, "waiting"),
    (410, 520, "waiting"),
    (600, 612, "initiative-by-parent"),
];

pub(crate) fn supervision_project(dir: &Path) -> anyhow::Result<Project> {
    let mut project = sample_project(dir)?;
    project.title = "Sam and Jo — supervision: two coders on the mat clip".into();
    // Reels and reviews are the first coder's work with the family.
    project.reels.clear();
    project.reviews.clear();
    let when = project.created;
    for (start, end, item) in SECOND_PASS {
        let id = MomentId(project.moments.len() as u32 + 1);
        project.moments.push(Moment {
            id,
            clip: ClipId(1),
            start,
            end,
            codes: vec![CodeRef::new("vig", item)],
            note: String::new(),
            caption: String::new(),
            participant: None,
            author: SUPERVISOR.into(),
            created: when,
            modified: when,
        });
    }
    project.coders.push(SUPERVISOR.into());
    project
        .validate()
        .context("the generated supervision sample is not valid")?;
    Ok(project)
}

pub(crate) fn write_supervision_project(dir: &Path) -> anyhow::Result<PathBuf> {
    let project = supervision_project(dir)?;
    let path = dir.join(SUPERVISION_FILE);
    crate::store::save(&path, &project)?;
    let bak = crate::store::save::backup_path(&path);
    if bak.exists() {
        std::fs::remove_file(&bak).with_context(|| format!("removing {}", bak.display()))?;
    }
    Ok(path)
}
