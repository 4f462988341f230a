//! 评分口径 (rubric profiles) as data: weights, the 执行率 rule, caps, grade bands, how targets
//! are read and qualitative bands; loaded and validated from assets/profiles/*.toml.

use super::*;

/// A rubric profile: how one region/year scores its forms (RULES.md §2).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub name: String,
    #[serde(default = "hundred")]
    pub total: Decimal,
    /// Decimal places of suggested scores.
    #[serde(default = "two")]
    pub score_dp: u32,
    /// A departure of an entered score from the suggestion larger than this is a P-调整 warning.
    #[serde(default = "half")]
    pub override_tolerance: Decimal,
    pub rate: RateRule,
    #[serde(default, rename = "cap")]
    pub caps: Vec<Cap>,
    /// 一级 weights by name.
    pub weights: BTreeMap<String, Decimal>,
    /// Each form sets its own 一级 weights by the 分值 it prints (四川: 绩效指标 90 分 split per
    /// project): `weights` then only names the 一级 (values 0) and the 分值 of all indicators must
    /// add up to the total less the 执行率 weight.
    #[serde(default)]
    pub weights_per_form: bool,
    #[serde(rename = "grade")]
    pub grades: Vec<Grade>,
    pub quantitative: Quantitative,
    pub qualitative: Qualitative,
    pub recognise: Recognise,
}

fn hundred() -> Decimal {
    Decimal::ONE_HUNDRED
}

fn two() -> u32 {
    2
}

fn half() -> Decimal {
    Decimal::new(5, 1)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateRule {
    pub weight: Decimal,
    /// Money columns: 执行率 = numerator / denominator.
    pub numerator: String,
    pub denominator: String,
    /// linear: min(w, 执行率 × w); interval: `steps`.
    pub rule: String,
    /// `[[执行率 % from, score]]`, highest first.
    #[serde(default)]
    pub steps: Vec<(Decimal, Decimal)>,
    #[serde(default)]
    pub allow_over_100: bool,
    /// Printed 执行率 may differ from the recomputed one by this much (percentage points).
    #[serde(default = "cent")]
    pub text_tolerance: Decimal,
}

fn cent() -> Decimal {
    Decimal::new(1, 2)
}

/// Total-score cap while 执行率 is in [rate_from, rate_below).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    pub rate_from: Decimal,
    pub rate_below: Decimal,
    pub max_total: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    pub min: Decimal,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantitative {
    /// 反向 rule: linear = (1 − (a−t)/t)·w, 0 at 2t; ratio = w·t/a (Hubei).
    pub reverse: String,
    /// Completion above this percentage of the target is flagged for 偏离度 review.
    pub deviation_pct: Decimal,
    /// 二级 names under which a plain amount is a ceiling (成本指标: "1000元/个")…
    #[serde(default)]
    pub ceiling_level2: Vec<String>,
    /// …when its unit starts with one of these (a percentage under 成本 stays 正向).
    #[serde(default)]
    pub ceiling_units: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Qualitative {
    #[serde(rename = "band")]
    pub bands: Vec<Band>,
    /// Words in 全年完成值 that mean the target was met / missed (used until the user chooses).
    #[serde(default)]
    pub achieved_words: Vec<String>,
    #[serde(default)]
    pub missed_words: Vec<String>,
    /// Reasons that explain nothing ("无", "暂无").
    #[serde(default)]
    pub boilerplate_reasons: Vec<String>,
}

/// A qualitative band in percent of 分值: [from, to] (to inclusive for the top band).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub name: String,
    pub from: Decimal,
    pub to: Decimal,
    /// Suggested share of 分值 when this band is chosen.
    pub suggest: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recognise {
    #[serde(default)]
    pub ge_prefix: Vec<String>,
    #[serde(default)]
    pub ge_suffix: Vec<String>,
    #[serde(default)]
    pub le_prefix: Vec<String>,
    #[serde(default)]
    pub le_suffix: Vec<String>,
    #[serde(default)]
    pub eq_prefix: Vec<String>,
    /// Units a number may carry; compounds like 元/人/天 are joined with "/".
    pub units: Vec<String>,
}

pub fn load_profile(file: &str, text: &str) -> Result<Profile, TemplateError> {
    let p: Profile = toml_of(file, text)?;
    let bad = |m: String| Err(TemplateError::new(file, m));
    let sum: Decimal = p.weights.values().copied().sum::<Decimal>() + p.rate.weight;
    if sum != p.total && !p.weights_per_form {
        return bad(format!(
            "权重合计 {sum}（含预算执行率 {}）≠ 总分 {}",
            p.rate.weight, p.total
        ));
    }
    match p.rate.rule.as_str() {
        "linear" => {}
        "interval" => {
            if p.rate.steps.is_empty() {
                return bad("rate.rule = interval 需要 steps".into());
            }
            if p.rate.steps.windows(2).any(|w| w[0].0 <= w[1].0) {
                return bad("rate.steps 应按执行率从高到低排列".into());
            }
            if p.rate.steps.iter().any(|s| s.1 > p.rate.weight) {
                return bad("rate.steps 的得分不能超过执行率分值".into());
            }
        }
        other => return bad(format!("rate.rule「{other}」无效（linear / interval）")),
    }
    if p.quantitative.reverse != "linear" && p.quantitative.reverse != "ratio" {
        return bad(format!(
            "quantitative.reverse「{}」无效（linear / ratio）",
            p.quantitative.reverse
        ));
    }
    if p.grades.is_empty() || p.grades.windows(2).any(|w| w[0].min <= w[1].min) {
        return bad("grade 应至少一档，并按分数线从高到低排列".into());
    }
    if p.grades.last().map(|g| g.min) != Some(Decimal::ZERO) {
        return bad("最低一档的分数线应为 0".into());
    }
    if p.qualitative.bands.is_empty()
        || p.qualitative
            .bands
            .iter()
            .any(|b| b.from > b.to || b.suggest < b.from || b.suggest > b.to)
    {
        return bad("qualitative.band 应满足 from ≤ suggest ≤ to".into());
    }
    if p.score_dp > 4 {
        return bad("score_dp 最多 4 位".into());
    }
    // Grades and bands are told apart by name: a name repeated (or the profile's own name
    // pasted in) would print one grade for every total.
    let repeated = |names: Vec<&str>| {
        names
            .iter()
            .enumerate()
            .find(|(i, n)| n.trim().is_empty() || names[..*i].contains(n))
            .map(|(_, n)| n.to_string())
    };
    if let Some(n) = repeated(p.grades.iter().map(|g| g.name.as_str()).collect()) {
        return bad(format!(
            "grade 的名称「{n}」为空或重复（应为 优/良/中/差 这样各不相同的等级）"
        ));
    }
    if let Some(n) = repeated(
        p.qualitative
            .bands
            .iter()
            .map(|b| b.name.as_str())
            .collect(),
    ) {
        return bad(format!("qualitative.band 的名称「{n}」为空或重复（应为 达成/部分达成/未达成 这样各不相同的档次）"));
    }
    Ok(p)
}
