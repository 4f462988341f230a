//! A 绩效 form on a spreadsheet grid: the rows of `perf::sheet` (each with its own relative column
//! widths) placed on one set of columns — every distinct column edge becomes a column boundary —
//! with horizontal spans, vertical merges and row heights. The export writes this placement and
//! the import reads the bound cells back from the same places.

use crate::layout::form::{Bind, FormSheet, SRow};
use crate::layout::Align;

/// Total width of a form sheet in Excel character units (A4 portrait, fit to width).
const TOTAL: f64 = 110.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Title,
    Heading,
    Subtitle,
    Note,
    Cell,
}

/// One (possibly merged) cell.
#[derive(Debug, Clone)]
pub struct Placed {
    pub r0: u32,
    pub r1: u32,
    pub c0: u16,
    pub c1: u16,
    pub text: String,
    pub align: Align,
    pub strong: bool,
    pub kind: Kind,
    pub bind: Option<Bind>,
    pub number: bool,
}

pub struct Placement {
    /// Column widths in Excel character units.
    pub widths: Vec<f64>,
    pub cells: Vec<Placed>,
    /// Row heights in points.
    pub heights: Vec<(u32, f64)>,
    /// The indicator grid's header row, repeated on every printed page.
    pub repeat: Option<u32>,
}

/// Display width of a text in Excel character units (CJK counts two).
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.1 } else { 2.0 })
        .sum()
}

fn edges(widths: &[f32]) -> Vec<f64> {
    let sum: f64 = widths.iter().map(|w| *w as f64).sum::<f64>().max(1e-9);
    let mut acc = 0.0;
    let mut out = vec![0.0];
    for w in widths {
        acc += *w as f64;
        out.push((acc / sum * 1000.0).round() / 1000.0);
    }
    out
}

pub fn place(sheet: &FormSheet) -> Placement {
    // Every column edge of every ruled row.
    let mut bounds: Vec<f64> = vec![0.0, 1.0];
    for row in &sheet.rows {
        if let SRow::Grid { widths, .. } = row {
            bounds.extend(edges(widths));
        }
    }
    bounds.sort_by(f64::total_cmp);
    bounds.dedup_by(|a, b| (*a - *b).abs() < 0.0005);
    let col_of = |x: f64| -> u16 {
        bounds
            .iter()
            .position(|b| (b - x).abs() < 0.0005)
            .unwrap_or(0) as u16
    };
    let last = (bounds.len() - 2) as u16;
    let widths: Vec<f64> = bounds.windows(2).map(|w| (w[1] - w[0]) * TOTAL).collect();
    let mut cells: Vec<Placed> = Vec::new();
    let mut heights = Vec::new();
    let mut repeat = None;
    // The cell each column start belongs to in the row above (for vertical merges).
    let mut above: std::collections::HashMap<u16, usize> = Default::default();
    let mut r = 0u32;
    let wide = |kind: Kind, text: &str, align: Align, r: u32, cells: &mut Vec<Placed>| {
        cells.push(Placed {
            r0: r,
            r1: r,
            c0: 0,
            c1: last,
            text: text.to_string(),
            align,
            strong: kind != Kind::Note,
            kind,
            bind: None,
            number: false,
        });
    };
    for row in &sheet.rows {
        match row {
            SRow::Heading { text, size, center } => {
                let kind = if *size >= 12.0 {
                    Kind::Title
                } else {
                    Kind::Heading
                };
                let a = if *center { Align::Center } else { Align::Left };
                wide(kind, text, a, r, &mut cells);
                heights.push((r, if kind == Kind::Title { 28.0 } else { 18.0 }));
                above.clear();
                r += 1;
            }
            SRow::Subtitle(text) => {
                wide(Kind::Subtitle, text, Align::Center, r, &mut cells);
                above.clear();
                r += 1;
            }
            SRow::Meta(pairs) => {
                // Each pair in its share of the width: label, then the bound value, unruled.
                let n = pairs.len().max(1) as u16;
                let share = (last + 1) / n;
                for (i, (label, v)) in pairs.iter().enumerate() {
                    let c0 = i as u16 * share;
                    let c1 = if i as u16 + 1 == n {
                        last
                    } else {
                        c0 + share - 1
                    };
                    let mid = (c0 + (c1 - c0) / 3).min(c1.saturating_sub(1)).max(c0);
                    for (a, b, text, bind) in [
                        (c0, mid, format!("{label}："), None),
                        (mid + 1, c1, v.text.clone(), v.bind.clone()),
                    ] {
                        if a > b {
                            continue;
                        }
                        cells.push(Placed {
                            r0: r,
                            r1: r,
                            c0: a,
                            c1: b,
                            text,
                            align: Align::Left,
                            strong: false,
                            kind: Kind::Subtitle,
                            bind,
                            number: false,
                        });
                    }
                }
                above.clear();
                r += 1;
            }
            SRow::Note { text, .. } => {
                wide(Kind::Note, text, Align::Left, r, &mut cells);
                let lines = (text_width(text) / (TOTAL * 1.1)).ceil().max(1.0);
                heights.push((r, lines * 12.0 + 3.0));
                above.clear();
                r += 1;
            }
            SRow::Gap(_) | SRow::RepeatEnd => {}
            SRow::RepeatStart { .. } => repeat = r.checked_sub(1),
            SRow::Grid {
                widths: ws,
                cells: row_cells,
                min_h,
            } => {
                let e = edges(ws);
                let mut k = 0usize;
                let mut next_above = std::collections::HashMap::new();
                let mut h = *min_h as f64 * 2.835;
                for c in row_cells {
                    let (a, b) = (e[k.min(e.len() - 1)], e[(k + c.span).min(e.len() - 1)]);
                    k += c.span;
                    let (c0, c1) = (col_of(a), col_of(b).saturating_sub(1).max(col_of(a)));
                    if c.cont {
                        if let Some(&i) = above.get(&c0) {
                            cells[i].r1 = r;
                            next_above.insert(c0, i);
                            continue;
                        }
                    }
                    let w: f64 = widths[c0 as usize..=c1 as usize].iter().sum();
                    let lines = (text_width(&c.text) / (w - 1.0).max(2.0)).ceil().max(1.0);
                    h = h.max(lines * 13.0 + 4.0);
                    next_above.insert(c0, cells.len());
                    cells.push(Placed {
                        r0: r,
                        r1: r,
                        c0,
                        c1,
                        text: c.text.clone(),
                        align: c.align,
                        strong: c.strong,
                        kind: Kind::Cell,
                        bind: c.bind.clone(),
                        number: c.number,
                    });
                }
                heights.push((r, h.min(409.0)));
                above = next_above;
                r += 1;
            }
        }
    }
    Placement {
        widths,
        cells,
        heights,
        repeat,
    }
}
