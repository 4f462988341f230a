//! The 公开表 and the 绩效 forms on the page, and fitting them: a form keeps to one page when it
//! fits at a smaller (still readable) size, a table is set tighter when that saves a page. The
//! document (doc.rs) calls these; they draw on a [`Layout`].

use super::doc::{align, cell_text, fit};
use super::fonts::{Face, Fonts};
use super::layout::{Align, Cell, HeadCell, Layout, Repeat};
use crate::engine::perf::Scored;
use crate::engine::{CellKind, Model, Workbook};
use crate::layout::{sheet, SheetCell};

/// The sizes a table is tried at (its grid text 9 pt × k), and the smallest it is set in.
pub(super) const TABLE_SCALES: [f32; 4] = [1.0, 0.96, 0.92, TABLE_MIN_PT / 9.0];
pub const TABLE_MIN_PT: f32 = 8.0;

/// The largest of `scales` at which `draw` uses the fewest pages, drawn on a trial layout that
/// starts where `l` stands (same orientation, same height used on the current page). With
/// `one_page`, only a fit on one page counts (a long form stays at full size across pages).
pub(super) fn fitted(
    f: &Fonts,
    l: &Layout,
    landscape: bool,
    scales: &[f32],
    one_page: bool,
    draw: impl Fn(&mut Layout, f32),
) -> f32 {
    let offset = l.y - l.top();
    let pages = |k: f32| {
        let mut trial = Layout::new(f);
        trial.new_page(landscape);
        trial.y += offset;
        draw(&mut trial, k);
        trial.pages.len()
    };
    // Most tables and forms fit at full size: one trial is enough.
    if pages(scales[0]) == 1 {
        return scales[0];
    }
    let counts: Vec<usize> = scales.iter().map(|k| pages(*k)).collect();
    let best = counts.iter().copied().min().unwrap_or(1);
    if one_page && best > 1 {
        return scales[0];
    }
    scales
        .iter()
        .zip(&counts)
        .find(|(_, n)| **n == best)
        .map(|(k, _)| *k)
        .unwrap_or(1.0)
}

/// Grid settings for text at 9 pt × `k`: padding and leading tighten with the text.
fn tighten(l: &mut Layout, k: f32) -> (f32, f32) {
    let old = (l.pad, l.leading);
    l.pad = old.0 * k * k;
    l.leading = 1.2 + (old.1 - 1.2) * ((k - 0.8).max(0.0) / 0.2).min(1.0);
    old
}

/// One 公开表 from its template: 表号, title, 部门/年度/单位 line, merged header, rows, note,
/// its grid text at 9 pt × `k`.
#[allow(clippy::too_many_arguments)]
pub(super) fn table(
    l: &mut Layout,
    model: &Model,
    wb: &Workbook,
    ti: usize,
    unit: &str,
    year: i32,
    k: f32,
) {
    let size = (9.0 * k).max(TABLE_MIN_PT);
    let old = tighten(l, k);
    let t = &model.set.tables[ti];
    let sh = sheet(model, ti);
    let w = l.content_width();
    let widths = fit(&sh.widths, w);
    let (x, right) = (l.left(), l.left() + w);
    l.heading(&t.title, 15.0, true);
    let base = l.y + 4.0;
    if t.print.show_label {
        l.text(x, base, 9.0, Face::Serif, &t.label);
    }
    if t.print.owner_line {
        let owner = t.owner();
        l.aligned(
            x,
            w,
            base,
            9.0,
            Face::Serif,
            &format!("{owner}：{unit}     {year}年度"),
            Align::Center,
        );
    }
    let unit_text = t.unit_text();
    let uw = l.f.width_mm(Face::Serif, &unit_text, 9.0);
    l.text(right - uw, base, 9.0, Face::Serif, &unit_text);
    l.y += 6.5;
    let head: Vec<HeadCell> = sh
        .header
        .iter()
        .map(|h| HeadCell {
            text: h.text.clone(),
            row: h.row,
            col: h.col,
            rowspan: h.rowspan,
            colspan: h.colspan,
        })
        .collect();
    l.head(&widths, &head, sh.header_rows);
    l.repeat = Some(Repeat {
        caption: format!("{} {}（续）", t.label, t.title),
        widths: widths.clone(),
        head,
        head_rows: sh.header_rows,
    });
    // A 注 never stands alone on a page: the last row goes over with it.
    let note_h = if t.note.is_empty() {
        0.0
    } else {
        1.5 + l.para_height(&t.note, 9.0)
    };
    let empty = sh.rows.iter().all(|r| {
        r.cells.iter().all(|c| match c {
            SheetCell::Cell(id) => {
                model.cells[*id as usize].kind == CellKind::Locked || model.value_of(*id).is_zero()
            }
            _ => true,
        })
    });
    if empty {
        // The unit's own reason if it gave one, else the set's wording (with the year).
        let own = wb
            .texts
            .get(&format!("{}{}", crate::engine::NO_DATA, t.id))
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
            .map(|r| {
                if r.starts_with("说明") || r.starts_with("注") {
                    r.to_string()
                } else {
                    format!("说明：{r}")
                }
            });
        let text = match own {
            Some(r) => r,
            None if t.empty_text.is_empty() => "说明：本表无数据".to_string(),
            None => t.empty_text.replace("{year}", &model.year.to_string()),
        };
        let cells = [Cell::new(text, Align::Center).span(widths.len())];
        l.need(l.row_height(&widths, &cells, 9.0) + note_h);
        l.row(&widths, &cells, 9.0);
    } else {
        for (i, r) in sh.rows.iter().enumerate() {
            if r.heading {
                let text = r
                    .cells
                    .iter()
                    .find_map(|c| match c {
                        SheetCell::Text(s, _) => Some(s.clone()),
                        _ => None,
                    })
                    .unwrap_or_default();
                l.row(
                    &widths,
                    &[Cell::new(text, Align::Left).span(widths.len()).size(size)],
                    6.5 * k,
                );
                continue;
            }
            let cells: Vec<Cell> = r
                .cells
                .iter()
                .map(|c| match c {
                    SheetCell::Blank => Cell::new("", Align::Left),
                    SheetCell::Text(s, a) => Cell::new(s.clone(), align(*a)).size(size),
                    SheetCell::Cell(id) => {
                        let a = if model.cells[*id as usize].kind == CellKind::Locked {
                            Align::Center
                        } else {
                            Align::Right
                        };
                        Cell::new(cell_text(model, *id), a).nowrap().size(size)
                    }
                })
                .collect();
            if i + 1 == sh.rows.len() {
                l.need(l.row_height(&widths, &cells, 6.5 * k) + note_h);
            }
            l.row(&widths, &cells, 6.5 * k);
        }
    }
    l.repeat = None;
    if !t.note.is_empty() {
        l.y += 1.5;
        l.para(&t.note, 9.0, false);
    }
    (l.pad, l.leading) = old;
}

/// The sizes a form is tried at to keep to one page: grid text 9 pt × k, never below
/// FORM_MIN_PT.
pub(super) const FORM_SCALES: [f32; 5] = [1.0, 0.95, 0.9, 0.86, FORM_MIN_PT / 9.0];
/// The smallest grid text a form is set in to keep it on one page (paper forms use 8–9 pt).
pub const FORM_MIN_PT: f32 = 7.5;

/// A 绩效 form in its paper layout, its grid text at 9 pt × `k` (rows, gaps and padding
/// tighten with it; the rows to sign in and the stamp box keep room to sign and stamp).
/// `tag` (「附件3」) goes beside the form's title, or on a line above when the form does not
/// start with one.
pub(super) fn form(l: &mut Layout, s: &Scored, year: i32, k: f32, tag: Option<&str>) {
    use crate::layout::form::SRow;
    let w = l.content_width();
    let old = tighten(l, k);
    let rows = crate::layout::form::form_sheet(s, year).rows;
    let titled = matches!(rows.first(), Some(SRow::Heading { .. }));
    if let (Some(t), false) = (tag, titled) {
        l.text(l.left(), l.y + 4.0, 10.0, Face::Sans, t);
        l.y += 7.0;
    }
    // Sections of the paper form: a page breaks between them when one does not fit in what is
    // left (a section longer than a page breaks between its rows); from the 总分 row to the
    // signatures stays together when it fits on a page.
    let sections = form_sections(&rows);
    let tail = sections
        .iter()
        .position(|r| rows[r.clone()].iter().any(is_total_row))
        .unwrap_or(sections.len());
    for (si, range) in sections.iter().enumerate() {
        let keep = if si == tail {
            range.start..rows.len()
        } else {
            range.clone()
        };
        if range.start > 0 {
            let first = si == 0;
            if let Some(h) = measure(l, &rows[keep], k, w, tag.filter(|_| first)) {
                l.need(h);
            }
        }
        for i in range.clone() {
            form_row(l, &rows[i], k, w, tag.filter(|_| i == 0));
        }
    }
    (l.pad, l.leading) = old;
}

/// Where a form's sections start: at each gap, and around the repeated indicator grid (with
/// its header row, which comes just before the repeat starts).
fn form_sections(rows: &[crate::layout::form::SRow]) -> Vec<std::ops::Range<usize>> {
    use crate::layout::form::SRow;
    let mut starts = vec![0];
    for (i, r) in rows.iter().enumerate() {
        match r {
            SRow::RepeatStart { .. } if i > 0 => {
                let head = matches!(rows[i - 1], SRow::Grid { .. });
                starts.push(if head { i - 1 } else { i });
            }
            SRow::Gap(_) if i > 0 => starts.push(i),
            SRow::RepeatEnd if i + 1 < rows.len() => starts.push(i + 1),
            _ => {}
        }
    }
    starts.sort_unstable();
    starts.dedup();
    let mut out: Vec<_> = starts.windows(2).map(|w| w[0]..w[1]).collect();
    out.push(*starts.last().unwrap_or(&0)..rows.len());
    out
}

/// The 总分 / 自评等级 row.
fn is_total_row(r: &crate::layout::form::SRow) -> bool {
    matches!(r, crate::layout::form::SRow::Grid { cells, .. }
        if cells.iter().any(|c| c.bind == Some(crate::layout::form::Bind::Total)))
}

/// The height `rows` take from the top of a page, when they fit on one.
fn measure(
    l: &Layout,
    rows: &[crate::layout::form::SRow],
    k: f32,
    w: f32,
    tag: Option<&str>,
) -> Option<f32> {
    let mut t = Layout::new(l.f);
    t.new_page(l.landscape);
    (t.pad, t.leading) = (l.pad, l.leading);
    let top = t.y;
    for r in rows {
        form_row(&mut t, r, k, w, tag);
    }
    t.close_grid();
    (t.pages.len() == 1).then_some(t.y - top)
}

/// One row of a form's paper layout on the page.
fn form_row(l: &mut Layout, row: &crate::layout::form::SRow, k: f32, w: f32, tag: Option<&str>) {
    use crate::layout::form::SRow;
    {
        match row.clone() {
            SRow::Heading { text, size, center } => {
                l.tagged_heading(tag, &text, size * k.max(0.9), center)
            }
            SRow::Meta(pairs) => {
                let size = (10.0 * k).max(FORM_MIN_PT);
                let n = pairs.len();
                for (i, (label, v)) in pairs.iter().enumerate() {
                    let text = format!("{label}：{}", v.text);
                    let a = if i + 1 == n && n > 1 {
                        Align::Right
                    } else {
                        Align::Left
                    };
                    l.aligned(l.left(), w, l.y + 4.0, size, Face::Serif, &text, a);
                }
                l.y += 6.0 * k;
            }
            SRow::Subtitle(text) => {
                l.aligned(
                    l.left(),
                    w,
                    l.y + 3.0,
                    10.0,
                    Face::Serif,
                    &text,
                    Align::Center,
                );
                l.y += 6.0;
            }
            SRow::Note { text, size } => l.para(&text, (size * k).max(FORM_MIN_PT), false),
            SRow::Gap(mm) => l.y += mm * k,
            SRow::Grid {
                widths,
                cells,
                min_h,
            } => {
                let size = (9.0 * k).max(FORM_MIN_PT);
                let cells: Vec<Cell> = cells
                    .into_iter()
                    .map(|c| {
                        if c.cont {
                            // The label of a merged cell, printed again at the top of a page.
                            return Cell {
                                text: c.text,
                                size,
                                ..Cell::cont()
                            };
                        }
                        let mut cell = Cell::new(c.text, align(c.align)).span(c.span);
                        cell.size = size;
                        if c.number {
                            cell = cell.nowrap();
                        }
                        if c.strong {
                            cell.face(Face::Sans)
                        } else {
                            cell
                        }
                    })
                    .collect();
                // Rows to sign in keep most of their height, the stamp box at least 14 mm (the
                // seal goes over the row, as on paper); ordinary rows shrink to their text.
                let min_h = if min_h > 22.0 {
                    (min_h * k.powi(4)).max(10.0)
                } else if min_h >= 10.0 {
                    min_h * k * k
                } else {
                    min_h * k.powi(4)
                };
                l.row(&fit(&widths, w), &cells, min_h);
            }
            SRow::RepeatStart {
                caption,
                widths,
                head,
            } => {
                l.repeat = Some(Repeat {
                    caption,
                    widths: fit(&widths, w),
                    head: head
                        .into_iter()
                        .enumerate()
                        .map(|(i, text)| HeadCell {
                            text,
                            row: 0,
                            col: i,
                            rowspan: 1,
                            colspan: 1,
                        })
                        .collect(),
                    head_rows: 1,
                });
            }
            SRow::RepeatEnd => l.repeat = None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shells::print::Item;

    /// Wherever on its page a table starts, its 注 is never the first thing on a page: the
    /// last row goes over with it.
    #[test]
    fn a_note_never_stands_alone_on_a_page() {
        let reg = crate::template::Registry::builtin();
        let wb = crate::interchange::json::from_json(include_str!(
            "../../../assets/samples/juesuan-2023-yangquan.json"
        ))
        .unwrap();
        let set = reg.set(&wb.template_set).unwrap();
        let full = crate::engine::evaluate::evaluate_full(reg, set, &wb).unwrap();
        let model = &full.ev.model;
        let f = super::super::fonts::fonts().unwrap();
        let ti = set.tables.iter().position(|t| t.id == "01").unwrap();
        let note = &set.tables[ti].note;
        assert!(!note.is_empty());
        let heads: Vec<String> = sheet(model, ti)
            .header
            .iter()
            .map(|h| h.text.clone())
            .collect();
        let mut spilled = 0;
        for offset in 0..200 {
            let mut l = Layout::new(f);
            l.new_page(false);
            l.y += offset as f32;
            table(&mut l, model, &wb, ti, "单位", 2023, 1.0);
            l.close_grid();
            for p in &l.pages[1..] {
                spilled += 1;
                let note_y = p.items.iter().find_map(|it| match it {
                    Item::Text(r) if note.starts_with(&r.text) => Some(r.y),
                    _ => None,
                });
                // A body row above the note on its page: text that is neither the caption nor
                // the repeated header.
                if let Some(y) = note_y {
                    let row_above = p.items.iter().any(|it| match it {
                        Item::Text(r) => {
                            r.y < y - 1.0
                                && !r.text.contains("（续）")
                                && !heads.iter().any(|h| h.contains(&r.text))
                        }
                        _ => false,
                    });
                    assert!(row_above, "offset {offset}: 注 alone on a page");
                }
            }
        }
        assert!(
            spilled > 0,
            "the offsets never pushed the table over a page"
        );
    }
}
