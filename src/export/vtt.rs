//! WebVTT captions and chapters timed by the plan, so every cue starts and
//! ends on the output frame where its item does. Times are written to the
//! millisecond, rounded, which is exact to the frame at 25 and 30 fps.

use std::path::{Path, PathBuf};

use super::plan::ReelPlan;

/// `HH:MM:SS.mmm` for output frame `frame`.
pub(crate) fn timestamp(frame: u32, fps: u32) -> String {
    let ms = (u64::from(frame) * 1000 + u64::from(fps) / 2) / u64::from(fps.max(1));
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// Cue text must not contain a blank line or "-->"; keep it one paragraph.
fn cue_text(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("-->", "→")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The captions file: one cue per item that has a caption.
pub(crate) fn captions(plan: &ReelPlan) -> String {
    let fps = plan.settings.fps;
    let mut out = String::from("WEBVTT\n");
    for item in plan.items.iter().filter(|i| !i.caption.is_empty()) {
        out.push_str(&format!(
            "\n{}\n{} --> {}\n{}\n",
            item.position,
            timestamp(item.out_start, fps),
            timestamp(item.out_end, fps),
            cue_text(&item.caption)
        ));
    }
    out
}

/// The chapters file: the title card, then "Moment N" per item. No clip or
/// file names: chapters show in players' menus.
pub(crate) fn chapters(plan: &ReelPlan) -> String {
    let fps = plan.settings.fps;
    let mut out = String::from("WEBVTT\n");
    if plan.title_frames() > 0 {
        out.push_str(&format!(
            "\ntitle\n{} --> {}\nTitle\n",
            timestamp(0, fps),
            timestamp(plan.title_frames(), fps)
        ));
    }
    for item in &plan.items {
        out.push_str(&format!(
            "\nmoment-{n}\n{} --> {}\nMoment {n}\n",
            timestamp(item.out_start, fps),
            timestamp(item.out_end, fps),
            n = item.position
        ));
    }
    out
}

/// `OUT.vtt` and `OUT.chapters.vtt` beside `OUT.mp4`.
pub(crate) fn sidecar_paths(mp4: &Path) -> (PathBuf, PathBuf) {
    (
        mp4.with_extension("vtt"),
        mp4.with_extension("chapters.vtt"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_land_on_frames() {
        assert_eq!(timestamp(0, 30), "00:00:00.000");
        assert_eq!(timestamp(1, 30), "00:00:00.033");
        assert_eq!(timestamp(2, 30), "00:00:00.067");
        assert_eq!(timestamp(25 * 3661, 25), "01:01:01.000");
        // Back from milliseconds to the frame, for every frame of an hour.
        for f in 0..30 * 3600 {
            let t = timestamp(f, 30);
            let ms: u64 = t[9..].parse::<u64>().unwrap()
                + 1000 * (t[6..8].parse::<u64>().unwrap() + 60 * t[3..5].parse::<u64>().unwrap());
            let ms = ms + 3_600_000 * t[0..2].parse::<u64>().unwrap();
            assert_eq!(((ms * 30 + 500) / 1000) as u32, f);
        }
    }

    #[test]
    fn cue_text_cannot_break_the_file() {
        assert_eq!(cue_text("a\n\nb --> c <i>"), "a b → c &lt;i&gt;");
    }
}
