//! Calculation order over cell classes, computed once per template set; a cycle is a load error.

use super::load::TemplateError;
use super::*;
use std::collections::HashMap;

/// The class of the row a coded-table key names: the total row, a 项 (leaf) or a 类/款 (agg).
pub fn coded_class(set: &TemplateSet, table: usize, key: &str) -> RowClass {
    let t = &set.tables[table];
    match &t.coded {
        Some(c) if key == c.total_key => RowClass::Total,
        Some(c) if set.code_lists[c.code_list].is_leaf(key) => RowClass::Leaf,
        _ => RowClass::Agg,
    }
}

fn deps_of_terms(
    set: &TemplateSet,
    node: Node,
    terms: &[(i8, RTerm)],
    out: &mut Vec<Node>,
) -> Result<(), TemplateError> {
    for (_, t) in terms {
        let RTerm::Cell { table, row, col } = t else {
            continue;
        };
        let (table, col) = (*table, *col);
        let class = match row {
            RRow::Fixed(r) => RowClass::Fixed(*r),
            RRow::Coded(k) => coded_class(set, table, k),
            RRow::Current => node.class,
            RRow::SameKey | RRow::CodeOfCurrent => {
                if set.tables[table].coded.is_none() {
                    return Err(TemplateError::new(
                        &set.tables[node.table].file,
                        format!(
                            "逐行公式引用的 {}表 不是按科目代码成行的表",
                            set.tables[table].id
                        ),
                    ));
                }
                node.class
            }
        };
        out.push(Node { table, class, col });
    }
    Ok(())
}

/// Human name of a node for messages: 「公开01表 行27 栏1」.
pub fn node_name(set: &TemplateSet, n: Node) -> String {
    let t = &set.tables[n.table];
    let row = match n.class {
        RowClass::Fixed(r) => format!("行{}", t.rows[r].key),
        RowClass::Leaf => "项级科目".into(),
        RowClass::Agg => "类/款级科目".into(),
        RowClass::Total => "合计".into(),
    };
    format!("{} {} 栏{}", t.label, row, t.columns[n.col].no)
}

pub fn calculation_order(set: &TemplateSet) -> Result<Vec<Node>, TemplateError> {
    let mut deps: HashMap<Node, Vec<Node>> = HashMap::new();
    let mut nodes = Vec::new();
    for (ti, t) in set.tables.iter().enumerate() {
        if t.coded.is_some() {
            for (ci, c) in t.columns.iter().enumerate() {
                let leaf = Node {
                    table: ti,
                    class: RowClass::Leaf,
                    col: ci,
                };
                let mut d = Vec::new();
                if let Some(CellSpec::Formula { expr, .. }) = &c.leaf {
                    deps_of_terms(set, leaf, expr, &mut d)?;
                }
                nodes.push(leaf);
                deps.insert(leaf, d);
                let agg = Node {
                    table: ti,
                    class: RowClass::Agg,
                    col: ci,
                };
                nodes.push(agg);
                deps.insert(agg, vec![leaf]);
                let total = Node {
                    table: ti,
                    class: RowClass::Total,
                    col: ci,
                };
                nodes.push(total);
                deps.insert(total, vec![agg]);
            }
        } else {
            for (ri, r) in t.rows.iter().enumerate() {
                for (ci, spec) in &r.cells {
                    let n = Node {
                        table: ti,
                        class: RowClass::Fixed(ri),
                        col: *ci,
                    };
                    let mut d = Vec::new();
                    if let CellSpec::Formula { expr, .. } = spec {
                        deps_of_terms(set, n, expr, &mut d)?;
                    }
                    nodes.push(n);
                    deps.insert(n, d);
                }
            }
        }
    }
    // Depth-first topological sort; colour 1 = on the stack, 2 = done.
    let mut colour: HashMap<Node, u8> = HashMap::new();
    let mut order = Vec::with_capacity(nodes.len());
    for &start in &nodes {
        if colour.contains_key(&start) {
            continue;
        }
        let mut stack: Vec<(Node, usize)> = vec![(start, 0)];
        colour.insert(start, 1);
        while let Some(&mut (n, ref mut i)) = stack.last_mut() {
            let ds = deps.get(&n).map(Vec::as_slice).unwrap_or(&[]);
            if *i < ds.len() {
                let d = ds[*i];
                *i += 1;
                if d == n {
                    continue;
                }
                match colour.get(&d) {
                    Some(1) => {
                        let mut path: Vec<String> = stack
                            .iter()
                            .skip_while(|(x, _)| *x != d)
                            .map(|(x, _)| node_name(set, *x))
                            .collect();
                        path.push(node_name(set, d));
                        return Err(TemplateError::new(
                            &set.tables[d.table].file,
                            format!("公式循环引用：{}", path.join(" → ")),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        if !deps.contains_key(&d) {
                            return Err(TemplateError::new(
                                &set.tables[n.table].file,
                                format!(
                                    "{} 引用了不存在的单元格 {}",
                                    node_name(set, n),
                                    node_name(set, d)
                                ),
                            ));
                        }
                        colour.insert(d, 1);
                        stack.push((d, 0));
                    }
                }
            } else {
                colour.insert(n, 2);
                order.push(n);
                stack.pop();
            }
        }
    }
    Ok(order)
}
