//! Reading the unit files of a 部门: each opened read-only, checked against the 部门's template
//! set and year, evaluated on its own (its errors stay its own), hashed for staleness.

use super::{content_hash, refs, UnitRef};
use crate::engine::{Model, Workbook};
use crate::template::{Registry, Severity};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitState {
    /// Counted, as confirmed.
    Ready,
    /// Counted, but changed since the 部门 last confirmed it (or never confirmed).
    Stale,
    /// Left out by the user.
    Excluded,
    /// No file at the path.
    Missing,
    /// The file cannot be read as a workbook (the reason).
    Broken(String),
    /// Another template set or year, or itself a 部门 (the reason).
    Mismatch(String),
}

impl UnitState {
    pub fn label(&self) -> String {
        match self {
            UnitState::Ready => "已汇总".into(),
            UnitState::Stale => "已修改，待重新汇总".into(),
            UnitState::Excluded => "不参加汇总".into(),
            UnitState::Missing => "找不到文件".into(),
            UnitState::Broken(w) => format!("无法读取：{w}"),
            UnitState::Mismatch(w) => format!("不能汇总：{w}"),
        }
    }
}

/// One unit of a 部门 as found on disk.
pub struct Unit<'s> {
    /// Its record's key in the 部门 workbook (`部门/单位/01`).
    pub key: String,
    pub r: UnitRef,
    /// Where its file is (the recorded path, resolved).
    pub path: PathBuf,
    pub wb: Option<Workbook>,
    /// The unit evaluated on its own (for drill-downs).
    pub model: Option<Model<'s>>,
    pub hash: String,
    pub modified: Option<SystemTime>,
    pub errors: usize,
    pub warnings: usize,
    pub first_error: String,
    pub state: UnitState,
}

impl Unit<'_> {
    /// Its figures are in the 部门's sums.
    pub fn counts(&self) -> bool {
        matches!(self.state, UnitState::Ready | UnitState::Stale) && self.wb.is_some()
    }

    /// The unit's name: from its workbook, else as recorded, else the file name.
    pub fn label(&self) -> String {
        self.wb
            .as_ref()
            .map(|w| w.unit.name.clone())
            .filter(|n| !n.trim().is_empty())
            .or_else(|| Some(self.r.name.clone()).filter(|n| !n.trim().is_empty()))
            .unwrap_or_else(|| {
                self.path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
    }
}

/// A recorded path taken from the 部门 file's folder when relative.
pub fn resolve(dir: &Path, path: &str) -> PathBuf {
    let p = PathBuf::from(path);
    if p.is_absolute() {
        p
    } else {
        dir.join(p)
    }
}

/// Reads every unit `dept` lists (`dir`: the 部门 file's folder), on every core (each unit is
/// read and evaluated on its own), in the 部门's order.
pub fn load<'r>(reg: &'r Registry, dept: &Workbook, dir: &Path) -> Vec<Unit<'r>> {
    let all = refs(dept);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 || all.len() < 4 {
        return read_all(reg, dept, dir, all);
    }
    let per = all.len().div_ceil(cores);
    let mut chunks: Vec<Vec<(String, Result<UnitRef, String>)>> = Vec::new();
    let mut it = all.into_iter().peekable();
    while it.peek().is_some() {
        chunks.push(it.by_ref().take(per).collect());
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| s.spawn(move || read_all(reg, dept, dir, c)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn read_all<'r>(
    reg: &'r Registry,
    dept: &Workbook,
    dir: &Path,
    refs: Vec<(String, Result<UnitRef, String>)>,
) -> Vec<Unit<'r>> {
    refs.into_iter()
        .map(|(key, r)| match r {
            Ok(r) => read_one(reg, dept, dir, key, r),
            Err(why) => Unit {
                key,
                r: UnitRef {
                    path: String::new(),
                    name: String::new(),
                    main: false,
                    included: false,
                    hash: String::new(),
                },
                path: PathBuf::new(),
                wb: None,
                model: None,
                hash: String::new(),
                modified: None,
                errors: 0,
                warnings: 0,
                first_error: String::new(),
                state: UnitState::Broken(why),
            },
        })
        .collect()
}

fn read_one<'r>(
    reg: &'r Registry,
    dept: &Workbook,
    dir: &Path,
    key: String,
    r: UnitRef,
) -> Unit<'r> {
    let path = resolve(dir, &r.path);
    let mut u = Unit {
        key,
        path: path.clone(),
        wb: None,
        model: None,
        hash: String::new(),
        modified: std::fs::metadata(&path).and_then(|m| m.modified()).ok(),
        errors: 0,
        warnings: 0,
        first_error: String::new(),
        state: UnitState::Ready,
        r,
    };
    if !path.exists() {
        u.state = UnitState::Missing;
        return u;
    }
    let wb = match crate::shells::session::files::read_workbook(&path) {
        Ok(wb) => wb,
        Err(e) => {
            u.state = UnitState::Broken(e.to_string());
            return u;
        }
    };
    if super::is_dept(&wb) {
        u.state = UnitState::Mismatch("它本身是部门工作簿（汇总只取单位的工作簿）".into());
        return u;
    }
    if wb.template_set != dept.template_set || wb.unit.year != dept.unit.year {
        u.state = UnitState::Mismatch(format!(
            "模板集「{}」{}年度，部门是「{}」{}年度",
            wb.template_set, wb.unit.year, dept.template_set, dept.unit.year
        ));
        u.wb = Some(wb);
        return u;
    }
    let Some(set) = reg.set(&wb.template_set) else {
        u.state = UnitState::Mismatch(format!("没有模板集「{}」", wb.template_set));
        return u;
    };
    let mut wb = wb;
    wb.settle(set);
    match crate::engine::evaluate::evaluate_full(reg, set, &wb) {
        Ok(full) => {
            let errors: Vec<_> = full
                .ev
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            u.errors = errors.len();
            u.first_error = errors
                .first()
                .map(|f| f.message.clone())
                .unwrap_or_default();
            u.warnings = full
                .ev
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count();
            u.model = Some(full.ev.model);
        }
        Err(e) => {
            u.state = UnitState::Broken(format!("数据与模板不符：{e}"));
            return u;
        }
    }
    u.hash = content_hash(&wb);
    u.wb = Some(wb);
    u.state = if !u.r.included {
        UnitState::Excluded
    } else if u.r.hash != u.hash {
        UnitState::Stale
    } else {
        UnitState::Ready
    };
    u
}

/// Takes the 部门's unit records as they are now (after an undo, a toggle, a 重新汇总) into
/// units already read, without reading the files again. False when units were added or
/// removed: then they must be loaded.
pub fn restate(units: &mut [Unit], dept: &Workbook) -> bool {
    let now = refs(dept);
    if now.len() != units.len() || now.iter().zip(units.iter()).any(|((k, _), u)| *k != u.key) {
        return false;
    }
    for ((_, r), u) in now.into_iter().zip(units.iter_mut()) {
        let Ok(r) = r else { return false };
        if r.path != u.r.path {
            return false;
        }
        u.r = r;
        if matches!(
            u.state,
            UnitState::Ready | UnitState::Stale | UnitState::Excluded
        ) {
            u.state = if !u.r.included {
                UnitState::Excluded
            } else if u.r.hash != u.hash {
                UnitState::Stale
            } else {
                UnitState::Ready
            };
        }
    }
    true
}
