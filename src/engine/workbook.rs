//! The workbook: unit metadata plus the user's inputs, keyed by official coordinates.

mod field;
pub use field::field_changes;
use field::set_pointer;

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
    /// Free-text fields (概况, reasons, narrative overrides) by key.
    pub texts: BTreeMap<String, String>,
    /// Form records (自评表, 目标表 …) by id.
    pub records: BTreeMap<String, Record>,
}

/// The workbook text that marks a bundled sample: the title bar, the PDF watermark and the 定稿
/// gate say 样例, whatever the file is called or wherever it was copied.
pub const SAMPLE_KEY: &str = "样例";

impl Workbook {
    /// A bundled sample (see [`SAMPLE_KEY`]).
    pub fn is_sample(&self) -> bool {
        self.texts.contains_key(SAMPLE_KEY)
    }

    pub fn new(template_set: &str, unit: UnitMeta) -> Self {
        Self {
            unit,
            template_set: template_set.to_string(),
            tables: BTreeMap::new(),
            texts: BTreeMap::new(),
            records: BTreeMap::new(),
        }
    }

    /// Sets (or clears, with None) one input cell.
    pub fn set_value(&mut self, table: &str, row: &str, col: &str, v: Option<Decimal>) {
        let r = self.row_mut(table, row);
        match v {
            Some(v) => {
                r.values.insert(col.to_string(), v);
            }
            None => {
                r.values.remove(col);
            }
        }
    }

    /// A row's data, created (with its table) if absent.
    fn row_mut(&mut self, table: &str, row: &str) -> &mut RowData {
        self.tables
            .entry(table.to_string())
            .or_default()
            .rows
            .entry(row.to_string())
            .or_default()
    }

    /// Figures stored as typed inputs in cells the template now computes (a template update
    /// made 公开01表 行1 derived from 公开02表): (table, row, 栏次, figure). Such a figure is what
    /// the unit had typed or printed, so it is kept as the printed figure the computed value is
    /// checked against, not lost and not a reason to refuse the file.
    pub fn typed_on_derived(
        &self,
        set: &crate::template::TemplateSet,
    ) -> Vec<(String, String, String, Decimal)> {
        let mut out = Vec::new();
        for (tid, data) in &self.tables {
            let Some(t) = set.table(tid).map(|i| &set.tables[i]) else {
                continue;
            };
            for (rkey, rd) in &data.rows {
                let Some(row) = t.row_index(rkey).map(|i| &t.rows[i]) else {
                    continue;
                };
                for (col, v) in &rd.values {
                    let derived = t
                        .col_index(col)
                        .and_then(|c| row.cell(c))
                        .is_some_and(|c| matches!(c, crate::template::CellSpec::Formula { .. }));
                    if derived {
                        out.push((tid.clone(), rkey.clone(), col.clone(), *v));
                    }
                }
            }
        }
        out
    }

    /// Moves [`Workbook::typed_on_derived`] figures to the asserted (printed) figures; a figure
    /// already asserted there wins. Returns what moved.
    pub fn settle(
        &mut self,
        set: &crate::template::TemplateSet,
    ) -> Vec<(String, String, String, Decimal)> {
        let moved = self.typed_on_derived(set);
        for (t, r, c, v) in &moved {
            let rd = self.row_mut(t, r);
            rd.values.remove(c);
            rd.asserted.entry(c.clone()).or_insert(*v);
        }
        moved
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

/// A form record that is not a grid table: a 自评表, 目标表 or 基础数据表 instance. Its body is
/// the form's own JSON (defined by the form family); the workbook only keeps and versions it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Form family, e.g. "ziping-xiangmu".
    pub kind: String,
    pub body: serde_json::Value,
}

/// The address of one stored input: every edit, undo step and version diff is a set of slots.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    /// A typed figure (table, row key, 栏次).
    Value {
        table: String,
        row: String,
        col: String,
    },
    /// A printed/imported figure asserted for a derived cell.
    Asserted {
        table: String,
        row: String,
        col: String,
    },
    /// A row's presence; its text is the user's 科目名称 ("" = the code list's name).
    Row { table: String, row: String },
    /// A free-text field (概况, reasons, narrative overrides) by key.
    Text(String),
    /// A form record by id; its text is `{"kind": …, "body": …}`.
    Record(String),
    /// One field of a form record: a JSON pointer into its body (`/fields/项目名称`,
    /// `/indicators/3/actual`); its text is the JSON of the value there. A form edit is stored
    /// field by field, so history and diffs name the field and keep only what changed.
    Field { record: String, path: String },
    /// Workbook metadata: `unit.name`, `unit.year`, `unit.profile`, `template_set`.
    Meta(String),
}

/// Keys of [`Slot::Meta`].
pub const META_KEYS: [&str; 4] = ["template_set", "unit.name", "unit.year", "unit.profile"];

/// A slot's text could not be stored in the workbook.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{slot}：{msg}")]
pub struct SlotError {
    pub slot: String,
    pub msg: String,
}

impl Slot {
    pub fn value(table: &str, row: &str, col: &str) -> Slot {
        Slot::Value {
            table: table.into(),
            row: row.into(),
            col: col.into(),
        }
    }
    pub fn asserted(table: &str, row: &str, col: &str) -> Slot {
        Slot::Asserted {
            table: table.into(),
            row: row.into(),
            col: col.into(),
        }
    }
    pub fn field(record: &str, path: &str) -> Slot {
        Slot::Field {
            record: record.into(),
            path: path.into(),
        }
    }
    pub fn row(table: &str, row: &str) -> Slot {
        Slot::Row {
            table: table.into(),
            row: row.into(),
        }
    }

    /// A compact, stable text form: `["v","03","2080901","1"]`.
    pub fn encode(&self) -> String {
        let parts: Vec<&str> = match self {
            Slot::Value { table, row, col } => vec!["v", table, row, col],
            Slot::Asserted { table, row, col } => vec!["a", table, row, col],
            Slot::Row { table, row } => vec!["r", table, row],
            Slot::Text(k) => vec!["t", k],
            Slot::Record(id) => vec!["f", id],
            Slot::Field { record, path } => vec!["ff", record, path],
            Slot::Meta(k) => vec!["m", k],
        };
        serde_json::to_string(&parts).unwrap_or_default()
    }

    pub fn decode(s: &str) -> Option<Slot> {
        let parts: Vec<String> = serde_json::from_str(s).ok()?;
        let p: Vec<&str> = parts.iter().map(String::as_str).collect();
        Some(match p.as_slice() {
            ["v", t, r, c] => Slot::value(t, r, c),
            ["a", t, r, c] => Slot::asserted(t, r, c),
            ["r", t, r] => Slot::row(t, r),
            ["t", k] => Slot::Text(k.to_string()),
            ["f", id] => Slot::Record(id.to_string()),
            ["ff", id, p] if p.starts_with('/') => Slot::field(id, p),
            ["m", k] if META_KEYS.contains(k) => Slot::Meta(k.to_string()),
            _ => return None,
        })
    }

    /// The table a slot belongs to, if any.
    pub fn table(&self) -> Option<&str> {
        match self {
            Slot::Value { table, .. } | Slot::Asserted { table, .. } | Slot::Row { table, .. } => {
                Some(table)
            }
            _ => None,
        }
    }
}

impl std::fmt::Display for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Slot::Value { table, row, col } => write!(f, "表{table} 行{row} 栏{col}"),
            Slot::Asserted { table, row, col } => write!(f, "表{table} 行{row} 栏{col}（原表数）"),
            Slot::Row { table, row } => write!(f, "表{table} 行{row}"),
            Slot::Text(k) => write!(f, "文字「{k}」"),
            Slot::Record(id) => write!(f, "表单「{id}」"),
            Slot::Field { record, path } => write!(f, "表单「{record}」{path}"),
            Slot::Meta(k) => write!(f, "{}", meta_label(k)),
        }
    }
}

fn meta_label(k: &str) -> &str {
    match k {
        "unit.name" => "单位名称",
        "unit.year" => "年度",
        "unit.profile" => "地区口径",
        "template_set" => "模板集",
        other => other,
    }
}

/// Encodes a record as the text of its [`Slot::Record`].
pub fn record_text(r: &Record) -> String {
    serde_json::json!({ "kind": r.kind, "body": r.body }).to_string()
}

fn parse_record(text: &str) -> Option<Record> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    Some(Record {
        kind: v.get("kind")?.as_str()?.to_string(),
        body: v.get("body")?.clone(),
    })
}

impl Workbook {
    /// The text stored in a slot, None when empty.
    pub fn get(&self, slot: &Slot) -> Option<String> {
        match slot {
            Slot::Value { table, row, col } => self
                .tables
                .get(table)?
                .rows
                .get(row)?
                .values
                .get(col)
                .map(|d| d.to_string()),
            Slot::Asserted { table, row, col } => self
                .tables
                .get(table)?
                .rows
                .get(row)?
                .asserted
                .get(col)
                .map(|d| d.to_string()),
            Slot::Row { table, row } => self
                .tables
                .get(table)?
                .rows
                .get(row)
                .map(|r| r.name.clone().unwrap_or_default()),
            Slot::Text(k) => self.texts.get(k).cloned(),
            Slot::Record(id) => self.records.get(id).map(record_text),
            Slot::Field { record, path } => self
                .records
                .get(record)?
                .body
                .pointer(path)
                .filter(|v| !v.is_null())
                .map(|v| v.to_string()),
            Slot::Meta(k) => match k.as_str() {
                "template_set" => Some(self.template_set.clone()),
                "unit.name" => Some(self.unit.name.clone()),
                "unit.year" => Some(self.unit.year.to_string()),
                "unit.profile" => Some(self.unit.profile.clone()),
                _ => None,
            },
        }
    }

    /// Stores text in a slot (None clears it). Setting a cell creates its row; clearing a row
    /// removes it with all its cells.
    pub fn put(&mut self, slot: &Slot, text: Option<&str>) -> Result<(), SlotError> {
        let err = |msg: &str| SlotError {
            slot: slot.to_string(),
            msg: msg.to_string(),
        };
        match slot {
            Slot::Value { table, row, col } | Slot::Asserted { table, row, col } => {
                let v = match text {
                    None => None,
                    Some(t) => Some(
                        t.parse::<Decimal>()
                            .map_err(|_| err("不是有效金额"))
                            .and_then(|d| crate::amount::check_bounds(d).map_err(err))?,
                    ),
                };
                let r = self.row_mut(table, row);
                let map = if matches!(slot, Slot::Value { .. }) {
                    &mut r.values
                } else {
                    &mut r.asserted
                };
                match v {
                    Some(v) => {
                        map.insert(col.clone(), v);
                    }
                    None => {
                        map.remove(col);
                    }
                }
            }
            Slot::Row { table, row } => match text {
                Some(name) => {
                    self.row_mut(table, row).name = (!name.is_empty()).then(|| name.to_string());
                }
                None => {
                    if let Some(t) = self.tables.get_mut(table) {
                        t.rows.remove(row);
                        if t.rows.is_empty() {
                            self.tables.remove(table);
                        }
                    }
                }
            },
            Slot::Text(k) => match text {
                Some(t) => {
                    self.texts.insert(k.clone(), t.to_string());
                }
                None => {
                    self.texts.remove(k);
                }
            },
            Slot::Record(id) => match text {
                Some(t) => {
                    let r = parse_record(t).ok_or_else(|| err("表单内容不是有效的 JSON"))?;
                    self.records.insert(id.clone(), r);
                }
                None => {
                    self.records.remove(id);
                }
            },
            Slot::Field { record, path } => {
                let value = match text {
                    Some(t) => Some(
                        serde_json::from_str::<serde_json::Value>(t)
                            .map_err(|_| err("表单内容不是有效的 JSON"))?,
                    ),
                    None => None,
                };
                let r = self
                    .records
                    .get_mut(record)
                    .ok_or_else(|| err("没有这张表单"))?;
                set_pointer(&mut r.body, path, value).map_err(err)?;
            }
            Slot::Meta(k) => {
                let t = text.unwrap_or_default();
                match k.as_str() {
                    "template_set" => self.template_set = t.to_string(),
                    "unit.name" => self.unit.name = t.to_string(),
                    "unit.profile" => self.unit.profile = t.to_string(),
                    "unit.year" => {
                        self.unit.year = t.trim().parse().map_err(|_| err("年度应为整数"))?
                    }
                    _ => return Err(err("未知的元数据项")),
                }
            }
        }
        Ok(())
    }

    /// Every non-empty slot with its text, in a stable order (for versions and diffs).
    pub fn slots(&self) -> BTreeMap<Slot, String> {
        let mut out = BTreeMap::new();
        for k in META_KEYS {
            let s = Slot::Meta(k.to_string());
            if let Some(v) = self.get(&s) {
                out.insert(s, v);
            }
        }
        for (tid, t) in &self.tables {
            for (key, r) in &t.rows {
                out.insert(Slot::row(tid, key), r.name.clone().unwrap_or_default());
                for (c, v) in &r.values {
                    out.insert(Slot::value(tid, key, c), v.to_string());
                }
                for (c, v) in &r.asserted {
                    out.insert(Slot::asserted(tid, key, c), v.to_string());
                }
            }
        }
        for (k, v) in &self.texts {
            out.insert(Slot::Text(k.clone()), v.clone());
        }
        for (id, r) in &self.records {
            out.insert(Slot::Record(id.clone()), record_text(r));
        }
        out
    }
}

/// One difference between two workbooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotDiff {
    pub slot: Slot,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl SlotDiff {
    /// 「公开03表 2080901 退役士兵安置 栏3：24.38 → 34.38」: the place as printed (with the set),
    /// long texts shortened.
    pub fn describe(&self, set: Option<&crate::template::TemplateSet>) -> String {
        let place = match set {
            Some(set) => slot_label(set, &self.slot),
            None => self.slot.to_string(),
        };
        let show = |v: &Option<String>| match v {
            None => "（空）".to_string(),
            Some(s) if s.is_empty() => "（有）".to_string(),
            Some(s) if s.chars().count() > 40 => {
                format!("{}…", s.chars().take(40).collect::<String>())
            }
            Some(s) => s.clone(),
        };
        format!("{}：{} → {}", place, show(&self.old), show(&self.new))
    }
}

/// Slot-by-slot differences from `a` to `b`, in slot order.
pub fn diff(a: &Workbook, b: &Workbook) -> Vec<SlotDiff> {
    let (sa, sb) = (a.slots(), b.slots());
    let mut keys: Vec<&Slot> = sa.keys().chain(sb.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (o, n) = (sa.get(k), sb.get(k));
            (o != n).then(|| SlotDiff {
                slot: k.clone(),
                old: o.cloned(),
                new: n.cloned(),
            })
        })
        .collect()
}

/// A slot in the form's own words: 「公开03表 2080901 退役士兵安置 栏3」, 「公开01表 行1 一般公共预算财政拨款收入 栏1」.
pub fn slot_label(set: &crate::template::TemplateSet, slot: &Slot) -> String {
    let (table, row, col, asserted) = match slot {
        Slot::Value { table, row, col } => (table, row, Some(col), false),
        Slot::Asserted { table, row, col } => (table, row, Some(col), true),
        Slot::Row { table, row } => (table, row, None, false),
        other => return other.to_string(),
    };
    let Some(t) = set.table(table).map(|i| &set.tables[i]) else {
        return slot.to_string();
    };
    let mut s = t.label.clone();
    match t.row_index(row).map(|i| &t.rows[i]) {
        Some(r) => {
            if r.show_no {
                s.push_str(&format!(" 行{row}"));
            } else if r.code.is_some() || !r.label.is_empty() {
                s.push_str(&format!(" {}", r.code.as_deref().unwrap_or("")));
            }
            if !r.label.is_empty() {
                s.push(' ');
                s.push_str(&r.label);
            }
            s = s.replace("  ", " ");
        }
        None => {
            s.push(' ');
            s.push_str(row);
            let name = t
                .coded
                .as_ref()
                .and_then(|c| set.code_lists[c.code_list].name_of(row));
            if let Some(n) = name {
                s.push(' ');
                s.push_str(n);
            }
        }
    }
    match col {
        Some(c) => {
            let label = t
                .col_index(c)
                .map(|i| t.columns[i].label.as_str())
                .unwrap_or_default();
            s.push_str(&format!(" 栏{c}"));
            if !label.is_empty() && !label.contains('\n') {
                s.push_str(&format!("（{label}）"));
            }
            if asserted {
                s.push_str(" 原表数");
            }
        }
        None => s.push_str(" 整行"),
    }
    s
}
