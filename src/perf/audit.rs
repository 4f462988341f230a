//! Findings on 绩效 forms (RULES.md §2.6, §8): the same [`Finding`] shape as the table audit,
//! with the record id as "table" and the form's place (总分, 产出指标, 指标3 …) as "row".

use super::form::PerfForm;
use super::score::{grade_of, FormScore};
use super::spec::{FormTemplate, Profile};
use crate::amount::{format_amount, round_half_up};
use crate::engine::Finding;
use crate::template::Severity;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Rule id → (title, severity), from assets/forms/rules.toml.
pub type RuleBook = BTreeMap<String, (String, Severity)>;

pub(crate) struct Sink<'a> {
    pub rules: &'a RuleBook,
    pub table: String,
    pub table_label: String,
    pub out: Vec<Finding>,
}

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
            let label = if fd.label.is_empty() {
                &fd.key
            } else {
                &fd.label
            };
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

fn money_splits(sink: &mut Sink, t: &FormTemplate, f: &PerfForm) {
    let Some(m) = &t.money else { return };
    for sp in &m.splits {
        for col in &sp.of {
            let Some(total) = f.money.get(col).copied() else {
                continue;
            };
            let keys: Vec<String> = sp.rows.iter().map(|r| format!("{col}/{}", r.key)).collect();
            let sum: Decimal = keys.iter().filter_map(|k| f.money.get(k)).sum();
            if sum != total {
                let col_label = m
                    .columns
                    .iter()
                    .find(|c| &c.key == col)
                    .map(|c| c.label.as_str())
                    .unwrap_or(col);
                let filled = keys.iter().filter(|k| f.money.contains_key(*k)).count();
                sink.add(
                    "P-资金分解",
                    col,
                    col_label,
                    if sp.label.is_empty() {
                        "其中"
                    } else {
                        &sp.label
                    },
                    Some(total),
                    Some(sum),
                    format!(
                        "{col_label} {} ≠ 其中{}各项之和 {}{}",
                        money(total),
                        if sp.label.is_empty() || sp.label == "其中" {
                            String::new()
                        } else {
                            format!("（{}）", sp.label)
                        },
                        money(sum),
                        if filled == 0 {
                            "（分项均未填写）"
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
    }
}

fn ledgers(sink: &mut Sink, t: &FormTemplate, f: &PerfForm) {
    for l in &t.ledgers {
        for r in l.rows.iter().filter(|r| r.sum) {
            for c in l.columns.iter().filter(|c| c.ratio.is_empty()) {
                if r.locked.contains(&c.key) {
                    continue;
                }
                let key = format!("{}/{}/{}", l.key, r.key, c.key);
                let Some(total) = f.ledger.get(&key).copied() else {
                    continue;
                };
                let children: Decimal = l
                    .rows
                    .iter()
                    .filter(|ch| ch.parent == r.key)
                    .filter_map(|ch| f.ledger.get(&format!("{}/{}/{}", l.key, ch.key, c.key)))
                    .sum();
                let items: Decimal = f
                    .items
                    .get(&format!("{}/{}", l.key, r.key))
                    .map(|v| v.iter().filter_map(|i| i.values.get(&c.key)).sum())
                    .unwrap_or_default();
                let sum = children + items;
                if sum != total {
                    sink.add(
                        "Z-基础数据",
                        &format!("{}/{}", l.key, r.key),
                        r.label.trim_end_matches('：'),
                        &c.label,
                        Some(total),
                        Some(sum),
                        format!(
                            "{}「{}」{} {} ≠ 其下各行之和 {}",
                            l.title,
                            r.label.trim_end_matches('：'),
                            c.label,
                            money(total),
                            money(sum)
                        ),
                    );
                }
            }
        }
    }
}

/// 「表单「自评03」（项目名称）」 as a finding names its form.
fn form_named(sink: &Sink, s: &FormScore) -> String {
    if s.name.is_empty() {
        format!("表单「{}」", sink.table)
    } else {
        format!("表单「{}」（{}）", sink.table, s.name)
    }
}

/// Reads a printed 执行率 cell as a person does → (rate %, score).
/// "97.5%(10分)", "预算执行率100%（10分）", "96%  8", "8" (a score alone), and sentences such as
/// "2024年预算执行率=实际支出/预算数×100%=98.10%": the rate is the percentage stated as the result
/// (a factor "×100%" is part of the formula), a score is only a number marked 分, a lone number,
/// or a bare number right after the rate; years, amounts and counts are never scores.
pub fn parse_rate_text(text: &str) -> (Option<Decimal>, Option<Decimal>) {
    let s: String = text
        .chars()
        .map(|c| match c {
            '％' => '%',
            '（' => '(',
            '）' => ')',
            '＝' => '=',
            c => c,
        })
        .collect();
    let nums = numbers_in(&s);
    // Byte offset where the number ending at `end` starts (its digits are ASCII).
    let start_of = |end: usize| {
        end - s[..end]
            .bytes()
            .rev()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count()
    };
    let mut rates: Vec<(Decimal, usize, bool)> = Vec::new();
    for (value, end) in &nums {
        if !s[*end..].trim_start().starts_with('%') {
            continue;
        }
        let before = s[..start_of(*end)].trim_end();
        let factor = ['×', '*', 'x', 'X', '✕']
            .iter()
            .any(|c| before.ends_with(*c))
            || before.ends_with("乘以");
        if factor {
            continue;
        }
        let stated = ['=', '为', '是', ':', '：', '达']
            .iter()
            .any(|c| before.ends_with(*c));
        rates.push((*value, *end, stated));
    }
    let rate = rates
        .iter()
        .rev()
        .find(|r| r.2)
        .or(rates.last())
        .map(|r| (r.0, r.1));
    let mut score = None;
    for (value, end) in &nums {
        let rest = s[*end..].trim_start();
        let marked = rest.starts_with('分') && !rest.starts_with("分之");
        let lone = nums.len() == 1 && rest.is_empty() && !s.contains('%');
        // "96% 8": nothing but the rate, then the score, then nothing.
        let after_rate = rate.is_some_and(|(_, re)| {
            let st = start_of(*end);
            st >= re && s[re..st].trim_start_matches('%').trim().is_empty() && rest.is_empty()
        });
        if marked || lone || after_rate {
            score = Some(*value);
            break;
        }
    }
    (rate.map(|r| r.0), score)
}

#[cfg(test)]
mod rate_text_tests {
    use super::parse_rate_text;
    use rust_decimal::Decimal;

    fn d(s: &str) -> Option<Decimal> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn reads_printed_rate_cells_as_a_person_does() {
        assert_eq!(parse_rate_text("97.5%(10分)"), (d("97.5"), d("10")));
        assert_eq!(
            parse_rate_text("预算执行率100%（10分）"),
            (d("100"), d("10"))
        );
        assert_eq!(parse_rate_text("96% 8"), (d("96"), d("8")));
        assert_eq!(parse_rate_text("8"), (None, d("8")));
        assert_eq!(parse_rate_text("100.00%"), (d("100.00"), None));
        // The formula's ×100% is no rate; the year and the amounts are no score.
        assert_eq!(
            parse_rate_text("2024年预算执行率=实际支出89.97万元/预算数91.71万元×100%=98.10%"),
            (d("98.10"), None)
        );
        assert_eq!(
            parse_rate_text("执行率为98.10%（计算方法：执行数÷预算数×100%）"),
            (d("98.10"), None)
        );
        assert_eq!(parse_rate_text("2024年度执行率99%"), (d("99"), None));
    }

    #[test]
    fn states_in_conclusions_are_read() {
        use super::{stated_rate, stated_total};
        assert_eq!(stated_total("单位总分95分，等级为良"), d("95"));
        assert_eq!(stated_total("自评得分为 88.5 分"), d("88.5"));
        assert_eq!(stated_total("2024年项目完成"), None);
        assert_eq!(
            stated_rate("项目执行率99%，到位率100%"),
            Some((d("99").unwrap(), 0))
        );
        assert_eq!(
            stated_rate("预算执行率为98.10%"),
            Some((d("98.10").unwrap(), 2))
        );
        assert_eq!(stated_rate("执行率=执行数/预算数×100%"), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(s in "[0-9.%％分 ×*=为是：年（）()a-z]{0,24}|\\PC{0,30}") {
            let _ = parse_rate_text(&s);
        }
    }
}

/// Numbers in a text with the byte offset where each ends.
fn numbers_in(s: &str) -> Vec<(Decimal, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        let part = c.is_ascii_digit() || (c == '.' && start.is_some());
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                if let Ok(d) = s[st..i].trim_end_matches('.').parse::<Decimal>() {
                    if let Ok(d) = crate::amount::check_bounds(d) {
                        out.push((d, i));
                    }
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn rate(sink: &mut Sink, t: &FormTemplate, p: &Profile, f: &PerfForm, s: &FormScore) {
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
            let n = super::score::money_col(f, &p.rate.numerator).unwrap_or_default();
            let d = super::score::money_col(f, &p.rate.denominator).unwrap_or_default();
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
fn conclusion(sink: &mut Sink, t: &FormTemplate, p: &Profile, f: &PerfForm, s: &FormScore) {
    let derived = grade_of(s.total, p);
    for fd in t.fields.iter().filter(|fd| fd.group == "conclusion") {
        let text = f.field(&fd.key);
        if let Some(g) = grade_in(text, p) {
            if g != derived {
                sink.add(
                    "P-等级",
                    &fd.key,
                    if fd.label.is_empty() {
                        &fd.key
                    } else {
                        &fd.label
                    },
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
        let label = if fd.label.is_empty() {
            &fd.key
        } else {
            &fd.label
        };
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
                    if fd.label.is_empty() {
                        &fd.key
                    } else {
                        &fd.label
                    },
                    "总分",
                    Some(n),
                    Some(s.total),
                    format!("文字中写的自评 {} 分 ≠ 总分 {}", num(n), num(s.total)),
                );
            }
        }
    }
}

/// A total score stated in text: "总分95分", "自评得分为95分", "单位总分 95 分".
pub fn stated_total(text: &str) -> Option<Decimal> {
    for key in ["总分", "自评得分", "得分", "自评"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(key) {
            let rest =
                text[from + i + key.len()..].trim_start_matches(['为', '是', '：', ':', ' ', '达']);
            if let Some((d, end)) = numbers_in(rest).into_iter().next() {
                let head = &rest[..end];
                if head.chars().all(|c| c.is_ascii_digit() || c == '.')
                    && rest[end..].trim_start().starts_with('分')
                {
                    return Some(d);
                }
            }
            from += i + key.len();
        }
    }
    None
}

/// A 执行率 (or 支出率 / 预算执行率) stated in text, with its decimals: "执行率99%", "预算执行率为
/// 98.10%", "支出率为60%". The formula's "×100%" is not a rate.
pub fn stated_rate(text: &str) -> Option<(Decimal, u32)> {
    for key in ["执行率", "支出率"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(key) {
            let after = &text[from + i + key.len()..];
            let rest =
                after.trim_start_matches(['为', '是', '：', ':', ' ', '达', '到', '=', '＝']);
            // Only a rate that follows its name directly (not one further on in the sentence).
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                if let Some((d, end)) = numbers_in(rest).into_iter().next() {
                    if rest[end..].trim_start().starts_with(['%', '％']) {
                        return Some((d, d.scale()));
                    }
                }
            }
            from += i + key.len();
        }
    }
    None
}

/// A grade named in text: the whole text is a grade, or "等级" (为/是/：) followed by one.
pub fn grade_in<'p>(text: &str, p: &'p Profile) -> Option<&'p str> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_start_matches("<p>").trim_end_matches("</p>");
    let t = t.trim_end_matches(['。', '.']);
    if let Some(g) = p.grades.iter().find(|g| g.name == t) {
        return Some(&g.name);
    }
    let i = t.find("等级")?;
    let rest = t[i + "等级".len()..].trim_start_matches(['为', '是', '：', ':', '评', '定']);
    p.grades
        .iter()
        .find(|g| rest.starts_with(g.name.as_str()))
        .map(|g| g.name.as_str())
}

/// "自评82分" / "自评得分为82分" in text.
pub fn total_in(text: &str) -> Option<Decimal> {
    let i = text.find("自评")?;
    let rest = &text[i + "自评".len()..];
    let rest = rest
        .trim_start_matches("总分")
        .trim_start_matches("得分")
        .trim_start_matches(['为', '：', ':', ' ']);
    let (d, end) = numbers_in(rest).into_iter().next()?;
    let before = &rest[..end];
    if before.chars().any(|c| !(c.is_ascii_digit() || c == '.')) {
        return None;
    }
    rest[end..].trim_start().starts_with('分').then_some(d)
}

/// What a date field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateText {
    /// Nothing, or the printed blank " 年  月  日".
    Blank,
    /// Year, month, day.
    Date(i32, u32, u32),
    /// Text that is not a date.
    Unreadable,
}

/// A date as written on the forms: "20240112090953", "20240112", "2024.03.14", "2024. 3. 25",
/// "2024年3月21日", "2024-03-14".
pub fn parse_date(text: &str) -> DateText {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.chars().all(|c| !c.is_ascii_digit()) {
        return if t.chars().all(|c| "年月日.-/".contains(c)) {
            DateText::Blank
        } else {
            DateText::Unreadable
        };
    }
    let digits: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|x| !x.is_empty())
        .collect();
    let (y, m, d) = match digits.as_slice() {
        [one] if one.len() == 14 || one.len() == 8 => (&one[..4], &one[4..6], &one[6..8]),
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => (*y, *m, *d),
        _ => return DateText::Unreadable,
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return DateText::Unreadable;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return DateText::Unreadable;
    }
    DateText::Date(y, m, d)
}

/// "YYYY年" mentions in a text (full-width digits read as digits).
fn years_in(text: &str) -> Vec<i32> {
    let chars: Vec<char> = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    let mut out = Vec::new();
    for i in 0..chars.len().saturating_sub(4) {
        let before_digit = i > 0 && chars[i - 1].is_ascii_digit();
        if !before_digit
            && chars[i..i + 4].iter().all(|c| c.is_ascii_digit())
            && chars[i + 4] == '年'
        {
            let y: String = chars[i..i + 4].iter().collect();
            if let Ok(y) = y.parse::<i32>() {
                if (1949..=2200).contains(&y) {
                    out.push(y);
                }
            }
        }
    }
    out
}

fn dates(sink: &mut Sink, t: &FormTemplate, f: &PerfForm, s: &FormScore, year: i32) {
    if !t.date_field.is_empty() {
        let text = f.field(&t.date_field).trim();
        let label = t
            .fields
            .iter()
            .find(|x| x.key == t.date_field)
            .map(|x| x.label.as_str())
            .unwrap_or(&t.date_field);
        match parse_date(text) {
            DateText::Unreadable => sink.add(
                "P-日期",
                &t.date_field,
                label,
                "",
                None,
                None,
                format!("{label}「{text}」无法识别为日期（可写作 2024年3月21日、2024.03.21 或 20240321）"),
            ),
            DateText::Date(y, m, d) => {
                let (from, from_m, to) = (year + t.date_earliest, t.date_earliest_month, year + 1);
                if (y, m) < (from, from_m) || y > to {
                    let start = if from_m == 1 {
                        format!("{from}年")
                    } else {
                        format!("{from}年{from_m}月")
                    };
                    sink.add(
                        "P-日期",
                        &t.date_field,
                        label,
                        "",
                        Some(Decimal::from(y)),
                        Some(Decimal::from(year)),
                        format!(
                            "{label} {y}年{m}月{d}日 不在 {year}年度表单的合理填报期（{start}–{to}年底）内：是否沿用了其他年度的表？"
                        ),
                    );
                }
            }
            DateText::Blank => {}
        }
    }
    if !t.stale_years {
        return;
    }
    let mut texts: Vec<(String, String, &str)> = Vec::new();
    if !t.name_field.is_empty() {
        texts.push((t.name_field.clone(), t.name_field.clone(), &s.name));
    }
    for (i, ind) in f.indicators.iter().enumerate() {
        for v in [&ind.period_target, &ind.target] {
            texts.push((
                format!("指标{}", i + 1),
                format!("{}·{}「{}」", ind.level1, ind.level2, ind.name),
                v.as_str(),
            ));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (row, row_label, text) in texts {
        if let Some(y) = years_in(text).into_iter().filter(|y| *y < year).min() {
            if seen.insert((row.clone(), text.to_string())) {
                sink.add(
                    "P-过期",
                    &row,
                    &row_label,
                    "",
                    Some(Decimal::from(y)),
                    Some(Decimal::from(year)),
                    format!(
                        "{row_label}写的是「{text}」：{y}年早于本表的 {year}年度，可能沿用了上年的表，请更新"
                    ),
                );
            }
        }
    }
}

/// 年度 within 实施期 (part_of), required columns, required 一级, percentages over 100.
fn money_parts(sink: &mut Sink, t: &FormTemplate, f: &PerfForm) {
    let Some(m) = &t.money else { return };
    let label = |key: &str| {
        m.columns
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.label.clone())
            .unwrap_or_else(|| key.to_string())
    };
    let any = !f.money.is_empty();
    for c in &m.required {
        if any && !f.money.contains_key(c) {
            let filled: Vec<String> = m
                .columns
                .iter()
                .filter_map(|x| {
                    f.money
                        .get(&x.key)
                        .map(|v| format!("{} {} {}", x.label, money(*v), m.unit))
                })
                .collect();
            sink.add(
                "P-资金缺项",
                c,
                &label(c),
                "",
                None,
                None,
                format!(
                    "{}未填写{}",
                    label(c),
                    if filled.is_empty() {
                        String::new()
                    } else {
                        format!("（已填写：{}）", filled.join("，"))
                    }
                ),
            );
        }
    }
    let [part, whole] = m.part_of.as_slice() else {
        return;
    };
    let mut pairs = vec![(part.clone(), whole.clone(), String::new())];
    for sp in m
        .splits
        .iter()
        .filter(|sp| sp.of.contains(part) && sp.of.contains(whole))
    {
        for r in &sp.rows {
            pairs.push((
                format!("{part}/{}", r.key),
                format!("{whole}/{}", r.key),
                r.label
                    .trim_start_matches("其中")
                    .trim_start_matches(['：', ':'])
                    .to_string(),
            ));
        }
    }
    for (pk, wk, what) in pairs {
        let (Some(pv), Some(wv)) = (f.money.get(&pk), f.money.get(&wk)) else {
            continue;
        };
        if pv > wv {
            let (pl, wl) = (label(part), label(whole));
            sink.add(
                "P-资金来源",
                &pk,
                &pl,
                &what,
                Some(*pv),
                Some(*wv),
                if what.is_empty() {
                    format!(
                        "{pl} {} {} 超过{wl} {} {}：年度资金是实施期资金的一部分",
                        money(*pv),
                        m.unit,
                        money(*wv),
                        m.unit
                    )
                } else {
                    format!(
                        "{pl}中「{what}」{} {} 超过{wl}中同一来源 {} {}：年度资金是实施期资金的一部分，资金来源填写不一致",
                        money(*pv),
                        m.unit,
                        money(*wv),
                        m.unit
                    )
                },
            );
        }
    }
}

fn targets(sink: &mut Sink, t: &FormTemplate, f: &PerfForm) {
    if let Some(spec) = &t.indicators {
        for l1 in &spec.required {
            if !f.indicators.iter().any(|i| &i.level1 == l1) {
                sink.add(
                    "P-缺指标",
                    l1,
                    l1,
                    "",
                    None,
                    None,
                    format!(
                        "没有填写任何{l1}：绩效目标应包含{}",
                        spec.required.join("、")
                    ),
                );
            }
        }
    }
    for (i, ind) in f.indicators.iter().enumerate() {
        for v in [&ind.period_target, &ind.target, &ind.actual] {
            if let Some(pct) = over_100_pct(v) {
                sink.add(
                    "P-指标值",
                    &format!("指标{}", i + 1),
                    &format!("{}·{}「{}」", ind.level1, ind.level2, ind.name),
                    "",
                    Some(pct),
                    Some(Decimal::ONE_HUNDRED),
                    format!(
                        "{}·{}「{}」的「{v}」中的 {}% 超过 100%，请核对是否录入有误",
                        ind.level1,
                        ind.level2,
                        ind.name,
                        num(pct)
                    ),
                );
                break;
            }
        }
    }
}

/// A percentage above 100 in a text that is not about growth ("100100%按月发放").
fn over_100_pct(text: &str) -> Option<Decimal> {
    if ["增", "比", "超", "高于"].iter().any(|w| text.contains(w)) {
        return None;
    }
    let t: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '％' => '%',
            '．' => '.',
            c => c,
        })
        .collect();
    let mut start = None;
    for (i, c) in t.char_indices() {
        if c.is_ascii_digit() || (c == '.' && start.is_some()) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(st) = start.take() {
            if c == '%' {
                if let Ok(d) = t[st..i].parse::<Decimal>() {
                    if d > Decimal::ONE_HUNDRED {
                        return Some(d);
                    }
                }
            }
        }
    }
    None
}
