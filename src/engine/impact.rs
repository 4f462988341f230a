//! What moving a workbook to another template set means for its figures (the window's 模板集
//! and `gongkai templates diff --workbook`).

use crate::template::{CellSpec, TemplateSet};

/// What moving `wb` from set `a` to set `b` means for it, before anything is written: figures
/// whose table, row or 栏 has no place in `b` (or is no longer typed there), and its 科目 that
/// `b`'s code list names otherwise or does not know.
pub fn impact(wb: &super::Workbook, a: &TemplateSet, b: &TemplateSet) -> Vec<String> {
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
