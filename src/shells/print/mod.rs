//! Print: a workbook → a neutral page description (pages of positioned text runs and rules, in
//! mm from the top-left corner) → PDF. The layout reads templates (header merges, widths,
//! orientation, notes) and never names a particular table; the writer only translates.

pub mod fonts;
pub mod pdf;

use fonts::Face;

/// One run of text: baseline at (x, y) mm from the page's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub face: Face,
    pub text: String,
    /// 0 = black … 1 = white.
    pub grey: f32,
    /// Degrees, counter-clockwise (the 草稿 watermark).
    pub angle: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(Run),
    /// Filled outlines that are not text (the 草稿 / 样例 watermark): `label` says what they
    /// show, for snapshots and tests; nothing of it is in the PDF's text.
    Shape {
        label: String,
        rings: Vec<fonts::Ring>,
        /// 0 = black … 1 = white.
        grey: f32,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        /// Stroke width in pt.
        width: f32,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// mm.
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub title: String,
    pub author: String,
    pub subject: String,
    /// Document date (year, month, day).
    pub date: (i32, u8, u8),
    pub pages: Vec<Page>,
}

impl Document {
    /// The layout as readable text, positions rounded to 0.1 mm: one line per run or rule.
    /// Tests keep snapshots of it.
    pub fn snapshot(&self) -> String {
        let mut out = String::new();
        for (i, p) in self.pages.iter().enumerate() {
            out.push_str(&format!("page {} {:.0}x{:.0}\n", i + 1, p.width, p.height));
            for it in &p.items {
                match it {
                    Item::Text(r) => out.push_str(&format!(
                        "  T {:.1} {:.1} {} {:?} {}\n",
                        r.x, r.y, r.size, r.face, r.text
                    )),
                    Item::Line { x1, y1, x2, y2, .. } => {
                        out.push_str(&format!("  L {x1:.1} {y1:.1} {x2:.1} {y2:.1}\n"))
                    }
                    Item::Shape { label, rings, .. } => {
                        out.push_str(&format!("  S {label} ({} contours)\n", rings.len()))
                    }
                }
            }
        }
        out
    }
}

pub mod doc;
pub mod layout;
pub mod printer;
mod sheets;
pub mod verify;

pub use doc::{Options, Part};

/// What an export produced.
#[derive(Debug)]
pub struct Exported {
    pub bytes: Vec<u8>,
    pub pages: usize,
    pub draft: bool,
    pub errors: usize,
}

/// Lays out and writes a PDF. Refuses (in words) before writing anything if a character is missing
/// from the fonts, something overflows, or a final copy is asked for while errors remain.
pub fn export(src: &doc::Source, opts: &Options) -> Result<Exported, String> {
    let mut built = doc::build(src, opts)?;
    if !built.missing.is_empty() {
        let list: Vec<String> = built
            .missing
            .iter()
            .map(|m| {
                format!(
                    "「{}」(U+{:04X}) 第 {} 页「{}」",
                    m.ch, m.ch as u32, m.page, m.context
                )
            })
            .collect();
        return Err(format!(
            "字体中没有这些字符，导出会丢字，已停止：{}",
            list.join("；")
        ));
    }
    if !built.overflows.is_empty() {
        let list: Vec<String> = built
            .overflows
            .iter()
            .map(|o| format!("第 {} 页：{}", o.page, o.what))
            .collect();
        return Err(format!("版面检查未通过：{}", list.join("；")));
    }
    for (i, p) in built.doc.pages.iter().enumerate() {
        let a4 = (p.width == 210.0 && p.height == 297.0) || (p.width == 297.0 && p.height == 210.0);
        if !a4 {
            return Err(format!("第 {} 页不是 A4", i + 1));
        }
        if !p.items.iter().any(|it| {
            matches!(it, Item::Line { .. })
                || matches!(it, Item::Text(r) if r.grey == 0.0 && !r.text.starts_with("— "))
        }) {
            return Err(format!("第 {} 页是空白页", i + 1));
        }
    }
    if let Some(range) = &opts.pages {
        let keep = range.select(built.doc.pages.len())?;
        let mut pages: Vec<Option<Page>> = std::mem::take(&mut built.doc.pages)
            .into_iter()
            .map(Some)
            .collect();
        built.doc.pages = keep.iter().filter_map(|&i| pages[i].take()).collect();
        built.pages = built.doc.pages.len();
    }
    let bytes = pdf::write(&built.doc)?;
    // Read the file back: every run must come out as laid out (no character silently lost).
    let read = verify::read(&bytes)?;
    if read.len() != built.doc.pages.len() {
        return Err(format!(
            "写出的 PDF 有 {} 页，版面有 {} 页",
            read.len(),
            built.doc.pages.len()
        ));
    }
    for (i, (p, r)) in built.doc.pages.iter().zip(&read).enumerate() {
        let want: Vec<&str> = p
            .items
            .iter()
            .filter_map(|it| match it {
                Item::Text(t) => Some(t.text.as_str()),
                _ => None,
            })
            .collect();
        if want != r.runs.iter().map(String::as_str).collect::<Vec<_>>() {
            let lost = want
                .iter()
                .zip(&r.runs)
                .find(|(a, b)| *a != b)
                .map(|(a, b)| format!("应为「{a}」，实为「{b}」"))
                .unwrap_or_else(|| "文字段数不同".into());
            return Err(format!(
                "写出的 PDF 第 {} 页文字与版面不符（{lost}）",
                i + 1
            ));
        }
    }
    Ok(Exported {
        bytes,
        pages: built.pages,
        draft: built.draft,
        errors: built.errors,
    })
}
