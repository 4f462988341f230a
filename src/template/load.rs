//! Loading and validating template files: every reference resolved, every rule ID known, no cycles.

use super::expr::{parse_check, parse_expr, Expr, RowSel, Term};
use super::registry::Files;
use super::spec::{CellsSpec, CodeListSpec, RulesSpec, SetSpec, TableSpec};
use super::*;
use std::collections::BTreeMap;
use std::collections::HashSet;
use std::str::FromStr;

mod resolve;
use resolve::resolve_table;

/// A template that cannot be used, naming the file and the place in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("模板错误（{file}）：{message}")]
pub struct TemplateError {
    pub file: String,
    pub message: String,
}

impl TemplateError {
    pub fn new(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            message: message.into(),
        }
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, TemplateError> {
    toml::from_str(text)
        .map_err(|e| TemplateError::new(file, format!("格式错误：{}", e.to_string().trim())))
}

/// "templates/a/set.toml" + "../b/02.toml" → "templates/b/02.toml".
pub fn join(base_file: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = base_file.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

pub fn load_code_list(file: &str, text: &str) -> Result<CodeList, TemplateError> {
    let s: CodeListSpec = parse_toml(file, text)?;
    if s.levels.is_empty() || s.levels.len() != s.level_names.len() {
        return Err(TemplateError::new(
            file,
            "levels 与 level_names 须一一对应且不能为空",
        ));
    }
    let list = CodeList {
        id: s.id,
        name: s.name,
        levels: s.levels,
        level_names: s.level_names,
        free: s.free,
        codes: s.codes,
    };
    for code in list.codes.keys() {
        if list.level_of(code).is_none() {
            return Err(TemplateError::new(
                file,
                format!("科目代码「{code}」的位数不属于任何级次"),
            ));
        }
    }
    Ok(list)
}

pub fn load_set(
    set_file: &str,
    files: &Files,
    code_lists: &[CodeList],
) -> Result<TemplateSet, TemplateError> {
    let text = files
        .get(set_file)
        .ok_or_else(|| TemplateError::new(set_file, "文件不存在"))?;
    let spec: SetSpec = parse_toml(set_file, text)?;
    let dec = |s: &str, what: &str| {
        Decimal::from_str(s)
            .map_err(|_| TemplateError::new(set_file, format!("{what}「{s}」不是数字")))
    };
    let per_addend = dec(&spec.tolerance.per_addend, "tolerance.per_addend")?;
    let mut info_max = dec(&spec.tolerance.info_max, "tolerance.info_max")?;
    match spec.tolerance.tail.as_str() {
        "info" => info_max = Decimal::MAX,
        "warning" => {}
        t => {
            return Err(TemplateError::new(
                set_file,
                format!("tolerance.tail「{t}」无效（info / warning）"),
            ))
        }
    }
    // The set's own code lists: each name its tables use, resolved to the list of its year.
    let mut set_lists: Vec<CodeList> = Vec::new();
    for l in code_lists {
        let mut l = l.clone();
        if let Some((alias, _)) = spec.code_lists.iter().find(|(_, id)| **id == l.id) {
            l.id = alias.clone();
        } else if spec.code_lists.contains_key(&l.id) {
            continue;
        }
        set_lists.push(l);
    }
    // A list named "NAME-YEAR" serves a set that does not map NAME: the list of the set's year,
    // else of the latest year before it.
    let mut by_name: BTreeMap<&str, (i32, &CodeList)> = BTreeMap::new();
    for l in code_lists {
        let Some((name, y)) = l.id.rsplit_once('-') else {
            continue;
        };
        let Ok(y) = y.parse::<i32>() else { continue };
        // Better: a year ≤ the set's over one after it; among those, the nearest.
        let rank = |y: i32| (y <= spec.year, if y <= spec.year { y } else { -y });
        if by_name.get(name).is_none_or(|(b, _)| rank(y) > rank(*b)) {
            by_name.insert(name, (y, l));
        }
    }
    for (name, (_, l)) in by_name {
        if !set_lists.iter().any(|x| x.id == name) {
            let mut l = (*l).clone();
            l.id = name.to_string();
            set_lists.push(l);
        }
    }
    for (alias, id) in &spec.code_lists {
        if !code_lists.iter().any(|l| l.id == *id) {
            return Err(TemplateError::new(
                set_file,
                format!("code_lists：「{alias}」指向的科目表「{id}」不存在"),
            ));
        }
    }
    let code_lists = &set_lists[..];

    let rules_file = join(set_file, &spec.rules);
    let rules_text = files
        .get(&rules_file)
        .ok_or_else(|| TemplateError::new(&rules_file, "规则文件不存在"))?;
    let rules_spec: RulesSpec = parse_toml(&rules_file, rules_text)?;
    let mut rules = Vec::new();
    for r in rules_spec.rule {
        let severity = match r.severity.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            s => {
                return Err(TemplateError::new(
                    &rules_file,
                    format!("规则 {} 的 severity「{s}」无效", r.id),
                ))
            }
        };
        if rules.iter().any(|x: &Rule| x.id == r.id) {
            return Err(TemplateError::new(
                &rules_file,
                format!("规则编号「{}」重复", r.id),
            ));
        }
        rules.push(Rule {
            id: r.id,
            title: r.title,
            severity,
            desc: r.desc,
            message: r.message,
        });
    }
    for required in crate::template::BUILTIN_RULES {
        if !rules.iter().any(|r| r.id == *required) {
            return Err(TemplateError::new(
                &rules_file,
                format!("缺少引擎所需的规则「{required}」"),
            ));
        }
    }

    // Pass 1: table skeletons (columns, rows) so that references between tables can be resolved.
    let mut specs = Vec::new();
    let mut tables = Vec::new();
    for rel in &spec.tables {
        let file = join(set_file, rel);
        let text = files
            .get(&file)
            .ok_or_else(|| TemplateError::new(&file, "表文件不存在"))?;
        let ts: TableSpec = parse_toml(&file, text)?;
        if tables.iter().any(|t: &TableTemplate| t.id == ts.id) {
            return Err(TemplateError::new(
                &file,
                format!("表 id「{}」在模板集中重复", ts.id),
            ));
        }
        tables.push(skeleton(&file, &ts, &rules, code_lists)?);
        specs.push((file, ts));
    }
    let mut set = TemplateSet {
        id: spec.id,
        name: spec.name,
        region: spec.region,
        year: spec.year,
        document: if spec.document.is_empty() {
            format!("部门{}公开", spec.family)
        } else {
            spec.document
        },
        family: spec.family,
        tables,
        rules,
        per_addend,
        info_max,
        order: Vec::new(),
        code_lists: code_lists.to_vec(),
        flows: Vec::new(),
        source: spec.source.clone(),
        based_on: spec.based_on.clone(),
        file: set_file.to_string(),
    };
    // Consolidation flows: 「02[3]」 names a table of the set and one of its 栏次.
    for f in &spec.flows {
        let col = |s: &str| -> Result<(String, String), TemplateError> {
            let bad = || {
                TemplateError::new(
                    set_file,
                    format!("flows「{}」：「{s}」应写作 表[栏次]，如 02[3]", f.name),
                )
            };
            let (t, c) = s
                .trim()
                .strip_suffix(']')
                .and_then(|x| x.split_once('['))
                .ok_or_else(bad)?;
            let ti = set.table(t).ok_or_else(|| {
                TemplateError::new(set_file, format!("flows「{}」：没有表「{t}」", f.name))
            })?;
            if !set.tables[ti].columns.iter().any(|x| x.no == c) {
                return Err(TemplateError::new(
                    set_file,
                    format!(
                        "flows「{}」：{}没有栏次「{c}」",
                        f.name, set.tables[ti].label
                    ),
                ));
            }
            Ok((t.to_string(), c.to_string()))
        };
        let main_receives = match f.receiver.as_str() {
            "main" => true,
            "unit" => false,
            r => {
                return Err(TemplateError::new(
                    set_file,
                    format!("flows「{}」：receiver「{r}」无效（main / unit）", f.name),
                ))
            }
        };
        set.flows.push(Flow {
            name: f.name.clone(),
            main_receives,
            income: col(&f.income)?,
            expense: col(&f.expense)?,
        });
    }
    // rows_from: coded tables of the same code list.
    for (t, (file, _)) in set.tables.iter().zip(&specs) {
        let Some(c) = &t.coded else { continue };
        for src in &c.rows_from {
            let ok = set
                .tables
                .iter()
                .find(|x| &x.id == src)
                .and_then(|x| x.coded.as_ref())
                .is_some_and(|x| x.code_list == c.code_list);
            if !ok {
                return Err(TemplateError::new(
                    file,
                    format!("rows_from「{src}」不是同一科目表的按代码成行的表"),
                ));
            }
        }
    }
    // Pass 2: formulas and checks.
    for (ti, (file, ts)) in specs.iter().enumerate() {
        resolve_table(&mut set, ti, file, ts)?;
    }
    set.order = super::graph::calculation_order(&set)?;
    Ok(set)
}

fn skeleton(
    file: &str,
    ts: &TableSpec,
    rules: &[Rule],
    code_lists: &[CodeList],
) -> Result<TableTemplate, TemplateError> {
    let err = |m: String| TemplateError::new(file, m);
    let layout = match ts.layout.as_str() {
        "grid" => Layout::Grid,
        "two-sided" => Layout::TwoSided,
        "flow" => Layout::Flow,
        l => return Err(err(format!("layout「{l}」无效（grid / two-sided / flow）"))),
    };
    let landscape = match ts.orientation.as_str() {
        "portrait" => false,
        "landscape" => true,
        o => {
            return Err(err(format!(
                "orientation「{o}」无效（portrait / landscape）"
            )))
        }
    };
    let rule_ix = |id: &str| {
        rules
            .iter()
            .position(|r| r.id == id)
            .ok_or_else(|| err(format!("未定义的规则编号「{id}」")))
    };
    let coded = match (ts.body.as_str(), &ts.coded) {
        ("fixed", None) => None,
        ("coded", Some(c)) => Some(Coded {
            code_list: code_lists
                .iter()
                .position(|l| l.id == c.code_list)
                .ok_or_else(|| err(format!("科目表「{}」不存在", c.code_list)))?,
            total_key: c.total_key.clone(),
            hierarchy_rule: rule_ix(&c.hierarchy_rule)?,
            total_rule: rule_ix(&c.total_rule)?,
            rows_from: c.rows_from.clone(),
            total_last: c.total_last,
        }),
        ("coded", None) => return Err(err("body = \"coded\" 需要 [coded] 段".into())),
        (b, _) => {
            return Err(err(format!(
                "body「{b}」无效（fixed / coded），或 [coded] 段多余"
            )))
        }
    };
    let mut columns = Vec::new();
    for c in &ts.columns {
        if columns.iter().any(|x: &Column| x.no == c.no) {
            return Err(err(format!("栏次「{}」重复", c.no)));
        }
        columns.push(Column {
            no: c.no.clone(),
            label: c.label.clone(),
            dp: c.dp,
            leaf: None,
        });
    }
    let mut rows = Vec::new();
    let mut keys = HashSet::new();
    for (i, r) in ts.rows.iter().enumerate() {
        let kind = match (r.heading, r.filler) {
            (true, true) => {
                return Err(err(format!(
                    "第 {} 个行定义不能同时是 heading 和 filler",
                    i + 1
                )))
            }
            (true, false) => RowKind::Heading,
            (false, true) => RowKind::Filler,
            _ => RowKind::Data,
        };
        let key = match (&r.no, &r.code) {
            (Some(no), _) => no.clone(),
            (None, Some(code)) => code.clone(),
            (None, None) if kind == RowKind::Heading => format!("#{i}"),
            _ => {
                return Err(err(format!(
                    "第 {} 个行定义缺少行次 no 或科目代码 code",
                    i + 1
                )))
            }
        };
        if !keys.insert(key.clone()) {
            return Err(err(format!("行次/科目代码「{key}」重复")));
        }
        if kind == RowKind::Data && r.cells.is_none() {
            return Err(err(format!("行「{key}」没有 cells")));
        }
        // Which columns the row has is needed before formulas are resolved (other tables refer to
        // them); the specs themselves are filled in by pass 2.
        let mut cells = Vec::new();
        if let Some(spec) = &r.cells {
            let map = match spec {
                CellsSpec::Map(m) => m,
                CellsSpec::Set(name) => ts
                    .cell_sets
                    .get(name)
                    .ok_or_else(|| err(format!("行「{key}」引用了不存在的 cell_sets「{name}」")))?,
            };
            for col in map.keys() {
                let ci = columns
                    .iter()
                    .position(|c: &Column| &c.no == col)
                    .ok_or_else(|| err(format!("行「{key}」引用了不存在的栏次「{col}」")))?;
                cells.push((ci, CellSpec::Input));
            }
        }
        rows.push(RowTemplate {
            key,
            label: r.label.clone(),
            code: r.code.clone(),
            show_no: r.show_no && r.no.is_some(),
            side: r.side,
            kind,
            unit: r.unit.clone(),
            cells,
        });
    }
    if coded.is_some() && !rows.is_empty() {
        return Err(err(
            "按科目代码成行的表（body = \"coded\"）不能定义固定行".into()
        ));
    }
    Ok(TableTemplate {
        id: ts.id.clone(),
        label: ts.label.clone(),
        title: ts.title.clone(),
        unit: ts.unit.clone(),
        unit_label: ts.unit_label.clone(),
        owner_label: ts.owner_label.clone(),
        note: ts.note.clone(),
        empty_text: ts.empty_text.clone(),
        landscape,
        layout,
        columns,
        coded,
        rows,
        checks: Vec::new(),
        print: ts.print.clone(),
        file: file.to_string(),
    })
}
