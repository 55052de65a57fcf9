//! `attune dev make-samples`: regenerate the committed sample clips and
//! the sample project.

use std::fs;
use std::path::PathBuf;

use anyhow::Context as _;

use crate::samples::make_samples;

/// Where to write the clips.
#[derive(Debug, Clone, clap::Args)]
pub struct MakeSamplesArgs {
    /// Folder to write the clips into.
    #[arg(default_value = "sample_clips")]
    pub out_dir: PathBuf,
}

pub fn run(args: MakeSamplesArgs) -> anyhow::Result<()> {
    ffmpeg_next::log::set_level(ffmpeg_next::log::Level::Error);
    let started = std::time::Instant::now();
    let mut total = 0;
    for path in make_samples(&args.out_dir)? {
        let size = fs::metadata(&path)
            .with_context(|| format!("reading the size of {}", path.display()))?
            .len();
        total += size;
        println!("{}: {} KiB", path.display(), size.div_ceil(1024));
    }
    println!(
        "total {} KiB in {:.1} s",
        total.div_ceil(1024),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
