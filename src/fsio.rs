//! Writing files so that a failure never damages what was there: every export goes to a temporary
//! file in the target's folder, is flushed to disk, and is renamed over the target only when
//! complete. On any failure the old file is untouched and no partial or empty file remains.
//! I/O failures are told in plain Chinese by their cause (disk full, no permission, read-only,
//! missing folder, in use), each with what to do.

use std::fs::{File, OpenOptions};
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

/// A failed write, with the cause in words a user can act on.
#[derive(Debug, thiserror::Error)]
#[error("无法写入「{path}」：{cause}")]
pub struct WriteError {
    pub path: String,
    pub cause: String,
}

/// The cause of an I/O failure in plain Chinese, with what to do.
pub fn cause(e: &io::Error) -> String {
    match e.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded | ErrorKind::FileTooLarge => {
            "磁盘空间已满。请清理磁盘或换一个位置保存；原有文件没有改动".into()
        }
        ErrorKind::PermissionDenied => {
            "没有写入权限（文件或文件夹只读，或属于其他用户）。请换一个文件夹，或取消文件的只读属性"
                .into()
        }
        ErrorKind::ReadOnlyFilesystem => {
            "所在磁盘是只读的（如光盘或写保护的 U 盘）。请换一个位置保存".into()
        }
        ErrorKind::NotFound => "文件夹不存在。请先建立文件夹，或换一个位置".into(),
        ErrorKind::IsADirectory => "这是一个文件夹的名字，请另起一个文件名".into(),
        ErrorKind::ResourceBusy | ErrorKind::ExecutableFileBusy => {
            "文件正被其他程序使用（如在 Excel 或 PDF 阅读器中打开着）。请关闭后再试".into()
        }
        ErrorKind::InvalidFilename => "文件名不合规（含有系统不允许的字符或过长）".into(),
        _ => match e.raw_os_error() {
            // Windows: ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION.
            Some(32) | Some(33) if cfg!(windows) => {
                "文件正被其他程序使用（如在 Excel 或 PDF 阅读器中打开着）。请关闭后再试".into()
            }
            _ => format!("写入失败（系统错误代码 {}）", e.raw_os_error().unwrap_or(0)),
        },
    }
}

fn temp_path(target: &Path, n: u32) -> PathBuf {
    let name = target
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = format!(".{name}.{}-{n}.gongkai-tmp", std::process::id());
    target.with_file_name(tmp)
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, flushed, renamed).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// [`write_atomic`] with the content produced by `fill` into the open temporary file.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), WriteError> {
    let fail = |e: &io::Error| WriteError {
        path: path.display().to_string(),
        cause: cause(e),
    };
    if path.is_dir() {
        return Err(fail(&io::Error::from(ErrorKind::IsADirectory)));
    }
    let mut n = 0;
    let (tmp, mut file) = loop {
        let tmp = temp_path(path, n);
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(fail(&e)),
        }
    };
    let written = fill(&mut file)
        .and_then(|()| file.flush())
        .and_then(|()| file.sync_all());
    drop(file);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(&e));
    }
    // Keep the target's permissions when replacing it (a read-only target stays refused).
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.permissions().readonly() {
            let _ = std::fs::remove_file(&tmp);
            return Err(fail(&io::Error::from(ErrorKind::PermissionDenied)));
        }
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(&e));
    }
    sync_dir(path);
    Ok(())
}

/// Flushes the folder entry of a renamed file (a crash right after the rename keeps it).
#[cfg(unix)]
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

#[cfg(not(unix))]
fn sync_dir(_path: &Path) {}

/// Removes temporary files that an earlier, killed run left next to `target`
/// (`.NAME.PID-N.gongkai-tmp` whose process is gone, and the store's `NAME.tmp-PID`).
pub fn sweep_stale_temps(target: &Path) {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let name = name.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mine = std::process::id();
    for e in entries.flatten() {
        let f = e.file_name().to_string_lossy().into_owned();
        let pid = if let Some(rest) = f
            .strip_prefix(&format!(".{name}."))
            .and_then(|r| r.strip_suffix(".gongkai-tmp"))
        {
            rest.split('-').next().and_then(|p| p.parse::<u32>().ok())
        } else if let Some(rest) = f.strip_prefix(&format!("{name}.tmp-")) {
            rest.parse::<u32>().ok()
        } else {
            None
        };
        if let Some(pid) = pid {
            if pid != mine && !process_alive(pid) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Elsewhere a temporary file still open by a live process cannot be removed (Windows) or is
/// left alone: only files older than a day are taken as stale.
#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("gongkai 写入 {tag} {}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn leftovers(d: &Path) -> Vec<String> {
        std::fs::read_dir(d)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("gongkai-tmp"))
            .collect()
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_nothing() {
        let d = dir("失败");
        let p = d.join("单位 2024.pdf");
        write_atomic(&p, b"old").unwrap();
        let e = write_atomic_with(&p, |f| {
            f.write_all(b"partial")?;
            Err(io::Error::from(ErrorKind::StorageFull))
        })
        .unwrap_err();
        assert!(e.to_string().contains("磁盘空间已满"), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert!(leftovers(&d).is_empty());
        // A new file that fails leaves no 0-byte file.
        let q = d.join("新.pdf");
        assert!(write_atomic_with(&q, |_| Err(io::Error::from(ErrorKind::StorageFull))).is_err());
        assert!(!q.exists());
        write_atomic(&q, b"new").unwrap();
        assert_eq!(std::fs::read(&q).unwrap(), b"new");
        // A missing folder is named as such.
        let e = write_atomic(&d.join("无此文件夹").join("x.pdf"), b"x").unwrap_err();
        assert!(e.cause.contains("文件夹不存在"), "{e}");
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_swept() {
        let d = dir("残留");
        let p = d.join("a.gkw");
        let dead = d.join(".a.gkw.999999999-0.gongkai-tmp");
        let store_tmp = d.join("a.gkw.tmp-999999998");
        std::fs::write(&dead, b"x").unwrap();
        std::fs::write(&store_tmp, b"x").unwrap();
        let live = d.join(format!(".a.gkw.{}-0.gongkai-tmp", std::process::id()));
        std::fs::write(&live, b"x").unwrap();
        sweep_stale_temps(&p);
        assert!(!dead.exists() && !store_tmp.exists());
        assert!(live.exists());
    }
}
