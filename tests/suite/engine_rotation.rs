//! Phone footage stored sideways with a display matrix: the engine shows it
//! upright, at the turned size, and still lands on exact frames.

use crate::engine_support;

use attune::media::engine::PlayerCommand;
use engine_support::{open, player, sample, show};

/// A copy of the bath clip whose track header says "turn 90° clockwise",
/// as a phone writes it.
fn turned_copy(dir: &std::path::Path) -> std::path::PathBuf {
    let mut bytes = std::fs::read(sample("bath-no-audio.mp4").unwrap()).unwrap();
    let tkhd = bytes.windows(4).position(|w| w == b"tkhd").unwrap();
    assert_eq!(bytes[tkhd + 4], 0, "version 0 track header expected");
    let matrix_at = tkhd + 4 + 40;
    let turn_90: [i32; 9] = [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x4000_0000];
    for (i, v) in turn_90.iter().enumerate() {
        bytes[matrix_at + 4 * i..matrix_at + 4 * i + 4].copy_from_slice(&v.to_be_bytes());
    }
    let path = dir.join("phone.mp4");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Turns a shown frame back to the stored orientation to read its code.
fn code_upright_shown(f: &attune::media::engine::VideoFrame) -> Option<u32> {
    let img = image::RgbaImage::from_raw(f.width, f.height, f.rgba.clone())?;
    attune::frame_code::read(&image::imageops::rotate270(&img))
}

#[test]
fn a_turned_clip_is_shown_upright_and_steps_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let phone = turned_copy(dir.path());
    let p = player(None);
    let first = open(&p, &phone, None);
    assert_eq!(
        (first.width, first.height),
        (270, 480),
        "stored 480x270, shown turned"
    );
    assert_eq!(code_upright_shown(&first), Some(0));
    for target in [37u32, 36, 90, 12] {
        let f = show(&p, PlayerCommand::SeekToFrame(target), target);
        assert_eq!((f.width, f.height), (270, 480));
        assert_eq!(code_upright_shown(&f), Some(target), "frame {target}");
    }
    let f = show(&p, PlayerCommand::Step(-1), 11);
    assert_eq!(code_upright_shown(&f), Some(11));
}
