//! The table editor: title block, the printed multi-row header (sticky), and a virtualised grid
//! of cells with Excel-style keyboard entry.

use super::App;
use crate::engine::{CellId, CellKind};
use crate::layout::{Align, SheetCell};
use crate::template::Severity;
use egui::{
    pos2, vec2, Color32, FontId, Id, Rect, Sense, Stroke, StrokeKind, TextEdit, WidgetInfo,
};

const PX_PER_MM: f32 = 3.5;
const ROW_H: f32 = 22.0;
const HEAD_ROW_H: f32 = 36.0;

fn cell_widget_id(table: usize, r: usize, c: usize) -> Id {
    Id::unique(("gongkai-cell", table, r, c))
}

mod keys;

const EDIT_ID: &str = "gongkai-cell-editor";

/// Draws the current table.
pub fn table_view(app: &mut App, ui: &mut egui::Ui) {
    if app.sheet_table != app.table {
        app.sheet = crate::layout::sheet(&app.session.model, app.table);
        app.sheet_table = app.table;
    }
    let set = app.session.set;
    let t = &set.tables[app.table];
    let wb = app.book();
    ui.vertical_centered(|ui| {
        ui.label(egui::RichText::new(&t.title).size(20.0).strong());
    });
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(&t.label).strong());
        ui.label(format!("{}：{}", t.owner(), wb.unit.name));
        ui.label(format!("{}年度", wb.unit.year));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(t.unit_text());
        });
    });
    app.rows_bar(ui);
    // Colour legend (provenance).
    ui.horizontal(|ui| {
        for p in Provenance::ALL {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, p.color(ui.visuals()));
            ui.painter().rect_stroke(
                rect,
                2.0,
                ui.visuals().widgets.noninteractive.bg_stroke,
                StrokeKind::Inside,
            );
            ui.label(egui::RichText::new(p.label()).small());
        }
    });

    let ctx = ui.ctx().clone();
    let table = app.table;
    if app.modal_open() {
        // A dialog owns the keyboard: nothing typed or pasted there reaches a cell behind it.
    } else if app.editing.is_some() {
        app.one_step_in_edit(&ctx);
        app.edit_keys(&ctx);
    } else if app.cursor.is_some() {
        let focused = ctx.memory(|m| m.focused());
        let grid_has_focus = app
            .cursor
            .map(|(r, c)| focused == Some(cell_widget_id(table, r, c)))
            .unwrap_or(false);
        if grid_has_focus {
            app.one_step_in_grid(&ctx);
            app.grid_keys(&ctx);
        } else if app.focus_cursor && ctx.memory(|m| m.focused()).is_none() {
            // The cell takes the focus back this frame (after Esc or Enter): keys already here
            // are for it, next frame.
            ctx.input_mut(|i| app.hold_over(i, 0));
            if !app.held.is_empty() {
                ctx.request_repaint();
            }
        }
    }

    // Taken out for drawing (cell text and tips read the model and store, not the sheet).
    let sheet_owned = std::mem::take(&mut app.sheet);
    let sheet = &sheet_owned;
    let widths: Vec<f32> = sheet.widths.iter().map(|w| w * PX_PER_MM).collect();
    let mut xs = vec![0.0f32];
    for w in &widths {
        xs.push(xs.last().copied().unwrap_or(0.0) + w);
    }
    let total_w = *xs.last().unwrap_or(&0.0);
    let header_h = sheet.header_rows as f32 * HEAD_ROW_H;
    let nrows = sheet.rows.len();
    let body_h = nrows as f32 * ROW_H;
    let scroll_target = app.scroll_to_cursor.then_some(app.cursor).flatten();
    app.scroll_to_cursor = false;

    let mut clicked: Option<((usize, usize), bool, bool)> = None; // (pos, double, shift)
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show_viewport(ui, |ui, viewport| {
            ui.set_min_size(vec2(total_w + 2.0, header_h + body_h + 2.0));
            let origin = ui.min_rect().min;
            let visuals = ui.visuals().clone();
            let grid_stroke = Stroke::new(1.0, visuals.widgets.noninteractive.bg_stroke.color);
            let font = FontId::proportional(13.0);
            let first = ((viewport.min.y - header_h) / ROW_H).floor().max(0.0) as usize;
            let last = (((viewport.max.y) / ROW_H).ceil() as usize + 1).min(nrows);
            if let Some((r, _)) = scroll_target {
                let y = origin.y + header_h + r as f32 * ROW_H;
                let rect =
                    Rect::from_min_size(pos2(origin.x, y - header_h), vec2(1.0, ROW_H + header_h));
                ui.scroll_to_rect(rect, None);
            }
            for r in first..last {
                let row = &sheet.rows[r];
                let y = origin.y + header_h + r as f32 * ROW_H;
                if row.heading {
                    let rect = Rect::from_min_size(pos2(origin.x, y), vec2(total_w, ROW_H));
                    if let Some(SheetCell::Text(s, _)) = row.cells.first() {
                        ui.painter().text(
                            rect.left_center() + vec2(4.0, 0.0),
                            egui::Align2::LEFT_CENTER,
                            s,
                            font.clone(),
                            visuals.strong_text_color(),
                        );
                    }
                    ui.painter()
                        .rect_stroke(rect, 0.0, grid_stroke, StrokeKind::Inside);
                    continue;
                }
                for (c, cell) in row.cells.iter().enumerate() {
                    let rect = Rect::from_min_max(
                        pos2(origin.x + xs[c], y),
                        pos2(origin.x + xs[c + 1], y + ROW_H),
                    );
                    let is_cursor = app.cursor == Some((r, c));
                    let in_sel = match (app.anchor, app.cursor) {
                        (Some(a), Some(b)) => {
                            (a.0.min(b.0)..=a.0.max(b.0)).contains(&r)
                                && (a.1.min(b.1)..=a.1.max(b.1)).contains(&c)
                        }
                        _ => false,
                    };
                    match cell {
                        SheetCell::Blank => {}
                        SheetCell::Text(s, align) => {
                            let (anchor, pos) = match align {
                                Align::Left => (
                                    egui::Align2::LEFT_CENTER,
                                    rect.left_center() + vec2(4.0, 0.0),
                                ),
                                Align::Center => (egui::Align2::CENTER_CENTER, rect.center()),
                                Align::Right => (
                                    egui::Align2::RIGHT_CENTER,
                                    rect.right_center() - vec2(4.0, 0.0),
                                ),
                            };
                            let p = ui.painter().with_clip_rect(rect.intersect(ui.clip_rect()));
                            p.text(pos, anchor, s, font.clone(), visuals.text_color());
                        }
                        SheetCell::Cell(id) => {
                            let id = *id;
                            let kind = app.session.model.cells[id as usize].kind;
                            let editing_here = app.editing.as_ref().is_some_and(|e| e.cell == id);
                            let wid = cell_widget_id(table, r, c);
                            let resp = ui.interact(rect, wid, Sense::click());
                            let text = app.cell_text(id);
                            let name = app.session.model.cell_name(id);
                            resp.widget_info(|| {
                                WidgetInfo::text_edit(kind == CellKind::Input, &text, &text, "")
                            });
                            let resp = resp.accessible_name(name.clone());
                            let prov = app.provenance(id);
                            let unread = prov == Provenance::Unread;
                            let bg = prov.color(&visuals);
                            ui.painter().rect_filled(rect, 0.0, bg);
                            if in_sel && !is_cursor {
                                ui.painter().rect_filled(
                                    rect,
                                    0.0,
                                    visuals.selection.bg_fill.gamma_multiply(0.35),
                                );
                            }
                            if editing_here {
                                let edit_id = Id::unique(EDIT_ID);
                                if let Some(ed) = &mut app.editing {
                                    if ed.fresh {
                                        let mut st =
                                            egui::text_edit::TextEditState::load(ui.ctx(), edit_id)
                                                .unwrap_or_default();
                                        let end = egui::text::CCursor::new(ed.text.chars().count());
                                        st.cursor.set_char_range(Some(
                                            egui::text::CCursorRange::one(end),
                                        ));
                                        st.store(ui.ctx(), edit_id);
                                        ed.fresh = false;
                                    }
                                    let te = TextEdit::singleline(&mut ed.text)
                                        .id(edit_id)
                                        .lock_focus(true)
                                        .align(egui::Align2::RIGHT_CENTER)
                                        .margin(vec2(3.0, 2.0))
                                        .font(font.clone());
                                    let r2 = ui.put(rect, te);
                                    let r2 = r2.accessible_name(format!("编辑 {name}"));
                                    if !r2.has_focus() {
                                        r2.request_focus();
                                    }
                                }
                            } else {
                                let color = if unread {
                                    Color32::from_rgb(170, 0, 0)
                                } else if kind == CellKind::Locked {
                                    visuals.weak_text_color()
                                } else {
                                    visuals.text_color()
                                };
                                let (anchor, pos) = if kind == CellKind::Locked || unread {
                                    (egui::Align2::CENTER_CENTER, rect.center())
                                } else {
                                    (
                                        egui::Align2::RIGHT_CENTER,
                                        rect.right_center() - vec2(4.0, 0.0),
                                    )
                                };
                                let p = ui.painter().with_clip_rect(rect.intersect(ui.clip_rect()));
                                p.text(pos, anchor, &text, font.clone(), color);
                            }
                            if let Some(sev) = app.marks.get(&id) {
                                let col = match sev {
                                    Severity::Error => Color32::from_rgb(210, 30, 30),
                                    Severity::Warning => Color32::from_rgb(230, 140, 0),
                                    Severity::Info => Color32::from_rgb(120, 150, 200),
                                };
                                ui.painter().rect_stroke(
                                    rect.shrink(1.0),
                                    0.0,
                                    Stroke::new(1.5, col),
                                    StrokeKind::Inside,
                                );
                            }
                            // Enter/Space on a focused widget also count as clicks in egui: only
                            // pointer clicks select.
                            let by_pointer = ui.input(|i| i.pointer.any_released());
                            if by_pointer && (resp.clicked() || resp.double_clicked()) {
                                let shift = ui.input(|i| i.modifiers.shift);
                                clicked = Some(((r, c), resp.double_clicked(), shift));
                            }
                            if is_cursor
                                && app.editing.is_none()
                                && !resp.has_focus()
                                && (app.focus_cursor || ui.memory(|m| m.focused().is_none()))
                            {
                                resp.request_focus();
                                app.focus_cursor = false;
                            }
                            if is_cursor {
                                ui.memory_mut(|m| {
                                    m.set_focus_lock_filter(
                                        wid,
                                        egui::EventFilter {
                                            tab: true,
                                            horizontal_arrows: true,
                                            vertical_arrows: true,
                                            // Esc in a burst of keys must not take the focus
                                            // from the grid before it reaches the cell.
                                            escape: true,
                                        },
                                    )
                                });
                            }
                            if resp.hovered() {
                                let tip = app.cell_tip(id);
                                resp.on_hover_text(tip);
                            }
                            // The cell an undo or redo just changed, marked for 1.5 s.
                            if let Some((f, at)) = app.flash {
                                let age = at.elapsed();
                                let show = std::time::Duration::from_millis(1500);
                                if f == id && age < show {
                                    ui.painter().rect_filled(
                                        rect,
                                        0.0,
                                        Color32::from_rgb(250, 200, 40).gamma_multiply(0.45),
                                    );
                                    // One repaint when the mark is due to go.
                                    ui.ctx().request_repaint_after(show - age);
                                }
                            }
                        }
                    }
                    ui.painter()
                        .rect_stroke(rect, 0.0, grid_stroke, StrokeKind::Inside);
                    if is_cursor {
                        ui.painter().rect_stroke(
                            rect,
                            0.0,
                            Stroke::new(2.0, visuals.selection.stroke.color),
                            StrokeKind::Inside,
                        );
                    }
                }
            }
            // Sticky header, drawn over the rows at the top of the visible area.
            let hy = origin.y + viewport.min.y.max(0.0);
            let head_bg = visuals.widgets.inactive.bg_fill;
            ui.painter().rect_filled(
                Rect::from_min_size(pos2(origin.x, hy), vec2(total_w, header_h)),
                0.0,
                head_bg,
            );
            for h in &sheet.header {
                let rect = Rect::from_min_max(
                    pos2(origin.x + xs[h.col], hy + h.row as f32 * HEAD_ROW_H),
                    pos2(
                        origin.x + xs[(h.col + h.colspan).min(xs.len() - 1)],
                        hy + (h.row + h.rowspan) as f32 * HEAD_ROW_H,
                    ),
                );
                let galley = ui.painter().layout(
                    h.text.clone(),
                    FontId::proportional(12.5),
                    visuals.strong_text_color(),
                    rect.width() - 6.0,
                );
                let pos = rect.center() - galley.size() / 2.0;
                ui.painter()
                    .with_clip_rect(rect)
                    .galley(pos, galley, visuals.text_color());
                ui.painter()
                    .rect_stroke(rect, 0.0, grid_stroke, StrokeKind::Inside);
            }
            if nrows == 0 {
                ui.painter().text(
                    pos2(origin.x + 8.0, origin.y + header_h + 12.0),
                    egui::Align2::LEFT_CENTER,
                    if t.empty_text.is_empty() {
                        "说明：本表无数据"
                    } else {
                        &t.empty_text
                    },
                    font,
                    visuals.weak_text_color(),
                );
            }
        });

    app.sheet = sheet_owned;
    if let Some((pos, double, shift)) = clicked {
        if app
            .editing
            .as_ref()
            .is_some_and(|e| Some(e.cell) != app.is_input_at(pos.0, pos.1))
        {
            app.commit_edit();
        }
        app.cursor = Some(pos);
        if !shift {
            app.anchor = Some(pos);
        }
        ctx.memory_mut(|m| m.request_focus(cell_widget_id(table, pos.0, pos.1)));
        if double && app.editing.is_none() {
            app.start_edit(None);
        }
    }
}

impl App {
    /// Hover text: the cell's name, how it is computed, a printed figure it is checked against,
    /// and its findings.
    /// Where a cell's figure comes from.
    pub fn provenance(&self, id: CellId) -> Provenance {
        match self.session.model.cells[id as usize].kind {
            CellKind::Locked => Provenance::Locked,
            CellKind::Input if self.is_unread(id) => Provenance::Unread,
            CellKind::Input => Provenance::Typed,
            CellKind::Derived if self.session.model.asserted_of(id).is_some() => {
                Provenance::Asserted
            }
            CellKind::Derived => Provenance::Derived,
        }
    }

    fn cell_tip(&self, id: CellId) -> String {
        let mut lines = vec![
            self.session.model.cell_name(id),
            format!("来源：{}", self.provenance(id).label()),
        ];
        match self.session.model.cells[id as usize].kind {
            CellKind::Derived => {
                lines.push(self.session.model.formula_text(id));
                if let Some(a) = self.session.model.asserted_of(id) {
                    lines.push(format!("原表数：{}", crate::amount::format_amount(a, 2)));
                }
            }
            CellKind::Locked => lines.push("此格按规定不填（——）".into()),
            CellKind::Input => {
                if self.is_unread(id) {
                    lines.push("无法识别为金额，已保留原文：请改为数字".into());
                }
            }
        }
        // In a 部门: each unit's part and the 调整's.
        let parts = self.parts_lines(id);
        if !parts.is_empty() {
            lines.push("构成：".into());
            lines.extend(parts.into_iter().map(|p| format!("  {p}")));
        }
        let (t, r, c) = self.coords(id);
        for f in &self.session.findings {
            if f.table == t && f.row == r && f.col == c {
                lines.push(format!("[{}] {}", f.severity.label(), f.message));
            }
        }
        lines.join("\n")
    }
}

/// Where a cell's figure comes from, shown by its colour (legend above the table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Typed by the user (an input cell).
    Typed,
    /// Computed from other cells.
    Derived,
    /// A computed cell carrying a figure copied from a printed or imported document, checked
    /// against the computed value.
    Asserted,
    /// "——": not to be filled.
    Locked,
    /// Typed text that is not an amount (kept until corrected).
    Unread,
}

impl Provenance {
    pub const ALL: [Provenance; 5] = [
        Provenance::Typed,
        Provenance::Derived,
        Provenance::Asserted,
        Provenance::Locked,
        Provenance::Unread,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Provenance::Typed => "输入",
            Provenance::Derived => "计算",
            Provenance::Asserted => "原表数（导入或抄录，已核对）",
            Provenance::Locked => "不填",
            Provenance::Unread => "无法识别",
        }
    }

    pub fn color(self, v: &egui::Visuals) -> Color32 {
        match self {
            Provenance::Typed => v.extreme_bg_color,
            Provenance::Derived if v.dark_mode => Color32::from_rgb(40, 48, 60),
            Provenance::Derived => Color32::from_rgb(232, 238, 246),
            Provenance::Asserted if v.dark_mode => Color32::from_rgb(70, 62, 30),
            Provenance::Asserted => Color32::from_rgb(250, 243, 214),
            Provenance::Locked => v.widgets.noninteractive.bg_fill,
            Provenance::Unread => Color32::from_rgb(255, 215, 215),
        }
    }
}
