//! Finding the 公开表 in a spreadsheet (by title and 表号), the set they belong to, and reading
//! one table's figures by its 行次/科目代码 rows and 栏次 columns.

use super::*;

/// Where a table sits on a sheet.
pub(super) struct Found {
    pub(super) sheet: usize,
    pub(super) row: u32,
}

/// Finds tables by title (year prefix ignored) or 表号 label.
pub(super) fn locate(sheets: &[(String, Range<Data>)], set: &TemplateSet) -> Vec<Option<Found>> {
    let mut out: Vec<Option<Found>> = set.tables.iter().map(|_| None).collect();
    // Titles and 表号 normalised once, not once per cell (a sheet may hold a million cells).
    let keys: Vec<(String, String)> = set
        .tables
        .iter()
        .map(|t| (norm(&t.title), norm(&t.label)))
        .collect();
    for (si, (_, r)) in sheets.iter().enumerate() {
        let (r0, _, _, _) = bounds(r);
        // Only text cells can be a title; used_cells runs row by row, as the first match must.
        for (row, _, d) in r.used_cells() {
            let Data::String(s) = d else { continue };
            if s.len() > 360 {
                continue;
            }
            let t = norm(s);
            if t.is_empty() || t.len() > 120 {
                continue;
            }
            let bare = strip_year(&t);
            for (ti, (title, label)) in keys.iter().enumerate() {
                if out[ti].is_none() && (bare == title || t == *label) {
                    // A label right under the title belongs to the same table.
                    out[ti] = Some(Found {
                        sheet: si,
                        row: r0 + row as u32,
                    });
                }
            }
            if out.iter().all(Option::is_some) {
                return out;
            }
        }
    }
    out
}

/// Reads one table region into (row key, 栏次, figure, address) entries.
pub(super) fn read_table(
    r: &Range<Data>,
    tpl: &TableTemplate,
    year: i32,
    (from, to): (u32, u32),
    free: bool,
    unrecognised: &mut Vec<String>,
    sheet: &str,
) -> (Vec<Entry>, Vec<(String, String)>) {
    let (_, c0, _, c1) = bounds(r);
    // The 栏次 row: "栏次" followed by column numbers.
    let mut cols: Vec<(u32, String)> = Vec::new();
    let mut keys: Vec<(u32, Key)> = Vec::new();
    let mut body_from = from + 1;
    for row in from..to {
        let texts: Vec<String> = (c0..c1).map(|c| norm(&text(cell(r, row, c)))).collect();
        for (i, t) in texts.iter().enumerate() {
            let c = c0 + i as u32;
            if t == "行次" && !keys.iter().any(|k| k.0 == c) {
                keys.push((c, Key::RowNo));
            }
            if (t == "科目代码"
                || t == "科目编码"
                || t.ends_with("科目编码")
                || t == "功能分类科目编码"
                || (free && (t == "序号" || t == "项目编号" || t == "编号")))
                && !keys.iter().any(|k| k.0 == c)
            {
                keys.push((c, Key::Code));
            }
        }
        if texts.iter().any(|t| t == "栏次") {
            for (i, t) in texts.iter().enumerate() {
                if !t.is_empty()
                    && t.chars().all(|c| c.is_ascii_digit())
                    && t.len() <= 3
                    && tpl.col_index(t).is_some()
                {
                    cols.push((c0 + i as u32, t.clone()));
                }
            }
            body_from = row + 1;
            break;
        }
    }
    let t = tpl;
    let mut entries = Vec::new();
    let mut names = Vec::new();
    // No 栏次 label: a header row of bare column numbers (1 2 3 …), else the column labels.
    if cols.is_empty() {
        for row in from..to.min(from + 10) {
            let texts: Vec<(u32, String)> = (c0..c1)
                .map(|c| (c, norm(&text(cell(r, row, c)))))
                .filter(|x| !x.1.is_empty())
                .collect();
            // All bare numbers, at least two of them this table's 栏次 (a leading "1" may
            // number the 项目名称 column, as 预算公开表12 prints it).
            let digits = texts.len() >= 2
                && texts
                    .iter()
                    .all(|(_, t)| t.len() <= 3 && t.chars().all(|c| c.is_ascii_digit()));
            let known: Vec<(u32, String)> = texts
                .iter()
                .filter(|(_, t)| tpl.col_index(t).is_some())
                .cloned()
                .collect();
            if digits && known.len() >= 2 {
                cols = known;
                body_from = row + 1;
                break;
            }
        }
    }
    if cols.is_empty() {
        for row in from + 1..to.min(from + 10) {
            let mut hit = false;
            let earlier = cols.clone();
            for c in c0..c1 {
                let v = norm(&text(cell(r, row, c)));
                if let Some(col) = tpl.columns.iter().find(|x| {
                    !v.is_empty() && norm(&x.label.replace("{year}", &year.to_string())) == v
                }) {
                    // Merged headers: a lower row names a column more exactly (预算公开表4's
                    // 金额 over 小计 / 一般公共预算 …), so it replaces the label above it. A
                    // column number already placed elsewhere on an earlier row is not placed
                    // again (a body row's 合计 label is not a header); on one row a label may
                    // repeat (公开06表 prints its 科目/决算数 pairs side by side).
                    if let Some(k) = cols.iter().position(|(pc, _)| *pc == c) {
                        if earlier.iter().any(|(pc, _)| *pc == c) {
                            cols[k].1 = col.no.clone();
                            hit = true;
                        }
                    } else if !earlier.iter().any(|(_, no)| *no == col.no) {
                        cols.push((c, col.no.clone()));
                        hit = true;
                    }
                }
            }
            // Merged headers put the labels on several rows: keep looking below the first.
            if hit {
                body_from = row + 1;
            } else if !cols.is_empty() {
                break;
            }
        }
    }
    if cols.is_empty() {
        unrecognised.push(format!(
            "工作表「{sheet}」：{} 没有找到栏次行，无法对应各栏",
            t.label
        ));
        return (entries, names);
    }
    let single_row = t.rows.iter().filter(|x| !x.cells.is_empty()).count() == 1 && keys.is_empty();
    for row in body_from..to {
        let first = norm(&text(cell(r, row, c0)));
        if first.starts_with("注") || first.starts_with("说明") {
            break;
        }
        let mut cur: Option<String> = if single_row {
            t.rows
                .iter()
                .find(|x| !x.cells.is_empty())
                .map(|x| x.key.clone())
        } else {
            None
        };
        let mut label_text = String::new();
        for c in c0..c1 {
            let d = cell(r, row, c);
            if let Some((_, k)) = keys.iter().find(|k| k.0 == c) {
                let v = norm(&text(d));
                cur = match k {
                    Key::RowNo if !v.is_empty() && v.chars().all(|x| x.is_ascii_digit()) => Some(v),
                    Key::Code if !v.is_empty() && v.chars().all(|x| x.is_ascii_digit()) => {
                        // A user-numbered row: "1" is project 01.
                        let v = if free && v.len() < 2 {
                            format!("{v:0>2}")
                        } else {
                            v
                        };
                        let name = norm(&text(cell(r, row, c + 1)));
                        names.push((v.clone(), name));
                        Some(v)
                    }
                    Key::Code if v == "合计" => Some("合计".into()),
                    _ => None,
                };
                label_text.clear();
                continue;
            }
            if let Some((_, no)) = cols.iter().find(|x| x.0 == c) {
                let key = match &cur {
                    Some(k) => Some(k.clone()),
                    // Rows printed without a 行次 (合计, 人员经费合计): by their printed name.
                    None => t
                        .rows
                        .iter()
                        .find(|x| !label_text.is_empty() && norm(&x.label) == label_text)
                        .map(|x| x.key.clone()),
                };
                match figure(d) {
                    Ok(v) => {
                        if let Some(k) = key {
                            entries.push((k, no.clone(), v, address(row, c)));
                        } else if v.is_some() {
                            unrecognised.push(format!(
                                "工作表「{sheet}」{}：{} 的这一行无法对应（没有行次或科目代码）",
                                address(row, c),
                                t.label
                            ));
                        }
                    }
                    Err(bad) => {
                        unrecognised.push(format!("工作表「{sheet}」{}：{bad}", address(row, c)))
                    }
                }
                continue;
            }
            let v = norm(&text(d));
            if !v.is_empty() {
                label_text = v.clone();
                if v == "合计" && cur.is_none() {
                    cur = Some("合计".into());
                }
            }
        }
    }
    (entries, names)
}

/// Picks the template set whose tables the file shows most.
pub(super) fn guess_set<'r>(
    reg: &'r Registry,
    sheets: &[(String, Range<Data>)],
) -> Option<&'r TemplateSet> {
    // The year printed in a title ("2023年度支出决算表") or a 年度 cell decides between versions.
    let mut year: Option<i32> = None;
    'scan: for (_, r) in sheets {
        let (r0, c0, r1, c1) = bounds(r);
        for row in r0..r1.min(r0 + 60) {
            for col in c0..c1 {
                let t = norm(&text(cell(r, row, col)));
                let b = t.as_bytes();
                if b.len() >= 7 && b[..4].iter().all(u8::is_ascii_digit) && t[4..].starts_with("年")
                {
                    year = t[..4].parse().ok();
                    break 'scan;
                }
            }
        }
    }
    reg.sets
        .iter()
        .map(|s| (locate(sheets, s).iter().filter(|f| f.is_some()).count(), s))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, s)| (*n, Some(s.year) == year, s.year))
        .map(|x| x.1)
}
