//! Support for the crash test (`attune dev save-loop`): a child process
//! saves a known sequence of states until it is killed.

use crate::model::{
    Category, Clip, ClipId, CodeItem, CodeRef, Codebook, Colour, Consent, Fingerprint, FrameRate,
    MediaFacts, Moment, MomentId, Project, Reel, ReelId, ReelItem, ReelPurpose, SCHEMA_VERSION,
};
use crate::store::save;
use chrono::{DateTime, Duration};
use std::io::Write;
use std::path::Path;

/// State number `n` of the crash test. Sizes vary with `n` so a torn write
/// would show up as a file that does not parse or does not match.
pub fn crash_state(n: u64) -> Project {
    let created = DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default();
    let codebook = Codebook {
        id: "crash".into(),
        name: "Crash test".into(),
        method: "none".into(),
        description: String::new(),
        categories: vec![Category {
            id: "c".into(),
            name: "Category".into(),
            colour: Colour::new(0x7f, 0xa7, 0xc9),
            items: vec![CodeItem {
                id: "waiting".into(),
                name: "Waiting".into(),
                description: String::new(),
                colour: None,
                hotkey: Some('1'),
            }],
        }],
    };
    let clip = Clip {
        id: ClipId(1),
        name: "Floor play".into(),
        path: "floor play.mp4".into(),
        fingerprint: Fingerprint {
            size: 1_000 + n,
            hash: format!("{:064x}", n),
        },
        media: MediaFacts {
            frame_rate: FrameRate { num: 25, den: 1 },
            frames: 100_000,
            duration_us: 4_000_000_000,
            width: 640,
            height: 360,
            display_width: 0,
            rotation: 0,
            video_codec: "h264".into(),
            audio_codec: None,
            variable_frame_rate: false,
        },
        consent: Consent::default(),
    };
    let count = (n % 23 + (n / 7) % 5) as u32;
    let moments: Vec<Moment> = (0..count)
        .map(|i| {
            let start = (i * 97 + n as u32 % 1000) % 99_000;
            Moment {
                id: MomentId(i + 1),
                clip: ClipId(1),
                start,
                end: start + i % 50,
                codes: vec![CodeRef::new("crash", "waiting")],
                note: format!("state {n}, moment {i}: {}", "ñ".repeat((i % 7) as usize)),
                caption: "You waited for her".repeat((n % 3) as usize + 1),
                participant: None,
                author: "crash test".into(),
                created,
                modified: created + Duration::seconds(n as i64),
            }
        })
        .collect();
    let reels = match moments.first() {
        Some(first) => vec![Reel {
            id: ReelId(1),
            name: format!("Reel {n}"),
            purpose: ReelPurpose::Review,
            title_card: None,
            items: vec![ReelItem::for_moment(first.id)],
            rendered: None,
        }],
        None => Vec::new(),
    };
    Project {
        schema_version: SCHEMA_VERSION,
        title: format!("crash state {n}"),
        created,
        clips: vec![clip],
        codebooks: vec![codebook],
        moments,
        reels,
        reviews: Vec::new(),
        people: Vec::new(),
        coders: Vec::new(),
    }
}

/// Saves `crash_state(0)`, `crash_state(1)`, … forever, printing `saved {n}`
/// after each save has returned. Only returns on error.
pub(crate) fn save_loop(path: &Path) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    for n in 0.. {
        save(path, &crash_state(n))?;
        let mut out = stdout.lock();
        writeln!(out, "saved {n}")?;
        out.flush()?;
    }
    Ok(())
}
