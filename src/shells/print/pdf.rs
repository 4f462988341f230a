//! The PDF writer: translates a page description into printpdf operations. It knows nothing of
//! tables or forms. Fonts are subset to the characters the document shows; ids and dates come
//! from the options, so the same workbook gives byte-identical files.

use super::fonts::{fonts, Face, PT_MM};
use super::{Document, Item};
use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, TextItem, TextMatrix,
    WindingOrder,
};
use std::collections::{BTreeMap, BTreeSet};

fn mm_to_pt(v: f32) -> Pt {
    Pt(v / PT_MM)
}

fn grey(p: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: p,
        icc_profile: None,
    })
}

/// A short, stable digest of the document (FNV-1a, 128 bits as 32 hex digits).
fn digest(doc: &Document) -> String {
    let mut h1: u64 = 0xcbf29ce484222325;
    let mut h2: u64 = 0x84222325cbf29ce4;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h1 ^= *b as u64;
            h1 = h1.wrapping_mul(0x100000001b3);
            h2 ^= (*b as u64).rotate_left(3);
            h2 = h2.wrapping_mul(0x100000001b3);
        }
    };
    feed(doc.title.as_bytes());
    for p in &doc.pages {
        for it in &p.items {
            feed(format!("{it:?}").as_bytes());
        }
    }
    format!("{h1:016x}{h2:016x}")
}

/// Writes the document. Errors name what could not be done.
pub fn write(doc: &Document) -> Result<Vec<u8>, String> {
    let f = fonts().ok_or("内置字体文件缺失或无法读取（assets/fonts）")?;
    // The characters each face shows.
    let mut used: BTreeMap<Face, BTreeSet<char>> = BTreeMap::new();
    for p in &doc.pages {
        for it in &p.items {
            if let Item::Text(r) = it {
                used.entry(r.face).or_default().extend(r.text.chars());
            }
        }
    }
    let mut pdf = PdfDocument::new(&doc.title);
    let date = printpdf::OffsetDateTime {
        date: printpdf::Date {
            year: doc.date.0,
            month: doc.date.1,
            day: doc.date.2,
        },
        time: printpdf::Time {
            hour: 0,
            minute: 0,
            second: 0,
            millisecond: 0,
        },
        offset: printpdf::Offset {
            hours: 8,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    };
    pdf.metadata.info.creation_date = date;
    pdf.metadata.info.modification_date = date;
    pdf.metadata.info.metadata_date = date;
    pdf.metadata.info.author = doc.author.clone();
    pdf.metadata.info.creator = "Gongkai 公开".into();
    pdf.metadata.info.producer = "Gongkai 公开".into();
    pdf.metadata.info.subject = doc.subject.clone();
    let id = digest(doc);
    pdf.metadata.info.identifier = id.clone();
    let mut ids: BTreeMap<Face, FontId> = BTreeMap::new();
    for (face, chars) in &used {
        let bytes = f.subset(*face, chars)?;
        let mut w = Vec::new();
        let parsed = ParsedFont::from_bytes(&bytes, 0, &mut w)
            .ok_or_else(|| format!("字体子集无法读取：{}", face.name()))?;
        // Stable resource names instead of printpdf's random ids.
        let fid = FontId(format!("F{}", ids.len() + 1));
        pdf.resources
            .fonts
            .map
            .insert(fid.clone(), PdfFont::new(parsed));
        ids.insert(*face, fid);
    }
    let mut pages = Vec::new();
    for p in &doc.pages {
        let h = p.height;
        let mut ops = Vec::new();
        for it in &p.items {
            match it {
                Item::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => {
                    ops.push(Op::SetOutlineColor { col: grey(0.0) });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![
                                LinePoint {
                                    p: Point {
                                        x: mm_to_pt(*x1),
                                        y: mm_to_pt(h - y1),
                                    },
                                    bezier: false,
                                },
                                LinePoint {
                                    p: Point {
                                        x: mm_to_pt(*x2),
                                        y: mm_to_pt(h - y2),
                                    },
                                    bezier: false,
                                },
                            ],
                            is_closed: false,
                        },
                    });
                }
                Item::Shape { rings, grey: g, .. } => {
                    let at = |x: f32, y: f32| Point {
                        x: mm_to_pt(x),
                        y: mm_to_pt(h - y),
                    };
                    ops.push(Op::SetFillColor { col: grey(*g) });
                    ops.push(Op::DrawPolygon {
                        polygon: Polygon {
                            rings: rings
                                .iter()
                                .map(|r| PolygonRing {
                                    points: r
                                        .iter()
                                        .map(|&(x, y, bezier)| LinePoint {
                                            p: at(x, y),
                                            bezier,
                                        })
                                        .collect(),
                                })
                                .collect(),
                            mode: PaintMode::Fill,
                            winding_order: WindingOrder::NonZero,
                        },
                    });
                }
                Item::Text(r) => {
                    let Some(fid) = ids.get(&r.face) else {
                        continue;
                    };
                    ops.push(Op::StartTextSection);
                    ops.push(Op::SetFillColor { col: grey(r.grey) });
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(fid.clone()),
                        size: Pt(r.size),
                    });
                    let (x, y) = (mm_to_pt(r.x), mm_to_pt(h - r.y));
                    ops.push(Op::SetTextMatrix {
                        matrix: if r.angle == 0.0 {
                            TextMatrix::Translate(x, y)
                        } else {
                            TextMatrix::TranslateRotate(x, y, r.angle)
                        },
                    });
                    ops.push(Op::ShowText {
                        items: vec![TextItem::Text(r.text.clone())],
                    });
                    ops.push(Op::EndTextSection);
                }
            }
        }
        pages.push(PdfPage::new(Mm(p.width), Mm(p.height), ops));
    }
    pdf.with_pages(pages);
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut bytes = pdf.save(&opts, &mut warnings);
    stable_trailer_id(&mut bytes, &id);
    Ok(bytes)
}

/// Replaces the two random strings of the trailer's /ID with the document digest (same length,
/// so no offset moves).
fn stable_trailer_id(bytes: &mut [u8], id: &str) {
    let Some(at) = find_last(bytes, b"/ID") else {
        return;
    };
    let mut i = at;
    for _ in 0..2 {
        let Some(open) = bytes[i..].iter().position(|b| *b == b'(').map(|p| p + i) else {
            return;
        };
        let Some(close) = bytes[open..]
            .iter()
            .position(|b| *b == b')')
            .map(|p| p + open)
        else {
            return;
        };
        let n = close - open - 1;
        for (k, b) in bytes[open + 1..close].iter_mut().enumerate() {
            *b = id.as_bytes()[k % id.len()];
        }
        let _ = n;
        i = close + 1;
    }
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
