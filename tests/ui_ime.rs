//! Input-method text arriving in the same frame as keys (a fast typist, a slow frame): commits,
//! plain characters and Enter/Tab are taken in their order, so a burst gives what the same
//! events one per frame give — in a text box and in an amount cell being typed into.

mod common;

use egui::{Event, ImeEvent, Key, Modifiers};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use gongkai::ui::{install_fonts, open_or_create_default, App};

fn harness(name: &str) -> Harness<'static, App> {
    let p = common::fresh_dir("ui-ime", name).join("w.gongkai");
    let app = App::new(open_or_create_default(&p).unwrap()).unwrap();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
    h.run();
    h
}

fn key(k: Key) -> Event {
    Event::Key {
        key: k,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::NONE,
    }
}

fn preedit(t: &str) -> Event {
    Event::Ime(ImeEvent::Preedit {
        text: t.into(),
        active_range_chars: None,
    })
}

fn commit(t: &str) -> Event {
    Event::Ime(ImeEvent::Commit(t.into()))
}

/// Delivers `events` in one frame (then lets the window take the frames it needs) or one per
/// frame.
fn deliver(h: &mut Harness<'static, App>, events: &[Event], burst: bool) {
    if burst {
        h.input_mut().events.extend(events.iter().cloned());
        for _ in 0..2 * events.len() + 2 {
            h.step();
        }
    } else {
        for e in events {
            h.input_mut().events.push(e.clone());
            h.run();
        }
    }
    for _ in 0..4 {
        h.run();
    }
}

#[test]
fn commits_and_keys_in_one_frame_in_a_text_box() {
    // 年2024度（1）: pinyin commits, digits passed through by the input method, full-width
    // brackets committed by it, all in one frame, then the box is left with Esc.
    let events = vec![
        preedit("nian"),
        commit("年"),
        Event::Text("2024".into()),
        preedit("du"),
        commit("度"),
        commit("（"),
        Event::Text("1".into()),
        commit("）"),
        key(Key::Escape),
    ];
    let run = |burst: bool| {
        let mut h = harness(&format!("box-{burst}"));
        h.get_by_label_contains("概况").click();
        h.run();
        h.get_by_role_and_label(
            egui::accesskit::Role::MultilineTextInput,
            "一、本部门（单位）职责",
        )
        .click();
        h.run();
        h.key_press_modifiers(Modifiers::COMMAND, Key::A);
        h.run();
        deliver(&mut h, &events, burst);
        h.state().store().workbook().texts.get("概况/职责").cloned()
    };
    let one = run(false);
    assert_eq!(one.as_deref(), Some("年2024度（1）"));
    assert_eq!(run(true), one, "the burst gave another text");
}

#[test]
fn commits_and_keys_in_one_frame_in_an_amount_cell() {
    // 1, then 2 committed by the input method, Enter; 3, 4 committed, Enter; each cell gets its
    // own digits and the cursor moves twice.
    let cell = "公开03表 2080901 退役士兵安置 栏3";
    let events = vec![
        Event::Text("1".into()),
        commit("2"),
        key(Key::Enter),
        Event::Text("3".into()),
        commit("4"),
        key(Key::Enter),
    ];
    let run = |burst: bool| {
        let mut h = harness(&format!("cell-{burst}"));
        h.get_by_label_contains("公开03表 支出决算表").click();
        h.run();
        h.get_by_label(cell).hover();
        h.run();
        h.get_by_label(cell).click();
        h.run();
        deliver(&mut h, &events, burst);
        (
            gongkai::io::json::to_json(h.state().store().workbook()),
            h.state().cursor,
            h.state().session.model.value("03", "2080901", "3"),
        )
    };
    let one = run(false);
    assert_eq!(one.2, Some(rust_decimal::Decimal::from(12)));
    let burst = run(true);
    assert_eq!(burst.1, one.1, "cursor");
    assert!(burst.0 == one.0, "the burst gave another workbook");
}

/// The window asks the input method to keep its one context while the user moves around: a
/// click into another text box, or into a table cell and back, neither interrupts nor switches
/// it off (on X11 each of those made a new context, and fcitx started it in English — checked
/// by hand with fcitx5 pinyin under Xvfb: 你好 then 世界 after a click into the next box).
#[test]
fn moving_the_focus_keeps_the_input_method() {
    let mut h = harness("keep-ime");
    let ime = |h: &Harness<'static, App>| h.output().platform_output.ime;
    h.get_by_label_contains("概况").click();
    h.run();
    let role = egui::accesskit::Role::MultilineTextInput;
    h.get_by_role_and_label(role, "一、本部门（单位）职责")
        .click();
    h.step();
    h.run();
    let first = ime(&h).expect("allowed in a text box");
    assert!(!first.should_interrupt_composition);
    // A click into the next box: the frame it lands in asks no interruption.
    h.get_by_role_and_label(role, "二、机构设置情况").click();
    h.step();
    let second = ime(&h).expect("allowed in the next box");
    assert!(!second.should_interrupt_composition, "{second:?}");
    assert_ne!(second.rect, first.rect, "reported at the new box");
    // A table cell selected: still allowed (no new context when coming back to a box).
    h.get_by_label_contains("公开03表 支出决算表").click();
    h.step();
    let cell = "公开03表 2080901 退役士兵安置 栏3";
    h.get_by_label(cell).hover();
    h.run();
    h.get_by_label(cell).click();
    h.step();
    let in_table = ime(&h).expect("allowed with a cell selected");
    assert!(!in_table.should_interrupt_composition);
    h.run();
    assert!(ime(&h).is_some());
}
