//! The pure engine: workbook inputs + a template set → derived values and findings (审核).
//! No UI, storage, PDF or file I/O here.

mod audit;
pub mod evaluate;
pub mod finding;
pub mod impact;
pub mod model;
pub mod narrative;
pub mod perf;
pub mod workbook;

pub use audit::tolerance;
pub use finding::Finding;
pub use model::{CellId, CellKind, Model, ACCEPTED_CODE, FORM_CELL, NO_DATA, UNREAD};
pub use workbook::{
    diff, slot_label, Record, RowData, Slot, SlotDiff, SlotError, TableData, UnitMeta, Workbook,
};

pub use crate::template::BUILTIN_RULES;

/// Inputs that address no input cell of the template set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StructureError {
    #[error("模板集「{set}」中没有表「{table}」")]
    UnknownTable { table: String, set: String },
    #[error("{table} 中没有行「{row}」")]
    UnknownRow { table: String, row: String },
    #[error("{table} 行「{row}」没有栏次「{col}」")]
    UnknownCol {
        table: String,
        row: String,
        col: String,
    },
    #[error("{table} 科目代码「{code}」无效：《{list}》的代码为 3/5/7 位数字")]
    BadCode {
        table: String,
        code: String,
        list: String,
    },
    #[error("{table} 行「{row}」栏{col} 是计算得出的单元格，不能直接填写；若要核对印刷数，请填在 asserted 中")]
    DerivedInput {
        table: String,
        row: String,
        col: String,
    },
    #[error("{table} 行「{row}」栏{col} 是填写单元格，asserted（印刷数）只用于计算得出的单元格")]
    AssertedInput {
        table: String,
        row: String,
        col: String,
    },
}

/// Recalculated workbook: the model (values by coordinates) and its findings.
pub struct Evaluation<'s> {
    pub model: Model<'s>,
    pub findings: Vec<Finding>,
}

/// Builds, recalculates and audits a workbook against a template set.
pub fn evaluate<'s>(
    set: &'s crate::template::TemplateSet,
    wb: &Workbook,
) -> Result<Evaluation<'s>, StructureError> {
    let mut model = Model::build(set, wb)?;
    let findings = model.recalc();
    Ok(Evaluation { model, findings })
}
