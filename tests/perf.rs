//! 绩效: the 16 阳泉 自评表 and the zhengti-2023 forms as fixtures (their real defects found by
//! name), every indicator type and profile variant, findings, and `gongkai scores`.

mod common;
use common::*;

use gongkai::engine::{Finding, Workbook};
use gongkai::perf::{self, indicator::Kind, PerfForm, Profile};
use gongkai::template::{registry::embedded_files, Registry, Severity};
use rust_decimal::Decimal;
use std::str::FromStr;

const ZHENGTI: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/samples/zhengti-2023-lusong.json"
);

const MUBIAO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/samples/yusuan-2024-yangquan.json"
);

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn reg() -> &'static Registry {
    Registry::builtin()
}

fn load(path: &str) -> Workbook {
    gongkai::io::json::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn findings(path: &str) -> Vec<Finding> {
    let wb = load(path);
    let set = reg().set(&wb.template_set).unwrap();
    perf::evaluate(reg(), set, &wb).unwrap().findings
}

fn profile(id: &str) -> &'static Profile {
    reg().profile(id).unwrap()
}

/// Names of the forms a rule fires on.
fn named(fs: &[Finding], rule: &str) -> Vec<String> {
    fs.iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.table_label.clone())
        .collect()
}

fn form_label(name: &str) -> String {
    format!("项目支出绩效自评表「{name}」")
}

// ---------------------------------------------------------------- the juesuan-2023 sample

#[test]
fn scores_json_lists_16_forms_with_derived_grades() {
    let (code, out, err) = run(&["scores", SAMPLE, "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let forms = v["forms"].as_array().unwrap();
    assert_eq!(forms.len(), 16);
    let by_name = |n: &str| forms.iter().find(|f| f["name"] == n).unwrap().clone();
    // The four 90-point forms printed as 良 are 优; 85 and 82 are 良.
    for n in [
        "退役军人服务中心工作经费",
        "对部分就业困难退役军人进行帮扶就业",
        "2023年慰问驻军和军队离退休干部",
        "双拥创建活动",
        "8023部队体检经费",
    ] {
        let f = by_name(n);
        assert_eq!(
            (f["total"].as_str(), f["grade"].as_str()),
            (Some("90"), Some("优")),
            "{n}"
        );
    }
    assert_eq!(by_name("退役军人事务各项工作经费")["grade"], "良");
    assert_eq!(by_name("纪念馆绿化、广场管护、维修维护等费")["grade"], "良");
    // 总分 is Σ of the entered parts, not the printed 93.
    let x = by_name("军休中心补贴机构经费");
    assert_eq!(x["total"], "91");
    // 执行率 recomputed from the amounts (RULES §2.6.1 column r).
    assert_eq!(by_name("退役军人事务各项工作经费")["rate"], "32.78");
    assert_eq!(
        by_name("退役军人事务各项工作经费")["rate_suggested"],
        "3.28"
    );
    assert_eq!(
        by_name("对部分就业困难退役军人进行帮扶就业")["rate"],
        "96.15"
    );
    assert_eq!(
        by_name("9.30烈士公祭等纪念活动工作经费")["rate_suggested"],
        "9.75"
    );
    // Summary for the 情况说明: 16 projects, 588.22 万元, 14 优 (the seed's own narrative says 14).
    assert_eq!(v["summary"]["projects"], 16);
    assert_eq!(v["summary"]["funds"], "588.22");
    assert_eq!(v["summary"]["spent"], "502.51");
    assert_eq!(v["summary"]["grades"][0], serde_json::json!(["优", 14]));
    assert_eq!(v["summary"]["grades"][1], serde_json::json!(["良", 2]));
}

#[test]
fn check_names_the_four_90_point_forms_labelled_liang_and_the_91_vs_93_form() {
    let fs = findings(SAMPLE);
    let mut grade = named(&fs, "P-等级");
    grade.sort();
    let mut want: Vec<String> = [
        "2023年慰问驻军和军队离退休干部",
        "双拥创建活动",
        "对部分就业困难退役军人进行帮扶就业",
        "退役军人服务中心工作经费",
    ]
    .iter()
    .map(|n| form_label(n))
    .collect();
    want.sort();
    assert_eq!(grade, want);
    for f in fs.iter().filter(|f| f.rule == "P-等级") {
        assert_eq!(f.severity, Severity::Error);
        assert!(
            f.message.contains("「良」") && f.message.contains("应为「优」"),
            "{}",
            f.message
        );
        assert_eq!(f.lhs, Some(d("90")));
    }
    let total: Vec<&Finding> = fs.iter().filter(|f| f.rule == "P-总分").collect();
    assert_eq!(total.len(), 1);
    assert_eq!(total[0].table_label, form_label("军休中心补贴机构经费"));
    assert_eq!((total[0].lhs, total[0].rhs), (Some(d("93")), Some(d("91"))));
    assert!(
        total[0].message.contains("8 + 46 + 29 + 8 = 91"),
        "{}",
        total[0].message
    );

    let mut rate: Vec<(String, Option<Decimal>, Option<Decimal>)> = fs
        .iter()
        .filter(|f| f.rule == "P-执行率")
        .map(|f| (f.table_label.clone(), f.lhs, f.rhs))
        .collect();
    rate.sort();
    assert_eq!(
        rate,
        vec![
            (
                form_label("对部分就业困难退役军人进行帮扶就业"),
                Some(d("96")),
                Some(d("96.15"))
            ),
            (
                form_label("退役军人事务各项工作经费"),
                Some(d("32.76")),
                Some(d("32.78"))
            ),
        ]
    );
    assert_eq!(named(&fs, "P-资金分解"), vec![form_label("双拥创建活动")]);
    // Exactly these eight errors; 8023部队体检经费 (90, labelled 优) is not among them.
    let errors: Vec<&Finding> = fs
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 8, "{errors:#?}");
    assert!(!errors.iter().any(|f| f.table_label.contains("8023")));
}

#[test]
fn the_linear_rate_rule_departures_are_warnings_and_overrides_are_kept() {
    let fs = findings(SAMPLE);
    // RULES §2.6.2: 9 of 16 printed 执行率 scores differ from the linear rule (±0.5).
    let dep = named(&fs, "P-执行率得分");
    assert_eq!(dep.len(), 9, "{dep:#?}");
    assert!(fs
        .iter()
        .filter(|f| f.rule == "P-执行率得分")
        .all(|f| f.severity == Severity::Warning));
    // 32.78% printed as 10 points.
    let f = fs
        .iter()
        .find(|f| {
            f.rule == "P-执行率得分" && f.table_label == form_label("退役军人事务各项工作经费")
        })
        .unwrap();
    assert_eq!((f.lhs, f.rhs), (Some(d("10")), Some(d("3.28"))));
}

#[test]
fn unmet_targets_without_reasons_and_overachievement_are_flagged() {
    let fs = findings(SAMPLE);
    let f = fs
        .iter()
        .find(|f| f.rule == "P-未完成原因" && f.row_label.contains("花篮制作"))
        .expect("8个/次 → 7个 without a reason");
    assert!(f.message.contains("未填写未完成原因"));
    assert!(fs.iter().any(|f| f.rule == "P-偏离"
        && f.row_label.contains("摆放各类菊花")
        && f.lhs == Some(d("223.44"))));
    // 制作宣传片 0 of ≥2 has its reason: no finding.
    assert!(!fs
        .iter()
        .any(|f| f.rule == "P-未完成原因" && f.row_label.contains("制作宣传片")));
    // "完成" against a count target cannot be scored as a number.
    assert!(fs
        .iter()
        .any(|f| f.rule == "P-完成值" && f.row_label.contains("信访维稳及权益维护")));
}

#[test]
fn spent_on_all_forms_is_compared_with_the_03_table() {
    let fs = findings(SAMPLE);
    let x: Vec<&Finding> = fs.iter().filter(|f| f.rule == "X-绩效/03").collect();
    assert_eq!(x.len(), 1);
    assert_eq!(
        (x[0].lhs, x[0].rhs),
        (Some(d("502.51")), Some(d("2987.06")))
    );
    assert_eq!(x[0].table, "03");
}

// ---------------------------------------------------------------- zhengti-2023

#[test]
fn zhengti_forms_show_their_real_defects() {
    let fs = findings(ZHENGTI);
    let r = fs.iter().find(|f| f.rule == "P-执行率得分").unwrap();
    assert_eq!((r.lhs, r.rhs), (Some(d("9")), Some(d("9.99"))));
    let split = fs.iter().find(|f| f.rule == "P-资金分解").unwrap();
    assert_eq!(
        (split.lhs, split.rhs),
        (Some(d("2225.97")), Some(d("2227.73")))
    );
    let z = fs.iter().find(|f| f.rule == "Z-跨表").unwrap();
    assert_eq!((z.lhs, z.rhs), (Some(d("2084.56")), Some(d("2082.80"))));
    // 基础数据表: 项目支出 = Σ projects in all three columns; the 公用经费 其中 rows need not add up.
    assert!(!fs.iter().any(|f| f.rule == "Z-基础数据"), "{fs:#?}");
    assert!(
        !fs.iter().any(|f| f.rule == "P-总分" || f.rule == "P-权重"),
        "{fs:#?}"
    );
    let (code, out, _) = run(&["scores", ZHENGTI, "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let w = v["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["family"] == "整体自评")
        .unwrap()
        .clone();
    assert_eq!(
        (w["rate"].as_str(), w["total"].as_str(), w["grade"].as_str()),
        (Some("99.92"), Some("99"), Some("优"))
    );
    assert_eq!(
        w["blocks"].as_array().unwrap().len(),
        4,
        "成本指标 is a 一级 of its own"
    );
}

#[test]
fn a_changed_basic_data_project_is_a_sum_error() {
    let mut wb = load(ZHENGTI);
    let r = wb.records.get_mut("基础数据").unwrap();
    let mut f = PerfForm::from_json(&r.body).unwrap();
    f.items.get_mut("经费/项目支出").unwrap()[1]
        .values
        .insert("决算".into(), d("1816.67"));
    r.body = f.to_json();
    let fs = perf::audit_workbook(reg(), &wb, None);
    let z = fs.iter().find(|f| f.rule == "Z-基础数据").unwrap();
    assert_eq!((z.lhs, z.rhs), (Some(d("2082.80")), Some(d("2071.33"))));
    assert_eq!(z.severity, Severity::Error);
}

// ---------------------------------------------------------------- indicator types

fn score(
    target: &str,
    actual: &str,
    level2: &str,
    w: &str,
    p: &Profile,
) -> perf::indicator::Scored {
    perf::indicator::score(target, actual, level2, "", d(w), p)
}

#[test]
fn forward_indicators_score_pro_rata_and_cap_at_full_marks() {
    let p = profile("shanxi-yangquan-2023");
    for (t, a, want) in [
        ("≥6辆/次", "2辆", "2"), // 2/6 × 6
        ("不少于6辆", "6辆", "6"),
        ("6辆以上", "3", "3"),
        ("8个/次", "7个", "5.25"),     // plain number: 正向
        ("≥1800盆/次", "4022盆", "6"), // over-achievement: full marks, flagged elsewhere
        ("100%", "88%", "5.28"),
        ("大于等于6年", "大于等于6年", "6"),
        ("83人/年", "0", "0"),
    ] {
        let s = score(t, a, "数量指标", "6", p);
        assert!(matches!(s.kind, Kind::正向), "{t}");
        assert_eq!(
            s.exact.map(|x| x.round_dp(2)),
            Some(d(want)),
            "{t} / {a}: {}",
            s.formula
        );
    }
    assert_eq!(
        score("≥1800盆/次", "4022盆", "数量指标", "6", p).completion,
        Some(d("223.44"))
    );
}

#[test]
fn reverse_indicators_use_the_profiles_rule() {
    let sx = profile("shanxi-yangquan-2023");
    let hb = profile("hubei-2023");
    for (t, a) in [
        ("≤380元/人/天", "400元/人/天"),
        ("不超过380元", "400"),
        ("380元以内", "400元"),
    ] {
        let s = score(t, a, "成本指标", "10", sx);
        assert!(matches!(s.kind, Kind::反向), "{t}");
        // (1 − 20/380) × 10
        assert_eq!(s.exact.unwrap().round_dp(4), d("9.4737"), "{t}");
    }
    assert_eq!(
        score("≤380元", "760元", "成本指标", "10", sx).exact,
        Some(d("0"))
    );
    assert_eq!(
        score("≤380元", "300元", "成本指标", "10", sx).exact,
        Some(d("10"))
    );
    // Hubei: w × t / a.
    assert_eq!(
        score("≤380元", "760元", "成本指标", "10", hb).exact,
        Some(d("5"))
    );
    // A plain amount under 成本 is a ceiling; a plain percentage there stays 正向.
    assert!(matches!(
        score("1000元/个", "968元/个", "成本指标", "5", sx).kind,
        Kind::反向
    ));
    assert_eq!(
        score("1000元/个", "968元/个", "成本指标", "5", sx).exact,
        Some(d("5"))
    );
    assert!(matches!(
        score("80%", "85%", "社会成本指标", "5", sx).kind,
        Kind::正向
    ));
    // "小于1件次" with 0 → full marks (zhengti 生态环境成本指标).
    assert_eq!(
        score("小于1件次", "0", "生态环境成本指标", "5", sx).exact,
        Some(d("5"))
    );
}

#[test]
fn equal_to_zero_targets() {
    let p = profile("central-2020");
    assert!(matches!(
        score("=0", "0", "质量指标", "5", p).kind,
        Kind::等于
    ));
    assert_eq!(score("=0", "0", "质量指标", "5", p).exact, Some(d("5")));
    assert_eq!(score("=0", "1", "质量指标", "5", p).exact, Some(d("0")));
    assert_eq!(
        score("=10次", "5次", "质量指标", "5", p).exact,
        Some(d("2.5"))
    );
}

#[test]
fn qualitative_bands_and_inference() {
    let p = profile("shanxi-yangquan-2023");
    let q = |t: &str, a: &str, j: &str| perf::indicator::score(t, a, "质量指标", j, d("10"), p);
    for t in [
        "庄重肃穆",
        "有效提升",
        "及时",
        "2023年年底前完成",
        "9月30日",
    ] {
        assert!(matches!(q(t, t, "").kind, Kind::定性), "{t}");
        assert_eq!(q(t, t, "").exact, Some(d("10")), "{t}");
        assert_eq!(q(t, t, "").band.as_deref(), Some("达成"));
    }
    assert_eq!(
        q("年末全额支付", "未支付", "").band.as_deref(),
        Some("未达成")
    );
    assert_eq!(
        q("年末全额支付", "完成30%支付率", "").band.as_deref(),
        Some("部分达成")
    );
    let chosen = q("有效提升", "略有提升", "部分达成");
    assert!(chosen.band_chosen);
    assert_eq!(chosen.exact, Some(d("7")));
    // Undecidable text: counted as 达成 but not a chosen band (P-定性待选).
    let open = q("有效营造", "开展了宣传", "");
    assert_eq!((open.band.as_deref(), open.exact), (None, Some(d("10"))));
    // Band boundaries: 0.8w belongs to 达成, 0.6w to 部分达成.
    assert_eq!(perf::indicator::band_of(d("80"), p), Some("达成"));
    assert_eq!(perf::indicator::band_of(d("79.99"), p), Some("部分达成"));
    assert_eq!(perf::indicator::band_of(d("60"), p), Some("部分达成"));
    assert_eq!(perf::indicator::band_of(d("59.99"), p), Some("未达成"));
    // Non-numeric or foreign-unit actuals against a number are not scored pro rata.
    let s = q("83人/年", "100%", "");
    assert!(s.actual_problem.unwrap().contains("单位"));
    let s = q("≥20次/年", "完成", "");
    assert!(matches!(s.kind, Kind::定性));
    assert_eq!(s.band.as_deref(), Some("达成"));
}

// ---------------------------------------------------------------- profiles

#[test]
fn rate_rules_per_profile() {
    use perf::score::rate_score_for;
    let sx = profile("shanxi-yangquan-2023");
    assert_eq!(rate_score_for(d("32.78"), sx).0, d("3.28"));
    assert_eq!(rate_score_for(d("100"), sx).0, d("10"));
    let jx = profile("jiangxi-2023");
    for (r, s) in [
        ("100", "10"),
        ("99.99", "7"),
        ("80", "7"),
        ("79.9", "5"),
        ("60", "5"),
        ("59", "0"),
    ] {
        assert_eq!(rate_score_for(d(r), jx).0, d(s), "{r}");
    }
    let hb = profile("hubei-2023");
    assert_eq!(rate_score_for(d("96.15"), hb).0, d("19.23"));
}

#[test]
fn grade_thresholds_are_half_open_and_ninety_is_you() {
    let p = profile("shanxi-yangquan-2023");
    for (s, g) in [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("89.5", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ] {
        assert_eq!(perf::grade_of(d(s), p), g, "{s}");
    }
}

fn shanxi_text() -> String {
    embedded_files()["profiles/shanxi-yangquan-2023.toml"].clone()
}

#[test]
fn a_total_cap_by_rate_is_profile_data() {
    let text = shanxi_text().replace(
        "[weights]",
        "[[cap]]\nrate_from = \"70\"\nrate_below = \"80\"\nmax_total = \"89\"\n\n[weights]",
    );
    let p = perf::spec::load_profile("profiles/x.toml", &text).unwrap();
    let t = reg().form("yangquan-xiangmu-ziping").unwrap();
    let mut f = PerfForm::default();
    f.money.insert("到位".into(), d("100"));
    f.money.insert("执行".into(), d("75"));
    f.blocks.insert("产出指标".into(), d("50"));
    f.blocks.insert("效益指标".into(), d("30"));
    f.blocks.insert("满意度指标".into(), d("10"));
    let s = perf::score_form("x", t, &p, &f);
    assert_eq!(s.rate_score, d("7.5"));
    assert_eq!(
        (s.total, s.cap, s.grade.as_str()),
        (d("89"), Some(d("89")), "良")
    );
}

#[test]
fn broken_profiles_and_forms_are_refused_with_the_file_named() {
    let bad = shanxi_text().replace("\"产出指标\" = \"50\"", "\"产出指标\" = \"60\"");
    let e = perf::spec::load_profile("profiles/bad.toml", &bad).unwrap_err();
    assert!(e.to_string().contains("profiles/bad.toml"), "{e}");
    assert!(e.to_string().contains("权重合计 110"), "{e}");
    let mut files = embedded_files();
    files.insert("profiles/bad.toml".into(), bad);
    assert!(Registry::from_files(&files).is_err());

    // Every grade named alike (a pasted-over profile name) is refused, and so are repeated bands.
    let same = shanxi_text().replace("name = \"良\"", "name = \"优\"");
    let e = perf::spec::load_profile("profiles/same.toml", &same).unwrap_err();
    assert!(e.to_string().contains("grade 的名称「优」"), "{e}");
    let same = shanxi_text().replace("name = \"部分达成\"", "name = \"达成\"");
    let e = perf::spec::load_profile("profiles/same.toml", &same).unwrap_err();
    assert!(
        e.to_string().contains("qualitative.band 的名称「达成」"),
        "{e}"
    );

    let mut files = embedded_files();
    let form =
        files["forms/yangquan-xiangmu-ziping.toml"].replace("of = [\"预算\"", "of = [\"预算金额\"");
    files.insert("forms/yangquan-xiangmu-ziping.toml".into(), form);
    let e = Registry::from_files(&files).unwrap_err().to_string();
    assert!(
        e.contains("forms/yangquan-xiangmu-ziping.toml") && e.contains("预算金额"),
        "{e}"
    );

    let mut files = embedded_files();
    let rules = files["forms/rules.toml"].replace("id = \"P-等级\"", "id = \"P-等级X\"");
    files.insert("forms/rules.toml".into(), rules);
    assert!(Registry::from_files(&files)
        .unwrap_err()
        .to_string()
        .contains("P-等级"));
}

// ---------------------------------------------------------------- entry and overrides

fn yq_form() -> PerfForm {
    let mut f = PerfForm::default();
    f.fields.insert("项目名称".into(), "测试项目".into());
    f.money.insert("预算".into(), d("10"));
    f.money.insert("到位".into(), d("10"));
    f.money.insert("执行".into(), d("8"));
    for (l1, l2, name, t, a) in [
        ("产出指标", "数量指标", "培训人数", "≥100人", "80人"),
        ("产出指标", "质量指标", "合格率", "100%", "100%"),
        (
            "效益指标",
            "社会效益指标",
            "能力提升",
            "有效提升",
            "有效提升",
        ),
        ("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%"),
    ] {
        f.indicators.push(perf::Indicator {
            level1: l1.into(),
            level2: l2.into(),
            name: name.into(),
            target: t.into(),
            actual: a.into(),
            ..Default::default()
        });
    }
    f
}

#[test]
fn a_new_form_is_scored_from_its_indicators_alone() {
    let t = reg().form("yangquan-xiangmu-ziping").unwrap();
    let p = profile("shanxi-yangquan-2023");
    let s = perf::score_form("x", t, p, &yq_form());
    // 执行率 80% → 8; 产出 (80/100 + 1) × 25 = 45; 效益 30; 满意度 10.
    assert_eq!(s.rate, Some(d("80.00")));
    assert_eq!(s.rate_suggested, Some(d("8")));
    let blocks: Vec<Decimal> = s.blocks.iter().map(|b| b.score).collect();
    assert_eq!(blocks, vec![d("45"), d("30"), d("10")]);
    assert_eq!((s.total, s.grade.as_str()), (d("93"), "优"));
    assert_eq!(s.indicators[0].formula, "80 ÷ 100 × 25");
}

#[test]
fn overrides_are_kept_and_marked() {
    let t = reg().form("yangquan-xiangmu-ziping").unwrap();
    let p = profile("shanxi-yangquan-2023");
    let mut f = yq_form();
    f.blocks.insert("产出指标".into(), d("48"));
    f.rate_score = Some(d("10"));
    let s = perf::score_form("x", t, p, &f);
    assert_eq!(s.total, d("98"));
    let mut wb = Workbook::new("shanxi-juesuan-2023", Default::default());
    wb.records.insert(
        "a".into(),
        gongkai::engine::Record {
            kind: "yangquan-xiangmu-ziping".into(),
            body: f.to_json(),
        },
    );
    let fs = perf::audit_workbook(reg(), &wb, None);
    let adj = fs.iter().find(|f| f.rule == "P-调整").unwrap();
    assert_eq!((adj.lhs, adj.rhs), (Some(d("48")), Some(d("45"))));
    let r = fs.iter().find(|f| f.rule == "P-执行率得分").unwrap();
    assert_eq!((r.lhs, r.rhs), (Some(d("10")), Some(d("8"))));
    // Above the weight is an error.
    f.blocks.insert("满意度指标".into(), d("12"));
    wb.records.get_mut("a").unwrap().body = f.to_json();
    let fs = perf::audit_workbook(reg(), &wb, None);
    let cap = fs.iter().find(|f| f.rule == "P-得分上限").unwrap();
    assert_eq!(cap.severity, Severity::Error);
}

#[test]
fn per_indicator_forms_check_weights_and_block_sums() {
    let t = reg().form("central-xiangmu-ziping").unwrap();
    let mut f = PerfForm::default();
    f.money.insert("全年预算".into(), d("100"));
    f.money.insert("全年执行".into(), d("100"));
    for (l1, w, s) in [
        ("产出指标", "30", "30"),
        ("产出指标", "15", "15"),
        ("效益指标", "30", "28"),
        ("满意度指标", "10", "10"),
    ] {
        f.indicators.push(perf::Indicator {
            level1: l1.into(),
            level2: "x".into(),
            name: "n".into(),
            target: "有效".into(),
            actual: "有效".into(),
            weight: Some(d(w)),
            score: Some(d(s)),
            ..Default::default()
        });
    }
    f.blocks.insert("效益指标".into(), d("30"));
    let mut wb = Workbook::new("shanxi-juesuan-2023", Default::default());
    wb.records.insert(
        "c".into(),
        gongkai::engine::Record {
            kind: "central-xiangmu-ziping".into(),
            body: f.to_json(),
        },
    );
    let fs = perf::audit_workbook(reg(), &wb, None);
    let w = fs
        .iter()
        .find(|f| f.rule == "P-权重")
        .expect("产出 分值 45 ≠ 50");
    assert_eq!((w.lhs, w.rhs), (Some(d("45")), Some(d("50"))));
    let b = fs
        .iter()
        .find(|f| f.rule == "P-块分")
        .expect("效益 30 ≠ 28");
    assert_eq!((b.lhs, b.rhs), (Some(d("30")), Some(d("28"))));
    let s = perf::score_form("c", t, profile("central-2020"), &f);
    assert_eq!(s.total, d("95")); // 10 + 45 + 30 (entered block) + 10
}

#[test]
fn a_grade_cannot_be_stored_and_bad_records_are_refused_in_chinese() {
    let mut wb = load(SAMPLE);
    let body = &mut wb.records.get_mut("自评01").unwrap().body;
    body["grade"] = serde_json::json!("优");
    let fs = perf::audit_workbook(reg(), &wb, None);
    let f = fs.iter().find(|f| f.rule == "FORM-1").unwrap();
    assert!(f.message.contains("grade"), "{}", f.message);
    // Letters in an amount.
    let mut wb = load(SAMPLE);
    wb.records.get_mut("自评02").unwrap().body["money"]["执行"] = serde_json::json!("十万");
    let fs = perf::audit_workbook(reg(), &wb, None);
    assert!(fs
        .iter()
        .any(|f| f.rule == "FORM-1" && f.message.contains("十万")));
    // An unknown form kind, imported: refused before anything is written.
    let text = std::fs::read_to_string(SAMPLE).unwrap().replacen(
        "\"kind\": \"yangquan-xiangmu-ziping\"",
        "\"kind\": \"no-such-form\"",
        1,
    );
    let dir = fresh_dir("perf", "badkind");
    let src = dir.join("bad.json");
    std::fs::write(&src, text).unwrap();
    let into = dir.join("w.sqlite");
    let (code, _, err) = run(&[
        "import",
        src.to_str().unwrap(),
        "--into",
        into.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no-such-form") && err.contains("不是已安装的绩效表单模板"),
        "{err}"
    );
    assert!(!into.exists());
}

#[test]
fn scores_human_output_and_templates_listing() {
    let (code, out, _) = run(&["scores", SAMPLE]);
    assert_eq!(code, 0);
    assert!(
        out.contains("自评15  项目支出绩效自评表「军休中心补贴机构经费」"),
        "{out}"
    );
    assert!(
        out.contains("执行率 65.56%  执行率得分 建议 6.56 / 填报 8"),
        "{out}"
    );
    assert!(
        out.contains(
            "项目支出绩效自评 16 个，资金 588.22 万元，实际执行 502.51 万元；优 14 个，良 2 个"
        ),
        "{out}"
    );
    let (_, out, _) = run(&["templates"]);
    for id in [
        "yangquan-xiangmu-ziping",
        "central-xiangmu-ziping",
        "hunan-zhengti-ziping",
        "hunan-zhengti-jichu",
        "yangquan-mubiao",
        "jiangxi-2023",
    ] {
        assert!(out.contains(id), "{id}");
    }
}

// ---------------------------------------------------------------- 项目支出绩效目标表 (yusuan-2024)

fn on(fs: &[Finding], rule: &str) -> Vec<String> {
    let mut v: Vec<String> = fs
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.table.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn target_sheets_of_the_yusuan_seed_show_their_real_defects() {
    let fs = findings(MUBIAO);
    // (The budget tables of this sample carry the seed's 表三/表四/表六 errors; the sheets none.)
    assert!(
        fs.iter()
            .filter(|f| f.rule.starts_with("P-"))
            .all(|f| f.severity != Severity::Error),
        "{fs:#?}"
    );
    // A 2024 sheet dated 2023-01-28: copied from last year's.
    assert_eq!(on(&fs, "P-日期"), ["目标01"]);
    let date = fs.iter().find(|f| f.rule == "P-日期").unwrap();
    assert!(
        date.message.contains("2023年1月28日") && date.message.contains("2023年7月"),
        "{}",
        date.message
    );
    // "2023年底前完成" as a 2024 target, and a 2022 project name.
    assert_eq!(on(&fs, "P-过期"), ["目标01", "目标03"]);
    assert!(fs
        .iter()
        .any(|f| f.rule == "P-过期" && f.message.contains("「2023年底前完成」")));
    // 双拥创建活动 has no 产出指标.
    assert_eq!(on(&fs, "P-缺指标"), ["目标02"]);
    assert!(fs
        .iter()
        .any(|f| f.rule == "P-缺指标" && f.row == "产出指标"));
    // The 慰问驻军 sheet's 年度资金总额 is blank.
    assert_eq!(on(&fs, "P-资金缺项"), ["目标03"]);
    // The first 帮扶就业 sheet: 年度 under 省级, 实施期 under 市县.
    assert_eq!(on(&fs, "P-资金来源"), ["目标05"]);
    let src = fs.iter().find(|f| f.rule == "P-资金来源").unwrap();
    assert_eq!((src.lhs, src.rhs), (Some(d("2350000")), Some(d("0"))));
    assert!(
        src.message.contains("省级财政资金") && src.message.contains("2,350,000.00 元"),
        "{}",
        src.message
    );
    // "100100%按月发放".
    assert_eq!(on(&fs, "P-指标值"), ["目标05"]);
    // Two sheets for one project name.
    assert_eq!(on(&fs, "P-重复项目"), ["目标06"]);
    // Every split adds up; nothing is scored.
    assert!(on(&fs, "P-资金分解").is_empty());
    assert!(fs
        .iter()
        .all(|f| !f.rule.starts_with("P-调整") && f.rule != "P-总分"));
}

#[test]
fn target_sheet_funds_in_yuan_match_the_seeds_table_twelve_in_wanyuan() {
    let wb = load(MUBIAO);
    let (scored, bad) = perf::score_workbook(reg(), &wb);
    assert!(bad.is_empty());
    let wan: Vec<String> = scored
        .iter()
        .filter_map(|s| s.score.funds)
        .map(|f| gongkai::amount::format_amount(f / Decimal::from(10_000), 2))
        .collect();
    // RULES.md §2.5 D: 150,000 → 15.00; 480,000 → 48.00; 129,600 → 12.96; 2,350,000 → 235.00;
    // 250,000 → 25.00; the 慰问驻军 sheet is blank.
    assert_eq!(wan, ["15.00", "48.00", "12.96", "235.00", "25.00"]);
    assert!(scored
        .iter()
        .all(|s| !s.score.scored && s.score.unit == "元"));
    let (code, out, err) = run(&["scores", MUBIAO]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("目标05") && out.contains("资金 2,350,000.00 元，指标 7 个"),
        "{out}"
    );
}

#[test]
fn fixing_a_target_sheet_clears_its_findings() {
    let mut wb = load(MUBIAO);
    let r = wb.records.get_mut("目标05").unwrap();
    let mut f = PerfForm::from_json(&r.body).unwrap();
    f.money.insert("年度/省级".into(), d("0"));
    f.money.insert("年度/市县".into(), d("2350000"));
    f.indicators[2].target = "每月按时发放".into();
    f.indicators[2].period_target = "每月按时发放".into();
    r.body = f.to_json();
    let r = wb.records.get_mut("目标06").unwrap();
    let mut f = PerfForm::from_json(&r.body).unwrap();
    f.fields.insert(
        "项目名称".into(),
        "对部分就业困难军人进行帮扶就业（续）".into(),
    );
    r.body = f.to_json();
    let r = wb.records.get_mut("目标01").unwrap();
    let mut f = PerfForm::from_json(&r.body).unwrap();
    f.fields.insert("填报日期".into(), "2023年9月30日".into());
    r.body = f.to_json();
    let fs = perf::audit_workbook(reg(), &wb, None);
    for rule in ["P-资金来源", "P-指标值", "P-重复项目", "P-日期"] {
        assert!(on(&fs, rule).is_empty(), "{rule}: {fs:#?}");
    }
    // An unreadable date is named; a blank one is not a finding.
    let r = wb.records.get_mut("目标01").unwrap();
    let mut f = PerfForm::from_json(&r.body).unwrap();
    f.fields.insert("填报日期".into(), "去年年底".into());
    r.body = f.to_json();
    let r = wb.records.get_mut("目标02").unwrap();
    let mut f = PerfForm::from_json(&r.body).unwrap();
    f.fields.insert("填报日期".into(), " 年  月  日".into());
    r.body = f.to_json();
    let fs = perf::audit_workbook(reg(), &wb, None);
    assert_eq!(on(&fs, "P-日期"), ["目标01"]);
    assert!(fs
        .iter()
        .any(|f| f.rule == "P-日期" && f.message.contains("「去年年底」无法识别为日期")));
}

#[test]
fn dates_as_the_forms_write_them() {
    use perf::audit::{parse_date, DateText::*};
    assert_eq!(parse_date("20240112090953"), Date(2024, 1, 12));
    assert_eq!(parse_date("2024.03.14"), Date(2024, 3, 14));
    assert_eq!(parse_date("2024. 3. 25"), Date(2024, 3, 25));
    assert_eq!(parse_date("2024年3月21日"), Date(2024, 3, 21));
    assert_eq!(parse_date("2024-03-14"), Date(2024, 3, 14));
    assert_eq!(parse_date(" 年  月  日"), Blank);
    assert_eq!(parse_date(""), Blank);
    assert_eq!(parse_date("2024.13.01"), Unreadable);
    assert_eq!(parse_date("三月"), Unreadable);
    assert_eq!(parse_date("12345"), Unreadable);
    // The 自评表 of the juesuan-2023 sample are all dated plausibly.
    assert!(on(&findings(SAMPLE), "P-日期").is_empty());
}

#[test]
fn target_sheet_template_options_are_validated() {
    let mut files = embedded_files();
    let form = files["forms/yangquan-mubiao.toml"].replace(
        "part_of = [\"年度\", \"实施期\"]",
        "part_of = [\"年度\", \"全周期\"]",
    );
    assert_ne!(form, files["forms/yangquan-mubiao.toml"]);
    files.insert("forms/yangquan-mubiao.toml".into(), form);
    let e = Registry::from_files(&files).unwrap_err().to_string();
    assert!(
        e.contains("yangquan-mubiao.toml") && e.contains("全周期"),
        "{e}"
    );

    let mut files = embedded_files();
    let form = files["forms/yangquan-mubiao.toml"]
        .replace("required = [\"产出指标\",", "required = [\"投入指标\",");
    files.insert("forms/yangquan-mubiao.toml".into(), form);
    let e = Registry::from_files(&files).unwrap_err().to_string();
    assert!(e.contains("投入指标"), "{e}");
}

#[test]
fn a_blank_form_is_listed_as_not_filled_in_not_as_poor() {
    let mut wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    let reg = gongkai::template::Registry::builtin();
    let t = reg.form("yangquan-xiangmu-ziping").unwrap();
    wb.records.insert(
        "自评17".into(),
        gongkai::engine::Record {
            kind: t.id.clone(),
            body: gongkai::perf::blank_form(t, "新项目").to_json(),
        },
    );
    let d = fresh_dir("perf", "blank");
    let f = d.join("w.json");
    std::fs::write(&f, gongkai::io::json::to_json(&wb)).unwrap();
    let (code, out, _) = run(&["scores", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    let at = out.find("自评17").unwrap();
    assert!(out[at..].contains("尚未填写"), "{out}");
    let (_, out, _) = run(&["scores", f.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let forms = v["forms"].as_array().unwrap();
    let blank: Vec<_> = forms.iter().filter(|f| f["blank"] == true).collect();
    assert_eq!(blank.len(), 1);
    assert_eq!(blank[0]["id"], "自评17");
    // Not counted among the grades: 16 graded of 17 projects.
    assert_eq!(v["summary"]["projects"], 17);
    let graded: u64 = v["summary"]["grades"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g[1].as_u64().unwrap())
        .sum();
    assert_eq!(graded, 16);
    // `check` says so once, instead of auditing a score that means nothing.
    let (_, out, _) = run(&["check", f.to_str().unwrap()]);
    let mine: Vec<&str> = out.lines().filter(|l| l.contains("自评17")).collect();
    assert!(
        out.contains("[警告] P-未填 表单「自评17」（新项目）尚未填写"),
        "{mine:?}"
    );
}

#[test]
fn every_profile_grades_with_its_own_grade_names() {
    // A 财政部-layout form scored by each profile that fits it gets a grade of that profile's
    // scale (the central profile once printed its own name as the grade).
    let reg = Registry::builtin();
    let t = reg.form("central-xiangmu-ziping").unwrap();
    let mut f = PerfForm::default();
    f.money.insert("全年预算".into(), d("100"));
    f.money.insert("全年执行".into(), d("95"));
    for (l1, l2, w) in [
        ("产出指标", "数量指标", "50"),
        ("效益指标", "社会效益指标", "30"),
        ("满意度指标", "服务对象满意度指标", "10"),
    ] {
        f.indicators.push(perf::Indicator {
            level1: l1.into(),
            level2: l2.into(),
            name: "指标".into(),
            target: "≥90%".into(),
            actual: "95%".into(),
            weight: Some(d(w)),
            ..Default::default()
        });
    }
    for p in perf::profiles_for(reg, t) {
        let s = perf::score_form("x", t, p, &f);
        assert!(
            ["优", "良", "中", "差"].contains(&s.grade.as_str()),
            "{}: {}",
            p.id,
            s.grade
        );
        assert_eq!(s.grade, "优", "{}: 总分 {}", p.id, s.total);
    }
    for p in &reg.profiles {
        let bands: Vec<&str> = p
            .qualitative
            .bands
            .iter()
            .map(|b| b.name.as_str())
            .collect();
        assert_eq!(bands, ["达成", "部分达成", "未达成"], "{}", p.id);
    }
}

// ---------------------------------------------------------------- printed texts, blanks, regions

fn audit_one(kind: &str, f: &PerfForm) -> Vec<Finding> {
    let mut wb = Workbook::new("shanxi-juesuan-2023", Default::default());
    wb.records.insert(
        "自评01".into(),
        gongkai::engine::Record {
            kind: kind.into(),
            body: f.to_json(),
        },
    );
    perf::audit_workbook(reg(), &wb, None)
}

#[test]
fn a_form_without_scores_says_so_and_has_no_grade_of_its_own() {
    // Money, targets and indicators, but no 得分 anywhere (a 四川 form published unscored).
    let f = yq_form();
    assert!(f.is_unscored());
    let fs = audit_one("yangquan-xiangmu-ziping", &f);
    let u = fs.iter().find(|f| f.rule == "P-未评分").expect("未评分");
    assert_eq!(u.severity, Severity::Warning);
    assert!(u.message.contains("建议分"), "{}", u.message);
    // Not counted as a grade in the 绩效 summary.
    let mut wb = Workbook::new("shanxi-juesuan-2023", Default::default());
    wb.records.insert(
        "自评01".into(),
        gongkai::engine::Record {
            kind: "yangquan-xiangmu-ziping".into(),
            body: f.to_json(),
        },
    );
    let (scored, _) = perf::score_workbook(reg(), &wb);
    let sum = perf::summary(&scored);
    assert_eq!(sum.projects, 1);
    assert!(sum.grades.iter().all(|(_, n)| *n == 0), "{:?}", sum.grades);
    // One entered score makes it a scored form.
    let mut g = yq_form();
    g.rate_score = Some(d("8"));
    assert!(!g.is_unscored());
    assert!(!audit_one("yangquan-xiangmu-ziping", &g)
        .iter()
        .any(|f| f.rule == "P-未评分"));
}

#[test]
fn a_blank_amount_is_not_zero_and_a_zero_total_row_yields_to_its_parts() {
    let p = profile("central-2020");
    let mut f = PerfForm::default();
    f.money.insert("全年预算".into(), d("90"));
    // 全年执行 not entered: no 执行率 at all (not 0%).
    assert_eq!(perf::score::rate_of(&f, p), None);
    // The 年度资金总额 row printed 0 while its 其中 rows hold the money: the rate comes from them.
    f.money.insert("全年预算".into(), d("0"));
    f.money.insert("全年执行".into(), d("0"));
    f.money.insert("全年预算/当年财政拨款".into(), d("90"));
    f.money.insert("全年执行/当年财政拨款".into(), d("89.974"));
    assert_eq!(perf::score::rate_of(&f, p), Some(d("99.97")));
}

#[test]
fn a_total_above_full_marks_is_an_error() {
    let mut f = yq_form();
    f.rate_score = Some(d("10"));
    f.blocks.insert("产出指标".into(), d("60"));
    f.blocks.insert("效益指标".into(), d("30"));
    f.blocks.insert("满意度指标".into(), d("10"));
    let fs = audit_one("yangquan-xiangmu-ziping", &f);
    let m = fs.iter().find(|f| f.rule == "P-满分").expect("110 > 100");
    assert_eq!((m.lhs, m.rhs), (Some(d("110")), Some(d("100"))));
    assert_eq!(m.severity, Severity::Error);
}

#[test]
fn conclusions_are_read_for_the_rate_and_for_score_against_grade() {
    let mut f = yq_form(); // 执行 8 of 10: 80.00%
    f.rate_score = Some(d("8"));
    f.fields.insert(
        "自评结论".into(),
        "项目预算执行率为95%，单位总分95分，等级为良。".into(),
    );
    let fs = audit_one("yangquan-xiangmu-ziping", &f);
    let r = fs
        .iter()
        .find(|f| f.rule == "P-结论执行率")
        .expect("95% stated, 80% computed");
    assert_eq!((r.lhs, r.rhs), (Some(d("95")), Some(d("80.00"))));
    // 95 is 优 in this profile: the sentence contradicts itself.
    assert!(fs
        .iter()
        .any(|f| f.rule == "P-等级" && f.message.contains("自相矛盾")));
    // Stated at the precision written: "执行率80%" for 80.00 is right; a formula is no rate.
    f.fields.insert(
        "自评结论".into(),
        "预算执行率=执行数÷预算数×100%，执行率80%。".into(),
    );
    let fs = audit_one("yangquan-xiangmu-ziping", &f);
    assert!(!fs.iter().any(|f| f.rule == "P-结论执行率"), "{fs:#?}");
}

#[test]
fn a_printed_rate_sentence_is_read_as_its_result_and_a_year_is_no_score() {
    let mut f = yq_form();
    f.rate_score = Some(d("8"));
    f.rate_text = "2024年预算执行率=实际支出8万元/预算10万元×100%=80%".into();
    let fs = audit_one("yangquan-xiangmu-ziping", &f);
    assert!(
        !fs.iter()
            .any(|f| f.rule == "P-执行率" || f.rule == "P-得分上限" || f.rule == "P-执行率得分"),
        "{fs:#?}"
    );
}

#[test]
fn sichuan_forms_set_their_own_weights() {
    // 执行率 10 + 绩效指标 90 split per form: 产出 60, 效益 20, 满意度 10.
    let mut f = PerfForm::default();
    f.money.insert("全年预算".into(), d("100"));
    f.money.insert("全年执行".into(), d("100"));
    for (l1, w) in [
        ("产出指标", "30"),
        ("产出指标", "30"),
        ("效益指标", "20"),
        ("满意度指标", "10"),
    ] {
        f.indicators.push(perf::Indicator {
            level1: l1.into(),
            level2: "x".into(),
            name: "n".into(),
            target: "有效".into(),
            actual: "有效".into(),
            weight: Some(d(w)),
            score: Some(d(w)),
            ..Default::default()
        });
    }
    f.profile = "sichuan-2023".into();
    let fs = audit_one("central-xiangmu-ziping", &f);
    assert!(!fs.iter().any(|f| f.rule == "P-权重"), "{fs:#?}");
    // The same form under the central rule (产出 50 / 效益 30) is off its weights.
    f.profile = "central-2020".into();
    let fs = audit_one("central-xiangmu-ziping", &f);
    assert!(fs.iter().any(|f| f.rule == "P-权重"));
    // Under 四川 the 分值 must still add up to 90.
    f.profile = "sichuan-2023".into();
    f.indicators[0].weight = Some(d("20"));
    let fs = audit_one("central-xiangmu-ziping", &f);
    let w = fs.iter().find(|f| f.rule == "P-权重").expect("80 ≠ 90");
    assert_eq!((w.lhs, w.rhs), (Some(d("80")), Some(d("90"))));
}

#[test]
fn a_blank_actual_value_is_unfilled_not_unmet() {
    let mut f = yq_form();
    f.rate_score = Some(d("8"));
    f.indicators[0].actual = String::new();
    let fs = audit_one("yangquan-xiangmu-ziping", &f);
    assert!(fs
        .iter()
        .any(|f| f.rule == "P-完成值" && f.message.contains("未填写")));
    assert!(!fs.iter().any(|f| f.rule == "P-未完成原因"), "{fs:#?}");
    // A comparator in the 完成值 is style: 提示.
    f.indicators[0].actual = "≥100人".into();
    let fs = audit_one("yangquan-xiangmu-ziping", &f);
    let c = fs.iter().find(|f| f.rule == "P-完成值写法").unwrap();
    assert_eq!(c.severity, Severity::Info);
}
