//! The registry: every template set and code list, from the embedded assets or a folder.

use super::load::{load_code_list, load_set, TemplateError};
use super::{CodeList, TemplateSet};
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the program reads at run time, by folder of assets/ (icons, desktop files and the licence
/// there are for packages only and stay out of the binary).
static ASSETS: [(&str, Dir<'static>); 7] = [
    (
        "templates",
        include_dir!("$CARGO_MANIFEST_DIR/assets/templates"),
    ),
    ("codes", include_dir!("$CARGO_MANIFEST_DIR/assets/codes")),
    ("forms", include_dir!("$CARGO_MANIFEST_DIR/assets/forms")),
    (
        "profiles",
        include_dir!("$CARGO_MANIFEST_DIR/assets/profiles"),
    ),
    (
        "narrative",
        include_dir!("$CARGO_MANIFEST_DIR/assets/narrative"),
    ),
    (
        "samples",
        include_dir!("$CARGO_MANIFEST_DIR/assets/samples"),
    ),
    ("fonts", include_dir!("$CARGO_MANIFEST_DIR/assets/fonts")),
];

/// An embedded file by its path under assets/ ("fonts/NotoSansSC-Regular-subset.otf").
fn asset(path: &str) -> Option<&'static include_dir::File<'static>> {
    let (top, rest) = path.split_once('/')?;
    ASSETS
        .iter()
        .find(|(name, _)| *name == top)
        .and_then(|(_, d)| d.get_file(rest))
}

/// All template sets and code lists known to the application.
#[derive(Debug, Clone)]
pub struct Registry {
    pub sets: Vec<TemplateSet>,
    pub code_lists: Vec<CodeList>,
    /// 绩效 form templates (forms/*.toml) and rubric profiles (profiles/*.toml).
    pub forms: Vec<super::forms::FormTemplate>,
    pub profiles: Vec<super::forms::Profile>,
    /// 绩效 rule catalogue (forms/rules.toml): id → (title, severity).
    pub perf_rules: super::forms::RuleBook,
    /// 情况说明 templates (narrative/*.toml) and their rule catalogue (narrative/rules.toml).
    pub narratives: Vec<super::narrative::NarrativeTemplate>,
    pub narrative_rules: super::forms::RuleBook,
}

/// The built-in sets and the user's packs.
pub struct Installed {
    /// None: no pack was found, the built-in registry serves.
    pub reg: Option<Registry>,
    /// The sets that came from packs, with their folder.
    pub packs: Vec<PackSet>,
    /// Packs left out, each with why (file and place named).
    pub problems: Vec<String>,
}

/// A set loaded from a template pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackSet {
    pub id: String,
    pub dir: PathBuf,
}

/// The user's pack folder: `模板` in the data folder (`~/.local/share/Gongkai/模板`).
pub fn user_pack_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("Gongkai")
        .join("模板")
}

/// Where packs are looked for: GONGKAI_TEMPLATES (folders separated as in PATH) when set, else
/// the user's pack folder.
pub fn pack_dirs() -> Vec<PathBuf> {
    match std::env::var_os("GONGKAI_TEMPLATES") {
        Some(v) => std::env::split_paths(&v).collect(),
        None => vec![user_pack_dir()],
    }
}

/// The files a registry is loaded from: relative path ("templates/x/set.toml") → text.
pub type Files = BTreeMap<String, String>;

impl Registry {
    /// The registry compiled into the binary (assets/). Panics only if the shipped assets are
    /// broken, which the contract test rules out.
    pub fn builtin() -> &'static Registry {
        static REG: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
        REG.get_or_init(|| match Registry::from_files(&embedded_files()) {
            Ok(r) => r,
            Err(e) => panic!("内置模板有误：{e}"),
        })
    }

    /// The built-in sets and the user's template packs (the data folder's 模板/, or the folders
    /// of GONGKAI_TEMPLATES): what the window and the command line use. A pack that does not
    /// load is left out and its error kept ([`Installed::problems`]).
    pub fn installed() -> &'static Registry {
        Self::installed_packs()
            .reg
            .as_ref()
            .unwrap_or_else(|| Registry::builtin())
    }

    /// [`Registry::installed`] with the packs it took and the ones it left out.
    pub fn installed_packs() -> &'static Installed {
        static REG: std::sync::OnceLock<Installed> = std::sync::OnceLock::new();
        REG.get_or_init(|| Registry::with_packs(&pack_dirs()))
    }

    /// The built-in sets plus the packs under `dirs`. A pack is a folder of set folders
    /// (`<id>/set.toml` and its table files, which may name built-in files by relative path:
    /// `../shanxi-juesuan-2024/02.toml`), and may hold `codes/*.toml`. Each set is validated as
    /// the built-in ones are; one that fails is left out with the message naming file and cell.
    pub fn with_packs(dirs: &[PathBuf]) -> Installed {
        let mut files = embedded_files();
        let mut packs = Vec::new();
        let mut problems = Vec::new();
        // No pack at all: the built-in registry serves (loaded once).
        let any = dirs.iter().any(|d| {
            std::fs::read_dir(d).is_ok_and(|mut e| {
                e.any(|x| {
                    x.is_ok_and(|x| x.path().join("set.toml").is_file() || x.file_name() == "codes")
                })
            })
        });
        if !any {
            return Installed {
                reg: None,
                packs,
                problems,
            };
        }
        let mut reg = match Registry::from_files(&files) {
            Ok(r) => r,
            Err(e) => panic!("内置模板有误：{e}"),
        };
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut subs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            subs.sort();
            // Code lists first: the sets may name them.
            let codes = dir.join("codes");
            if codes.is_dir() {
                let mut c = Files::new();
                match collect_dir(dir, &codes, &mut c) {
                    Ok(()) => {
                        let mut trial = files.clone();
                        for (k, v) in c {
                            if trial.contains_key(&k) {
                                problems.push(format!(
                                    "模板包 {}：{k} 与内置科目表同名，未载入",
                                    dir.display()
                                ));
                                continue;
                            }
                            trial.insert(k, v);
                        }
                        match Registry::from_files(&trial) {
                            Ok(r) => {
                                files = trial;
                                reg = r;
                            }
                            Err(e) => problems.push(format!("模板包 {}：{e}", dir.display())),
                        }
                    }
                    Err(e) => problems.push(format!("模板包 {}：{e}", dir.display())),
                }
            }
            for sub in subs.iter().filter(|p| p.join("set.toml").is_file()) {
                let name = sub
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let prefix = format!("templates/{name}/");
                if files.keys().any(|k| k.starts_with(&prefix)) {
                    problems.push(format!(
                        "模板包 {}：文件夹名「{name}」与已有模板集相同，未载入",
                        sub.display()
                    ));
                    continue;
                }
                let mut own = Files::new();
                if let Err(e) = collect_dir(sub, sub, &mut own) {
                    problems.push(format!("模板包 {}：{e}", sub.display()));
                    continue;
                }
                let mut trial = files.clone();
                for (k, v) in own {
                    trial.insert(format!("{prefix}{k}"), v);
                }
                match Registry::from_files(&trial) {
                    Ok(r) => {
                        let before: Vec<&str> = reg.sets.iter().map(|s| s.id.as_str()).collect();
                        let added: Vec<String> = r
                            .sets
                            .iter()
                            .filter(|s| !before.contains(&s.id.as_str()))
                            .map(|s| s.id.clone())
                            .collect();
                        for id in added {
                            packs.push(PackSet {
                                id,
                                dir: sub.clone(),
                            });
                        }
                        files = trial;
                        reg = r;
                    }
                    Err(e) => problems.push(format!("模板包 {} 未载入：{e}", sub.display())),
                }
            }
        }
        Installed {
            reg: Some(reg),
            packs,
            problems,
        }
    }

    /// The registry of an [`Installed`] (the built-in one when no pack was found).
    pub fn of(i: &Installed) -> &Registry {
        i.reg.as_ref().unwrap_or_else(|| Registry::builtin())
    }

    /// Loads from a folder laid out like assets/ (templates/*/set.toml, codes/*.toml).
    pub fn from_dir(dir: &Path) -> Result<Registry, TemplateError> {
        let mut files = Files::new();
        collect_dir(dir, dir, &mut files)?;
        Registry::from_files(&files)
    }

    pub fn from_files(files: &Files) -> Result<Registry, TemplateError> {
        let mut code_lists = Vec::new();
        for (path, text) in files.range("codes/".to_string()..) {
            if !path.starts_with("codes/") {
                break;
            }
            if path.ends_with(".toml") {
                code_lists.push(load_code_list(path, text)?);
            }
        }
        let mut sets = Vec::new();
        for path in files.keys() {
            if path.starts_with("templates/") && path.ends_with("/set.toml") {
                sets.push(load_set(path, files, &code_lists)?);
            }
        }
        let mut forms = Vec::new();
        let mut profiles = Vec::new();
        let mut perf_rules = Default::default();
        let mut narratives = Vec::new();
        let mut narrative_rules = Default::default();
        for (path, text) in files {
            if path == "narrative/rules.toml" {
                narrative_rules = crate::template::forms::load_rule_book(
                    path,
                    text,
                    crate::template::narrative::NARRATIVE_RULES,
                )?;
            } else if path.starts_with("narrative/") && path.ends_with(".toml") {
                narratives.push(crate::template::narrative::load_narrative(path, text)?);
            } else if path == "forms/rules.toml" {
                perf_rules = crate::template::forms::load_rules(path, text)?;
            } else if path.starts_with("forms/") && path.ends_with(".toml") {
                forms.push(crate::template::forms::load_form(path, text)?);
            } else if path.starts_with("profiles/") && path.ends_with(".toml") {
                profiles.push(crate::template::forms::load_profile(path, text)?);
            }
        }
        for (kind, ids) in [
            (
                "表单模板",
                forms.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            ),
            ("评分口径", profiles.iter().map(|p| p.id.as_str()).collect()),
        ] {
            let mut seen = std::collections::HashSet::new();
            for id in ids {
                if !seen.insert(id) {
                    return Err(TemplateError::new(
                        "forms/",
                        format!("{kind} id「{id}」重复"),
                    ));
                }
            }
        }
        for f in &forms {
            if !f.profile.is_empty() && !profiles.iter().any(|p| p.id == f.profile) {
                return Err(TemplateError::new(
                    &format!("forms/{}.toml", f.id),
                    format!("默认评分口径「{}」未定义", f.profile),
                ));
            }
        }
        if !narratives.is_empty() && narrative_rules.is_empty() {
            return Err(TemplateError::new("narrative/rules.toml", "文件不存在"));
        }
        for n in &narratives {
            for other in &narratives {
                if !std::ptr::eq(n, other) && n.sets.iter().any(|s| other.sets.contains(s)) {
                    return Err(TemplateError::new(
                        &format!("narrative/{}.toml", n.id),
                        format!("模板集已有情况说明模板「{}」", other.id),
                    ));
                }
            }
        }
        if !forms.is_empty() && perf_rules.is_empty() {
            return Err(TemplateError::new("forms/rules.toml", "文件不存在"));
        }
        let mut seen = std::collections::HashSet::new();
        for s in &sets {
            if !seen.insert(s.id.clone()) {
                return Err(TemplateError::new(
                    "templates/",
                    format!("模板集 id「{}」重复", s.id),
                ));
            }
        }
        Ok(Registry {
            sets,
            code_lists,
            forms,
            profiles,
            perf_rules,
            narratives,
            narrative_rules,
        })
    }

    pub fn set(&self, id: &str) -> Option<&TemplateSet> {
        self.sets.iter().find(|s| s.id == id)
    }

    pub fn form(&self, id: &str) -> Option<&super::forms::FormTemplate> {
        self.forms.iter().find(|f| f.id == id)
    }

    pub fn profile(&self, id: &str) -> Option<&super::forms::Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    pub fn code_list(&self, id: &str) -> Option<&CodeList> {
        self.code_lists.iter().find(|c| c.id == id)
    }
}

/// The embedded assets as a file map (templates and code lists only).
pub fn embedded_files() -> Files {
    let mut files = Files::new();
    fn walk(top: &str, d: &Dir<'static>, out: &mut Files) {
        for f in d.files() {
            let p = format!("{top}/{}", f.path().to_string_lossy().replace('\\', "/"));
            if p.ends_with(".toml") {
                if let Some(t) = f.contents_utf8() {
                    out.insert(p, t.to_string());
                }
            }
        }
        for sub in d.dirs() {
            walk(top, sub, out);
        }
    }
    for (top, d) in ASSETS.iter() {
        if ["templates", "codes", "forms", "profiles", "narrative"].contains(top) {
            walk(top, d, &mut files);
        }
    }
    files
}

/// A file embedded under assets/ (samples), by relative path.
pub fn embedded_asset(path: &str) -> Option<&'static str> {
    asset(path).and_then(|f| f.contents_utf8())
}

fn collect_dir(root: &Path, dir: &Path, out: &mut Files) -> Result<(), TemplateError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        TemplateError::new(&dir.display().to_string(), format!("无法读取目录：{e}"))
    })?;
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect_dir(root, &p, out)?;
        } else if p.extension().is_some_and(|e| e == "toml") {
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p)
                .map_err(|e| TemplateError::new(&rel, format!("无法读取文件：{e}")))?;
            out.insert(rel, text);
        }
    }
    Ok(())
}

/// A binary file embedded under assets/ (fonts), by relative path.
pub fn embedded_bytes(path: &str) -> Option<&'static [u8]> {
    asset(path).map(|f| f.contents())
}
