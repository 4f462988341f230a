//! What a user does with workbook files, shared by the window and the command line: where
//! workbooks live and what they are called, creating a unit's workbook (with figures carried
//! forward only from a workbook the user names), the bundled samples (read-only, marked 样例)
//! and the recent-files list. The window's start page and 新建 and `gongkai new` all call this.

pub mod dept;
pub mod files;
pub mod live;
pub use live::Session;
pub mod recent;

use crate::engine::{UnitMeta, Workbook};
use crate::shells::store::{Store, StoreError};
use crate::template::{Registry, TemplateSet};
use std::path::{Path, PathBuf};

/// The workbook file extension (a SQLite database inside: docs/workbook-file.md).
pub const EXT: &str = "gongkai";

/// Whether a file name's extension is a workbook's (ours, or the .sqlite of earlier versions).
pub fn is_workbook_ext(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), EXT | "sqlite" | "sqlite3" | "db")
}

/// Where new workbooks go unless the user picks another folder: a visible 文档/Gongkai
/// (the home folder's Gongkai when the system has no documents folder).
pub fn documents_folder() -> PathBuf {
    dirs::document_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("Gongkai")
}

/// The program's own data (recent list, samples): the per-user data folder.
pub fn data_folder() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("Gongkai")
}

/// A unit name made safe as part of a file name (the characters Windows refuses become _).
pub fn safe_name(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// 「单位-2024年度-决算.gongkai」.
pub fn default_file_name(unit: &str, year: i32, what: &str) -> String {
    let unit = safe_name(unit);
    let unit = if unit.is_empty() {
        "新单位".to_string()
    } else {
        unit
    };
    format!("{unit}-{year}年度-{what}.{EXT}")
}

/// What a new workbook is for. 绩效自评 workbooks hold the 自评表 of a 决算 year, so they use
/// the 决算 template set (its tables may stay empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Juesuan,
    Yusuan,
    Jixiao,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Juesuan, Kind::Yusuan, Kind::Jixiao];

    /// As shown on the start page.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Juesuan => "决算公开",
            Kind::Yusuan => "预算公开",
            Kind::Jixiao => "绩效自评",
        }
    }

    /// In file names.
    pub fn short(self) -> &'static str {
        match self {
            Kind::Juesuan => "决算",
            Kind::Yusuan => "预算",
            Kind::Jixiao => "绩效",
        }
    }

    /// The template family it uses.
    pub fn family(self) -> &'static str {
        match self {
            Kind::Yusuan => "预算",
            _ => "决算",
        }
    }

    /// The kind of an existing workbook: its set's family, 绩效 when it holds forms only.
    pub fn of(set: &TemplateSet, wb: &Workbook) -> Kind {
        if set.family == "预算" {
            Kind::Yusuan
        } else if wb.tables.is_empty() && !wb.records.is_empty() {
            Kind::Jixiao
        } else {
            Kind::Juesuan
        }
    }
}

/// The template sets a new `kind` workbook for `year` may use, the best first: that year's,
/// then earlier ones (templates change rarely), newest first.
pub fn sets_for(reg: &Registry, kind: Kind, year: i32) -> Vec<&TemplateSet> {
    let mut v: Vec<&TemplateSet> = reg
        .sets
        .iter()
        .filter(|s| s.family == kind.family() && s.year <= year)
        .collect();
    v.sort_by_key(|s| std::cmp::Reverse(s.year));
    v
}

/// The newest set of `kind` for `year` (or before), of `region` when one is.
pub fn pick_in_region<'r>(
    reg: &'r Registry,
    kind: Kind,
    year: i32,
    region: Option<&str>,
) -> Option<&'r TemplateSet> {
    let all = sets_for(reg, kind, year);
    region
        .and_then(|r| all.iter().find(|s| s.region == r).copied())
        .or_else(|| all.first().copied())
}

/// The set named, else the best of [`sets_for`]; the error names what is installed.
pub fn pick_set<'r>(
    reg: &'r Registry,
    kind: Kind,
    year: i32,
    set: Option<&str>,
) -> Result<&'r TemplateSet, String> {
    let known = || {
        reg.sets
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    if let Some(id) = set.filter(|s| !s.trim().is_empty()) {
        return reg
            .set(id.trim())
            .ok_or_else(|| format!("找不到模板集「{id}」（已安装：{}）", known()));
    }
    pick_in_region(reg, kind, year, None).ok_or_else(|| {
        format!(
            "没有 {year} 年度或更早的{}模板集（已安装：{}）",
            kind.family(),
            known()
        )
    })
}

/// A workbook the user named to carry figures forward from, as read before creating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    pub unit: String,
    pub year: i32,
    pub set: String,
    pub family: String,
}

/// Reads what `path` is (unit, year, set) without changing it.
pub fn read_source(reg: &Registry, path: &Path) -> Result<Source, String> {
    let wb = crate::shells::session::files::read_workbook(path).map_err(|e| e.to_string())?;
    let family = reg
        .set(&wb.template_set)
        .map(|s| s.family.clone())
        .unwrap_or_default();
    Ok(Source {
        path: path.to_path_buf(),
        unit: wb.unit.name,
        year: wb.unit.year,
        set: wb.template_set,
        family,
    })
}

/// A new workbook, as asked for.
#[derive(Debug, Clone)]
pub struct NewSpec {
    pub unit: String,
    pub year: i32,
    pub kind: Kind,
    /// A template set id; None: the best for `kind` and `year`.
    pub set: Option<String>,
    /// Region profile; None: the set's region.
    pub profile: Option<String>,
    /// Carry this workbook's figures (as 上年数) and texts (用途…) forward.
    pub from: Option<PathBuf>,
    /// The user confirmed carrying forward from a workbook of another unit.
    pub other_unit_confirmed: bool,
    /// A 部门 workbook: its tables are summed from the units it will list (docs/dept.md).
    pub dept: bool,
}

/// What [`create`] made.
pub struct Created {
    pub store: Store,
    pub set: String,
    /// 情况说明 inputs carried forward.
    pub carried: usize,
    pub from: Option<Source>,
}

/// Why `from` may not be carried into `spec` (None: it may). Shown before creating.
pub fn carry_problem(spec: &NewSpec, from: &Source) -> Option<String> {
    if from.family != spec.kind.family() {
        return Some(format!(
            "「{}」是{}工作簿，不能带入新的{}工作簿",
            from.path.display(),
            from.family,
            spec.kind.family()
        ));
    }
    if from.year >= spec.year {
        return Some(format!(
            "「{}」是 {} 年度的，不早于新工作簿的 {} 年度",
            from.path.display(),
            from.year,
            spec.year
        ));
    }
    if from.unit.trim() != spec.unit.trim() && !spec.other_unit_confirmed {
        return Some(format!(
            "沿用的数据来自另一个单位「{}」（{}年度），与新工作簿的单位「{}」不同：请确认后再新建，或不沿用",
            from.unit,
            from.year,
            spec.unit.trim()
        ));
    }
    None
}

/// Creates the workbook file at `path` (never over an existing file).
pub fn create(reg: &Registry, path: &Path, spec: &NewSpec) -> Result<Created, String> {
    let unit = spec.unit.trim();
    if unit.is_empty() {
        return Err("请填写单位名称".into());
    }
    if !(1990..=2100).contains(&spec.year) {
        return Err(format!("年度「{}」不在 1990–2100 之间", spec.year));
    }
    if path.exists() {
        return Err(format!(
            "「{}」已存在：请换一个文件名，或用“打开”打开它",
            path.display()
        ));
    }
    // The region of the workbook carried forward (or the one asked for) picks among sets of
    // several regions for the year.
    let src = match &spec.from {
        Some(from) => {
            Some(read_source(reg, from).map_err(|e| format!("无法读取沿用的工作簿：{e}"))?)
        }
        None => None,
    };
    let region = spec.profile.clone().or_else(|| {
        let s = src.as_ref()?;
        reg.set(&s.set).map(|s| s.region.clone())
    });
    let set = match (
        spec.set.as_deref().filter(|s| !s.trim().is_empty()),
        region.as_deref(),
    ) {
        (None, Some(r)) => match pick_in_region(reg, spec.kind, spec.year, Some(r)) {
            Some(s) => s,
            None => pick_set(reg, spec.kind, spec.year, None)?,
        },
        (set, _) => pick_set(reg, spec.kind, spec.year, set)?,
    };
    if spec.dept && spec.kind == Kind::Jixiao {
        return Err("部门汇总用于决算公开或预算公开：绩效自评的工作簿由各单位各自填写".into());
    }
    let mut wb = Workbook::new(
        &set.id,
        UnitMeta {
            name: unit.to_string(),
            year: spec.year,
            profile: spec.profile.clone().unwrap_or_else(|| set.region.clone()),
        },
    );
    let mut carried = 0;
    let mut source = None;
    if let (Some(from), Some(src)) = (&spec.from, src) {
        if let Some(p) = carry_problem(spec, &src) {
            return Err(p);
        }
        let (last_wb, full) =
            crate::shells::session::files::check_file(reg, from).map_err(|e| e.to_string())?;
        if let Some(n) = crate::engine::narrative::template_for(reg, &set.id) {
            let texts = crate::engine::narrative::carry_over(reg, n, &full.ev.model, &last_wb);
            carried = texts.len();
            wb.texts.extend(texts);
        }
        source = Some(src);
    }
    if spec.dept {
        dept::mark(&mut wb);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            format!(
                "无法建立文件夹「{}」：{}",
                dir.display(),
                crate::fsio::cause(&e)
            )
        })?;
    }
    let store = Store::create(path, &wb).map_err(|e| e.to_string())?;
    Ok(Created {
        store,
        set: set.id.clone(),
        carried,
        from: source,
    })
}

pub use crate::engine::workbook::SAMPLE_KEY;

pub fn is_sample(wb: &Workbook) -> bool {
    wb.is_sample()
}

/// The bundled samples: (what it shows, embedded file, file name).
pub const SAMPLES: [(&str, &str, &str); 3] = [
    (
        "决算公开样例（阳泉市退役军人事务局 2023年度）",
        "samples/juesuan-2023-yangquan.json",
        "样例-决算-阳泉市退役军人事务局-2023年度",
    ),
    (
        "预算公开样例（阳泉 2024年度）",
        "samples/yusuan-2024-yangquan.json",
        "样例-预算-阳泉-2024年度",
    ),
    (
        "绩效自评样例（部门整体支出与项目自评表）",
        "samples/zhengti-2023-lusong.json",
        "样例-绩效自评-2023年度",
    ),
];

/// The sample workbook `i` of [`SAMPLES`] as a file in `folder` (written on first use, marked
/// 样例). Opened read-only by the window.
pub fn sample_file(folder: &Path, i: usize) -> Result<PathBuf, StoreError> {
    let (_, asset, name) = SAMPLES[i.min(SAMPLES.len() - 1)];
    let path = folder.join(format!("{name}.{EXT}"));
    if path.exists() {
        return Ok(path);
    }
    std::fs::create_dir_all(folder).map_err(|e| StoreError::Write {
        path: folder.display().to_string(),
        msg: crate::fsio::cause(&e),
    })?;
    let text = crate::template::registry::embedded_asset(asset).unwrap_or_default();
    let mut wb = crate::interchange::json::from_json(text).map_err(|e| StoreError::Write {
        path: path.display().to_string(),
        msg: format!("内置样例无法读取：{e}"),
    })?;
    wb.texts.insert(
        SAMPLE_KEY.into(),
        "本文件是程序自带的样例，只供查看和练习，不能作为本单位的公开件".into(),
    );
    Store::create(&path, &wb).map(|_| path)
}

/// A version diff in the form's own words, one line per difference: a cell, a text, or — for a
/// 绩效 form — each field, indicator and reviewer that changed (not the record as a whole).
pub fn diff_lines(
    set: Option<&crate::template::TemplateSet>,
    diffs: &[crate::engine::SlotDiff],
) -> Vec<String> {
    diffs
        .iter()
        .flat_map(|d| match &d.slot {
            crate::engine::Slot::Record(id) => {
                crate::engine::perf::changes::describe(id, d.old.as_deref(), d.new.as_deref())
            }
            _ => vec![d.describe(set)],
        })
        .collect()
}
