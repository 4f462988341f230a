//! The session layer: every step goes through `Session`, and the evaluation it keeps (forms
//! scored once and re-scored only where a step touched them) is always what a fresh evaluation
//! of the file gives — after form edits, table edits, a new form, a deleted form, a new year,
//! undo and redo.

use gongkai::engine::{Finding, Slot, Workbook};
use gongkai::io::json::from_json;
use gongkai::perf::PerfForm;
use gongkai::session::Session;
use gongkai::store::{Change, Store};
use gongkai::template::Registry;
use rust_decimal::Decimal;

mod common;

const SAMPLE: &str = include_str!("../assets/samples/juesuan-2023-yangquan.json");

fn key(f: &Finding) -> String {
    format!("{} {} {} {} {}", f.rule, f.table, f.row, f.col, f.message)
}

/// The session's findings and form totals equal a fresh evaluation of the file's workbook.
fn same_as_fresh(s: &Session, what: &str) {
    let reg = Registry::installed();
    let wb = s.store().workbook();
    let set = reg.set(&wb.template_set).unwrap();
    let fresh = gongkai::evaluate::evaluate_full(reg, set, wb).unwrap();
    let mut a: Vec<String> = s.findings.iter().map(key).collect();
    let mut b: Vec<String> = fresh.ev.findings.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "findings differ from a fresh evaluation after {what}");
    let totals = |v: &[gongkai::perf::Scored]| -> Vec<(String, Decimal, String)> {
        v.iter()
            .map(|x| (x.id.clone(), x.score.total, x.score.grade.clone()))
            .collect()
    };
    assert_eq!(
        totals(s.scored()),
        totals(&fresh.scored),
        "scores after {what}"
    );
    assert_eq!(
        s.narrative.as_ref().map(|n| format!("{:?}", n.sections)),
        fresh.text.as_ref().map(|n| format!("{:?}", n.sections)),
        "情况说明 after {what}"
    );
}

fn record_change(wb: &Workbook, id: &str, edit: impl FnOnce(&mut PerfForm)) -> Change {
    let r = &wb.records[id];
    let mut form = PerfForm::from_json(&r.body).unwrap();
    edit(&mut form);
    let rec = gongkai::engine::Record {
        kind: r.kind.clone(),
        body: form.to_json(),
    };
    Change::new(
        Slot::Record(id.into()),
        Some(gongkai::engine::workbook::record_text(&rec)),
    )
}

#[test]
fn the_kept_evaluation_is_always_a_fresh_one() {
    let path = common::fresh_dir("session", "kept").join("s.gongkai");
    Store::create(&path, &from_json(SAMPLE).unwrap()).unwrap();
    let mut s = Session::open(&path).unwrap();
    same_as_fresh(&s, "opening");
    let first: Vec<String> = s
        .store()
        .workbook()
        .records
        .keys()
        .take(3)
        .cloned()
        .collect();

    // A form's 完成值 changed: its score changes, the others are kept.
    let before = s.scored_form(&first[0]).unwrap().score.total;
    let c = record_change(s.store().workbook(), &first[0], |f| {
        for i in f.indicators.iter_mut() {
            i.actual = "0".into();
            i.score = i.score.map(|_| Decimal::ZERO);
        }
        for v in f.blocks.values_mut() {
            *v = Decimal::ZERO;
        }
    });
    assert_eq!(s.apply("改完成值", &[c]).unwrap().len(), 1);
    same_as_fresh(&s, "a form edit");
    assert_ne!(s.scored_form(&first[0]).unwrap().score.total, before);

    // Half-width punctuation typed into a form's field is found with the form.
    let c = record_change(s.store().workbook(), &first[1], |f| {
        f.fields.insert("项目名称".into(), "花篮制作(二期)".into());
    });
    s.apply("改名称", &[c]).unwrap();
    same_as_fresh(&s, "a half-width bracket in a form");
    assert!(s
        .findings
        .iter()
        .any(|f| f.rule == "N-半角" && f.table == first[1]));

    // A table cell: the forms stay scored as they were, X-绩效/03 follows the table.
    s.apply(
        "输入",
        &[Change::value(
            "03",
            "2080901",
            "3",
            Some(Decimal::new(99999, 2)),
        )],
    )
    .unwrap();
    same_as_fresh(&s, "a table cell");

    // A new form, a deleted form.
    let copy = s.store().workbook().records[&first[2]].clone();
    let text = gongkai::engine::workbook::record_text(&copy);
    s.apply(
        "新建",
        &[Change::new(Slot::Record("自评99".into()), Some(text))],
    )
    .unwrap();
    same_as_fresh(&s, "a new form");
    assert!(s.scored_form("自评99").is_some());
    s.apply("删除", &[Change::new(Slot::Record(first[2].clone()), None)])
        .unwrap();
    same_as_fresh(&s, "a deleted form");
    assert!(s.scored_form(&first[2]).is_none());

    // A record that cannot be read, then repaired by undo.
    s.apply(
        "坏表单",
        &[Change::new(
            Slot::Record(first[0].clone()),
            Some(r#"{"kind":"没有这种表","body":{}}"#.into()),
        )],
    )
    .unwrap();
    same_as_fresh(&s, "an unreadable form");
    assert!(s.findings.iter().any(|f| f.rule == "FORM-1"));

    // Another year: every form is audited again for its deadlines.
    s.apply(
        "年度",
        &[Change::new(
            Slot::Meta("unit.year".into()),
            Some("2024".into()),
        )],
    )
    .unwrap();
    same_as_fresh(&s, "a new year");

    // Undo everything step by step, then redo it all: each state is a fresh one.
    let mut n = 0;
    while s.undo().unwrap().is_some() {
        n += 1;
        same_as_fresh(&s, &format!("undo {n}"));
    }
    assert!(n >= 7);
    while s.redo().unwrap().is_some() {
        same_as_fresh(&s, "redo");
    }
    // What is on disk is what the session shows.
    drop(s);
    let again = Session::open(&path).unwrap();
    same_as_fresh(&again, "reopening");
    assert!(again.findings.iter().any(|f| f.rule == "FORM-1"));
}

#[test]
fn the_command_line_and_the_window_share_the_session() {
    // `gongkai undo` goes through Session: the step a window made is taken back, and the
    // window's next session sees the file as it is.
    let path = common::fresh_dir("session", "shared").join("s.gongkai");
    Store::create(&path, &from_json(SAMPLE).unwrap()).unwrap();
    let mut s = Session::open(&path).unwrap();
    s.apply(
        "输入 公开03表",
        &[Change::value(
            "03",
            "2080901",
            "3",
            Some(Decimal::new(12345, 2)),
        )],
    )
    .unwrap();
    drop(s);
    let (code, out, err) = common::run(&["undo", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("已撤销：输入 公开03表"), "{out}");
    let s = Session::open(&path).unwrap();
    assert_eq!(
        s.store().workbook().value("03", "2080901", "3"),
        from_json(SAMPLE).unwrap().value("03", "2080901", "3")
    );
}
