//! The recent workbooks (start page, 打开…): unit · year · path · last edit. Kept as a small
//! JSON file in the program's data folder; a missing or damaged list is an empty one (it is a
//! convenience, never a reason to refuse to start).

use crate::engine::Workbook;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How many workbooks the list keeps.
pub const KEEP: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub path: PathBuf,
    pub unit: String,
    pub year: i32,
    pub set: String,
    /// Marked 样例 (a bundled sample).
    #[serde(default)]
    pub sample: bool,
}

impl Entry {
    /// The file's last modification, "2026-12-02 14:05" (None: the file is gone).
    pub fn last_edit(&self) -> Option<String> {
        let m = std::fs::metadata(&self.path).ok()?.modified().ok()?;
        let t: chrono::DateTime<chrono::Local> = m.into();
        Some(t.format("%Y-%m-%d %H:%M").to_string())
    }

    pub fn exists(&self) -> bool {
        self.path.is_file()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Recent {
    /// Where the list is kept (None: in memory only, as in tests of the window).
    pub file: Option<PathBuf>,
    pub entries: Vec<Entry>,
}

/// The list's file in the program's data folder.
pub fn default_file() -> PathBuf {
    super::data_folder().join("recent.json")
}

impl Recent {
    /// Reads the list at `file`; an absent or unreadable one is empty.
    pub fn load(file: &Path) -> Recent {
        let entries = std::fs::read(file)
            .ok()
            .filter(|b| b.len() < 1 << 20)
            .and_then(|b| serde_json::from_slice::<Vec<Entry>>(&b).ok())
            .unwrap_or_default();
        Recent {
            file: Some(file.to_path_buf()),
            entries,
        }
    }

    /// Puts `path` first (it was just opened or created). Saving failures are returned as text
    /// for the status line; the list in memory is updated anyway.
    pub fn touch(&mut self, path: &Path, wb: &Workbook) -> Result<(), String> {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.entries.retain(|e| e.path != path);
        self.entries.insert(
            0,
            Entry {
                path,
                unit: wb.unit.name.clone(),
                year: wb.unit.year,
                set: wb.template_set.clone(),
                sample: super::is_sample(wb),
            },
        );
        self.entries.truncate(KEEP);
        self.save()
    }

    /// Removes `path` from the list (移除 on the start page; the file itself is untouched).
    pub fn forget(&mut self, path: &Path) -> Result<(), String> {
        self.entries.retain(|e| e.path != path);
        self.save()
    }

    fn save(&self) -> Result<(), String> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let bytes = serde_json::to_vec_pretty(&self.entries).map_err(|e| e.to_string())?;
        crate::fsio::write_atomic(file, &bytes).map_err(|e| format!("最近打开的列表未能保存：{e}"))
    }

    /// The workbook of `unit` for the year before `year` and of the same family, if the list
    /// knows one that still exists: the default to carry figures forward from.
    pub fn previous_year(
        &self,
        reg: &crate::template::Registry,
        unit: &str,
        year: i32,
        family: &str,
    ) -> Option<&Entry> {
        self.entries.iter().find(|e| {
            !e.sample
                && e.unit.trim() == unit.trim()
                && e.year == year - 1
                && reg.set(&e.set).is_some_and(|s| s.family == family)
                && e.exists()
        })
    }
}
