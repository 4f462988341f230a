//! 部门 consolidation: a 部门 built from three unit workbooks made from the sample — different
//! 科目, a renamed 科目, an internal flow between the 本级 and a 所属单位 — audited, offset,
//! excluded, gone stale; through the library, the CLI and the window.

mod common;
use common::{fresh_dir, run, SAMPLE};

use gongkai::consolidate::{self, UnitState};
use gongkai::engine::{Model, Workbook};
use gongkai::session::dept;
use gongkai::store::Store;
use gongkai::template::{Registry, Severity};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The sample as a unit would type it: inputs only (the printed figures belong to the
/// published document, not to a unit's entry).
fn typed(name: &str) -> Workbook {
    let mut wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    wb.unit.name = name.into();
    wb.texts.remove(gongkai::engine::workbook::SAMPLE_KEY);
    for t in wb.tables.values_mut() {
        for r in t.rows.values_mut() {
            r.asserted.clear();
        }
    }
    wb
}

/// 本级 A: the sample, paying 120 万元 to its units (对附属单位补助支出) under 2080999.
/// 所属 B: without 2013299 and with a 科目 of its own (2130101 行政运行, 农业农村), receiving the
/// 120 万元 (上级补助收入) under 2080999, and 2080505 printed under another name.
/// 所属 C: the sample with a few figures changed.
fn units(dir: &Path) -> [PathBuf; 3] {
    let mut a = typed("单位甲（本级）");
    a.set_value("03", "2080999", "6", Some(d("120")));
    let mut b = typed("单位乙");
    for t in ["02", "03", "05"] {
        if let Some(t) = b.tables.get_mut(t) {
            t.rows.remove("2013299");
        }
    }
    b.set_value("02", "2130101", "4", Some(d("33.30")));
    b.set_value("03", "2130101", "2", Some(d("33.30")));
    b.set_value("02", "2080999", "3", Some(d("120")));
    b.set_value("03", "2080999", "3", Some(d("120")));
    b.tables
        .get_mut("02")
        .unwrap()
        .rows
        .get_mut("2080505")
        .unwrap()
        .name = Some("机关事业单位养老保险缴费".into());
    let mut c = typed("单位丙");
    c.set_value("01", "29", "1", Some(d("10.05")));
    c.set_value("02", "2080505", "2", Some(d("40.00")));
    c.set_value("03", "2080505", "2", Some(d("40.00")));
    let paths = [
        dir.join("甲 本级.gongkai"),
        dir.join("乙.gongkai"),
        dir.join("丙.gongkai"),
    ];
    for (p, wb) in paths.iter().zip([a, b, c]) {
        Store::create(p, &wb).unwrap();
    }
    paths
}

/// The 部门 workbook listing the three (A as 本级).
fn dept_file(dir: &Path, paths: &[PathBuf; 3]) -> PathBuf {
    let reg = Registry::builtin();
    let set = reg.set("shanxi-juesuan-2023").unwrap();
    let file = dir.join("部门.gongkai");
    let mut store = Store::create(&file, &dept::new_dept(set, "某某局", 2023, "山西")).unwrap();
    for (i, p) in paths.iter().enumerate() {
        let c = dept::add_unit(reg, store.workbook(), dir, p, i == 0).unwrap();
        store.apply("添加单位", &[c]).unwrap();
    }
    file
}

/// 单位丙's accountant corrects 2080505 栏2 to 41.00 in the unit's own file.
fn correct_unit_c(p: &Path) {
    let mut c = Store::open(p).unwrap();
    let fix = gongkai::store::Change::value("02", "2080505", "2", Some(d("41.00")));
    c.apply("改数", &[fix]).unwrap();
}

fn value(m: &Model, t: &str, r: &str, c: &str) -> Decimal {
    m.cell_id(t, r, c)
        .map_or(Decimal::ZERO, |id| m.value_of(id))
}

#[test]
fn the_departments_tables_are_the_units_sums_with_the_offsets() {
    let dir = fresh_dir("consolidate", "sums");
    let paths = units(&dir);
    let file = dept_file(&dir, &paths);
    let reg = Registry::builtin();
    let set = reg.set("shanxi-juesuan-2023").unwrap();
    let store = Store::open(&file).unwrap();
    let units = consolidate::load(reg, store.workbook(), &dir);
    assert_eq!(units.len(), 3);
    assert!(
        units.iter().all(|u| u.state == UnitState::Ready),
        "{:?}",
        units.iter().map(|u| u.state.clone()).collect::<Vec<_>>()
    );
    assert!(units[0].r.main && !units[1].r.main);
    // Paths inside the 部门's folder are recorded relative to it.
    assert_eq!(units[0].r.path, "甲 本级.gongkai");

    // Before the offset: the flow counts twice, and the program says so.
    let c = consolidate::consolidate(set, store.workbook(), &units);
    let f = c
        .findings
        .iter()
        .find(|f| f.rule == "CONS-往来")
        .expect("flow not offset");
    assert!(f.message.contains("120.00"), "{}", f.message);
    let names = c
        .findings
        .iter()
        .find(|f| f.rule == "CONS-名称")
        .expect("name conflict");
    assert!(
        names.message.contains("2080505") && names.message.contains("单位乙"),
        "{}",
        names.message
    );

    // The suggestion: −120 on each side, where each side recorded it.
    let (offsets, unmatched) = consolidate::suggest(set, &units);
    assert!(unmatched.is_empty());
    assert_eq!(
        offsets,
        vec![
            (
                "02".to_string(),
                "2080999".to_string(),
                "3".to_string(),
                d("-120")
            ),
            (
                "03".to_string(),
                "2080999".to_string(),
                "6".to_string(),
                d("-120")
            ),
        ]
    );
    drop(store);
    let mut store = Store::open(&file).unwrap();
    store
        .apply("采纳建议的内部往来抵消", &dept::accept_offsets(&offsets))
        .unwrap();
    let c = consolidate::consolidate(set, store.workbook(), &units);
    assert!(!c
        .findings
        .iter()
        .any(|f| f.rule.starts_with("CONS-往来") || f.rule == "CONS-抵消"));

    // Every cell of 公开01–10表: the three units' figures plus the 调整's (hand sums from each
    // unit evaluated alone), the union of the 科目 included.
    let full = gongkai::evaluate::evaluate_full(reg, set, &c.wb).unwrap();
    let adj = gongkai::evaluate::evaluate_full(reg, set, &c.adjust).unwrap();
    let ms: Vec<&Model> = units.iter().map(|u| u.model.as_ref().unwrap()).collect();
    let m = &full.ev.model;
    let mut checked = 0;
    for (ti, t) in set.tables.iter().enumerate() {
        for row in &m.tables[ti].rows {
            for (ci, col) in t.columns.iter().enumerate() {
                if row.cells.get(ci).copied().flatten().is_none() {
                    continue;
                }
                let want: Decimal = ms
                    .iter()
                    .map(|u| value(u, &t.id, &row.key, &col.no))
                    .sum::<Decimal>()
                    + value(&adj.ev.model, &t.id, &row.key, &col.no);
                assert_eq!(
                    value(m, &t.id, &row.key, &col.no),
                    want,
                    "{} {} 栏{}",
                    t.label,
                    row.key,
                    col.no
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
    // By hand: the sample's 公开01表 本年收入合计 from its typed figures (3,573.39; printed
    // 3,573.41 with the seed's tail differences) three times, − B's missing 2013299 (0.55), + B's
    // 33.30 and 120, + C's 40.00 − 35.85 (2080505), − the 120 offset.
    assert_eq!(value(ms[0], "01", "27", "1"), d("3573.39"));
    assert_eq!(
        value(m, "01", "27", "1"),
        d("3573.39") * d("3") - d("0.55") + d("33.30") + d("120") + d("40.00")
            - d("35.85")
            - d("120")
    );
    // B's own 科目 is in the 部门's tables; 2013299 (in A and C only) twice.
    assert_eq!(value(m, "02", "2130101", "1"), d("33.30"));
    assert_eq!(value(m, "02", "2013299", "2"), d("1.10"));
    // 上级补助收入 of the 部门 is what came from outside it: none.
    assert_eq!(value(m, "02", "合计", "3"), Decimal::ZERO);
    assert_eq!(value(m, "03", "合计", "6"), Decimal::ZERO);
    // The forms of all three, each named by its unit.
    assert_eq!(c.wb.records.len(), 3 * 16);
    assert!(c.wb.records.contains_key("单位乙·自评03"));
    // The 情况说明's 绩效 counts come from all of them.
    let summary = gongkai::perf::summary(&full.scored);
    assert_eq!(summary.projects, 48);

    // A unit left out is left out of every sum.
    let cu: Vec<_> = consolidate::load(reg, store.workbook(), &dir);
    let off = dept::set_included(&cu[2], false);
    store.apply("参加汇总的单位", &[off]).unwrap();
    let cu = consolidate::load(reg, store.workbook(), &dir);
    assert_eq!(cu[2].state, UnitState::Excluded);
    let c = consolidate::consolidate(set, store.workbook(), &cu);
    let full = gongkai::evaluate::evaluate_full(reg, set, &c.wb).unwrap();
    assert_eq!(
        value(&full.ev.model, "01", "27", "1"),
        d("3573.39") * d("2") - d("0.55") + d("33.30") + d("120") - d("120")
    );
}

#[test]
fn a_unit_changed_after_consolidation_is_named_until_confirmed_again() {
    let dir = fresh_dir("consolidate", "stale");
    let paths = units(&dir);
    let file = dept_file(&dir, &paths);
    let reg = Registry::builtin();
    // C's accountant corrects a figure after the 部门 was consolidated.
    correct_unit_c(&paths[2]);
    let store = Store::open(&file).unwrap();
    let units = consolidate::load(reg, store.workbook(), &dir);
    assert_eq!(units[2].state, UnitState::Stale);
    assert_eq!(units[0].state, UnitState::Ready);
    drop(store);
    // check says so (a warning), and the figures are the unit's current ones.
    let (_, full) = gongkai::io::check_file(reg, &file).unwrap();
    let stale = full
        .ev
        .findings
        .iter()
        .find(|f| f.rule == "CONS-过期")
        .unwrap();
    assert_eq!(stale.severity, Severity::Warning);
    assert!(stale.message.contains("单位丙"), "{}", stale.message);
    // 重新汇总 is one undoable step.
    let mut store = Store::open(&file).unwrap();
    let ch = dept::confirm(&consolidate::load(reg, store.workbook(), &dir));
    assert_eq!(ch.len(), 1);
    store.apply("重新汇总", &ch).unwrap();
    assert!(consolidate::load(reg, store.workbook(), &dir)
        .iter()
        .all(|u| u.state == UnitState::Ready));
    store.undo().unwrap();
    assert_eq!(
        consolidate::load(reg, store.workbook(), &dir)[2].state,
        UnitState::Stale
    );
    // A unit whose file is gone is an error, named with its path.
    drop(store);
    std::fs::remove_file(&paths[1]).unwrap();
    let (_, full) = gongkai::io::check_file(reg, &file).unwrap();
    let gone = full
        .ev
        .findings
        .iter()
        .find(|f| f.rule == "CONS-单位")
        .unwrap();
    assert_eq!(gone.severity, Severity::Error);
    assert!(gone.message.contains("乙.gongkai"), "{}", gone.message);
}

#[test]
fn the_command_builds_the_department_and_prints_the_board() {
    let dir = fresh_dir("consolidate", "cli");
    let paths = units(&dir);
    let file = dir.join("部门 CLI.gongkai");
    let f = file.to_str().unwrap();
    let (code, out, err) = run(&[
        "consolidate",
        f,
        "--main",
        paths[0].to_str().unwrap(),
        "--unit",
        paths[1].to_str().unwrap(),
        "--unit",
        paths[2].to_str().unwrap(),
        "--name",
        "某某局",
    ]);
    assert!(code <= 1, "{err}");
    assert!(out.contains("已新建部门工作簿"), "{out}");
    assert!(out.contains("本级  单位甲（本级）  已汇总"), "{out}");
    assert!(out.contains("CONS-往来"), "{out}");
    // Offsets accepted: the warning is gone; the other commands read the consolidated tables.
    let (_, out, _) = run(&["consolidate", f, "--accept-offsets"]);
    assert!(out.contains("已写入 2 项抵消调整"), "{out}");
    assert!(!out.contains("CONS-往来"), "{out}");
    let (_, json, _) = run(&["check", f, "--json"]);
    assert!(json.contains("CONS-名称"));
    // A unit of another year is refused in words and nothing is added.
    let other = dir.join("别年.gongkai");
    let mut wb = typed("单位丁");
    wb.unit.year = 2024;
    Store::create(&other, &wb).unwrap();
    let (_, _, err) = run(&["consolidate", f, "--unit", other.to_str().unwrap()]);
    assert!(err.contains("只能汇总同一模板集、同一年度的单位"), "{err}");
    // Left out by name.
    let (_, out, _) = run(&["consolidate", f, "--exclude", "单位丙"]);
    assert!(out.contains("单位丙  不参加汇总"), "{out}");
    // The summary review lists the 部门 among other workbooks.
    let pdf = dir.join("部门.pdf");
    let (code, out, err) = run(&[
        "export-pdf",
        f,
        "-o",
        pdf.to_str().unwrap(),
        "--part",
        "tables",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("已导出"));
}

mod window {
    use super::*;
    use egui_kittest::kittest::Queryable;
    use egui_kittest::Harness;
    use gongkai::ui::{install_fonts, App, View};

    fn harness(file: &Path) -> Harness<'static, App> {
        let app = App::new(Store::open(file).unwrap()).unwrap();
        let mut h = Harness::builder()
            .with_size(egui::vec2(1500.0, 1000.0))
            .with_context_setup(install_fonts)
            .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
        h.run();
        h
    }

    fn cell(h: &Harness<'static, App>, t: &str, r: &str, c: &str) -> Decimal {
        let m = &h.state().session.model;
        m.cell_id(t, r, c)
            .map_or(Decimal::ZERO, |id| m.value_of(id))
    }

    #[test]
    fn the_board_drills_down_leaves_out_and_follows_a_changed_unit() {
        let dir = fresh_dir("consolidate", "window");
        let paths = units(&dir);
        let file = dept_file(&dir, &paths);
        let mut h = harness(&file);
        // A 部门 opens on its board: each unit with its role, state and counts.
        assert_eq!(h.state().view, View::Dept);
        h.get_by_label("单位甲（本级）");
        // 本级: the unit's role, and the box of 添加单位.
        assert_eq!(h.query_all_by_label("本级").count(), 2);
        assert_eq!(h.query_all_by_label("所属单位").count(), 2);
        assert_eq!(h.query_all_by_label("已汇总").count(), 3);
        // Before any offset the flow is named, in the findings.
        assert!(h.state().findings().iter().any(|f| f.rule == "CONS-往来"));
        h.get_by_label("建议抵消").click();
        h.run();
        assert!(!h.state().findings().iter().any(|f| f.rule == "CONS-往来"));
        h.get_by_label_contains("公开02表 2080999 栏3：-120.00");
        assert_eq!(cell(&h, "02", "合计", "3"), Decimal::ZERO);

        // Drill-down: a consolidated cell lists each unit's part.
        h.get_by_label_contains("公开02表 收入决算表").click();
        h.run();
        let name = "公开02表 2080505 机关事业单位基本养老保险缴费支出 栏2";
        h.get_by_label(name).hover();
        h.run();
        h.get_by_label_contains("构成：");
        for part in ["单位甲（本级）：35.85", "单位乙：35.85", "单位丙：40.00"] {
            h.get_by_label_contains(part);
        }
        // Figures are not typed into a 部门's tables.
        h.get_by_label(name).click();
        h.run();
        h.get_by_label(name).type_text("99");
        h.run();
        h.key_press(egui::Key::Enter);
        h.run();
        assert_eq!(cell(&h, "02", "2080505", "2"), d("111.70"));
        h.get_by_label_contains("部门的表由各单位汇总得出");

        // Left out: 单位丙 leaves every sum; one undo brings it back.
        // The navigator's entry, with the count of its warnings.
        let n = h
            .state()
            .findings()
            .iter()
            .filter(|f| f.table == "部门汇总" && f.severity >= Severity::Warning)
            .count();
        h.get_by_label(&format!("部门汇总（{n}）")).click();
        h.run();
        assert_eq!(h.state().view, View::Dept);
        h.get_by_label("参加汇总「单位丙」").click();
        h.run();
        h.get_by_label("不参加汇总");
        assert_eq!(cell(&h, "02", "2080505", "2"), d("71.70"));
        h.state_mut().undo();
        h.run();
        assert_eq!(cell(&h, "02", "2080505", "2"), d("111.70"));

        // 单位丙 corrects a figure in its own file: after 刷新 (or within two seconds on its
        // own) the board says so and the sum follows; 重新汇总 confirms it, undoably.
        correct_unit_c(&paths[2]);
        h.get_by_label("刷新").click();
        h.run();
        h.get_by_label("已修改，待重新汇总");
        assert_eq!(cell(&h, "02", "2080505", "2"), d("112.70"));
        assert!(h.state().findings().iter().any(|f| f.rule == "CONS-过期"));
        h.get_by_label("重新汇总").click();
        h.run();
        assert_eq!(h.query_all_by_label("已汇总").count(), 3);
        assert!(!h.state().findings().iter().any(|f| f.rule == "CONS-过期"));
        h.state_mut().undo();
        h.run();
        h.get_by_label("已修改，待重新汇总");

        // 打开 a unit: its own window (here, where no window can be started, it says where).
        h.get_by_label("打开「单位乙」").click();
        h.run();
        h.get_by_label_contains("此处不能打开新窗口");
    }
}
