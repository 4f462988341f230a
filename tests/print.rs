//! 打印 against a real CUPS queue: the PDF printer 「GongkaiPDF」 (cups-pdf) that .ci/run sets up
//! (.ci/printer.sh). What comes out of the printer is read back: a file with the pages asked for.
//! Linux (CUPS) only: the Windows runner has no printer that does not open a dialog.
#![cfg(target_os = "linux")]

mod common;
use common::{fresh_dir, run, SAMPLE};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use gongkai::ui::{install_fonts, open_or_create_default, App};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const QUEUE: &str = "GongkaiPDF";

/// The queue must be there: these tests do not skip themselves.
fn queue_ready() {
    let (names, _) = gongkai::print::printer::printers().expect("CUPS (lpstat) is installed");
    assert!(
        names.iter().any(|n| n == QUEUE),
        "no printer 「{QUEUE}」 ({names:?}): run .ci/printer.sh (called by .ci/run) to set up the CUPS PDF printer"
    );
}

/// Where cups-pdf writes for this user: ~/PDF of the account (its passwd home).
fn out_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(o) = std::process::Command::new("sh")
        .args(["-c", "getent passwd \"$(id -u)\" | cut -d: -f6"])
        .output()
    {
        let home = String::from_utf8_lossy(&o.stdout).trim().to_string();
        if !home.is_empty() {
            dirs.push(PathBuf::from(home).join("PDF"));
        }
    }
    if let Some(h) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(h).join("PDF"));
    }
    dirs
}

/// The printer's output of job 「GongkaiPDF-N」 named in `said`, once complete: its page count.
fn printed_pages(said: &str) -> usize {
    let id = said
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| w.starts_with(&format!("{QUEUE}-")))
        .unwrap_or_else(|| panic!("no job id in 「{said}」"));
    let n = id.rsplit('-').next().unwrap();
    let suffix = format!("job_{n}.pdf");
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) {
        for d in out_dirs() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in rd.flatten() {
                if !e.file_name().to_string_lossy().ends_with(&suffix) {
                    continue;
                }
                // Complete when poppler reads it.
                let info = std::process::Command::new("pdfinfo").arg(e.path()).output();
                if let Ok(o) = info {
                    let text = String::from_utf8_lossy(&o.stdout);
                    if let Some(p) = text
                        .lines()
                        .find_map(|l| l.strip_prefix("Pages:"))
                        .and_then(|p| p.trim().parse().ok())
                    {
                        return p;
                    }
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the printer wrote nothing for {id} in {:?}", out_dirs());
}

#[test]
fn the_command_prints_the_pages_asked_for() {
    queue_ready();
    let (code, out, err) = run(&[
        "print",
        SAMPLE,
        "--printer",
        QUEUE,
        "--part",
        "tables",
        "--pages",
        "2-4",
        "--copies",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("3 页 × 2 份"), "{out}");
    assert_eq!(printed_pages(&out), 3);
    // `printers` lists the queue.
    let (code, out, _) = run(&["printers"]);
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.trim_start_matches('*').trim() == QUEUE),
        "{out}"
    );
}

#[test]
fn a_bad_printer_or_page_range_is_refused_in_words() {
    queue_ready();
    let (code, _, err) = run(&["print", SAMPLE, "--printer", "没有这台", "--part", "tables"]);
    assert_eq!(code, 2);
    assert!(err.contains("没有这台打印机"), "{err}");
    let (code, _, err) = run(&["print", SAMPLE, "--printer", QUEUE, "--pages", "三到五"]);
    assert_eq!(code, 2);
    assert!(err.contains("页码范围「三到五」看不懂"), "{err}");
    let (code, _, err) = run(&[
        "print",
        SAMPLE,
        "--printer",
        QUEUE,
        "--part",
        "tables",
        "--pages",
        "13-20",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("文件共 14 页"), "{err}");
    let (code, _, err) = run(&["print", SAMPLE, "--copies", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("份数"), "{err}");
}

#[test]
fn the_window_prints_to_the_chosen_printer() {
    queue_ready();
    let p = fresh_dir("print", "window").join("w.gongkai");
    let store = open_or_create_default(&p).unwrap();
    let app = App::new(store).unwrap();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    h.run();
    h.get_by_label("打印…").click();
    h.run();
    // The printer list comes from the system; pick the PDF printer.
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "打印机")
        .click();
    h.run();
    h.get_by_label(QUEUE).click();
    h.run();
    h.get_by_label("仅公开表").click();
    h.run();
    let range = || egui::accesskit::Role::TextInput;
    h.get_by_role_and_label(range(), "页码范围").click();
    h.run();
    h.get_by_role_and_label(range(), "页码范围")
        .type_text("1-2");
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::Button, "打印")
        .click();
    for _ in 0..600 {
        h.step();
        if h.state()
            .export
            .as_ref()
            .is_some_and(|d| d.result.is_some())
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run();
    let r = h.state().export.as_ref().unwrap().result.clone().unwrap();
    let said = r.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        said.contains(&format!("已送打印机「{QUEUE}」：2 页 × 1 份")),
        "{said}"
    );
    // Said on the status line too; nothing was written beside the workbook.
    assert_eq!(h.query_all_by_label_contains("已送打印机").count(), 2);
    assert_eq!(printed_pages(&said), 2);
    let beside: Vec<_> = std::fs::read_dir(p.parent().unwrap())
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .collect();
    assert!(beside.is_empty());
}
