//! 模板集: the installed sets (built-in and packs, with year, region, source), what changed
//! between this workbook's set and another, what moving the workbook to it would mean (figures
//! without a place, 科目 renamed) — shown before anything is written — and 改用此模板集 as one
//! undo step.

use super::App;
use crate::engine::Slot;
use crate::shells::store::Change;
use crate::template::Registry;
use egui::{Color32, RichText};

#[derive(Default)]
pub struct TemplatesWindow {
    /// The set compared with the workbook's.
    pub other: String,
    /// What changed and what it means, for `other` (worked out once per choice).
    cache: Option<(String, crate::template::diff::SetDiff, Vec<String>)>,
}

impl App {
    /// When the workbook's set changed (改用此模板集, or its undo), the window follows it.
    pub(crate) fn templates_window(&mut self, ctx: &egui::Context) {
        let Some(w) = self.templates.as_mut() else {
            return;
        };
        let inst = Registry::installed_packs();
        let reg = Registry::installed();
        let mine = self.session.set;
        let wb = self.session.store().workbook();
        let mut open = true;
        let mut switch: Option<String> = None;
        egui::Window::new("模板集")
            .open(&mut open)
            .default_width(720.0)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical().max_height(560.0).show(ui, |ui| {
                    ui.strong("已安装的模板集");
                    for s in &reg.sets {
                        let origin = inst
                            .packs
                            .iter()
                            .find(|p| p.id == s.id)
                            .map(|p| format!("模板包 {}", p.dir.display()))
                            .unwrap_or_else(|| "内置".into());
                        let mark = if s.id == mine.id { "（本工作簿）" } else { "" };
                        ui.label(format!(
                            "{}{mark}：{}，{}年度，{} 张表；{origin}",
                            s.name,
                            s.region,
                            s.year,
                            s.tables.len()
                        ));
                        if !s.source.is_empty() {
                            ui.label(RichText::new(format!("    来源：{}", s.source)).weak());
                        }
                    }
                    for p in &inst.problems {
                        ui.label(RichText::new(format!("未载入：{p}")).color(Color32::from_rgb(190, 30, 30)));
                    }
                    ui.separator();
                    ui.horizontal(|ui| {
                        ui.label(format!("把「{}」与", mine.name));
                        let name = reg.set(&w.other).map_or("（选择模板集）".to_string(), |s| s.name.clone());
                        let r = egui::ComboBox::from_id_salt("compare-set")
                            .selected_text(name)
                            .width(300.0)
                            .show_ui(ui, |ui| {
                                for s in reg.sets.iter().filter(|s| s.id != mine.id) {
                                    ui.selectable_value(&mut w.other, s.id.clone(), &s.name);
                                }
                            });
                        let _ = r.response.accessible_name("比较的模板集");
                        ui.label("比较");
                    });
                    let Some(other) = reg.set(&w.other) else {
                        return;
                    };
                    if w.cache.as_ref().map(|c| &c.0) != Some(&w.other) {
                        w.cache = Some((
                            w.other.clone(),
                            crate::template::diff::diff(mine, other),
                            crate::engine::impact::impact(wb, mine, other),
                        ));
                    }
                    let Some((_, d, hit)) = w.cache.as_ref() else {
                        return;
                    };
                    ui.strong("模板的变化");
                    if d.is_empty() {
                        ui.label("没有变化。");
                    }
                    for l in &d.tables {
                        ui.label(l);
                    }
                    if !d.codes.is_empty() {
                        egui::CollapsingHeader::new(format!("科目表的变化（{} 项）", d.codes.len()))
                            .show(ui, |ui| {
                                for l in &d.codes {
                                    ui.label(l);
                                }
                            });
                    }
                    ui.separator();
                    ui.strong("改用后对本工作簿的影响");
                    if hit.is_empty() {
                        ui.label("没有：每个数在新模板集中都有原来的位置。");
                    }
                    for l in hit {
                        ui.label(RichText::new(l).color(Color32::from_rgb(190, 120, 0)));
                    }
                    if other.year != wb.unit.year {
                        ui.label(
                            RichText::new(format!(
                                "注意：工作簿是 {} 年度，此模板集是 {} 年度（新年度请用“新建”沿用本工作簿）",
                                wb.unit.year, other.year
                            ))
                            .weak(),
                        );
                    }
                });
                // Below the lists, always in view.
                if let Some(other) = reg.set(&w.other) {
                    ui.separator();
                    if ui
                        .button("改用此模板集")
                        .on_hover_text("工作簿中的数保留；没有位置的数不显示、不打印（可撤销）")
                        .clicked()
                    {
                        switch = Some(other.id.clone());
                    }
                }
            });
        if !open {
            self.templates = None;
        }
        if let Some(id) = switch {
            self.apply(
                &format!("改用模板集 {id}"),
                &[Change::new(Slot::Meta("template_set".into()), Some(id))],
                None,
            );
        }
    }
}
