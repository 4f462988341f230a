//! Findings on a form's blocks other than its scores: the money block and its 其中 splits, the
//! 基础数据 ledgers, dates, and the target sheets' funds and indicators.

use super::*;

pub(super) fn money_splits(sink: &mut Sink, t: &FormTemplate, f: &PerfForm) {
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

pub(super) fn ledgers(sink: &mut Sink, t: &FormTemplate, f: &PerfForm) {
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

pub(super) fn dates(sink: &mut Sink, t: &FormTemplate, f: &PerfForm, s: &FormScore, year: i32) {
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
pub(super) fn money_parts(sink: &mut Sink, t: &FormTemplate, f: &PerfForm) {
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

pub(super) fn targets(sink: &mut Sink, t: &FormTemplate, f: &PerfForm) {
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
pub(super) fn over_100_pct(text: &str) -> Option<Decimal> {
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
