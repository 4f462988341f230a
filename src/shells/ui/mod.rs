//! The desktop window (eframe/egui): navigator, the official table on screen, findings, status.
//! Shell code: every edit goes through the store (autosaved) and the engine recomputes; the screen
//! is drawn from the template's [`crate::layout::Sheet`], so a new form family is data, not a screen.

mod cells;
pub mod dept;
mod dialogs;
use dialogs::{file_stamp, FileStamp};
mod export;
mod files;
mod form_blocks;
mod forms;
mod grid;
mod input;
mod steps;
pub(crate) use input::KeepIme;
pub(crate) use steps::Command;
mod newbook;
mod newform;
mod panels;
mod paper;
mod places;
mod rows;
pub mod start;
mod system;
pub mod templates;
mod text;

pub use files::{Dialogs, FileAction, NoDialogs, SystemDialogs};
pub use forms::FormEntry;
pub use grid::Provenance;
pub use newbook::NewBook;
pub use start::{run, Gui, StartPage};

use crate::amount::{format_amount, parse_amount};
use crate::engine::{CellId, CellKind, Finding};
use crate::layout::{sheet, Sheet, SheetCell};
use crate::shells::session::Session;
use crate::shells::store::{Change, Store, StoreError};
use crate::template::{Registry, Severity};
use egui::{Color32, Key, Modifiers, RichText};
use std::collections::HashMap;
use std::path::Path;

/// Prefix of the text slots that keep an amount the user typed but that could not be read
/// (「12a」): kept, shown and saved until corrected, never silently dropped.
pub const UNREAD_PREFIX: &str = crate::engine::UNREAD;

/// Registers the bundled CJK font as a fallback of both families. Every test harness calls it too.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    if let Some(bytes) =
        crate::template::registry::embedded_bytes("fonts/NotoSansSC-Regular-subset.otf")
    {
        fonts.font_data.insert(
            "noto-sans-sc".into(),
            std::sync::Arc::new(egui::FontData::from_static(bytes)),
        );
        // The one face for every text (Latin included): egui's own fonts are not built in.
        for fam in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            fonts
                .families
                .entry(fam)
                .or_default()
                .push("noto-sans-sc".into());
        }
    }
    ctx.set_fonts(fonts);
}

/// The cell being typed into.
pub struct Editing {
    pub cell: CellId,
    pub text: String,
    /// Put the cursor at the end on the first frame.
    pub fresh: bool,
}

/// What the centre of the window shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// The table selected in the navigator.
    Table,
    /// 第一部分 概况 (职责, 机构设置).
    Overview,
    /// 情况说明 paragraphs.
    Narrative,
    /// 情况说明 inputs (上年数, 原因, 三公 counts …).
    Inputs,
    /// 名词解释.
    Terms,
    /// A 绩效 form, by record id.
    Form(String),
    /// 部门汇总: the units of a 部门 workbook and its 调整.
    Dept,
}

/// The application state.
pub struct App {
    /// The workbook, its evaluation and every operation on it (shared with the command line).
    pub session: Session<'static>,
    /// Worst finding per cell, for marking.
    pub(crate) marks: HashMap<CellId, Severity>,
    pub(crate) table: usize,
    pub(crate) sheet: Sheet,
    pub(crate) sheet_table: usize,
    /// Selection: cursor and anchor (sheet row, physical column).
    pub cursor: Option<(usize, usize)>,
    pub(crate) anchor: Option<(usize, usize)>,
    pub editing: Option<Editing>,
    pub(crate) scroll_to_cursor: bool,
    /// Give the cursor cell keyboard focus on the next frame (after a keyboard move).
    pub(crate) focus_cursor: bool,
    /// (undo, redo) step labels for the toolbar.
    pub(crate) history_labels: (Option<String>, Option<String>),
    /// Last message for the user (status line), with whether it is an error.
    pub(crate) message: Option<(String, bool)>,
    pub(crate) saved_at: Option<String>,
    pub(crate) show: [bool; 3],
    pub(crate) only_this_table: bool,
    pub view: View,
    /// Read-only window: what the file looked like when loaded, and when that was last checked.
    pub(crate) stamp: Option<FileStamp>,
    pub(crate) stamp_checked: f64,
    /// The 关于 window is open.
    pub(crate) about: bool,
    /// The 帮助 (F1) window is open.
    pub(crate) help: bool,
    /// Texts being typed (text key → text), committed when the box is left.
    pub(crate) drafts: HashMap<String, String>,
    /// The paragraph a finding jumped to.
    pub(crate) focus_para: Option<String>,
    /// The part of a form a finding jumped to ("指标3", a 一级 name), marked on the form; the
    /// bool asks for one scroll to it.
    pub focus_form: Option<(String, bool)>,
    /// The 绩效 forms for the navigator.
    pub forms: Vec<FormEntry>,
    /// The 导出 PDF window, when open.
    pub export: Option<export::ExportDialog>,
    /// The 新建 / 打开 / 另存为 / 版本 window, when open.
    pub files: Option<files::FileWindow>,
    /// System file dialogs (none in tests and headless runs: paths are typed).
    pub dialogs: Box<dyn Dialogs>,
    /// The 科目代码 and name being added to a code-keyed table.
    pub(crate) new_code: String,
    pub(crate) new_name: String,
    /// The 新建绩效表单 window, when open.
    pub new_form: Option<newform::NewForm>,
    /// The form whose 删除 awaits confirmation.
    pub confirm_delete: Option<String>,
    /// The recent workbooks (moved along when another file is opened in the window).
    pub recent: crate::shells::session::recent::Recent,
    /// 关闭 was pressed: the window goes back to the start page ([`Gui`]).
    pub close_requested: bool,
    /// A 部门 workbook: its units and the consolidated tables.
    pub dept: Option<dept::DeptView>,
    /// Set while the 部门汇总 screen writes the 部门's own records (its 调整, its units).
    pub(crate) dept_edit: bool,
    /// The 模板集 window, when open.
    pub templates: Option<templates::TemplatesWindow>,
    /// The cell an undo or redo changed, marked for a moment (grid.rs).
    pub(crate) flash: Option<(CellId, std::time::Instant)>,
    /// Keyboard events that arrived in one frame after the step that frame took (grid.rs): given
    /// back at the start of the next frame, in order, so no key is merged or lost.
    pub(crate) held: Vec<egui::Event>,
    /// Steps asked for while a frame is being drawn: applied in order after the frame, so every
    /// widget of a frame sees one state of the workbook.
    pub(crate) pending: Vec<Command>,
    /// A frame is being drawn (steps wait in `pending`); outside a frame they apply at once.
    pub(crate) in_frame: bool,
    /// The text box that had the keyboard at the end of the last frame.
    pub(crate) text_focus: Option<egui::Id>,
    /// An Esc was held over by [`App::esc_after_typing`].
    pub(crate) esc_held: bool,
    /// 绩效 forms are shown as printed (纸面), not field by field (逐项).
    pub form_paper: bool,
    /// The paper layout on screen, laid out once per evaluation: (form id, evaluation, layout).
    pub(crate) paper: Option<(String, u64, std::rc::Rc<crate::layout::form::FormSheet>)>,
    /// Counts the evaluations the screen was brought up to ([`App::refresh`]).
    pub(crate) evaluated: u64,
}

/// Opens `path`, creating it from the bundled 决算 sample (writable, not marked 样例) when it does
/// not exist: a workbook to try things on in tests and benchmarks.
pub fn open_or_create_default(path: &Path) -> Result<Store, StoreError> {
    if path.exists() {
        return Store::open(path);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Write {
            path: dir.display().to_string(),
            msg: e.to_string(),
        })?;
    }
    let text = crate::template::registry::embedded_asset("samples/juesuan-2023-yangquan.json")
        .unwrap_or_default();
    let wb = crate::interchange::json::from_json(text).map_err(|e| StoreError::Write {
        path: path.display().to_string(),
        msg: format!("内置样例无法读取：{e}"),
    })?;
    Store::create(path, &wb)
}

impl App {
    /// Builds the app over an open store. Fails (in words) if the workbook's template set is
    /// unknown or its data do not fit the templates.
    pub fn new(store: Store) -> Result<App, String> {
        let stamp = store.is_read_only().then(|| file_stamp(store.path()));
        let session = Session::new(store)?;
        let forms = forms::entries(session.scored());
        let sheet = sheet(&session.model, 0);
        let settled = session.settled.clone();
        let dept = session.dept.is_some();
        let mut app = App {
            session,
            marks: HashMap::new(),
            table: 0,
            sheet,
            sheet_table: 0,
            cursor: None,
            anchor: None,
            editing: None,
            scroll_to_cursor: false,
            focus_cursor: false,
            history_labels: (None, None),
            message: None,
            saved_at: None,
            show: [true, true, false],
            only_this_table: false,
            view: View::Table,
            stamp,
            stamp_checked: 0.0,
            about: false,
            help: false,
            drafts: HashMap::new(),
            focus_para: None,
            focus_form: None,
            forms,
            export: None,
            files: None,
            dialogs: Box::new(NoDialogs),
            new_code: String::new(),
            new_name: String::new(),
            new_form: None,
            confirm_delete: None,
            recent: Default::default(),
            close_requested: false,
            dept: None,
            dept_edit: false,
            templates: None,
            held: Vec::new(),
            flash: None,
            pending: Vec::new(),
            in_frame: false,
            text_focus: None,
            esc_held: false,
            form_paper: true,
            paper: None,
            evaluated: 0,
        };
        // A 部门: its tables are the units' sums.
        if dept {
            app.dept = Some(dept::DeptView::default());
            app.view = View::Dept;
        }
        app.index_findings();
        app.refresh_history_labels();
        if !settled.is_empty() {
            app.message = Some((
                format!(
                    "模板已更新：{} 现由其他表计算，原填写的数改作原表数对照（可撤销）",
                    settled.join("、")
                ),
                false,
            ));
        }
        Ok(app)
    }

    /// Id of the table on screen ("03").
    pub fn set_table_id(&self) -> &str {
        &self.session.set.tables[self.table].id
    }

    pub fn store(&self) -> &Store {
        self.session.store()
    }

    /// Rows of the table on screen (as laid out).
    pub fn sheet_rows(&self) -> usize {
        self.sheet.rows.len()
    }

    /// The status line's message, if any.
    pub fn status_message(&self) -> Option<String> {
        self.message.as_ref().map(|(m, _)| m.clone())
    }

    pub fn findings(&self) -> &[Finding] {
        &self.session.findings
    }

    pub fn count(&self, s: Severity) -> usize {
        self.session
            .findings
            .iter()
            .filter(|f| f.severity == s)
            .count()
    }

    fn index_findings(&mut self) {
        self.marks.clear();
        for f in &self.session.findings {
            if let Some(id) = self.session.model.cell_id(&f.table, &f.row, &f.col) {
                let e = self.marks.entry(id).or_insert(f.severity);
                if f.severity > *e {
                    *e = f.severity;
                }
            }
        }
    }

    /// Brings the screen up to the session's evaluation (after a step, an undo or redo, or
    /// units read again).
    pub(crate) fn refresh(&mut self) {
        self.evaluated += 1;
        self.table = self
            .table
            .min(self.session.set.tables.len().saturating_sub(1));
        self.forms = forms::entries(self.session.scored());
        if self.session.dept.is_some() && self.dept.is_none() {
            self.dept = Some(dept::DeptView::default());
        } else if self.session.dept.is_none() {
            self.dept = None;
        }
        self.index_findings();
        self.sheet = sheet(&self.session.model, self.table);
        self.sheet_table = self.table;
    }

    /// Evaluates again from the file (and, in a 部门, the units as loaded).
    pub(crate) fn recompute(&mut self) {
        match self.session.recompute() {
            Ok(()) => self.refresh(),
            Err(e) => self.message = Some((e, true)),
        }
    }

    /// Shows another screen (pending texts are saved first).
    pub fn show_view(&mut self, v: View) {
        self.commit_edit();
        self.commit_drafts();
        self.focus_para = None;
        self.focus_form = None;
        self.view = v;
    }

    pub fn select_table(&mut self, ti: usize) {
        if ti < self.session.set.tables.len() {
            self.commit_edit();
            self.commit_drafts();
            self.view = View::Table;
            self.focus_form = None;
            self.table = ti;
            self.sheet = sheet(&self.session.model, ti);
            self.sheet_table = ti;
            self.cursor = None;
            self.anchor = None;
        }
    }

    /// (table id, row key, col no) of a model cell.
    pub(crate) fn coords(&self, id: CellId) -> (String, String, String) {
        let c = &self.session.model.cells[id as usize];
        let t = &self.session.set.tables[c.table];
        (
            t.id.clone(),
            self.session.model.tables[c.table].rows[c.row].key.clone(),
            t.columns[c.col].no.clone(),
        )
    }

    /// Types `text` into input cell `id` (what Enter/Tab does after typing).
    pub fn enter_text(&mut self, id: CellId, text: &str) {
        if self.session.model.cells[id as usize].kind != CellKind::Input {
            self.message = Some((
                format!(
                    "{} 是计算格或锁定格，不能输入。",
                    self.session.model.cell_name(id)
                ),
                true,
            ));
            return;
        }
        let (changes, problem) = self.changes_for(id, text);
        let label = format!("输入 {}", self.session.model.cell_name(id));
        self.apply(&label, &changes, problem);
    }

    pub(crate) fn commit_edit(&mut self) {
        if let Some(ed) = self.editing.take() {
            self.enter_text(ed.cell, &ed.text);
        }
    }

    pub fn undo(&mut self) {
        self.replay(true);
    }

    pub fn redo(&mut self) {
        self.replay(false);
    }

    fn replay(&mut self, undo: bool) {
        // A text still being edited is a step of its own first: undo takes it back (redo
        // restores it), nothing typed is dropped.
        self.commit_edit();
        self.commit_drafts();
        self.editing = None;
        if self.in_frame {
            self.pending.push(Command::Replay { undo });
        } else {
            self.replay_now(undo);
        }
    }

    fn replay_now(&mut self, undo: bool) {
        let what = if undo { "撤销" } else { "重做" };
        let result = if undo {
            self.session.undo()
        } else {
            self.session.redo()
        };
        match result {
            Ok(Some(r)) => {
                self.refresh();
                // Where it happened comes into view, marked for a moment.
                let place = r.changes.first().map(|a| self.show_slot(&a.slot));
                let place = place
                    .flatten()
                    .map(|p| format!("（{p}）"))
                    .unwrap_or_default();
                self.message = Some((format!("已{what}：{}{place}", r.label), false));
            }
            Ok(None) => self.message = Some((format!("没有可{what}的修改。"), false)),
            Err(e) => self.message = Some((e, true)),
        }
        self.refresh_history_labels();
    }

    /// Labels for the 撤销/重做 buttons, read from the file after each change (not per frame).
    pub(crate) fn refresh_history_labels(&mut self) {
        self.history_labels = (
            self.session.store().undo_label(),
            self.session.store().redo_label(),
        );
    }

    /// The model cell under the cursor.
    pub fn cursor_cell(&self) -> Option<CellId> {
        let (r, c) = self.cursor?;
        match self.sheet.rows.get(r)?.cells.get(c)? {
            SheetCell::Cell(id) => Some(*id),
            _ => None,
        }
    }

    /// Draws one frame.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.in_frame = true;
        let keep_ime = KeepIme::begin(&ctx);
        // Keys held over from the last frame come first, before anything reads the input.
        if !self.held.is_empty() {
            let held = std::mem::take(&mut self.held);
            ctx.input_mut(|i| {
                let now = std::mem::take(&mut i.events);
                i.events = held;
                i.events.extend(now);
            });
        }
        self.esc_after_typing(&ctx);
        // Ctrl+Z / Ctrl+Y (Ctrl+Shift+Z) wherever the focus is; a text box being typed in undoes
        // its own text first (it keeps the keys).
        let typing = ctx
            .memory(|m| m.focused())
            .is_some_and(|id| egui::TextEdit::load_state(&ctx, id).is_some());
        if !self.modal_open() && !typing {
            let (redo, undo) = ctx.input_mut(|i| {
                let redo = i.consume_key(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z)
                    || i.consume_key(Modifiers::COMMAND, Key::Y);
                let undo = !redo && i.consume_key(Modifiers::COMMAND, Key::Z);
                (redo, undo)
            });
            if undo {
                self.undo();
            } else if redo {
                self.redo();
            }
        }
        if self.session.store().is_read_only() {
            // Checked about once a second; the window repaints to keep following.
            let now = ctx.input(|i| i.time);
            if now - self.stamp_checked >= 1.0 {
                self.stamp_checked = now;
                self.refresh_if_changed();
            }
            ctx.request_repaint_after(std::time::Duration::from_secs(1));
        }
        self.poll_units(&ctx);
        self.export_window(&ctx);
        self.about_window(&ctx);
        self.templates_window(&ctx);
        self.help_keys(&ctx);
        self.help_window(&ctx);
        self.files_window(&ctx);
        self.new_form_window(&ctx);
        self.file_drops(&ctx);
        self.toolbar(ui);
        self.status_bar(ui);
        self.navigator(ui);
        self.findings_panel(ui);
        egui::CentralPanel::default_margins().show(ui, |ui| match self.view.clone() {
            View::Table => grid::table_view(self, ui),
            View::Overview => self.overview_view(ui),
            View::Narrative => self.narrative_view(ui),
            View::Inputs => self.inputs_view(ui),
            View::Terms => self.terms_view(ui),
            View::Form(id) => self.form_view(ui, &id),
            View::Dept => self.dept_view(ui),
        });
        self.in_frame = false;
        self.run_pending(&ctx);
        keep_ime.end(&ctx);
        self.text_focus = ctx
            .memory(|m| m.focused())
            .filter(|id| self.editing.is_none() && egui::TextEdit::load_state(&ctx, *id).is_some());
    }
}
