//! 绩效 benchmarks: rescoring 1,000 自评表 (read every record body, score, audit). Target ≤ 50 ms.
//! Run: cargo bench --bench perf

use criterion::{criterion_group, criterion_main, Criterion};
use gongkai::engine::Workbook;
use gongkai::io::json::from_json;
use gongkai::perf;
use gongkai::template::Registry;
use std::hint::black_box;

// The allocator the application uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SAMPLE: &str = include_str!("../assets/samples/juesuan-2023-yangquan.json");

/// The sample's 16 自评表 repeated to `n` records.
fn workbook_with(n: usize) -> Workbook {
    let sample = from_json(SAMPLE).unwrap();
    let forms: Vec<_> = sample.records.values().cloned().collect();
    let mut wb = sample.clone();
    wb.records.clear();
    for i in 0..n {
        wb.records
            .insert(format!("自评{i:04}"), forms[i % forms.len()].clone());
    }
    wb
}

fn bench(c: &mut Criterion) {
    let reg = Registry::builtin();
    let wb = workbook_with(1000);
    let indicators: usize = perf::score_workbook(reg, &wb)
        .0
        .iter()
        .map(|s| s.score.indicators.len())
        .sum();
    println!("1,000 自评表, {indicators} 个指标");
    c.bench_function("score 1,000 自评表", |b| {
        b.iter(|| black_box(perf::score_workbook(reg, black_box(&wb)).0.len()))
    });
    c.bench_function("score + audit 1,000 自评表", |b| {
        b.iter(|| black_box(perf::audit_workbook(reg, black_box(&wb), None).len()))
    });
    let one = workbook_with(1);
    c.bench_function("score + audit one 自评表", |b| {
        b.iter(|| black_box(perf::audit_workbook(reg, black_box(&one), None).len()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
