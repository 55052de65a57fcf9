//! Regenerates the committed sample clips: `cargo test --test
//! regenerate_samples -- --ignored` (the same as `attune dev make-samples`).
//! Ignored by default so the suite never rewrites committed files.

#[test]
#[ignore = "rewrites sample_clips/; run on purpose"]
fn regenerate_sample_clips() {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_clips");
    attune::testing::make_samples::run(attune::testing::make_samples::MakeSamplesArgs {
        out_dir: out,
    })
    .unwrap();
}

#[test]
#[ignore = "writes a large clip to $ATTUNE_BENCH_OUT; run on purpose"]
fn make_bench_clip() {
    let out = std::env::var_os("ATTUNE_BENCH_OUT").expect("set ATTUNE_BENCH_OUT");
    let gop = std::env::var("ATTUNE_BENCH_GOP").map_or(60, |g| g.parse().unwrap());
    attune::testing::bench_clip::run(attune::testing::bench_clip::MakeBenchClipArgs {
        gop,
        seconds: 60,
        width: 1920,
        height: 1080,
        fps: 30,
        out: out.into(),
    })
    .unwrap();
}
