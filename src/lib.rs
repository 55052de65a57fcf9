//! Attune: frame-exact video micro-analysis for perinatal and infant mental health.

pub mod media;
