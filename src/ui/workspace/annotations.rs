//! File → Import annotations… and File → Export annotations…: moments to
//! and from ELAN, BORIS, spreadsheets and subtitles. Reading, planning and
//! writing run as `ui::jobs` on a snapshot of the project, so a 50 MB file
//! never freezes the window; the import is previewed (counts, the clip it
//! lands on, new codes) and applied as the plan's one edit, one undo step.
//! The mapping and the formats are `interchange`'s, the same the CLI uses.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;

use super::Workspace;
use super::clips::Pending;
use crate::export::ProjectTimes;
use crate::files::{MAX_PROJECT_BYTES, OutputGuard};
use crate::interchange::formats::{self, Format, Read, WriteOptions};
use crate::interchange::{ExportScope, ImportError, ImportPlan, ImportTarget, plan_import};
use crate::model::{Clip, ClipId, Project};
use crate::ui::dialogs::Question;
use crate::ui::jobs::{self, Job, Worker};

/// The most an annotation file may hold: as much as a project.
const MAX_ANNOTATION_BYTES: u64 = MAX_PROJECT_BYTES;

/// An import or export in progress, if any.
#[derive(Default)]
pub(super) struct AnnotationsIo {
    import: Option<Import>,
    /// The export dialog's choices while it is open (and while its save
    /// dialog is asked).
    export: Option<ExportForm>,
    export_open: bool,
    writing: Option<Job<Result<Exported, String>>>,
}

impl AnnotationsIo {
    /// True while a dialog of ours covers the workspace (keys go to it).
    pub(super) fn is_modal(&self) -> bool {
        self.import.is_some() || self.export_open
    }
}

/// A file that has been read: its spans in the shared form.
struct ReadFile {
    path: PathBuf,
    format: Format,
    read: Read,
    /// BORIS observations to choose one from; empty for other formats.
    observations: Vec<String>,
}

/// What the person chose in the preview.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Choice {
    clip: Option<ClipId>,
    observation: Option<String>,
}

/// What planning said.
enum Planned {
    Plan(Box<ImportPlan>),
    /// The file's media match no single clip: the person picks one.
    NeedsClip(String),
    /// Cannot come in as chosen (one line: file, line, problem).
    Refused(String),
}

type PlanJob = Job<Result<(Arc<ReadFile>, Planned), String>>;

enum Import {
    /// Reading the file (unless only replanning) and planning.
    Working {
        name: String,
        choice: Choice,
        first: bool,
        job: PlanJob,
    },
    Preview {
        file: Arc<ReadFile>,
        choice: Choice,
        planned: Planned,
    },
}

/// The export dialog's choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ExportForm {
    format: Format,
    /// `None`: every clip (CSV only; ELAN and BORIS files are per clip).
    clip: Option<ClipId>,
    with_notes: bool,
    excel: bool,
}

/// What an export wrote.
struct Exported {
    path: PathBuf,
    moments: usize,
    format: Format,
    with_notes: bool,
}

/// Frame ↔ ms: the real timestamps of variable-rate clips (read on the
/// worker, from where the app knows each clip is), the rate for the rest.
fn times(
    project: &Project,
    paths: &HashMap<ClipId, PathBuf>,
    only: Option<ClipId>,
) -> ProjectTimes {
    ProjectTimes::with_paths(project, &|clip| paths.get(&clip.id).cloned(), only)
}

/// The file as text: a regular file within the size limit, UTF-8.
fn read_text(path: &Path) -> Result<String, String> {
    let bytes = crate::files::read_capped(path, MAX_ANNOTATION_BYTES).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{}: is not UTF-8 text (byte {} is not)",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

fn read_file(path: &Path) -> Result<ReadFile, String> {
    let format = Format::of_file(path).ok_or_else(|| {
        format!(
            "{}: cannot tell the format from the file name (.eaf, .boris, .csv, .vtt or .srt)",
            path.display()
        )
    })?;
    let text = read_text(path)?;
    // Messages name the file, not the whole path of the user's disk.
    let shown = path.file_name().map(Path::new).unwrap_or(path);
    let read = formats::read(format, &text, shown)?;
    let observations = formats::observations(format, &read.annotations);
    Ok(ReadFile {
        path: path.to_path_buf(),
        format,
        read,
        observations,
    })
}

fn plan(
    project: &Project,
    paths: &HashMap<ClipId, PathBuf>,
    file: &ReadFile,
    choice: &Choice,
) -> Planned {
    let one;
    let annotations = match &choice.observation {
        Some(id) => {
            one = formats::only_observation(&file.read.annotations, id);
            &one
        }
        None => &file.read.annotations,
    };
    let target = ImportTarget {
        clip: choice.clip,
        coder: None,
        now: Utc::now(),
    };
    let times = times(project, paths, choice.clip);
    let started = std::time::Instant::now();
    match plan_import(project, annotations, &target, &times) {
        Ok(plan) => {
            log::info!(
                "app annotations import from {}: {} span(s) planned as {} moment(s) in {} ms",
                file.format.name(),
                annotations.spans.len(),
                plan.moment_count(),
                started.elapsed().as_millis()
            );
            Planned::Plan(Box::new(plan))
        }
        Err(e) => {
            let shown = file.path.file_name().map(Path::new).unwrap_or(&file.path);
            match e {
                // The CLI's wording says "--clip"; here the person picks below.
                ImportError::UnknownMedia { media, .. } if !project.clips.is_empty() => {
                    Planned::NeedsClip(format!(
                        "The file is about \"{media}\", which is not one of this project's clips."
                    ))
                }
                ImportError::WhichClip { .. } if !project.clips.is_empty() => {
                    Planned::NeedsClip("The file does not say which clip it belongs to.".to_owned())
                }
                _ => Planned::Refused(formats::located(&e, shown, file.read.lines.as_deref())),
            }
        }
    }
}

/// How an export names a clip's file: relative to the exported file when
/// the clip lies in its folder or below, else as the project stores it when
/// that is relative, else its file name only; never an absolute path (as
/// the CLI does).
fn media_path(
    project_path: Option<&Path>,
    clip: &Clip,
    file: &Path,
    out_dir: Option<&Path>,
) -> String {
    let resolved = std::fs::canonicalize(file).ok().or_else(|| {
        let folder = std::fs::canonicalize(project_path?.parent()?).ok()?;
        Some(folder.join(file.strip_prefix(project_path?.parent()?).ok()?))
    });
    if let (Some(dir), Some(file)) = (out_dir, resolved)
        && let Some(relative) = crate::interchange::relative_to(dir, &file)
        && !relative.starts_with("..")
    {
        return relative;
    }
    crate::interchange::portable_path(clip)
}

struct ExportJob {
    project: Project,
    project_path: Option<PathBuf>,
    paths: HashMap<ClipId, PathBuf>,
    guard: OutputGuard,
    form: ExportForm,
    out: PathBuf,
}

fn export(job: ExportJob) -> Result<Exported, String> {
    let ExportJob {
        project,
        project_path,
        paths,
        guard,
        form,
        out,
    } = job;
    guard.check(&out).map_err(|e| e.to_string())?;
    let scope = ExportScope {
        clip: form.clip,
        coder: None,
        with_notes: form.with_notes,
    };
    let times = times(&project, &paths, form.clip);
    let out_dir = {
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty());
        std::fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()
    };
    let name = |clip: &Clip| {
        let file = paths.get(&clip.id).cloned().unwrap_or_default();
        media_path(project_path.as_deref(), clip, &file, out_dir.as_deref())
    };
    let options = WriteOptions { excel: form.excel };
    let (bytes, moments) = formats::write(form.format, &project, &scope, &times, &name, options)?;
    crate::files::write_file(&out, &bytes).map_err(|e| e.to_string())?;
    log::info!(
        "app annotations exported as {}: {moments} moment(s), {} byte(s), notes {}",
        form.format.name(),
        bytes.len(),
        if form.with_notes {
            "included"
        } else {
            "left out"
        }
    );
    Ok(Exported {
        path: out,
        moments,
        format: form.format,
        with_notes: form.with_notes,
    })
}

impl Workspace {
    /// Where each clip's file is, for the workers.
    fn clip_paths(&self) -> HashMap<ClipId, PathBuf> {
        self.session
            .doc
            .project()
            .clips
            .iter()
            .map(|c| (c.id, self.clip_path(c)))
            .collect()
    }

    /// The chosen file: read and planned on a worker.
    pub(super) fn import_annotations_from(&mut self, path: PathBuf) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.start_plan(name, None, Some(path), Choice::default(), true);
    }

    fn start_plan(
        &mut self,
        name: String,
        file: Option<Arc<ReadFile>>,
        path: Option<PathBuf>,
        choice: Choice,
        first: bool,
    ) {
        let project = self.session.doc.project().clone();
        let paths = self.clip_paths();
        let read = file;
        let chosen = choice.clone();
        let job = jobs::spawn(&self.ctx, "import-annotations", move |_: &Worker<()>| {
            let file = match (read, path) {
                (Some(file), _) => file,
                (None, Some(path)) => Arc::new(read_file(&path)?),
                (None, None) => return Err("no file to import".to_owned()),
            };
            // Several BORIS observations: the first until one is chosen.
            let mut chosen = chosen;
            if chosen.observation.is_none() && file.observations.len() > 1 {
                chosen.observation = file.observations.first().cloned();
            }
            let planned = plan(&project, &paths, &file, &chosen);
            Ok((file, planned))
        });
        match job {
            Ok(job) => {
                self.status = Some(format!("Reading {name}…"));
                self.io.import = Some(Import::Working {
                    name,
                    choice,
                    first,
                    job,
                });
            }
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    /// Takes what the import and export workers made.
    pub(super) fn poll_annotations(&mut self) {
        if let Some(Import::Working { job, .. }) = &mut self.io.import
            && let Some(outcome) = job.poll_result()
        {
            let Some(Import::Working { choice, first, .. }) = self.io.import.take() else {
                return;
            };
            match outcome.map_err(|e| e.to_string()).and_then(|r| r) {
                Err(message) => self.status = Some(message),
                Ok((_, Planned::Refused(message))) if first => self.status = Some(message),
                Ok((file, planned)) => {
                    self.status = None;
                    let mut choice = choice;
                    if choice.observation.is_none() && file.observations.len() > 1 {
                        choice.observation = file.observations.first().cloned();
                    }
                    self.io.import = Some(Import::Preview {
                        file,
                        choice,
                        planned,
                    });
                }
            }
        }
        if let Some(job) = &mut self.io.writing
            && let Some(outcome) = job.poll_result()
        {
            self.io.writing = None;
            self.status = Some(match outcome.map_err(|e| e.to_string()).and_then(|r| r) {
                Ok(done) => format!(
                    "{} moment(s) exported as {} to {}{}.",
                    done.moments,
                    done.format.title(),
                    done.path.display(),
                    if done.with_notes {
                        ", with clinical notes"
                    } else {
                        ""
                    }
                ),
                Err(message) => format!("Not exported: {message}"),
            });
        }
    }

    /// The import preview (or its progress) and the export dialog.
    pub(super) fn annotations_dialogs(&mut self, ctx: &egui::Context) {
        self.import_dialog(ctx);
        self.export_dialog(ctx);
    }

    fn import_dialog(&mut self, ctx: &egui::Context) {
        enum Ask {
            Import,
            Cancel,
            Replan(Choice),
        }
        let project = self.session.doc.project();
        let mut ask = None;
        match &self.io.import {
            None => return,
            Some(Import::Working { name, .. }) => {
                let modal =
                    egui::Modal::new(egui::Id::unique("import-annotations")).show(ctx, |ui| {
                        ui.heading("Import annotations");
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label(format!("Reading {name}…"));
                        });
                        if ui.button("Cancel").clicked() {
                            ask = Some(Ask::Cancel);
                        }
                    });
                if modal.should_close() {
                    ask = Some(Ask::Cancel);
                }
            }
            Some(Import::Preview {
                file,
                choice,
                planned,
            }) => {
                let modal =
                    egui::Modal::new(egui::Id::unique("import-annotations")).show(ctx, |ui| {
                        ui.set_max_width(520.0);
                        ui.heading("Import annotations");
                        ui.label(format!(
                            "From {} ({})",
                            file.path
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default(),
                            file.format.title()
                        ));
                        let mut wanted = choice.clone();
                        if file.observations.len() > 1 {
                            egui::ComboBox::from_label("Observation")
                                .selected_text(wanted.observation.clone().unwrap_or_default())
                                .show_ui(ui, |ui| {
                                    for id in &file.observations {
                                        ui.selectable_value(
                                            &mut wanted.observation,
                                            Some(id.clone()),
                                            id,
                                        );
                                    }
                                });
                        }
                        let clip_name =
                            |id: Option<ClipId>| match id.and_then(|id| project.clip(id)) {
                                Some(c) => c.name.clone(),
                                None => "As the file says".to_owned(),
                            };
                        egui::ComboBox::from_label("Put the moments on")
                            .selected_text(clip_name(wanted.clip))
                            .width(220.0)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut wanted.clip, None, "As the file says");
                                for clip in &project.clips {
                                    ui.selectable_value(
                                        &mut wanted.clip,
                                        Some(clip.id),
                                        &clip.name,
                                    );
                                }
                            });
                        if wanted != *choice {
                            ask = Some(Ask::Replan(wanted));
                        }
                        ui.separator();
                        let can_import = match planned {
                            Planned::Plan(plan) => {
                                preview_facts(ui, plan);
                                plan.moment_count() > 0 || !plan.work.codebooks.is_empty()
                            }
                            Planned::NeedsClip(why) => {
                                ui.colored_label(ui.visuals().warn_fg_color, why);
                                ui.label("Choose the clip these annotations belong to.");
                                false
                            }
                            Planned::Refused(why) => {
                                ui.colored_label(ui.visuals().error_fg_color, why);
                                false
                            }
                        };
                        ui.separator();
                        ui.horizontal(|ui| {
                            if ui
                                .add_enabled(can_import, egui::Button::new("Import"))
                                .on_hover_text("Adds all of it as one step; Ctrl+Z takes it back")
                                .clicked()
                            {
                                ask = Some(Ask::Import);
                            }
                            if ui.button("Cancel").clicked() {
                                ask = Some(Ask::Cancel);
                            }
                        });
                    });
                if modal.should_close() && ask.is_none() {
                    ask = Some(Ask::Cancel);
                }
            }
        }
        match ask {
            None => {}
            Some(Ask::Cancel) => {
                // A worker still reading finishes into nobody's hands.
                self.io.import = None;
                self.status = Some("Import cancelled; nothing was changed.".into());
            }
            Some(Ask::Replan(choice)) => {
                if let Some(Import::Preview { file, .. }) = self.io.import.take() {
                    let name = file
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    self.start_plan(name, Some(file), None, choice, false);
                }
            }
            Some(Ask::Import) => self.apply_import(),
        }
    }

    /// The previewed plan's one edit.
    fn apply_import(&mut self) {
        let Some(Import::Preview {
            planned: Planned::Plan(plan),
            ..
        }) = self.io.import.take()
        else {
            return;
        };
        let (moments, codes, books) = (
            plan.moment_count(),
            plan.new_codes.len(),
            plan.work.codebooks.len(),
        );
        let first_clip = plan.clips.first().map(|s| s.clip);
        self.commit_draft();
        let made = plan.into_edit(self.session.doc.project());
        if self.apply(made) {
            log::info!(
                "app annotations imported: {moments} moment(s), {codes} new code(s), {books} new codebook(s)"
            );
            self.status = Some(format!(
                "Imported {moments} moment(s), {codes} new code(s), {books} new codebook(s). Ctrl+Z takes it back."
            ));
            if self.transport.current.is_none()
                && let Some(clip) = first_clip
            {
                self.show_clip(clip);
            }
        }
    }

    pub(super) fn open_export_dialog(&mut self) {
        let form = self.io.export.clone().unwrap_or(ExportForm {
            format: Format::Csv,
            clip: None,
            with_notes: false,
            excel: false,
        });
        self.io.export = Some(form);
        self.io.export_open = true;
    }

    fn export_dialog(&mut self, ctx: &egui::Context) {
        if !self.io.export_open {
            return;
        }
        let Some(form) = &mut self.io.export else {
            self.io.export_open = false;
            return;
        };
        let project = self.session.doc.project();
        let mut go = false;
        let mut cancel = false;
        let modal = egui::Modal::new(egui::Id::unique("export-annotations")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading("Export annotations");
            ui.label("Format");
            for format in Format::WRITABLE {
                ui.radio_value(&mut form.format, format, format.title());
            }
            if form.format != Format::Csv && form.clip.is_none() {
                // ELAN and BORIS files hold one clip each.
                form.clip = project.clips.first().map(|c| c.id);
            }
            let clip_name = |id: Option<ClipId>| match id.and_then(|id| project.clip(id)) {
                Some(c) => c.name.clone(),
                None => "All clips".to_owned(),
            };
            egui::ComboBox::from_label("Clip to export")
                .selected_text(clip_name(form.clip))
                .width(220.0)
                .show_ui(ui, |ui| {
                    if form.format == Format::Csv {
                        ui.selectable_value(&mut form.clip, None, "All clips");
                    }
                    for clip in &project.clips {
                        ui.selectable_value(&mut form.clip, Some(clip.id), &clip.name);
                    }
                });
            ui.separator();
            ui.checkbox(&mut form.with_notes, "Include clinical notes");
            ui.label(
                egui::RichText::new(
                    "Clinical notes are private. Include them only if everyone who will \
                     receive this file may read the clinical record. Codes and the \
                     parent-facing captions are always included.",
                )
                .weak(),
            );
            ui.add_enabled_ui(form.format == Format::Csv, |ui| {
                ui.checkbox(&mut form.excel, "Excel-friendly CSV")
                    .on_hover_text("Adds a byte-order mark and Windows line ends, so Excel reads names with accents correctly");
            });
            ui.separator();
            ui.horizontal(|ui| {
                go = ui.button("Export…").clicked();
                cancel = ui.button("Cancel").clicked();
            });
        });
        if cancel || (modal.should_close() && !go) {
            self.io.export_open = false;
        } else if go {
            self.io.export_open = false;
            let format = form.format;
            let ctx = ctx.clone();
            self.ask(
                Question::ExportAnnotations(format),
                Pending::ExportAnnotations,
                &ctx,
            );
        }
    }

    /// The save dialog's answer: written on a worker.
    pub(super) fn export_annotations_to(&mut self, out: PathBuf) {
        let Some(form) = self.io.export.clone() else {
            return;
        };
        let job = ExportJob {
            project: self.session.doc.project().clone(),
            project_path: self.session.project_path.clone(),
            paths: self.clip_paths(),
            guard: self.output_guard(),
            form,
            out,
        };
        match jobs::spawn(&self.ctx, "export-annotations", move |_: &Worker<()>| {
            export(job)
        }) {
            Ok(job) => {
                self.io.writing = Some(job);
                self.status = Some("Exporting annotations…".into());
            }
            Err(e) => self.status = Some(format!("Not exported: {e}")),
        }
    }
}

/// The preview's facts: moments per clip, new codebooks and codes, people.
fn preview_facts(ui: &mut egui::Ui, plan: &ImportPlan) {
    for (what, count) in [
        ("Moments to add", plan.moment_count()),
        ("New codebooks", plan.work.codebooks.len()),
        ("New codes", plan.new_codes.len()),
        ("New people", plan.work.people.len()),
    ] {
        ui.label(format!("{what}: {count}"));
    }
    for share in &plan.clips {
        ui.label(format!(
            "{} moment(s) on clip \"{}\"",
            share.moments, share.clip_name
        ));
    }
    for (vocabulary, book) in &plan.mapped {
        ui.label(format!(
            "Codes of \"{vocabulary}\" go onto codebook \"{book}\""
        ));
    }
    if !plan.new_codes.is_empty() {
        ui.label(egui::RichText::new("Codes that are new").strong());
        egui::ScrollArea::vertical()
            .id_salt("import-new-codes")
            .max_height(160.0)
            .show(ui, |ui| {
                for code in &plan.new_codes {
                    ui.label(format!(
                        "{} · {} / {}",
                        code.code, code.codebook, code.category
                    ));
                }
            });
    }
}
