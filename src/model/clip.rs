use super::consent::Consent;
use super::ids::ClipId;
use super::media::{Fingerprint, MediaFacts};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clip {
    pub id: ClipId,
    pub name: String,
    /// Relative to the project file's folder with '/' separators, so a
    /// project and its footage can move together between machines.
    pub path: String,
    pub fingerprint: Fingerprint,
    pub media: MediaFacts,
    pub consent: Consent,
}
