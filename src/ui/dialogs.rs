//! File and folder dialogs. Native dialogs (rfd) run on their own thread so
//! the window keeps drawing while one is open; tests script the answers
//! instead, because no person is there to click a native dialog.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use crate::interchange::formats::Format;
use crate::ui::jobs::{self, Job, JobError, Worker};

/// What a dialog is for; decides the kind of dialog and its filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    OpenProject,
    SaveProjectAs,
    AddClips,
    RelinkFolder,
    ImportCodebook,
    ExportCodebook,
    RenderReel,
    SaveStill,
    ImportAnnotations,
    /// A save dialog for an export in this format.
    ExportAnnotations(Format),
    /// A colleague's project to merge coding from.
    MergeCoding,
    /// Where the agreement report (HTML) goes.
    AgreementReport,
}

#[derive(Clone, Default)]
pub enum Dialogs {
    #[default]
    Native,
    /// Each question takes the next answer; an empty answer is "Cancel".
    Scripted(Arc<Mutex<VecDeque<Vec<PathBuf>>>>),
}

impl std::fmt::Debug for Dialogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dialogs::Native => f.write_str("Native"),
            Dialogs::Scripted(_) => f.write_str("Scripted"),
        }
    }
}

const VIDEO_EXTENSIONS: &[&str] = &[
    "mp4", "mov", "m4v", "mkv", "webm", "avi", "mts", "m2ts", "ts", "mpg", "mpeg", "3gp",
];

impl Dialogs {
    /// Answers for a test, in the order the questions will be asked.
    pub fn scripted(answers: impl IntoIterator<Item = Vec<PathBuf>>) -> Self {
        Dialogs::Scripted(Arc::new(Mutex::new(answers.into_iter().collect())))
    }

    /// Asks; the chosen paths (none if cancelled) are the job's answer.
    pub fn ask(
        &self,
        question: Question,
        ctx: &egui::Context,
    ) -> Result<Job<Vec<PathBuf>>, JobError> {
        match self {
            Dialogs::Scripted(answers) => {
                let answer = answers
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .pop_front()
                    .unwrap_or_default();
                Ok(jobs::ready("file-dialog", answer))
            }
            Dialogs::Native => {
                jobs::spawn(ctx, "file-dialog", move |_: &Worker<()>| native(question))
            }
        }
    }
}

fn native(question: Question) -> Vec<PathBuf> {
    let dialog = rfd::FileDialog::new();
    let projects = |d: rfd::FileDialog| d.add_filter("Attune project", &["json"]);
    let one = |p: Option<PathBuf>| p.into_iter().collect();
    match question {
        Question::OpenProject => one(projects(dialog.set_title("Open project")).pick_file()),
        Question::SaveProjectAs => one(projects(dialog.set_title("Save project as"))
            .set_file_name("project.attune.json")
            .save_file()),
        Question::AddClips => dialog
            .set_title("Add clips")
            .add_filter("Video", VIDEO_EXTENSIONS)
            .pick_files()
            .unwrap_or_default(),
        Question::RelinkFolder => one(dialog
            .set_title("Find the moved clip in this folder")
            .pick_folder()),
        Question::ImportCodebook => one(dialog
            .set_title("Import codebook")
            .add_filter("Codebook", &["json"])
            .pick_file()),
        Question::RenderReel => one(dialog
            .set_title("Render reel")
            .add_filter("MP4 video", &["mp4"])
            .set_file_name("review.mp4")
            .save_file()),
        Question::SaveStill => one(dialog
            .set_title("Save this frame")
            .add_filter("PNG image", &["png"])
            .add_filter("JPEG image", &["jpg", "jpeg"])
            .set_file_name("still.png")
            .save_file()),
        Question::ImportAnnotations => one(dialog
            .set_title("Import annotations")
            .add_filter(
                "ELAN, BORIS, spreadsheet or subtitles",
                &Format::ALL.map(Format::name),
            )
            .pick_file()),
        Question::ExportAnnotations(format) => one(dialog
            .set_title("Export annotations")
            .add_filter(format.title(), &[format.name()])
            .set_file_name(format!("annotations.{}", format.name()))
            .save_file()),
        Question::MergeCoding => one(dialog
            .set_title("Merge coding from another project")
            .add_filter("Attune project", &["json"])
            .pick_file()),
        Question::AgreementReport => one(dialog
            .set_title("Export agreement report")
            .add_filter("Web page (prints on A4)", &["html"])
            .set_file_name("agreement.html")
            .save_file()),
        Question::ExportCodebook => one(dialog
            .set_title("Export codebook")
            .add_filter("Codebook", &["json"])
            .set_file_name("codebook.json")
            .save_file()),
    }
}

/// Whether a dropped or chosen file looks like footage.
pub(crate) fn is_video(path: &std::path::Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| VIDEO_EXTENSIONS.contains(&e.as_str()))
}
