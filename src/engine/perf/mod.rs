//! 绩效: 项目支出绩效自评表, 部门整体支出绩效自评表 + 基础数据表, 项目支出绩效目标表.
//! Form layouts are data (assets/forms), scoring rules are data (assets/profiles); this module
//! reads a workbook's records, scores them and reports findings in the engine's format.

pub mod audit;
pub mod cache;
pub mod changes;
pub mod form;
pub mod indicator;
pub mod read;
pub mod score;
pub use crate::template::forms as spec;

pub use crate::template::forms::{FormTemplate, Profile};
pub use cache::FormCache;
pub use form::{Indicator, LedgerItem, PerfForm, Reviewer};
pub use score::{grade_of, score_form, BlockScore, FormScore, IndicatorScore};

use crate::amount::format_amount;
use crate::engine::{Evaluation, Finding, Model, StructureError, Workbook};
use crate::template::{Registry, TemplateSet};
use audit::Sink;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// One record read and scored, or why it could not be.
pub struct Scored<'r> {
    pub id: String,
    pub template: &'r FormTemplate,
    pub profile: &'r Profile,
    pub form: PerfForm,
    pub score: FormScore,
}

/// Reads one record against the registry's templates and profiles.
pub fn read_record<'r>(
    reg: &'r Registry,
    id: &str,
    kind: &str,
    body: &serde_json::Value,
) -> Result<Scored<'r>, String> {
    let template = reg
        .form(kind)
        .ok_or_else(|| format!("表单类型「{kind}」不是已安装的绩效表单模板"))?;
    let form = PerfForm::from_json(body).map_err(|e| format!("表单内容无法读取：{e}"))?;
    let pid = if form.profile.is_empty() {
        template.profile.as_str()
    } else {
        form.profile.as_str()
    };
    let profile = match reg.profile(pid) {
        Some(p) => p,
        None if !template.indicators.as_ref().is_some_and(|i| i.scored) => reg
            .profiles
            .first()
            .ok_or_else(|| "没有安装任何评分口径".to_string())?,
        None => return Err(format!("评分口径「{pid}」未安装")),
    };
    let score = score_form(id, template, profile, &form);
    Ok(Scored {
        id: id.to_string(),
        template,
        profile,
        form,
        score,
    })
}

/// `f` over `items` in order, spread over the machine's cores when there are enough items to
/// be worth a thread (scoring is per form and independent).
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    const PER_THREAD: usize = 64;
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    if items.len() < 2 * PER_THREAD {
        return items.iter().map(&f).collect();
    }
    // Read once: available_parallelism reads the cgroup files on every call.
    let cores = *CORES.get_or_init(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let threads = cores.min(items.len() / PER_THREAD).max(1);
    if threads == 1 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| scope.spawn(|| c.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The FORM-1 finding of record `id`, which cannot be read (`msg`: why).
pub(crate) fn unreadable(reg: &Registry, id: &str, msg: &str) -> Vec<Finding> {
    let mut sink = Sink {
        rules: &reg.perf_rules,
        table: id.to_string(),
        table_label: format!("表单「{id}」"),
        out: Vec::new(),
    };
    sink.add(
        "FORM-1",
        "",
        "",
        "",
        None,
        None,
        format!("表单「{id}」：{msg}"),
    );
    sink.out
}

/// Scores every record; records that cannot be read become FORM-1 findings.
pub fn score_workbook<'r>(reg: &'r Registry, wb: &Workbook) -> (Vec<Scored<'r>>, Vec<Finding>) {
    let records: Vec<_> = wb.records.iter().collect();
    let results = par_map(&records, |(id, r)| read_record(reg, id, &r.kind, &r.body));
    let mut ok = Vec::with_capacity(results.len());
    let mut bad = Vec::new();
    for ((id, _), res) in records.iter().zip(results) {
        match res {
            Ok(s) => ok.push(s),
            Err(msg) => bad.extend(unreadable(reg, id, &msg)),
        }
    }
    (ok, bad)
}

/// All 绩效 findings of a workbook; `model` (the recalculated 决算 tables) enables X-绩效/03.
pub fn audit_workbook(reg: &Registry, wb: &Workbook, model: Option<&Model>) -> Vec<Finding> {
    let (scored, bad) = score_workbook(reg, wb);
    audit_scored(reg, wb, &scored, bad, model)
}

/// The findings of forms already scored (`bad`: the FORM-1 findings of unreadable records).
pub fn audit_scored(
    reg: &Registry,
    wb: &Workbook,
    scored: &[Scored],
    mut findings: Vec<Finding>,
    model: Option<&Model>,
) -> Vec<Finding> {
    let per_form = par_map(scored, |s| {
        let mut sink = Sink {
            rules: &reg.perf_rules,
            table: s.id.clone(),
            table_label: audit::label_of(s.template, &s.score),
            out: Vec::new(),
        };
        audit::audit_form(
            &mut sink,
            s.template,
            s.profile,
            &s.form,
            &s.score,
            wb.unit.year,
        );
        sink.out
    });
    findings.extend(per_form.into_iter().flatten());
    findings.extend(cross_checks(reg, scored, model));
    findings
}

/// The 决算 engine plus every 绩效 record, as one evaluation.
pub fn evaluate<'s>(
    reg: &Registry,
    set: &'s TemplateSet,
    wb: &Workbook,
) -> Result<Evaluation<'s>, StructureError> {
    let mut ev = crate::engine::evaluate(set, wb)?;
    let more = audit_workbook(reg, wb, Some(&ev.model));
    ev.findings.extend(more);
    Ok(ev)
}

fn wan(s: &FormScore, d: Option<Decimal>) -> Option<Decimal> {
    d.map(|v| {
        if s.unit == "元" {
            v / Decimal::from(10_000)
        } else {
            v
        }
    })
}

pub(crate) fn cross_checks(
    reg: &Registry,
    scored: &[Scored],
    model: Option<&Model>,
) -> Vec<Finding> {
    let mut sink = Sink {
        rules: &reg.perf_rules,
        table: String::new(),
        table_label: String::new(),
        out: Vec::new(),
    };
    // X-绩效/03: Σ spent on 项目自评表 vs the 决算 table cell the template names.
    let projects: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.template.family == "项目自评")
        .collect();
    if let (Some(model), Some(first)) = (model, projects.first()) {
        if let Some(m) = &first.template.money {
            if let [t, r, c] = m.crosscheck.as_slice() {
                if let Some(v) = model.value(t, r, c) {
                    let sum: Decimal = projects
                        .iter()
                        .filter_map(|s| wan(&s.score, s.score.spent))
                        .sum();
                    if !v.is_zero() && sum != v {
                        sink.table = t.clone();
                        sink.table_label = model
                            .set
                            .tables
                            .iter()
                            .find(|x| &x.id == t)
                            .map(|x| x.label.clone())
                            .unwrap_or_else(|| t.clone());
                        sink.add(
                            "X-绩效/03",
                            r,
                            r,
                            c,
                            Some(sum),
                            Some(v),
                            format!(
                                "{} 张项目支出绩效自评表的实际执行金额合计 {} 万元 ≠ {} {} 栏{} {} 万元（差 {}）：自评表未覆盖全部项目支出，或金额有误",
                                projects.len(),
                                format_amount(sum, 2),
                                sink.table_label,
                                r,
                                c,
                                format_amount(v, 2),
                                format_amount((v - sum).abs(), 2)
                            ),
                        );
                    }
                }
            }
        }
    }
    // XY-12/目标: a target sheet's funds against the project table's row of the same name.
    if let Some(model) = model {
        let sheets: Vec<&Scored> = scored
            .iter()
            .filter(|s| {
                s.template
                    .money
                    .as_ref()
                    .is_some_and(|m| m.project_table.len() == 2)
            })
            .collect();
        let mut matched: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let mut table_of = None;
        for s in &sheets {
            let m = s.template.money.as_ref().expect("filtered");
            let (tid, col) = (&m.project_table[0], &m.project_table[1]);
            let Some(ti) = model.set.table(tid) else {
                continue;
            };
            table_of = Some((ti, tid.clone(), col.clone()));
            let Some(funds) = wan(&s.score, s.score.funds) else {
                continue;
            };
            let rows: Vec<(String, Decimal)> = model.tables[ti]
                .rows
                .iter()
                .filter(|r| r.label.trim() == s.score.name.trim())
                .filter_map(|r| model.value(tid, &r.key, col).map(|v| (r.key.clone(), v)))
                .collect();
            sink.table = s.id.clone();
            sink.table_label = audit::label_of(s.template, &s.score);
            let tlabel = model.set.tables[ti].label.clone();
            match rows.iter().find(|(_, v)| *v == funds) {
                Some((k, _)) => {
                    matched.insert(k.clone());
                }
                None if rows.is_empty() => sink.add(
                    "XY-12/目标",
                    "年度",
                    "年度资金总额",
                    "",
                    Some(funds),
                    None,
                    format!(
                        "{tlabel}中没有名为「{}」的项目，无法核对年度资金 {} 万元",
                        s.score.name,
                        format_amount(funds, 2)
                    ),
                ),
                None => sink.add(
                    "XY-12/目标",
                    "年度",
                    "年度资金总额",
                    "",
                    Some(funds),
                    Some(rows[0].1),
                    format!(
                        "年度资金总额折合 {} 万元 ≠ {tlabel}「{}」{} 万元",
                        format_amount(funds, 2),
                        s.score.name,
                        rows.iter()
                            .map(|r| format_amount(r.1, 2))
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                ),
            }
        }
        // Projects of the table without a target sheet (not published): a note.
        if let Some((ti, tid, col)) = table_of {
            for r in model.tables[ti].rows.iter().filter(|r| r.code.is_some()) {
                let v = model.value(&tid, &r.key, &col).unwrap_or_default();
                let named = sheets.iter().any(|s| s.score.name.trim() == r.label.trim());
                if !v.is_zero() && !named && !matched.contains(&r.key) {
                    sink.table = tid.clone();
                    sink.table_label = model.set.tables[ti].label.clone();
                    sink.add(
                        "XY-12/无目标表",
                        &r.key,
                        &r.label,
                        &col,
                        Some(v),
                        None,
                        format!(
                            "项目「{}」{} 万元没有绩效目标表",
                            r.label,
                            format_amount(v, 2)
                        ),
                    );
                }
            }
        }
    }
    // P-重复项目: two forms of one kind naming the same project.
    let mut first_of: BTreeMap<(&str, &str), &Scored> = BTreeMap::new();
    for s in scored.iter().filter(|s| !s.score.name.is_empty()) {
        match first_of.get(&(s.template.family.as_str(), s.score.name.as_str())) {
            Some(first) => {
                sink.table = s.id.clone();
                sink.table_label = audit::label_of(s.template, &s.score);
                sink.add(
                    "P-重复项目",
                    &s.template.name_field,
                    &s.template.name_field,
                    "",
                    None,
                    None,
                    format!(
                        "表单「{}」与表单「{}」的{}同为「{}」：同一项目填了两张表，或项目名称有误",
                        s.id, first.id, s.template.name_field, s.score.name
                    ),
                );
            }
            None => {
                first_of.insert((s.template.family.as_str(), s.score.name.as_str()), s);
            }
        }
    }
    // Z-跨表: 整体自评表 项目支出 vs 基础数据表 项目支出 (same year's 决算).
    let whole = scored.iter().find(|s| s.template.family == "整体自评");
    let basic = scored.iter().find(|s| s.template.family == "基础数据");
    if let (Some(w), Some(b)) = (whole, basic) {
        for (wkey, bkey, what) in w
            .template
            .money
            .iter()
            .flat_map(|m| m.links.iter())
            .map(|[a, b, c]| (a.as_str(), b.as_str(), c.as_str()))
        {
            let (Some(x), Some(y)) = (w.form.money.get(wkey), b.form.ledger.get(bkey)) else {
                continue;
            };
            if x != y {
                sink.table = w.id.clone();
                sink.table_label = audit::label_of(w.template, &w.score);
                sink.add(
                    "Z-跨表",
                    wkey,
                    what,
                    "",
                    Some(*x),
                    Some(*y),
                    format!(
                        "整体支出绩效自评表{what} {} ≠ 基础数据表{what} {}",
                        format_amount(*x, 2),
                        format_amount(*y, 2)
                    ),
                );
            }
        }
    }
    sink.out
}

/// Figures the 情况说明 and the PDF take from the 自评表 (预算绩效情况).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// 项目支出绩效自评表 count.
    pub projects: usize,
    /// Σ funds (万元) and Σ spent (万元).
    #[serde(with = "rust_decimal::serde::str")]
    pub funds: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub spent: Decimal,
    /// Forms per derived grade, in the profile's order.
    pub grades: Vec<(String, usize)>,
    /// 项目支出绩效目标表: count, distinct project names, Σ 年度 funds in 万元.
    pub targets: usize,
    pub target_projects: usize,
    #[serde(with = "rust_decimal::serde::str")]
    pub target_funds: Decimal,
}

pub fn summary(scored: &[Scored]) -> Summary {
    let mut out = Summary::default();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for s in scored.iter().filter(|s| s.template.family == "项目自评") {
        out.projects += 1;
        out.funds += wan(&s.score, s.score.funds).unwrap_or_default();
        out.spent += wan(&s.score, s.score.spent).unwrap_or_default();
        for g in &s.profile.grades {
            if !order.contains(&g.name) {
                order.push(g.name.clone());
            }
        }
        // A form nothing has been entered in yet, or one without scores of its own, has no grade
        // to count (not 差, and not the program's suggestion).
        if !s.form.is_blank() && !s.form.is_unscored() {
            *counts.entry(s.score.grade.clone()).or_default() += 1;
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for s in scored.iter().filter(|s| s.template.family == "绩效目标") {
        out.targets += 1;
        names.insert(s.score.name.clone());
        out.target_funds += wan(&s.score, s.score.funds).unwrap_or_default();
    }
    out.target_projects = names.len();
    out.grades = order
        .into_iter()
        .map(|g| {
            let n = counts.get(&g).copied().unwrap_or(0);
            (g, n)
        })
        .collect();
    out
}

/// The form templates a workbook of a set family attaches: 绩效目标表 to a 预算 workbook; 项目自评表,
/// 整体自评表 and 基础数据表 to a 决算 workbook.
pub fn templates_for<'r>(reg: &'r Registry, set_family: &str) -> Vec<&'r FormTemplate> {
    reg.forms
        .iter()
        .filter(|f| (f.family == "绩效目标") == (set_family == "预算"))
        .collect()
}

/// Id prefix of a family's records: 自评01, 目标01, 整体01, 基础01.
fn id_prefix(family: &str) -> &str {
    match family {
        "项目自评" => "自评",
        "绩效目标" => "目标",
        "整体自评" => "整体",
        "基础数据" => "基础",
        _ => "表单",
    }
}

/// The first free id of the template's family (自评17 after 自评16).
pub fn next_id(wb: &Workbook, t: &FormTemplate) -> String {
    let p = id_prefix(&t.family);
    (1..)
        .map(|n| format!("{p}{n:02}"))
        .find(|id| !wb.records.contains_key(id))
        .unwrap_or_else(|| p.to_string())
}

/// Why a new form of template `t` named `name` cannot be added to `wb` (Chinese), if it cannot.
pub fn check_new(reg: &Registry, wb: &Workbook, t: &FormTemplate, name: &str) -> Option<String> {
    let name = name.trim();
    if !t.name_field.is_empty() && name.is_empty() {
        let label = t
            .fields
            .iter()
            .find(|f| f.key == t.name_field)
            .map(|f| f.label.as_str())
            .unwrap_or("项目名称");
        return Some(format!("请填写{label}。"));
    }
    let same = wb.records.iter().find(|(_, r)| {
        reg.form(&r.kind).is_some_and(|o| o.family == t.family)
            && PerfForm::from_json(&r.body)
                .is_ok_and(|f| !name.is_empty() && f.field(&t.name_field).trim() == name)
    });
    same.map(|(id, _)| format!("已有同名的表单「{id}」（{name}），请改名或打开它。"))
}

/// A new, empty form of template `t` for `name` (the template's name field).
pub fn blank_form(t: &FormTemplate, name: &str) -> PerfForm {
    let mut f = PerfForm::default();
    if !t.name_field.is_empty() && !name.trim().is_empty() {
        f.fields
            .insert(t.name_field.clone(), name.trim().to_string());
    }
    f
}

/// The rubric profiles that can score forms of template `t`: their 一级 weights name the
/// template's 一级 and their 执行率 reads money columns the template has.
pub fn profiles_for<'r>(reg: &'r Registry, t: &FormTemplate) -> Vec<&'r Profile> {
    let Some(spec) = t.indicators.as_ref().filter(|i| i.scored) else {
        return Vec::new();
    };
    let level1: Vec<&str> = spec.level1.iter().map(|l| l.name.as_str()).collect();
    let money: Vec<&str> = t
        .money
        .as_ref()
        .map(|m| m.columns.iter().map(|c| c.key.as_str()).collect())
        .unwrap_or_default();
    reg.profiles
        .iter()
        .filter(|p| {
            p.weights.keys().all(|k| level1.contains(&k.as_str()))
                && level1.iter().all(|l| p.weights.contains_key(*l))
                && money.contains(&p.rate.numerator.as_str())
                && money.contains(&p.rate.denominator.as_str())
        })
        .collect()
}
