//! Page layout: ruled grids with wrapping cells, repeated header rows across page breaks,
//! paragraphs, headings and page furniture. Knows pages and grids, not tables or forms.

use super::fonts::{Face, Fonts};
use super::{Item, Page, Run};

mod grid;
use grid::{Merge, Pending};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One cell of a grid row.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub align: Align,
    /// Physical columns covered.
    pub span: usize,
    /// Continues the cell above (a vertical merge): no rule above, no text.
    pub cont: bool,
    pub face: Face,
    pub size: f32,
    /// Kept on one line (amounts): set smaller when too wide, never broken.
    pub nowrap: bool,
}

/// Opening brackets and quotes that may not end a line.
const OPENERS: &str = "（《“「『【〔(‘";

impl Cell {
    pub fn new(text: impl Into<String>, align: Align) -> Cell {
        Cell {
            text: text.into(),
            align,
            span: 1,
            cont: false,
            face: Face::Serif,
            size: 9.0,
            nowrap: false,
        }
    }
    pub fn nowrap(mut self) -> Cell {
        self.nowrap = true;
        self
    }
    pub fn span(mut self, n: usize) -> Cell {
        self.span = n.max(1);
        self
    }
    pub fn cont() -> Cell {
        Cell {
            cont: true,
            ..Cell::new("", Align::Left)
        }
    }
    pub fn face(mut self, f: Face) -> Cell {
        self.face = f;
        self
    }
    pub fn size(mut self, s: f32) -> Cell {
        self.size = s;
        self
    }
}

/// A merged header cell on the header grid (row, col, spans).
#[derive(Debug, Clone)]
pub struct HeadCell {
    pub text: String,
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
}

/// What a grid repeats at the top of each continuation page.
#[derive(Debug, Clone, Default)]
pub struct Repeat {
    pub caption: String,
    pub widths: Vec<f32>,
    pub head: Vec<HeadCell>,
    pub head_rows: usize,
}

/// Something that did not fit (preflight).
#[derive(Debug, Clone, PartialEq)]
pub struct Overflow {
    pub page: usize,
    pub what: String,
}

pub const LINE: f32 = 0.5;
/// A cell's lines with their line height (mm) and type size (pt).
type Lines = (Vec<String>, f32, f32);
const PAD: f32 = 1.2;
const LEADING: f32 = 1.35;

pub struct Layout<'f> {
    pub f: &'f Fonts,
    pub pages: Vec<Page>,
    pub landscape: bool,
    pub y: f32,
    pub repeat: Option<Repeat>,
    pub overflows: Vec<Overflow>,
    /// Pages that must not carry a page number (cover, 目录).
    pub unnumbered: Vec<usize>,
    /// Where the body starts on the current page (below a repeated header).
    body_top: f32,
    /// Grid rows: padding above/below and left/right of a cell's text (mm), and line height as
    /// a multiple of the text size. A form set smaller to keep to its page tightens both.
    pub pad: f32,
    pub leading: f32,
    /// Bottom rules of the last grid row, drawn only where no row follows directly below (a
    /// row below draws its own top rule, and a cell continuing a merge wants none).
    pending: Vec<Pending>,
    /// Merged cells still growing: their label is centred in the merged height when they end.
    merges: Vec<Merge>,
}

impl<'f> Layout<'f> {
    pub fn new(f: &'f Fonts) -> Layout<'f> {
        Layout {
            f,
            pages: Vec::new(),
            landscape: false,
            y: 0.0,
            repeat: None,
            overflows: Vec::new(),
            unnumbered: Vec::new(),
            body_top: 0.0,
            pad: PAD,
            leading: LEADING,
            pending: Vec::new(),
            merges: Vec::new(),
        }
    }

    pub fn width(&self) -> f32 {
        if self.landscape {
            297.0
        } else {
            210.0
        }
    }
    pub fn height(&self) -> f32 {
        if self.landscape {
            210.0
        } else {
            297.0
        }
    }
    pub fn left(&self) -> f32 {
        if self.landscape {
            15.0
        } else {
            22.0
        }
    }
    pub fn content_width(&self) -> f32 {
        self.width() - 2.0 * self.left()
    }
    pub fn top(&self) -> f32 {
        18.0
    }
    pub fn bottom(&self) -> f32 {
        self.height() - 16.0
    }

    pub fn new_page(&mut self, landscape: bool) {
        self.close_grid();
        self.landscape = landscape;
        self.pages.push(Page {
            width: self.width(),
            height: self.height(),
            items: Vec::new(),
        });
        self.y = self.top();
        self.body_top = self.y;
    }

    /// Index of the current page.
    pub fn page_no(&self) -> usize {
        self.pages.len().saturating_sub(1)
    }

    fn push(&mut self, it: Item) {
        if self.pages.is_empty() {
            self.new_page(self.landscape);
        }
        if let Some(p) = self.pages.last_mut() {
            p.items.push(it);
        }
    }

    pub fn text(&mut self, x: f32, baseline: f32, size: f32, face: Face, text: &str) {
        if text.is_empty() {
            return;
        }
        self.push(Item::Text(Run {
            x,
            y: baseline,
            size,
            face,
            text: text.to_string(),
            grey: 0.0,
            angle: 0.0,
        }));
    }

    pub fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.push(Item::Line {
            x1,
            y1,
            x2,
            y2,
            width: LINE,
        });
    }

    /// A horizontal bar `width` pt thick (charts).
    pub fn bar(&mut self, x1: f32, x2: f32, y: f32, width: f32) {
        self.push(Item::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
        });
    }

    /// Text placed in a box of width `w` starting at `x` with an alignment.
    #[allow(clippy::too_many_arguments)]
    pub fn aligned(
        &mut self,
        x: f32,
        w: f32,
        baseline: f32,
        size: f32,
        face: Face,
        text: &str,
        a: Align,
    ) {
        let tw = self.f.width_mm(face, text, size);
        let x = match a {
            Align::Left => x,
            Align::Center => x + (w - tw) / 2.0,
            Align::Right => x + w - tw,
        };
        self.text(x, baseline, size, face, text);
    }

    /// Splits text into lines no wider than `w` mm (kinsoku: no line starts with closing
    /// punctuation, none ends with an opening bracket or quote): CJK breaks anywhere, runs of Latin letters,
    /// digits and number punctuation stay together unless longer than a line.
    pub fn wrap(&self, text: &str, w: f32, size: f32, face: Face) -> Vec<String> {
        let mut out = Vec::new();
        for para in text.split('\n') {
            let mut line = String::new();
            let mut lw = 0.0;
            let mut tokens: Vec<String> = Vec::new();
            for c in para.chars() {
                let joins = c.is_ascii_alphanumeric() || ".,%-()".contains(c);
                match tokens.last_mut() {
                    Some(t)
                        if joins
                            && t.chars().last().is_some_and(|p| {
                                p.is_ascii_alphanumeric() || ".,%-(".contains(p)
                            }) =>
                    {
                        t.push(c)
                    }
                    _ => tokens.push(c.to_string()),
                }
            }
            // No line ends with an opening bracket or quote: it goes down with what it opens.
            let break_line = |line: &mut String, lw: &mut f32, out: &mut Vec<String>| {
                let carry = match line.chars().last() {
                    Some(c) if OPENERS.contains(c) && line.chars().count() > 1 => line.pop(),
                    _ => None,
                };
                out.push(std::mem::take(line));
                *lw = 0.0;
                if let Some(c) = carry {
                    line.push(c);
                    *lw = self.f.advance_pt(face, c, size) * super::fonts::PT_MM;
                }
            };
            for t in tokens {
                let tw = self.f.width_mm(face, &t, size);
                if lw + tw > w + 0.01 && !line.is_empty() {
                    break_line(&mut line, &mut lw, &mut out);
                }
                if tw > w + 0.01 {
                    // A token longer than the line: break it by character.
                    for c in t.chars() {
                        let cw = self.f.advance_pt(face, c, size) * super::fonts::PT_MM;
                        if lw + cw > w + 0.01 && !line.is_empty() {
                            break_line(&mut line, &mut lw, &mut out);
                        }
                        line.push(c);
                        lw += cw;
                    }
                } else {
                    // No line starts with closing punctuation: carry the previous line's last
                    // character down with it.
                    if line.is_empty()
                        && !out.is_empty()
                        && "，。；、：）》”！？,.;:)".contains(t.as_str())
                    {
                        if let Some(prev) = out.last_mut() {
                            if let Some(c) = prev.pop() {
                                line.push(c);
                                lw += self.f.advance_pt(face, c, size) * super::fonts::PT_MM;
                            }
                        }
                    }
                    line.push_str(&t);
                    lw += tw;
                }
            }
            out.push(line);
        }
        out
    }

    /// Ensures `h` mm fit on the page; otherwise starts a new page (repeating a grid's header).
    pub fn need(&mut self, h: f32) {
        if self.pages.is_empty() {
            self.new_page(self.landscape);
        }
        if self.y + h > self.bottom() {
            let land = self.landscape;
            self.new_page(land);
            if let Some(r) = self.repeat.clone() {
                if !r.caption.is_empty() {
                    self.text(self.left(), self.y + 4.0, 9.0, Face::Serif, &r.caption);
                    self.y += 6.0;
                }
                if r.head_rows > 0 {
                    self.head(&r.widths, &r.head, r.head_rows);
                }
            }
            self.body_top = self.y;
        }
    }

    /// A heading line.
    pub fn heading(&mut self, text: &str, size: f32, center: bool) {
        self.tagged_heading(None, text, size, center);
    }

    /// A heading with a small tag (「附件3」) at the left of its first line, as the paper puts
    /// it beside a centred title: the tag takes no line of its own. A title too wide to leave
    /// the tag room gets the tag on a line above.
    pub fn tagged_heading(&mut self, tag: Option<&str>, text: &str, size: f32, center: bool) {
        let lh = size * 0.3528 * 1.9;
        let (x, w) = (self.left(), self.content_width());
        let tag_size = 10.0;
        let tag_w = tag.map_or(0.0, |t| self.f.width_mm(Face::Sans, t, tag_size) + 2.0);
        let lines = self.wrap(text, w, size, Face::Sans);
        let widest = lines
            .iter()
            .map(|l| self.f.width_mm(Face::Sans, l, size))
            .fold(0.0, f32::max);
        let beside = center && (w - widest) / 2.0 >= tag_w;
        if let (Some(t), false) = (tag, beside) {
            self.need(lh + 4.0);
            self.text(x, self.y + 4.0, tag_size, Face::Sans, t);
            self.y += 7.0;
        }
        self.need(lines.len() as f32 * lh + 4.0);
        let mut baseline = self.y + lh * 0.75;
        if let (Some(t), true) = (tag, beside) {
            self.text(x, baseline, tag_size, Face::Sans, t);
        }
        let a = if center { Align::Center } else { Align::Left };
        for line in &lines {
            self.aligned(x, w, baseline, size, Face::Sans, line, a);
            baseline += lh;
        }
        self.y += lines.len().max(1) as f32 * lh + 1.0;
    }

    /// The height `para` takes for `text`.
    pub fn para_height(&self, text: &str, size: f32) -> f32 {
        let lh = size * 0.3528 * 1.75;
        self.wrap(text, self.content_width(), size, Face::Serif)
            .len() as f32
            * lh
    }

    /// A body paragraph, first line indented by two characters (两个全角空格).
    pub fn para(&mut self, text: &str, size: f32, indent: bool) {
        let lh = size * 0.3528 * 1.75;
        let x = self.left();
        let w = self.content_width();
        let text = if indent {
            format!("\u{3000}\u{3000}{}", text.trim_start())
        } else {
            text.to_string()
        };
        for line in self.wrap(&text, w, size, Face::Serif) {
            self.need(lh);
            self.text(x, self.y + lh * 0.72, size, Face::Serif, &line);
            self.y += lh;
        }
        self.y += 1.5;
    }

    /// Draws a merged header on the header grid at the current y; returns its height.
    pub fn head(&mut self, widths: &[f32], cells: &[HeadCell], rows: usize) -> f32 {
        let x0 = self.left();
        let size = 9.0;
        let lh = size * 0.3528 * 1.35;
        // Row heights: at least 7 mm; grown so every single-row cell's text fits.
        let mut hs = vec![7.0_f32; rows];
        for c in cells.iter().filter(|c| c.rowspan == 1 && c.row < rows) {
            let w: f32 = widths[c.col..(c.col + c.colspan).min(widths.len())]
                .iter()
                .sum();
            let n = self.wrap(&c.text, w - 2.0 * PAD, size, Face::Serif).len() as f32;
            hs[c.row] = hs[c.row].max(n * lh + 2.0 * PAD);
        }
        let total: f32 = hs.iter().sum();
        let y0 = self.y;
        let xs: Vec<f32> = std::iter::once(0.0)
            .chain(widths.iter().scan(0.0, |s, w| {
                *s += w;
                Some(*s)
            }))
            .collect();
        for c in cells {
            let x = x0 + xs[c.col];
            let w = xs[(c.col + c.colspan).min(widths.len())] - xs[c.col];
            let y = y0 + hs[..c.row.min(rows)].iter().sum::<f32>();
            let h: f32 = hs[c.row.min(rows)..(c.row + c.rowspan).min(rows)]
                .iter()
                .sum();
            self.rule(x, y, x + w, y);
            self.rule(x, y + h, x + w, y + h);
            self.rule(x, y, x, y + h);
            self.rule(x + w, y, x + w, y + h);
            let lines = self.wrap(&c.text, w - 2.0 * PAD, size, Face::Serif);
            let th = lines.len() as f32 * lh;
            let mut base = y + (h - th) / 2.0 + lh * 0.78;
            for l in lines {
                self.aligned(x, w, base, size, Face::Serif, &l, Align::Center);
                base += lh;
            }
        }
        self.y = y0 + total;
        total
    }

    /// Page numbers and the watermark (草稿, or 样例 on a bundled sample), after layout.
    pub fn finish(&mut self, first_numbered: usize, watermark: Option<&str>, footnote: &str) {
        self.close_grid();
        let mut n = 0;
        for (i, p) in self.pages.iter_mut().enumerate() {
            let (w, h) = (p.width, p.height);
            if let Some(mark) = watermark {
                // Drawn first, under the content.
                // Drawn as outlines: the page's text stays what the document says.
                p.items.insert(
                    0,
                    Item::Shape {
                        label: mark.into(),
                        rings: self
                            .f
                            .outline(Face::Sans, mark, 110.0, w * 0.25, h * 0.62, 30.0),
                        grey: 0.85,
                    },
                );
            }
            if i >= first_numbered && !self.unnumbered.contains(&i) {
                n += 1;
                let label = format!("— {n} —");
                let tw = self.f.width_mm(Face::Serif, &label, 9.0);
                p.items.push(Item::Text(Run {
                    x: (w - tw) / 2.0,
                    y: h - 9.0,
                    size: 9.0,
                    face: Face::Serif,
                    text: label,
                    grey: 0.0,
                    angle: 0.0,
                }));
            }
            if !footnote.is_empty() {
                p.items.push(Item::Text(Run {
                    x: 15.0,
                    y: h - 4.5,
                    size: 6.5,
                    face: Face::Serif,
                    text: footnote.to_string(),
                    grey: 0.35,
                    angle: 0.0,
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_line_ends_with_an_opening_bracket_or_starts_with_a_closing_one() {
        let l = Layout::new(super::super::fonts::fonts().unwrap());
        let text = "产出指标（50分）效益指标（30分）满意度指标（10分）说明《办法》与“口径”";
        let mut tried = 0;
        for w in 12..80 {
            let lines = l.wrap(text, w as f32, 10.5, Face::Serif);
            assert_eq!(lines.concat(), text, "nothing lost at {w} mm");
            for (i, line) in lines.iter().enumerate() {
                if i + 1 < lines.len() {
                    let last = line.chars().last().unwrap();
                    assert!(!OPENERS.contains(last), "{w} mm: {lines:?}");
                }
                if i > 0 {
                    let first = line.chars().next().unwrap();
                    assert!(!"，。；、：）》”！？".contains(first), "{w} mm: {lines:?}");
                }
            }
            tried += lines.len();
        }
        assert!(tried > 100);
    }
}
