//! The window's small dialogs and watchers: 关于 (same text as `gongkai --version`), 帮助 (F1)
//! and Ctrl+PgUp/PgDn, and a read-only window following the file another window edits.

use super::*;

/// The F1 guide, in Chinese.
pub(crate) const HELP: &str = include_str!("../../../assets/help/guide.md");

/// Size and modification time of a workbook and its log: changes when another process saves.
pub(crate) type FileStamp = Vec<(u64, Option<std::time::SystemTime>)>;

pub(crate) fn file_stamp(path: &std::path::Path) -> FileStamp {
    ["", "-wal"]
        .iter()
        .map(|ext| {
            let mut n = path.as_os_str().to_owned();
            n.push(ext);
            std::fs::metadata(std::path::PathBuf::from(n))
                .map(|m| (m.len(), m.modified().ok()))
                .unwrap_or((0, None))
        })
        .collect()
}

impl App {
    /// A dialog is open (导出 PDF, 新建/打开/另存为/版本/Excel, 新建表单, 删除 confirmation, 关于):
    /// it owns the keyboard, the table behind it takes no keys. (帮助 is a reference window
    /// kept open beside the work, so it does not.)
    pub fn modal_open(&self) -> bool {
        self.export.is_some()
            || self.files.is_some()
            || self.new_form.is_some()
            || self.confirm_delete.is_some()
            || self.about
            || self.templates.is_some()
    }

    /// A read-only window (another window or program is editing the file) follows the file:
    /// when what is saved changes, it reloads and says so. True when it reloaded.
    pub fn refresh_if_changed(&mut self) -> bool {
        if !self.session.store().is_read_only() {
            return false;
        }
        let stamp = file_stamp(self.session.store().path());
        let known = self.stamp.get_or_insert_with(|| stamp.clone()).clone();
        if stamp == known {
            return false;
        }
        let path = self.session.store().path().to_path_buf();
        let reloaded = Store::open_read_only(&path)
            .map_err(|e| e.to_string())
            .and_then(App::new);
        match reloaded {
            Ok(mut next) => {
                std::mem::swap(&mut next.dialogs, &mut self.dialogs);
                std::mem::swap(&mut next.recent, &mut self.recent);
                next.view = self.view.clone();
                next.table = self.table;
                next.stamp = Some(stamp);
                next.message = Some(("已载入另一窗口保存的修改（本窗口只读）".to_string(), false));
                *self = next;
                true
            }
            Err(e) => {
                self.stamp = Some(stamp);
                self.message = Some((format!("文件已被修改，但无法重新载入：{e}"), true));
                false
            }
        }
    }

    /// F1 opens the guide; Ctrl+P 打印…; Ctrl+PgUp / Ctrl+PgDn switch to the previous / next
    /// table, as in Excel and the 决算 client.
    pub(crate) fn help_keys(&mut self, ctx: &egui::Context) {
        let (f1, print, prev, next) = ctx.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::NONE, egui::Key::F1),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::P),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::PageUp),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::PageDown),
            )
        });
        if f1 {
            self.help = true;
        }
        if print && self.export.is_none() {
            self.open_print();
        }
        let n = self.session.set.tables.len();
        if n > 0 && (prev || next) {
            let ti = if self.view != View::Table {
                self.table
            } else if next {
                (self.table + 1) % n
            } else {
                (self.table + n - 1) % n
            };
            self.select_table(ti);
        }
    }

    /// 帮助: a short guide (assets/help/guide.md) — what to fill in which order, colours, keys, the
    /// 定稿 gate.
    pub(crate) fn help_window(&mut self, ctx: &egui::Context) {
        if !self.help {
            return;
        }
        let mut open = true;
        let mut close = false;
        egui::Window::new("使用帮助")
            .open(&mut open)
            .collapsible(false)
            .default_width(560.0)
            .show(ctx, |ui| {
                if ui.button("关闭").clicked() {
                    close = true;
                }
                egui::ScrollArea::vertical()
                    .max_height(420.0)
                    .show(ui, |ui| {
                        for line in HELP.lines() {
                            if let Some(h) = line.strip_prefix("## ") {
                                ui.add_space(6.0);
                                ui.strong(h);
                            } else if let Some(h) = line.strip_prefix("# ") {
                                ui.heading(h);
                            } else if !line.trim().is_empty() {
                                ui.label(line);
                            }
                        }
                    });
            });
        self.help = open && !close;
    }

    /// 关于: the same text as `gongkai --version` (version, template sets, licences).
    pub(crate) fn about_window(&mut self, ctx: &egui::Context) {
        if !self.about {
            return;
        }
        let mut open = true;
        let mut close = false;
        let mut templates = false;
        egui::Window::new("关于 Gongkai")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label(crate::shells::cli::about_text(Registry::installed()));
                ui.horizontal(|ui| {
                    if ui
                        .button("模板集与差异…")
                        .on_hover_text("已安装的模板集、两个模板集的差异、改用另一模板集的影响")
                        .clicked()
                    {
                        templates = true;
                    }
                    if ui.button("关闭").clicked() {
                        close = true;
                    }
                });
            });
        self.about = open && !close && !templates;
        if templates {
            self.templates = Some(Default::default());
        }
    }
}
