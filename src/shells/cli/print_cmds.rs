//! `export-pdf`, `print` and `printers`: the document as a PDF file or on paper.

use super::checked;
use crate::shells::print::printer::{self, Job, PageRange};
use crate::template::Registry;
use std::path::{Path, PathBuf};

/// What to print, shared by `export-pdf` and `print`.
#[derive(clap::Args, Debug)]
pub struct PdfArgs {
    /// Workbook file (.gongkai / .sqlite) or interchange JSON
    pub file: PathBuf,
    /// all | tables | table:公开05表 | narrative | attachments | form:名称
    #[arg(long, default_value = "all")]
    pub part: String,
    /// 草稿（默认）：带“草稿”水印
    #[arg(long, conflicts_with = "final_copy")]
    pub draft: bool,
    /// 定稿：没有错误时才导出；有错误时需 --override 说明原因
    #[arg(long = "final")]
    pub final_copy: bool,
    /// 在有错误的情况下定稿的原因（写入 PDF 文档信息和页脚）
    #[arg(long = "override", value_name = "原因")]
    pub override_reason: Option<String>,
    /// 文档日期 YYYY-MM-DD（默认：导出当天）
    #[arg(long)]
    pub date: Option<String>,
    /// 只要这些页（PDF 的页序，从 1 起），如 1-3,5
    #[arg(long, value_name = "页码")]
    pub pages: Option<String>,
}

/// "2024-03-20" → (2024, 3, 20).
fn parse_date(s: &str) -> Option<(i32, u8, u8)> {
    let mut it = s.trim().split('-');
    let y = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d) && it.next().is_none()).then_some((y, m, d))
}

/// The PDF asked for, or the message (the verb first) and exit code 2.
fn build(
    reg: &Registry,
    a: &PdfArgs,
    verb: &str,
    err: &mut dyn std::io::Write,
) -> Option<crate::shells::print::Exported> {
    let fail = |err: &mut dyn std::io::Write, e: String| {
        let _ = writeln!(err, "{verb}：{e}");
        None
    };
    let part = match crate::layout::Part::parse(&a.part) {
        Ok(p) => p,
        Err(e) => return fail(err, e),
    };
    let date = match a.date.as_deref().map(|d| parse_date(d).ok_or(d)) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(d)) => return fail(err, format!("日期「{d}」应写作 YYYY-MM-DD")),
    };
    let pages = match a.pages.as_deref().map(PageRange::parse) {
        None => None,
        Some(Ok(r)) => r,
        Some(Err(e)) => return fail(err, e),
    };
    let (wb, full) = checked(reg, &a.file, verb, err)?;
    let src = crate::shells::print::doc::Source::new(reg, &wb, &full);
    let opts = crate::shells::print::Options {
        part,
        final_copy: a.final_copy,
        override_reason: a.override_reason.clone(),
        date,
        pages,
    };
    match crate::shells::print::export(&src, &opts) {
        Ok(x) => Some(x),
        Err(e) => fail(err, e),
    }
}

fn kind(x: &crate::shells::print::Exported) -> String {
    if !x.draft {
        "定稿".to_string()
    } else if x.errors > 0 {
        format!("草稿（尚有 {} 条错误）", x.errors)
    } else {
        "草稿".to_string()
    }
}

pub(super) fn export_pdf(
    reg: &Registry,
    a: &PdfArgs,
    output: &Path,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    let Some(x) = build(reg, a, "无法导出", err) else {
        return 2;
    };
    if let Err(e) = crate::fsio::write_atomic(output, &x.bytes) {
        let _ = writeln!(err, "{e}");
        return 2;
    }
    let _ = writeln!(
        out,
        "已导出 {}：{} 页，{}，{} KB",
        output.display(),
        x.pages,
        kind(&x),
        x.bytes.len().div_ceil(1024)
    );
    0
}

pub(super) fn print_cmd(
    reg: &Registry,
    a: &PdfArgs,
    printer: Option<String>,
    copies: u32,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    if copies == 0 || copies > 999 {
        let _ = writeln!(err, "无法打印：份数应在 1 到 999 之间");
        return 2;
    }
    let Some(x) = build(reg, a, "无法打印", err) else {
        return 2;
    };
    let title = a
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let job = Job {
        printer: printer.clone(),
        copies,
        title,
    };
    match printer::print_bytes(&x.bytes, &job) {
        Ok(said) => {
            let _ = writeln!(
                out,
                "已送打印机「{}」：{} 页 × {copies} 份，{}（{said}）",
                printer.as_deref().unwrap_or("系统默认"),
                x.pages,
                kind(&x)
            );
            0
        }
        Err(e) => {
            let _ = writeln!(err, "无法打印：{e}");
            2
        }
    }
}

pub(super) fn printers_cmd(out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    match printer::printers() {
        Ok((names, default)) => {
            if names.is_empty() {
                let _ = writeln!(out, "系统里没有打印机。");
            }
            for n in names {
                let mark = if default.as_ref() == Some(&n) {
                    "*"
                } else {
                    " "
                };
                let _ = writeln!(out, "{mark} {n}");
            }
            0
        }
        Err(e) => {
            let _ = writeln!(err, "{e}");
            2
        }
    }
}
