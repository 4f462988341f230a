//! Keyboard and input-method input taken in order, whatever arrives in one frame.

use super::App;
use egui::Key;

/// The input method (输入法) follows the user from field to field.
///
/// On X11, egui-winit switches the input method off and on whenever a widget takes the focus
/// (to end a composition) and whenever no text box has the focus, and each switch makes winit
/// create a new input context; fcitx starts every new context in English, so pinyin was lost
/// on every click into another box. Two things keep the one context:
/// - a pass in which the focus moved, or a mouse button went down or up, is drawn once more
///   (egui's discard): the second pass has no input, asks no interruption, and its input-method
///   request is the one the window acts on. The click's effects (focus, cursor) are kept.
/// - the input method stays allowed while no text box has the focus (a table cell selected),
///   at the place last reported.
///
/// [`KeepIme::begin`] at the start of a pass notes the focus and the mouse buttons;
/// [`KeepIme::end`] at its end does the rest.
pub(crate) struct KeepIme {
    focus: Option<egui::Id>,
    pointer: bool,
}

impl KeepIme {
    pub(crate) fn begin(ctx: &egui::Context) -> KeepIme {
        KeepIme {
            focus: ctx.memory(|m| m.focused()),
            pointer: ctx.input(|i| i.pointer.any_pressed() || i.pointer.any_released()),
        }
    }

    pub(crate) fn end(self, ctx: &egui::Context) {
        keep_input_method(ctx, self.focus, self.pointer);
    }
}

fn keep_input_method(ctx: &egui::Context, focus_before: Option<egui::Id>, pointer: bool) {
    let key = egui::Id::unique("gongkai-ime-rect");
    let focus_after = ctx.memory(|m| m.focused());
    if (focus_after != focus_before || pointer) && !ctx.will_discard() {
        ctx.request_discard("输入法：焦点变化后保持同一输入上下文");
    }
    let last = ctx.output(|o| o.ime);
    match last {
        Some(ime) => {
            ctx.data_mut(|d| d.insert_temp(key, (ime.rect, ime.cursor_rect)));
        }
        None => {
            let (rect, cursor_rect) = ctx
                .data(|d| d.get_temp::<(egui::Rect, egui::Rect)>(key))
                .unwrap_or((egui::Rect::ZERO, egui::Rect::ZERO));
            ctx.output_mut(|o| {
                o.ime = Some(egui::output::IMEOutput {
                    purpose: egui::IMEPurpose::Normal,
                    rect,
                    cursor_rect,
                    should_interrupt_composition: false,
                })
            });
        }
    }
}

impl App {
    /// Esc typed in the same frame as text (a fast typist, a slow frame): egui drops the text
    /// box's focus before the box sees the frame's keys, so the text would go nowhere. The box
    /// keeps the focus for the keys before Esc, and Esc with what follows waits for the next
    /// frame, where it leaves the box as if typed after them.
    pub(super) fn esc_after_typing(&mut self, ctx: &egui::Context) {
        let Some(id) = self.text_focus else { return };
        let held_esc = self.esc_held;
        self.esc_held = false;
        if held_esc {
            // Esc held over from the last frame: it leaves the box now.
            ctx.memory_mut(|m| m.surrender_focus(id));
            return;
        }
        let esc = ctx.input(|i| {
            let is_esc = |e: &egui::Event| {
                matches!(e, egui::Event::Key { key: Key::Escape, pressed: true, modifiers, .. } if !modifiers.any())
            };
            let k = i.events.iter().position(is_esc)?;
            i.events[..k]
                .iter()
                .any(|e| {
                    matches!(
                        e,
                        egui::Event::Text(_)
                            | egui::Event::Ime(_)
                            | egui::Event::Paste(_)
                            | egui::Event::Key { pressed: true, .. }
                    )
                })
                .then_some(k)
        });
        let Some(k) = esc else { return };
        ctx.input_mut(|i| self.hold_over(i, k));
        self.esc_held = true;
        ctx.memory_mut(|m| m.request_focus(id));
        ctx.request_repaint();
    }
}
