//! Who is coding, and blind coding. The current coder is written on new
//! moments and shown in the title; when the project already has more than
//! one coder, the session starts by asking who is coding. Blind coding
//! hides every other coder's moments (list, timeline, reels, review,
//! exports from the app) so a second coder is not led by the first; it is
//! for this session only, and turning it off is asked about first.

use std::path::PathBuf;

use crate::model::{Moment, Project, operations};
use crate::ui::jobs::{self, Job, Worker};

/// No moment's author: what the views are limited to before anyone has
/// said who is coding (a control character no typed name holds).
const NOBODY_YET: &str = "\u{0}";

/// The session's coder and what they may see.
pub(super) struct Coding {
    /// Written on new moments as their author.
    pub coder: String,
    /// Other coders' moments are hidden while this is on.
    pub blind: bool,
    /// True until the session's first "Who is coding?" is answered: nobody's
    /// moments show behind it, so a second coder who means to code blind
    /// never glimpses the first coder's work.
    pub undecided: bool,
    /// A question on screen, if any.
    pub asking: Option<CodingQuestion>,
    /// A colleague's project being read for a merge.
    pub merging: Option<Job<Result<Project, String>>>,
}

/// The coding dialogs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum CodingQuestion {
    /// "Who is coding?": a known coder or a new name, and blind or not.
    Who {
        chosen: String,
        new_name: String,
        blind: bool,
    },
    /// "Show the other coders' moments?" before blind coding ends.
    EndBlind,
}

/// What the person answered.
pub(super) enum CodingAnswer {
    Coder { name: String, blind: bool },
    EndBlind,
}

impl Coding {
    /// The session's start: the login name by default (as before coders
    /// were first-class); with several coders already, the question.
    pub(super) fn start(project: &Project) -> Self {
        let login = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_default();
        let coders = project.all_coders();
        let coder = match coders.as_slice() {
            [only] if login.is_empty() => (*only).to_owned(),
            _ => login,
        };
        let asking = (coders.len() > 1).then(|| CodingQuestion::Who {
            chosen: coders
                .iter()
                .find(|c| **c == coder)
                .map_or_else(String::new, |c| (*c).to_owned()),
            new_name: String::new(),
            blind: false,
        });
        Coding {
            coder,
            blind: false,
            undecided: asking.is_some(),
            asking,
            merging: None,
        }
    }

    /// True when `moment` may be shown: always, unless blind coding hides
    /// another coder's work.
    pub(super) fn shows(&self, moment: &Moment) -> bool {
        !self.undecided && (!self.blind || moment.author == self.coder)
    }

    /// The coder blind coding limits the views to, if it is on (before the
    /// first answer, a name no moment carries).
    pub(super) fn only(&self) -> Option<&str> {
        if self.undecided {
            return Some(NOBODY_YET);
        }
        self.blind.then_some(self.coder.as_str())
    }

    /// "coding as …" for the title.
    pub(super) fn title(&self) -> String {
        let who = if self.coder.trim().is_empty() {
            "no one named yet"
        } else {
            self.coder.as_str()
        };
        if self.blind {
            format!("coding as {who}, blind")
        } else {
            format!("coding as {who}")
        }
    }

    pub(super) fn ask_who(&mut self, project: &Project) {
        let known = project.all_coders().contains(&self.coder.as_str());
        self.asking = Some(CodingQuestion::Who {
            chosen: if known {
                self.coder.clone()
            } else {
                String::new()
            },
            new_name: if known {
                String::new()
            } else {
                self.coder.clone()
            },
            blind: self.blind,
        });
    }

    /// The open dialog; returns the answer when one is given.
    pub(super) fn dialog(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
    ) -> Option<CodingAnswer> {
        let mut answer = None;
        let mut close = false;
        match self.asking.as_mut()? {
            CodingQuestion::Who {
                chosen,
                new_name,
                blind,
            } => {
                let modal = egui::Modal::new(egui::Id::unique("who-is-coding")).show(ctx, |ui| {
                    ui.set_max_width(420.0);
                    ui.heading("Who is coding?");
                    ui.label("New moments are credited to the coder chosen here.");
                    for coder in project.all_coders() {
                        if ui.radio(chosen == coder, coder).clicked() {
                            *chosen = coder.to_owned();
                            new_name.clear();
                        }
                    }
                    ui.horizontal(|ui| {
                        let label = ui.label("Someone else");
                        let r = ui
                            .add(
                                egui::TextEdit::singleline(new_name)
                                    .char_limit(crate::model::limits::MAX_NAME_CHARS)
                                    .hint_text("Your name"),
                            )
                            .labelled_by(label.id);
                        if r.changed() && !new_name.trim().is_empty() {
                            chosen.clear();
                        }
                    });
                    ui.checkbox(blind, "Blind coding")
                        .on_hover_text("Hides the other coders' moments until you turn it off");
                    ui.separator();
                    let name = if new_name.trim().is_empty() {
                        chosen.trim().to_owned()
                    } else {
                        new_name.trim().to_owned()
                    };
                    ui.horizontal(|ui| {
                        if ui
                            .add_enabled(!name.is_empty(), egui::Button::new("Start coding"))
                            .clicked()
                        {
                            answer = Some(CodingAnswer::Coder {
                                name,
                                blind: *blind,
                            });
                        }
                    });
                });
                // Escape keeps the coder as it was.
                close = answer.is_some() || modal.should_close();
                if close {
                    self.undecided = false;
                }
            }
            CodingQuestion::EndBlind => {
                let modal = egui::Modal::new(egui::Id::unique("end-blind")).show(ctx, |ui| {
                    ui.set_max_width(420.0);
                    ui.heading("Show the other coders' moments?");
                    ui.label(
                        "Blind coding keeps your coding your own. Once you see the other \
                         coders' moments you cannot unsee them: finish your pass first.",
                    );
                    ui.horizontal(|ui| {
                        if ui.button("Show them").clicked() {
                            answer = Some(CodingAnswer::EndBlind);
                        }
                        if ui.button("Stay blind").clicked() {
                            close = true;
                        }
                    });
                });
                close |= answer.is_some() || modal.should_close();
            }
        }
        if close {
            self.asking = None;
        }
        answer
    }
}

impl super::Workspace {
    /// The coding questions, and what their answers change.
    pub(super) fn coding_dialog(&mut self, ctx: &egui::Context) {
        let answer = self.coding.dialog(ctx, self.session.doc.project());
        match answer {
            None => {}
            Some(CodingAnswer::Coder { name, blind }) => {
                self.commit_draft();
                log::info!("coder chosen (blind {blind})");
                self.coding.coder = name;
                if blind == self.coding.blind {
                    self.status = Some(format!("Coding as {}.", self.coding.coder));
                } else {
                    self.set_blind(blind);
                }
            }
            Some(CodingAnswer::EndBlind) => self.set_blind(false),
        }
    }

    /// Blind coding on or off; a hidden moment stops being selected.
    pub(super) fn set_blind(&mut self, blind: bool) {
        self.coding.blind = blind;
        if let Some(id) = self.moments.selected
            && let Some(m) = self.session.doc.project().moment(id)
            && !self.coding.shows(m)
        {
            self.commit_draft();
            self.moments.selected = None;
        }
        self.status = Some(if blind {
            format!(
                "Blind coding: only {}'s moments are shown.",
                self.coding.coder
            )
        } else {
            "Every coder's moments are shown.".to_owned()
        });
    }

    /// The menu's "Blind coding" box was clicked: on at once, off only after
    /// the question.
    pub(super) fn toggle_blind(&mut self) {
        if self.coding.blind {
            self.coding.asking = Some(CodingQuestion::EndBlind);
        } else {
            self.set_blind(true);
        }
    }
}

impl super::Workspace {
    /// The chosen colleague's project: read on a worker, then merged.
    pub(super) fn merge_coding_from(&mut self, path: PathBuf) {
        let job = jobs::spawn(&self.ctx, "merge-coding", move |_: &Worker<()>| {
            crate::store::load(&path)
                .map(|loaded| loaded.project)
                .map_err(|e| e.to_string())
        });
        match job {
            Ok(job) => {
                self.coding.merging = Some(job);
                self.status = Some("Reading the other project…".into());
            }
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    /// The other project has been read: its coding comes in as one step.
    pub(super) fn poll_merge(&mut self) {
        let Some(job) = &mut self.coding.merging else {
            return;
        };
        let Some(outcome) = job.poll_result() else {
            return;
        };
        self.coding.merging = None;
        let other = match outcome.map_err(|e| e.to_string()).and_then(|r| r) {
            Ok(other) => other,
            Err(message) => {
                self.status = Some(format!("Not merged: {message}"));
                return;
            }
        };
        self.commit_draft();
        let merge = match operations::merge_coding(self.session.doc.project(), &other, None) {
            Ok(merge) => merge,
            Err(refusal) => {
                self.status = Some(format!("Not merged: {refusal}"));
                return;
            }
        };
        let s = merge.summary;
        log::info!(
            "merge: {} moment(s), {} already here, {} unmatched clip(s)",
            s.moments,
            s.already_here,
            s.unmatched_clips.len()
        );
        let left = if s.unmatched_clips.is_empty() {
            String::new()
        } else {
            format!(
                " {} of its clips are not in this project; their moments stayed behind.",
                s.unmatched_clips.len()
            )
        };
        match merge.edit {
            None => {
                self.status = Some(format!(
                    "Nothing new to merge: its {} moment(s) are here already.{left}",
                    s.already_here
                ));
            }
            Some(edit) => {
                if self.apply(Ok(edit)) {
                    self.status = Some(format!(
                        "Merged {} moment(s) coded by {}.{left} Ctrl+Z takes it back.",
                        s.moments,
                        s.coders.join(", ")
                    ));
                }
            }
        }
    }
}
