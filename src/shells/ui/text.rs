//! The 情况说明 screens: the generated paragraphs (each editable, with the generated text kept
//! beside an edit), the extra inputs the tables do not hold, and 名词解释 with its defaults.

use super::{App, View};
use crate::engine::narrative::render::{Ctx, INPUT, OVERRIDE, OVERVIEW, TERM};
use crate::engine::Finding;
use crate::shells::store::Change;
use crate::template::narrative::InputSpec;
use crate::template::{Registry, Severity};
use egui::{Color32, RichText};

pub(crate) fn severity_color(ui: &egui::Ui, s: Severity) -> Color32 {
    match s {
        Severity::Error => Color32::from_rgb(190, 30, 30),
        Severity::Warning => Color32::from_rgb(190, 120, 0),
        Severity::Info => ui.visuals().weak_text_color(),
    }
}

fn finding_lines(ui: &mut egui::Ui, fs: &[&Finding]) {
    for f in fs {
        ui.label(
            RichText::new(format!("[{}] {} {}", f.severity.label(), f.rule, f.message))
                .color(severity_color(ui, f.severity)),
        );
    }
}

/// One input as shown: its stored key, label and the value its default gives.
pub(crate) struct InputRow {
    pub key: String,
    pub label: String,
    pub multiline: bool,
    pub hint: String,
}

impl App {
    /// Saves (or clears, with None) a text slot as one undo step.
    pub fn set_text(&mut self, key: &str, value: Option<&str>, label: &str) {
        let value = value.map(str::trim).filter(|v| !v.is_empty());
        let current = self
            .session
            .store()
            .workbook()
            .texts
            .get(key)
            .map(String::as_str);
        if current == value {
            return;
        }
        self.apply(label, &[Change::text(key, value)], None);
    }

    /// Commits every text being edited (before a view change, undo or close).
    pub(crate) fn commit_drafts(&mut self) {
        let drafts: Vec<(String, String)> = self.drafts.drain().collect();
        for (k, v) in drafts {
            self.commit_text(&k, &v);
        }
    }

    fn commit_text(&mut self, key: &str, v: &str) {
        if let Some(term) = key.strip_prefix(TERM) {
            // An edit equal to the default is no edit.
            let default = self
                .session
                .narrative
                .as_ref()
                .and_then(|n| term.parse::<usize>().ok().and_then(|i| n.terms.get(i - 1)))
                .map(|t| t.default.clone())
                .unwrap_or_default();
            let v = if v.trim() == default.trim() {
                None
            } else {
                Some(v)
            };
            self.set_text(key, v, &format!("修改名词解释 {term}"));
        } else if let Some(p) = key.strip_prefix(OVERRIDE) {
            self.set_text(key, Some(v), &format!("改写情况说明「{p}」"));
        } else if let Some(i) = key.strip_prefix(INPUT) {
            self.set_text(key, Some(v), &format!("填写「{i}」"));
        } else if let Some(i) = key.strip_prefix(OVERVIEW) {
            self.set_text(key, Some(v), &format!("填写概况「{i}」"));
        }
    }

    /// The inputs of the narrative template, per-row inputs expanded over their rows.
    pub(crate) fn input_rows(&self) -> Vec<(String, Vec<InputRow>)> {
        let reg = Registry::installed();
        let Some(n) = crate::engine::narrative::template_for(reg, &self.session.set.id) else {
            return Vec::new();
        };
        let wb = self.session.store().workbook();
        let ctx = Ctx {
            n,
            model: &self.session.model,
            wb,
            builtins: Vec::new(),
        };
        let mut groups: Vec<(String, Vec<InputRow>)> = Vec::new();
        let mut push = |group: &str, row: InputRow| match groups.iter_mut().find(|g| g.0 == group) {
            Some(g) => g.1.push(row),
            None => groups.push((group.to_string(), vec![row])),
        };
        let hint = |i: &InputSpec, key: &str| -> String {
            if i.default.is_empty() || wb.texts.contains_key(&format!("{INPUT}{key}")) {
                return String::new();
            }
            match ctx.eval(&i.default, None) {
                Ok(v) => format!("未填写时按 {}", crate::amount::format_amount(v, 2)),
                Err(_) => String::new(),
            }
        };
        for i in &n.inputs {
            let group = if i.group.is_empty() {
                "其他"
            } else {
                &i.group
            };
            if i.each.is_empty() {
                push(
                    group,
                    InputRow {
                        key: i.key.clone(),
                        label: i.label.clone(),
                        multiline: i.kind == "text",
                        hint: hint(i, &i.key),
                    },
                );
            } else {
                for r in ctx.rows(&i.each, ".[1]").unwrap_or_default() {
                    let key = i.key.replace('#', &r.code);
                    push(
                        group,
                        InputRow {
                            hint: hint(i, &key),
                            key,
                            label: format!("{}（{}）", i.label, r.label),
                            multiline: i.kind == "text",
                        },
                    );
                }
            }
        }
        groups
    }

    /// A text box bound to a workbook text: the draft while focused, committed on leaving it.
    #[allow(clippy::too_many_arguments)]
    fn text_box(
        &mut self,
        ui: &mut egui::Ui,
        key: &str,
        label: &str,
        multiline: bool,
        hint: &str,
        fallback: &str,
        show_label: bool,
    ) {
        let stored = self
            .session
            .store()
            .workbook()
            .texts
            .get(key)
            .cloned()
            .unwrap_or_else(|| fallback.to_string());
        let mut text = self.drafts.get(key).cloned().unwrap_or(stored.clone());
        if show_label {
            ui.label(label);
        }
        let edit = if multiline {
            egui::TextEdit::multiline(&mut text).desired_rows(2)
        } else {
            egui::TextEdit::singleline(&mut text)
        }
        .id_salt(("text", key))
        .hint_text(hint)
        .desired_width(f32::INFINITY);
        let r = ui.add(edit).accessible_name(label.to_string());
        if r.changed() {
            self.drafts.insert(key.to_string(), text.clone());
        }
        // Left in the frame it was typed in (keys arriving together): saved now too.
        if r.lost_focus() || (r.changed() && !r.has_focus()) {
            if let Some(d) = self.drafts.remove(key) {
                self.commit_text(key, &d);
            }
        }
    }

    pub(crate) fn overview_view(&mut self, ui: &mut egui::Ui) {
        ui.heading("第一部分 概况");
        ui.label(RichText::new("印在公开文件第一部分。").weak());
        for (key, label) in [
            ("职责", "一、本部门（单位）职责"),
            ("机构设置", "二、机构设置情况"),
        ] {
            ui.add_space(6.0);
            ui.strong(label);
            self.text_box(ui, &format!("{OVERVIEW}{key}"), label, true, "", "", false);
        }
    }

    pub(crate) fn narrative_view(&mut self, ui: &mut egui::Ui) {
        let Some(n) = self.session.narrative.clone() else {
            ui.label("本模板集没有情况说明模板。");
            return;
        };
        ui.heading(&n.title);
        ui.label(
            RichText::new("每段文字由表中数据生成；点“改写”可修改，改写后的数字仍与表核对。")
                .weak(),
        );
        egui::ScrollArea::vertical()
            .id_salt("narrative")
            .show(ui, |ui| {
                for s in &n.sections {
                    ui.add_space(6.0);
                    ui.strong(&s.title);
                    for p in &s.paras {
                        let key = format!("{OVERRIDE}{}", p.id);
                        let focused = self.focus_para.as_deref() == Some(p.id.as_str());
                        let frame = egui::Frame::group(ui.style()).stroke(if focused {
                            egui::Stroke::new(2.0, Color32::from_rgb(40, 110, 200))
                        } else {
                            ui.visuals().widgets.noninteractive.bg_stroke
                        });
                        let r = frame.show(ui, |ui| {
                            ui.set_min_width(ui.available_width());
                            if p.edited {
                                ui.label(
                                    RichText::new("已改写").color(Color32::from_rgb(40, 110, 200)),
                                );
                                self.text_box(
                                    ui,
                                    &key,
                                    &format!("改写「{}」", p.id),
                                    true,
                                    "",
                                    "",
                                    false,
                                );
                                ui.horizontal(|ui| {
                                    if ui.button(format!("恢复生成文字「{}」", p.id)).clicked()
                                    {
                                        self.drafts.remove(&key);
                                        self.set_text(
                                            &key,
                                            None,
                                            &format!("恢复情况说明「{}」", p.id),
                                        );
                                    }
                                });
                                ui.collapsing(
                                    format!("按表生成的文字「{}」", p.id),
                                    |ui| {
                                        ui.label(RichText::new(&p.generated).weak());
                                    },
                                );
                            } else if let Some(c) = &p.chart {
                                bar_chart(ui, &p.text, c);
                            } else {
                                ui.add(egui::Label::new(&p.text).wrap());
                                if ui.button(format!("改写「{}」", p.id)).clicked() {
                                    self.set_text(
                                        &key,
                                        Some(&p.generated),
                                        &format!("改写情况说明「{}」", p.id),
                                    );
                                }
                            }
                            // One click makes half-width punctuation inside the Chinese full-width
                            // (the paragraph becomes an edit; its numbers stay checked).
                            if !crate::engine::narrative::lint::halfwidth_punct(&p.text).is_empty()
                                && ui
                                    .button(format!("改为全角标点「{}」", p.id))
                                    .on_hover_text("把中文里的半角 , ; : ( ) 改为全角")
                                    .clicked()
                            {
                                let fixed = crate::engine::narrative::lint::to_fullwidth(&p.text);
                                self.drafts.remove(&key);
                                self.set_text(
                                    &key,
                                    Some(&fixed),
                                    &format!("改为全角标点「{}」", p.id),
                                );
                            }
                            let mine: Vec<&Finding> = self
                                .session
                                .findings
                                .iter()
                                .filter(|f| {
                                    f.table == crate::engine::narrative::TABLE && f.row == p.id
                                })
                                .collect();
                            finding_lines(ui, &mine);
                        });
                        if focused && self.scroll_to_cursor {
                            r.response.scroll_to_me(Some(egui::Align::Center));
                            self.scroll_to_cursor = false;
                        }
                    }
                }
            });
    }

    pub(crate) fn inputs_view(&mut self, ui: &mut egui::Ui) {
        ui.heading("情况说明输入项");
        ui.label(
            RichText::new(
                "表中没有的数和文字：上年数、年初预算、原因、用途、三公数量等。金额以万元为单位。",
            )
            .weak(),
        );
        let groups = self.input_rows();
        let bad: Vec<(String, Severity)> = self
            .session
            .findings
            .iter()
            .filter(|f| {
                f.table == crate::engine::narrative::TABLE
                    && (f.rule == "N-输入" || f.rule == "N-缺输入")
            })
            .map(|f| (f.message.clone(), f.severity))
            .collect();
        egui::ScrollArea::vertical()
            .id_salt("inputs")
            .show(ui, |ui| {
                for (group, rows) in groups {
                    egui::CollapsingHeader::new(RichText::new(&group).strong())
                        .default_open(true)
                        .show(ui, |ui| {
                            for row in rows {
                                let key = format!("{INPUT}{}", row.key);
                                self.text_box(
                                    ui,
                                    &key,
                                    &row.label,
                                    row.multiline,
                                    &row.hint,
                                    "",
                                    true,
                                );
                                for (m, s) in bad.iter().filter(|(m, _)| {
                                    m.contains(&format!("输入项 {}）", row.key))
                                        || m.contains(&format!("「{}」", row.key))
                                }) {
                                    ui.label(RichText::new(m).color(severity_color(ui, *s)));
                                }
                            }
                        });
                }
            });
    }

    pub(crate) fn terms_view(&mut self, ui: &mut egui::Ui) {
        let Some(n) = self.session.narrative.clone() else {
            return;
        };
        ui.heading("名词解释");
        ui.label(RichText::new("默认文字按地区和年度提供；改动的条目标出，可恢复默认。").weak());
        egui::ScrollArea::vertical()
            .id_salt("terms")
            .show(ui, |ui| {
                for (i, t) in n.terms.iter().enumerate() {
                    let key = format!("{TERM}{}", i + 1);
                    ui.horizontal(|ui| {
                        ui.strong(&t.title);
                        if t.edited {
                            ui.label(
                                RichText::new("（与默认文字不同）")
                                    .color(Color32::from_rgb(40, 110, 200)),
                            );
                            if ui.button(format!("恢复默认「{}」", t.title)).clicked() {
                                self.drafts.remove(&key);
                                self.set_text(&key, None, &format!("恢复名词解释 {}", i + 1));
                            }
                        }
                    });
                    self.text_box(
                        ui,
                        &key,
                        &format!("名词解释 {}", t.title),
                        true,
                        "",
                        &t.default,
                        false,
                    );
                    if t.edited {
                        // What differs from the default: removed struck through, added marked.
                        let (pre, removed, added, post) =
                            crate::engine::narrative::changed_part(&t.default, &t.text);
                        let mut job = egui::text::LayoutJob::default();
                        let plain = egui::TextFormat {
                            color: ui.visuals().weak_text_color(),
                            ..Default::default()
                        };
                        job.append(&pre, 0.0, plain.clone());
                        job.append(
                            &removed,
                            0.0,
                            egui::TextFormat {
                                color: Color32::from_rgb(190, 30, 30),
                                strikethrough: egui::Stroke::new(
                                    1.0,
                                    Color32::from_rgb(190, 30, 30),
                                ),
                                ..Default::default()
                            },
                        );
                        job.append(
                            &added,
                            0.0,
                            egui::TextFormat {
                                color: Color32::from_rgb(30, 130, 60),
                                background: Color32::from_rgb(220, 245, 225),
                                ..Default::default()
                            },
                        );
                        job.append(&post, 0.0, plain);
                        ui.label(job).on_hover_text(format!("默认：{}", t.default));
                    }
                }
            });
    }

    /// Jumps to a narrative finding's paragraph (or the inputs screen for an input).
    pub(crate) fn jump_to_text(&mut self, f: &Finding) {
        self.commit_drafts();
        if f.rule == "N-输入" || (f.rule == "N-缺输入" && f.row.is_empty()) {
            self.view = View::Inputs;
            return;
        }
        // Half-width punctuation: the screen where that text is typed.
        if f.rule == crate::engine::narrative::punct::RULE {
            if let Some(tid) = f.row.strip_prefix(crate::engine::NO_DATA) {
                if let Some(ti) = self.session.set.table(tid) {
                    self.select_table(ti);
                }
                return;
            }
            self.view = if f.row.starts_with(INPUT) {
                View::Inputs
            } else if f.row.starts_with(TERM) {
                View::Terms
            } else {
                View::Overview
            };
            return;
        }
        self.view = View::Narrative;
        self.focus_para = Some(f.row.clone());
        self.scroll_to_cursor = true;
    }
}

/// The 结构图 on screen: one bar per row with its amount and share.
fn bar_chart(ui: &mut egui::Ui, title: &str, c: &crate::engine::narrative::Chart) {
    ui.strong(title);
    let total: rust_decimal::Decimal = c.bars.iter().map(|b| b.1).sum();
    let max = c.bars.iter().map(|b| b.1).max().unwrap_or_default();
    for (name, v) in &c.bars {
        ui.horizontal(|ui| {
            ui.add_sized([180.0, 18.0], egui::Label::new(name.as_str()));
            let frac = if max.is_zero() {
                0.0
            } else {
                (*v / max).to_string().parse::<f32>().unwrap_or(0.0)
            };
            let (rect, _) =
                ui.allocate_exact_size(egui::vec2(320.0 * frac + 2.0, 14.0), egui::Sense::hover());
            ui.painter()
                .rect_filled(rect, 2.0, Color32::from_rgb(70, 110, 170));
            let pct = if total.is_zero() {
                String::new()
            } else {
                format!(
                    "（{}%）",
                    crate::amount::format_amount(
                        *v / total * rust_decimal::Decimal::ONE_HUNDRED,
                        2
                    )
                )
            };
            ui.label(format!("{}万元{pct}", crate::amount::format_amount(*v, 2)));
        });
    }
}
