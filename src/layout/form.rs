//! The paper layout of one 绩效 form as data: ruled rows of cells with relative widths, headings
//! and notes, each cell that shows part of the form body bound to it. The PDF draws it, the
//! Excel export places it on a grid, and the Excel import reads the bound cells back — so a form
//! looks the same in both and an edit made in the spreadsheet lands where it was made.

use super::Align;
use crate::amount::format_amount;
use crate::engine::perf::audit::num;
use crate::engine::perf::Scored;
use rust_decimal::Decimal;

mod apply;
mod cells;
pub use apply::apply;
pub use cells::*;

fn grid(widths: &[f32], cells: Vec<SCell>, min_h: f32) -> SRow {
    SRow::Grid {
        widths: widths.to_vec(),
        cells,
        min_h,
    }
}

fn is_stamp(label: &str) -> bool {
    label.contains("盖章")
}

fn amount(d: Decimal) -> String {
    format_amount(d, 2)
}

/// The form in its paper order: title, header fields, money block, 执行率, ledgers, goals, the
/// indicator grid with block scores, 总分 and grade, footnote, conclusions, 评价人员, footer.
pub fn form_sheet(s: &Scored, year: i32) -> FormSheet {
    let t = s.template;
    let f = &s.form;
    let sc = &s.score;
    let ys = year.to_string();
    // Nothing entered yet: scores, 总分 and grade are left blank for the pen, not printed as 0 / 差.
    let blank = f.is_blank();
    let mut rows = vec![SRow::Heading {
        text: t.title.replace("{year}", &ys),
        size: 14.0,
        center: true,
    }];
    if !t.subtitle.is_empty() {
        rows.push(SRow::Subtitle(t.subtitle.replace("{year}", &ys)));
    }
    let quarter = [1.0, 1.6, 1.0, 1.6];
    // 「单位（盖章）：」 and the date above the table, as the paper has them.
    let above: Vec<&crate::template::forms::FieldSpec> = if t.stamp_above {
        t.fields
            .iter()
            .filter(|x| x.group == "header" && (is_stamp(&x.label) || x.key == t.date_field))
            .collect()
    } else {
        Vec::new()
    };
    if !above.is_empty() {
        rows.push(SRow::Meta(
            above
                .iter()
                .map(|fd| {
                    let v =
                        SCell::new(f.field(&fd.key), Align::Left).bind(Bind::Field(fd.key.clone()));
                    (fd.label.clone(), v)
                })
                .collect(),
        ));
    }
    let heads: Vec<_> = t
        .fields
        .iter()
        .filter(|x| {
            x.group == "header" && !is_stamp(&x.label) && !above.iter().any(|a| a.key == x.key)
        })
        .collect();
    // With the stamp line above, the paper gives the project's name a row of its own and pairs
    // the rest (项目负责人 | 联系电话, 主管部门 | 实施单位 …).
    match heads.split_first() {
        Some((name, rest)) if t.stamp_above && name.key == t.name_field => {
            field_pairs(&mut rows, &quarter, &[*name], f, 7.0);
            field_pairs(&mut rows, &quarter, rest, f, 7.0);
        }
        _ => field_pairs(&mut rows, &quarter, &heads, f, 7.0),
    }
    // Money block.
    if let Some(m) = &t.money {
        let mut ws = vec![1.6];
        ws.extend(std::iter::repeat_n(1.0, m.columns.len()));
        let mut head = vec![SCell::new(format!("资金（{}）", m.unit), Align::Center)];
        head.extend(
            m.columns
                .iter()
                .map(|c| SCell::new(c.label.clone(), Align::Center)),
        );
        rows.push(grid(&ws, head, 7.0));
        let mut lines: Vec<(String, String)> = vec![(String::new(), "合计".into())];
        for sp in &m.splits {
            for r in &sp.rows {
                lines.push((format!("/{}", r.key), r.label.clone()));
            }
        }
        for (suffix, label) in lines {
            let mut cells = vec![SCell::new(label, Align::Left)];
            for c in &m.columns {
                let key = format!("{}{suffix}", c.key);
                let v = f.money.get(&key).map(|d| amount(*d)).unwrap_or_default();
                cells.push(SCell::new(v, Align::Right).bind(Bind::Money(key)).number());
            }
            rows.push(grid(&ws, cells, 6.5));
        }
    }
    // 执行率.
    if sc.scored && !t.rate_label.is_empty() {
        let rate = sc
            .rate
            .map(|r| format!("{}%", amount(r)))
            .unwrap_or_default();
        rows.push(grid(
            &[1.6, 2.0, 1.0, 1.0],
            vec![
                SCell::new(t.rate_label.clone(), Align::Center),
                SCell::new(format!("预算执行率 {rate}"), Align::Left).bind(Bind::Derived),
                SCell::new("得分", Align::Center),
                SCell::new(
                    if blank {
                        String::new()
                    } else {
                        num(sc.rate_score)
                    },
                    Align::Center,
                )
                .bind(Bind::RateScore)
                .number(),
            ],
            7.0,
        ));
    }
    // Ledgers (基础数据表): rows × columns, item rows under their row, ratios computed.
    for lg in &t.ledgers {
        rows.push(SRow::Gap(2.0));
        let title = lg.title_for(year);
        let title = if lg.unit.is_empty() {
            title
        } else {
            format!("{title}（{}）", lg.unit)
        };
        rows.push(SRow::Heading {
            text: title,
            size: 10.5,
            center: false,
        });
        let show = |d: Decimal| if lg.money() { amount(d) } else { num(d) };
        let mut ws = vec![2.4];
        ws.extend(std::iter::repeat_n(1.0, lg.columns.len()));
        let mut head = vec![SCell::new("项目", Align::Center)];
        head.extend(
            lg.columns
                .iter()
                .map(|c| SCell::new(lg.column_label(c, year), Align::Center)),
        );
        rows.push(grid(&ws, head, 7.0));
        let cell = |vals: &dyn Fn(&str) -> Option<Decimal>,
                    c: &crate::template::forms::LedgerColumn,
                    locked: bool,
                    bind: Bind| {
            if locked {
                SCell::new("——", Align::Center)
            } else if !c.ratio.is_empty() {
                SCell::new(
                    c.ratio_of(vals)
                        .map(|p| format!("{}%", amount(p)))
                        .unwrap_or_default(),
                    Align::Right,
                )
                .bind(Bind::Derived)
            } else {
                SCell::new(vals(&c.key).map(show).unwrap_or_default(), Align::Right)
                    .bind(bind)
                    .number()
            }
        };
        for r in &lg.rows {
            let indent = "\u{3000}".repeat(lg.depth(r));
            let mut cells = vec![SCell::new(format!("{indent}{}", r.label), Align::Left)];
            let get = |k: &str| f.ledger.get(&format!("{}/{}/{k}", lg.key, r.key)).copied();
            for c in &lg.columns {
                let b = Bind::Ledger(format!("{}/{}/{}", lg.key, r.key, c.key));
                cells.push(cell(&get, c, r.locked.contains(&c.key), b));
            }
            rows.push(grid(&ws, cells, 6.5));
            let ikey = format!("{}/{}", lg.key, r.key);
            for (i, it) in f.items.get(&ikey).into_iter().flatten().enumerate() {
                let mut cells =
                    vec![
                        SCell::new(format!("{indent}\u{3000}{}", it.name), Align::Left)
                            .bind(Bind::Item(ikey.clone(), i, None)),
                    ];
                let get = |k: &str| it.values.get(k).copied();
                for c in &lg.columns {
                    let b = Bind::Item(ikey.clone(), i, Some(c.key.clone()));
                    cells.push(cell(&get, c, false, b));
                }
                rows.push(grid(&ws, cells, 6.5));
            }
        }
    }
    if !t.note.is_empty() && !t.ledgers.is_empty() {
        rows.push(SRow::Note {
            text: t.note.clone(),
            size: 8.0,
        });
    }
    let text_row = |label: &str, key: &str| {
        grid(
            &[1.0, 5.0],
            vec![
                SCell::new(label, Align::Center),
                SCell::new(f.field(key), Align::Left).bind(Bind::Field(key.to_string())),
            ],
            9.0,
        )
    };
    for fd in t.fields.iter().filter(|x| x.group == "goals") {
        rows.push(text_row(&fd.label, &fd.key));
    }
    // Indicator grid.
    if let Some(spec) = &t.indicators {
        let cols = &spec.columns;
        let weight = |c: &str| -> f32 {
            if c.contains("三级") || c.contains("原因") {
                2.0
            } else if c.contains("一级") || c.contains("二级") {
                1.1
            } else if c.contains("得分") || c.contains("分值") {
                0.8
            } else {
                1.4
            }
        };
        let widths: Vec<f32> = cols.iter().map(|c| weight(c)).collect();
        rows.push(grid(
            &widths,
            cols.iter()
                .map(|c| SCell::new(c.clone(), Align::Center))
                .collect(),
            7.0,
        ));
        rows.push(SRow::RepeatStart {
            caption: format!("{}（续）", t.title.replace("{year}", &ys)),
            widths: widths.clone(),
            head: cols.clone(),
        });
        let block = spec.granularity == "block";
        let mut prev: Option<(String, String)> = None;
        // Scored forms in the scorer's order; unscored ones (目标表) as entered.
        let order: Vec<(usize, Option<&crate::engine::perf::IndicatorScore>)> =
            if sc.indicators.is_empty() {
                (0..f.indicators.len()).map(|i| (i, None)).collect()
            } else {
                sc.indicators
                    .iter()
                    .map(|is| (is.index, Some(is)))
                    .collect()
            };
        for (i, is) in order {
            let Some(ind) = f.indicators.get(i) else {
                continue;
            };
            let same1 = prev.as_ref().is_some_and(|p| p.0 == ind.level1);
            let same2 = same1 && prev.as_ref().is_some_and(|p| p.1 == ind.level2);
            let bscore = sc.blocks.iter().find(|b| b.level1 == ind.level1);
            let attr = |a: IndAttr| Bind::Ind(i, a);
            let mut cells = Vec::new();
            for c in cols {
                let cell = if c.contains("一级") {
                    let label = match (block, bscore) {
                        (true, Some(b)) if sc.scored => {
                            format!("{}（{}分）", ind.level1, num(b.weight))
                        }
                        _ => ind.level1.clone(),
                    };
                    if same1 {
                        SCell::cont_label(label)
                    } else {
                        SCell::new(label, Align::Center)
                    }
                } else if c.contains("二级") {
                    if same2 {
                        SCell::cont_label(ind.level2.clone())
                    } else {
                        SCell::new(ind.level2.clone(), Align::Center)
                    }
                } else if c.contains("三级") {
                    SCell::new(ind.name.clone(), Align::Left).bind(attr(IndAttr::Name))
                } else if c.contains("实施期") {
                    SCell::new(ind.period_target.clone(), Align::Center)
                        .bind(attr(IndAttr::PeriodTarget))
                } else if c.contains("指标值") {
                    SCell::new(ind.target.clone(), Align::Center).bind(attr(IndAttr::Target))
                } else if c.contains("原因") {
                    SCell::new(ind.reason.clone(), Align::Left).bind(attr(IndAttr::Reason))
                } else if c.contains("完成") {
                    SCell::new(ind.actual.clone(), Align::Center).bind(attr(IndAttr::Actual))
                } else if c.contains("分值") {
                    let w = is.map(|x| x.weight).or(ind.weight);
                    SCell::new(
                        w.map(crate::engine::perf::audit::num2).unwrap_or_default(),
                        Align::Center,
                    )
                    .bind(attr(IndAttr::Weight))
                    .number()
                } else if c.contains("得分") {
                    if block {
                        if same1 {
                            SCell::cont()
                        } else {
                            // When the 总分 is the printed one (a block was left unscored on
                            // the original), the unscored block stays empty, as printed, so the
                            // parts shown are the parts that were entered.
                            let shown = bscore.and_then(|b| {
                                if sc.total_from_print {
                                    b.entered
                                } else {
                                    Some(b.score)
                                }
                            });
                            SCell::new(shown.map(num).unwrap_or_default(), Align::Center)
                                .bind(Bind::Block(ind.level1.clone()))
                                .number()
                        }
                    } else {
                        SCell::new(
                            is.and_then(|x| x.entered.or(x.suggested))
                                .or(ind.score)
                                .map(num)
                                .unwrap_or_default(),
                            Align::Center,
                        )
                        .bind(attr(IndAttr::Score))
                        .number()
                    }
                } else {
                    SCell::new("", Align::Left)
                };
                cells.push(cell);
            }
            rows.push(grid(&widths, cells, 6.5));
            prev = Some((ind.level1.clone(), ind.level2.clone()));
        }
        // A form with no indicators yet prints the template's 一级/二级 rows empty, to be filled
        // in by hand (or in the exported spreadsheet).
        if f.indicators.is_empty() {
            for l1 in &spec.level1 {
                for (k, l2) in l1.level2.iter().enumerate() {
                    let cells = cols
                        .iter()
                        .map(|c| {
                            if c.contains("一级") {
                                if k == 0 {
                                    SCell::new(l1.name.clone(), Align::Center)
                                } else {
                                    SCell::cont_label(l1.name.clone())
                                }
                            } else if c.contains("二级") {
                                SCell::new(l2.clone(), Align::Center)
                            } else {
                                SCell::new("", Align::Left)
                            }
                        })
                        .collect();
                    rows.push(grid(&widths, cells, 8.0));
                }
            }
        }
        rows.push(SRow::RepeatEnd);
        if sc.scored {
            let half = widths.len() / 2;
            let left: f32 = widths[..half].iter().sum();
            let right: f32 = widths[half..].iter().sum();
            let strong = |t: &str| SCell {
                strong: true,
                ..SCell::new(t, Align::Center)
            };
            rows.push(grid(
                &[left * 0.5, left * 0.5, right * 0.5, right * 0.5],
                vec![
                    strong("总分"),
                    SCell::new(
                        if blank { String::new() } else { num(sc.total) },
                        Align::Center,
                    )
                    .bind(Bind::Total)
                    .number(),
                    strong("自评等级"),
                    SCell::new(
                        if blank {
                            String::new()
                        } else {
                            sc.grade.clone()
                        },
                        Align::Center,
                    )
                    .bind(Bind::Derived),
                ],
                8.0,
            ));
        }
        if !t.footnote.is_empty() {
            rows.push(SRow::Note {
                text: t.footnote.clone(),
                size: 8.0,
            });
        }
    }
    for fd in t.fields.iter().filter(|x| x.group == "conclusion") {
        rows.push(text_row(&fd.label, &fd.key));
    }
    // 评价人员: rows tall enough to sign.
    if let Some(r) = &t.reviewers {
        rows.push(SRow::Gap(2.0));
        // 工作单位 is the long one (a unit's full name): it gets the room, so a row stays one
        // or two lines.
        let mut ws = vec![0.9];
        ws.extend(r.columns.iter().map(|c| match RevCol::of(c) {
            Some(RevCol::Unit) => 3.0,
            Some(RevCol::Name) => 1.1,
            Some(RevCol::Title) => 1.6,
            None => 1.4,
        }));
        let mut head = vec![SCell::new(r.title.clone(), Align::Center)];
        head.extend(
            r.columns
                .iter()
                .map(|c| SCell::new(c.clone(), Align::Center)),
        );
        rows.push(grid(&ws, head, 7.0));
        for role in &r.roles {
            let people: Vec<_> = f.reviewers.iter().filter(|p| &p.role == role).collect();
            for i in 0..people.len().max(1) {
                let p = people.get(i);
                let mut cells = vec![if i == 0 {
                    SCell::new(role.clone(), Align::Center)
                } else {
                    SCell::cont_label(role.clone())
                }];
                for c in &r.columns {
                    let col = RevCol::of(c);
                    let v = match (p, col) {
                        (Some(p), Some(RevCol::Name)) => p.name.clone(),
                        (Some(p), Some(RevCol::Title)) => p.title.clone(),
                        (Some(p), Some(RevCol::Unit)) => p.unit.clone(),
                        _ => String::new(),
                    };
                    let mut cell = SCell::new(v, Align::Center);
                    if let Some(col) = col {
                        cell = cell.bind(Bind::Reviewer(role.clone(), i, col));
                    }
                    cells.push(cell);
                }
                rows.push(grid(&ws, cells, 11.0));
            }
        }
    }
    // Footer: 填报人, 联系电话, 填报日期, and a box tall enough for the 单位（盖章）.
    let foot: Vec<_> = t.fields.iter().filter(|x| x.group == "footer").collect();
    let stamp = t
        .fields
        .iter()
        .find(|x| is_stamp(&x.label) && !above.iter().any(|a| a.key == x.key));
    if !foot.is_empty() || stamp.is_some() {
        rows.push(SRow::Gap(2.0));
        let plain: Vec<_> = foot.into_iter().filter(|x| !is_stamp(&x.label)).collect();
        field_pairs(&mut rows, &quarter, &plain, f, 8.0);
        if let Some(st) = stamp {
            rows.push(grid(
                &[1.0, 4.2],
                vec![
                    SCell::new(st.label.clone(), Align::Center),
                    SCell::new(f.field(&st.key), Align::Left).bind(Bind::Field(st.key.clone())),
                ],
                32.0,
            ));
        }
    }
    FormSheet { rows }
}

/// Label/value pairs, two per ruled row (the last one spanning when alone).
fn field_pairs(
    rows: &mut Vec<SRow>,
    widths: &[f32],
    fields: &[&crate::template::forms::FieldSpec],
    f: &crate::engine::perf::PerfForm,
    min_h: f32,
) {
    for pair in fields.chunks(2) {
        let mut cells = Vec::new();
        for fd in pair {
            cells.push(SCell::new(fd.label.clone(), Align::Center));
            cells.push(SCell::new(f.field(&fd.key), Align::Left).bind(Bind::Field(fd.key.clone())));
        }
        if pair.len() == 1 {
            cells[1].span = 3;
        }
        rows.push(grid(widths, cells, min_h));
    }
}
