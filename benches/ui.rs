//! Frame benchmark: CPU time to build one frame of the window with 公开02表 open holding 200 科目
//! (项) rows, headless through egui_kittest (no GPU). Target ≤ 4 ms.
//! Run: cargo bench --bench ui

use criterion::{criterion_group, criterion_main, Criterion};
use egui_kittest::Harness;
use gongkai::io::json::from_json;
use gongkai::store::Store;
use gongkai::ui::{install_fonts, App};
use rust_decimal::Decimal;

// The allocator the application uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SAMPLE: &str = include_str!("../assets/samples/juesuan-2023-yangquan.json");

fn bench(c: &mut Criterion) {
    let mut wb = from_json(SAMPLE).unwrap();
    let t = wb.tables.entry("02".into()).or_default();
    t.rows.clear();
    let mut n = 0;
    'outer: for lei in ["201", "205", "207", "208", "210", "212", "213", "221"] {
        for kuan in 1..=9 {
            for xiang in 1..=4 {
                let code = format!("{lei}{kuan:02}{xiang:02}");
                wb.set_value("02", &code, "2", Some(Decimal::new(1234 + n, 2)));
                n += 1;
                if n == 200 {
                    break 'outer;
                }
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("gongkai-bench-ui-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::create(&dir.join("w.sqlite"), &wb).unwrap();
    let mut app = App::new(store).unwrap();
    app.select_table(1);
    println!(
        "公开02表 rows on screen: {}",
        app.session.model.tables[1].rows.len()
    );
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    h.run();
    c.bench_function("one frame, 公开02表 with 200 项 rows", |b| {
        b.iter(|| h.step())
    });
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
