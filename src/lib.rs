//! Attune: frame-exact video micro-analysis for perinatal and infant mental health.
//!
//! `model` is pure data and edits; `store` saves it without ever losing work;
//! `media` probes and plays clips on its own threads; `export` renders from
//! the model; `ui` draws state and emits edits and commands.

pub mod agreement;
pub mod cli;
pub mod export;
pub mod files;
pub mod frame_code;
pub mod interchange;
pub mod media;
pub mod model;
pub mod samples;
pub mod store;
pub mod testing;
pub(crate) mod tools;
pub mod ui;
