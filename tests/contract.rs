//! Contract test over the whole template registry, and load errors for broken templates.

use gongkai::template::registry::{embedded_files, Files};
use gongkai::template::{CellSpec, Registry, RowKind};
use std::collections::HashSet;

const SEED: &str = include_str!("fixtures/juesuan-2023-yangquan-veterans-bureau.txt");

#[test]
fn every_set_loads_with_unique_labels_and_known_rules() {
    let reg = Registry::builtin();
    assert!(
        reg.sets.len() >= 3,
        "山西 2023 and 2024 決算 and 2024 预算 sets expected"
    );
    for set in &reg.sets {
        let mut labels = HashSet::new();
        for t in &set.tables {
            assert!(
                labels.insert(t.label.clone()),
                "{}: duplicate 表号 {}",
                set.id,
                t.label
            );
            // 决算 tables print a 注 under each table; the 预算 tables of the seed print none.
            assert!(
                !t.title.is_empty() && (set.family != "决算" || t.note.starts_with("注：")),
                "{} {}: title and 注 required",
                set.id,
                t.label
            );
            let mut keys = HashSet::new();
            for r in t.rows.iter().filter(|r| r.kind == RowKind::Data) {
                assert!(
                    keys.insert(r.key.clone()),
                    "{} {}: duplicate row {}",
                    set.id,
                    t.label,
                    r.key
                );
            }
            if !t.print.header.is_empty() {
                // The printed header spans exactly the physical columns it declares widths for.
                let first: u16 = t.print.header[0].iter().map(|c| c.c).sum();
                assert_eq!(
                    first as usize,
                    t.print.widths.len(),
                    "{} {}: header width",
                    set.id,
                    t.label
                );
            }
        }
        // The calculation order covers every derived cell class exactly once.
        let order: HashSet<_> = set.order.iter().collect();
        assert_eq!(order.len(), set.order.len());
    }
}

#[test]
fn every_rule_of_rules_md_section_3_is_in_the_catalogue() {
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    for id in [
        "01-1",
        "01-2",
        "01-3",
        "01-4",
        "01-5",
        "02-R",
        "03-R",
        "05-R",
        "H0",
        "H1",
        "04-1",
        "04-2",
        "04-3",
        "04-4",
        "04-5",
        "04-6",
        "04-7",
        "06-1",
        "06-2",
        "06-3",
        "07-1",
        "07-2",
        "09-1",
        "09-2",
        "10-1",
        "10-2",
        "NN",
        "X-01/02a",
        "X-01/02b",
        "X-01/02c",
        "X-01/03",
        "X-01/04a",
        "X-01/04b",
        "X-01/04c",
        "X-01/04d",
        "X-01/04e",
        "X-01/04f",
        "X-04/05",
        "X-03/05≤",
        "X-05/06",
        "X-04/07",
        "X-04/08",
        "X-06/09",
        "X-06/10",
    ] {
        assert!(set.rule(id).is_some(), "rule {id} missing");
    }
    // And every catalogued rule is used by some formula or check (no dead IDs).
    let mut used = HashSet::new();
    for t in &set.tables {
        for c in &t.checks {
            used.insert(c.rule);
        }
        for col in &t.columns {
            if let Some(CellSpec::Formula { rule, .. }) = &col.leaf {
                used.insert(*rule);
            }
        }
        if let Some(c) = &t.coded {
            used.insert(c.hierarchy_rule);
            used.insert(c.total_rule);
        }
        for r in &t.rows {
            for (_, s) in &r.cells {
                if let CellSpec::Formula { rule, .. } = s {
                    used.insert(*rule);
                }
            }
        }
    }
    for (i, r) in set.rules.iter().enumerate() {
        if !gongkai::engine::BUILTIN_RULES.contains(&r.id.as_str())
            && !gongkai::consolidate::RULES.contains(&r.id.as_str())
        {
            assert!(used.contains(&i), "rule {} is never applied", r.id);
        }
    }
}

/// Code and printed form agree: every fixed row label of the 2023 templates appears in the seed.
#[test]
fn fixed_rows_match_the_printed_2023_tables() {
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    let seed_lines: Vec<&str> = SEED.lines().collect();
    for t in &set.tables {
        assert!(SEED.contains(&t.title), "{}: title not in seed", t.label);
        let note = t.note.trim_start_matches("注：");
        assert!(SEED.contains(note), "{}: 注 differs from the seed", t.label);
        for r in t
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Data && !r.label.is_empty())
        {
            let needle = match (&r.code, r.show_no) {
                (Some(code), false) => format!("{code}\t{}", r.label),
                (_, true) => format!("{}\t{}", r.label, r.key),
                _ => r.label.clone(),
            };
            assert!(
                seed_lines.iter().any(|l| l.contains(&needle)),
                "{} row {} 「{}」 not found in the seed as printed",
                t.label,
                r.key,
                needle
            );
        }
    }
}

#[test]
fn the_2024_set_carries_the_documented_wording_changes() {
    let reg = Registry::builtin();
    let (a, b) = (
        reg.set("shanxi-juesuan-2023").unwrap(),
        reg.set("shanxi-juesuan-2024").unwrap(),
    );
    let label = |s: &gongkai::template::TemplateSet, t: &str, r: &str| {
        let t = &s.tables[s.table(t).unwrap()];
        t.rows.get(t.row_index(r)?).map(|r| r.label.clone())
    };
    assert_eq!(
        label(a, "01", "28").unwrap(),
        "使用非财政拨款结余和专用结余"
    );
    assert_eq!(
        label(b, "01", "28").unwrap(),
        "使用非财政拨款结余（含专用结余）"
    );
    assert_eq!(label(a, "06", "30901").unwrap(), "房屋建筑物构建");
    assert_eq!(label(b, "06", "30901").unwrap(), "房屋建筑物购建");
    assert_eq!(label(b, "06", "31001").unwrap(), "房屋建筑物购建");
    assert_eq!(label(b, "06", "30999").unwrap(), "其他基本建设支出");
    assert_eq!(label(b, "06", "31101").unwrap(), "资本金注入（基本建设）");
    assert!(label(a, "06", "31206").is_none());
    assert_eq!(label(b, "06", "31206").unwrap(), "其他资本性补助");
    let t6 = &b.tables[b.table("06").unwrap()];
    assert!(t6.row_index("31206").unwrap() > t6.row_index("31205").unwrap());
    assert!(t6.row_index("31206").unwrap() < t6.row_index("31299").unwrap());
    assert!(b.tables[b.table("04").unwrap()].note.contains("总收支"));
    assert!(a.tables[a.table("04").unwrap()].note.contains("总支出"));
}

fn with_edit(file: &str, from: &str, to: &str) -> Files {
    let mut files = embedded_files();
    let text = files.get_mut(file).unwrap();
    assert!(text.contains(from), "fixture: {from} not in {file}");
    *text = text.replacen(from, to, 1);
    files
}

#[test]
fn a_missing_cell_reference_is_a_load_error_naming_file_and_cell() {
    let files = with_edit(
        "templates/shanxi-juesuan-2023/01.toml",
        "expr = \"31[1] = 62[2]\"",
        "expr = \"31[1] = 99[2]\"",
    );
    let e = Registry::from_files(&files).unwrap_err().to_string();
    assert!(e.contains("templates/shanxi-juesuan-2023/01.toml"), "{e}");
    assert!(e.contains("01.99[2]"), "{e}");
}

#[test]
fn a_cycle_is_a_load_error_naming_the_cells() {
    // 行27 = Σ1..8 and 行8 := 行27 closes a loop.
    let files = with_edit(
        "templates/shanxi-juesuan-2023/01.toml",
        "cells = { \"1\" = \"=02.合计[7] #X-01/02c\" }",
        "cells = { \"1\" = \"=27[1] #X-01/02c\" }",
    );
    let e = Registry::from_files(&files).unwrap_err().to_string();
    assert!(e.contains("循环引用"), "{e}");
    assert!(
        e.contains("公开01表 行27 栏1") && e.contains("公开01表 行8 栏1"),
        "{e}"
    );
}

#[test]
fn unknown_rules_tables_and_bad_syntax_are_load_errors() {
    for (from, to, want) in [
        ("#01-1", "#01-99", "未定义的规则编号「01-99」"),
        ("=02.合计[3]", "=12.合计[3]", "不存在的表「12」"),
        ("=SUM(1:8[1]) #01-1", "=SUM(1:8[1] #01-1", "应为「)」"),
        (
            "layout = \"two-sided\"",
            "layout = \"round\"",
            "layout「round」无效",
        ),
    ] {
        let files = with_edit("templates/shanxi-juesuan-2023/01.toml", from, to);
        let e = Registry::from_files(&files).unwrap_err().to_string();
        assert!(e.contains(want) && e.contains("01.toml"), "{from} → {e}");
    }
}

#[test]
fn the_budget_set_has_its_thirteen_tables_and_thirty_classes() {
    let set = Registry::builtin().set("shanxi-yusuan-2024").unwrap();
    assert_eq!(set.family, "预算");
    assert_eq!(set.tables.len(), 13);
    for id in ["01", "04"] {
        let t = &set.tables[set.table(id).unwrap()];
        let classes = t
            .rows
            .iter()
            .filter(|r| r.code.as_ref().is_some_and(|c| c.len() == 3))
            .count();
        assert_eq!(classes, 30, "{} lists the 30 功能分类 类", t.label);
    }
    // 表二 and 表三 show the 科目 of 表五 and 表八 (derived, never empty while those are not).
    for id in ["02", "03"] {
        let t = &set.tables[set.table(id).unwrap()];
        assert_eq!(
            t.coded.as_ref().unwrap().rows_from,
            vec!["05".to_string(), "08".to_string()]
        );
    }
    // A rows_from naming a table of another code list is refused with the file named.
    let mut files = gongkai::template::registry::embedded_files();
    let f = "templates/shanxi-yusuan-2024/03.toml";
    let t = files[f].replace("rows_from = [\"05\", \"08\"]", "rows_from = [\"12\"]");
    assert_ne!(t, files[f]);
    files.insert(f.into(), t);
    let e = Registry::from_files(&files).unwrap_err().to_string();
    assert!(e.contains("03.toml") && e.contains("rows_from"), "{e}");
}

/// Every table of every set lays out consistently: each row has one cell per physical column,
/// the header covers exactly those columns, and {year} is filled in (the 09 and 预算表1 layouts
/// once had a column their header lacked).
#[test]
fn every_table_lays_out_on_its_own_columns() {
    for set in &Registry::builtin().sets {
        let wb = gongkai::engine::Workbook::new(
            &set.id,
            gongkai::engine::UnitMeta {
                name: "单位".into(),
                year: 2031,
                profile: set.region.clone(),
            },
        );
        let model = gongkai::engine::Model::build(set, &wb).unwrap();
        for (ti, t) in set.tables.iter().enumerate() {
            let sh = gongkai::layout::sheet(&model, ti);
            let n = sh.widths.len();
            for (r, row) in sh.rows.iter().enumerate() {
                assert_eq!(
                    row.cells.len(),
                    n,
                    "{} {} row {r}: {} cells for {n} columns",
                    set.id,
                    t.label,
                    row.cells.len()
                );
            }
            assert!(
                t.print.widths.is_empty() || t.print.widths.len() == n,
                "{} {}: the template gives {} widths for {n} physical columns",
                set.id,
                t.label,
                t.print.widths.len()
            );
            let mut covered = vec![false; n];
            for h in &sh.header {
                for c in covered.iter_mut().skip(h.col).take(h.colspan) {
                    *c = true;
                }
            }
            assert!(
                covered.iter().all(|c| *c),
                "{} {}: header leaves columns uncovered",
                set.id,
                t.label
            );
            for h in &sh.header {
                assert!(
                    h.col + h.colspan <= n,
                    "{} {}: header 「{}」 beyond the columns",
                    set.id,
                    t.label,
                    h.text
                );
                assert!(
                    !h.text.contains("{year}"),
                    "{} {}: {}",
                    set.id,
                    t.label,
                    h.text
                );
            }
            if sh.header.iter().any(|h| h.text.contains("年"))
                && t.print
                    .header
                    .iter()
                    .flatten()
                    .any(|h| h.t.contains("{year}"))
            {
                assert!(
                    sh.header.iter().any(|h| h.text.contains("2031年")),
                    "{} {}",
                    set.id,
                    t.label
                );
            }
        }
    }
}

#[test]
fn every_economic_code_the_tables_print_is_in_the_list_of_their_year() {
    // 公开06表 (决算) and 预算公开表6 print 部门预算支出经济分类 rows by code: each code is in the
    // 经济分类 list of the set's year (assets/codes/jingji-bumen-YEAR.toml).
    let reg = Registry::builtin();
    for (set_id, table) in [
        ("shanxi-juesuan-2023", "06"),
        ("shanxi-juesuan-2024", "06"),
        ("shanxi-yusuan-2024", "06"),
    ] {
        let set = reg.set(set_id).unwrap();
        let list = reg
            .code_list(&format!("部门经济分类-{}", set.year))
            .unwrap_or_else(|| panic!("no 部门经济分类 list for {}", set.year));
        let t = &set.tables[set.table(table).unwrap()];
        let mut n = 0;
        for r in &t.rows {
            if let Some(code) = &r.code {
                assert!(
                    list.name_of(code).is_some(),
                    "{set_id} {} {code} {} is not in {}",
                    t.label,
                    r.label,
                    list.id
                );
                n += 1;
            }
        }
        assert!(n > 50, "{set_id}: {n} coded rows");
    }
    // And every 功能分类 code the seeds' samples print is in the list their set names.
    for sample in ["juesuan-2023-yangquan.json", "yusuan-2024-yangquan.json"] {
        let path = format!("{}/assets/samples/{sample}", env!("CARGO_MANIFEST_DIR"));
        let wb = gongkai::io::json::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
        let set = reg.set(&wb.template_set).unwrap();
        let ev = gongkai::engine::evaluate(set, &wb).unwrap();
        let unknown: Vec<_> = ev
            .findings
            .iter()
            .filter(|f| f.rule.starts_with("CODE-"))
            .collect();
        assert!(unknown.is_empty(), "{sample}: {unknown:#?}");
    }
}
