//! Raw serde shapes of the template files (assets/templates/<set>/*.toml), before validation.

use serde::Deserialize;
use std::collections::BTreeMap;

/// `set.toml`: one template version (region × year × family).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetSpec {
    pub id: String,
    pub name: String,
    pub region: String,
    pub year: i32,
    pub family: String,
    /// The document's name on the cover after the year: "部门决算公开", "单位预算公开".
    #[serde(default)]
    pub document: String,
    /// Table files, relative to the set folder (may point into another set's folder).
    pub tables: Vec<String>,
    /// Rule catalogue file, relative to the set folder.
    pub rules: String,
    #[serde(default)]
    pub tolerance: ToleranceSpec,
    /// Which code list of the registry each name the tables use stands for in this set's year:
    /// `[code_lists] "功能分类" = "功能分类-2024"`. Names not mapped are looked up as list ids.
    #[serde(default)]
    pub code_lists: std::collections::BTreeMap<String, String>,
    /// 部门 consolidation: the flows between the 本级 and its 所属单位 that are offset.
    #[serde(default)]
    pub flows: Vec<FlowSpec>,
    /// Where the layout was taken from (a published document's address, a 财政 notice).
    #[serde(default)]
    pub source: String,
    /// The set this one was made from (`gongkai templates new --from`): its 情况说明 serves.
    #[serde(default)]
    pub based_on: String,
}

/// An internal flow: income recorded by one side, expense by the other (「02[3]」 = 公开02表 栏3).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowSpec {
    pub name: String,
    /// Who records the income: "unit" (a 所属单位, from the 本级) or "main" (the 本级, from its units).
    pub receiver: String,
    pub income: String,
    pub expense: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToleranceSpec {
    /// Allowed rounding tail per non-zero addend (RULES §3.6: 0.005 万元), rounded up to a cent.
    #[serde(default = "default_per_addend")]
    pub per_addend: String,
    /// Tails up to this size are reported as info instead of warning.
    #[serde(default = "default_info_max")]
    pub info_max: String,
    /// Severity of every difference within the tolerance (尾数误差): "info" (default: the forms
    /// themselves note that unit conversion leaves tails) or "warning" (then only tails above
    /// `info_max` are warnings).
    #[serde(default = "default_tail")]
    pub tail: String,
}

fn default_tail() -> String {
    "info".into()
}

fn default_per_addend() -> String {
    "0.005".into()
}
fn default_info_max() -> String {
    "0.01".into()
}

impl Default for ToleranceSpec {
    fn default() -> Self {
        Self {
            per_addend: default_per_addend(),
            info_max: default_info_max(),
            tail: default_tail(),
        }
    }
}

/// `rules.toml`: the audit-rule catalogue with stable IDs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSpec {
    pub rule: Vec<RuleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub title: String,
    pub severity: String,
    /// How the right-hand side is named in messages, e.g. "下级{child}合计".
    #[serde(default)]
    pub desc: String,
    /// Optional message template; placeholders {cell} {lhs} {op} {desc} {rhs} {diff} {note}.
    #[serde(default)]
    pub message: Option<String>,
}

/// One table file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    pub id: String,
    pub label: String,
    pub title: String,
    #[serde(default = "default_unit")]
    pub unit: String,
    #[serde(default = "default_unit_label")]
    pub unit_label: String,
    #[serde(default = "default_owner_label")]
    pub owner_label: String,
    pub note: String,
    #[serde(default = "default_empty_text")]
    pub empty_text: String,
    #[serde(default = "default_orientation")]
    pub orientation: String,
    #[serde(default = "default_layout")]
    pub layout: String,
    #[serde(default = "default_body")]
    pub body: String,
    pub columns: Vec<ColumnSpec>,
    #[serde(default)]
    pub coded: Option<CodedSpec>,
    #[serde(default)]
    pub cell_sets: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    pub rows: Vec<RowSpec>,
    #[serde(default)]
    pub checks: Vec<CheckSpec>,
    #[serde(default)]
    pub print: PrintSpec,
}

fn default_unit() -> String {
    "万元".into()
}
fn default_unit_label() -> String {
    "金额单位".into()
}
fn default_owner_label() -> String {
    "部门名称".into()
}
fn default_empty_text() -> String {
    "说明：本表无数据".into()
}
fn default_orientation() -> String {
    "portrait".into()
}
fn default_layout() -> String {
    "grid".into()
}
fn default_body() -> String {
    "fixed".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// 栏次 as printed ("1", "2", …).
    pub no: String,
    pub label: String,
    /// Coded tables: what the 项 (leaf) cells of this column are: "input" or "=EXPR #RULE".
    #[serde(default)]
    pub leaf: Option<String>,
    /// Decimal places shown (2 for 万元; 0 for counts).
    #[serde(default = "default_dp")]
    pub dp: u32,
}

fn default_dp() -> u32 {
    2
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodedSpec {
    pub code_list: String,
    pub total_key: String,
    pub hierarchy_rule: String,
    pub total_rule: String,
    /// Tables whose 项 rows this table also has (预算 表三 shows every 科目 of 表五 and 表八), so a
    /// table derived from others is never empty while they are not.
    #[serde(default)]
    pub rows_from: Vec<String>,
    /// The 合计 row printed after the 科目 (上海 表五) instead of before them.
    #[serde(default)]
    pub total_last: bool,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum CellsSpec {
    /// Name of an entry in `cell_sets`.
    Set(String),
    Map(BTreeMap<String, String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowSpec {
    /// Row key: the printed 行次, or the 科目代码 for code-keyed fixed rows, or a name (人员经费合计).
    #[serde(default)]
    pub no: Option<String>,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub code: Option<String>,
    /// Whether the key is printed in a 行次 column.
    #[serde(default = "yes")]
    pub show_no: bool,
    /// Two-sided layouts: 1 = left (收入), 2 = right (支出).
    #[serde(default = "one")]
    pub side: u8,
    #[serde(default)]
    pub cells: Option<CellsSpec>,
    /// Unit of a count row (辆, 台（套）); amounts otherwise.
    #[serde(default)]
    pub unit: Option<String>,
    /// A heading line inside the table (no cells).
    #[serde(default)]
    pub heading: bool,
    /// A printed blank row (01/04 filler rows): 行次 only.
    #[serde(default)]
    pub filler: bool,
}

impl Default for PrintSpec {
    fn default() -> Self {
        PrintSpec {
            widths: Vec::new(),
            header: Vec::new(),
            flow_breaks: Vec::new(),
            flow_captions: Vec::new(),
            show_label: true,
            owner_line: true,
        }
    }
}
fn one() -> u8 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub rule: String,
    pub expr: String,
    /// Evaluate for every data row of the table (coded tables: every 科目 row and 合计).
    #[serde(default)]
    pub each_row: bool,
    /// Restrict `each_row` to these row keys.
    #[serde(default)]
    pub rows: Option<Vec<String>>,
}

/// Print hints; the print issue consumes them, the engine ignores them.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct PrintSpec {
    /// Physical column widths in mm, left to right.
    #[serde(default)]
    pub widths: Vec<f32>,
    /// Header rows as printed; each cell {t = text, c = colspan, r = rowspan}.
    #[serde(default)]
    pub header: Vec<Vec<HeaderCellSpec>>,
    /// Flow layout (06表): the row keys that start column groups 2, 3, 4 ….
    #[serde(default)]
    pub flow_breaks: Vec<String>,
    /// Flow layout: a caption over each group (empty = merged with the previous caption).
    #[serde(default)]
    pub flow_captions: Vec<String>,
    /// The 表号 printed at the top left (上海's forms print none).
    #[serde(default = "yes")]
    pub show_label: bool,
    /// The 「部门名称：… 年度」 line above the table (上海's forms print the 单位 alone).
    #[serde(default = "yes")]
    pub owner_line: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct HeaderCellSpec {
    #[serde(default)]
    pub t: String,
    #[serde(default = "one_u16")]
    pub c: u16,
    #[serde(default = "one_u16")]
    pub r: u16,
}

fn one_u16() -> u16 {
    1
}

/// A code list file (assets/codes/*.toml).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeListSpec {
    pub id: String,
    pub name: String,
    /// Code length per level, e.g. [3, 5, 7].
    pub levels: Vec<usize>,
    /// Level names, e.g. ["类", "款", "项"].
    pub level_names: Vec<String>,
    /// Codes are numbers the user gives (项目 01, 02 …), named by the user: no CODE-1 warning.
    #[serde(default)]
    pub free: bool,
    #[serde(default)]
    pub codes: BTreeMap<String, String>,
}
