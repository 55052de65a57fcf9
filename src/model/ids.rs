//! Typed identifiers, so a moment id can never be passed where a clip id is
//! expected. Ids are never reused inside a project (new ones are max + 1).

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A recorded interaction or review clip in the project.
    ClipId
);
id_type!(
    /// A tagged moment on a clip.
    MomentId
);
id_type!(
    /// A shared-review, supervision or teaching reel.
    ReelId
);
id_type!(
    /// One shared review session in the project's review log.
    ReviewId
);
