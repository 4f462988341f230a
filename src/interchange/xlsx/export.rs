//! Export to .xlsx in the official layout: one sheet per table (title, 表号/部门/年度/单位 line, the
//! merged header, 行次/栏次, figures with two decimals and thousands separators, "——", the 注),
//! print setup (A4, orientation, header rows repeated, fit to width); one sheet per 绩效 form; and
//! a hidden sheet holding the workbook itself, so an exported file imports back exactly.

use crate::engine::{CellKind, Model, Workbook};
use crate::layout::{sheet, Align, SheetCell};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook as Xlsx, Worksheet};

/// Name of the hidden sheet with the workbook JSON.
pub const DATA_SHEET: &str = "gongkai-data";
/// Excel's cell limit is 32,767 characters: the JSON is split across cells of one column.
const CHUNK: usize = 30_000;

fn err(e: rust_xlsxwriter::XlsxError) -> String {
    format!("无法写出 Excel：{e}")
}

fn f64_of(d: rust_decimal::Decimal) -> f64 {
    // The file format stores numbers as doubles; two-decimal 万元 figures survive exactly as text.
    d.to_string().parse::<f64>().unwrap_or(0.0)
}

/// Sheet name: the table label ("公开01表"), unique and within Excel's 31 characters.
fn sheet_name(s: &str) -> String {
    s.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// The sheet of one 绩效 form: its id and name, within Excel's limits.
pub fn form_sheet_name(id: &str, name: &str) -> String {
    sheet_name(&format!("{id} {name}"))
}

/// The workbook as .xlsx bytes.
pub fn export(
    model: &Model,
    wb: &Workbook,
    forms: &[crate::engine::perf::Scored],
) -> Result<Vec<u8>, String> {
    export_part(model, wb, forms, &crate::layout::Part::All)
}

/// Only the tables and forms of `part` (all, tables, table:公开05表, attachments, form:NAME) as
/// visible sheets; the hidden sheet always carries the whole workbook, so the file imports back
/// and only what was edited in the visible sheets changes.
pub fn export_part(
    model: &Model,
    wb: &Workbook,
    forms: &[crate::engine::perf::Scored],
    part: &crate::layout::Part,
) -> Result<Vec<u8>, String> {
    if *part == crate::layout::Part::Narrative {
        return Err("情况说明不导出为 Excel（请导出 PDF）".into());
    }
    let tables = part.tables(model.set)?;
    let forms = part.forms(forms)?;
    let mut x = Xlsx::new();
    let font = "宋体";
    let border = Format::new()
        .set_border(FormatBorder::Thin)
        .set_font_name(font)
        .set_font_size(10)
        .set_text_wrap();
    let head = border
        .clone()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let left = border.clone().set_align(FormatAlign::VerticalCenter);
    let num = border
        .clone()
        .set_num_format("#,##0.00")
        .set_align(FormatAlign::Right);
    let center = border.clone().set_align(FormatAlign::Center);
    let title = Format::new()
        .set_font_name("黑体")
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let plain = Format::new().set_font_name(font).set_font_size(10);
    let right = plain.clone().set_align(FormatAlign::Right);
    for &ti in &tables {
        let t = &model.set.tables[ti];
        let sh = sheet(model, ti);
        let ncol = sh.widths.len().max(1) as u16;
        let ws: &mut Worksheet = x.add_worksheet();
        ws.set_name(sheet_name(&t.label)).map_err(err)?;
        ws.set_paper_size(9);
        if t.landscape {
            ws.set_landscape();
        }
        ws.set_print_fit_to_pages(1, 0);
        for (c, w) in sh.widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w as f64 / 2.2).max(4.0))
                .map_err(err)?;
        }
        ws.merge_range(0, 0, 0, ncol - 1, &t.title, &title)
            .map_err(err)?;
        ws.write_string_with_format(1, 0, &t.label, &plain)
            .map_err(err)?;
        let owner = t.owner();
        if ncol > 2 {
            ws.write_string_with_format(
                1,
                1,
                format!("{owner}：{}  {}年度", wb.unit.name, wb.unit.year),
                &plain,
            )
            .map_err(err)?;
        }
        let unit = t.unit_text();
        ws.write_string_with_format(1, ncol - 1, unit, &right)
            .map_err(err)?;
        let top = 2u32;
        for h in &sh.header {
            let (r0, c0) = (top + h.row as u32, h.col as u16);
            let (r1, c1) = (r0 + h.rowspan as u32 - 1, c0 + h.colspan as u16 - 1);
            if r0 == r1 && c0 == c1 {
                ws.write_string_with_format(r0, c0, &h.text, &head)
                    .map_err(err)?;
            } else {
                ws.merge_range(r0, c0, r1, c1, &h.text, &head)
                    .map_err(err)?;
            }
        }
        let body = top + sh.header_rows as u32;
        if sh.header_rows > 0 {
            ws.set_repeat_rows(top, body - 1).map_err(err)?;
        }
        for (r, row) in sh.rows.iter().enumerate() {
            let rr = body + r as u32;
            if row.heading {
                let text = row.cells.iter().find_map(|c| match c {
                    SheetCell::Text(s, _) => Some(s.clone()),
                    _ => None,
                });
                ws.merge_range(rr, 0, rr, ncol - 1, &text.unwrap_or_default(), &left)
                    .map_err(err)?;
                continue;
            }
            for (c, cell) in row.cells.iter().enumerate() {
                let c = c as u16;
                match cell {
                    SheetCell::Blank => {
                        ws.write_blank(rr, c, &border).map_err(err)?;
                    }
                    SheetCell::Text(s, a) => {
                        let f = match a {
                            Align::Center => &center,
                            _ => &left,
                        };
                        ws.write_string_with_format(rr, c, s, f).map_err(err)?;
                    }
                    SheetCell::Cell(id) => {
                        let info = &model.cells[*id as usize];
                        if info.kind == CellKind::Locked {
                            ws.write_string_with_format(rr, c, "——", &center)
                                .map_err(err)?;
                            continue;
                        }
                        let v = model.value_of(*id);
                        // A typed 0 is a figure (0.00), not a blank: it comes back as typed.
                        let typed = info.kind == CellKind::Input && {
                            let tt = &model.set.tables[info.table];
                            wb.value(
                                &tt.id,
                                &model.tables[info.table].rows[info.row].key,
                                &tt.columns[info.col].no,
                            )
                            .is_some()
                        };
                        if v.is_zero() && !typed {
                            ws.write_blank(rr, c, &num).map_err(err)?;
                        } else {
                            ws.write_number_with_format(rr, c, f64_of(v), &num)
                                .map_err(err)?;
                        }
                    }
                }
            }
        }
        if !t.note.is_empty() {
            let rr = body + sh.rows.len() as u32;
            ws.write_string_with_format(rr, 0, &t.note, &plain)
                .map_err(err)?;
        }
    }
    // The 绩效 forms in their paper layout (the same rows as the PDF); edits made in their bound
    // cells are read back by the import.
    let sheet_title = Format::new()
        .set_font_name("黑体")
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let sheet_heading = Format::new()
        .set_font_name("黑体")
        .set_font_size(11)
        .set_align(FormatAlign::VerticalCenter);
    let note = plain.clone().set_font_size(9).set_text_wrap();
    let strong = head.clone().set_font_name("黑体");
    let right_wrap = border
        .clone()
        .set_align(FormatAlign::Right)
        .set_align(FormatAlign::VerticalCenter);
    let center_wrap = head.clone();
    // General: 46 and 9.99 as typed (Excel's "0.##" would print "46.").
    let score = border
        .clone()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    for s in forms {
        let ws = x.add_worksheet();
        ws.set_name(form_sheet_name(&s.id, &s.score.name))
            .map_err(err)?;
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        let p = super::form::place(&crate::layout::form::form_sheet(s, wb.unit.year));
        for (c, w) in p.widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w).map_err(err)?;
        }
        for (r, h) in &p.heights {
            ws.set_row_height(*r, *h).map_err(err)?;
        }
        if let Some(r) = p.repeat {
            ws.set_repeat_rows(r, r).map_err(err)?;
        }
        for c in &p.cells {
            use super::form::Kind;
            let money = matches!(
                c.bind,
                Some(crate::layout::form::Bind::Money(_))
                    | Some(crate::layout::form::Bind::Ledger(_))
                    | Some(crate::layout::form::Bind::Item(_, _, Some(_)))
            );
            let fmt = match c.kind {
                Kind::Title => &sheet_title,
                Kind::Heading => &sheet_heading,
                Kind::Subtitle => &plain,
                Kind::Note => &note,
                // Amounts with two decimals; head counts (人数 in 基础数据) as whole numbers.
                Kind::Cell if c.number && money && (c.text.contains('.') || c.text.is_empty()) => {
                    &num
                }
                Kind::Cell if c.number => &score,
                Kind::Cell if c.strong => &strong,
                Kind::Cell => match c.align {
                    Align::Center => &center_wrap,
                    Align::Right => &right_wrap,
                    Align::Left => &left,
                },
            };
            let value = if c.number {
                crate::amount::parse_amount(&c.text).ok().flatten()
            } else {
                None
            };
            if c.r0 != c.r1 || c.c0 != c.c1 {
                let t = if value.is_some() { "" } else { c.text.as_str() };
                ws.merge_range(c.r0, c.c0, c.r1, c.c1, t, fmt)
                    .map_err(err)?;
            }
            match value {
                Some(v) => {
                    ws.write_number_with_format(c.r0, c.c0, f64_of(v), fmt)
                        .map_err(err)?;
                }
                None if c.r0 == c.r1 && c.c0 == c.c1 => {
                    if c.text.is_empty() {
                        ws.write_blank(c.r0, c.c0, fmt).map_err(err)?;
                    } else {
                        ws.write_string_with_format(c.r0, c.c0, &c.text, fmt)
                            .map_err(err)?;
                    }
                }
                None => {}
            }
        }
    }
    // The workbook itself, hidden.
    let json = crate::interchange::json::to_json(wb);
    let ws = x.add_worksheet();
    ws.set_name(DATA_SHEET).map_err(err)?;
    let chars: Vec<char> = json.chars().collect();
    for (i, chunk) in chars.chunks(CHUNK).enumerate() {
        ws.write_string(i as u32, 0, chunk.iter().collect::<String>())
            .map_err(err)?;
    }
    ws.set_hidden(true);
    x.save_to_buffer().map_err(err)
}
