//! Where everything sits: menu bar, media bin (left), viewer and transport
//! (centre), timeline (bottom), inspector and moment list (right).

use super::clips::{Pending, Thumb};
use super::{SideTab, Workspace};
use crate::media::engine::PlayerCommand;
use crate::model::{ConsentUse, Document};
use crate::ui::dialogs::Question;
use crate::ui::keys::{self, Action};
use crate::ui::style;
use crate::ui::timeline::{self, TimelineAction, TimelineIndex, TimelineInput};

impl Workspace {
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        // Review mode owns the whole window: nothing of the workspace shows.
        if self.review.session.is_some() {
            self.review_ui(ui);
            return;
        }
        self.review_notes_dialog(&ctx);
        let modal_open = self.session.recovery_offer.is_some()
            || self.session.asking_to_close
            || self.review.notes.is_some();
        if !modal_open {
            let typing = ctx.egui_wants_keyboard_input();
            for action in ctx.input(|i| keys::read(i, typing)) {
                self.perform(action);
            }
            self.take_dropped_files(&ctx);
        }
        self.recovery_dialog(&ctx);
        self.close_dialog(&ctx);
        if self.show_help {
            crate::ui::help::show(&ctx, &mut self.show_help);
        }
        self.codebook_window(&ctx);

        egui::Panel::top("menu-bar").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::left("media-bin")
            .default_size(250.0)
            .resizable(true)
            .show(ui, |ui| self.media_bin(ui));
        egui::Panel::right("inspector")
            .default_size(340.0)
            .resizable(true)
            .show(ui, |ui| {
                // The selected moment first, the list below; a long moment
                // scrolls within its share rather than pushing the list away.
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.side_tab, SideTab::Moment, "Moment");
                    ui.selectable_value(&mut self.side_tab, SideTab::Reels, "Reels");
                });
                let share = ui.available_height() * 0.6;
                egui::ScrollArea::vertical()
                    .id_salt("inspector-scroll")
                    .max_height(share)
                    .auto_shrink([false, true])
                    .show(ui, |ui| match self.side_tab {
                        SideTab::Moment => self.inspector(ui),
                        SideTab::Reels => self.reel_editor(ui),
                    });
                ui.separator();
                self.moment_list(ui);
            });
        egui::Panel::bottom("timeline")
            .default_size(250.0)
            .resizable(true)
            .show(ui, |ui| self.timeline_panel(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(banner) = &self.session.banner {
                ui.colored_label(ui.visuals().warn_fg_color, banner);
            }
            // The transport takes the rows it needs (it wraps when narrow);
            // the picture gets the rest.
            egui::Panel::bottom("transport")
                .frame(egui::Frame::NONE.inner_margin(egui::Margin::symmetric(0, 6)))
                .resizable(false)
                .show(ui, |ui| self.transport(ui));
            if self
                .transport
                .current
                .is_some_and(|c| self.bin.offline.contains(&c))
            {
                ui.centered_and_justified(|ui| {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "This clip's file has moved or changed. Use Relink… in the clip list.",
                    );
                });
            } else {
                let picture = self.transport.viewer.show(ui);
                if let Some(caption) = self.preview_caption() {
                    style::caption_band(ui, picture, &caption);
                }
            }
        });
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("New project").clicked() {
                    self.requests.push(super::Request::New);
                }
                if ui.button("Open project…").clicked() {
                    self.ask(Question::OpenProject, Pending::OpenProject, &ctx);
                }
                ui.menu_button("Open recent", |ui| {
                    if self.session.recent.is_empty() {
                        ui.label("Nothing yet");
                    }
                    for path in self.session.recent.clone() {
                        if ui.button(path.display().to_string()).clicked() {
                            self.requests.push(super::Request::Open(path));
                        }
                    }
                });
                ui.separator();
                if ui.button("Save").clicked() {
                    self.save();
                }
                if ui.button("Save as…").clicked() {
                    self.save_as();
                }
                ui.separator();
                if ui.button("Add clips…").clicked() {
                    self.ask(Question::AddClips, Pending::AddClips, &ctx);
                }
                if ui.button("Export a reel…").clicked() {
                    // Reels are built, previewed and rendered in the Reels tab.
                    self.side_tab = SideTab::Reels;
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    self.requests.push(super::Request::Quit);
                }
            });
            ui.menu_button("Edit", |ui| {
                let undo = self.session.doc.undo_label().map(|l| format!("Undo {l}"));
                if ui
                    .add_enabled(
                        undo.is_some(),
                        egui::Button::new(undo.unwrap_or("Undo".into())),
                    )
                    .clicked()
                {
                    self.perform(Action::Undo);
                }
                let redo = self.session.doc.redo_label().map(|l| format!("Redo {l}"));
                if ui
                    .add_enabled(
                        redo.is_some(),
                        egui::Button::new(redo.unwrap_or("Redo".into())),
                    )
                    .clicked()
                {
                    self.perform(Action::Redo);
                }
                ui.separator();
                if ui
                    .add_enabled(
                        self.moments.selected.is_some(),
                        egui::Button::new("Delete moment"),
                    )
                    .clicked()
                {
                    self.perform(Action::Delete);
                }
            });
            ui.menu_button("Codebooks", |ui| {
                if ui.button("Edit codebooks…").clicked() {
                    self.open_codebook_editor();
                }
                if ui.button("Import codebook…").clicked() {
                    self.ask(Question::ImportCodebook, Pending::ImportCodebook, &ctx);
                }
            });
            ui.menu_button("View", |ui| {
                let mut theme = ctx.options(|o| o.theme_preference);
                for (pref, text) in [
                    (egui::ThemePreference::System, "Follow the system"),
                    (egui::ThemePreference::Light, "Light"),
                    (egui::ThemePreference::Dark, "Dark"),
                ] {
                    if ui.radio_value(&mut theme, pref, text).clicked() {
                        ctx.set_theme(pref);
                    }
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Keyboard shortcuts (F1)").clicked() {
                    self.show_help = true;
                }
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let title_text = self.title();
                if let Some(status) = self.status.as_ref().or(self.session.saver.status.as_ref()) {
                    // One line, cut to the room the menus and the title leave
                    // (the whole text on hover): never drawn over the menus.
                    let font = egui::TextStyle::Body.resolve(ui.style());
                    let title_width = ui
                        .painter()
                        .layout_no_wrap(title_text.clone(), font, egui::Color32::WHITE)
                        .size()
                        .x;
                    let room = (ui.available_width() - title_width - 16.0).max(0.0);
                    ui.scope(|ui| {
                        ui.set_max_width(room);
                        ui.add(egui::Label::new(egui::RichText::new(status).weak()).truncate());
                    });
                }
                let title = ui.strong(title_text);
                if let Some(path) = &self.session.project_path {
                    title.on_hover_text(path.display().to_string());
                }
            });
        });
    }

    fn media_bin(&mut self, ui: &mut egui::Ui) {
        ui.heading("Clips");
        let ctx = ui.ctx().clone();
        let mut show = None;
        let mut relink = None;
        egui::ScrollArea::vertical()
            .id_salt("media-bin")
            .show(ui, |ui| {
                for clip in &self.session.doc.project().clips {
                    let current = self.transport.current == Some(clip.id);
                    let offline = self.bin.offline.contains(&clip.id);
                    let frame = egui::Frame::group(ui.style()).fill(if current {
                        ui.visuals().selection.bg_fill.gamma_multiply(0.35)
                    } else {
                        egui::Color32::TRANSPARENT
                    });
                    frame.show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        match self.bin.thumbs.get(&clip.id) {
                            Some(Thumb::Ready(t)) if !offline => {
                                // Portrait phone footage would otherwise fill the list.
                                let size = t.size_vec2();
                                let scale =
                                    (ui.available_width() / size.x).min(120.0 / size.y).min(1.0);
                                ui.add(
                                    egui::Image::new((t.id(), size * scale))
                                        .alt_text(format!("Thumbnail of {}", clip.name)),
                                );
                            }
                            Some(Thumb::Failed(why)) if !offline => {
                                ui.colored_label(ui.visuals().error_fg_color, why);
                            }
                            _ => {}
                        }
                        let seconds = clip.media.duration_us as f64 / 1e6;
                        let label = format!("{}  ·  {}", clip.name, duration_text(seconds));
                        if ui.selectable_label(current, label).clicked() {
                            show = Some(clip.id);
                        }
                        ui.horizontal_wrapped(|ui| {
                            for (use_, text, colour) in [
                                (ConsentUse::Therapy, "therapy", style::THERAPY),
                                (ConsentUse::Supervision, "supervision", style::SUPERVISION),
                                (ConsentUse::Teaching, "teaching", style::TEACHING),
                            ] {
                                if clip.consent.allows(use_) {
                                    ui.label(egui::RichText::new(text).small().color(colour));
                                } else {
                                    ui.label(
                                        egui::RichText::new(format!("no {text}"))
                                            .small()
                                            .weak()
                                            .strikethrough(),
                                    );
                                }
                            }
                        });
                        if offline {
                            ui.colored_label(
                                ui.visuals().warn_fg_color,
                                "Offline: file moved or changed",
                            );
                            if ui.button(format!("Relink {}…", clip.name)).clicked() {
                                relink = Some(clip.id);
                            }
                        }
                    });
                }
                if ui.button("Add clips…").clicked() {
                    self.ask(Question::AddClips, Pending::AddClips, &ctx);
                }
                ui.label(
                    egui::RichText::new("or drop video files on the window")
                        .weak()
                        .small(),
                );
            });
        if let Some(id) = show {
            self.show_clip(id);
        }
        if let Some(id) = relink {
            self.ask(Question::RelinkFolder, Pending::Relink(id), &ctx);
        }
    }

    fn transport(&mut self, ui: &mut egui::Ui) {
        let state = self.transport.viewer.state().clone();
        let mut actions = Vec::new();
        ui.horizontal_wrapped(|ui| {
            let enabled = state.frame_count > 0;
            ui.add_enabled_ui(enabled, |ui| {
                for (text, action, tip) in [
                    ("« Start", Action::First, "Home"),
                    (
                        "‹ Frame",
                        Action::Step(-1),
                        "Left arrow (Shift: ten frames)",
                    ),
                ] {
                    if ui.button(text).on_hover_text(tip).clicked() {
                        actions.push(action);
                    }
                }
                let play = if state.playing { "Pause" } else { "Play" };
                if ui.button(play).on_hover_text("Space").clicked() {
                    actions.push(Action::PlayPause);
                }
                for (text, action, tip) in [
                    (
                        "Frame ›",
                        Action::Step(1),
                        "Right arrow (Shift: ten frames)",
                    ),
                    ("End »", Action::Last, "End"),
                ] {
                    if ui.button(text).on_hover_text(tip).clicked() {
                        actions.push(action);
                    }
                }
                ui.separator();
                let has_span = self.selection_span().is_some();
                ui.add_enabled_ui(has_span, |ui| {
                    if ui.button("Play moment").on_hover_text("P").clicked() {
                        actions.push(Action::PlaySelection);
                    }
                    if ui.button("Loop moment").on_hover_text("Shift+P").clicked() {
                        actions.push(Action::LoopSelection);
                    }
                });
                ui.separator();
                let mut rate = state.rate;
                let label = ui.label("Speed");
                let r = ui
                    .add(
                        egui::Slider::new(&mut rate, 0.1..=2.0)
                            .step_by(0.05)
                            .suffix("×"),
                    )
                    .labelled_by(label.id);
                if r.changed() {
                    self.transport.viewer.send(PlayerCommand::SetRate(rate));
                }
                ui.separator();
                if ui
                    .button("Save still…")
                    .on_hover_text("This frame at full size, as PNG or JPEG")
                    .clicked()
                    && let Some(clip) = self.transport.current
                {
                    let frame = state.frame;
                    self.ask(
                        Question::SaveStill,
                        Pending::SaveStill { clip, frame },
                        &ui.ctx().clone(),
                    );
                }
                if state.audio_muted && state.has_audio {
                    ui.label(egui::RichText::new("sound off below 0.5×").weak().small());
                }
            });
        });
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(self.transport.viewer.position_label()).monospace());
            if let Some(label) = self.preview_label() {
                ui.label(egui::RichText::new(label).strong());
            }
            let rate = self
                .transport
                .current
                .and_then(|c| self.session.doc.project().clip(c))
                .map(|c| c.media.frame_rate);
            if let Some(rate) = rate {
                let mark =
                    |m: Option<u32>| m.map(|f| rate.timecode(u64::from(f))).unwrap_or("–".into());
                ui.label(
                    egui::RichText::new(format!(
                        "In {} · Out {}",
                        mark(self.transport.mark_in),
                        mark(self.transport.mark_out)
                    ))
                    .weak(),
                );
            }
        });
        for action in actions {
            self.perform(action);
        }
    }

    fn timeline_panel(&mut self, ui: &mut egui::Ui) {
        let project = self.session.doc.project();
        ui.horizontal(|ui| {
            let mut active = self.moments.active_codebook.clone();
            let name = active
                .as_deref()
                .and_then(|id| project.codebook(id))
                .map(|b| b.name.clone())
                .unwrap_or_else(|| "None".into());
            egui::ComboBox::from_label("Active codebook")
                .selected_text(name)
                .show_ui(ui, |ui| {
                    for book in &project.codebooks {
                        ui.selectable_value(&mut active, Some(book.id.clone()), &book.name);
                    }
                });
            if active != self.moments.active_codebook {
                self.moments.active_codebook = active;
            }
            if ui.button("Whole clip").clicked() {
                self.transport.timeline_view = Default::default();
            }
        });
        let Some(clip) = self
            .transport
            .current
            .and_then(|c| project.clip(c))
            .cloned()
        else {
            ui.label(egui::RichText::new("Pick a clip to see its timeline.").weak());
            return;
        };
        let revision = self.session.doc.revision();
        let fresh = self
            .transport
            .timeline_index
            .as_ref()
            .is_some_and(|(r, c, b, _)| {
                *r == revision && *c == clip.id && *b == self.moments.active_codebook
            });
        if !fresh {
            let book = self
                .moments
                .active_codebook
                .as_deref()
                .and_then(|b| project.codebook(b));
            let index = TimelineIndex::build(project, clip.id, book);
            self.transport.timeline_index = Some((
                revision,
                clip.id,
                self.moments.active_codebook.clone(),
                index,
            ));
        }
        let Some((_, _, _, index)) = &self.transport.timeline_index else {
            return;
        };
        let overview = self.transport.overviews.get(&clip);
        let empty = Vec::new();
        let state = self.transport.viewer.state();
        let input = TimelineInput {
            index,
            frames: clip.media.frames,
            rate: clip.media.frame_rate,
            playhead: state.frame,
            selected: self.moments.selected,
            mark_in: self.transport.mark_in,
            mark_out: self.transport.mark_out,
            filmstrip: overview.map(|o| &o.filmstrip).unwrap_or(&empty),
            waveform: overview
                .and_then(|o| o.waveform.as_ref())
                .map(|w| (w.peaks.as_slice(), w.buckets_per_second)),
            overview_progress: overview.and_then(|o| o.progress),
            follow_playhead: state.playing,
        };
        let actions = timeline::show(ui, &mut self.transport.timeline_view, &input);
        for action in actions {
            if !matches!(action, TimelineAction::Select(_)) {
                self.stop_preview();
            }
            match action {
                TimelineAction::Seek(f) => {
                    self.transport.viewer.send(PlayerCommand::SeekToFrame(f))
                }
                TimelineAction::Scrub(f) => self.transport.viewer.send(PlayerCommand::Scrub(f)),
                TimelineAction::ScrubEnd => self.transport.viewer.send(PlayerCommand::ScrubEnd),
                TimelineAction::Select(id) => {
                    self.commit_draft();
                    self.moments.selected = Some(id);
                }
                TimelineAction::Trim { moment, start, end } => self.trim(moment, start, end),
            }
        }
    }

    fn trim(&mut self, id: crate::model::MomentId, start: u32, end: u32) {
        self.commit_draft();
        let made = crate::model::operations::trim_moment(
            self.session.doc.project(),
            id,
            start,
            end,
            chrono::Utc::now(),
        );
        self.apply(made);
    }

    fn recovery_dialog(&mut self, ctx: &egui::Context) {
        if self.session.recovery_offer.is_none() {
            return;
        }
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("recovery-offer")).show(ctx, |ui| {
            ui.heading("Restore unsaved work?");
            ui.label(
                "Attune closed before this project was saved. The work autosaved \
                 since the last save can be restored; the project file itself is unchanged.",
            );
            ui.horizontal(|ui| {
                if ui.button("Restore unsaved work").clicked() {
                    answer = Some(true);
                }
                if ui.button("Discard it").clicked() {
                    answer = Some(false);
                }
            });
        });
        match answer {
            Some(true) => {
                if let Some(recovered) = self.session.recovery_offer.take() {
                    // Restored work is not in the project file until saved.
                    self.session.doc = Document::unsaved(recovered);
                    self.session.saver.status = Some("Unsaved work restored".into());
                }
            }
            Some(false) => {
                self.session.recovery_offer = None;
                self.session.saver.discard_recovery(ctx);
            }
            None => {}
        }
    }

    fn close_dialog(&mut self, ctx: &egui::Context) {
        if !self.session.asking_to_close {
            return;
        }
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("close-unsaved")).show(ctx, |ui| {
            ui.heading("Save changes before closing?");
            ui.label("Changes since the last save will be lost if you close without saving.");
            ui.horizontal(|ui| {
                if ui.button("Save and close").clicked() {
                    answer = Some(CloseAnswer::Save);
                }
                if ui.button("Close without saving").clicked() {
                    answer = Some(CloseAnswer::Discard);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(CloseAnswer::Cancel);
                }
            });
        });
        match answer {
            Some(CloseAnswer::Save) => {
                self.session.asking_to_close = false;
                self.save();
                self.session.quit_after_save = true;
            }
            Some(CloseAnswer::Discard) => {
                self.session.asking_to_close = false;
                self.session.discard_on_quit = true;
                self.requests.push(super::Request::Quit);
            }
            Some(CloseAnswer::Cancel) => self.session.asking_to_close = false,
            None => {}
        }
    }
}

enum CloseAnswer {
    Save,
    Discard,
    Cancel,
}

fn duration_text(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    if whole >= 60 {
        format!("{}:{:02}", whole / 60, whole % 60)
    } else {
        format!("{seconds:.1} s")
    }
}
