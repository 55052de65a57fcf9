//! Crash test: a child process (`attune dev save-loop`) saves a known
//! sequence of states and is killed at random moments. Whatever moment it
//! dies at, the project file must load and hold either the last state the
//! child reported saved or the one it was writing; `.bak` must hold a
//! complete earlier state.

use attune::store::{backup_path, load, remove_stale_temporaries, save};
use attune::testing::crash_state;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const RUNS: usize = 200;

/// xorshift64*: enough randomness for kill timings without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// The state number a saved crash-test project holds, from its title.
fn state_number(path: &Path) -> u64 {
    let loaded = load(path).unwrap_or_else(|e| panic!("{e}"));
    let n: u64 = loaded
        .project
        .title
        .strip_prefix("crash state ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected title {:?}", loaded.project.title));
    assert_eq!(loaded.project, crash_state(n), "state {n} is complete");
    n
}

#[test]
fn killed_mid_save_the_project_is_always_the_old_or_the_new_state() {
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("kill timing seed {seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let mut runs_with_saves = 0;
    let mut most_saves = 0;

    for run in 0..RUNS {
        let folder = dir.path().join(format!("run-{run}"));
        std::fs::create_dir(&folder).unwrap();
        let path = folder.join("family.attune.json");
        save(&path, &crash_state(0)).unwrap();

        let mut child = Command::new(env!("CARGO_BIN_EXE_attune"))
            .arg("dev")
            .arg("save-loop")
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The binary links GStreamer, FFmpeg and the GUI, so it takes longer
        // to start than a save takes: time the kill from its first report,
        // not from the spawn, or most kills would land before any save.
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            let mut line = String::new();
            // read_line keeps the newline, so a line cut short by the kill
            // (which the child never finished reporting) can be told apart.
            while out.read_line(&mut line).is_ok_and(|n| n > 0) {
                if tx.send(std::mem::take(&mut line)).is_err() {
                    break;
                }
            }
        });
        let first = rx.recv_timeout(Duration::from_secs(20));
        assert!(first.is_ok(), "run {run}: the child never reported a save");
        std::thread::sleep(Duration::from_micros(rng.next() % 40_000));
        // It may have failed on its own; that must show up as a bad file or
        // no progress, not be hidden here.
        let _ = child.kill();
        let _ = child.wait();
        let _ = reader.join();
        // Only whole lines count: a line cut by the kill was never reported.
        let last_reported: Option<u64> = first
            .into_iter()
            .chain(rx.try_iter())
            .filter(|line| line.ends_with('\n'))
            .filter_map(|line| line.trim().strip_prefix("saved ")?.parse().ok())
            .last();

        let found = state_number(&path);
        let allowed = match last_reported {
            None => vec![0],
            Some(k) => vec![k, k + 1],
        };
        assert!(
            allowed.contains(&found),
            "run {run} (seed {seed}): file holds state {found}, child last reported {last_reported:?}"
        );

        let bak = backup_path(&path);
        if bak.exists() {
            let previous = state_number(&bak);
            assert!(
                previous == found || previous + 1 == found,
                "run {run} (seed {seed}): .bak holds {previous} next to {found}"
            );
        } else {
            assert_eq!(found, 0, "run {run}: a later state was saved without .bak");
        }

        // A killed save may leave its temporary file; the next opener tidies
        // it away, and only the project, its backup and nothing else remain.
        remove_stale_temporaries(&path);
        let mut left: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        left.retain(|n| n != "family.attune.json.bak");
        assert_eq!(left, ["family.attune.json"], "run {run}");

        if let Some(k) = last_reported {
            runs_with_saves += 1;
            most_saves = most_saves.max(k + 1);
        }
    }
    eprintln!("{runs_with_saves} of {RUNS} runs saved at least once; at most {most_saves} saves");
    assert!(
        runs_with_saves >= RUNS / 4,
        "too few runs got as far as saving ({runs_with_saves}); the test proves little"
    );
}
