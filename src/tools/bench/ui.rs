//! `attune bench ui`: the UI's quality bars on a large synthetic project
//! (by default 5,000 moments over a one-hour clip), measured through the
//! same code the window runs: the timeline drawn and tessellated by a
//! headless egui context, the moment list's filter, and store save/load.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use chrono::DateTime;
use serde::Serialize;

use super::Percentiles;
use crate::model::{
    Clip, ClipId, CodeRef, Consent, Fingerprint, FrameRate, MediaFacts, Moment, MomentFilter,
    MomentId, Project, SCHEMA_VERSION,
};
use crate::tools::rng::Lcg;
use crate::ui::timeline::{
    self, FilmstripThumb, NAME_WIDTH, TimelineIndex, TimelineInput, TimelineView,
};

#[derive(Debug, Clone, clap::Args)]
pub struct BenchUiArgs {
    /// How many moments the synthetic project holds.
    #[arg(long, default_value_t = 5000)]
    pub moments: u32,
    /// Length of its one clip, in minutes (30 fps).
    #[arg(long, default_value_t = 60)]
    pub minutes: u32,
    /// Timeline frames drawn per zoom level.
    #[arg(long, default_value_t = 100)]
    pub frames: u32,
    /// Also measure the UI's frame rate while this clip's filmstrip and
    /// waveform compute in the background (e.g. a one-hour 1080p clip).
    #[arg(long, value_name = "CLIP")]
    pub while_overview: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The UI loop (timeline drawn at a 60 Hz pace) while the overview worker
/// computes a clip's filmstrip and waveform on its own thread.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OverviewLoad {
    pub clip: String,
    pub clip_frames: u32,
    pub overview_s: f64,
    pub ui_frames: u64,
    /// Frames drawn per second of wall time while the overview ran.
    pub ui_fps: f64,
    pub ui_frame_ms: Percentiles,
    /// Longest time between two drawn frames.
    pub ui_longest_gap_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct UiReport {
    /// Every drawn frame, all zoom levels together.
    pub timeline_draw_ms: Percentiles,
    pub timeline_whole_clip_ms: Percentiles,
    pub timeline_two_minutes_ms: Percentiles,
    pub timeline_single_frames_ms: Percentiles,
    pub timeline_index_ms: f64,
    /// Every query below, all together.
    pub filter_ms: Percentiles,
    pub filter_queries: Vec<QueryReport>,
    pub save_ms: f64,
    pub load_ms: f64,
    pub project_kb: u64,
    pub moments: u32,
    pub frames: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub while_overview: Option<OverviewLoad>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct QueryReport {
    pub query: String,
    pub matches: usize,
    pub ms: Percentiles,
}

/// The timeline's size in the bench, as in a 1280-wide window.
const SIZE: egui::Vec2 = egui::vec2(1280.0, 300.0);
const RATE: u32 = 30;
/// Waveform peaks per second, as the overview computes them.
const PEAKS_PER_SECOND: u32 = 50;

pub(crate) fn run(args: &BenchUiArgs) -> anyhow::Result<()> {
    let frames = args
        .minutes
        .checked_mul(60 * RATE)
        .filter(|&f| f > 0)
        .context("--minutes must be between 1 and a few thousand")?;
    let project = synthetic_project(args.moments, frames)?;
    let report = measure(&project, frames, args)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_text(&report);
    }
    Ok(())
}

fn measure(project: &Project, frames: u32, args: &BenchUiArgs) -> anyhow::Result<UiReport> {
    let clip = ClipId(1);
    let codebook = project.codebooks.first();
    let mut index_runs = Vec::new();
    let mut index = TimelineIndex::default();
    for _ in 0..10 {
        let t0 = Instant::now();
        index = TimelineIndex::build(project, clip, codebook);
        index_runs.push(ms(t0));
    }
    let draws = draw_timeline(&index, frames, args.frames.max(1));
    let all_draws: Vec<f64> = draws.iter().flatten().copied().collect();

    let queries = filter_queries(project);
    let mut all_filters = Vec::new();
    let mut filter_reports = Vec::new();
    for (query, filter) in queries {
        let mut runs = Vec::new();
        let mut matches = 0;
        for _ in 0..20 {
            let t0 = Instant::now();
            matches = std::hint::black_box(filter.apply(project)).len();
            runs.push(ms(t0));
        }
        all_filters.extend_from_slice(&runs);
        filter_reports.push(QueryReport {
            query,
            matches,
            ms: Percentiles::of(&runs),
        });
    }

    let (save_ms, load_ms, project_kb) = save_and_load(project)?;
    let while_overview = match &args.while_overview {
        Some(clip) => Some(ui_while_overview(clip, &index, frames)?),
        None => None,
    };
    let [whole, two_minutes, single] = draws;
    Ok(UiReport {
        timeline_draw_ms: Percentiles::of(&all_draws),
        timeline_whole_clip_ms: Percentiles::of(&whole),
        timeline_two_minutes_ms: Percentiles::of(&two_minutes),
        timeline_single_frames_ms: Percentiles::of(&single),
        timeline_index_ms: Percentiles::of(&index_runs).p50,
        filter_ms: Percentiles::of(&all_filters),
        filter_queries: filter_reports,
        save_ms,
        load_ms,
        project_kb,
        moments: args.moments,
        frames,
        while_overview,
    })
}

fn ui_while_overview(
    clip: &std::path::Path,
    index: &TimelineIndex,
    frames: u32,
) -> anyhow::Result<OverviewLoad> {
    use crate::media::overview::{OverviewEvent, OverviewJob, OverviewWorker};
    let facts = crate::media::probe::probe(clip)?;
    let fingerprint = crate::store::fingerprint(clip)
        .with_context(|| format!("{}: cannot read", clip.display()))?;
    let frame_rate = FrameRate::new(facts.fps_num, facts.fps_den)
        .with_context(|| format!("{}: frame rate is zero", clip.display()))?;
    let cache = temp_dir()?;
    let worker = OverviewWorker::new(Some(cache.clone()), Box::new(|| {}));
    let started = Instant::now();
    worker.request(OverviewJob {
        path: clip.to_path_buf(),
        fingerprint,
        rotation: facts.rotation,
        frames: facts.frames,
        frame_rate,
    });
    let ctx = egui::Context::default();
    let mut view = TimelineView::default();
    let pace = std::time::Duration::from_micros(16_667);
    let deadline = started + std::time::Duration::from_secs(900);
    let (mut times, mut gaps) = (Vec::new(), Vec::new());
    let mut last = Instant::now();
    let mut progress = Some(0.0);
    let mut failed = None;
    'drawing: loop {
        while let Some(event) = worker.try_recv() {
            match event {
                OverviewEvent::Progress { fraction, .. } => progress = Some(fraction),
                OverviewEvent::Filmstrip { .. } => break 'drawing,
                OverviewEvent::Failed { message, .. } => failed = Some(message),
                OverviewEvent::Waveform { .. } => {}
            }
        }
        if let Some(message) = failed.take() {
            anyhow::bail!("{message}");
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the overview took over 15 minutes"
        );
        let n = times.len() as u64;
        let input = TimelineInput {
            index,
            frames,
            rate: FrameRate { num: RATE, den: 1 },
            playhead: (n * 31 % u64::from(frames)) as u32,
            selected: None,
            mark_in: None,
            mark_out: None,
            filmstrip: &[],
            waveform: None,
            overview_progress: progress,
            follow_playhead: false,
        };
        let t0 = Instant::now();
        times.push(draw_frame(&ctx, &mut view, &input));
        gaps.push(ms(last));
        last = Instant::now();
        // Like a window at 60 Hz: wait out the rest of the frame.
        if let Some(rest) = pace.checked_sub(t0.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    let overview_s = started.elapsed().as_secs_f64();
    drop(worker);
    // A benchmark's scratch folder: a leftover is not worth failing for.
    if let Err(e) = std::fs::remove_dir_all(&cache) {
        log::debug!("benchmark cache folder not removed: {:?}", e.kind());
    }
    Ok(OverviewLoad {
        clip: clip.display().to_string(),
        clip_frames: facts.frames,
        overview_s,
        ui_frames: times.len() as u64,
        ui_fps: times.len() as f64 / overview_s.max(1e-9),
        ui_frame_ms: Percentiles::of(&times),
        ui_longest_gap_ms: gaps.iter().skip(1).copied().fold(0.0, f64::max),
    })
}

/// One window frame of the timeline: egui's pass plus tessellation, in ms.
fn draw_frame(ctx: &egui::Context, view: &mut TimelineView, input: &TimelineInput<'_>) -> f64 {
    let raw = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SIZE)),
        ..Default::default()
    };
    let t0 = Instant::now();
    let output = ctx.run_ui(raw, |ui| {
        egui::CentralPanel::default().show(ui, |ui| {
            timeline::show(ui, view, input);
        });
    });
    std::hint::black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
    // No renderer takes the font atlas's changes; say so, or egui complains.
    let mut textures = output.textures_delta;
    textures.clear();
    ms(t0)
}

fn ms(t0: Instant) -> f64 {
    t0.elapsed().as_secs_f64() * 1000.0
}

/// Draws and tessellates the timeline in a headless context at three zoom
/// levels, the playhead moving and the view panning as in playback.
fn draw_timeline(index: &TimelineIndex, frames: u32, count: u32) -> [Vec<f64>; 3] {
    let ctx = egui::Context::default();
    let mut rng = Lcg(7);
    let peaks: Vec<(i8, i8)> = (0..u64::from(frames) * u64::from(PEAKS_PER_SECOND)
        / u64::from(RATE))
        .map(|_| {
            let level = (rng.below(120) + 1) as i8;
            (-level, level)
        })
        .collect();
    // One picture every two seconds, as a finished filmstrip would have.
    let thumbs: Vec<FilmstripThumb> = (0..frames)
        .step_by(2 * RATE as usize)
        .map(|frame| FilmstripThumb {
            frame,
            texture: egui::TextureId::default(),
            size: egui::vec2(160.0, 90.0),
        })
        .collect();
    let selected = index
        .lanes()
        .iter()
        .find_map(|l| l.spans().get(l.spans().len() / 2))
        .map(|s| s.moment);
    // The track's width inside a central panel of the bench's size.
    let track_width = SIZE.x - NAME_WIDTH - 16.0;
    let zooms: [f64; 3] = [
        f64::from(frames),
        f64::from(2 * 60 * RATE),
        f64::from(track_width) / timeline::MAX_POINTS_PER_FRAME,
    ];
    zooms.map(|shown| {
        let mut view = TimelineView::default();
        let mut samples = Vec::new();
        for n in 0..count + 5 {
            let playhead = (u64::from(n) * 997 % u64::from(frames)) as u32;
            if shown < f64::from(frames) {
                let left = f64::from(playhead) - shown / 2.0;
                view.show_range(left, shown, frames, track_width);
            }
            let input = TimelineInput {
                index,
                frames,
                rate: FrameRate { num: RATE, den: 1 },
                playhead,
                selected,
                mark_in: Some(playhead / 2),
                mark_out: Some(playhead / 2 + 300),
                filmstrip: &thumbs,
                waveform: Some((&peaks, PEAKS_PER_SECOND)),
                overview_progress: None,
                follow_playhead: false,
            };
            let took = draw_frame(&ctx, &mut view, &input);
            // The first frames lay out fonts; a window pays that once.
            if n >= 5 {
                samples.push(took);
            }
        }
        samples
    })
}

fn filter_queries(project: &Project) -> Vec<(String, MomentFilter)> {
    let clip = project.clips.first().map(|c| c.id);
    vec![
        (
            "word \"smiles\"".into(),
            MomentFilter {
                text: "smiles".into(),
                ..Default::default()
            },
        ),
        (
            "code vig/waiting".into(),
            MomentFilter {
                code: Some(CodeRef::new("vig", "waiting")),
                ..Default::default()
            },
        ),
        (
            "clip 1 + \"calm voice\"".into(),
            MomentFilter {
                text: "calm voice".into(),
                clip,
                ..Default::default()
            },
        ),
        (
            "no match \"zebra\"".into(),
            MomentFilter {
                text: "zebra".into(),
                ..Default::default()
            },
        ),
    ]
}

/// Saves and loads the project in a private temporary folder: median of a
/// few runs each, in ms, and the file's size in KiB.
fn save_and_load(project: &Project) -> anyhow::Result<(f64, f64, u64)> {
    let dir = temp_dir()?;
    let result = (|| {
        let path = dir.join("bench.attune.json");
        let mut saves = Vec::new();
        let mut loads = Vec::new();
        for _ in 0..5 {
            let t0 = Instant::now();
            crate::store::save(&path, project)?;
            saves.push(ms(t0));
            let t0 = Instant::now();
            let loaded = crate::store::load(&path)?;
            loads.push(ms(t0));
            anyhow::ensure!(
                loaded.project.moments.len() == project.moments.len(),
                "the project loaded back differs from the one saved"
            );
        }
        let kb = std::fs::metadata(&path)?.len() / 1024;
        Ok((Percentiles::of(&saves).p50, Percentiles::of(&loads).p50, kb))
    })();
    // Best effort: a leftover temporary folder is not worth failing for.
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        log::debug!("benchmark folder not removed: {:?}", e.kind());
    }
    result
}

fn temp_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("attune-bench-ui-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot make a temporary folder at {}", dir.display()))?;
    Ok(dir)
}

const WORDS: [&str; 24] = [
    "mother", "father", "baby", "looks", "smiles", "waits", "calm", "voice", "reaches", "turns",
    "away", "towards", "hums", "gently", "names", "feeling", "follows", "lead", "pauses", "eyes",
    "hand", "mat", "toy", "together",
];
const AUTHORS: [&str; 3] = ["Dr Amani Okafor", "Kit Moreno", "Sam Lee"];

fn sentence(rng: &mut Lcg, words: u64) -> String {
    let n = 4 + rng.below(words);
    (0..n)
        .map(|_| *rng.pick(&WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `moments` moments over one clip of `frames` frames at 30 fps, coded
/// with one or two VIG items each; about a third are single frames.
pub(crate) fn synthetic_project(moments: u32, frames: u32) -> anyhow::Result<Project> {
    let created = DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default();
    let vig = crate::model::bundled()?
        .into_iter()
        .next()
        .context("the bundled codebooks are missing VIG")?;
    let items: Vec<String> = vig.items().map(|(_, i)| i.id.clone()).collect();
    anyhow::ensure!(!items.is_empty(), "the bundled VIG codebook has no items");
    let rate = FrameRate { num: RATE, den: 1 };
    let clip = Clip {
        id: ClipId(1),
        name: "Synthetic hour on the mat".into(),
        path: "bench.mp4".into(),
        fingerprint: Fingerprint {
            size: 1,
            hash: "00".repeat(32),
        },
        media: MediaFacts {
            frame_rate: rate,
            frames,
            duration_us: u64::from(frames) * 1_000_000 / u64::from(RATE),
            width: 1280,
            height: 720,
            display_width: 0,
            rotation: 0,
            video_codec: "h264".into(),
            audio_codec: Some("aac".into()),
            variable_frame_rate: false,
        },
        consent: Consent::default(),
    };
    let mut rng = Lcg(1);
    let moments = (1..=moments)
        .map(|id| {
            let start = rng.below(u64::from(frames)) as u32;
            let length = if rng.below(3) == 0 {
                0
            } else {
                15 + rng.below(300) as u32
            };
            let mut codes = vec![CodeRef::new("vig", rng.pick(&items).clone())];
            if rng.below(2) == 0 {
                let second = CodeRef::new("vig", rng.pick(&items).clone());
                if second != codes[0] {
                    codes.push(second);
                }
            }
            Moment {
                id: MomentId(id),
                clip: ClipId(1),
                start,
                end: start.saturating_add(length).min(frames - 1),
                codes,
                note: sentence(&mut rng, 8),
                caption: sentence(&mut rng, 6),
                participant: None,
                author: (*rng.pick(&AUTHORS)).to_owned(),
                created,
                modified: created,
            }
        })
        .collect();
    let project = Project {
        schema_version: SCHEMA_VERSION,
        title: "Bench: a long session".into(),
        created,
        clips: vec![clip],
        codebooks: vec![vig],
        moments,
        reels: Vec::new(),
        reviews: Vec::new(),
        people: Vec::new(),
        coders: Vec::new(),
    };
    project.validate()?;
    Ok(project)
}

fn print_text(r: &UiReport) {
    let p = |p: &Percentiles| format!("p50 {:.2}  p95 {:.2}  max {:.2} ms", p.p50, p.p95, p.max);
    println!(
        "{} moments over {} frames ({} min at {RATE} fps)",
        r.moments,
        r.frames,
        r.frames / RATE / 60
    );
    println!("timeline draw (run + tessellate, 1280x300)");
    println!("  all zooms      {}", p(&r.timeline_draw_ms));
    println!("  whole clip     {}", p(&r.timeline_whole_clip_ms));
    println!("  two minutes    {}", p(&r.timeline_two_minutes_ms));
    println!("  single frames  {}", p(&r.timeline_single_frames_ms));
    println!("timeline index   {:.2} ms", r.timeline_index_ms);
    println!("moment filter    {}", p(&r.filter_ms));
    for q in &r.filter_queries {
        println!("  {:<24} {:>5} found  {}", q.query, q.matches, p(&q.ms));
    }
    println!(
        "save             {:.2} ms ({} KiB)",
        r.save_ms, r.project_kb
    );
    println!("load             {:.2} ms", r.load_ms);
    if let Some(o) = &r.while_overview {
        println!(
            "while the overview of {} ({} frames) computed for {:.1} s:",
            o.clip, o.clip_frames, o.overview_s
        );
        println!(
            "  UI {:.1} fps ({} frames), frame {}, longest gap {:.1} ms",
            o.ui_fps,
            o.ui_frames,
            p(&o.ui_frame_ms),
            o.ui_longest_gap_ms
        );
    }
}
