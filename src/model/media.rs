//! What probing a clip told us, stored so the project opens without media.

use super::time::FrameRate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaFacts {
    pub frame_rate: FrameRate,
    pub frames: u32,
    pub duration_us: u64,
    /// Stored (coded) size, before rotation.
    pub width: u32,
    pub height: u32,
    /// Width the picture is shown at (stored width times the pixel aspect
    /// ratio, before rotation); 0 when the pixels are square, and in projects
    /// saved before it was recorded. Read it through [`MediaFacts::display_width`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub display_width: u32,
    /// Clockwise display rotation: 0, 90, 180 or 270 (phones film portrait).
    pub rotation: u16,
    pub video_codec: String,
    pub audio_codec: Option<String>,
    pub variable_frame_rate: bool,
}

impl MediaFacts {
    /// The shown width before rotation; the stored width when unrecorded.
    pub fn display_width(&self) -> u32 {
        if self.display_width == 0 {
            self.width
        } else {
            self.display_width
        }
    }
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

/// Identifies a clip's content cheaply, to notice a changed file and to find a
/// moved one again.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fingerprint {
    pub size: u64,
    /// Hex BLAKE3 of the first MiB followed by the last MiB.
    pub hash: String,
}
