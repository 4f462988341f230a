//! Findings on what a form's texts state: the 执行率 sentence against the money, and the
//! conclusion's score, grade and rates against the form.

use super::*;

pub(super) fn rate(sink: &mut Sink, t: &FormTemplate, p: &Profile, f: &PerfForm, s: &FormScore) {
    if t.rate_label.is_empty() {
        return;
    }
    let label = t.rate_label.as_str();
    if let Some(r) = s.rate {
        if r > Decimal::ONE_HUNDRED && !p.rate.allow_over_100 {
            sink.add(
                "P-超执行",
                "执行率",
                label,
                "执行率",
                Some(r),
                Some(Decimal::ONE_HUNDRED),
                format!(
                    "预算执行率 {}%（{} ÷ {}）超过 100%，本口径不允许",
                    num(r),
                    p.rate.numerator,
                    p.rate.denominator
                ),
            );
        }
    }
    let (printed_rate, printed_score) = parse_rate_text(&f.rate_text);
    if let (Some(pr), Some(r)) = (printed_rate, s.rate) {
        if (pr - r).abs() > p.rate.text_tolerance {
            let n = crate::engine::perf::score::money_col(f, &p.rate.numerator).unwrap_or_default();
            let d =
                crate::engine::perf::score::money_col(f, &p.rate.denominator).unwrap_or_default();
            sink.add(
                "P-执行率",
                "执行率",
                label,
                "执行率",
                Some(pr),
                Some(r),
                format!(
                    "印刷的执行率 {}% ≠ {} ÷ {} = {} ÷ {} = {}%",
                    num(pr),
                    p.rate.numerator,
                    p.rate.denominator,
                    money(n),
                    money(d),
                    num(r)
                ),
            );
        }
    }
    let entered = s.rate_entered.or(printed_score);
    if let Some(e) = entered {
        if e > p.rate.weight {
            sink.add(
                "P-得分上限",
                "执行率",
                label,
                "得分",
                Some(e),
                Some(p.rate.weight),
                format!("执行率得分 {} 超过其分值 {}", num(e), num(p.rate.weight)),
            );
        }
        if let Some(sg) = s.rate_suggested {
            if (e - sg).abs() > p.override_tolerance {
                sink.add(
                    "P-执行率得分",
                    "执行率",
                    label,
                    "得分",
                    Some(e),
                    Some(sg),
                    format!(
                        "执行率得分 {} 与评分规则的建议分 {} 不符（{}）",
                        num(e),
                        num(sg),
                        s.rate_formula
                    ),
                );
            }
        }
    }
}

/// Grades and totals named in the conclusion text ("本项目自评等级为优", "本项目自评82分", "良").
pub(super) fn conclusion(
    sink: &mut Sink,
    t: &FormTemplate,
    p: &Profile,
    f: &PerfForm,
    s: &FormScore,
) {
    let derived = grade_of(s.total, p);
    for fd in t.fields.iter().filter(|fd| fd.group == "conclusion") {
        let text = f.field(&fd.key);
        if let Some(g) = grade_in(text, p) {
            if g != derived {
                sink.add(
                    "P-等级",
                    &fd.key,
                    fd.shown(),
                    "等级",
                    Some(s.total),
                    None,
                    format!(
                        "写明的等级「{g}」与总分 {} 不符：按评分口径 {} 分应为「{derived}」",
                        num(s.total),
                        num(s.total)
                    ),
                );
            }
        }
        let label = fd.shown();
        // A score and a grade stated together must agree with each other, whatever the cells say
        // (when the score stated is the form's 总分, the check above already names it).
        if let (Some(g), Some(n)) = (grade_in(text, p), stated_total(text)) {
            let by_score = grade_of(n, p);
            if by_score != g && n != s.total {
                sink.add(
                    "P-等级",
                    &fd.key,
                    label,
                    "等级",
                    Some(n),
                    None,
                    format!(
                        "文字自相矛盾：写明 {} 分，等级却为「{g}」；按评分口径「{}」{} 分应为「{by_score}」",
                        num(n),
                        p.name,
                        num(n)
                    ),
                );
            }
        }
        // A 执行率 stated in the text is checked against the money block, at the precision written.
        if let (Some((said, dp)), Some(r)) = (stated_rate(text), s.rate) {
            if crate::amount::round_half_up(r, dp) != said {
                sink.add(
                    "P-结论执行率",
                    &fd.key,
                    label,
                    "执行率",
                    Some(said),
                    Some(r),
                    format!(
                        "文字中写的执行率 {}% ≠ {} ÷ {} = {}%",
                        num(said),
                        p.rate.numerator,
                        p.rate.denominator,
                        num(r)
                    ),
                );
            }
        }
        if let Some(n) = total_in(text) {
            if n != s.total {
                sink.add(
                    "P-结论分",
                    &fd.key,
                    fd.shown(),
                    "总分",
                    Some(n),
                    Some(s.total),
                    format!("文字中写的自评 {} 分 ≠ 总分 {}", num(n), num(s.total)),
                );
            }
        }
    }
}
