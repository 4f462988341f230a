//! Blocks of a 绩效 form on screen: the boxes of its fields, the 偏差原因/judgement boxes,
//! 评价人员 and the 基础数据 ledger.

use super::App;
use crate::amount::{format_amount, parse_amount};
use crate::engine::perf::{audit::num, PerfForm};
use egui::{Color32, RichText};
use rust_decimal::Decimal;

impl App {
    /// 评价人员: one row per person under each role (组长, 成员 …), 姓名 / 职称职务 / 工作单位
    /// editable (签字 is left for the pen); people added and removed per role.
    pub(super) fn reviewers_grid(
        &mut self,
        ui: &mut egui::Ui,
        id: &str,
        form: &PerfForm,
        rv: &crate::template::forms::ReviewerSpec,
    ) {
        ui.add_space(6.0);
        ui.strong(&rv.title);
        use crate::layout::form::RevCol;
        let cols: Vec<(RevCol, String)> = rv
            .columns
            .iter()
            .filter_map(|c| RevCol::of(c).map(|k| (k, c.clone())))
            .collect();
        let mut add: Option<String> = None;
        let mut remove: Option<usize> = None;
        egui::Grid::new(("reviewers", id))
            .striped(true)
            .show(ui, |ui| {
                ui.label("");
                for (_, c) in &cols {
                    ui.label(RichText::new(c).weak());
                }
                ui.end_row();
                for role in &rv.roles {
                    let people = form.reviewers_of(role);
                    for (k, &n) in people.iter().enumerate() {
                        ui.label(if k == 0 { role.as_str() } else { "" });
                        let p = &form.reviewers[n];
                        for (col, c) in &cols {
                            let (key, shown) = match col {
                                RevCol::Name => ("name", p.name.clone()),
                                RevCol::Title => ("title", p.title.clone()),
                                RevCol::Unit => ("unit", p.unit.clone()),
                            };
                            self.form_box(
                                ui,
                                id,
                                &format!("评价人员/{n}/{key}"),
                                &format!("{role}{} {c}", k + 1),
                                shown,
                                if key == "unit" { 200.0 } else { 110.0 },
                                &move |f, v| {
                                    let Some(p) = f.reviewers.get_mut(n) else {
                                        return Err("该人员已不存在".into());
                                    };
                                    let v = v.trim().to_string();
                                    match key {
                                        "name" => p.name = v,
                                        "title" => p.title = v,
                                        _ => p.unit = v,
                                    }
                                    Ok(())
                                },
                                form,
                            );
                        }
                        if ui.small_button(format!("删除{role}{}", k + 1)).clicked() {
                            remove = Some(n);
                        }
                        ui.end_row();
                    }
                    ui.label(if people.is_empty() { role.as_str() } else { "" });
                    if ui.small_button(format!("添加{role}")).clicked() {
                        add = Some(role.clone());
                    }
                    ui.end_row();
                }
            });
        if let Some(role) = add {
            let mut f = form.clone();
            // After the last person of that role, so the printed order stays by role.
            let at = f
                .reviewers
                .iter()
                .rposition(|p| p.role == role)
                .map(|p| p + 1)
                .unwrap_or(f.reviewers.len());
            f.reviewers.insert(
                at,
                crate::engine::perf::Reviewer {
                    role: role.clone(),
                    ..Default::default()
                },
            );
            self.save_form(id, &f, &format!("表单「{id}」添加{role}"));
        } else if let Some(n) = remove {
            let mut f = form.clone();
            let gone = f.reviewers.remove(n);
            self.save_form(
                id,
                &f,
                &format!("表单「{id}」删除{}「{}」", gone.role, gone.name),
            );
        }
    }

    /// One ledger of a 基础数据表: editable cells, computed ratios, item rows (add/remove).
    pub(super) fn ledger_grid(
        &mut self,
        ui: &mut egui::Ui,
        id: &str,
        form: &PerfForm,
        lg: &crate::template::forms::LedgerSpec,
        year: i32,
    ) {
        ui.add_space(6.0);
        ui.strong(if lg.unit.is_empty() {
            lg.title_for(year)
        } else {
            format!("{}（{}）", lg.title_for(year), lg.unit)
        });
        let show = |d: Decimal| {
            if lg.money() {
                format_amount(d, 2)
            } else {
                num(d)
            }
        };
        let mut add_item: Option<String> = None;
        let mut del_item: Option<(String, usize)> = None;
        egui::Grid::new(("ledger", id, &lg.key))
            .striped(true)
            .show(ui, |ui| {
                ui.label(RichText::new("项目").weak());
                for c in &lg.columns {
                    ui.label(RichText::new(lg.column_label(c, year)).weak());
                }
                ui.end_row();
                for r in &lg.rows {
                    let indent = "　".repeat(lg.depth(r));
                    ui.label(format!("{indent}{}", r.label));
                    for c in &lg.columns {
                        let key = format!("{}/{}/{}", lg.key, r.key, c.key);
                        if r.locked.contains(&c.key) {
                            ui.label("——");
                        } else if !c.ratio.is_empty() {
                            let v = c.ratio_of(|k| {
                                form.ledger
                                    .get(&format!("{}/{}/{k}", lg.key, r.key))
                                    .copied()
                            });
                            ui.label(
                                v.map(|p| format!("{}%", format_amount(p, 2)))
                                    .unwrap_or_default(),
                            );
                        } else {
                            let label = format!(
                                "{} {} {}",
                                lg.title_for(year),
                                r.label.trim(),
                                lg.column_label(c, year)
                            );
                            let k2 = key.clone();
                            self.form_box(
                                ui,
                                id,
                                &format!("账/{key}"),
                                &label,
                                form.ledger.get(&key).map(|d| show(*d)).unwrap_or_default(),
                                90.0,
                                &move |f, v| match parse_amount(v) {
                                    Ok(Some(d)) => {
                                        f.ledger.insert(k2.clone(), d);
                                        Ok(())
                                    }
                                    Ok(None) => {
                                        f.ledger.remove(&k2);
                                        Ok(())
                                    }
                                    Err(e) => Err(e.to_string()),
                                },
                                form,
                            );
                        }
                    }
                    if r.items
                        && ui
                            .button(format!(
                                "添加项目「{}」",
                                r.label.trim().trim_end_matches(['：', ':'])
                            ))
                            .clicked()
                    {
                        add_item = Some(format!("{}/{}", lg.key, r.key));
                    }
                    ui.end_row();
                    let ik = format!("{}/{}", lg.key, r.key);
                    for (n, it) in form.items.get(&ik).into_iter().flatten().enumerate() {
                        let ik2 = ik.clone();
                        ui.horizontal(|ui| {
                            ui.label(format!("{indent}　"));
                            self.form_box(
                                ui,
                                id,
                                &format!("项/{ik}/{n}/name"),
                                &format!("{} 项目{} 名称", r.label.trim(), n + 1),
                                it.name.clone(),
                                150.0,
                                &move |f, v| {
                                    if let Some(x) =
                                        f.items.get_mut(&ik2).and_then(|v2| v2.get_mut(n))
                                    {
                                        x.name = v.trim().to_string();
                                    }
                                    Ok(())
                                },
                                form,
                            );
                        });
                        for c in &lg.columns {
                            if !c.ratio.is_empty() {
                                ui.label(
                                    c.ratio_of(|k| it.values.get(k).copied())
                                        .map(|p| format!("{}%", format_amount(p, 2)))
                                        .unwrap_or_default(),
                                );
                                continue;
                            }
                            let (ik3, ck) = (ik.clone(), c.key.clone());
                            self.form_box(
                                ui,
                                id,
                                &format!("项/{ik}/{n}/{}", c.key),
                                &format!(
                                    "{} 项目{} {}",
                                    r.label.trim(),
                                    n + 1,
                                    lg.column_label(c, year)
                                ),
                                it.values.get(&c.key).map(|d| show(*d)).unwrap_or_default(),
                                90.0,
                                &move |f, v| {
                                    let d = parse_amount(v).map_err(|e| e.to_string())?;
                                    if let Some(x) =
                                        f.items.get_mut(&ik3).and_then(|v2| v2.get_mut(n))
                                    {
                                        match d {
                                            Some(d) => {
                                                x.values.insert(ck.clone(), d);
                                            }
                                            None => {
                                                x.values.remove(&ck);
                                            }
                                        }
                                    }
                                    Ok(())
                                },
                                form,
                            );
                        }
                        if ui.button(format!("删除「{}」", it.name)).clicked() {
                            del_item = Some((ik.clone(), n));
                        }
                        ui.end_row();
                    }
                }
            });
        if let Some(k) = add_item {
            let mut f = form.clone();
            f.items
                .entry(k)
                .or_default()
                .push(crate::engine::perf::LedgerItem {
                    name: "新项目".into(),
                    ..Default::default()
                });
            self.save_form(id, &f, "添加项目");
        } else if let Some((k, n)) = del_item {
            let mut f = form.clone();
            if let Some(v) = f.items.get_mut(&k) {
                if n < v.len() {
                    let gone = v.remove(n);
                    self.save_form(id, &f, &format!("删除项目「{}」", gone.name));
                }
            }
        }
    }

    /// The 达成情况 of a qualitative indicator: the profile's bands, or 未选 (the band read from the
    /// 完成值 is then shown as the hint). A choice is saved as one undo step.
    pub(super) fn judgement_box(
        &mut self,
        ui: &mut egui::Ui,
        id: &str,
        i: usize,
        is: &crate::engine::perf::IndicatorScore,
        bands: &[String],
        form: &PerfForm,
    ) {
        let current = form.indicators[i].judgement.trim().to_string();
        let shown = if is.band_chosen {
            current.clone()
        } else {
            match &is.band {
                Some(b) => format!("未选（按完成值：{b}）"),
                None => "未选".to_string(),
            }
        };
        let mut pick: Option<String> = None;
        egui::ComboBox::from_id_salt(("judge", id, i))
            .selected_text(shown)
            .width(150.0)
            .show_ui(ui, |ui| {
                for b in bands {
                    if ui.selectable_label(current == *b, b).clicked() {
                        pick = Some(b.clone());
                    }
                }
                if ui.selectable_label(current.is_empty(), "未选").clicked() {
                    pick = Some(String::new());
                }
            })
            .response
            .accessible_name(format!("指标{} 达成情况", i + 1));
        if let Some(b) = pick.filter(|b| *b != current) {
            let mut f = form.clone();
            f.indicators[i].judgement = b.clone();
            let what = if b.is_empty() {
                "未选".to_string()
            } else {
                b
            };
            self.save_form(
                id,
                &f,
                &format!("表单「{id}」指标{} 达成情况：{what}", i + 1),
            );
        }
    }

    /// Marks the widget of the form part a finding jumped to (and scrolls to it once).
    pub(super) fn mark_focus(&mut self, ui: &egui::Ui, r: &egui::Response, key: &str) {
        let Some((k, scroll)) = self.focus_form.as_mut() else {
            return;
        };
        if k != key {
            return;
        }
        ui.painter().rect_stroke(
            r.rect.expand(2.0),
            2.0,
            egui::Stroke::new(2.0, Color32::from_rgb(190, 30, 30)),
            egui::StrokeKind::Outside,
        );
        if std::mem::take(scroll) {
            r.scroll_to_me(Some(egui::Align::Center));
        }
    }

    /// A one-line box editing a form value: committed on leaving it; `parse` turns the text into
    /// the new form (or a message, and nothing is saved).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn form_box(
        &mut self,
        ui: &mut egui::Ui,
        id: &str,
        key: &str,
        label: &str,
        shown: String,
        width: f32,
        apply: &dyn Fn(&mut PerfForm, &str) -> Result<(), String>,
        form: &PerfForm,
    ) {
        self.form_box_rows(ui, id, key, label, shown, width, 1, apply, form);
    }

    /// `form_box` with `rows` lines (long texts: 自评结论, 项目概况 …; committed on leaving it).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn form_box_rows(
        &mut self,
        ui: &mut egui::Ui,
        id: &str,
        key: &str,
        label: &str,
        shown: String,
        width: f32,
        rows: usize,
        apply: &dyn Fn(&mut PerfForm, &str) -> Result<(), String>,
        form: &PerfForm,
    ) {
        let dkey = format!("表单/{id}/{key}");
        let mut text = self.drafts.get(&dkey).cloned().unwrap_or(shown.clone());
        // A sized box: inside a grid a plain TextEdit is clamped to the column's width of the
        // frame before, which starts at the header's width and never grows.
        let line = ui.spacing().interact_size.y;
        let edit = if rows > 1 {
            egui::TextEdit::multiline(&mut text).desired_rows(rows)
        } else {
            egui::TextEdit::singleline(&mut text)
        };
        let r = ui
            .add_sized(
                egui::vec2(width, line * rows as f32),
                edit.id_salt(("form", id, key)).desired_width(width),
            )
            .accessible_name(label.to_string());
        if r.changed() {
            self.drafts.insert(dkey.clone(), text.clone());
        }
        // Left in the frame it was typed in (keys arriving together): saved now too.
        if r.lost_focus() || (r.changed() && !r.has_focus()) {
            if let Some(d) = self.drafts.remove(&dkey) {
                if d != shown {
                    let mut f = form.clone();
                    match apply(&mut f, &d) {
                        Ok(()) => self.save_form(id, &f, &format!("修改表单「{id}」{label}")),
                        Err(m) => self.message = Some((format!("{label}：{m}"), true)),
                    }
                }
            }
        }
    }

    /// The header fields (`header`) or the other text fields, one editable line each.
    pub(super) fn field_grid(
        &mut self,
        ui: &mut egui::Ui,
        id: &str,
        form: &PerfForm,
        t: &crate::engine::perf::FormTemplate,
        header: bool,
        width: f32,
    ) {
        egui::Grid::new(("form-fields", id, header))
            .num_columns(2)
            .striped(header)
            .show(ui, |ui| {
                for fd in t.fields.iter().filter(|f| (f.group == "header") == header) {
                    ui.label(&fd.label);
                    let k = fd.key.clone();
                    // Long texts get room: about one line per 45 characters, 2 to 6 lines.
                    let rows = if fd.kind == "text" {
                        (form.field(&fd.key).chars().count() / 45 + 1).clamp(2, 6)
                    } else {
                        1
                    };
                    self.form_box_rows(
                        ui,
                        id,
                        &format!("字段/{k}"),
                        &fd.label,
                        form.field(&fd.key).to_string(),
                        width,
                        rows,
                        &move |f, v| {
                            f.fields.insert(k.clone(), v.trim().to_string());
                            Ok(())
                        },
                        form,
                    );
                    ui.end_row();
                }
            });
    }
}
