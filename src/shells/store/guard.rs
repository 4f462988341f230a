//! A workbook is a file people send each other, so it is opened as untrusted input (SQLite's own
//! guidance for database files from elsewhere): defensive mode, no trusted schema, cell size
//! checks, length limits, an integrity check and a schema that holds nothing but ours — all before
//! the first write. Readers work on a private copy so the file's bytes never change. Failures are
//! named by their cause in plain Chinese.

use rusqlite::{Connection, ErrorCode};
use std::path::{Path, PathBuf};

/// Largest string or blob a workbook may hold (a 情况说明 paragraph or a form's JSON is far
/// smaller); a crafted oversized value is refused instead of being loaded.
pub const MAX_VALUE_BYTES: i32 = 16 * 1024 * 1024;

/// Turns on SQLite's protections for files from elsewhere on a fresh connection.
pub fn harden(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::config::DbConfig;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, false)?;
    conn.execute_batch("PRAGMA trusted_schema=OFF; PRAGMA cell_size_check=ON;")?;
    conn.set_limit(
        rusqlite::limits::Limit::SQLITE_LIMIT_LENGTH,
        MAX_VALUE_BYTES,
    )?;
    conn.set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_SQL_LENGTH, 1_000_000)?;
    Ok(())
}

/// The names of the tables and indexes a Gongkai workbook holds (from the current schema).
fn our_objects() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in super::schema::SCHEMA_V1.lines() {
        let l = line.trim();
        for (kind, head) in [("table", "CREATE TABLE "), ("index", "CREATE INDEX ")] {
            if let Some(rest) = l.strip_prefix(head) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                out.push((kind.to_string(), name));
            }
        }
    }
    out
}

/// Something in the file's schema that a Gongkai workbook never has (a trigger, a view, another
/// table or index), named for the refusal; None when the schema is ours.
pub fn foreign_object(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let ours = our_objects();
    let mut st = conn.prepare("SELECT type, name FROM sqlite_schema")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (kind, name) = row?;
        let internal = name.starts_with("sqlite_autoindex_")
            || name == "sqlite_sequence"
            || name.starts_with("sqlite_stat");
        if internal || ours.iter().any(|(k, n)| *k == kind && *n == name) {
            continue;
        }
        let what = match kind.as_str() {
            "trigger" => "触发器",
            "view" => "视图",
            "index" => "索引",
            _ => "数据表",
        };
        let shown: String = name.chars().take(40).collect();
        return Ok(Some(format!("{what}「{shown}」")));
    }
    Ok(None)
}

/// Why a storage operation failed, in words a user can act on.
pub trait Cause {
    fn cause(&self) -> String;
}

impl Cause for std::io::Error {
    fn cause(&self) -> String {
        crate::fsio::cause(self)
    }
}

impl Cause for rusqlite::Error {
    fn cause(&self) -> String {
        match self.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => "磁盘空间已满。请清理磁盘后再试".into(),
            Some(ErrorCode::ReadOnly) => {
                "文件或所在文件夹是只读的，不能写入。请取消只读属性，或另存到其他文件夹".into()
            }
            Some(ErrorCode::PermissionDenied) => "没有读写这个文件的权限".into(),
            Some(ErrorCode::CannotOpen) => "无法打开（文件夹不存在，或没有权限）".into(),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                "文件正被其他程序使用，请稍后再试".into()
            }
            Some(ErrorCode::SystemIoFailure) => {
                "磁盘写入失败（多为磁盘空间已满或超出配额，也可能是 U 盘或网络盘故障）。请清理磁盘或换一个位置后再试"
                    .into()
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => "文件内部结构损坏".into(),
            Some(ErrorCode::TooBig) => "文件中有超长的内容，不像是 Gongkai 草稿".into(),
            _ => match self {
                // Our own messages (bad JSON in a stored form, a missing migration) are Chinese.
                rusqlite::Error::ToSqlConversionFailure(e) => e.to_string(),
                _ => "数据库操作未能完成".into(),
            },
        }
    }
}

/// A private copy of a workbook (and its committed -wal) for a reader that holds the writer lock:
/// SQLite may replay the log into the copy, never into the user's file. Removed when dropped.
pub struct ReadCopy {
    dir: PathBuf,
    pub db: PathBuf,
}

impl ReadCopy {
    pub fn make(path: &Path) -> std::io::Result<ReadCopy> {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("gongkai-read-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let copy = ReadCopy {
            db: dir.join("workbook.db"),
            dir,
        };
        std::fs::copy(path, &copy.db)?;
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            std::fs::copy(&wal, copy.dir.join("workbook.db-wal"))?;
        }
        Ok(copy)
    }
}

impl Drop for ReadCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
