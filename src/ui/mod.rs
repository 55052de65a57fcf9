//! The eframe app. It draws state and emits edits and commands; loading,
//! decoding and saving happen on other threads so the window never freezes.

mod app;
mod codebook_editor;
pub(crate) mod dialogs;
mod help;
mod jobs;
pub(crate) mod keys;
pub(crate) mod opening;
mod played;
mod reel_player;
mod saving;
mod style;
pub(crate) mod timeline;
mod viewer;
mod workspace;

pub use app::{AppOptions, AttuneApp};
pub use dialogs::Dialogs;
pub use workspace::Workspace;

use std::path::PathBuf;

/// How long a signal waits for the app to save its recovery file.
const SIGNAL_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Opens the window on a project or clip (or empty) and runs until closed.
pub fn run_app(path: Option<PathBuf>, app_options: AppOptions) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Attune")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([720.0, 480.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Attune",
        options,
        Box::new(move |cc| {
            style::apply(&cc.egui_ctx);
            // On SIGTERM/SIGINT/SIGHUP the app gets a few seconds to write
            // its recovery file and release the lock before the handler
            // removes unfinished files and exits.
            let ctx = cc.egui_ctx.clone();
            let wake = Box::new(move || ctx.request_repaint());
            if let Err(e) = crate::files::interrupt::install(SIGNAL_GRACE, wake) {
                eprintln!("attune: cannot watch for SIGTERM ({e})");
            }
            Ok(Box::new(
                AttuneApp::new(&cc.egui_ctx, path, app_options).with_storage(cc.storage),
            ))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
