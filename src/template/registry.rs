//! The registry: every template set and code list, from the embedded assets or a folder.

use super::load::{load_code_list, load_set, TemplateError};
use super::{CodeList, TemplateSet};
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::Path;

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
    pub forms: Vec<crate::perf::FormTemplate>,
    pub profiles: Vec<crate::perf::Profile>,
    /// 绩效 rule catalogue (forms/rules.toml): id → (title, severity).
    pub perf_rules: crate::perf::audit::RuleBook,
    /// 情况说明 templates (narrative/*.toml) and their rule catalogue (narrative/rules.toml).
    pub narratives: Vec<crate::narrative::NarrativeTemplate>,
    pub narrative_rules: crate::perf::audit::RuleBook,
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
                narrative_rules = crate::perf::spec::load_rule_book(
                    path,
                    text,
                    crate::narrative::spec::NARRATIVE_RULES,
                )?;
            } else if path.starts_with("narrative/") && path.ends_with(".toml") {
                narratives.push(crate::narrative::spec::load_narrative(path, text)?);
            } else if path == "forms/rules.toml" {
                perf_rules = crate::perf::spec::load_rules(path, text)?;
            } else if path.starts_with("forms/") && path.ends_with(".toml") {
                forms.push(crate::perf::spec::load_form(path, text)?);
            } else if path.starts_with("profiles/") && path.ends_with(".toml") {
                profiles.push(crate::perf::spec::load_profile(path, text)?);
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

    pub fn form(&self, id: &str) -> Option<&crate::perf::FormTemplate> {
        self.forms.iter().find(|f| f.id == id)
    }

    pub fn profile(&self, id: &str) -> Option<&crate::perf::Profile> {
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
