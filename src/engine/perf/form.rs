//! The body of a 绩效 record as stored in the workbook (one JSON object per form). Scores a user
//! enters are kept as entered (overrides); totals and grades are never stored — they are derived.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One 自评表 / 目标表 / 基础数据表 instance. The record's `kind` is the form template id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerfForm {
    /// Rubric profile id; empty = the template's default.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub profile: String,
    /// Header and text fields by template key (项目名称, 自评结论及结果分析 …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// Money block: "列" for a column total, "列/行" for a split row.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "dec_map")]
    pub money: BTreeMap<String, Decimal>,
    /// 执行率 score as entered (override of the suggestion).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "dec_opt")]
    pub rate_score: Option<Decimal>,
    /// 项目执行情况 / 执行率 as printed on an imported form ("32.76%(10分)"); checked, not used.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rate_text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<Indicator>,
    /// 一级 block scores as entered (阳泉 forms score whole blocks).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "dec_map")]
    pub blocks: BTreeMap<String, Decimal>,
    /// 总分 as printed on an imported form; checked against the parts, never used as the total.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "dec_opt")]
    pub printed_total: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviewers: Vec<Reviewer>,
    /// Ledger cells: "表/行/栏".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "dec_map")]
    pub ledger: BTreeMap<String, Decimal>,
    /// User-added item rows under a ledger row: "表/行" → items.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub items: BTreeMap<String, Vec<LedgerItem>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub level1: String,
    pub level2: String,
    /// 三级指标.
    pub name: String,
    /// 年度指标值.
    #[serde(default)]
    pub target: String,
    /// 实施期指标值 (目标表).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub period_target: String,
    /// 全年完成值 / 实际完成值.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub actual: String,
    /// 未完成原因和改进措施 / 偏差原因分析及改进措施.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// 分值 (forms scored per indicator).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "dec_opt")]
    pub weight: Option<Decimal>,
    /// 得分 as entered (override).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "dec_opt")]
    pub score: Option<Decimal>,
    /// For a qualitative target: the band the user chose (达成 / 部分达成 / 未达成).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub judgement: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewer {
    pub role: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerItem {
    pub name: String,
    #[serde(default, with = "dec_map")]
    pub values: BTreeMap<String, Decimal>,
}

impl PerfForm {
    /// Reads a record body; the message names the field that is wrong.
    pub fn from_json(v: &serde_json::Value) -> Result<PerfForm, String> {
        PerfForm::deserialize(v).map_err(|e| e.to_string())
    }
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
    pub fn field(&self, key: &str) -> &str {
        self.fields.get(key).map(String::as_str).unwrap_or("")
    }
    /// Nothing scored entered yet (no indicators, figures or scores): its 总分 and grade mean
    /// nothing and are not shown.
    pub fn is_blank(&self) -> bool {
        self.indicators.is_empty()
            && self.money.is_empty()
            && self.blocks.is_empty()
            && self.rate_score.is_none()
    }

    /// Filled in but with no score of its own anywhere (no 执行率得分, block or indicator 得分,
    /// printed 总分): every score shown for it is a suggestion, and it has no grade of its own.
    pub fn is_unscored(&self) -> bool {
        !self.is_blank()
            && self.rate_score.is_none()
            && self.blocks.is_empty()
            && self.printed_total.is_none()
            && self.indicators.iter().all(|i| i.score.is_none())
    }

    /// Positions in `reviewers` of the people with `role`, in order.
    pub fn reviewers_of(&self, role: &str) -> Vec<usize> {
        self.reviewers
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role == role)
            .map(|(n, _)| n)
            .collect()
    }
}

/// Decimal as a JSON string ("7.8"); a JSON number is accepted as its exact text.
fn dec_from_value<E: serde::de::Error>(v: serde_json::Value) -> Result<Decimal, E> {
    let text = match &v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err(E::custom(format!("应为数字或数字文本，实际为 {v}"))),
    };
    crate::amount::parse_amount(&text)
        .map_err(|e| E::custom(e.to_string()))?
        .ok_or_else(|| E::custom("数字为空"))
}

mod dec_opt {
    use super::*;
    use serde::{Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&d.normalize().to_string()),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
            return Ok(None);
        }
        dec_from_value(v).map(Some)
    }
}

mod dec_map {
    use super::*;
    use serde::{Deserializer, Serializer};
    pub fn serialize<S: Serializer>(
        m: &BTreeMap<String, Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let out: BTreeMap<&String, String> = m
            .iter()
            .map(|(k, v)| (k, v.normalize().to_string()))
            .collect();
        out.serialize(s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, Decimal>, D::Error> {
        let m = BTreeMap::<String, serde_json::Value>::deserialize(d)?;
        let mut out = BTreeMap::new();
        for (k, v) in m {
            if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
                continue;
            }
            let d = dec_from_value::<D::Error>(v)
                .map_err(|e| serde::de::Error::custom(format!("「{k}」：{e}")))?;
            out.insert(k, d);
        }
        Ok(out)
    }
}
