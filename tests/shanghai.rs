//! The second region: 上海's 部门决算 set (表一–表九, 三公 before the 基金/国资 tables, no 表号 or
//! 部门名称 line printed), made from the published 2025 document of 上海市普陀区生态环境局 and run
//! through the same machinery as the 山西 sets — no table-specific code. Its sample is that
//! document as printed: every printed total is reproduced but the document's own 0.01 slips and
//! its two truncated 科目 names, which are flagged (docs: the set's set.toml and the sample).

mod common;
use common::{fresh_dir, run};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/samples/juesuan-2025-putuo-shengtai.json"
);

#[test]
fn the_sample_reproduces_the_printed_totals_and_flags_only_the_documents_slips() {
    let reg = gongkai::template::Registry::builtin();
    let wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    assert_eq!(wb.template_set, "shanghai-juesuan-2025");
    let set = reg.set(&wb.template_set).unwrap();
    assert_eq!(set.region, "上海");
    assert_eq!(set.tables.len(), 9);
    // 三公 is 表七, before 政府性基金 (表八) and 国有资本经营 (表九).
    let labels: Vec<(&str, &str)> = set
        .tables
        .iter()
        .map(|t| (t.label.as_str(), t.title.as_str()))
        .collect();
    assert_eq!(labels[6], ("表七", "财政拨款“三公”经费支出决算表"));
    assert_eq!(labels[7].1, "政府性基金预算财政拨款收入支出决算表");
    assert_eq!(labels[8].1, "国有资本经营预算财政拨款收入支出决算表");
    let full = gongkai::evaluate::evaluate_full(reg, set, &wb).unwrap();
    let mut got: Vec<String> = full
        .ev
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {}",
                f.severity.label(),
                f.rule,
                f.table,
                f.row,
                f.col
            )
        })
        .collect();
    got.sort();
    // Hand-checked against the printed document: 0.01 tails (表三/表五 rows and totals, 表六 310
    // and 公用经费合计) and 表二's truncated names of 2080505 / 2080506.
    let mut want = vec![
        "提示 CODE-2 02 2080505 ",
        "提示 CODE-2 02 2080506 ",
        "提示 03-R 03 2111101 1",
        "提示 03-R 03 211 1",
        "提示 03-R 03 21111 1",
        "提示 H0 03 合计 3",
        "提示 05-R 05 2111101 1",
        "提示 05-R 05 211 1",
        "提示 05-R 05 21111 1",
        "提示 05-R 05 合计 1",
        "提示 06-3 06 310 1",
        "提示 06-2 06 公用经费合计 1",
    ];
    want.sort();
    assert_eq!(got, want);
    // Totals as printed: 表一 本年收入合计 4,733.14 (printed), 支出 类 208 471.44.
    let m = &full.ev.model;
    assert_eq!(
        m.value("01", "本年收入合计", "1").map(|v| v.to_string()),
        Some("4733.14".into())
    );
}

#[test]
fn it_prints_as_the_shanghai_form_and_round_trips_through_excel() {
    let dir = fresh_dir("shanghai", "print");
    let pdf = dir.join("生态环境局.pdf");
    let (code, out, err) = run(&[
        "export-pdf",
        SAMPLE,
        "--part",
        "tables",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("已导出"));
    let pages = gongkai::print::verify::read(&std::fs::read(&pdf).unwrap()).unwrap();
    let first = &pages[0];
    assert!(first.runs.iter().any(|r| r == "收入支出决算总表"));
    assert!(
        first.runs.iter().any(|r| r == "单位：万元"),
        "{:?}",
        first.runs
    );
    // No 表号 and no 部门名称 line: the form prints none.
    assert!(
        !first
            .runs
            .iter()
            .any(|r| r == "表一" || r.starts_with("部门名称")),
        "{:?}",
        first.runs
    );
    let all: String = pages
        .iter()
        .map(|p| p.text())
        .collect::<Vec<_>>()
        .join("\n");
    // The empty 表八/表九 print the unit's own reason.
    assert!(all.contains("故本表无数据"), "{all}");
    // Excel: exported in the form's layout and read back to the same workbook.
    let xlsx = dir.join("生态环境局.xlsx");
    let (code, _, err) = run(&["export", SAMPLE, "--xlsx", "-o", xlsx.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let back = dir.join("back.gongkai");
    let (code, _, err) = run(&[
        "import",
        xlsx.to_str().unwrap(),
        "--into",
        back.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (_, a, _) = run(&["export", back.to_str().unwrap(), "--json"]);
    let wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    assert_eq!(a, gongkai::io::json::to_json(&wb));
}
