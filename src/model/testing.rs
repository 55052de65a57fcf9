//! A small realistic project for unit tests.

use super::*;
use chrono::{DateTime, NaiveDate};

pub(crate) fn sample_project() -> Project {
    let created = DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default();
    let vig = bundled().unwrap().remove(0);
    let mut consent = Consent::default();
    consent.set(
        ConsentUse::Therapy,
        Some(ConsentGrant::new(
            NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            "Dr Amani Okafor",
        )),
    );
    let clip = Clip {
        id: ClipId(1),
        name: "Bath time".into(),
        path: "clips/bath.mp4".into(),
        fingerprint: Fingerprint {
            size: 1234,
            hash: "ab".repeat(32),
        },
        media: MediaFacts {
            frame_rate: FrameRate::new(30000, 1001).unwrap(),
            frames: 900,
            duration_us: 30_030_000,
            width: 640,
            height: 360,
            display_width: 0,
            rotation: 0,
            video_codec: "h264".into(),
            audio_codec: Some("aac".into()),
            variable_frame_rate: false,
        },
        consent,
    };
    let moment = |id: u32, start: u32, end: u32, item: &str| Moment {
        id: MomentId(id),
        clip: ClipId(1),
        start,
        end,
        codes: vec![CodeRef::new("vig", item)],
        note: "Mother waits; infant initiates".into(),
        caption: "You waited, and she looked up at you".into(),
        participant: None,
        author: "Dr Amani Okafor".into(),
        created,
        modified: created,
    };
    Project {
        schema_version: SCHEMA_VERSION,
        title: "Family A, cycle 1".into(),
        created,
        clips: vec![clip],
        codebooks: vec![vig],
        moments: vec![
            moment(1, 30, 120, "waiting"),
            moment(2, 200, 200, "turning-towards"),
        ],
        reels: vec![Reel {
            id: ReelId(1),
            name: "First review".into(),
            purpose: ReelPurpose::Review,
            title_card: None,
            items: vec![ReelItem::for_moment(MomentId(1))],
            rendered: None,
        }],
        reviews: Vec::new(),
        people: Vec::new(),
        coders: Vec::new(),
    }
}

#[test]
fn the_sample_project_is_valid() {
    sample_project().validate().unwrap();
}
