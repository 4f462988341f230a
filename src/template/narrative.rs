//! Narrative templates as data (assets/narrative/*.toml): the 情况说明 sentences with their
//! bindings, the extra inputs the tables do not hold, input checks, lint word lists and the
//! default 名词解释 (RULES.md §5, §6).

use crate::template::TemplateError;
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeTemplate {
    pub id: String,
    /// Template sets this narrative is written for.
    pub sets: Vec<String>,
    #[serde(default = "default_title")]
    pub title: String,
    #[serde(default)]
    pub format: Format,
    #[serde(default, rename = "input")]
    pub inputs: Vec<InputSpec>,
    #[serde(default, rename = "check")]
    pub checks: Vec<CheckSpec>,
    #[serde(default, rename = "section")]
    pub sections: Vec<Section>,
    #[serde(default)]
    pub lint: Lint,
    /// 名词解释 defaults, in printed order.
    #[serde(default, rename = "term")]
    pub terms: Vec<Term>,
}

fn default_title() -> String {
    "情况说明".into()
}

/// RULES.md §5.1, configurable per region/year.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    /// Decimals of a percentage ("94.68%").
    #[serde(default = "two")]
    pub pct_dp: u32,
    /// How a zero percentage prints.
    #[serde(default = "zero_pct")]
    pub zero_pct: String,
    /// How a zero amount prints.
    #[serde(default = "zero_amount")]
    pub zero_amount: String,
    /// Thousands separators on amounts.
    #[serde(default = "yes")]
    pub thousands: bool,
    /// The words of a change: [up amount, up rate, down amount, down rate].
    #[serde(default = "change_words")]
    pub change_words: [String; 4],
    /// Text for no change.
    #[serde(default = "same_text")]
    pub same: String,
    /// How "down to zero" prints ("下降100%", without decimals in the seeds).
    #[serde(default = "all_gone")]
    pub all_gone: String,
    /// Shown where an input is missing.
    #[serde(default = "missing")]
    pub missing: String,
}

impl Default for Format {
    fn default() -> Self {
        toml::from_str("").expect("defaults")
    }
}

fn two() -> u32 {
    2
}
fn yes() -> bool {
    true
}
fn zero_pct() -> String {
    "0%".into()
}
fn zero_amount() -> String {
    "0".into()
}
fn change_words() -> [String; 4] {
    ["增加".into(), "增长".into(), "减少".into(), "下降".into()]
}
fn same_text() -> String {
    "与上年相同".into()
}
fn all_gone() -> String {
    "下降100%".into()
}
fn missing() -> String {
    "【请填写：{label}】".into()
}

/// An extra input the tables do not hold (★ in RULES.md §5.2), stored in the workbook's texts
/// under "输入/<key>".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// Key; a "#" makes one input per row of `each` ("年初预算.#": # is the row's 科目代码).
    pub key: String,
    pub label: String,
    /// amount (万元) | count | text
    #[serde(default = "amount")]
    pub kind: String,
    /// Screen group ("上年数", "主要原因", "三公", …).
    #[serde(default)]
    pub group: String,
    /// "05:3": rows of table 05 whose code has 3 digits (类) and a non-zero `nonzero` cell.
    #[serde(default)]
    pub each: String,
    /// Value expression used when nothing is entered ("$绩效.项目数").
    #[serde(default)]
    pub default: String,
    /// Expression of this year's figure that becomes next year's input (carry-over).
    #[serde(default)]
    pub carry: String,
}

fn eq() -> String {
    "=".into()
}

fn amount() -> String {
    "amount".into()
}

/// A consistency check between inputs and/or table figures (N-校验 …).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub rule: String,
    pub lhs: String,
    /// "=" (default) or ">=".
    #[serde(default = "eq")]
    pub op: String,
    pub rhs: String,
    /// Message with {lhs} and {rhs}.
    pub message: String,
    /// Paragraph the finding points at.
    #[serde(default)]
    pub para: String,
    /// Both sides are 万元 figures rounded on their own: a difference within the rounding
    /// tolerance of the tables (RULES §3.6, by the number of figures added) is 尾数, not a finding.
    #[serde(default)]
    pub rounding: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    #[serde(default, rename = "para")]
    pub paras: Vec<Para>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Para {
    /// Stable id; an edited paragraph is stored under "情况说明/<id>".
    pub id: String,
    /// Sentence template: {fn args} placeholders, [[optional segments]].
    pub text: String,
    /// Repeat per row: "05:3" (table 05, codes of 3 digits).
    #[serde(default)]
    pub each: String,
    /// For `each`: the cell that must be non-zero for a row to be listed (".[1]").
    #[serde(default)]
    pub nonzero: String,
    /// For `each`: between items and after the last one.
    #[serde(default)]
    pub sep: String,
    #[serde(default)]
    pub last: String,
    /// Lead text before the first item.
    #[serde(default)]
    pub head: String,
    /// When this expression is zero, `empty` is printed instead ("本年度无此项支出。").
    #[serde(default)]
    pub empty_when: String,
    #[serde(default)]
    pub empty: String,
    /// "bar": a chart of `value` per row of `each` (the 一般公共预算当年拨款结构图); `text` is its title.
    #[serde(default)]
    pub chart: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lint {
    /// Placeholder text left in a document (XX, ××, 增加（减少）).
    #[serde(default)]
    pub placeholders: Vec<String>,
    /// [old name, current name] of renamed 科目.
    #[serde(default)]
    pub renamed: Vec<[String; 2]>,
    /// Word sequences that only occur when a sentence lost its content ("包括等", "用于。").
    #[serde(default)]
    pub broken: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub title: String,
    pub text: String,
    /// Template sets this wording belongs to; empty = all of the narrative's sets.
    #[serde(default)]
    pub sets: Vec<String>,
}

pub const FUNCTIONS: &[&str] = &[
    "amt",
    "int",
    "pct",
    "chg",
    "text",
    "names",
    "name",
    "code",
    "year",
    "prev_year",
    "unit",
];

pub const NARRATIVE_RULES: &[&str] = &[
    "N-模板",
    "N-缺输入",
    "N-占位",
    "N-断句",
    "N-输入",
    "N-改写",
    "N-校验",
    "N-绩效",
    "N-车辆",
    "N-用语",
];

pub fn load_narrative(file: &str, text: &str) -> Result<NarrativeTemplate, TemplateError> {
    let n: NarrativeTemplate = toml::from_str(text)
        .map_err(|e| TemplateError::new(file, format!("格式错误：{}", e.to_string().trim())))?;
    let bad = |m: String| Err(TemplateError::new(file, m));
    if n.sets.is_empty() {
        return bad("sets 不能为空".into());
    }
    let mut keys = BTreeSet::new();
    for i in &n.inputs {
        if !keys.insert(i.key.as_str()) {
            return bad(format!("输入「{}」重复", i.key));
        }
        if !["amount", "count", "text"].contains(&i.kind.as_str()) {
            return bad(format!("输入「{}」的 kind「{}」无效", i.key, i.kind));
        }
        if i.key.contains('#') == i.each.is_empty() {
            return bad(format!("输入「{}」：含 # 的输入需要 each，反之亦然", i.key));
        }
        if !i.each.is_empty() {
            parse_each(&i.each).map_err(|m| TemplateError::new(file, m))?;
        }
    }
    let mut ids = BTreeSet::new();
    for s in &n.sections {
        for p in &s.paras {
            if !ids.insert(p.id.as_str()) {
                return bad(format!("段落「{}」重复", p.id));
            }
            if !p.each.is_empty() {
                parse_each(&p.each)
                    .map_err(|m| TemplateError::new(file, format!("段落「{}」：{m}", p.id)))?;
            }
            if !p.chart.is_empty() && (p.chart != "bar" || p.each.is_empty() || p.value.is_empty())
            {
                return bad(format!(
                    "段落「{}」：chart 只支持 bar，且需要 each 和 value",
                    p.id
                ));
            }
            if p.empty_when.is_empty() != p.empty.is_empty() {
                return bad(format!("段落「{}」：empty_when 与 empty 须同时给出", p.id));
            }
            for ph in placeholders(&p.text)
                .map_err(|m| TemplateError::new(file, format!("段落「{}」：{m}", p.id)))?
            {
                let f = ph.split_whitespace().next().unwrap_or("");
                if !FUNCTIONS.contains(&f) {
                    return bad(format!(
                        "段落「{}」：未知函数「{f}」（可用：{}）",
                        p.id,
                        FUNCTIONS.join("、")
                    ));
                }
                if f == "text" {
                    let k = ph.split_whitespace().nth(1).unwrap_or("");
                    if !n.inputs.iter().any(|i| i.key == k && i.kind == "text") {
                        return bad(format!(
                            "段落「{}」的 {{text {k}}} 不是已定义的文字输入",
                            p.id
                        ));
                    }
                    continue;
                }
                for a in ph.split_whitespace().skip(1) {
                    let a = a.split_once('=').map(|x| x.1).unwrap_or(a);
                    for t in a.split(['+', '-']) {
                        if let Some(k) = t.strip_prefix('@') {
                            let k = k.trim_end_matches(".*");
                            if !n
                                .inputs
                                .iter()
                                .any(|i| i.key == k || i.key.starts_with(&format!("{k}.")))
                            {
                                return bad(format!("段落「{}」引用了未定义的输入「{k}」", p.id));
                            }
                        }
                    }
                }
            }
        }
    }
    for t in &n.terms {
        if let Some(x) = t.sets.iter().find(|x| !n.sets.contains(x)) {
            return bad(format!(
                "名词解释「{}」的 sets 含有本模板不适用的「{x}」",
                t.title
            ));
        }
    }
    for c in &n.checks {
        if !NARRATIVE_RULES.contains(&c.rule.as_str()) {
            return bad(format!("校验的规则「{}」未定义", c.rule));
        }
        if c.op != "=" && c.op != ">=" {
            return bad(format!("校验「{}」的 op「{}」无效（= 或 >=）", c.lhs, c.op));
        }
    }
    Ok(n)
}

/// "05:3" → ("05", 3).
pub fn parse_each(each: &str) -> Result<(&str, usize), String> {
    let (t, n) = each
        .split_once(':')
        .ok_or_else(|| format!("each「{each}」应写作 表:代码位数，如 05:3"))?;
    let n: usize = n
        .parse()
        .map_err(|_| format!("each「{each}」的代码位数不是数字"))?;
    Ok((t, n))
}

/// The `{…}` placeholders of a sentence template.
pub fn placeholders(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let j = after
            .find('}')
            .ok_or_else(|| format!("「{}」后缺少 }}", &rest[i..rest.len().min(i + 20)]))?;
        out.push(after[..j].trim());
        rest = &after[j + 1..];
    }
    Ok(out)
}
