//! `gongkai consolidate`: the 部门 workbook from its units, and the units' status board.

use crate::shells::consolidate::{self, Unit};
use crate::shells::session::{dept, Session};
use crate::shells::store::{Change, Store};
use crate::template::{Registry, Severity};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct ConsolidateArgs {
    /// 部门工作簿（.gongkai）
    pub file: PathBuf,
    /// 本级的工作簿
    #[arg(long = "main", value_name = "FILE")]
    pub main: Option<PathBuf>,
    /// 所属单位的工作簿（可多次）
    #[arg(long = "unit", value_name = "FILE")]
    pub units: Vec<PathBuf>,
    /// 新建时的部门名称（默认：本级的单位名称）
    #[arg(long)]
    pub name: Option<String>,
    /// 不参加汇总的单位（单位名称或文件路径，可多次）
    #[arg(long, value_name = "单位")]
    pub exclude: Vec<String>,
    /// 恢复参加汇总的单位（可多次）
    #[arg(long, value_name = "单位")]
    pub include: Vec<String>,
    /// 采纳程序建议的内部往来抵消，写入部门的调整（一步，可撤销）
    #[arg(long = "accept-offsets")]
    pub accept_offsets: bool,
    /// 重新汇总：确认各单位当前的内容（一步，可撤销）
    #[arg(long)]
    pub confirm: bool,
}

fn folder(p: &Path) -> PathBuf {
    p.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The board: one line per unit.
pub fn board(units: &[Unit], out: &mut dyn std::io::Write) {
    for u in units {
        let role = if u.r.main { "本级" } else { "所属" };
        let counts = if u.wb.is_some() && u.model.is_some() {
            format!("错误 {} 条，警告 {} 条", u.errors, u.warnings)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {role}  {}  {}  {counts}  {}",
            u.label(),
            u.state.label(),
            u.path.display()
        );
    }
}

fn matches(u: &Unit, who: &str) -> bool {
    u.label() == who || u.r.path == who || u.path == Path::new(who) || {
        let a = std::fs::canonicalize(&u.path).ok();
        a.is_some() && a == std::fs::canonicalize(who).ok()
    }
}

pub(super) fn consolidate_cmd(
    reg: &Registry,
    a: &ConsolidateArgs,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    let fail = |err: &mut dyn std::io::Write, e: String| {
        let _ = writeln!(err, "无法汇总：{e}");
        2
    };
    let dir = folder(&a.file);
    // A new 部门: the set, year and name of its 本级 (or first unit).
    if !a.file.exists() {
        let Some(first) = a.main.as_ref().or(a.units.first()) else {
            return fail(
                err,
                format!(
                    "「{}」不存在：新建部门工作簿时请用 --main / --unit 列出单位",
                    a.file.display()
                ),
            );
        };
        let wb = match crate::shells::session::files::read_workbook(first) {
            Ok(w) => w,
            Err(e) => return fail(err, e.to_string()),
        };
        let Some(set) = reg.set(&wb.template_set) else {
            return fail(err, format!("没有模板集「{}」", wb.template_set));
        };
        let name = a.name.clone().unwrap_or_else(|| wb.unit.name.clone());
        let d = dept::new_dept(set, &name, wb.unit.year, &wb.unit.profile);
        if let Err(e) = Store::create(&a.file, &d) {
            return fail(err, e.to_string());
        }
        let _ = writeln!(
            out,
            "已新建部门工作簿 {}（{}，{}）",
            a.file.display(),
            name,
            set.name
        );
    }
    let mut session = match Session::open_with(&a.file, reg) {
        Ok(s) => s,
        Err(e) => return fail(err, e),
    };
    let Some(set) = reg.set(&session.workbook().template_set) else {
        return fail(
            err,
            format!("没有模板集「{}」", session.workbook().template_set),
        );
    };
    // Units added: one step each, so a refusal leaves the others in.
    let listed: Vec<(&PathBuf, bool)> = a
        .main
        .iter()
        .map(|p| (p, true))
        .chain(a.units.iter().map(|p| (p, false)))
        .collect();
    for (p, main) in listed {
        match dept::add_unit(reg, session.workbook(), &dir, p, main) {
            Ok(c) => {
                let label = format!("添加单位 {}", p.display());
                if let Err(e) = session.apply_own(&label, &[c]) {
                    return fail(err, e);
                }
                let _ = writeln!(
                    out,
                    "已加入{}：{}",
                    if main { "本级" } else { "所属单位" },
                    p.display()
                );
            }
            Err(e) => {
                let _ = writeln!(err, "未加入 {}：{e}", p.display());
            }
        }
    }
    let mut units = consolidate::load(reg, session.workbook(), &dir);
    let step = |session: &mut Session, label: &str, changes: Vec<Change>| -> Result<(), String> {
        if changes.is_empty() {
            return Ok(());
        }
        session.apply_own(label, &changes).map(|_| ())
    };
    let mut toggles = Vec::new();
    for (who, on) in a
        .exclude
        .iter()
        .map(|w| (w, false))
        .chain(a.include.iter().map(|w| (w, true)))
    {
        match units.iter().find(|u| matches(u, who)) {
            Some(u) => toggles.push(dept::set_included(u, on)),
            None => {
                let _ = writeln!(err, "没有这个单位：「{who}」");
                return 2;
            }
        }
    }
    if let Err(e) = step(&mut session, "参加汇总的单位", toggles) {
        return fail(err, e);
    }
    if a.confirm {
        units = consolidate::load(reg, session.workbook(), &dir);
        if let Err(e) = step(&mut session, "重新汇总", dept::confirm(&units)) {
            return fail(err, e);
        }
    }
    if a.accept_offsets {
        units = consolidate::load(reg, session.workbook(), &dir);
        let (offsets, unmatched) = consolidate::suggest(set, &units);
        for (name, inc, exp) in unmatched {
            let _ = writeln!(
                err,
                "内部往来「{name}」两方不等（收入方 {} ≠ 支出方 {}）：请在窗口的「部门汇总」里逐项录入调整",
                crate::amount::format_amount(inc, 2),
                crate::amount::format_amount(exp, 2)
            );
        }
        let n = offsets.len();
        if let Err(e) = step(
            &mut session,
            "采纳建议的内部往来抵消",
            dept::accept_offsets(&offsets),
        ) {
            return fail(err, e);
        }
        let _ = writeln!(out, "已写入 {n} 项抵消调整");
    }
    drop(session);
    // The board and the consolidated tables' audit.
    let (wb, full) = match crate::shells::session::files::check_file(reg, &a.file) {
        Ok(x) => x,
        Err(e) => return fail(err, e.to_string()),
    };
    let units = consolidate::load(reg, &wb, &dir);
    let _ = writeln!(
        out,
        "{} {}年度 部门汇总：{} 个单位",
        wb.unit.name,
        wb.unit.year,
        units.len()
    );
    board(&units, out);
    let count = |s: Severity| full.ev.findings.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(
        out,
        "汇总后的审核：错误 {} 条，警告 {} 条，提示 {} 条",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    for f in full
        .ev
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("CONS-"))
    {
        let _ = writeln!(out, "  [{}] {} {}", f.severity.label(), f.rule, f.message);
    }
    i32::from(count(Severity::Error) > 0)
}
