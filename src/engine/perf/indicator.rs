//! Reading 年度指标值 / 全年完成值 text and scoring one indicator (RULES.md §2.3). The words and
//! units recognised, the reverse rule and the qualitative bands all come from the profile.

use super::spec::Profile;
use crate::amount::round_half_up;
use rust_decimal::Decimal;
use serde::Serialize;

/// How a target compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Cmp {
    /// ≥, 不少于, 以上, or a plain number outside 成本 (正向).
    Ge,
    /// ≤, 不超过, 以内, or a plain number under 成本 (反向).
    Le,
    /// =.
    Eq,
}

/// A number with its comparator and unit: "≥6辆/次" → (Ge, 6, "辆/次").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quantity {
    pub cmp: Option<Cmp>,
    pub value: Decimal,
    pub unit: String,
}

/// The indicator type as recognised from its target text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Kind {
    正向,
    反向,
    等于,
    定性,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::正向 => "正向",
            Kind::反向 => "反向",
            Kind::等于 => "等于",
            Kind::定性 => "定性",
        }
    }
}

fn normalise(text: &str) -> String {
    text.chars()
        .filter_map(|ch| match ch {
            '０'..='９' => Some(char::from(b'0' + (ch as u32 - '０' as u32) as u8)),
            '．' => Some('.'),
            '％' => Some('%'),
            '／' => Some('/'),
            '，' | ',' => None,
            c if c.is_whitespace() => None,
            c => Some(c),
        })
        .collect()
}

/// Reads "≥1800盆/次", "不超过5万元/户/次", "100%", "8个" — None for text targets ("庄重肃穆",
/// "2023年年底前完成", "9月30日"): after the number only recognised units may follow.
pub fn parse_quantity(text: &str, p: &Profile) -> Option<Quantity> {
    let mut s = normalise(text);
    let r = &p.recognise;
    let mut cmp = None;
    for (list, c) in [
        (&r.ge_prefix, Cmp::Ge),
        (&r.le_prefix, Cmp::Le),
        (&r.eq_prefix, Cmp::Eq),
    ] {
        if let Some(w) = longest_prefix(&s, list) {
            s = s[w.len()..].to_string();
            cmp = Some(c);
            break;
        }
    }
    let num_end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    if num_end == 0 || !s.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let value: Decimal = crate::amount::check_bounds(s[..num_end].parse().ok()?).ok()?;
    let mut unit = s[num_end..].to_string();
    for (list, c) in [(&r.ge_suffix, Cmp::Ge), (&r.le_suffix, Cmp::Le)] {
        if let Some(w) = list
            .iter()
            .find(|w| !w.is_empty() && unit.ends_with(w.as_str()))
        {
            unit.truncate(unit.len() - w.len());
            if cmp.is_none() {
                cmp = Some(c);
            }
        }
    }
    if !unit.is_empty() && !unit.split('/').all(|part| is_unit(part, &r.units)) {
        return None;
    }
    Some(Quantity { cmp, value, unit })
}

fn longest_prefix<'a>(s: &str, list: &'a [String]) -> Option<&'a String> {
    list.iter()
        .filter(|w| !w.is_empty() && s.starts_with(w.as_str()))
        .max_by_key(|w| w.len())
}

/// A unit part: one known unit or several run together ("元人" as printed for 元/人).
fn is_unit(part: &str, units: &[String]) -> bool {
    if part.is_empty() {
        return false;
    }
    units
        .iter()
        .filter(|u| !u.is_empty() && part.starts_with(u.as_str()))
        .any(|u| part.len() == u.len() || is_unit(&part[u.len()..], units))
}

/// Recognises the indicator type from its target text and 二级 name.
pub fn kind_of(target: &str, level2: &str, p: &Profile) -> (Kind, Option<Quantity>) {
    match parse_quantity(target, p) {
        None => (Kind::定性, None),
        Some(q) => {
            let k = match q.cmp {
                Some(Cmp::Ge) => Kind::正向,
                Some(Cmp::Le) => Kind::反向,
                Some(Cmp::Eq) => Kind::等于,
                None if p.quantitative.ceiling_level2.iter().any(|c| c == level2)
                    && p.quantitative
                        .ceiling_units
                        .iter()
                        .any(|u| q.unit.starts_with(u.as_str())) =>
                {
                    Kind::反向
                }
                None => Kind::正向,
            };
            (k, Some(q))
        }
    }
}

/// Result of scoring one indicator against its share of the weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scored {
    pub kind: Kind,
    /// Suggested score, unrounded (blocks add these up and round once).
    pub exact: Option<Decimal>,
    /// How it was computed, for the user ("7 ÷ 8 × 16.67").
    pub formula: String,
    /// Completion as a percentage of the target (quantitative only).
    pub completion: Option<Decimal>,
    /// The band used for a qualitative score and whether the user chose it.
    pub band: Option<String>,
    pub band_chosen: bool,
    /// Target met (None = cannot tell).
    pub met: Option<bool>,
    /// Why the actual could not be read as a number of the target's unit.
    pub actual_problem: Option<String>,
}

fn fmt(d: Decimal) -> String {
    let d = round_half_up(d, 2).normalize();
    d.to_string()
}

/// Scores an indicator with weight `w` (the share of its block, or its own 分值).
pub fn score(
    target: &str,
    actual: &str,
    level2: &str,
    judgement: &str,
    w: Decimal,
    p: &Profile,
) -> Scored {
    let (kind, tq) = kind_of(target, level2, p);
    let mut out = Scored {
        kind,
        exact: None,
        formula: String::new(),
        completion: None,
        band: None,
        band_chosen: false,
        met: None,
        actual_problem: None,
    };
    if let Some(t) = tq {
        if actual.trim().is_empty() {
            out.actual_problem = Some("全年完成值未填写".into());
            out.exact = Some(Decimal::ZERO);
            out.formula = "未填完成值，记 0 分".into();
            out.met = Some(false);
            return out;
        }
        match parse_quantity(actual, p) {
            Some(a) if same_unit(&a.unit, &t.unit) => {
                if a.cmp.is_some() {
                    out.actual_problem = Some(format!(
                        "完成值「{actual}」带有比较符，按 {} 计",
                        fmt(a.value)
                    ));
                }
                quantitative(&mut out, t.value, a.value, w, p);
                return out;
            }
            Some(a) => {
                out.actual_problem = Some(format!(
                    "完成值单位「{}」与指标值单位「{}」不一致，无法按比例计分，按定性指标处理",
                    a.unit, t.unit
                ));
            }
            None => {
                out.actual_problem = Some(if t.unit.is_empty() {
                    format!("完成值「{actual}」不是数值，无法按比例计分，按定性指标处理")
                } else {
                    format!(
                        "完成值「{actual}」不是「{}」的数值，无法按比例计分，按定性指标处理",
                        t.unit
                    )
                });
            }
        }
    }
    qualitative(&mut out, target, actual, judgement, w, p);
    out
}

/// Units agree when either is missing ("29" against "≥1户") or their leading unit is the same:
/// "7个" against "8个/次", "380元/天/人" against "≤380元/人/天"; "万元" against "元" does not.
fn same_unit(a: &str, t: &str) -> bool {
    let head = |u: &str| u.split('/').next().unwrap_or("").to_string();
    a.is_empty() || t.is_empty() || head(a) == head(t)
}

fn quantitative(out: &mut Scored, t: Decimal, a: Decimal, w: Decimal, p: &Profile) {
    let wf = fmt(w);
    if t > Decimal::ZERO {
        out.completion = Some(round_half_up(a / t * Decimal::ONE_HUNDRED, 2));
    }
    let (score, formula, met) = match out.kind {
        Kind::等于 if t.is_zero() => {
            if a <= Decimal::ZERO {
                (w, format!("目标为 0，完成值 ≤ 0，得满分 {wf}"), true)
            } else {
                (Decimal::ZERO, "目标为 0，完成值 > 0，得 0 分".into(), false)
            }
        }
        Kind::正向 | Kind::等于 => {
            if t <= Decimal::ZERO || a >= t {
                (w, format!("{} ≥ {}，得满分 {wf}", fmt(a), fmt(t)), true)
            } else if a <= Decimal::ZERO {
                (Decimal::ZERO, format!("完成值 {} ，得 0 分", fmt(a)), false)
            } else {
                (a / t * w, format!("{} ÷ {} × {wf}", fmt(a), fmt(t)), false)
            }
        }
        Kind::反向 => {
            if a <= t {
                (w, format!("{} ≤ {}，得满分 {wf}", fmt(a), fmt(t)), true)
            } else if t <= Decimal::ZERO {
                (
                    Decimal::ZERO,
                    format!("上限为 0，完成值 {}，得 0 分", fmt(a)),
                    false,
                )
            } else if p.quantitative.reverse == "ratio" {
                (w * t / a, format!("{wf} × {} ÷ {}", fmt(t), fmt(a)), false)
            } else if a >= t + t {
                (
                    Decimal::ZERO,
                    format!("{} ≥ 2 × {}，得 0 分", fmt(a), fmt(t)),
                    false,
                )
            } else {
                (
                    (Decimal::ONE - (a - t) / t) * w,
                    format!("(1 − ({} − {}) ÷ {}) × {wf}", fmt(a), fmt(t), fmt(t)),
                    false,
                )
            }
        }
        // Only numeric targets reach this function; their kind is never 定性.
        Kind::定性 => (Decimal::ZERO, String::new(), false),
    };
    out.exact = Some(score.max(Decimal::ZERO).min(w));
    out.formula = formula;
    out.met = Some(met);
}

/// Band containing `share` (percent of 分值): the lower bound belongs to the band (80 % is 达成).
pub fn band_of(share: Decimal, p: &Profile) -> Option<&str> {
    p.qualitative
        .bands
        .iter()
        .find(|b| share >= b.from && share <= b.to)
        .map(|b| b.name.as_str())
}

fn qualitative(
    out: &mut Scored,
    target: &str,
    actual: &str,
    judgement: &str,
    w: Decimal,
    p: &Profile,
) {
    let q = &p.qualitative;
    let chosen = q.bands.iter().find(|b| b.name == judgement.trim());
    let band = match chosen {
        Some(b) => {
            out.band_chosen = true;
            Some(b)
        }
        None => infer(target, actual, p).and_then(|name| q.bands.iter().find(|b| b.name == name)),
    };
    out.kind = Kind::定性;
    match band {
        Some(b) => {
            out.exact = Some(w * b.suggest / Decimal::ONE_HUNDRED);
            out.formula = format!(
                "定性·{}{}：{}% × {}",
                b.name,
                if out.band_chosen {
                    ""
                } else {
                    "（按完成值推断）"
                },
                fmt(b.suggest),
                fmt(w)
            );
            out.met = Some(std::ptr::eq(b, &q.bands[0]));
            out.band = Some(b.name.clone());
        }
        None => {
            // Cannot tell: counted in the top band until the user chooses (P-定性待选).
            let top = &q.bands[0];
            out.exact = Some(w * top.suggest / Decimal::ONE_HUNDRED);
            out.formula = format!(
                "定性·未选择达成情况，暂按{}计：{}% × {}",
                top.name,
                fmt(top.suggest),
                fmt(w)
            );
            out.band = None;
        }
    }
}

/// Guesses the band from the completion text: equal to or containing the target, or an
/// achieved word → the top band; a missed word → the bottom band; a percentage below 100 → middle.
fn infer<'p>(target: &str, actual: &str, p: &'p Profile) -> Option<&'p str> {
    let q = &p.qualitative;
    let (t, a) = (normalise(target), normalise(actual));
    if a.is_empty() {
        return None;
    }
    let top = q.bands.first().map(|b| b.name.as_str());
    let bottom = q.bands.last().map(|b| b.name.as_str());
    if q.missed_words.iter().any(|w| a.contains(w.as_str())) {
        return bottom;
    }
    if let Some(pct) = percent_in(&a) {
        if pct < Decimal::ONE_HUNDRED && q.bands.len() > 1 {
            return Some(q.bands[q.bands.len() / 2].name.as_str());
        }
    }
    if a == t || (!t.is_empty() && (a.contains(&t) || t.contains(&a))) {
        return top;
    }
    if q.achieved_words.iter().any(|w| a.contains(w.as_str())) {
        return top;
    }
    None
}

fn percent_in(s: &str) -> Option<Decimal> {
    let i = s.find('%')?;
    let head = &s[..i];
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    crate::amount::check_bounds(head[start..].parse().ok()?).ok()
}
