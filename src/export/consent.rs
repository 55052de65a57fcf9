//! Consent gating, checked before any media is opened: a reel may only show
//! clips whose families consented to the reel's use, and a withdrawn grant
//! counts as none.

use std::fmt;

use crate::model::{ConsentUse, Project, Reel};

/// One clip that lacks the consent a reel needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingConsent {
    pub clip_name: String,
    pub needed: ConsentUse,
    /// The grant exists but was withdrawn.
    pub withdrawn: bool,
}

impl fmt::Display for MissingConsent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let needed = use_name(self.needed);
        if self.withdrawn {
            write!(f, "\"{}\": {needed} consent was withdrawn", self.clip_name)
        } else {
            write!(f, "\"{}\": no {needed} consent", self.clip_name)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the reel \"{reel}\" needs {} consent for every clip; {}", use_name(*.needed), list(.missing))]
pub struct ConsentError {
    pub reel: String,
    pub needed: ConsentUse,
    pub missing: Vec<MissingConsent>,
}

pub(crate) fn use_name(used_for: ConsentUse) -> &'static str {
    match used_for {
        ConsentUse::Therapy => "therapy",
        ConsentUse::Supervision => "supervision",
        ConsentUse::Teaching => "teaching",
    }
}

fn list(missing: &[MissingConsent]) -> String {
    missing
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Refuses a reel with any clip whose consent does not cover its purpose.
pub fn check_consent(project: &Project, reel: &Reel) -> Result<(), ConsentError> {
    let needed = reel.purpose.required_consent();
    let missing: Vec<MissingConsent> = project
        .clips_lacking_consent(reel)
        .into_iter()
        .filter_map(|id| project.clip(id))
        .map(|clip| MissingConsent {
            clip_name: clip.name.clone(),
            needed,
            withdrawn: clip.consent.get(needed).is_some_and(|g| g.is_withdrawn()),
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ConsentError {
            reel: reel.name.clone(),
            needed,
            missing,
        })
    }
}
