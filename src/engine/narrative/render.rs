//! Renders a narrative template against a recalculated workbook: every number comes from a
//! table cell, an extra input or the 绩效 forms, formatted per RULES.md §5.1.

use super::spec::{parse_each, Format, NarrativeTemplate, Para};
use crate::amount::{format_amount, parse_amount, round_half_up};
use crate::engine::{Model, Workbook};
use rust_decimal::Decimal;

/// Prefix of extra inputs in the workbook's texts.
pub const INPUT: &str = "输入/";
/// Prefix of edited paragraphs.
pub const OVERRIDE: &str = "情况说明/";
/// Prefix of edited 名词解释 items (by 1-based number).
pub const TERM: &str = "名词解释/";
/// Prefix of the 概况 texts (职责, 机构设置), printed as 第一部分.
pub const OVERVIEW: &str = "概况/";

/// Why a value is not available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    /// An input nobody has filled (key, label).
    Input(String, String),
    /// An input whose text is not a number (key, label, text).
    Bad(String, String, String),
    /// The template names a cell the tables do not have.
    Cell(String),
    /// The sentence is built on a table that is 未填写 (its printed label): no "0万元" from it.
    Empty(String),
    /// A share whose base is 0: there is nothing to be a share of.
    NoBase,
}

/// The row an `each` paragraph is on.
#[derive(Debug, Clone)]
pub struct RowCtx {
    pub table: String,
    pub key: String,
    pub code: String,
    pub label: String,
}

pub struct Ctx<'a> {
    pub n: &'a NarrativeTemplate,
    pub model: &'a Model<'a>,
    pub wb: &'a Workbook,
    /// Built-in figures ("绩效.项目数" …), by name.
    pub builtins: Vec<(String, Decimal)>,
}

impl Ctx<'_> {
    pub fn input_label(&self, key: &str, row: Option<&RowCtx>) -> String {
        let spec = self.n.inputs.iter().find(|i| {
            i.key == key
                || (i.key.contains('#') && row.is_some_and(|r| i.key.replace('#', &r.code) == key))
        });
        match (spec, row) {
            (Some(s), Some(r)) if s.key.contains('#') => format!("{}（{}）", s.label, r.label),
            (Some(s), _) => s.label.clone(),
            (None, _) => key.to_string(),
        }
    }

    pub fn input_text(&self, key: &str) -> Option<&str> {
        self.wb
            .texts
            .get(&format!("{INPUT}{key}"))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    fn input_value(&self, key: &str, row: Option<&RowCtx>) -> Result<Decimal, Miss> {
        let label = || self.input_label(key, row);
        match self.input_text(key) {
            Some(t) => match parse_amount(t) {
                Ok(Some(d)) => Ok(d),
                Ok(None) => Err(Miss::Input(key.into(), label())),
                Err(_) => Err(Miss::Bad(key.into(), label(), t.into())),
            },
            None => {
                let spec = self.n.inputs.iter().find(|i| i.key == key);
                match spec.map(|s| s.default.as_str()).filter(|d| !d.is_empty()) {
                    Some(d) => self.eval(d, row),
                    None => Err(Miss::Input(key.into(), label())),
                }
            }
        }
    }

    /// Sum of the entered inputs under "prefix." (a missing one counts as nothing).
    fn input_sum(&self, prefix: &str) -> Result<Decimal, Miss> {
        let full = format!("{INPUT}{prefix}.");
        let mut sum = Decimal::ZERO;
        let mut any = false;
        for (k, v) in self.wb.texts.range(full.clone()..) {
            if !k.starts_with(&full) {
                break;
            }
            if v.trim().is_empty() {
                continue;
            }
            match parse_amount(v) {
                Ok(Some(d)) => {
                    sum += d;
                    any = true;
                }
                Ok(None) => {}
                Err(_) => {
                    let key = &k[INPUT.len()..];
                    return Err(Miss::Bad(key.into(), key.into(), v.clone()));
                }
            }
        }
        if any {
            Ok(sum)
        } else {
            Err(Miss::Input(prefix.into(), prefix.into()))
        }
    }

    /// How many independently rounded figures an expression adds (an input group "@x.*" counts
    /// its entered members).
    pub fn addends(&self, expr: &str) -> usize {
        expr.split(['+', '-'])
            .map(|t| {
                match t
                    .trim()
                    .strip_prefix('@')
                    .and_then(|k| k.strip_suffix(".*"))
                {
                    Some(prefix) => {
                        let full = format!("{INPUT}{prefix}.");
                        self.wb
                            .texts
                            .range(full.clone()..)
                            .take_while(|(k, _)| k.starts_with(&full))
                            .filter(|(_, v)| !v.trim().is_empty())
                            .count()
                    }
                    None => 1,
                }
            })
            .sum()
    }

    /// A value expression: terms joined by + and −.
    pub fn eval(&self, expr: &str, row: Option<&RowCtx>) -> Result<Decimal, Miss> {
        let mut total = Decimal::ZERO;
        let mut sign = Decimal::ONE;
        let mut depth = 0;
        let mut start = 0;
        let chars: Vec<(usize, char)> = expr.char_indices().collect();
        let mut terms = Vec::new();
        for &(i, c) in &chars {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                '+' | '-' if depth == 0 && i > start => {
                    terms.push((sign, &expr[start..i]));
                    sign = if c == '+' {
                        Decimal::ONE
                    } else {
                        -Decimal::ONE
                    };
                    start = i + 1;
                }
                _ => {}
            }
        }
        terms.push((sign, &expr[start..]));
        for (s, t) in terms {
            total += s * self.term(t.trim(), row)?;
        }
        Ok(total)
    }

    fn term(&self, t: &str, row: Option<&RowCtx>) -> Result<Decimal, Miss> {
        if let Some(k) = t.strip_prefix('@') {
            if let Some(prefix) = k.strip_suffix(".*") {
                return self.input_sum(prefix);
            }
            let key = match row {
                Some(r) => k.replace('#', &r.code),
                None => k.to_string(),
            };
            return self.input_value(&key, row);
        }
        if let Some(b) = t.strip_prefix('$') {
            return self
                .builtins
                .iter()
                .find(|(n, _)| n == b)
                .map(|x| x.1)
                .ok_or_else(|| Miss::Cell(t.into()));
        }
        if let Ok(d) = t.parse::<Decimal>() {
            return Ok(d);
        }
        // T.row[col] or .[col]
        let (head, col) = t
            .strip_suffix(']')
            .and_then(|x| x.rsplit_once('['))
            .ok_or_else(|| Miss::Cell(t.into()))?;
        let (table, key) = if head == "." {
            let r = row.ok_or_else(|| Miss::Cell(t.into()))?;
            (r.table.clone(), r.key.clone())
        } else {
            let (tb, rk) = head.split_once('.').ok_or_else(|| Miss::Cell(t.into()))?;
            (tb.to_string(), rk.to_string())
        };
        if self.model.is_unfilled(&table) {
            let label = self
                .model
                .set
                .table(&table)
                .map(|ti| self.model.set.tables[ti].label.clone())
                .unwrap_or(table);
            return Err(Miss::Empty(label));
        }
        match self.model.cell_id(&table, &key, col) {
            Some(id) => Ok(self.model.value_of(id)),
            // A 科目 row the workbook does not have counts as zero; an unknown table or 栏次 is a
            // template error.
            None if self.model.set.table(&table).is_some_and(|ti| {
                self.model.set.tables[ti].col_index(col).is_some()
                    && self.model.set.tables[ti].coded.is_some()
                    && key.chars().all(|c| c.is_ascii_digit())
            }) =>
            {
                Ok(Decimal::ZERO)
            }
            None => Err(Miss::Cell(t.into())),
        }
    }

    /// Rows of `each` ("05:3"), in table order, with a non-zero `nonzero` cell if given.
    pub fn rows(&self, each: &str, nonzero: &str) -> Result<Vec<RowCtx>, Miss> {
        let (t, digits) = parse_each(each).map_err(Miss::Cell)?;
        let ti = self
            .model
            .set
            .table(t)
            .ok_or_else(|| Miss::Cell(each.into()))?;
        let mut out = Vec::new();
        for r in &self.model.tables[ti].rows {
            let Some(code) = &r.code else { continue };
            if code.len() != digits {
                continue;
            }
            let rc = RowCtx {
                table: t.to_string(),
                key: r.key.clone(),
                code: code.clone(),
                label: r.label.clone(),
            };
            if !nonzero.is_empty() && self.eval(nonzero, Some(&rc))?.is_zero() {
                continue;
            }
            out.push(rc);
        }
        Ok(out)
    }
}

/// What one placeholder became.
pub struct Rendered {
    pub text: String,
    pub missing: Vec<Miss>,
}

fn amount_text(d: Decimal, f: &Format) -> String {
    let r = round_half_up(d, 2);
    if r.is_zero() {
        return f.zero_amount.clone();
    }
    if f.thousands {
        format_amount(r, 2)
    } else {
        format!("{r:.2}")
    }
}

fn pct_value(a: Decimal, b: Decimal, f: &Format) -> Option<Decimal> {
    if b.is_zero() {
        return None;
    }
    // From the displayed 万元 figures (RULES.md §5.1); a base that displays as 0.00 has no share.
    let (a, b) = (round_half_up(a, 2), round_half_up(b, 2));
    if b.is_zero() {
        return None;
    }
    Some(round_half_up(a / b * Decimal::ONE_HUNDRED, f.pct_dp))
}

fn pct_text(p: Option<Decimal>, f: &Format) -> String {
    match p {
        Some(p) if !p.is_zero() => format!("{:.*}%", f.pct_dp as usize, p),
        _ => f.zero_pct.clone(),
    }
}

/// "增加161.36万元，增长4.69%" / "减少0.18万元，下降100%" / "与上年相同"; a zero base gives the
/// amount without a rate.
pub fn change_text(cur: Decimal, prior: Decimal, lead: &str, f: &Format) -> String {
    let (cur, prior) = (round_half_up(cur, 2), round_half_up(prior, 2));
    let delta = cur - prior;
    if delta.is_zero() {
        return f.same.clone();
    }
    let [up, up_r, down, down_r] = &f.change_words;
    let (w, wr) = if delta > Decimal::ZERO {
        (up, up_r)
    } else {
        (down, down_r)
    };
    let amt = format!("{lead}{w}{}万元", amount_text(delta.abs(), f));
    if prior <= Decimal::ZERO {
        return amt;
    }
    if cur.is_zero() {
        return format!("{amt}，{}", f.all_gone);
    }
    let r = round_half_up(delta.abs() / prior * Decimal::ONE_HUNDRED, f.pct_dp);
    format!("{amt}，{wr}{:.*}%", f.pct_dp as usize, r)
}

/// Trailing punctuation of a user's text, stripped before the template adds its own.
pub fn strip_end(s: &str) -> &str {
    s.trim()
        .trim_end_matches(['。', '；', ';', '，', ',', '.', '、', '！', '!'])
        .trim_end()
}

impl Ctx<'_> {
    fn missing_text(&self, m: &Miss) -> String {
        match m {
            Miss::Input(_, label) | Miss::Bad(_, label, _) => {
                self.n.format.missing.replace("{label}", label)
            }
            Miss::Cell(c) => format!("【模板错误：{c}】"),
            Miss::Empty(t) => format!("【{t}未填写】"),
            Miss::NoBase => String::new(),
        }
    }

    /// One `{fn args}` placeholder.
    pub fn placeholder(&self, ph: &str, row: Option<&RowCtx>) -> Rendered {
        let f = &self.n.format;
        let mut words = ph.split_whitespace();
        let func = words.next().unwrap_or("");
        let mut pos: Vec<&str> = Vec::new();
        let mut named: Vec<(&str, &str)> = Vec::new();
        for w in words {
            match w.split_once('=') {
                Some((k, v)) => named.push((k, v)),
                None => pos.push(w),
            }
        }
        // Named texts may say %Y% (the year) and %Y-1% (the year before).
        let year = self.wb.unit.year;
        let named: Vec<(&str, String)> = named
            .into_iter()
            .map(|(k, v)| {
                let v = v
                    .replace("%Y-1%", &(year - 1).to_string())
                    .replace("%Y%", &year.to_string());
                (k, v)
            })
            .collect();
        let opt = |k: &str| named.iter().find(|x| x.0 == k).map(|x| x.1.as_str());
        let mut missing = Vec::new();
        let mut val = |i: usize| -> Option<Decimal> {
            match self.eval(pos.get(i).copied().unwrap_or(""), row) {
                Ok(d) => Some(d),
                Err(m) => {
                    missing.push(m);
                    None
                }
            }
        };
        let text = match func {
            "year" => self.wb.unit.year.to_string(),
            "prev_year" => (self.wb.unit.year - 1).to_string(),
            "unit" => self.wb.unit.name.clone(),
            "name" => row.map(|r| r.label.clone()).unwrap_or_default(),
            "code" => row.map(|r| r.code.clone()).unwrap_or_default(),
            "amt" => val(0).map(|d| amount_text(d, f)).unwrap_or_default(),
            "int" => val(0)
                .map(|d| round_half_up(d, 0).normalize().to_string())
                .unwrap_or_default(),
            "pct" => match (val(0), val(1)) {
                (Some(a), Some(b)) => {
                    let p = pct_value(a, b, f);
                    if p.is_none() {
                        // A share of nothing: an optional clause holding it is left out
                        // ("完成全年预算的0%" when there was no budget is not printed).
                        missing.push(Miss::NoBase);
                    }
                    pct_text(p, f)
                }
                _ => String::new(),
            },
            "chg" => match (val(0), val(1)) {
                (Some(c), Some(p)) => {
                    let t = change_text(c, p, opt("lead").unwrap_or(""), f);
                    if t == f.same {
                        opt("same").map(str::to_string).unwrap_or(t)
                    } else {
                        format!("{}{t}", opt("before").unwrap_or(""))
                    }
                }
                _ => String::new(),
            },
            "text" => {
                let raw = pos.first().copied().unwrap_or("");
                let key = match row {
                    Some(r) => raw.replace('#', &r.code),
                    None => raw.to_string(),
                };
                match self.input_text(&key) {
                    Some(t) => strip_end(t).to_string(),
                    None => {
                        missing.push(Miss::Input(key.clone(), self.input_label(&key, row)));
                        String::new()
                    }
                }
            }
            "names" => {
                // names T:digits prefixes=301,303 nonzero=.[1]
                let each = pos.first().copied().unwrap_or("");
                let prefixes: Vec<&str> = opt("prefixes")
                    .map(|p| p.split(',').collect())
                    .unwrap_or_default();
                match self.rows(each, opt("nonzero").unwrap_or("")) {
                    Ok(rows) => {
                        // Labels may carry their code ("　30101 基本工资"): the name only.
                        let names = rows
                            .iter()
                            .filter(|r| {
                                prefixes.is_empty()
                                    || prefixes.iter().any(|p| r.code.starts_with(p))
                            })
                            .map(|r| {
                                r.label
                                    .trim_start_matches(|c: char| {
                                        c.is_whitespace() || c.is_ascii_digit()
                                    })
                                    .trim()
                            })
                            .collect::<Vec<_>>()
                            .join(opt("sep").unwrap_or("、"));
                        // empty=无: what to say when no row qualifies.
                        if names.is_empty() {
                            opt("empty").unwrap_or("").to_string()
                        } else {
                            names
                        }
                    }
                    Err(m) => {
                        missing.push(m);
                        String::new()
                    }
                }
            }
            other => {
                missing.push(Miss::Cell(format!("未知函数 {other}")));
                String::new()
            }
        };
        let text = match missing.first() {
            // Outside an optional clause a share of nothing still reads as the set's zero share.
            Some(Miss::NoBase) | None => text,
            Some(m) => self.missing_text(m),
        };
        Rendered { text, missing }
    }

    /// A sentence template with its [[optional segments]]: a segment is dropped when one of its
    /// inputs is missing.
    pub fn sentence(&self, tpl: &str, row: Option<&RowCtx>) -> Rendered {
        let mut text = String::new();
        let mut missing = Vec::new();
        let mut rest = tpl;
        while !rest.is_empty() {
            let (plain, seg, after) = match rest.find("[[") {
                Some(i) => {
                    let close = rest[i..].find("]]").map(|j| i + j).unwrap_or(rest.len());
                    (
                        &rest[..i],
                        Some(&rest[i + 2..close]),
                        rest.get(close + 2..).unwrap_or(""),
                    )
                }
                None => (rest, None, ""),
            };
            let r = self.fill(plain, row);
            text.push_str(&r.text);
            missing.extend(r.missing);
            if let Some(seg) = seg {
                let r = self.fill(seg, row);
                if r.missing.iter().all(|m| matches!(m, Miss::Cell(_))) {
                    text.push_str(&r.text);
                    missing.extend(r.missing);
                }
            }
            rest = after;
        }
        Rendered { text, missing }
    }

    fn fill(&self, tpl: &str, row: Option<&RowCtx>) -> Rendered {
        let mut text = String::new();
        let mut missing = Vec::new();
        let mut rest = tpl;
        while let Some(i) = rest.find('{') {
            text.push_str(&rest[..i]);
            let Some(j) = rest[i..].find('}') else {
                break;
            };
            let r = self.placeholder(&rest[i + 1..i + j], row);
            text.push_str(&r.text);
            missing.extend(r.missing);
            rest = &rest[i + j + 1..];
        }
        text.push_str(rest);
        Rendered { text, missing }
    }

    /// A whole paragraph (empty variant, repetition).
    pub fn paragraph(&self, p: &Para) -> Rendered {
        if !p.empty_when.is_empty() {
            match self.eval(&p.empty_when, None) {
                Ok(d) if d.is_zero() => {
                    return Rendered {
                        text: p.empty.clone(),
                        missing: Vec::new(),
                    }
                }
                Ok(_) => {}
                Err(m) => {
                    return Rendered {
                        text: self.missing_text(&m),
                        missing: vec![m],
                    }
                }
            }
        }
        // A chart's text is its title, once; the rows become its bars.
        if p.each.is_empty() || !p.chart.is_empty() {
            return self.sentence(&p.text, None);
        }
        let rows = match self.rows(&p.each, &p.nonzero) {
            Ok(r) => r,
            Err(m) => {
                return Rendered {
                    text: self.missing_text(&m),
                    missing: vec![m],
                }
            }
        };
        let head = self.sentence(&p.head, None);
        let mut text = head.text;
        let mut missing = head.missing;
        for (i, r) in rows.iter().enumerate() {
            let s = self.sentence(&p.text, Some(r));
            text.push_str(&s.text);
            text.push_str(if i + 1 == rows.len() { &p.last } else { &p.sep });
            missing.extend(s.missing);
        }
        Rendered { text, missing }
    }
}
