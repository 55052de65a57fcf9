//! Why an operation cannot be done, in words a clinician can act on. A
//! refusal is never an error in the program: the UI shows it, or ignores it
//! where today it quietly does nothing (`Unchanged`, a stale selection).

use crate::model::consent::ConsentUse;
use crate::model::edit::EditError;
use crate::model::ids::{ClipId, MomentId, ReelId, ReviewId};
use chrono::NaiveDate;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Asked to record what the project already says: no undo step is made.
    #[error("nothing to change")]
    Unchanged,
    #[error("set an in mark and an out mark first")]
    NoMarks,
    #[error("the moment would end (frame {end}) before it starts (frame {start})")]
    EndsBeforeStart { start: u32, end: u32 },
    #[error("that clip is no longer in the project")]
    ClipNotFound(ClipId),
    #[error("that moment is no longer in the project")]
    MomentNotFound(MomentId),
    #[error("that reel is no longer in the project")]
    ReelNotFound(ReelId),
    #[error("that review log entry is no longer in the project")]
    ReviewNotFound(ReviewId),
    #[error("pick an active codebook first")]
    NoActiveCodebook,
    #[error("there is no codebook '{0}' in this project")]
    CodebookNotFound(String),
    #[error("no code on key {key} in {codebook}")]
    NoCodeOnKey { key: char, codebook: String },
    #[error("codebook '{codebook}' has no code '{item}'")]
    CodeNotInCodebook { codebook: String, item: String },
    #[error("the moment is in reel '{reel_name}'; take it out of the reel first")]
    MomentInReel { reel_name: String },
    #[error("the reel has no item {position} (it has {count})")]
    NoSuchItem { position: usize, count: usize },
    #[error("those trims would leave nothing of item {position}")]
    TrimmedAway { position: usize },
    #[error("reels play at {min}% to {max}% speed, not {speed}%")]
    SpeedOutOfRange { speed: u8, min: u8, max: u8 },
    #[error("item {position} has no freeze frame; turn one on first")]
    NotFrozen { position: usize },
    #[error("the reel has no title card; turn it on first")]
    NoTitleCard,
    #[error("no clips to add")]
    NoClips,
    #[error("a coder needs a name")]
    BlankCoder,
    #[error(
        "the other project has none of this project's clips (clips are matched by their \
         content, so the same footage is found whatever its file is called)"
    )]
    NoSharedClips,
    #[error("moment {0} of the other project has no coder; name whose coding it is")]
    MomentWithoutCoder(MomentId),
    #[error("the file holds no moments or codes to import")]
    NothingToImport,
    #[error("{used:?} consent is already recorded for this clip")]
    AlreadyConsented { used: ConsentUse },
    #[error(
        "{used:?} consent for this clip was withdrawn on {on}; \
         a withdrawal stays on the record"
    )]
    WithdrawalOnRecord { used: ConsentUse, on: NaiveDate },
    #[error("there is no {used:?} consent to withdraw for this clip")]
    NoConsent { used: ConsentUse },
    #[error("{date} has not come yet (today is {today})")]
    DateInFuture { date: NaiveDate, today: NaiveDate },
    #[error("consent cannot be withdrawn ({withdrawn}) before it was given ({given})")]
    WithdrawnBeforeGiven {
        given: NaiveDate,
        withdrawn: NaiveDate,
    },
    /// The change itself would break a project rule (a caption too long, a
    /// freeze frame outside the item…); the words are the rule's own.
    #[error(transparent)]
    NotAllowed(#[from] EditError),
}
