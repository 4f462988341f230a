//! 部门 consolidation benchmark (issue target: 100 unit workbooks of the sample's size opened,
//! evaluated, summed and audited in ≤ 1 s on the 2-core machine). Units are .gongkai files made
//! from the sample (each with its own 科目 figures); the 部门 file lists them. The timed step is
//! what opening the 部门 does: `io::check_file` — every unit read and evaluated on its own
//! (errors, drill-down), hashed, added up with the 调整, the sum evaluated and audited.
//! Also `check --summary` (issue target: 500 workbooks ≤ 5 s): every workbook of a folder read,
//! evaluated and audited, one row each, and the Excel sheet of the rows.
//! Run: cargo bench --bench consolidate

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gongkai::io::json::from_json;
use gongkai::session::dept;
use gongkai::store::Store;
use gongkai::template::Registry;
use rust_decimal::Decimal;
use std::hint::black_box;
use std::path::PathBuf;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SAMPLE: &str = include_str!("../assets/samples/juesuan-2023-yangquan.json");

/// A folder with `n` unit workbooks and the 部门 listing them (the first as 本级).
fn department(n: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-consolidate-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let reg = Registry::builtin();
    let base = from_json(SAMPLE).unwrap();
    let set = reg.set(&base.template_set).unwrap();
    let file = dir.join("部门.gongkai");
    let mut store = Store::create(&file, &dept::new_dept(set, "某某局", 2023, "山西")).unwrap();
    for i in 0..n {
        let mut wb = base.clone();
        wb.unit.name = format!("单位{i:03}");
        wb.texts.remove(gongkai::engine::workbook::SAMPLE_KEY);
        // Figures of its own: a 科目 no other unit has, and a different 2080505.
        let own = format!("2130{:03}", i % 1000);
        wb.set_value("02", &own, "4", Some(Decimal::from(i as i64 + 1)));
        wb.set_value("03", &own, "2", Some(Decimal::from(i as i64 + 1)));
        wb.set_value("02", "2080505", "2", Some(Decimal::new(3585 + i as i64, 2)));
        let p = dir.join(format!("单位{i:03}.gongkai"));
        Store::create(&p, &wb).unwrap();
        let c = dept::add_unit(reg, store.workbook(), &dir, &p, i == 0).unwrap();
        store.apply("添加单位", &[c]).unwrap();
    }
    file
}

fn bench(c: &mut Criterion) {
    let reg = Registry::builtin();
    let mut g = c.benchmark_group("open a 部门 of n units (read, evaluate, sum, audit)");
    g.sample_size(10);
    for n in [10, 100, 500] {
        let file = department(n);
        let (_, full) = gongkai::io::check_file(reg, &file).unwrap();
        println!(
            "{n} units: {} findings on the consolidated tables",
            full.ev.findings.len()
        );
        g.bench_with_input(BenchmarkId::from_parameter(n), &file, |b, f| {
            b.iter(|| black_box(gongkai::io::check_file(reg, f).unwrap().1.ev.findings.len()))
        });
    }
    g.finish();
}

/// A folder of `n` sample workbooks (interchange JSON, each its own unit).
fn submissions(n: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-summary-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let base = from_json(SAMPLE).unwrap();
    for i in 0..n {
        let mut wb = base.clone();
        wb.unit.name = format!("单位{i:03}");
        std::fs::write(
            dir.join(format!("单位{i:03}.json")),
            gongkai::io::json::to_json(&wb),
        )
        .unwrap();
    }
    dir
}

fn summary(c: &mut Criterion) {
    let reg = Registry::builtin();
    let mut g = c.benchmark_group("check --summary over n workbooks (read, audit, Excel sheet)");
    g.sample_size(10);
    for n in [10, 100, 500] {
        let dir = submissions(n);
        let files = gongkai::cli::summary::collect(&[dir]);
        assert_eq!(files.len(), n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &files, |b, files| {
            b.iter(|| {
                let rows = gongkai::cli::summary::audit_all(reg, files);
                black_box(gongkai::cli::summary::xlsx(&rows).unwrap().len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench, summary);
criterion_main!(benches);
