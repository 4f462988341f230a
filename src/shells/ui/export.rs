//! 导出 PDF… and 打印…: a small window choosing the part, draft or final (with the override
//! reason when errors remain) and the output path (typed; the default sits next to the workbook
//! file) — or, to print, the printer, copies and page range. The work runs on a worker thread
//! with a spinner; the result or the refusal is shown.

use super::{App, View};
use crate::engine::Finding;
use crate::shells::print::{doc::Source, Options, Part};
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
    /// The file the last export wrote (for 打开文件 / 打开所在文件夹).
    pub done: Option<PathBuf>,
    /// The path the dialog suggested (followed when the part changes, until the user edits it).
    pub suggested: String,
    /// 打印… instead of 导出: where, how many, which pages.
    pub print: Option<PrintChoice>,
}

pub struct PrintChoice {
    /// The system's printers; the first entry is the default one when the system names it.
    pub printers: Vec<String>,
    pub printer: String,
    pub copies: u32,
    /// 「1-3,5」; empty: every page.
    pub pages: String,
    /// Why no printer could be listed.
    pub problem: Option<String>,
}

/// 「单位-2023年度-公开表.pdf」 beside the workbook: the default name of an export.
fn default_pdf(store_path: &std::path::Path, unit: &str, year: i32, part: usize) -> String {
    let what = ["部门公开", "公开表", "单表", "情况说明", "附件"][part.min(4)];
    let safe: String = unit
        .chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect();
    store_path
        .with_file_name(format!("{safe}-{year}年度-{what}.pdf"))
        .display()
        .to_string()
}

impl App {
    pub fn open_export(&mut self) {
        self.commit_edit();
        self.commit_drafts();
        let wb = self.session.store().workbook();
        let path = default_pdf(self.session.store().path(), &wb.unit.name, wb.unit.year, 0);
        self.export = Some(ExportDialog {
            suggested: path.clone(),
            path,
            part: 0,
            final_copy: false,
            reason: String::new(),
            running: None,
            result: None,
            done: None,
            print: None,
        });
    }

    /// 打印…: the same choices as 导出 PDF…, sent to a printer.
    pub fn open_print(&mut self) {
        self.open_export();
        let (printers, default, problem) = match crate::shells::print::printer::printers() {
            Ok((p, d)) if p.is_empty() => (
                p,
                d,
                Some("系统里没有打印机：请先在系统设置里添加打印机".into()),
            ),
            Ok((p, d)) => (p, d, None),
            Err(e) => (Vec::new(), None, Some(e)),
        };
        let printer = default
            .or_else(|| printers.first().cloned())
            .unwrap_or_default();
        if let Some(d) = self.export.as_mut() {
            d.print = Some(PrintChoice {
                printers,
                printer,
                copies: 1,
                pages: String::new(),
                problem,
            });
        }
    }

    pub(crate) fn part_on_screen(&self) -> Part {
        match &self.view {
            View::Form(id) => Part::Form(id.clone()),
            _ => Part::Table(self.session.set.tables[self.table].id.clone()),
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
        // A 部门 prints its consolidated tables.
        let wb = self.book().clone();
        let Some(d) = self.export.as_mut() else {
            return;
        };
        let pages = match d
            .print
            .as_ref()
            .map(|p| crate::shells::print::printer::PageRange::parse(&p.pages))
        {
            Some(Err(e)) => {
                d.result = Some(Err(e));
                return;
            }
            Some(Ok(r)) => r,
            None => None,
        };
        let opts = Options {
            part,
            final_copy: d.final_copy,
            override_reason: (!d.reason.trim().is_empty()).then(|| d.reason.trim().to_string()),
            date: None,
            pages,
        };
        let path = PathBuf::from(d.path.trim());
        let job = d
            .print
            .as_ref()
            .map(|p| crate::shells::print::printer::Job {
                printer: (!p.printer.is_empty()).then(|| p.printer.clone()),
                copies: p.copies.clamp(1, 999),
                title: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            });
        let set = self.session.set;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let reg = Registry::installed();
            let r = crate::engine::evaluate::evaluate_full(reg, set, &wb)
                .map_err(|e| e.to_string())
                .and_then(|full| crate::shells::print::export(&Source::new(reg, &wb, &full), &opts))
                .and_then(|x| {
                    let kind = if x.draft { "草稿" } else { "定稿" };
                    if let Some(job) = &job {
                        let said = crate::shells::print::printer::print_bytes(&x.bytes, job)?;
                        return Ok(format!(
                            "已送打印机「{}」：{} 页 × {} 份，{kind}（{said}）",
                            job.printer.as_deref().unwrap_or("系统默认"),
                            x.pages,
                            job.copies
                        ));
                    }
                    crate::fsio::write_atomic(&path, &x.bytes).map_err(|e| e.to_string())?;
                    Ok(format!("已导出 {}：{} 页，{kind}", path.display(), x.pages))
                });
            let _ = tx.send(r);
        });
        d.result = None;
        d.running = Some(rx);
    }

    /// What keeps the workbook from a 定稿, each with where it jumps: a sample, empty 概况
    /// texts, error findings (while no 定稿原因 is given), and the gate's findings (placeholders,
    /// broken sentences, text in amount cells: no reason lets them out).
    pub fn gate_items(&self, with_reason: bool) -> Vec<(String, Option<Finding>)> {
        let mut out = Vec::new();
        let wb = self.session.store().workbook();
        if wb.is_sample() {
            out.push((
                "这是程序自带的样例，不能作为定稿导出（请新建本单位的工作簿）".to_string(),
                None,
            ));
        }
        for m in crate::shells::print::doc::overview_missing(wb) {
            out.push((m, None));
        }
        for f in &self.session.findings {
            let gate = crate::shells::print::doc::GATE_RULES.contains(&f.rule.as_str());
            if gate || (f.severity == Severity::Error && !with_reason) {
                out.push((self.finding_text(f), Some(f.clone())));
            }
        }
        out
    }

    pub(crate) fn export_window(&mut self, ctx: &egui::Context) {
        let errors = self.count(Severity::Error);
        let with_reason = self
            .export
            .as_ref()
            .is_some_and(|d| !d.reason.trim().is_empty());
        let whole = self.export.as_ref().is_some_and(|d| d.part == 0);
        let gate: Vec<(String, Option<Finding>)> =
            if self.export.as_ref().is_some_and(|d| d.final_copy) {
                self.gate_items(with_reason)
                    .into_iter()
                    .filter(|(m, f)| whole || f.is_some() || !m.starts_with("第一部分"))
                    .collect()
            } else {
                Vec::new()
            };
        let mut go_to: Option<Option<Finding>> = None;
        let mut start = false;
        let mut close = false;
        // The result goes to the status line once, when it arrives.
        let mut got: Option<Result<String, String>> = None;
        let Some(d) = self.export.as_mut() else {
            return;
        };
        if let Some(rx) = &d.running {
            match rx.try_recv() {
                Ok(r) => {
                    d.running = None;
                    d.done = (r.is_ok() && d.print.is_none()).then(|| PathBuf::from(d.path.trim()));
                    got = Some(r.clone());
                    d.result = Some(r);
                }
                Err(mpsc::TryRecvError::Empty) => ctx.request_repaint(),
                Err(mpsc::TryRecvError::Disconnected) => {
                    d.running = None;
                    d.result = Some(Err("中断".into()));
                }
            }
        }
        let (store_path, unit, year) = {
            let wb = self.session.store().workbook();
            (
                self.session.store().path().to_path_buf(),
                wb.unit.name.clone(),
                wb.unit.year,
            )
        };
        let mut browse = false;
        let mut open_what: Option<PathBuf> = None;
        // At the right, so a place the refusal list jumps to stays in view beside it.
        let right_top = ctx.content_rect().right_top() + egui::vec2(-16.0, 40.0);
        let printing = d.print.is_some();
        let verb = if printing { "打印" } else { "导出" };
        egui::Window::new(if printing { "打印" } else { "导出 PDF" })
            .pivot(egui::Align2::RIGHT_TOP)
            .default_pos(right_top)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label("内容");
                for (i, label) in ["全部（封面、目录、各部分、附件）", "仅公开表", "当前屏幕上的表或表单", "情况说明和名词解释", "附件（绩效自评表）"].iter().enumerate() {
                    if ui.radio_value(&mut d.part, i, *label).changed() && d.path == d.suggested {
                        d.path = default_pdf(&store_path, &unit, year, i);
                        d.suggested = d.path.clone();
                    }
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
                if !gate.is_empty() {
                    let red = Color32::from_rgb(190, 30, 30);
                    ui.label(
                        RichText::new(format!("定稿前还有 {} 处未完成（点击定位）：", gate.len()))
                            .color(red)
                            .strong(),
                    );
                    egui::ScrollArea::vertical()
                        .id_salt("gate")
                        .max_height(160.0)
                        .show(ui, |ui| {
                            for (m, f) in &gate {
                                let l = egui::Label::new(RichText::new(format!("· {m}")).color(red))
                                    .sense(egui::Sense::click());
                                if ui.add(l).on_hover_text("点击定位").clicked() {
                                    go_to = Some(f.clone());
                                }
                            }
                        });
                    ui.label(RichText::new("草稿仍可导出，未完成处照印并标明“草稿”。").weak());
                }
                ui.separator();
                if let Some(p) = d.print.as_mut() {
                    print_fields(ui, p);
                } else {
                    ui.label("保存到");
                    ui.horizontal(|ui| {
                        ui.add(egui::TextEdit::singleline(&mut d.path).desired_width(380.0))
                            .accessible_name("保存到")
                            .on_hover_text("PDF 文件的完整路径");
                        if ui.button("浏览…").clicked() {
                            browse = true;
                        }
                    });
                }
                ui.horizontal(|ui| {
                    let busy = d.running.is_some();
                    let can = !busy && d.print.as_ref().is_none_or(|p| !p.printers.is_empty());
                    if ui.add_enabled(can, egui::Button::new(verb)).clicked() {
                        start = true;
                    }
                    if ui.button("关闭").clicked() {
                        close = true;
                    }
                    if busy {
                        ui.spinner();
                        ui.label(format!("正在{verb}…"));
                    }
                });
                match &d.result {
                    Some(Ok(m)) => {
                        ui.label(RichText::new(m).color(Color32::from_rgb(30, 130, 60)));
                        if let Some(done) = &d.done {
                            open_what = super::files::open_buttons(ui, done);
                        }
                    }
                    Some(Err(e)) => {
                        ui.label(RichText::new(format!("无法{verb}：{e}")).color(Color32::from_rgb(190, 30, 30)));
                    }
                    None => {}
                }
            });
        if let Some(r) = got {
            self.message = Some(match r {
                Ok(m) => (m, false),
                Err(e) => (format!("无法{verb}：{e}"), true),
            });
        }
        if browse {
            let suggested = self
                .export
                .as_ref()
                .and_then(|d| {
                    PathBuf::from(d.path.trim())
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                })
                .unwrap_or_default();
            match self.dialogs.pick_save(&suggested) {
                Some(p) => {
                    if let Some(d) = self.export.as_mut() {
                        d.path = p.display().to_string();
                    }
                }
                None => {
                    self.message = Some((
                        "没有打开系统的文件对话框（本机没有或已取消）：请在“保存到”里直接填写路径"
                            .into(),
                        true,
                    ));
                }
            }
        }
        if let Some(p) = open_what {
            if let Err(e) = self.dialogs.open_path(&p) {
                self.message = Some((e, true));
            }
        }
        if let Some(target) = go_to {
            match target {
                Some(f) => self.jump_to(&f),
                None if self.session.store().workbook().is_sample() => {}
                None => self.show_view(View::Overview),
            }
        }
        if start {
            self.start_export();
        }
        if close {
            self.export = None;
        }
    }
}

/// 打印机, 份数, 页码范围.
fn print_fields(ui: &mut egui::Ui, p: &mut PrintChoice) {
    if let Some(problem) = &p.problem {
        ui.label(RichText::new(problem).color(Color32::from_rgb(190, 30, 30)));
    }
    egui::Grid::new("print-fields")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("打印机");
            let r = egui::ComboBox::from_id_salt("printer")
                .selected_text(p.printer.clone())
                .width(260.0)
                .show_ui(ui, |ui| {
                    for name in &p.printers {
                        ui.selectable_value(&mut p.printer, name.clone(), name);
                    }
                });
            let _ = r.response.accessible_name("打印机");
            ui.end_row();
            ui.label("份数");
            ui.add(egui::DragValue::new(&mut p.copies).range(1..=999))
                .accessible_name("份数");
            ui.end_row();
            ui.label("页码范围");
            ui.add(
                egui::TextEdit::singleline(&mut p.pages)
                    .hint_text("全部")
                    .desired_width(160.0),
            )
            .accessible_name("页码范围")
            .on_hover_text("PDF 的页序，从封面算起，如 1-3,5；空着打印全部");
            ui.end_row();
        });
}
