//! The codebook window: pick, create, edit, import and export codebooks.
//! Changes are made on a working copy and applied as one edit, so a
//! half-edited codebook (a duplicate hotkey, say) never reaches the project.

use std::path::Path;

use super::Workspace;
use crate::model::Codebook;
use crate::model::operations;
use crate::ui::codebook_editor::CodebookEditor;
use crate::ui::dialogs::Question;

impl Workspace {
    pub(super) fn open_codebook_editor(&mut self) {
        let id = self.moments.active_codebook.clone().or_else(|| {
            self.session
                .doc
                .project()
                .codebooks
                .first()
                .map(|b| b.id.clone())
        });
        let working = id
            .as_deref()
            .and_then(|id| self.session.doc.project().codebook(id))
            .cloned();
        self.codebook_editor = Some(CodebookEditor::new(working));
    }

    pub(super) fn codebook_window(&mut self, ctx: &egui::Context) {
        let Some(mut editor) = self.codebook_editor.take() else {
            return;
        };
        let mut open = true;
        let outcome = editor.show(ctx, &mut open, self.session.doc.project());
        use crate::ui::codebook_editor::Outcome;
        match outcome {
            Outcome::None => {}
            Outcome::Pick(id) => {
                let working = self.session.doc.project().codebook(&id).cloned();
                editor = CodebookEditor::new(working);
            }
            Outcome::Apply(book) => {
                let made = operations::save_codebook(self.session.doc.project(), book.clone());
                if self.apply(made) {
                    editor.saved();
                    self.status = Some(format!("Codebook '{}' saved in the project.", book.name));
                } else if let Some(status) = &self.status {
                    editor.error = Some(status.clone());
                }
            }
            Outcome::New => {
                let book = operations::blank_codebook(self.session.doc.project());
                editor = CodebookEditor::new(Some(book));
                editor.mark_new();
            }
            Outcome::MakeActive(id) => self.moments.active_codebook = Some(id),
            Outcome::Export(id) => self.ask(
                Question::ExportCodebook,
                super::clips::Pending::ExportCodebook(id),
                ctx,
            ),
            Outcome::Import => self.ask(
                Question::ImportCodebook,
                super::clips::Pending::ImportCodebook,
                ctx,
            ),
        }
        if open {
            self.codebook_editor = Some(editor);
        }
    }

    /// Adds a codebook from a JSON file; a clash of ids gets a new id, so
    /// importing never replaces the codebook moments are coded with.
    pub(super) fn import_codebook(&mut self, path: &Path) {
        let book = match read_codebook(path) {
            Ok(book) => book,
            Err(message) => {
                self.status = Some(message);
                return;
            }
        };
        let project = self.session.doc.project();
        let name = book.name.clone();
        let id = operations::free_codebook_id(project, &book.id);
        let made = operations::import_codebook(project, book);
        if self.apply(made) {
            self.moments.active_codebook = Some(id);
            self.status = Some(format!("Imported codebook '{name}'."));
        }
    }

    pub(super) fn export_codebook(&mut self, id: &str, path: &Path) {
        let Some(book) = self.session.doc.project().codebook(id) else {
            return;
        };
        self.status = Some(match write_codebook(book, path, &self.output_guard()) {
            Ok(()) => format!("Exported '{}' to {}.", book.name, path.display()),
            Err(message) => message,
        });
    }
}

fn read_codebook(path: &Path) -> Result<Codebook, String> {
    let bytes = crate::files::read_capped(path, crate::files::MAX_PROJECT_BYTES)
        .map_err(|e| e.to_string())?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("{}: is not text (UTF-8)", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned();
    let mut de = serde_json::Deserializer::from_str(&text);
    let book: Codebook = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        format!(
            "{}:{}:{}: not a codebook ({} at {})",
            path.display(),
            inner.line(),
            inner.column(),
            inner,
            e.path()
        )
    })?;
    book.validate()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(book)
}

/// Written under a temporary name and renamed, so a failed export never
/// leaves half a file where a good one was.
fn write_codebook(
    book: &Codebook,
    path: &Path,
    guard: &crate::files::OutputGuard,
) -> Result<(), String> {
    guard.check(path).map_err(|e| e.to_string())?;
    let text = serde_json::to_string_pretty(book)
        .map_err(|e| format!("Cannot write the codebook: {e}"))?;
    crate::files::write_file(path, text.as_bytes())
        .map(|_| ())
        .map_err(|e| e.to_string())
}
