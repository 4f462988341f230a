//! Worked example: the bundled sample (the juesuan-2023 seed's ten tables) reproduces every printed
//! total, and its genuine rounding tails are reported — with no false errors.

use gongkai::engine::{evaluate, Workbook};
use gongkai::io::json::from_json;
use gongkai::template::{Registry, Severity};
use rust_decimal::Decimal;
use std::str::FromStr;

const SAMPLE: &str = include_str!("../assets/samples/juesuan-2023-yangquan.json");

fn d(s: &str) -> Decimal {
    Decimal::from_str(&s.replace(',', "")).unwrap()
}

fn sample() -> Workbook {
    from_json(SAMPLE).unwrap()
}

/// Totals as printed in the seed, by (table, row, 栏次).
const PRINTED: &[(&str, &str, &str, &str)] = &[
    ("01", "27", "1", "3,573.41"),
    ("01", "31", "1", "3,598.36"),
    ("01", "58", "2", "3,442.07"),
    ("01", "62", "2", "3,598.36"),
    ("01", "39", "2", "3,390.18"),
    ("02", "合计", "1", "3,573.41"),
    ("02", "合计", "2", "3,383.31"),
    ("02", "合计", "7", "190.10"),
    ("02", "208", "1", "3,521.52"),
    ("02", "2080902", "1", "1,043.30"),
    ("03", "合计", "1", "3,442.07"),
    ("03", "合计", "2", "455.01"),
    ("03", "合计", "3", "2,987.06"),
    ("03", "20828", "3", "1,132.27"),
    ("04", "32", "1", "3,383.31"),
    ("04", "59", "2", "3,383.31"),
    ("04", "64", "3", "3,383.31"),
    ("04", "40", "2", "3,331.42"),
    ("05", "合计", "1", "3,383.31"),
    ("05", "合计", "2", "455.01"),
    ("05", "合计", "3", "2,928.30"),
    ("06", "人员经费合计", "1", "411.50"),
    ("06", "公用经费合计", "1", "43.51"),
    ("06", "301", "1", "397.84"),
    ("06", "302", "1", "43.51"),
    ("06", "303", "1", "13.66"),
    ("09", "1", "1", "4.54"),
    ("09", "1", "7", "4.54"),
    ("10", "1", "1", "92.75"),
    ("10", "7", "1", "4"),
];

#[test]
fn every_printed_total_is_reproduced() {
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    let ev = evaluate(set, &sample()).unwrap();
    for &(t, r, c, v) in PRINTED {
        assert_eq!(ev.model.value(t, r, c), Some(d(v)), "公开{t}表 {r} 栏{c}");
    }
    // Every figure the sample asserts (all printed totals of the ten tables) stands after recalculation.
    let wb = sample();
    let mut n = 0;
    for (t, data) in &wb.tables {
        for (r, row) in &data.rows {
            for (c, v) in &row.asserted {
                assert_eq!(ev.model.value(t, r, c), Some(*v), "公开{t}表 {r} 栏{c}");
                n += 1;
            }
        }
    }
    assert!(
        n > 150,
        "sample should assert every printed total, found {n}"
    );
}

#[test]
fn the_real_tails_are_reported_and_nothing_else() {
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    let ev = evaluate(set, &sample()).unwrap();
    let errors: Vec<_> = ev
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "false errors: {errors:#?}");
    // A correct printed document raises no warning: rounding tails within the tolerance of
    // RULES §3.6 are 尾数 (提示), as the forms' own 注 says conversion leaves them.
    let warnings: Vec<_> = ev
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
    let w = ev
        .findings
        .iter()
        .find(|f| f.rule == "H1" && f.row == "20809" && f.col == "1")
        .expect("the 0.02 tail of 20809");
    assert_eq!(w.severity, Severity::Info);
    assert_eq!(
        (
            w.rule.as_str(),
            w.table.as_str(),
            w.row.as_str(),
            w.col.as_str()
        ),
        ("H1", "03", "20809", "1")
    );
    assert_eq!((w.lhs, w.rhs), (Some(d("1883.06")), Some(d("1883.04"))));
    assert!(w.tail);
    assert_eq!(
        w.message,
        "公开03表 20809 退役安置 栏1：1,883.06 ≠ 下级项合计 1,883.04（差 0.02，尾数误差）"
    );
    // RULES §3.6: 19 further cells are off by exactly 0.01 — shown as 提示, each a genuine tail.
    let infos: Vec<_> = ev
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Info && f.tail)
        .filter(|f| (f.lhs.unwrap() - f.rhs.unwrap()).abs() == d("0.01"))
        .collect();
    assert_eq!(infos.len(), 19);
    for f in &infos {
        assert!(
            f.tail && (f.lhs.unwrap() - f.rhs.unwrap()).abs() == d("0.01"),
            "{f:#?}"
        );
    }
    assert!(infos.iter().any(|f| f.rule == "03-R" && f.row == "2080903"));
    assert!(infos
        .iter()
        .any(|f| f.rule == "H1" && f.table == "03" && f.row == "208"));
}

#[test]
fn typed_inputs_alone_give_a_consistent_document() {
    // Without the printed totals, everything is derived from the typed 项 figures: no findings at all
    // beyond the code list, and the totals land within the documented tails of the printed ones.
    let mut wb = sample();
    for t in wb.tables.values_mut() {
        for r in t.rows.values_mut() {
            r.asserted.clear();
        }
    }
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    let ev = evaluate(set, &wb).unwrap();
    // The seed's 项 figures add up to 3,383.29 (02) and 3,383.30 (05) against the printed 3,383.31
    // of 公开01表 行1, now computed from 02: rounding tails (尾数误差), never errors.
    let loud: Vec<_> = ev
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(loud.is_empty(), "{loud:#?}");
    assert!(ev
        .findings
        .iter()
        .filter(|f| f.rule != "EMPTY-1")
        .all(|f| f.tail));
    // 2080903 derives to 94.90 + 51.45 = 146.35 (printed 146.34), so 20809 = 1,883.05.
    assert_eq!(ev.model.value("03", "20809", "1"), Some(d("1883.05")));
    assert_eq!(ev.model.value("01", "1", "1"), Some(d("3383.29")));
    assert_eq!(ev.model.value("01", "31", "1"), Some(d("3598.34")));
    assert_eq!(ev.model.value("04", "1", "1"), Some(d("3383.29")));
    let diff = (ev.model.value("01", "58", "2").unwrap() - d("3442.07")).abs();
    assert!(diff <= d("0.05"), "{diff}");
}

#[test]
fn changing_one_item_names_every_table_that_no_longer_balances() {
    let mut wb = sample();
    // 公开05表 2080901 退役士兵安置 项目支出 24.38 → 34.38 (typed once, in one table).
    wb.set_value("05", "2080901", "3", Some(d("34.38")));
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    let ev = evaluate(set, &wb).unwrap();
    let tables: std::collections::BTreeSet<_> = ev
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.table.as_str())
        .collect();
    // The root is in 05 (its own sums). 04 takes its 栏3 from 05: its printed figures agree with
    // 05's printed ones, so it is named as a consequence (连带, 提示) of 05's difference, not as a
    // second error — and nothing that does not depend on 05 is named at all.
    assert_eq!(tables.into_iter().collect::<Vec<_>>(), vec!["05"]);
    let consequences: std::collections::BTreeSet<_> = ev
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Info && f.message.contains("连带：由公开05表"))
        .map(|f| f.table.as_str())
        .collect();
    assert!(consequences.contains("04"), "{consequences:?}");
    // 05 now exceeds 03 for that 项: the X-03/05≤ warning names both figures.
    assert!(ev
        .findings
        .iter()
        .any(|f| f.rule == "X-03/05≤" && f.row == "2080901" && f.message.contains("34.38")));
}

#[test]
fn findings_for_unknown_codes_locked_cells_and_counts() {
    let mut wb = sample();
    let t = wb.tables.get_mut("03").unwrap();
    let row = t.rows.entry("2089988".into()).or_default();
    row.name = Some("自定义科目".into());
    row.values.insert("2".into(), d("1"));
    wb.set_value("06", "30901", "1", Some(d("5")));
    wb.set_value("10", "14", "1", Some(d("2.5")));
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    let ev = evaluate(set, &wb).unwrap();
    let code = ev
        .findings
        .iter()
        .find(|f| f.rule == "CODE-1" && f.row == "2089988")
        .expect("unknown code flagged");
    // A well-formed code missing from the year's list may be new this year: 提示, once.
    assert_eq!(code.severity, Severity::Info);
    assert_eq!(ev.findings.iter().filter(|f| f.row == "2089988").count(), 1);
    assert!(code.message.contains("2089988") && code.message.contains("自定义科目"));
    assert_eq!(
        ev.model.tables[set.table("03").unwrap()]
            .rows
            .iter()
            .find(|r| r.key == "2089988")
            .unwrap()
            .label,
        "自定义科目"
    );
    let lock = ev
        .findings
        .iter()
        .find(|f| f.rule == "LOCK-1")
        .expect("locked cell flagged");
    assert!(
        lock.message.contains("公开06表 30901 房屋建筑物构建 栏1"),
        "{}",
        lock.message
    );
    assert_eq!(ev.model.value("06", "30901", "1"), Some(Decimal::ZERO));
    assert!(ev
        .findings
        .iter()
        .any(|f| f.rule == "INT-1" && f.row == "14"));
}

#[test]
fn the_2024_templates_evaluate_the_same_figures() {
    let mut wb = sample();
    wb.template_set = "shanxi-juesuan-2024".into();
    let set = Registry::builtin().set("shanxi-juesuan-2024").unwrap();
    let ev = evaluate(set, &wb).unwrap();
    assert_eq!(
        ev.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        0
    );
    assert_eq!(ev.model.value("01", "31", "1"), Some(d("3598.36")));
    wb.set_value("06", "31206", "1", Some(d("1.00")));
    let ev = evaluate(set, &wb).unwrap();
    assert_eq!(ev.model.value("06", "312", "1"), Some(d("1.00")));
}

#[test]
fn a_table_left_empty_is_one_root_finding_not_a_cascade() {
    // The sample with 公开03表 not entered at all: every check against it waits, named once.
    let mut wb = sample();
    wb.tables.remove("03");
    wb.records.clear();
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    let full = gongkai::evaluate::evaluate_full(Registry::builtin(), set, &wb).unwrap();
    let fs = &full.ev.findings;
    let loud: Vec<_> = fs
        .iter()
        .filter(|f| f.severity >= Severity::Warning && f.table.len() == 2)
        .collect();
    assert!(loud.is_empty(), "{loud:#?}");
    let root: Vec<_> = fs.iter().filter(|f| f.rule == "EMPTY-1").collect();
    assert_eq!(root.len(), 1, "{root:#?}");
    assert_eq!(root[0].table, "03");
    assert!(root[0].message.contains("公开03表") && root[0].message.contains("暂缓"));
    // The 情况说明 prints no "0万元" built on it: the figures it would take from 03 are marked.
    let text = full.text.as_ref().unwrap();
    let all: String = text
        .sections
        .iter()
        .flat_map(|s| s.paras.iter().map(|p| p.text.clone()))
        .collect();
    assert!(all.contains("【公开03表未填写】"), "{all}");
    assert!(!all.contains("基本支出0万元"), "{all}");
    // Declaring it 本表无数据 makes its zeros its figures: the contradictions come back.
    wb.texts
        .insert(format!("{}03", gongkai::engine::NO_DATA), String::new());
    let ev = evaluate(set, &wb).unwrap();
    assert!(ev
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error && f.rule == "X-01/03"));
    assert!(!ev
        .findings
        .iter()
        .any(|f| f.rule == "EMPTY-1" && f.table == "03"));
}

#[test]
fn a_name_that_differs_from_the_list_is_named_once_and_can_be_confirmed() {
    let mut wb = sample();
    // 2080505 printed under a shortened name in 03 and 05.
    for t in ["03", "05"] {
        if let Some(r) = wb.tables.get_mut(t).and_then(|t| t.rows.get_mut("2080505")) {
            r.name = Some("机关事业单位基本养老保险".into());
        }
    }
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    let ev = evaluate(set, &wb).unwrap();
    let named: Vec<_> = ev.findings.iter().filter(|f| f.rule == "CODE-2").collect();
    assert_eq!(named.len(), 1, "{named:#?}");
    assert_eq!(named[0].severity, Severity::Info);
    assert!(
        named[0].message.contains("机关事业单位基本养老保险")
            && named[0]
                .message
                .contains("机关事业单位基本养老保险缴费支出")
    );
    // Confirmed once in the workbook: not reported again, and printed under the confirmed name.
    wb.texts.insert(
        format!("{}2080505", gongkai::engine::ACCEPTED_CODE),
        "机关事业单位基本养老保险".into(),
    );
    let ev = evaluate(set, &wb).unwrap();
    assert!(!ev.findings.iter().any(|f| f.rule.starts_with("CODE-")));
    let t = set.table("03").unwrap();
    let row = ev.model.tables[t]
        .rows
        .iter()
        .find(|r| r.key == "2080505")
        .unwrap();
    assert_eq!(row.label, "机关事业单位基本养老保险");
}
