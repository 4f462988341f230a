//! The import graph follows the pipeline: a module uses its own layer and those below it, never
//! one above (foundation → template → engine → layout → interchange → shells). Every
//! `crate::…` path in src/ is read (the unit tests at the end of a file, `#[cfg(test)]`, may use
//! anything). And nothing outside the session writes a workbook file: the store's writing
//! operations are called only by `shells/session` (and the store itself).

use std::path::{Path, PathBuf};

const LAYERS: [(&str, &[&str]); 6] = [
    ("foundation", &["amount", "fsio", "guard"]),
    ("template", &["template"]),
    ("engine", &["engine"]),
    ("layout", &["layout"]),
    ("interchange", &["interchange"]),
    ("shells", &["shells"]),
];

fn rank_of_module(m: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&m))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file's code before its unit tests.
fn code(p: &Path) -> String {
    let s = std::fs::read_to_string(p).unwrap();
    match s.find("#[cfg(test)]") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Every `crate::NAME` in `s` (NAME: the first path segment).
fn crate_paths(s: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in s.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + 7..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}` lists several.
            if name.is_empty() && after.starts_with('{') {
                let inner = &after[1..after.find('}').unwrap_or(after.len())];
                for part in inner.split(',') {
                    let first: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !first.is_empty() {
                        out.push((n + 1, first));
                    }
                }
            } else if !name.is_empty() {
                out.push((n + 1, name));
            }
            rest = &rest[i + 7..];
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let root = src();
    let mut all = Vec::new();
    files(&root, &mut all);
    let mut wrong = Vec::new();
    let mut counted = 0;
    for p in &all {
        let rel = p.strip_prefix(&root).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let Some(mine) = rank_of_module(&top) else {
            wrong.push(format!(
                "{}: a top-level module outside the layers",
                rel.display()
            ));
            continue;
        };
        for (line, used) in crate_paths(&code(p)) {
            counted += 1;
            match rank_of_module(&used) {
                // The short paths of lib.rs are for the binary and the tests only.
                None => wrong.push(format!(
                    "{}:{line}: crate::{used} is not a layer (use its full path)",
                    rel.display()
                )),
                Some(theirs) if theirs > mine => wrong.push(format!(
                    "{}:{line}: {} uses crate::{used} ({}, a layer above)",
                    rel.display(),
                    LAYERS[mine].0,
                    LAYERS[theirs].0
                )),
                _ => {}
            }
        }
    }
    assert!(counted > 400, "only {counted} crate:: paths read");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn only_the_session_writes_a_workbook_file() {
    let root = src();
    let mut all = Vec::new();
    files(&root, &mut all);
    let writes = [
        ".apply(",
        ".apply_own(",
        ".replace_all(",
        ".undo()",
        ".redo()",
        ".save_version(",
        ".settle(",
    ];
    let mut wrong = Vec::new();
    for p in &all {
        let rel = p
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("shells/session/") || rel.starts_with("shells/store/") {
            continue;
        }
        for (n, line) in code(p).lines().enumerate() {
            // A Store reached directly: `store.…`, `store().…`, `Store::open(…)?.…`.
            let direct =
                line.contains("store.") || line.contains("store().") || line.contains("Store::");
            if direct && writes.iter().any(|w| line.contains(w)) {
                wrong.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the store written outside the session:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_source_tree_shows_the_pipeline() {
    let mut top: Vec<String> = std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    top.sort();
    assert_eq!(
        top,
        [
            "amount.rs",
            "engine",
            "fsio.rs",
            "guard.rs",
            "interchange",
            "layout",
            "lib.rs",
            "main.rs",
            "shells",
            "template"
        ]
    );
}
