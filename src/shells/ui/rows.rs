//! Adding and removing 科目 rows of a code-keyed table: the code fills the name from the code
//! list; an unknown code is accepted with the name the user gives (and a CODE-1 warning).

use super::App;
use crate::engine::Slot;
use crate::shells::store::Change;
use egui::{Color32, RichText};

impl App {
    /// The 项 code of the row under the cursor, if it is one the user added (deletable).
    pub fn cursor_leaf(&self) -> Option<String> {
        let id = self.cursor_cell()?;
        let c = &self.session.model.cells[id as usize];
        let t = &self.session.set.tables[c.table];
        let coded = t.coded.as_ref()?;
        let list = &self.session.set.code_lists[coded.code_list];
        let row = &self.session.model.tables[c.table].rows[c.row];
        let code = row.code.as_ref()?;
        let stored = self
            .session
            .store()
            .workbook()
            .tables
            .get(&t.id)
            .is_some_and(|x| x.rows.contains_key(code));
        (list.is_leaf(code) && stored).then(|| code.clone())
    }

    /// Adds a 项 row to the table on screen. Err: why not (nothing changed).
    pub fn add_row(&mut self, code: &str, name: &str) -> Result<(), String> {
        let t = &self.session.set.tables[self.table];
        let coded = t
            .coded
            .as_ref()
            .ok_or_else(|| format!("{}的行是固定的，不能添加科目", t.label))?;
        let list = &self.session.set.code_lists[coded.code_list];
        let code = code.trim();
        if !list.is_leaf(code) {
            let n = list.levels.last().copied().unwrap_or(7);
            return Err(format!(
                "科目代码「{code}」应为 {n} 位数字（{}级）",
                list.level_names.last().map(String::as_str).unwrap_or("项")
            ));
        }
        if self.session.model.tables[self.table]
            .by_key
            .contains_key(code)
            && self
                .session
                .store()
                .workbook()
                .tables
                .get(&t.id)
                .is_some_and(|x| x.rows.contains_key(code))
        {
            return Err(format!("{}已有科目 {code}", t.label));
        }
        let known = list.name_of(code).is_some();
        if !known && name.trim().is_empty() {
            return Err(format!("代码表中没有「{code}」：请填写科目名称"));
        }
        let stored_name = if known { "" } else { name.trim() };
        let label = format!("添加科目 {} {code}", t.label);
        self.apply(
            &label,
            &[Change::new(
                Slot::row(&t.id, code),
                Some(stored_name.to_string()),
            )],
            None,
        );
        Ok(())
    }

    /// Removes the 项 row under the cursor with its figures (one undo step).
    pub fn remove_cursor_row(&mut self) {
        let Some(code) = self.cursor_leaf() else {
            return;
        };
        let t = &self.session.set.tables[self.table];
        let label = format!("删除科目 {} {code}", t.label);
        let id = t.id.clone();
        self.cursor = None;
        self.anchor = None;
        self.apply(&label, &[Change::new(Slot::row(&id, &code), None)], None);
    }

    /// The add/remove line above a code-keyed table.
    pub(crate) fn rows_bar(&mut self, ui: &mut egui::Ui) {
        let t = &self.session.set.tables[self.table];
        let Some(coded) = t.coded.as_ref() else {
            return;
        };
        let list = &self.session.set.code_lists[coded.code_list];
        let code = self.new_code.clone();
        let preview = match list.name_of(code.trim()) {
            Some(n) => RichText::new(format!("→ {n}")),
            None if code.trim().is_empty() => RichText::new(""),
            None => RichText::new("代码表中没有此代码：请填写名称（将提示 CODE-1）")
                .color(Color32::from_rgb(190, 120, 0)),
        };
        let unknown = !code.trim().is_empty() && list.name_of(code.trim()).is_none();
        let mut add = false;
        let mut remove = false;
        ui.horizontal(|ui| {
            ui.label("科目代码");
            let r = ui
                .add(egui::TextEdit::singleline(&mut self.new_code).desired_width(90.0))
                .accessible_name("新科目代码");
            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                add = true;
            }
            ui.label(preview);
            if unknown {
                ui.add(egui::TextEdit::singleline(&mut self.new_name).desired_width(160.0))
                    .accessible_name("新科目名称");
            }
            if ui.button("添加科目").clicked() {
                add = true;
            }
            let leaf = self.cursor_leaf();
            let b = ui.add_enabled(leaf.is_some(), egui::Button::new("删除所选科目"));
            if b.on_hover_text("删除光标所在的项级科目及其数字（可撤销）")
                .clicked()
            {
                remove = true;
            }
        });
        if add {
            let (c, n) = (self.new_code.clone(), self.new_name.clone());
            match self.add_row(&c, &n) {
                Ok(()) => {
                    self.new_code.clear();
                    self.new_name.clear();
                }
                Err(e) => self.message = Some((e, true)),
            }
        }
        if remove {
            self.remove_cursor_row();
        }
    }
}
