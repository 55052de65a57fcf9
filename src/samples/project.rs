//! `sample_clips/sample.attune.json`: a project over the sample clips with
//! the moments their scripts stage, coded with VIG, and one review reel.
//! Built from the model and saved through the store, so it is always a file
//! the current Attune writes.

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};

use super::{SampleClip, scripted_moments};
use crate::model::{
    Clip, ClipId, CodeRef, Consent, ConsentGrant, ConsentUse, Hold, MediaFacts, Moment, MomentId,
    Project, Reel, ReelId, ReelItem, ReelPurpose, TitleCard, bundled,
};

pub(crate) const PROJECT_FILE: &str = "sample.attune.json";
const AUTHOR: &str = "R. Patel (health visitor)";

/// Builds the sample project over the clips already written in `dir`.
pub(crate) fn sample_project(dir: &Path) -> anyhow::Result<Project> {
    // Fixed times keep the generated file byte-for-byte reproducible.
    let created = fixed_time(1_793_527_200); // 2026-11-02 09:20 UTC
    let mut project = Project::new("Sam and Jo — play, feeding and bath", created);
    project.codebooks = bundled().context("reading the bundled codebooks")?;
    project.coders = vec![AUTHOR.into()];

    for (i, clip) in SampleClip::ALL.iter().enumerate() {
        let id = ClipId(i as u32 + 1);
        let path = dir.join(clip.file_name());
        project.clips.push(clip_entry(id, *clip, &path)?);
        for scripted in scripted_moments(*clip) {
            let moment_id = MomentId(project.moments.len() as u32 + 1);
            let when = fixed_time(1_793_534_400 + i64::from(moment_id.0) * 97);
            project.moments.push(Moment {
                id: moment_id,
                clip: id,
                start: scripted.start_frame,
                end: scripted.end_frame,
                codes: vec![CodeRef::new("vig", scripted.vig_item)],
                note: scripted.note.into(),
                caption: scripted.caption.into(),
                participant: None,
                author: AUTHOR.into(),
                created: when,
                modified: when,
            });
        }
    }
    project.reels.push(review_reel(&project));
    project
        .validate()
        .context("the generated sample project is not valid")?;
    Ok(project)
}

fn clip_entry(id: ClipId, clip: SampleClip, path: &Path) -> anyhow::Result<Clip> {
    let facts = crate::media::probe::probe(path)?;
    let fingerprint = crate::store::fingerprint(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let media = MediaFacts::try_from(&facts)
        .with_context(|| format!("{}: zero frame rate", path.display()))?;
    let (name, consent) = match clip {
        SampleClip::PlayMatLandscape => (
            "Play on the mat, week 1",
            consent(
                &[
                    ConsentUse::Therapy,
                    ConsentUse::Supervision,
                    ConsentUse::Teaching,
                ],
                None,
            ),
        ),
        SampleClip::FeedingPortrait => (
            "Feeding in the armchair (phone)",
            // Jo agreed to teaching use, then withdrew it: it must count as none.
            consent(
                &[
                    ConsentUse::Therapy,
                    ConsentUse::Supervision,
                    ConsentUse::Teaching,
                ],
                Some(ConsentUse::Teaching),
            ),
        ),
        SampleClip::BathNoAudio => (
            "Bath time (no sound)",
            consent(&[ConsentUse::Therapy], None),
        ),
    };
    Ok(Clip {
        id,
        name: name.into(),
        path: clip.file_name().into(),
        fingerprint,
        media,
        consent,
    })
}

fn consent(given: &[ConsentUse], withdrawn: Option<ConsentUse>) -> Consent {
    let on = NaiveDate::from_ymd_opt(2026, 10, 26).unwrap_or_default();
    let mut consent = Consent::default();
    for &used_for in given {
        consent.set(used_for, Some(ConsentGrant::new(on, AUTHOR)));
    }
    if let Some(used_for) = withdrawn {
        let later = NaiveDate::from_ymd_opt(2026, 11, 9).unwrap_or_default();
        consent.withdraw(used_for, later, AUTHOR);
    }
    consent
}

/// Three or four short positive moments, as a VIG shared review has: one
/// slowed down, one with a freeze frame for "what do you notice here?".
fn review_reel(project: &Project) -> Reel {
    let play_mat = project.moments_of(ClipId(1));
    let feeding = project.moments_of(ClipId(2));
    let chosen: Vec<&Moment> = play_mat
        .iter()
        .take(3)
        .chain(feeding.first())
        .copied()
        .collect();
    let items = chosen
        .iter()
        .enumerate()
        .map(|(i, moment)| {
            let mut item = ReelItem::for_moment(moment.id);
            if i == 1 {
                item.speed_percent = 50;
            }
            if i == 0 {
                item.hold = Some(Hold {
                    frame: moment.start + (moment.end - moment.start) / 2,
                    duration_ms: 2000,
                });
            }
            item
        })
        .collect();
    Reel {
        id: ReelId(1),
        name: "First review with Jo".into(),
        purpose: ReelPurpose::Review,
        title_card: Some(TitleCard {
            title: "Jo and Sam".into(),
            subtitle: "Moments that went well".into(),
            duration_ms: 3000,
        }),
        items,
        rendered: None,
    }
}

fn fixed_time(unix: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(unix, 0).unwrap_or_default()
}

/// Writes the sample project beside the clips in `dir`, leaving no backup.
pub(crate) fn write_sample_project(dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    let project = sample_project(dir)?;
    let path = dir.join(PROJECT_FILE);
    crate::store::save(&path, &project)?;
    // The store keeps the previous version as .bak for users; a generated
    // file has no previous version worth keeping.
    let bak = crate::store::save::backup_path(&path);
    if bak.exists() {
        std::fs::remove_file(&bak).with_context(|| format!("removing {}", bak.display()))?;
    }
    Ok(path)
}
