//! Everything `gongkai check`, the window and the import preview report, in one call: the 公开表
//! (engine), the 绩效 forms (perf) and the 情况说明 (narrative).

use crate::engine::{Evaluation, StructureError, Workbook};
use crate::template::{Registry, TemplateSet};

/// Recalculates and audits the tables, the forms and the narrative of a workbook.
pub fn evaluate<'s>(
    reg: &Registry,
    set: &'s TemplateSet,
    wb: &Workbook,
) -> Result<Evaluation<'s>, StructureError> {
    let mut ev = crate::perf::evaluate(reg, set, wb)?;
    if let Some(n) = crate::narrative::template_for(reg, &set.id) {
        let text = crate::narrative::generate(reg, n, &ev.model, wb);
        ev.findings.extend(text.findings);
    }
    Ok(ev)
}
