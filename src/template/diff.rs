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
