//! A 绩效 form on screen as it is printed: the same paper layout (`layout::form`) the PDF and
//! the Excel sheet are made from — ruled rows, merged 一级/二级 and 得分 cells, the columns of
//! each block aligned — with an input box in every cell the user fills in. A cell typed into is
//! written back through the layout's own binding (`layout::form::apply`, as an edited Excel
//! sheet is read) and saved field by field; derived cells (总分, 等级, 执行率) are shown, not typed.

use super::App;
use crate::layout::form::{form_sheet, Bind, IndAttr, RevCol, SRow};
use crate::layout::Align;
use crate::shells::store::Change;
use egui::{pos2, vec2, Align2, Color32, FontId, Rect, Sense, Stroke, StrokeKind};

/// The name a screen reader (and a test) finds a bound cell by.
fn cell_name(b: &Bind) -> Option<String> {
    Some(match b {
        Bind::Field(k) => k.clone(),
        Bind::Money(k) => format!("资金 {}", k.replace('/', " ")),
        Bind::RateScore => "执行率得分".into(),
        Bind::Ind(i, a) => format!(
            "指标{} {}",
            i + 1,
            match a {
                IndAttr::Name => "三级指标",
                IndAttr::Target => "年度指标值",
                IndAttr::PeriodTarget => "实施期指标值",
                IndAttr::Actual => "完成值",
                IndAttr::Reason => "未完成原因",
                IndAttr::Weight => "分值",
                IndAttr::Score => "得分",
            }
        ),
        Bind::Block(l1) => format!("{l1} 得分"),
        Bind::Total => "总分".into(),
        Bind::Reviewer(role, i, c) => format!(
            "{role}{} {}",
            i + 1,
            match c {
                RevCol::Name => "姓名",
                RevCol::Title => "职称/职务",
                RevCol::Unit => "工作单位",
            }
        ),
        Bind::Ledger(k) => format!("基础数据 {}", k.replace('/', " ")),
        Bind::Item(k, i, c) => format!(
            "{} {} {}",
            k.replace('/', " "),
            i + 1,
            c.as_deref().unwrap_or("名称")
        ),
        Bind::Derived => return None,
    })
}

/// The text slot keeping what was typed into figure cell `name` of form `id` and is not a figure.
fn unread_key(id: &str, name: &str) -> String {
    format!(
        "{}{}{id}/{name}",
        crate::engine::UNREAD,
        crate::engine::FORM_CELL
    )
}

fn align2(a: Align) -> Align2 {
    match a {
        Align::Left => Align2::LEFT_CENTER,
        Align::Center => Align2::CENTER_CENTER,
        Align::Right => Align2::RIGHT_CENTER,
    }
}

impl App {
    /// Draws form `id` in its paper layout, every fillable cell an input box.
    pub(crate) fn paper_form(&mut self, ui: &mut egui::Ui, id: &str) {
        let Some(s) = self.session.scored_form(id) else {
            return;
        };
        // Laid out once per evaluation, not every frame.
        let sheet = match &self.paper {
            Some((pid, at, sheet)) if pid == id && *at == self.evaluated => sheet.clone(),
            _ => {
                let sheet = std::rc::Rc::new(form_sheet(s, self.book().unit.year));
                self.paper = Some((id.to_string(), self.evaluated, sheet.clone()));
                sheet
            }
        };
        let Some(s) = self.session.scored_form(id) else {
            return;
        };
        let form = s.form.clone();
        let template = s.template;
        let width = ui.available_width().clamp(600.0, 1200.0);
        let font = FontId::proportional(13.0);
        let line = ui.text_style_height(&egui::TextStyle::Body);
        let rule = Stroke::new(1.0, Color32::from_gray(60));
        let fill = Color32::from_rgb(255, 252, 232);
        let mut commit: Vec<(Bind, String, String)> = Vec::new();
        let bad = Color32::from_rgb(255, 222, 222);
        for (ri, row) in sheet.rows.iter().enumerate() {
            // The table's bottom rule: under the last ruled row before anything else.
            let last_grid = !matches!(sheet.rows.get(ri + 1), Some(SRow::Grid { .. }));
            match row {
                SRow::Heading { text, center, .. } => {
                    if *center {
                        ui.vertical_centered(|ui| ui.heading(text));
                    } else {
                        ui.strong(text);
                    }
                }
                SRow::Subtitle(t) => {
                    ui.vertical_centered(|ui| ui.label(t));
                }
                SRow::Meta(items) => {
                    ui.horizontal_wrapped(|ui| {
                        for (label, c) in items {
                            ui.label(format!("{label}{}", c.text));
                        }
                    });
                }
                SRow::Note { text, .. } => {
                    ui.label(egui::RichText::new(text).small());
                }
                SRow::Gap(mm) => ui.add_space(mm * 2.0),
                // The caption printed again after a page break; a screen has no pages.
                SRow::RepeatStart { .. } | SRow::RepeatEnd => {}
                SRow::Grid { widths, cells, .. } => {
                    let total: f32 = widths.iter().sum::<f32>().max(1.0);
                    // Each cell's x range (spans cover several physical columns).
                    let mut xs = Vec::new();
                    let mut col = 0;
                    for c in cells {
                        let a: f32 = widths[..col.min(widths.len())].iter().sum();
                        let b: f32 = widths[..(col + c.span).min(widths.len())].iter().sum();
                        xs.push((a / total * width, b / total * width));
                        col += c.span;
                    }
                    // Height: the tallest wrapped text (an input box grows with its text).
                    let h = cells
                        .iter()
                        .zip(&xs)
                        .filter(|(c, _)| !c.cont)
                        .map(|(c, (a, b))| {
                            let g = ui.painter().layout(
                                c.text.clone(),
                                font.clone(),
                                Color32::BLACK,
                                (b - a - 8.0).max(10.0),
                            );
                            g.size().y + 8.0
                        })
                        .fold(line + 8.0, f32::max);
                    let (rect, _) = ui.allocate_exact_size(vec2(width, h), Sense::hover());
                    for (ci, (c, (a, b))) in cells.iter().zip(&xs).enumerate() {
                        let r = Rect::from_min_max(
                            pos2(rect.left() + a, rect.top()),
                            pos2(rect.left() + b, rect.bottom()),
                        );
                        let p = ui.painter();
                        // Each row rules its own top; a merged cell continues the one above, so
                        // no rule between them.
                        p.line_segment([r.left_top(), r.left_bottom()], rule);
                        p.line_segment([r.right_top(), r.right_bottom()], rule);
                        if last_grid {
                            p.line_segment([r.left_bottom(), r.right_bottom()], rule);
                        }
                        if !c.cont {
                            p.line_segment([r.left_top(), r.right_top()], rule);
                        }
                        if c.cont {
                            continue;
                        }
                        let name = c.bind.as_ref().and_then(cell_name);
                        match name {
                            Some(name) => {
                                let key = format!("纸面/{id}/{ri}/{ci}");
                                // Text that is not a figure, kept from an earlier try.
                                let unread = self
                                    .session
                                    .workbook()
                                    .texts
                                    .get(&unread_key(id, &name))
                                    .cloned();
                                let shown = unread.clone().unwrap_or_else(|| c.text.clone());
                                let mut text =
                                    self.drafts.get(&key).cloned().unwrap_or(shown.clone());
                                let inner = r.shrink(2.0);
                                let bg = if unread.is_some() { bad } else { fill };
                                ui.painter().rect_filled(inner, 2.0, bg);
                                let te = egui::TextEdit::multiline(&mut text)
                                    .id_salt(("paper", id, ri, ci))
                                    .frame(egui::Frame::NONE)
                                    .font(font.clone())
                                    .desired_rows(1)
                                    .desired_width(inner.width() - 6.0)
                                    .align(align2(c.align));
                                let resp = ui.put(inner, te).accessible_name(name.clone());
                                if resp.has_focus() {
                                    ui.painter().rect_stroke(
                                        inner,
                                        2.0,
                                        Stroke::new(1.5, Color32::from_rgb(40, 110, 200)),
                                        StrokeKind::Inside,
                                    );
                                }
                                if resp.changed() {
                                    self.drafts.insert(key.clone(), text.clone());
                                }
                                if resp.lost_focus() || (resp.changed() && !resp.has_focus()) {
                                    if let Some(d) = self.drafts.remove(&key) {
                                        if d.trim() != shown.trim() {
                                            let b = c.bind.clone().unwrap_or(Bind::Derived);
                                            commit.push((b, d, name));
                                        }
                                    }
                                }
                            }
                            None => {
                                let g = ui.painter().layout(
                                    c.text.clone(),
                                    if c.strong {
                                        FontId::proportional(13.5)
                                    } else {
                                        font.clone()
                                    },
                                    Color32::BLACK,
                                    (r.width() - 8.0).max(10.0),
                                );
                                let anchor = align2(c.align);
                                let gr = anchor.align_size_within_rect(g.size(), r.shrink(4.0));
                                ui.painter().galley(gr.min, g, Color32::BLACK);
                            }
                        }
                    }
                }
            }
        }
        // New indicators go in under their 一级 and 二级, as on the paper form.
        let mut add: Option<(String, String)> = None;
        if let Some(spec) = &template.indicators {
            ui.add_space(6.0);
            ui.horizontal_wrapped(|ui| {
                for l1 in &spec.level1 {
                    ui.menu_button(format!("添加{}", l1.name), |ui| {
                        for l2 in &l1.level2 {
                            if ui.button(l2).clicked() {
                                add = Some((l1.name.clone(), l2.clone()));
                                ui.close();
                            }
                        }
                    });
                }
            });
        }
        if let Some((l1, l2)) = add {
            self.add_indicator(id, &form, &l1, &l2);
        }
        for (bind, text, name) in commit {
            let mut f = form.clone();
            let unread = unread_key(id, &name);
            let had = self.session.workbook().texts.contains_key(&unread);
            let label = format!("修改表单「{id}」{name}");
            match crate::layout::form::apply(&mut f, &bind, &text) {
                Ok(()) => {
                    let mut changes = self.form_changes(id, &f);
                    if had {
                        changes.push(Change::text(&unread, None));
                    }
                    if !changes.is_empty() {
                        self.apply(&label, &changes, None);
                    }
                }
                // Kept as typed (in the file, one undo step) until corrected; TEXT-1 holds
                // back the 定稿 like text in a table's amount cell.
                Err(m) => self.apply(
                    &label,
                    &[Change::text(&unread, Some(&text))],
                    Some(format!("{name}：{m}（原文已保留）")),
                ),
            }
        }
    }
}
