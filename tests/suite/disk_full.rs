//! A full disk: the save fails with a message naming the project (not the
//! hidden temporary file), the project and its backup stay loadable, and no
//! temporary file is left. Needs a small tmpfs, so it runs where the suite
//! may mount one (root, as in CI) and says it skipped elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A 256 KiB tmpfs, unmounted when dropped.
struct SmallDisk {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl SmallDisk {
    fn mount() -> Option<Self> {
        let dir = tempfile::tempdir().ok()?;
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
            .arg(&path)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Self { _dir: dir, path })
    }

    /// Fills what is left, so the next write fails with ENOSPC.
    fn fill(&self) {
        let mut n = 0;
        loop {
            let chunk = vec![0u8; 4096];
            if std::fs::write(self.path.join(format!("filler-{n}")), &chunk).is_err() {
                break;
            }
            n += 1;
        }
        // Some space may remain in part-filled blocks; take it too.
        let _ = std::fs::write(self.path.join("filler-last"), vec![0u8; 512]);
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_full_disk_names_the_project_and_harms_nothing() {
    let Some(disk) = SmallDisk::mount() else {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    };
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_clips");
    let path = disk.path.join("family.attune.json");
    let mut project = attune::store::load(&samples.join("sample.attune.json"))
        .unwrap()
        .project;
    attune::store::save(&path, &project).unwrap();
    attune::store::save(&path, &project).unwrap(); // and a .bak
    let before = std::fs::read(&path).unwrap();
    disk.fill();
    project.title = "Edited on a full disk".into();
    for moment in &mut project.moments {
        moment.note = "a longer note than before, ".repeat(20);
    }
    let err = attune::store::save(&path, &project)
        .unwrap_err()
        .to_string();
    assert!(err.contains("family.attune.json"), "{err}");
    assert!(
        !err.contains(".family.attune.json."),
        "names the user's file, not the temporary: {err}"
    );
    assert_eq!(err.matches("No space left").count(), 1, "said once: {err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the project is untouched"
    );
    assert!(attune::store::load(&path).is_ok());
    assert!(attune::store::load(&attune::store::backup_path(&path)).is_ok());
    assert_eq!(temporaries(&disk.path), Vec::<String>::new());
}
