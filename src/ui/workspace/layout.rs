//! Where everything sits: menu bar, media bin (left), viewer and transport
//! (centre), timeline (bottom), inspector and moment list (right).

use super::clip_bin::BinAsk;
use super::clips::Pending;
use super::menu_bar::{self, MenuAsk, MenuFacts};
use super::session::CloseAnswer;
use super::transport::TransportAsk;
use super::{SideTab, Workspace};
use crate::media::engine::PlayerCommand;
use crate::ui::dialogs::Question;
use crate::ui::keys;
use crate::ui::style;
use crate::ui::timeline::TimelineAction;

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
            || self.review.notes.is_some()
            || self.io.is_modal()
            || self.coding.asking.is_some();
        if !modal_open {
            let typing = ctx.egui_wants_keyboard_input();
            for action in ctx.input(|i| keys::read(i, typing)) {
                self.perform(action);
            }
            self.take_dropped_files(&ctx);
        }
        self.session.recovery_dialog(&ctx);
        self.close_dialog(&ctx);
        if self.show_help {
            crate::ui::help::show(&ctx, &mut self.show_help);
        }
        self.codebook_window(&ctx);
        self.annotations_dialogs(&ctx);
        self.coding_dialog(&ctx);
        self.agreement_window(&ctx);

        egui::Panel::top("menu-bar").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::left("media-bin")
            .default_size(250.0)
            .resizable(true)
            .show(ui, |ui| {
                let asked = self
                    .bin
                    .show(ui, self.session.doc.project(), self.transport.current);
                match asked {
                    Some(BinAsk::Show(id)) => self.show_clip(id),
                    Some(BinAsk::Relink(id)) => {
                        self.ask(Question::RelinkFolder, Pending::Relink(id), &ctx);
                    }
                    Some(BinAsk::AddClips) => self.ask(Question::AddClips, Pending::AddClips, &ctx),
                    None => {}
                }
            });
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
                        SideTab::Reels => self.reel_tab(ui),
                    });
                ui.separator();
                let revision = self.session.doc.revision();
                // Blind coding narrows the list; the person cannot widen it.
                self.moments.filter.coder = self.coding.only().map(str::to_owned);
                if let Some(id) = self.moments.list(ui, self.session.doc.project(), revision) {
                    self.go_to_moment(id);
                }
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
        let doc = &self.session.doc;
        let facts = MenuFacts {
            undo: doc.undo_label(),
            redo: doc.redo_label(),
            can_delete: self.moments.selected.is_some(),
            recent: &self.session.recent,
            status: self
                .status
                .as_deref()
                .or(self.session.saver.status.as_deref()),
            title: self.title(),
            project_path: self.session.project_path.as_deref(),
            blind: self.coding.blind,
        };
        let asked = menu_bar::show(ui, &facts);
        for ask in asked {
            match ask {
                MenuAsk::Request(r) => self.requests.push(r),
                MenuAsk::Key(action) => self.perform(action),
                MenuAsk::Question(question, why) => self.ask(question, why, &ctx),
                MenuAsk::Save => self.save(),
                MenuAsk::SaveAs => self.save_as(),
                MenuAsk::ReelsTab => self.side_tab = SideTab::Reels,
                MenuAsk::EditCodebooks => self.open_codebook_editor(),
                MenuAsk::ExportAnnotations => self.open_export_dialog(),
                MenuAsk::ChooseCoder => self.coding.ask_who(self.session.doc.project()),
                MenuAsk::ToggleBlind => self.toggle_blind(),
                MenuAsk::Agreement => self.open_agreement(),
                MenuAsk::Help => self.show_help = true,
            }
        }
    }

    fn transport(&mut self, ui: &mut egui::Ui) {
        let has_span = self.selection_span().is_some();
        let preview = self.preview_label();
        let rate = self
            .transport
            .current
            .and_then(|c| self.session.doc.project().clip(c))
            .map(|c| c.media.frame_rate);
        for asked in self.transport.controls(ui, has_span, preview, rate) {
            match asked {
                TransportAsk::Key(action) => self.perform(action),
                TransportAsk::SaveStill { clip, frame } => {
                    self.ask(
                        Question::SaveStill,
                        Pending::SaveStill { clip, frame },
                        &ui.ctx().clone(),
                    );
                }
            }
        }
    }

    fn timeline_panel(&mut self, ui: &mut egui::Ui) {
        let revision = self.session.doc.revision();
        let project = self.session.doc.project();
        let compare = self
            .supervision
            .compare_lens()
            .filter(|_| self.transport.current == self.supervision.clip());
        let lens = crate::ui::timeline::TimelineLens {
            only_coder: self.coding.only().map(str::to_owned),
            compare,
        };
        let actions = self.transport.timeline(
            ui,
            project,
            revision,
            &mut self.moments.active_codebook,
            self.moments.selected,
            &lens,
        );
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

    fn close_dialog(&mut self, ctx: &egui::Context) {
        match self.session.close_dialog(ctx) {
            Some(CloseAnswer::Save) => {
                self.save();
                self.session.quit_after_save = true;
            }
            Some(CloseAnswer::Discard) => self.requests.push(super::Request::Quit),
            Some(CloseAnswer::Cancel) | None => {}
        }
    }
}
