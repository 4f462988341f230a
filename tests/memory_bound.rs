//! Crafted spreadsheets under a memory limit: the import runs in a child process whose address
//! space is limited to 512 MB. A file of a few KB with cells far apart (XFD1048576 in an .xlsx,
//! IV65536 in an .xls) once asked for 549 GB / 1.08 GB; now it is read or refused in words, and the
//! process is never killed.
#![cfg(unix)]

mod common;

use std::os::unix::process::CommandExt;
use std::process::Command;

fn import_limited(file: &std::path::Path) -> (Option<i32>, String) {
    let into = file.with_extension("sqlite");
    let mut c = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    c.args([
        "import",
        file.to_str().unwrap(),
        "--into",
        into.to_str().unwrap(),
        "--dry-run",
    ]);
    unsafe {
        c.pre_exec(|| {
            let r = libc::rlimit {
                rlim_cur: 512 << 20,
                rlim_max: 512 << 20,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &r) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = c.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn far_apart_cells_stay_within_512_mb() {
    let d = common::fresh_dir("memory", "far");
    // .xlsx: a title and one figure at the last cell a sheet can have.
    let mut x = rust_xlsxwriter::Workbook::new();
    let ws = x.add_worksheet();
    ws.write_string(0, 0, "2023年度支出决算表").unwrap();
    ws.write_number(1_048_575, 16_383, 1.0).unwrap();
    let xlsx = d.join("far.xlsx");
    x.save(&xlsx).unwrap();
    let (code, out) = import_limited(&xlsx);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("XFD1048576") && out.contains("已忽略"),
        "{out}"
    );
    // .xls: A1 and IV65536 (tests/fixtures/far-cell.xls).
    let xls = d.join("far.xls");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/far-cell.xls"),
        &xls,
    )
    .unwrap();
    let (code, out) = import_limited(&xls);
    assert_eq!(code, Some(2), "refused in words, not killed: {out}");
    assert!(out.contains("超出可读取的大小"), "{out}");
}
