//! What a writer is asked to produce, and the checks made before any file
//! is touched, so bad settings fail with a message naming the output.

use std::path::Path;

use super::WriterError;

/// Video stream settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoSettings {
    pub width: u32,
    pub height: u32,
    /// Frames per second as a rational `(num, den)`, e.g. `(30000, 1001)`.
    pub frame_rate: (i32, i32),
    /// Keyframe interval in frames; keyframes fall exactly every `gop`
    /// frames (scene-cut keyframes are disabled so GOPs are predictable).
    pub gop: u32,
    /// libx264 constant rate factor (lower is better quality, bigger file).
    pub crf: u8,
    /// libx264 preset name ("veryfast", "medium", ...).
    pub preset: String,
    /// Encoder threads; 0 lets libx264 use every core. Use 1 for
    /// byte-reproducible output.
    pub threads: u32,
}

/// Audio stream settings (AAC, planar float input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioSettings {
    pub sample_rate: u32,
    pub channels: u16,
}

pub(super) fn validate(
    path: &Path,
    v: &VideoSettings,
    a: Option<&AudioSettings>,
) -> Result<(), WriterError> {
    let bad = |reason: String| {
        Err(WriterError::Settings {
            path: path.to_path_buf(),
            reason,
        })
    };
    if v.width == 0 || v.height == 0 || !v.width.is_multiple_of(2) || !v.height.is_multiple_of(2) {
        return bad(format!(
            "{}x{} is not a positive even size (yuv420p needs even sizes)",
            v.width, v.height
        ));
    }
    if v.frame_rate.0 <= 0 || v.frame_rate.1 <= 0 {
        return bad(format!(
            "frame rate {}/{} is not positive",
            v.frame_rate.0, v.frame_rate.1
        ));
    }
    if v.gop == 0 {
        return bad("the GOP must be at least one frame".into());
    }
    if v.crf > 51 {
        return bad(format!("CRF {} is outside 0..=51", v.crf));
    }
    if let Some(a) = a
        && (a.sample_rate == 0 || a.sample_rate > 192_000 || a.channels == 0 || a.channels > 2)
    {
        return bad(format!(
            "audio {} Hz with {} channels is not supported (1 or 2 channels)",
            a.sample_rate, a.channels
        ));
    }
    Ok(())
}
