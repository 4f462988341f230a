//! Command line: `gongkai check FILE [--json]`, `gongkai templates`. Exit 0 = no errors,
//! 1 = error findings, 2 = could not run.

use crate::engine::Finding;
use crate::template::{Registry, Severity};

mod args;
pub use args::parse_args;
mod dept_cmd;
use dept_cmd::*;
mod templates_cmd;
use templates_cmd::*;
mod print_cmds;
use print_cmds::*;
mod store_cmds;
use store_cmds::*;
mod commands;
pub mod summary;
pub use commands::{Cli, Command};

/// Runs the CLI; returns the process exit code.
/// What `gongkai --version` prints and the window's 关于 shows: the version, the template sets
/// with their years and regions, the form kinds and rubric profiles, and the licences.
pub fn about_text(reg: &Registry) -> String {
    let mut s = format!(
        "Gongkai（公开）{}\n部门预决算公开与绩效自评：填报、审核、出版\n\n模板集：\n",
        env!("CARGO_PKG_VERSION")
    );
    for set in &reg.sets {
        s.push_str(&format!(
            "    {}  {} {}年度 {}（{}，{} 张表）\n",
            set.id,
            set.region,
            set.year,
            set.family,
            set.name,
            set.tables.len()
        ));
    }
    let forms: Vec<&str> = reg.forms.iter().map(|f| f.id.as_str()).collect();
    let profiles: Vec<&str> = reg.profiles.iter().map(|p| p.id.as_str()).collect();
    s.push_str(&format!(
        "绩效表单：{}\n评分口径：{}",
        forms.join("、"),
        profiles.join("、")
    ));
    s.push_str(&format!(
        "\n\n许可：本程序 {}；内置字体 Noto Serif SC / Noto Sans SC（SIL Open Font License 1.1，全文见随程序附带的 OFL.txt：安装版在 /usr/share/doc/gongkai/，源码在 assets/fonts/）\n",
        env!("CARGO_PKG_LICENSE")
    ));
    s
}

pub fn run(cli: Cli, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    // The built-in sets and the user's packs; --templates DIR: a folder laid out like assets/
    // (instead of the built-in ones), or a pack folder (beside them).
    let owned;
    let inst: &crate::template::registry::Installed = match &cli.templates {
        None => Registry::installed_packs(),
        Some(dir) if dir.join("templates").is_dir() => match Registry::from_dir(dir) {
            Ok(r) => {
                owned = crate::template::registry::Installed {
                    reg: Some(r),
                    packs: Vec::new(),
                    problems: Vec::new(),
                };
                &owned
            }
            Err(e) => {
                let _ = writeln!(err, "{e}");
                return 2;
            }
        },
        Some(dir) => {
            owned = Registry::with_packs(std::slice::from_ref(dir));
            &owned
        }
    };
    let reg: &Registry = Registry::of(inst);
    for p in &inst.problems {
        let _ = writeln!(err, "注意：{p}");
    }
    if cli.version {
        let _ = write!(out, "{}", about_text(reg));
        return 0;
    }
    match cli.command {
        Some(Command::Check {
            files,
            json,
            summary,
            xlsx,
        }) => {
            if summary {
                summary::run(reg, &files, xlsx.as_deref(), out, err)
            } else if let [file] = files.as_slice() {
                check(reg, file, json, out, err)
            } else {
                let _ = writeln!(err, "审核多个工作簿请加 --summary（每个工作簿一行）");
                2
            }
        }
        Some(Command::New {
            file,
            unit,
            year,
            profile,
            set,
            from,
            other_unit,
        }) => {
            let kind = match set.as_deref().and_then(|s| reg.set(s)) {
                Some(s) if s.family == "预算" => crate::shells::session::Kind::Yusuan,
                _ => crate::shells::session::Kind::Juesuan,
            };
            let spec = crate::shells::session::NewSpec {
                unit,
                year,
                kind,
                set,
                profile,
                from,
                other_unit_confirmed: other_unit,
                dept: false,
            };
            new(reg, &file, &spec, out, err)
        }
        Some(Command::Import {
            file,
            into,
            dry_run,
        }) => import(reg, &file, &into, dry_run, out, err),
        Some(Command::Export {
            file,
            json,
            xlsx,
            output,
            part,
        }) => export(reg, &file, json, xlsx, &part, output.as_deref(), out, err),
        Some(Command::Versions { file, add }) => versions(&file, add, out, err),
        Some(Command::Diff { file, a, b }) => diff_cmd(reg, &file, &a, &b, out, err),
        Some(Command::History { file, limit }) => history(&file, limit, out, err),
        Some(Command::Undo { file }) => undo_redo(&file, true, out, err),
        Some(Command::Redo { file }) => undo_redo(&file, false, out, err),
        Some(Command::Scores { file, json }) => scores(reg, &file, json, out, err),
        Some(Command::ExportPdf { pdf, output }) => export_pdf(reg, &pdf, &output, out, err),
        Some(Command::Print {
            pdf,
            printer,
            copies,
        }) => print_cmd(reg, &pdf, printer, copies, out, err),
        Some(Command::Printers) => printers_cmd(out, err),
        Some(Command::Consolidate(a)) => consolidate_cmd(reg, &a, out, err),
        Some(Command::Narrative { file, json, terms }) => {
            narrative(reg, &file, json, terms, out, err)
        }
        Some(Command::Templates {
            action:
                Some(TemplatesCmd::New {
                    from,
                    id,
                    year,
                    region,
                    name,
                    dir,
                }),
        }) => templates_new(inst, &from, &id, year, region, name, dir, out, err),
        Some(Command::Templates {
            action: Some(TemplatesCmd::Diff { a, b, workbook }),
        }) => templates_diff(reg, &a, &b, workbook.as_deref(), out, err),
        Some(Command::Templates { action: None }) => {
            templates_list(inst, out);
            let _ = writeln!(out, "\n绩效表单模板：");
            for f in &reg.forms {
                let _ = writeln!(
                    out,
                    "    {}  {}（{}，默认评分口径 {}）",
                    f.id, f.title, f.family, f.profile
                );
            }
            let _ = writeln!(out, "\n评分口径：");
            for p in &reg.profiles {
                let _ = writeln!(out, "    {}  {}", p.id, p.name);
            }
            0
        }
        Some(Command::Open { file }) => crate::shells::ui::run(Some(file)),
        None => crate::shells::ui::run(None),
        Some(Command::Sample) => {
            let _ = writeln!(
                out,
                "Gongkai — 内置样例：阳泉市退役军人事务局 2023年度部门决算公开\n"
            );
            let text =
                crate::template::registry::embedded_asset("samples/juesuan-2023-yangquan.json")
                    .unwrap_or_default();
            let evaluated = crate::interchange::json::from_json(text)
                .map_err(|e| e.to_string())
                .and_then(|wb| {
                    let set = crate::shells::session::files::template_for(reg, &wb, "内置样例")
                        .map_err(|e| e.to_string())?;
                    let ev = crate::engine::evaluate::evaluate(reg, set, &wb)
                        .map_err(|e| e.to_string())?;
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

/// Reads, recalculates and audits `file`; on failure prints "{verb}：{why}" and gives None.
fn checked<'r>(
    reg: &'r Registry,
    file: &std::path::Path,
    verb: &str,
    err: &mut dyn std::io::Write,
) -> Option<(
    crate::engine::Workbook,
    crate::engine::evaluate::Full<'r, 'r>,
)> {
    match crate::shells::session::files::check_file(reg, file) {
        Ok(x) => Some(x),
        Err(e) => {
            let _ = writeln!(err, "{verb}：{e}");
            None
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
    let Some((wb, full)) = checked(reg, file, "无法审核", err) else {
        return 2;
    };
    let ev = &full.ev;
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
    let mut forms: Vec<&str> = Vec::new();
    for f in findings {
        if set.tables.iter().all(|t| t.id != f.table) && !forms.contains(&f.table.as_str()) {
            forms.push(&f.table);
        }
    }
    for id in forms {
        let mine: Vec<&Finding> = findings.iter().filter(|f| f.table == id).collect();
        if mine[0].table_label == id {
            let _ = writeln!(out, "{id}");
        } else {
            let _ = writeln!(out, "{}（{id}）", mine[0].table_label);
        }
        for f in mine {
            let _ = writeln!(out, "  [{}] {} {}", f.severity.label(), f.rule, f.message);
        }
    }
    if findings.is_empty() {
        let _ = writeln!(out, "全部审核公式通过。");
    }
}

fn narrative(
    reg: &Registry,
    file: &std::path::Path,
    as_json: bool,
    terms: bool,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    let Some((wb, full)) = checked(reg, file, "无法生成", err) else {
        return 2;
    };
    let Some(text) = full.text else {
        let _ = writeln!(
            err,
            "模板集「{}」没有情况说明模板（assets/narrative/）",
            wb.template_set
        );
        return 2;
    };
    if as_json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&text).unwrap_or_default()
        );
    } else {
        let _ = write!(
            out,
            "{} {}年度 {}\n\n{}",
            wb.unit.name,
            wb.unit.year,
            text.title,
            text.plain()
        );
        if terms {
            let _ = writeln!(out, "名词解释");
            for t in &text.terms {
                let mark = if t.edited {
                    "（已改写，与默认文字不同）"
                } else {
                    ""
                };
                let _ = writeln!(out, "{}：{}{mark}", t.title, t.text);
                if t.edited {
                    let (_, removed, added, _) =
                        crate::engine::narrative::changed_part(&t.default, &t.text);
                    let _ = writeln!(out, "    改动：删去「{removed}」，加入「{added}」");
                    let _ = writeln!(out, "    默认：{}", t.default);
                }
            }
            let _ = writeln!(out);
        }
        if !text.findings.is_empty() {
            let _ = writeln!(out, "情况说明审核：{} 条", text.findings.len());
            for f in &text.findings {
                let _ = writeln!(out, "  [{}] {} {}", f.severity.label(), f.rule, f.message);
            }
        }
    }
    let errors = text.findings.iter().any(|f| f.severity == Severity::Error);
    if errors {
        1
    } else {
        0
    }
}

fn scores(
    reg: &Registry,
    file: &std::path::Path,
    as_json: bool,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    let wb = match crate::shells::session::files::read_workbook(file) {
        Ok(wb) => wb,
        Err(e) => {
            let _ = writeln!(err, "无法读取：{e}");
            return 2;
        }
    };
    let (scored, problems) = crate::engine::perf::score_workbook(reg, &wb);
    for p in &problems {
        let _ = writeln!(err, "{}", p.message);
    }
    let summary = crate::engine::perf::summary(&scored);
    if as_json {
        // Each form's score, and whether anything has been entered in it yet.
        let forms: Vec<serde_json::Value> = scored
            .iter()
            .map(|s| {
                let mut v = serde_json::to_value(&s.score).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("blank".into(), serde_json::Value::Bool(s.form.is_blank()));
                    o.insert(
                        "unscored".into(),
                        serde_json::Value::Bool(s.form.is_unscored()),
                    );
                }
                v
            })
            .collect();
        let v = serde_json::json!({ "forms": forms, "summary": summary });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
    } else {
        let _ = writeln!(
            out,
            "{} {}年度 绩效表单 {} 张\n",
            wb.unit.name,
            wb.unit.year,
            scored.len()
        );
        for s in &scored {
            let sc = &s.score;
            let _ = writeln!(
                out,
                "{}  {}{}",
                sc.id,
                crate::engine::perf::audit::label_of(s.template, sc),
                if sc.scored { "" } else { "（不评分）" }
            );
            if sc.scored && s.form.is_blank() {
                let _ = writeln!(out, "    尚未填写（没有资金、指标和得分）");
                continue;
            }
            if !sc.scored {
                if let Some(f) = sc.funds {
                    let _ = writeln!(
                        out,
                        "    资金 {} {}，指标 {} 个",
                        crate::amount::format_amount(f, 2),
                        sc.unit,
                        s.form.indicators.len()
                    );
                }
                continue;
            }
            if s.form.is_unscored() {
                let _ = writeln!(
                    out,
                    "    未评分：表中没有自评得分，以下均为按评分口径的建议分"
                );
            }
            let num = crate::engine::perf::audit::num;
            let opt = |d: Option<rust_decimal::Decimal>| d.map(num).unwrap_or_else(|| "—".into());
            let _ = writeln!(
                out,
                "    执行率 {}%  执行率得分 建议 {} / 填报 {}",
                sc.rate
                    .map(|r| crate::amount::format_amount(r, 2))
                    .unwrap_or_else(|| "—".into()),
                opt(sc.rate_suggested),
                opt(sc.rate_entered)
            );
            for b in &sc.blocks {
                let _ = writeln!(
                    out,
                    "    {}（{}分） 建议 {} / 填报 {}",
                    b.level1,
                    num(b.weight),
                    num(b.suggested),
                    opt(b.entered.or(b.indicator_sum))
                );
            }
            if s.form.is_unscored() {
                let _ = writeln!(
                    out,
                    "    总分 未评分（建议分合计 {}，对应 {}）",
                    num(sc.total_suggested),
                    sc.grade
                );
            } else {
                let _ = writeln!(
                    out,
                    "    总分 {}（全按建议分 {}）  等级 {}",
                    num(sc.total),
                    num(sc.total_suggested),
                    sc.grade
                );
            }
        }
        if summary.projects == 0 {
            return if problems.is_empty() { 0 } else { 2 };
        }
        let grades: Vec<String> = summary
            .grades
            .iter()
            .map(|(g, n)| format!("{g} {n} 个"))
            .collect();
        let _ = writeln!(
            out,
            "\n项目支出绩效自评 {} 个，资金 {} 万元，实际执行 {} 万元；{}",
            summary.projects,
            crate::amount::format_amount(summary.funds, 2),
            crate::amount::format_amount(summary.spent, 2),
            grades.join("，")
        );
    }
    if problems.is_empty() {
        0
    } else {
        2
    }
}
