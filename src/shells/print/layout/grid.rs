//! Grid rows on the page: cells wrapping and spanning, rows split across pages, vertical merges
//! without inner rules and with their label centred, bottom rules drawn only where no row
//! follows.

use super::*;

#[derive(Debug, Clone, Copy)]
pub(super) struct Pending {
    page: usize,
    x1: f32,
    x2: f32,
    y: f32,
}

/// A cell whose label may be the head of a vertical merge.
#[derive(Debug, Clone)]
pub(super) struct Merge {
    page: usize,
    x: f32,
    w: f32,
    /// The label's items on its page.
    items: std::ops::Range<usize>,
    text_top: f32,
    text_h: f32,
    top: f32,
    bottom: f32,
    grown: bool,
}

/// The parts of `seg` that none of `spans` covers.
fn uncovered(seg: (f32, f32), spans: &[(f32, f32)]) -> Vec<(f32, f32)> {
    let mut out = vec![seg];
    for &(a, b) in spans {
        out = out
            .into_iter()
            .flat_map(|(x1, x2)| {
                let mut keep = Vec::new();
                if a > x1 + 0.01 {
                    keep.push((x1, a.min(x2)));
                }
                if b < x2 - 0.01 {
                    keep.push((b.max(x1), x2));
                }
                if b <= x1 + 0.01 || a >= x2 - 0.01 {
                    return vec![(x1, x2)];
                }
                keep
            })
            .filter(|(x1, x2)| x2 - x1 > 0.01)
            .collect();
    }
    out
}

impl Layout<'_> {
    /// Ends the grid drawn last: its outstanding bottom rules are drawn and its merged labels
    /// centred. Called by a new page and by `finish`; call it before taking the pages.
    pub fn close_grid(&mut self) {
        for p in std::mem::take(&mut self.pending) {
            self.rule_on(p.page, p.x1, p.y, p.x2, p.y);
        }
        for m in std::mem::take(&mut self.merges) {
            self.centre(&m);
        }
    }

    fn rule_on(&mut self, page: usize, x1: f32, y1: f32, x2: f32, y2: f32) {
        if let Some(p) = self.pages.get_mut(page) {
            p.items.push(Item::Line {
                x1,
                y1,
                x2,
                y2,
                width: LINE,
            });
        }
    }

    /// A merged label, printed at the top of its first row, moved to the middle of the merge.
    fn centre(&mut self, m: &Merge) {
        if !m.grown {
            return;
        }
        let dy = m.top + (m.bottom - m.top - m.text_h) / 2.0 - m.text_top;
        if dy <= 0.01 {
            return;
        }
        if let Some(p) = self.pages.get_mut(m.page) {
            for it in &mut p.items[m.items.clone()] {
                if let Item::Text(r) = it {
                    r.y += dy;
                }
            }
        }
    }

    /// The height `row` gives these cells (not split, at the top of a page).
    pub fn row_height(&self, widths: &[f32], cells: &[Cell], min_h: f32) -> f32 {
        let mut boxes = Vec::new();
        let mut col = 0;
        let mut x = 0.0;
        for c in cells {
            let end = (col + c.span).min(widths.len());
            let w: f32 = widths[col..end].iter().sum();
            boxes.push((x, w));
            x += w;
            col = end;
        }
        self.wrap_cells(cells, &boxes, true)
            .iter()
            .map(|(l, lh, _)| l.len() as f32 * lh + 2.0 * self.pad)
            .fold(min_h, f32::max)
    }

    /// One ruled grid row; cells may span columns or continue the cell above.
    pub fn row(&mut self, widths: &[f32], cells: &[Cell], min_h: f32) {
        let x0 = self.left();
        let xs: Vec<f32> = std::iter::once(0.0)
            .chain(widths.iter().scan(0.0, |s, w| {
                *s += w;
                Some(*s)
            }))
            .collect();
        // Cell boxes.
        let mut boxes = Vec::new();
        let mut col = 0;
        for c in cells {
            let end = (col + c.span).min(widths.len());
            boxes.push((xs[col], xs[end] - xs[col]));
            col = end;
        }
        if self.pages.is_empty() {
            self.need(0.0);
        }
        let at_start = (self.y - self.body_top).abs() < 0.01;
        let mut wrapped = self.wrap_cells(cells, &boxes, at_start);
        // After a page break a merged label continuing from the page before is printed again.
        let relabel = |me: &Self, wrapped: &mut Vec<Lines>| {
            if cells.iter().any(|c| c.cont && !c.text.is_empty()) {
                let fresh = me.wrap_cells(cells, &boxes, true);
                for (k, c) in cells.iter().enumerate() {
                    if c.cont {
                        wrapped[k] = fresh[k].clone();
                    }
                }
            }
        };
        let pad = self.pad;
        let height = |w: &[Lines]| {
            w.iter()
                .map(|(l, lh, _)| l.len() as f32 * lh + 2.0 * pad)
                .fold(min_h, f32::max)
        };
        // A row taller than what is left of the page continues on the next one: its lines are
        // split where the page ends (long 自评结论, long 项目概况).
        let mut first = true;
        // Set right after a page break: nothing more is gained by breaking again.
        let mut forced = false;
        loop {
            let h = height(&wrapped);
            let room = self.bottom() - self.y;
            let fresh = forced || (self.y - self.top()).abs() < 0.01;
            if h <= room || (fresh && h <= room + 0.01) {
                self.need(h);
                self.draw_row(x0, &boxes, cells, &wrapped, h, !first);
                self.y += h;
                return;
            }
            // An ordinary row moves whole to the next page; only a long one is split.
            if !fresh && h < (self.bottom() - self.top()) / 3.0 {
                self.force_page();
                forced = true;
                relabel(self, &mut wrapped);
                continue;
            }
            // How many lines of each cell fit in the room left (at least two, else a new page).
            let fit: Vec<usize> = wrapped
                .iter()
                .map(|(_, lh, _)| (((room - 2.0 * pad) / lh).floor().max(0.0)) as usize)
                .collect();
            if fit
                .iter()
                .zip(&wrapped)
                .any(|(k, (l, _, _))| *k < 2 && l.len() > *k)
                && !fresh
            {
                self.force_page();
                forced = true;
                relabel(self, &mut wrapped);
                continue;
            }
            let (now, rest): (Vec<_>, Vec<_>) = wrapped
                .iter()
                .zip(&fit)
                .map(|((l, lh, size), k)| {
                    // On a fresh page at least one line goes, so the loop always ends.
                    let k = (*k).max(1).min(l.len());
                    ((l[..k].to_vec(), *lh, *size), (l[k..].to_vec(), *lh, *size))
                })
                .unzip();
            self.draw_row(x0, &boxes, cells, &now, room, !first);
            self.y += room;
            wrapped = rest;
            first = false;
            self.force_page();
            forced = true;
            relabel(self, &mut wrapped);
        }
    }

    /// Each cell's lines; a cell continuing the one above shows its text only at a page's start.
    fn wrap_cells(&self, cells: &[Cell], boxes: &[(f32, f32)], at_start: bool) -> Vec<Lines> {
        cells
            .iter()
            .zip(boxes)
            .map(|(c, (_, w))| {
                let avail = w - 2.0 * self.pad;
                if c.nowrap {
                    // An amount is never broken across lines: too wide, it is set smaller (down
                    // to 6 pt); still too wide, the preflight names it.
                    let tw = self.f.width_mm(c.face, &c.text, c.size);
                    let size = if tw > avail + 0.01 && tw > 0.0 {
                        ((c.size * avail / tw * 4.0).floor() / 4.0).max(6.0)
                    } else {
                        c.size
                    };
                    let lines = if c.text.is_empty() || (c.cont && !at_start) {
                        Vec::new()
                    } else {
                        vec![c.text.clone()]
                    };
                    return (lines, size * 0.3528 * self.leading, size);
                }
                let lh = c.size * 0.3528 * self.leading;
                let lines = if c.cont && !at_start {
                    Vec::new()
                } else {
                    self.wrap(&c.text, avail, c.size, c.face)
                };
                (lines, lh, c.size)
            })
            .collect()
    }

    /// A new page now (repeating a grid's header), whatever room is left.
    fn force_page(&mut self) {
        self.y = self.bottom() + 1.0;
        self.need(0.0);
    }

    fn draw_row(
        &mut self,
        x0: f32,
        boxes: &[(f32, f32)],
        cells: &[Cell],
        wrapped: &[Lines],
        h: f32,
        continued: bool,
    ) {
        let y = self.y;
        let page = self.page_no();
        let at_top = (y - self.top()).abs() < 0.01;
        // The row above, if it ends where this one starts: this row's top rules replace its
        // bottom rules where they meet (and a merge has none); the rest are drawn.
        let follows = |p: &Pending| p.page == page && (p.y - y).abs() < 0.01;
        let spans: Vec<(f32, f32)> = boxes.iter().map(|(x, w)| (x0 + x, x0 + x + w)).collect();
        for p in std::mem::take(&mut self.pending) {
            if !follows(&p) {
                self.rule_on(p.page, p.x1, p.y, p.x2, p.y);
                continue;
            }
            for (a, b) in uncovered((p.x1, p.x2), &spans) {
                self.rule_on(p.page, a, p.y, b, p.y);
            }
        }
        let open = std::mem::take(&mut self.merges);
        let mut next: Vec<Merge> = Vec::new();
        let mut grown = vec![false; open.len()];
        for ((c, (x, w)), (lines, lh, size)) in cells.iter().zip(boxes).zip(wrapped) {
            let size = *size;
            let x = x0 + x;
            let merged = c.cont && !continued && !at_top;
            if !merged {
                self.rule(x, y, x + w, y);
            }
            self.pending.push(Pending {
                page,
                x1: x,
                x2: x + w,
                y: y + h,
            });
            self.rule(x, y, x, y + h);
            self.rule(x + w, y, x + w, y + h);
            if merged {
                if let Some(k) = open.iter().position(|m| {
                    m.page == page
                        && (m.x - x).abs() < 0.01
                        && (m.w - w).abs() < 0.01
                        && (m.bottom - y).abs() < 0.01
                }) {
                    let mut m = open[k].clone();
                    m.bottom = y + h;
                    m.grown = true;
                    grown[k] = true;
                    next.push(m);
                }
            }
            let th = lines.len() as f32 * lh;
            let mut base = if lines.len() > 1 || continued {
                y + self.pad + lh * 0.78
            } else {
                y + (h - th) / 2.0 + lh * 0.78
            };
            let first_item = self.pages.last().map_or(0, |p| p.items.len());
            let text_top = base - lh * 0.78;
            for l in lines {
                let (bx, bw) = (x + self.pad, w - 2.0 * self.pad);
                if self.f.width_mm(c.face, l, size) > bw + 0.5 {
                    self.overflows.push(Overflow {
                        page: self.page_no() + 1,
                        what: format!("「{l}」超出单元格宽度"),
                    });
                }
                self.aligned(bx, bw, base, size, c.face, l, c.align);
                base += lh;
            }
            if !merged && !lines.is_empty() && !continued {
                let last_item = self.pages.last().map_or(0, |p| p.items.len());
                next.push(Merge {
                    page,
                    x,
                    w: *w,
                    items: first_item..last_item,
                    text_top,
                    text_h: th,
                    top: y,
                    bottom: y + h,
                    grown: false,
                });
            }
        }
        for (m, g) in open.iter().zip(grown) {
            if !g {
                self.centre(m);
            }
        }
        self.merges = next;
    }
}
