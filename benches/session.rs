//! One typed cell, end to end: the window's path for a figure typed into 公开03表 and Enter —
//! the step autosaved (one SQLite transaction, synchronous=FULL), the workbook evaluated again
//! (tables, forms as kept by the session, 情况说明, audits) and the table laid out for the next
//! frame. On the 阳泉 sample and on the sample with 1,000 自评表. Target ≤ 5 ms on the sample.
//! Run: cargo bench --bench session

use criterion::{criterion_group, criterion_main, Criterion};
use gongkai::engine::Workbook;
use gongkai::io::json::from_json;
use gongkai::store::Store;
use gongkai::ui::App;

// The allocator the application uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SAMPLE: &str = include_str!("../assets/samples/juesuan-2023-yangquan.json");

/// The sample with its 16 自评表 repeated to `n` records (None: the sample as it is).
fn workbook_with(n: Option<usize>) -> Workbook {
    let mut wb = from_json(SAMPLE).unwrap();
    if let Some(n) = n {
        let forms: Vec<_> = wb.records.values().cloned().collect();
        wb.records.clear();
        for i in 0..n {
            wb.records
                .insert(format!("自评{i:04}"), forms[i % forms.len()].clone());
        }
    }
    wb
}

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("gongkai-bench-session-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, n) in [("the sample", None), ("1,000 自评表", Some(1000))] {
        let wb = workbook_with(n);
        let path = dir.join(format!("{}.gongkai", n.unwrap_or(0)));
        let store = Store::create(&path, &wb).unwrap();
        let mut app = App::new(store).unwrap();
        let t = app
            .session
            .set
            .tables
            .iter()
            .position(|t| t.id == "03")
            .unwrap();
        app.select_table(t);
        let cell = app.session.model.cell_id("03", "2080901", "3").unwrap();
        println!(
            "{name}: {} records, {} findings",
            app.store().workbook().records.len(),
            app.findings().len()
        );
        let mut i = 0u64;
        c.bench_function(
            &format!("one typed cell → saved, evaluated, laid out ({name})"),
            |b| {
                b.iter(|| {
                    i += 1;
                    app.enter_text(cell, &format!("{}.{:02}", 100 + i % 50, i % 100));
                })
            },
        );
        assert!(app.store().undo_label().is_some());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
