//! 预算公开 (山西 2024): the yusuan-2024 sample reproduces the seed's printed totals (its 0.02 tails
//! as warnings), names the 表三/表四/表六 contradictions the seed printed as "本表无数据", derives
//! those tables once the false "empty" figures are gone, writes the seed's correct narrative figures,
//! checks the target sheets against 表十二, and exports the 预算 document.

mod common;
use common::*;

use gongkai::engine::{Finding, Workbook};
use gongkai::template::{Registry, Severity};
use rust_decimal::Decimal;
use std::str::FromStr;

const YUSUAN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/samples/yusuan-2024-yangquan.json"
);

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn reg() -> &'static Registry {
    Registry::builtin()
}

fn load() -> Workbook {
    gongkai::io::json::from_json(&std::fs::read_to_string(YUSUAN).unwrap()).unwrap()
}

fn full(wb: &Workbook) -> gongkai::evaluate::Full<'static, 'static> {
    let set = reg().set(&wb.template_set).unwrap();
    gongkai::evaluate::evaluate_full(reg(), set, wb).unwrap()
}

fn errors<'a>(fs: &'a [Finding], table: &str) -> Vec<&'a Finding> {
    fs.iter()
        .filter(|f| f.table == table && f.severity == Severity::Error)
        .collect()
}

#[test]
fn the_seeds_empty_tables_are_named_as_contradictions() {
    let wb = load();
    let f = full(&wb);
    let fs = &f.ev.findings;
    // 表三 "本表无数据" while 表五 carries 774.48.
    let t3 = errors(fs, "03");
    assert!(
        t3.iter()
            .any(|x| x.row == "合计" && x.lhs == Some(d("0")) && x.rhs == Some(d("774.50"))),
        "{t3:#?}"
    );
    // 表四 likewise (财政拨款收支总预算 0): the root is 本年收入合计; the printed 收入总计 0 agrees
    // with it and is listed as its consequence (连带, 提示), not as a second error.
    let t4 = errors(fs, "04");
    assert!(
        t4.iter()
            .any(|x| x.row == "本年收入合计" && x.lhs == Some(d("0"))),
        "{t4:#?}"
    );
    assert!(fs.iter().any(|x| x.table == "04"
        && x.row == "收入总计"
        && x.severity == Severity::Info
        && x.message
            .contains("连带：由预算公开表4 本年收入合计 栏1的差额引起")));
    // 表六 empty though 基本支出 is 115.52.
    assert!(fs
        .iter()
        .any(|x| x.rule == "XY-5/6" && x.lhs == Some(d("115.52")) && x.rhs == Some(d("0"))));
    // The printed totals stand within their 0.02 tails (尾数: 提示, not errors).
    let tails: Vec<&Finding> = fs
        .iter()
        .filter(|x| x.table == "05" && x.row == "合计" && x.rule == "H0")
        .collect();
    assert_eq!(tails.len(), 2, "{tails:#?}");
    assert!(
        tails.iter().all(|x| x.severity == Severity::Info && x.tail),
        "{tails:#?}"
    );
    assert_eq!(f.ev.model.value("05", "合计", "1"), Some(d("774.48")));
    assert_eq!(f.ev.model.value("05", "合计", "3"), Some(d("658.96")));
    assert_eq!(f.ev.model.value("12", "合计", "2"), Some(d("658.96")));
    assert!(
        !fs.iter().any(|x| x.rule == "XY-5/12"),
        "表五 项目支出 = Σ 表十二"
    );
    // gongkai check exits 1 and names them.
    let (code, out, _) = run(&["check", YUSUAN]);
    assert_eq!(code, 1);
    for t in ["预算公开表3", "预算公开表4", "XY-5/6"] {
        assert!(out.contains(t), "{t}\n{out}");
    }
}

#[test]
fn derived_tables_cannot_be_empty_while_their_sources_are_not() {
    let mut wb = load();
    // Drop the false "本表无数据" figures: 表三 and 表四 follow 表五.
    wb.tables.remove("03");
    wb.tables.remove("04");
    let f = full(&wb);
    assert!(errors(&f.ev.findings, "03").is_empty() && errors(&f.ev.findings, "04").is_empty());
    assert_eq!(f.ev.model.value("03", "2082804", "3"), Some(d("371")));
    assert_eq!(f.ev.model.value("03", "合计", "2"), Some(d("115.54")));
    assert_eq!(f.ev.model.value("04", "收入总计", "1"), Some(d("774.48")));
    assert_eq!(f.ev.model.value("04", "208", "3"), Some(d("760.42")));
    // 表六 split 115.52 into 人员经费 and 公用经费: the last contradiction goes.
    wb.set_value("06", "30101", "2", Some(d("60.00")));
    wb.set_value("06", "30108", "2", Some(d("40.00")));
    wb.set_value("06", "30201", "3", Some(d("15.52")));
    let f = full(&wb);
    assert!(
        !f.ev.findings.iter().any(|x| x.rule == "XY-5/6"),
        "{:#?}",
        f.ev.findings
    );
    assert_eq!(f.ev.model.value("06", "合计", "1"), Some(d("115.52")));
    // 人员经费 cannot be typed on a 公用经费 款.
    assert_eq!(
        f.ev.model.cells[f.ev.model.cell_id("06", "30201", "2").unwrap() as usize].kind,
        gongkai::engine::CellKind::Locked
    );
}

#[test]
fn the_budget_narrative_reproduces_the_seeds_correct_figures() {
    let (code, out, e) = run(&["narrative", YUSUAN]);
    assert_eq!(code, 0, "{e}");
    for s in [
        "预算收入总计774.48万元",
        "比上年增加258.05万元，增长49.97%",
        "一般公共预算拨款收入774.48万元，占100.00%",
        "社会保障和就业支出760.42万元，占98.18%",
        "卫生健康支出5.14万元，占0.66%",
        "住房保障支出8.70万元，占1.12%",
        "政府采购预算总额43.45万元",
        "政府采购货物预算13.80万元",
        "政府采购服务预算29.65万元",
        "二级项目6个，共计金额658.96万元",
        "本单位无“三公”经费预算。",
        "我单位无机关运行经费。",
        // Where the seed printed 0 from its empty tables, the figures of 表一/表五.
        "支出预算774.48万元",
        "财政拨款收支总预算774.48万元",
        "基本支出115.52万元",
    ] {
        assert!(out.contains(s), "{s}\n{out}");
    }
    // The seed's own sentence, entered as an edit, is flagged against the tables.
    let mut wb = load();
    wb.texts.insert(
        "情况说明/支出".into(),
        "2024年度阳泉市退役军人服务中心支出预算0万元，其中：基本支出0万元，占0%；项目支出0万元，占0%。".into(),
    );
    let f = full(&wb);
    let n = f.text.unwrap();
    let e = n
        .findings
        .iter()
        .find(|x| x.rule == "N-改写")
        .expect("the 0 contradicts the tables");
    assert!(e.message.contains("774.48"), "{}", e.message);
    // 名词解释: the 预算 set's twelve items.
    assert_eq!(n.terms.len(), 12);
    assert!(n.terms[11].title.contains("财政拨款"));
}

#[test]
fn target_sheets_are_checked_against_table_twelve() {
    let mut wb = load();
    let f = full(&wb);
    // 150,000 → 15.00; 480,000 → 48.00; 129,600 → 12.96; 2,350,000 → 235.00; 250,000 → 25.00.
    assert!(
        !f.ev.findings.iter().any(|x| x.rule == "XY-12/目标"),
        "{:#?}",
        f.ev.findings
            .iter()
            .filter(|x| x.rule.starts_with("XY-12"))
            .collect::<Vec<_>>()
    );
    // The 300.00 project has no published target sheet: a note.
    let note =
        f.ev.findings
            .iter()
            .find(|x| x.rule == "XY-12/无目标表")
            .unwrap();
    assert_eq!(note.severity, Severity::Info);
    assert!(note.message.contains("300.00"));
    // 表十二 says 16.00 for 退役军人服务中心工作经费 while its sheet says 150,000 元.
    wb.set_value("12", "04", "3", Some(d("16")));
    let f = full(&wb);
    let w =
        f.ev.findings
            .iter()
            .find(|x| x.rule == "XY-12/目标")
            .unwrap();
    assert_eq!(w.table, "目标01");
    assert!(
        w.message.contains("15.00") && w.message.contains("16.00"),
        "{}",
        w.message
    );
}

#[test]
fn the_budget_document_exports_with_its_target_sheets() {
    let dir = fresh_dir("yusuan", "pdf");
    let o = dir.join("ys.pdf");
    let (code, so, e) = run(&["export-pdf", YUSUAN, "-o", o.to_str().unwrap()]);
    assert_eq!(code, 0, "{e}");
    assert!(so.contains("草稿"), "{so}");
    let pages = gongkai::print::verify::read(&std::fs::read(&o).unwrap()).unwrap();
    let all: String = pages
        .iter()
        .map(|p| p.text())
        .collect::<Vec<_>>()
        .join("\n");
    for s in [
        "2024年度单位预算公开",
        "预算收支总表",
        "项目支出预算表（本年预算）",
        "第三部分 情况说明",
        "项目支出绩效目标表",
        "实施期指标值",
        "一般公共预算当年拨款结构图",
    ] {
        assert!(all.contains(s), "{s}");
    }
    // Every target sheet prints its indicators (three-level names and both target values).
    let wb = gongkai::io::json::from_json(&std::fs::read_to_string(YUSUAN).unwrap()).unwrap();
    let mut n = 0;
    for r in wb.records.values() {
        let f = gongkai::perf::PerfForm::from_json(&r.body).unwrap();
        for ind in &f.indicators {
            let flat = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            let text = flat(&all);
            assert!(text.contains(&flat(&ind.name)), "{}", ind.name);
            assert!(
                text.contains(&flat(&ind.period_target)),
                "{}",
                ind.period_target
            );
            n += 1;
        }
    }
    assert!(n >= 40, "{n} indicators");
    // New budget workbooks: `new --set`.
    let w = dir.join("new.sqlite");
    let (code, out, e) = run(&[
        "new",
        w.to_str().unwrap(),
        "--unit",
        "测试单位",
        "--year",
        "2025",
        "--set",
        "shanxi-yusuan-2024",
    ]);
    assert_eq!(code, 0, "{e}");
    assert!(out.contains("shanxi-yusuan-2024"));
}

#[test]
fn a_merged_label_is_printed_again_on_the_next_page() {
    // An indicator grid longer than a page (目标01's indicators five times over): it breaks
    // between its rows (a shorter one moves whole to the next page).
    let dir = fresh_dir("yusuan", "relabel");
    let mut wb = gongkai::io::json::from_json(&std::fs::read_to_string(YUSUAN).unwrap()).unwrap();
    let r = wb.records.get_mut("目标01").unwrap();
    let mut f = gongkai::perf::PerfForm::from_json(&r.body).unwrap();
    let once = f.indicators.clone();
    for _ in 0..4 {
        f.indicators.extend(once.iter().cloned());
    }
    r.body = f.to_json();
    let src = dir.join("long.json");
    std::fs::write(&src, gongkai::io::json::to_json(&wb)).unwrap();
    let o = dir.join("t.pdf");
    let (code, _, e) = run(&[
        "export-pdf",
        src.to_str().unwrap(),
        "-o",
        o.to_str().unwrap(),
        "--part",
        "form:目标01",
    ]);
    assert_eq!(code, 0, "{e}");
    let pages = gongkai::print::verify::read(&std::fs::read(&o).unwrap()).unwrap();
    assert!(pages.len() >= 2);
    // Page 2 continues the 产出指标 / 时效指标 block: its header is repeated and so are the
    // labels of the merged cells, before the first indicator of the page.
    let p2 = pages[1].text();
    let at = |s: &str| {
        p2.find(s)
            .unwrap_or_else(|| panic!("{s} not on page 2: {p2}"))
    };
    assert!(at("（续）") < at("三级指标"));
    assert!(at("三级指标") < at("产出指标"));
    assert!(at("产出指标") < at("组织退役军人服务中心"));
    assert!(at("时效指标") < at("组织退役军人服务中心"));
}
