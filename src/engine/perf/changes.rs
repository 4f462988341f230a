//! A change of a 绩效 form in the form's own words, field by field: what a version diff lists
//! for a form («自评03 产出指标·数量指标「花篮制作」 完成值：7个 → 8个») instead of the record as a
//! whole.

use serde_json::Value;

fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "（空）".into(),
        Some(Value::String(s)) if s.is_empty() => "（空）".into(),
        Some(Value::String(s)) => {
            if s.chars().count() > 40 {
                format!("{}…", s.chars().take(40).collect::<String>())
            } else {
                s.clone()
            }
        }
        Some(v) => v.to_string(),
    }
}

/// Keys of a JSON object, both sides, in order.
fn keys<'a>(a: Option<&'a Value>, b: Option<&'a Value>) -> Vec<&'a String> {
    let mut k: Vec<&String> = [a, b]
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_object())
        .flat_map(|o| o.keys())
        .collect();
    k.sort();
    k.dedup();
    k
}

/// The printed words of an indicator field or a reviewer column.
fn word(k: &str) -> &str {
    match k {
        "level1" => "一级指标",
        "level2" => "二级指标",
        "name" => "名称",
        "target" => "年度指标值",
        "actual" => "完成值",
        "score" => "得分",
        "reason" => "偏差原因",
        "weight" => "分值",
        "role" => "角色",
        "title" => "职称/职务",
        "unit" => "工作单位",
        other => other,
    }
}

fn list_item_name(v: Option<&Value>, keys: &[&str]) -> String {
    let Some(o) = v.and_then(|v| v.as_object()) else {
        return String::new();
    };
    keys.iter()
        .filter_map(|k| o.get(*k).and_then(|x| x.as_str()).filter(|s| !s.is_empty()))
        .collect::<Vec<_>>()
        .join("·")
}

/// The changes between two record texts (`{"kind", "body"}`) of form `id`, one line each.
pub fn describe(id: &str, old: Option<&str>, new: Option<&str>) -> Vec<String> {
    let parse = |t: Option<&str>| t.and_then(|t| serde_json::from_str::<Value>(t).ok());
    let (a, b) = (parse(old), parse(new));
    match (&a, &b) {
        (None, None) => return Vec::new(),
        (None, Some(_)) => return vec![format!("{id}：新增表单")],
        (Some(_), None) => return vec![format!("{id}：删除表单")],
        _ => {}
    }
    let (ba, bb) = (
        a.as_ref().and_then(|v| v.get("body")),
        b.as_ref().and_then(|v| v.get("body")),
    );
    let mut out = Vec::new();
    for k in keys(ba, bb) {
        let (x, y) = (ba.and_then(|v| v.get(k)), bb.and_then(|v| v.get(k)));
        if x == y {
            continue;
        }
        match k.as_str() {
            "fields" | "money" | "blocks" => {
                let what = match k.as_str() {
                    "money" => "资金 ",
                    "blocks" => "得分 ",
                    _ => "",
                };
                for f in keys(x, y) {
                    let (p, q) = (x.and_then(|v| v.get(f)), y.and_then(|v| v.get(f)));
                    if p != q {
                        out.push(format!("{id}「{what}{f}」：{} → {}", text(p), text(q)));
                    }
                }
            }
            "indicators" | "reviewers" => {
                let empty = Vec::new();
                let (la, lb) = (
                    x.and_then(|v| v.as_array()).unwrap_or(&empty),
                    y.and_then(|v| v.as_array()).unwrap_or(&empty),
                );
                let named = if k == "indicators" {
                    ["level1", "level2", "name"]
                } else {
                    ["role", "name", "unit"]
                };
                for i in 0..la.len().max(lb.len()) {
                    let (p, q) = (la.get(i), lb.get(i));
                    if p == q {
                        continue;
                    }
                    let who = list_item_name(q.or(p), &named[..2]);
                    let name = list_item_name(q.or(p), &named[2..]);
                    let place = if k == "indicators" {
                        format!("{id} {who}「{name}」")
                    } else {
                        format!("{id} 评价人员 {who}")
                    };
                    match (p, q) {
                        (None, Some(_)) => out.push(format!("{place}：新增")),
                        (Some(_), None) => out.push(format!("{place}：删除")),
                        _ => {
                            for f in keys(p, q) {
                                let (s, t) = (p.and_then(|v| v.get(f)), q.and_then(|v| v.get(f)));
                                if s != t {
                                    out.push(format!(
                                        "{place} {}：{} → {}",
                                        word(f),
                                        text(s),
                                        text(t)
                                    ));
                                }
                            }
                        }
                    }
                }
            }
            "rate_score" => out.push(format!("{id}「执行率得分」：{} → {}", text(x), text(y))),
            "rate_text" => out.push(format!("{id}「执行率」：{} → {}", text(x), text(y))),
            "printed_total" => out.push(format!("{id}「总分」：{} → {}", text(x), text(y))),
            other => out.push(format!("{id}「{other}」：{} → {}", text(x), text(y))),
        }
    }
    if out.is_empty() && a != b {
        out.push(format!("{id}：表单类型改变"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_change_is_named_field_by_field() {
        let old = r#"{"kind":"k","body":{"fields":{"项目负责人":"张莉"},"money":{"执行":"7.8"},
            "indicators":[{"level1":"产出指标","level2":"数量指标","name":"花篮制作","target":"8个/次","actual":"7个"}],
            "reviewers":[{"role":"组长","name":"崔建明","title":"副局长","unit":"局"}]}}"#;
        let new = r#"{"kind":"k","body":{"fields":{"项目负责人":"王五"},"money":{"执行":"7.9"},
            "indicators":[{"level1":"产出指标","level2":"数量指标","name":"花篮制作","target":"8个/次","actual":"8个"},
                          {"level1":"效益指标","level2":"社会效益指标","name":"影响","target":"提升","actual":"提升"}],
            "reviewers":[{"role":"组长","name":"崔建明","title":"局长","unit":"局"}]}}"#;
        let lines = describe("自评03", Some(old), Some(new));
        assert_eq!(
            lines,
            [
                "自评03「项目负责人」：张莉 → 王五",
                "自评03 产出指标·数量指标「花篮制作」 完成值：7个 → 8个",
                "自评03 效益指标·社会效益指标「影响」：新增",
                "自评03「资金 执行」：7.8 → 7.9",
                "自评03 评价人员 组长·崔建明 职称/职务：副局长 → 局长",
            ]
        );
        assert_eq!(describe("自评04", None, Some(new)), ["自评04：新增表单"]);
    }
}
