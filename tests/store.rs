//! The workbook file: round trip, autosave, undo/redo across reopen, versions and diff,
//! refusal of damaged/foreign/newer files without touching them, the writer lock, migrations.

mod common;
use common::*;

use gongkai::engine::{evaluate, Record, Slot, Workbook};
use gongkai::io::json;
use gongkai::store::schema::{Migration, APPLICATION_ID, SCHEMA_VERSION};
use gongkai::store::{Change, Store, StoreError};
use gongkai::template::{Registry, Severity};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn dir(name: &str) -> PathBuf {
    common::fresh_dir("store", name)
}

fn sample() -> Workbook {
    json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn sample_store(name: &str) -> (PathBuf, Store) {
    let p = dir(name).join("w.sqlite");
    let s = Store::create(&p, &sample()).unwrap();
    (p, s)
}

/// Folder listing (names and sizes) and the bytes of the file: what "never modified" means.
fn fingerprint(p: &Path) -> (Vec<(String, u64)>, Vec<u8>) {
    let mut names: Vec<(String, u64)> = std::fs::read_dir(p.parent().unwrap())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().len(),
            )
        })
        .collect();
    names.sort();
    (names, std::fs::read(p).unwrap())
}

fn total_01_row31(wb: &Workbook) -> Decimal {
    let set = Registry::builtin().set(&wb.template_set).unwrap();
    let ev = evaluate(set, wb).unwrap();
    ev.model.value("01", "31", "1").unwrap()
}

#[test]
fn json_to_sqlite_to_json_reproduces_the_sample_byte_for_byte() {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    assert_eq!(
        json::to_json(&sample()),
        text,
        "the sample is in canonical form"
    );
    let (p, s) = sample_store("roundtrip");
    assert_eq!(s.workbook(), &sample());
    drop(s);
    let back = Store::open_read_only(&p).unwrap();
    assert_eq!(json::to_json(back.workbook()), text);
    drop(back);
    // Only the workbook file is left behind: no -wal/-shm/-lock side files after close.
    let (names, _) = fingerprint(&p);
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn texts_and_records_survive_the_round_trip() {
    let mut wb = sample();
    wb.texts.insert(
        "概况.职责".into(),
        "负责全市退役军人思想政治、管理保障等工作。".into(),
    );
    wb.records.insert(
        "zp-001".into(),
        Record {
            kind: "ziping-xiangmu".into(),
            body: serde_json::json!({"项目名称": "优抚对象补助", "得分": "95.5", "指标": [{"三级": "补助人数", "分值": 10}]}),
        },
    );
    let p = dir("records").join("w.sqlite");
    drop(Store::create(&p, &wb).unwrap());
    let s = Store::open(&p).unwrap();
    assert_eq!(s.workbook(), &wb);
    let text = json::to_json(s.workbook());
    assert_eq!(json::from_json(&text).unwrap(), wb);
}

#[test]
fn an_edit_is_saved_when_apply_returns_and_totals_follow_on_reopen() {
    let (p, mut s) = sample_store("edit");
    assert_eq!(total_01_row31(s.workbook()), d("3598.36"));
    let applied = s
        .apply(
            "修改 公开01表 行29",
            &[Change::value("01", "29", "1", Some(d("100.00")))],
        )
        .unwrap();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].old.as_deref(), Some("24.95"));
    // Another process (here: a read-only connection) sees it at once: it is committed.
    let other = Store::open_read_only(&p).unwrap();
    assert_eq!(other.workbook().value("01", "29", "1"), Some(d("100.00")));
    drop(other);
    drop(s);
    let s = Store::open(&p).unwrap();
    assert_eq!(s.workbook().value("01", "29", "1"), Some(d("100.00")));
    assert_eq!(total_01_row31(s.workbook()), d("3673.41"));
}

#[test]
fn undo_and_redo_survive_closing_the_file() {
    let (p, mut s) = sample_store("undo");
    s.apply(
        "输入 01 行1",
        &[Change::value("01", "1", "1", Some(d("1.00")))],
    )
    .unwrap();
    // A pasted 3×1 block is one step.
    let paste = [
        Change::value("03", "2080901", "2", Some(d("10"))),
        Change::value("03", "2080901", "3", Some(d("14.38"))),
        Change::value("03", "2089999", "3", Some(d("5"))),
    ];
    s.apply("粘贴 3 格", &paste).unwrap();
    assert_eq!(s.undo_label().as_deref(), Some("粘贴 3 格"));
    drop(s);

    let mut s = Store::open(&p).unwrap();
    assert_eq!(s.workbook().value("03", "2089999", "3"), Some(d("5")));
    let r = s.undo().unwrap().unwrap();
    assert_eq!(r.label, "粘贴 3 格");
    // The paste created row 2089999; undoing it removes the row again.
    assert!(!s.workbook().tables["03"].rows.contains_key("2089999"));
    assert_eq!(s.workbook().value("03", "2080901", "3"), Some(d("24.38")));
    assert_eq!(s.workbook().value("03", "2080901", "2"), None);
    assert_eq!(s.workbook().value("01", "1", "1"), Some(d("1.00")));
    drop(s);

    let mut s = Store::open(&p).unwrap();
    assert_eq!(s.redo_label().as_deref(), Some("粘贴 3 格"));
    s.undo().unwrap().unwrap();
    assert_eq!(
        s.workbook(),
        &sample(),
        "two undos return to the imported state"
    );
    assert!(s.undo().unwrap().is_none(), "nothing before the import");
    s.redo().unwrap().unwrap();
    assert_eq!(s.workbook().value("01", "1", "1"), Some(d("1.00")));
    // A new edit after undo discards the redo branch.
    s.apply(
        "输入 01 行29",
        &[Change::value("01", "29", "1", Some(d("3")))],
    )
    .unwrap();
    assert_eq!(s.redo_label(), None);
    drop(s);
    let mut s = Store::open(&p).unwrap();
    assert!(s.redo().unwrap().is_none());
    let h = s.history(10).unwrap();
    assert_eq!(
        h.iter().map(|x| x.label.as_str()).collect::<Vec<_>>(),
        ["输入 01 行29", "输入 01 行1"]
    );
}

#[test]
fn removing_a_row_is_undoable_with_all_its_cells() {
    let (_p, mut s) = sample_store("rowdel");
    let before = s.workbook().clone();
    let applied = s
        .apply(
            "删除科目 2080901",
            &[Change::new(Slot::row("03", "2080901"), None)],
        )
        .unwrap();
    assert!(
        applied.len() >= 3,
        "cells cleared before the row: {applied:?}"
    );
    assert!(!s.workbook().tables["03"].rows.contains_key("2080901"));
    s.undo().unwrap();
    assert_eq!(s.workbook(), &before);
}

#[test]
fn invalid_changes_are_refused_and_nothing_is_written() {
    let (p, mut s) = sample_store("invalid");
    let e = s
        .apply(
            "坏输入",
            &[
                Change::value("01", "29", "1", Some(d("1"))),
                Change::new(Slot::value("01", "1", "1"), Some("12a".into())),
            ],
        )
        .unwrap_err();
    assert!(e.to_string().contains("不是有效金额"), "{e}");
    assert_eq!(s.workbook(), &sample());
    drop(s);
    assert_eq!(Store::open(&p).unwrap().workbook(), &sample());
    // No-op edits make no history step.
    let mut s = Store::open(&p).unwrap();
    let n = s.history(100).unwrap().len();
    s.apply("同值", &[Change::value("01", "29", "1", Some(d("24.95")))])
        .unwrap();
    assert_eq!(s.history(100).unwrap().len(), n);
}

#[test]
fn versions_are_named_snapshots_and_diff_cell_by_cell() {
    let (p, mut s) = sample_store("versions");
    s.save_version("报财政审核稿 2025-03-10").unwrap();
    assert!(matches!(
        s.save_version("报财政审核稿 2025-03-10"),
        Err(StoreError::VersionExists(_))
    ));
    s.apply(
        "改",
        &[
            Change::value("03", "2080901", "3", Some(d("25.00"))),
            Change::text("概况.职责", Some("负责……")),
        ],
    )
    .unwrap();
    s.save_version("修改稿").unwrap();
    drop(s);
    let s = Store::open_read_only(&p).unwrap();
    let vs = s.versions().unwrap();
    assert_eq!(
        vs.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        ["报财政审核稿 2025-03-10", "修改稿"]
    );
    assert_eq!(s.version_workbook("1").unwrap(), sample());
    let diffs = s
        .diff_versions("报财政审核稿 2025-03-10", "修改稿")
        .unwrap();
    assert_eq!(diffs.len(), 2, "{diffs:?}");
    assert_eq!(diffs[0].slot, Slot::value("03", "2080901", "3"));
    assert_eq!(diffs[0].old.as_deref(), Some("24.38"));
    assert_eq!(diffs[0].new.as_deref(), Some("25.00"));
    assert_eq!(diffs[1].slot, Slot::Text("概况.职责".into()));
    assert!(s.diff_versions("修改稿", "当前").unwrap().is_empty());
    assert!(matches!(
        s.version_workbook("不存在"),
        Err(StoreError::NoVersion(_))
    ));
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    assert_eq!(
        gongkai::engine::slot_label(set, &diffs[0].slot),
        "公开03表 2080901 退役士兵安置 栏3（项目支出）"
    );
}

#[test]
fn save_copy_writes_a_workbook_that_opens() {
    let (p, mut s) = sample_store("copy");
    s.apply("改", &[Change::value("01", "29", "1", Some(d("30")))])
        .unwrap();
    let copy = p.with_file_name("副本.sqlite");
    s.save_copy(&copy).unwrap();
    assert!(matches!(s.save_copy(&copy), Err(StoreError::Exists { .. })));
    let c = Store::open(&copy).unwrap();
    assert_eq!(c.workbook(), s.workbook());
    assert_eq!(c.undo_label().as_deref(), Some("改"));
}

fn assert_refused(p: &Path, want: fn(&StoreError) -> bool, words: &str) {
    let before = fingerprint(p);
    for read_only in [false, true] {
        let e = if read_only {
            Store::open_read_only(p).err()
        } else {
            Store::open(p).err()
        }
        .expect("must be refused");
        assert!(want(&e), "{e:?}");
        let msg = e.to_string();
        assert!(msg.contains(words), "{msg}");
        assert!(msg.contains("文件未作任何修改"), "{msg}");
        assert_eq!(fingerprint(p), before, "file or folder changed");
    }
}

#[test]
fn zero_byte_random_and_text_files_are_refused_untouched() {
    let dd = dir("corrupt");
    let empty = dd.join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();
    assert_refused(&empty, |e| matches!(e, StoreError::Empty { .. }), "空文件");

    let random = dd.join("random.sqlite");
    let mut x: u64 = 0x9E3779B97F4A7C15;
    let bytes: Vec<u8> = (0..8192)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&random, &bytes).unwrap();
    assert_refused(
        &random,
        |e| matches!(e, StoreError::NotSqlite { .. }),
        "不是 SQLite 数据库",
    );

    let text = dd.join("sample.json");
    std::fs::copy(SAMPLE, &text).unwrap();
    assert_refused(
        &text,
        |e| matches!(e, StoreError::NotSqlite { .. }),
        "不是 Gongkai 草稿",
    );
}

#[test]
fn a_foreign_sqlite_database_is_refused_untouched() {
    let p = dir("foreign").join("other.sqlite");
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch("CREATE TABLE t (a); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    assert_refused(
        &p,
        |e| matches!(e, StoreError::Foreign { .. }),
        "不是 Gongkai 草稿",
    );
}

#[test]
fn a_file_from_a_newer_gongkai_is_refused_untouched() {
    let (p, s) = sample_store("newer");
    drop(s);
    {
        let c = rusqlite::Connection::open(&p).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        c.execute_batch("PRAGMA journal_mode=DELETE;").unwrap();
    }
    assert_refused(
        &p,
        |e| matches!(e, StoreError::Newer { found, .. } if *found == SCHEMA_VERSION + 1),
        "请升级 Gongkai",
    );
}

#[test]
fn a_truncated_workbook_is_refused_untouched() {
    // A workbook big enough to span many pages, cut in half (an interrupted copy).
    let mut wb = sample();
    for i in 0..400 {
        wb.texts
            .insert(format!("说明{i:03}"), "情况说明文字。".repeat(40));
    }
    let p = dir("truncated").join("w.sqlite");
    drop(Store::create(&p, &wb).unwrap());
    let bytes = std::fs::read(&p).unwrap();
    assert!(bytes.len() > 100_000);
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    assert_refused(&p, |e| matches!(e, StoreError::Corrupt { .. }), "已损坏");
}

#[test]
fn a_second_writer_is_refused_and_readers_see_saved_edits() {
    let (p, mut s) = sample_store("twowriters");
    let e = Store::open(&p).err().expect("second writer refused");
    assert!(matches!(e, StoreError::Locked { .. }), "{e:?}");
    assert!(e
        .to_string()
        .contains("正在被另一个 Gongkai 窗口或程序编辑"));
    s.apply("改", &[Change::value("01", "29", "1", Some(d("30")))])
        .unwrap();
    let r = Store::open_read_only(&p).unwrap();
    assert!(r.is_read_only());
    assert_eq!(r.workbook().value("01", "29", "1"), Some(d("30")));
    let mut r = r;
    assert!(matches!(
        r.apply("x", &[Change::value("01", "29", "1", None)]),
        Err(StoreError::ReadOnly { .. })
    ));

    // Another process is refused too, with the message, and the file is unharmed.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["undo", p.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("正在被另一个"));
    drop(s);
    drop(r);
    // Once closed, the next writer gets in and finds the edit.
    let s = Store::open(&p).unwrap();
    assert_eq!(s.workbook().value("01", "29", "1"), Some(d("30")));
}

#[test]
fn migrations_copy_the_original_aside_and_run_in_order() {
    let (p, s) = sample_store("migrate");
    drop(s);
    fn add_notes(c: &rusqlite::Connection) -> rusqlite::Result<()> {
        c.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);")
    }
    fn fails(c: &rusqlite::Connection) -> rusqlite::Result<()> {
        c.execute_batch("CREATE TABLE half (a); SELECT * FROM no_such_table;")
    }
    // A failing migration leaves the file as it was (and reports where the copy is).
    let bad = [Migration {
        from: SCHEMA_VERSION,
        apply: fails,
    }];
    let e = Store::open_with(&p, &bad, SCHEMA_VERSION + 1)
        .err()
        .expect("migration fails");
    assert!(matches!(e, StoreError::Migration { .. }), "{e:?}");
    assert!(e.to_string().contains("原文件未修改"));
    let c = rusqlite::Connection::open(&p).unwrap();
    let v: i32 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let half: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'half'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(half, 0, "the failed migration was rolled back");
    drop(c);

    // A good one: the original is copied aside first, then the schema moves on.
    let good = [Migration {
        from: SCHEMA_VERSION,
        apply: add_notes,
    }];
    let mut bak = p.as_os_str().to_owned();
    bak.push(format!(".v{SCHEMA_VERSION}.bak"));
    let bak = PathBuf::from(bak);
    let _ = std::fs::remove_file(&bak);
    let s = Store::open_with(&p, &good, SCHEMA_VERSION + 1).unwrap();
    assert_eq!(s.workbook(), &sample(), "data carried over");
    drop(s);
    // The real build (which knows only the current version) now calls the file newer.
    assert!(matches!(Store::open(&p), Err(StoreError::Newer { .. })));
    let c = rusqlite::Connection::open(&p).unwrap();
    let v: i32 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION + 1);
    drop(c);
    let b = Store::open_read_only(&bak).unwrap();
    assert_eq!(b.workbook(), &sample());
    assert_eq!(b.undo_label(), None, "history copied as it was");
}

#[test]
fn the_committed_v1_fixture_opens_with_this_build() {
    // tests/fixtures/store-v1.sqlite was written by schema version 1. When the schema moves on,
    // this test exercises the real migration from it.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-v1.sqlite");
    let p = dir("fixture").join("v1.sqlite");
    std::fs::copy(&src, &p).unwrap();
    let mut s = Store::open(&p).unwrap();
    // Written when 公开01表 行1 was typed: it is now computed from 公开02表, and the typed
    // figure settles into the printed figure it is checked against.
    let set = Registry::builtin().set("shanxi-juesuan-2023").unwrap();
    assert_eq!(s.settle(set).unwrap(), ["公开01表 行1 栏1"]);
    let wb = s.workbook();
    assert_eq!(wb.unit.name, "阳泉市退役军人事务局");
    assert_eq!(wb.value("03", "2080901", "3"), Some(d("25.00")));
    assert_eq!(s.versions().unwrap()[0].name, "报财政审核稿");
    // The fixture predates the 自评表 in the bundled sample: its tables are the sample's.
    let v = s.version_workbook("报财政审核稿").unwrap();
    let mut settled = v.clone();
    settled.settle(set);
    assert_eq!(settled.tables, sample().tables);
    assert!(v.records.is_empty());
    assert!(s.undo_label().unwrap().starts_with("模板更新"));
    let set = Registry::builtin().set(&wb.template_set).unwrap();
    let ev = evaluate(set, wb).unwrap();
    assert!(ev.findings.iter().any(|f| f.severity >= Severity::Warning));
}

#[test]
fn application_id_is_in_the_header() {
    let (p, s) = sample_store("header");
    drop(s);
    let b = std::fs::read(&p).unwrap();
    assert_eq!(&b[..16], b"SQLite format 3\0");
    assert_eq!(
        i32::from_be_bytes([b[68], b[69], b[70], b[71]]),
        APPLICATION_ID
    );
    assert_eq!(
        i32::from_be_bytes([b[60], b[61], b[62], b[63]]),
        SCHEMA_VERSION
    );
}

/// A workbook file changed behind Gongkai's back with raw SQL (as a crafted file would be).
fn craft(name: &str, sql: &str) -> PathBuf {
    let (p, s) = sample_store(name);
    drop(s);
    let c = rusqlite::Connection::open(&p).unwrap();
    c.execute_batch(sql).unwrap();
    c.execute_batch("PRAGMA journal_mode=DELETE;").unwrap();
    drop(c);
    p
}

#[test]
fn files_from_elsewhere_with_anything_but_our_schema_are_refused_untouched() {
    // A trigger that would write when a cell changes, a view, a table of its own, an index.
    for (name, sql, what) in [
        (
            "trigger",
            "CREATE TRIGGER t AFTER INSERT ON cells BEGIN DELETE FROM texts; END;",
            "触发器「t」",
        ),
        ("view", "CREATE VIEW v AS SELECT * FROM cells;", "视图「v」"),
        ("table", "CREATE TABLE extra (x);", "数据表「extra」"),
        ("index", "CREATE INDEX ix ON texts (value);", "索引「ix」"),
    ] {
        let p = craft(&format!("craft-{name}"), sql);
        assert_refused(&p, |e| matches!(e, StoreError::Tampered { .. }), what);
    }
}

#[test]
fn an_oversized_value_is_refused_not_loaded() {
    // 20 MB in one text: above the 16 MB a workbook value may have.
    let (p, s) = sample_store("craft-blob");
    drop(s);
    let c = rusqlite::Connection::open(&p).unwrap();
    c.execute(
        "INSERT INTO texts (key, value) VALUES ('x', ?1)",
        [&"字".repeat(7_000_000)],
    )
    .unwrap();
    c.execute_batch("PRAGMA journal_mode=DELETE;").unwrap();
    drop(c);
    let before = fingerprint(&p);
    for read_only in [false, true] {
        let e = if read_only {
            Store::open_read_only(&p).err()
        } else {
            Store::open(&p).err()
        }
        .expect("refused");
        let msg = e.to_string();
        assert!(msg.contains("超长"), "{msg}");
        assert_eq!(fingerprint(&p), before);
    }
}

#[test]
fn a_file_refused_for_its_content_keeps_every_byte() {
    // Passes the integrity check, fails when its content is read: before, the file had already
    // been switched to WAL (its header changed) when the refusal came.
    let p = craft(
        "craft-content",
        "UPDATE cells SET value = 'abc' WHERE tbl = '01' AND row_key = '1';",
    );
    let before = fingerprint(&p);
    assert_eq!(
        before.1[18..20],
        [1, 1],
        "rollback journal mode in the header"
    );
    for read_only in [false, true] {
        let e = if read_only {
            Store::open_read_only(&p).err()
        } else {
            Store::open(&p).err()
        };
        assert!(e.is_some(), "a cell holding abc is refused");
        assert_eq!(fingerprint(&p), before, "file or folder changed");
    }
}

#[test]
fn readers_never_change_the_file_and_see_a_leftover_log() {
    // A writer that died leaves its committed edits in the -wal beside the file.
    let (p, mut s) = sample_store("leftover-wal");
    s.apply("改", &[Change::value("01", "29", "1", Some(d("31")))])
        .unwrap();
    let dir = p.parent().unwrap().to_path_buf();
    let crash = dir.join("crashed");
    std::fs::create_dir_all(&crash).unwrap();
    let q = crash.join("w.sqlite");
    // Copy the file and its log while the writer holds them: what a killed process leaves.
    std::fs::copy(&p, &q).unwrap();
    let mut wal = p.as_os_str().to_owned();
    wal.push("-wal");
    let mut qwal = q.as_os_str().to_owned();
    qwal.push("-wal");
    std::fs::copy(&wal, &qwal).unwrap();
    drop(s);
    let before = fingerprint(&q);
    let wal_before = std::fs::read(&qwal).unwrap();
    assert!(!wal_before.is_empty());
    let r = Store::open_read_only(&q).unwrap();
    assert_eq!(r.workbook().value("01", "29", "1"), Some(d("31")));
    drop(r);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["check", q.to_str().unwrap()])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["export", q.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        fingerprint(&q),
        before,
        "a reader changed the file or its folder"
    );
    assert_eq!(std::fs::read(&qwal).unwrap(), wal_before);
}
