use super::ids::{ClipId, MomentId, ReelId, ReviewId};

/// Why a project is not consistent. Each message names the thing so a
/// clinician (or whoever supports them) can find and fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("clip id {0} is used by more than one clip")]
    DuplicateClip(ClipId),
    #[error("moment id {0} is used by more than one moment")]
    DuplicateMoment(MomentId),
    #[error("reel id {0} is used by more than one reel")]
    DuplicateReel(ReelId),
    #[error("review log id {0} is used by more than one entry")]
    DuplicateReview(ReviewId),
    #[error("codebook id '{0}' is used by more than one codebook")]
    DuplicateCodebook(String),
    #[error("moment {moment} is on clip {clip}, which is not in the project")]
    MomentClipMissing { moment: MomentId, clip: ClipId },
    #[error("moment {moment} ends (frame {end}) before it starts (frame {start})")]
    MomentEndsBeforeStart {
        moment: MomentId,
        start: u32,
        end: u32,
    },
    #[error(
        "moment {moment} ends at frame {end}, but clip {clip} '{clip_name}' has only {frames} frames (0 to {last})",
        last = i64::from(*frames) - 1
    )]
    MomentPastClipEnd {
        moment: MomentId,
        end: u32,
        clip: ClipId,
        clip_name: String,
        frames: u32,
    },
    #[error(
        "moment {moment} uses codebook '{codebook}', which is not in the project (item '{item}')"
    )]
    MissingCodebook {
        moment: MomentId,
        codebook: String,
        item: String,
    },
    #[error("moment {moment} uses item '{item}' of codebook '{codebook}', which has no such item")]
    MissingItem {
        moment: MomentId,
        codebook: String,
        item: String,
    },
    #[error("reel {reel} item {position} refers to moment {moment}, which is not in the project")]
    ReelMomentMissing {
        reel: ReelId,
        position: usize,
        moment: MomentId,
    },
    #[error("reel {reel} item {position} plays at {speed}% speed; it must be 25% to 100%")]
    SpeedOutOfRange {
        reel: ReelId,
        position: usize,
        speed: u8,
    },
    #[error(
        "reel {reel} item {position} is trimmed so much that nothing of moment {moment} is left"
    )]
    TrimmedAway {
        reel: ReelId,
        position: usize,
        moment: MomentId,
    },
    #[error(
        "reel {reel} item {position} holds frame {frame}, outside the frames it plays ({start} to {end})"
    )]
    HoldOutsideItem {
        reel: ReelId,
        position: usize,
        frame: u32,
        start: u32,
        end: u32,
    },
    #[error("codebook '{codebook}': {problem}")]
    CodebookProblem { codebook: String, problem: String },
    #[error("codebook '{name}' has an empty id")]
    EmptyCodebookId { name: String },
    #[error("{field} is {found} characters long; at most {limit} are allowed")]
    TooLong {
        field: String,
        found: usize,
        limit: usize,
    },
    #[error("the project has {found} {what}; at most {limit} are allowed")]
    TooMany {
        what: &'static str,
        found: usize,
        limit: usize,
    },
    #[error("{field} lasts {ms} ms; at most {limit_ms} ms ({} s) are allowed", limit_ms / 1000)]
    TooLongHeld {
        field: String,
        ms: u32,
        limit_ms: u32,
    },
    #[error("clip {clip} has rotation {rotation}; it must be 0, 90, 180 or 270")]
    BadRotation { clip: ClipId, rotation: u16 },
    #[error("clip {clip}: {what} on {date}, which is after today ({today})")]
    ConsentInFuture {
        clip: ClipId,
        what: String,
        date: chrono::NaiveDate,
        today: chrono::NaiveDate,
    },
    #[error("person '{0}' is listed more than once in the project's people")]
    DuplicatePerson(String),
    #[error(
        "'{0}' cannot be a person's name: names must not be blank, start or end with a space, \
         or be a role (parent, infant, other)"
    )]
    BadPersonName(String),
    #[error("coder '{0}' is listed more than once in the project's coders")]
    DuplicateCoder(String),
    #[error("'{0}' cannot be a coder's name: names must not be blank or start or end with a space")]
    BadCoderName(String),
    #[error("moment {moment} is about '{name}', who is not in the project's list of people")]
    UnknownPerson { moment: MomentId, name: String },
}
