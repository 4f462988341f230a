//! PDF benchmark: the whole sample disclosure (cover, 目录, 概况, 10 tables, 情况说明, 名词解释,
//! 16 自评表) laid out, written with font subsets and read back. Target ≤ 300 ms, file ≤ 1.5 MB.
//! Run: cargo bench --bench pdf

use criterion::{criterion_group, criterion_main, Criterion};
use gongkai::io::json::from_json;
use gongkai::print::{export, Options};
use gongkai::template::Registry;
use std::hint::black_box;

// The allocator the application uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SAMPLE: &str = include_str!("../assets/samples/juesuan-2023-yangquan.json");

fn bench(c: &mut Criterion) {
    let reg = Registry::builtin();
    let wb = from_json(SAMPLE).unwrap();
    let set = reg.set(&wb.template_set).unwrap();
    let run = || {
        let full = gongkai::evaluate::evaluate_full(reg, set, &wb).unwrap();
        let src = gongkai::print::doc::Source::new(reg, &wb, &full);
        export(&src, &Options::default()).unwrap()
    };
    let x = run();
    println!(
        "whole sample disclosure: {} pages, {} bytes ({:.2} MB)",
        x.pages,
        x.bytes.len(),
        x.bytes.len() as f64 / 1_048_576.0
    );
    c.bench_function(
        "export the whole sample disclosure (evaluate + layout + write + verify)",
        |b| b.iter(|| black_box(run().bytes.len())),
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
