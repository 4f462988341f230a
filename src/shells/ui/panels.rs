//! The window's frame around the screens: toolbar, status line, navigator, findings panel and
//! title.

use super::files::FileAction;
use super::*;

impl App {
    pub(super) fn toolbar(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("toolbar").show(ui, |ui| {
            ui.horizontal(|ui| {
                for (label, action) in [
                    ("新建", FileAction::New),
                    ("打开…", FileAction::Open),
                    ("另存为…", FileAction::SaveAs),
                    ("版本", FileAction::Versions),
                    ("导入 Excel…", FileAction::ImportExcel),
                    ("导出 Excel…", FileAction::ExportExcel),
                ] {
                    if ui.button(label).clicked() {
                        self.open_files(action);
                    }
                }
                ui.separator();
                let undo = self.history_labels.0.clone();
                let b = ui.add_enabled(undo.is_some(), egui::Button::new("撤销"));
                if b.on_hover_text(undo.unwrap_or_default()).clicked() {
                    self.undo();
                }
                let redo = self.history_labels.1.clone();
                let b = ui.add_enabled(redo.is_some(), egui::Button::new("重做"));
                if b.on_hover_text(redo.unwrap_or_default()).clicked() {
                    self.redo();
                }
                ui.separator();
                if ui.button("导出 PDF…").clicked() {
                    self.open_export();
                }
                if ui
                    .button("打印…")
                    .on_hover_text("送到打印机（Ctrl+P）")
                    .clicked()
                {
                    self.open_print();
                }
                if ui.button("帮助").on_hover_text("F1").clicked() {
                    self.help = true;
                }
                if ui.button("关于").clicked() {
                    self.about = true;
                }
                if ui
                    .button("关闭工作簿")
                    .on_hover_text("关闭这个工作簿，回到开始页（所填内容已随时保存）")
                    .clicked()
                {
                    self.commit_edit();
                    self.commit_drafts();
                    self.close_requested = true;
                }
                ui.separator();
                let wb = self.session.store().workbook();
                // 样例 / 只读 first, where a narrow window still shows them.
                if wb.is_sample() {
                    ui.label(
                        RichText::new("样例（只供查看和练习）")
                            .color(Color32::from_rgb(180, 90, 0))
                            .strong(),
                    );
                }
                if self.session.store().is_read_only() {
                    ui.label(RichText::new("只读").color(Color32::from_rgb(180, 90, 0)));
                }
                ui.label(
                    RichText::new(format!(
                        "{} {}年度 · {}",
                        wb.unit.name, wb.unit.year, self.session.set.name
                    ))
                    .strong(),
                );
            });
        });
    }

    pub(super) fn status_bar(&mut self, ui: &mut egui::Ui) {
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                let saved = match &self.saved_at {
                    Some(t) => format!("已自动保存 {t}"),
                    None => "已保存".into(),
                };
                ui.label(saved);
                ui.separator();
                ui.label(
                    RichText::new(format!("错误 {}", self.count(Severity::Error)))
                        .color(Color32::from_rgb(190, 30, 30)),
                );
                ui.label(
                    RichText::new(format!("警告 {}", self.count(Severity::Warning)))
                        .color(Color32::from_rgb(190, 120, 0)),
                );
                ui.label(format!("提示 {}", self.count(Severity::Info)));
                ui.separator();
                ui.label(self.session.store().path().display().to_string());
                if let Some((m, bad)) = &self.message {
                    ui.separator();
                    let color = if *bad {
                        Color32::from_rgb(190, 30, 30)
                    } else {
                        ui.visuals().text_color()
                    };
                    ui.label(RichText::new(m).color(color));
                }
            });
        });
    }

    pub(super) fn navigator(&mut self, ui: &mut egui::Ui) {
        egui::Panel::left("navigator")
            .resizable(true)
            .default_size(230.0)
            .show(ui, |ui| {
                ui.heading(format!("{}公开", self.session.set.family));
                egui::ScrollArea::vertical().show(ui, |ui| {
                    if let Some(v) = dept::nav_entry(self, ui) {
                        self.show_view(v);
                    }
                    let mut pick = None;
                    for (ti, t) in self.session.set.tables.iter().enumerate() {
                        let n = self
                            .session
                            .findings
                            .iter()
                            .filter(|f| f.table == t.id && f.severity >= Severity::Warning)
                            .count();
                        let mut label = format!("{} {}", t.label, t.title);
                        if n > 0 {
                            label.push_str(&format!("（{n}）"));
                        }
                        let on = self.view == View::Table && self.table == ti;
                        if ui.selectable_label(on, label).clicked() {
                            pick = Some(ti);
                        }
                    }
                    if let Some(ti) = pick {
                        self.select_table(ti);
                    }
                    let mut go = None;
                    let mut new_form = false;
                    ui.add_space(8.0);
                    ui.strong("文字部分");
                    if ui
                        .selectable_label(self.view == View::Overview, "概况")
                        .clicked()
                    {
                        go = Some(View::Overview);
                    }
                    if self.session.narrative.is_some() {
                        let n = self
                            .session
                            .findings
                            .iter()
                            .filter(|f| {
                                f.table == crate::engine::narrative::TABLE
                                    && f.severity >= Severity::Warning
                            })
                            .count();
                        let count = if n > 0 {
                            format!("（{n}）")
                        } else {
                            String::new()
                        };
                        for (v, label) in [
                            (View::Narrative, format!("情况说明{count}")),
                            (View::Inputs, "情况说明输入项".to_string()),
                            (View::Terms, "名词解释".to_string()),
                        ] {
                            if ui.selectable_label(self.view == v, label).clicked() {
                                go = Some(v);
                            }
                        }
                    }
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        ui.strong("绩效");
                        if ui.small_button("新建表单…").clicked() {
                            new_form = true;
                        }
                    });
                    {
                        for f in &self.forms {
                            let v = View::Form(f.id.clone());
                            // Each form's errors and warnings, as for the tables.
                            let n = self
                                .session
                                .findings
                                .iter()
                                .filter(|x| x.table == f.id && x.severity >= Severity::Warning)
                                .count();
                            let count = if n > 0 {
                                format!("（{n}）")
                            } else {
                                String::new()
                            };
                            let mut text = RichText::new(format!("{} {}{count}", f.id, f.label));
                            if f.scored {
                                text = RichText::new(format!(
                                    "{} {} · {}{count}",
                                    f.id, f.label, f.grade
                                ));
                            }
                            if ui.selectable_label(self.view == v, text).clicked() {
                                go = Some(v);
                            }
                        }
                    }
                    if let Some(v) = go {
                        self.show_view(v);
                    }
                    if new_form {
                        self.open_new_form();
                    }
                });
            });
    }

    /// A finding as the user reads it: place and meaning first (a 绩效 finding names its form,
    /// 「自评03「项目名称」：」); the rule code is left to the hover and JSON.
    pub(crate) fn finding_text(&self, f: &Finding) -> String {
        let place = if self.session.set.table(&f.table).is_some()
            || f.table == crate::engine::narrative::TABLE
            || f.table == crate::shells::consolidate::TABLE
            || f.message.contains(&f.table_label)
        {
            String::new()
        } else {
            let name = f
                .table_label
                .find('「')
                .map_or(f.table_label.as_str(), |i| &f.table_label[i..]);
            format!("{}{name}：", f.table)
        };
        format!("{place}{}", f.message)
    }

    pub(super) fn findings_panel(&mut self, ui: &mut egui::Ui) {
        egui::Panel::bottom("findings")
            .resizable(true)
            .default_size(150.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.strong("审核结果");
                    ui.checkbox(&mut self.show[0], "错误");
                    ui.checkbox(&mut self.show[1], "警告");
                    ui.checkbox(&mut self.show[2], "提示");
                    ui.checkbox(&mut self.only_this_table, "仅本表");
                });
                // 仅本表: the table on screen, or the form on screen.
                let this = match &self.view {
                    View::Form(id) => id.clone(),
                    _ => self.session.set.tables[self.table].id.clone(),
                };
                let mut jump = None;
                let mut confirm: Option<(String, String)> = None;
                let mut fix: Option<Finding> = None;
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for f in &self.session.findings {
                        let idx = match f.severity {
                            Severity::Error => 0,
                            Severity::Warning => 1,
                            Severity::Info => 2,
                        };
                        if !self.show[idx] || (self.only_this_table && f.table != this) {
                            continue;
                        }
                        let color = match f.severity {
                            Severity::Error => Color32::from_rgb(190, 30, 30),
                            Severity::Warning => Color32::from_rgb(190, 120, 0),
                            Severity::Info => ui.visuals().weak_text_color(),
                        };
                        let text = format!("[{}] {}", f.severity.label(), self.finding_text(f));
                        ui.horizontal_wrapped(|ui| {
                            if ui
                                .add(
                                    egui::Label::new(RichText::new(text).color(color))
                                        .sense(egui::Sense::click()),
                                )
                                .on_hover_text(format!("规则 {}；点击定位", f.rule))
                                .clicked()
                            {
                                jump = Some(f.clone());
                            }
                            // A 科目 missing from the year's list or printed under another name:
                            // confirmed once, kept in the workbook, not reported again.
                            if f.rule.starts_with("CODE-")
                                && ui
                                    .small_button(format!("确认科目 {}", f.row))
                                    .on_hover_text("核对无误：记入本草稿，不再提示此科目")
                                    .clicked()
                            {
                                confirm = Some((f.row.clone(), f.row_label.clone()));
                            }
                            if f.rule == crate::engine::narrative::punct::RULE
                                && ui
                                    .small_button("改为全角")
                                    .on_hover_text("把这段文字里夹在中文中的半角 , ; : ( ) ! ? 改为全角（可撤销）")
                                    .clicked()
                            {
                                fix = Some(f.clone());
                            }
                        });
                    }
                });
                if let Some(f) = jump {
                    self.jump_to(&f);
                }
                // The fix of the text the finding names, found when asked for (not every frame).
                if let Some(f) = fix {
                    let labels = self
                        .forms
                        .iter()
                        .map(|e| (e.id.clone(), e.label.clone()))
                        .collect();
                    let fixes = crate::engine::narrative::punct::scan(
                        &crate::template::Registry::installed().narrative_rules,
                        self.session.set,
                        self.session.store().workbook(),
                        &labels,
                    );
                    if let Some(x) = fixes.into_iter().find(|x| x.finding == f) {
                        self.apply(
                            "改为全角标点",
                            &[Change::new(x.slot, Some(x.text))],
                            None,
                        );
                    }
                }
                if let Some((code, name)) = confirm {
                    let key = format!("{}{code}", crate::engine::ACCEPTED_CODE);
                    self.apply(
                        &format!("确认科目 {code}"),
                        &[Change::text(&key, Some(&name))],
                        None,
                    );
                }
            });
    }
}

impl App {
    /// "2024年度.sqlite — 阳泉市退役军人事务局 2024年度 — Gongkai 公开" (只读 when opened read-only).
    pub fn window_title(&self) -> String {
        let wb = self.session.store().workbook();
        let file = self
            .session
            .store()
            .path()
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        let ro = if self.session.store().is_read_only() {
            "（只读）"
        } else {
            ""
        };
        let sample = if wb.is_sample() { "【样例】" } else { "" };
        format!(
            "{sample}{file}{ro} — {} {}年度 — Gongkai 公开",
            wb.unit.name, wb.unit.year
        )
    }
}
