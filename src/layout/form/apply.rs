//! Writing a bound cell's text back into the form body (what an edited Excel sheet says).

use super::*;

/// Writes `text` (as read from a cell bound to `bind`) into the form body. Returns a Chinese
/// message when the text cannot stand there (letters in a figure) or the cell is derived.
pub fn apply(f: &mut crate::engine::perf::PerfForm, bind: &Bind, text: &str) -> Result<(), String> {
    let text = text.trim();
    let figure = || -> Result<Option<Decimal>, String> {
        crate::amount::parse_amount(&text.replace('%', "")).map_err(|e| e.to_string())
    };
    match bind {
        Bind::Field(k) => {
            if text.is_empty() {
                f.fields.remove(k);
            } else {
                f.fields.insert(k.clone(), text.to_string());
            }
        }
        Bind::Money(k) => set_num(&mut f.money, k, figure()?),
        Bind::RateScore => f.rate_score = figure()?,
        Bind::Block(l1) => set_num(&mut f.blocks, l1, figure()?),
        Bind::Total => f.printed_total = figure()?,
        Bind::Ledger(k) => set_num(&mut f.ledger, k, figure()?),
        Bind::Ind(i, a) => {
            let v = figure();
            let ind = f
                .indicators
                .get_mut(*i)
                .ok_or("指标行已不存在".to_string())?;
            let s = text.to_string();
            match a {
                IndAttr::Name => ind.name = s,
                IndAttr::Target => ind.target = s,
                IndAttr::PeriodTarget => ind.period_target = s,
                IndAttr::Actual => ind.actual = s,
                IndAttr::Reason => ind.reason = s,
                IndAttr::Weight => ind.weight = v?,
                IndAttr::Score => ind.score = v?,
            }
        }
        Bind::Reviewer(role, i, col) => {
            let n = match f.reviewers_of(role).get(*i) {
                Some(n) => *n,
                None => {
                    if text.is_empty() {
                        return Ok(());
                    }
                    f.reviewers.push(crate::engine::perf::Reviewer {
                        role: role.clone(),
                        ..Default::default()
                    });
                    f.reviewers.len() - 1
                }
            };
            let p = &mut f.reviewers[n];
            let s = text.to_string();
            match col {
                RevCol::Name => p.name = s,
                RevCol::Title => p.title = s,
                RevCol::Unit => p.unit = s,
            }
        }
        Bind::Item(k, i, col) => {
            let v = if col.is_some() { figure()? } else { None };
            let it = f
                .items
                .get_mut(k)
                .and_then(|x| x.get_mut(*i))
                .ok_or("明细行已不存在".to_string())?;
            match col {
                None => it.name = text.to_string(),
                Some(c) => set_num(&mut it.values, c, v),
            }
        }
        Bind::Derived => return Err("此格由其他数据算出，改动不导入".into()),
    }
    Ok(())
}

fn set_num(m: &mut std::collections::BTreeMap<String, Decimal>, k: &str, v: Option<Decimal>) {
    match v {
        Some(d) => {
            m.insert(k.to_string(), d);
        }
        None => {
            m.remove(k);
        }
    }
}
