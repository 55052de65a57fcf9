//! Decoding helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::Path;

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling;
use ffmpeg::{codec, frame, media};
use ffmpeg_next as ffmpeg;
use image::RgbaImage;

/// Facts about a decoded clip.
#[derive(Debug, Default)]
pub struct ClipFacts {
    pub frames: u32,
    /// Presentation indices of the frames flagged as keyframes.
    pub keyframes: Vec<u32>,
    pub audio_codec: Option<codec::Id>,
    pub audio_rate: Option<u32>,
    /// Frames whose timestamp is not exactly `index / fps` seconds.
    pub misplaced: Vec<u32>,
}

/// Decodes every video frame of `path` in presentation order, calling
/// `each(index, rgba)`; returns what it saw.
pub fn decode_each(path: &Path, mut each: impl FnMut(u32, &RgbaImage)) -> ClipFacts {
    ffmpeg::init().unwrap();
    ffmpeg::log::set_level(ffmpeg::log::Level::Error);
    let mut ictx = ffmpeg::format::input(path).unwrap();
    let mut facts = ClipFacts::default();
    if let Some(a) = ictx.streams().best(media::Type::Audio) {
        facts.audio_codec = Some(a.parameters().id());
        let dec = codec::context::Context::from_parameters(a.parameters())
            .unwrap()
            .decoder()
            .audio()
            .unwrap();
        facts.audio_rate = Some(dec.rate());
    }
    let stream = ictx.streams().best(media::Type::Video).unwrap();
    let index = stream.index();
    let tb = stream.time_base();
    let rate = stream.avg_frame_rate();
    let mut decoder = codec::context::Context::from_parameters(stream.parameters())
        .unwrap()
        .decoder()
        .video()
        .unwrap();
    let (w, h) = (decoder.width(), decoder.height());
    let mut scaler = scaling::Context::get(
        decoder.format(),
        w,
        h,
        Pixel::RGBA,
        w,
        h,
        scaling::Flags::BILINEAR,
    )
    .unwrap();
    let mut decoded = frame::Video::empty();
    let mut rgba = frame::Video::empty();
    let mut img = RgbaImage::new(w, h);
    let mut receive = |decoder: &mut ffmpeg::decoder::Video, facts: &mut ClipFacts| {
        while decoder.receive_frame(&mut decoded).is_ok() {
            scaler.run(&decoded, &mut rgba).unwrap();
            let stride = rgba.stride(0);
            let data = rgba.data(0);
            for (y, row) in img.chunks_exact_mut(w as usize * 4).enumerate() {
                row.copy_from_slice(&data[y * stride..y * stride + w as usize * 4]);
            }
            // pts * tb == index / rate, compared exactly in integers.
            let expected = i64::from(facts.frames)
                * i64::from(tb.denominator())
                * i64::from(rate.denominator());
            let got = decoded
                .timestamp()
                .map(|p| p * i64::from(tb.numerator()) * i64::from(rate.numerator()));
            if got != Some(expected) {
                facts.misplaced.push(facts.frames);
            }
            if decoded.is_key() {
                facts.keyframes.push(facts.frames);
            }
            each(facts.frames, &img);
            facts.frames += 1;
        }
    };
    for (s, packet) in ictx.packets() {
        if s.index() == index {
            decoder.send_packet(&packet).unwrap();
            receive(&mut decoder, &mut facts);
        }
    }
    decoder.send_eof().unwrap();
    receive(&mut decoder, &mut facts);
    facts
}

/// The committed sample clips folder.
pub fn sample_clips() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_clips")
}

/// Copies the sample project and its clips into a fresh folder, so a test
/// may save, delete or change files without touching the committed ones.
pub fn sample_copy() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    attune::model::Project,
) {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(sample_clips()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let project_path = dir.path().join("sample.attune.json");
    let project = attune::store::load(&project_path).unwrap().project;
    (dir, project_path, project)
}

/// Lets only one test at a time drive a real app window. Two apps decoding
/// and drawing side by side on a 2-core machine made the shared-review
/// snapshot come out differently scaled (it passes alone and with
/// `--test-threads=1`, on the old code as on the new). The guard is kept
/// in the test's own thread and released when that thread ends, which
/// libtest does after each test.
pub fn one_app_window_at_a_time() {
    use std::cell::RefCell;
    use std::sync::{Mutex, MutexGuard};
    static WINDOW: Mutex<()> = Mutex::new(());
    thread_local! {
        static HELD: RefCell<Option<MutexGuard<'static, ()>>> = const { RefCell::new(None) };
    }
    HELD.with(|held| {
        if held.borrow().is_none() {
            // A test that panicked still leaves a usable lock.
            let guard = WINDOW.lock().unwrap_or_else(|e| e.into_inner());
            *held.borrow_mut() = Some(guard);
        }
    });
}

/// Waits for `child` to end, killing it and failing the test past `limit`:
/// a hang is what the command-line tests look for, and must not hang them.
pub fn output_within(
    mut child: std::process::Child,
    limit: std::time::Duration,
    what: &str,
) -> std::process::Output {
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{what} did not end within {limit:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Runs `attune frame CLIP --frame N --force -o PNG` and returns the
/// picture it wrote; a failure shows the command's own message.
pub fn attune_frame(clip: &Path, n: u32, png: &Path) -> RgbaImage {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_attune"))
        .arg("frame")
        .arg(clip)
        .args(["--frame", &n.to_string(), "--force", "-o"])
        .arg(png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: attune frame {n}: {}",
        clip.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    image::open(png).unwrap().to_rgba8()
}
