//! The printed shape of a table, from the template alone: physical columns with widths, the
//! multi-row merged header, and rows of display cells (text, a model cell, or blank). The screen
//! editor and the PDF writer both draw from a [`Sheet`]; neither knows a particular table.

pub mod form;

use crate::engine::{CellId, CellKind, Model};
use crate::template::{Layout, RowClass, RowKind, TableTemplate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One header cell placed on the header grid.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderCell {
    pub text: String,
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SheetCell {
    Blank,
    Text(String, Align),
    /// A figure of the model (input, derived or locked "——").
    Cell(CellId),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    pub cells: Vec<SheetCell>,
    /// A heading row (一、政府采购情况): its text spans the row.
    pub heading: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// Physical column widths in mm.
    pub widths: Vec<f32>,
    pub header: Vec<HeaderCell>,
    pub header_rows: usize,
    pub rows: Vec<SheetRow>,
}

impl Sheet {
    /// Where each model cell sits: (sheet row, physical column).
    pub fn position_of(&self, id: CellId) -> Option<(usize, usize)> {
        self.rows.iter().enumerate().find_map(|(r, row)| {
            row.cells
                .iter()
                .position(|c| *c == SheetCell::Cell(id))
                .map(|c| (r, c))
        })
    }
}

fn text(s: &str, a: Align) -> SheetCell {
    if s.is_empty() {
        SheetCell::Blank
    } else {
        SheetCell::Text(s.to_string(), a)
    }
}

/// Lays out table `ti` of the model.
pub fn sheet(model: &Model, ti: usize) -> Sheet {
    let t = &model.set.tables[ti];
    let rows = &model.tables[ti];
    let cell_at = |r: Option<usize>, c: usize| -> SheetCell {
        match r.and_then(|r| rows.rows[r].cells.get(c).copied().flatten()) {
            Some(id) => SheetCell::Cell(id),
            None => SheetCell::Blank,
        }
    };
    let mut out_rows: Vec<SheetRow> = Vec::new();
    let mut default_widths: Vec<f32> = Vec::new();
    match (t.layout, &t.coded) {
        (Layout::Grid, Some(_)) => {
            default_widths.extend([20.0, 60.0]);
            default_widths.extend(t.columns.iter().map(|_| 26.0));
            for (ri, r) in rows.rows.iter().enumerate() {
                let mut cells = Vec::new();
                if r.class == RowClass::Total {
                    cells.push(text(&r.label, Align::Center));
                    cells.push(SheetCell::Blank);
                } else {
                    cells.push(text(&r.key, Align::Left));
                    cells.push(text(&r.label, Align::Left));
                }
                cells.extend((0..t.columns.len()).map(|c| cell_at(Some(ri), c)));
                out_rows.push(SheetRow {
                    cells,
                    heading: false,
                });
            }
        }
        (Layout::Grid, None) => {
            let with_no = t.rows.iter().any(|r| r.show_no);
            // A table whose rows carry no names (公开09表: one row of figures) has no 项目 column.
            let with_label = t.rows.iter().any(|r| !r.label.is_empty());
            if with_label {
                default_widths.push(70.0);
            }
            if with_no {
                default_widths.push(12.0);
            }
            default_widths.extend(t.columns.iter().map(|_| 28.0));
            for (tr, r) in t.rows.iter().enumerate() {
                let mr = rows.by_template.get(&tr).copied();
                let mut cells = Vec::new();
                if with_label {
                    cells.push(text(&r.label, Align::Left));
                }
                if with_no {
                    cells.push(if r.show_no {
                        text(&r.key, Align::Center)
                    } else {
                        SheetCell::Blank
                    });
                }
                cells.extend((0..t.columns.len()).map(|c| cell_at(mr, c)));
                out_rows.push(SheetRow {
                    cells,
                    heading: r.kind == RowKind::Heading,
                });
            }
        }
        (Layout::TwoSided, _) => {
            let sides: Vec<Vec<usize>> = [1u8, 2]
                .iter()
                .map(|s| {
                    (0..t.rows.len())
                        .filter(|&i| t.rows[i].side == *s)
                        .collect()
                })
                .collect();
            let side_cols: Vec<Vec<usize>> = sides
                .iter()
                .map(|rs| {
                    let mut cs: Vec<usize> = rs
                        .iter()
                        .flat_map(|&i| t.rows[i].cells.iter().map(|(c, _)| *c))
                        .collect();
                    cs.sort();
                    cs.dedup();
                    cs
                })
                .collect();
            // A side whose rows print no 行次 has no 行次 column (预算公开表1).
            let side_no: Vec<bool> = sides
                .iter()
                .map(|rs| rs.iter().any(|&i| t.rows[i].show_no))
                .collect();
            for (s, cs) in side_cols.iter().enumerate() {
                default_widths.push(52.0);
                if side_no[s] {
                    default_widths.push(10.0);
                }
                default_widths.extend(cs.iter().map(|_| 24.0));
            }
            let n = sides.iter().map(Vec::len).max().unwrap_or(0);
            for i in 0..n {
                let mut cells = Vec::new();
                for (s, rs) in sides.iter().enumerate() {
                    match rs.get(i) {
                        Some(&tr) => {
                            let r = &t.rows[tr];
                            let mr = rows.by_template.get(&tr).copied();
                            cells.push(text(&r.label, Align::Left));
                            if side_no[s] {
                                cells.push(if r.show_no {
                                    text(&r.key, Align::Center)
                                } else {
                                    SheetCell::Blank
                                });
                            }
                            cells.extend(side_cols[s].iter().map(|&c| cell_at(mr, c)));
                        }
                        None => cells.extend(
                            (0..1 + usize::from(side_no[s]) + side_cols[s].len())
                                .map(|_| SheetCell::Blank),
                        ),
                    }
                }
                out_rows.push(SheetRow {
                    cells,
                    heading: false,
                });
            }
        }
        (Layout::Flow, _) => {
            let mut groups: Vec<Vec<usize>> = vec![Vec::new()];
            for (tr, r) in t.rows.iter().enumerate() {
                let key = r.code.as_deref().unwrap_or(&r.key);
                if t.print.flow_breaks.iter().any(|b| b == key || *b == r.key) {
                    groups.push(Vec::new());
                }
                if let Some(g) = groups.last_mut() {
                    g.push(tr);
                }
            }
            let per = 2 + t.columns.len();
            for _ in &groups {
                default_widths.extend([14.0, 40.0]);
                default_widths.extend(t.columns.iter().map(|_| 18.0));
            }
            let n = groups.iter().map(Vec::len).max().unwrap_or(0);
            for i in 0..n {
                let mut cells = Vec::new();
                for g in &groups {
                    match g.get(i) {
                        Some(&tr) => {
                            let r = &t.rows[tr];
                            let mr = rows.by_template.get(&tr).copied();
                            let code = r.code.clone().unwrap_or_default();
                            cells.push(text(&code, Align::Left));
                            cells.push(text(&r.label, Align::Left));
                            cells.extend((0..t.columns.len()).map(|c| cell_at(mr, c)));
                        }
                        None => cells.extend((0..per).map(|_| SheetCell::Blank)),
                    }
                }
                out_rows.push(SheetRow {
                    cells,
                    heading: false,
                });
            }
        }
    }
    let ncols = default_widths.len();
    let widths = if t.print.widths.len() == ncols {
        t.print.widths.clone()
    } else {
        default_widths
    };
    let (mut header, header_rows) = place_header(t, ncols);
    // "{year}年预算数": the workbook's year.
    for h in &mut header {
        if h.text.contains("{year}") {
            h.text = h.text.replace("{year}", &model.year.to_string());
        }
    }
    Sheet {
        widths,
        header,
        header_rows,
        rows: out_rows,
    }
}

/// Places the template's header rows on a grid (HTML table rules: each cell takes the next free
/// column of its row; row spans reserve the cells below). Without a printed header: one row of
/// column labels.
fn place_header(t: &TableTemplate, ncols: usize) -> (Vec<HeaderCell>, usize) {
    if t.print.header.is_empty() {
        let lead = ncols.saturating_sub(t.columns.len());
        let mut cells = vec![HeaderCell {
            text: "项目".into(),
            row: 0,
            col: 0,
            rowspan: 1,
            colspan: lead.max(1),
        }];
        for (i, c) in t.columns.iter().enumerate() {
            cells.push(HeaderCell {
                text: c.label.clone(),
                row: 0,
                col: lead + i,
                rowspan: 1,
                colspan: 1,
            });
        }
        return (cells, 1);
    }
    let nrows = t.print.header.len();
    let mut taken = vec![vec![false; ncols]; nrows];
    let mut out = Vec::new();
    for (r, hrow) in t.print.header.iter().enumerate() {
        let mut c = 0;
        for h in hrow {
            while c < ncols && taken[r][c] {
                c += 1;
            }
            if c >= ncols {
                break;
            }
            let colspan = (h.c as usize).clamp(1, ncols - c);
            let rowspan = (h.r as usize).clamp(1, nrows - r);
            for row in taken.iter_mut().skip(r).take(rowspan) {
                for cell in row.iter_mut().skip(c).take(colspan) {
                    *cell = true;
                }
            }
            out.push(HeaderCell {
                text: h.t.clone(),
                row: r,
                col: c,
                rowspan,
                colspan,
            });
            c += colspan;
        }
    }
    (out, nrows)
}

/// Whether a model cell is typed by the user.
pub fn is_input(model: &Model, id: CellId) -> bool {
    model.cells[id as usize].kind == CellKind::Input
}

/// Which part of the document to print or export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    All,
    Tables,
    /// One table by label or id ("公开05表" / "05").
    Table(String),
    Narrative,
    Attachments,
    /// One form by record id or 项目名称.
    Form(String),
}

impl Part {
    /// "all" | "tables" | "table:公开05表" | "narrative" | "attachments" | "form:NAME".
    pub fn parse(s: &str) -> Result<Part, String> {
        Ok(match s.split_once(':') {
            None if s == "all" => Part::All,
            None if s == "tables" => Part::Tables,
            None if s == "narrative" => Part::Narrative,
            None if s == "attachments" => Part::Attachments,
            Some(("table", t)) if !t.is_empty() => Part::Table(t.into()),
            Some(("form", f)) if !f.is_empty() => Part::Form(f.into()),
            _ => {
                return Err(format!(
                    "--part「{s}」无效（all、tables、table:公开05表、narrative、attachments、form:名称）"
                ))
            }
        })
    }
}
