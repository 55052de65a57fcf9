//! Internals the integration tests reach, and nothing else.
//!
//! This module exists for `tests/` and is not part of Attune's API: the
//! layers' own modules are what a user of the crate sees. Each item here is
//! an internal that a test drives directly (a pure policy, a renderer, a
//! hidden developer command); it may change or go without notice.

/// The engine's frame cache, stepper and timeline, driven by hand with a
/// fake decoder (`engine_logic`).
pub use crate::media::engine::cache::FrameCache;
pub use crate::media::engine::stepper::{FrameDecoder, Stepper};
pub use crate::media::engine::timeline::Timeline;

/// The engine's prefetch policy (`engine_logic`).
pub mod prefetch {
    pub use crate::media::engine::prefetch::{PrefetchRange, backward_request, forward_request};
}

/// Where a picture lands in the frame and how a caption is drawn, to find
/// both in rendered reels (`export_reel`).
pub use crate::export::picture::placement;
pub use crate::export::text::caption_overlay;

/// The filmstrip and waveform computed in the background (`overview`).
pub use crate::media::overview::{
    BUCKETS_PER_SECOND, Filmstrip, OverviewCache, OverviewEvent, OverviewJob, OverviewWorker,
    THUMB_LONG_SIDE, Thumbnail, Waveform, compute_filmstrip, compute_waveform, thumb_count_for,
};

/// A sample clip's vocal turns, to check the waveform against (`overview`).
pub use crate::samples::script::script;

/// The timeline widget, drawn and clicked headless (`timeline`, `ui_workspace`).
pub mod timeline {
    pub use crate::ui::timeline::{
        LABEL, TimelineAction, TimelineIndex, TimelineInput, TimelineLayout, TimelineView,
        frame_to_x, show,
    };
}

/// The crash test's known project states (`store_crash`, `store_errors`,
/// `store_lifecycle`).
pub use crate::tools::dev::crash_state;

/// `attune dev make-samples` and `make-bench-clip`, run in-process to
/// regenerate the committed samples (`regenerate_samples`).
pub mod make_samples {
    pub use crate::tools::dev::make_samples::{MakeSamplesArgs, run};
}
pub mod bench_clip {
    pub use crate::tools::dev::bench_clip::{MakeBenchClipArgs, run};
}
