//! The workbook file: one SQLite database holding the inputs, the edit history (undo/redo that
//! survives restarts) and named versions. Shell code: derived values are never stored; the engine
//! recomputes them on open.
//!
//! Safety: a file is inspected (header bytes, then a read-only look) before anything is written;
//! a writer holds an OS lock on `FILE-lock` so a second writer is refused; every edit is one
//! transaction in WAL mode with `synchronous=FULL`, durable when [`Store::apply`] returns.

mod guard;
mod history;
mod lock;
mod open;
pub mod schema;
use lock::WriterLock;
mod settle;
mod slots;
use slots::{load, write_all, write_changes};

use crate::engine::{diff, Slot, SlotDiff, Workbook};
use crate::interchange::json;
use guard::Cause;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use schema::{Migration, APPLICATION_ID, MIGRATIONS, SCHEMA_V1, SCHEMA_VERSION};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Everything that can go wrong with a workbook file, in words for the user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("找不到文件 {path}")]
    NotFound { path: String },
    #[error("无法读取 {path}：{msg}")]
    Io { path: String, msg: String },
    #[error("{path} 是空文件（0 字节），不是 Gongkai 草稿。文件未作任何修改。")]
    Empty { path: String },
    #[error("{path} 不是 Gongkai 草稿：它不是 SQLite 数据库文件（可能是其他格式，或已严重损坏）。文件未作任何修改。")]
    NotSqlite { path: String },
    #[error(
        "{path} 是 SQLite 数据库，但不是 Gongkai 草稿（可能属于其他软件）。文件未作任何修改。"
    )]
    Foreign { path: String },
    #[error("{path} 由更新版本的 Gongkai 保存（文件格式第 {found} 版，本程序只支持到第 {supported} 版），请升级 Gongkai 后再打开。文件未作任何修改。")]
    Newer {
        path: String,
        found: i32,
        supported: i32,
    },
    #[error("{path} 已损坏（{detail}），无法打开。文件未作任何修改；请从备份或导出的 JSON 恢复。")]
    Corrupt { path: String, detail: String },
    #[error("{path} 含有 Gongkai 草稿不会有的内容（{what}），可能被其他程序改动过或被人为构造。为安全起见不予打开。文件未作任何修改。")]
    Tampered { path: String, what: String },
    #[error("{path} 正在被另一个 Gongkai 窗口或程序编辑。为避免互相覆盖，不能同时编辑：请先关闭另一处，或以只读方式打开。")]
    Locked { path: String },
    #[error("{path} 已存在，不会覆盖。请换一个文件名。")]
    Exists { path: String },
    #[error("此草稿以只读方式打开（{path}），不能修改。")]
    ReadOnly { path: String },
    #[error("保存失败（{path}）：{msg}。本次修改没有保存，之前保存的内容完好。")]
    Write { path: String, msg: String },
    #[error("升级文件格式失败（{path}，第 {from} 版 → 第 {to} 版）：{msg}。原文件未修改，升级前的副本在 {backup}。")]
    Migration {
        path: String,
        from: i32,
        to: i32,
        msg: String,
        backup: String,
    },
    #[error("修改无效：{0}")]
    Slot(#[from] crate::engine::SlotError),
    #[error("找不到版本「{0}」")]
    NoVersion(String),
    #[error("版本名称「{0}」已存在，请换一个名称")]
    VersionExists(String),
    #[error("版本名称不能为空")]
    VersionName,
    #[error("版本「{name}」的内容无法读取：{msg}")]
    BadVersion { name: String, msg: String },
}

/// One change requested by the user: put `text` into `slot` (None clears it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub slot: Slot,
    pub text: Option<String>,
}

impl Change {
    pub fn new(slot: Slot, text: Option<String>) -> Change {
        Change { slot, text }
    }
    /// Sets (None: clears) a typed figure.
    pub fn value(table: &str, row: &str, col: &str, v: Option<rust_decimal::Decimal>) -> Change {
        Change::new(Slot::value(table, row, col), v.map(|d| d.to_string()))
    }
    /// Sets (None: clears) an asserted figure.
    pub fn asserted(table: &str, row: &str, col: &str, v: Option<rust_decimal::Decimal>) -> Change {
        Change::new(Slot::asserted(table, row, col), v.map(|d| d.to_string()))
    }
    pub fn text(key: &str, t: Option<&str>) -> Change {
        Change::new(Slot::Text(key.into()), t.map(str::to_string))
    }
}

/// A stored change with the value it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub slot: Slot,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One entry of the edit history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepInfo {
    pub id: i64,
    pub label: String,
    pub at: String,
    /// Undone steps can be redone; a new edit discards them.
    pub undone: bool,
    pub changes: usize,
}

/// A named snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    pub id: i64,
    pub name: String,
    pub at: String,
}

/// Result of undo or redo: the step and the slots it put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    pub label: String,
    pub changes: Vec<Applied>,
}

/// An open workbook file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    wb: Workbook,
    read_only: bool,
    /// Number of undone steps (the redo stack), so a plain edit skips the purge.
    redo_len: i64,
    _lock: Option<WriterLock>,
    /// A reader's private copy of the file (removed with the store).
    _copy: Option<guard::ReadCopy>,
}

fn now() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

fn disp(p: &Path) -> String {
    p.display().to_string()
}

/// Maps a SQLite error met while reading a file that passed the header check.
fn read_err(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    let p = disp(path);
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotSqlite { path: p },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: p,
            detail: "数据库结构损坏".into(),
        },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked { path: p },
        _ => StoreError::Io {
            path: p,
            msg: e.cause(),
        },
    }
}

/// A non-SQLite failure inside a storage routine (bad JSON, a missing migration).
fn other(msg: String) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(msg.into())
}

fn write_err(path: &Path, e: impl Cause) -> StoreError {
    StoreError::Write {
        path: disp(path),
        msg: e.cause(),
    }
}

impl Drop for Store {
    /// A writer leaves one file behind: the log is folded into the workbook and the side files
    /// go. When that cannot be done (a full disk), the log keeps what it holds and stays.
    fn drop(&mut self) {
        if self.read_only || self._lock.is_none() {
            return;
        }
        let done = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            })
            .is_ok_and(|busy| busy == 0);
        let side = |ext: &str| {
            let mut n = self.path.as_os_str().to_owned();
            n.push(ext);
            PathBuf::from(n)
        };
        if done && std::fs::metadata(side("-wal")).is_ok_and(|m| m.len() == 0) {
            // Leaving WAL mode on close removes -wal and -shm; the next open turns it back on.
            let _ = self.conn.execute_batch("PRAGMA journal_mode=DELETE;");
        }
    }
}

impl Store {
    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }
    /// The current inputs.
    pub fn workbook(&self) -> &Workbook {
        &self.wb
    }

    fn writable(&self) -> Result<(), StoreError> {
        if self.read_only {
            Err(StoreError::ReadOnly {
                path: disp(&self.path),
            })
        } else {
            Ok(())
        }
    }

    /// Works out the stored changes for a request: old values, implied row creation/removal,
    /// validation; no-ops dropped. Nothing is written.
    fn plan(&self, changes: &[Change]) -> Result<Vec<Applied>, StoreError> {
        let mut overlay: BTreeMap<Slot, Option<String>> = BTreeMap::new();
        let mut out = Vec::new();
        let cur = |overlay: &BTreeMap<Slot, Option<String>>, s: &Slot| match overlay.get(s) {
            Some(v) => v.clone(),
            None => self.wb.get(s),
        };
        let push = |overlay: &mut BTreeMap<Slot, Option<String>>,
                    out: &mut Vec<Applied>,
                    slot: Slot,
                    new: Option<String>| {
            let old = cur(overlay, &slot);
            if old != new {
                overlay.insert(slot.clone(), new.clone());
                out.push(Applied { slot, old, new });
            }
        };
        for c in changes {
            // Validate (and canonicalise amounts) on a scratch workbook (a form field on a copy
            // of its form as the step has left it).
            let mut scratch = Workbook::default();
            if let Slot::Field { record, .. } = &c.slot {
                let now = cur(&overlay, &Slot::Record(record.clone()));
                scratch.put(&Slot::Record(record.clone()), now.as_deref())?;
            }
            scratch.put(&c.slot, c.text.as_deref())?;
            let text = c
                .text
                .as_ref()
                .map(|_| scratch.get(&c.slot).unwrap_or_default());
            match (&c.slot, &text) {
                (Slot::Value { table, row, .. } | Slot::Asserted { table, row, .. }, Some(_)) => {
                    let rs = Slot::row(table, row);
                    if cur(&overlay, &rs).is_none() {
                        push(&mut overlay, &mut out, rs, Some(String::new()));
                    }
                }
                (Slot::Row { table, row }, None) => {
                    let mut cells: Vec<Slot> = Vec::new();
                    if let Some(r) = self.wb.tables.get(table).and_then(|t| t.rows.get(row)) {
                        cells.extend(r.values.keys().map(|c| Slot::value(table, row, c)));
                        cells.extend(r.asserted.keys().map(|c| Slot::asserted(table, row, c)));
                    }
                    cells.extend(overlay.keys().filter(|s| {
                        matches!(s, Slot::Value { table: t, row: r, .. } | Slot::Asserted { table: t, row: r, .. } if t == table && r == row)
                    }).cloned());
                    cells.sort();
                    cells.dedup();
                    for s in cells {
                        push(&mut overlay, &mut out, s, None);
                    }
                }
                _ => {}
            }
            let text = match (&c.slot, text) {
                (Slot::Meta(_), None) => Some(String::new()),
                (_, t) => t,
            };
            push(&mut overlay, &mut out, c.slot.clone(), text);
        }
        Ok(out)
    }

    /// Applies a user action as one undoable step, in one durable transaction. Returns what was
    /// stored (empty when nothing changed). On error nothing is written and the workbook in
    /// memory is unchanged.
    pub fn apply(&mut self, label: &str, changes: &[Change]) -> Result<Vec<Applied>, StoreError> {
        self.writable()?;
        let planned = self.plan(changes)?;
        if planned.is_empty() {
            return Ok(planned);
        }
        let path = self.path.clone();
        let purge = self.redo_len > 0;
        let tx = self.conn.transaction().map_err(|e| write_err(&path, e))?;
        (|| -> rusqlite::Result<()> {
            if purge {
                tx.execute(
                    "DELETE FROM changes WHERE step IN (SELECT id FROM steps WHERE undone = 1)",
                    [],
                )?;
                tx.execute("DELETE FROM steps WHERE undone = 1", [])?;
            }
            tx.prepare_cached("INSERT INTO steps (label, at) VALUES (?1, ?2)")?
                .execute(params![label, now()])?;
            let step = tx.last_insert_rowid();
            let mut ins = tx.prepare_cached(
                "INSERT INTO changes (step, seq, slot, old, new) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (i, a) in planned.iter().enumerate() {
                ins.execute(params![step, i as i64, a.slot.encode(), a.old, a.new])?;
            }
            write_changes(&tx, &self.wb, &planned)
        })()
        .map_err(|e| write_err(&path, e))?;
        tx.commit().map_err(|e| write_err(&path, e))?;
        self.redo_len = 0;
        for a in &planned {
            self.wb.put(&a.slot, a.new.as_deref())?;
        }
        Ok(planned)
    }

    /// Replaces all inputs with `wb`'s (an import) as one undoable step.
    pub fn replace_all(&mut self, label: &str, wb: &Workbook) -> Result<Vec<Applied>, StoreError> {
        let changes: Vec<Change> = diff(&self.wb, wb)
            .into_iter()
            .map(|d| Change::new(d.slot, d.new))
            .collect();
        self.apply(label, &changes)
    }

    /// Writes a consistent copy of the whole file (history and versions included) to `to`
    /// (另存为). The copy is a normal workbook file.
    pub fn save_copy(&self, to: &Path) -> Result<(), StoreError> {
        if to.exists() {
            return Err(StoreError::Exists { path: disp(to) });
        }
        let target = to.to_str().ok_or_else(|| StoreError::Write {
            path: disp(to),
            msg: "路径含无法识别的字符".into(),
        })?;
        self.conn
            .execute("VACUUM INTO ?1", [target])
            .map_err(|e| write_err(to, e))?;
        Ok(())
    }
}
