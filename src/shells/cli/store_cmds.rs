//! CLI commands on workbook files: new, import, export, versions, diff, history, undo, redo.

use crate::engine::Workbook;
use crate::interchange::json;
use crate::shells::session::files as io;
use crate::shells::session::Session;
use crate::shells::store::Store;
use crate::template::Registry;
use std::io::Write;
use std::path::Path;

/// `gongkai new`: [`crate::shells::session::create`], reported in words.
pub fn new(
    reg: &Registry,
    file: &Path,
    spec: &crate::shells::session::NewSpec,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    match crate::shells::session::create(reg, file, spec) {
        Ok(c) => {
            if let Some(from) = &c.from {
                let _ = writeln!(
                    out,
                    "已从 {}（{} {}年度）带入情况说明输入项 {} 项（上年数、用途等）",
                    from.path.display(),
                    from.unit,
                    from.year,
                    c.carried
                );
            }
            let set = reg.set(&c.set).map(|s| s.name.as_str()).unwrap_or_default();
            let _ = writeln!(
                out,
                "已新建 {}：{} {}年度，模板集 {}（{set}）",
                file.display(),
                spec.unit.trim(),
                spec.year,
                c.set
            );
            0
        }
        Err(e) => {
            let _ = writeln!(err, "无法新建：{e}");
            2
        }
    }
}

fn is_excel(p: &Path) -> bool {
    p.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .is_some_and(|e| e == "xlsx" || e == "xls" || e == "xlsm")
}

/// Reads an Excel file into a workbook (against `into` when it exists) and prints the preview.
fn import_excel(
    reg: &Registry,
    file: &Path,
    into: &Path,
    out: &mut dyn Write,
) -> Result<Workbook, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}：{e}", file.display()))?;
    let base = if into.exists() {
        Some(
            Store::open_read_only(into)
                .map_err(|e| e.to_string())?
                .workbook()
                .clone(),
        )
    } else {
        None
    };
    let p = crate::interchange::xlsx::import(reg, &bytes, base.as_ref())?;
    let _ = writeln!(out, "识别：");
    for r in &p.recognised {
        let _ = writeln!(out, "  {r}");
    }
    if !p.missing.is_empty() {
        let _ = writeln!(out, "文件中没有：{}", p.missing.join("、"));
    }
    if !p.unrecognised.is_empty() {
        let _ = writeln!(out, "未能识别（{} 处）：", p.unrecognised.len());
        for u in &p.unrecognised {
            let _ = writeln!(out, "  {u}");
        }
    }
    let against = if p.from_gongkai {
        "文件附带的工作簿数据"
    } else if base.is_some() {
        "当前草稿"
    } else {
        "空白草稿"
    };
    let _ = writeln!(out, "与{against}相比变化 {} 处", p.changed);
    // Errors on imported figures, with the Excel cell they came from.
    if let Some(set) = reg.set(&p.workbook.template_set) {
        if let Ok(ev) = crate::engine::evaluate(set, &p.workbook) {
            for f in ev
                .findings
                .iter()
                .filter(|f| f.severity == crate::template::Severity::Error)
            {
                if let Some(src) = p.source_of(f) {
                    let _ = writeln!(out, "  [错误] {} {}（来自 {src}）", f.rule, f.message);
                }
            }
        }
    }
    Ok(p.workbook)
}

pub fn import(
    reg: &Registry,
    file: &Path,
    into: &Path,
    dry_run: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let read = if is_excel(file) {
        import_excel(reg, file, into, out)
    } else {
        io::read_json(file).map_err(|e| e.to_string())
    };
    let wb = match read {
        Ok(wb) => wb,
        Err(e) => {
            let _ = writeln!(err, "无法导入：{e}（未写入任何文件）");
            return 2;
        }
    };
    // Refuse inputs the templates cannot place before anything is written.
    let checked = io::template_for(reg, &wb, &file.display().to_string()).and_then(|set| {
        crate::engine::evaluate(set, &wb).map_err(|source| io::OpenError::Structure {
            path: file.display().to_string(),
            source,
        })
    });
    if let Err(e) = checked {
        let _ = writeln!(err, "无法导入：{e}");
        return 2;
    }
    for (id, r) in &wb.records {
        if let Err(e) = crate::engine::perf::read_record(reg, id, &r.kind, &r.body) {
            let _ = writeln!(err, "无法导入：{}：表单「{id}」：{e}", file.display());
            return 2;
        }
    }
    if dry_run {
        let set = reg.set(&wb.template_set);
        if let Some(set) = set {
            if let Ok(ev) = crate::engine::evaluate::evaluate(reg, set, &wb) {
                let count = |s| ev.findings.iter().filter(|f| f.severity == s).count();
                let _ = writeln!(
                    out,
                    "导入后审核：错误 {} 条，警告 {} 条，提示 {} 条",
                    count(crate::template::Severity::Error),
                    count(crate::template::Severity::Warning),
                    count(crate::template::Severity::Info)
                );
                for f in ev
                    .findings
                    .iter()
                    .filter(|f| f.severity == crate::template::Severity::Error)
                {
                    let _ = writeln!(out, "  [错误] {} {}", f.rule, f.message);
                }
            }
        }
        let _ = writeln!(out, "预览完毕，未写入（去掉 --dry-run 导入）");
        return 0;
    }
    let label = format!(
        "导入 {}",
        file.file_name().unwrap_or_default().to_string_lossy()
    );
    let result = if into.exists() {
        crate::shells::session::Session::open_with(into, reg)
            .and_then(|mut s| s.replace_all(&label, &wb).map(|c| c.len()))
    } else {
        Store::create(into, &wb)
            .map(|s| s.workbook().slots().len())
            .map_err(|e| e.to_string())
    };
    match result {
        Ok(n) => {
            let _ = writeln!(
                out,
                "已导入 {} → {}（{n} 项数据）",
                file.display(),
                into.display()
            );
            0
        }
        Err(e) => {
            let _ = writeln!(err, "无法导入：{e}");
            2
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub fn export(
    reg: &Registry,
    file: &Path,
    as_json: bool,
    as_xlsx: bool,
    part: &str,
    output: Option<&Path>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if as_xlsx {
        let part = match crate::layout::Part::parse(part) {
            Ok(p) => p,
            Err(e) => {
                let _ = writeln!(err, "{e}");
                return 2;
            }
        };
        let Some(o) = output else {
            let _ = writeln!(err, "导出 Excel 需要 -o OUT.xlsx");
            return 2;
        };
        let r = io::check_file(reg, file)
            .map_err(|e| e.to_string())
            .and_then(|(wb, full)| {
                crate::interchange::xlsx::export_part(&full.ev.model, &wb, &full.scored, &part)
            })
            .and_then(|b| {
                crate::fsio::write_atomic(o, &b)
                    .map_err(|e| e.to_string())
                    .map(|_| b.len())
            });
        return match r {
            Ok(n) => {
                let _ = writeln!(out, "已导出 {}（{} KB）", o.display(), n.div_ceil(1024));
                0
            }
            Err(e) => {
                let _ = writeln!(err, "无法导出：{e}");
                2
            }
        };
    }
    if !as_json {
        let _ = writeln!(err, "请指定导出格式：--json 或 --xlsx");
        return 2;
    }
    let store = match Store::open_read_only(file) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "无法导出：{e}");
            return 2;
        }
    };
    let text = json::to_json(store.workbook());
    match output {
        None => {
            let _ = out.write_all(text.as_bytes());
            0
        }
        Some(p) => match crate::fsio::write_atomic(p, text.as_bytes()) {
            Ok(()) => {
                let _ = writeln!(out, "已导出 {}", p.display());
                0
            }
            Err(e) => {
                let _ = writeln!(err, "{e}");
                2
            }
        },
    }
}

pub fn versions(file: &Path, add: Option<String>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let opened = match add {
        Some(_) => Session::open(file),
        None => Session::open_read_only(file),
    };
    let mut session = match opened {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return 2;
        }
    };
    if let Some(name) = add {
        match session.save_version(&name) {
            Ok(v) => {
                let _ = writeln!(out, "已保存版本 #{} 「{}」（{}）", v.id, v.name, v.at);
            }
            Err(e) => {
                let _ = writeln!(err, "无法保存版本：{e}");
                return 2;
            }
        }
    }
    match session.store().versions() {
        Ok(vs) if vs.is_empty() => {
            let _ = writeln!(out, "（还没有保存的版本；用 --add 名称 保存当前内容）");
            0
        }
        Ok(vs) => {
            for v in vs {
                let _ = writeln!(out, "#{}  {}  {}", v.id, v.at, v.name);
            }
            0
        }
        Err(e) => {
            let _ = writeln!(err, "{e}");
            2
        }
    }
}

pub fn diff_cmd(
    reg: &Registry,
    file: &Path,
    a: &str,
    b: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let store = match Store::open_read_only(file) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return 2;
        }
    };
    let diffs = match store.diff_versions(a, b) {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(err, "无法比较：{e}");
            return 2;
        }
    };
    let set_id = store.workbook().template_set.clone();
    let lines = crate::shells::session::diff_lines(reg.set(&set_id), &diffs);
    if lines.is_empty() {
        let _ = writeln!(out, "「{a}」与「{b}」内容相同。");
    } else {
        let _ = writeln!(out, "「{a}」→「{b}」：{} 处不同", lines.len());
        for l in &lines {
            let _ = writeln!(out, "  {l}");
        }
    }
    0
}

pub fn history(file: &Path, limit: usize, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let steps = Store::open_read_only(file).and_then(|s| s.history(limit));
    match steps {
        Ok(steps) => {
            if steps.is_empty() {
                let _ = writeln!(out, "（没有修改记录）");
            }
            for s in steps {
                let _ = writeln!(
                    out,
                    "{}  {}（{} 项）{}",
                    s.at,
                    s.label,
                    s.changes,
                    if s.undone {
                        "  [已撤销，可重做]"
                    } else {
                        ""
                    }
                );
            }
            0
        }
        Err(e) => {
            let _ = writeln!(err, "{e}");
            2
        }
    }
}

pub fn undo_redo(file: &Path, undo: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let what = if undo { "撤销" } else { "重做" };
    let result = Session::open(file).and_then(|mut s| if undo { s.undo() } else { s.redo() });
    match result {
        Ok(Some(r)) => {
            let _ = writeln!(out, "已{what}：{}（{} 项）", r.label, r.changes.len());
            0
        }
        Ok(None) => {
            let _ = writeln!(out, "没有可{what}的修改。");
            0
        }
        Err(e) => {
            let _ = writeln!(err, "无法{what}：{e}");
            2
        }
    }
}
