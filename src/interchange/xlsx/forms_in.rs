//! 绩效 forms from other people's spreadsheets: a project lead's 自评表 or 目标表 filled in Excel.
//! A form is found by its title anywhere on a sheet (the form template's title, year words
//! ignored); inside it everything is found by the template's own labels — header and text fields
//! by their label cell (value in the cell itself after "：" or in the next filled cell to the
//! right), the money block by its column labels and row labels, the indicator grid by its column
//! headers (一级/二级 carried down through merged cells, "产出指标（50分）" read as 产出指标),
//! 总分, the 执行率 row and 评价人员. Nothing is read by position. A form whose project already has
//! a form of the same family in the workbook replaces it; otherwise it is added.

use super::import::{address, cell_text, figure_of, norm_text};
use crate::engine::perf::{FormTemplate, Indicator, PerfForm, Reviewer};
use crate::engine::Workbook;
use crate::template::Registry;
use calamine::{Data, Range};

/// One form's rows on a sheet.
struct Region<'a> {
    r: &'a Range<Data>,
    rows: std::ops::Range<u32>,
    cols: std::ops::Range<u32>,
}

impl Region<'_> {
    fn text(&self, row: u32, col: u32) -> String {
        cell_text(self.r, row, col)
    }
    fn norm(&self, row: u32, col: u32) -> String {
        norm_text(&self.text(row, col))
    }
    /// The next filled cell right of (row, col).
    fn right_of(&self, row: u32, col: u32) -> Option<u32> {
        (col + 1..self.cols.end).find(|c| !self.norm(row, *c).is_empty())
    }
    fn find_all(&self, pred: impl Fn(&str) -> bool) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for row in self.rows.clone() {
            for col in self.cols.clone() {
                if pred(&self.norm(row, col)) {
                    out.push((row, col));
                }
            }
        }
        out
    }
}

/// A title without its year words: "{year}年度部门（单位）整体支出绩效自评表" → "部门（单位）整体支出绩效自评表".
fn bare_title(t: &FormTemplate) -> String {
    norm_text(
        &t.title
            .replace("{year}年度", "")
            .replace("{year}年", "")
            .replace("{year}", ""),
    )
}

/// "产出指标（50分）" → "产出指标".
fn strip_points(s: &str) -> String {
    let cut = s.find(['（', '(']).unwrap_or(s.len());
    s[..cut].trim().to_string()
}

fn same_label(cell: &str, label: &str) -> bool {
    let strip = |s: &str| -> String {
        norm_text(s)
            .chars()
            .filter(|c| !"/／:：".contains(*c))
            .collect()
    };
    let (c, l) = (strip(cell), strip(label));
    !c.is_empty() && (c == l || c.trim_start_matches("其中") == l.trim_start_matches("其中"))
}

/// Reads every foreign 绩效 form on the sheets into `wb`. Returns the number of forms added or
/// replaced; what was read goes to `recognised`, what could not be to `unrecognised`.
pub(super) fn read(
    reg: &Registry,
    sheets: &[(String, Range<Data>)],
    wb: &mut Workbook,
    set_family: &str,
    recognised: &mut Vec<String>,
    unrecognised: &mut Vec<String>,
) -> usize {
    let templates = crate::engine::perf::templates_for(reg, set_family);
    let titles: Vec<(String, usize, &FormTemplate)> = templates
        .iter()
        .map(|t| {
            let b = bare_title(t);
            (b.clone(), b.chars().count(), *t)
        })
        .collect();
    let mut n = 0;
    // Forms this import wrote: a second form of the same project in the same file (the seed's
    // two 帮扶就业 sheets) is added beside the first, not over it.
    let mut written: Vec<String> = Vec::new();
    for (sname, r) in sheets {
        let Some((r0, c0)) = r.start() else { continue };
        let (h, w) = r.get_size();
        let (r1, c1) = (r0 + h as u32, (c0 + w as u32).min(c0 + 80));
        // Title cells: the longest template title the cell's text contains.
        let mut starts: Vec<(u32, &FormTemplate)> = Vec::new();
        for row in r0..r1.min(r0 + 5000) {
            for col in c0..c1 {
                let t = norm_text(&cell_text(r, row, col));
                if t.is_empty() || t.chars().count() > 60 {
                    continue;
                }
                let best = titles
                    .iter()
                    .filter(|(b, n, _)| t.contains(b.as_str()) && t.chars().count() <= n + 16)
                    .max_by_key(|(_, n, _)| *n);
                if let Some((_, _, tp)) = best {
                    starts.push((row, tp));
                }
            }
        }
        for (i, (row, t)) in starts.iter().enumerate() {
            let end = starts.get(i + 1).map(|x| x.0).unwrap_or(r1);
            // Ledgers (基础数据表) are not read from other programs' files: reading one would
            // replace the stored ledger with an empty one.
            if !t.ledgers.is_empty() {
                unrecognised.push(format!(
                    "工作表「{sname}」{}：基础数据表不从其他程序的文件读取（请在 Gongkai 中填写），未导入",
                    t.title.replace("{year}", "")
                ));
                continue;
            }
            let reg_ = Region {
                r,
                rows: *row + 1..end,
                cols: c0..c1,
            };
            let (form, problems) = read_form(&reg_, t);
            for p in problems {
                unrecognised.push(format!(
                    "工作表「{sname}」{}：{p}",
                    t.title.replace("{year}", "")
                ));
            }
            let name = form.field(&t.name_field).trim().to_string();
            if !t.name_field.is_empty() && name.is_empty() {
                unrecognised.push(format!(
                    "工作表「{sname}」{}（第 {} 行起）：没有找到项目名称，未导入",
                    t.title.replace("{year}", ""),
                    row + 1
                ));
                continue;
            }
            // The same project's form of the same family is replaced; otherwise a new one.
            let existing = wb
                .records
                .iter()
                .filter(|(id, _)| !written.contains(id))
                .find(|(_, rec)| {
                    reg.form(&rec.kind).is_some_and(|o| o.family == t.family)
                        && PerfForm::from_json(&rec.body).is_ok_and(|f| {
                            f.field(&t.name_field).trim() == name || t.name_field.is_empty()
                        })
                })
                .map(|(id, _)| id.clone());
            let (id, verb) = match existing {
                Some(id) => (id, "更新"),
                None => (crate::engine::perf::next_id(wb, t), "新增"),
            };
            // Over the stored form of the same kind: what the sheet cannot show (评分口径, a
            // chosen 达成情况, ledgers) is kept.
            let form = match wb.records.get(&id) {
                Some(old) if old.kind == t.id => {
                    match crate::engine::perf::read_record(reg, &id, &old.kind, &old.body) {
                        Ok(s) => super::import::merge_read(&s, form),
                        Err(_) => form,
                    }
                }
                _ => form,
            };
            let rec = crate::engine::Record {
                kind: t.id.clone(),
                body: form.to_json(),
            };
            recognised.push(format!(
                "{verb}表单「{id}」{name}：工作表「{sname}」{} 起，{} 个指标",
                address(*row, c0),
                form.indicators.len()
            ));
            written.push(id.clone());
            wb.records.insert(id, rec);
            n += 1;
        }
    }
    n
}

/// One form of template `t` read by its labels from a whole sheet (below its title, when the
/// title is there): for a Gongkai form sheet whose rows were inserted or deleted by hand.
pub(super) fn read_sheet(r: &Range<Data>, t: &FormTemplate) -> (PerfForm, Vec<String>) {
    let Some((r0, c0)) = r.start() else {
        return (PerfForm::default(), vec!["工作表是空的".into()]);
    };
    let (h, w) = r.get_size();
    let (r1, c1) = (r0 + h as u32, (c0 + w as u32).min(c0 + 80));
    let title = bare_title(t);
    let start = (r0..r1.min(r0 + 50))
        .find(|row| (c0..c1).any(|col| norm_text(&cell_text(r, *row, col)).contains(&title)))
        .map(|row| row + 1)
        .unwrap_or(r0);
    read_form(
        &Region {
            r,
            rows: start..r1,
            cols: c0..c1,
        },
        t,
    )
}

fn read_form(g: &Region, t: &FormTemplate) -> (PerfForm, Vec<String>) {
    let mut f = PerfForm::default();
    let mut problems = Vec::new();
    let labels: Vec<String> = t.fields.iter().map(|x| norm_text(&x.label)).collect();
    let is_label = |s: &str| {
        labels.iter().any(|l| same_label(s, l))
            || ["总分", "自评等级", "等级", "得分"].contains(&s)
            || (!t.rate_label.is_empty() && same_label(s, &t.rate_label))
    };
    // Fields: the k-th field with a label takes the k-th cell carrying it.
    let mut used: std::collections::HashMap<String, usize> = Default::default();
    for fd in &t.fields {
        let l = norm_text(&fd.label);
        let hits = g.find_all(|c| {
            same_label(c, &l)
                || c.strip_prefix(l.as_str())
                    .is_some_and(|x| x.starts_with('：') || x.starts_with(':'))
        });
        let k = used.entry(l.clone()).or_insert(0);
        let Some(&(row, col)) = hits.get(*k) else {
            continue;
        };
        *k += 1;
        let own = g.norm(row, col);
        let inline = own
            .strip_prefix(l.as_str())
            .map(|x| x.trim_start_matches(['：', ':']).to_string())
            .filter(|x| !x.is_empty());
        let value = match inline {
            Some(v) => Some(v),
            None => g.right_of(row, col).and_then(|c| {
                let v = g.norm(row, c);
                (!is_label(&v)).then(|| g.text(row, c).trim().to_string())
            }),
        };
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            f.fields.insert(fd.key.clone(), v);
        }
    }
    // Money block.
    if let Some(m) = &t.money {
        let mut header: Option<(u32, Vec<(String, u32)>)> = None;
        for row in g.rows.clone() {
            let cols: Vec<(String, u32)> = m
                .columns
                .iter()
                .filter_map(|c| {
                    let short = strip_points(&c.label);
                    g.cols
                        .clone()
                        .find(|col| {
                            let t = g.norm(row, *col);
                            same_label(&t, &c.label)
                                || (!short.is_empty() && strip_points(&t) == short)
                        })
                        .map(|col| (c.key.clone(), col))
                })
                .collect();
            if cols.len() >= 2 {
                header = Some((row, cols));
                break;
            }
        }
        match header {
            None => problems.push("没有找到资金栏目（项目预算金额等）".to_string()),
            Some((hrow, cols)) => {
                let first_money = cols.iter().map(|x| x.1).min().unwrap_or(g.cols.start);
                let mut lines: Vec<(String, String)> = vec![
                    (String::new(), m.total_label.clone()),
                    (String::new(), "合计".into()),
                ];
                for sp in &m.splits {
                    for r in &sp.rows {
                        lines.push((format!("/{}", r.key), r.label.clone()));
                    }
                }
                for row in hrow + 1..(hrow + 12).min(g.rows.end) {
                    let label = (g.cols.start..first_money)
                        .map(|c| g.norm(row, c))
                        .find(|t| !t.is_empty())
                        .unwrap_or_default();
                    let Some((suffix, _)) = lines
                        .iter()
                        .find(|(_, l)| !l.is_empty() && same_label(&label, l))
                    else {
                        continue;
                    };
                    for (key, col) in &cols {
                        let at = address(row, *col);
                        match figure_of(g.r, row, *col) {
                            Ok(Some(v)) => {
                                f.money.insert(format!("{key}{suffix}"), v);
                            }
                            Ok(None) => {}
                            Err(t) => problems.push(format!("{at}{t}，未导入")),
                        }
                    }
                }
            }
        }
    }
    // 执行率 row: the printed rate text and its score.
    if !t.rate_label.is_empty() {
        if let Some(&(row, col)) = g.find_all(|c| same_label(c, &t.rate_label)).first() {
            let mut c = col;
            while let Some(next) = g.right_of(row, c) {
                let v = g.norm(row, next);
                if v.contains('%') && f.rate_text.is_empty() {
                    f.rate_text = v.trim_start_matches("预算执行率").to_string();
                } else if v == "得分" {
                    if let Some(sc) = g.right_of(row, next) {
                        if let Ok(Some(d)) = figure_of(g.r, row, sc) {
                            f.rate_score = Some(d);
                        }
                    }
                }
                c = next;
            }
        }
    }
    // Indicator grid.
    if let Some(spec) = &t.indicators {
        let mut header: Option<(u32, Vec<(String, u32)>)> = None;
        for row in g.rows.clone() {
            let cols: Vec<(String, u32)> = spec
                .columns
                .iter()
                .filter_map(|name| {
                    g.cols
                        .clone()
                        .find(|col| same_label(&g.norm(row, *col), name))
                        .map(|col| (name.clone(), col))
                })
                .collect();
            if cols.len() >= 3 && cols.iter().any(|(n, _)| n.contains("三级")) {
                header = Some((row, cols));
                break;
            }
        }
        match header {
            None => problems.push("没有找到指标表头（一级指标、二级指标、三级指标…）".to_string()),
            Some((hrow, cols)) => {
                let col = |kw: &str| cols.iter().find(|(n, _)| n.contains(kw)).map(|x| x.1);
                let (c1, c2, c3) = (col("一级"), col("二级"), col("三级"));
                let c_period = col("实施期");
                let c_target = cols
                    .iter()
                    .find(|(n, _)| n.contains("指标值") && !n.contains("实施期"))
                    .map(|x| x.1);
                let c_reason = col("原因");
                let c_actual = cols
                    .iter()
                    .find(|(n, _)| n.contains("完成") && !n.contains("原因"))
                    .map(|x| x.1);
                let c_weight = col("分值");
                let c_score = col("得分");
                let block = spec.granularity == "block";
                let (mut l1, mut l2) = (String::new(), String::new());
                let mut blank_run = 0;
                for row in hrow + 1..g.rows.end {
                    let get = |c: Option<u32>| {
                        c.map(|c| g.text(row, c).trim().to_string())
                            .unwrap_or_default()
                    };
                    let first = (g.cols.start..g.cols.end)
                        .map(|c| g.norm(row, c))
                        .find(|t| !t.is_empty())
                        .unwrap_or_default();
                    if first.is_empty() {
                        blank_run += 1;
                        if blank_run >= 2 {
                            break;
                        }
                        continue;
                    }
                    blank_run = 0;
                    // The grid ends at 总分, a field label or the footnote.
                    if first.starts_with("总分")
                        || first.starts_with("合计")
                        || labels.iter().any(|l| same_label(&first, l))
                        || (!t.footnote.is_empty() && first.starts_with("总分设置"))
                    {
                        break;
                    }
                    let new1 = strip_points(&get(c1));
                    if !new1.is_empty() {
                        if new1 != l1 {
                            l2.clear();
                        }
                        l1 = new1;
                        if block {
                            if let Some(c) = c_score {
                                match figure_of(g.r, row, c) {
                                    Ok(Some(d)) => {
                                        f.blocks.insert(l1.clone(), d);
                                    }
                                    Ok(None) => {}
                                    Err(t) => problems.push(format!(
                                        "{}{t}（此格应填分数），未导入",
                                        address(row, c)
                                    )),
                                }
                            }
                        }
                    }
                    let new2 = get(c2);
                    if !new2.is_empty() {
                        l2 = new2;
                    }
                    let name = get(c3);
                    let target = get(c_target);
                    if name.is_empty() && target.is_empty() {
                        continue;
                    }
                    let mut ind = Indicator {
                        level1: l1.clone(),
                        level2: l2.clone(),
                        name,
                        target,
                        period_target: get(c_period),
                        actual: get(c_actual),
                        reason: get(c_reason),
                        ..Default::default()
                    };
                    for (c, slot) in [(c_weight, 0), (if block { None } else { c_score }, 1)] {
                        let Some(c) = c else { continue };
                        match figure_of(g.r, row, c) {
                            Ok(v) => {
                                if slot == 0 {
                                    ind.weight = v;
                                } else {
                                    ind.score = v;
                                }
                            }
                            Err(t) => problems
                                .push(format!("{}{t}（此格应填分数），未导入", address(row, c))),
                        }
                    }
                    f.indicators.push(ind);
                }
            }
        }
    }
    // 总分 as printed.
    if t.indicators.as_ref().is_some_and(|i| i.scored) {
        if let Some(&(row, col)) = g.find_all(|c| c == "总分").first() {
            if let Some(c) = g.right_of(row, col) {
                if let Ok(Some(d)) = figure_of(g.r, row, c) {
                    f.printed_total = Some(d);
                }
            }
        }
    }
    // 评价人员.
    if let Some(rv) = &t.reviewers {
        if let Some(&(row, col)) = g.find_all(|c| same_label(c, &rv.title)).first() {
            let cols: Vec<(String, u32)> = rv
                .columns
                .iter()
                .filter_map(|name| {
                    (col + 1..g.cols.end)
                        .find(|c| same_label(&g.norm(row, *c), name))
                        .map(|c| (name.clone(), c))
                })
                .collect();
            let mut role = String::new();
            for r in row + 1..(row + 30).min(g.rows.end) {
                let cell = g.norm(r, col);
                if !cell.is_empty() {
                    if rv.roles.iter().any(|x| norm_text(x) == cell) {
                        role = rv
                            .roles
                            .iter()
                            .find(|x| norm_text(x) == cell)
                            .cloned()
                            .unwrap_or_default();
                    } else {
                        break;
                    }
                }
                if role.is_empty() {
                    continue;
                }
                use crate::layout::form::RevCol;
                let get = |want: RevCol| {
                    cols.iter()
                        .find(|(n, _)| RevCol::of(n) == Some(want))
                        .map(|(_, c)| g.text(r, *c).trim().to_string())
                        .unwrap_or_default()
                };
                let p = Reviewer {
                    role: role.clone(),
                    name: get(RevCol::Name),
                    title: get(RevCol::Title),
                    unit: get(RevCol::Unit),
                };
                if !(p.name.is_empty() && p.title.is_empty() && p.unit.is_empty()) {
                    f.reviewers.push(p);
                }
            }
        }
    }
    (f, problems)
}
