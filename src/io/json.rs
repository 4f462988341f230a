//! Workbook interchange JSON (inputs only); the format is documented in docs/workbook-json.md.

use crate::amount::parse_amount;
use crate::engine::{RowData, UnitMeta, Workbook};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const FORMAT: &str = "gongkai-workbook";
pub const VERSION: u64 = 1;
/// Refuse absurdly large files before parsing (a real workbook is a few hundred KB).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    #[error("文件过大（{0} 字节，上限 32 MB），不像是 Gongkai 草稿文件")]
    TooLarge(usize),
    #[error("不是有效的 JSON（第 {line} 行第 {column} 列）：{msg}")]
    Syntax {
        line: usize,
        column: usize,
        msg: String,
    },
    #[error("不是 Gongkai 草稿文件：缺少 \"format\": \"{FORMAT}\"")]
    Foreign,
    #[error("草稿文件版本 {0} 比本程序新（本程序支持版本 {VERSION}），请升级 Gongkai")]
    NewerVersion(u64),
    #[error("{path}：{msg}")]
    Field { path: String, msg: String },
}

fn field(path: &str, msg: impl Into<String>) -> JsonError {
    JsonError::Field {
        path: path.to_string(),
        msg: msg.into(),
    }
}

/// Parses workbook JSON; every problem names its place (e.g. `tables.03[4].values.2`).
pub fn from_json(text: &str) -> Result<Workbook, JsonError> {
    if text.len() > MAX_BYTES {
        return Err(JsonError::TooLarge(text.len()));
    }
    let v: Value = serde_json::from_str(text).map_err(|e| JsonError::Syntax {
        line: e.line(),
        column: e.column(),
        msg: e
            .to_string()
            .split(" at line")
            .next()
            .unwrap_or_default()
            .to_string(),
    })?;
    let obj = v.as_object().ok_or(JsonError::Foreign)?;
    if obj.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(JsonError::Foreign);
    }
    let version = obj
        .get("version")
        .and_then(Value::as_u64)
        .ok_or_else(|| field("version", "缺少版本号"))?;
    if version > VERSION {
        return Err(JsonError::NewerVersion(version));
    }
    let set = str_field(obj, "template_set", "template_set")?;
    let unit = obj
        .get("unit")
        .and_then(Value::as_object)
        .ok_or_else(|| field("unit", "缺少单位信息（name、year）"))?;
    let year = unit
        .get("year")
        .and_then(Value::as_i64)
        .ok_or_else(|| field("unit.year", "年度应为整数，如 2023"))?;
    let meta = UnitMeta {
        name: str_field(unit, "name", "unit.name")?,
        year: i32::try_from(year).map_err(|_| field("unit.year", "年度超出范围"))?,
        profile: unit
            .get("profile")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    };
    let mut wb = Workbook::new(&set, meta);
    let tables = match obj.get("tables") {
        None | Some(Value::Null) => return Ok(wb),
        Some(Value::Object(t)) => t,
        Some(_) => return Err(field("tables", "应为以表号为键的对象")),
    };
    for (tid, rows) in tables {
        let path = format!("tables.{tid}");
        let rows = rows
            .as_array()
            .ok_or_else(|| field(&path, "应为行的数组"))?;
        let data = wb.tables.entry(tid.clone()).or_default();
        for (i, r) in rows.iter().enumerate() {
            let rp = format!("{path}[{i}]");
            let r = r
                .as_object()
                .ok_or_else(|| field(&rp, "应为对象 {\"row\": …}"))?;
            for k in r.keys() {
                if !matches!(k.as_str(), "row" | "name" | "values" | "asserted") {
                    return Err(field(
                        &rp,
                        format!("未知字段「{k}」（可用：row、name、values、asserted）"),
                    ));
                }
            }
            let key = match r.get("row") {
                Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                Some(Value::Number(n)) => n.to_string(),
                _ => return Err(field(&format!("{rp}.row"), "缺少行次或科目代码")),
            };
            if data.rows.contains_key(&key) {
                return Err(field(&format!("{rp}.row"), format!("行「{key}」重复出现")));
            }
            let mut row = RowData {
                name: r.get("name").and_then(Value::as_str).map(str::to_string),
                ..Default::default()
            };
            row.values = amounts(r.get("values"), &format!("{rp}.values"))?;
            row.asserted = amounts(r.get("asserted"), &format!("{rp}.asserted"))?;
            data.rows.insert(key, row);
        }
    }
    Ok(wb)
}

fn str_field(obj: &Map<String, Value>, key: &str, path: &str) -> Result<String, JsonError> {
    obj.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| field(path, "缺少或不是文本"))
}

fn amounts(v: Option<&Value>, path: &str) -> Result<BTreeMap<String, Decimal>, JsonError> {
    let mut out = BTreeMap::new();
    let Some(v) = v else { return Ok(out) };
    let obj = v
        .as_object()
        .ok_or_else(|| field(path, "应为以栏次为键的对象"))?;
    for (col, val) in obj {
        let p = format!("{path}.{col}");
        let text = match val {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Null => continue,
            _ => return Err(field(&p, "金额应为数字或文本")),
        };
        if let Some(d) = parse_amount(&text).map_err(|e| field(&p, e.to_string()))? {
            out.insert(col.clone(), d);
        }
    }
    Ok(out)
}

/// Writes workbook JSON (amounts as strings, exactly as stored).
pub fn to_json(wb: &Workbook) -> String {
    let mut tables = Map::new();
    for (tid, data) in &wb.tables {
        let rows: Vec<Value> = data
            .rows
            .iter()
            .map(|(key, r)| {
                let mut o = Map::new();
                o.insert("row".into(), json!(key));
                if let Some(n) = &r.name {
                    o.insert("name".into(), json!(n));
                }
                for (k, m) in [("values", &r.values), ("asserted", &r.asserted)] {
                    if !m.is_empty() {
                        let vals: Map<String, Value> = m
                            .iter()
                            .map(|(c, d)| (c.clone(), json!(d.to_string())))
                            .collect();
                        o.insert(k.into(), Value::Object(vals));
                    }
                }
                Value::Object(o)
            })
            .collect();
        tables.insert(tid.clone(), Value::Array(rows));
    }
    let doc = json!({
        "format": FORMAT,
        "version": VERSION,
        "template_set": wb.template_set,
        "unit": { "name": wb.unit.name, "year": wb.unit.year, "profile": wb.unit.profile },
        "tables": tables,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
