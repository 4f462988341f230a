//! Random sequences of what a user can do in the window — typing anything into any input cell,
//! pasting blocks, undo/redo, jumping to findings, adding and deleting forms — never panic, and
//! the file reopened afterwards holds exactly what the window showed.

mod common;
use common::fresh_dir;

use gongkai::ui::{open_or_create_default, App};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Type(usize, String),
    Paste(usize, String),
    Undo,
    Redo,
    Jump(usize),
    Table(usize),
    AddForm(String),
    DeleteForm(usize),
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,30}",
        "-?[0-9]{1,6}(\\.[0-9]{1,4})?",
        "[0-9,.．０-９\\-－ 元%a-z（）]{0,16}",
        Just("1e400".to_string()),
        Just("99999999999999999999999999999999".to_string()),
        Just("——".to_string()),
        any::<String>(),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<usize>(), text()).prop_map(|(i, t)| Op::Type(i, t)),
        (any::<usize>(), proptest::collection::vec(text(), 1..6))
            .prop_map(|(i, v)| Op::Paste(i, v.join("\t"))),
        Just(Op::Undo),
        Just(Op::Redo),
        any::<usize>().prop_map(Op::Jump),
        any::<usize>().prop_map(Op::Table),
        "[一-龥]{0,6}".prop_map(Op::AddForm),
        any::<usize>().prop_map(Op::DeleteForm),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn random_user_actions_never_panic_and_persist(ops in proptest::collection::vec(op(), 1..25)) {
        let p = fresh_dir("ui-fuzz", "w").join("w.sqlite");
        let mut app = App::new(open_or_create_default(&p).unwrap()).unwrap();
        let inputs: Vec<_> = (0..app.session.model.cells.len())
            .filter(|i| app.session.model.cells[*i].kind == gongkai::engine::CellKind::Input)
            .map(|i| i as gongkai::engine::CellId)
            .collect();
        for op in ops {
            match op {
                Op::Type(i, t) => app.enter_text(inputs[i % inputs.len()], &t),
                Op::Paste(i, t) => {
                    let n = app.sheet_rows();
                    app.cursor = Some((i % n.max(1), 2));
                    app.paste(&t);
                }
                Op::Undo => app.undo(),
                Op::Redo => app.redo(),
                Op::Jump(i) => {
                    let f = app.findings().get(i % app.findings().len().max(1)).cloned();
                    if let Some(f) = f {
                        app.jump_to(&f);
                    }
                }
                Op::Table(i) => app.select_table(i % 10),
                Op::AddForm(name) => {
                    app.open_new_form();
                    if let Some(w) = app.new_form.as_mut() {
                        w.name = name;
                    }
                    app.create_form();
                }
                Op::DeleteForm(i) => {
                    let ids: Vec<String> = app.store().workbook().records.keys().cloned().collect();
                    if !ids.is_empty() {
                        app.delete_form(&ids[i % ids.len()]);
                    }
                }
            }
        }
        // What the window shows is what the file holds.
        let shown = gongkai::io::json::to_json(app.store().workbook());
        drop(app);
        let again = gongkai::io::read_workbook(&p).unwrap();
        prop_assert_eq!(shown, gongkai::io::json::to_json(&again));
    }
}
