//! `attune bench step` and `attune bench playback`: the engine's speed
//! targets, measured through the public Player API exactly as the UI uses it;
//! and the hidden `attune bench overview` for the timeline's filmstrip and
//! waveform.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;

use super::{BenchOverviewArgs, BenchPlaybackArgs, BenchStepArgs, Percentiles, peak_rss_mb};
use crate::media::engine::index::index_clip;
use crate::media::engine::timeline::Timeline;
use crate::media::engine::{Player, PlayerCommand, PlayerConfig, VideoFrame};
use crate::tools::rng::Lcg;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct StepReport {
    pub forward_ms: Percentiles,
    pub backward_ms: Percentiles,
    pub forward_burst_ms: Percentiles,
    pub backward_burst_ms: Percentiles,
    pub seek_ms: Percentiles,
    pub open_ms: f64,
    pub peak_rss_mb: f64,
    pub frames_checked: u32,
    pub wrong_frames: u32,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PlaybackReport {
    pub seconds: f64,
    pub frames_expected: u64,
    pub frames_presented: u64,
    pub late: u64,
    pub dropped: u64,
    pub paused_cpu_percent: f64,
    /// Play pressed to the first frame presented: the first time (the
    /// playback pipeline is built) and after a pause (it is re-prerolled).
    pub start_ms: f64,
    pub resume_ms: f64,
    pub peak_rss_mb: f64,
}

/// Sends Play and waits (bounded) until playback presents a frame; ms.
fn time_to_first_presented(player: &Player) -> anyhow::Result<f64> {
    let before = player.playback_stats().presented;
    let (ms, ()) = send_and_wait(
        player,
        PlayerCommand::Play,
        Duration::from_secs(10),
        "playback to present a frame",
        |p| (p.playback_stats().presented != before).then_some(()),
    )?;
    Ok((ms * 100.0).round() / 100.0)
}

/// Process CPU time (user + system) in clock ticks.
fn cpu_ticks() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = s.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// Checks the frame in the slot against the target: its decoded stream time
/// must be the indexed time of the target frame, and its frame code (when
/// the clip carries one) must read the target.
pub(crate) struct Checker {
    timeline: Timeline,
    pub checked: u32,
    pub wrong: u32,
}

impl Checker {
    pub(crate) fn new(file: &Path) -> anyhow::Result<Self> {
        Ok(Checker {
            timeline: index_clip(file)?.timeline,
            checked: 0,
            wrong: 0,
        })
    }

    /// Reads timestamps the way the engine does: from the stream time its
    /// decoder gave the first frame (`frame` is frame 0 as opened).
    pub(crate) fn calibrate(&mut self, first: &VideoFrame) {
        self.timeline.calibrate(first.pts_ns);
    }

    pub(crate) fn check(&mut self, frame: &VideoFrame, target: u32) {
        self.checked += 1;
        let ok_time = self.timeline.pts(target).is_some_and(|want| {
            frame.pts_ns.abs_diff(want) < self.timeline.frame_duration(target) / 2
        });
        let ok_code = frame_code(frame).is_none_or(|code| code == target);
        if frame.frame != target || !ok_time || !ok_code {
            self.wrong += 1;
            if std::env::var_os("ATTUNE_BENCH_VERBOSE").is_some() {
                eprintln!(
                    "wrong: target {target} got index {} pts {} (want {:?}) code {:?}",
                    frame.frame,
                    frame.pts_ns,
                    self.timeline.pts(target),
                    frame_code(frame)
                );
            }
        }
    }
}

/// The frame code drawn into sample clips, when readable.
pub(crate) fn frame_code(frame: &VideoFrame) -> Option<u32> {
    let img = image::RgbaImage::from_raw(frame.width, frame.height, frame.rgba.clone())?;
    crate::frame_code::read(&img)
}

/// Sends `cmd` and waits until a frame with index `target` is in the slot.
fn timed(
    player: &Player,
    cmd: PlayerCommand,
    target: u32,
) -> anyhow::Result<(f64, Arc<VideoFrame>)> {
    let gen0 = player.frame_generation();
    let what = format!("frame {target}");
    send_and_wait(player, cmd, Duration::from_secs(20), &what, |p| {
        p.latest_frame()
            .filter(|f| p.frame_generation() != gen0 && f.frame == target)
    })
}

/// Sends `cmd` and polls until `ready` gives a value, the engine reports
/// an error, or `limit` passes; returns the milliseconds it took.
fn send_and_wait<T>(
    player: &Player,
    cmd: PlayerCommand,
    limit: Duration,
    what: &str,
    ready: impl Fn(&Player) -> Option<T>,
) -> anyhow::Result<(f64, T)> {
    let t0 = Instant::now();
    player.send(cmd);
    loop {
        if let Some(v) = ready(player) {
            return Ok((t0.elapsed().as_secs_f64() * 1000.0, v));
        }
        if let Some(e) = player.state().error {
            bail!(e);
        }
        if t0.elapsed() > limit {
            bail!("timed out waiting for {what}");
        }
        std::thread::sleep(Duration::from_micros(50));
    }
}

fn steps(
    player: &Player,
    checker: &mut Checker,
    start: u32,
    delta: i32,
    count: u32,
    cadence: Option<Duration>,
    settle: Duration,
) -> anyhow::Result<Vec<f64>> {
    timed(player, PlayerCommand::SeekToFrame(start), start)?;
    std::thread::sleep(settle);
    let mut out = Vec::new();
    let mut at = start;
    for _ in 0..count {
        let target = (at as i64 + delta as i64).max(0) as u32;
        let (ms, f) = timed(player, PlayerCommand::Step(delta), target)?;
        checker.check(&f, target);
        out.push(ms);
        at = target;
        if let Some(c) = cadence {
            std::thread::sleep(c);
        }
    }
    Ok(out)
}

pub(crate) fn measure_step(args: &BenchStepArgs) -> anyhow::Result<StepReport> {
    let mut checker = Checker::new(&args.file)?;
    let player = Player::new(PlayerConfig {
        audio: false,
        cache_bytes: args.cache_mb * 1024 * 1024,
    })?;
    let (open_ms, first) = timed(
        &player,
        PlayerCommand::Open {
            path: args.file.clone(),
            display_size: Some(args.display),
        },
        0,
    )
    .with_context(|| format!("opening {}", args.file.display()))?;
    checker.calibrate(&first);
    checker.check(&first, 0);
    let st = player.state();
    let count = st.frame_count;
    if count < 2 {
        bail!("{}: the clip has a single frame", args.file.display());
    }
    let tl = &checker.timeline;
    // Where the held-key and burst runs start and how long they are.
    let (n, fwd_start, back_start, fwd_b_start, back_b_start) = if count >= 300 {
        // 120 steps starting 61 frames before / 59 after a keyframe so each
        // crosses it (and, on 60-frame GOPs, the one before or after too).
        let key_mid = tl.keyframe_at_or_before(count / 2).max(61);
        let key_q = tl.keyframe_at_or_before(count / 4).max(61);
        let key_q = if key_q == key_mid {
            key_mid.saturating_sub(tl.max_gop()).max(61)
        } else {
            key_q
        };
        (
            120,
            key_mid - 61,
            (key_mid + 59).min(count - 1),
            key_q - 61,
            (key_q + 59).min(count - 1),
        )
    } else {
        // A short clip (the bundled samples): each run crosses all of it.
        let n = (count - 1).min(120);
        (n, 0, count - 1, 0, count - 1)
    };
    let settle = Duration::from_millis(args.settle_ms);
    let cadence = Some(Duration::from_millis(33));
    let forward = steps(&player, &mut checker, fwd_start, 1, n, cadence, settle)?;
    let backward = steps(&player, &mut checker, back_start, -1, n, cadence, settle)?;
    let fwd_b = steps(&player, &mut checker, fwd_b_start, 1, n, None, settle)?;
    let back_b = steps(&player, &mut checker, back_b_start, -1, n, None, settle)?;
    let mut rng = Lcg(args.seed);
    let mut seeks = Vec::new();
    for _ in 0..50 {
        let target = rng.below(u64::from(count)) as u32;
        let (ms, f) = timed(&player, PlayerCommand::SeekToFrame(target), target)?;
        checker.check(&f, target);
        seeks.push(ms);
        std::thread::sleep(settle);
    }
    Ok(StepReport {
        forward_ms: Percentiles::of(&forward),
        backward_ms: Percentiles::of(&backward),
        forward_burst_ms: Percentiles::of(&fwd_b),
        backward_burst_ms: Percentiles::of(&back_b),
        seek_ms: Percentiles::of(&seeks),
        open_ms: (open_ms * 1000.0).round() / 1000.0,
        peak_rss_mb: peak_rss_mb(),
        frames_checked: checker.checked,
        wrong_frames: checker.wrong,
    })
}

pub(crate) fn run_step(args: &BenchStepArgs) -> anyhow::Result<()> {
    let r = measure_step(args)?;
    super::print_json(&r, args.json)
}

pub(crate) fn measure_playback(args: &BenchPlaybackArgs) -> anyhow::Result<PlaybackReport> {
    let player = Player::new(PlayerConfig::default())?;
    timed(
        &player,
        PlayerCommand::Open {
            path: args.file.clone(),
            display_size: Some(args.display),
        },
        0,
    )
    .with_context(|| format!("opening {}", args.file.display()))?;
    let st = player.state();
    let clip_s = st.duration_ns as f64 / 1e9;
    let seconds = args.seconds.min(clip_s - 1.0).max(0.5);
    let start_ms = time_to_first_presented(&player)?;
    std::thread::sleep(Duration::from_secs_f64(seconds));
    player.send(PlayerCommand::Pause);
    let done = player.state().commands_done + 1;
    player.wait_commands_done(done.max(3), Duration::from_secs(10));
    if let Some(e) = player.state().error {
        bail!(e);
    }
    let stats = player.playback_stats();
    // Paused CPU: let background work finish, then sample two seconds.
    std::thread::sleep(Duration::from_secs(3));
    let ticks_per_s = 100.0;
    let c0 = cpu_ticks().unwrap_or(0);
    let w0 = Instant::now();
    std::thread::sleep(Duration::from_secs(2));
    let c1 = cpu_ticks().unwrap_or(0);
    let cpu = (c1.saturating_sub(c0)) as f64 / ticks_per_s / w0.elapsed().as_secs_f64() * 100.0;
    let resume_ms = time_to_first_presented(&player)?;
    player.send(PlayerCommand::Pause);
    let fps = st.fps_num as f64 / st.fps_den.max(1) as f64;
    Ok(PlaybackReport {
        seconds,
        frames_expected: (seconds * fps).round() as u64,
        frames_presented: stats.presented,
        late: stats.late,
        dropped: stats.dropped,
        paused_cpu_percent: (cpu * 10.0).round() / 10.0,
        start_ms,
        resume_ms,
        peak_rss_mb: peak_rss_mb(),
    })
}

pub(crate) fn run_playback(args: &BenchPlaybackArgs) -> anyhow::Result<()> {
    let r = measure_playback(args)?;
    super::print_json(&r, args.json)
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct OverviewReport {
    pub waveform_s: f64,
    pub filmstrip_s: f64,
    /// Process CPU time over wall time for both, in percent of one core.
    pub cpu_percent: f64,
    pub thumbnails: usize,
    pub waveform_buckets: usize,
    pub peak_rss_mb: f64,
}

/// Computes the overview the way the worker does (same sizes and rates),
/// on this thread and without the cache, so every run measures decoding.
pub(crate) fn measure_overview(args: &BenchOverviewArgs) -> anyhow::Result<OverviewReport> {
    use crate::media::overview::{
        BUCKETS_PER_SECOND, OverviewJob, THUMB_LONG_SIDE, compute_filmstrip, compute_waveform,
    };
    let facts = crate::media::probe::probe(&args.file)?;
    let job = OverviewJob {
        path: args.file.clone(),
        fingerprint: crate::store::media_check::fingerprint(&args.file)
            .with_context(|| format!("{}: cannot fingerprint", args.file.display()))?,
        rotation: facts.rotation,
        frames: facts.frames,
        frame_rate: crate::model::FrameRate::new(facts.fps_num, facts.fps_den)
            .context("the clip has no usable frame rate")?,
    };
    let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let c0 = cpu_ticks().unwrap_or(0);
    let t0 = Instant::now();
    let waveform = compute_waveform(&job, BUCKETS_PER_SECOND, &cancel, &mut |_| {})?;
    let waveform_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let strip = compute_filmstrip(&job, THUMB_LONG_SIDE, &cancel, &mut |_| {})?;
    let filmstrip_s = t1.elapsed().as_secs_f64();
    let ticks = cpu_ticks().unwrap_or(0).saturating_sub(c0) as f64;
    let wall = t0.elapsed().as_secs_f64().max(1e-9);
    let r = |x: f64| (x * 1000.0).round() / 1000.0;
    Ok(OverviewReport {
        waveform_s: r(waveform_s),
        filmstrip_s: r(filmstrip_s),
        // Linux reports CPU time in 1/100 s ticks.
        cpu_percent: (ticks / 100.0 / wall * 1000.0).round() / 10.0,
        thumbnails: strip.thumbs.len(),
        waveform_buckets: waveform.map_or(0, |w| w.peaks.len()),
        peak_rss_mb: peak_rss_mb(),
    })
}

pub(crate) fn run_overview(args: &BenchOverviewArgs) -> anyhow::Result<()> {
    let r = measure_overview(args)?;
    super::print_json(&r, args.json)
}
