//! Tools beside the product: benchmarks (`attune bench`), the single-frame
//! command (`attune frame`) and developer commands (`attune dev`). They use
//! the layers' public API from here; no layer imports a tool.

pub mod bench;
pub mod dev;
pub mod frame;
pub(crate) mod rng;
