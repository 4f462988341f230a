//! Findings on 绩效 forms (RULES.md §2.6, §8): the same [`Finding`] shape as the table audit,
//! with the record id as "table" and the form's place (总分, 产出指标, 指标3 …) as "row".

use super::form::PerfForm;
use super::score::{grade_of, FormScore};
use super::spec::{FormTemplate, Profile};
use crate::amount::{format_amount, round_half_up};
use crate::engine::Finding;
use crate::template::Severity;
use rust_decimal::Decimal;

/// Rule id → (title, severity), from assets/forms/rules.toml.
pub use crate::template::forms::RuleBook;

pub(crate) struct Sink<'a> {
    pub rules: &'a RuleBook,
    pub table: String,
    pub table_label: String,
    pub out: Vec<Finding>,
}

use super::read::years_in;
pub use super::read::{
    grade_in, parse_date, parse_rate_text, stated_rate, stated_total, total_in, DateText,
};

mod blocks;
mod texts;
use blocks::*;
use texts::*;

impl Sink<'_> {
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        rule: &str,
        row: &str,
        row_label: &str,
        col: &str,
        lhs: Option<Decimal>,
        rhs: Option<Decimal>,
        message: String,
    ) {
        let severity = self
            .rules
            .get(rule)
            .map(|r| r.1)
            .unwrap_or(if rule == "FORM-1" {
                Severity::Error
            } else {
                Severity::Warning
            });
        self.out.push(Finding {
            rule: rule.to_string(),
            severity,
            table: self.table.clone(),
            table_label: self.table_label.clone(),
            row: row.to_string(),
            row_label: row_label.to_string(),
            col: col.to_string(),
            lhs,
            rhs,
            tail: false,
            message,
        });
    }
}

/// A score as printed: "90", "9.99", "46.5".
pub fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A 分值 for display: an equal share (50 ÷ 11) shown to 2 decimals, half-up.
pub fn num2(d: Decimal) -> String {
    num(crate::amount::round_half_up(d, 2))
}

fn money(d: Decimal) -> String {
    format_amount(d, 2)
}

pub(crate) fn label_of(t: &FormTemplate, s: &FormScore) -> String {
    let short = match t.family.as_str() {
        "项目自评" => "项目支出绩效自评表",
        "整体自评" => "整体支出绩效自评表",
        "基础数据" => "整体支出绩效评价基础数据表",
        _ => "项目支出绩效目标表",
    };
    if s.name.is_empty() {
        short.to_string()
    } else {
        format!("{short}「{}」", s.name)
    }
}

pub(crate) fn audit_form(
    sink: &mut Sink,
    t: &FormTemplate,
    p: &Profile,
    f: &PerfForm,
    s: &FormScore,
    year: i32,
) {
    money_splits(sink, t, f);
    money_parts(sink, t, f);
    ledgers(sink, t, f);
    dates(sink, t, f, s, year);
    targets(sink, t, f);
    if !s.scored {
        return;
    }
    // Nothing entered yet: one warning instead of a score that means nothing.
    if f.is_blank() {
        sink.add(
            "P-未填",
            "",
            "",
            "",
            None,
            None,
            format!("{}尚未填写：没有资金、指标和得分", form_named(sink, s)),
        );
        return;
    }
    // The blank form's own fill-in prompts left in a text cell.
    for fd in &t.fields {
        let text = f.field(&fd.key);
        if let Some(pr) = t
            .prompts
            .iter()
            .find(|p| !p.is_empty() && text.contains(p.as_str()))
        {
            let label = fd.shown();
            sink.add(
                "P-提示语",
                &fd.key,
                label,
                "",
                None,
                None,
                format!("「{label}」印的是空白表的填写提示（含「{pr}」），实际内容未填写"),
            );
        }
    }
    if f.is_unscored() {
        sink.add(
            "P-未评分",
            "",
            "",
            "",
            None,
            None,
            format!(
                "{}未评分：没有执行率得分、指标得分和总分；程序给出的 {} 分（{}）只是按评分口径的建议分，不是本表的自评结果",
                form_named(sink, s),
                num(s.total),
                s.grade
            ),
        );
    }
    rate(sink, t, p, f, s);
    if s.total > p.total {
        sink.add(
            "P-满分",
            "总分",
            "总分",
            "得分",
            Some(s.total),
            Some(p.total),
            format!(
                "总分 {} 超过满分 {}：执行率得分与各一级指标得分之和不能超过满分，等级无从评定",
                num(s.total),
                num(p.total)
            ),
        );
    }
    let tol = p.override_tolerance;
    for b in &s.blocks {
        if b.weight.is_zero()
            && b.indicator_count > 0
            && b.indicator_sum.is_none()
            && !p.weights_per_form
        {
            sink.add(
                "P-权重",
                &b.level1,
                &b.level1,
                "分值",
                None,
                None,
                format!("一级指标「{}」在评分口径「{}」中没有权重", b.level1, p.name),
            );
        }
        if let Some(e) = b.entered {
            if e > b.weight {
                sink.add(
                    "P-得分上限",
                    &b.level1,
                    &b.level1,
                    "自评得分",
                    Some(e),
                    Some(b.weight),
                    format!("{}得分 {} 超过其分值 {}", b.level1, num(e), num(b.weight)),
                );
            }
            if let Some(sum) = b.indicator_sum {
                if sum != e {
                    sink.add(
                        "P-块分",
                        &b.level1,
                        &b.level1,
                        "自评得分",
                        Some(e),
                        Some(sum),
                        format!(
                            "{}得分 {} ≠ 其下各指标得分之和 {}",
                            b.level1,
                            num(e),
                            num(sum)
                        ),
                    );
                }
            }
            if (e - b.suggested).abs() > tol && b.indicator_count > 0 {
                sink.add(
                    "P-调整",
                    &b.level1,
                    &b.level1,
                    "自评得分",
                    Some(e),
                    Some(b.suggested),
                    format!(
                        "{}填报得分 {} 与按指标完成情况计算的建议分 {} 相差 {}（已保留填报数）",
                        b.level1,
                        num(e),
                        num(b.suggested),
                        num((e - b.suggested).abs())
                    ),
                );
            }
        }
    }
    let per_indicator = t
        .indicators
        .as_ref()
        .is_some_and(|i| i.granularity == "indicator");
    if per_indicator && p.weights_per_form {
        // The form sets its own 一级 weights: all 分值 together are the total less 执行率's.
        let all: Vec<_> = s.indicators.iter().collect();
        if !all.is_empty() && all.iter().all(|i| i.weight_entered) {
            let sum: Decimal = all.iter().map(|i| i.weight).sum();
            let want = p.total - p.rate.weight;
            if sum != want {
                sink.add(
                    "P-权重",
                    "绩效指标",
                    "绩效指标",
                    "分值",
                    Some(sum),
                    Some(want),
                    format!(
                        "绩效指标分值合计 {} ≠ 评分口径「{}」规定的 {}（总分 {} 减预算执行率 {}）",
                        num(sum),
                        p.name,
                        num(want),
                        num(p.total),
                        num(p.rate.weight)
                    ),
                );
            }
        }
    }
    if per_indicator {
        // Z-一级分值: the 分值 under each 一级 add up to its weight.
        for b in &s.blocks {
            let ws: Vec<_> = s
                .indicators
                .iter()
                .filter(|i| i.level1 == b.level1)
                .collect();
            if ws.is_empty() || ws.iter().any(|i| !i.weight_entered) {
                continue;
            }
            let sum: Decimal = ws.iter().map(|i| i.weight).sum();
            if let Some(w) = p.weights.get(&b.level1).filter(|_| !p.weights_per_form) {
                if sum != *w {
                    sink.add(
                        "P-权重",
                        &b.level1,
                        &b.level1,
                        "分值",
                        Some(sum),
                        Some(*w),
                        format!(
                            "{}各指标分值之和 {} ≠ 评分口径规定的权重 {}",
                            b.level1,
                            num(sum),
                            num(*w)
                        ),
                    );
                }
            }
        }
    }
    for i in &s.indicators {
        let ind = &f.indicators[i.index];
        let row = format!("指标{}", i.index + 1);
        let row_label = format!("{}·{}「{}」", i.level1, i.level2, i.name);
        if let Some(e) = i.entered {
            if e > i.weight && i.weight_entered {
                sink.add(
                    "P-得分上限",
                    &row,
                    &row_label,
                    "得分",
                    Some(e),
                    Some(i.weight),
                    format!("{row_label}得分 {} 超过其分值 {}", num(e), num(i.weight)),
                );
            }
            if let Some(sg) = i.suggested {
                if (e - sg).abs() > tol {
                    sink.add(
                        "P-调整",
                        &row,
                        &row_label,
                        "得分",
                        Some(e),
                        Some(sg),
                        format!(
                            "{row_label}填报得分 {} 与建议分 {}（{}）不符（已保留填报数）",
                            num(e),
                            num(sg),
                            i.formula
                        ),
                    );
                }
            }
            if i.band_chosen && !i.weight.is_zero() {
                let share = e / i.weight * Decimal::ONE_HUNDRED;
                let band = i.band.as_deref().unwrap_or("");
                if super::indicator::band_of(share, p) != Some(band) {
                    sink.add(
                        "P-定性",
                        &row,
                        &row_label,
                        "得分",
                        Some(e),
                        Some(i.weight),
                        format!(
                            "{row_label}选择了「{band}」，但得分 {} 占分值 {} 的 {}%，不在该档区间内",
                            num(e),
                            num(i.weight),
                            num(round_half_up(share, 2))
                        ),
                    );
                }
            }
        }
        if i.kind == super::indicator::Kind::定性
            && i.band.is_none()
            && !ind.actual.trim().is_empty()
        {
            sink.add(
                "P-定性待选",
                &row,
                &row_label,
                "全年完成值",
                None,
                None,
                format!("{row_label}是定性指标，请选择达成情况（{}）", i.formula),
            );
        }
        if let Some(problem) = &i.actual_problem {
            // A comparator in the 完成值 ("≥95%") is a matter of style (提示); a missing or
            // unreadable one is not.
            let rule = if problem.contains("带有比较符") {
                "P-完成值写法"
            } else {
                "P-完成值"
            };
            sink.add(
                rule,
                &row,
                &row_label,
                "全年完成值",
                None,
                None,
                format!("{row_label}：{problem}"),
            );
        }
        // A blank 完成值 is 未填写 (reported above), not 未完成.
        if i.met == Some(false) && !ind.actual.trim().is_empty() {
            let r = ind.reason.trim();
            let boiler = p.qualitative.boilerplate_reasons.iter().any(|b| b == r);
            if r.is_empty() || boiler {
                sink.add(
                    "P-未完成原因",
                    &row,
                    &row_label,
                    "未完成原因",
                    i.completion,
                    None,
                    format!(
                        "{row_label}未完成（指标值「{}」，完成值「{}」），{}",
                        ind.target.trim(),
                        ind.actual.trim(),
                        if r.is_empty() {
                            "未填写未完成原因和改进措施".to_string()
                        } else {
                            format!("原因「{r}」没有说明问题")
                        }
                    ),
                );
            }
        }
        if let Some(c) = i.completion {
            if c > p.quantitative.deviation_pct && i.kind == super::indicator::Kind::正向 {
                sink.add(
                    "P-偏离",
                    &row,
                    &row_label,
                    "全年完成值",
                    Some(c),
                    Some(p.quantitative.deviation_pct),
                    format!(
                        "{row_label}完成值为指标值的 {}%（指标值「{}」，完成值「{}」），请分析是否指标值设定偏低",
                        num(c),
                        ind.target.trim(),
                        ind.actual.trim()
                    ),
                );
            }
        }
    }
    // 总分
    let parts: Decimal = s.blocks.iter().map(|b| b.score).sum::<Decimal>() + s.rate_score;
    if let Some(printed) = f.printed_total {
        if s.all_entered {
            if printed != parts {
                let detail: Vec<String> = std::iter::once(num(s.rate_score))
                    .chain(s.blocks.iter().map(|b| num(b.score)))
                    .collect();
                sink.add(
                    "P-总分",
                    "总分",
                    "总分",
                    "得分",
                    Some(printed),
                    Some(parts),
                    format!(
                        "印刷的总分 {} ≠ 执行率得分与各一级指标得分之和 {} = {}",
                        num(printed),
                        detail.join(" + "),
                        num(parts)
                    ),
                );
            }
        } else {
            let missing: Vec<&str> = s
                .blocks
                .iter()
                .filter(|b| b.entered.is_none() && b.indicator_sum.is_none())
                .map(|b| b.level1.as_str())
                .collect();
            sink.add(
                "P-总分缺项",
                "总分",
                "总分",
                "得分",
                Some(printed),
                None,
                format!(
                    "{}未填自评得分，总分无法核对，按印刷的 {} 计（缺项按建议分计算为 {}）",
                    if missing.is_empty() {
                        "预算执行率".to_string()
                    } else {
                        missing.join("、")
                    },
                    num(printed),
                    num(parts)
                ),
            );
        }
    }
    if let Some(cap) = s.cap {
        if parts > cap {
            sink.add(
                "P-封顶",
                "总分",
                "总分",
                "得分",
                Some(parts),
                Some(cap),
                format!(
                    "执行率 {}% 时总分不得超过 {}，各项得分之和 {} 已按 {} 计",
                    num(s.rate.unwrap_or_default()),
                    num(cap),
                    num(parts),
                    num(cap)
                ),
            );
        }
    }
    conclusion(sink, t, p, f, s);
}

/// 「表单「自评03」（项目名称）」 as a finding names its form.
fn form_named(sink: &Sink, s: &FormScore) -> String {
    if s.name.is_empty() {
        format!("表单「{}」", sink.table)
    } else {
        format!("表单「{}」（{}）", sink.table, s.name)
    }
}
