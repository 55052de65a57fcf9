//! Reading another tool's file on a worker, planning what it adds, the
//! preview (observation, clip, coder) and applying it as one undo step.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;

use super::times;
use crate::files::MAX_PROJECT_BYTES;
use crate::interchange::formats::{self, Format, Read};
use crate::interchange::{ImportError, ImportPlan, ImportTarget, plan_import};
use crate::model::{ClipId, Project};
use crate::ui::jobs::{self, Job, Worker};
use crate::ui::workspace::Workspace;
use std::collections::HashMap;

/// The most an annotation file may hold: as much as a project.
const MAX_ANNOTATION_BYTES: u64 = MAX_PROJECT_BYTES;

/// A file that has been read: its spans in the shared form.
pub(super) struct ReadFile {
    path: PathBuf,
    format: Format,
    read: Read,
    /// BORIS observations to choose one from; empty for other formats.
    observations: Vec<String>,
}

/// What the person chose in the preview.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Choice {
    clip: Option<ClipId>,
    observation: Option<String>,
}

/// What planning said.
pub(super) enum Planned {
    Plan(Box<ImportPlan>),
    /// The file's media match no single clip: the person picks one.
    NeedsClip(String),
    /// Cannot come in as chosen (one line: file, line, problem).
    Refused(String),
}

/// Progress is a line saying which stage the worker is at, so a 50 MB
/// file shows what is happening rather than a bare spinner.
type PlanJob = Job<Result<(Arc<ReadFile>, Planned), String>, String>;

pub(super) enum Import {
    /// Reading the file (unless only replanning) and planning.
    Working {
        name: String,
        choice: Choice,
        /// The coder field's text, kept across replanning.
        coder: String,
        first: bool,
        job: PlanJob,
        /// The worker's latest stage.
        stage: String,
    },
    Preview {
        file: Arc<ReadFile>,
        choice: Choice,
        /// Who the moments are credited to; blank keeps the file's coders.
        coder: String,
        planned: Planned,
    },
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

fn read_file(path: &Path, worker: &Worker<String>) -> Result<ReadFile, String> {
    let format = Format::of_file(path).ok_or_else(|| {
        format!(
            "{}: cannot tell the format from the file name (.eaf, .boris, .csv, .vtt or .srt)",
            path.display()
        )
    })?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    worker.report(format!(
        "Reading the file ({:.1} MB)…",
        size as f64 / 1_000_000.0
    ));
    let text = read_text(path)?;
    worker.report(format!("Reading the {} annotations…", format.title()));
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
    worker: &Worker<String>,
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
    worker.report(format!(
        "Finding the frames of {} annotation(s)…",
        annotations.spans.len()
    ));
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

impl Workspace {
    /// The chosen file: read and planned on a worker.
    pub(in crate::ui::workspace) fn import_annotations_from(&mut self, path: PathBuf) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.start_plan(
            name,
            None,
            Some(path),
            Choice::default(),
            String::new(),
            true,
        );
    }

    fn start_plan(
        &mut self,
        name: String,
        file: Option<Arc<ReadFile>>,
        path: Option<PathBuf>,
        choice: Choice,
        coder: String,
        first: bool,
    ) {
        let project = self.session.doc.project().clone();
        let paths = self.clip_paths();
        let read = file;
        let chosen = choice.clone();
        let job = jobs::spawn(
            &self.ctx,
            "import-annotations",
            move |worker: &Worker<String>| {
                let file = match (read, path) {
                    (Some(file), _) => file,
                    (None, Some(path)) => Arc::new(read_file(&path, worker)?),
                    (None, None) => return Err("no file to import".to_owned()),
                };
                // Several BORIS observations: the first until one is chosen.
                let mut chosen = chosen;
                if chosen.observation.is_none() && file.observations.len() > 1 {
                    chosen.observation = file.observations.first().cloned();
                }
                let planned = plan(&project, &paths, &file, &chosen, worker);
                Ok((file, planned))
            },
        );
        match job {
            Ok(job) => {
                self.status = Some(format!("Reading {name}…"));
                self.io.import = Some(Import::Working {
                    stage: format!("Reading {name}…"),
                    name,
                    choice,
                    coder,
                    first,
                    job,
                });
            }
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    pub(super) fn poll_import(&mut self) {
        if let Some(Import::Working { job, stage, .. }) = &mut self.io.import
            && let Some(outcome) = job.poll(|line| *stage = line)
        {
            let Some(Import::Working {
                choice,
                coder,
                first,
                ..
            }) = self.io.import.take()
            else {
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
                        coder,
                        planned,
                    });
                }
            }
        }
    }

    pub(super) fn import_dialog(&mut self, ctx: &egui::Context) {
        enum Ask {
            Import,
            Cancel,
            Replan(Choice),
        }
        // The coder field edits the preview in place (no replanning: the
        // credit is applied to the plan when it is imported).
        let mut coder_edit: Option<String> = None;
        let project = self.session.doc.project();
        let mut ask = None;
        match &self.io.import {
            None => return,
            Some(Import::Working { name, stage, .. }) => {
                let modal =
                    egui::Modal::new(egui::Id::unique("import-annotations")).show(ctx, |ui| {
                        ui.heading("Import annotations");
                        ui.label(name);
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label(stage);
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
                coder,
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
                        let mut credit = coder.clone();
                        ui.horizontal(|ui| {
                            let label = ui.label("Coder");
                            let hint = match planned {
                                Planned::Plan(plan) => file_coders(plan),
                                _ => "as the file says".to_owned(),
                            };
                            ui.add(
                                egui::TextEdit::singleline(&mut credit)
                                    .hint_text(hint)
                                    .desired_width(220.0),
                            )
                            .labelled_by(label.id)
                            .on_hover_text(
                                "Whose coding this is. Leave blank to keep the coders the file names.",
                            );
                        });
                        if credit != *coder {
                            coder_edit = Some(credit);
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
        if let (Some(text), Some(Import::Preview { coder, .. })) = (coder_edit, &mut self.io.import)
        {
            *coder = text;
        }
        match ask {
            None => {}
            Some(Ask::Cancel) => {
                // A worker still reading finishes into nobody's hands.
                self.io.import = None;
                self.status = Some("Import cancelled; nothing was changed.".into());
            }
            Some(Ask::Replan(choice)) => {
                if let Some(Import::Preview { file, coder, .. }) = self.io.import.take() {
                    let name = file
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    self.start_plan(name, Some(file), None, choice, coder, false);
                }
            }
            Some(Ask::Import) => self.apply_import(),
        }
    }

    /// The previewed plan's one edit.
    fn apply_import(&mut self) {
        let Some(Import::Preview {
            planned: Planned::Plan(mut plan),
            coder,
            ..
        }) = self.io.import.take()
        else {
            return;
        };
        plan.credit_to(&coder);
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
}

/// The coders a plan credits, for the coder field's hint.
fn file_coders(plan: &ImportPlan) -> String {
    let named: Vec<&str> = plan
        .coders()
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect();
    if named.is_empty() {
        "the file names no coder".to_owned()
    } else {
        format!("as the file says: {}", named.join(", "))
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
