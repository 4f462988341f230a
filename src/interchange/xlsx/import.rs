//! Import of .xlsx/.xls: each table is found by its title or 表号 anywhere on any sheet, its
//! columns by the 栏次 row, its rows by 行次 or 科目代码 (or the printed row name). Figures in input
//! cells become inputs; figures in computed cells become asserted (printed) figures, so the check
//! shows where the source's own totals are wrong. A file exported by Gongkai carries the workbook
//! in a hidden sheet: it is the base, and only what was changed in the visible cells is applied.
//! Size, archive expansion and parser panics are bounded; every refusal is a Chinese message.

use super::cells::*;
use super::export::DATA_SHEET;
use crate::amount::parse_amount;
use crate::engine::{CellKind, Model, UnitMeta, Workbook};
use crate::template::{Registry, TableTemplate, TemplateSet};
use calamine::{Data, Range};
use rust_decimal::Decimal;

mod tables;
use tables::*;

/// Largest file accepted.
pub const MAX_FILE: usize = 20 * 1024 * 1024;
/// Largest total expanded size of the archive's parts (a zip bomb stops here).
pub const MAX_EXPANDED: u64 = 100 * 1024 * 1024;
pub use super::sheets::{MAX_AREA, MAX_CELLS, MAX_COLS, MAX_ROWS};

/// What an import would do, for the preview; nothing is written until the caller applies it.
#[derive(Debug, Clone)]
pub struct Preview {
    pub workbook: Workbook,
    /// "公开03表：工作表「支出」第 3 行起，28 行 × 6 栏".
    pub recognised: Vec<String>,
    /// Cells that could not be placed, with their sheet and address.
    pub unrecognised: Vec<String>,
    /// Tables of the set not found in the file.
    pub missing: Vec<String>,
    /// Differences from the workbook it goes into (slots); for a new workbook, the figures read.
    pub changed: usize,
    pub from_gongkai: bool,
    /// Where each imported figure came from: (table, row, 栏次) → "工作表「Sheet1」D7".
    pub sources: std::collections::BTreeMap<(String, String, String), String>,
}

impl Preview {
    /// The Excel cell a finding's figure came from, if it was imported.
    pub fn source_of(&self, f: &crate::engine::Finding) -> Option<&str> {
        self.sources
            .get(&(f.table.clone(), f.row.clone(), f.col.clone()))
            .map(String::as_str)
    }
}

pub(super) fn col_name(mut c: u32) -> String {
    let mut s = String::new();
    c += 1;
    while c > 0 {
        let r = ((c - 1) % 26) as u8;
        s.insert(0, (b'A' + r) as char);
        c = (c - 1) / 26;
    }
    s
}

/// "B12".
pub fn address(row: u32, col: u32) -> String {
    format!("{}{}", col_name(col), row + 1)
}

/// The text of a cell (a date cell as 2024.03.14).
pub(super) fn cell_text(r: &Range<Data>, row: u32, col: u32) -> String {
    match cell(r, row, col) {
        Data::DateTime(d) if d.is_datetime() => {
            let days = d.as_f64().floor() as i64;
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| base.checked_add_signed(chrono::TimeDelta::try_days(days)?))
                .map(|x| x.format("%Y.%m.%d").to_string())
                .unwrap_or_default()
        }
        d => text(d),
    }
}

pub(super) fn norm_text(s: &str) -> String {
    norm(s)
}

pub(super) fn figure_of(r: &Range<Data>, row: u32, col: u32) -> Result<Option<Decimal>, String> {
    figure(cell(r, row, col))
}

/// One figure read: (row key, 栏次, figure, cell address).
type Entry = (String, String, Option<Decimal>, String);

#[derive(Clone, Copy, PartialEq)]
enum Key {
    RowNo,
    Code,
}

/// Reads an Excel file against `base` (the workbook it goes into; None: a new one).
pub fn import(reg: &Registry, bytes: &[u8], base: Option<&Workbook>) -> Result<Preview, String> {
    let (sheets, far_notes) = super::sheets::read_sheets(bytes)?;
    // A Gongkai export: the hidden sheet holds the workbook.
    let mut from_gongkai = false;
    let mut wb = match sheets.iter().find(|(n, _)| n == DATA_SHEET) {
        Some((_, r)) => {
            let (r0, c0, r1, _) = bounds(r);
            let json: String = (r0..r1).map(|row| text(cell(r, row, c0))).collect();
            from_gongkai = true;
            crate::interchange::json::from_json(&json)
                .map_err(|e| format!("导出时附带的工作簿数据已损坏：{e}"))?
        }
        None => match base {
            Some(b) => b.clone(),
            None => {
                let set = guess_set(reg, &sheets)
                    .ok_or("文件中没有找到任何公开表（按表名或表号查找）")?;
                Workbook::new(
                    &set.id,
                    UnitMeta {
                        name: String::new(),
                        year: set.year,
                        profile: set.region.clone(),
                    },
                )
                // (the unit's name is read from the 部门名称 line below)
            }
        },
    };
    let set = reg
        .set(&wb.template_set)
        .ok_or_else(|| format!("模板集「{}」未安装", wb.template_set))?;
    let found = locate(&sheets, set);
    let mut recognised = Vec::new();
    let mut unrecognised = far_notes;
    let form_changes = if from_gongkai {
        read_forms(reg, &sheets, &mut wb, &mut recognised, &mut unrecognised)
    } else {
        super::forms_in::read(
            reg,
            &sheets,
            &mut wb,
            &set.family,
            &mut recognised,
            &mut unrecognised,
        )
    };
    let mut missing = Vec::new();
    // Region ends: the next found table on the same sheet.
    let mut starts: Vec<(usize, u32)> = found.iter().flatten().map(|f| (f.sheet, f.row)).collect();
    starts.sort();
    let mut all: Vec<(usize, Vec<Entry>, String)> = Vec::new();
    for (ti, f) in found.iter().enumerate() {
        let t = &set.tables[ti];
        let Some(f) = f else {
            // A Gongkai export of some tables only: the others stay as the hidden workbook has them.
            if !from_gongkai {
                missing.push(format!("{} {}", t.label, t.title));
            }
            continue;
        };
        let (name, r) = &sheets[f.sheet];
        let end = starts
            .iter()
            .filter(|(s, row)| *s == f.sheet && *row > f.row)
            .map(|x| x.1)
            .min()
            .unwrap_or(bounds(r).2);
        // User-numbered rows (表十二's projects) are keyed by their 序号.
        let free = t
            .coded
            .as_ref()
            .is_some_and(|c| set.code_lists[c.code_list].free);
        let (entries, names) = read_table(
            r,
            t,
            wb.unit.year,
            (f.row, end),
            free,
            &mut unrecognised,
            name,
        );
        recognised.push(format!(
            "{} {}：工作表「{name}」第 {} 行起，{} 个数",
            t.label,
            t.title,
            f.row + 1,
            entries.iter().filter(|e| e.2.is_some()).count()
        ));
        // New 科目 rows of code-keyed tables first, so the model knows them (not for a table whose
        // 项 cells are all derived: its rows come from the tables it is derived from).
        let typed_leaf = t
            .columns
            .iter()
            .any(|c| !matches!(c.leaf, Some(crate::template::CellSpec::Formula { .. })));
        if let Some(coded) = t.coded.as_ref().filter(|_| typed_leaf) {
            let list = &set.code_lists[coded.code_list];
            for (code, name) in names {
                // Rows the table shows through rows_from need no row of their own.
                let shown = coded.rows_from.iter().any(|src| {
                    wb.tables
                        .get(src)
                        .is_some_and(|x| x.rows.contains_key(&code))
                });
                if list.is_leaf(&code) && !shown {
                    let known = list.name_of(&code).is_some();
                    let row = wb
                        .tables
                        .entry(t.id.clone())
                        .or_default()
                        .rows
                        .entry(code.clone())
                        .or_default();
                    if !known && row.name.is_none() && !name.is_empty() {
                        row.name = Some(name);
                    }
                }
            }
        }
        all.push((ti, entries, name.clone()));
    }
    // Unit name and year from the title block, for a new workbook.
    if wb.unit.name.is_empty() {
        'find: for (_, r) in &sheets {
            let (r0, c0, r1, c1) = bounds(r);
            for row in r0..r1.min(r0 + 400) {
                for col in c0..c1 {
                    let t = norm(&text(cell(r, row, col)));
                    for p in ["部门名称：", "单位名称：", "部门名称:", "单位名称:"]
                    {
                        if let Some(n) = t.strip_prefix(p) {
                            if !n.is_empty() {
                                wb.unit.name = n.to_string();
                                break 'find;
                            }
                        }
                    }
                }
            }
        }
    }
    let model = Model::build(set, &wb).map_err(|e| format!("导入的数据与模板不符：{e}"))?;
    let mut model = model;
    model.recalc();
    let mut changed = 0;
    let mut sources = std::collections::BTreeMap::new();
    for (ti, entries, sheet) in all {
        let t = &set.tables[ti];
        for (key, col, v, addr) in entries {
            if v.is_some() {
                sources.insert(
                    (t.id.clone(), key.clone(), col.clone()),
                    format!("工作表「{sheet}」{addr}"),
                );
            }
            let Some(id) = model.cell_id(&t.id, &key, &col) else {
                if v.is_some() {
                    unrecognised.push(format!(
                        "工作表「{sheet}」{addr}：{} 没有行「{key}」栏{col}",
                        t.label
                    ));
                }
                continue;
            };
            match model.cells[id as usize].kind {
                CellKind::Input => {
                    let cur = wb.value(&t.id, &key, &col);
                    let v = v
                        .filter(|d| !d.is_zero())
                        .or(if cur.is_some() && v.is_some() {
                            v
                        } else {
                            None
                        });
                    if cur.map(|d| d.normalize()) != v.map(|d| d.normalize())
                        && !(cur.is_none() && v.is_some_and(|d| d.is_zero()))
                    {
                        wb.set_value(&t.id, &key, &col, v);
                        changed += 1;
                    }
                }
                CellKind::Derived => {
                    let Some(v) = v else { continue };
                    let shown = model.value_of(id);
                    let cur = wb
                        .tables
                        .get(&t.id)
                        .and_then(|x| x.rows.get(&key))
                        .and_then(|x| x.asserted.get(&col))
                        .copied();
                    if v.normalize() != shown.normalize()
                        && cur.map(|d| d.normalize()) != Some(v.normalize())
                    {
                        wb.tables
                            .entry(t.id.clone())
                            .or_default()
                            .rows
                            .entry(key.clone())
                            .or_default()
                            .asserted
                            .insert(col.clone(), v);
                        changed += 1;
                    }
                }
                CellKind::Locked => {
                    if v.is_some_and(|d| !d.is_zero()) {
                        unrecognised.push(format!(
                            "工作表「{sheet}」{addr}：{} 行{key} 栏{col} 按规定不填（——），其中的数未导入",
                            t.label
                        ));
                    }
                }
            }
        }
    }
    // What the import would change in the workbook it goes into.
    let changed = match base {
        Some(b) => crate::engine::diff(b, &wb).len(),
        None => changed + form_changes,
    };
    Ok(Preview {
        workbook: wb,
        recognised,
        unrecognised,
        missing,
        changed,
        from_gongkai,
        sources,
    })
}

/// The 绩效 form sheets of a Gongkai export: each form is laid out again from the workbook in the
/// hidden sheet, and every bound cell whose content differs from what was exported is written
/// into the form (an entered score becomes an override, a typed 总分 the printed one). A sheet
/// whose labels no longer sit where they were exported (rows inserted or deleted) is reported
/// and left alone. Returns the number of forms changed.
fn read_forms(
    reg: &Registry,
    sheets: &[(String, Range<Data>)],
    wb: &mut Workbook,
    recognised: &mut Vec<String>,
    unrecognised: &mut Vec<String>,
) -> usize {
    use crate::layout::form::{apply, form_sheet, Bind};
    let year = wb.unit.year;
    let mut forms_changed = 0;
    let ids: Vec<String> = wb.records.keys().cloned().collect();
    for id in ids {
        let rec = &wb.records[&id];
        let Ok(s) = crate::engine::perf::read_record(reg, &id, &rec.kind, &rec.body) else {
            continue;
        };
        let name = super::export::form_sheet_name(&s.id, &s.score.name);
        let prefix = format!("{id} ");
        let Some((sname, r)) = sheets
            .iter()
            .find(|(n, _)| *n == name)
            .or_else(|| sheets.iter().find(|(n, _)| n.starts_with(&prefix)))
        else {
            continue;
        };
        let p = super::form::place(&form_sheet(&s, year));
        // The labels must be where they were written.
        let moved = p.cells.iter().find(|c| {
            c.bind.is_none()
                && c.kind == super::form::Kind::Cell
                && norm(&c.text) != norm(&text(cell(r, c.r0, c.c0 as u32)))
        });
        if let Some(c) = moved {
            // Rows were inserted or deleted by hand (indicators added in the spreadsheet): the
            // sheet is read again by its headers and labels, like a form from elsewhere, over
            // the form as the workbook has it.
            let note = format!(
                "工作表「{sname}」{}：应为「{}」，实为「{}」——版式已改动，",
                address(c.r0, c.c0 as u32),
                c.text,
                text(cell(r, c.r0, c.c0 as u32)).trim()
            );
            let (read, problems) = super::forms_in::read_sheet(r, s.template);
            let name_of = |f: &crate::engine::perf::PerfForm| {
                f.field(&s.template.name_field).trim().to_string()
            };
            if name_of(&read) != name_of(&s.form) {
                unrecognised.push(format!(
                    "{note}按标签也读不出这张表单（项目名称不符），此表单中的改动未导入"
                ));
                continue;
            }
            unrecognised.push(format!("{note}已按表头和标签重新读取"));
            for p in problems {
                unrecognised.push(format!("工作表「{sname}」：{p}"));
            }
            let merged = merge_read(&s, read);
            if merged != s.form {
                recognised.push(format!(
                    "{id} {}：工作表「{sname}」按表头和标签读取（{} 个指标）",
                    s.score.name,
                    merged.indicators.len()
                ));
                if let Some(rec) = wb.records.get_mut(&id) {
                    rec.body = merged.to_json();
                }
                forms_changed += 1;
            }
            continue;
        }
        let mut form = s.form.clone();
        let mut edits = 0;
        for c in p.cells.iter().filter(|c| c.bind.is_some()) {
            let Some(bind) = &c.bind else { continue };
            let d = cell(r, c.r0, c.c0 as u32);
            let at = address(c.r0, c.c0 as u32);
            let (same, new_text) = if c.number {
                let was = parse_amount(&c.text).ok().flatten().map(|x| x.normalize());
                match figure(d) {
                    Ok(v) => (
                        v.map(|x| x.normalize()) == was,
                        v.map(|x| x.normalize().to_string()).unwrap_or_default(),
                    ),
                    Err(t) => {
                        unrecognised.push(format!("工作表「{sname}」{at}：{t}，未导入"));
                        continue;
                    }
                }
            } else {
                let t = text(d);
                (norm(&t) == norm(&c.text), t.trim().to_string())
            };
            if same {
                continue;
            }
            if *bind == Bind::Derived {
                unrecognised.push(format!(
                    "工作表「{sname}」{at}：「{}」由其他数据算出，改动未导入",
                    c.text
                ));
                continue;
            }
            match apply(&mut form, bind, &new_text) {
                Ok(()) => edits += 1,
                Err(e) => unrecognised.push(format!("工作表「{sname}」{at}：{e}")),
            }
        }
        if edits > 0 {
            if let Some(rec) = wb.records.get_mut(&id) {
                rec.body = form.to_json();
            }
            forms_changed += 1;
            recognised.push(format!(
                "{id} {}：工作表「{sname}」，{edits} 处改动",
                s.score.name
            ));
        }
    }
    forms_changed
}

/// A form read back by its labels, laid over the form as the workbook has it: what the sheet
/// shows replaces it (the indicator list, filled fields, figures, 评价人员), what the sheet cannot
/// show is kept (the 评分口径, a chosen 达成情况), and figures equal to what the export printed as
/// computed or suggested (总分, 执行率得分, block and indicator scores) are not taken as typed.
pub(super) fn merge_read(
    s: &crate::engine::perf::Scored,
    read: crate::engine::perf::PerfForm,
) -> crate::engine::perf::PerfForm {
    let sc = &s.score;
    let mut f = s.form.clone();
    for (k, v) in read.fields {
        f.fields.insert(k, v);
    }
    for (k, v) in read.money {
        f.money.insert(k, v);
    }
    // The 执行率 the export printed is computed; only a different text is a printed one.
    let shown_rate = sc
        .rate
        .map(|r| format!("{}%", crate::amount::format_amount(r, 2)));
    if !read.rate_text.is_empty() && Some(&read.rate_text) != shown_rate.as_ref() {
        f.rate_text = read.rate_text;
    }
    if let Some(v) = read.rate_score.filter(|v| Some(*v) != Some(sc.rate_score)) {
        f.rate_score = Some(v);
    }
    for (l1, v) in read.blocks {
        let shown = sc.blocks.iter().find(|b| b.level1 == l1).map(|b| b.score);
        if Some(v) != shown || f.blocks.contains_key(&l1) {
            f.blocks.insert(l1, v);
        }
    }
    if let Some(v) = read.printed_total.filter(|v| *v != sc.total) {
        f.printed_total = Some(v);
    }
    if !read.reviewers.is_empty() {
        f.reviewers = read.reviewers;
    }
    f.indicators = read
        .indicators
        .into_iter()
        .map(|mut ind| {
            let old = s
                .form
                .indicators
                .iter()
                .enumerate()
                .find(|(_, o)| o.level1 == ind.level1 && o.name == ind.name);
            if let Some((i, o)) = old {
                ind.judgement = o.judgement.clone();
                let shown = sc
                    .indicators
                    .iter()
                    .find(|x| x.index == i)
                    .and_then(|x| x.entered.or(x.suggested));
                if o.score.is_none() && ind.score == shown {
                    ind.score = None;
                }
                if o.weight.is_none()
                    && ind.weight.is_some()
                    && ind.weight
                        == sc
                            .indicators
                            .iter()
                            .find(|x| x.index == i)
                            .map(|x| crate::amount::round_half_up(x.weight, 2))
                {
                    ind.weight = None;
                }
            }
            ind
        })
        .collect();
    f
}
