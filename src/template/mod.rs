//! Official forms as data: typed, validated templates loaded once from assets/templates.

pub mod codes;
pub mod diff;
pub mod expr;
pub mod forms;
mod graph;
mod load;
pub mod narrative;
pub mod registry;
pub mod spec;

pub use codes::CodeList;
pub use expr::{CmpOp, RowSel};
pub use load::{join as join_path, TemplateError};
pub use registry::Registry;

use rust_decimal::Decimal;
pub use spec::HeaderCellSpec as HeaderCell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// An audit rule of the catalogue (RULES.md IDs: 01-2, H1, X-04/05 …).
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub desc: String,
    pub message: Option<String>,
}

/// One template version: region × year × family, e.g. 山西 2023 决算.
#[derive(Debug, Clone)]
pub struct TemplateSet {
    pub id: String,
    pub name: String,
    pub region: String,
    pub year: i32,
    pub family: String,
    /// Cover wording after the year ("部门决算公开"); default 部门{family}公开.
    pub document: String,
    pub tables: Vec<TableTemplate>,
    pub rules: Vec<Rule>,
    pub per_addend: Decimal,
    pub info_max: Decimal,
    /// The code lists the coded tables refer to (by index in `Coded::code_list`).
    pub code_lists: Vec<CodeList>,
    /// Calculation order of cell classes, computed once at load (dependencies first).
    pub order: Vec<Node>,
    /// Flows offset when a 部门 is consolidated from its units (set.toml `[[flows]]`).
    pub flows: Vec<Flow>,
    /// Where its layout was taken from; the set it was made from.
    pub source: String,
    pub based_on: String,
    /// Its set.toml ("templates/shanxi-juesuan-2024/set.toml").
    pub file: String,
}

/// An internal flow between the 本级 and its 所属单位 (上级补助收入 ↔ 对附属单位补助支出 …):
/// the income column of one table and the expense column of another, by table id and 栏次.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    pub name: String,
    /// The 本级 records the income (附属单位上缴收入); else a 所属单位 does (上级补助收入).
    pub main_receives: bool,
    pub income: (String, String),
    pub expense: (String, String),
}

/// A class of cells in the calculation graph: one fixed cell, or all 项/款类/合计 cells of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Node {
    pub table: usize,
    pub class: RowClass,
    pub col: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RowClass {
    Fixed(usize),
    Leaf,
    Agg,
    Total,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Grid,
    TwoSided,
    Flow,
}

#[derive(Debug, Clone)]
pub struct TableTemplate {
    pub id: String,
    pub label: String,
    pub title: String,
    pub unit: String,
    pub unit_label: String,
    pub owner_label: String,
    pub note: String,
    pub empty_text: String,
    pub landscape: bool,
    pub layout: Layout,
    pub columns: Vec<Column>,
    pub coded: Option<Coded>,
    pub rows: Vec<RowTemplate>,
    pub checks: Vec<CheckTemplate>,
    pub print: spec::PrintSpec,
    /// The file it came from, for messages.
    pub file: String,
}

impl TableTemplate {
    /// "金额单位：万元" as printed above the table; a table without a unit prints its label alone.
    pub fn unit_text(&self) -> String {
        match (self.unit_label.is_empty(), self.unit.is_empty()) {
            (_, true) => self.unit_label.clone(),
            (true, false) => format!("单位：{}", self.unit),
            (false, false) => format!("{}：{}", self.unit_label, self.unit),
        }
    }
    /// "部门名称" (or the template's 单位名称 wording).
    pub fn owner(&self) -> &str {
        if self.owner_label.is_empty() {
            "部门名称"
        } else {
            &self.owner_label
        }
    }

    pub fn col_index(&self, no: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.no == no)
    }
    pub fn row_index(&self, key: &str) -> Option<usize> {
        self.rows
            .iter()
            .position(|r| r.key == key && r.kind == RowKind::Data)
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub no: String,
    pub label: String,
    pub dp: u32,
    /// Coded tables: the spec of 项 cells in this column.
    pub leaf: Option<CellSpec>,
}

#[derive(Debug, Clone)]
pub struct Coded {
    pub code_list: usize,
    pub total_key: String,
    pub hierarchy_rule: usize,
    pub total_rule: usize,
    /// Table ids whose 项 rows this table also shows.
    pub rows_from: Vec<String>,
    /// The 合计 row comes after the 科目.
    pub total_last: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Data,
    Heading,
    Filler,
}

#[derive(Debug, Clone)]
pub struct RowTemplate {
    pub key: String,
    pub label: String,
    pub code: Option<String>,
    pub show_no: bool,
    pub side: u8,
    pub kind: RowKind,
    pub unit: Option<String>,
    /// Cells by column index; a column missing here has no cell in this row.
    pub cells: Vec<(usize, CellSpec)>,
}

impl RowTemplate {
    pub fn cell(&self, col: usize) -> Option<&CellSpec> {
        self.cells.iter().find(|(c, _)| *c == col).map(|(_, s)| s)
    }
}

#[derive(Debug, Clone)]
pub enum CellSpec {
    Input,
    Locked,
    Formula { expr: Vec<(i8, RTerm)>, rule: usize },
}

/// A resolved formula term: table and column indices checked at load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RTerm {
    Cell {
        table: usize,
        row: RRow,
        col: usize,
    },
    Const(Decimal),
    /// Direct children by 科目代码 prefix among the fixed rows of this table, same column.
    Children,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RRow {
    /// A fixed row (index into the target table's rows).
    Fixed(usize),
    /// A row of a code-keyed table by key: its total key or a 科目代码.
    Coded(String),
    /// The current row's 科目代码, looked up in the target table.
    CodeOfCurrent,
    /// The current row's key, looked up in the target table.
    SameKey,
    /// The current row.
    Current,
}

#[derive(Debug, Clone)]
pub struct CheckTemplate {
    pub rule: usize,
    pub lhs: Vec<(i8, RTerm)>,
    pub op: CmpOp,
    pub rhs: Vec<(i8, RTerm)>,
    pub each_row: bool,
    pub rows: Option<Vec<String>>,
    pub source: String,
}

impl TemplateSet {
    pub fn table(&self, id: &str) -> Option<usize> {
        self.tables.iter().position(|t| t.id == id)
    }
    pub fn rule(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }
}

/// Rule IDs the engine itself reports; every rule catalogue must define them.
pub const BUILTIN_RULES: &[&str] = &[
    "CODE-1", "CODE-2", "LOCK-1", "INT-1", "EMPTY-1", "TEXT-1", "ORPHAN-1",
];
