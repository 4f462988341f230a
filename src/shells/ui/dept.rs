//! 部门汇总 in the window: the status board of a 部门 workbook's units (state, errors, warnings,
//! last change, included or not, 打开), adding units, 重新汇总, the 调整 with the suggested
//! offsets, and each consolidated cell's parts (hover a cell, or select it).

use super::{App, View};
use crate::engine::{CellId, Model, Workbook};
use crate::shells::consolidate::{self, UnitState};
use crate::shells::session::dept;
use crate::shells::store::Change;
use crate::template::Registry;
use egui::{Color32, RichText};
use std::path::PathBuf;

/// The 部门汇总 screen's own state (the units and their sums are the session's).
#[derive(Default)]
pub struct DeptView {
    /// When the unit files were last looked at.
    pub polled: f64,
    /// 添加单位: the path typed, and whether it is the 本级.
    pub add_path: String,
    pub add_main: bool,
    /// 添加调整: 表, 行 (行次 or 科目代码), 栏, 金额.
    pub adj_table: usize,
    pub adj_row: String,
    pub adj_col: usize,
    pub adj_amount: String,
}

impl App {
    /// The workbook the screens show: the consolidated one in a 部门.
    pub fn book(&self) -> &Workbook {
        self.session.book()
    }

    /// Reads the unit files again and recomputes.
    pub(crate) fn reload_units(&mut self) {
        self.session.load_units();
        self.recompute();
    }

    /// Every two seconds: a unit file changed on disk is read again, so the board and the
    /// tables follow (the change shows as 已修改 until 重新汇总).
    pub(crate) fn poll_units(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let Some(d) = self.dept.as_mut() else { return };
        ctx.request_repaint_after(std::time::Duration::from_secs(2));
        if now - d.polled < 2.0 {
            return;
        }
        d.polled = now;
        if self.session.units_changed_on_disk() {
            self.reload_units();
        }
    }

    /// A change to the 部门's own records (units, 调整): one undo step, then the units are read
    /// again.
    pub(crate) fn apply_dept(&mut self, label: &str, changes: &[Change]) {
        self.dept_edit = true;
        self.apply(label, changes, None);
        self.dept_edit = false;
    }

    /// The parts of a consolidated cell: each counted unit's figure there and the 调整's.
    pub(crate) fn parts_lines(&self, id: CellId) -> Vec<String> {
        let Some(d) = &self.session.dept else {
            return Vec::new();
        };
        let (t, r, c) = self.coords(id);
        let units: Vec<(String, &Model)> = d
            .units
            .iter()
            .filter(|u| u.counts())
            .filter_map(|u| u.model.as_ref().map(|m| (u.label(), m)))
            .collect();
        consolidate::parts(&units, d.adjust.as_ref(), &t, &r, &c)
            .into_iter()
            .map(|(who, v)| format!("{who}：{}", crate::amount::format_amount(v, 2)))
            .collect()
    }

    pub(crate) fn dept_view(&mut self, ui: &mut egui::Ui) {
        let (Some(d), Some(dd)) = (self.dept.as_mut(), self.session.dept.as_ref()) else {
            ui.label("这不是部门工作簿。");
            return;
        };
        let red = Color32::from_rgb(190, 30, 30);
        let mut toggle: Option<(usize, bool)> = None;
        let mut open: Option<PathBuf> = None;
        let mut confirm = false;
        let mut reload = false;
        let mut suggest = false;
        let mut add_unit = false;
        let mut add_adj = false;
        let mut remove_adj: Option<(String, String, String)> = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.heading(format!("部门汇总：{} 个单位", dd.units.len()));
            ui.label(
                RichText::new(
                    "部门的表 = 各单位填报数之和 + 下面的调整；合计随单位文件变化。单位改数后请核对并“重新汇总”。",
                )
                .weak(),
            );
            ui.horizontal(|ui| {
                let stale = dd.units.iter().any(|u| u.state == UnitState::Stale);
                if ui
                    .add_enabled(stale, egui::Button::new("重新汇总"))
                    .on_hover_text("确认各单位当前的内容（可撤销）")
                    .clicked()
                {
                    confirm = true;
                }
                if ui.button("刷新").on_hover_text("重新读取各单位的文件").clicked() {
                    reload = true;
                }
            });
            egui::Grid::new("units").striped(true).show(ui, |ui| {
                for h in ["参加", "单位", "类别", "状态", "错误", "警告", "最后修改", "文件", ""] {
                    ui.strong(h);
                }
                ui.end_row();
                for (i, u) in dd.units.iter().enumerate() {
                    let name = u.label();
                    let mut on = u.r.included;
                    if ui
                        .checkbox(&mut on, "")
                        .accessible_name(format!("参加汇总「{name}」"))
                        .changed()
                    {
                        toggle = Some((i, on));
                    }
                    ui.label(&name);
                    ui.label(if u.r.main { "本级" } else { "所属单位" });
                    let state = u.state.label();
                    match u.state {
                        UnitState::Ready => ui.label(state),
                        UnitState::Excluded => ui.label(RichText::new(state).weak()),
                        _ => ui.label(RichText::new(state).color(red)),
                    };
                    if u.model.is_some() {
                        ui.label(u.errors.to_string());
                        ui.label(u.warnings.to_string());
                    } else {
                        ui.label("—");
                        ui.label("—");
                    }
                    ui.label(
                        u.modified
                            .map(|t| {
                                chrono::DateTime::<chrono::Local>::from(t)
                                    .format("%Y-%m-%d %H:%M")
                                    .to_string()
                            })
                            .unwrap_or_default(),
                    );
                    ui.label(u.path.display().to_string());
                    if ui
                        .small_button("打开")
                        .accessible_name(format!("打开「{name}」"))
                        .clicked()
                    {
                        open = Some(u.path.clone());
                    }
                    ui.end_row();
                }
            });
            ui.horizontal(|ui| {
                ui.label("添加单位");
                ui.add(egui::TextEdit::singleline(&mut d.add_path).desired_width(360.0))
                    .accessible_name("单位工作簿路径");
                ui.checkbox(&mut d.add_main, "本级");
                if ui.button("添加").clicked() {
                    add_unit = true;
                }
            });
            ui.separator();
            ui.strong("调整（内部往来抵消等，记在部门工作簿中）");
            let set = self.session.set;
            let mut any = false;
            for (tid, t) in &self.session.store().workbook().tables {
                for (row, r) in &t.rows {
                    for (col, v) in &r.values {
                        any = true;
                        let label = set
                            .table(tid)
                            .map_or(tid.clone(), |i| set.tables[i].label.clone());
                        ui.horizontal(|ui| {
                            ui.label(format!(
                                "{label} {row} 栏{col}：{}",
                                crate::amount::format_amount(*v, 2)
                            ));
                            if ui
                                .small_button("删除")
                                .accessible_name(format!("删除调整 {label} {row} 栏{col}"))
                                .clicked()
                            {
                                remove_adj = Some((tid.clone(), row.clone(), col.clone()));
                            }
                        });
                    }
                }
            }
            if !any {
                ui.label(RichText::new("（没有调整）").weak());
            }
            for f in &set.flows {
                ui.label(RichText::new(format!("内部往来：{}", f.name)).weak());
            }
            if ui
                .button("建议抵消")
                .on_hover_text("本级与所属单位之间的往来两方相等时，写入两方的抵消调整（可撤销）")
                .clicked()
            {
                suggest = true;
            }
            ui.horizontal(|ui| {
                ui.label("添加调整");
                let tl = |i: usize| set.tables.get(i).map(|t| t.label.clone()).unwrap_or_default();
                let r = egui::ComboBox::from_id_salt("adj-table")
                    .selected_text(tl(d.adj_table))
                    .show_ui(ui, |ui| {
                        for (i, t) in set.tables.iter().enumerate() {
                            ui.selectable_value(&mut d.adj_table, i, &t.label);
                        }
                    });
                let _ = r.response.accessible_name("调整的表");
                ui.add(egui::TextEdit::singleline(&mut d.adj_row).desired_width(90.0).hint_text("行次/科目代码"))
                    .accessible_name("调整的行");
                let cols = set.tables.get(d.adj_table).map(|t| t.columns.clone()).unwrap_or_default();
                let r = egui::ComboBox::from_id_salt("adj-col")
                    .selected_text(cols.get(d.adj_col).map(|c| format!("栏{} {}", c.no, c.label)).unwrap_or_default())
                    .show_ui(ui, |ui| {
                        for (i, c) in cols.iter().enumerate() {
                            ui.selectable_value(&mut d.adj_col, i, format!("栏{} {}", c.no, c.label));
                        }
                    });
                let _ = r.response.accessible_name("调整的栏");
                ui.add(egui::TextEdit::singleline(&mut d.adj_amount).desired_width(90.0).hint_text("金额"))
                    .accessible_name("调整金额");
                if ui.button("添加调整").clicked() {
                    add_adj = true;
                }
            });
        });
        let toggled = toggle.and_then(|(i, on)| {
            let u = self.session.dept.as_ref()?.units.get(i)?;
            let label = format!(
                "{}「{}」",
                if on {
                    "参加汇总"
                } else {
                    "不参加汇总"
                },
                u.label()
            );
            Some((label, dept::set_included(u, on)))
        });
        if let Some((label, c)) = toggled {
            self.apply_dept(&label, &[c]);
        }
        if let Some(p) = open {
            if let Err(e) = self.dialogs.open_workbook(&p) {
                self.message = Some((e, true));
            }
        }
        if confirm {
            let changes = self
                .session
                .dept
                .as_ref()
                .map(|d| dept::confirm(&d.units))
                .unwrap_or_default();
            self.apply_dept("重新汇总", &changes);
        }
        if reload {
            self.reload_units();
        }
        if suggest {
            let (offsets, unmatched) = self
                .session
                .dept
                .as_ref()
                .map(|d| consolidate::suggest(self.session.set, &d.units))
                .unwrap_or_default();
            if offsets.is_empty() {
                self.message = Some((
                    if unmatched.is_empty() {
                        "各单位之间没有需要抵消的往来".to_string()
                    } else {
                        unmatched
                            .iter()
                            .map(|(n, i, e)| {
                                format!(
                                    "「{n}」两方不等（收入方 {} ≠ 支出方 {}）：请逐项添加调整",
                                    crate::amount::format_amount(*i, 2),
                                    crate::amount::format_amount(*e, 2)
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("；")
                    },
                    !unmatched.is_empty(),
                ));
            } else {
                self.apply_dept("采纳建议的内部往来抵消", &dept::accept_offsets(&offsets));
            }
        }
        if add_unit {
            self.add_dept_unit();
        }
        if let Some((t, r, c)) = remove_adj {
            self.apply_dept("删除调整", &[Change::value(&t, &r, &c, None)]);
        }
        if add_adj {
            self.add_adjustment();
        }
    }

    fn add_dept_unit(&mut self) {
        let Some(d) = self.dept.as_ref() else { return };
        let path = PathBuf::from(d.add_path.trim());
        let main = d.add_main;
        match dept::add_unit(
            Registry::installed(),
            self.session.store().workbook(),
            &self.session.dept_dir(),
            &path,
            main,
        ) {
            Ok(c) => {
                self.apply_dept(&format!("添加单位 {}", path.display()), &[c]);
                if let Some(d) = self.dept.as_mut() {
                    d.add_path.clear();
                    d.add_main = false;
                }
            }
            Err(e) => self.message = Some((format!("未能添加：{e}"), true)),
        }
    }

    fn add_adjustment(&mut self) {
        let Some(d) = self.dept.as_ref() else { return };
        let Some(t) = self.session.set.tables.get(d.adj_table) else {
            return;
        };
        let row = d.adj_row.trim().to_string();
        let Some(col) = t.columns.get(d.adj_col) else {
            return;
        };
        let amount = match crate::amount::parse_amount(d.adj_amount.trim()) {
            Ok(Some(v)) => v,
            _ => {
                self.message = Some((format!("调整金额「{}」不是数字", d.adj_amount.trim()), true));
                return;
            }
        };
        // On a cell that is typed in: a row of a fixed table, or a 科目 (a new one too) of a
        // coded table; totals follow.
        let fillable = match self.session.model.cell_id(&t.id, &row, &col.no) {
            Some(id) => {
                self.session.model.cells[id as usize].kind == crate::engine::CellKind::Input
            }
            None => t.coded.is_some() && !row.is_empty() && row.chars().all(|c| c.is_ascii_digit()),
        };
        if !fillable {
            self.message = Some((
                format!(
                    "{} 行「{row}」栏{} 不是填报格：调整记在填报格上（固定表的行次、明细表的项级科目代码），合计随之变化",
                    t.label, col.no
                ),
                true,
            ));
            return;
        }
        let label = format!("调整 {} {row} 栏{}", t.label, col.no);
        let (tid, cno) = (t.id.clone(), col.no.clone());
        self.apply_dept(&label, &[Change::value(&tid, &row, &cno, Some(amount))]);
        if let Some(d) = self.dept.as_mut() {
            d.adj_row.clear();
            d.adj_amount.clear();
        }
    }
}

/// The navigator's entry of a 部门 workbook.
pub(crate) fn nav_entry(app: &App, ui: &mut egui::Ui) -> Option<View> {
    let d = app.session.dept.as_ref()?;
    let n = d
        .findings
        .iter()
        .filter(|f| f.severity >= crate::template::Severity::Warning)
        .count();
    let label = if n > 0 {
        format!("部门汇总（{n}）")
    } else {
        "部门汇总".to_string()
    };
    ui.selectable_label(app.view == View::Dept, label)
        .clicked()
        .then_some(View::Dept)
}
