//! Findings (审核结果): rule, severity, official cell coordinates, both numbers and a Chinese message.

use crate::template::Severity;
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule ID from RULES.md (01-2, H1, X-04/05 …).
    pub rule: String,
    pub severity: Severity,
    /// Table id ("03") and its printed label ("公开03表").
    pub table: String,
    pub table_label: String,
    /// Row key: 行次 or 科目代码; and the row's label.
    pub row: String,
    pub row_label: String,
    /// 栏次.
    pub col: String,
    /// The figure checked (the asserted/printed value, or a rule's left side).
    #[serde(with = "rust_decimal::serde::str_option")]
    pub lhs: Option<Decimal>,
    /// What it should be (the derived value, or the rule's right side).
    #[serde(with = "rust_decimal::serde::str_option")]
    pub rhs: Option<Decimal>,
    /// Whether the difference is within the rounding tolerance (尾数误差).
    pub tail: bool,
    pub message: String,
}
