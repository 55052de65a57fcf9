//! The render plan: a pure function from a reel to exactly which source frame
//! every output frame shows. The renderer follows it, the tests check the
//! decoded output against it, and the subtitles and chapters are timed by it,
//! so all three agree to the frame.
//!
//! Timing is rational: an item plays source frames `start..=end` of a clip
//! at `num/den` fps, slowed to `speed`% and shown at the output rate. Output
//! frame `j` of the playing part shows relative source frame
//! `floor(j * src_rate * speed / (100 * out_rate))`, so slow motion is made
//! of exact repeats and a different source rate drops or repeats frames by
//! time, never by drift.

use crate::model::{ClipId, MomentId, Project, Reel};

/// Output rates and heights the renderer offers.
pub(crate) const HEIGHTS: [u32; 2] = [720, 1080];
pub(crate) const FRAME_RATES: [u32; 2] = [25, 30];
/// Audio is always written at this rate, so every output frame carries a
/// whole number of samples at 25 and 30 fps.
pub(crate) const AUDIO_RATE: u32 = 48_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputSettings {
    /// 720 or 1080; the width is 16:9.
    pub height: u32,
    /// 25 or 30.
    pub fps: u32,
}

impl Default for OutputSettings {
    fn default() -> Self {
        Self {
            height: 720,
            fps: 25,
        }
    }
}

impl OutputSettings {
    pub fn width(&self) -> u32 {
        self.height * 16 / 9
    }

    /// Audio samples (per channel) under one output frame.
    pub fn samples_per_frame(&self) -> u32 {
        AUDIO_RATE / self.fps.max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("output height {0} is not offered (720 or 1080)")]
    Height(u32),
    #[error("output rate {0} fps is not offered (25 or 30)")]
    FrameRate(u32),
    #[error("reel item {position} refers to moment {moment}, which is not in the project")]
    MomentMissing { position: usize, moment: u32 },
    #[error("reel item {position}: moment {moment}'s clip {clip} is not in the project")]
    ClipMissing {
        position: usize,
        moment: u32,
        clip: u32,
    },
    #[error("reel item {position}: speed {speed}% is outside 25..=100")]
    Speed { position: usize, speed: u8 },
    #[error("reel item {position}: the clip has no usable frame rate")]
    SourceRate { position: usize },
    #[error("reel item {position}: hold frame {frame} is outside frames {start}..={end}")]
    HoldOutside {
        position: usize,
        frame: u32,
        start: u32,
        end: u32,
    },
    #[error("the reel has nothing to show")]
    Empty,
}

/// One output frame of an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown {
    /// Absolute source frame index.
    pub source: u32,
    /// A freeze-frame repeat (silent), not part of the playing picture.
    pub hold: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedTitle {
    pub title: String,
    pub subtitle: String,
    pub frames: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedItem {
    /// 1-based position in the reel.
    pub position: usize,
    pub moment: MomentId,
    pub clip: ClipId,
    /// Inclusive source frame range.
    pub source_start: u32,
    pub source_end: u32,
    pub source_rate: (u32, u32),
    pub speed_percent: u8,
    /// The held frame and how many output frames the hold lasts.
    pub hold: Option<(u32, u32)>,
    /// Parent-facing caption (never the clinical note); may be empty.
    pub caption: String,
    /// Output frames `out_start..out_end`.
    pub out_start: u32,
    pub out_end: u32,
    /// One entry per output frame of this item, in order.
    pub frames: Vec<Shown>,
}

impl PlannedItem {
    /// Audio follows the picture only at normal speed.
    pub fn plays_audio(&self) -> bool {
        self.speed_percent >= 100
    }

    /// The frame a still shows: the hold frame, else the middle frame.
    pub fn still_frame(&self) -> u32 {
        match self.hold {
            Some((frame, _)) => frame,
            None => self.source_start + (self.source_end - self.source_start) / 2,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReelPlan {
    pub settings: OutputSettings,
    pub title: Option<PlannedTitle>,
    pub items: Vec<PlannedItem>,
    pub total_frames: u32,
}

/// What one output frame should show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected<'a> {
    Title,
    Item { item: &'a PlannedItem, shown: Shown },
}

impl ReelPlan {
    pub fn title_frames(&self) -> u32 {
        self.title.as_ref().map_or(0, |t| t.frames)
    }

    /// What output frame `out` shows; `None` past the end.
    pub fn expected(&self, out: u32) -> Option<Expected<'_>> {
        if out < self.title_frames() {
            return Some(Expected::Title);
        }
        let item = self
            .items
            .iter()
            .find(|i| (i.out_start..i.out_end).contains(&out))?;
        let shown = *item.frames.get((out - item.out_start) as usize)?;
        Some(Expected::Item { item, shown })
    }

    pub fn duration_s(&self) -> f64 {
        f64::from(self.total_frames) / f64::from(self.settings.fps)
    }
}

/// Output frames lasting `ms` milliseconds (rounded to the nearest frame).
fn frames_for_ms(ms: u32, fps: u32) -> u32 {
    ((u64::from(ms) * u64::from(fps) + 500) / 1000) as u32
}

/// Plans a reel. Pure: no media is touched, so it also serves previews.
pub fn plan_reel(
    project: &Project,
    reel: &Reel,
    settings: OutputSettings,
) -> Result<ReelPlan, PlanError> {
    if !HEIGHTS.contains(&settings.height) {
        return Err(PlanError::Height(settings.height));
    }
    if !FRAME_RATES.contains(&settings.fps) {
        return Err(PlanError::FrameRate(settings.fps));
    }
    let title = reel
        .title_card
        .as_ref()
        .map(|card| PlannedTitle {
            title: card.title.clone(),
            subtitle: card.subtitle.clone(),
            frames: frames_for_ms(card.duration_ms, settings.fps),
        })
        .filter(|t| t.frames > 0);
    let mut next = title.as_ref().map_or(0, |t| t.frames);
    let mut items = Vec::with_capacity(reel.items.len());
    for (index, item) in reel.items.iter().enumerate() {
        let position = index + 1;
        let moment = project
            .moment(item.moment)
            .ok_or(PlanError::MomentMissing {
                position,
                moment: item.moment.0,
            })?;
        let clip = project.clip(moment.clip).ok_or(PlanError::ClipMissing {
            position,
            moment: moment.id.0,
            clip: moment.clip.0,
        })?;
        if !crate::model::SPEED_PERCENT_RANGE.contains(&item.speed_percent) {
            return Err(PlanError::Speed {
                position,
                speed: item.speed_percent,
            });
        }
        let rate = (clip.media.frame_rate.num, clip.media.frame_rate.den);
        if rate.0 == 0 || rate.1 == 0 {
            return Err(PlanError::SourceRate { position });
        }
        let (start, end) = item.span(moment, clip.media.frames);
        let hold = match item.hold {
            Some(h) if !(start..=end).contains(&h.frame) => {
                return Err(PlanError::HoldOutside {
                    position,
                    frame: h.frame,
                    start,
                    end,
                });
            }
            Some(h) => Some((h.frame, frames_for_ms(h.duration_ms, settings.fps))),
            None => None,
        };
        let frames = item_frames(start, end, rate, item.speed_percent, settings.fps, hold);
        let count = frames.len() as u32;
        items.push(PlannedItem {
            position,
            moment: moment.id,
            clip: clip.id,
            source_start: start,
            source_end: end,
            source_rate: rate,
            speed_percent: item.speed_percent,
            hold,
            caption: item.shown_caption(moment).trim().to_owned(),
            out_start: next,
            out_end: next + count,
            frames,
        });
        next += count;
    }
    if next == 0 {
        return Err(PlanError::Empty);
    }
    Ok(ReelPlan {
        settings,
        title,
        items,
        total_frames: next,
    })
}

/// The output frames of one item: the playing part timed rationally, with
/// the hold's repeats placed right after the held frame's last showing.
fn item_frames(
    start: u32,
    end: u32,
    (num, den): (u32, u32),
    speed: u8,
    fps: u32,
    hold: Option<(u32, u32)>,
) -> Vec<Shown> {
    let n = u64::from(end - start + 1);
    // Relative source frame of output j = floor(j * step_num / step_den).
    let step_num = u64::from(num) * u64::from(speed);
    let step_den = 100 * u64::from(fps) * u64::from(den);
    // The smallest count whose last frame still falls inside the span.
    let play = (n * step_den).div_ceil(step_num);
    let mut frames = Vec::with_capacity(play as usize + hold.map_or(0, |h| h.1 as usize));
    let mut held = hold.is_none();
    for j in 0..play {
        let rel = (j * step_num / step_den).min(n - 1) as u32;
        let source = start + rel;
        if let Some((frame, count)) = hold
            && !held
            && source > frame
        {
            // The held frame was dropped by rate conversion: hold it here.
            push_hold(&mut frames, frame, count);
            held = true;
        }
        frames.push(Shown {
            source,
            hold: false,
        });
        if let Some((frame, count)) = hold
            && !held
            && source == frame
            && next_rel(j + 1, step_num, step_den, n) != Some(rel)
        {
            push_hold(&mut frames, frame, count);
            held = true;
        }
    }
    if let Some((frame, count)) = hold
        && !held
    {
        push_hold(&mut frames, frame, count);
    }
    frames
}

fn next_rel(j: u64, step_num: u64, step_den: u64, n: u64) -> Option<u32> {
    let rel = j * step_num / step_den;
    (rel < n).then_some(rel as u32)
}

fn push_hold(frames: &mut Vec<Shown>, frame: u32, count: u32) {
    frames.extend((0..count).map(|_| Shown {
        source: frame,
        hold: true,
    }));
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
