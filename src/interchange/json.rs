//! Workbook interchange JSON (inputs only); the format is documented in docs/workbook-json.md.

use crate::amount::parse_amount;
use crate::engine::{Record, RowData, UnitMeta, Workbook};
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
    // A byte-order mark (Windows Notepad saves one) is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
    let version = match obj.get("version") {
        None | Some(Value::Null) => return Err(field("version", "缺少版本号")),
        Some(v) => v.as_u64().filter(|&n| n >= 1).ok_or_else(|| {
            field(
                "version",
                format!("版本号应为正整数（如 \"version\": 1，不加引号），而不是 {v}"),
            )
        })?,
    };
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
        year: i32::try_from(year)
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .ok_or_else(|| {
                field(
                    "unit.year",
                    format!("年度 {year} 不合理（应在 1990–2100 之间）"),
                )
            })?,
        profile: unit
            .get("profile")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    };
    let mut wb = Workbook::new(&set, meta);
    for k in obj.keys() {
        if !matches!(
            k.as_str(),
            "format"
                | "version"
                | "template_set"
                | "unit"
                | "tables"
                | "texts"
                | "records"
                | "source"
        ) {
            return Err(field(
                k,
                "未知字段（可用：format、version、template_set、unit、tables、texts、records、source）",
            ));
        }
    }
    read_texts(obj.get("texts"), &mut wb)?;
    read_records(obj.get("records"), &mut wb)?;
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

fn read_texts(v: Option<&Value>, wb: &mut Workbook) -> Result<(), JsonError> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(());
    };
    let obj = v
        .as_object()
        .ok_or_else(|| field("texts", "应为以字段名为键的文字对象"))?;
    for (k, t) in obj {
        let t = t
            .as_str()
            .ok_or_else(|| field(&format!("texts.{k}"), "应为文字"))?;
        wb.texts.insert(k.clone(), t.to_string());
    }
    Ok(())
}

fn read_records(v: Option<&Value>, wb: &mut Workbook) -> Result<(), JsonError> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(());
    };
    let arr = v
        .as_array()
        .ok_or_else(|| field("records", "应为表单的数组"))?;
    for (i, r) in arr.iter().enumerate() {
        let p = format!("records[{i}]");
        let o = r
            .as_object()
            .ok_or_else(|| field(&p, "应为对象 {\"id\": …, \"kind\": …, \"body\": …}"))?;
        let id = o
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| field(&format!("{p}.id"), "缺少表单编号"))?;
        let kind = o
            .get("kind")
            .and_then(Value::as_str)
            .ok_or_else(|| field(&format!("{p}.kind"), "缺少表单类型"))?;
        let body = o.get("body").cloned().unwrap_or(Value::Null);
        if wb.records.contains_key(id) {
            return Err(field(
                &format!("{p}.id"),
                format!("表单编号「{id}」重复出现"),
            ));
        }
        wb.records.insert(
            id.to_string(),
            Record {
                kind: kind.to_string(),
                body,
            },
        );
    }
    Ok(())
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

/// Writes workbook JSON (amounts as strings, exactly as stored), one table row per line so the
/// file reads like the table and diffs cleanly. `to_json(from_json(x))` is the canonical form.
pub fn to_json(wb: &Workbook) -> String {
    let q = inline;
    let mut out = String::new();
    out.push_str("{\n");
    out.push_str(&format!("  \"format\": {},\n", q(&json!(FORMAT))));
    out.push_str(&format!("  \"version\": {VERSION},\n"));
    out.push_str(&format!(
        "  \"template_set\": {},\n",
        q(&json!(wb.template_set))
    ));
    out.push_str(&format!(
        "  \"unit\": {{\"name\": {}, \"year\": {}, \"profile\": {}}},\n",
        q(&json!(wb.unit.name)),
        wb.unit.year,
        q(&json!(wb.unit.profile))
    ));
    out.push_str("  \"tables\": {");
    for (ti, (tid, data)) in wb.tables.iter().enumerate() {
        out.push_str(if ti == 0 { "\n" } else { ",\n" });
        out.push_str(&format!("    {}: [", q(&json!(tid))));
        // 行次 in numeric order (1, 2, …, 10); 科目代码 in code order (201, 20132, 2013299, 208).
        let mut rows: Vec<_> = data.rows.iter().collect();
        rows.sort_by_key(|(k, _)| row_order(k));
        for (ri, (key, r)) in rows.into_iter().enumerate() {
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
            out.push_str(if ri == 0 { "\n" } else { ",\n" });
            out.push_str("      ");
            out.push_str(&inline(&Value::Object(o)));
        }
        out.push_str(if data.rows.is_empty() { "]" } else { "\n    ]" });
    }
    out.push_str(if wb.tables.is_empty() { "}" } else { "\n  }" });
    if !wb.texts.is_empty() {
        out.push_str(",\n  \"texts\": {");
        for (i, (k, t)) in wb.texts.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&format!("    {}: {}", q(&json!(k)), q(&json!(t))));
        }
        out.push_str("\n  }");
    }
    if !wb.records.is_empty() {
        out.push_str(",\n  \"records\": [");
        for (i, (id, r)) in wb.records.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str("    ");
            out.push_str(&q(&json!({"id": id, "kind": r.kind, "body": r.body})));
        }
        out.push_str("\n  ]");
    }
    out.push_str("\n}\n");
    out
}

fn row_order(key: &str) -> (u8, String) {
    if key.len() <= 2 && key.bytes().all(|b| b.is_ascii_digit()) {
        (0, format!("{key:0>2}"))
    } else {
        (1, key.to_string())
    }
}

/// One-line JSON with a space after `:` and `,` — `{"row": "1", "values": {"1": "3383.31"}}`.
fn inline(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", inline(&json!(k)), inline(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}
