//! Scored forms kept between evaluations: a typed cell re-scores nothing, an edit in one form
//! re-scores that form only. The session forgets a record when a step changes it (and
//! everything when the year or the template set changes); what is not forgotten is reused.

use super::{audit, par_map, read_record, Scored, Sink};
use crate::engine::{Finding, Model, Workbook};
use crate::template::Registry;
use std::collections::{HashMap, HashSet};

/// The forms of one workbook, scored, with each form's own findings.
#[derive(Default)]
pub struct FormCache<'r> {
    /// Scored forms in the workbook's record order.
    scored: Vec<Scored<'r>>,
    /// A form's own findings (audit of the form alone; FORM-1 for a record that cannot be read).
    own: HashMap<String, Vec<Finding>>,
    /// A form's half-width punctuation (N-半角), found with the form.
    punct: HashMap<String, Finding>,
    /// Record ids to score again on the next update.
    stale: HashSet<String>,
    /// Everything is scored again on the next update.
    all_stale: bool,
    /// The year the forms were audited for (their deadlines depend on it).
    year: Option<i32>,
    /// The ids in the order last seen (a record added or removed rebuilds the order).
    order: Vec<String>,
}

impl<'r> FormCache<'r> {
    /// The record `id` changed: it is scored again on the next update.
    pub fn forget(&mut self, id: &str) {
        self.stale.insert(id.to_string());
    }

    /// Everything is scored again on the next update (another year, set or workbook).
    pub fn forget_all(&mut self) {
        self.all_stale = true;
    }

    /// The scored forms, in record order.
    pub fn scored(&self) -> &[Scored<'r>] {
        &self.scored
    }

    /// One scored form by record id.
    pub fn get(&self, id: &str) -> Option<&Scored<'r>> {
        self.scored.iter().find(|s| s.id == id)
    }

    pub fn into_scored(self) -> Vec<Scored<'r>> {
        self.scored
    }

    /// Brings the cache up to `wb`: forgotten, new and (on a new year) all records are read,
    /// scored and audited again, on every core when there are many.
    pub fn update(&mut self, reg: &'r Registry, wb: &Workbook) {
        let year = wb.unit.year;
        if self.year != Some(year) {
            self.all_stale = true;
            self.year = Some(year);
        }
        let ids: Vec<&String> = wb.records.keys().collect();
        let mut kept: HashMap<String, Scored<'r>> = if self.all_stale {
            self.own.clear();
            self.punct.clear();
            self.scored.clear();
            HashMap::new()
        } else {
            std::mem::take(&mut self.scored)
                .into_iter()
                .map(|s| (s.id.clone(), s))
                .collect()
        };
        for id in &self.stale {
            kept.remove(id);
            self.own.remove(id);
            self.punct.remove(id);
        }
        // Records gone from the workbook.
        if self.order.len() != ids.len() || self.order.iter().zip(&ids).any(|(a, b)| a != *b) {
            let now: HashSet<&String> = ids.iter().copied().collect();
            self.own.retain(|id, _| now.contains(id));
            self.punct.retain(|id, _| now.contains(id));
            kept.retain(|id, _| now.contains(id));
            self.order = ids.iter().map(|s| (*s).clone()).collect();
        }
        let todo: Vec<(&String, &crate::engine::Record)> = wb
            .records
            .iter()
            .filter(|(id, _)| !self.own.contains_key(*id))
            .collect();
        let done = par_map(&todo, |(id, r)| {
            let res = read_record(reg, id, &r.kind, &r.body);
            let own = match &res {
                Ok(s) => {
                    let mut sink = Sink {
                        rules: &reg.perf_rules,
                        table: (*id).clone(),
                        table_label: audit::label_of(s.template, &s.score),
                        out: Vec::new(),
                    };
                    audit::audit_form(&mut sink, s.template, s.profile, &s.form, &s.score, year);
                    (sink.table_label, sink.out)
                }
                Err(msg) => ((*id).clone(), super::unreadable(reg, id, msg)),
            };
            let (label, own) = own;
            let punct =
                crate::engine::narrative::punct::scan_record(&reg.narrative_rules, id, r, &label)
                    .map(|f| f.finding);
            (res.ok(), own, punct)
        });
        for ((id, _), (scored, own, punct)) in todo.iter().zip(done) {
            self.own.insert((*id).clone(), own);
            if let Some(p) = punct {
                self.punct.insert((*id).clone(), p);
            }
            if let Some(s) = scored {
                kept.insert((*id).clone(), s);
            }
        }
        self.scored = ids.iter().filter_map(|id| kept.remove(*id)).collect();
        self.stale.clear();
        self.all_stale = false;
    }

    /// The forms' half-width punctuation findings, in record order.
    pub fn punct_findings(&self) -> impl Iterator<Item = &Finding> {
        self.order.iter().filter_map(|id| self.punct.get(id))
    }

    /// Every 绩效 finding: unreadable records first, then each form's own, then the checks
    /// across forms and against the tables (`model` enables X-绩效/03).
    pub fn findings(&self, reg: &Registry, model: Option<&Model>) -> Vec<Finding> {
        let readable: HashSet<&str> = self.scored.iter().map(|s| s.id.as_str()).collect();
        let mut out: Vec<Finding> = self
            .order
            .iter()
            .filter(|id| !readable.contains(id.as_str()))
            .filter_map(|id| self.own.get(id))
            .flatten()
            .cloned()
            .collect();
        for s in &self.scored {
            if let Some(f) = self.own.get(&s.id) {
                out.extend(f.iter().cloned());
            }
        }
        out.extend(super::cross_checks(reg, &self.scored, model));
        out
    }
}
