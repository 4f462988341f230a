//! 新建绩效表单…: a small window choosing the form template (those the workbook's family attaches)
//! and the project's name; the form is added as one undoable step and opened. 删除此表单 on a
//! form's screen asks once and removes it as one undoable step.

use super::{App, View};
use crate::shells::store::Change;
use crate::template::Registry;
use egui::{Color32, RichText};

#[derive(Debug, Clone, Default)]
pub struct NewForm {
    /// Index into `perf::templates_for(set family)`.
    pub template: usize,
    pub name: String,
    pub error: Option<String>,
    /// Put the cursor in the name box on the next frame.
    pub focus: bool,
}

impl App {
    pub fn open_new_form(&mut self) {
        self.commit_edit();
        self.commit_drafts();
        // Preselect the template the workbook's forms already use.
        let reg = Registry::installed();
        let list = crate::engine::perf::templates_for(reg, &self.session.set.family);
        let used = self
            .session
            .store()
            .workbook()
            .records
            .values()
            .next()
            .map(|r| r.kind.clone());
        let template = used
            .and_then(|k| list.iter().position(|t| t.id == k))
            .unwrap_or(0);
        self.new_form = Some(NewForm {
            template,
            focus: true,
            ..Default::default()
        });
    }

    /// Adds the form the window describes; on success the window closes and the form opens.
    pub fn create_form(&mut self) {
        let reg = Registry::installed();
        let list = crate::engine::perf::templates_for(reg, &self.session.set.family);
        let Some(w) = self.new_form.as_mut() else {
            return;
        };
        let Some(t) = list.get(w.template).copied() else {
            w.error = Some("请选择表单类型。".into());
            return;
        };
        let wb = self.session.store().workbook();
        if let Some(e) = crate::engine::perf::check_new(reg, wb, t, &w.name) {
            w.error = Some(e);
            return;
        }
        let id = crate::engine::perf::next_id(wb, t);
        let rec = crate::engine::Record {
            kind: t.id.clone(),
            body: crate::engine::perf::blank_form(t, &w.name).to_json(),
        };
        let label = format!("新建表单「{id}」{}", w.name.trim());
        self.new_form = None;
        let show = id.clone();
        self.apply_then(
            &label,
            &[Change::new(
                crate::engine::Slot::Record(id),
                Some(crate::engine::workbook::record_text(&rec)),
            )],
            None,
            Some(Box::new(move |app: &mut App| {
                app.show_view(View::Form(show))
            })),
        );
    }

    /// Removes form `id` (one undoable step) and shows the first table.
    pub fn delete_form(&mut self, id: &str) {
        self.confirm_delete = None;
        let label = self
            .forms
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.label.clone())
            .unwrap_or_default();
        let gone = id.to_string();
        self.apply_then(
            &format!("删除表单「{id}」{label}"),
            &[Change::new(
                crate::engine::Slot::Record(id.to_string()),
                None,
            )],
            None,
            Some(Box::new(move |app: &mut App| {
                app.select_table(0);
                app.message = Some((format!("已删除表单「{gone}」，可撤销。"), false));
            })),
        );
    }

    pub(crate) fn new_form_window(&mut self, ctx: &egui::Context) {
        if self.new_form.is_none() {
            return;
        }
        let reg = Registry::installed();
        let list = crate::engine::perf::templates_for(reg, &self.session.set.family);
        let year = self.session.store().workbook().unit.year.to_string();
        let (mut create, mut close) = (false, false);
        let Some(w) = self.new_form.as_mut() else {
            return;
        };
        egui::Window::new("新建绩效表单")
            .collapsible(false)
            .resizable(false)
            .min_width(470.0)
            .show(ctx, |ui| {
                let title = |i: usize| {
                    list.get(i)
                        .map(|t| format!("{}（{}）", t.title.replace("{year}", &year), t.family))
                        .unwrap_or_default()
                };
                egui::ComboBox::from_label("表单类型")
                    .selected_text(title(w.template))
                    .width(330.0)
                    .show_ui(ui, |ui| {
                        for i in 0..list.len() {
                            ui.selectable_value(&mut w.template, i, title(i));
                        }
                    });
                if let Some(t) = list.get(w.template) {
                    if !t.name_field.is_empty() {
                        let label = t
                            .fields
                            .iter()
                            .find(|f| f.key == t.name_field)
                            .map(|f| f.label.clone())
                            .unwrap_or_else(|| "项目名称".into());
                        ui.label(label.clone());
                        let r = ui
                            .add(egui::TextEdit::singleline(&mut w.name).desired_width(360.0))
                            .accessible_name(label.as_str());
                        if std::mem::take(&mut w.focus) {
                            r.request_focus();
                        }
                        if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                            create = true;
                        }
                    }
                }
                if let Some(e) = &w.error {
                    ui.label(RichText::new(e).color(Color32::from_rgb(190, 30, 30)));
                }
                ui.horizontal(|ui| {
                    if ui.button("创建").clicked() {
                        create = true;
                    }
                    if ui.button("取消").clicked() {
                        close = true;
                    }
                });
            });
        if close {
            self.new_form = None;
        } else if create {
            self.create_form();
        }
    }
}
