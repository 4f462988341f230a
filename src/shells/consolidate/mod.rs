//! 部门 consolidation. A 部门 workbook lists its units — the 本级 and each 所属单位, every one a
//! workbook file of the same template set and year — and its tables are the units' inputs added
//! up, plus the 部门's own inputs, which are its 调整 (offsets of internal flows, corrections).
//! The sum is derived whenever the 部门 is opened, never stored; each unit is referenced by path
//! and by the content hash it had when the 部门 last confirmed it (重新汇总), so a unit changed
//! since is named. The consolidated workbook is audited by the same rules as any other, plus the
//! CONS- rules here. `units.rs` reads the unit files; this module is pure.

mod units;
pub use units::{load, resolve, restate, Unit, UnitState};

use crate::engine::{Finding, Model, Workbook};
use crate::template::{Severity, TemplateSet};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Workbook texts `部门/单位/01`, `部门/单位/02` … each hold one [`UnitRef`] as JSON.
pub const UNIT_KEY: &str = "部门/单位/";
/// The rules of consolidation (in each set's rule catalogue, severity as data there).
pub const RULES: [&str; 6] = [
    "CONS-单位",
    "CONS-过期",
    "CONS-单位错误",
    "CONS-名称",
    "CONS-抵消",
    "CONS-往来",
];
/// The findings' place: the 部门汇总 screen.
pub const TABLE: &str = "部门汇总";
/// Where the 调整 show in drill-downs.
pub const ADJUST: &str = "调整";

/// One unit of a 部门, as the 部门 workbook records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    /// As chosen; a relative path is taken from the 部门 file's folder.
    pub path: String,
    /// The unit's name when it was added (shown while its file cannot be read).
    #[serde(default)]
    pub name: String,
    /// The 本级 (the 部门's own accounts), as opposed to a 所属单位.
    #[serde(default)]
    pub main: bool,
    #[serde(default = "yes")]
    pub included: bool,
    /// Content hash when the 部门 last confirmed this unit (empty: never).
    #[serde(default)]
    pub hash: String,
}

fn yes() -> bool {
    true
}

/// The text that marks a 部门 workbook made before it lists any unit.
pub const DEPT_KEY: &str = "部门/汇总";

/// A 部门 workbook: marked so, or listing units.
pub fn is_dept(wb: &Workbook) -> bool {
    wb.texts.contains_key(DEPT_KEY) || wb.texts.keys().any(|k| k.starts_with(UNIT_KEY))
}

/// The units a 部门 workbook lists, by text key; a text that is not a unit record is returned
/// as the message why.
pub fn refs(wb: &Workbook) -> Vec<(String, Result<UnitRef, String>)> {
    wb.texts
        .range(UNIT_KEY.to_string()..)
        .take_while(|(k, _)| k.starts_with(UNIT_KEY))
        .map(|(k, v)| {
            (
                k.clone(),
                serde_json::from_str(v).map_err(|e| format!("单位记录「{k}」无法读取：{e}")),
            )
        })
        .collect()
}

/// The text of a unit record.
pub fn ref_text(r: &UnitRef) -> String {
    serde_json::to_string(r).unwrap_or_default()
}

/// The key for the next unit of `wb`.
pub fn next_key(wb: &Workbook) -> String {
    let n = refs(wb)
        .iter()
        .filter_map(|(k, _)| k[UNIT_KEY.len()..].parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{UNIT_KEY}{:02}", n + 1)
}

/// A stable content hash of a workbook (FNV-1a over its interchange JSON): changes exactly when
/// what the workbook holds changes, whatever the file's bytes do.
pub fn content_hash(wb: &Workbook) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in crate::interchange::json::to_json(wb).bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The consolidated workbook and where its figures come from.
pub struct Consolidated {
    /// What is evaluated, printed and exported as the 部门's document.
    pub wb: Workbook,
    /// The 部门's own inputs alone (the 调整), for drill-downs.
    pub adjust: Workbook,
    pub findings: Vec<Finding>,
    /// Forms taken from the units: new record id → (unit name, the unit's own id).
    pub forms: BTreeMap<String, (String, String)>,
}

fn severity(set: &TemplateSet, rule: &str, default: Severity) -> Severity {
    set.rule(rule).map_or(default, |i| set.rules[i].severity)
}

fn finding(set: &TemplateSet, rule: &str, row: &str, row_label: &str, message: String) -> Finding {
    Finding {
        rule: rule.into(),
        severity: severity(set, rule, Severity::Warning),
        table: TABLE.into(),
        table_label: TABLE.into(),
        row: row.into(),
        row_label: row_label.into(),
        col: String::new(),
        lhs: None,
        rhs: None,
        tail: false,
        message,
    }
}

/// Adds up the counted units (in the 部门's order) and the 部门's own 调整.
pub fn consolidate(set: &TemplateSet, dept: &Workbook, units: &[Unit]) -> Consolidated {
    let mut wb = Workbook::new(&dept.template_set, dept.unit.clone());
    wb.texts = dept.texts.clone();
    let mut findings = Vec::new();
    let mut forms = BTreeMap::new();
    // Who named a 科目 first, to report a different name once per row.
    let mut named: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut conflicts = std::collections::BTreeSet::new();
    for u in units {
        let label = u.label();
        match &u.state {
            UnitState::Missing => findings.push(finding(
                set,
                "CONS-单位",
                &u.key,
                &label,
                format!("「{label}」的工作簿找不到：{}", u.path.display()),
            )),
            UnitState::Broken(why) | UnitState::Mismatch(why) => findings.push(finding(
                set,
                "CONS-单位",
                &u.key,
                &label,
                format!("「{label}」未能汇总：{why}"),
            )),
            UnitState::Stale => findings.push(finding(
                set,
                "CONS-过期",
                &u.key,
                &label,
                if u.r.hash.is_empty() {
                    format!("「{label}」尚未确认汇总：核对后点「重新汇总」")
                } else {
                    format!("「{label}」的工作簿在汇总确认后已修改：核对后点「重新汇总」")
                },
            )),
            UnitState::Ready | UnitState::Excluded => {}
        }
        if u.counts() && u.errors > 0 {
            findings.push(finding(
                set,
                "CONS-单位错误",
                &u.key,
                &label,
                format!(
                    "「{label}」自身有 {} 条错误（第一条：{}）：请在该单位的工作簿中改正",
                    u.errors, u.first_error
                ),
            ));
        }
        let Some(uwb) = u.wb.as_ref().filter(|_| u.counts()) else {
            continue;
        };
        for (tid, t) in &uwb.tables {
            let dst = wb.tables.entry(tid.clone()).or_default();
            for (key, r) in &t.rows {
                let row = dst.rows.entry(key.clone()).or_default();
                if let Some(n) = &r.name {
                    let at = (tid.clone(), key.clone());
                    match named.get(&at) {
                        Some(first) if first != n && conflicts.insert(at.clone()) => {
                            let tl = set
                                .table(tid)
                                .map_or(tid.clone(), |i| set.tables[i].label.clone());
                            findings.push(finding(
                                set,
                                "CONS-名称",
                                key,
                                n,
                                format!(
                                    "{tl} {key} 的科目名称各单位不同：「{label}」写作「{n}」，先列的单位写作「{}」",
                                    first
                                ),
                            ));
                        }
                        Some(_) => {}
                        None => {
                            named.insert(at, n.clone());
                            row.name = Some(n.clone());
                        }
                    }
                }
                for (c, v) in &r.values {
                    *row.values.entry(c.clone()).or_default() += *v;
                }
            }
        }
        // 科目 confirmed in a unit stay confirmed in the 部门.
        for (k, v) in &uwb.texts {
            if k.starts_with(crate::engine::ACCEPTED_CODE) {
                wb.texts.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        for (id, rec) in &uwb.records {
            let mut new_id = format!("{label}·{id}");
            let mut n = 2;
            while wb.records.contains_key(&new_id) {
                new_id = format!("{label}·{id}（{n}）");
                n += 1;
            }
            forms.insert(new_id.clone(), (label.clone(), id.clone()));
            wb.records.insert(new_id, rec.clone());
        }
    }
    // The 调整: the 部门's own inputs.
    let mut adjust = Workbook::new(&dept.template_set, dept.unit.clone());
    for (tid, t) in &dept.tables {
        for (key, r) in &t.rows {
            if r.values.is_empty() && r.name.is_none() {
                continue;
            }
            let row = wb
                .tables
                .entry(tid.clone())
                .or_default()
                .rows
                .entry(key.clone())
                .or_default();
            if row.name.is_none() {
                row.name = r.name.clone();
            }
            for (c, v) in &r.values {
                *row.values.entry(c.clone()).or_default() += *v;
            }
            adjust
                .tables
                .entry(tid.clone())
                .or_default()
                .rows
                .insert(key.clone(), r.clone());
        }
    }
    findings.extend(flow_findings(set, dept, units));
    Consolidated {
        wb,
        adjust,
        findings,
        forms,
    }
}

/// Σ of one column of a table over a workbook's rows.
fn column_sum(wb: &Workbook, (table, col): &(String, String)) -> Decimal {
    wb.tables.get(table).map_or(Decimal::ZERO, |t| {
        t.rows.values().filter_map(|r| r.values.get(col)).sum()
    })
}

fn col_label(set: &TemplateSet, (table, col): &(String, String)) -> String {
    set.table(table).map_or(format!("{table}[{col}]"), |i| {
        let t = &set.tables[i];
        let name = t
            .columns
            .iter()
            .find(|c| &c.no == col)
            .map(|c| c.label.as_str())
            .unwrap_or_default();
        format!("{} 栏{col} {name}", t.label)
    })
}

/// What each side of each flow holds before the 调整: (income, expense) summed over the units
/// that record it.
fn flow_totals(set: &TemplateSet, units: &[Unit]) -> Vec<(Decimal, Decimal)> {
    set.flows
        .iter()
        .map(|f| {
            let mut inc = Decimal::ZERO;
            let mut exp = Decimal::ZERO;
            for u in units.iter().filter(|u| u.counts()) {
                let Some(wb) = &u.wb else { continue };
                if u.r.main == f.main_receives {
                    inc += column_sum(wb, &f.income);
                } else {
                    exp += column_sum(wb, &f.expense);
                }
            }
            (inc, exp)
        })
        .collect()
}

/// Offsets that match on both sides, and flows left counted twice.
fn flow_findings(set: &TemplateSet, dept: &Workbook, units: &[Unit]) -> Vec<Finding> {
    let mut out = Vec::new();
    let two_sides = units.iter().any(|u| u.counts() && u.r.main)
        && units.iter().any(|u| u.counts() && !u.r.main);
    for (f, (inc, exp)) in set.flows.iter().zip(flow_totals(set, units)) {
        let ai = column_sum(dept, &f.income);
        let ae = column_sum(dept, &f.expense);
        if ai != ae {
            let mut x = finding(
                set,
                "CONS-抵消",
                "",
                &f.name,
                format!(
                    "内部往来「{}」的抵消两方不等：{}调整 {} ≠ {}调整 {}（差 {}）",
                    f.name,
                    col_label(set, &f.income),
                    crate::amount::format_amount(ai, 2),
                    col_label(set, &f.expense),
                    crate::amount::format_amount(ae, 2),
                    crate::amount::format_amount((ai - ae).abs(), 2)
                ),
            );
            x.severity = severity(set, "CONS-抵消", Severity::Error);
            x.lhs = Some(ai);
            x.rhs = Some(ae);
            out.push(x);
        } else if two_sides && ai.is_zero() && !inc.is_zero() && !exp.is_zero() {
            out.push(finding(
                set,
                "CONS-往来",
                "",
                &f.name,
                format!(
                    "内部往来「{}」尚未抵消：收入方 {} 万元、支出方 {} 万元都计入了部门合计（点「建议抵消」）",
                    f.name,
                    crate::amount::format_amount(inc, 2),
                    crate::amount::format_amount(exp, 2)
                ),
            ));
        }
    }
    out
}

/// One suggested 调整: (table, row, 栏次, amount).
pub type Offset = (String, String, String, Decimal);

/// The 调整 that offset each internal flow whose two sides are equal: every row of the income
/// column of the receivers and of the expense column of the payers, negated. A flow whose sides
/// differ is listed in `unmatched` (name, income, expense) for the user to enter by hand.
pub fn suggest(
    set: &TemplateSet,
    units: &[Unit],
) -> (Vec<Offset>, Vec<(String, Decimal, Decimal)>) {
    let mut acc: BTreeMap<(String, String, String), Decimal> = BTreeMap::new();
    let mut unmatched = Vec::new();
    for (f, (inc, exp)) in set.flows.iter().zip(flow_totals(set, units)) {
        if inc.is_zero() && exp.is_zero() {
            continue;
        }
        if inc != exp {
            unmatched.push((f.name.clone(), inc, exp));
            continue;
        }
        for u in units.iter().filter(|u| u.counts()) {
            let Some(wb) = &u.wb else { continue };
            let (table, col) = if u.r.main == f.main_receives {
                &f.income
            } else {
                &f.expense
            };
            let Some(t) = wb.tables.get(table) else {
                continue;
            };
            for (row, r) in &t.rows {
                if let Some(v) = r.values.get(col).filter(|v| !v.is_zero()) {
                    *acc.entry((table.clone(), row.clone(), col.clone()))
                        .or_default() -= *v;
                }
            }
        }
    }
    (
        acc.into_iter().map(|((t, r, c), v)| (t, r, c, v)).collect(),
        unmatched,
    )
}

/// Each unit's part of one cell of the consolidated tables (its own figure there, derived cells
/// included), then the 调整's: what a drill-down lists.
pub fn parts(
    units: &[(String, &Model)],
    adjust: Option<&Model>,
    table: &str,
    row: &str,
    col: &str,
) -> Vec<(String, Decimal)> {
    let mut out: Vec<(String, Decimal)> = units
        .iter()
        .map(|(name, m)| {
            let v = m
                .cell_id(table, row, col)
                .map_or(Decimal::ZERO, |id| m.value_of(id));
            (name.clone(), v)
        })
        .collect();
    if let Some(m) = adjust {
        if let Some(id) = m.cell_id(table, row, col) {
            let v = m.value_of(id);
            if !v.is_zero() {
                out.push((ADJUST.to_string(), v));
            }
        }
    }
    out
}
