//! A reel is an ordered cut of moments watched with the parent, a supervisor
//! or an audience. It holds references, never copies, so correcting a moment
//! corrects every reel that uses it.

use super::consent::ConsentUse;
use super::ids::{MomentId, ReelId};
use super::moment::Moment;
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

/// Reels are slowed down, never sped up: the point is to see more.
pub const SPEED_PERCENT_RANGE: RangeInclusive<u8> = 25..=100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReelPurpose {
    /// A shared review with the family.
    Review,
    Supervision,
    Teaching,
}

impl ReelPurpose {
    /// The consent every clip in the reel needs.
    pub fn required_consent(self) -> ConsentUse {
        match self {
            ReelPurpose::Review => ConsentUse::Therapy,
            ReelPurpose::Supervision => ConsentUse::Supervision,
            ReelPurpose::Teaching => ConsentUse::Teaching,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitleCard {
    pub title: String,
    pub subtitle: String,
    pub duration_ms: u32,
}

/// A freeze frame shown for a while, as VIG reviews do with stills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    /// Absolute source frame, inside the item's span.
    pub frame: u32,
    pub duration_ms: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReelItem {
    pub moment: MomentId,
    /// Added to the moment's start: negative shows lead-in, positive cuts.
    pub trim_start: i32,
    /// Added to the moment's end: positive shows more, negative cuts.
    pub trim_end: i32,
    pub speed_percent: u8,
    pub hold: Option<Hold>,
    /// `None` shows the moment's caption. The clinical note is never used.
    pub caption: Option<String>,
    /// A question the specialist means to ask at this item ("What do you
    /// notice here?"). Presenter view only: never shown to the parent,
    /// never rendered.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prompt: String,
}

impl ReelItem {
    pub fn for_moment(moment: MomentId) -> Self {
        Self {
            moment,
            trim_start: 0,
            trim_end: 0,
            speed_percent: 100,
            hold: None,
            caption: None,
            prompt: String::new(),
        }
    }

    /// The trimmed span before clamping; `None` when trims cross over.
    pub fn raw_span(&self, moment: &Moment) -> Option<(i64, i64)> {
        let start = i64::from(moment.start) + i64::from(self.trim_start);
        let end = i64::from(moment.end) + i64::from(self.trim_end);
        (start <= end).then_some((start, end))
    }

    /// Inclusive source frames the item plays, kept inside the clip.
    pub fn span(&self, moment: &Moment, clip_frames: u32) -> (u32, u32) {
        let last = i64::from(clip_frames.saturating_sub(1));
        let start = i64::from(moment.start) + i64::from(self.trim_start);
        let end = i64::from(moment.end) + i64::from(self.trim_end);
        let start = start.clamp(0, last);
        let end = end.clamp(start, last);
        // Both are within 0..=u32::MAX - 1 after clamping.
        (
            u32::try_from(start).unwrap_or(0),
            u32::try_from(end).unwrap_or(0),
        )
    }

    /// The caption a viewer sees for this item.
    pub fn shown_caption<'a>(&'a self, moment: &'a Moment) -> &'a str {
        self.caption.as_deref().unwrap_or(&moment.caption)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reel {
    pub id: ReelId,
    pub name: String,
    pub purpose: ReelPurpose,
    pub title_card: Option<TitleCard>,
    pub items: Vec<ReelItem>,
    /// The last render, so a review can fall back to it when the source
    /// clips are not at hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendered: Option<RenderedFile>,
}

/// Where a reel was last rendered, and what the reel was then.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedFile {
    /// Stored like clip paths: relative to the project's folder when inside it.
    pub path: String,
    /// `Reel::content_digest` when rendered: any later change makes it stale.
    pub digest: String,
    pub rendered: chrono::DateTime<chrono::Utc>,
}

impl Reel {
    /// A fingerprint of what the reel shows (purpose, title card, items),
    /// not of its name or render record.
    pub fn content_digest(&self) -> String {
        let shown =
            serde_json::to_vec(&(&self.purpose, &self.title_card, &self.items)).unwrap_or_default();
        blake3::hash(&shown).to_hex().to_string()
    }

    /// The last render, if it still shows what the reel shows now.
    pub fn current_render(&self) -> Option<&RenderedFile> {
        self.rendered
            .as_ref()
            .filter(|r| r.digest == self.content_digest())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ids::ClipId;
    use chrono::DateTime;

    fn moment(start: u32, end: u32) -> Moment {
        Moment {
            id: MomentId(1),
            clip: ClipId(1),
            start,
            end,
            codes: vec![],
            note: "clinical".into(),
            caption: "You waited for her".into(),
            participant: None,
            author: "A".into(),
            created: DateTime::UNIX_EPOCH,
            modified: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn spans_trim_and_clamp_to_the_clip() {
        let m = moment(10, 20);
        let mut item = ReelItem::for_moment(m.id);
        assert_eq!(item.span(&m, 100), (10, 20));
        item.trim_start = -15;
        item.trim_end = 200;
        assert_eq!(item.span(&m, 100), (0, 99));
        item.trim_start = 5;
        item.trim_end = -5;
        assert_eq!(item.span(&m, 100), (15, 15));
        item.trim_start = 8;
        assert_eq!(item.raw_span(&m), None);
        assert_eq!(item.span(&m, 100), (18, 18), "crossed trims never invert");
    }

    #[test]
    fn captions_fall_back_to_the_moment_never_the_note() {
        let m = moment(1, 2);
        let mut item = ReelItem::for_moment(m.id);
        assert_eq!(item.shown_caption(&m), "You waited for her");
        item.caption = Some("Turn-taking".into());
        assert_eq!(item.shown_caption(&m), "Turn-taking");
        assert_eq!(ReelPurpose::Review.required_consent(), ConsentUse::Therapy);
    }
}
