//! Engine benchmarks: full recalculation + audit of the sample, and a one-cell edit.
//! Run: cargo bench --bench engine

use criterion::{criterion_group, criterion_main, Criterion};
use gongkai::engine::{evaluate, Model};
use gongkai::io::json::from_json;
use gongkai::template::Registry;
use rust_decimal::Decimal;
use std::hint::black_box;

// The allocator the application uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SAMPLE: &str = include_str!("../assets/samples/juesuan-2023-yangquan.json");

fn bench(c: &mut Criterion) {
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    let wb = from_json(SAMPLE).unwrap();

    c.bench_function("build + recalc + audit (sample, from scratch)", |b| {
        b.iter(|| black_box(evaluate(set, black_box(&wb)).unwrap().findings.len()))
    });

    let mut model = Model::build(set, &wb).unwrap();
    c.bench_function("recalc + audit (sample, compiled model)", |b| {
        b.iter(|| black_box(model.recalc().len()))
    });

    let id = model.cell_id("03", "2080901", "3").unwrap();
    let mut flip = false;
    c.bench_function("one-cell edit + full recalc + audit", |b| {
        b.iter(|| {
            flip = !flip;
            let v = if flip {
                Decimal::new(3438, 2)
            } else {
                Decimal::new(2438, 2)
            };
            model.set_input(id, v).unwrap();
            black_box(model.recalc().len())
        })
    });

    c.bench_function("load the template registry (all sets)", |b| {
        b.iter(|| {
            black_box(
                Registry::from_files(&gongkai::template::registry::embedded_files())
                    .unwrap()
                    .sets
                    .len(),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
