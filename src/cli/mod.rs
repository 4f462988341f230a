//! Command line: `gongkai check FILE [--json]`, `gongkai templates`. Exit 0 = no errors,
//! 1 = error findings, 2 = could not run.

use crate::engine::Finding;
use crate::template::{Registry, Severity};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

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
pub mod summary;

#[derive(Parser, Debug)]
#[command(
    name = "gongkai",
    disable_version_flag = true,
    about = "部门预决算公开与绩效自评：填报、审核、出版"
)]
pub struct Cli {
    /// 显示版本、内置模板集（年度、地区）与许可
    #[arg(short = 'V', long = "version")]
    pub version: bool,
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
        /// 工作簿文件（.gongkai）或交换格式 JSON；加 --summary 时可给多个文件或文件夹
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// Output findings as a JSON array
        #[arg(long, conflicts_with = "summary")]
        json: bool,
        /// 每个工作簿一行：单位、年度、模板集、错误/警告/提示数、首条错误（文件夹中的全部工作簿）
        #[arg(long)]
        summary: bool,
        /// 同时把汇总写成 Excel（需 --summary）
        #[arg(long, value_name = "OUT.xlsx", requires = "summary")]
        xlsx: Option<PathBuf>,
    },
    /// 列出各绩效自评表的执行率、建议分与填报分、总分和等级
    Scores {
        /// Workbook file (.sqlite) or interchange JSON
        file: PathBuf,
        /// Output as JSON
        #[arg(long)]
        json: bool,
    },
    /// 按表生成情况说明（及名词解释）并检查
    Narrative {
        /// Workbook file (.sqlite) or interchange JSON
        file: PathBuf,
        /// Output as JSON (paragraphs, 名词解释, findings)
        #[arg(long)]
        json: bool,
        /// Also print 名词解释, marking items that differ from the default text
        #[arg(long)]
        terms: bool,
    },
    /// 导出公开文件 PDF（A4，官方版式；有错误时为带“草稿”水印的草稿）
    #[command(name = "export-pdf")]
    ExportPdf {
        #[command(flatten)]
        pdf: PdfArgs,
        /// Output PDF
        #[arg(short = 'o', long = "output", value_name = "OUT.pdf")]
        output: PathBuf,
    },
    /// 打印公开文件（与 export-pdf 同样的内容，送到系统的打印机）
    Print {
        #[command(flatten)]
        pdf: PdfArgs,
        /// 打印机名称（默认：系统的默认打印机；gongkai printers 列出可用的）
        #[arg(long, value_name = "名称")]
        printer: Option<String>,
        /// 份数
        #[arg(long, default_value_t = 1, value_name = "N")]
        copies: u32,
    },
    /// 列出系统的打印机（默认的一台标 *）
    Printers,
    /// 部门汇总：由本级和所属单位的工作簿汇总出部门工作簿（不存在则新建），列出各单位的状态
    Consolidate {
        /// 部门工作簿（.gongkai）
        file: PathBuf,
        /// 本级的工作簿
        #[arg(long = "main", value_name = "FILE")]
        main: Option<PathBuf>,
        /// 所属单位的工作簿（可多次）
        #[arg(long = "unit", value_name = "FILE")]
        units: Vec<PathBuf>,
        /// 新建时的部门名称（默认：本级的单位名称）
        #[arg(long)]
        name: Option<String>,
        /// 不参加汇总的单位（单位名称或文件路径，可多次）
        #[arg(long, value_name = "单位")]
        exclude: Vec<String>,
        /// 恢复参加汇总的单位（可多次）
        #[arg(long, value_name = "单位")]
        include: Vec<String>,
        /// 采纳程序建议的内部往来抵消，写入部门的调整（一步，可撤销）
        #[arg(long = "accept-offsets")]
        accept_offsets: bool,
        /// 重新汇总：确认各单位当前的内容（一步，可撤销）
        #[arg(long)]
        confirm: bool,
    },
    /// 列出已安装的模板集（内置与模板包：年度、地区、来源）与表、绩效表单模板和评分口径；
    /// new 新建模板包，diff 比较两个模板集
    Templates {
        #[command(subcommand)]
        action: Option<TemplatesCmd>,
    },
    /// 打开窗口编辑草稿文件
    Open { file: PathBuf },
    /// 在终端审核内置样例（不打开窗口）
    Sample,
    /// 新建工作簿文件（.gongkai）
    New {
        file: PathBuf,
        /// 单位名称 / 部门名称
        #[arg(long)]
        unit: String,
        /// 年度
        #[arg(long)]
        year: i32,
        /// 地区口径（默认取模板集的地区）
        #[arg(long)]
        profile: Option<String>,
        /// 模板集（默认：该年度的决算模板集；`gongkai templates` 列出可用的）
        #[arg(long = "set", value_name = "SET")]
        set: Option<String>,
        /// 上年工作簿（.gongkai 或 .json）：带入上年数和用途等情况说明输入项
        #[arg(long = "from", value_name = "LAST_YEAR")]
        from: Option<PathBuf>,
        /// 确认沿用的是另一个单位的工作簿（否则单位不同时拒绝）
        #[arg(long = "other-unit", requires = "from")]
        other_unit: bool,
    },
    /// 导入交换格式 JSON 到草稿文件（文件不存在则新建；已存在则作为一步可撤销的修改替换全部数据）
    Import {
        /// 交换格式 JSON，或 Excel 工作簿（.xlsx / .xls）
        file: PathBuf,
        #[arg(long, value_name = "FILE.sqlite")]
        into: PathBuf,
        /// 只预览识别结果和审核结果，不写入
        #[arg(long = "dry-run")]
        dry_run: bool,
    },
    /// 导出草稿文件为交换格式 JSON（默认输出到屏幕）或 Excel（--xlsx，官方版式）
    Export {
        file: PathBuf,
        /// 导出为 JSON
        #[arg(long, conflicts_with = "xlsx")]
        json: bool,
        /// 导出为 Excel 工作簿（需 -o）
        #[arg(long)]
        xlsx: bool,
        /// 输出文件
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Excel 中包含的部分：all、tables、table:公开05表、attachments、form:名称
        #[arg(long, default_value = "all", requires = "xlsx")]
        part: String,
    },
    /// 列出已保存的版本；--add 名称 保存当前内容为新版本
    Versions {
        file: PathBuf,
        #[arg(long, value_name = "名称")]
        add: Option<String>,
    },
    /// 逐格比较两个版本（版本名称、编号或“当前”）
    Diff { file: PathBuf, a: String, b: String },
    /// 列出修改历史（最近的在前）
    History {
        file: PathBuf,
        #[arg(long, default_value_t = 30)]
        limit: usize,
    },
    /// 撤销最近一步修改
    Undo { file: PathBuf },
    /// 重做最近撤销的一步
    Redo { file: PathBuf },
}

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
                Some(s) if s.family == "预算" => crate::session::Kind::Yusuan,
                _ => crate::session::Kind::Juesuan,
            };
            let spec = crate::session::NewSpec {
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
        Some(Command::Consolidate {
            file,
            main,
            units,
            name,
            exclude,
            include,
            accept_offsets,
            confirm,
        }) => consolidate_cmd(
            reg,
            &ConsolidateArgs {
                file,
                main,
                units,
                name,
                exclude,
                include,
                accept_offsets,
                confirm,
            },
            out,
            err,
        ),
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
        Some(Command::Open { file }) => crate::ui::run(Some(file)),
        None => crate::ui::run(None),
        Some(Command::Sample) => {
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
                    let ev = crate::evaluate::evaluate(reg, set, &wb).map_err(|e| e.to_string())?;
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
) -> Option<(crate::engine::Workbook, crate::evaluate::Full<'r, 'r>)> {
    match crate::io::check_file(reg, file) {
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
                        crate::narrative::changed_part(&t.default, &t.text);
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
    let wb = match crate::io::read_workbook(file) {
        Ok(wb) => wb,
        Err(e) => {
            let _ = writeln!(err, "无法读取：{e}");
            return 2;
        }
    };
    let (scored, problems) = crate::perf::score_workbook(reg, &wb);
    for p in &problems {
        let _ = writeln!(err, "{}", p.message);
    }
    let summary = crate::perf::summary(&scored);
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
                crate::perf::audit::label_of(s.template, sc),
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
            let num = crate::perf::audit::num;
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
