//! Store benchmarks (issue targets: one durable edit ≤ 2 ms; open the sample ≤ 50 ms; open a
//! workbook with 1,000 自评表 ≤ 200 ms). Files live under target/ on the real disk, so every
//! edit pays its fsync. Run: cargo bench --bench store

use criterion::{criterion_group, criterion_main, Criterion};
use gongkai::engine::{evaluate, Record, Workbook};
use gongkai::io::json::from_json;
use gongkai::store::{Change, Store};
use gongkai::template::Registry;
use rust_decimal::Decimal;
use std::hint::black_box;
use std::path::PathBuf;

// The allocator the application uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SAMPLE: &str = include_str!("../assets/samples/juesuan-2023-yangquan.json");

fn fresh(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-store");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    for suffix in ["", "-wal", "-shm", "-lock"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
    }
    p
}

/// A 项目支出绩效自评表 of realistic size: header, money block, 30 indicators, texts.
fn ziping(i: usize) -> Record {
    let indicators: Vec<serde_json::Value> = (0..30)
        .map(|k| {
            let yiji = ["产出指标", "效益指标", "满意度指标"][k % 3];
            let erji = ["数量指标", "质量指标", "时效指标", "成本指标"][k % 4];
            serde_json::json!({
                "一级": yiji,
                "二级": erji,
                "三级": format!("指标{k}：补助发放人数"),
                "年度指标值": "≥1200人",
                "全年完成值": "1236人",
                "分值": "3",
                "得分": "3",
                "偏差原因": "无",
            })
        })
        .collect();
    Record {
        kind: "ziping-xiangmu".into(),
        body: serde_json::json!({
            "项目名称": format!("项目{i}：优抚对象抚恤补助"),
            "主管部门": "阳泉市退役军人事务局",
            "实施单位": "阳泉市退役军人事务局",
            "资金": {"年初预算": "120.00", "全年预算": "130.00", "全年执行": "128.50"},
            "目标": "按时足额发放优抚对象抚恤补助，保障优抚对象生活水平。",
            "指标": indicators,
            "结论": "项目按计划完成，资金使用规范，效益良好。".repeat(3),
        }),
    }
}

fn bench(c: &mut Criterion) {
    let reg = Registry::builtin();
    let sample = from_json(SAMPLE).unwrap();

    // One committed, durable cell edit (a history step + the cell), alternating two values.
    let p = fresh("edit.sqlite");
    let mut store = Store::create(&p, &sample).unwrap();
    let (a, b) = (Decimal::new(2438, 2), Decimal::new(2500, 2));
    let mut flip = false;
    c.bench_function("store: one durable cell edit (apply + fsync)", |bch| {
        bch.iter(|| {
            flip = !flip;
            let v = if flip { a } else { b };
            black_box(
                store
                    .apply("修改", &[Change::value("03", "2080901", "3", Some(v))])
                    .unwrap(),
            )
        })
    });
    c.bench_function("store: undo + redo (two durable steps)", |bch| {
        bch.iter(|| {
            store.undo().unwrap();
            black_box(store.redo().unwrap())
        })
    });
    drop(store);

    let p = fresh("sample.sqlite");
    drop(Store::create(&p, &sample).unwrap());
    c.bench_function("store: open the sample + recalc + audit", |bch| {
        bch.iter(|| {
            let s = Store::open(&p).unwrap();
            let set = reg.set(&s.workbook().template_set).unwrap();
            black_box(evaluate(set, s.workbook()).unwrap().findings.len())
        })
    });

    let mut big: Workbook = sample.clone();
    for i in 0..1000 {
        big.records.insert(format!("zp-{i:04}"), ziping(i));
    }
    let p = fresh("ziping1000.sqlite");
    drop(Store::create(&p, &big).unwrap());
    eprintln!(
        "1,000 自评表 workbook: {} KB",
        std::fs::metadata(&p).unwrap().len() / 1024
    );
    let mut g = c.benchmark_group("store-large");
    g.sample_size(20);
    g.bench_function("store: open 1,000 自评表 + recalc + audit", |bch| {
        bch.iter(|| {
            let s = Store::open(&p).unwrap();
            let set = reg.set(&s.workbook().template_set).unwrap();
            black_box((
                s.workbook().records.len(),
                evaluate(set, s.workbook()).unwrap().findings.len(),
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
