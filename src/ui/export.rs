//! 导出 PDF…: a small window choosing the part, draft or final (with the override reason when
//! errors remain) and the output path (typed; the default sits next to the workbook file). The
//! export runs on a worker thread with a spinner; the result path or the refusal is shown.

use super::{App, View};
use crate::print::{doc::Source, Options, Part};
use crate::template::{Registry, Severity};
use egui::{Color32, RichText};
use std::path::PathBuf;
use std::sync::mpsc;

pub struct ExportDialog {
    pub path: String,
    /// 0 all, 1 tables, 2 the table/form on screen, 3 情况说明, 4 附件.
    pub part: usize,
    pub final_copy: bool,
    pub reason: String,
    pub running: Option<mpsc::Receiver<Result<String, String>>>,
    pub result: Option<Result<String, String>>,
}

impl App {
    pub fn open_export(&mut self) {
        self.commit_edit();
        self.commit_drafts();
        let path = self.store.path().with_extension("pdf");
        self.export = Some(ExportDialog {
            path: path.display().to_string(),
            part: 0,
            final_copy: false,
            reason: String::new(),
            running: None,
            result: None,
        });
    }

    pub(crate) fn part_on_screen(&self) -> Part {
        match &self.view {
            View::Form(id) => Part::Form(id.clone()),
            _ => Part::Table(self.set.tables[self.table].id.clone()),
        }
    }

    /// Starts the export on a worker thread.
    pub fn start_export(&mut self) {
        let part = match self.export.as_ref().map(|d| d.part).unwrap_or(0) {
            1 => Part::Tables,
            2 => self.part_on_screen(),
            3 => Part::Narrative,
            4 => Part::Attachments,
            _ => Part::All,
        };
        let Some(d) = self.export.as_mut() else {
            return;
        };
        let opts = Options {
            part,
            final_copy: d.final_copy,
            override_reason: (!d.reason.trim().is_empty()).then(|| d.reason.trim().to_string()),
            date: None,
        };
        let path = PathBuf::from(d.path.trim());
        let wb = self.store.workbook().clone();
        let set = self.set;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let reg = Registry::builtin();
            let r = crate::evaluate::evaluate_full(reg, set, &wb)
                .map_err(|e| e.to_string())
                .and_then(|full| crate::print::export(&Source::new(reg, &wb, &full), &opts))
                .and_then(|x| {
                    crate::fsio::write_atomic(&path, &x.bytes).map_err(|e| e.to_string())?;
                    Ok(format!(
                        "已导出 {}：{} 页，{}",
                        path.display(),
                        x.pages,
                        if x.draft { "草稿" } else { "定稿" }
                    ))
                });
            let _ = tx.send(r);
        });
        d.result = None;
        d.running = Some(rx);
    }

    pub(crate) fn export_window(&mut self, ctx: &egui::Context) {
        let errors = self.count(Severity::Error);
        let mut start = false;
        let mut close = false;
        let Some(d) = self.export.as_mut() else {
            return;
        };
        if let Some(rx) = &d.running {
            match rx.try_recv() {
                Ok(r) => {
                    d.running = None;
                    d.result = Some(r);
                }
                Err(mpsc::TryRecvError::Empty) => ctx.request_repaint(),
                Err(mpsc::TryRecvError::Disconnected) => {
                    d.running = None;
                    d.result = Some(Err("导出中断".into()));
                }
            }
        }
        egui::Window::new("导出 PDF")
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label("内容");
                for (i, label) in ["全部（封面、目录、各部分、附件）", "仅公开表", "当前屏幕上的表或表单", "情况说明和名词解释", "附件（绩效自评表）"].iter().enumerate() {
                    ui.radio_value(&mut d.part, i, *label);
                }
                ui.separator();
                ui.radio_value(&mut d.final_copy, false, "草稿（带“草稿”水印）");
                ui.radio_value(&mut d.final_copy, true, "定稿");
                if d.final_copy && errors > 0 {
                    ui.label(RichText::new(format!("工作簿还有 {errors} 条错误：定稿需写明原因，原因印在页脚和文档信息中。")).color(Color32::from_rgb(190, 30, 30)));
                    ui.label("定稿原因");
                    ui.add(egui::TextEdit::singleline(&mut d.reason).desired_width(360.0))
                        .accessible_name("定稿原因");
                }
                ui.separator();
                ui.label("保存到");
                ui.add(egui::TextEdit::singleline(&mut d.path).desired_width(420.0))
                    .accessible_name("保存到")
                    .on_hover_text("PDF 文件的完整路径");
                ui.horizontal(|ui| {
                    let busy = d.running.is_some();
                    if ui.add_enabled(!busy, egui::Button::new("导出")).clicked() {
                        start = true;
                    }
                    if ui.button("关闭").clicked() {
                        close = true;
                    }
                    if busy {
                        ui.spinner();
                        ui.label("正在导出…");
                    }
                });
                match &d.result {
                    Some(Ok(m)) => {
                        ui.label(RichText::new(m).color(Color32::from_rgb(30, 130, 60)));
                    }
                    Some(Err(e)) => {
                        ui.label(RichText::new(format!("无法导出：{e}")).color(Color32::from_rgb(190, 30, 30)));
                    }
                    None => {}
                }
            });
        if let Some(Some(r)) = self.export.as_ref().map(|d| d.result.clone()) {
            self.message = Some(match r {
                Ok(m) => (m, false),
                Err(e) => (format!("无法导出：{e}"), true),
            });
        }
        if start {
            self.start_export();
        }
        if close {
            self.export = None;
        }
    }
}
