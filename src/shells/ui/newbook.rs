//! 新建本单位的公开: the fields of a new workbook, shared by the start page and 新建 in an open
//! workbook. Figures are carried forward only from a workbook the user picks (the same unit's
//! previous year is offered by default), shown before creating; another unit's workbook needs a
//! confirmation that names it.

use super::Dialogs;
use crate::shells::session::{self, recent::Recent, Kind, NewSpec, Source};
use crate::template::Registry;
use egui::{Color32, RichText};
use std::path::{Path, PathBuf};

pub struct NewBook {
    pub unit: String,
    pub year: String,
    pub kind: Kind,
    /// A template set id ("" = the best for the kind and year).
    pub set: String,
    /// Full path of the new file; follows unit, year and kind until the user edits it.
    pub path: String,
    suggested: String,
    folder: PathBuf,
    /// The workbook to carry forward from ("" = 不沿用).
    pub from: String,
    /// The user chose `from` (or chose none): no more automatic default.
    pub from_chosen: bool,
    pub other_unit_confirmed: bool,
    /// 部门汇总: a 部门 workbook summed from its units' workbooks.
    pub dept: bool,
    /// The set the 模板集 choice stands for now (the chosen one, or 按年度's).
    chosen_set: String,
    /// What carrying the picked workbook into the chosen set changes, per (path, set).
    impact: Option<((String, String), Vec<String>)>,
    /// 地区: whose template sets (""= the region of the workbook open or used last, else the
    /// region most installed sets are for).
    pub region: String,
    /// What `from` is, read once per path.
    from_read: Option<(String, Result<Source, String>)>,
    pub message: Option<(String, bool)>,
}

impl NewBook {
    pub fn new(unit: &str, year: i32, kind: Kind, folder: &Path) -> NewBook {
        let mut b = NewBook {
            unit: unit.to_string(),
            year: year.to_string(),
            kind,
            set: String::new(),
            path: String::new(),
            suggested: String::new(),
            folder: folder.to_path_buf(),
            from: String::new(),
            from_chosen: false,
            other_unit_confirmed: false,
            dept: false,
            region: String::new(),
            chosen_set: String::new(),
            impact: None,
            from_read: None,
            message: None,
        };
        b.follow_defaults();
        b
    }

    /// Empty fields again (after a workbook was created from them), same kind and place.
    pub fn reset(&mut self) {
        let year = self.year_num().unwrap_or(0);
        *self = NewBook::new("", year, self.kind, &self.folder.clone());
    }

    fn year_num(&self) -> Option<i32> {
        self.year.trim().parse().ok()
    }

    /// The default file name and place, unless the user typed another path.
    fn follow_defaults(&mut self) {
        if self.path == self.suggested {
            let what = if self.dept && self.kind != Kind::Jixiao {
                format!("{}（部门汇总）", self.kind.short())
            } else {
                self.kind.short().to_string()
            };
            let name = session::default_file_name(&self.unit, self.year_num().unwrap_or(0), &what);
            self.path = self.folder.join(name).display().to_string();
            self.suggested = self.path.clone();
        }
    }

    /// The same unit's previous-year workbook of this kind: the open one or one from the
    /// recent list.
    fn default_from(&self, reg: &Registry, recent: &Recent, open: Option<&Source>) -> String {
        let Some(year) = self.year_num() else {
            return String::new();
        };
        if let Some(o) = open.filter(|o| {
            o.unit.trim() == self.unit.trim()
                && o.year == year - 1
                && o.family == self.kind.family()
        }) {
            return o.path.display().to_string();
        }
        recent
            .previous_year(reg, &self.unit, year, self.kind.family())
            .map(|e| e.path.display().to_string())
            .unwrap_or_default()
    }

    fn source(&mut self, reg: &Registry) -> Option<Result<Source, String>> {
        let p = self.from.trim().to_string();
        if p.is_empty() {
            return None;
        }
        if self.from_read.as_ref().map(|(k, _)| k) != Some(&p) {
            let r = session::read_source(reg, Path::new(&p));
            self.from_read = Some((p, r));
        }
        self.from_read.as_ref().map(|(_, r)| r.clone())
    }

    pub fn spec(&self) -> Result<NewSpec, String> {
        let year = self
            .year_num()
            .ok_or_else(|| format!("年度「{}」不是数字", self.year.trim()))?;
        Ok(NewSpec {
            unit: self.unit.trim().to_string(),
            year,
            kind: self.kind,
            set: (!self.set.is_empty()).then(|| self.set.clone()),
            profile: (!self.region.is_empty()).then(|| self.region.clone()),
            from: (!self.from.trim().is_empty()).then(|| PathBuf::from(self.from.trim())),
            other_unit_confirmed: self.other_unit_confirmed,
            dept: self.dept && self.kind != Kind::Jixiao,
        })
    }

    /// Creates the file; Err (in words) leaves everything as it was.
    pub fn create(&self, reg: &Registry) -> Result<session::Created, String> {
        if self.path.trim().is_empty() {
            return Err("请填写保存位置".into());
        }
        session::create(reg, Path::new(self.path.trim()), &self.spec()?)
    }

    /// Draws the fields; true when 新建并打开 was pressed. `open` is the workbook on screen
    /// (offered as the one to carry forward when it is the same unit's previous year).
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        reg: &Registry,
        recent: &Recent,
        open: Option<&Source>,
        dialogs: &dyn Dialogs,
    ) -> bool {
        let mut go = false;
        // Label column of a fixed width (a Grid would need an extra frame to size itself).
        let label = |ui: &mut egui::Ui, t: &str| {
            ui.add_sized([64.0, 20.0], egui::Label::new(t));
        };
        ui.horizontal(|ui| {
            label(ui, "单位名称");
            ui.add(egui::TextEdit::singleline(&mut self.unit).desired_width(320.0))
                .accessible_name("单位名称");
        });
        ui.horizontal(|ui| {
            label(ui, "年度");
            ui.add(egui::TextEdit::singleline(&mut self.year).desired_width(80.0))
                .accessible_name("年度");
        });
        ui.horizontal(|ui| {
            label(ui, "类型");
            for k in Kind::ALL {
                ui.radio_value(&mut self.kind, k, k.label());
            }
        });
        if self.kind != Kind::Jixiao {
            ui.horizontal(|ui| {
                label(ui, "");
                ui.checkbox(&mut self.dept, "部门汇总（由本级和所属单位的工作簿汇总）")
                    .on_hover_text(
                        "部门的表 = 各单位填报数之和 + 调整；新建后在“部门汇总”里添加单位",
                    );
            });
        }
        // 地区: with sets of several regions installed, the user's own comes first.
        let mut regions: Vec<(String, usize)> = Vec::new();
        for s in &reg.sets {
            match regions.iter_mut().find(|(r, _)| *r == s.region) {
                Some((_, n)) => *n += 1,
                None => regions.push((s.region.clone(), 1)),
            }
        }
        if self.region.is_empty() || !regions.iter().any(|(r, _)| *r == self.region) {
            self.region = open
                .and_then(|o| reg.set(&o.set))
                .or_else(|| {
                    recent
                        .entries
                        .iter()
                        .filter(|e| !e.sample)
                        .find_map(|e| reg.set(&e.set))
                })
                .map(|s| s.region.clone())
                .or_else(|| {
                    regions
                        .iter()
                        .max_by_key(|(_, n)| *n)
                        .map(|(r, _)| r.clone())
                })
                .unwrap_or_default();
        }
        if regions.len() > 1 {
            ui.horizontal(|ui| {
                label(ui, "地区");
                for (r, _) in &regions {
                    if ui.radio_value(&mut self.region, r.clone(), r).changed() {
                        self.set.clear();
                    }
                }
            });
        }
        ui.horizontal(|ui| {
            label(ui, "模板集");
            let mut sets = session::sets_for(reg, self.kind, self.year_num().unwrap_or(0));
            let mine: Vec<_> = sets
                .iter()
                .copied()
                .filter(|s| s.region == self.region)
                .collect();
            if !mine.is_empty() {
                sets = mine;
            }
            if !self.set.is_empty() && !sets.iter().any(|s| s.id == self.set) {
                self.set.clear();
            }
            let auto = sets
                .first()
                .map(|s| format!("按年度：{}", s.name))
                .unwrap_or_else(|| "（没有这一年度或更早的模板集）".into());
            self.chosen_set = if self.set.is_empty() {
                sets.first().map(|s| s.id.clone()).unwrap_or_default()
            } else {
                self.set.clone()
            };
            let r = egui::ComboBox::from_id_salt("newbook-set")
                .width(320.0)
                .selected_text(if self.set.is_empty() {
                    auto.clone()
                } else {
                    self.set.clone()
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.set, String::new(), auto);
                    for s in &sets {
                        ui.selectable_value(&mut self.set, s.id.clone(), s.name.clone());
                    }
                });
            let _ = r.response.accessible_name("模板集");
        });
        ui.horizontal(|ui| {
            label(ui, "保存到");
            {
                ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(420.0))
                    .accessible_name("保存到");
                if ui.button("选择位置…").clicked() {
                    let name = Path::new(self.path.trim())
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    match dialogs.pick_save(&name) {
                        Some(p) => self.path = p.display().to_string(),
                        None => {
                            self.message = Some((
                                "没有打开系统的文件对话框（本机没有或已取消）：请在“保存到”里直接填写路径".into(),
                                true,
                            ))
                        }
                    }
                }
            }
        });
        self.follow_defaults();
        if !self.from_chosen {
            self.from = self.default_from(reg, recent, open);
        }
        ui.add_space(6.0);
        ui.label(RichText::new("沿用上年数据（本年数带入上年数，用途等说明一并带入）").strong());
        ui.horizontal_wrapped(|ui| {
            if ui
                .selectable_label(self.from.trim().is_empty(), "不沿用（从空白开始）")
                .clicked()
            {
                self.from.clear();
                self.from_chosen = true;
            }
            // Earlier years of this kind only (what could be carried).
            let year = self.year_num().unwrap_or(i32::MAX);
            let mut offers: Vec<(String, String)> = Vec::new();
            if let Some(o) = open.filter(|o| o.family == self.kind.family() && o.year < year) {
                offers.push((
                    o.path.display().to_string(),
                    format!("沿用 {} {}年度（当前打开）", o.unit, o.year),
                ));
            }
            for e in recent.entries.iter().filter(|e| {
                !e.sample
                    && e.year < year
                    && e.exists()
                    && reg
                        .set(&e.set)
                        .is_some_and(|s| s.family == self.kind.family())
            }) {
                let p = e.path.display().to_string();
                if !offers.iter().any(|(q, _)| *q == p) {
                    offers.push((p, format!("沿用 {} {}年度", e.unit, e.year)));
                }
            }
            for (p, label) in offers.into_iter().take(6) {
                if ui.selectable_label(self.from.trim() == p, label).clicked() {
                    self.from = p;
                    self.from_chosen = true;
                }
            }
            if ui.button("其他文件…").clicked() {
                match dialogs.pick_open("Gongkai 工作簿", &[session::EXT, "sqlite"]) {
                    Some(p) => {
                        self.from = p.display().to_string();
                        self.from_chosen = true;
                    }
                    None => {
                        self.message = Some((
                            "没有打开系统的文件对话框（本机没有或已取消）：请在“沿用的工作簿”里直接填写路径".into(),
                            true,
                        ))
                    }
                }
            }
        });
        ui.horizontal(|ui| {
            ui.label("沿用的工作簿");
            if ui
                .add(egui::TextEdit::singleline(&mut self.from).desired_width(420.0))
                .accessible_name("沿用的工作簿")
                .changed()
            {
                self.from_chosen = true;
            }
        });
        let red = Color32::from_rgb(190, 30, 30);
        match self.source(reg) {
            None => {
                ui.label(RichText::new("不沿用：新工作簿从空白开始。").weak());
            }
            Some(Err(e)) => {
                ui.label(RichText::new(format!("无法读取沿用的工作簿：{e}")).color(red));
            }
            Some(Ok(src)) => {
                ui.label(format!(
                    "将带入：「{}」{}年度（{}）",
                    src.unit,
                    src.year,
                    src.path.display()
                ));
                // A set of another year or region: what changes, shown before anything is made.
                if let (Some(a), Some(b)) = (reg.set(&src.set), reg.set(&self.chosen_set)) {
                    if a.id != b.id {
                        let key = (src.path.display().to_string(), b.id.clone());
                        if self.impact.as_ref().map(|(k, _)| k) != Some(&key) {
                            let d = crate::template::diff::diff(a, b);
                            let mut lines = d.tables.clone();
                            if !d.codes.is_empty() {
                                lines.push(format!(
                                    "科目表变化 {} 项（改名、新增、停用）",
                                    d.codes.len()
                                ));
                            }
                            if let Ok(wb) = crate::shells::session::files::read_workbook(&src.path)
                            {
                                lines.extend(crate::engine::impact::impact(&wb, a, b));
                            }
                            self.impact = Some((key, lines));
                        }
                        let lines = self
                            .impact
                            .as_ref()
                            .map(|(_, l)| l.clone())
                            .unwrap_or_default();
                        egui::CollapsingHeader::new(format!(
                            "模板集「{}」→「{}」：{} 处变化",
                            a.name,
                            b.name,
                            lines.len()
                        ))
                        .id_salt("carry-impact")
                        .show(ui, |ui| {
                            for l in &lines {
                                ui.label(l);
                            }
                        });
                    }
                }
                let spec = self.spec();
                let problem = spec.ok().and_then(|mut s| {
                    s.other_unit_confirmed = true;
                    session::carry_problem(&s, &src)
                });
                if let Some(p) = problem {
                    ui.label(RichText::new(p).color(red));
                } else if src.unit.trim() != self.unit.trim() {
                    ui.label(
                        RichText::new(format!(
                            "注意：「{}」不是新工作簿的单位「{}」",
                            src.unit,
                            self.unit.trim()
                        ))
                        .color(red),
                    );
                    ui.checkbox(
                        &mut self.other_unit_confirmed,
                        format!("确认沿用「{}」的数据", src.unit),
                    );
                }
            }
        }
        ui.add_space(6.0);
        if ui.button("新建并打开").clicked() {
            go = true;
        }
        if let Some((m, err)) = &self.message {
            let t = RichText::new(m.clone());
            ui.label(if *err { t.color(red) } else { t });
        }
        go
    }
}
