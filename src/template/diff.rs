//! "What changed" between two template sets (a year's new set, another region's): tables added
//! or removed, titles, 表号, 注 and units, columns and fixed rows added, removed or renamed, cells
//! that changed kind, checks, rules of the catalogue, and the 科目 of the code lists the sets
//! use. Each change is one line a person can read; the code-list changes are kept apart.

use super::{CellSpec, RowKind, TableTemplate, TemplateSet};
use std::collections::BTreeMap;

/// The changes from `a` to `b`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SetDiff {
    /// Changes of the tables (by table, in `b`'s order) and of the rule catalogue.
    pub tables: Vec<String>,
    /// 科目 renamed, added or removed between the code lists the two sets use.
    pub codes: Vec<String>,
}

impl SetDiff {
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.codes.is_empty()
    }
}

fn cell_kind(a: &TemplateSet, c: Option<&CellSpec>) -> String {
    match c {
        None => "无".into(),
        Some(CellSpec::Input) => "填报".into(),
        Some(CellSpec::Locked) => "不填（——）".into(),
        Some(CellSpec::Formula { rule, .. }) => format!(
            "计算（{}）",
            a.rules.get(*rule).map(|r| r.id.as_str()).unwrap_or("?")
        ),
    }
}

/// Fixed data rows by key, with their printed label.
fn rows(t: &TableTemplate) -> BTreeMap<&str, (usize, &super::RowTemplate)> {
    t.rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == RowKind::Data)
        .map(|(i, r)| (r.key.as_str(), (i, r)))
        .collect()
}

fn table_diff(
    sa: &TemplateSet,
    a: &TableTemplate,
    sb: &TemplateSet,
    b: &TableTemplate,
    out: &mut Vec<String>,
) {
    let l = &b.label;
    for (what, x, y) in [
        ("表号", &a.label, &b.label),
        ("标题", &a.title, &b.title),
        ("注", &a.note, &b.note),
        ("金额单位", &a.unit, &b.unit),
        ("本表无数据的说明", &a.empty_text, &b.empty_text),
    ] {
        if x != y {
            out.push(format!("{l} {what}：「{x}」→「{y}」"));
        }
    }
    if a.landscape != b.landscape {
        out.push(format!(
            "{l} 版面：{}",
            if b.landscape {
                "改为横向"
            } else {
                "改为纵向"
            }
        ));
    }
    // Columns by 栏次.
    for c in &a.columns {
        match b.columns.iter().find(|x| x.no == c.no) {
            None => out.push(format!("{l} 删去栏{}「{}」", c.no, c.label)),
            Some(x) if x.label != c.label => out.push(format!(
                "{l} 栏{} 改名：「{}」→「{}」",
                c.no, c.label, x.label
            )),
            _ => {}
        }
    }
    for c in &b.columns {
        if !a.columns.iter().any(|x| x.no == c.no) {
            out.push(format!("{l} 新增栏{}「{}」", c.no, c.label));
        }
    }
    // Fixed rows by key (行次 or 科目代码).
    let (ra, rb) = (rows(a), rows(b));
    for (k, (_, r)) in &ra {
        if !rb.contains_key(k) {
            out.push(format!("{l} 删去行{k}「{}」", r.label));
        }
    }
    for (k, (_, r)) in &rb {
        match ra.get(k) {
            None => out.push(format!("{l} 新增行{k}「{}」", r.label)),
            Some((_, x)) => {
                if x.label != r.label {
                    out.push(format!("{l} 行{k} 改名：「{}」→「{}」", x.label, r.label));
                }
                for (ci, c) in b.columns.iter().enumerate() {
                    let Some(ca) = a.col_index(&c.no) else {
                        continue;
                    };
                    let (ka, kb) = (cell_kind(sa, x.cell(ca)), cell_kind(sb, r.cell(ci)));
                    if ka != kb {
                        out.push(format!("{l} 行{k} 栏{}：{ka} → {kb}", c.no));
                    }
                }
            }
        }
    }
    if a.coded.is_some() != b.coded.is_some() {
        out.push(format!(
            "{l} 行：{}",
            if b.coded.is_some() {
                "改为按科目代码列示"
            } else {
                "改为固定行"
            }
        ));
    }
    // Checks by rule and expression.
    let checks = |s: &TemplateSet, t: &TableTemplate| -> Vec<String> {
        t.checks
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    s.rules.get(c.rule).map_or("?", |r| r.id.as_str()),
                    c.source
                )
            })
            .collect()
    };
    let (ca, cb) = (checks(sa, a), checks(sb, b));
    for c in &ca {
        if !cb.contains(c) {
            out.push(format!("{l} 删去审核：{c}"));
        }
    }
    for c in &cb {
        if !ca.contains(c) {
            out.push(format!("{l} 新增审核：{c}"));
        }
    }
}

/// What changed from `a` to `b`.
pub fn diff(a: &TemplateSet, b: &TemplateSet) -> SetDiff {
    let mut out = SetDiff::default();
    for t in &a.tables {
        if b.table(&t.id).is_none() {
            out.tables.push(format!("删去 {} {}", t.label, t.title));
        }
    }
    for (i, t) in b.tables.iter().enumerate() {
        match a.table(&t.id) {
            None => out.tables.push(format!("新增 {} {}", t.label, t.title)),
            Some(j) => {
                if i != j {
                    out.tables
                        .push(format!("{} 顺序：第{}张 → 第{}张", t.label, j + 1, i + 1));
                }
                table_diff(a, &a.tables[j], b, t, &mut out.tables);
            }
        }
    }
    for r in &a.rules {
        match b.rules.iter().find(|x| x.id == r.id) {
            None => out
                .tables
                .push(format!("删去审核规则 {}「{}」", r.id, r.title)),
            Some(x) => {
                if x.title != r.title {
                    out.tables.push(format!(
                        "审核规则 {} 说明：「{}」→「{}」",
                        r.id, r.title, x.title
                    ));
                }
                if x.severity != r.severity {
                    out.tables.push(format!(
                        "审核规则 {} 级别：{} → {}",
                        r.id,
                        r.severity.label(),
                        x.severity.label()
                    ));
                }
            }
        }
    }
    for r in &b.rules {
        if !a.rules.iter().any(|x| x.id == r.id) {
            out.tables
                .push(format!("新增审核规则 {}「{}」", r.id, r.title));
        }
    }
    // The code lists both sets name (功能分类 …), 科目 by 科目.
    for la in &a.code_lists {
        let Some(lb) = b.code_lists.iter().find(|x| x.id == la.id) else {
            continue;
        };
        if la.free || lb.free {
            continue;
        }
        for (code, name) in &la.codes {
            match lb.codes.get(code) {
                None => out.codes.push(format!("{} {code}「{name}」停用", la.id)),
                Some(n) if n != name => out
                    .codes
                    .push(format!("{} {code} 改名：「{name}」→「{n}」", la.id)),
                _ => {}
            }
        }
        for (code, name) in &lb.codes {
            if !la.codes.contains_key(code) {
                out.codes.push(format!("{} {code}「{name}」新增", la.id));
            }
        }
    }
    out
}

/// What moving `wb` from set `a` to set `b` means for it, before anything is written: figures
/// whose table, row or 栏 has no place in `b` (or is no longer typed there), and its 科目 that
/// `b`'s code list names otherwise or does not know.
pub fn impact(wb: &crate::engine::Workbook, a: &TemplateSet, b: &TemplateSet) -> Vec<String> {
    let mut out = Vec::new();
    let amount = |v: &rust_decimal::Decimal| crate::amount::format_amount(*v, 2);
    for (tid, t) in &wb.tables {
        let la = a
            .table(tid)
            .map_or(tid.clone(), |i| a.tables[i].label.clone());
        let Some(tb) = b.table(tid).map(|i| &b.tables[i]) else {
            let n: usize = t.rows.values().map(|r| r.values.len()).sum();
            if n > 0 {
                out.push(format!("{la} 在新模板集中没有：其中 {n} 个数没有位置"));
            }
            continue;
        };
        let list = tb
            .coded
            .as_ref()
            .and_then(|c| b.code_lists.get(c.code_list));
        let old_list = a
            .table(tid)
            .and_then(|i| a.tables[i].coded.as_ref())
            .and_then(|c| a.code_lists.get(c.code_list));
        let total = tb.coded.as_ref().map(|c| c.total_key.as_str());
        for (key, r) in &t.rows {
            if let Some(list) = list.filter(|l| !l.free) {
                // The 合计 row and rows holding only printed figures are not 科目 of the unit's.
                if Some(key.as_str()) == total || (r.values.is_empty() && r.name.is_none()) {
                    continue;
                }
                let before = r
                    .name
                    .clone()
                    .or_else(|| old_list.and_then(|l| l.name_of(key)).map(String::from));
                match (list.name_of(key), before) {
                    (None, _) => out.push(format!("{la} 科目 {key} 不在新的科目表中")),
                    (Some(n), Some(o)) if n != o => {
                        out.push(format!("{la} 科目 {key} 改名：「{o}」→「{n}」"))
                    }
                    _ => {}
                }
                for (c, v) in &r.values {
                    if tb.col_index(c).is_none() {
                        out.push(format!(
                            "{la} {key} 栏{c} 的 {} 没有位置（新模板没有栏{c}）",
                            amount(v)
                        ));
                    }
                }
                continue;
            }
            let row = tb.row_index(key).map(|i| &tb.rows[i]);
            for (c, v) in &r.values {
                let col = tb.col_index(c);
                let what = match (row, col) {
                    (None, _) => Some(format!("新模板没有行{key}")),
                    (_, None) => Some(format!("新模板没有栏{c}")),
                    (Some(row), Some(ci)) => match row.cell(ci) {
                        Some(CellSpec::Input) => None,
                        Some(CellSpec::Formula { .. }) => {
                            Some("新模板中这一格由计算得出".to_string())
                        }
                        _ => Some("新模板中这一格不填".to_string()),
                    },
                };
                if let Some(w) = what {
                    out.push(format!("{la} 行{key} 栏{c} 的 {}：{w}", amount(v)));
                }
            }
        }
    }
    out
}
