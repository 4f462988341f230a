//! `gongkai templates [new|diff]`: the sets installed (built-in and packs), a new pack made from
//! a set, and what changed between two sets.

use crate::template::registry::{user_pack_dir, Installed};
use crate::template::{join_path, Registry};
use std::path::PathBuf;

#[derive(clap::Subcommand, Debug)]
pub enum TemplatesCmd {
    /// 以已有模板集为底新建模板包（未改动的表引用原文件，复制到包中即可修改）
    New {
        /// 作底的模板集（gongkai templates 列出）
        #[arg(long)]
        from: String,
        /// 新模板集的 id，如 shanxi-juesuan-2025
        #[arg(long)]
        id: String,
        /// 年度
        #[arg(long)]
        year: i32,
        /// 地区（默认同作底的模板集）
        #[arg(long)]
        region: Option<String>,
        /// 名称（默认按地区、年度生成）
        #[arg(long)]
        name: Option<String>,
        /// 模板包文件夹（默认：数据文件夹的 模板/）
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// 比较两个模板集：表、行、栏、注、审核和科目名称的变化；--workbook 再列出对该工作簿的影响
    Diff {
        a: String,
        b: String,
        /// 列出把这个工作簿改用 B 时的影响（哪些数没有位置、哪些科目改名）
        #[arg(long, value_name = "FILE")]
        workbook: Option<PathBuf>,
    },
}

pub(super) fn templates_list(inst: &Installed, out: &mut dyn std::io::Write) {
    let reg = Registry::of(inst);
    for s in &reg.sets {
        let origin = match inst.packs.iter().find(|p| p.id == s.id) {
            Some(p) => format!("模板包 {}", p.dir.display()),
            None => "内置".to_string(),
        };
        let _ = writeln!(
            out,
            "{}  {}（{}，{}年度，{} 张表；{origin}）",
            s.id,
            s.name,
            s.region,
            s.year,
            s.tables.len()
        );
        if !s.source.is_empty() {
            let _ = writeln!(out, "    来源：{}", s.source);
        }
        if !s.based_on.is_empty() {
            let _ = writeln!(out, "    由「{}」新建", s.based_on);
        }
        for t in &s.tables {
            let _ = writeln!(out, "    {} {}", t.label, t.title);
        }
    }
    for p in &inst.problems {
        let _ = writeln!(out, "未载入：{p}");
    }
}

/// "templates/a/x.toml" relative to a set folder beside it: "../a/x.toml".
fn beside(virtual_path: &str) -> String {
    virtual_path
        .strip_prefix("templates/")
        .map(|r| format!("../{r}"))
        .unwrap_or_else(|| virtual_path.to_string())
}

/// The text of a set's set.toml: built in, or in its pack.
fn set_text(inst: &Installed, id: &str, file: &str) -> Option<String> {
    if let Some(p) = inst.packs.iter().find(|p| p.id == id) {
        return std::fs::read_to_string(p.dir.join("set.toml")).ok();
    }
    crate::template::registry::embedded_asset(file).map(String::from)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn templates_new(
    inst: &Installed,
    from: &str,
    id: &str,
    year: i32,
    region: Option<String>,
    name: Option<String>,
    dir: Option<PathBuf>,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    let fail = |err: &mut dyn std::io::Write, e: String| {
        let _ = writeln!(err, "无法新建模板包：{e}");
        2
    };
    let reg = Registry::of(inst);
    let Some(src) = reg.set(from) else {
        return fail(
            err,
            format!("没有模板集「{from}」（gongkai templates 列出已有的）"),
        );
    };
    let ok_id = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok_id {
        return fail(err, format!("id「{id}」只能由字母、数字、- 和 _ 组成"));
    }
    if reg.set(id).is_some() {
        return fail(err, format!("模板集「{id}」已存在"));
    }
    let Some(text) = set_text(inst, from, &src.file) else {
        return fail(err, format!("读不到「{from}」的 set.toml"));
    };
    let mut v: toml::Table = match toml::from_str(&text) {
        Ok(v) => v,
        Err(e) => return fail(err, format!("「{from}」的 set.toml 无法读取：{e}")),
    };
    // Every file the set names, from the new folder beside it.
    let tables: Vec<toml::Value> = v
        .get("tables")
        .and_then(|t| t.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str())
                .map(|rel| toml::Value::String(beside(&join_path(&src.file, rel))))
                .collect()
        })
        .unwrap_or_default();
    let rules = v
        .get("rules")
        .and_then(|r| r.as_str())
        .map(|r| beside(&join_path(&src.file, r)))
        .unwrap_or_default();
    let region = region.unwrap_or_else(|| src.region.clone());
    let name = name.unwrap_or_else(|| {
        // 「山西省部门决算公开表（2024年度）」 → the same with the new year.
        src.name.replace(&src.year.to_string(), &year.to_string())
    });
    v.insert("id".into(), id.into());
    v.insert("name".into(), name.clone().into());
    v.insert("region".into(), region.into());
    v.insert("year".into(), i64::from(year).into());
    v.insert("tables".into(), toml::Value::Array(tables));
    v.insert("rules".into(), rules.into());
    v.insert("based_on".into(), from.into());
    v.insert("source".into(), "".into());
    let body = match toml::to_string(&v) {
        Ok(b) => b,
        Err(e) => return fail(err, e.to_string()),
    };
    let pack = dir.unwrap_or_else(user_pack_dir);
    let folder = pack.join(id);
    if folder.exists() {
        return fail(err, format!("「{}」已存在", folder.display()));
    }
    let header = format!(
        "# 模板包「{id}」：由「{from}」新建（gongkai templates new）。\n\
         # 未改动的表引用「{from}」的文件。要改一张表：把那个文件复制到本文件夹，改好，再把下面\n\
         # tables 里对应的一项改为本文件夹里的文件名（如 \"01.toml\"）。source 写上依据（文件、网址）。\n\
         # gongkai templates 检查并列出它；gongkai templates diff {from} {id} 列出改了什么。\n\n"
    );
    if let Err(e) = std::fs::create_dir_all(&folder)
        .and_then(|_| std::fs::write(folder.join("set.toml"), format!("{header}{body}")))
    {
        return fail(err, format!("无法写入「{}」：{e}", folder.display()));
    }
    // Loaded as the app will load it: refused (and removed) if it does not validate.
    let check = Registry::with_packs(std::slice::from_ref(&pack));
    if Registry::of(&check).set(id).is_none() {
        let _ = std::fs::remove_dir_all(&folder);
        let why = check.problems.join("；");
        return fail(err, format!("新模板集未通过检查：{why}"));
    }
    let _ = writeln!(
        out,
        "已新建模板包「{id}」（{name}）：{}\n各表引用「{from}」的文件；要修改的表复制到该文件夹后修改。",
        folder.display()
    );
    0
}

pub(super) fn templates_diff(
    reg: &Registry,
    a: &str,
    b: &str,
    workbook: Option<&std::path::Path>,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    let (Some(sa), Some(sb)) = (reg.set(a), reg.set(b)) else {
        let _ = writeln!(
            err,
            "没有模板集「{}」",
            if reg.set(a).is_none() { a } else { b }
        );
        return 2;
    };
    let d = crate::template::diff::diff(sa, sb);
    let _ = writeln!(out, "「{}」→「{}」", sa.name, sb.name);
    if d.is_empty() {
        let _ = writeln!(out, "没有变化。");
    }
    for l in &d.tables {
        let _ = writeln!(out, "  {l}");
    }
    if !d.codes.is_empty() {
        let _ = writeln!(out, "科目表：");
        for l in &d.codes {
            let _ = writeln!(out, "  {l}");
        }
    }
    if let Some(f) = workbook {
        let wb = match crate::shells::session::files::read_workbook(f) {
            Ok(w) => w,
            Err(e) => {
                let _ = writeln!(err, "{e}");
                return 2;
            }
        };
        let hit = crate::engine::impact::impact(&wb, sa, sb);
        let _ = writeln!(out, "对「{}」{}年度的影响：", wb.unit.name, wb.unit.year);
        if hit.is_empty() {
            let _ = writeln!(out, "  没有：每个数在新模板集中都有原来的位置。");
        }
        for l in &hit {
            let _ = writeln!(out, "  {l}");
        }
    }
    0
}
