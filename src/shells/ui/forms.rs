//! The 绩效 forms on screen in their paper order: header fields, the money block, 执行率, the
//! indicator grid (suggested score beside the entered one, add/remove indicator), 总分 and the
//! grade badge, the text fields. Every edit rewrites the record as one undo step; scores, totals
//! and the grade are recomputed, never typed.

use super::App;
use crate::amount::{format_amount, parse_amount};
use crate::engine::perf::{audit::num, Indicator, PerfForm};
use crate::engine::Finding;
use crate::shells::store::Change;
use crate::template::Registry;
use egui::{Color32, RichText};
use rust_decimal::Decimal;

/// A form as listed in the navigator.
#[derive(Debug, Clone)]
pub struct FormEntry {
    pub id: String,
    pub label: String,
    pub grade: String,
    pub scored: bool,
}

pub(crate) fn grade_color(grade: &str) -> Color32 {
    match grade {
        "优" => Color32::from_rgb(30, 130, 60),
        "良" => Color32::from_rgb(40, 110, 200),
        "中" => Color32::from_rgb(190, 120, 0),
        _ => Color32::from_rgb(190, 30, 30),
    }
}

fn dec_text(d: Option<Decimal>) -> String {
    d.map(num).unwrap_or_default()
}

/// The navigator list of 绩效 forms with their derived grades.
pub(crate) fn entries(scored: &[crate::engine::perf::Scored]) -> Vec<FormEntry> {
    scored
        .iter()
        .map(|s| FormEntry {
            id: s.id.clone(),
            label: crate::engine::perf::audit::label_of(s.template, &s.score),
            grade: s.score.grade.clone(),
            // A blank or unscored form has no grade of its own yet.
            scored: s.score.scored && !s.form.is_blank() && !s.form.is_unscored(),
        })
        .collect()
}

impl App {
    /// The changes that make record `id`'s body `form`: the fields that changed (a list that
    /// grew or shrank is one change).
    pub(crate) fn form_changes(&self, id: &str, form: &PerfForm) -> Vec<Change> {
        let Some(r) = self.session.store().workbook().records.get(id) else {
            return Vec::new();
        };
        crate::engine::workbook::field_changes(&r.body, &form.to_json())
            .into_iter()
            .map(|(path, v)| {
                Change::new(
                    crate::engine::Slot::field(id, &path),
                    v.filter(|v| !v.is_null()).map(|v| v.to_string()),
                )
            })
            .collect()
    }

    /// Stores `form` as the body of record `id`, as one undo step of the fields that changed
    /// (history and diffs name each field).
    pub fn save_form(&mut self, id: &str, form: &PerfForm, label: &str) {
        let changes = self.form_changes(id, form);
        if !changes.is_empty() {
            self.apply(label, &changes, None);
        }
    }

    /// Adds a new 三级指标 under 一级 `l1` / 二级 `l2`, after the last of its 一级 (one undo step).
    pub(crate) fn add_indicator(&mut self, id: &str, form: &PerfForm, l1: &str, l2: &str) {
        let mut f = form.clone();
        let at = f
            .indicators
            .iter()
            .rposition(|x| x.level1 == l1)
            .map(|p| p + 1)
            .unwrap_or(f.indicators.len());
        f.indicators.insert(
            at,
            Indicator {
                level1: l1.to_string(),
                level2: l2.to_string(),
                name: format!("新{l2}"),
                ..Default::default()
            },
        );
        self.save_form(id, &f, &format!("表单「{id}」添加{l1}（{l2}）"));
    }

    pub(crate) fn form_view(&mut self, ui: &mut egui::Ui, id: &str) {
        let reg = Registry::installed();
        let Some(rec) = self.book().records.get(id).cloned() else {
            ui.label("表单不存在。");
            return;
        };
        // Scored once by the session's evaluation (not again per frame).
        let Some(s) = self.session.scored_form(id) else {
            let e = crate::engine::perf::read_record(reg, id, &rec.kind, &rec.body)
                .err()
                .unwrap_or_default();
            ui.label(RichText::new(format!("表单「{id}」无法读取：{e}")).color(Color32::RED));
            return;
        };
        let bands: Vec<String> = s
            .profile
            .qualitative
            .bands
            .iter()
            .map(|b| b.name.clone())
            .collect();
        let (t, sc, form) = (s.template, s.score.clone(), s.form.clone());
        let profile = s.profile;
        // 删除此表单, asking once.
        ui.horizontal(|ui| {
            if self.confirm_delete.as_deref() == Some(id) {
                ui.label(
                    RichText::new(format!("删除表单「{id}」及其全部内容？（可撤销）"))
                        .color(Color32::from_rgb(190, 30, 30)),
                );
                if ui.button("确认删除").clicked() {
                    self.delete_form(id);
                }
                if ui.button("不删除").clicked() {
                    self.confirm_delete = None;
                }
            } else if ui.small_button("删除此表单…").clicked() {
                self.confirm_delete = Some(id.to_string());
            }
        });
        if !self.book().records.contains_key(id) {
            return;
        }
        ui.horizontal(|ui| {
            ui.label("显示：");
            if ui
                .selectable_label(self.form_paper, "纸面（按印刷格式填写）")
                .clicked()
            {
                self.form_paper = true;
            }
            if ui
                .selectable_label(!self.form_paper, "逐项（增删指标、选评分口径）")
                .clicked()
            {
                self.form_paper = false;
            }
        });
        if self.form_paper {
            egui::ScrollArea::vertical()
                .id_salt(("paper", id))
                .show(ui, |ui| self.paper_form(ui, id));
            return;
        }
        let year_n = self.book().unit.year;
        let year = year_n.to_string();
        ui.vertical_centered(|ui| {
            ui.heading(t.title.replace("{year}", &year));
            if !t.subtitle.is_empty() {
                ui.label(t.subtitle.replace("{year}", &year));
            }
        });
        if sc.scored && form.is_blank() {
            ui.label(
                RichText::new("总分、等级：尚未填写（先填资金和指标）")
                    .strong()
                    .size(18.0),
            );
        } else if sc.scored && form.is_unscored() {
            ui.label(
                RichText::new(format!(
                    "总分、等级：未评分（按评分口径建议 {} 分，{}；请填入自评得分）",
                    num(sc.total_suggested),
                    sc.grade
                ))
                .strong()
                .size(18.0),
            );
        } else if sc.scored {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!("总分 {}", num(sc.total)))
                        .strong()
                        .size(18.0),
                );
                ui.label(
                    RichText::new(format!("等级 {}", sc.grade))
                        .strong()
                        .size(18.0)
                        .color(grade_color(&sc.grade)),
                );
                ui.label(
                    RichText::new(format!(
                        "全按建议分：{}（{}）",
                        num(sc.total_suggested),
                        crate::engine::perf::grade_of(sc.total_suggested, profile)
                    ))
                    .weak(),
                );
                if let Some(c) = sc.cap {
                    ui.label(
                        RichText::new(format!("执行率不足，总分封顶 {}", num(c)))
                            .color(Color32::from_rgb(190, 120, 0)),
                    );
                }
            });
        }
        // 评分口径: the rubric profiles that fit this form (湖北, 江西 … for the 财政部 layout).
        if sc.scored {
            let choices = crate::engine::perf::profiles_for(reg, t);
            let current = profile.id.clone();
            let mut pick: Option<String> = None;
            ui.horizontal(|ui| {
                if choices.len() > 1 {
                    egui::ComboBox::from_label("评分口径")
                        .selected_text(profile.name.clone())
                        .width(320.0)
                        .show_ui(ui, |ui| {
                            for p in &choices {
                                if ui.selectable_label(p.id == current, &p.name).clicked() {
                                    pick = Some(p.id.clone());
                                }
                            }
                        });
                } else {
                    ui.label(RichText::new(format!("评分口径：{}", profile.name)).weak());
                }
            });
            if let Some(p) = pick.filter(|p| *p != current) {
                let mut f = form.clone();
                f.profile = if p == t.profile {
                    String::new()
                } else {
                    p.clone()
                };
                let name = reg.profile(&p).map(|x| x.name.clone()).unwrap_or(p);
                self.save_form(id, &f, &format!("表单「{id}」评分口径：{name}"));
            }
        }
        let mine: Vec<Finding> = self
            .session
            .findings
            .iter()
            .filter(|f| f.table == id)
            .cloned()
            .collect();
        egui::ScrollArea::vertical()
            .id_salt(("form", id))
            .show(ui, |ui| {
                // Header fields.
                self.field_grid(ui, id, &form, t, true, 520.0);
                // Money block.
                if let Some(m) = &t.money {
                    ui.add_space(6.0);
                    ui.strong(format!("资金（{}）", m.unit));
                    egui::Grid::new(("form-money", id))
                        .striped(true)
                        .show(ui, |ui| {
                            ui.label("");
                            for c in &m.columns {
                                ui.strong(&c.label);
                            }
                            ui.end_row();
                            let mut rows: Vec<(String, String)> =
                                vec![(String::new(), "合计".into())];
                            for sp in &m.splits {
                                for r in &sp.rows {
                                    rows.push((format!("/{}", r.key), r.label.clone()));
                                }
                            }
                            for (suffix, rlabel) in rows {
                                ui.label(&rlabel);
                                for c in &m.columns {
                                    let key = format!("{}{suffix}", c.key);
                                    let shown = form
                                        .money
                                        .get(&key)
                                        .map(|d| format_amount(*d, 2))
                                        .unwrap_or_default();
                                    let k2 = key.clone();
                                    self.form_box(
                                        ui,
                                        id,
                                        &format!("资金/{key}"),
                                        &format!("{} {}", c.label, rlabel),
                                        shown,
                                        110.0,
                                        &move |f, v| match parse_amount(v) {
                                            Ok(Some(d)) => {
                                                f.money.insert(k2.clone(), d);
                                                Ok(())
                                            }
                                            Ok(None) => {
                                                f.money.remove(&k2);
                                                Ok(())
                                            }
                                            Err(e) => Err(e.to_string()),
                                        },
                                        &form,
                                    );
                                }
                                ui.end_row();
                            }
                        });
                }
                // 执行率.
                if sc.scored && !t.rate_label.is_empty() {
                    ui.add_space(6.0);
                    ui.horizontal(|ui| {
                        ui.strong(&t.rate_label);
                        ui.label(format!(
                            "执行率 {}",
                            sc.rate
                                .map(|r| format!("{}%", format_amount(r, 2)))
                                .unwrap_or_else(|| "—".into())
                        ))
                        .on_hover_text(&sc.rate_formula);
                        ui.label(format!("建议分 {}", dec_text(sc.rate_suggested)));
                        ui.label("填报分");
                        self.form_box(
                            ui,
                            id,
                            "执行率得分",
                            "执行率得分",
                            dec_text(sc.rate_entered),
                            60.0,
                            &|f, v| match parse_amount(v) {
                                Ok(d) => {
                                    f.rate_score = d;
                                    Ok(())
                                }
                                Err(e) => Err(e.to_string()),
                            },
                            &form,
                        );
                        if let (Some(e), Some(g)) = (sc.rate_entered, sc.rate_suggested) {
                            if e != g {
                                ui.label(
                                    RichText::new("已改写").color(Color32::from_rgb(190, 120, 0)),
                                )
                                .on_hover_text(format!(
                                    "填报分与建议分 {} 不同，已保留填报数",
                                    num(g)
                                ));
                            }
                        }
                    });
                }
                // Ledgers (基础数据表).
                for lg in &t.ledgers {
                    self.ledger_grid(ui, id, &form, lg, year_n);
                }
                // Indicator grid, one block per 一级.
                if let Some(spec) = &t.indicators {
                    ui.add_space(6.0);
                    let block_scored = spec.granularity == "block";
                    let mut remove = None;
                    let mut add: Option<(String, String)> = None;
                    for l1 in &spec.level1 {
                        let block = sc.blocks.iter().find(|b| b.level1 == l1.name);
                        ui.horizontal(|ui| {
                            let r = ui.strong(&l1.name);
                            self.mark_focus(ui, &r, &l1.name);
                            if let (true, Some(b)) = (sc.scored, block) {
                                ui.label(format!(
                                    "（{}分）建议 {}",
                                    num(b.weight),
                                    num(b.suggested)
                                ));
                                if block_scored {
                                    ui.label("填报");
                                    let name = l1.name.clone();
                                    self.form_box(
                                        ui,
                                        id,
                                        &format!("块/{name}"),
                                        &format!("{name}得分"),
                                        dec_text(b.entered),
                                        60.0,
                                        &move |f, v| match parse_amount(v) {
                                            Ok(Some(d)) => {
                                                f.blocks.insert(name.clone(), d);
                                                Ok(())
                                            }
                                            Ok(None) => {
                                                f.blocks.remove(&name);
                                                Ok(())
                                            }
                                            Err(e) => Err(e.to_string()),
                                        },
                                        &form,
                                    );
                                    if b.entered.is_some_and(|e| e != b.suggested) {
                                        ui.label(
                                            RichText::new("已改写")
                                                .color(Color32::from_rgb(190, 120, 0)),
                                        )
                                        .on_hover_text(
                                            format!(
                                                "填报分与建议分 {} 不同，已保留填报数",
                                                num(b.suggested)
                                            ),
                                        );
                                    }
                                }
                            }
                            ui.menu_button(format!("添加{}指标", l1.name), |ui| {
                                for l2 in &l1.level2 {
                                    if ui.button(l2).clicked() {
                                        add = Some((l1.name.clone(), l2.clone()));
                                        ui.close();
                                    }
                                }
                            });
                        });
                        egui::Grid::new(("ind", id, &l1.name))
                            .striped(true)
                            .show(ui, |ui| {
                                // Target sheets: 实施期 and 年度 values, no completion and no
                                // scores; 自评表: 年度 value, completion, reason, scores.
                                let heads: &[&str] = if !sc.scored {
                                    &["二级指标", "三级指标", "实施期指标值", "年度指标值", ""]
                                } else {
                                    &[
                                        "二级指标",
                                        "三级指标",
                                        "年度指标值",
                                        "完成值",
                                        "未完成原因",
                                        "达成情况",
                                        "分值",
                                        "建议分",
                                        "得分",
                                        "",
                                    ]
                                };
                                for h in heads {
                                    ui.label(RichText::new(*h).weak());
                                }
                                ui.end_row();
                                // Scored forms list their indicators through the score (in 一级
                                // order); target sheets straight from the record.
                                let rows: Vec<(
                                    usize,
                                    Option<&crate::engine::perf::IndicatorScore>,
                                )> = if sc.scored {
                                    sc.indicators
                                        .iter()
                                        .filter(|x| x.level1 == l1.name)
                                        .map(|x| (x.index, Some(x)))
                                        .collect()
                                } else {
                                    form.indicators
                                        .iter()
                                        .enumerate()
                                        .filter(|(_, x)| x.level1 == l1.name)
                                        .map(|(i, _)| (i, None))
                                        .collect()
                                };
                                for (i, score) in rows {
                                    let ind = &form.indicators[i];
                                    let r = ui.label(&ind.level2);
                                    self.mark_focus(ui, &r, &format!("指标{}", i + 1));
                                    let cols: Vec<(&str, &str, String, f32)> = if !sc.scored {
                                        vec![
                                            // Target sheets have fewer columns: wider boxes.
                                            ("name", "三级指标", ind.name.clone(), 240.0),
                                            (
                                                "period",
                                                "实施期指标值",
                                                ind.period_target.clone(),
                                                170.0,
                                            ),
                                            ("target", "年度指标值", ind.target.clone(), 170.0),
                                        ]
                                    } else {
                                        vec![
                                            ("name", "三级指标", ind.name.clone(), 150.0),
                                            ("target", "年度指标值", ind.target.clone(), 110.0),
                                            ("actual", "完成值", ind.actual.clone(), 110.0),
                                            ("reason", "未完成原因", ind.reason.clone(), 150.0),
                                        ]
                                    };
                                    for (key, label, shown, w) in cols {
                                        let full = format!("指标{} {}", i + 1, label);
                                        self.form_box(
                                            ui,
                                            id,
                                            &format!("指标/{i}/{key}"),
                                            &full,
                                            shown,
                                            w,
                                            &move |f, v| {
                                                let x = &mut f.indicators[i];
                                                let v = v.trim().to_string();
                                                match key {
                                                    "name" => x.name = v,
                                                    "target" => x.target = v,
                                                    "period" => x.period_target = v,
                                                    "actual" => x.actual = v,
                                                    _ => x.reason = v,
                                                }
                                                Ok(())
                                            },
                                            &form,
                                        );
                                    }
                                    // Target sheets carry no scores.
                                    if let Some(is) = score {
                                        // 定性: the user picks the band (达成/部分达成/未达成);
                                        // until then the one read from the 完成值 is shown.
                                        if is.kind == crate::engine::perf::indicator::Kind::定性 {
                                            self.judgement_box(ui, id, i, is, &bands, &form);
                                        } else {
                                            ui.label("");
                                        }
                                        ui.label(crate::engine::perf::audit::num2(is.weight));
                                        ui.label(dec_text(is.suggested)).on_hover_text(format!(
                                            "{}（{}）",
                                            is.formula,
                                            is.kind.label()
                                        ));
                                        if block_scored {
                                            ui.label("");
                                        } else {
                                            self.form_box(
                                                ui,
                                                id,
                                                &format!("指标/{i}/score"),
                                                &format!("指标{} 得分", i + 1),
                                                dec_text(is.entered),
                                                60.0,
                                                &move |f, v| match parse_amount(v) {
                                                    Ok(d) => {
                                                        f.indicators[i].score = d;
                                                        Ok(())
                                                    }
                                                    Err(e) => Err(e.to_string()),
                                                },
                                                &form,
                                            );
                                        }
                                    }
                                    if ui.button(format!("删除指标{}", i + 1)).clicked() {
                                        remove = Some(i);
                                    }
                                    ui.end_row();
                                }
                            });
                    }
                    if let Some(i) = remove {
                        let mut f = form.clone();
                        let gone = f.indicators.remove(i);
                        self.save_form(id, &f, &format!("删除指标「{}」", gone.name));
                    } else if let Some((l1, l2)) = add {
                        self.add_indicator(id, &form, &l1, &l2);
                    }
                }
                // Text fields (goals, conclusion, footer).
                ui.add_space(6.0);
                self.field_grid(ui, id, &form, t, false, 620.0);
                if let Some(rv) = &t.reviewers {
                    self.reviewers_grid(ui, id, &form, rv);
                }
                if !t.footnote.is_empty() {
                    ui.label(RichText::new(&t.footnote).weak());
                }
                ui.add_space(6.0);
                for f in &mine {
                    ui.label(
                        RichText::new(format!("[{}] {} {}", f.severity.label(), f.rule, f.message))
                            .color(super::text::severity_color(ui, f.severity)),
                    );
                }
            });
    }
}
