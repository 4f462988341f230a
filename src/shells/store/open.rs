//! Opening a workbook file: the header checked before SQLite reads it, the writer lock, the
//! hardened connection, identity/version/integrity verified, migrations (a copy kept first),
//! and the read-only way in for readers.

use super::*;

impl Store {
    /// Creates a new workbook file holding `wb` (refuses to overwrite). The file is built under
    /// a temporary name and renamed into place, so a crash never leaves a half-made workbook.
    pub fn create(path: &Path, wb: &Workbook) -> Result<Store, StoreError> {
        if path.exists() {
            return Err(StoreError::Exists { path: disp(path) });
        }
        crate::fsio::sweep_stale_temps(path);
        // Side files left by a workbook of the same name that was deleted after a crash belong to
        // no file now; SQLite would replay that old log into the new workbook.
        for side in ["-wal", "-shm", "-journal"] {
            let mut n = path.as_os_str().to_owned();
            n.push(side);
            let _ = std::fs::remove_file(PathBuf::from(n));
        }
        let mut tmp_name = path.as_os_str().to_owned();
        tmp_name.push(format!(".tmp-{}", std::process::id()));
        let tmp = PathBuf::from(tmp_name);
        let _ = std::fs::remove_file(&tmp);
        let built = (|| -> rusqlite::Result<()> {
            let mut conn = Connection::open(&tmp)?;
            conn.execute_batch("PRAGMA journal_mode=DELETE;")?;
            let tx = conn.transaction()?;
            tx.execute_batch(SCHEMA_V1)?;
            write_all(&tx, wb)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.commit()?;
            conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))?;
            conn.close().map_err(|(_, e)| e)?;
            Ok(())
        })();
        if let Err(e) = built {
            let _ = std::fs::remove_file(&tmp);
            return Err(write_err(path, e));
        }
        if let Err(e) = File::open(&tmp).and_then(|f| f.sync_all()) {
            let _ = std::fs::remove_file(&tmp);
            return Err(write_err(path, e));
        }
        if path.exists() {
            let _ = std::fs::remove_file(&tmp);
            return Err(StoreError::Exists { path: disp(path) });
        }
        if let Err(e) = std::fs::rename(&tmp, path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(write_err(path, e));
        }
        Store::open(path)
    }

    /// Opens a workbook for editing. Refused (file untouched) when it is not a Gongkai workbook,
    /// is damaged or newer, or another process is editing it. Older files are copied aside
    /// (`FILE.v{N}.bak`) and migrated.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Self::open_with(path, MIGRATIONS, SCHEMA_VERSION)
    }

    #[doc(hidden)]
    /// [`Store::open`] with an explicit migration list and target schema version (tests
    /// exercise the migration machinery with it).
    pub fn open_with(
        path: &Path,
        migrations: &[Migration],
        target: i32,
    ) -> Result<Store, StoreError> {
        precheck(path, target)?;
        let lock = WriterLock::acquire(path)?;
        // Nothing may be written before verify() accepts the file.
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| read_err(path, e))?;
        guard::harden(&conn).map_err(|e| read_err(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(2))
            .map_err(|e| read_err(path, e))?;
        let version = verify(&conn, path, target)?;
        if version < target {
            migrate(&mut conn, path, version, target, migrations)?;
        }
        // Everything is read and checked before the first write (the switch to WAL), so a file
        // refused for its content keeps every byte.
        let wb = load(&conn).map_err(|e| read_err(path, e))?;
        conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
            .map_err(|e| write_err(path, e))?;
        conn.execute_batch("PRAGMA synchronous=FULL;")
            .map_err(|e| write_err(path, e))?;
        let redo_len = conn
            .query_row("SELECT count(*) FROM steps WHERE undone = 1", [], |r| {
                r.get(0)
            })
            .map_err(|e| read_err(path, e))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            wb,
            read_only: false,
            redo_len,
            _lock: Some(lock),
            _copy: None,
        })
    }

    /// Opens a workbook for reading only (check, export, diff; a second window). Works while
    /// another process edits it and sees that process's last saved edit. The file's bytes never
    /// change: when nobody is editing, the reader takes the writer lock for the duration and
    /// works on a private copy (with the committed -wal, if one was left); otherwise it opens the
    /// file truly read-only (the editing process owns the side files).
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        precheck(path, SCHEMA_VERSION)?;
        let lock = WriterLock::acquire(path).ok();
        let copy = match &lock {
            Some(_) => Some(guard::ReadCopy::make(path).map_err(|e| StoreError::Io {
                path: disp(path),
                msg: e.cause(),
            })?),
            None => None,
        };
        let (at, flags) = match &copy {
            Some(c) => (c.db.as_path(), OpenFlags::SQLITE_OPEN_READ_WRITE),
            None => (path, OpenFlags::SQLITE_OPEN_READ_ONLY),
        };
        let conn = Connection::open_with_flags(at, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| read_err(path, e))?;
        guard::harden(&conn).map_err(|e| read_err(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(2))
            .map_err(|e| read_err(path, e))?;
        conn.execute_batch("PRAGMA query_only=1;")
            .map_err(|e| read_err(path, e))?;
        let version = verify(&conn, path, SCHEMA_VERSION)?;
        if version < SCHEMA_VERSION {
            // Reading an old file read-only would need the migration; do it on a copy in memory.
            let mut mem = Connection::open_in_memory().map_err(|e| read_err(path, e))?;
            rusqlite::backup::Backup::new(&conn, &mut mem)
                .and_then(|b| b.run_to_completion(256, std::time::Duration::ZERO, None))
                .map_err(|e| read_err(path, e))?;
            run_migrations(&mut mem, version, SCHEMA_VERSION, MIGRATIONS).map_err(|e| {
                StoreError::Migration {
                    path: disp(path),
                    from: version,
                    to: SCHEMA_VERSION,
                    msg: e.cause(),
                    backup: "（未创建：只读打开）".into(),
                }
            })?;
            return Self::finish_read_only(mem, path, lock, None);
        }
        Self::finish_read_only(conn, path, lock, copy)
    }

    fn finish_read_only(
        conn: Connection,
        path: &Path,
        lock: Option<WriterLock>,
        copy: Option<guard::ReadCopy>,
    ) -> Result<Store, StoreError> {
        let wb = load(&conn).map_err(|e| read_err(path, e))?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            wb,
            read_only: true,
            redo_len: 0,
            _lock: lock,
            _copy: copy,
        })
    }
}

/// Looks at the file's first 100 bytes without SQLite: empty, not SQLite, foreign, newer.
fn precheck(path: &Path, supported: i32) -> Result<(), StoreError> {
    use std::io::Read;
    let p = disp(path);
    let mut f = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => StoreError::NotFound { path: p.clone() },
        _ => StoreError::Io {
            path: p.clone(),
            msg: e.to_string(),
        },
    })?;
    let mut head = [0u8; 100];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => {
                return Err(StoreError::Io {
                    path: p,
                    msg: e.to_string(),
                })
            }
        }
    }
    if n == 0 {
        return Err(StoreError::Empty { path: p });
    }
    if n < 100 || &head[..16] != b"SQLite format 3\0" {
        return Err(StoreError::NotSqlite { path: p });
    }
    let be = |o: usize| i32::from_be_bytes([head[o], head[o + 1], head[o + 2], head[o + 3]]);
    if be(68) != APPLICATION_ID {
        return Err(StoreError::Foreign { path: p });
    }
    if be(60) > supported {
        return Err(StoreError::Newer {
            path: p,
            found: be(60),
            supported,
        });
    }
    Ok(())
}

/// Checks identity, version and integrity through SQLite (sees committed WAL content too).
fn verify(conn: &Connection, path: &Path, supported: i32) -> Result<i32, StoreError> {
    let p = disp(path);
    let app: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| read_err(path, e))?;
    if app != APPLICATION_ID {
        return Err(StoreError::Foreign { path: p });
    }
    let version: i32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| read_err(path, e))?;
    if version > supported {
        return Err(StoreError::Newer {
            path: p,
            found: version,
            supported,
        });
    }
    if version < 1 {
        return Err(StoreError::Foreign { path: p });
    }
    let check: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(|e| read_err(path, e))?;
    if check != "ok" {
        // SQLite's own words ("Tree 6 page 6 cell 0 …") mean nothing to the user.
        return Err(StoreError::Corrupt {
            path: p,
            detail: "内部结构校验未通过".into(),
        });
    }
    if let Some(what) = guard::foreign_object(conn).map_err(|e| read_err(path, e))? {
        return Err(StoreError::Tampered { path: p, what });
    }
    Ok(version)
}

/// Copies the file aside, then runs the migrations, all in one transaction.
fn migrate(
    conn: &mut Connection,
    path: &Path,
    from: i32,
    target: i32,
    migrations: &[Migration],
) -> Result<(), StoreError> {
    let mut n = 0;
    let backup = loop {
        let mut name = path.as_os_str().to_owned();
        name.push(if n == 0 {
            format!(".v{from}.bak")
        } else {
            format!(".v{from}.{n}.bak")
        });
        let b = PathBuf::from(name);
        if !b.exists() {
            break b;
        }
        n += 1;
    };
    let fail = |msg: String| StoreError::Migration {
        path: disp(path),
        from,
        to: target,
        msg,
        backup: disp(&backup),
    };
    let b = backup
        .to_str()
        .ok_or_else(|| fail("备份路径含无法识别的字符".into()))?;
    conn.execute("VACUUM INTO ?1", [b])
        .map_err(|e| fail(format!("无法创建升级前副本：{e}")))?;
    run_migrations(conn, from, target, migrations).map_err(|e| fail(e.to_string()))
}

fn run_migrations(
    conn: &mut Connection,
    from: i32,
    target: i32,
    migrations: &[Migration],
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    let mut v = from;
    while v < target {
        let Some(m) = migrations.iter().find(|m| m.from == v) else {
            return Err(other(format!("缺少从第 {v} 版升级的步骤")));
        };
        (m.apply)(&tx)?;
        v += 1;
    }
    tx.pragma_update(None, "user_version", v)?;
    tx.commit()
}
