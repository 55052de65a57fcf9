//! Attune: frame-exact video micro-analysis for perinatal and infant mental health.

pub mod export;
pub mod frame_code;
pub mod media;
pub mod samples;
