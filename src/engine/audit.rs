//! Recalculation and audit: runs the compiled program, compares asserted figures, evaluates checks.

use super::finding::Finding;
use super::model::{CellId, CellKind, Model};
use crate::amount::{ceil_cent, format_amount};
use crate::template::{CmpOp, RowClass, Severity, TemplateSet};
use rust_decimal::Decimal;

/// How a comparison came out.
#[derive(Clone, Copy)]
struct Outcome {
    severity: Severity,
    tail: bool,
}

impl Model<'_> {
    /// Recomputes every derived value and returns all findings, errors first.
    pub fn recalc(&mut self) -> Vec<Finding> {
        let mut findings = self.static_findings.clone();
        // How many independently rounded figures stand behind each value (RULES §3.6): a typed or
        // printed figure counts 1, a derived sum counts its parts.
        let mut counts: Vec<u32> = self
            .cells
            .iter()
            .zip(&self.values)
            .map(|(c, v)| u32::from(c.kind == CellKind::Input && !v.is_zero()))
            .collect();
        // What a wrong printed figure carries downstream: per cell, the derived value less the
        // value among the printed figures, and the cell where that difference was reported. A
        // relation that holds among the printed figures and fails only by what it inherited is a
        // consequence (连带), shown as a 提示 naming its root, not as a second error.
        let mut carried = vec![Decimal::ZERO; self.cells.len()];
        let mut root: Vec<Option<CellId>> = vec![None; self.cells.len()];
        // A figure copied from a table the workbook holds nothing for (未填写) is not compared
        // with its printed value: the comparison waits for that table (EMPTY-1 counts it).
        let mut waiting = vec![0usize; self.set.tables.len()];
        for i in 0..self.ops.len() {
            let op = &self.ops[i];
            let (sum, n) = sum_terms(&self.values, &counts, &op.terms, op.konst);
            let (carry, from) = carried_by(&carried, &root, &op.terms);
            let target = op.target as usize;
            let mut value = sum;
            let from_unentered = !op.others.is_empty()
                && op.others.iter().all(|t| !self.entered[*t])
                && op
                    .terms
                    .iter()
                    .all(|(_, id)| self.values[*id as usize].is_zero());
            if let (Some(a), true) = (self.asserted[target], from_unentered) {
                if a != sum {
                    for t in &op.others {
                        waiting[*t] += 1;
                    }
                }
                self.values[target] = a;
                counts[target] = 1;
                continue;
            }
            if let Some(a) = self.asserted[target] {
                if let Some(o) = self.judge(op.rule, a, CmpOp::Eq, sum, n) {
                    // Messages are formatted once per distinct pair of figures (edits are frequent).
                    let f = match &self.op_cache[i] {
                        Some((l, r, f)) if *l == a && *r == sum && f.tail == o.tail => f.clone(),
                        _ => {
                            let desc = self.set.rules[op.rule]
                                .desc
                                .replace("{child}", &op.desc_child);
                            let f = self.finding(op.rule, op.target, a, CmpOp::Eq, sum, &desc, o);
                            self.op_cache[i] = Some((a, sum, f.clone()));
                            f
                        }
                    };
                    let printed_sum = sum.saturating_sub(carry);
                    let consequence = !o.tail
                        && !carry.is_zero()
                        && self
                            .judge(op.rule, a, CmpOp::Eq, printed_sum, n)
                            .is_none_or(|x| x.tail);
                    if consequence {
                        findings.push(self.consequence(f, from));
                        root[target] = from;
                    } else {
                        findings.push(f);
                        root[target] = Some(op.target);
                    }
                    if o.tail {
                        // An official figure within the rounding tolerance stands (尾数误差).
                        value = a;
                    }
                } else {
                    value = a;
                }
                carried[target] = value.saturating_sub(a);
            } else {
                carried[target] = carry;
                root[target] = from;
            }
            counts[target] = if value == sum { n as u32 } else { 1 };
            if self.asserted[target].is_some_and(|a| a == value) {
                counts[target] = 1;
            }
            self.values[target] = value;
        }
        // Tables left entirely empty (未填写): a check that compares them with another table waits
        // for them, and is counted under one note per table instead of a cascade of findings.
        let mut blank = self.entered.iter().map(|e| !e).collect::<Vec<bool>>();
        for (c, v) in self.cells.iter().zip(&self.values) {
            if !v.is_zero() {
                blank[c.table] = false;
            }
        }
        self.unfilled = blank.clone();
        for i in 0..self.checks.len() {
            let c = &self.checks[i];
            if c.tables.len() > 1 && c.tables.iter().any(|t| blank[*t]) {
                for t in c.tables.iter().filter(|t| blank[**t]) {
                    waiting[*t] += 1;
                }
                continue;
            }
            let (l, nl) = sum_terms(&self.values, &counts, &c.lhs, c.lhs_k);
            let (r, nr) = sum_terms(&self.values, &counts, &c.rhs, c.rhs_k);
            if let Some(o) = self.judge(c.rule, l, c.op, r, nl.max(nr)) {
                let f = match &self.check_cache[i] {
                    Some((cl, cr, f)) if *cl == l && *cr == r && f.tail == o.tail => f.clone(),
                    _ => {
                        let desc = self.set.rules[c.rule].desc.clone();
                        let f = self.finding(c.rule, c.at, l, c.op, r, &desc, o);
                        self.check_cache[i] = Some((l, r, f.clone()));
                        f
                    }
                };
                let (cl, fl) = carried_by(&carried, &root, &c.lhs);
                let (cr, fr) = carried_by(&carried, &root, &c.rhs);
                // Not a tail, and something wrong upstream is carried into either side.
                let carried_in = !(cl.is_zero() && cr.is_zero());
                let consequence = !o.tail
                    && carried_in
                    && self
                        .judge(
                            c.rule,
                            l.saturating_sub(cl),
                            c.op,
                            r.saturating_sub(cr),
                            nl.max(nr),
                        )
                        .is_none_or(|x| x.tail);
                if consequence {
                    findings.push(self.consequence(f, fl.or(fr)));
                } else {
                    findings.push(f);
                }
            }
        }
        self.count_findings(&mut findings);
        if let Some(rule) = self.set.rule("EMPTY-1") {
            let r = &self.set.rules[rule];
            for (ti, n) in waiting.iter().enumerate().filter(|(_, n)| **n > 0) {
                let t = &self.set.tables[ti];
                findings.push(Finding {
                    rule: r.id.clone(),
                    severity: r.severity,
                    table: t.id.clone(),
                    table_label: t.label.clone(),
                    row: String::new(),
                    row_label: String::new(),
                    col: String::new(),
                    lhs: None,
                    rhs: None,
                    tail: false,
                    message: format!(
                        "{}（{}）未填写：与它核对的 {n} 项跨表检查暂缓，填入后自动核对；若本单位确无此表数据，请标注「本表无数据」并写明原因",
                        t.label, t.title
                    ),
                });
            }
        }
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        findings
    }

    /// Counts (辆, 台（套）) must be whole numbers.
    fn count_findings(&self, out: &mut Vec<Finding>) {
        for &(id, tr) in &self.count_cells {
            let v = self.values[id as usize];
            if v.fract().is_zero() {
                continue;
            }
            let info = &self.cells[id as usize];
            if let Some(unit) = &self.set.tables[info.table].rows[tr].unit {
                let rule = self.set.rule("INT-1").expect("required rule");
                let msg = format!(
                    "{}：{} 不是整数（单位：{unit}）",
                    self.cell_name(id),
                    v.normalize()
                );
                out.push(self.bare_finding(rule, id, Some(v), None, false, msg, None));
            }
        }
    }

    /// None when the relation holds exactly; otherwise the severity, with rounding tails softened.
    fn judge(
        &self,
        rule: usize,
        lhs: Decimal,
        op: CmpOp,
        rhs: Decimal,
        n: usize,
    ) -> Option<Outcome> {
        let gap = match op {
            CmpOp::Eq => lhs.saturating_sub(rhs).abs(),
            CmpOp::Le => lhs.saturating_sub(rhs).max(Decimal::ZERO),
            CmpOp::Ge => rhs.saturating_sub(lhs).max(Decimal::ZERO),
        };
        if gap.is_zero() {
            return None;
        }
        let tol = tolerance(self.set, n);
        let rule_sev = self.set.rules[rule].severity;
        Some(if gap <= tol {
            let sev = if gap <= self.set.info_max {
                Severity::Info
            } else {
                Severity::Warning
            };
            Outcome {
                severity: sev.min(rule_sev),
                tail: true,
            }
        } else {
            Outcome {
                severity: rule_sev,
                tail: false,
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        rule: usize,
        at: CellId,
        lhs: Decimal,
        op: CmpOp,
        rhs: Decimal,
        desc: &str,
        o: Outcome,
    ) -> Finding {
        let dp =
            self.set.tables[self.cells[at as usize].table].columns[self.cells[at as usize].col].dp;
        let diff = format_amount(lhs.saturating_sub(rhs).abs(), dp);
        let note = if o.tail { "，尾数误差" } else { "" };
        let r = &self.set.rules[rule];
        let template = r
            .message
            .as_deref()
            .unwrap_or("{cell}：{lhs} {op} {desc} {rhs}（差 {diff}{note}）");
        let desc = if desc.is_empty() {
            r.title.as_str()
        } else {
            desc
        };
        let msg = template
            .replace("{cell}", &self.cell_name(at))
            .replace("{lhs}", &format_amount(lhs, dp))
            .replace("{op}", op.failed_symbol())
            .replace("{desc}", desc)
            .replace("{rhs}", &format_amount(rhs, dp))
            .replace("{diff}", &diff)
            .replace("{note}", note);
        self.bare_finding(
            rule,
            at,
            Some(lhs),
            Some(rhs),
            o.tail,
            msg,
            Some(o.severity),
        )
    }

    /// A finding that holds among the printed figures and fails only by a difference reported
    /// at `root`: a 提示 that names its root (连带).
    fn consequence(&self, mut f: Finding, root: Option<CellId>) -> Finding {
        f.severity = Severity::Info;
        let at = root.map_or_else(|| "上游".to_string(), |r| self.cell_name(r));
        f.message
            .push_str(&format!("——连带：由{at}的差额引起，按印出的数此式成立"));
        f
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn bare_finding(
        &self,
        rule: usize,
        at: CellId,
        lhs: Option<Decimal>,
        rhs: Option<Decimal>,
        tail: bool,
        message: String,
        severity: Option<Severity>,
    ) -> Finding {
        let info = &self.cells[at as usize];
        let t = &self.set.tables[info.table];
        let row = &self.tables[info.table].rows[info.row];
        let r = &self.set.rules[rule];
        Finding {
            rule: r.id.clone(),
            severity: severity.unwrap_or(r.severity),
            table: t.id.clone(),
            table_label: t.label.clone(),
            row: row.key.clone(),
            row_label: row.label.clone(),
            col: t.columns[info.col].no.clone(),
            lhs,
            rhs,
            tail,
            message,
        }
    }

    /// 「公开03表 20809 退役安置 栏1」 / 「公开01表 行27 本年收入合计 栏1」.
    pub fn cell_name(&self, id: CellId) -> String {
        let info = &self.cells[id as usize];
        let t = &self.set.tables[info.table];
        let row = &self.tables[info.table].rows[info.row];
        let show_no = match row.class {
            RowClass::Fixed(tr) => t.rows[tr].show_no,
            _ => false,
        };
        let mut s = t.label.clone();
        // Code-keyed rows are named by their 科目代码; fixed rows by their printed 行次.
        if !show_no && (row.code.is_some() || row.class == RowClass::Total) {
            s.push(' ');
            s.push_str(&row.key);
            if row.label != row.key && !row.label.is_empty() {
                s.push(' ');
                s.push_str(&row.label);
            }
        } else {
            if show_no {
                s.push_str(&format!(" 行{}", row.key));
            }
            if !row.label.is_empty() {
                s.push(' ');
                s.push_str(&row.label);
            }
        }
        s.push_str(&format!(" 栏{}", t.columns[info.col].no));
        s
    }
}

/// Σ sign × carried difference over `terms`, and the first root cell behind it.
fn carried_by(
    carried: &[Decimal],
    root: &[Option<CellId>],
    terms: &[(i8, CellId)],
) -> (Decimal, Option<CellId>) {
    let mut sum = Decimal::ZERO;
    let mut from = None;
    for &(sign, id) in terms {
        let c = carried[id as usize];
        if !c.is_zero() {
            sum = if sign < 0 {
                sum.saturating_sub(c)
            } else {
                sum.saturating_add(c)
            };
            from = from.or(root[id as usize]);
        }
    }
    (sum, from)
}

/// Σ sign × value, and the number of independently rounded figures behind it.
fn sum_terms(
    values: &[Decimal],
    counts: &[u32],
    terms: &[(i8, CellId)],
    konst: Decimal,
) -> (Decimal, usize) {
    let mut sum = konst;
    let mut n = 0;
    for &(sign, id) in terms {
        let v = values[id as usize];
        if !v.is_zero() {
            n += counts[id as usize].max(1) as usize;
            // Saturating: figures are bounded on entry (amount::MAX_INT_DIGITS), so this never
            // saturates on real data; it keeps a crafted file from crashing the evaluation.
            sum = if sign < 0 {
                sum.saturating_sub(v)
            } else {
                sum.saturating_add(v)
            };
        }
    }
    (sum, n)
}

/// RULES §3.6: 0.005 × (rounded figures added), rounded up to 0.01; a copy of one figure must match exactly.
pub fn tolerance(set: &TemplateSet, addends: usize) -> Decimal {
    if addends < 2 {
        Decimal::ZERO
    } else {
        ceil_cent(set.per_addend * Decimal::from(addends))
    }
}

/// A finding about a row's 科目代码 itself (no cell, no figures).
fn code_finding(
    set: &TemplateSet,
    table: usize,
    rule_id: &str,
    code: &str,
    row_label: &str,
    message: String,
) -> Option<Finding> {
    let t = &set.tables[table];
    let rule = &set.rules[set.rule(rule_id)?];
    Some(Finding {
        rule: rule.id.clone(),
        severity: rule.severity,
        table: t.id.clone(),
        table_label: t.label.clone(),
        row: code.to_string(),
        row_label: row_label.to_string(),
        col: String::new(),
        lhs: None,
        rhs: None,
        tail: false,
        message,
    })
}

pub(crate) fn unknown_code(
    set: &TemplateSet,
    table: usize,
    code: &str,
    user_name: Option<&str>,
    list: &str,
) -> Option<Finding> {
    let named = match user_name {
        Some(n) => format!("「{n}」"),
        None => "（未填写科目名称）".into(),
    };
    let msg = format!(
        "科目 {code}{named} 不在《{list}》中（首见于{}）：可能是本年新增科目，请核对代码；核对无误可确认此科目，不再提示",
        set.tables[table].label
    );
    code_finding(
        set,
        table,
        "CODE-1",
        code,
        user_name.unwrap_or_default(),
        msg,
    )
}

pub(crate) fn renamed_code(
    set: &TemplateSet,
    table: usize,
    code: &str,
    user_name: &str,
    known: &str,
    list: &str,
) -> Option<Finding> {
    let msg = format!(
        "科目 {code} 填写的名称「{user_name}」与《{list}》中的「{known}」不同（首见于{}）：表中按科目表名称印出；名称无误可确认此科目，不再提示",
        set.tables[table].label
    );
    code_finding(set, table, "CODE-2", code, user_name, msg)
}

pub(crate) fn locked_value(m: &Model, at: CellId, v: Decimal) -> Finding {
    let rule = m.set.rule("LOCK-1").expect("required rule");
    let msg = format!(
        "{}：此格不填（印“——”），已忽略填入的 {}",
        m.cell_name(at),
        v.normalize()
    );
    m.bare_finding(rule, at, Some(v), None, false, msg, None)
}

/// A figure of the workbook with no place in its template set (the set was changed: a pack
/// edited, a workbook moved to another set): kept in the workbook, not computed or printed, and
/// named until it is moved or deleted.
pub(crate) fn orphan(
    m: &Model,
    table: &str,
    row: &str,
    col: &str,
    v: Decimal,
    why: &str,
) -> Finding {
    let rule = m.set.rule("ORPHAN-1").expect("required rule");
    let r = &m.set.rules[rule];
    let label = m.set.table(table).map_or(format!("表「{table}」"), |i| {
        m.set.tables[i].label.clone()
    });
    Finding {
        rule: r.id.clone(),
        severity: r.severity,
        table: table.to_string(),
        table_label: label.clone(),
        row: row.to_string(),
        row_label: String::new(),
        col: col.to_string(),
        lhs: Some(v),
        rhs: None,
        tail: false,
        message: format!(
            "{label} 行「{row}」栏{col} 的 {}：{why}（模板集改过，或数据来自其他模板集）。此数保留在工作簿中，但不计算、不打印：请填到正确位置后删除",
            crate::amount::format_amount(v, 2)
        ),
    }
}
