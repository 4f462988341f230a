//! A cell's text and what typing or pasting into it changes: amounts parsed (text that is not
//! an amount kept and named), blocks pasted from Excel as one step, a selection copied.

use super::*;

impl App {
    pub(crate) fn unread_key(table: &str, row: &str, col: &str) -> String {
        format!("{UNREAD_PREFIX}{table}/{row}/{col}")
    }

    /// The text shown in a cell: an unread entry as typed, else the formatted figure.
    pub fn cell_text(&self, id: CellId) -> String {
        let info = &self.session.model.cells[id as usize];
        let (t, r, c) = self.coords(id);
        let dp = self.session.set.tables[info.table].columns[info.col].dp;
        match info.kind {
            CellKind::Locked => "——".into(),
            CellKind::Input => {
                if let Some(raw) = self
                    .session
                    .store()
                    .workbook()
                    .texts
                    .get(&Self::unread_key(&t, &r, &c))
                {
                    return raw.clone();
                }
                self.session
                    .store()
                    .workbook()
                    .value(&t, &r, &c)
                    .map(|v| format_amount(v, dp))
                    .unwrap_or_default()
            }
            CellKind::Derived => {
                let v = self.session.model.value_of(id);
                if v.is_zero() {
                    String::new()
                } else {
                    format_amount(v, dp)
                }
            }
        }
    }

    /// Whether the cell holds text that could not be read as an amount.
    pub fn is_unread(&self, id: CellId) -> bool {
        let (t, r, c) = self.coords(id);
        self.session
            .store()
            .workbook()
            .texts
            .contains_key(&Self::unread_key(&t, &r, &c))
    }

    /// The changes that put `text` (as typed) into input cell `id`; the error message if the
    /// text is not an amount (it is kept as typed).
    pub(crate) fn changes_for(&self, id: CellId, text: &str) -> (Vec<Change>, Option<String>) {
        let (t, r, c) = self.coords(id);
        let key = Self::unread_key(&t, &r, &c);
        match parse_amount(text) {
            Ok(v) => (
                vec![Change::value(&t, &r, &c, v), Change::text(&key, None)],
                None,
            ),
            Err(e) => (
                vec![
                    Change::value(&t, &r, &c, None),
                    Change::text(&key, Some(text)),
                ],
                Some(format!(
                    "{}：{e}。已保留原文，请改正。",
                    self.session.model.cell_name(id)
                )),
            ),
        }
    }

    /// Pastes tab-separated text (a block copied from Excel) at the cursor as one undo step.
    pub fn paste(&mut self, text: &str) {
        let Some((r0, c0)) = self.cursor else { return };
        let mut changes = Vec::new();
        let mut problems = Vec::new();
        let mut skipped = 0;
        let lines: Vec<&str> = text.trim_end_matches(['\r', '\n']).split('\n').collect();
        for (dr, line) in lines.iter().enumerate() {
            for (dc, val) in line.trim_end_matches('\r').split('\t').enumerate() {
                let target = self
                    .sheet
                    .rows
                    .get(r0 + dr)
                    .and_then(|row| row.cells.get(c0 + dc));
                match target {
                    Some(SheetCell::Cell(id))
                        if self.session.model.cells[*id as usize].kind == CellKind::Input =>
                    {
                        let (ch, p) = self.changes_for(*id, val.trim());
                        changes.extend(ch);
                        problems.extend(p);
                    }
                    _ => skipped += 1,
                }
            }
        }
        let mut msg = Vec::new();
        if skipped > 0 {
            msg.push(format!(
                "{skipped} 格不是输入格（计算格、锁定格或表外），已跳过"
            ));
        }
        msg.extend(problems);
        let label = format!("粘贴 {} 行", lines.len());
        self.apply(&label, &changes, (!msg.is_empty()).then(|| msg.join("；")));
    }

    /// Tab-separated plain figures of the selected range (for Excel).
    pub fn copy_selection(&self) -> String {
        let (Some(a), Some(b)) = (self.anchor.or(self.cursor), self.cursor) else {
            return String::new();
        };
        let (r0, r1) = (a.0.min(b.0), a.0.max(b.0));
        let (c0, c1) = (a.1.min(b.1), a.1.max(b.1));
        let mut out = Vec::new();
        for r in r0..=r1 {
            let mut line = Vec::new();
            for c in c0..=c1 {
                line.push(match self.sheet.rows.get(r).and_then(|x| x.cells.get(c)) {
                    Some(SheetCell::Cell(id)) => self.cell_text(*id).replace(',', ""),
                    Some(SheetCell::Text(t, _)) => t.clone(),
                    _ => String::new(),
                });
            }
            out.push(line.join("\t"));
        }
        out.join("\n")
    }
}
