//! The edit history (undo, redo, the list of steps) and named versions of a workbook file.

use super::*;

impl Store {
    /// Label of the step [`Store::undo`] would revert.
    pub fn undo_label(&self) -> Option<String> {
        self.conn
            .query_row(
                "SELECT label FROM steps WHERE undone = 0 ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten()
    }

    /// Label of the step [`Store::redo`] would re-apply.
    pub fn redo_label(&self) -> Option<String> {
        self.conn
            .query_row(
                "SELECT label FROM steps WHERE undone = 1 ORDER BY id ASC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten()
    }

    /// Reverts the latest step (also one made in an earlier session). None if there is none.
    pub fn undo(&mut self) -> Result<Option<Replayed>, StoreError> {
        self.replay(true)
    }

    /// Re-applies the earliest undone step.
    pub fn redo(&mut self) -> Result<Option<Replayed>, StoreError> {
        self.replay(false)
    }

    fn replay(&mut self, undo: bool) -> Result<Option<Replayed>, StoreError> {
        self.writable()?;
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| write_err(&path, e))?;
        let pick = if undo {
            "SELECT id, label FROM steps WHERE undone = 0 ORDER BY id DESC LIMIT 1"
        } else {
            "SELECT id, label FROM steps WHERE undone = 1 ORDER BY id ASC LIMIT 1"
        };
        let step: Option<(i64, String)> = tx
            .query_row(pick, [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(|e| read_err(&path, e))?;
        let Some((id, label)) = step else {
            return Ok(None);
        };
        let mut changes: Vec<Applied> = {
            let mut st = tx
                .prepare_cached("SELECT slot, old, new FROM changes WHERE step = ?1 ORDER BY seq")
                .map_err(|e| read_err(&path, e))?;
            let rows = st
                .query_map([id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                })
                .map_err(|e| read_err(&path, e))?;
            let mut v = Vec::new();
            for row in rows {
                let (s, old, new) = row.map_err(|e| read_err(&path, e))?;
                let slot = Slot::decode(&s).ok_or_else(|| StoreError::Corrupt {
                    path: disp(&path),
                    detail: format!("历史记录中有无法识别的位置 {s}"),
                })?;
                v.push(if undo {
                    Applied {
                        slot,
                        old: new,
                        new: old,
                    }
                } else {
                    Applied { slot, old, new }
                });
            }
            v
        };
        if undo {
            changes.reverse();
        }
        // Validate before writing anything (form fields on copies of their forms).
        let mut scratch = Workbook::default();
        for a in &changes {
            if let Slot::Field { record, .. } = &a.slot {
                if !scratch.records.contains_key(record) {
                    if let Some(r) = self.wb.records.get(record) {
                        scratch.records.insert(record.clone(), r.clone());
                    }
                }
            }
            scratch.put(&a.slot, a.new.as_deref())?;
        }
        (|| -> rusqlite::Result<()> {
            write_changes(&tx, &self.wb, &changes)?;
            tx.execute(
                "UPDATE steps SET undone = ?2 WHERE id = ?1",
                params![id, undo as i64],
            )?;
            Ok(())
        })()
        .map_err(|e| write_err(&path, e))?;
        tx.commit().map_err(|e| write_err(&path, e))?;
        self.redo_len += if undo { 1 } else { -1 };
        for a in &changes {
            self.wb.put(&a.slot, a.new.as_deref())?;
        }
        Ok(Some(Replayed { label, changes }))
    }

    /// The edit history, newest first (at most `limit` steps).
    pub fn history(&self, limit: usize) -> Result<Vec<StepInfo>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT s.id, s.label, s.at, s.undone, (SELECT count(*) FROM changes c WHERE c.step = s.id)
                 FROM steps s ORDER BY s.id DESC LIMIT ?1",
            )
            .map_err(|e| read_err(&self.path, e))?;
        let rows = st
            .query_map([limit as i64], |r| {
                Ok(StepInfo {
                    id: r.get(0)?,
                    label: r.get(1)?,
                    at: r.get(2)?,
                    undone: r.get::<_, i64>(3)? != 0,
                    changes: r.get::<_, i64>(4)? as usize,
                })
            })
            .map_err(|e| read_err(&self.path, e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| read_err(&self.path, e))
    }

    /// Names a snapshot of the current inputs.
    pub fn save_version(&mut self, name: &str) -> Result<VersionInfo, StoreError> {
        self.writable()?;
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::VersionName);
        }
        if self.find_version(name)?.is_some() {
            return Err(StoreError::VersionExists(name.to_string()));
        }
        let at = now();
        self.conn
            .execute(
                "INSERT INTO versions (name, at, snapshot) VALUES (?1, ?2, ?3)",
                params![name, at, json::to_json(&self.wb)],
            )
            .map_err(|e| write_err(&self.path, e))?;
        Ok(VersionInfo {
            id: self.conn.last_insert_rowid(),
            name: name.to_string(),
            at,
        })
    }

    /// Named versions, oldest first.
    pub fn versions(&self) -> Result<Vec<VersionInfo>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT id, name, at FROM versions ORDER BY id")
            .map_err(|e| read_err(&self.path, e))?;
        let rows = st
            .query_map([], |r| {
                Ok(VersionInfo {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    at: r.get(2)?,
                })
            })
            .map_err(|e| read_err(&self.path, e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| read_err(&self.path, e))
    }

    fn find_version(&self, key: &str) -> Result<Option<(i64, String)>, StoreError> {
        let by_name = self
            .conn
            .query_row(
                "SELECT id, name FROM versions WHERE name = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| read_err(&self.path, e))?;
        if by_name.is_some() {
            return Ok(by_name);
        }
        let Ok(id) = key.trim().trim_start_matches('#').parse::<i64>() else {
            return Ok(None);
        };
        self.conn
            .query_row("SELECT id, name FROM versions WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(|e| read_err(&self.path, e))
    }

    /// The inputs of a version (by name or number), for read-only viewing. "当前" / "current"
    /// is the current state.
    pub fn version_workbook(&self, key: &str) -> Result<Workbook, StoreError> {
        if matches!(key.trim(), "当前" | "current") {
            return Ok(self.wb.clone());
        }
        let (id, name) = self
            .find_version(key)?
            .ok_or_else(|| StoreError::NoVersion(key.to_string()))?;
        let text: String = self
            .conn
            .query_row("SELECT snapshot FROM versions WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(|e| read_err(&self.path, e))?;
        json::from_json(&text).map_err(|e| StoreError::BadVersion {
            name,
            msg: e.to_string(),
        })
    }

    /// Cell-by-cell differences between two versions (names, numbers or "当前").
    pub fn diff_versions(&self, a: &str, b: &str) -> Result<Vec<SlotDiff>, StoreError> {
        Ok(diff(&self.version_workbook(a)?, &self.version_workbook(b)?))
    }
}
