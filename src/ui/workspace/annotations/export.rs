//! The export dialog (format, clip, coder, notes) and writing the file on
//! a worker through the output guard.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::times;
use crate::files::OutputGuard;
use crate::interchange::ExportScope;
use crate::interchange::formats::{self, Format, WriteOptions};
use crate::model::{Clip, ClipId, Project};
use crate::ui::dialogs::Question;
use crate::ui::jobs::{self, Worker};
use crate::ui::workspace::Workspace;
use crate::ui::workspace::clips::Pending;

/// The export dialog's choices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ExportForm {
    format: Format,
    /// `None`: every clip (CSV only; ELAN and BORIS files are per clip).
    clip: Option<ClipId>,
    /// `None`: every coder's moments.
    coder: Option<String>,
    with_notes: bool,
    excel: bool,
}

/// What an export wrote.
pub(super) struct Exported {
    path: PathBuf,
    moments: usize,
    format: Format,
    with_notes: bool,
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
        coder: form.coder.clone(),
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
    pub(super) fn poll_export(&mut self) {
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

    pub(in crate::ui::workspace) fn open_export_dialog(&mut self) {
        let form = self.io.export.clone().unwrap_or(ExportForm {
            format: Format::Csv,
            clip: None,
            coder: None,
            with_notes: false,
            excel: false,
        });
        self.io.export = Some(form);
        self.io.export_open = true;
    }

    pub(super) fn export_dialog(&mut self, ctx: &egui::Context) {
        let blind_coder = self.coding.only().map(str::to_owned);
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
            let mut coders: Vec<&str> = Vec::new();
            for m in &project.moments {
                if !m.author.is_empty() && !coders.contains(&m.author.as_str()) {
                    coders.push(&m.author);
                }
            }
            if let Some(coder) = blind_coder.as_deref() {
                ui.label(format!("Only {coder}'s moments (blind coding)"));
            } else if coders.len() > 1 || form.coder.is_some() {
                egui::ComboBox::from_label("Coder")
                    .selected_text(form.coder.clone().unwrap_or_else(|| "Every coder".into()))
                    .width(220.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut form.coder, None, "Every coder");
                        for coder in coders {
                            ui.selectable_value(&mut form.coder, Some(coder.to_owned()), coder);
                        }
                    });
            }
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
    pub(in crate::ui::workspace) fn export_annotations_to(&mut self, out: PathBuf) {
        let Some(mut form) = self.io.export.clone() else {
            return;
        };
        // Blind coding: what leaves the app is this coder's work only.
        if let Some(coder) = self.coding.only() {
            form.coder = Some(coder.to_owned());
        }
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
