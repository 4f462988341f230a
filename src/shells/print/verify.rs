//! Reads a written PDF back (lopdf): the text of each page through the fonts' ToUnicode maps and
//! each page's size. The export compares it with the layout, so a character lost between layout
//! and file is an error, never a silent gap; the tests read the same way.

use lopdf::{content::Content, Document, Object};
use std::collections::BTreeMap;

/// One page as read back: size in points and its text runs in drawing order.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadPage {
    pub width: f32,
    pub height: f32,
    pub runs: Vec<String>,
}

impl ReadPage {
    pub fn text(&self) -> String {
        self.runs.join("\n")
    }
}

fn num(o: &Object) -> f32 {
    match o {
        Object::Integer(i) => *i as f32,
        Object::Real(r) => *r,
        _ => 0.0,
    }
}

/// `<0001> <0020>` lines of a ToUnicode CMap (bfchar), and bfrange triples.
fn to_unicode(cmap: &str) -> BTreeMap<u16, String> {
    let mut out = BTreeMap::new();
    let hex = |s: &str| u32::from_str_radix(s.trim_matches(['<', '>']), 16).ok();
    let mut in_range = false;
    for line in cmap.lines() {
        let l = line.trim();
        if l.ends_with("beginbfrange") {
            in_range = true;
            continue;
        }
        if l == "endbfrange" {
            in_range = false;
            continue;
        }
        let parts: Vec<&str> = l.split_whitespace().collect();
        if in_range && parts.len() == 3 {
            if let (Some(a), Some(b), Some(u)) = (hex(parts[0]), hex(parts[1]), hex(parts[2])) {
                for (k, code) in (a..=b).enumerate() {
                    if let Some(c) = char::from_u32(u + k as u32) {
                        out.insert(code as u16, c.to_string());
                    }
                }
            }
        } else if parts.len() == 2 && parts[0].starts_with('<') && parts[1].starts_with('<') {
            if let (Some(code), Some(u)) = (hex(parts[0]), hex(parts[1])) {
                if let Some(c) = char::from_u32(u) {
                    out.insert(code as u16, c.to_string());
                }
            }
        }
    }
    out
}

/// Every page's size and text runs.
pub fn read(bytes: &[u8]) -> Result<Vec<ReadPage>, String> {
    let doc = Document::load_mem(bytes).map_err(|e| format!("PDF 无法读取：{e}"))?;
    let mut pages = Vec::new();
    for (_, pid) in doc.get_pages() {
        let page = doc.get_dictionary(pid).map_err(|e| e.to_string())?;
        let mb = page
            .get(b"MediaBox")
            .ok()
            .and_then(|o| o.as_array().ok())
            .map(|a| a.iter().map(num).collect::<Vec<_>>())
            .unwrap_or_default();
        let (width, height) = match mb.as_slice() {
            [x0, y0, x1, y1] => (x1 - x0, y1 - y0),
            _ => (0.0, 0.0),
        };
        let mut maps: BTreeMap<Vec<u8>, BTreeMap<u16, String>> = BTreeMap::new();
        for (name, font) in doc.get_page_fonts(pid).map_err(|e| e.to_string())? {
            let map = font
                .get(b"ToUnicode")
                .ok()
                .and_then(|o| o.as_reference().ok())
                .and_then(|r| doc.get_object(r).ok())
                .and_then(|o| o.as_stream().ok())
                .and_then(|s| {
                    s.decompressed_content()
                        .ok()
                        .or_else(|| Some(s.content.clone()))
                })
                .map(|b| to_unicode(&String::from_utf8_lossy(&b)))
                .unwrap_or_default();
            maps.insert(name, map);
        }
        let content = Content::decode(&doc.get_page_content(pid)).map_err(|e| e.to_string())?;
        let mut font: Vec<u8> = Vec::new();
        let mut runs = Vec::new();
        for op in content.operations {
            match op.operator.as_str() {
                "Tf" => {
                    if let Some(Object::Name(n)) = op.operands.first() {
                        font = n.clone();
                    }
                }
                "Tj" => {
                    if let Some(Object::String(b, _)) = op.operands.first() {
                        let map = maps.get(&font);
                        let mut s = String::new();
                        for pair in b.chunks(2) {
                            let code = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
                            match map.and_then(|m| m.get(&code)) {
                                Some(t) => s.push_str(t),
                                None => s.push('\u{FFFD}'),
                            }
                        }
                        runs.push(s);
                    }
                }
                _ => {}
            }
        }
        pages.push(ReadPage {
            width,
            height,
            runs,
        });
    }
    Ok(pages)
}
