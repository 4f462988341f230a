//! Opening any workbook file for reading: a .gongkai/.sqlite file (through the store's
//! read-only copy) or interchange JSON, and checking it as `gongkai check` does (a 部门 is
//! consolidated from its units first).

use crate::engine::{StructureError, Workbook};
use crate::interchange::json;
use crate::template::{Registry, TemplateSet};
use std::path::Path;

/// Everything that can stop a workbook file from being checked, in words for the user.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("无法读取文件 {path}：{msg}")]
    Read { path: String, msg: String },
    #[error("{path} 不是 UTF-8 文本文件，无法作为草稿 JSON 读取")]
    NotText { path: String },
    #[error("{path}：{source}")]
    Json {
        path: String,
        source: json::JsonError,
    },
    #[error("{path}：找不到模板集「{set}」（已安装：{known}）")]
    UnknownSet {
        path: String,
        set: String,
        known: String,
    },
    #[error("{0}")]
    Store(#[from] crate::shells::store::StoreError),
    #[error("{path}：{source}")]
    Structure {
        path: String,
        source: StructureError,
    },
}

/// Whether a file starts like an SQLite database (a workbook file rather than JSON).
pub fn is_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == b"SQLite format 3\0"
}

/// Reads a workbook: a .sqlite workbook file (read-only, works while it is being edited) or
/// interchange JSON.
pub fn read_workbook(path: &Path) -> Result<Workbook, OpenError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if is_sqlite(path) || matches!(ext.as_str(), "gongkai" | "sqlite" | "db" | "sqlite3") {
        return Ok(crate::shells::store::Store::open_read_only(path)?
            .workbook()
            .clone());
    }
    read_json(path)
}

/// Reads a workbook JSON file.
pub fn read_json(path: &Path) -> Result<Workbook, OpenError> {
    let p = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| OpenError::Read {
        path: p.clone(),
        msg: e.to_string(),
    })?;
    if meta.len() as usize > json::MAX_BYTES {
        return Err(OpenError::Json {
            path: p,
            source: json::JsonError::TooLarge(meta.len() as usize),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| OpenError::Read {
        path: p.clone(),
        msg: e.to_string(),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| OpenError::NotText { path: p.clone() })?;
    json::from_json(&text).map_err(|source| OpenError::Json { path: p, source })
}

/// Finds the workbook's template set in the registry.
pub fn template_for<'r>(
    reg: &'r Registry,
    wb: &Workbook,
    path: &str,
) -> Result<&'r TemplateSet, OpenError> {
    reg.set(&wb.template_set)
        .ok_or_else(|| OpenError::UnknownSet {
            path: path.to_string(),
            set: wb.template_set.clone(),
            known: reg
                .sets
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join("、"),
        })
}

/// Reads, recalculates and audits a workbook file (tables, forms, narrative).
pub fn check_file<'r>(
    reg: &'r Registry,
    path: &Path,
) -> Result<(Workbook, crate::engine::evaluate::Full<'r, 'r>), OpenError> {
    let mut wb = read_workbook(path)?;
    let p = path.display().to_string();
    let set = template_for(reg, &wb, &p)?;
    if is_sqlite(path) {
        // A workbook file written before a template update (crate::shells::store::Store::settle).
        wb.settle(set);
    }
    // A 部门 workbook stands for its consolidated tables: the units' sums plus its 调整.
    if crate::shells::consolidate::is_dept(&wb) {
        let dir = path.parent().unwrap_or(Path::new("."));
        let units = crate::shells::consolidate::load(reg, &wb, dir);
        let c = crate::shells::consolidate::consolidate(set, &wb, &units);
        let mut full = crate::engine::evaluate::evaluate_full(reg, set, &c.wb)
            .map_err(|source| OpenError::Structure { path: p, source })?;
        full.ev.findings.extend(c.findings);
        full.ev
            .findings
            .sort_by_key(|f| std::cmp::Reverse(f.severity));
        return Ok((c.wb, full));
    }
    let full = crate::engine::evaluate::evaluate_full(reg, set, &wb)
        .map_err(|source| OpenError::Structure { path: p, source })?;
    Ok((wb, full))
}
