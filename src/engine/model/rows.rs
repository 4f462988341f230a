//! A model's concrete rows (fixed rows; 类/款/项 of coded tables from the workbook and the code
//! list, with the 合计 row) and the workbook's inputs placed in them (figures without a place
//! kept and named).

use super::*;

impl<'s> Model<'s> {
    pub(super) fn build_rows(
        &mut self,
        ti: usize,
        wb: &Workbook,
    ) -> Result<TableRows, StructureError> {
        let t = &self.set.tables[ti];
        let mut out = TableRows::default();
        let mut push = |m: &mut Model,
                        key: String,
                        label: String,
                        code: Option<String>,
                        class: RowClass,
                        specs: Vec<(usize, CellKind)>| {
            let row_ix = out.rows.len();
            let mut cells = vec![None; t.columns.len()];
            for (ci, kind) in specs {
                let id = m.cells.len() as CellId;
                m.cells.push(CellInfo {
                    table: ti,
                    row: row_ix,
                    col: ci,
                    kind,
                });
                cells[ci] = Some(id);
            }
            out.by_key.insert(key.clone(), row_ix);
            if let RowClass::Fixed(tr) = class {
                out.by_template.insert(tr, row_ix);
            }
            out.rows.push(Row {
                key,
                label,
                code,
                class,
                cells,
            });
        };
        let kind_of = |s: &CellSpec| match s {
            CellSpec::Input => CellKind::Input,
            CellSpec::Locked => CellKind::Locked,
            CellSpec::Formula { .. } => CellKind::Derived,
        };
        match &t.coded {
            None => {
                for (ri, r) in t.rows.iter().enumerate() {
                    if r.kind != RowKind::Data {
                        continue;
                    }
                    let specs = r.cells.iter().map(|(c, s)| (*c, kind_of(s))).collect();
                    push(
                        self,
                        r.key.clone(),
                        r.label.clone(),
                        r.code.clone(),
                        RowClass::Fixed(ri),
                        specs,
                    );
                }
            }
            Some(coded) => {
                let list = &self.set.code_lists[coded.code_list];
                let mut codes = std::collections::BTreeSet::new();
                let data = wb.tables.get(&t.id);
                for key in data.map(|d| d.rows.keys()).into_iter().flatten() {
                    if *key == coded.total_key {
                        continue;
                    }
                    if list.level_of(key).is_none() {
                        return Err(StructureError::BadCode {
                            table: t.label.clone(),
                            code: key.clone(),
                            list: list.name.clone(),
                        });
                    }
                    codes.extend(list.ancestors(key));
                    codes.insert(key.clone());
                }
                // 项 rows of the tables this one is derived from.
                for src in &coded.rows_from {
                    for key in wb
                        .tables
                        .get(src)
                        .map(|d| d.rows.keys())
                        .into_iter()
                        .flatten()
                    {
                        if list.is_leaf(key) {
                            codes.extend(list.ancestors(key));
                            codes.insert(key.clone());
                        }
                    }
                }
                let leaf_kind: Vec<(usize, CellKind)> = t
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(ci, c)| (ci, c.leaf.as_ref().map(kind_of).unwrap_or(CellKind::Input)))
                    .collect();
                let all_derived: Vec<(usize, CellKind)> = (0..t.columns.len())
                    .map(|c| (c, CellKind::Derived))
                    .collect();
                // The 合计 row goes before the 科目, or after them (coded.total_last).
                let mut rows = vec![(
                    coded.total_key.clone(),
                    coded.total_key.clone(),
                    None,
                    RowClass::Total,
                    all_derived.clone(),
                )];
                for code in codes {
                    let user_name =
                        data.and_then(|d| d.rows.get(&code))
                            .and_then(|r| r.name.clone())
                            .or_else(|| {
                                coded.rows_from.iter().find_map(|src| {
                                    wb.tables.get(src)?.rows.get(&code)?.name.clone()
                                })
                            });
                    let known = list.name_of(&code).map(str::to_string);
                    let accepted = wb.texts.get(&format!("{ACCEPTED_CODE}{code}"));
                    let reported = self
                        .static_findings
                        .iter()
                        .any(|f| f.row == code && f.rule.starts_with("CODE-"));
                    if !list.free && accepted.is_none() && !reported {
                        let f =
                            match &known {
                                None => crate::engine::audit::unknown_code(
                                    self.set,
                                    ti,
                                    &code,
                                    user_name.as_deref(),
                                    &list.name,
                                ),
                                Some(k) => user_name
                                    .as_deref()
                                    .filter(|u| !same_name(u, k))
                                    .and_then(|u| {
                                        crate::engine::audit::renamed_code(
                                            self.set, ti, &code, u, k, &list.name,
                                        )
                                    }),
                            };
                        self.static_findings.extend(f);
                    }
                    let label = accepted
                        .filter(|a| !a.is_empty())
                        .cloned()
                        .or(known)
                        .or(user_name)
                        .unwrap_or_default();
                    let is_leaf = list.is_leaf(&code);
                    let (class, specs) = if is_leaf {
                        (RowClass::Leaf, leaf_kind.clone())
                    } else {
                        (RowClass::Agg, all_derived.clone())
                    };
                    rows.push((code.clone(), label, Some(code), class, specs));
                }
                if coded.total_last {
                    rows.rotate_left(1);
                }
                for (key, label, code, class, specs) in rows {
                    push(self, key, label, code, class, specs);
                }
            }
        }
        Ok(out)
    }

    pub(super) fn fill_inputs(&mut self, wb: &Workbook) -> Result<(), StructureError> {
        self.values = vec![Decimal::ZERO; self.cells.len()];
        self.asserted = vec![None; self.cells.len()];
        self.entered = self
            .set
            .tables
            .iter()
            .map(|t| {
                wb.tables.get(&t.id).is_some_and(|d| !d.rows.is_empty())
                    || wb.texts.contains_key(&format!("{NO_DATA}{}", t.id))
            })
            .collect();
        // A figure with no place in the set (the set changed under the workbook) is kept in the
        // workbook and named (ORPHAN-1); the rest opens as usual.
        let mut orphans = Vec::new();
        for (tid, data) in &wb.tables {
            let Some(ti) = self.set.table(tid) else {
                for (rkey, rd) in &data.rows {
                    for (col, v) in &rd.values {
                        orphans.push((
                            tid.clone(),
                            rkey.clone(),
                            col.clone(),
                            *v,
                            "模板集中没有这张表",
                        ));
                    }
                }
                continue;
            };
            let t = &self.set.tables[ti];
            for (rkey, rd) in &data.rows {
                let Some(&ri) = self.tables[ti].by_key.get(rkey) else {
                    for (col, v) in &rd.values {
                        orphans.push((
                            tid.clone(),
                            rkey.clone(),
                            col.clone(),
                            *v,
                            "模板中没有这一行",
                        ));
                    }
                    continue;
                };
                for (is_assert, map) in [(false, &rd.values), (true, &rd.asserted)] {
                    for (col, v) in map {
                        let Some(id) = t
                            .col_index(col)
                            .and_then(|ci| self.tables[ti].rows[ri].cells[ci])
                        else {
                            if !is_assert {
                                orphans.push((
                                    tid.clone(),
                                    rkey.clone(),
                                    col.clone(),
                                    *v,
                                    "模板中这一行没有这一栏",
                                ));
                            }
                            continue;
                        };
                        match (self.cells[id as usize].kind, is_assert) {
                            (CellKind::Input, false) => self.values[id as usize] = *v,
                            (CellKind::Derived, true) => self.asserted[id as usize] = Some(*v),
                            (CellKind::Locked, _) => {
                                if !v.is_zero() {
                                    self.static_findings
                                        .push(crate::engine::audit::locked_value(self, id, *v));
                                }
                            }
                            (CellKind::Derived, false) => {
                                return Err(StructureError::DerivedInput {
                                    table: t.label.clone(),
                                    row: rkey.clone(),
                                    col: col.clone(),
                                })
                            }
                            (CellKind::Input, true) => {
                                return Err(StructureError::AssertedInput {
                                    table: t.label.clone(),
                                    row: rkey.clone(),
                                    col: col.clone(),
                                })
                            }
                        }
                    }
                }
            }
        }
        for (t, r, c, v, why) in orphans {
            let f = crate::engine::audit::orphan(self, &t, &r, &c, v, why);
            self.static_findings.push(f);
        }
        Ok(())
    }
}
