//! The integration suite as one test binary: linking one debug binary
//! instead of twenty keeps the CI build fast and its disk use small.
//! (Tests that change process-wide GStreamer state live in their own
//! binary, `tests/engine_missing_plugin.rs`.)

mod engine_support;
mod support;

mod app_signals;
mod cli_bench_ui;
mod cli_check;
mod disk_full;
mod engine_cache;
mod engine_containers;
mod engine_errors;
mod engine_exact;
mod engine_logic;
mod engine_rotation;
mod engine_vfr;
mod export_errors;
mod export_reel;
mod export_stills;
mod frame_code_clips;
mod input_bounds;
mod interchange_cli;
mod interchange_csv;
mod interchange_plan;
mod interchange_vfr;
mod log_privacy;
mod model_operations;
mod model_props;
mod mp4_writer;
mod output_guard;
mod overview;
mod permissions;
mod picture_colour;
mod picture_interlace;
mod picture_shape;
mod picture_support;
mod probe;
mod regenerate_samples;
mod sample_determinism;
mod signals;
mod store_crash;
mod store_errors;
mod store_lifecycle;
mod supervision_cli;
mod timeline;
mod ui_annotations;
mod ui_foundation;
mod ui_review;
mod ui_supervision;
mod ui_workspace;
