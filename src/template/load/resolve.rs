//! Resolving a table's cell formulas and checks: every reference to a table, row (行次, 科目代码,
//! this row), 栏次 or rule checked, errors naming the file and the cell.

use super::*;

/// Where a formula sits, for resolving `[c]`, `{code}`, `{row}` and for messages.
struct Ctx<'a> {
    file: &'a str,
    table: usize,
    /// The fixed row it belongs to (None for a coded table's leaf column spec or a table check).
    row: Option<usize>,
    /// Whether the formula belongs to the dynamic rows of a code-keyed table.
    coded_rows: bool,
    /// The column the formula computes (fixed-row cells), for CHILDREN.
    col: Option<usize>,
    place: String,
}

pub(super) fn resolve_table(
    set: &mut TemplateSet,
    ti: usize,
    file: &str,
    ts: &TableSpec,
) -> Result<(), TemplateError> {
    let err = |m: String| TemplateError::new(file, m);
    // Coded tables: the 项 cell spec per column.
    if set.tables[ti].coded.is_some() {
        for (ci, c) in ts.columns.iter().enumerate() {
            let leaf = c.leaf.as_deref().unwrap_or("input");
            let ctx = Ctx {
                file,
                table: ti,
                row: None,
                coded_rows: true,
                col: Some(ci),
                place: format!("栏{}", c.no),
            };
            let spec = cell_spec(set, &ctx, leaf)?;
            set.tables[ti].columns[ci].leaf = Some(spec);
        }
    } else if let Some(c) = ts.columns.iter().find(|c| c.leaf.is_some()) {
        return Err(err(format!("栏{}：leaf 只用于按科目代码成行的表", c.no)));
    }
    for (ri, r) in ts.rows.iter().enumerate() {
        let Some(cells) = &r.cells else { continue };
        let map = match cells {
            CellsSpec::Map(m) => m,
            CellsSpec::Set(name) => ts.cell_sets.get(name).ok_or_else(|| {
                err(format!(
                    "行「{}」引用了不存在的 cell_sets「{name}」",
                    set.tables[ti].rows[ri].key
                ))
            })?,
        };
        let mut cells = Vec::new();
        for (col, text) in map {
            let key = &set.tables[ti].rows[ri].key;
            let ci = set.tables[ti]
                .col_index(col)
                .ok_or_else(|| err(format!("行「{key}」引用了不存在的栏次「{col}」")))?;
            let ctx = Ctx {
                file,
                table: ti,
                row: Some(ri),
                coded_rows: false,
                col: Some(ci),
                place: format!("行{key} 栏{col}"),
            };
            cells.push((ci, cell_spec(set, &ctx, text)?));
        }
        cells.sort_by_key(|(c, _)| *c);
        set.tables[ti].rows[ri].cells = cells;
    }
    for ch in &ts.checks {
        let rule = set.rule(&ch.rule).ok_or_else(|| {
            err(format!(
                "审核公式「{}」使用了未定义的规则编号「{}」",
                ch.expr, ch.rule
            ))
        })?;
        let parsed =
            parse_check(&ch.expr).map_err(|m| err(format!("审核公式「{}」：{m}", ch.expr)))?;
        let coded_rows = ch.each_row && set.tables[ti].coded.is_some();
        let ctx = Ctx {
            file,
            table: ti,
            row: None,
            coded_rows,
            col: None,
            place: format!("审核公式「{}」", ch.expr),
        };
        let lhs = if ch.each_row {
            resolve_each_row(set, &ctx, &parsed.lhs)?
        } else {
            resolve_expr(set, &ctx, &parsed.lhs)?
        };
        let rhs = if ch.each_row {
            resolve_each_row(set, &ctx, &parsed.rhs)?
        } else {
            resolve_expr(set, &ctx, &parsed.rhs)?
        };
        if let Some(rows) = &ch.rows {
            for k in rows {
                if set.tables[ti].row_index(k).is_none() {
                    return Err(err(format!("审核公式「{}」列出的行「{k}」不存在", ch.expr)));
                }
            }
        }
        set.tables[ti].checks.push(CheckTemplate {
            rule,
            lhs,
            op: parsed.op,
            rhs,
            each_row: ch.each_row,
            rows: ch.rows.clone(),
            source: ch.expr.clone(),
        });
    }
    Ok(())
}

/// Row-relative checks are resolved per row at evaluation; here only tables and columns are checked.
fn resolve_each_row(
    set: &TemplateSet,
    ctx: &Ctx,
    e: &Expr,
) -> Result<Vec<(i8, RTerm)>, TemplateError> {
    let mut out = Vec::new();
    for (sign, t) in &e.terms {
        match t {
            Term::Ref(r) => {
                let table = target_table(set, ctx, r.table.as_deref())?;
                let col = target_col(set, ctx, table, &r.col)?;
                let row = match &r.row {
                    RowSel::Current => RRow::Current,
                    RowSel::SameKey => RRow::SameKey,
                    RowSel::CodeOfCurrent => RRow::CodeOfCurrent,
                    RowSel::Key(k) => resolve_key(set, ctx, table, k, col)?,
                };
                out.push((*sign, RTerm::Cell { table, row, col }));
            }
            Term::Const(d) => out.push((*sign, RTerm::Const(*d))),
            _ => {
                return Err(TemplateError::new(
                    ctx.file,
                    format!("{}：逐行审核公式只能使用单元格引用和常数", ctx.place),
                ))
            }
        }
    }
    Ok(out)
}

fn cell_spec(set: &TemplateSet, ctx: &Ctx, text: &str) -> Result<CellSpec, TemplateError> {
    let text = text.trim();
    match text {
        "input" => return Ok(CellSpec::Input),
        "locked" => return Ok(CellSpec::Locked),
        _ => {}
    }
    let err = |m: String| TemplateError::new(ctx.file, format!("{}：{m}", ctx.place));
    let body = text.strip_prefix('=').ok_or_else(|| {
        err(format!(
            "单元格应为 input、locked 或 =公式，而不是「{text}」"
        ))
    })?;
    let (expr_text, rule_id) = body.rsplit_once('#').ok_or_else(|| {
        err(format!(
            "公式「{text}」缺少规则编号（写作 =公式 #规则编号）"
        ))
    })?;
    let rule = set
        .rule(rule_id.trim())
        .ok_or_else(|| err(format!("未定义的规则编号「{}」", rule_id.trim())))?;
    let e = parse_expr(expr_text).map_err(|m| err(format!("公式「{text}」：{m}")))?;
    let expr = if ctx.coded_rows {
        resolve_each_row(set, ctx, &e)?
    } else {
        resolve_expr(set, ctx, &e)?
    };
    Ok(CellSpec::Formula { expr, rule })
}

fn target_table(set: &TemplateSet, ctx: &Ctx, t: Option<&str>) -> Result<usize, TemplateError> {
    match t {
        None => Ok(ctx.table),
        Some(id) => set.table(id).ok_or_else(|| {
            TemplateError::new(ctx.file, format!("{}：引用了不存在的表「{id}」", ctx.place))
        }),
    }
}

fn target_col(
    set: &TemplateSet,
    ctx: &Ctx,
    table: usize,
    col: &str,
) -> Result<usize, TemplateError> {
    set.tables[table].col_index(col).ok_or_else(|| {
        TemplateError::new(
            ctx.file,
            format!(
                "{}：引用了不存在的单元格 {}表 栏{col}",
                ctx.place, set.tables[table].id
            ),
        )
    })
}

fn resolve_key(
    set: &TemplateSet,
    ctx: &Ctx,
    table: usize,
    key: &str,
    col: usize,
) -> Result<RRow, TemplateError> {
    let t = &set.tables[table];
    let missing = || {
        TemplateError::new(
            ctx.file,
            format!(
                "{}：引用了不存在的单元格 {}.{key}[{}]",
                ctx.place, t.id, t.columns[col].no
            ),
        )
    };
    match &t.coded {
        Some(c) => {
            if key == c.total_key || set.code_lists[c.code_list].level_of(key).is_some() {
                Ok(RRow::Coded(key.to_string()))
            } else {
                Err(missing())
            }
        }
        None => {
            let ri = t.row_index(key).ok_or_else(missing)?;
            if t.rows[ri].cell(col).is_none() {
                return Err(missing());
            }
            Ok(RRow::Fixed(ri))
        }
    }
}

fn resolve_expr(set: &TemplateSet, ctx: &Ctx, e: &Expr) -> Result<Vec<(i8, RTerm)>, TemplateError> {
    let err = |m: String| TemplateError::new(ctx.file, format!("{}：{m}", ctx.place));
    let cur_row = ctx.row.map(|r| &set.tables[ctx.table].rows[r]);
    let mut out = Vec::new();
    for (sign, t) in &e.terms {
        match t {
            Term::Const(d) => out.push((*sign, RTerm::Const(*d))),
            Term::Ref(r) => {
                let table = target_table(set, ctx, r.table.as_deref())?;
                let col = target_col(set, ctx, table, &r.col)?;
                let key = match &r.row {
                    RowSel::Key(k) => k.clone(),
                    RowSel::Current | RowSel::SameKey => match cur_row {
                        Some(row) => row.key.clone(),
                        None => return Err(err("只有逐行公式才能引用当前行".into())),
                    },
                    RowSel::CodeOfCurrent => match cur_row.and_then(|r| r.code.clone()) {
                        Some(c) => c,
                        None => return Err(err("{code} 只能用在有科目代码的行".into())),
                    },
                };
                if r.row == RowSel::Current && table != ctx.table {
                    return Err(err("[栏] 形式只能引用本表本行".into()));
                }
                out.push((
                    *sign,
                    RTerm::Cell {
                        table,
                        row: resolve_key(set, ctx, table, &key, col)?,
                        col,
                    },
                ));
            }
            Term::Range {
                table,
                from,
                to,
                col,
            } => {
                let table = target_table(set, ctx, table.as_deref())?;
                let t = &set.tables[table];
                if t.coded.is_some() {
                    return Err(err("SUM 区间只能用于固定行的表".into()));
                }
                let ci = target_col(set, ctx, table, col)?;
                let a = t
                    .row_index(from)
                    .ok_or_else(|| err(format!("SUM 区间起点「{from}」不存在")))?;
                let b = t
                    .row_index(to)
                    .ok_or_else(|| err(format!("SUM 区间终点「{to}」不存在")))?;
                if a > b {
                    return Err(err(format!("SUM 区间「{from}:{to}」起点在终点之后")));
                }
                for ri in a..=b {
                    if t.rows[ri].kind == RowKind::Data && t.rows[ri].cell(ci).is_some() {
                        out.push((
                            *sign,
                            RTerm::Cell {
                                table,
                                row: RRow::Fixed(ri),
                                col: ci,
                            },
                        ));
                    }
                }
            }
            Term::Children => {
                let row = cur_row.ok_or_else(|| err("CHILDREN 只能用在固定行".into()))?;
                let code = row
                    .code
                    .as_ref()
                    .ok_or_else(|| err("CHILDREN 只能用在有科目代码的行".into()))?;
                let col = ctx
                    .col
                    .ok_or_else(|| err("CHILDREN 只能用在单元格公式中".into()))?;
                let t = &set.tables[ctx.table];
                let mut n = 0;
                for (ri, r) in t.rows.iter().enumerate() {
                    if let Some(c) = &r.code {
                        if c.len() == code.len() + 2
                            && c.starts_with(code.as_str())
                            && r.cell(col).is_some()
                        {
                            out.push((
                                *sign,
                                RTerm::Cell {
                                    table: ctx.table,
                                    row: RRow::Fixed(ri),
                                    col,
                                },
                            ));
                            n += 1;
                        }
                    }
                }
                if n == 0 {
                    return Err(err(format!(
                        "科目「{code}」没有下级科目行，不能使用 CHILDREN"
                    )));
                }
            }
        }
    }
    Ok(out)
}
