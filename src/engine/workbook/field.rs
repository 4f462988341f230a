//! One field of a form record addressed by a JSON pointer: setting it, and the field-by-field
//! changes between two bodies (what a form edit stores).

/// Sets (or with None removes) the value at JSON pointer `path` in `body`: missing object keys
/// on the way are made; an array element must exist (it is set to null to remove it).
pub(super) fn set_pointer(
    body: &mut serde_json::Value,
    path: &str,
    value: Option<serde_json::Value>,
) -> Result<(), &'static str> {
    let tokens: Vec<String> = path
        .strip_prefix('/')
        .ok_or("字段位置无效")?
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (last, up) = tokens.split_last().ok_or("字段位置无效")?;
    let mut at = body;
    for t in up {
        at = match at {
            serde_json::Value::Object(o) => o
                .entry(t.clone())
                .or_insert_with(|| serde_json::Value::Object(Default::default())),
            serde_json::Value::Array(a) => {
                let i: usize = t.parse().map_err(|_| "字段位置无效")?;
                a.get_mut(i).ok_or("字段位置超出表单")?
            }
            _ => return Err("字段位置无效"),
        };
    }
    match at {
        serde_json::Value::Object(o) => {
            match value {
                Some(v) => o.insert(last.clone(), v),
                None => o.remove(last),
            };
        }
        serde_json::Value::Array(a) => {
            let i: usize = last.parse().map_err(|_| "字段位置无效")?;
            let slot = a.get_mut(i).ok_or("字段位置超出表单")?;
            *slot = value.unwrap_or(serde_json::Value::Null);
        }
        _ => return Err("字段位置无效"),
    }
    Ok(())
}

/// The field-by-field changes that turn record body `old` into `new`: a pointer and the new
/// value (None: removed) for each leaf that differs; a list whose length changed is one change.
pub fn field_changes(
    old: &serde_json::Value,
    new: &serde_json::Value,
) -> Vec<(String, Option<serde_json::Value>)> {
    fn walk(
        a: &serde_json::Value,
        b: &serde_json::Value,
        path: &str,
        out: &mut Vec<(String, Option<serde_json::Value>)>,
    ) {
        use serde_json::Value::{Array, Object};
        let esc = |k: &str| k.replace('~', "~0").replace('/', "~1");
        match (a, b) {
            _ if a == b => {}
            (Object(x), Object(y)) => {
                for (k, vb) in y {
                    let p = format!("{path}/{}", esc(k));
                    match x.get(k) {
                        Some(va) => walk(va, vb, &p, out),
                        None => out.push((p, Some(vb.clone()))),
                    }
                }
                for k in x.keys().filter(|k| !y.contains_key(*k)) {
                    out.push((format!("{path}/{}", esc(k)), None));
                }
            }
            (Array(x), Array(y)) if x.len() == y.len() => {
                for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                    walk(va, vb, &format!("{path}/{i}"), out);
                }
            }
            _ => out.push((path.to_string(), Some(b.clone()))),
        }
    }
    let mut out = Vec::new();
    walk(old, new, "", &mut out);
    out
}
