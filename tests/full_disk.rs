//! A full disk for every command that writes: each runs as a child process that may write only a
//! few KB (RLIMIT_FSIZE, with SIGXFSZ ignored, so writes fail with EFBIG as on a full disk).
//! Whatever fails, the files that were there keep their bytes, no partial or empty file is left,
//! and the message says what happened in Chinese (not "已损坏").
#![cfg(unix)]

mod common;
use common::*;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs gongkai with every file it writes limited to `limit` bytes.
fn run_limited(args: &[&str], limit: u64) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.args(args);
    unsafe {
        c.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let r = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &r) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The folder's files and their bytes.
fn snapshot(d: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn workbook(d: &Path) -> PathBuf {
    let w = d.join("单位 2023.sqlite");
    let (code, _, err) = run(&["import", SAMPLE, "--into", w.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    w
}

#[test]
fn exports_onto_a_full_disk_keep_the_old_file_and_leave_nothing() {
    let d = fresh_dir("fulldisk", "exports");
    let w = workbook(&d);
    let w = w.to_str().unwrap().to_string();
    for (name, args) in [
        ("out.json", vec!["export", &w, "--json", "-o"]),
        ("out.xlsx", vec!["export", &w, "--xlsx", "-o"]),
        ("out.pdf", vec!["export-pdf", &w, "-o"]),
    ] {
        let target = d.join(name);
        let t = target.to_str().unwrap().to_string();
        // A good file is there already.
        std::fs::write(&target, b"the good old file").unwrap();
        let before = snapshot(&d);
        let mut a = args.clone();
        a.push(&t);
        let (code, out, err) = run_limited(&a, 4096);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains("磁盘空间已满"), "{name}: {err}");
        assert!(!err.contains("已损坏"), "{name}: {err}");
        assert_eq!(
            snapshot(&d),
            before,
            "{name}: a file changed or was left behind"
        );
        // A new export that fails leaves no file at all.
        std::fs::remove_file(&target).unwrap();
        let (code, _, _) = run_limited(&a, 4096);
        assert_eq!(code, 2);
        assert!(!target.exists(), "{name}: a partial file was left");
        // With room, the same command works.
        let (code, _, err) = run(&a);
        assert_eq!(code, 0, "{name}: {err}");
    }
}

#[test]
fn writing_commands_on_a_full_disk_fail_in_words_and_damage_nothing() {
    let d = fresh_dir("fulldisk", "store");
    let w = workbook(&d);
    let ws = w.to_str().unwrap().to_string();
    let new = d.join("新单位.sqlite");
    let news = new.to_str().unwrap().to_string();
    let json = d.join("in.json");
    std::fs::copy(SAMPLE, &json).unwrap();
    let js = json.to_str().unwrap().to_string();
    // A step to undo and one to redo, made with room on the disk.
    let edited = d.join("edited.json");
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    std::fs::write(&edited, text.replacen("\"24.38\"", "\"34.38\"", 1)).unwrap();
    let es = edited.to_str().unwrap().to_string();
    let (code, _, err) = run(&["import", &es, "--into", &ws]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(&edited).unwrap();
    for args in [
        vec!["new", &news, "--unit", "新单位", "--year", "2024"],
        vec!["import", &js, "--into", &news],
        vec!["versions", &ws, "--add", "报审稿"],
        vec!["undo", &ws],
        vec!["import", &js, "--into", &ws],
    ] {
        let before = snapshot(&d);
        let (code, out, err) = run_limited(&args, 2048);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(
            err.contains("磁盘空间已满"),
            "{args:?}: the cause is named: {err}"
        );
        assert!(!err.contains("已损坏"), "{args:?}: {err}");
        let after = snapshot(&d);
        let names = |s: &[(String, Vec<u8>)]| -> Vec<String> {
            s.iter()
                .map(|x| x.0.clone())
                .filter(|n| !n.ends_with("-lock"))
                .collect()
        };
        assert_eq!(names(&after), names(&before), "{args:?}: files left behind");
        // The existing workbook still opens and holds the sample.
        let (code, _, err) = run(&["check", &ws]);
        assert_ne!(code, 2, "{args:?}: {err}");
    }
}
