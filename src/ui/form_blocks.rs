//! Blocks of a 绩效 form on screen that are grids of their own: 评价人员 and the 基础数据 ledger.

use super::App;
use crate::amount::{format_amount, parse_amount};
use crate::perf::{audit::num, PerfForm};
use egui::RichText;
use rust_decimal::Decimal;

impl App {
    /// 评价人员: one row per person under each role (组长, 成员 …), 姓名 / 职称职务 / 工作单位
    /// editable (签字 is left for the pen); people added and removed per role.
    pub(super) fn reviewers_grid(
        &mut self,
        ui: &mut egui::Ui,
        id: &str,
        form: &PerfForm,
        rv: &crate::perf::spec::ReviewerSpec,
    ) {
        ui.add_space(6.0);
        ui.strong(&rv.title);
        use crate::perf::sheet::RevCol;
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
                crate::perf::Reviewer {
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
        lg: &crate::perf::spec::LedgerSpec,
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
            f.items.entry(k).or_default().push(crate::perf::LedgerItem {
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
}
