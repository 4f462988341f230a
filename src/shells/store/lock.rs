//! The writer lock: an OS lock on `FILE-lock` makes one process the workbook's only writer; the
//! kernel releases it if the process dies, and a clean close removes the file.

use super::{disp, StoreError};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The OS lock that makes this process the file's only writer (`FILE-lock`, released by the
/// kernel if the process dies).
pub(super) struct WriterLock {
    /// Always Some while held (taken in Drop to close it before removing on Windows).
    file: Option<File>,
    path: PathBuf,
}

impl WriterLock {
    pub(super) fn acquire(db: &Path) -> Result<WriterLock, StoreError> {
        let mut name = db.as_os_str().to_owned();
        name.push("-lock");
        let path = PathBuf::from(name);
        for _ in 0..3 {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| StoreError::Io {
                    path: disp(&path),
                    msg: e.to_string(),
                })?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked { path: disp(db) })
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(StoreError::Io {
                        path: disp(&path),
                        msg: e.to_string(),
                    })
                }
            }
            // The previous holder may have removed the lock file between our open and lock:
            // then we hold a lock on a deleted file and must retry on the new one.
            if same_file(&file, &path) {
                return Ok(WriterLock {
                    file: Some(file),
                    path,
                });
            }
        }
        Err(StoreError::Locked { path: disp(db) })
    }
}

#[cfg(unix)]
fn same_file(f: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (f.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_f: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for WriterLock {
    #[cfg(unix)]
    fn drop(&mut self) {
        // Remove while still holding the lock; the kernel releases it when the file closes.
        let _ = std::fs::remove_file(&self.path);
        if let Some(f) = self.file.take() {
            let _ = f.unlock();
        }
    }

    /// Windows refuses to delete a file that is open: unlock and close first, then remove (a
    /// second instance that takes the lock in between keeps the file, which is what it needs).
    #[cfg(not(unix))]
    fn drop(&mut self) {
        if let Some(f) = self.file.take() {
            let _ = f.unlock();
        }
        let _ = std::fs::remove_file(&self.path);
    }
}
