//! Slots in the file: one stored input written or read by its address, the whole workbook
//! written or loaded.

use super::*;

pub(super) fn write_slot(
    conn: &Connection,
    slot: &Slot,
    text: Option<&str>,
) -> rusqlite::Result<()> {
    match (slot, text) {
        (Slot::Value { table, row, col } | Slot::Asserted { table, row, col }, Some(v)) => {
            let a = matches!(slot, Slot::Asserted { .. }) as i64;
            conn.prepare_cached(
                "INSERT OR REPLACE INTO cells (tbl, row_key, asserted, col, value) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![table, row, a, col, v])?;
        }
        (Slot::Value { table, row, col } | Slot::Asserted { table, row, col }, None) => {
            let a = matches!(slot, Slot::Asserted { .. }) as i64;
            conn.prepare_cached(
                "DELETE FROM cells WHERE tbl = ?1 AND row_key = ?2 AND asserted = ?3 AND col = ?4",
            )?
            .execute(params![table, row, a, col])?;
        }
        (Slot::Row { table, row }, Some(name)) => {
            conn.prepare_cached(
                "INSERT OR REPLACE INTO rows (tbl, row_key, name) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![table, row, name])?;
        }
        (Slot::Row { table, row }, None) => {
            conn.prepare_cached("DELETE FROM cells WHERE tbl = ?1 AND row_key = ?2")?
                .execute(params![table, row])?;
            conn.prepare_cached("DELETE FROM rows WHERE tbl = ?1 AND row_key = ?2")?
                .execute(params![table, row])?;
        }
        (Slot::Text(k), Some(v)) => {
            conn.prepare_cached("INSERT OR REPLACE INTO texts (key, value) VALUES (?1, ?2)")?
                .execute(params![k, v])?;
        }
        (Slot::Text(k), None) => {
            conn.prepare_cached("DELETE FROM texts WHERE key = ?1")?
                .execute(params![k])?;
        }
        (Slot::Record(id), Some(v)) => {
            let r: serde_json::Value = serde_json::from_str(v).map_err(|e| other(e.to_string()))?;
            let kind = r.get("kind").and_then(|k| k.as_str()).unwrap_or_default();
            let body = r.get("body").cloned().unwrap_or_default().to_string();
            conn.prepare_cached(
                "INSERT OR REPLACE INTO records (id, kind, body) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id, kind, body])?;
        }
        (Slot::Record(id), None) => {
            conn.prepare_cached("DELETE FROM records WHERE id = ?1")?
                .execute(params![id])?;
        }
        (Slot::Field { .. }, _) => {
            // Written as its whole record by write_changes.
            return Err(other("a form field is written with its record".into()));
        }
        (Slot::Meta(k), v) => {
            conn.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
                .execute(params![k, v.unwrap_or_default()])?;
        }
    }
    Ok(())
}

/// Writes the stored changes of one step in order, `wb` being the workbook before them: a form
/// field is written as its whole record (the history keeps the field alone).
pub(super) fn write_changes(
    conn: &Connection,
    wb: &Workbook,
    changes: &[Applied],
) -> rusqlite::Result<()> {
    let bad = |e: crate::engine::SlotError| other(e.to_string());
    let mut records: BTreeMap<String, Option<crate::engine::Record>> = BTreeMap::new();
    for a in changes {
        match &a.slot {
            Slot::Field { record, .. } => {
                let r = records
                    .entry(record.clone())
                    .or_insert_with(|| wb.records.get(record).cloned());
                let mut one = Workbook::default();
                if let Some(r) = r.take() {
                    one.records.insert(record.clone(), r);
                }
                one.put(&a.slot, a.new.as_deref()).map_err(bad)?;
                let done = one.records.remove(record);
                let text = done.as_ref().map(crate::engine::workbook::record_text);
                *r = done;
                write_slot(conn, &Slot::Record(record.clone()), text.as_deref())?;
            }
            Slot::Record(id) => {
                let mut one = Workbook::default();
                one.put(&a.slot, a.new.as_deref()).map_err(bad)?;
                records.insert(id.clone(), one.records.remove(id));
                write_slot(conn, &a.slot, a.new.as_deref())?;
            }
            _ => write_slot(conn, &a.slot, a.new.as_deref())?,
        }
    }
    Ok(())
}

/// Writes a whole workbook into empty tables.
pub(super) fn write_all(conn: &Connection, wb: &Workbook) -> rusqlite::Result<()> {
    for (slot, text) in wb.slots() {
        write_slot(conn, &slot, Some(&text))?;
    }
    Ok(())
}

/// Reads the inputs back into a workbook.
pub(super) fn load(conn: &Connection) -> rusqlite::Result<Workbook> {
    let bad = other;
    let mut wb = Workbook::default();
    let mut st = conn.prepare("SELECT key, value FROM meta")?;
    for r in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (k, v) = r?;
        if crate::engine::workbook::META_KEYS.contains(&k.as_str()) {
            wb.put(&Slot::Meta(k), Some(&v))
                .map_err(|e| bad(e.to_string()))?;
        }
    }
    let mut st = conn.prepare("SELECT tbl, row_key, name FROM rows")?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (t, k, name) = r?;
        wb.put(&Slot::row(&t, &k), Some(&name))
            .map_err(|e| bad(e.to_string()))?;
    }
    let mut st = conn.prepare("SELECT tbl, row_key, asserted, col, value FROM cells")?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })? {
        let (t, k, a, c, v) = r?;
        let slot = if a != 0 {
            Slot::asserted(&t, &k, &c)
        } else {
            Slot::value(&t, &k, &c)
        };
        wb.put(&slot, Some(&v)).map_err(|e| bad(e.to_string()))?;
    }
    let mut st = conn.prepare("SELECT key, value FROM texts")?;
    for r in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (k, v) = r?;
        wb.texts.insert(k, v);
    }
    let mut st = conn.prepare("SELECT id, kind, body FROM records")?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (id, kind, body) = r?;
        let body = serde_json::from_str(&body).map_err(|e| bad(format!("表单「{id}」：{e}")))?;
        wb.records.insert(id, crate::engine::Record { kind, body });
    }
    Ok(wb)
}
