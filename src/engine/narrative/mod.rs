//! 情况说明 generated from the tables (RULES.md §5) and 名词解释 defaults (§6). Pure: reads a
//! recalculated [`Model`], the workbook's texts (extra inputs, edited paragraphs) and the 绩效
//! summary; returns the text with findings in the engine's format.

pub mod lint;
pub mod punct;
pub mod render;
pub use crate::template::narrative as spec;

use crate::amount::{format_amount, parse_amount};
use crate::engine::perf::audit::{num, Sink};
use crate::engine::{Finding, Model, Workbook};
pub use crate::template::narrative::NarrativeTemplate;
use crate::template::Registry;
use render::{Ctx, Miss, INPUT, OVERRIDE, TERM};
use rust_decimal::Decimal;
use serde::Serialize;

/// Table id of narrative findings.
pub const TABLE: &str = "情况说明";

#[derive(Debug, Clone, Serialize)]
pub struct Narrative {
    pub title: String,
    pub sections: Vec<SectionOut>,
    pub terms: Vec<TermOut>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionOut {
    pub title: String,
    pub paras: Vec<ParaOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParaOut {
    pub id: String,
    /// A chart drawn under the text (its title is the text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<Chart>,
    /// What is printed: the edited text if there is one, else the generated text.
    pub text: String,
    pub generated: String,
    pub edited: bool,
}

/// A bar chart: one bar per row, values in 万元.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub bars: Vec<(String, Decimal)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TermOut {
    pub title: String,
    pub text: String,
    pub default: String,
    pub edited: bool,
}

impl Narrative {
    /// The 情况说明 as plain text, one paragraph per line.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for s in &self.sections {
            out.push_str(&s.title);
            out.push('\n');
            for p in &s.paras {
                out.push_str(&p.text);
                out.push('\n');
                for (label, v) in p.chart.iter().flat_map(|c| c.bars.iter()) {
                    out.push_str(&format!(
                        "  {label} {}\n",
                        crate::amount::format_amount(*v, 2)
                    ));
                }
            }
            out.push('\n');
        }
        out
    }
}

/// The narrative template written for a template set.
pub fn template_for<'r>(reg: &'r Registry, set: &str) -> Option<&'r NarrativeTemplate> {
    reg.narratives
        .iter()
        .find(|n| n.sets.iter().any(|s| s == set))
        .or_else(|| {
            // A pack made from another set (`based_on`) writes the 情况说明 as that set does.
            let base = reg
                .set(set)
                .map(|s| s.based_on.as_str())
                .filter(|b| !b.is_empty() && *b != set)?;
            template_for(reg, base)
        })
}

/// Built-in figures from the 绩效 forms.
fn builtins(s: &crate::engine::perf::Summary) -> Vec<(String, Decimal)> {
    let mut out = vec![
        ("绩效.自评表数".to_string(), Decimal::from(s.projects)),
        ("绩效.自评资金".to_string(), s.funds),
        ("绩效.目标表数".to_string(), Decimal::from(s.targets)),
        (
            "绩效.目标项目数".to_string(),
            Decimal::from(s.target_projects),
        ),
        ("绩效.目标表资金".to_string(), s.target_funds),
    ];
    for name in ["优", "良", "中", "差"] {
        let n = s
            .grades
            .iter()
            .find(|g| g.0 == name)
            .map(|g| g.1)
            .unwrap_or(0);
        out.push((format!("绩效.{name}"), Decimal::from(n)));
    }
    out
}

/// Generates the 情况说明 and 名词解释 of a workbook and checks them (scoring its forms for the
/// 预算绩效 figures; [`generate_with`] takes them already scored).
pub fn generate(reg: &Registry, n: &NarrativeTemplate, model: &Model, wb: &Workbook) -> Narrative {
    let (scored, _) = crate::engine::perf::score_workbook(reg, wb);
    generate_with(reg, n, model, wb, &crate::engine::perf::summary(&scored))
}

pub fn generate_with(
    reg: &Registry,
    n: &NarrativeTemplate,
    model: &Model,
    wb: &Workbook,
    forms: &crate::engine::perf::Summary,
) -> Narrative {
    let ctx = Ctx {
        n,
        model,
        wb,
        builtins: builtins(forms),
    };
    let mut sink = Sink {
        rules: &reg.narrative_rules,
        table: TABLE.into(),
        table_label: TABLE.into(),
        out: Vec::new(),
    };
    let mut seen_missing = std::collections::BTreeSet::new();
    let mut sections = Vec::new();
    for s in &n.sections {
        let mut paras = Vec::new();
        for p in &s.paras {
            let r = ctx.paragraph(p);
            for m in &r.missing {
                if !seen_missing.insert(format!("{m:?}")) {
                    continue;
                }
                match m {
                    Miss::Input(key, label) => sink.add(
                        "N-缺输入",
                        &p.id,
                        &s.title,
                        "",
                        None,
                        None,
                        format!(
                            "{}：「{label}」未填写（输入项 {key}），文中暂显示占位文字",
                            s.title
                        ),
                    ),
                    Miss::Bad(key, label, text) => sink.add(
                        "N-输入",
                        &p.id,
                        &s.title,
                        "",
                        None,
                        None,
                        format!("「{label}」填写的「{text}」不是有效数字（输入项 {key}）"),
                    ),
                    Miss::Cell(c) => sink.add(
                        "N-模板",
                        &p.id,
                        &s.title,
                        "",
                        None,
                        None,
                        format!(
                            "情况说明模板「{}」段落「{}」引用了不存在的「{c}」",
                            n.id, p.id
                        ),
                    ),
                    // Reported once for the table (EMPTY-1); the sentence shows 【…未填写】.
                    Miss::Empty(_) | Miss::NoBase => {}
                }
            }
            let edited_text = wb
                .texts
                .get(&format!("{OVERRIDE}{}", p.id))
                .map(|t| t.trim())
                .filter(|t| !t.is_empty());
            let text = edited_text.unwrap_or(&r.text).to_string();
            if let Some(e) = edited_text {
                check_edit(&mut sink, &p.id, &s.title, e, &r.text);
            }
            // What the 定稿 gate refuses: placeholders that would be printed, and sentences left
            // broken by inputs that are empty ("主要包括等。").
            let holes = text.matches('【').count();
            if holes > 0 {
                let first: String = text[text.find('【').unwrap_or(0)..]
                    .chars()
                    .take_while(|c| *c != '】')
                    .chain(std::iter::once('】'))
                    .collect();
                sink.add(
                    "N-占位",
                    &p.id,
                    &s.title,
                    "",
                    None,
                    None,
                    format!(
                        "{}：文中还有 {holes} 处占位文字（如「{first}」），定稿前须填写",
                        s.title
                    ),
                );
            }
            if let Some(b) = n.lint.broken.iter().find(|b| text.contains(b.as_str())) {
                sink.add(
                    "N-断句",
                    &p.id,
                    &s.title,
                    "",
                    None,
                    None,
                    format!("{}：句子不完整（「{b}」），多因相关输入项为空", s.title),
                );
            }
            for msg in lint::lint(&text, &n.lint) {
                sink.add(
                    "N-用语",
                    &p.id,
                    &s.title,
                    "",
                    None,
                    None,
                    format!("{}：{msg}", s.title),
                );
            }
            let chart = (p.chart == "bar").then(|| Chart {
                bars: ctx
                    .rows(&p.each, &p.nonzero)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|r| {
                        ctx.eval(&p.value, Some(r))
                            .ok()
                            .map(|v| (r.label.clone(), v))
                    })
                    .collect(),
            });
            paras.push(ParaOut {
                chart,
                id: p.id.clone(),
                text,
                generated: r.text,
                edited: edited_text.is_some(),
            });
        }
        sections.push(SectionOut {
            title: s.title.clone(),
            paras,
        });
    }
    for c in &n.checks {
        let (Ok(l), Ok(r)) = (ctx.eval(&c.lhs, None), ctx.eval(&c.rhs, None)) else {
            continue;
        };
        let tol = if c.rounding {
            let n = ctx.addends(&c.lhs).max(ctx.addends(&c.rhs));
            crate::engine::tolerance(model.set, n)
        } else {
            Decimal::ZERO
        };
        let ok = match c.op.as_str() {
            ">=" => l.saturating_add(tol) >= r,
            _ => l.saturating_sub(r).abs() <= tol,
        };
        if !ok {
            let fmt = |d: Decimal| {
                if d.fract().is_zero() {
                    num(d)
                } else {
                    format_amount(d, 2)
                }
            };
            sink.add(
                &c.rule,
                &c.para,
                &c.para,
                "",
                Some(l),
                Some(r),
                c.message
                    .replace("{lhs}", &fmt(l))
                    .replace("{rhs}", &fmt(r)),
            );
        }
    }
    // Inputs whose text is not a number, even where no paragraph uses them.
    for (k, v) in wb.texts.range(INPUT.to_string()..) {
        let Some(key) = k.strip_prefix(INPUT) else {
            break;
        };
        let spec = n.inputs.iter().find(|i| {
            i.key == key
                || (i.key.contains('#')
                    && i.key.split('#').next().is_some_and(|p| key.starts_with(p)))
        });
        if spec.is_some_and(|s| s.kind != "text")
            && parse_amount(v).is_err()
            && seen_missing.insert(format!("bad {key}"))
        {
            let already = sink
                .out
                .iter()
                .any(|f| f.rule == "N-输入" && f.message.contains(key));
            if !already {
                sink.add(
                    "N-输入",
                    "",
                    "输入",
                    "",
                    None,
                    None,
                    format!("输入项「{key}」填写的「{v}」不是有效数字"),
                );
            }
        }
    }
    let terms = n
        .terms
        .iter()
        .filter(|t| t.sets.is_empty() || t.sets.contains(&wb.template_set))
        .enumerate()
        .map(|(i, t)| {
            let edited = wb
                .texts
                .get(&format!("{TERM}{}", i + 1))
                .map(|x| x.trim())
                .filter(|x| !x.is_empty());
            TermOut {
                title: t.title.clone(),
                text: edited.unwrap_or(&t.text).to_string(),
                default: t.text.clone(),
                edited: edited.is_some_and(|e| e != t.text),
            }
        })
        .collect();
    Narrative {
        title: n.title.clone(),
        sections,
        terms,
        findings: sink.out,
    }
}

/// What an edit changed in a default text: (common start, removed, added, common end), by
/// characters. "指单位…资金。" → "指单位…资金（含追加）。" gives ("指单位…资金", "", "（含追加）", "。").
pub fn changed_part(default: &str, edited: &str) -> (String, String, String, String) {
    let a: Vec<char> = default.chars().collect();
    let b: Vec<char> = edited.chars().collect();
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suf = a.len().min(b.len()) - pre;
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suf)
        .take_while(|(x, y)| x == y)
        .count();
    let s = |v: &[char]| v.iter().collect::<String>();
    (
        s(&a[..pre]),
        s(&a[pre..a.len() - suf]),
        s(&b[pre..b.len() - suf]),
        s(&a[a.len() - suf..]),
    )
}

/// Inputs for next year's workbook taken from this year's (`gongkai new … --from`): each input with
/// a `carry` expression gets this year's figure ("上年.收入总计" = this year's 01.31[1]); `carry = "="`
/// copies this year's text (用途 …). Keys are "输入/…", ready for the new workbook's texts.
pub fn carry_over(
    reg: &Registry,
    n: &NarrativeTemplate,
    last_model: &Model,
    last: &Workbook,
) -> std::collections::BTreeMap<String, String> {
    let ctx = Ctx {
        n,
        model: last_model,
        wb: last,
        builtins: builtins(&crate::engine::perf::summary(
            &crate::engine::perf::score_workbook(reg, last).0,
        )),
    };
    let mut out = std::collections::BTreeMap::new();
    for i in n.inputs.iter().filter(|i| !i.carry.is_empty()) {
        if i.carry == "=" {
            let prefix = format!("{INPUT}{}", i.key.split('#').next().unwrap_or(""));
            for (k, v) in last.texts.range(prefix.clone()..) {
                if !k.starts_with(&prefix) {
                    break;
                }
                let rest = &k[prefix.len()..];
                let per_row = i.key.contains('#')
                    && !rest.is_empty()
                    && rest.chars().all(|c| c.is_ascii_digit());
                if per_row || k[INPUT.len()..] == i.key {
                    out.insert(k.clone(), v.clone());
                }
            }
            continue;
        }
        let rows = if i.each.is_empty() {
            vec![None]
        } else {
            ctx.rows(&i.each, "")
                .unwrap_or_default()
                .into_iter()
                .map(Some)
                .collect()
        };
        for r in rows {
            let Ok(v) = ctx.eval(&i.carry, r.as_ref()) else {
                continue;
            };
            if r.is_some() && v.is_zero() {
                continue;
            }
            let key = match &r {
                Some(r) => i.key.replace('#', &r.code),
                None => i.key.clone(),
            };
            let v = crate::amount::round_half_up(v, 2);
            out.insert(format!("{INPUT}{key}"), format!("{v:.2}"));
        }
    }
    out
}

/// An edited paragraph: every number in it must be one the generated text states (表文一致).
fn check_edit(sink: &mut Sink, id: &str, title: &str, edited: &str, generated: &str) {
    let value = |s: &str| {
        s.replace(',', "")
            .parse::<Decimal>()
            .ok()
            .map(|d| d.normalize())
    };
    let known: Vec<Decimal> = lint::numbers(generated)
        .into_iter()
        .filter_map(|(s, _, _)| value(s))
        .collect();
    let known_text: Vec<&str> = lint::numbers(generated).into_iter().map(|x| x.0).collect();
    let mut wrong = Vec::new();
    for (s, _, _) in lint::numbers(edited) {
        if let Some(v) = value(s) {
            if !known.contains(&v) && !wrong.contains(&s) {
                wrong.push(s);
            }
        }
    }
    if !wrong.is_empty() {
        let first = value(wrong[0]);
        sink.add(
            "N-改写",
            id,
            title,
            "",
            first,
            None,
            format!(
                "{title}：改写后的文字中 {} 与表中数据不一致（按表生成的文字为：{}）",
                wrong.join("、"),
                if known_text.is_empty() {
                    generated.to_string()
                } else {
                    generated.chars().take(120).collect::<String>()
                }
            ),
        );
    }
}
