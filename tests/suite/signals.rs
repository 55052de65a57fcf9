//! Stopping `attune export` at random moments with SIGINT, SIGTERM and
//! SIGKILL: the output folder holds the complete reel, captions and chapters
//! or nothing; SIGINT and SIGTERM leave no temporary file and exit 130 and
//! 143; what a SIGKILL leaves is removed by the next write to that folder.

#![cfg(unix)]

use crate::support;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const RUNS: usize = 51;
const SIGNALS: [i32; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGKILL];
const FINALS: [&str; 3] = ["reel.mp4", "reel.vtt", "reel.chapters.vtt"];

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGINT => "SIGINT",
        libc::SIGTERM => "SIGTERM",
        libc::SIGKILL => "SIGKILL",
        _ => "?",
    }
}

/// One worker's copy of the project, ledger and output folder.
struct Worker {
    _dir: tempfile::TempDir,
    project: PathBuf,
    clip: PathBuf,
    out: PathBuf,
    state: tempfile::TempDir,
}

impl Worker {
    fn new() -> Self {
        let (dir, project, mut copy) = support::sample_copy();
        // Two items and no title card: a few seconds of reel, so 51 runs stay
        // quick; the render goes through every phase all the same.
        let reel = &mut copy.reels[0];
        reel.title_card = None;
        reel.items.truncate(2);
        attune::store::save(&project, &copy).unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        Self {
            clip: dir.path().join("bath-no-audio.mp4"),
            _dir: dir,
            project,
            out,
            state: tempfile::tempdir().unwrap(),
        }
    }

    fn command(&self, args: &[&OsStr]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_attune"));
        c.args(args)
            .env("XDG_STATE_HOME", self.state.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        c
    }

    fn export(&self) -> Command {
        let mp4 = self.out.join(FINALS[0]);
        self.command(&[
            OsStr::new("export"),
            self.project.as_os_str(),
            OsStr::new("--reel"),
            OsStr::new("1"),
            OsStr::new("-o"),
            mp4.as_os_str(),
        ])
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn clear(&self) {
        for name in self.names() {
            fs::remove_file(self.out.join(name)).unwrap();
        }
    }

    fn probed_frames(&self, file: &Path) -> u64 {
        let out = self
            .command(&[OsStr::new("probe"), file.as_os_str(), OsStr::new("--json")])
            .stdout(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "probe {}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["frames"].as_u64().expect("frames")
    }

    /// Writes a frame into the output folder: any Attune write there
    /// removes the temporary files a killed process left.
    fn write_probe_png(&self) {
        let png = self.out.join("probe.png");
        let out = self
            .command(&[
                OsStr::new("frame"),
                self.clip.as_os_str(),
                OsStr::new("--frame"),
                OsStr::new("0"),
                OsStr::new("-o"),
                png.as_os_str(),
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "frame: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(image::open(&png).is_ok(), "probe.png is a picture");
    }
}

/// What a complete export wrote.
#[derive(Debug, Clone, PartialEq)]
struct Reference {
    frames: u64,
    captions: Vec<u8>,
    chapters: Vec<u8>,
}

/// Checks that the output folder holds the complete trio or none of it (and
/// nothing else but, when `temps_allowed`, temporary files). Returns
/// whether the trio is there and the temporary files found.
fn check_folder(
    w: &Worker,
    reference: &Reference,
    what: &str,
    temps_allowed: bool,
) -> (bool, Vec<String>) {
    let names = w.names();
    let temps: Vec<String> = names
        .iter()
        .filter(|n| n.ends_with(".tmp"))
        .cloned()
        .collect();
    let finals: Vec<&String> = names
        .iter()
        .filter(|n| FINALS.contains(&n.as_str()))
        .collect();
    let others: Vec<&String> = names
        .iter()
        .filter(|n| !n.ends_with(".tmp") && !FINALS.contains(&n.as_str()))
        .collect();
    assert!(others.is_empty(), "{what}: unexpected files {others:?}");
    assert!(
        finals.is_empty() || finals.len() == FINALS.len(),
        "{what}: a partial set of outputs: {names:?}"
    );
    if !temps_allowed {
        assert!(temps.is_empty(), "{what}: temporary files left: {names:?}");
    }
    for temp in &temps {
        assert!(temp.starts_with('.'), "{what}: {temp} is not one of ours");
    }
    let complete = !finals.is_empty();
    if complete {
        let captions = fs::read(w.out.join(FINALS[1])).unwrap();
        let chapters = fs::read(w.out.join(FINALS[2])).unwrap();
        assert!(
            captions == reference.captions,
            "{what}: the captions are incomplete"
        );
        assert!(
            chapters == reference.chapters,
            "{what}: the chapters are incomplete"
        );
        let frames = w.probed_frames(&w.out.join(FINALS[0]));
        assert_eq!(frames, reference.frames, "{what}: the reel is incomplete");
    }
    (complete, temps)
}

/// Deterministic delays (a 64-bit LCG; Knuth's constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    runs: u32,
    /// Exit 0: the export finished before the signal.
    finished: u32,
    /// Exit 128 + signal from our handler.
    handled: u32,
    /// Ended by the signal itself: before the handler was installed, or
    /// SIGKILL.
    by_signal: u32,
    /// A complete trio although the signal stopped the process.
    complete_anyway: u32,
    /// SIGKILL runs that left temporary files for the sweep.
    left_temps: u32,
}

/// Runs one export and stops it with `sig` after `permille` thousandths
/// of `estimate_ms`, the shortest time an export has been seen to take
/// (lowered when a run finishes before its signal: the first measurement
/// may have shared the machine with other tests).
fn one_run(
    w: &Worker,
    reference: &Reference,
    (n, sig, permille): (usize, i32, u64),
    estimate_ms: &AtomicU64,
) -> Tally {
    let delay_ms = estimate_ms.load(Ordering::Relaxed) * permille / 1000;
    let delay = Duration::from_millis(delay_ms);
    let what = format!("run {n}: {} after {delay:?}", signal_name(sig));
    let mut tally = Tally {
        runs: 1,
        ..Tally::default()
    };
    let mut child = w.export().spawn().expect("run attune export");
    std::thread::sleep(delay);
    // The child is not reaped before we wait, so the pid is still its own
    // even if it has already exited.
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(pid, sig) }, 0, "{what}: kill failed");
    let started = Instant::now();
    let out = loop {
        if child.try_wait().unwrap().is_some() {
            break child.wait_with_output().unwrap();
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{what}: still running 30 s after the signal; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let status = out.status;
    let what = format!("{what} ({status}; stderr: {stderr:?})");
    match (status.code(), status.signal()) {
        (Some(0), _) => {
            tally.finished = 1;
            estimate_ms.fetch_min(delay_ms.max(1), Ordering::Relaxed);
        }
        (Some(code), _) if sig != libc::SIGKILL && code == 128 + sig => {
            tally.handled = 1;
            let said = if sig == libc::SIGINT {
                "interrupted"
            } else {
                "terminated"
            };
            assert!(stderr.contains(said), "{what}");
        }
        (None, Some(s)) if s == sig => tally.by_signal = 1,
        _ => panic!("{what}: unexpected exit"),
    }
    let temps_allowed = sig == libc::SIGKILL;
    let (complete, temps) = check_folder(w, reference, &what, temps_allowed);
    if tally.finished == 1 {
        assert!(complete, "{what}: exit 0 without all three files");
    } else if complete {
        tally.complete_anyway = 1;
    }
    if sig != libc::SIGKILL && tally.by_signal == 1 {
        // Only possible before the handler was installed, which is before
        // any file is created.
        assert!(
            w.names().is_empty(),
            "{what}: files written without a handler"
        );
    }
    if sig == libc::SIGKILL {
        if !temps.is_empty() {
            tally.left_temps = 1;
        }
        w.write_probe_png();
        let left: Vec<String> = w
            .names()
            .into_iter()
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(
            left.is_empty(),
            "{what}: the next write did not remove {left:?} (was {temps:?})"
        );
    }
    w.clear();
    tally
}

#[test]
fn a_stopped_export_leaves_the_whole_reel_or_nothing() {
    let workers = [Worker::new(), Worker::new()];
    // A full export on both workers at once, as the runs will be: its time
    // bounds the delays, its files are what a complete trio must hold.
    let timed: Vec<(Duration, Reference)> = std::thread::scope(|s| {
        let handles: Vec<_> = workers
            .iter()
            .map(|w| {
                s.spawn(move || {
                    let started = Instant::now();
                    let out = w.export().output().unwrap();
                    let took = started.elapsed();
                    assert_eq!(
                        out.status.code(),
                        Some(0),
                        "full export: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    let reference = Reference {
                        frames: w.probed_frames(&w.out.join(FINALS[0])),
                        captions: fs::read(w.out.join(FINALS[1])).unwrap(),
                        chapters: fs::read(w.out.join(FINALS[2])).unwrap(),
                    };
                    assert!(reference.frames > 0);
                    assert!(reference.captions.starts_with(b"WEBVTT"));
                    assert_eq!(w.names(), {
                        let mut f = FINALS.map(String::from).to_vec();
                        f.sort();
                        f
                    });
                    w.clear();
                    (took, reference)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(timed[0].1, timed[1].1, "both full exports agree");
    let reference = timed[0].1.clone();
    let full = timed.iter().map(|(t, _)| *t).max().unwrap();
    let estimate_ms = AtomicU64::new(u64::try_from(full.as_millis()).unwrap().max(1));

    // Delays from 0 to 110% of a full export.
    let mut lcg = Lcg(0x5eed_a77e_0000_0001);
    let jobs: Vec<(usize, i32, u64)> = (0..RUNS)
        .map(|n| (n, SIGNALS[n % SIGNALS.len()], lcg.next() % 1100))
        .collect();
    let tallies: Vec<Vec<(i32, Tally)>> = std::thread::scope(|s| {
        let handles: Vec<_> = workers
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let mine: Vec<_> = jobs
                    .iter()
                    .filter(|(n, _, _)| n % 2 == i)
                    .copied()
                    .collect();
                let (reference, estimate_ms) = (&reference, &estimate_ms);
                s.spawn(move || {
                    mine.into_iter()
                        .map(|job| (job.1, one_run(w, reference, job, estimate_ms)))
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let mut summary = Vec::new();
    let mut totals = std::collections::HashMap::new();
    for (sig, t) in tallies.into_iter().flatten() {
        let sum: &mut Tally = totals.entry(sig).or_default();
        sum.runs += t.runs;
        sum.finished += t.finished;
        sum.handled += t.handled;
        sum.by_signal += t.by_signal;
        sum.complete_anyway += t.complete_anyway;
        sum.left_temps += t.left_temps;
    }
    for sig in SIGNALS {
        let t = totals[&sig];
        summary.push(format!(
            "{}: {} runs, {} finished first, {} exited {}, {} ended by the signal, {} complete anyway, {} left temporary files",
            signal_name(sig),
            t.runs,
            t.finished,
            t.handled,
            128 + sig,
            t.by_signal,
            t.complete_anyway,
            t.left_temps
        ));
    }
    println!(
        "signals: full export {full:?} at first, {} ms at least; delays up to 110% of that; {}",
        estimate_ms.load(Ordering::Relaxed),
        summary.join("; ")
    );
    let total: u32 = totals.values().map(|t| t.runs).sum();
    assert!(total >= 50, "{total} runs");
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let t = totals[&sig];
        assert!(
            t.handled > 0,
            "{}: the handler never ran: {summary:?}",
            signal_name(sig)
        );
        assert!(
            t.by_signal * 4 <= t.runs,
            "{}: too many runs died before the handler: {summary:?}",
            signal_name(sig)
        );
    }
    assert!(
        totals[&libc::SIGKILL].left_temps > 0,
        "no SIGKILL run left a temporary file, so the sweep went untested: {summary:?}"
    );
}
