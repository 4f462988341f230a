//! 新建 / 打开… / 另存为… / 版本: one small window per action. The system file dialog (rfd) fills
//! the path when one is available; the path can always be typed, so a machine without a file
//! dialog (headless, no desktop portal) never hangs. Refusals are shown in Chinese and change nothing.

use super::App;
use crate::shells::store::{Change, Store, VersionInfo};
use crate::template::Registry;
use egui::{Color32, RichText};
use std::path::{Path, PathBuf};

pub use super::system::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileAction {
    New,
    Open,
    SaveAs,
    Versions,
    /// 导入 Excel…: preview first, then one undoable step.
    ImportExcel,
    /// 导出 Excel….
    ExportExcel,
}

pub struct FileWindow {
    pub action: FileAction,
    pub path: String,
    /// 新建: the new workbook's fields (shared with the start page).
    pub newbook: Option<super::NewBook>,
    pub version_name: String,
    pub versions: Vec<VersionInfo>,
    /// Lines of the last comparison.
    pub diff: Vec<String>,
    pub message: Option<(String, bool)>,
    /// 导入 Excel: what the file would change, shown before anything is written.
    pub preview: Option<crate::interchange::xlsx::Preview>,
    /// 导出 Excel: 0 all, 1 the tables, 2 the table or form on screen, 3 the 绩效 forms.
    pub part: usize,
    /// 导出 Excel: the file written (for 打开文件 / 打开所在文件夹).
    pub done: Option<PathBuf>,
}

impl App {
    pub fn open_files(&mut self, action: FileAction) {
        self.commit_edit();
        self.commit_drafts();
        let wb = self.session.store().workbook();
        let here = self.session.store().path().to_path_buf();
        let path = match action {
            FileAction::SaveAs => sibling(&here, "副本"),
            FileAction::ExportExcel => here.with_extension("xlsx").display().to_string(),
            _ => String::new(),
        };
        // 新建: next year of this unit, beside this file (a sample's next year goes to 文档/Gongkai).
        let newbook = (action == FileAction::New).then(|| {
            let folder = match here.parent() {
                Some(d) if !wb.is_sample() => d.to_path_buf(),
                _ => crate::shells::session::documents_folder(),
            };
            let kind = crate::shells::session::Kind::of(self.session.set, wb);
            super::NewBook::new(&wb.unit.name, wb.unit.year + 1, kind, &folder)
        });
        let versions = self.session.store().versions().unwrap_or_default();
        self.files = Some(FileWindow {
            action,
            path,
            newbook,
            version_name: String::new(),
            versions,
            diff: Vec::new(),
            message: None,
            preview: None,
            part: 0,
            done: None,
        });
    }

    /// Replaces the open workbook with `store` (the old file is closed).
    fn switch_to(&mut self, store: Store) -> Result<(), String> {
        let mut next = App::new(store)?;
        std::mem::swap(&mut next.dialogs, &mut self.dialogs);
        std::mem::swap(&mut next.recent, &mut self.recent);
        *self = next;
        let p = self.session.store().path().display().to_string();
        self.message = Some((format!("已打开 {p}"), false));
        if let Err(e) = self
            .recent
            .touch(self.session.store().path(), self.session.store().workbook())
        {
            self.message = Some((e, true));
        }
        Ok(())
    }

    /// Runs the window's action; Err is shown in the window, nothing changed.
    pub fn run_file_action(&mut self) -> Result<(), String> {
        let Some(w) = self.files.as_ref() else {
            return Ok(());
        };
        let path = PathBuf::from(w.path.trim());
        if !matches!(w.action, FileAction::Versions | FileAction::New) && w.path.trim().is_empty() {
            return Err("请填写文件路径".into());
        }
        match w.action {
            FileAction::Open => {
                let store = Store::open(&path).map_err(|e| e.to_string())?;
                self.switch_to(store)
            }
            FileAction::SaveAs => {
                self.session
                    .store()
                    .save_copy(&path)
                    .map_err(|e| e.to_string())?;
                let store = Store::open(&path).map_err(|e| e.to_string())?;
                self.switch_to(store)
            }
            FileAction::New => {
                let reg = Registry::installed();
                let Some(nb) = w.newbook.as_ref() else {
                    return Ok(());
                };
                let c = nb.create(reg)?;
                let path = c.store.path().display().to_string();
                let (carried, from) = (c.carried, c.from.clone());
                self.switch_to(c.store)?;
                if let Some(f) = from {
                    self.message = Some((
                        format!(
                            "已新建 {path}，从「{} {}年度」带入情况说明输入项 {carried} 项（上年数、用途等）",
                            f.unit, f.year
                        ),
                        false,
                    ));
                }
                Ok(())
            }
            FileAction::ExportExcel => {
                let wb = self.session.store().workbook();
                let scored = self.session.scored();
                let part = match w.part {
                    1 => crate::layout::Part::Tables,
                    2 => self.part_on_screen(),
                    3 => crate::layout::Part::Attachments,
                    _ => crate::layout::Part::All,
                };
                let bytes =
                    crate::interchange::xlsx::export_part(&self.session.model, wb, scored, &part)?;
                crate::fsio::write_atomic(&path, &bytes).map_err(|e| e.to_string())?;
                self.message = Some((format!("已导出 {}", path.display()), false));
                if let Some(w) = self.files.as_mut() {
                    w.message = Some((format!("已导出 {}", path.display()), false));
                    w.done = Some(path.clone());
                }
                Ok(())
            }
            FileAction::ImportExcel => {
                let Some(p) = self.files.as_mut().and_then(|w| w.preview.take()) else {
                    return Err("请先预览".into());
                };
                let label = format!(
                    "导入 {}",
                    path.file_name().unwrap_or_default().to_string_lossy()
                );
                // Every input replaced by the file's, as one step after this frame.
                let changes: Vec<Change> =
                    crate::engine::diff(self.session.store().workbook(), &p.workbook)
                        .into_iter()
                        .map(|d| Change::new(d.slot, d.new))
                        .collect();
                let n = changes.len();
                let shown = path.display().to_string();
                self.apply_then(
                    &label,
                    &changes,
                    None,
                    Some(Box::new(move |app: &mut App| {
                        app.message =
                            Some((format!("已导入 {shown}（{n} 处改动，可撤销）"), false));
                    })),
                );
                Ok(())
            }
            FileAction::Versions => Ok(()),
        }
    }

    /// 导入 Excel: reads the file against the open workbook and keeps the preview.
    pub fn preview_excel(&mut self) {
        let Some(w) = self.files.as_mut() else { return };
        let path = PathBuf::from(w.path.trim());
        let r = std::fs::read(&path)
            .map_err(|e| format!("{}：{e}", path.display()))
            .and_then(|b| {
                crate::interchange::xlsx::import(
                    Registry::installed(),
                    &b,
                    Some(self.session.store().workbook()),
                )
            });
        match r {
            Ok(p) => {
                w.message = Some((
                    format!(
                        "识别 {} 张表，变化 {} 处；确认后作为一步可撤销的修改导入",
                        p.recognised.len(),
                        p.changed
                    ),
                    false,
                ));
                w.preview = Some(p);
            }
            Err(e) => {
                w.preview = None;
                w.message = Some((format!("无法导入：{e}（当前草稿未作任何改动）"), true));
            }
        }
    }

    pub(crate) fn files_window(&mut self, ctx: &egui::Context) {
        let Some(action) = self.files.as_ref().map(|w| w.action.clone()) else {
            return;
        };
        let title = match action {
            FileAction::New => "新建工作簿",
            FileAction::Open => "打开工作簿",
            FileAction::SaveAs => "另存为",
            FileAction::Versions => "版本",
            FileAction::ImportExcel => "导入 Excel",
            FileAction::ExportExcel => "导出 Excel",
        };
        let mut go = false;
        let mut close = false;
        let mut browse = false;
        let mut save_version = false;
        let mut compare: Option<String> = None;
        let mut preview = false;
        let mut open_what: Option<PathBuf> = None;
        // 新建: the open workbook is offered to carry forward from (never a sample).
        let open = {
            let wb = self.session.store().workbook();
            (!wb.is_sample()).then(|| crate::shells::session::Source {
                path: self.session.store().path().to_path_buf(),
                unit: wb.unit.name.clone(),
                year: wb.unit.year,
                set: wb.template_set.clone(),
                family: self.session.set.family.clone(),
            })
        };
        let recent = &self.recent;
        let dialogs = self.dialogs.as_ref();
        let Some(w) = self.files.as_mut() else { return };
        egui::Window::new(title)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                if action == FileAction::New {
                    if let Some(nb) = w.newbook.as_mut() {
                        go = nb.ui(ui, Registry::installed(), recent, open.as_ref(), dialogs);
                    }
                }
                if action == FileAction::New {
                    // 新建并打开 is in the fields above.
                } else if action == FileAction::Versions {
                    ui.label("已保存的版本（报送、审核前各存一份，可与当前比较）");
                    if w.versions.is_empty() {
                        ui.label(RichText::new("（还没有版本）").weak());
                    }
                    for v in &w.versions {
                        ui.horizontal(|ui| {
                            ui.label(format!("#{} {}  {}", v.id, v.name, v.at));
                            if ui.button(format!("与当前比较「{}」", v.name)).clicked() {
                                compare = Some(v.name.clone());
                            }
                        });
                    }
                    ui.separator();
                    ui.label("版本名称");
                    ui.add(egui::TextEdit::singleline(&mut w.version_name))
                        .accessible_name("版本名称");
                    if ui.button("保存当前为版本").clicked() {
                        save_version = true;
                    }
                    if !w.diff.is_empty() {
                        ui.separator();
                        egui::ScrollArea::vertical()
                            .max_height(240.0)
                            .show(ui, |ui| {
                                for l in &w.diff {
                                    ui.label(l);
                                }
                            });
                    }
                } else {
                    if action == FileAction::ExportExcel {
                        ui.label("内容");
                        for (i, label) in [
                            "全部（公开表和绩效表单）",
                            "仅公开表",
                            "当前屏幕上的表或表单",
                            "仅绩效表单",
                        ]
                        .iter()
                        .enumerate()
                        {
                            ui.radio_value(&mut w.part, i, *label);
                        }
                    }
                    ui.label(match action {
                        FileAction::ImportExcel | FileAction::ExportExcel => "文件路径（.xlsx）",
                        _ => "文件路径（.gongkai）",
                    });
                    ui.horizontal(|ui| {
                        ui.add(egui::TextEdit::singleline(&mut w.path).desired_width(380.0))
                            .accessible_name("文件路径");
                        if ui.button("浏览…").clicked() {
                            browse = true;
                        }
                    });
                }
                if action == FileAction::ImportExcel {
                    if ui.button("预览").clicked() {
                        preview = true;
                    }
                    if let Some(p) = &w.preview {
                        egui::ScrollArea::vertical()
                            .max_height(260.0)
                            .show(ui, |ui| {
                                ui.strong("识别");
                                for r in &p.recognised {
                                    ui.label(r);
                                }
                                if !p.missing.is_empty() {
                                    ui.label(format!("文件中没有：{}", p.missing.join("、")));
                                }
                                if !p.unrecognised.is_empty() {
                                    ui.strong(format!("未能识别（{} 处）", p.unrecognised.len()));
                                    for u in &p.unrecognised {
                                        ui.label(
                                            RichText::new(u).color(Color32::from_rgb(190, 120, 0)),
                                        );
                                    }
                                }
                            });
                    }
                }
                ui.horizontal(|ui| {
                    let can_go = match action {
                        FileAction::Versions | FileAction::New => false,
                        FileAction::ImportExcel => w.preview.is_some(),
                        _ => true,
                    };
                    let ok = if action == FileAction::ImportExcel {
                        "确认导入"
                    } else {
                        "确定"
                    };
                    if can_go && ui.button(ok).clicked() {
                        go = true;
                    }
                    if ui.button("关闭").clicked() {
                        close = true;
                    }
                });
                if let Some((m, bad)) = &w.message {
                    let c = if *bad {
                        Color32::from_rgb(190, 30, 30)
                    } else {
                        Color32::from_rgb(30, 130, 60)
                    };
                    ui.label(RichText::new(m).color(c));
                }
                if let Some(done) = &w.done {
                    open_what = open_buttons(ui, done);
                }
            });
        if let Some(p) = open_what {
            if let Err(e) = self.dialogs.open_path(&p) {
                self.message = Some((e, true));
            }
        }
        if preview {
            self.preview_excel();
        }
        if browse {
            let picked = match action {
                FileAction::Open => self
                    .dialogs
                    .pick_open("Gongkai 工作簿", &[crate::shells::session::EXT, "sqlite"]),
                FileAction::ImportExcel => self.dialogs.pick_open("Excel 工作簿", &["xlsx", "xls"]),
                FileAction::ExportExcel => self.dialogs.pick_save("公开表.xlsx"),
                _ => self
                    .dialogs
                    .pick_save(&format!("工作簿.{}", crate::shells::session::EXT)),
            };
            if let (Some(p), Some(w)) = (picked, self.files.as_mut()) {
                w.path = p.display().to_string();
            }
        }
        if save_version {
            let name = self
                .files
                .as_ref()
                .map(|w| w.version_name.clone())
                .unwrap_or_default();
            let r = self.session.save_version(&name);
            if let Some(w) = self.files.as_mut() {
                match r {
                    Ok(v) => {
                        w.message = Some((format!("已保存版本「{}」", v.name), false));
                        w.version_name.clear();
                    }
                    Err(e) => w.message = Some((e.to_string(), true)),
                }
                w.versions = self.session.store().versions().unwrap_or_default();
            }
        }
        if let Some(name) = compare {
            let set = self.session.set;
            let r = self.session.store().diff_versions(&name, "当前");
            if let Some(w) = self.files.as_mut() {
                match r {
                    Ok(d) if d.is_empty() => {
                        w.diff.clear();
                        w.message = Some((format!("「{name}」与当前内容相同"), false));
                    }
                    Ok(d) => {
                        w.diff = crate::shells::session::diff_lines(Some(set), &d);
                        w.message =
                            Some((format!("「{name}」→ 当前：{} 处不同", w.diff.len()), false));
                    }
                    Err(e) => w.message = Some((e.to_string(), true)),
                }
            }
        }
        if go {
            match self.run_file_action() {
                // An Excel export stays open to offer 打开文件 / 打开所在文件夹.
                Ok(()) if self.files.as_ref().is_some_and(|w| w.done.is_some()) => {}
                Ok(()) => self.files = None,
                Err(e) => {
                    if let Some(w) = self.files.as_mut() {
                        w.message = Some((format!("{e}（当前草稿未作任何改动）"), true));
                    }
                }
            }
        }
        if close {
            self.files = None;
        }
    }
}

/// "dir/name-副本.gongkai" next to `p`.
fn sibling(p: &Path, tag: &str) -> String {
    let stem = p
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    p.with_file_name(format!("{stem}-{tag}.{}", crate::shells::session::EXT))
        .display()
        .to_string()
}

impl App {
    /// A file dropped on the window: a workbook (.gongkai, or .sqlite of earlier versions) is opened, an Excel file (.xlsx/.xls)
    /// goes to 导入 Excel with its preview shown; anything else is refused with a message. Nothing
    /// is written before the user confirms an import.
    pub fn open_dropped(&mut self, path: &std::path::Path) {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let same = std::fs::canonicalize(path).ok()
            == std::fs::canonicalize(self.session.store().path()).ok();
        match ext.as_str() {
            _ if crate::shells::session::is_workbook_ext(path) && same => {
                self.message = Some((format!("「{name}」就是当前打开的草稿"), false));
            }
            _ if crate::shells::session::is_workbook_ext(path) => {
                self.open_files(FileAction::Open);
                if let Some(w) = self.files.as_mut() {
                    w.path = path.display().to_string();
                }
                match self.run_file_action() {
                    Ok(()) => self.files = None,
                    Err(e) => {
                        if let Some(w) = self.files.as_mut() {
                            w.message = Some((e, true));
                        }
                    }
                }
            }
            "xlsx" | "xlsm" | "xls" => {
                self.open_files(FileAction::ImportExcel);
                if let Some(w) = self.files.as_mut() {
                    w.path = path.display().to_string();
                }
                self.preview_excel();
            }
            _ => {
                self.message = Some((
                    format!(
                        "无法打开「{name}」：拖入的应是工作簿文件（.gongkai）或 Excel 文件（.xlsx/.xls）"
                    ),
                    true,
                ));
            }
        }
    }

    /// Files being dragged over the window are announced; dropped ones are opened.
    pub(crate) fn file_drops(&mut self, ctx: &egui::Context) {
        let (hovering, dropped) = ctx.input(|i| {
            (
                !i.raw.hovered_files.is_empty(),
                i.raw.dropped_files.first().map(|f| f.path().to_path_buf()),
            )
        });
        if hovering {
            let screen = ctx.content_rect();
            let painter = ctx.layer_painter(egui::LayerId::new(
                egui::Order::Foreground,
                egui::Id::unique("drop-hint"),
            ));
            painter.rect_filled(screen, 0.0, egui::Color32::from_black_alpha(120));
            painter.text(
                screen.center(),
                egui::Align2::CENTER_CENTER,
                "松开鼠标：工作簿文件（.gongkai）打开，Excel 文件导入（先预览）",
                egui::FontId::proportional(22.0),
                egui::Color32::WHITE,
            );
        }
        if let Some(p) = dropped {
            self.open_dropped(&p);
        }
    }
}
