//! Building a reel for a shared review, supervision or teaching: starting
//! one, adding moments, ordering items, and how each item plays (trims,
//! speed, freeze frame, caption, the presenter's question).

use super::refusal::Refusal;
use super::trial::checked;
use crate::model::edit::Edit;
use crate::model::ids::{MomentId, ReelId};
use crate::model::project::Project;
use crate::model::reel::{
    Hold, Reel, ReelItem, ReelPurpose, RenderedFile, SPEED_PERCENT_RANGE, TitleCard,
};
use chrono::{DateTime, Utc};

/// How long a new title card shows.
pub const TITLE_CARD_MS: u32 = 3000;
/// How long a new freeze frame holds.
pub const HOLD_MS: u32 = 2000;

/// One change to a reel. Item positions count from 0, as the reel lists
/// them before the change. A reel editor may gather several in one go
/// (typing a name then clicking "Move up" is one gesture); `change_reel`
/// makes them one edit, so they are one undo step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReelChange {
    Rename(String),
    SetPurpose(ReelPurpose),
    /// Turns the title card on with these words; no change if it is on.
    AddTitleCard {
        title: String,
        subtitle: String,
    },
    RemoveTitleCard,
    RewordTitleCard {
        title: String,
        subtitle: String,
    },
    TitleCardFor {
        duration_ms: u32,
    },
    AddMoment(MomentId),
    /// Takes the item out and puts it back at `to`.
    MoveItem {
        from: usize,
        to: usize,
    },
    RemoveItem {
        position: usize,
    },
    /// Frames added to the moment's start and end (negative shows lead-in
    /// at the start, cuts at the end).
    TrimItem {
        position: usize,
        trim_start: i32,
        trim_end: i32,
    },
    SetSpeed {
        position: usize,
        percent: u8,
    },
    /// A freeze frame in the middle of the item, for `HOLD_MS`; no change
    /// if the item has one.
    Freeze {
        position: usize,
    },
    Unfreeze {
        position: usize,
    },
    HoldAt {
        position: usize,
        frame: u32,
    },
    HoldFor {
        position: usize,
        duration_ms: u32,
    },
    /// Blank (or only spaces) goes back to the moment's own caption.
    Caption {
        position: usize,
        caption: String,
    },
    /// Kept trimmed; blank means no question.
    Prompt {
        position: usize,
        prompt: String,
    },
}

/// A new, empty shared-review reel at the end, named "Review N", with the
/// next free id (`project.next_reel_id()`, so the caller can open it).
pub fn start_reel(project: &Project) -> Result<Edit, Refusal> {
    let reel = Reel {
        id: project.next_reel_id(),
        name: format!("Review {}", project.reels.len() + 1),
        purpose: ReelPurpose::Review,
        title_card: None,
        items: Vec::new(),
        rendered: None,
    };
    let index = project.reels.len();
    checked(project, Edit::InsertReel { index, reel })
}

/// Makes `changes`, in order, into one edit of the reel. Refused as a whole
/// if any part is; `Unchanged` if together they change nothing.
pub fn change_reel(
    project: &Project,
    reel: ReelId,
    changes: &[ReelChange],
) -> Result<Edit, Refusal> {
    let before = project.reel(reel).ok_or(Refusal::ReelNotFound(reel))?;
    let mut changed = before.clone();
    for change in changes {
        make(project, &mut changed, change)?;
    }
    if changed == *before {
        return Err(Refusal::Unchanged);
    }
    checked(project, Edit::UpdateReel(changed))
}

/// Adds a moment at the end of the reel (the same moment may be shown twice).
pub fn add_moment_to_reel(
    project: &Project,
    reel: ReelId,
    moment: MomentId,
) -> Result<Edit, Refusal> {
    change_reel(project, reel, &[ReelChange::AddMoment(moment)])
}

pub fn rename_reel(project: &Project, reel: ReelId, name: String) -> Result<Edit, Refusal> {
    change_reel(project, reel, &[ReelChange::Rename(name)])
}

/// Who the reel is for decides which consent each clip needs.
pub fn set_reel_purpose(
    project: &Project,
    reel: ReelId,
    purpose: ReelPurpose,
) -> Result<Edit, Refusal> {
    change_reel(project, reel, &[ReelChange::SetPurpose(purpose)])
}

pub fn move_reel_item(
    project: &Project,
    reel: ReelId,
    from: usize,
    to: usize,
) -> Result<Edit, Refusal> {
    change_reel(project, reel, &[ReelChange::MoveItem { from, to }])
}

pub fn remove_reel_item(project: &Project, reel: ReelId, position: usize) -> Result<Edit, Refusal> {
    change_reel(project, reel, &[ReelChange::RemoveItem { position }])
}

pub fn trim_reel_item(
    project: &Project,
    reel: ReelId,
    position: usize,
    trim_start: i32,
    trim_end: i32,
) -> Result<Edit, Refusal> {
    let change = ReelChange::TrimItem {
        position,
        trim_start,
        trim_end,
    };
    change_reel(project, reel, &[change])
}

/// Slows an item down (reels never speed up: the point is to see more).
pub fn set_item_speed(
    project: &Project,
    reel: ReelId,
    position: usize,
    percent: u8,
) -> Result<Edit, Refusal> {
    change_reel(project, reel, &[ReelChange::SetSpeed { position, percent }])
}

/// Sets (`Some`) or clears (`None`) an item's freeze frame; a new one
/// starts in the middle of the item (see `ReelChange::Freeze`).
pub fn set_item_hold(
    project: &Project,
    reel: ReelId,
    position: usize,
    hold: Option<Hold>,
) -> Result<Edit, Refusal> {
    let changes = match hold {
        None => vec![ReelChange::Unfreeze { position }],
        Some(hold) => vec![
            ReelChange::Freeze { position },
            ReelChange::HoldAt {
                position,
                frame: hold.frame,
            },
            ReelChange::HoldFor {
                position,
                duration_ms: hold.duration_ms,
            },
        ],
    };
    change_reel(project, reel, &changes)
}

/// The words shown under an item; blank shows the moment's own caption.
/// Never the clinical note.
pub fn set_item_caption(
    project: &Project,
    reel: ReelId,
    position: usize,
    caption: String,
) -> Result<Edit, Refusal> {
    change_reel(project, reel, &[ReelChange::Caption { position, caption }])
}

/// The presenter's question at an item; only the specialist sees it.
pub fn set_item_prompt(
    project: &Project,
    reel: ReelId,
    position: usize,
    prompt: String,
) -> Result<Edit, Refusal> {
    change_reel(project, reel, &[ReelChange::Prompt { position, prompt }])
}

/// Turns the title card on (`Some((title, subtitle))`, keeping its duration
/// if it was on) or off.
pub fn set_title_card(
    project: &Project,
    reel: ReelId,
    words: Option<(String, String)>,
) -> Result<Edit, Refusal> {
    let changes = match words {
        None => vec![ReelChange::RemoveTitleCard],
        Some((title, subtitle)) => vec![
            ReelChange::AddTitleCard {
                title: title.clone(),
                subtitle: subtitle.clone(),
            },
            ReelChange::RewordTitleCard { title, subtitle },
        ],
    };
    change_reel(project, reel, &changes)
}

/// Notes where the reel was rendered and what it showed then, so a review
/// can fall back to the file when the clips are not at hand.
pub fn record_render(
    project: &Project,
    reel: ReelId,
    path: String,
    digest: String,
    rendered: DateTime<Utc>,
) -> Result<Edit, Refusal> {
    let before = project.reel(reel).ok_or(Refusal::ReelNotFound(reel))?;
    let mut changed = before.clone();
    changed.rendered = Some(RenderedFile {
        path,
        digest,
        rendered,
    });
    if changed == *before {
        return Err(Refusal::Unchanged);
    }
    checked(project, Edit::UpdateReel(changed))
}

fn make(project: &Project, reel: &mut Reel, change: &ReelChange) -> Result<(), Refusal> {
    match change {
        ReelChange::Rename(name) => reel.name = name.clone(),
        ReelChange::SetPurpose(purpose) => reel.purpose = *purpose,
        ReelChange::AddTitleCard { title, subtitle } => {
            reel.title_card.get_or_insert_with(|| TitleCard {
                title: title.clone(),
                subtitle: subtitle.clone(),
                duration_ms: TITLE_CARD_MS,
            });
        }
        ReelChange::RemoveTitleCard => reel.title_card = None,
        ReelChange::RewordTitleCard { title, subtitle } => {
            let card = reel.title_card.as_mut().ok_or(Refusal::NoTitleCard)?;
            card.title = title.clone();
            card.subtitle = subtitle.clone();
        }
        ReelChange::TitleCardFor { duration_ms } => {
            let card = reel.title_card.as_mut().ok_or(Refusal::NoTitleCard)?;
            card.duration_ms = *duration_ms;
        }
        ReelChange::AddMoment(moment) => {
            if project.moment(*moment).is_none() {
                return Err(Refusal::MomentNotFound(*moment));
            }
            reel.items.push(ReelItem::for_moment(*moment));
        }
        ReelChange::MoveItem { from, to } => {
            let count = reel.items.len();
            for position in [*from, *to] {
                if position >= count {
                    return Err(no_such_item(position, count));
                }
            }
            let item = reel.items.remove(*from);
            reel.items.insert(*to, item);
        }
        ReelChange::RemoveItem { position } => {
            item_mut(reel, *position)?;
            reel.items.remove(*position);
        }
        ReelChange::TrimItem {
            position,
            trim_start,
            trim_end,
        } => {
            let item = item_mut(reel, *position)?;
            let moment = project
                .moment(item.moment)
                .ok_or(Refusal::MomentNotFound(item.moment))?;
            item.trim_start = *trim_start;
            item.trim_end = *trim_end;
            if item.raw_span(moment).is_none() {
                return Err(Refusal::TrimmedAway {
                    position: position + 1,
                });
            }
        }
        ReelChange::SetSpeed { position, percent } => {
            if !SPEED_PERCENT_RANGE.contains(percent) {
                return Err(Refusal::SpeedOutOfRange {
                    speed: *percent,
                    min: *SPEED_PERCENT_RANGE.start(),
                    max: *SPEED_PERCENT_RANGE.end(),
                });
            }
            item_mut(reel, *position)?.speed_percent = *percent;
        }
        ReelChange::Freeze { position } => {
            let item = item_mut(reel, *position)?;
            let moment = project
                .moment(item.moment)
                .ok_or(Refusal::MomentNotFound(item.moment))?;
            let frames = project.clip(moment.clip).map_or(0, |c| c.media.frames);
            let (start, end) = item.span(moment, frames);
            item.hold.get_or_insert(Hold {
                frame: start + (end - start) / 2,
                duration_ms: HOLD_MS,
            });
        }
        ReelChange::Unfreeze { position } => item_mut(reel, *position)?.hold = None,
        ReelChange::HoldAt { position, frame } => held(reel, *position)?.frame = *frame,
        ReelChange::HoldFor {
            position,
            duration_ms,
        } => held(reel, *position)?.duration_ms = *duration_ms,
        ReelChange::Caption { position, caption } => {
            item_mut(reel, *position)?.caption =
                (!caption.trim().is_empty()).then(|| caption.clone());
        }
        ReelChange::Prompt { position, prompt } => {
            item_mut(reel, *position)?.prompt = prompt.trim().to_owned();
        }
    }
    Ok(())
}

fn item_mut(reel: &mut Reel, position: usize) -> Result<&mut ReelItem, Refusal> {
    let count = reel.items.len();
    reel.items
        .get_mut(position)
        .ok_or_else(|| no_such_item(position, count))
}

fn held(reel: &mut Reel, position: usize) -> Result<&mut Hold, Refusal> {
    item_mut(reel, position)?
        .hold
        .as_mut()
        .ok_or(Refusal::NotFrozen {
            position: position + 1,
        })
}

/// Refusals count items from 1, as the reel editor shows them.
fn no_such_item(position: usize, count: usize) -> Refusal {
    Refusal::NoSuchItem {
        position: position + 1,
        count,
    }
}
