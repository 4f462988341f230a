//! Property tests: after any sequence of edits every total equals the sum of its parts, an
//! incremental recalculation equals a fresh one, and no input bytes make the importer panic.

use gongkai::engine::{evaluate, Model, Workbook};
use gongkai::io::json::from_json;
use gongkai::template::{Registry, RowClass, Severity};
use proptest::prelude::*;
use rust_decimal::Decimal;

const SAMPLE: &str = include_str!("../assets/samples/juesuan-2023-yangquan.json");

/// Input cells of the sample's template (table id, row key, col no).
fn input_cells() -> Vec<(String, String, String)> {
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    let wb = from_json(SAMPLE).unwrap();
    let m = Model::build(set, &wb).unwrap();
    let mut out = Vec::new();
    for c in &m.cells {
        if c.kind == gongkai::engine::CellKind::Input {
            let t = &set.tables[c.table];
            out.push((
                t.id.clone(),
                m.tables[c.table].rows[c.row].key.clone(),
                t.columns[c.col].no.clone(),
            ));
        }
    }
    out
}

fn stripped() -> Workbook {
    let mut wb = from_json(SAMPLE).unwrap();
    for t in wb.tables.values_mut() {
        for r in t.rows.values_mut() {
            r.asserted.clear();
        }
    }
    wb
}

fn amount() -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000).prop_map(|c| Decimal::new(c, 2))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn totals_equal_the_sum_of_their_parts_after_any_edits(edits in prop::collection::vec((any::<prop::sample::Index>(), amount()), 1..40)) {
        let cells = input_cells();
        let mut wb = stripped();
        for (ix, v) in &edits {
            let (t, r, c) = &cells[ix.index(cells.len())];
            wb.set_value(t, r, c, Some(*v));
        }
        let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
        let ev = evaluate(set, &wb).unwrap();
        let m = &ev.model;
        // Hierarchy: every 类/款 and 合计 of the code-keyed tables equals the sum of its children.
        for (ti, t) in set.tables.iter().enumerate() {
            if t.coded.is_none() { continue; }
            let rows = &m.tables[ti].rows;
            for r in rows.iter().filter(|r| matches!(r.class, RowClass::Agg | RowClass::Total)) {
                let want = if r.class == RowClass::Total { 3 } else { r.key.len() + 2 };
                let prefix = r.code.as_deref().unwrap_or("");
                for c in 0..t.columns.len() {
                    let sum: Decimal = rows.iter()
                        .filter(|k| k.key.len() == want && k.code.is_some() && k.key.starts_with(prefix))
                        .map(|k| m.value_of(k.cells[c].unwrap()))
                        .sum();
                    prop_assert_eq!(m.value_of(r.cells[c].unwrap()), sum, "{} {} 栏{}", t.label, r.key, t.columns[c].no);
                }
            }
        }
        // Fixed totals.
        let v = |t: &str, r: &str, c: &str| m.value(t, r, c).unwrap();
        let s01: Decimal = (1..=8).map(|i| v("01", &i.to_string(), "1")).sum();
        prop_assert_eq!(v("01", "27", "1"), s01);
        prop_assert_eq!(v("01", "58", "2"), v("03", "合计", "1"));
        prop_assert_eq!(v("04", "59", "3"), v("05", "合计", "1"));
        prop_assert_eq!(v("06", "人员经费合计", "1"), v("06", "301", "1") + v("06", "303", "1"));
        prop_assert_eq!(v("10", "1", "1"), v("10", "2", "1") + v("10", "3", "1") + v("10", "4", "1"));
        // Derived relations never produce an error for the relations that are derivations.
        for f in ev.findings.iter().filter(|f| f.severity == Severity::Error) {
            prop_assert!(!["H0", "H1", "01-1", "01-3", "04-4", "04-5", "06-1", "06-3", "02-R", "03-R", "05-R"].contains(&f.rule.as_str()), "{}", f.message);
        }
    }

    #[test]
    fn incremental_edit_equals_fresh_evaluation(edits in prop::collection::vec((any::<prop::sample::Index>(), amount()), 1..20)) {
        let cells = input_cells();
        let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
        let mut wb = from_json(SAMPLE).unwrap();
        let mut model = Model::build(set, &wb).unwrap();
        model.recalc();
        let mut last = Vec::new();
        for (ix, v) in &edits {
            let (t, r, c) = &cells[ix.index(cells.len())];
            wb.set_value(t, r, c, Some(*v));
            let id = model.cell_id(t, r, c).unwrap();
            model.set_input(id, *v).unwrap();
            last = model.recalc();
        }
        let fresh = evaluate(set, &wb).unwrap();
        prop_assert_eq!(&last, &fresh.findings);
        for id in 0..model.cells.len() as u32 {
            prop_assert_eq!(model.value_of(id), fresh.model.value_of(id));
        }
    }

    #[test]
    fn arbitrary_text_never_panics_the_importer(s in ".{0,400}") {
        let _ = from_json(&s);
    }

    /// Amounts at the edges of what is accepted (15 integer digits, 6 decimals, negative) in any
    /// input cells: the whole evaluation (tables, forms, 情况说明) never panics or overflows.
    #[test]
    fn amounts_at_the_bound_never_crash_the_evaluation(edits in prop::collection::vec((any::<prop::sample::Index>(), prop_oneof![
        Just("999999999999999.999999"), Just("-999999999999999.999999"), Just("0.000001"),
        Just("-0.000001"), Just("500000000000000"), Just("0")
    ]), 1..60)) {
        let cells = input_cells();
        let mut wb = from_json(SAMPLE).unwrap();
        for (ix, v) in &edits {
            let (t, r, c) = &cells[ix.index(cells.len())];
            wb.set_value(t, r, c, Some(v.parse().unwrap()));
        }
        let reg = Registry::builtin();
        let set = reg.set("shanxi-juesuan-2023").unwrap();
        let full = gongkai::evaluate::evaluate_full(reg, set, &wb).unwrap();
        prop_assert!(!full.ev.findings.is_empty());
    }

    #[test]
    fn mutated_sample_never_panics(pos in 0usize..SAMPLE.len(), byte in any::<u8>(), cut in any::<bool>()) {
        let mut bytes = SAMPLE.as_bytes().to_vec();
        if cut { bytes.truncate(pos); } else { bytes[pos] = byte; }
        if let Ok(text) = String::from_utf8(bytes) {
            if let Ok(wb) = from_json(&text) {
                if let Some(set) = Registry::builtin().set(&wb.template_set) {
                    let _ = evaluate(set, &wb);
                }
            }
        }
    }
}

/// Any sequence of edits (cells, rows, texts), undos and redos, persisted through the store:
/// the file always reopens to exactly the workbook in memory, and undoing everything returns to
/// the start.
mod store_history {
    use super::*;
    use gongkai::engine::Slot;
    use gongkai::store::{Change, Store};

    #[derive(Debug, Clone)]
    enum Op {
        Set(usize, i64),
        Clear(usize),
        DropRow(usize),
        Text(u8, Option<String>),
        Undo,
        Redo,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0usize..10_000, -99_999i64..99_999).prop_map(|(c, v)| Op::Set(c, v)),
            1 => (0usize..10_000).prop_map(Op::Clear),
            1 => (0usize..10_000).prop_map(Op::DropRow),
            1 => (0u8..4, proptest::option::of("[a-z一二三。]{0,6}")).prop_map(|(k, t)| Op::Text(k, t)),
            2 => Just(Op::Undo),
            1 => Just(Op::Redo),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn reopen_equals_memory_and_full_undo_restores(ops in proptest::collection::vec(op(), 1..25)) {
            let cells = input_cells();
            let dir = std::env::temp_dir().join(format!("gongkai 公开-prop-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let p = dir.join(format!("{}.sqlite", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()));
            let start = from_json(SAMPLE).unwrap();
            let mut s = Store::create(&p, &start).unwrap();
            for o in &ops {
                match o {
                    Op::Set(i, v) => {
                        let (t, r, c) = &cells[i % cells.len()];
                        s.apply("设", &[Change::value(t, r, c, Some(Decimal::new(*v, 2)))]).unwrap();
                    }
                    Op::Clear(i) => {
                        let (t, r, c) = &cells[i % cells.len()];
                        s.apply("清", &[Change::value(t, r, c, None)]).unwrap();
                    }
                    Op::DropRow(i) => {
                        let (t, r, _) = &cells[i % cells.len()];
                        s.apply("删行", &[Change::new(Slot::row(t, r), None)]).unwrap();
                    }
                    Op::Text(k, t) => {
                        s.apply("文字", &[Change::text(&format!("t{k}"), t.as_deref())]).unwrap();
                    }
                    Op::Undo => { s.undo().unwrap(); }
                    Op::Redo => { s.redo().unwrap(); }
                }
            }
            let mem = s.workbook().clone();
            drop(s);
            let mut s = Store::open(&p).unwrap();
            prop_assert_eq!(s.workbook(), &mem);
            while s.undo().unwrap().is_some() {}
            prop_assert_eq!(s.workbook(), &start);
            drop(s);
            let _ = std::fs::remove_file(&p);
        }
    }
}

fn score_0_to(max: i64) -> impl Strategy<Value = Decimal> {
    (0..=max * 100).prop_map(|c| Decimal::new(c, 2))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// 总分 = 执行率得分 + Σ 一级 for any mix of entered blocks and indicator actuals; the grade
    /// is the profile's band of that total.
    #[test]
    fn perf_total_is_the_sum_of_its_parts(
        rate in proptest::option::of(score_0_to(10)),
        blocks in proptest::collection::vec(proptest::option::of(score_0_to(50)), 3),
        actuals in proptest::collection::vec(0i64..300, 4),
        spent in 0i64..2000,
    ) {
        use gongkai::perf::{self, Indicator, PerfForm};
        let reg = Registry::builtin();
        let t = reg.form("yangquan-xiangmu-ziping").unwrap();
        let p = reg.profile("shanxi-yangquan-2023").unwrap();
        let mut f = PerfForm::default();
        f.money.insert("到位".into(), Decimal::from(1000));
        f.money.insert("执行".into(), Decimal::from(spent));
        f.rate_score = rate;
        for (name, b) in ["产出指标", "效益指标", "满意度指标"].iter().zip(&blocks) {
            if let Some(b) = b {
                f.blocks.insert(name.to_string(), *b);
            }
        }
        for (i, a) in actuals.iter().enumerate() {
            f.indicators.push(Indicator {
                level1: ["产出指标", "产出指标", "效益指标", "满意度指标"][i].into(),
                level2: "数量指标".into(),
                name: format!("指标{i}"),
                target: "≥100个".into(),
                actual: format!("{a}个"),
                ..Default::default()
            });
        }
        let s = perf::score_form("p", t, p, &f);
        let parts: Decimal = s.blocks.iter().map(|b| b.score).sum::<Decimal>() + s.rate_score;
        prop_assert_eq!(s.total, parts);
        for b in &s.blocks {
            prop_assert!(b.suggested <= b.weight);
            if let Some(e) = b.entered { prop_assert_eq!(b.score, e); }
        }
        prop_assert_eq!(s.grade.as_str(), perf::grade_of(s.total, p));
    }

    /// Grades never get worse as the total rises.
    #[test]
    fn perf_grade_is_monotone(a in score_0_to(100), b in score_0_to(100)) {
        let p = Registry::builtin().profile("shanxi-yangquan-2023").unwrap();
        let rank = |g: &str| p.grades.iter().position(|x| x.name == g).unwrap();
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(rank(gongkai::perf::grade_of(hi, p)) <= rank(gongkai::perf::grade_of(lo, p)));
    }

    /// Arbitrary JSON as a record body never panics: it is read or refused with a message.
    #[test]
    fn perf_arbitrary_bodies_never_panic(text in ".{0,200}") {
        let reg = Registry::builtin();
        let body = serde_json::from_str::<serde_json::Value>(&text)
            .unwrap_or(serde_json::Value::String(text.clone()));
        let _ = gongkai::perf::read_record(reg, "x", "yangquan-xiangmu-ziping", &body);
        let mut wb = Workbook::new("shanxi-juesuan-2023", Default::default());
        wb.records.insert("x".into(), gongkai::engine::Record { kind: "yangquan-xiangmu-ziping".into(), body });
        let _ = gongkai::perf::audit_workbook(reg, &wb, None);
    }
}
