//! A form edit is stored field by field: the history step of a 完成值 typed on the form screen
//! holds that field alone (its old and new value, not two copies of the whole form), undo and
//! redo replay it, and a reopened file holds the form as edited.

mod common;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use gongkai::engine::Slot;
use gongkai::session::Session;
use gongkai::ui::{install_fonts, open_or_create_default, App};

#[test]
fn a_form_field_is_one_stored_change() {
    let p = common::fresh_dir("form-fields", "one").join("w.gongkai");
    let app = App::new(open_or_create_default(&p).unwrap()).unwrap();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 2600.0))
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    h.run();
    h.get_by_label_contains("自评01 项目支出绩效自评表").click();
    h.run();
    let before = h.state().store().workbook().records["自评01"].body.clone();
    let old_actual = before["indicators"][0]["actual"]
        .as_str()
        .unwrap()
        .to_string();
    // The 纸面 view (the default): the cell of the printed form.
    assert!(h.state().form_paper);
    h.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "指标1 完成值")
        .click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.event(egui::Event::Text("99个".into()));
    h.run();
    h.key_press(Key::Tab);
    h.run();
    h.run();
    let after = h.state().store().workbook().records["自评01"].body.clone();
    assert_eq!(after["indicators"][0]["actual"], "99个");
    let label = h.state().store().undo_label().unwrap();
    assert!(label.contains("指标1 完成值"), "{label}");
    drop(h);

    // What the file keeps for that step: one field, its old and new value.
    let mut s = Session::open(&p).unwrap();
    assert_eq!(s.workbook().records["自评01"].body, after, "reopened");
    let r = s.undo().unwrap().unwrap();
    assert_eq!(r.changes.len(), 1, "{:?}", r.changes);
    let c = &r.changes[0];
    assert_eq!(c.slot, Slot::field("自评01", "/indicators/0/actual"));
    assert_eq!(c.old.as_deref(), Some("\"99个\""));
    assert_eq!(
        c.new,
        Some(serde_json::Value::from(old_actual.clone()).to_string())
    );
    assert_eq!(
        s.workbook().records["自评01"].body,
        before,
        "undo gives the form back"
    );
    s.redo().unwrap().unwrap();
    assert_eq!(s.workbook().records["自评01"].body, after, "redo");
    // The score follows the field (the session re-scored the form).
    let fresh = gongkai::evaluate::evaluate_full(
        gongkai::template::Registry::installed(),
        s.set,
        s.workbook(),
    )
    .unwrap();
    let total =
        |v: &[gongkai::perf::Scored]| v.iter().find(|x| x.id == "自评01").unwrap().score.total;
    assert_eq!(total(s.scored()), total(&fresh.scored));
}

#[test]
fn field_changes_name_the_leaves_and_replay_in_the_store() {
    use gongkai::engine::workbook::field_changes;
    use serde_json::json;
    let old = json!({"fields": {"项目名称": "甲", "a/b": "1"}, "indicators": [{"actual": "7个"}, {"actual": "8个"}], "money": {"全年预算数": "10"}});
    let new = json!({"fields": {"项目名称": "乙", "a/b": "1", "新字段": "x"}, "indicators": [{"actual": "7个"}, {"actual": "9个"}], "reviewers": [{"name": "张"}]});
    let mut got: Vec<(String, Option<serde_json::Value>)> = field_changes(&old, &new);
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![
            ("/fields/新字段".to_string(), Some(json!("x"))),
            ("/fields/项目名称".to_string(), Some(json!("乙"))),
            ("/indicators/1/actual".to_string(), Some(json!("9个"))),
            ("/money".to_string(), None),
            ("/reviewers".to_string(), Some(json!([{"name": "张"}]))),
        ]
    );
    // A list that grew is one change of the list.
    let grown = json!({"indicators": [{"actual": "7个"}, {"actual": "8个"}, {"actual": ""}]});
    assert_eq!(
        field_changes(
            &json!({"indicators": [{"actual": "7个"}, {"actual": "8个"}]}),
            &grown
        ),
        vec![("/indicators".to_string(), Some(grown["indicators"].clone()))]
    );
    // A key with a slash survives the pointer and the stored encoding.
    let s = Slot::field("自评01", "/fields/a~1b");
    assert_eq!(Slot::decode(&s.encode()), Some(s.clone()));

    // In the store: two fields of one form in one step, then a third; undo takes back only the
    // last, then both; the file reopened agrees.
    let p = common::fresh_dir("form-fields", "store").join("w.gongkai");
    drop(open_or_create_default(&p).unwrap());
    let mut s = Session::open(&p).unwrap();
    let orig = s.workbook().records["自评01"].body.clone();
    let name = |v: &str| serde_json::Value::from(v).to_string();
    s.apply(
        "两项",
        &[
            gongkai::store::Change::new(
                Slot::field("自评01", "/fields/项目名称"),
                Some(name("新名称")),
            ),
            gongkai::store::Change::new(
                Slot::field("自评01", "/indicators/0/actual"),
                Some(name("5个")),
            ),
        ],
    )
    .unwrap();
    s.apply(
        "一项",
        &[gongkai::store::Change::new(
            Slot::field("自评01", "/fields/a~1b"),
            Some(name("斜杠")),
        )],
    )
    .unwrap();
    let b = &s.workbook().records["自评01"].body;
    assert_eq!(b["fields"]["项目名称"], "新名称");
    assert_eq!(b["fields"]["a/b"], "斜杠");
    assert_eq!(b["indicators"][0]["actual"], "5个");
    drop(s);
    let mut s = Session::open(&p).unwrap();
    assert_eq!(s.workbook().records["自评01"].body["fields"]["a/b"], "斜杠");
    s.undo().unwrap().unwrap();
    assert!(s.workbook().records["自评01"].body["fields"]
        .get("a/b")
        .is_none());
    assert_eq!(
        s.workbook().records["自评01"].body["fields"]["项目名称"],
        "新名称"
    );
    s.undo().unwrap().unwrap();
    assert_eq!(s.workbook().records["自评01"].body, orig);
    // A field of a form that does not exist is refused in words, nothing written.
    let e = s
        .apply(
            "无此表",
            &[gongkai::store::Change::new(
                Slot::field("自评99", "/fields/x"),
                Some(name("y")),
            )],
        )
        .unwrap_err();
    assert!(e.contains("没有这张表单"), "{e}");
}

/// Every form of every bundled sample (项目自评, 整体自评 + 基础数据表, 目标表) opens in the 纸面
/// view with one input box per fillable cell of its paper layout.
#[test]
fn every_sample_form_opens_in_the_paper_view() {
    use gongkai::layout::form::{form_sheet, Bind, SRow};
    let mut seen = std::collections::BTreeSet::new();
    for sample in [
        "juesuan-2023-yangquan.json",
        "yusuan-2024-yangquan.json",
        "zhengti-2023-lusong.json",
    ] {
        let text = std::fs::read_to_string(format!(
            "{}/assets/samples/{sample}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let wb = gongkai::io::json::from_json(&text).unwrap();
        let p = common::fresh_dir("form-fields", sample).join("w.gongkai");
        gongkai::store::Store::create(&p, &wb).unwrap();
        let app = App::new(gongkai::store::Store::open(&p).unwrap()).unwrap();
        let mut h = Harness::builder()
            .with_size(egui::vec2(1400.0, 6000.0))
            .with_context_setup(install_fonts)
            .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
        h.run();
        let ids: Vec<String> = h.state().forms.iter().map(|f| f.id.clone()).collect();
        for id in ids {
            h.state_mut().show_view(gongkai::ui::View::Form(id.clone()));
            h.run();
            let (fillable, family) = {
                let app = h.state();
                let s = app.session.scored_form(&id).unwrap();
                let sheet = form_sheet(s, app.store().workbook().unit.year);
                let n = sheet
                    .rows
                    .iter()
                    .filter_map(|r| match r {
                        SRow::Grid { cells, .. } => Some(cells),
                        _ => None,
                    })
                    .flatten()
                    .filter(|c| !c.cont && !matches!(c.bind, None | Some(Bind::Derived)))
                    .count();
                (n, s.template.family.clone())
            };
            let boxes = h
                .query_all_by_role(egui::accesskit::Role::MultilineTextInput)
                .count();
            assert_eq!(boxes, fillable, "{sample} {id}");
            assert!(fillable > 5, "{sample} {id}: {fillable}");
            seen.insert(family);
        }
    }
    assert!(seen.len() >= 4, "families seen: {seen:?}");
}

/// The 纸面 view is the printed form: an input box for every cell the paper layout binds to the
/// form (the same layout the PDF and Excel are made from), none for derived cells; letters in a
/// money cell are refused in words and the form is unchanged.
#[test]
fn the_paper_view_has_a_box_for_every_fillable_cell() {
    use gongkai::layout::form::{form_sheet, Bind, SRow};
    let p = common::fresh_dir("form-fields", "paper").join("w.gongkai");
    let app = App::new(open_or_create_default(&p).unwrap()).unwrap();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 4000.0))
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    h.run();
    h.get_by_label_contains("自评01 项目支出绩效自评表").click();
    h.run();
    h.run();
    let (fillable, money) = {
        let app = h.state();
        let s = app.session.scored_form("自评01").unwrap();
        let sheet = form_sheet(s, app.store().workbook().unit.year);
        let mut n = 0;
        let mut money = None;
        for r in &sheet.rows {
            if let SRow::Grid { cells, .. } = r {
                for c in cells.iter().filter(|c| !c.cont) {
                    match &c.bind {
                        Some(Bind::Derived) | None => {}
                        Some(b) => {
                            n += 1;
                            if let (Bind::Money(k), None) = (b, &money) {
                                money = Some(k.clone());
                            }
                        }
                    }
                }
            }
        }
        (n, money.unwrap())
    };
    let boxes = h
        .query_all_by_role(egui::accesskit::Role::MultilineTextInput)
        .count();
    assert_eq!(boxes, fillable, "one box per fillable cell");
    assert!(fillable > 30, "{fillable}");
    let before = h.state().store().workbook().records["自评01"].body.clone();
    let name = format!("资金 {}", money.replace('/', " "));
    h.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, &name)
        .click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.event(egui::Event::Text("12a".into()));
    h.run();
    h.key_press(Key::Tab);
    h.run();
    h.run();
    assert_eq!(h.state().store().workbook().records["自评01"].body, before);
    let msg = h.state().status_message().unwrap_or_default();
    assert!(msg.starts_with(&name) && msg.contains("12a"), "{msg}");
    // Kept in the file as typed, an error (TEXT-1) that holds back the 定稿, until corrected.
    let key = format!("未识别输入/表单/自评01/{name}");
    assert_eq!(
        h.state()
            .store()
            .workbook()
            .texts
            .get(&key)
            .map(String::as_str),
        Some("12a")
    );
    assert!(h
        .state()
        .findings()
        .iter()
        .any(|f| f.rule == "TEXT-1" && f.table == "自评01" && f.message.contains("12a")));
    h.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, &name)
        .click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.event(egui::Event::Text("12".into()));
    h.run();
    h.key_press(Key::Tab);
    h.run();
    h.run();
    assert!(!h.state().store().workbook().texts.contains_key(&key));
    assert!(!h.state().findings().iter().any(|f| f.rule == "TEXT-1"));
    let after = &h.state().store().workbook().records["自评01"].body;
    assert_ne!(after, &before, "the figure is in the form");

    // 添加产出指标 → 数量指标: a new row of boxes under 产出指标, one undo step.
    let n = before["indicators"].as_array().unwrap().len();
    h.get_by_label("添加产出指标").click();
    h.run();
    h.get_by_label("数量指标").click();
    h.run();
    h.run();
    let inds = h.state().store().workbook().records["自评01"].body["indicators"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(inds.len(), n + 1);
    let new = inds.iter().position(|x| x["name"] == "新数量指标").unwrap();
    assert_eq!(inds[new]["level1"], "产出指标");
    assert!(h
        .query_by_label(&format!("指标{} 完成值", new + 1))
        .is_some());
    assert!(h
        .state()
        .store()
        .undo_label()
        .unwrap()
        .contains("添加产出指标"));
}
