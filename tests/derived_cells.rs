//! A figure is typed once: 公开01表 行1 (一般公共预算财政拨款收入) is what is left of 公开02表
//! 合计 财政拨款收入 after 行2/行3, and a workbook written before that template change still
//! opens, its typed figure kept as the printed figure (原表数) the computed value is checked
//! against.

use gongkai::engine::{evaluate, UnitMeta, Workbook};
use gongkai::store::{Change, Store};
use gongkai::template::{Registry, Severity};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn new_workbook(set: &str) -> Workbook {
    Workbook::new(
        set,
        UnitMeta {
            name: "测试服务中心".into(),
            year: 2024,
            profile: "山西".into(),
        },
    )
}

/// Only the leaf 项 of 公开02表, 公开03表 and 公开05表 typed (income = spending, nothing carried over).
fn leaves_only(set: &str) -> Workbook {
    let mut wb = new_workbook(set);
    // 02: 财政拨款 and 其他收入 on two 项.
    wb.set_value("02", "2080901", "2", Some(d("120.50")));
    wb.set_value("02", "2010101", "2", Some(d("300.00")));
    wb.set_value("02", "2010101", "7", Some(d("10.00")));
    // 03: the same 430.50 spent as 基本 and 项目.
    wb.set_value("03", "2080901", "3", Some(d("120.50")));
    wb.set_value("03", "2010101", "2", Some(d("310.00")));
    // 05: the 财政拨款 part of that spending.
    wb.set_value("05", "2080901", "3", Some(d("120.50")));
    wb.set_value("05", "2010101", "2", Some(d("300.00")));
    wb
}

#[test]
fn leaf_items_alone_give_no_error_and_01_row1_follows_02() {
    let reg = Registry::builtin();
    for set_id in ["shanxi-juesuan-2023", "shanxi-juesuan-2024"] {
        let set = reg.set(set_id).unwrap();
        let wb = leaves_only(set_id);
        let ev = evaluate(set, &wb).unwrap();
        let errors: Vec<String> = ev
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{} {}", f.rule, f.message))
            .collect();
        assert!(errors.is_empty(), "{set_id}: {errors:#?}");
        assert_eq!(
            ev.model.value("01", "1", "1"),
            Some(d("420.50")),
            "{set_id}"
        );
        assert_eq!(ev.model.value("01", "8", "1"), Some(d("10.00")));
        assert_eq!(
            ev.model.value("01", "31", "1"),
            ev.model.value("01", "62", "2")
        );
        // 政府性基金 typed in 行2 is taken out of 行1, never counted twice.
        let mut wb2 = wb.clone();
        wb2.set_value("01", "2", "1", Some(d("20.50")));
        let ev2 = evaluate(set, &wb2).unwrap();
        assert_eq!(ev2.model.value("01", "1", "1"), Some(d("400.00")));
        assert_eq!(
            ev2.model.value("04", "1", "1"),
            Some(d("400.00")),
            "04 takes 行1 from 01"
        );
    }
}

#[test]
fn more_in_rows_2_and_3_than_02_holds_is_an_error() {
    let reg = Registry::builtin();
    let set = reg.set("shanxi-juesuan-2024").unwrap();
    let mut wb = leaves_only("shanxi-juesuan-2024");
    wb.set_value("01", "2", "1", Some(d("500.00")));
    let ev = evaluate(set, &wb).unwrap();
    assert_eq!(ev.model.value("01", "1", "1"), Some(d("-79.50")));
    assert!(
        ev.findings
            .iter()
            .any(|f| f.severity == Severity::Error && f.message.contains("-79.50")),
        "{:#?}",
        ev.findings
    );
}

#[test]
fn an_older_file_with_row1_typed_opens_and_keeps_the_figure_as_printed() {
    let reg = Registry::builtin();
    let set = reg.set("shanxi-juesuan-2024").unwrap();
    let dir = std::env::temp_dir().join(format!("gongkai 公开-derived-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("旧.gongkai");
    let mut s = Store::create(&path, &leaves_only("shanxi-juesuan-2024")).unwrap();
    // What an earlier version stored: 行1 typed (wrongly: 02 gives 420.50).
    s.apply(
        "旧版填写",
        &[Change::value("01", "1", "1", Some(d("421.00")))],
    )
    .unwrap();
    drop(s);
    // The typed figure makes the workbook refuse to evaluate as it is…
    let mut s = Store::open(&path).unwrap();
    assert!(evaluate(set, s.workbook()).is_err());
    // …and settles into the printed figure, one undoable step.
    let moved = s.settle(set).unwrap();
    assert_eq!(moved, vec!["公开01表 行1 栏1".to_string()]);
    assert_eq!(s.workbook().value("01", "1", "1"), None);
    let asserted = s.workbook().tables["01"].rows["1"]
        .asserted
        .get("1")
        .copied();
    assert_eq!(asserted, Some(d("421.00")));
    let ev = evaluate(set, s.workbook()).unwrap();
    let diff = ev
        .findings
        .iter()
        .find(|f| f.rule == "X-01/02b")
        .expect("the printed 421.00 is checked against 420.50");
    assert!(diff.message.contains("421.00") && diff.message.contains("420.50"));
    assert!(s.undo_label().unwrap().contains("模板更新"));
    // Nothing more to settle; `check` on the file does the same in memory.
    assert!(s.settle(set).unwrap().is_empty());
    drop(s);
    let (_, full) = gongkai::io::check_file(reg, &path).unwrap();
    assert!(full.ev.findings.iter().any(|f| f.rule == "X-01/02b"));
    let _ = std::fs::remove_dir_all(&dir);
}
