//! The 公开 document: cover, 目录 with real page numbers, 第一部分 概况, 第二部分 the tables (from
//! their templates' Sheets), 第三部分 情况说明, 第四部分 名词解释, 第五部分 附件 (the 绩效 forms in
//! their paper layout). Parts can be exported alone.

use super::fonts::{fonts, Face};
use super::layout::{Align, Layout};
use super::sheets::{fitted, form, table, FORM_SCALES, TABLE_SCALES};
pub use super::sheets::{FORM_MIN_PT, TABLE_MIN_PT};
use super::{Document, Item};
use crate::amount::format_amount;
use crate::engine::narrative::Narrative;
use crate::engine::perf::Scored;
use crate::engine::{CellKind, Finding, Model, Workbook};
use crate::template::{Registry, Severity};

pub use crate::layout::Part;

impl Part {
    /// The tables this part holds (indices into the set), or why the named one is not there.
    pub fn tables(&self, set: &crate::template::TemplateSet) -> Result<Vec<usize>, String> {
        Ok(match self {
            Part::All | Part::Tables => (0..set.tables.len()).collect(),
            Part::Table(t) => {
                let ti = set
                    .tables
                    .iter()
                    .position(|x| &x.label == t || &x.id == t || &x.title == t)
                    .ok_or_else(|| {
                        format!(
                            "找不到表「{t}」（可用：{}）",
                            set.tables
                                .iter()
                                .map(|x| x.label.as_str())
                                .collect::<Vec<_>>()
                                .join("、")
                        )
                    })?;
                vec![ti]
            }
            _ => Vec::new(),
        })
    }

    /// The forms this part holds, or why the named one is not there.
    pub fn forms<'a, 'r>(&self, scored: &'a [Scored<'r>]) -> Result<Vec<&'a Scored<'r>>, String> {
        Ok(match self {
            Part::All | Part::Attachments => scored.iter().collect(),
            Part::Form(name) => {
                let hit: Vec<&Scored> = scored
                    .iter()
                    .filter(|s| &s.id == name || &s.score.name == name)
                    .collect();
                if hit.is_empty() {
                    return Err(format!(
                        "找不到表单「{name}」（可用：{}）",
                        scored
                            .iter()
                            .map(|s| s.id.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ));
                }
                hit
            }
            _ => Vec::new(),
        })
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub part: Part,
    /// Final copy: refused while there are error findings, unless `override_reason` is given.
    pub final_copy: bool,
    pub override_reason: Option<String>,
    /// Document date; default the day of the export (the same workbook and date give the same
    /// bytes).
    pub date: Option<(i32, u8, u8)>,
    /// Only these pages are written (for 打印 with a page range); None: all.
    pub pages: Option<super::printer::PageRange>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            part: Part::All,
            final_copy: false,
            override_reason: None,
            date: None,
            pages: None,
        }
    }
}

/// A character the fonts lack, where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    pub ch: char,
    pub page: usize,
    pub context: String,
}

/// The outcome of an export before writing.
#[derive(Debug)]
pub struct Built {
    pub doc: Document,
    pub draft: bool,
    pub errors: usize,
    pub missing: Vec<Missing>,
    pub overflows: Vec<super::layout::Overflow>,
    pub pages: usize,
}

pub struct Source<'a> {
    pub reg: &'a Registry,
    pub model: &'a Model<'a>,
    pub wb: &'a Workbook,
    pub findings: &'a [Finding],
    pub narrative: Option<&'a Narrative>,
    pub forms: &'a [Scored<'a>],
}

impl<'a> Source<'a> {
    /// Everything the print needs from one evaluation of `wb`.
    pub fn new(
        reg: &'a Registry,
        wb: &'a Workbook,
        full: &'a crate::engine::evaluate::Full<'a, 'a>,
    ) -> Self {
        Source {
            reg,
            model: &full.ev.model,
            wb,
            findings: &full.ev.findings,
            narrative: full.text.as_ref(),
            forms: &full.scored,
        }
    }
}

pub(super) fn cell_text(model: &Model, id: crate::engine::CellId) -> String {
    let info = &model.cells[id as usize];
    match info.kind {
        CellKind::Locked => "——".into(),
        _ => {
            let v = model.value_of(id);
            if v.is_zero() {
                String::new()
            } else {
                let dp = model.set.tables[info.table].columns[info.col].dp;
                format_amount(v, dp)
            }
        }
    }
}

pub(super) fn align(a: crate::layout::Align) -> Align {
    match a {
        crate::layout::Align::Left => Align::Left,
        crate::layout::Align::Center => Align::Center,
        crate::layout::Align::Right => Align::Right,
    }
}

/// Scales template widths to the content width.
pub(super) fn fit(widths: &[f32], total: f32) -> Vec<f32> {
    let sum: f32 = widths.iter().sum::<f32>().max(1.0);
    widths.iter().map(|w| w * total / sum).collect()
}

struct Toc {
    entries: Vec<(usize, String, usize)>,
}

/// 第一部分 概况: the workbook text after "概况/" and its printed heading.
const OVERVIEW_PARTS: [(&str, &str); 2] = [
    ("职责", "一、本部门（单位）职责"),
    ("机构设置", "二、机构设置情况"),
];

/// Rules whose findings mean the document is not finished: no override makes them printable as
/// a 定稿 (a placeholder, a broken sentence or text in an amount cell is never what a unit means
/// to publish).
pub const GATE_RULES: &[&str] = &["N-占位", "N-断句", "TEXT-1"];

/// What keeps `src` from being a 定稿: unfinished findings, and the 概况 texts the document
/// would print as （未填写）.
pub fn unfinished(src: &Source, opts: &Options) -> Vec<String> {
    let mut open: Vec<String> = src
        .findings
        .iter()
        .filter(|f| GATE_RULES.contains(&f.rule.as_str()))
        .map(|f| f.message.clone())
        .collect();
    if src.wb.is_sample() {
        open.insert(
            0,
            "这是程序自带的样例，不能作为定稿导出（请新建本单位的工作簿）".into(),
        );
    }
    if opts.part == Part::All {
        open.extend(overview_missing(src.wb));
    }
    open
}

/// The 第一部分 概况 texts a whole document would print as （未填写）.
pub fn overview_missing(wb: &crate::engine::Workbook) -> Vec<String> {
    OVERVIEW_PARTS
        .iter()
        .filter(|(key, _)| {
            let key = format!("{}{key}", crate::engine::narrative::render::OVERVIEW);
            wb.texts.get(&key).is_none_or(|t| t.trim().is_empty())
        })
        .map(|(_, title)| format!("第一部分 概况「{title}」未填写"))
        .collect()
}

/// Lays out the document for `opts.part`.
pub fn build(src: &Source, opts: &Options) -> Result<Built, String> {
    let f = fonts().ok_or("内置字体文件缺失或无法读取（assets/fonts）")?;
    let wb = src.wb;
    let set = src.model.set;
    let errors = src
        .findings
        .iter()
        .filter(|x| x.severity == Severity::Error)
        .count();
    if opts.final_copy
        && errors > 0
        && opts
            .override_reason
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
    {
        return Err(format!(
            "工作簿还有 {errors} 条错误，不能导出定稿：请先改正，或写明定稿原因后定稿（命令行用 --override \"原因\"）"
        ));
    }
    if opts.final_copy {
        let open = unfinished(src, opts);
        if !open.is_empty() {
            let shown: Vec<&str> = open.iter().take(8).map(String::as_str).collect();
            return Err(format!(
                "还有 {} 处未完成，不能导出定稿（草稿仍可导出，并标明未完成处）：{}{}",
                open.len(),
                shown.join("；"),
                if open.len() > shown.len() {
                    "……"
                } else {
                    ""
                }
            ));
        }
    }
    let draft = !opts.final_copy;
    let mut l = Layout::new(f);
    let mut toc = Toc {
        entries: Vec::new(),
    };
    let whole = opts.part == Part::All;
    let unit = wb.unit.name.clone();
    let year = wb.unit.year;
    let kind = set.family.clone();
    if whole {
        // Cover.
        l.new_page(false);
        l.y = 95.0;
        l.heading(&unit, 24.0, true);
        l.y += 6.0;
        l.heading(&format!("{year}年度{}", set.document), 22.0, true);
        l.unnumbered.push(0);
    }
    let first_content = l.pages.len();
    let scored = src.forms;
    // 第一部分 概况.
    if whole {
        l.new_page(false);
        toc.entries.push((0, "第一部分 概况".into(), l.page_no()));
        l.heading("第一部分 概况", 16.0, true);
        for (key, title) in OVERVIEW_PARTS {
            toc.entries.push((1, title.to_string(), l.page_no()));
            l.heading(title, 12.0, false);
            let key = format!("{}{key}", crate::engine::narrative::render::OVERVIEW);
            let t = wb.texts.get(&key).map(String::as_str).unwrap_or("").trim();
            l.para(if t.is_empty() { "（未填写）" } else { t }, 11.0, true);
        }
    }
    // 第二部分 tables.
    let tables = opts.part.tables(set)?;
    if !tables.is_empty() {
        let mut first = true;
        for ti in tables {
            let t = &set.tables[ti];
            l.new_page(t.landscape);
            if first && whole {
                toc.entries
                    .push((0, format!("第二部分 {year}年度部门{kind}表"), l.page_no()));
                l.heading(&format!("第二部分 {year}年度部门{kind}表"), 16.0, true);
            }
            first = false;
            toc.entries
                .push((1, format!("{} {}", t.label, t.title), l.page_no()));
            // A table that spills a few rows (or its 注) onto another page is set a little
            // tighter, down to TABLE_MIN_PT, when that saves the page.
            let k = fitted(f, &l, t.landscape, &TABLE_SCALES, false, |x, k| {
                table(x, src.model, wb, ti, &unit, year, k)
            });
            table(&mut l, src.model, wb, ti, &unit, year, k);
        }
    }
    // 第三部分 情况说明, 第四部分 名词解释.
    if whole || opts.part == Part::Narrative {
        if let Some(n) = src.narrative {
            l.new_page(false);
            toc.entries.push((0, n.title.clone(), l.page_no()));
            l.heading(&n.title, 16.0, true);
            for s in &n.sections {
                toc.entries.push((1, s.title.clone(), l.page_no()));
                l.heading(&s.title, 12.0, false);
                for p in &s.paras {
                    match &p.chart {
                        Some(c) => chart(&mut l, &p.text, c),
                        None => l.para(&p.text, 11.0, true),
                    }
                }
            }
            l.new_page(false);
            toc.entries
                .push((0, "第四部分 名词解释".into(), l.page_no()));
            l.heading("第四部分 名词解释", 16.0, true);
            for t in &n.terms {
                l.para(&format!("{}：{}", t.title, t.text), 11.0, true);
            }
        } else if opts.part == Part::Narrative {
            return Err(format!("模板集「{}」没有情况说明模板", set.id));
        }
    }
    // 第五部分 附件: the forms.
    let forms = opts.part.forms(scored)?;
    for (i, s) in forms.iter().enumerate() {
        l.new_page(s.template.orientation == "landscape");
        if i == 0 && whole {
            toc.entries.push((0, "第五部分 附件".into(), l.page_no()));
            l.heading("第五部分 附件", 16.0, true);
        }
        let mut label = crate::engine::perf::audit::label_of(s.template, &s.score);
        // A 部门's forms come from its units (「单位乙·自评03」): the 目录 names the unit.
        if let Some((unit, _)) = s.id.split_once('·') {
            label = format!("{unit} {label}");
        }
        toc.entries
            .push((1, format!("附件{} {label}", i + 1), l.page_no()));
        let tag = (whole || forms.len() > 1).then(|| format!("附件{}", i + 1));
        // Like the paper: a form goes on one page whenever it fits, set from 9 pt down to
        // FORM_MIN_PT (with tighter rows); otherwise at full size across pages.
        let scale = fitted(
            f,
            &l,
            s.template.orientation == "landscape",
            &FORM_SCALES,
            false,
            |t, k| form(t, s, year, k, tag.as_deref()),
        );
        form(&mut l, s, year, scale, tag.as_deref());
    }
    if l.pages.is_empty() {
        return Err("没有可导出的内容".into());
    }
    // 目录: laid out after the content, inserted after the cover; content pages keep their
    // numbers because numbering starts after the 目录.
    if whole {
        l.close_grid();
        let content = std::mem::take(&mut l.pages);
        let mut t = Layout::new(f);
        t.new_page(false);
        t.heading("目  录", 16.0, true);
        t.y += 2.0;
        for (level, title, page) in &toc.entries {
            let n = page + 1 - first_content;
            let size = if *level == 0 { 12.0 } else { 11.0 };
            let lh = size * 0.3528 * 1.9;
            t.need(lh);
            let x = t.left() + if *level == 0 { 0.0 } else { 8.0 };
            let base = t.y + lh * 0.72;
            let face = if *level == 0 { Face::Sans } else { Face::Serif };
            let num = n.to_string();
            let nw = f.width_mm(Face::Serif, &num, size);
            let right = t.left() + t.content_width();
            let tw = f.width_mm(face, title, size);
            t.text(x, base, size, face, title);
            // Leader dots.
            let dot = f.width_mm(Face::Serif, "·", size).max(0.5);
            let from = x + tw + 2.0;
            let to = right - nw - 2.0;
            if to > from {
                let count = ((to - from) / dot) as usize;
                t.text(from, base, size, Face::Serif, &"·".repeat(count));
            }
            t.text(right - nw, base, size, Face::Serif, &num);
            t.y += lh;
        }
        let toc_pages = t.pages.len();
        let mut pages = Vec::new();
        let mut it = content.into_iter();
        if let Some(cover) = it.next() {
            pages.push(cover);
        }
        pages.extend(t.pages);
        pages.extend(it);
        l.pages = pages;
        l.unnumbered = (0..=toc_pages).collect();
    }
    let numbered_from = if whole { l.unnumbered.len() } else { 0 };
    let note = if wb.is_sample() {
        "样例：程序自带的示例文件，不能作为公开件使用".to_string()
    } else if draft && errors > 0 {
        format!("草稿：工作簿尚有 {errors} 条错误，不能作为公开件使用")
    } else if draft {
        "草稿".to_string()
    } else if errors > 0 {
        format!(
            "定稿（存在 {errors} 条错误，经确认定稿：{}）",
            opts.override_reason.clone().unwrap_or_default()
        )
    } else {
        String::new()
    };
    let mark = if wb.is_sample() {
        Some("样例")
    } else if draft {
        Some("草稿")
    } else {
        None
    };
    l.finish(numbered_from, mark, &note);
    // Preflight: characters the fonts lack, blank pages, page sizes.
    let mut missing = Vec::new();
    for (i, p) in l.pages.iter().enumerate() {
        for it in &p.items {
            if let Item::Text(r) = it {
                for c in r.text.chars() {
                    if !f.has(r.face, c) && !missing.iter().any(|m: &Missing| m.ch == c) {
                        missing.push(Missing {
                            ch: c,
                            page: i + 1,
                            context: r.text.chars().take(30).collect(),
                        });
                    }
                }
            }
        }
    }
    let date = opts.date.unwrap_or_else(|| {
        use chrono::Datelike;
        let t = chrono::Local::now().date_naive();
        (t.year(), t.month() as u8, t.day() as u8)
    });
    let pages = l.pages.len();
    Ok(Built {
        doc: Document {
            title: format!("{unit} {year}年度{}", set.document),
            author: unit,
            subject: match &opts.override_reason {
                Some(r) if !r.trim().is_empty() && errors > 0 => {
                    format!("经确认定稿（{errors} 条错误）：{r}")
                }
                _ => note,
            },
            date: (date.0, date.1, date.2),
            pages: l.pages,
        },
        draft,
        errors,
        missing,
        overflows: l.overflows,
        pages,
    })
}

/// A horizontal bar chart: title, one bar per row with its name and amount and share.
fn chart(l: &mut Layout, title: &str, c: &crate::engine::narrative::Chart) {
    let total: rust_decimal::Decimal = c.bars.iter().map(|b| b.1).sum();
    let max = c.bars.iter().map(|b| b.1).max().unwrap_or_default();
    let row_h = 8.0;
    l.need(12.0 + row_h * c.bars.len() as f32);
    let (x, w) = (l.left(), l.content_width());
    l.aligned(x, w, l.y + 5.0, 10.5, Face::Sans, title, Align::Center);
    l.y += 9.0;
    let label_w = w * 0.32;
    let bar_w = w * 0.45;
    for (name, v) in &c.bars {
        let base = l.y + row_h * 0.65;
        l.aligned(x, label_w - 2.0, base, 9.0, Face::Serif, name, Align::Right);
        let frac = if max.is_zero() {
            0.0
        } else {
            (*v / max).to_string().parse::<f32>().unwrap_or(0.0)
        };
        let len = (bar_w * frac).max(0.6);
        // A bar: a thick rule (5 mm high).
        let mid = l.y + row_h * 0.5;
        l.bar(x + label_w, x + label_w + len, mid, 14.0);
        let pct = if total.is_zero() {
            String::new()
        } else {
            format!(
                "（{}%）",
                format_amount(*v / total * rust_decimal::Decimal::ONE_HUNDRED, 2)
            )
        };
        l.text(
            x + label_w + len + 2.0,
            base,
            9.0,
            Face::Serif,
            &format!("{}万元{pct}", format_amount(*v, 2)),
        );
        l.y += row_h;
    }
    l.y += 3.0;
}
