//! Coding → Agreement…: two coders' codings of one clip compared as ELAN
//! (modified kappa) and BORIS (time-slice kappa) compare them, the figures,
//! the per-code table and the confusion matrix, and the list of places they
//! differ, each a click (or Alt+Left/Right) away. The same figures drive
//! the timeline's compare mode and the printable report. Computed on a
//! worker (a variable-rate clip's timestamps are read from its file).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::agreement::codings::{Codings, codings};
use crate::agreement::report::{ReportMeta, html_report};
use crate::agreement::{Agreement, Disagreement, DisagreementKind, Method, Options, compare};
use crate::export::ProjectTimes;
use crate::model::{ClipId, MomentId, Project};
use crate::ui::dialogs::Question;
use crate::ui::jobs::{self, Job, Worker};
use crate::ui::timeline::{CompareLens, CompareMarks, Verdict};

use super::Workspace;
use super::clips::Pending;

/// The window's choices.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Settings {
    clip: Option<ClipId>,
    coders: [String; 2],
    codebook: Option<String>,
    method: Method,
    /// 51 to 100.
    overlap_percent: u32,
    interval_s: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clip: None,
            coders: [String::new(), String::new()],
            codebook: None,
            method: Method::Both,
            overlap_percent: 60,
            interval_s: 1.0,
        }
    }
}

/// One computed agreement, and what the timeline and the walk need of it.
pub(super) struct Computed {
    agreement: Agreement,
    code_names: std::collections::BTreeMap<String, String>,
    disagreements: Vec<Disagreement>,
    marks: Arc<CompareMarks>,
    /// The clip's rate, for timecodes.
    rate: crate::model::FrameRate,
}

type AgreementJob = Job<Result<Computed, String>>;

#[derive(Default)]
pub(super) struct Supervision {
    pub open: bool,
    settings: Settings,
    job: Option<(u64, Settings, AgreementJob)>,
    /// The latest result and the revision and settings it is for.
    result: Option<(u64, Settings, Result<Arc<Computed>, String>)>,
    /// Compare mode on the timeline.
    pub compare: bool,
    /// The disagreement the walk last landed on.
    at: Option<usize>,
    report: Option<Job<Result<PathBuf, String>>>,
}

impl Supervision {
    /// The result, when it is for the current settings.
    fn current(&self) -> Option<&Arc<Computed>> {
        match &self.result {
            Some((_, settings, Ok(c))) if *settings == self.settings => Some(c),
            _ => None,
        }
    }

    /// The timeline's compare lens, while compare mode is on.
    pub(super) fn compare_lens(&self) -> Option<CompareLens> {
        if !self.compare {
            return None;
        }
        let computed = self.current()?;
        Some(CompareLens {
            coders: computed.agreement.coders.clone(),
            marks: Arc::clone(&computed.marks),
        })
    }

    pub(super) fn clip(&self) -> Option<ClipId> {
        self.settings.clip
    }
}

/// Works out the agreement (on a worker).
fn compute(
    project: &Project,
    paths: &HashMap<ClipId, PathBuf>,
    settings: &Settings,
) -> Result<Computed, String> {
    let clip = settings.clip.ok_or("choose a clip")?;
    let times = ProjectTimes::with_paths(project, &|c| paths.get(&c.id).cloned(), Some(clip));
    let Codings {
        a, b, code_names, ..
    } = codings(
        project,
        clip,
        [&settings.coders[0], &settings.coders[1]],
        settings.codebook.as_deref(),
        &times,
    )
    .map_err(|e| e.to_string())?;
    let options = Options {
        method: settings.method,
        threshold: f64::from(settings.overlap_percent) / 100.0,
        interval_s: settings.interval_s,
    };
    let the_clip = project
        .clip(clip)
        .ok_or("the clip is no longer in the project")?;
    let (name, rate) = (the_clip.name.as_str(), the_clip.media.frame_rate);
    let agreement = compare(name, &a, &b, &options).map_err(|e| e.to_string())?;
    let disagreements = agreement.disagreements();
    let marks = Arc::new(marks_of(&agreement));
    Ok(Computed {
        agreement,
        code_names,
        disagreements,
        marks,
        rate,
    })
}

/// Each moment's worst verdict over its codes, and the pairs to join.
fn marks_of(agreement: &Agreement) -> CompareMarks {
    let mut marks = CompareMarks::default();
    let Some(mk) = &agreement.modified_kappa else {
        return marks;
    };
    let mut worst = |moment: u64, verdict: Verdict| {
        let Ok(id) = u32::try_from(moment) else {
            return;
        };
        let entry = marks.verdicts.entry(MomentId(id)).or_default();
        *entry = (*entry).max(verdict);
    };
    for p in &mk.pairs {
        let verdict = if p.a.value == p.b.value {
            Verdict::Agrees
        } else {
            Verdict::Differs
        };
        worst(p.a.moment, verdict);
        worst(p.b.moment, verdict);
    }
    for u in &mk.unmatched {
        worst(u.annotation.moment, Verdict::OneCoder);
    }
    for p in &mk.pairs {
        if let (Ok(a), Ok(b)) = (u32::try_from(p.a.moment), u32::try_from(p.b.moment)) {
            marks
                .pairs
                .push((MomentId(a), MomentId(b), p.a.value == p.b.value));
        }
    }
    marks
}

/// What the window asked for.
enum Ask {
    Walk(usize),
    Report,
}

impl Workspace {
    pub(super) fn open_agreement(&mut self) {
        if self.coding.blind {
            self.status =
                Some("Agreement shows the other coders' work: turn blind coding off first.".into());
            return;
        }
        self.supervision.open = true;
    }

    /// Starts the computation when the settings or the project changed.
    pub(super) fn poll_agreement(&mut self) {
        let revision = self.session.doc.revision();
        if let Some((r, settings, job)) = &mut self.supervision.job
            && let Some(outcome) = job.poll_result()
        {
            let result = outcome
                .map_err(|e| e.to_string())
                .and_then(|r| r)
                .map(Arc::new);
            self.supervision.result = Some((*r, settings.clone(), result));
            self.supervision.job = None;
            self.supervision.at = None;
        }
        if let Some(job) = &mut self.supervision.report
            && let Some(outcome) = job.poll_result()
        {
            self.supervision.report = None;
            self.status = Some(match outcome.map_err(|e| e.to_string()).and_then(|r| r) {
                Ok(path) => format!("Agreement report written to {}.", path.display()),
                Err(message) => format!("Report not written: {message}"),
            });
        }
        let wanted = self.supervision.open || self.supervision.compare;
        let settings = self.supervision.settings.clone();
        let fresh = self
            .supervision
            .result
            .as_ref()
            .is_some_and(|(r, s, _)| *r == revision && *s == settings);
        let running = self
            .supervision
            .job
            .as_ref()
            .is_some_and(|(r, s, _)| *r == revision && *s == settings);
        if !wanted || fresh || running || settings.clip.is_none() {
            return;
        }
        let project = self.session.doc.project().clone();
        let paths = self.clip_paths();
        let for_job = settings.clone();
        match jobs::spawn(&self.ctx, "agreement", move |_: &Worker<()>| {
            compute(&project, &paths, &for_job)
        }) {
            Ok(job) => self.supervision.job = Some((revision, settings, job)),
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    /// Alt+Left/Right: the previous or next disagreement, from the viewer's
    /// frame, landing on its first frame with its moment selected.
    pub(super) fn walk_disagreements(&mut self, forward: bool) {
        let Some(computed) = self.supervision.current().cloned() else {
            self.status = Some("Compare two coders first: Coding → Agreement….".into());
            return;
        };
        let list = &computed.disagreements;
        if list.is_empty() {
            self.status = Some("The two coders agree on every moment compared.".into());
            return;
        }
        let here = self.transport.viewer.frame();
        let on_clip = self.transport.current == self.supervision.clip();
        let next = match (self.supervision.at, on_clip) {
            (Some(at), true) if list.get(at).is_some_and(|d| d.frame == here) => {
                if forward {
                    (at + 1).min(list.len() - 1)
                } else {
                    at.saturating_sub(1)
                }
            }
            _ if forward => list
                .iter()
                .position(|d| !on_clip || d.frame > here)
                .unwrap_or(list.len() - 1),
            _ => list
                .iter()
                .rposition(|d| on_clip && d.frame < here)
                .unwrap_or(0),
        };
        self.land_on_disagreement(next);
    }

    fn land_on_disagreement(&mut self, at: usize) {
        let Some(computed) = self.supervision.current().cloned() else {
            return;
        };
        let Some(d) = computed.disagreements.get(at) else {
            return;
        };
        let Some(clip) = self.supervision.clip() else {
            return;
        };
        let moment = match &d.kind {
            DisagreementKind::SeenByOneCoder { annotation, .. } => annotation.moment,
            DisagreementKind::CodedDifferently { a, b } => {
                if a.start_frame <= b.start_frame {
                    a.moment
                } else {
                    b.moment
                }
            }
        };
        self.supervision.at = Some(at);
        self.show_clip(clip);
        self.commit_draft();
        self.moments.selected = u32::try_from(moment).ok().map(MomentId);
        self.transport
            .viewer
            .send(crate::media::engine::PlayerCommand::SeekToFrame(d.frame));
        self.status = Some(format!(
            "Disagreement {} of {}: {}",
            at + 1,
            computed.disagreements.len(),
            describe(d, &computed)
        ));
    }

    /// The save dialog's answer: the report written through the guard.
    pub(super) fn agreement_report_to(&mut self, out: PathBuf) {
        let Some(computed) = self.supervision.current().cloned() else {
            self.status =
                Some("Nothing to report yet: the agreement is still being worked out.".into());
            return;
        };
        let guard = self.output_guard();
        let job = jobs::spawn(&self.ctx, "agreement-report", move |_: &Worker<()>| {
            guard.check(&out).map_err(|e| e.to_string())?;
            let meta = ReportMeta {
                date: chrono::Local::now().format("%-d %B %Y, %H:%M").to_string(),
                code_names: computed.code_names.clone(),
            };
            let html = html_report(&computed.agreement, &meta);
            crate::files::write_file(&out, html.as_bytes()).map_err(|e| e.to_string())
        });
        match job {
            Ok(job) => self.supervision.report = Some(job),
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    /// The Agreement window.
    pub(super) fn agreement_window(&mut self, ctx: &egui::Context) {
        if !self.supervision.open {
            return;
        }
        let project = self.session.doc.project();
        let s = &mut self.supervision.settings;
        if s.clip.is_none_or(|c| project.clip(c).is_none()) {
            s.clip = self
                .transport
                .current
                .or_else(|| project.clips.first().map(|c| c.id));
        }
        let coders: Vec<String> = s
            .clip
            .map(|c| {
                project
                    .coders_on(c)
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        for (i, coder) in s.coders.iter_mut().enumerate() {
            if !coders.contains(coder) {
                *coder = coders.get(i).cloned().unwrap_or_default();
            }
        }
        let mut open = true;
        let mut ask = None;
        let busy = self.supervision.job.is_some();
        let result = self.supervision.result.clone();
        let compare = &mut self.supervision.compare;
        egui::Window::new("Agreement")
            .open(&mut open)
            .default_width(520.0)
            .default_height(640.0)
            .show(ctx, |ui| {
                settings_ui(ui, project, s, &coders);
                ui.checkbox(compare, "Compare on the timeline")
                    .on_hover_text("Shows the two coders' lanes one above the other");
                ui.separator();
                match &result {
                    Some((_, for_settings, Ok(computed))) if for_settings == s => {
                        ask = results_ui(ui, computed);
                    }
                    Some((_, for_settings, Err(why))) if for_settings == s => {
                        ui.colored_label(ui.visuals().warn_fg_color, why);
                    }
                    _ if busy => {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label("Comparing…");
                        });
                    }
                    _ => {
                        ui.label("Choose a clip with two coders.");
                    }
                }
            });
        if !open {
            self.supervision.open = false;
        }
        match ask {
            Some(Ask::Walk(at)) => self.land_on_disagreement(at),
            Some(Ask::Report) => {
                let ctx = ctx.clone();
                self.ask(Question::AgreementReport, Pending::AgreementReport, &ctx);
            }
            None => {}
        }
    }
}

fn settings_ui(ui: &mut egui::Ui, project: &Project, s: &mut Settings, coders: &[String]) {
    egui::Grid::new("agreement-settings")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Clip");
            let name = |id: Option<ClipId>| {
                id.and_then(|id| project.clip(id))
                    .map_or_else(String::new, |c| c.name.clone())
            };
            egui::ComboBox::from_id_salt("agreement-clip")
                .selected_text(name(s.clip))
                .width(260.0)
                .show_ui(ui, |ui| {
                    for clip in &project.clips {
                        ui.selectable_value(&mut s.clip, Some(clip.id), &clip.name);
                    }
                });
            ui.end_row();
            for (i, label) in ["First coder", "Second coder"].into_iter().enumerate() {
                ui.label(label);
                egui::ComboBox::from_id_salt(("agreement-coder", i))
                    .selected_text(s.coders[i].clone())
                    .width(260.0)
                    .show_ui(ui, |ui| {
                        for coder in coders {
                            ui.selectable_value(&mut s.coders[i], coder.clone(), coder);
                        }
                    });
                ui.end_row();
            }
            ui.label("Codebook");
            let book = |id: &Option<String>| {
                id.as_deref()
                    .and_then(|id| project.codebook(id))
                    .map_or_else(|| "Every code".to_owned(), |b| b.name.clone())
            };
            egui::ComboBox::from_id_salt("agreement-codebook")
                .selected_text(book(&s.codebook))
                .width(260.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut s.codebook, None, "Every code");
                    for b in &project.codebooks {
                        ui.selectable_value(&mut s.codebook, Some(b.id.clone()), &b.name);
                    }
                });
            ui.end_row();
            ui.label("Method");
            ui.horizontal(|ui| {
                ui.radio_value(&mut s.method, Method::Both, "Both");
                ui.radio_value(
                    &mut s.method,
                    Method::ModifiedKappa,
                    "Modified kappa (ELAN)",
                );
                ui.radio_value(&mut s.method, Method::TimeSlice, "Time slices (BORIS)");
            });
            ui.end_row();
            ui.label("Overlap");
            ui.add(
                egui::Slider::new(&mut s.overlap_percent, 51..=100)
                    .suffix(" %")
                    .text("of the longer moment"),
            );
            ui.end_row();
            ui.label("Time slice");
            ui.add(
                egui::DragValue::new(&mut s.interval_s)
                    .range(0.04..=60.0)
                    .speed(0.1)
                    .suffix(" s"),
            );
            ui.end_row();
        });
}

/// The figures, the tables and the disagreements; returns what was clicked.
fn results_ui(ui: &mut egui::Ui, computed: &Computed) -> Option<Ask> {
    let mut ask = None;
    let a = &computed.agreement;
    let name = |v: &str| {
        computed
            .code_names
            .get(v)
            .cloned()
            .unwrap_or_else(|| v.to_owned())
    };
    if let Some(m) = &a.modified_kappa {
        ui.strong(format!(
            "Modified kappa (ELAN), overlap ≥ {:.0} %",
            m.threshold * 100.0
        ));
        let e = &m.excluding_unmatched;
        egui::Grid::new("agreement-figures")
            .striped(true)
            .show(ui, |ui| {
                ui.label("");
                ui.label("raw agreement");
                ui.label("kappa");
                ui.label("kappa max");
                ui.end_row();
                ui.label("including unmatched");
                ui.label(format!("{:.4}", m.raw_agreement));
                ui.label(format!("{:.4}", m.kappa_ipf));
                ui.label(format!("{:.4}", m.kappa_max));
                ui.end_row();
                ui.label("excluding unmatched");
                ui.label(format!("{:.4}", e.raw_agreement));
                ui.label(format!("{:.4}", e.kappa));
                ui.label(format!("{:.4}", e.kappa_max));
                ui.end_row();
            });
        ui.label(format!(
            "{} pair(s) matched, {} moment(s) seen by one coder only",
            m.pairs.len(),
            m.unmatched.len()
        ));
        egui::CollapsingHeader::new("Per code")
            .default_open(true)
            .show(ui, |ui| {
                egui::Grid::new("agreement-per-code")
                    .striped(true)
                    .show(ui, |ui| {
                        ui.label("code");
                        ui.label("kappa");
                        ui.label("raw");
                        ui.end_row();
                        for (value, c) in &m.per_value {
                            ui.label(name(value));
                            ui.label(format!("{:.4}", c.kappa));
                            ui.label(format!("{:.4}", c.raw_agreement));
                            ui.end_row();
                        }
                    });
            });
        egui::CollapsingHeader::new("Confusion matrix").show(ui, |ui| {
            ui.label(format!(
                "Rows {}, columns {}; codes by number.",
                a.coders[0], a.coders[1]
            ));
            egui::Grid::new("agreement-matrix")
                .striped(true)
                .show(ui, |ui| {
                    ui.label("");
                    for n in 1..=m.matrix.values.len() {
                        ui.label(n.to_string());
                    }
                    ui.end_row();
                    for (n, (value, row)) in m.matrix.values.iter().zip(&m.matrix.rows).enumerate()
                    {
                        ui.label(format!("{} {}", n + 1, name(value)));
                        for cell in row {
                            ui.label(cell.to_string());
                        }
                        ui.end_row();
                    }
                });
        });
    }
    if let Some(t) = &a.time_slice {
        ui.strong(format!("Time slices (BORIS), every {} s", t.interval_s));
        ui.label(format!(
            "kappa {:.3}, agreement {:.1} %",
            t.kappa, t.percent_agreement
        ));
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.strong(format!("Disagreements ({})", computed.disagreements.len()));
        if ui
            .button("Export agreement report…")
            .on_hover_text("A printable page for the supervision record: figures only, no notes")
            .clicked()
        {
            ask = Some(Ask::Report);
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("agreement-disagreements")
        .max_height(220.0)
        .show(ui, |ui| {
            for (i, d) in computed.disagreements.iter().enumerate() {
                if ui
                    .button(describe(d, computed))
                    .on_hover_text("Go to its first frame (Alt+Left/Right walks them)")
                    .clicked()
                {
                    ask = Some(Ask::Walk(i));
                }
            }
        });
    ask
}

/// One line for a disagreement: where, and who saw what.
fn describe(d: &Disagreement, computed: &Computed) -> String {
    let name = |v: &str| {
        computed
            .code_names
            .get(v)
            .cloned()
            .unwrap_or_else(|| v.to_owned())
    };
    let at = computed.rate.timecode(u64::from(d.frame));
    match &d.kind {
        DisagreementKind::SeenByOneCoder { coder, annotation } => {
            format!("{at}: only {coder} coded {}", name(&annotation.value))
        }
        DisagreementKind::CodedDifferently { a, b } => {
            format!("{at}: {} vs {}", name(&a.value), name(&b.value))
        }
    }
}
