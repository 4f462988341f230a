//! One open workbook as the user works on it: the file (store), its evaluation kept up to date,
//! and every operation that changes it. The window and the command line both go through here;
//! nothing else writes a workbook file.
//!
//! An operation is one history step (undoable, autosaved in one transaction), then the
//! evaluation is brought up to date: the tables in full (microseconds), the forms only where
//! the step touched them ([`FormCache`]), the 情况说明 and the audits.

use crate::engine::narrative::Narrative;
use crate::engine::perf::{FormCache, Scored};
use crate::engine::{Finding, Model, Slot, Workbook};
use crate::shells::consolidate::{self, Unit};
use crate::shells::store::{Applied, Change, Replayed, Store, StoreError, VersionInfo};
use crate::template::{Registry, TemplateSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A 部门 workbook's units and what they add up to.
pub struct Dept<'r> {
    pub units: Vec<Unit<'r>>,
    /// The consolidated workbook (what the tables show and the document prints).
    pub wb: Workbook,
    /// The 调整 alone, evaluated (their part in a drill-down).
    pub adjust: Option<Model<'r>>,
    /// CONS- findings.
    pub findings: Vec<Finding>,
    /// The unit files' modification times when last read.
    pub stamps: Vec<Option<SystemTime>>,
}

/// What refuses a change to a 部门's tables.
pub const DEPT_REFUSAL: &str =
    "部门的表由各单位汇总得出，不能在这里改数：请打开该单位的工作簿修改，或在“部门汇总”里添加调整";

/// An open workbook with its evaluation.
pub struct Session<'r> {
    store: Store,
    reg: &'r Registry,
    /// The workbook's template set (follows a change of set in the workbook).
    pub set: &'r TemplateSet,
    /// The recalculated tables.
    pub model: Model<'r>,
    /// Every finding (tables, forms, 情况说明, 部门), errors first.
    pub findings: Vec<Finding>,
    /// The generated 情况说明 (None: the set has none).
    pub narrative: Option<Narrative>,
    forms: FormCache<'r>,
    /// Set for a 部门 workbook.
    pub dept: Option<Dept<'r>>,
    /// Template cells typed in an older workbook that the set now derives, made printed figures
    /// when the file was opened (one undoable step).
    pub settled: Vec<String>,
}

fn stamps(units: &[Unit]) -> Vec<Option<SystemTime>> {
    units
        .iter()
        .map(|u| std::fs::metadata(&u.path).and_then(|m| m.modified()).ok())
        .collect()
}

fn is_table_slot(s: &Slot) -> bool {
    matches!(
        s,
        Slot::Value { .. }
            | Slot::Asserted { .. }
            | Slot::Row { .. }
            | Slot::Record(_)
            | Slot::Field { .. }
    )
}

impl Session<'static> {
    /// Opens `path` for editing.
    pub fn open(path: &Path) -> Result<Session<'static>, String> {
        Store::open(path)
            .map_err(|e| e.to_string())
            .and_then(Session::new)
    }

    /// Opens `path` to read (a private copy; the file is never written).
    pub fn open_read_only(path: &Path) -> Result<Session<'static>, String> {
        Store::open_read_only(path)
            .map_err(|e| e.to_string())
            .and_then(Session::new)
    }

    /// A session over an open store, with the installed templates.
    pub fn new(store: Store) -> Result<Session<'static>, String> {
        Session::with_registry(store, Registry::installed())
    }
}

impl<'r> Session<'r> {
    /// Opens `path` for editing with the templates of `reg` (the command line's --templates).
    pub fn open_with(path: &Path, reg: &'r Registry) -> Result<Session<'r>, String> {
        Store::open(path)
            .map_err(|e| e.to_string())
            .and_then(|s| Session::with_registry(s, reg))
    }

    /// A session over an open store. Fails (in words) if the workbook's template set is
    /// unknown or its data do not fit the templates.
    pub fn with_registry(mut store: Store, reg: &'r Registry) -> Result<Session<'r>, String> {
        let set = reg.set(&store.workbook().template_set).ok_or_else(|| {
            format!(
                "找不到模板集「{}」（已安装：{}）",
                store.workbook().template_set,
                reg.sets
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            )
        })?;
        let settled = store.settle(set).map_err(|e| e.to_string())?;
        let mut forms = FormCache::default();
        let (ev, narrative) =
            crate::engine::evaluate::evaluate_with(reg, set, store.workbook(), &mut forms)
                .map_err(|e| e.to_string())?;
        let mut s = Session {
            store,
            reg,
            set,
            model: ev.model,
            findings: ev.findings,
            narrative,
            forms,
            dept: None,
            settled,
        };
        if consolidate::is_dept(s.store.workbook()) {
            s.recompute()?;
        }
        Ok(s)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn workbook(&self) -> &Workbook {
        self.store.workbook()
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    pub fn is_read_only(&self) -> bool {
        self.store.is_read_only()
    }

    /// The workbook the screens show and the document prints: the consolidated one in a 部门.
    pub fn book(&self) -> &Workbook {
        self.dept.as_ref().map_or(self.store.workbook(), |d| &d.wb)
    }

    /// The scored forms of [`Session::book`], in record order.
    pub fn scored(&self) -> &[Scored<'r>] {
        self.forms.scored()
    }

    /// One scored form.
    pub fn scored_form(&self, id: &str) -> Option<&Scored<'r>> {
        self.forms.get(id)
    }

    /// The folder a 部门's relative unit paths are taken from.
    pub fn dept_dir(&self) -> PathBuf {
        self.store
            .path()
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// One step: `changes` under `label`, autosaved, then evaluated. A 部门's tables are its
    /// units' sums and refuse figures ([`DEPT_REFUSAL`]); its own records go through
    /// [`Session::apply_own`]. Returns the slots that changed (none: nothing differed).
    pub fn apply(&mut self, label: &str, changes: &[Change]) -> Result<Vec<Applied>, String> {
        if self.dept.is_some() && changes.iter().any(|c| is_table_slot(&c.slot)) {
            return Err(DEPT_REFUSAL.into());
        }
        self.apply_own(label, changes)
    }

    /// As [`Session::apply`], also for a 部门's own records (its units, its 调整).
    pub fn apply_own(&mut self, label: &str, changes: &[Change]) -> Result<Vec<Applied>, String> {
        let applied = self
            .store
            .apply(label, changes)
            .map_err(|e| e.to_string())?;
        if !applied.is_empty() {
            self.changed(&applied)?;
        }
        Ok(applied)
    }

    /// Replaces every input with `wb`'s (an import) as one step.
    pub fn replace_all(&mut self, label: &str, wb: &Workbook) -> Result<Vec<Applied>, String> {
        let applied = self
            .store
            .replace_all(label, wb)
            .map_err(|e| e.to_string())?;
        if !applied.is_empty() {
            self.changed(&applied)?;
        }
        Ok(applied)
    }

    /// Takes back the latest step (None: there is none).
    pub fn undo(&mut self) -> Result<Option<Replayed>, String> {
        self.replay(true)
    }

    /// Re-applies the earliest undone step.
    pub fn redo(&mut self) -> Result<Option<Replayed>, String> {
        self.replay(false)
    }

    fn replay(&mut self, undo: bool) -> Result<Option<Replayed>, String> {
        let r = if undo {
            self.store.undo()
        } else {
            self.store.redo()
        }
        .map_err(|e| e.to_string())?;
        if let Some(r) = &r {
            self.changed(&r.changes)?;
        }
        Ok(r)
    }

    /// Saves the current content as a named version.
    pub fn save_version(&mut self, name: &str) -> Result<VersionInfo, StoreError> {
        self.store.save_version(name)
    }

    /// Evaluation after a step: the forms it touched are scored again.
    fn changed(&mut self, applied: &[Applied]) -> Result<(), String> {
        for a in applied {
            match &a.slot {
                Slot::Record(id) | Slot::Field { record: id, .. } => self.forms.forget(id),
                Slot::Meta(_) => self.forms.forget_all(),
                _ => {}
            }
        }
        self.recompute()
    }

    /// Brings the evaluation up to the store (and, in a 部门, to the units as loaded).
    pub fn recompute(&mut self) -> Result<(), String> {
        let id = &self.store.workbook().template_set;
        if *id != self.set.id {
            if let Some(s) = self.reg.set(id) {
                self.set = s;
                self.forms.forget_all();
            }
        }
        self.consolidate_now();
        let book = self.dept.as_ref().map_or(self.store.workbook(), |d| &d.wb);
        let (ev, narrative) =
            crate::engine::evaluate::evaluate_with(self.reg, self.set, book, &mut self.forms)
                .map_err(|e| format!("数据与模板不符：{e}"))?;
        self.model = ev.model;
        self.findings = ev.findings;
        if let Some(d) = &self.dept {
            self.findings.extend(d.findings.iter().cloned());
            self.findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        }
        self.narrative = narrative;
        Ok(())
    }

    /// Reads the unit files again (a 部门 workbook only; for another, forgets any units).
    pub fn load_units(&mut self) {
        if !consolidate::is_dept(self.store.workbook()) {
            self.dept = None;
            return;
        }
        let units = consolidate::load(self.reg, self.store.workbook(), &self.dept_dir());
        let st = stamps(&units);
        match self.dept.as_mut() {
            Some(d) => {
                d.units = units;
                d.stamps = st;
            }
            None => {
                self.dept = Some(Dept {
                    units,
                    wb: Workbook::default(),
                    adjust: None,
                    findings: Vec::new(),
                    stamps: st,
                })
            }
        }
    }

    /// A unit file changed on disk since it was read.
    pub fn units_changed_on_disk(&self) -> bool {
        self.dept
            .as_ref()
            .is_some_and(|d| stamps(&d.units) != d.stamps)
    }

    /// The consolidation of the units as loaded (before each evaluation in a 部门).
    fn consolidate_now(&mut self) {
        if !consolidate::is_dept(self.store.workbook()) {
            self.dept = None;
            return;
        }
        // The unit records as the store has them now (an undo may have changed them).
        let fresh = match self.dept.as_mut() {
            Some(d) => consolidate::restate(&mut d.units, self.store.workbook()),
            None => false,
        };
        if !fresh {
            self.load_units();
        }
        let Some(d) = self.dept.as_mut() else { return };
        let c = consolidate::consolidate(self.set, self.store.workbook(), &d.units);
        d.adjust = crate::engine::evaluate::evaluate_full(self.reg, self.set, &c.adjust)
            .ok()
            .map(|f| f.ev.model);
        d.findings = c.findings;
        d.wb = c.wb;
        // The forms are the units' (by unit), read again with them.
        self.forms.forget_all();
    }
}
