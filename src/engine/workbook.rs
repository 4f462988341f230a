//! The workbook: unit metadata plus the user's inputs, keyed by official coordinates.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 单位名称, 年度 and which template version / region profile applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitMeta {
    /// 单位名称 / 部门名称.
    pub name: String,
    /// 年度 the disclosure covers.
    pub year: i32,
    /// Region profile, e.g. "山西".
    #[serde(default)]
    pub profile: String,
}

/// Inputs of one table, by row key (行次 or 科目代码).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableData {
    pub rows: BTreeMap<String, RowData>,
}

/// One row: typed inputs by 栏次, and figures asserted for derived cells (copied from a printed
/// or imported document, checked against the derived value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowData {
    /// The user's 科目名称 (kept for codes the code list does not know).
    pub name: Option<String>,
    pub values: BTreeMap<String, Decimal>,
    pub asserted: BTreeMap<String, Decimal>,
}

/// A 草稿: everything the user typed. Derived values are never stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workbook {
    pub unit: UnitMeta,
    /// Template set id, e.g. "shanxi-juesuan-2023".
    pub template_set: String,
    /// By table id ("01" … "10").
    pub tables: BTreeMap<String, TableData>,
}

impl Workbook {
    pub fn new(template_set: &str, unit: UnitMeta) -> Self {
        Self {
            unit,
            template_set: template_set.to_string(),
            tables: BTreeMap::new(),
        }
    }

    /// Sets (or clears, with None) one input cell.
    pub fn set_value(&mut self, table: &str, row: &str, col: &str, v: Option<Decimal>) {
        let t = self.tables.entry(table.to_string()).or_default();
        let r = t.rows.entry(row.to_string()).or_default();
        match v {
            Some(v) => {
                r.values.insert(col.to_string(), v);
            }
            None => {
                r.values.remove(col);
            }
        }
    }

    pub fn value(&self, table: &str, row: &str, col: &str) -> Option<Decimal> {
        self.tables
            .get(table)?
            .rows
            .get(row)?
            .values
            .get(col)
            .copied()
    }
}
