//! The two faces the PDF uses (assets/fonts: Noto Serif SC for body and tables, Noto Sans SC for
//! headings), their character maps and advance widths for measuring text, and per-document
//! subsetting: a PDF embeds only the glyphs it shows.

use printpdf::ParsedFont;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Face {
    /// 宋体-like: body text and tables.
    Serif,
    /// 黑体-like: titles and headings.
    Sans,
}

impl Face {
    pub fn file(self) -> &'static str {
        match self {
            Face::Serif => "fonts/NotoSerifSC-Regular-subset.otf",
            Face::Sans => "fonts/NotoSansSC-Regular-subset.otf",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Face::Serif => "Noto Serif SC",
            Face::Sans => "Noto Sans SC",
        }
    }
}

/// One closed contour: (x, y, is a Bézier control point), mm on the page.
pub type Ring = Vec<(f32, f32, bool)>;

/// Collects a glyph's contours in mm (cubic curves; quadratic ones raised to cubic).
struct Outline {
    k: f32,
    dx: f32,
    last: (f32, f32),
    cur: Ring,
    rings: Vec<Ring>,
}

impl Outline {
    fn at(&self, x: f32, y: f32) -> (f32, f32) {
        (self.dx + x * self.k, y * self.k)
    }
    fn push(&mut self, x: f32, y: f32, ctl: bool) {
        let (u, v) = self.at(x, y);
        self.cur.push((u, v, ctl));
    }
    fn end_ring(&mut self) {
        if !self.cur.is_empty() {
            self.rings.push(std::mem::take(&mut self.cur));
        }
    }
}

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.end_ring();
        self.push(x, y, false);
        self.last = (x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.push(x, y, false);
        self.last = (x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x0, y0) = self.last;
        self.push(x0 + (x1 - x0) * 2.0 / 3.0, y0 + (y1 - y0) * 2.0 / 3.0, true);
        self.push(x + (x1 - x) * 2.0 / 3.0, y + (y1 - y) * 2.0 / 3.0, true);
        self.push(x, y, false);
        self.last = (x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.push(x1, y1, true);
        self.push(x2, y2, true);
        self.push(x, y, false);
        self.last = (x, y);
    }
    fn close(&mut self) {
        self.end_ring();
    }
}

pub struct Fonts {
    pub serif: ParsedFont,
    pub sans: ParsedFont,
    pub serif_bytes: &'static [u8],
    pub sans_bytes: &'static [u8],
}

/// The fonts, parsed once. None if the bundled files are missing or unreadable.
pub fn fonts() -> Option<&'static Fonts> {
    static F: std::sync::OnceLock<Option<Fonts>> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let serif_bytes = crate::template::registry::embedded_bytes(Face::Serif.file())?;
        let sans_bytes = crate::template::registry::embedded_bytes(Face::Sans.file())?;
        let mut w = Vec::new();
        Some(Fonts {
            serif: ParsedFont::from_bytes(serif_bytes, 0, &mut w)?,
            sans: ParsedFont::from_bytes(sans_bytes, 0, &mut w)?,
            serif_bytes,
            sans_bytes,
        })
    })
    .as_ref()
}

impl Fonts {
    pub fn font(&self, f: Face) -> &ParsedFont {
        match f {
            Face::Serif => &self.serif,
            Face::Sans => &self.sans,
        }
    }

    pub fn has(&self, f: Face, c: char) -> bool {
        c == ' ' || self.font(f).codepoint_to_glyph.contains_key(&(c as u32))
    }

    /// Advance of one character in points at `size` pt (a missing character counts as 1 em).
    pub fn advance_pt(&self, f: Face, c: char, size: f32) -> f32 {
        let font = self.font(f);
        let upem = font.units_per_em.max(1) as f32;
        let w = font
            .codepoint_to_glyph
            .get(&(c as u32))
            .and_then(|g| font.glyph_widths.get(g))
            .map(|w| *w as f32)
            .unwrap_or(upem);
        w / upem * size
    }

    /// Width of a text in mm at `size` pt.
    pub fn width_mm(&self, f: Face, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance_pt(f, c, size))
            .sum::<f32>()
            * PT_MM
    }

    /// `text` as filled outlines, not text: rings of points (mm on the page, `true` for a Bézier
    /// control point), the baseline starting at (x, y) and turned `angle` degrees
    /// counter-clockwise. The watermark is drawn this way so that nothing reading the page's text
    /// (a reviewer's checker, copy and paste) finds 草稿 among the figures.
    pub fn outline(&self, f: Face, text: &str, size: f32, x: f32, y: f32, angle: f32) -> Vec<Ring> {
        let bytes = match f {
            Face::Serif => self.serif_bytes,
            Face::Sans => self.sans_bytes,
        };
        let Ok(face) = ttf_parser::Face::parse(bytes, 0) else {
            return Vec::new();
        };
        let upem = f32::from(face.units_per_em().max(1));
        let k = size / upem * PT_MM;
        let (sin, cos) = angle.to_radians().sin_cos();
        let mut rings = Vec::new();
        let mut pen = 0.0f32;
        for ch in text.chars() {
            let Some(g) = face.glyph_index(ch) else {
                pen += size * PT_MM;
                continue;
            };
            let mut b = Outline {
                k,
                dx: pen,
                last: (0.0, 0.0),
                cur: Vec::new(),
                rings: Vec::new(),
            };
            face.outline_glyph(g, &mut b);
            b.end_ring();
            for ring in b.rings {
                // u along the baseline, v up (mm); the page's y grows downwards.
                rings.push(
                    ring.into_iter()
                        .map(|(u, v, ctl)| (x + u * cos - v * sin, y - (u * sin + v * cos), ctl))
                        .collect(),
                );
            }
            pen += face.glyph_hor_advance(g).map(f32::from).unwrap_or(upem) * k;
        }
        rings
    }

    /// A subset of face `f` holding exactly `chars` (plus .notdef), with a Unicode cmap.
    pub fn subset(&self, f: Face, chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
        use allsorts::binary::read::ReadScope;
        use allsorts::font_data::FontData;
        use allsorts::subset::{subset, CmapTarget, SubsetProfile};
        let font = self.font(f);
        let mut ids: Vec<u16> = vec![0];
        let mut gids: BTreeSet<u16> = BTreeSet::new();
        for c in chars {
            if let Some(g) = font.codepoint_to_glyph.get(&(*c as u32)) {
                if *g != 0 {
                    gids.insert(*g);
                }
            }
        }
        ids.extend(gids);
        let bytes = match f {
            Face::Serif => self.serif_bytes,
            Face::Sans => self.sans_bytes,
        };
        let data = ReadScope::new(bytes)
            .read::<FontData<'_>>()
            .map_err(|e| e.to_string())?;
        let provider = data.table_provider(0).map_err(|e| e.to_string())?;
        subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode).map_err(|e| e.to_string())
    }
}

/// Millimetres per point.
pub const PT_MM: f32 = 25.4 / 72.0;
