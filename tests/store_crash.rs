//! Crash safety: a child process writes edits in a loop and reports each one after `apply`
//! returns; it is killed with SIGKILL at random moments. After every kill the workbook must
//! open, hold every acknowledged edit, and show each multi-cell step whole or not at all.

use gongkai::engine::{UnitMeta, Workbook};
use gongkai::store::{Change, Store};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const CHILD_ENV: &str = "GONGKAI_CRASH_CHILD";

/// Each step writes three slots: a text, and two figures of one row (as a paste would).
fn step(i: u64) -> Vec<Change> {
    let v = rust_decimal::Decimal::new(i as i64, 2);
    vec![
        Change::text(&format!("k{i:06}"), Some(&format!("第{i}次"))),
        Change::value("03", "2080901", "2", Some(v)),
        Change::value("03", "2080901", "3", Some(v)),
    ]
}

/// Runs in the child: append steps forever, acknowledging each on stdout.
fn child(path: &Path) {
    let mut s = Store::open(path).expect("child opens the workbook");
    let start = s.workbook().texts.len() as u64;
    let mut out = std::io::stdout().lock();
    for i in start.. {
        s.apply(&format!("步骤 {i}"), &step(i)).expect("apply");
        if i % 40 == 7 {
            // Undo + redo are part of the step in flight: a kill between them may leave step i
            // undone, which is a consistent state.
            s.undo().unwrap();
            s.redo().unwrap();
        }
        writeln!(out, "ack {i}").unwrap();
        out.flush().unwrap();
        if i % 25 == 0 {
            s.save_version(&format!("版本 {i}")).expect("version");
        }
    }
}

/// When started as the child (by the test below), do the child's work and never return.
#[test]
fn crash_child_entry() {
    if let Ok(p) = std::env::var(CHILD_ENV) {
        child(Path::new(&p));
        unreachable!();
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_edit() {
    let dir = std::env::temp_dir().join(format!("gongkai 公开-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("w.sqlite");
    let wb = Workbook::new(
        "shanxi-juesuan-2023",
        UnitMeta {
            name: "崩溃测试单位".into(),
            year: 2023,
            profile: "山西".into(),
        },
    );
    drop(Store::create(&path, &wb).unwrap());

    let mut seed: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut acked_total = 0u64;
    for round in 0..8 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(30 + seed % 250);
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_child_entry",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut last: Option<u64> = None;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(n) = line.strip_prefix("ack ") {
                    last = n.trim().parse().ok();
                }
            }
            last
        });
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let last = reader.join().unwrap();

        let s = Store::open(&path)
            .unwrap_or_else(|e| panic!("round {round}: workbook must open after SIGKILL: {e}"));
        let wb = s.workbook();
        let n = wb.texts.len() as u64;
        if let Some(last) = last {
            assert!(
                n > last,
                "round {round}: acknowledged step {last} lost (file holds {n} steps)"
            );
            acked_total = last + 1;
        }
        eprintln!("round {round}: acked {last:?}, file holds {n} steps");
        assert!(n <= acked_total + 1, "at most the step in flight is extra");
        acked_total = n;
        // Steps are contiguous, and the last step is whole.
        for i in 0..n {
            assert_eq!(
                wb.texts.get(&format!("k{i:06}")).map(String::as_str),
                Some(format!("第{i}次").as_str()),
                "round {round}: step {i}"
            );
        }
        if n > 0 {
            let v = rust_decimal::Decimal::new(n as i64 - 1, 2);
            assert_eq!(wb.value("03", "2080901", "2"), Some(v));
            assert_eq!(wb.value("03", "2080901", "3"), Some(v));
        }
        assert_eq!(s.history(1).unwrap().len(), (n > 0) as usize);
    }
    assert!(acked_total > 0, "the child made progress");
}

#[test]
fn a_new_workbook_never_inherits_the_log_of_a_deleted_one_of_the_same_name() {
    use gongkai::store::{Change, Store};
    let dir = std::env::temp_dir().join(format!("gongkai 公开-stale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("本单位.gongkai");
    let wb = gongkai::io::json::from_json(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/samples/juesuan-2023-yangquan.json"
        ))
        .unwrap(),
    )
    .unwrap();
    // A session that ends without closing (a crash) leaves its last edit only in the -wal file:
    // copy the log while the edit is there, close, and put the copy back as the crash would
    // have left it.
    let mut s = Store::create(&p, &wb).unwrap();
    s.apply(
        "输入",
        &[Change::value(
            "03",
            "2080902",
            "3",
            Some("4".parse().unwrap()),
        )],
    )
    .unwrap();
    let mut wal = p.as_os_str().to_owned();
    wal.push("-wal");
    let wal = std::path::PathBuf::from(wal);
    let log = std::fs::read(&wal).unwrap();
    assert!(!log.is_empty());
    drop(s);
    std::fs::write(&wal, &log).unwrap();
    // The user deletes the file and makes a new one with the same name: it holds what it was
    // made from, nothing of the old log.
    std::fs::remove_file(&p).unwrap();
    let s = Store::create(&p, &wb).unwrap();
    let stale = |w: &gongkai::engine::Workbook| w.value("03", "2080902", "3");
    assert_eq!(stale(s.workbook()), stale(&wb), "the old log was replayed");
    assert!(s.workbook() == &wb);
    drop(s);
    let again = Store::open(&p).unwrap();
    assert_eq!(
        stale(again.workbook()),
        stale(&wb),
        "the old log was replayed"
    );
    assert!(again.workbook() == &wb);
    let _ = std::fs::remove_dir_all(&dir);
}
