//! 情况说明: the juesuan-2023 sample (with its prior-year figures and reasons as inputs) reproduces
//! every figure of the seed's 情况说明; one changed amount changes every sentence bound to it;
//! edits, lint, missing and bad inputs, 名词解释 per year, and `gongkai narrative`.

mod common;
use common::*;

use gongkai::engine::{Finding, Workbook};
use gongkai::narrative::{self, render::change_text, spec::Format, Narrative};
use gongkai::template::{registry::embedded_files, Registry, Severity};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn reg() -> &'static Registry {
    Registry::builtin()
}

fn sample() -> Workbook {
    gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap()
}

fn generate(wb: &Workbook) -> Narrative {
    let set = reg().set(&wb.template_set).unwrap();
    let ev = gongkai::engine::evaluate(set, wb).unwrap();
    let n = narrative::template_for(reg(), &wb.template_set).unwrap();
    narrative::generate(reg(), n, &ev.model, wb)
}

fn paras(n: &Narrative) -> BTreeMap<String, String> {
    n.sections
        .iter()
        .flat_map(|s| s.paras.iter())
        .map(|p| (p.id.clone(), p.text.clone()))
        .collect()
}

fn rules(fs: &[Finding]) -> Vec<&str> {
    fs.iter().map(|f| f.rule.as_str()).collect()
}

/// Numbers in a text, separators removed, as decimals.
fn numbers(text: &str) -> Vec<Decimal> {
    narrative::lint::numbers(text)
        .into_iter()
        .filter_map(|(s, _, _)| s.replace(',', "").parse::<Decimal>().ok())
        .map(|d| d.normalize())
        .collect()
}

const SEED: &str = include_str!("fixtures/juesuan-2023-yangquan-veterans-bureau.txt");

/// The seed's 第三部分 情况说明.
fn seed_narrative() -> &'static str {
    let a = SEED.rfind("第三部分 情况说明").unwrap();
    let b = SEED.rfind("第四部分 名词解释").unwrap();
    &SEED[a..b]
}

#[test]
fn every_figure_of_the_seeds_narrative_is_reproduced_from_the_tables() {
    let n = generate(&sample());
    let text = n.plain();
    let ours = numbers(&text);
    let mut missing = Vec::new();
    for x in numbers(seed_narrative()) {
        if !ours.contains(&x) {
            missing.push(x);
        }
    }
    assert!(
        missing.is_empty(),
        "seed figures not generated: {missing:?}\n{text}"
    );
    // The figures the issue names, with their % sign.
    for f in [
        "94.68%",
        "5.32%",
        "13.22%",
        "86.78%",
        "98.29%",
        "98.47%",
        "4.69%",
        "1.11%",
        "18.49%",
        "181.03%",
        "93.22%",
        "183.43%",
        "82.39%",
        "109.18%",
        "60.43%",
        "0.97%",
        "10.25%",
        "15.77%",
        "11.82%",
        "0.24%",
        // The seed printed 下降100%; one precision per document gives 下降100.00%.
        "下降100.00%",
        "与上年相同",
        "3,598.36万元",
        "2,987.06万元",
    ] {
        assert!(text.contains(f), "{f} missing from\n{text}");
    }
    // The seed's doubled punctuation is not reproduced (reasons end with 。 in the inputs).
    assert!(!text.contains("。。") && !text.contains("。；"), "{text}");
    // The clause with no prior figure (卫生健康支出) is left out, as in the seed.
    let p = paras(&n);
    assert!(p["一般公共预算具体"].contains("卫生健康支出年初预算数18.57万元，支出决算数15.30万元，完成年初预算的82.39%，用于部门人员医疗保险缴费支出。住房保障支出"));
}

#[test]
fn the_seeds_own_defects_are_flagged() {
    let n = generate(&sample());
    let f = n
        .findings
        .iter()
        .find(|f| f.rule == "N-校验" && f.row == "一般公共预算具体")
        .expect("年初预算 1,868.96 vs Σ 类 1,868.37");
    assert_eq!((f.lhs, f.rhs), (Some(d("1868.96")), Some(d("1868.37"))));
    assert!(
        f.message.contains("1,868.96") && f.message.contains("1,868.37"),
        "{}",
        f.message
    );
    // 一般公共预算项目支出 2,987.06 claimed where 公开05表 has 2,928.30.
    assert!(n
        .findings
        .iter()
        .any(|f| f.rule == "N-校验" && f.lhs == Some(d("2928.30")) && f.rhs == Some(d("2987.06"))));
    // 25 projects claimed, 16 自评表 attached: a note, not an error.
    let g = n.findings.iter().find(|f| f.rule == "N-绩效").unwrap();
    assert_eq!(g.severity, Severity::Info);
    assert!(g.message.contains("25") && g.message.contains("16"));
    assert!(
        n.findings.iter().all(|f| f.severity != Severity::Error),
        "{:#?}",
        n.findings
    );
    // gongkai check reports them with the tables and forms.
    let (_, out, _) = run(&["check", SAMPLE]);
    assert!(out.contains("N-校验") && out.contains("1,868.37"), "{out}");
}

#[test]
fn one_changed_amount_changes_every_sentence_bound_to_it() {
    let before = paras(&generate(&sample()));
    let mut wb = sample();
    // 公开05表 2080901 退役士兵安置 项目支出 24.38 → 34.38.
    wb.set_value("05", "2080901", "3", Some(d("34.38")));
    // (The sample's printed totals above it now disagree; beyond the tolerance the derived value
    // is what later tables and the text use.)
    let n = generate(&wb);
    let after = paras(&n);
    let changed: Vec<&str> = before
        .keys()
        .filter(|k| before[*k] != after[*k])
        .map(String::as_str)
        .collect();
    for must in ["一般公共预算总体", "一般公共预算结构", "一般公共预算具体"]
    {
        assert!(
            changed.contains(&must),
            "{must} unchanged; changed: {changed:?}"
        );
    }
    for stays in ["收入", "基本支出", "三公总体", "政府采购", "国有资产"] {
        assert!(
            !changed.contains(&stays),
            "{stays} changed: {}",
            after[stays]
        );
    }
    // The printed totals carried a 0.01 tail; beyond the tolerance now, the derived sums stand.
    assert!(
        after["一般公共预算结构"].contains("3,393.30万元"),
        "{}",
        after["一般公共预算结构"]
    );
    assert!(after["一般公共预算结构"].contains("社会保障和就业支出（类）3,341.41万元，占比98.47%"));
    // A share that depends on the new total moves too.
    assert!(after["一般公共预算结构"].contains("住房保障支出（类）36.04万元，占比1.06%"));
    assert!(
        after["一般公共预算具体"].contains("完成年初预算的181.56%"),
        "{}",
        after["一般公共预算具体"]
    );
}

#[test]
fn change_words_rates_and_zero_bases() {
    let f = Format::default();
    assert_eq!(
        change_text(d("3598.36"), d("3437"), "收入总计", &f),
        "收入总计增加161.36万元，增长4.69%"
    );
    assert_eq!(
        change_text(d("4.54"), d("5.57"), "", &f),
        "减少1.03万元，下降18.49%"
    );
    assert_eq!(
        change_text(d("0"), d("0.18"), "", &f),
        "减少0.18万元，下降100%"
    );
    assert_eq!(change_text(d("0"), d("0"), "", &f), "与上年相同");
    // A zero base never yields a growth rate.
    assert_eq!(change_text(d("5"), d("0"), "", &f), "增加5.00万元");
    // From the displayed figures: 0.005 rounds to 0.01 first.
    assert_eq!(
        change_text(d("1.005"), d("1"), "", &f),
        "增加0.01万元，增长1.00%"
    );
}

#[test]
fn missing_and_bad_inputs_are_named_and_shown_in_the_text() {
    let mut wb = sample();
    wb.texts.remove("输入/上年.收入总计");
    wb.texts.insert("输入/上年.三公".into(), "五点五".into());
    let n = generate(&wb);
    let p = paras(&n);
    assert!(
        p["总体"].contains("【请填写：上年收入总计（万元）】"),
        "{}",
        p["总体"]
    );
    let miss = n.findings.iter().find(|f| f.rule == "N-缺输入").unwrap();
    assert_eq!(miss.row, "总体");
    assert!(miss.message.contains("上年收入总计"));
    let bad = n.findings.iter().find(|f| f.rule == "N-输入").unwrap();
    assert_eq!(bad.severity, Severity::Error);
    assert!(
        bad.message.contains("五点五") && bad.message.contains("不是有效数字"),
        "{}",
        bad.message
    );
    // The placeholder text is itself not flagged as a lint problem twice over.
    assert!(
        rules(&n.findings)
            .iter()
            .filter(|r| **r == "N-用语")
            .count()
            == 0,
        "{:#?}",
        n.findings
    );
}

#[test]
fn an_edited_paragraph_is_kept_and_its_numbers_checked_against_the_tables() {
    let mut wb = sample();
    wb.texts.insert(
        "情况说明/收入".into(),
        "2023年度收入合计3,573.41万元，其中：财政拨款收入3,383.31万元，占比94.86%；其他收入190.10万元，占比5.32%。".into(),
    );
    let n = generate(&wb);
    let para = n.sections[1].paras.iter().find(|p| p.id == "收入").unwrap();
    assert!(para.edited && para.text.contains("94.86%") && para.generated.contains("94.68%"));
    let f = n.findings.iter().find(|f| f.rule == "N-改写").unwrap();
    assert!(
        f.message.contains("94.86") && f.message.contains("94.68%"),
        "{}",
        f.message
    );
    // The same numbers in other words are fine.
    wb.texts.insert(
        "情况说明/收入".into(),
        "2023年度收入合计3573.41万元。财政拨款收入3,383.31万元，占94.68%；其他收入190.10万元，占5.32%。".into(),
    );
    assert!(!rules(&generate(&wb).findings).contains(&"N-改写"));
}

#[test]
fn lint_catches_the_usual_mistakes() {
    let mut wb = sample();
    wb.texts.insert(
        "情况说明/支出".into(),
        "2023年度支出合计3,442.07万元，其中：基本支出455.01万元，占比13.22；项目支出2,987.06元，比上年增加（减少）XX万元。。文化体育与传媒支出支出支出0万元。".into(),
    );
    let n = generate(&wb);
    let msgs: Vec<&str> = n
        .findings
        .iter()
        .filter(|f| f.rule == "N-用语" && f.row == "支出")
        .map(|f| f.message.as_str())
        .collect();
    let all = msgs.join("\n");
    for want in [
        "「XX」",
        "「增加（减少）」",
        "「。。」",
        "13.22」后缺少 %",
        "2,987.06元",
        "文化旅游体育与传媒支出",
        "词语重复",
    ] {
        assert!(all.contains(want), "{want} not in\n{all}");
    }
    // The generated text of the sample is clean.
    assert!(!rules(&generate(&sample()).findings).contains(&"N-用语"));
}

#[test]
fn terms_follow_the_year_and_edits_show_the_default() {
    let n = generate(&sample());
    assert_eq!(n.terms.len(), 12);
    assert_eq!(n.terms[4].title, "五、使用非财政拨款结余");
    assert!(n.terms[10].text.contains("（含车辆购置税）"));
    let mut wb = sample();
    wb.template_set = "shanxi-juesuan-2024".into();
    wb.unit.year = 2024;
    wb.records.clear();
    wb.tables.clear();
    let n24 = generate(&wb);
    assert_eq!(n24.terms.len(), 12);
    assert_eq!(n24.terms[4].title, "五、使用非财政拨款结余（含专用结余）");
    assert!(n24.terms[10].text.contains("（含车辆购置税、牌照费）"));
    assert_eq!(n.terms[0].text, n24.terms[0].text);

    let mut wb = sample();
    wb.texts.insert(
        "名词解释/1".into(),
        "指单位从同级财政部门取得的财政预算资金（含追加）。".into(),
    );
    let n = generate(&wb);
    assert!(n.terms[0].edited && n.terms[0].default == "指单位从同级财政部门取得的财政预算资金。");
}

#[test]
fn cli_prints_the_narrative_and_json() {
    let (code, out, err) = run(&["narrative", SAMPLE, "--terms"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("2023年度收入总计3,598.36万元") && out.contains("十二、机关运行经费"),
        "{out}"
    );
    assert!(out.contains("情况说明审核："));
    let (code, out, _) = run(&["narrative", SAMPLE, "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["sections"].as_array().unwrap().len(), 10);
    assert_eq!(v["terms"].as_array().unwrap().len(), 12);
    let (code, _, err) = run(&["narrative", "/nonexistent.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("无法生成"), "{err}");
}

#[test]
fn broken_narrative_templates_are_refused_with_the_file_named() {
    let file = "narrative/shanxi-juesuan.toml";
    for (from, to, want) in [
        ("{amt 01.31[1]}", "{sum 01.31[1]}", "未知函数「sum」"),
        ("@上年.收入总计", "@上年.收入", "未定义的输入「上年.收入」"),
        ("{text 原因.总体}", "{text 原因.全体}", "原因.全体"),
        (
            "each = \"05:3\"\nnonzero",
            "each = \"05\"\nnonzero",
            "表:代码位数",
        ),
    ] {
        let mut files = embedded_files();
        let t = files[file].replacen(from, to, 1);
        assert_ne!(t, files[file], "{from}");
        files.insert(file.into(), t);
        let e = Registry::from_files(&files).unwrap_err().to_string();
        assert!(e.contains(file) && e.contains(want), "{want}: {e}");
    }
    let mut files = embedded_files();
    let t = files["narrative/rules.toml"].replace("id = \"N-改写\"", "id = \"N-改\"");
    files.insert("narrative/rules.toml".into(), t);
    assert!(Registry::from_files(&files)
        .unwrap_err()
        .to_string()
        .contains("N-改写"));
}

#[test]
fn a_new_year_carries_last_years_figures_and_uses() {
    let d = fresh_dir("narrative", "carry");
    let w = d.join("2024.sqlite");
    let w = w.to_str().unwrap();
    let (code, out, err) = run(&[
        "new",
        w,
        "--unit",
        "阳泉市退役军人事务局",
        "--year",
        "2024",
        "--from",
        SAMPLE,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("带入情况说明输入项"), "{out}");
    let (_, json, _) = run(&["export", w, "--json"]);
    let wb = gongkai::io::json::from_json(&json).unwrap();
    let t = |k: &str| {
        wb.texts
            .get(&format!("输入/{k}"))
            .cloned()
            .unwrap_or_default()
    };
    // This year's totals become next year's 上年 figures; 用途 texts are copied.
    assert_eq!(t("上年.收入总计"), "3598.36");
    assert_eq!(t("上年.财政拨款支出总计"), "3383.31");
    assert_eq!(t("上年.三公"), "4.54");
    assert_eq!(t("上年.机关运行经费"), "22.33");
    assert_eq!(t("上年决算.208"), "3331.42");
    assert_eq!(t("用途.221"), "部门人员住房公积金支出");
    // Reasons are this year's to write, not carried.
    assert_eq!(t("原因.总体"), "");
    assert!(!wb.texts.contains_key("输入/用途.国内接待"));
    // A "last year" that is not earlier is refused.
    let w2 = d.join("2023.sqlite");
    let (code, _, err) = run(&[
        "new",
        w2.to_str().unwrap(),
        "--unit",
        "x",
        "--year",
        "2023",
        "--from",
        SAMPLE,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("不早于"), "{err}");
    // Another unit's workbook is carried only with --other-unit, which names nothing silently.
    let w3 = d.join("服务中心-2024.gongkai");
    let args = [
        "new",
        w3.to_str().unwrap(),
        "--unit",
        "阳泉市退役军人服务中心",
        "--year",
        "2024",
        "--from",
        SAMPLE,
    ];
    let (code, _, err) = run(&args);
    assert_eq!(code, 2);
    assert!(err.contains("另一个单位「阳泉市退役军人事务局」"), "{err}");
    assert!(!w3.exists());
    let mut confirmed = args.to_vec();
    confirmed.push("--other-unit");
    let (code, out, err) = run(&confirmed);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("阳泉市退役军人事务局 2023年度"), "{out}");
}

#[test]
fn an_edited_term_shows_what_differs_from_the_default() {
    use gongkai::narrative::changed_part;
    assert_eq!(
        changed_part(
            "指单位从同级财政部门取得的财政预算资金。",
            "指单位从同级财政部门取得的财政预算资金（含追加）。"
        ),
        (
            "指单位从同级财政部门取得的财政预算资金".to_string(),
            String::new(),
            "（含追加）".to_string(),
            "。".to_string()
        )
    );
    assert_eq!(
        changed_part("甲乙丙", "甲丁丙"),
        ("甲".into(), "乙".into(), "丁".into(), "丙".into())
    );
    assert_eq!(
        changed_part("同", "同"),
        ("同".into(), "".into(), "".into(), "".into())
    );
    // Through the CLI.
    let mut wb = sample();
    wb.texts.insert(
        "名词解释/1".into(),
        "指单位从同级财政部门取得的财政预算资金（含追加）。".into(),
    );
    let d = fresh_dir("narrative", "terms");
    let f = d.join("w.json");
    std::fs::write(&f, gongkai::io::json::to_json(&wb)).unwrap();
    let (code, out, e) = run(&["narrative", f.to_str().unwrap(), "--terms"]);
    assert_eq!(code, 0, "{e}");
    assert!(out.contains("改动：删去「」，加入「（含追加）」"), "{out}");
}

#[test]
fn a_share_of_nothing_is_not_printed_as_zero_percent() {
    // The sample's 因公出国（境）费 has no budget (09表 栏2 = 0): the seed printed
    // "完成全年预算的0%"; the clause is left out instead.
    let text = generate(&sample()).plain();
    let start = text.find("其中：因公出国（境）费支出").unwrap();
    let clause: String = text[start..].chars().take(40).collect();
    assert!(
        clause.starts_with("其中：因公出国（境）费支出0万元，与上年相同"),
        "{clause}"
    );
    assert!(!text.contains("完成全年预算的0%"), "{text}");
    // With a budget the share is stated again.
    let mut wb = sample();
    wb.set_value("09", "1", "2", Some("2".parse().unwrap()));
    let text = generate(&wb).plain();
    assert!(
        text.contains("因公出国（境）费支出0万元，完成全年预算的0.00%"),
        "{text}"
    );
    // One precision in the document: no share is printed as a bare "0%".
    assert!(!text.contains("的0%") && !text.contains("占比0%"), "{text}");
}
