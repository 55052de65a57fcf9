//! Filmstrip thumbnails and waveforms of the sample clips, through the
//! decoding functions and through the background worker with its disk cache
//! (always in a temporary folder, never the user's cache).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use attune::samples::SampleClip;
use attune::testing::{
    BUCKETS_PER_SECOND, Filmstrip, OverviewCache, OverviewEvent, OverviewJob, OverviewWorker,
    THUMB_LONG_SIDE, Thumbnail, Waveform, compute_filmstrip, compute_waveform, thumb_count_for,
};
use image::RgbaImage;

const WAIT: Duration = Duration::from_secs(60);

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_clips")
}

/// The job for a committed sample clip, with the facts and fingerprint the
/// sample project records for it.
fn job(file: &str) -> OverviewJob {
    let loaded = attune::store::load(&sample_dir().join("sample.attune.json")).unwrap();
    let clip = loaded
        .project
        .clips
        .iter()
        .find(|c| c.path == file)
        .unwrap_or_else(|| panic!("{file} is not in the sample project"));
    OverviewJob {
        path: sample_dir().join(file),
        fingerprint: clip.fingerprint.clone(),
        rotation: clip.media.rotation,
        frames: clip.media.frames,
        frame_rate: clip.media.frame_rate,
    }
}

fn no_cancel() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}

fn image_of(t: &Thumbnail) -> RgbaImage {
    assert_eq!(t.rgba.len(), (t.width * t.height * 4) as usize);
    RgbaImage::from_raw(t.width, t.height, t.rgba.clone()).unwrap()
}

/// Checks a filmstrip against the clip: sorted, spread evenly (each
/// thumbnail at most a few frames from its share's start, never after the
/// next share), and each picture shows the frame it claims.
fn check_strip(strip: &Filmstrip, job: &OverviewJob, readable: impl Fn(&Thumbnail) -> Option<u32>) {
    let count = thumb_count_for(job.frames, job.frame_rate);
    assert_eq!(strip.thumbs.len() as u32, count, "one thumbnail per share");
    for (i, t) in strip.thumbs.iter().enumerate() {
        let target = i as u32 * job.frames / count;
        assert!(
            t.frame + 6 >= target && t.frame <= target + 6,
            "thumbnail {i} is frame {} but aims at {target}",
            t.frame
        );
        assert_eq!(
            readable(t),
            Some(t.frame),
            "thumbnail {i} shows another frame"
        );
    }
    assert!(strip.thumbs.windows(2).all(|w| w[0].frame < w[1].frame));
}

#[test]
fn full_size_thumbnails_show_the_frames_they_claim() {
    for file in [
        "play-mat-landscape.mp4",
        "feeding-portrait.mp4",
        "bath-no-audio.mp4",
    ] {
        let job = job(file);
        let mut fractions = Vec::new();
        let strip =
            compute_filmstrip(&job, 4096, &no_cancel(), &mut |f| fractions.push(f)).unwrap();
        check_strip(&strip, &job, |t| attune::frame_code::read(&image_of(t)));
        assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
        assert_eq!(fractions.last(), Some(&1.0));
    }
}

#[test]
fn small_thumbnails_fit_160_px_and_turn_with_the_clip() {
    let landscape = job("play-mat-landscape.mp4");
    let strip = compute_filmstrip(&landscape, THUMB_LONG_SIDE, &no_cancel(), &mut |_| {}).unwrap();
    assert!(
        strip
            .thumbs
            .iter()
            .all(|t| (t.width, t.height) == (160, 90))
    );
    // At 160x90 a code cell is under 4 px: read it from a 4x enlargement.
    let upscaled = |t: &Thumbnail| {
        let big = image::imageops::resize(
            &image_of(t),
            t.width * 4,
            t.height * 4,
            image::imageops::FilterType::Nearest,
        );
        attune::frame_code::read(&big)
    };
    check_strip(&strip, &landscape, upscaled);

    let portrait = job("feeding-portrait.mp4");
    let strip = compute_filmstrip(&portrait, THUMB_LONG_SIDE, &no_cancel(), &mut |_| {}).unwrap();
    assert!(
        strip
            .thumbs
            .iter()
            .all(|t| (t.width, t.height) == (90, 160))
    );

    // A clip that says it must be turned a quarter clockwise: the landscape
    // pictures come out portrait, with the top edge on the right.
    let mut turned = landscape.clone();
    turned.rotation = 90;
    let strip = compute_filmstrip(&turned, THUMB_LONG_SIDE, &no_cancel(), &mut |_| {}).unwrap();
    let t = &strip.thumbs[0];
    assert_eq!((t.width, t.height), (90, 160));
    let back = image::imageops::rotate270(&image_of(t));
    let big = image::imageops::resize(&back, 640, 360, image::imageops::FilterType::Nearest);
    assert_eq!(attune::frame_code::read(&big), Some(t.frame));
}

/// Largest absolute peak over `[from, to)` seconds.
fn loudest(w: &Waveform, from: f32, to: f32) -> i32 {
    let bps = w.buckets_per_second as f32;
    let (a, b) = ((from * bps) as usize, (to * bps) as usize);
    w.peaks[a..b.min(w.peaks.len())]
        .iter()
        .map(|&(lo, hi)| i32::from(lo).abs().max(i32::from(hi).abs()))
        .max()
        .unwrap_or(0)
}

#[test]
fn waveform_is_loud_in_turns_and_silent_between_them() {
    for (clip, file, seconds) in [
        (
            SampleClip::PlayMatLandscape,
            "play-mat-landscape.mp4",
            24.0f32,
        ),
        (SampleClip::FeedingPortrait, "feeding-portrait.mp4", 15.0),
    ] {
        let job = job(file);
        let w = compute_waveform(&job, BUCKETS_PER_SECOND, &no_cancel(), &mut |_| {})
            .unwrap()
            .expect("the clip has audio");
        assert_eq!(w.buckets_per_second, 100);
        let expected = (seconds * 100.0) as i64;
        assert!(
            (w.peaks.len() as i64 - expected).abs() <= 1,
            "{file}: {} buckets for {seconds} s",
            w.peaks.len()
        );
        let turns = attune::testing::script(clip).turns_until(seconds);
        assert!(!turns.is_empty());
        for t in &turns {
            // The middle of a turn: the voice envelope is well up there.
            let (a, b) = (
                t.start + 0.25 * (t.end - t.start),
                t.end - 0.25 * (t.end - t.start),
            );
            let peak = loudest(&w, a, b);
            assert!(peak > 20, "{file}: turn {t:?} peaks at only {peak}");
        }
        // Gaps between turns (and before the first) are silent; allow for
        // the codec's ringing near the edges.
        let mut quiet_from = 0.0f32;
        let mut gaps = 0;
        for t in &turns {
            if t.start - quiet_from > 0.4 {
                let peak = loudest(&w, quiet_from + 0.15, t.start - 0.15);
                assert!(
                    peak <= 3,
                    "{file}: {quiet_from}..{} s peaks at {peak}",
                    t.start
                );
                gaps += 1;
            }
            quiet_from = t.end;
        }
        assert!(gaps >= 2, "{file}: the script should have silent gaps");
    }
}

#[test]
fn a_clip_without_audio_has_no_waveform() {
    let job = job("bath-no-audio.mp4");
    let w = compute_waveform(&job, BUCKETS_PER_SECOND, &no_cancel(), &mut |_| {}).unwrap();
    assert!(w.is_none());
}

/// What a worker said about one job, collected until the job is done
/// (filmstrip delivered or failed).
#[derive(Default, Debug)]
struct Heard {
    progress: Vec<f32>,
    filmstrip: Option<Arc<Filmstrip>>,
    waveform: Option<Arc<Waveform>>,
    failed: Vec<String>,
}

fn collect(worker: &OverviewWorker, hash: &str) -> Heard {
    let mut heard = Heard::default();
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        let Some(event) = worker.try_recv() else {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        };
        match event {
            OverviewEvent::Progress {
                fingerprint_hash,
                fraction,
            } => {
                assert_eq!(fingerprint_hash, hash);
                heard.progress.push(fraction);
            }
            OverviewEvent::Filmstrip {
                fingerprint_hash,
                filmstrip,
            } => {
                assert_eq!(fingerprint_hash, hash);
                heard.filmstrip = Some(filmstrip);
            }
            OverviewEvent::Waveform {
                fingerprint_hash,
                waveform,
            } => {
                assert_eq!(fingerprint_hash, hash);
                heard.waveform = Some(waveform);
            }
            OverviewEvent::Failed {
                fingerprint_hash,
                message,
            } => {
                assert_eq!(fingerprint_hash, hash);
                heard.failed.push(message);
                return heard;
            }
        }
        if heard.filmstrip.is_some() && heard.progress.last() == Some(&1.0) {
            // Anything after the last progress would be a stray event.
            std::thread::sleep(Duration::from_millis(50));
            assert!(worker.try_recv().is_none(), "events after the job ended");
            return heard;
        }
    }
    panic!("the worker did not finish {hash} within {WAIT:?}: {heard:?}");
}

fn counting_worker(cache: &Path) -> (OverviewWorker, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let worker = OverviewWorker::new(
        Some(cache.to_path_buf()),
        Box::new(move || {
            c.fetch_add(1, Ordering::SeqCst);
        }),
    );
    (worker, calls)
}

#[test]
fn the_worker_computes_caches_and_recomputes_a_damaged_cache() {
    let cache_dir = tempfile::tempdir().unwrap();
    // A private copy of the clip, so the second request can be given a
    // file that no longer decodes: only the cache can answer it then.
    let footage = tempfile::tempdir().unwrap();
    let mut job = job("play-mat-landscape.mp4");
    let copy = footage.path().join("play-mat-landscape.mp4");
    std::fs::copy(&job.path, &copy).unwrap();
    job.path = copy.clone();
    let hash = job.fingerprint.hash.clone();
    let (worker, calls) = counting_worker(cache_dir.path());

    worker.request(job.clone());
    let first = collect(&worker, &hash);
    assert!(first.failed.is_empty(), "{:?}", first.failed);
    let strip = first.filmstrip.clone().unwrap();
    check_strip(&strip, &job, |t| {
        let big = image::imageops::resize(
            &image_of(t),
            t.width * 4,
            t.height * 4,
            image::imageops::FilterType::Nearest,
        );
        attune::frame_code::read(&big)
    });
    let wave = first.waveform.clone().unwrap();
    assert_eq!(wave.peaks.len(), 2400);
    assert!(first.progress.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(first.progress.first(), Some(&0.0));
    // Every queued event woke the UI.
    let events = first.progress.len() + 2;
    assert_eq!(calls.load(Ordering::SeqCst), events);

    let cache = OverviewCache::new(cache_dir.path().to_path_buf());
    let film_file = cache.filmstrip_path(&hash).unwrap();
    let wave_file = cache.waveform_path(&hash).unwrap();
    assert!(film_file.starts_with(cache_dir.path().join(&hash)));
    assert!(film_file.is_file() && wave_file.is_file());

    // Asked again (even by a new worker, as after a restart): from the
    // cache, which is keyed by fingerprint; the file itself now holds
    // zeros, so a recomputation would fail rather than match.
    drop(worker);
    let length = std::fs::metadata(&copy).unwrap().len() as usize;
    std::fs::write(&copy, vec![0u8; length]).unwrap();
    let (worker, _) = counting_worker(cache_dir.path());
    worker.request(job.clone());
    let again = collect(&worker, &hash);
    assert!(again.failed.is_empty(), "{:?}", again.failed);
    assert_eq!(again.filmstrip.as_deref(), Some(&*strip));
    assert_eq!(again.waveform.as_deref(), Some(&*wave));
    std::fs::copy(sample_dir().join("play-mat-landscape.mp4"), &copy).unwrap();

    // A damaged cache file is ignored and written afresh, never a panic.
    let good = std::fs::read(&film_file).unwrap();
    std::fs::write(&film_file, &good[..good.len() / 3]).unwrap();
    std::fs::write(&wave_file, b"not a waveform").unwrap();
    worker.request(job.clone());
    let recomputed = collect(&worker, &hash);
    assert_eq!(recomputed.filmstrip.as_deref(), Some(&*strip));
    assert_eq!(recomputed.waveform.as_deref(), Some(&*wave));
    assert_eq!(std::fs::read(&film_file).unwrap(), good);
    assert!(cache.load_waveform(&job, BUCKETS_PER_SECOND).is_some());
}

#[test]
fn the_worker_gives_no_waveform_and_no_error_for_silent_clips() {
    let cache_dir = tempfile::tempdir().unwrap();
    let job = job("bath-no-audio.mp4");
    let (worker, _) = counting_worker(cache_dir.path());
    for _ in 0..2 {
        worker.request(job.clone());
        let heard = collect(&worker, &job.fingerprint.hash);
        assert!(heard.failed.is_empty(), "{:?}", heard.failed);
        assert!(heard.waveform.is_none());
        assert_eq!(heard.filmstrip.unwrap().thumbs.len(), 3);
    }
}

#[test]
fn a_missing_file_fails_naming_the_file() {
    let cache_dir = tempfile::tempdir().unwrap();
    let mut job = job("play-mat-landscape.mp4");
    job.path = cache_dir.path().join("moved-away.mp4");
    job.fingerprint.hash = "0123abcd".into();
    let (worker, _) = counting_worker(cache_dir.path());
    worker.request(job.clone());
    let heard = collect(&worker, "0123abcd");
    assert_eq!(heard.failed.len(), 1, "{heard:?}");
    assert!(
        heard.failed[0].contains("moved-away.mp4"),
        "{}",
        heard.failed[0]
    );
    assert!(heard.filmstrip.is_none());

    // Not a video at all: also named.
    let text = cache_dir.path().join("notes.mp4");
    std::fs::write(&text, "shopping list").unwrap();
    job.path = text;
    worker.request(job);
    let heard = collect(&worker, "0123abcd");
    assert_eq!(heard.failed.len(), 1, "{heard:?}");
    assert!(heard.failed[0].contains("notes.mp4"), "{}", heard.failed[0]);
    // Nothing was written next to the "footage".
    let names: Vec<_> = std::fs::read_dir(cache_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec!["notes.mp4".to_string()]);
}

#[test]
fn dropping_a_busy_worker_returns_promptly() {
    let cache_dir = tempfile::tempdir().unwrap();
    let (worker, _) = counting_worker(cache_dir.path());
    // Distinct fingerprints, so every job really decodes.
    for i in 0..20 {
        let mut job = job("play-mat-landscape.mp4");
        job.fingerprint.hash = format!("{i:04x}");
        worker.request(job);
    }
    // Wait until it is working on the first job.
    let deadline = Instant::now() + WAIT;
    while !matches!(worker.try_recv(), Some(OverviewEvent::Progress { .. })) {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(1));
    }
    let started = Instant::now();
    drop(worker);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "drop took {:?}",
        started.elapsed()
    );
    // The twenty jobs did not all run: at most the first ones were cached.
    let cached = std::fs::read_dir(cache_dir.path()).unwrap().count();
    assert!(cached < 20, "{cached} jobs ran after drop");
}
