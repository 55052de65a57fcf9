//! Tools beside the product: benchmarks (`attune bench`), the single-frame
//! command (`attune frame`) and developer commands (`attune dev`). They use
//! the layers' public API from here; no layer imports a tool.

pub(crate) mod bench;
pub(crate) mod dev;
pub(crate) mod frame;
pub(crate) mod rng;
