//! The 公开 document: cover, 目录 with real page numbers, 第一部分 概况, 第二部分 the tables (from
//! their templates' Sheets), 第三部分 情况说明, 第四部分 名词解释, 第五部分 附件 (the 绩效 forms in
//! their paper layout). Parts can be exported alone.

use super::fonts::{fonts, Face};
use super::layout::{Align, Cell, HeadCell, Layout, Repeat};
use super::{Document, Item};
use crate::amount::format_amount;
use crate::engine::{CellKind, Finding, Model, Workbook};
use crate::layout::{sheet, SheetCell};
use crate::narrative::Narrative;
use crate::perf::{audit::num, Scored};
use crate::template::{Registry, Severity};

/// Which part to print.
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

#[derive(Debug, Clone)]
pub struct Options {
    pub part: Part,
    /// Final copy: refused while there are error findings, unless `override_reason` is given.
    pub final_copy: bool,
    pub override_reason: Option<String>,
    /// Document date; default 1 January of the year after the workbook's year.
    pub date: Option<(i32, u8, u8)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            part: Part::All,
            final_copy: false,
            override_reason: None,
            date: None,
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
        full: &'a crate::evaluate::Full<'a, 'a>,
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

fn cell_text(model: &Model, id: crate::engine::CellId) -> String {
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

fn align(a: crate::layout::Align) -> Align {
    match a {
        crate::layout::Align::Left => Align::Left,
        crate::layout::Align::Center => Align::Center,
        crate::layout::Align::Right => Align::Right,
    }
}

/// Scales template widths to the content width.
fn fit(widths: &[f32], total: f32) -> Vec<f32> {
    let sum: f32 = widths.iter().sum::<f32>().max(1.0);
    widths.iter().map(|w| w * total / sum).collect()
}

struct Toc {
    entries: Vec<(usize, String, usize)>,
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
            "工作簿还有 {errors} 条错误，不能导出定稿；请先改正（gongkai check 列出），或用 --override \"原因\" 记录确认后定稿"
        ));
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
        for (key, title) in [
            ("职责", "一、本部门（单位）职责"),
            ("机构设置", "二、机构设置情况"),
        ] {
            toc.entries.push((1, title.to_string(), l.page_no()));
            l.heading(title, 12.0, false);
            let key = format!("{}{key}", crate::narrative::render::OVERVIEW);
            let t = wb.texts.get(&key).map(String::as_str).unwrap_or("").trim();
            l.para(if t.is_empty() { "（未填写）" } else { t }, 11.0, true);
        }
    }
    // 第二部分 tables.
    let tables: Vec<usize> = match &opts.part {
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
    };
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
            table(&mut l, src.model, ti, &unit, year);
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
    let forms: Vec<&Scored> = match &opts.part {
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
    };
    for (i, s) in forms.iter().enumerate() {
        l.new_page(s.template.orientation == "landscape");
        if i == 0 && whole {
            toc.entries.push((0, "第五部分 附件".into(), l.page_no()));
            l.heading("第五部分 附件", 16.0, true);
        }
        let label = crate::perf::audit::label_of(s.template, &s.score);
        toc.entries
            .push((1, format!("附件{} {label}", i + 1), l.page_no()));
        if whole || forms.len() > 1 {
            l.text(
                l.left(),
                l.y + 4.0,
                10.0,
                Face::Sans,
                &format!("附件{}", i + 1),
            );
            l.y += 7.0;
        }
        form(&mut l, s, year);
    }
    if l.pages.is_empty() {
        return Err("没有可导出的内容".into());
    }
    // 目录: laid out after the content, inserted after the cover; content pages keep their
    // numbers because numbering starts after the 目录.
    if whole {
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
    let note = if draft && errors > 0 {
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
    l.finish(numbered_from, draft, &note);
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
    let date = opts.date.unwrap_or((year + 1, 1, 1));
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

/// One 公开表 from its template: 表号, title, 部门/年度/单位 line, merged header, rows, note.
fn table(l: &mut Layout, model: &Model, ti: usize, unit: &str, year: i32) {
    let t = &model.set.tables[ti];
    let sh = sheet(model, ti);
    let w = l.content_width();
    let widths = fit(&sh.widths, w);
    let (x, right) = (l.left(), l.left() + w);
    l.heading(&t.title, 15.0, true);
    let base = l.y + 4.0;
    l.text(x, base, 9.0, Face::Serif, &t.label);
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
    let empty = sh.rows.iter().all(|r| {
        r.cells.iter().all(|c| match c {
            SheetCell::Cell(id) => {
                model.cells[*id as usize].kind == CellKind::Locked || model.value_of(*id).is_zero()
            }
            _ => true,
        })
    });
    if empty {
        let text = if t.empty_text.is_empty() {
            "说明：本表无数据"
        } else {
            &t.empty_text
        };
        l.row(
            &widths,
            &[Cell::new(text, Align::Center).span(widths.len())],
            9.0,
        );
    } else {
        for r in &sh.rows {
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
                    &[Cell::new(text, Align::Left).span(widths.len())],
                    6.5,
                );
                continue;
            }
            let cells: Vec<Cell> = r
                .cells
                .iter()
                .map(|c| match c {
                    SheetCell::Blank => Cell::new("", Align::Left),
                    SheetCell::Text(s, a) => Cell::new(s.clone(), align(*a)),
                    SheetCell::Cell(id) => {
                        let a = if model.cells[*id as usize].kind == CellKind::Locked {
                            Align::Center
                        } else {
                            Align::Right
                        };
                        Cell::new(cell_text(model, *id), a)
                    }
                })
                .collect();
            l.row(&widths, &cells, 6.5);
        }
    }
    l.repeat = None;
    if !t.note.is_empty() {
        l.y += 1.5;
        l.para(&t.note, 9.0, false);
    }
}

/// A 绩效 form in its paper layout.
fn form(l: &mut Layout, s: &Scored, year: i32) {
    let t = s.template;
    let f = &s.form;
    let sc = &s.score;
    let w = l.content_width();
    let ys = year.to_string();
    l.heading(&t.title.replace("{year}", &ys), 14.0, true);
    if !t.subtitle.is_empty() {
        l.aligned(
            l.left(),
            w,
            l.y + 3.0,
            10.0,
            Face::Serif,
            &t.subtitle.replace("{year}", &ys),
            Align::Center,
        );
        l.y += 6.0;
    }
    // Header fields, two pairs per row.
    let quarter = fit(&[1.0, 1.6, 1.0, 1.6], w);
    let is_stamp = |label: &str| label.contains("盖章");
    let heads: Vec<_> = t
        .fields
        .iter()
        .filter(|x| x.group == "header" && !is_stamp(&x.label))
        .collect();
    field_pairs(l, &quarter, &heads, f, 7.0);
    // Money block.
    if let Some(m) = &t.money {
        let n = m.columns.len();
        let mut ws = vec![1.6];
        ws.extend(std::iter::repeat_n(1.0, n));
        let widths = fit(&ws, w);
        let mut head = vec![Cell::new(format!("资金（{}）", m.unit), Align::Center)];
        head.extend(
            m.columns
                .iter()
                .map(|c| Cell::new(c.label.clone(), Align::Center)),
        );
        l.row(&widths, &head, 7.0);
        let mut rows: Vec<(String, String)> = vec![(String::new(), "合计".into())];
        for sp in &m.splits {
            for r in &sp.rows {
                rows.push((format!("/{}", r.key), r.label.clone()));
            }
        }
        for (suffix, label) in rows {
            let mut cells = vec![Cell::new(label, Align::Left)];
            for c in &m.columns {
                let v = f
                    .money
                    .get(&format!("{}{suffix}", c.key))
                    .map(|d| format_amount(*d, 2))
                    .unwrap_or_default();
                cells.push(Cell::new(v, Align::Right));
            }
            l.row(&widths, &cells, 6.5);
        }
    }
    // 执行率.
    if sc.scored && !t.rate_label.is_empty() {
        let widths = fit(&[1.6, 2.0, 1.0, 1.0], w);
        let rate = sc
            .rate
            .map(|r| format!("{}%", format_amount(r, 2)))
            .unwrap_or_default();
        l.row(
            &widths,
            &[
                Cell::new(t.rate_label.clone(), Align::Center),
                Cell::new(format!("预算执行率 {rate}"), Align::Left),
                Cell::new("得分", Align::Center),
                Cell::new(num(sc.rate_score), Align::Center),
            ],
            7.0,
        );
    }
    // Ledgers (基础数据表): rows × columns, item rows under their row, ratios computed.
    for lg in &t.ledgers {
        l.y += 2.0;
        let title = lg.title_for(year);
        let title = if lg.unit.is_empty() {
            title
        } else {
            format!("{title}（{}）", lg.unit)
        };
        l.heading(&title, 10.5, false);
        let show = |d: rust_decimal::Decimal| {
            if lg.money() {
                format_amount(d, 2)
            } else {
                num(d)
            }
        };
        let mut ws = vec![2.4];
        ws.extend(std::iter::repeat_n(1.0, lg.columns.len()));
        let widths = fit(&ws, w);
        let mut head = vec![Cell::new("项目", Align::Center)];
        head.extend(
            lg.columns
                .iter()
                .map(|c| Cell::new(lg.column_label(c, year), Align::Center)),
        );
        l.row(&widths, &head, 7.0);
        let cell = |vals: &dyn Fn(&str) -> Option<rust_decimal::Decimal>,
                    c: &crate::perf::spec::LedgerColumn,
                    locked: bool| {
            if locked {
                Cell::new("——", Align::Center)
            } else if !c.ratio.is_empty() {
                Cell::new(
                    c.ratio_of(vals)
                        .map(|p| format!("{}%", format_amount(p, 2)))
                        .unwrap_or_default(),
                    Align::Right,
                )
            } else {
                Cell::new(vals(&c.key).map(show).unwrap_or_default(), Align::Right)
            }
        };
        for r in &lg.rows {
            let indent = "\u{3000}".repeat(lg.depth(r));
            let mut cells = vec![Cell::new(format!("{indent}{}", r.label), Align::Left)];
            let get = |k: &str| f.ledger.get(&format!("{}/{}/{k}", lg.key, r.key)).copied();
            for c in &lg.columns {
                cells.push(cell(&get, c, r.locked.contains(&c.key)));
            }
            l.row(&widths, &cells, 6.5);
            for it in f
                .items
                .get(&format!("{}/{}", lg.key, r.key))
                .into_iter()
                .flatten()
            {
                let mut cells = vec![Cell::new(
                    format!("{indent}\u{3000}{}", it.name),
                    Align::Left,
                )];
                let get = |k: &str| it.values.get(k).copied();
                for c in &lg.columns {
                    cells.push(cell(&get, c, false));
                }
                l.row(&widths, &cells, 6.5);
            }
        }
    }
    if !t.note.is_empty() && !t.ledgers.is_empty() {
        l.para(&t.note, 8.0, false);
    }
    // Goals and other text fields before the grid.
    let text_row = |l: &mut Layout, label: &str, text: &str| {
        let widths = fit(&[1.0, 5.0], w);
        l.row(
            &widths,
            &[
                Cell::new(label, Align::Center),
                Cell::new(text, Align::Left),
            ],
            9.0,
        );
    };
    for fd in t.fields.iter().filter(|x| x.group == "goals") {
        text_row(l, &fd.label, f.field(&fd.key));
    }
    // Indicator grid.
    if let Some(spec) = &t.indicators {
        let cols = &spec.columns;
        let weight = |c: &str| -> f32 {
            if c.contains("三级") || c.contains("原因") {
                2.0
            } else if c.contains("一级") || c.contains("二级") {
                1.1
            } else if c.contains("得分") || c.contains("分值") {
                0.8
            } else {
                1.4
            }
        };
        let widths = fit(&cols.iter().map(|c| weight(c)).collect::<Vec<_>>(), w);
        let header: Vec<Cell> = cols
            .iter()
            .map(|c| Cell::new(c.clone(), Align::Center))
            .collect();
        l.row(&widths, &header, 7.0);
        l.repeat = Some(Repeat {
            caption: format!("{}（续）", t.title.replace("{year}", &ys)),
            widths: widths.clone(),
            head: cols
                .iter()
                .enumerate()
                .map(|(i, c)| HeadCell {
                    text: c.clone(),
                    row: 0,
                    col: i,
                    rowspan: 1,
                    colspan: 1,
                })
                .collect(),
            head_rows: 1,
        });
        let block = spec.granularity == "block";
        let mut prev: Option<(String, String)> = None;
        for is in &sc.indicators {
            let ind = &f.indicators[is.index];
            let same1 = prev.as_ref().is_some_and(|p| p.0 == ind.level1);
            let same2 = same1 && prev.as_ref().is_some_and(|p| p.1 == ind.level2);
            let bscore = sc.blocks.iter().find(|b| b.level1 == ind.level1);
            let mut cells = Vec::new();
            for c in cols {
                let cell = if c.contains("一级") {
                    if same1 {
                        Cell::cont()
                    } else {
                        let label = match (block, bscore) {
                            (true, Some(b)) if sc.scored => {
                                format!("{}（{}分）", ind.level1, num(b.weight))
                            }
                            _ => ind.level1.clone(),
                        };
                        Cell::new(label, Align::Center)
                    }
                } else if c.contains("二级") {
                    if same2 {
                        Cell::cont()
                    } else {
                        Cell::new(ind.level2.clone(), Align::Center)
                    }
                } else if c.contains("三级") {
                    Cell::new(ind.name.clone(), Align::Left)
                } else if c.contains("实施期") {
                    Cell::new(ind.period_target.clone(), Align::Center)
                } else if c.contains("指标值") {
                    Cell::new(ind.target.clone(), Align::Center)
                } else if c.contains("原因") {
                    Cell::new(ind.reason.clone(), Align::Left)
                } else if c.contains("完成") {
                    Cell::new(ind.actual.clone(), Align::Center)
                } else if c.contains("分值") {
                    Cell::new(num(is.weight), Align::Center)
                } else if c.contains("得分") {
                    if block {
                        if same1 {
                            Cell::cont()
                        } else {
                            Cell::new(
                                bscore.map(|b| num(b.score)).unwrap_or_default(),
                                Align::Center,
                            )
                        }
                    } else {
                        Cell::new(
                            is.entered.or(is.suggested).map(num).unwrap_or_default(),
                            Align::Center,
                        )
                    }
                } else {
                    Cell::new("", Align::Left)
                };
                cells.push(cell);
            }
            l.row(&widths, &cells, 6.5);
            prev = Some((ind.level1.clone(), ind.level2.clone()));
        }
        l.repeat = None;
        if sc.scored {
            let n = widths.len();
            let half = n / 2;
            let left: f32 = widths[..half].iter().sum();
            let right: f32 = widths[half..].iter().sum();
            l.row(
                &fit(&[left * 0.5, left * 0.5, right * 0.5, right * 0.5], w),
                &[
                    Cell::new("总分", Align::Center).face(Face::Sans),
                    Cell::new(num(sc.total), Align::Center),
                    Cell::new("自评等级", Align::Center).face(Face::Sans),
                    Cell::new(sc.grade.clone(), Align::Center),
                ],
                8.0,
            );
        }
        if !t.footnote.is_empty() {
            l.para(&t.footnote, 8.0, false);
        }
    }
    for fd in t.fields.iter().filter(|x| x.group == "conclusion") {
        text_row(l, &fd.label, f.field(&fd.key));
    }
    // 评价人员: rows tall enough to sign.
    if let Some(r) = &t.reviewers {
        l.y += 2.0;
        let mut ws = vec![1.0];
        ws.extend(std::iter::repeat_n(1.5, r.columns.len()));
        let widths = fit(&ws, w);
        let mut head = vec![Cell::new(r.title.clone(), Align::Center)];
        head.extend(
            r.columns
                .iter()
                .map(|c| Cell::new(c.clone(), Align::Center)),
        );
        l.row(&widths, &head, 7.0);
        for role in &r.roles {
            let people: Vec<_> = f.reviewers.iter().filter(|p| &p.role == role).collect();
            let n = people.len().max(1);
            for i in 0..n {
                let p = people.get(i);
                let mut cells = vec![if i == 0 {
                    Cell::new(role.clone(), Align::Center)
                } else {
                    Cell::cont()
                }];
                for c in &r.columns {
                    let v = match (p, c.as_str()) {
                        (Some(p), "姓名") => p.name.clone(),
                        (Some(p), x) if x.contains("职") => p.title.clone(),
                        (Some(p), x) if x.contains("单位") => p.unit.clone(),
                        _ => String::new(),
                    };
                    cells.push(Cell::new(v, Align::Center));
                }
                l.row(&widths, &cells, 11.0);
            }
        }
    }
    // Footer: 填报人, 联系电话, 填报日期, and a box tall enough for the 单位（盖章）, wherever the
    // template lists that field.
    let foot: Vec<_> = t.fields.iter().filter(|x| x.group == "footer").collect();
    let stamp = t.fields.iter().find(|x| is_stamp(&x.label));
    if !foot.is_empty() || stamp.is_some() {
        l.y += 2.0;
        let plain: Vec<_> = foot.into_iter().filter(|x| !is_stamp(&x.label)).collect();
        field_pairs(l, &quarter, &plain, f, 8.0);
        if let Some(st) = stamp {
            l.row(
                &fit(&[1.0, 4.2], w),
                &[
                    Cell::new(st.label.clone(), Align::Center),
                    Cell::new(f.field(&st.key).to_string(), Align::Left),
                ],
                32.0,
            );
        }
    }
}

/// Label/value pairs, two per ruled row (the last one spanning when alone).
fn field_pairs(
    l: &mut Layout,
    widths: &[f32],
    fields: &[&crate::perf::spec::FieldSpec],
    f: &crate::perf::PerfForm,
    min_h: f32,
) {
    for pair in fields.chunks(2) {
        let mut cells = Vec::new();
        for fd in pair {
            cells.push(Cell::new(fd.label.clone(), Align::Center));
            cells.push(Cell::new(f.field(&fd.key).to_string(), Align::Left));
        }
        if pair.len() == 1 {
            cells[1] = cells[1].clone().span(3);
        }
        l.row(widths, &cells, min_h);
    }
}

/// A horizontal bar chart: title, one bar per row with its name and amount and share.
fn chart(l: &mut Layout, title: &str, c: &crate::narrative::Chart) {
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
