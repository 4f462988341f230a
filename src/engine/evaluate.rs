//! Everything `gongkai check`, the window, the PDF and the import preview report, in one pass: the
//! 公开表 (engine), the 绩效 forms (scored once) and the 情况说明 (narrative).

use crate::engine::narrative::Narrative;
use crate::engine::perf::{FormCache, Scored};
use crate::engine::{Evaluation, StructureError, Workbook};
use crate::template::{Registry, TemplateSet};

/// One evaluation of a workbook.
pub struct Full<'s, 'r> {
    /// The recalculated tables and every finding (tables, forms, narrative).
    pub ev: Evaluation<'s>,
    /// The generated 情况说明 (None when the set has no narrative template).
    pub text: Option<Narrative>,
    /// The 绩效 forms, scored.
    pub scored: Vec<Scored<'r>>,
}

/// Recalculates and audits the tables, the forms and the narrative of a workbook.
pub fn evaluate<'s>(
    reg: &Registry,
    set: &'s TemplateSet,
    wb: &Workbook,
) -> Result<Evaluation<'s>, StructureError> {
    evaluate_full(reg, set, wb).map(|x| x.ev)
}

/// As [`evaluate`], also returning the generated 情况说明 and the scored forms.
pub fn evaluate_full<'s, 'r>(
    reg: &'r Registry,
    set: &'s TemplateSet,
    wb: &Workbook,
) -> Result<Full<'s, 'r>, StructureError> {
    let mut cache = FormCache::default();
    let (ev, text) = evaluate_with(reg, set, wb, &mut cache)?;
    Ok(Full {
        ev,
        text,
        scored: cache.into_scored(),
    })
}

/// As [`evaluate_full`], with the forms kept in `cache` between calls: only the forms the cache
/// was told changed are scored again (the session's path: one typed cell re-scores nothing).
pub fn evaluate_with<'s, 'r>(
    reg: &'r Registry,
    set: &'s TemplateSet,
    wb: &Workbook,
    cache: &mut FormCache<'r>,
) -> Result<(Evaluation<'s>, Option<Narrative>), StructureError> {
    let mut ev = crate::engine::evaluate(set, wb)?;
    cache.update(reg, wb);
    let scored = cache.scored();
    ev.findings.extend(cache.findings(reg, Some(&ev.model)));
    let text = crate::engine::narrative::template_for(reg, &set.id).map(|n| {
        let summary = crate::engine::perf::summary(scored);
        crate::engine::narrative::generate_with(reg, n, &ev.model, wb, &summary)
    });
    // A workbook of forms only (no table entered) has no 情况说明 to check yet: its inputs and
    // sentences are built on the tables.
    let tables_entered = ev.model.entered.iter().any(|e| *e);
    if let Some(t) = text.as_ref().filter(|_| tables_entered) {
        ev.findings.extend(t.findings.iter().cloned());
    }
    // Half-width punctuation in every stored text a reader sees (names, 概况, inputs, forms).
    ev.findings.extend(
        crate::engine::narrative::punct::scan_texts(&reg.narrative_rules, set, wb)
            .into_iter()
            .map(|f| f.finding),
    );
    ev.findings.extend(cache.punct_findings().cloned());
    // Errors first, then warnings, then 提示, across tables, forms and narrative alike (stable:
    // within a severity, the order of the tables and forms).
    ev.findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Ok((ev, text))
}
