//! The compiled model of one workbook: concrete rows and cells, a flat calculation program and
//! the audit checks, built once per workbook structure and re-run on every edit.

use super::finding::Finding;
use super::workbook::Workbook;
use super::StructureError;
use crate::template::{
    CellSpec, CheckTemplate, CmpOp, RRow, RTerm, RowClass, RowKind, TemplateSet,
};
use rust_decimal::Decimal;
use std::collections::HashMap;

mod rows;

pub type CellId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Input,
    Locked,
    Derived,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub code: Option<String>,
    pub class: RowClass,
    /// One entry per template column; None where the row has no cell.
    pub cells: Vec<Option<CellId>>,
}

#[derive(Debug, Clone, Default)]
pub struct TableRows {
    pub rows: Vec<Row>,
    pub by_key: HashMap<String, usize>,
    /// Fixed tables: concrete row index by template row index.
    pub by_template: HashMap<usize, usize>,
}

#[derive(Debug, Clone)]
pub struct CellInfo {
    pub table: usize,
    pub row: usize,
    pub col: usize,
    pub kind: CellKind,
}

/// target = Σ sign × source (+ constant); optionally compared with an asserted figure.
#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub target: CellId,
    pub terms: Vec<(i8, CellId)>,
    pub konst: Decimal,
    pub rule: usize,
    pub desc_child: String,
    /// Tables other than the target's that the formula reads (a figure copied across tables).
    pub others: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct CheckOp {
    pub rule: usize,
    /// The cell the finding is reported on (first cell of the left side).
    pub at: CellId,
    pub lhs: Vec<(i8, CellId)>,
    pub lhs_k: Decimal,
    pub op: CmpOp,
    pub rhs: Vec<(i8, CellId)>,
    pub rhs_k: Decimal,
    /// Every table the check's expression names (also those whose rows are missing).
    pub tables: Vec<usize>,
}

/// The tables an expression names (its own for the current row and children).
fn tables_named(own: usize, e: &[(i8, RTerm)]) -> Vec<usize> {
    e.iter()
        .filter_map(|(_, t)| match t {
            RTerm::Cell { table, .. } => Some(*table),
            RTerm::Children => Some(own),
            RTerm::Const(_) => None,
        })
        .collect()
}

/// The tables other than `own` an expression names.
fn other_tables(own: usize, e: &[(i8, RTerm)]) -> Vec<usize> {
    let mut v: Vec<usize> = tables_named(own, e)
        .into_iter()
        .filter(|t| *t != own)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Workbook text key holding what was typed into an amount cell and is not an amount
/// ("未识别输入/03/2080901/3" = "abc"): kept so nothing typed is lost, and an error until fixed.
pub const UNREAD: &str = "未识别输入/";

/// After [`UNREAD`]: text typed into a figure cell of a 绩效 form, kept by the form's id and
/// the cell's name (`未识别输入/表单/自评01/资金 合计 全年预算数`).
pub const FORM_CELL: &str = "表单/";

/// Workbook text key declaring a table empty on purpose ("本表无数据/07" = the reason, may be
/// blank): the table is then not 未填写 — its zeros are its figures.
pub const NO_DATA: &str = "本表无数据/";

/// Workbook text key marking a 科目代码 the user has confirmed ("科目确认/2240199" = its name): a
/// code missing from the year's list, or printed under another name, is then not reported again.
pub const ACCEPTED_CODE: &str = "科目确认/";

/// Names compared as printed: spaces and the width of brackets and punctuation do not count.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '(' => '（',
                ')' => '）',
                ',' => '，',
                c => c,
            })
            .collect()
    };
    norm(a) == norm(b)
}

pub struct Model<'s> {
    pub set: &'s TemplateSet,
    /// The workbook's 年度 (printed where a template says {year}).
    pub year: i32,
    pub tables: Vec<TableRows>,
    pub cells: Vec<CellInfo>,
    pub(crate) values: Vec<Decimal>,
    pub(crate) asserted: Vec<Option<Decimal>>,
    pub(crate) ops: Vec<Op>,
    pub(crate) checks: Vec<CheckOp>,
    /// Findings that depend on structure only (unknown codes, figures in locked cells).
    pub(crate) static_findings: Vec<Finding>,
    /// Last finding per op / check with the figures it was formatted for.
    pub(crate) op_cache: Vec<Option<(Decimal, Decimal, Finding)>>,
    pub(crate) check_cache: Vec<Option<(Decimal, Decimal, Finding)>>,
    /// The rule whose formula derives each cell (None for inputs).
    derived_by: Vec<Option<usize>>,
    /// Input cells of count rows (辆, 台（套）) with their template row, checked for whole numbers.
    pub(crate) count_cells: Vec<(CellId, usize)>,
    /// Per table: the workbook holds something for it (a figure, a printed total, a row). A table
    /// not entered whose every value is zero is 未填写: checks against other tables wait for it.
    pub(crate) entered: Vec<bool>,
    /// Per table, after the last recalc: not entered and every value zero (未填写).
    pub(crate) unfilled: Vec<bool>,
}

impl<'s> Model<'s> {
    /// Builds the model for a workbook; fails on inputs that address no input cell.
    pub fn build(set: &'s TemplateSet, wb: &Workbook) -> Result<Model<'s>, StructureError> {
        let mut m = Model {
            set,
            year: wb.unit.year,
            tables: Vec::new(),
            cells: Vec::new(),
            values: Vec::new(),
            asserted: Vec::new(),
            ops: Vec::new(),
            checks: Vec::new(),
            static_findings: Vec::new(),
            op_cache: Vec::new(),
            check_cache: Vec::new(),
            derived_by: Vec::new(),
            count_cells: Vec::new(),
            entered: Vec::new(),
            unfilled: Vec::new(),
        };
        // Figures of a table the set does not have are kept and named (ORPHAN-1, fill_inputs).
        for ti in 0..set.tables.len() {
            let rows = m.build_rows(ti, wb)?;
            m.tables.push(rows);
        }
        m.fill_inputs(wb)?;
        m.unread_findings(wb);
        m.compile_ops();
        m.compile_checks();
        m.count_cells = m
            .cells
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == CellKind::Input)
            .filter_map(|(id, c)| match m.tables[c.table].rows[c.row].class {
                RowClass::Fixed(tr) if set.tables[c.table].rows[tr].unit.is_some() => {
                    Some((id as CellId, tr))
                }
                _ => None,
            })
            .collect();
        m.op_cache = vec![None; m.ops.len()];
        m.check_cache = vec![None; m.checks.len()];
        Ok(m)
    }

    /// Resolves a template term in the context of a concrete row; None = the row does not exist
    /// (a 科目 absent from a code-keyed table counts as zero).
    fn resolve(&self, ti: usize, ri: usize, term: &RTerm) -> Option<CellId> {
        let RTerm::Cell { table, row, col } = term else {
            return None;
        };
        let target = &self.tables[*table];
        let cur = &self.tables[ti].rows[ri];
        let r = match row {
            RRow::Fixed(tr) => *target.by_template.get(tr)?,
            RRow::Coded(k) => *target.by_key.get(k)?,
            RRow::Current => ri,
            RRow::SameKey => *target.by_key.get(&cur.key)?,
            RRow::CodeOfCurrent => *target.by_key.get(cur.code.as_ref().unwrap_or(&cur.key))?,
        };
        target.rows[r].cells[*col]
    }

    fn terms(&self, ti: usize, ri: usize, expr: &[(i8, RTerm)]) -> (Vec<(i8, CellId)>, Decimal) {
        let mut out = Vec::with_capacity(expr.len());
        let mut k = Decimal::ZERO;
        for (sign, term) in expr {
            match term {
                RTerm::Const(d) => k += if *sign < 0 { -*d } else { *d },
                _ => {
                    if let Some(id) = self.resolve(ti, ri, term) {
                        out.push((*sign, id));
                    }
                }
            }
        }
        (out, k)
    }

    fn compile_ops(&mut self) {
        let set = self.set;
        let mut ops = Vec::new();
        for node in &set.order {
            let t = &set.tables[node.table];
            let rows = &self.tables[node.table].rows;
            let mut targets: Vec<usize> = match node.class {
                RowClass::Fixed(tr) => self.tables[node.table]
                    .by_template
                    .get(&tr)
                    .copied()
                    .into_iter()
                    .collect(),
                class => (0..rows.len())
                    .filter(|&r| rows[r].class == class)
                    .collect(),
            };
            if node.class == RowClass::Agg {
                // Deeper levels first, so 款 are summed before their 类.
                targets.sort_by_key(|&r| std::cmp::Reverse(rows[r].key.len()));
            }
            for ri in targets {
                let Some(target) = rows[ri].cells[node.col] else {
                    continue;
                };
                match node.class {
                    RowClass::Fixed(tr) => {
                        if let Some(CellSpec::Formula { expr, rule }) = t.rows[tr].cell(node.col) {
                            let (terms, konst) = self.terms(node.table, ri, expr);
                            ops.push(Op {
                                target,
                                terms,
                                konst,
                                rule: *rule,
                                desc_child: self.child_name(node.table, ri),
                                others: other_tables(node.table, expr),
                            });
                        }
                    }
                    RowClass::Leaf => {
                        if let Some(CellSpec::Formula { expr, rule }) = &t.columns[node.col].leaf {
                            let (terms, konst) = self.terms(node.table, ri, expr);
                            ops.push(Op {
                                target,
                                terms,
                                konst,
                                rule: *rule,
                                desc_child: String::new(),
                                others: other_tables(node.table, expr),
                            });
                        }
                    }
                    RowClass::Agg | RowClass::Total => {
                        let coded = t.coded.as_ref().expect("agg rows only in coded tables");
                        let list = &set.code_lists[coded.code_list];
                        let (rule, want_len, prefix) = match &rows[ri].code {
                            Some(code) => {
                                let lvl = list.level_of(code).unwrap_or(0);
                                (
                                    coded.hierarchy_rule,
                                    list.levels.get(lvl + 1).copied().unwrap_or(usize::MAX),
                                    code.as_str(),
                                )
                            }
                            None => (coded.total_rule, list.levels[0], ""),
                        };
                        let terms = rows
                            .iter()
                            .filter(|r| {
                                r.key.len() == want_len
                                    && r.key.starts_with(prefix)
                                    && r.class != RowClass::Total
                            })
                            .filter_map(|r| r.cells[node.col].map(|c| (1i8, c)))
                            .collect();
                        ops.push(Op {
                            target,
                            terms,
                            konst: Decimal::ZERO,
                            rule,
                            desc_child: self.child_name(node.table, ri),
                            others: Vec::new(),
                        });
                    }
                }
            }
        }
        self.derived_by = vec![None; self.cells.len()];
        for o in &ops {
            self.derived_by[o.target as usize] = Some(o.rule);
        }
        self.ops = ops;
    }

    /// The level name of a row's children ("款" under a 类; "类" under 合计), for messages.
    fn child_name(&self, ti: usize, ri: usize) -> String {
        let t = &self.set.tables[ti];
        let row = &self.tables[ti].rows[ri];
        match (&t.coded, &row.code) {
            (Some(c), Some(code)) => self.set.code_lists[c.code_list]
                .child_level_name(code)
                .to_string(),
            (Some(c), None) => self.set.code_lists[c.code_list].level_names[0].clone(),
            _ => String::new(),
        }
    }

    fn compile_checks(&mut self) {
        let set = self.set;
        let mut checks = Vec::new();
        for (ti, t) in set.tables.iter().enumerate() {
            for ch in &t.checks {
                if !ch.each_row {
                    if let Some(c) = self.check_op(ti, 0, ch) {
                        checks.push(c);
                    }
                    continue;
                }
                for ri in 0..self.tables[ti].rows.len() {
                    let row = &self.tables[ti].rows[ri];
                    if let Some(keys) = &ch.rows {
                        if !keys.contains(&row.key) {
                            continue;
                        }
                    }
                    if let Some(c) = self.check_op(ti, ri, ch) {
                        checks.push(c);
                    }
                }
            }
        }
        self.checks = checks;
    }

    fn check_op(&self, ti: usize, ri: usize, ch: &CheckTemplate) -> Option<CheckOp> {
        // A row lacking a cell the check names on the current row is not in the check's scope.
        let needs_row = |e: &[(i8, RTerm)]| {
            e.iter().all(|(_, t)| match t {
                RTerm::Cell {
                    row: RRow::Current,
                    col,
                    ..
                } => self.tables[ti]
                    .rows
                    .get(ri)
                    .is_some_and(|r| r.cells[*col].is_some()),
                _ => true,
            })
        };
        if ch.each_row && !(needs_row(&ch.lhs) && needs_row(&ch.rhs)) {
            return None;
        }
        let (lhs, lhs_k) = self.terms(ti, ri, &ch.lhs);
        let (rhs, rhs_k) = self.terms(ti, ri, &ch.rhs);
        let at = lhs.first().or(rhs.first())?.1;
        // A cell derived by this same rule is already compared with its asserted figure.
        if lhs.len() == 1 && self.derived_by[at as usize] == Some(ch.rule) {
            return None;
        }
        let mut tables = tables_named(ti, &ch.lhs);
        tables.extend(tables_named(ti, &ch.rhs));
        tables.sort_unstable();
        tables.dedup();
        Some(CheckOp {
            rule: ch.rule,
            at,
            lhs,
            lhs_k,
            op: ch.op,
            rhs,
            rhs_k,
            tables,
        })
    }

    /// The current value of a cell by official coordinates (table id, row key, 栏次).
    /// How a derived cell is computed, in the form's words:
    /// 「= 公开03表 20809 退役安置 栏1 + 公开03表 20899 …（H1 下级项合计）」.
    pub fn formula_text(&self, id: CellId) -> String {
        let Some(rule) = self.derived_by.get(id as usize).copied().flatten() else {
            return String::new();
        };
        let r = &self.set.rules[rule];
        let Some(op) = self.ops.iter().find(|o| o.target == id) else {
            return format!("由审核公式 {} {} 计算", r.id, r.title);
        };
        let mut parts: Vec<String> = Vec::new();
        for (i, (sign, src)) in op.terms.iter().enumerate() {
            if i == 8 {
                parts.push(format!("…（共 {} 项）", op.terms.len()));
                break;
            }
            let name = self.cell_name(*src);
            parts.push(match (i, *sign < 0) {
                (0, false) => name,
                (0, true) => format!("−{name}"),
                (_, false) => format!("+ {name}"),
                (_, true) => format!("− {name}"),
            });
        }
        if parts.is_empty() {
            parts.push("0".into());
        }
        format!("= {}（{} {}）", parts.join(" "), r.id, r.title)
    }

    pub fn value(&self, table: &str, row: &str, col: &str) -> Option<Decimal> {
        self.cell_id(table, row, col)
            .map(|id| self.values[id as usize])
    }

    pub fn cell_id(&self, table: &str, row: &str, col: &str) -> Option<CellId> {
        let ti = self.set.table(table)?;
        let ri = *self.tables[ti].by_key.get(row)?;
        let ci = self.set.tables[ti].col_index(col)?;
        self.tables[ti].rows[ri].cells[ci]
    }

    /// Text kept in an amount cell because it is not an amount: one error per cell (TEXT-1), so
    /// the window, `check`, Excel and the PDF gate all count it.
    fn unread_findings(&mut self, wb: &Workbook) {
        let Some(rule) = self.set.rule("TEXT-1") else {
            return;
        };
        for (k, text) in wb.texts.range(UNREAD.to_string()..) {
            let Some(rest) = k.strip_prefix(UNREAD) else {
                break;
            };
            // A cell of a 绩效 form: 表单/<record id>/<the cell's name>.
            if let Some((id, name)) = rest.strip_prefix(FORM_CELL).and_then(|x| x.split_once('/')) {
                let r_ = &self.set.rules[rule];
                self.static_findings.push(Finding {
                    rule: r_.id.clone(),
                    severity: r_.severity,
                    table: id.to_string(),
                    table_label: format!("表单「{id}」"),
                    row: name.to_string(),
                    row_label: name.to_string(),
                    col: String::new(),
                    lhs: None,
                    rhs: None,
                    tail: false,
                    message: format!(
                        "表单「{id}」{name}：填入的「{}」不是数字（原文已保留），请改正",
                        crate::amount::quote_input(text)
                    ),
                });
                continue;
            }
            let mut it = rest.splitn(3, '/');
            let (Some(t), Some(r), Some(c)) = (it.next(), it.next(), it.next()) else {
                continue;
            };
            let shown = crate::amount::quote_input(text);
            match self.cell_id(t, r, c) {
                Some(id) => {
                    let msg = format!(
                        "{}：填入的「{shown}」不是金额（原文已保留），请改为数字",
                        self.cell_name(id)
                    );
                    let f = self.bare_finding(rule, id, None, None, false, msg, None);
                    self.static_findings.push(f);
                }
                None => {
                    let r_ = &self.set.rules[rule];
                    self.static_findings.push(Finding {
                        rule: r_.id.clone(),
                        severity: r_.severity,
                        table: t.to_string(),
                        table_label: t.to_string(),
                        row: r.to_string(),
                        row_label: String::new(),
                        col: c.to_string(),
                        lhs: None,
                        rhs: None,
                        tail: false,
                        message: format!(
                            "表 {t} 行 {r} 栏 {c}：填入的「{shown}」不是金额，请改为数字"
                        ),
                    });
                }
            }
        }
    }

    /// Whether table `table` (by id, "03") is 未填写: the workbook holds nothing for it and all
    /// its values are zero (as of the last recalc).
    pub fn is_unfilled(&self, table: &str) -> bool {
        self.set
            .table(table)
            .is_some_and(|ti| self.unfilled.get(ti).copied().unwrap_or(false))
    }

    pub fn value_of(&self, id: CellId) -> Decimal {
        self.values[id as usize]
    }

    pub fn asserted_of(&self, id: CellId) -> Option<Decimal> {
        self.asserted[id as usize]
    }

    /// Sets one input cell; the caller re-runs [`Model::recalc`]. Errors if it is not an input cell.
    pub fn set_input(&mut self, id: CellId, v: Decimal) -> Result<(), StructureError> {
        let info = &self.cells[id as usize];
        if info.kind != CellKind::Input {
            let t = &self.set.tables[info.table];
            return Err(StructureError::DerivedInput {
                table: t.label.clone(),
                row: self.tables[info.table].rows[info.row].key.clone(),
                col: t.columns[info.col].no.clone(),
            });
        }
        if !v.is_zero() {
            self.entered[info.table] = true;
        }
        self.values[id as usize] = v;
        Ok(())
    }
}
