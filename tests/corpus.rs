//! Real published documents nobody here wrote (tests/corpus/<doc>/): each entered as printed
//! (workbook.json, source named in it), with the defects it really has, checked by hand
//! (expected.toml). Every error and warning the app raises must be one of those defects, and every
//! defect must be flagged: a finding outside the list is a false alarm, a defect not found is a miss.

use gongkai::template::{Registry, Severity};
use std::path::PathBuf;

#[derive(serde::Deserialize)]
struct Expected {
    source: String,
    document: String,
    #[serde(default)]
    defect: Vec<Defect>,
    /// Findings caused by what the available copy lacks (a page cut off), not by the document:
    /// allowed, and listed with the reason.
    #[serde(default)]
    artifact: Vec<Defect>,
    /// False alarms the app still raises on this document, each with its cause: allowed so the
    /// rest stays guarded, printed on every run, and to be emptied.
    #[serde(default)]
    known_false_alarm: Vec<Defect>,
}

#[derive(serde::Deserialize)]
struct Defect {
    rule: String,
    /// A piece of the finding's message that pins the place.
    at: String,
    #[allow(dead_code)]
    note: String,
}

fn documents() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("workbook.json").exists() && p.join("expected.toml").exists())
        .collect();
    v.sort();
    v
}

#[test]
fn real_documents_raise_only_their_real_defects() {
    let reg = Registry::builtin();
    let docs = documents();
    let mut problems = Vec::new();
    let mut table = String::new();
    let mut known = 0usize;
    for dir in &docs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(dir.join("workbook.json")).unwrap();
        let wb = gongkai::io::json::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let exp: Expected =
            toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap())
                .unwrap_or_else(|e| panic!("{name}/expected.toml: {e}"));
        assert!(!exp.source.is_empty() && !exp.document.is_empty(), "{name}");
        assert!(
            text.contains("\"source\""),
            "{name}: workbook.json names its source"
        );
        let set = reg.set(&wb.template_set).unwrap();
        let full = gongkai::evaluate::evaluate_full(reg, set, &wb).unwrap();
        let f = &full.ev.findings;
        let count = |s: Severity| f.iter().filter(|x| x.severity == s).count();
        table.push_str(&format!(
            "{name}: {} errors / {} warnings / {} 提示\n",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        ));
        let matches = |d: &Defect, x: &gongkai::engine::Finding| {
            x.rule == d.rule
                && (x.message.contains(&d.at)
                    || x.row == d.at
                    || x.row_label.contains(&d.at)
                    || x.table_label == d.at)
        };
        for x in f.iter().filter(|x| x.severity >= Severity::Warning) {
            if exp.known_false_alarm.iter().any(|d| matches(d, x)) {
                known += 1;
                println!("{name}: known false alarm {} {}", x.rule, x.message);
                continue;
            }
            if exp.artifact.iter().any(|d| matches(d, x)) {
                continue;
            }
            if !exp.defect.iter().any(|d| matches(d, x)) {
                problems.push(format!(
                    "{name}: false alarm [{}] {} {}",
                    x.severity.label(),
                    x.rule,
                    x.message
                ));
            }
        }
        for d in &exp.defect {
            if !f.iter().any(|x| matches(d, x)) {
                problems.push(format!("{name}: missed {} at「{}」", d.rule, d.at));
            }
        }
    }
    println!("{table}known false alarms still raised: {known}");
    assert!(problems.is_empty(), "{}\n{}", problems.join("\n"), table);
    assert!(docs.len() >= 10, "corpus has {} documents", docs.len());
}

#[test]
fn real_documents_print_and_round_trip_through_excel() {
    // Every corpus document (other regions' layouts and form kinds included) is laid out as a PDF
    // without refusal, and its Excel export reads back to the same workbook.
    let reg = Registry::builtin();
    for dir in documents() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(dir.join("workbook.json")).unwrap();
        let wb = gongkai::io::json::from_json(&text).unwrap();
        let set = reg.set(&wb.template_set).unwrap();
        let full = gongkai::evaluate::evaluate_full(reg, set, &wb).unwrap();
        let src = gongkai::print::doc::Source::new(reg, &wb, &full);
        let pdf = gongkai::print::export(&src, &gongkai::print::Options::default())
            .unwrap_or_else(|e| panic!("{name}: PDF refused: {e}"));
        assert!(pdf.pages > 0 && pdf.bytes.starts_with(b"%PDF"), "{name}");
        let x = gongkai::xlsx::export(&full.ev.model, &wb, &full.scored)
            .unwrap_or_else(|e| panic!("{name}: Excel refused: {e}"));
        let back = gongkai::xlsx::import(reg, &x, None)
            .unwrap_or_else(|e| panic!("{name}: Excel not read back: {e}"));
        assert_eq!(
            gongkai::engine::diff(&wb, &back.workbook),
            vec![],
            "{name}: the Excel round trip changed the workbook"
        );
    }
}
