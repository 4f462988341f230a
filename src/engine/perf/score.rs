//! Scoring one form: 执行率 and its score, each indicator's suggestion, block and total scores,
//! caps and the derived grade. Entered scores are overrides; everything else is computed here.

use super::form::PerfForm;
use super::indicator::{self, Kind};
use super::spec::{FormTemplate, Profile};
use crate::amount::round_half_up;
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormScore {
    /// Record id in the workbook.
    pub id: String,
    pub form: String,
    pub family: String,
    pub title: String,
    /// 项目名称 (or the unit's name on 整体 forms).
    pub name: String,
    pub profile: String,
    pub scored: bool,
    /// 执行率 in percent, 2 dp.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub rate: Option<Decimal>,
    pub rate_formula: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub rate_weight: Decimal,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub rate_suggested: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub rate_entered: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str")]
    pub rate_score: Decimal,
    pub blocks: Vec<BlockScore>,
    pub indicators: Vec<IndicatorScore>,
    #[serde(with = "rust_decimal::serde::str")]
    pub total_suggested: Decimal,
    /// 总分 = 执行率得分 + Σ 一级 (entered where entered, suggested otherwise), capped.
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    /// The cap applied because of a low 执行率, if any.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub cap: Option<Decimal>,
    pub grade: String,
    /// Whether every part of 总分 was entered (an imported form can then be checked as printed).
    pub all_entered: bool,
    /// An imported form with unscored parts: its printed 总分 stands for the parts not entered.
    pub total_from_print: bool,
    /// Money in the form's unit: the project's funds and what was spent.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub funds: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub spent: Option<Decimal>,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockScore {
    pub level1: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub weight: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub suggested: Decimal,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub entered: Option<Decimal>,
    /// Σ of the indicator scores, when any indicator score was entered.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub indicator_sum: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str")]
    pub score: Decimal,
    pub indicator_count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorScore {
    /// Position in the record's indicator list.
    pub index: usize,
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub kind: Kind,
    /// 分值: as entered, or this indicator's equal share of its block.
    #[serde(with = "rust_decimal::serde::str")]
    pub weight: Decimal,
    pub weight_entered: bool,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub suggested: Option<Decimal>,
    pub formula: String,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub completion: Option<Decimal>,
    pub band: Option<String>,
    pub band_chosen: bool,
    pub met: Option<bool>,
    pub actual_problem: Option<String>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub entered: Option<Decimal>,
    #[serde(skip)]
    pub exact: Option<Decimal>,
}

/// Grade for a total: the first band whose threshold the total reaches (90 is 优).
pub fn grade_of(total: Decimal, p: &Profile) -> &str {
    p.grades
        .iter()
        .find(|g| total >= g.min)
        .map(|g| g.name.as_str())
        .unwrap_or("")
}

/// A money column as the form states it: its own figure, or — when that is blank or 0 while
/// its 其中 rows hold money (the total row left at 0, P-资金分解) — the sum of those rows.
/// None when nothing is entered: a blank amount is 未填写, never 0.
pub fn money_col(form: &PerfForm, col: &str) -> Option<Decimal> {
    let own = form.money.get(col).copied();
    if own.is_some_and(|v| !v.is_zero()) {
        return own;
    }
    let prefix = format!("{col}/");
    let parts: Vec<Decimal> = form
        .money
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .map(|(_, v)| *v)
        .collect();
    if parts.iter().any(|v| !v.is_zero()) {
        Some(
            parts
                .iter()
                .fold(Decimal::ZERO, |a, v| a.saturating_add(*v)),
        )
    } else {
        own
    }
}

/// 执行率 in percent (2 dp, half-up) from the profile's columns; None when either is 未填写 or
/// the denominator is 0.
pub fn rate_of(form: &PerfForm, p: &Profile) -> Option<Decimal> {
    let n = money_col(form, &p.rate.numerator)?;
    let d = money_col(form, &p.rate.denominator)?;
    if d <= Decimal::ZERO {
        return None;
    }
    Some(round_half_up(n / d * Decimal::ONE_HUNDRED, 2))
}

/// The profile's suggested 执行率 score for a rate (percent).
pub fn rate_score_for(rate: Decimal, p: &Profile) -> (Decimal, String) {
    let w = p.rate.weight;
    match p.rate.rule.as_str() {
        "interval" => {
            for (from, s) in &p.rate.steps {
                if rate >= *from {
                    return (*s, format!("区间计分：执行率 {rate}% ≥ {from}% → {s} 分"));
                }
            }
            (Decimal::ZERO, format!("区间计分：执行率 {rate}% → 0 分"))
        }
        _ => {
            let raw = rate / Decimal::ONE_HUNDRED * w;
            let s = round_half_up(raw.min(w), p.score_dp);
            (s, format!("min({w}, {rate}% × {w}) = {}", s.normalize()))
        }
    }
}

pub fn score_form(id: &str, t: &FormTemplate, p: &Profile, f: &PerfForm) -> FormScore {
    let dp = p.score_dp;
    let scored = t.indicators.as_ref().is_some_and(|i| i.scored);
    let name = if t.name_field.is_empty() {
        String::new()
    } else {
        f.field(&t.name_field).trim().to_string()
    };
    let money = t.money.as_ref();
    let get = |c: &str| (!c.is_empty()).then(|| f.money.get(c).copied()).flatten();
    let mut out = FormScore {
        id: id.to_string(),
        form: t.id.clone(),
        family: t.family.clone(),
        title: t.title.clone(),
        name,
        profile: p.id.clone(),
        scored,
        rate: None,
        rate_formula: String::new(),
        rate_weight: Decimal::ZERO,
        rate_suggested: None,
        rate_entered: None,
        rate_score: Decimal::ZERO,
        blocks: Vec::new(),
        indicators: Vec::new(),
        total_suggested: Decimal::ZERO,
        total: Decimal::ZERO,
        cap: None,
        grade: String::new(),
        all_entered: false,
        total_from_print: false,
        funds: money.and_then(|m| get(&m.funds)),
        spent: money.and_then(|m| get(&m.spent)),
        unit: money.map(|m| m.unit.clone()).unwrap_or_default(),
    };
    let Some(spec) = t.indicators.as_ref().filter(|i| i.scored) else {
        return out;
    };
    // 执行率
    if !t.rate_label.is_empty() {
        out.rate_weight = p.rate.weight;
        out.rate = rate_of(f, p);
        out.rate_entered = f.rate_score;
        if let Some(r) = out.rate {
            let (s, formula) = rate_score_for(r, p);
            out.rate_suggested = Some(s);
            out.rate_formula = format!(
                "执行率 = {} ÷ {} = {r}%；{formula}",
                p.rate.numerator, p.rate.denominator
            );
        } else {
            out.rate_formula = format!(
                "{}或{}未填写（或为 0），无法计算执行率",
                p.rate.numerator, p.rate.denominator
            );
        }
        out.rate_score = out.rate_entered.or(out.rate_suggested).unwrap_or_default();
    }
    // Indicators and blocks, in the template's 一级 order; unknown 一级 names come last.
    let mut order: Vec<String> = spec.level1.iter().map(|l| l.name.clone()).collect();
    for i in &f.indicators {
        if !order.contains(&i.level1) {
            order.push(i.level1.clone());
        }
    }
    let per_indicator = spec.granularity == "indicator";
    let mut all_entered = out.rate_weight.is_zero() || out.rate_entered.is_some();
    for l1 in &order {
        let mine: Vec<(usize, &super::form::Indicator)> = f
            .indicators
            .iter()
            .enumerate()
            .filter(|(_, i)| &i.level1 == l1)
            .collect();
        let given: Decimal = mine.iter().filter_map(|(_, i)| i.weight).sum();
        let weight = if p.weights_per_form {
            given
        } else {
            p.weights.get(l1).copied().unwrap_or(given)
        };
        let unweighted = mine.iter().filter(|(_, i)| i.weight.is_none()).count();
        let share = if unweighted == 0 {
            Decimal::ZERO
        } else {
            ((weight - given).max(Decimal::ZERO)) / Decimal::from(unweighted)
        };
        let mut exact_sum = Decimal::ZERO;
        let mut rounded_sum = Decimal::ZERO;
        let mut entered_sum: Option<Decimal> = None;
        let mut effective_sum = Decimal::ZERO;
        for (index, ind) in &mine {
            let w = ind.weight.unwrap_or(share);
            let s = indicator::score(&ind.target, &ind.actual, &ind.level2, &ind.judgement, w, p);
            let suggested = s.exact.map(|e| round_half_up(e, dp));
            exact_sum += s.exact.unwrap_or_default();
            rounded_sum += suggested.unwrap_or_default();
            if let Some(e) = ind.score {
                entered_sum = Some(entered_sum.unwrap_or_default() + e);
            }
            effective_sum += ind.score.or(suggested).unwrap_or_default();
            out.indicators.push(IndicatorScore {
                index: *index,
                level1: ind.level1.clone(),
                level2: ind.level2.clone(),
                name: ind.name.clone(),
                kind: s.kind,
                weight: w,
                weight_entered: ind.weight.is_some(),
                suggested,
                formula: s.formula,
                completion: s.completion,
                band: s.band,
                band_chosen: s.band_chosen,
                met: s.met,
                actual_problem: s.actual_problem,
                entered: ind.score,
                exact: s.exact,
            });
        }
        let suggested = if per_indicator {
            rounded_sum
        } else {
            round_half_up(exact_sum, dp)
        }
        .min(weight);
        let entered = f.blocks.get(l1).copied();
        let score = match (entered, entered_sum) {
            (Some(e), _) => e,
            (None, Some(_)) => effective_sum,
            (None, None) => suggested,
        };
        let complete =
            entered.is_some() || (!mine.is_empty() && mine.iter().all(|(_, i)| i.score.is_some()));
        all_entered &= complete;
        out.blocks.push(BlockScore {
            level1: l1.clone(),
            weight,
            suggested,
            entered,
            indicator_sum: entered_sum,
            score,
            indicator_count: mine.len(),
        });
    }
    out.all_entered = all_entered;
    let sug: Decimal = out.blocks.iter().map(|b| b.suggested).sum::<Decimal>()
        + out.rate_suggested.unwrap_or_default();
    let eff: Decimal = out.blocks.iter().map(|b| b.score).sum::<Decimal>() + out.rate_score;
    out.total_suggested = sug;
    out.total = eff;
    if let (false, Some(pt)) = (all_entered, f.printed_total) {
        out.total = pt;
        out.total_from_print = true;
    }
    if let Some(r) = out.rate {
        if let Some(c) = p.caps.iter().find(|c| r >= c.rate_from && r < c.rate_below) {
            out.cap = Some(c.max_total);
            out.total_suggested = out.total_suggested.min(c.max_total);
            out.total = out.total.min(c.max_total);
        }
    }
    out.grade = grade_of(out.total, p).to_string();
    out
}
