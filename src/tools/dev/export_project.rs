//! `attune dev bench-export-project CLIP OUT.json`: the speed benchmark's
//! project: six 8-second moments of one clip, each held for 2 s on its last
//! frame and captioned, in a 720p review reel. The project must sit in the
//! clip's folder (clip paths are relative to the project).

use std::path::Path;

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};

use crate::media::probe::probe;
use crate::model::{
    Clip, ClipId, Consent, ConsentGrant, ConsentUse, Hold, MediaFacts, Moment, MomentId, Project,
    Reel, ReelId, ReelItem, ReelPurpose,
};

pub(crate) const ITEMS: u32 = 6;
pub(crate) const ITEM_SECONDS: u32 = 8;
pub(crate) const HOLD_MS: u32 = 2000;

/// The captions, also used by the benchmark's ffmpeg command line.
pub(crate) fn caption(n: u32) -> String {
    format!("Moment {n}: you waited, and she answered you")
}

pub(crate) fn make_project(clip_path: &Path, out: &Path) -> anyhow::Result<()> {
    let report = probe(clip_path)?;
    let file_name = clip_path
        .file_name()
        .and_then(|n| n.to_str())
        .context("the clip's file name is not UTF-8")?;
    let fps = report.fps_num / report.fps_den.max(1);
    let per_item = ITEM_SECONDS * fps;
    anyhow::ensure!(
        report.frames >= ITEMS * per_item,
        "the clip has {} frames; the benchmark needs {}",
        report.frames,
        ITEMS * per_item
    );
    let created = DateTime::<Utc>::UNIX_EPOCH;
    let mut project = Project::new("Export benchmark", created);
    let mut consent = Consent::default();
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).context("date")?;
    consent.set(ConsentUse::Therapy, Some(ConsentGrant::new(day, "bench")));
    project.clips.push(Clip {
        id: ClipId(1),
        name: "Benchmark clip".into(),
        path: file_name.to_owned(),
        fingerprint: crate::store::fingerprint(clip_path)?,
        media: MediaFacts::try_from(&report).context("frame rate")?,
        consent,
    });
    let mut items = Vec::new();
    for n in 1..=ITEMS {
        let start = (n - 1) * per_item;
        let end = start + per_item - 1;
        project.moments.push(Moment {
            id: MomentId(n),
            clip: ClipId(1),
            start,
            end,
            codes: vec![],
            note: format!("bench note {n}"),
            caption: caption(n),
            participant: None,
            author: "bench".into(),
            created,
            modified: created,
        });
        items.push(ReelItem {
            hold: Some(Hold {
                frame: end,
                duration_ms: HOLD_MS,
            }),
            ..ReelItem::for_moment(MomentId(n))
        });
    }
    project.reels.push(Reel {
        id: ReelId(1),
        name: "bench".into(),
        purpose: ReelPurpose::Review,
        title_card: None,
        items,
        rendered: None,
    });
    crate::store::save(out, &project)?;
    Ok(())
}
