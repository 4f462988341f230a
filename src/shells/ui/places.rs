//! Going to a place: the cell, paragraph, screen or form a finding names, or that an undo or
//! redo changed.

use super::*;

impl App {
    /// Shows the place of a stored slot (after an undo or redo): the table with the cell under
    /// the cursor and marked, the 情况说明 paragraph, the text screen, or the form. Returns its
    /// name.
    pub(crate) fn show_slot(&mut self, slot: &crate::engine::Slot) -> Option<String> {
        use crate::engine::narrative::render::{INPUT, OVERRIDE, OVERVIEW, TERM};
        use crate::engine::Slot;
        match slot {
            Slot::Value { table, row, col } | Slot::Asserted { table, row, col } => {
                let ti = self.session.set.table(table)?;
                self.select_table(ti);
                let id = self.session.model.cell_id(table, row, col)?;
                if let Some(pos) = self.sheet.position_of(id) {
                    self.cursor = Some(pos);
                    self.anchor = Some(pos);
                    self.scroll_to_cursor = true;
                    self.focus_cursor = true;
                }
                self.flash = Some((id, std::time::Instant::now()));
                Some(self.session.model.cell_name(id))
            }
            Slot::Row { table, row } => {
                let ti = self.session.set.table(table)?;
                self.select_table(ti);
                Some(format!("{} {row}", self.session.set.tables[ti].label))
            }
            Slot::Text(k) => {
                if let Some(id) = k.strip_prefix(OVERRIDE) {
                    self.show_view(View::Narrative);
                    self.focus_para = Some(id.to_string());
                    self.scroll_to_cursor = true;
                    Some(format!("情况说明「{id}」"))
                } else if let Some(rest) = k.strip_prefix(OVERVIEW) {
                    self.show_view(View::Overview);
                    Some(format!("概况「{rest}」"))
                } else if let Some(rest) = k.strip_prefix(INPUT) {
                    self.show_view(View::Inputs);
                    Some(format!("情况说明输入项「{rest}」"))
                } else if let Some(rest) = k.strip_prefix(TERM) {
                    self.show_view(View::Terms);
                    Some(format!("名词解释「{rest}」"))
                } else if k.starts_with(crate::shells::consolidate::UNIT_KEY) {
                    self.show_view(View::Dept);
                    Some("部门汇总".into())
                } else {
                    None
                }
            }
            Slot::Record(id) | Slot::Field { record: id, .. } => {
                if self.book().records.contains_key(id) {
                    self.show_view(View::Form(id.clone()));
                }
                Some(format!("表单「{id}」"))
            }
            Slot::Meta(_) => None,
        }
    }

    /// Goes to a finding's cell: its table, selected and scrolled into view.
    pub fn jump_to(&mut self, f: &Finding) {
        if f.table == crate::shells::consolidate::TABLE {
            self.show_view(View::Dept);
            return;
        }
        if f.table == crate::engine::narrative::TABLE {
            self.jump_to_text(f);
            return;
        }
        if self
            .session
            .store()
            .workbook()
            .records
            .contains_key(&f.table)
        {
            self.show_view(View::Form(f.table.clone()));
            self.focus_form = Some((f.row.clone(), true));
            return;
        }
        let Some(ti) = self.session.set.table(&f.table) else {
            return;
        };
        self.select_table(ti);
        if let Some(id) = self.session.model.cell_id(&f.table, &f.row, &f.col) {
            if let Some(pos) = self.sheet.position_of(id) {
                self.cursor = Some(pos);
                self.anchor = Some(pos);
                self.scroll_to_cursor = true;
                self.focus_cursor = true;
            }
        }
    }
}
