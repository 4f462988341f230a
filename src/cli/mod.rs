//! Command line: `gongkai check FILE [--json]`, `gongkai templates`. Exit 0 = no errors,
//! 1 = error findings, 2 = could not run.

use crate::engine::Finding;
use crate::template::{Registry, Severity};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "gongkai",
    version,
    about = "部门预决算公开与绩效自评：填报、审核、出版"
)]
pub struct Cli {
    /// Load templates from this folder (laid out like assets/) instead of the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 审核草稿：重算所有合计并检查全部审核公式
    Check {
        /// Workbook JSON file
        file: PathBuf,
        /// Output findings as a JSON array
        #[arg(long)]
        json: bool,
    },
    /// 列出已安装的模板集与表
    Templates,
}

/// Runs the CLI; returns the process exit code.
pub fn run(cli: Cli, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    let owned;
    let reg: &Registry = match &cli.templates {
        None => Registry::builtin(),
        Some(dir) => match Registry::from_dir(dir) {
            Ok(r) => {
                owned = r;
                &owned
            }
            Err(e) => {
                let _ = writeln!(err, "{e}");
                return 2;
            }
        },
    };
    match cli.command {
        Some(Command::Check { file, json }) => check(reg, &file, json, out, err),
        Some(Command::Templates) => {
            for s in &reg.sets {
                let _ = writeln!(out, "{}  {}（{} 张表）", s.id, s.name, s.tables.len());
                for t in &s.tables {
                    let _ = writeln!(out, "    {} {}", t.label, t.title);
                }
            }
            0
        }
        None => {
            // Until the desktop window lands, running without arguments checks the bundled sample.
            let _ = writeln!(
                out,
                "Gongkai — 内置样例：阳泉市退役军人事务局 2023年度部门决算公开\n"
            );
            let text =
                crate::template::registry::embedded_asset("samples/juesuan-2023-yangquan.json")
                    .unwrap_or_default();
            let evaluated = crate::io::json::from_json(text)
                .map_err(|e| e.to_string())
                .and_then(|wb| {
                    let set =
                        crate::io::template_for(reg, &wb, "内置样例").map_err(|e| e.to_string())?;
                    let ev = crate::engine::evaluate(set, &wb).map_err(|e| e.to_string())?;
                    Ok((wb, ev))
                });
            match evaluated {
                Ok((wb, ev)) => {
                    print_human(&wb.unit.name, wb.unit.year, ev.model.set, &ev.findings, out);
                    0
                }
                Err(e) => {
                    let _ = writeln!(err, "内置样例无法审核：{e}");
                    2
                }
            }
        }
    }
}

fn check(
    reg: &Registry,
    file: &std::path::Path,
    as_json: bool,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    let (wb, ev) = match crate::io::check_file(reg, file) {
        Ok(x) => x,
        Err(e) => {
            let _ = writeln!(err, "无法审核：{e}");
            return 2;
        }
    };
    let errors = ev
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if as_json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&ev.findings).unwrap_or_default()
        );
    } else {
        print_human(&wb.unit.name, wb.unit.year, ev.model.set, &ev.findings, out);
    }
    if errors > 0 {
        1
    } else {
        0
    }
}

fn print_human(
    unit: &str,
    year: i32,
    set: &crate::template::TemplateSet,
    findings: &[Finding],
    out: &mut dyn std::io::Write,
) {
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(out, "{unit} {year}年度（{}）", set.name);
    let _ = writeln!(
        out,
        "审核结果：错误 {} 条，警告 {} 条，提示 {} 条\n",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    for t in &set.tables {
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.table == t.id).collect();
        if mine.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{} {}", t.label, t.title);
        for f in mine {
            let _ = writeln!(out, "  [{}] {} {}", f.severity.label(), f.rule, f.message);
        }
    }
    if findings.is_empty() {
        let _ = writeln!(out, "全部审核公式通过。");
    }
}
