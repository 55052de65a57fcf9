use super::clip::Clip;
use super::codebook::Codebook;
use super::consent::ConsentUse;
use super::error::ValidationError;
use super::ids::{ClipId, MomentId, ReelId, ReviewId};
use super::moment::Moment;
use super::participant::{Participant, is_role_word};
use super::reel::{Reel, SPEED_PERCENT_RANGE};
use super::review::ReviewLog;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The project file format version this build writes. Older files are
/// migrated on load (see `store::migrate`).
pub const SCHEMA_VERSION: u32 = 5;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub schema_version: u32,
    pub title: String,
    pub created: DateTime<Utc>,
    #[serde(default)]
    pub clips: Vec<Clip>,
    #[serde(default)]
    pub codebooks: Vec<Codebook>,
    #[serde(default)]
    pub moments: Vec<Moment>,
    #[serde(default)]
    pub reels: Vec<Reel>,
    /// One entry per shared review held (schema 3).
    #[serde(default)]
    pub reviews: Vec<ReviewLog>,
    /// The people in the clips besides the parent and infant roles (a
    /// second parent, a sibling), by the names moments use (schema 4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<String>,
    /// Everyone who codes in the project (trainee, supervisor, second
    /// researcher), by the names moments carry as their author (schema 5).
    /// A moment's author is its coder; moments of a name not listed here
    /// (hand-edited files) still count as that coder's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coders: Vec<String>,
}

impl Project {
    pub fn new(title: impl Into<String>, created: DateTime<Utc>) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            title: title.into(),
            created,
            clips: Vec::new(),
            codebooks: Vec::new(),
            moments: Vec::new(),
            reels: Vec::new(),
            reviews: Vec::new(),
            people: Vec::new(),
            coders: Vec::new(),
        }
    }

    /// Every coder: the project's list, then any moment author missing
    /// from it, in the order first seen. Blank authors are nobody's.
    pub fn all_coders(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self.coders.iter().map(String::as_str).collect();
        for moment in &self.moments {
            let author = moment.author.as_str();
            if !author.trim().is_empty() && !all.contains(&author) {
                all.push(author);
            }
        }
        all
    }

    /// The coders with moments on `clip`, in the order of [`all_coders`](Self::all_coders).
    pub fn coders_on(&self, clip: ClipId) -> Vec<&str> {
        self.all_coders()
            .into_iter()
            .filter(|c| {
                self.moments
                    .iter()
                    .any(|m| m.clip == clip && m.author == *c)
            })
            .collect()
    }

    pub fn review(&self, id: ReviewId) -> Option<&ReviewLog> {
        self.reviews.iter().find(|r| r.id == id)
    }

    pub fn next_review_id(&self) -> ReviewId {
        ReviewId(self.reviews.iter().map(|r| r.id.0).max().unwrap_or(0) + 1)
    }

    pub fn clip(&self, id: ClipId) -> Option<&Clip> {
        self.clips.iter().find(|c| c.id == id)
    }

    pub fn moment(&self, id: MomentId) -> Option<&Moment> {
        self.moments.iter().find(|m| m.id == id)
    }

    pub fn reel(&self, id: ReelId) -> Option<&Reel> {
        self.reels.iter().find(|r| r.id == id)
    }

    pub fn codebook(&self, id: &str) -> Option<&Codebook> {
        self.codebooks.iter().find(|c| c.id == id)
    }

    pub fn next_clip_id(&self) -> ClipId {
        ClipId(self.clips.iter().map(|c| c.id.0 + 1).max().unwrap_or(1))
    }

    pub fn next_moment_id(&self) -> MomentId {
        MomentId(self.moments.iter().map(|m| m.id.0 + 1).max().unwrap_or(1))
    }

    pub fn next_reel_id(&self) -> ReelId {
        ReelId(self.reels.iter().map(|r| r.id.0 + 1).max().unwrap_or(1))
    }

    /// A clip's moments in timeline order.
    pub fn moments_of(&self, clip: ClipId) -> Vec<&Moment> {
        let mut moments: Vec<_> = self.moments.iter().filter(|m| m.clip == clip).collect();
        moments.sort_by_key(|m| (m.start, m.end, m.id));
        moments
    }

    /// Reels that play a moment; a moment in a reel cannot be removed.
    pub fn reels_using(&self, moment: MomentId) -> impl Iterator<Item = &Reel> {
        self.reels
            .iter()
            .filter(move |r| r.items.iter().any(|i| i.moment == moment))
    }

    /// Clips in a reel whose consent does not (or no longer) cover the
    /// reel's purpose. Not a validity rule: consent can be withdrawn after a
    /// reel was cut, and the reel must still open; export refuses instead.
    pub fn clips_lacking_consent(&self, reel: &Reel) -> Vec<ClipId> {
        let needed = reel.purpose.required_consent();
        let mut lacking: Vec<ClipId> = reel
            .items
            .iter()
            .filter_map(|item| self.moment(item.moment))
            .filter_map(|m| self.clip(m.clip))
            .filter(|c| !c.consent.allows(needed))
            .map(|c| c.id)
            .collect();
        lacking.sort();
        lacking.dedup();
        lacking
    }

    /// Consent recorded on a day that has not come yet is a typing mistake, and
    /// it would make a withdrawal look older than the grant. `today` is the
    /// caller's (the model has no clock); a day's grace covers time zones.
    pub fn check_consent_dates(&self, today: chrono::NaiveDate) -> Result<(), ValidationError> {
        let latest = today.succ_opt().unwrap_or(today);
        for clip in &self.clips {
            for used in [
                ConsentUse::Therapy,
                ConsentUse::Supervision,
                ConsentUse::Teaching,
            ] {
                let Some(grant) = clip.consent.get(used) else {
                    continue;
                };
                for (what, date) in [
                    ("given", Some(grant.given_on)),
                    ("withdrawn", grant.withdrawn_on),
                ] {
                    if let Some(date) = date
                        && date > latest
                    {
                        return Err(ValidationError::ConsentInFuture {
                            clip: clip.id,
                            what: format!("{used:?} consent {what}").to_lowercase(),
                            date,
                            today,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks every rule the editor relies on; loading and every edit use it.
    pub fn validate(&self) -> Result<(), ValidationError> {
        use super::limits::{self, MAX_ITEMS, MAX_MOMENTS, MAX_NAME_CHARS};
        limits::text(|| "the project title".into(), &self.title, MAX_NAME_CHARS)?;
        limits::count("clips", self.clips.len(), MAX_ITEMS)?;
        limits::count("codebooks", self.codebooks.len(), MAX_ITEMS)?;
        limits::count("moments", self.moments.len(), MAX_MOMENTS)?;
        limits::count("reels", self.reels.len(), MAX_ITEMS)?;
        limits::count("review logs", self.reviews.len(), MAX_ITEMS)?;
        limits::count("people", self.people.len(), MAX_ITEMS)?;
        let mut people = HashSet::new();
        for name in &self.people {
            limits::text(|| format!("person '{name}'"), name, MAX_NAME_CHARS)?;
            if name.trim().is_empty() || name.trim() != name || is_role_word(name) {
                return Err(ValidationError::BadPersonName(name.clone()));
            }
            if !people.insert(name.as_str()) {
                return Err(ValidationError::DuplicatePerson(name.clone()));
            }
        }
        limits::count("coders", self.coders.len(), MAX_ITEMS)?;
        let mut coders = HashSet::new();
        for name in &self.coders {
            limits::text(|| format!("coder '{name}'"), name, MAX_NAME_CHARS)?;
            if name.trim().is_empty() || name.trim() != name {
                return Err(ValidationError::BadCoderName(name.clone()));
            }
            if !coders.insert(name.as_str()) {
                return Err(ValidationError::DuplicateCoder(name.clone()));
            }
        }
        let mut clips = HashMap::new();
        for clip in &self.clips {
            limits::clip(clip)?;
            if clips.insert(clip.id, clip).is_some() {
                return Err(ValidationError::DuplicateClip(clip.id));
            }
        }
        let mut codebooks = HashMap::new();
        for codebook in &self.codebooks {
            limits::codebook(codebook)?;
            codebook.validate()?;
            if codebooks.insert(codebook.id.as_str(), codebook).is_some() {
                return Err(ValidationError::DuplicateCodebook(codebook.id.clone()));
            }
        }
        let mut moments = HashMap::new();
        for moment in &self.moments {
            if moments.insert(moment.id, moment).is_some() {
                return Err(ValidationError::DuplicateMoment(moment.id));
            }
            limits::moment(moment)?;
            validate_moment(moment, &clips, &codebooks)?;
            if let Some(Participant::Person(name)) = &moment.participant
                && !people.contains(name.as_str())
            {
                return Err(ValidationError::UnknownPerson {
                    moment: moment.id,
                    name: name.clone(),
                });
            }
        }
        let mut reels = HashSet::new();
        for reel in &self.reels {
            if !reels.insert(reel.id) {
                return Err(ValidationError::DuplicateReel(reel.id));
            }
            limits::reel(reel)?;
            validate_reel(reel, &moments, &clips)?;
        }
        let mut reviews = HashSet::new();
        for review in &self.reviews {
            if !reviews.insert(review.id) {
                return Err(ValidationError::DuplicateReview(review.id));
            }
            limits::review(review)?;
        }
        Ok(())
    }
}

fn validate_moment(
    moment: &Moment,
    clips: &HashMap<ClipId, &Clip>,
    codebooks: &HashMap<&str, &Codebook>,
) -> Result<(), ValidationError> {
    let clip = clips
        .get(&moment.clip)
        .ok_or(ValidationError::MomentClipMissing {
            moment: moment.id,
            clip: moment.clip,
        })?;
    if moment.start > moment.end {
        return Err(ValidationError::MomentEndsBeforeStart {
            moment: moment.id,
            start: moment.start,
            end: moment.end,
        });
    }
    if moment.end >= clip.media.frames {
        return Err(ValidationError::MomentPastClipEnd {
            moment: moment.id,
            end: moment.end,
            clip: clip.id,
            clip_name: clip.name.clone(),
            frames: clip.media.frames,
        });
    }
    for code in &moment.codes {
        let codebook = codebooks.get(code.codebook.as_str()).ok_or_else(|| {
            ValidationError::MissingCodebook {
                moment: moment.id,
                codebook: code.codebook.clone(),
                item: code.item.clone(),
            }
        })?;
        if codebook.item(&code.item).is_none() {
            return Err(ValidationError::MissingItem {
                moment: moment.id,
                codebook: code.codebook.clone(),
                item: code.item.clone(),
            });
        }
    }
    Ok(())
}

fn validate_reel(
    reel: &Reel,
    moments: &HashMap<MomentId, &Moment>,
    clips: &HashMap<ClipId, &Clip>,
) -> Result<(), ValidationError> {
    for (index, item) in reel.items.iter().enumerate() {
        let position = index + 1;
        let moment = moments
            .get(&item.moment)
            .ok_or(ValidationError::ReelMomentMissing {
                reel: reel.id,
                position,
                moment: item.moment,
            })?;
        if !SPEED_PERCENT_RANGE.contains(&item.speed_percent) {
            return Err(ValidationError::SpeedOutOfRange {
                reel: reel.id,
                position,
                speed: item.speed_percent,
            });
        }
        if item.raw_span(moment).is_none() {
            return Err(ValidationError::TrimmedAway {
                reel: reel.id,
                position,
                moment: moment.id,
            });
        }
        // Moments were validated first, so their clip exists.
        let frames = clips.get(&moment.clip).map_or(0, |c| c.media.frames);
        let (start, end) = item.span(moment, frames);
        if let Some(hold) = item.hold
            && !(start..=end).contains(&hold.frame)
        {
            return Err(ValidationError::HoldOutsideItem {
                reel: reel.id,
                position,
                frame: hold.frame,
                start,
                end,
            });
        }
    }
    Ok(())
}
