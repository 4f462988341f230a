//! Review at scale: `gongkai check FILE…|DIR --summary [--xlsx OUT]` audits many workbooks (a
//! 主管部门's units, a 财政局's submissions) and prints one row per workbook: 单位, 年度, 模板集,
//! errors, warnings, 提示 and the first error. A file that cannot be read is reported in its
//! row and the run goes on. The exit code is the worst one (2 unreadable, 1 errors, 0 clean).

use crate::template::{Registry, Severity};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One audited workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub file: PathBuf,
    pub unit: String,
    pub year: Option<i32>,
    pub set: String,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// The first error finding (place and meaning), or why the file could not be read.
    pub first: String,
    /// 0 clean, 1 errors, 2 not readable.
    pub status: i32,
}

/// Files to audit: each FILE as given; each DIR's workbook and interchange files (.gongkai,
/// .sqlite, .json), sorted by name, not descending into sub-folders.
pub fn collect(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|rd| {
                    rd.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| {
                            f.is_file()
                                && (crate::shells::session::is_workbook_ext(f)
                                    || f.extension().is_some_and(|e| e == "json"))
                        })
                        .collect()
                })
                .unwrap_or_default();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// Audits one file; never panics on its content.
pub fn audit(reg: &Registry, file: &Path) -> Row {
    let unreadable = |why: String| Row {
        file: file.to_path_buf(),
        unit: String::new(),
        year: None,
        set: String::new(),
        errors: 0,
        warnings: 0,
        infos: 0,
        first: why,
        status: 2,
    };
    let checked = crate::guard::quietly(std::panic::AssertUnwindSafe(|| {
        crate::shells::session::files::check_file(reg, file).map(|(wb, full)| {
            let count = |s: Severity| full.ev.findings.iter().filter(|f| f.severity == s).count();
            let errors = count(Severity::Error);
            let first = full
                .ev
                .findings
                .iter()
                .find(|f| f.severity == Severity::Error)
                .map(|f| {
                    if f.message.contains(&f.table_label) || f.table_label.is_empty() {
                        f.message.clone()
                    } else {
                        format!("{}：{}", f.table_label, f.message)
                    }
                })
                .unwrap_or_default();
            Row {
                file: file.to_path_buf(),
                unit: wb.unit.name.clone(),
                year: Some(wb.unit.year),
                set: wb.template_set.clone(),
                errors,
                warnings: count(Severity::Warning),
                infos: count(Severity::Info),
                first,
                status: i32::from(errors > 0),
            }
        })
    }));
    match checked {
        Ok(Ok(row)) => row,
        Ok(Err(e)) => unreadable(format!("无法读取：{e}")),
        Err(crate::guard::Panicked) => unreadable("无法读取：文件内容无法处理".into()),
    }
}

/// Audits `files` on all cores, in the given order.
pub fn audit_all(reg: &Registry, files: &[PathBuf]) -> Vec<Row> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len().max(1));
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|f| audit(reg, f)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// The rows as an Excel sheet 「审核汇总」.
pub fn xlsx(rows: &[Row]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |x: rust_xlsxwriter::XlsxError| format!("无法生成 Excel：{x}");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("审核汇总").map_err(e)?;
    let bold = Format::new().set_bold();
    let head = [
        "单位",
        "年度",
        "模板集",
        "错误",
        "警告",
        "提示",
        "首条错误",
        "文件",
    ];
    let widths = [28.0, 8.0, 22.0, 7.0, 7.0, 7.0, 60.0, 50.0];
    for (c, (h, w)) in head.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(e)?;
        ws.set_column_width(c as u16, w).map_err(e)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &r.unit).map_err(e)?;
        if let Some(y) = r.year {
            ws.write_number(row, 1, f64::from(y)).map_err(e)?;
        }
        ws.write_string(row, 2, &r.set).map_err(e)?;
        if r.status < 2 {
            for (c, n) in [(3u16, r.errors), (4, r.warnings), (5, r.infos)] {
                ws.write_number(row, c, n as f64).map_err(e)?;
            }
        }
        ws.write_string(row, 6, &r.first).map_err(e)?;
        ws.write_string(row, 7, r.file.display().to_string())
            .map_err(e)?;
    }
    ws.autofilter(0, 0, rows.len() as u32, 7).map_err(e)?;
    ws.set_freeze_panes(1, 0).map_err(e)?;
    book.save_to_buffer().map_err(e)
}

/// `check … --summary`: prints the rows (and writes the sheet); returns the worst exit code.
pub fn run(
    reg: &Registry,
    paths: &[PathBuf],
    xlsx_out: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let files = collect(paths);
    if files.is_empty() {
        let _ = writeln!(err, "没有找到工作簿（.gongkai、.sqlite 或 .json）");
        return 2;
    }
    let rows = audit_all(reg, &files);
    for r in &rows {
        match r.status {
            2 => {
                let _ = writeln!(out, "[无法读取] {}\n    {}", r.file.display(), r.first);
            }
            _ => {
                let _ = writeln!(
                    out,
                    "{} {}年度  错误 {} 警告 {} 提示 {}  {}  {}",
                    r.unit,
                    r.year.unwrap_or_default(),
                    r.errors,
                    r.warnings,
                    r.infos,
                    r.set,
                    r.file.display()
                );
                if !r.first.is_empty() {
                    let _ = writeln!(out, "    首条错误：{}", r.first);
                }
            }
        }
    }
    let with_errors = rows.iter().filter(|r| r.status == 1).count();
    let broken = rows.iter().filter(|r| r.status == 2).count();
    let _ = writeln!(
        out,
        "共 {} 个工作簿：{with_errors} 个有错误，{broken} 个无法读取",
        rows.len()
    );
    if let Some(p) = xlsx_out {
        match xlsx(&rows).and_then(|b| crate::fsio::write_atomic(p, &b).map_err(|e| e.to_string()))
        {
            Ok(()) => {
                let _ = writeln!(out, "已写入 {}", p.display());
            }
            Err(e) => {
                let _ = writeln!(err, "{e}");
                return 2;
            }
        }
    }
    rows.iter().map(|r| r.status).max().unwrap_or(0)
}
