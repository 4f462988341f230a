//! What a user does with a 部门 workbook, for window and CLI alike: add units, leave one out or
//! take it back, confirm the units as they are now (重新汇总), accept the suggested offsets.
//! Each returns the changes of one undo step; the caller applies them to the 部门's store.

use crate::engine::{UnitMeta, Workbook};
use crate::shells::consolidate::{self, ref_text, Unit, UnitRef};
use crate::shells::store::Change;
use crate::template::{Registry, TemplateSet};
use std::path::Path;

/// A 部门 workbook for units of `set` and `year`, named `name` (nothing listed yet).
pub fn new_dept(set: &TemplateSet, name: &str, year: i32, profile: &str) -> Workbook {
    let mut wb = Workbook::new(
        &set.id,
        UnitMeta {
            name: name.to_string(),
            year,
            profile: profile.to_string(),
        },
    );
    mark(&mut wb);
    wb
}

/// Makes `wb` a 部门 workbook (its tables then come from the units it lists).
pub fn mark(wb: &mut Workbook) {
    wb.texts.insert(
        consolidate::DEPT_KEY.to_string(),
        "由本级和所属单位的工作簿汇总".to_string(),
    );
}

/// The path to record for `unit`: relative to the 部门's folder when inside it (the folder can
/// then move as a whole), else absolute.
pub fn recorded_path(dept_dir: &Path, unit: &Path) -> String {
    let abs = std::fs::canonicalize(unit).unwrap_or_else(|_| unit.to_path_buf());
    let dir = std::fs::canonicalize(dept_dir).unwrap_or_else(|_| dept_dir.to_path_buf());
    abs.strip_prefix(&dir)
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| abs.display().to_string())
}

/// Adds a unit file (confirmed as it is now). Refused in words: unreadable, another set or
/// year, a 部门 itself, listed already, or a second 本级.
pub fn add_unit(
    reg: &Registry,
    dept: &Workbook,
    dept_dir: &Path,
    unit: &Path,
    main: bool,
) -> Result<Change, String> {
    let wb = crate::shells::session::files::read_workbook(unit).map_err(|e| e.to_string())?;
    if consolidate::is_dept(&wb) {
        return Err(format!(
            "「{}」本身是部门工作簿，不能作为单位汇总",
            unit.display()
        ));
    }
    if wb.template_set != dept.template_set || wb.unit.year != dept.unit.year {
        return Err(format!(
            "「{}」是「{}」{}年度，部门是「{}」{}年度：只能汇总同一模板集、同一年度的单位",
            wb.unit.name, wb.template_set, wb.unit.year, dept.template_set, dept.unit.year
        ));
    }
    let path = recorded_path(dept_dir, unit);
    let here = std::fs::canonicalize(unit).ok();
    for (_, r) in consolidate::refs(dept) {
        let Ok(r) = r else { continue };
        let there = std::fs::canonicalize(consolidate::resolve(dept_dir, &r.path)).ok();
        if r.path == path || (here.is_some() && here == there) {
            return Err(format!("「{}」已在汇总的单位中", wb.unit.name));
        }
        if main && r.main {
            return Err(format!("本级已是「{}」：一个部门只有一个本级", r.name));
        }
    }
    let mut wb = wb;
    if let Some(set) = reg.set(&wb.template_set) {
        wb.settle(set);
    }
    let r = UnitRef {
        path,
        name: wb.unit.name.clone(),
        main,
        included: true,
        hash: consolidate::content_hash(&wb),
    };
    Ok(Change::text(
        &consolidate::next_key(dept),
        Some(&ref_text(&r)),
    ))
}

/// Leaves a unit out of the sums, or takes it back.
pub fn set_included(unit: &Unit, included: bool) -> Change {
    let r = UnitRef {
        included,
        ..unit.r.clone()
    };
    Change::text(&unit.key, Some(&ref_text(&r)))
}

/// 重新汇总: every readable unit confirmed as it is now.
pub fn confirm(units: &[Unit]) -> Vec<Change> {
    units
        .iter()
        .filter(|u| u.wb.is_some() && !u.hash.is_empty() && u.r.hash != u.hash)
        .map(|u| {
            let r = UnitRef {
                hash: u.hash.clone(),
                name: u.label(),
                ..u.r.clone()
            };
            Change::text(&u.key, Some(&ref_text(&r)))
        })
        .collect()
}

/// The suggested offsets written as the 部门's 调整 (each cell set to the offset).
pub fn accept_offsets(offsets: &[consolidate::Offset]) -> Vec<Change> {
    offsets
        .iter()
        .map(|(t, r, c, v)| Change::value(t, r, c, Some(*v)))
        .collect()
}
