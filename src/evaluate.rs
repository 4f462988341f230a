//! Everything `gongkai check`, the window and the import preview report, in one call: the 公开表
//! (engine), the 绩效 forms (perf) and the 情况说明 (narrative).

use crate::engine::{Evaluation, StructureError, Workbook};
use crate::narrative::Narrative;
use crate::template::{Registry, TemplateSet};

/// Recalculates and audits the tables, the forms and the narrative of a workbook.
pub fn evaluate<'s>(
    reg: &Registry,
    set: &'s TemplateSet,
    wb: &Workbook,
) -> Result<Evaluation<'s>, StructureError> {
    evaluate_with_text(reg, set, wb).map(|x| x.0)
}

/// As [`evaluate`], also returning the generated 情况说明 (None when the set has no narrative
/// template). Its findings are already in the evaluation's.
pub fn evaluate_with_text<'s>(
    reg: &Registry,
    set: &'s TemplateSet,
    wb: &Workbook,
) -> Result<(Evaluation<'s>, Option<Narrative>), StructureError> {
    let mut ev = crate::perf::evaluate(reg, set, wb)?;
    let text = crate::narrative::template_for(reg, &set.id)
        .map(|n| crate::narrative::generate(reg, n, &ev.model, wb));
    if let Some(t) = &text {
        ev.findings.extend(t.findings.iter().cloned());
    }
    Ok((ev, text))
}
