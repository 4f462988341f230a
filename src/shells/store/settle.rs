//! A template update can turn a typed cell into a computed one (公开01表 行1 is now what is left
//! of 公开02表 财政拨款收入). A workbook written before keeps the typed figure: on open it becomes
//! the printed figure (原表数) the computed value is checked against — one undoable step in a
//! file being edited, in memory only for a reader — so the file opens and nothing is lost.

use super::{Change, Store, StoreError};
use crate::template::TemplateSet;

impl Store {
    /// Moves figures typed in cells `set` computes to the asserted figures. Returns the cells
    /// moved, named as printed ("公开01表 行1 栏1").
    pub fn settle(&mut self, set: &TemplateSet) -> Result<Vec<String>, StoreError> {
        let moved = self.wb.typed_on_derived(set);
        if moved.is_empty() {
            return Ok(Vec::new());
        }
        let names: Vec<String> = moved
            .iter()
            .map(|(t, r, c, _)| {
                let label = set
                    .table(t)
                    .map(|i| set.tables[i].label.clone())
                    .unwrap_or_else(|| t.clone());
                format!("{label} 行{r} 栏{c}")
            })
            .collect();
        if self.read_only {
            self.wb.settle(set);
            return Ok(names);
        }
        let mut changes = Vec::new();
        for (t, r, c, v) in &moved {
            changes.push(Change::value(t, r, c, None));
            let printed = self.wb.tables[t].rows[r].asserted.get(c).copied();
            changes.push(Change::asserted(t, r, c, Some(printed.unwrap_or(*v))));
        }
        self.apply("模板更新：计算得出的单元格原填数改作原表数", &changes)?;
        Ok(names)
    }
}
