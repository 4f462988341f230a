//! The keyboard on the grid: moving the cursor, opening a cell, committing or cancelling, and
//! one step a frame — keys that arrive together are held over and applied in order, so nothing
//! typed at speed is merged or lost.

use super::super::{App, Editing};
use crate::engine::{CellId, CellKind};
use crate::layout::SheetCell;
use crate::shells::store::Change;
use egui::{Event, Key, Modifiers};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Move {
    Up,
    Down,
    Left,
    Right,
}

impl App {
    pub(super) fn is_input_at(&self, r: usize, c: usize) -> Option<CellId> {
        match self.sheet.rows.get(r)?.cells.get(c)? {
            SheetCell::Cell(id)
                if self.session.model.cells[*id as usize].kind == CellKind::Input =>
            {
                Some(*id)
            }
            _ => None,
        }
    }

    /// Moves the cursor one cell (arrows) or to the next input cell in that direction
    /// (Tab/Enter, `inputs_only`). Tab at the end of a row continues on the next row.
    fn move_cursor(&mut self, m: Move, inputs_only: bool, extend: bool) {
        let Some((mut r, mut c)) = self.cursor else {
            return;
        };
        let rows = self.sheet.rows.len();
        let cols = self.sheet.widths.len();
        for _ in 0..rows * cols {
            match m {
                Move::Up if r > 0 => r -= 1,
                Move::Down if r + 1 < rows => r += 1,
                Move::Left if c > 0 => c -= 1,
                Move::Left if inputs_only && r > 0 => {
                    r -= 1;
                    c = cols - 1
                }
                Move::Right if c + 1 < cols => c += 1,
                Move::Right if inputs_only && r + 1 < rows => {
                    r += 1;
                    c = 0
                }
                _ => return,
            }
            if !inputs_only || self.is_input_at(r, c).is_some() {
                self.cursor = Some((r, c));
                if !extend {
                    self.anchor = self.cursor;
                }
                self.scroll_to_cursor = true;
                self.focus_cursor = true;
                return;
            }
        }
    }

    pub(super) fn start_edit(&mut self, initial: Option<String>) {
        let Some(id) = self.cursor_cell() else { return };
        if self.session.model.cells[id as usize].kind != CellKind::Input {
            self.message = Some((
                format!(
                    "{} 由公式计算（或为“——”），不能直接输入。",
                    self.session.model.cell_name(id)
                ),
                true,
            ));
            return;
        }
        let text = initial.unwrap_or_else(|| {
            let (t, r, c) = self.coords(id);
            let key = format!("{}{t}/{r}/{c}", super::super::UNREAD_PREFIX);
            self.session
                .store()
                .workbook()
                .texts
                .get(&key)
                .cloned()
                .or_else(|| {
                    self.session
                        .store()
                        .workbook()
                        .value(&t, &r, &c)
                        .map(|v| v.to_string())
                })
                .unwrap_or_default()
        });
        self.editing = Some(Editing {
            cell: id,
            text,
            fresh: true,
        });
    }

    fn clear_selection(&mut self) {
        let (Some(a), Some(b)) = (self.anchor.or(self.cursor), self.cursor) else {
            return;
        };
        let mut changes = Vec::new();
        for r in a.0.min(b.0)..=a.0.max(b.0) {
            for c in a.1.min(b.1)..=a.1.max(b.1) {
                let Some(SheetCell::Cell(id)) = self.sheet.rows.get(r).and_then(|x| x.cells.get(c))
                else {
                    continue;
                };
                let id = *id;
                let (t, row, col) = self.coords(id);
                match self.session.model.cells[id as usize].kind {
                    CellKind::Input => {
                        changes.push(Change::value(&t, &row, &col, None));
                        changes.push(Change::text(
                            &format!("{}{t}/{row}/{col}", super::super::UNREAD_PREFIX),
                            None,
                        ));
                    }
                    // On a total, Delete drops the printed figure (原表数) and keeps the computed one.
                    CellKind::Derived if self.session.model.asserted_of(id).is_some() => {
                        changes.push(Change::asserted(&t, &row, &col, None));
                    }
                    _ => {}
                }
            }
        }
        let label = if changes
            .iter()
            .any(|c| matches!(c.slot, crate::engine::Slot::Asserted { .. }))
        {
            "采用计算值（删除原表数）"
        } else {
            "清除"
        };
        self.apply(label, &changes, None);
    }

    /// Keyboard events after the first that ends what this frame can do, kept for the next
    /// frame in their order (pointer and other events stay).
    pub(crate) fn hold_over(&mut self, i: &mut egui::InputState, from: usize) {
        let rest = i.events.split_off(from);
        for e in rest {
            let keyboard = matches!(
                e,
                Event::Key { .. }
                    | Event::Text(_)
                    | Event::Paste(_)
                    | Event::Copy
                    | Event::Cut
                    | Event::Ime(_)
            );
            if keyboard {
                self.held.push(e);
            } else {
                i.events.push(e);
            }
        }
    }

    /// A selected cell takes one step per frame, as if keys came one by one: the first key, or
    /// the first character (it opens the cell for typing; what follows goes to the open cell next
    /// frame). The rest waits for the next frame, in order.
    pub(super) fn one_step_in_grid(&mut self, ctx: &egui::Context) {
        ctx.input_mut(|i| {
            let cut = i.events.iter().position(|e| match e {
                Event::Text(t) => !t.trim().is_empty(),
                Event::Key { pressed, .. } => *pressed,
                Event::Paste(_) => true,
                _ => false,
            });
            if let Some(k) = cut {
                self.hold_over(i, k + 1);
            }
        });
        if !self.held.is_empty() {
            ctx.request_repaint();
        }
    }

    /// An open cell: text typed before a key that commits (Enter, Tab, ↑↓) or cancels (Esc) in
    /// the same frame belongs to the cell; the keys after it wait for the next frame.
    pub(super) fn one_step_in_edit(&mut self, ctx: &egui::Context) {
        let mut typed = String::new();
        ctx.input_mut(|i| {
            let Some(k) = i
                .events
                .iter()
                .position(|e| matches!(e, Event::Key { pressed: true, .. }))
            else {
                return;
            };
            let action = matches!(
                &i.events[k],
                Event::Key { key, modifiers, .. }
                    if matches!(key, Key::Enter | Key::Tab | Key::Escape | Key::ArrowUp | Key::ArrowDown)
                        && !modifiers.command
                        && !modifiers.alt
            );
            self.hold_over(i, k + 1);
            if action {
                i.events.retain(|e| match e {
                    Event::Text(t) => {
                        typed.push_str(t);
                        false
                    }
                    Event::Ime(egui::ImeEvent::Commit(t)) => {
                        typed.push_str(t);
                        false
                    }
                    _ => true,
                });
            }
        });
        if let Some(ed) = &mut self.editing {
            ed.text.push_str(&typed);
        }
        if !self.held.is_empty() {
            ctx.request_repaint();
        }
    }

    /// Keys while a cell is selected (not typing).
    pub(super) fn grid_keys(&mut self, ctx: &egui::Context) {
        let events = ctx.input(|i| i.events.clone());
        for ev in events {
            match ev {
                Event::Key {
                    key,
                    pressed: true,
                    modifiers,
                    ..
                } => {
                    let shift = modifiers.shift;
                    match key {
                        Key::ArrowUp => self.move_cursor(Move::Up, false, shift),
                        Key::ArrowDown => self.move_cursor(Move::Down, false, shift),
                        Key::ArrowLeft => self.move_cursor(Move::Left, false, shift),
                        Key::ArrowRight => self.move_cursor(Move::Right, false, shift),
                        Key::Tab if shift => self.move_cursor(Move::Left, true, false),
                        Key::Tab => self.move_cursor(Move::Right, true, false),
                        Key::Enter if shift => self.move_cursor(Move::Up, true, false),
                        Key::Enter => self.move_cursor(Move::Down, true, false),
                        Key::F2 => self.start_edit(None),
                        Key::Delete | Key::Backspace => self.clear_selection(),
                        _ => {}
                    }
                }
                Event::Text(t) if !t.trim().is_empty() => {
                    if self.editing.is_none() {
                        self.start_edit(Some(t));
                    } else if let Some(ed) = &mut self.editing {
                        ed.text.push_str(&t);
                    }
                }
                Event::Paste(t) => self.paste(&t),
                Event::Copy => {
                    let text = self.copy_selection();
                    ctx.copy_text(text);
                }
                _ => {}
            }
        }
    }

    /// Keys while typing in a cell: Enter/Tab commit and move, Esc cancels.
    pub(super) fn edit_keys(&mut self, ctx: &egui::Context) {
        // (move, commit, to the next input cell: Enter and Tab skip computed cells, arrows do not)
        let mut act: Option<(Option<Move>, bool, bool)> = None;
        ctx.input_mut(|i| {
            for (m, key, mv) in [
                (Modifiers::SHIFT, Key::Enter, Move::Up),
                (Modifiers::NONE, Key::Enter, Move::Down),
                (Modifiers::SHIFT, Key::Tab, Move::Left),
                (Modifiers::NONE, Key::Tab, Move::Right),
                (Modifiers::NONE, Key::ArrowUp, Move::Up),
                (Modifiers::NONE, Key::ArrowDown, Move::Down),
            ] {
                if act.is_none() && i.consume_key(m, key) {
                    act = Some((Some(mv), true, matches!(key, Key::Enter | Key::Tab)));
                }
            }
            if act.is_none() && i.consume_key(Modifiers::NONE, Key::Escape) {
                act = Some((None, false, false));
            }
        });
        match act {
            Some((mv, true, inputs_only)) => {
                self.commit_edit();
                self.focus_cursor = true;
                if let Some(mv) = mv {
                    self.move_cursor(mv, inputs_only, false);
                }
            }
            Some((_, false, _)) => {
                self.editing = None;
                self.focus_cursor = true;
                self.message = Some(("已取消输入。".into(), false));
            }
            None => {}
        }
    }
}
