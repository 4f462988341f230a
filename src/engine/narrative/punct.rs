//! Half-width punctuation inside Chinese text wherever the workbook keeps text a reader sees:
//! 科目 names (typed or imported), the unit's name, 概况, 情况说明 inputs, 名词解释, 本表无数据
//! reasons and every text of the 绩效 forms. One 提示 per stored text, with the fixed text the
//! window offers as one click (one undo step). Edited 情况说明 paragraphs are linted with the
//! paragraph (lint.rs).

use super::lint::{around, full_of, halfwidth_punct, to_fullwidth};
use super::render::{INPUT, OVERVIEW, TERM};
use crate::engine::perf::audit::RuleBook;
use crate::engine::{Finding, Slot, Workbook, NO_DATA};
use crate::template::{Severity, TemplateSet};

pub const RULE: &str = "N-半角";

/// One stored text to fix: the finding shown, the slot, and the slot's text fixed.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub finding: Finding,
    pub slot: Slot,
    pub text: String,
}

/// The first hit of a text and how many there are.
fn hits(text: &str) -> Option<(String, usize)> {
    let h = halfwidth_punct(text);
    let (i, c) = *h.first()?;
    Some((
        format!(
            "「{c}」（…{}…）应为全角「{}」",
            around(text, i, c.len_utf8()),
            full_of(c)
        ),
        h.len(),
    ))
}

/// Every string under `v` made full-width; the count, and the first hit (with `field`, the
/// form field it is in, empty outside `fields`).
fn fix_json(v: &mut serde_json::Value, field: &str, first: &mut Option<(String, String)>) -> usize {
    match v {
        serde_json::Value::String(s) => match hits(s) {
            Some((what, n)) => {
                if first.is_none() {
                    *first = Some((what, field.to_string()));
                }
                *s = to_fullwidth(s);
                n
            }
            None => 0,
        },
        serde_json::Value::Array(a) => a.iter_mut().map(|x| fix_json(x, field, first)).sum(),
        serde_json::Value::Object(o) => o.values_mut().map(|x| fix_json(x, field, first)).sum(),
        _ => 0,
    }
}

/// A form body made full-width: `fields` entries carry their key.
fn fix_body(body: &mut serde_json::Value, first: &mut Option<(String, String)>) -> usize {
    let serde_json::Value::Object(o) = body else {
        return fix_json(body, "", first);
    };
    o.iter_mut()
        .map(|(k, v)| match (k.as_str(), v) {
            ("fields", serde_json::Value::Object(f)) => {
                f.iter_mut().map(|(key, x)| fix_json(x, key, first)).sum()
            }
            (_, v) => fix_json(v, "", first),
        })
        .sum()
}

/// One finding with its fix.
#[allow(clippy::too_many_arguments)]
fn fix(
    severity: Severity,
    slot: Slot,
    text: String,
    table: &str,
    table_label: &str,
    row: &str,
    row_label: &str,
    place: String,
    what: String,
    n: usize,
) -> Fix {
    let more = if n > 1 {
        format!("（共 {n} 处）")
    } else {
        String::new()
    };
    Fix {
        finding: Finding {
            rule: RULE.into(),
            severity,
            table: table.into(),
            table_label: table_label.into(),
            row: row.into(),
            row_label: row_label.into(),
            col: String::new(),
            lhs: None,
            rhs: None,
            tail: false,
            message: format!("{place}：中文里用了半角标点{what}{more}"),
        },
        slot,
        text,
    }
}

fn severity(rules: &RuleBook) -> Severity {
    rules.get(RULE).map_or(Severity::Info, |r| r.1)
}

/// The texts of `wb` with half-width punctuation inside Chinese text.
/// `labels`: the printed name of each form by record id (「自评03」 when missing).
pub fn scan(
    rules: &RuleBook,
    set: &TemplateSet,
    wb: &Workbook,
    labels: &std::collections::BTreeMap<String, String>,
) -> Vec<Fix> {
    let mut out = scan_texts(rules, set, wb);
    out.extend(wb.records.iter().filter_map(|(id, r)| {
        let label = labels.get(id).map_or(id.as_str(), String::as_str);
        scan_record(rules, id, r, label)
    }));
    out
}

/// As [`scan`], without the forms: the unit's name, 科目 names and the workbook's texts.
pub fn scan_texts(rules: &RuleBook, set: &TemplateSet, wb: &Workbook) -> Vec<Fix> {
    let severity = severity(rules);
    let mut out = Vec::new();
    if let Some((what, n)) = hits(&wb.unit.name) {
        let slot = Slot::Meta("unit.name".into());
        out.push(fix(
            severity,
            slot,
            to_fullwidth(&wb.unit.name),
            super::TABLE,
            "单位名称",
            "",
            "",
            "单位名称".into(),
            what,
            n,
        ));
    }
    for (tid, t) in &wb.tables {
        let label = set
            .table(tid)
            .map(|i| set.tables[i].label.clone())
            .unwrap_or_else(|| tid.clone());
        for (key, r) in &t.rows {
            let Some(name) = r.name.as_deref() else {
                continue;
            };
            if let Some((what, n)) = hits(name) {
                let place = format!("{label} {key} 科目名称「{name}」");
                out.push(fix(
                    severity,
                    Slot::row(tid, key),
                    to_fullwidth(name),
                    tid,
                    &label,
                    key,
                    name,
                    place,
                    what,
                    n,
                ));
            }
        }
    }
    for (k, v) in &wb.texts {
        let place = if let Some(rest) = k.strip_prefix(OVERVIEW) {
            format!("概况「{rest}」")
        } else if let Some(rest) = k.strip_prefix(INPUT) {
            format!("情况说明输入项「{rest}」")
        } else if let Some(rest) = k.strip_prefix(TERM) {
            format!("名词解释「{rest}」")
        } else if let Some(tid) = k.strip_prefix(NO_DATA) {
            let label = set
                .table(tid)
                .map(|i| set.tables[i].label.clone())
                .unwrap_or_else(|| tid.to_string());
            format!("{label} 本表无数据的说明")
        } else {
            // Paragraph overrides are linted with their paragraph; the rest are marks.
            continue;
        };
        if let Some((what, n)) = hits(v) {
            out.push(fix(
                severity,
                Slot::Text(k.clone()),
                to_fullwidth(v),
                super::TABLE,
                &place,
                k,
                "",
                place.clone(),
                what,
                n,
            ));
        }
    }
    out
}

/// One form record's texts (`label`: its printed name): one finding for the record, with the
/// record fixed throughout.
pub fn scan_record(
    rules: &RuleBook,
    id: &str,
    r: &crate::engine::Record,
    label: &str,
) -> Option<Fix> {
    let mut body = r.body.clone();
    let mut first = None;
    let n = fix_body(&mut body, &mut first);
    let (what, key) = first?;
    let fixed = crate::engine::Record {
        kind: r.kind.clone(),
        body,
    };
    let place = if key.is_empty() {
        id.to_string()
    } else {
        format!("{id}「{key}」")
    };
    Some(fix(
        severity(rules),
        Slot::Record(id.to_string()),
        crate::engine::workbook::record_text(&fixed),
        id,
        label,
        &key,
        &key,
        place,
        what,
        n,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_stored_text_is_found_and_fixed_in_one_step() {
        let reg = crate::template::Registry::builtin();
        let mut wb = crate::interchange::json::from_json(include_str!(
            "../../../assets/samples/juesuan-2023-yangquan.json"
        ))
        .unwrap();
        let set = reg.set(&wb.template_set).unwrap();
        let before: Vec<Fix> = scan(&reg.narrative_rules, set, &wb, &Default::default());
        // The sample's own forms carry ASCII commas in Chinese sentences (as published).
        assert!(before.iter().any(|f| matches!(f.slot, Slot::Record(_))));
        wb.texts.insert(
            format!("{OVERVIEW}职能"),
            "负责全市退役军人工作,包括(一)安置".into(),
        );
        let para = format!("{}p1", crate::engine::narrative::render::OVERRIDE);
        wb.texts
            .insert(para.clone(), "不在此处检查,段落自有".into());
        wb.unit.name = "阳泉市退役军人事务局(本级)".into();
        let fixes = scan(&reg.narrative_rules, set, &wb, &Default::default());
        let overview = fixes
            .iter()
            .find(|f| f.slot == Slot::Text(format!("{OVERVIEW}职能")))
            .unwrap();
        assert_eq!(overview.text, "负责全市退役军人工作，包括（一）安置");
        assert!(
            overview.finding.message.contains("「,」"),
            "{}",
            overview.finding.message
        );
        assert!(
            overview.finding.message.contains("共 3 处"),
            "{}",
            overview.finding.message
        );
        assert!(!fixes.iter().any(|f| f.slot == Slot::Text(para.clone())));
        let name = fixes
            .iter()
            .find(|f| f.slot == Slot::Meta("unit.name".into()))
            .unwrap();
        assert_eq!(name.text, "阳泉市退役军人事务局（本级）");
        // Applying every fix leaves nothing to find; figures and thousands separators stay.
        for f in &fixes {
            wb.put(&f.slot, Some(&f.text)).unwrap();
        }
        assert!(scan(&reg.narrative_rules, set, &wb, &Default::default()).is_empty());
        let full = crate::engine::evaluate::evaluate_full(reg, set, &wb).unwrap();
        assert!(!full.ev.findings.iter().any(|f| f.rule == RULE));
    }
}
