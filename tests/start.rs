//! The start page and the path of a new unit to its 定稿, driven through egui_kittest: 新建
//! without carry-over, carrying forward only from a picked workbook (another unit only when
//! confirmed), recent workbooks, 查看样例 read-only and marked 样例, 关闭 back to the start page,
//! and the 定稿 refusal listing each unfinished place with a jump to it.

mod common;
use common::fresh_dir;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use gongkai::session::{self, recent::Recent, Kind, NewSpec};
use gongkai::template::Registry;
use gongkai::ui::{install_fonts, Gui, StartPage, View};
use std::path::{Path, PathBuf};

struct Dirs {
    root: PathBuf,
    docs: PathBuf,
    samples: PathBuf,
    recent: PathBuf,
}

fn dirs(name: &str) -> Dirs {
    let root = fresh_dir("start", name);
    Dirs {
        docs: root.join("文档").join("Gongkai"),
        samples: root.join("data").join("样例"),
        recent: root.join("data").join("recent.json"),
        root,
    }
}

fn harness(d: &Dirs) -> Harness<'static, Gui> {
    let start = StartPage::new(Some(&d.recent), &d.docs, &d.samples);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1366.0, 768.0))
        .with_max_steps(16)
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, g: &mut Gui| g.ui(ui), Gui::new(start));
    h.run();
    h
}

fn retype(h: &mut Harness<'static, Gui>, label: &str, text: &str) {
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label)
        .click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label)
        .type_text(text);
    h.run();
    h.key_press(Key::Enter);
    h.run();
    h.run();
}

/// A 2023 workbook of `unit` with the bundled sample's figures, made as a user would have.
fn last_year(d: &Dirs, unit: &str) -> PathBuf {
    let text = std::fs::read_to_string(common::SAMPLE).unwrap();
    let mut wb = gongkai::io::json::from_json(&text).unwrap();
    wb.unit.name = unit.into();
    let p = d.root.join(format!("{unit}-2023.gongkai"));
    gongkai::store::Store::create(&p, &wb).unwrap();
    let mut r = Recent::load(&d.recent);
    r.touch(&p, &wb).unwrap();
    p
}

#[test]
fn a_new_unit_starts_blank_in_a_visible_folder_and_comes_back_in_recent() {
    let d = dirs("new");
    let mut h = harness(&d);
    h.get_by_label_contains("新建本单位的公开");
    h.get_by_label_contains("还没有");
    retype(&mut h, "单位名称", "阳泉市退役军人服务中心");
    retype(&mut h, "年度", "2024");
    // The default file: 文档/Gongkai/单位-年度-决算.gongkai, visible, our own extension.
    let expected = d.docs.join("阳泉市退役军人服务中心-2024年度-决算.gongkai");
    h.get_by_label_contains("不沿用：新工作簿从空白开始");
    h.get_by_label("新建并打开").click();
    h.run();
    let g = h.state();
    let app = g.app.as_ref().expect("the new workbook is open");
    assert_eq!(app.store().path(), expected.as_path());
    let wb = app.store().workbook();
    assert_eq!(
        (
            wb.unit.name.as_str(),
            wb.unit.year,
            wb.template_set.as_str()
        ),
        ("阳泉市退役军人服务中心", 2024, "shanxi-juesuan-2024")
    );
    assert!(
        wb.texts.is_empty() && wb.tables.is_empty(),
        "nothing carried"
    );
    assert!(!wb.is_sample());
    assert!(g
        .title()
        .starts_with("阳泉市退役军人服务中心-2024年度-决算.gongkai — "));
    // Only the 项 is typed: 公开01表 行1 follows 公开02表 (it is not asked for twice).
    h.get_by_label_contains("公开02表 收入决算表").click();
    h.run();
    h.get_by_label("新科目代码").click();
    h.run();
    h.get_by_label("新科目代码").type_text("2080901");
    h.run();
    h.get_by_label("添加科目").click();
    h.run();
    let cell = "公开02表 2080901 退役士兵安置 栏2";
    h.get_by_label(cell).click();
    h.run();
    h.get_by_label(cell).type_text("120.5");
    h.key_press(Key::Enter);
    h.run();
    let app = h.state().app.as_ref().unwrap();
    let row1 = app.session.model.cell_id("01", "1", "1").unwrap();
    assert_eq!(
        app.session.model.cells[row1 as usize].kind,
        gongkai::engine::CellKind::Derived
    );
    assert_eq!(
        app.session.model.value("01", "1", "1"),
        Some("120.50".parse().unwrap())
    );
    // (Income without spending is still an error, 01-5; the 行1 check X-01/02b that used to
    // fire on every new workbook does not.)
    assert!(app.findings().iter().all(|f| f.rule != "X-01/02b"));
    // 关闭: back to the start page, the file closed with no side files left beside it.
    h.get_by_label("关闭工作簿").click();
    h.run();
    assert!(h.state().app.is_none());
    let beside: Vec<String> = std::fs::read_dir(&d.docs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["阳泉市退役军人服务中心-2024年度-决算.gongkai"]);
    // …and it is the first of the recent workbooks, kept across starts.
    drop(h);
    let mut h = harness(&d);
    h.get_by_label("打开 阳泉市退役军人服务中心 · 2024年度")
        .click();
    h.run();
    assert_eq!(
        h.state().app.as_ref().unwrap().store().path(),
        expected.as_path()
    );
    // Creating over an existing file is refused; nothing is overwritten.
    h.get_by_label("关闭工作簿").click();
    h.run();
    retype(&mut h, "单位名称", "阳泉市退役军人服务中心");
    retype(&mut h, "年度", "2024");
    h.get_by_label("新建并打开").click();
    h.run();
    assert!(h.state().app.is_none());
    h.get_by_label_contains("已存在");
}

#[test]
fn next_year_carries_forward_only_from_the_picked_workbook() {
    let d = dirs("carry");
    let mine = last_year(&d, "阳泉市退役军人事务局");
    let mut h = harness(&d);
    retype(&mut h, "单位名称", "阳泉市退役军人事务局");
    retype(&mut h, "年度", "2024");
    // The same unit's previous year is offered by default and shown before creating.
    h.get_by_label_contains("将带入：「阳泉市退役军人事务局」2023年度");
    // Next year's set differs from last year's: what changes is shown before creating.
    h.get_by_label(
        "模板集「山西省部门决算公开表（2023年度）」→「山西省部门决算公开表（2024年度）」：8 处变化",
    )
    .click();
    h.run();
    h.get_by_label("公开06表 新增行31206「其他资本性补助」");
    assert_eq!(
        h.state().start.newbook.from,
        std::fs::canonicalize(&mine).unwrap().display().to_string()
    );
    h.get_by_label("新建并打开").click();
    h.run();
    let wb = h.state().app.as_ref().unwrap().store().workbook().clone();
    assert_eq!(
        wb.texts.get("输入/上年.收入总计").map(String::as_str),
        Some("3598.36")
    );
    h.get_by_label_contains("带入情况说明输入项");
    h.get_by_label("关闭工作簿").click();
    h.run();
    // Another unit: nothing by default; picking the other unit's file needs a confirmation
    // that names it.
    retype(&mut h, "单位名称", "阳泉市退役军人服务中心");
    retype(&mut h, "年度", "2024");
    h.get_by_label_contains("不沿用：新工作簿从空白开始");
    h.get_by_label("沿用 阳泉市退役军人事务局 2023年度").click();
    h.run();
    h.get_by_label_contains("不是新工作簿的单位");
    h.get_by_label("新建并打开").click();
    h.run();
    assert!(h.state().app.is_none());
    h.get_by_label_contains("沿用的数据来自另一个单位「阳泉市退役军人事务局」");
    let target = d.docs.join("阳泉市退役军人服务中心-2024年度-决算.gongkai");
    assert!(!target.exists());
    h.get_by_label("确认沿用「阳泉市退役军人事务局」的数据")
        .click();
    h.run();
    h.get_by_label("新建并打开").click();
    h.run();
    let wb = h.state().app.as_ref().unwrap().store().workbook().clone();
    assert_eq!(wb.unit.name, "阳泉市退役军人服务中心");
    assert!(wb.texts.contains_key("输入/上年.收入总计"));
}

#[test]
fn the_sample_opens_read_only_marked_and_never_as_a_final_copy() {
    let d = dirs("sample");
    let mut h = harness(&d);
    h.get_by_label_contains("决算公开样例").click();
    h.run();
    let g = h.state();
    let app = g.app.as_ref().expect("the sample is open");
    assert!(app.store().is_read_only());
    assert!(app.store().workbook().is_sample());
    assert!(g.title().starts_with("【样例】"), "{}", g.title());
    assert!(app.store().path().starts_with(&d.samples));
    h.get_by_label_contains("样例（只供查看和练习）");
    // Typing changes nothing in the file.
    let before = std::fs::read(h.state().app.as_ref().unwrap().store().path()).unwrap();
    h.get_by_label_contains("公开03表 支出决算表").click();
    h.run();
    let cell = "公开03表 2080901 退役士兵安置 栏3";
    h.get_by_label(cell).click();
    h.run();
    h.get_by_label(cell).type_text("99");
    h.key_press(Key::Enter);
    h.run();
    let app = h.state().app.as_ref().unwrap();
    assert_eq!(
        app.store().workbook().value("03", "2080901", "3"),
        Some(rust_decimal::Decimal::new(2438, 2))
    );
    assert_eq!(std::fs::read(app.store().path()).unwrap(), before);
    // 定稿 is refused for a sample (the reason is listed); the draft is watermarked 样例.
    let items = app.gate_items(true);
    assert!(items[0].0.contains("程序自带的样例"), "{items:?}");
    let reg = Registry::builtin();
    let wb = app.store().workbook().clone();
    let set = reg.set(&wb.template_set).unwrap();
    let full = gongkai::evaluate::evaluate_full(reg, set, &wb).unwrap();
    let src = gongkai::print::doc::Source::new(reg, &wb, &full);
    let fin = gongkai::print::Options {
        final_copy: true,
        override_reason: Some("试试".into()),
        ..Default::default()
    };
    let e = gongkai::print::doc::build(&src, &fin).unwrap_err();
    assert!(e.contains("程序自带的样例"), "{e}");
    let built = gongkai::print::doc::build(&src, &Default::default()).unwrap();
    let marks = built
        .doc
        .pages
        .iter()
        .filter(|p| {
            p.items
                .iter()
                .any(|i| matches!(i, gongkai::print::Item::Shape { label, .. } if label == "样例"))
        })
        .count();
    assert_eq!(marks, built.pages, "every page carries the 样例 watermark");
    // The samples are files in the program's data folder, one per family.
    h.get_by_label("关闭工作簿").click();
    h.run();
    h.get_by_label_contains("预算公开样例").click();
    h.run();
    let app = h.state().app.as_ref().unwrap();
    assert_eq!(app.store().workbook().template_set, "shanxi-yusuan-2024");
    assert!(app.store().is_read_only() && app.store().workbook().is_sample());
}

#[test]
fn new_in_an_open_workbook_offers_this_file_for_next_year() {
    let d = dirs("in-app");
    let mine = last_year(&d, "阳泉市退役军人事务局");
    let mut h = harness(&d);
    h.get_by_label("打开 阳泉市退役军人事务局 · 2023年度")
        .click();
    h.run();
    h.get_by_label("新建").click();
    h.run();
    // Next year of the same unit, beside this file, carrying this file forward.
    let nb = h.state().app.as_ref().unwrap().files.as_ref().unwrap();
    let nb = nb.newbook.as_ref().unwrap();
    assert_eq!(
        (nb.unit.as_str(), nb.year.as_str()),
        ("阳泉市退役军人事务局", "2024")
    );
    assert_eq!(
        Path::new(&nb.path),
        d.root.join("阳泉市退役军人事务局-2024年度-决算.gongkai")
    );
    assert_eq!(nb.from, mine.display().to_string());
    h.get_by_label_contains("将带入：「阳泉市退役军人事务局」2023年度");
    // 不沿用: created blank.
    h.get_by_label("不沿用（从空白开始）").click();
    h.run();
    h.get_by_label("新建并打开").click();
    h.run();
    let app = h.state().app.as_ref().unwrap();
    assert_eq!(app.store().workbook().unit.year, 2024);
    assert!(app.store().workbook().texts.is_empty());
    // Both are in the recent list, newest first.
    let r = Recent::load(&d.recent);
    assert_eq!(r.entries.len(), 2);
    assert_eq!(r.entries[0].year, 2024);
}

fn export_and_wait(h: &mut Harness<'static, Gui>) -> Result<String, String> {
    h.get_by_label("导出").click();
    for _ in 0..1000 {
        h.step();
        let d = h.state().app.as_ref().unwrap().export.as_ref().unwrap();
        if let Some(r) = &d.result {
            return r.clone();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("export did not finish");
}

fn gate_labels(h: &Harness<'static, Gui>) -> Vec<String> {
    h.state()
        .app
        .as_ref()
        .unwrap()
        .gate_items(false)
        .into_iter()
        .map(|(m, _)| m)
        .collect()
}

#[test]
fn the_final_copy_refusal_lists_each_unfinished_place_and_jumps_to_it() {
    use gongkai::store::Change;
    let d = dirs("gate");
    let reg = Registry::builtin();
    // A unit's own workbook, as a new user leaves it half done: income 100 against spending 80
    // (an error), no 概况 (未填写), the 情况说明 with its 【请填写】 placeholders.
    let p = d.root.join("本单位.gongkai");
    let spec = NewSpec {
        unit: "测试单位".into(),
        year: 2024,
        kind: Kind::Juesuan,
        set: None,
        profile: None,
        from: None,
        other_unit_confirmed: false,
        dept: false,
    };
    let mut c = session::create(reg, &p, &spec).unwrap();
    let dec = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
    c.store
        .apply(
            "填写",
            &[
                Change::value("02", "2080901", "2", Some(dec("100"))),
                Change::value("03", "2080901", "3", Some(dec("80"))),
                Change::value("05", "2080901", "3", Some(dec("80"))),
            ],
        )
        .unwrap();
    drop(c);
    let mut h = harness(&d);
    retype(&mut h, "要打开的文件", p.to_str().unwrap());
    h.get_by_label("打开").click();
    h.run();
    // Text typed into an amount cell.
    h.get_by_label_contains("公开03表 支出决算表").click();
    h.run();
    let cell = "公开03表 2080901 退役士兵安置 栏2";
    h.get_by_label(cell).click();
    h.run();
    h.get_by_label(cell).type_text("abc");
    h.key_press(Key::Enter);
    h.run();
    h.get_by_label("导出 PDF…").click();
    h.run();
    // 草稿 lists nothing; 定稿 lists every class, each a place to jump to.
    assert!(h.query_all_by_label_contains("定稿前还有").next().is_none());
    h.get_by_label("定稿").click();
    h.run();
    h.get_by_label_contains("定稿前还有");
    let items = gate_labels(&h);
    let has = |s: &str| items.iter().any(|m| m.contains(s));
    assert!(has("概况「一、本部门（单位）职责」未填写"), "{items:#?}");
    assert!(has("占位文字"), "{items:#?}");
    assert!(has("abc"), "{items:#?}");
    let error = items
        .iter()
        .find(|m| m.contains("100.00") && m.contains("80.00"))
        .unwrap_or_else(|| panic!("the 100 ≠ 80 error is listed: {items:#?}"))
        .clone();
    // Each jumps to its place: the error to its cell, the text cell to itself, a placeholder to
    // its paragraph, 概况 to the 概况 screen.
    h.get_by_label(&format!("· {error}")).click();
    h.run();
    let app = h.state().app.as_ref().unwrap();
    assert_eq!(app.view, View::Table);
    assert_eq!(app.set_table_id(), "01");
    let abc = items.iter().find(|m| m.contains("abc")).unwrap().clone();
    h.get_by_label(&format!("· {abc}")).click();
    h.run();
    let app = h.state().app.as_ref().unwrap();
    assert_eq!(app.set_table_id(), "03");
    assert_eq!(
        app.cursor_cell(),
        app.session.model.cell_id("03", "2080901", "2")
    );
    let hole = items
        .iter()
        .find(|m| m.contains("占位文字"))
        .unwrap()
        .clone();
    h.get_by_label(&format!("· {hole}")).click();
    h.run();
    assert_eq!(h.state().app.as_ref().unwrap().view, View::Narrative);
    h.get_by_label("· 第一部分 概况「一、本部门（单位）职责」未填写")
        .click();
    h.run();
    assert_eq!(h.state().app.as_ref().unwrap().view, View::Overview);
    // A 定稿原因 lets errors through, never the unfinished text.
    retype(&mut h, "定稿原因", "经财政部门同意");
    let with_reason = h.state().app.as_ref().unwrap().gate_items(true);
    assert!(!with_reason.iter().any(|(m, _)| *m == error));
    assert!(with_reason.iter().any(|(m, _)| m.contains("abc")));
    let r = export_and_wait(&mut h);
    assert!(matches!(&r, Err(e) if e.contains("不能导出定稿")), "{r:?}");
    // The 草稿 still prints, marked.
    // The pointer arrives before it presses, as a hand's does (kittest's click presses in
    // the same frame it moves).
    h.get_by_label("草稿（带“草稿”水印）").hover();
    h.run();
    h.get_by_label("草稿（带“草稿”水印）").click();
    h.run();
    assert!(
        !h.state()
            .app
            .as_ref()
            .unwrap()
            .export
            .as_ref()
            .unwrap()
            .final_copy
    );
    let left: Vec<String> = h
        .query_all_by_label_contains("定稿前还有")
        .map(|n| format!("{n:?}"))
        .collect();
    assert!(left.is_empty(), "{left:#?}");
    let r = export_and_wait(&mut h);
    assert!(matches!(&r, Ok(m) if m.contains("草稿")), "{r:?}");
}

#[test]
fn a_department_is_made_on_the_start_page_and_takes_its_units() {
    let d = dirs("dept");
    let unit = last_year(&d, "某某局本级");
    let mut h = harness(&d);
    retype(&mut h, "单位名称", "某某局");
    retype(&mut h, "年度", "2023");
    h.get_by_label("部门汇总（由本级和所属单位的工作簿汇总）")
        .click();
    h.run();
    // Its own file name, beside (not over) the 本级's workbook of the same name and year.
    let expected = d.docs.join("某某局-2023年度-决算（部门汇总）.gongkai");
    h.get_by_label("新建并打开").click();
    h.run();
    {
        let app = h.state().app.as_ref().expect("the 部门 is open");
        assert_eq!(app.store().path(), expected.as_path());
        assert_eq!(app.view, View::Dept);
        assert!(app
            .session
            .dept
            .as_ref()
            .is_some_and(|x| x.units.is_empty()));
    }
    h.get_by_label_contains("部门汇总：0 个单位");
    // The 本级 added by its path: it is on the board and in the sums.
    retype(&mut h, "单位工作簿路径", unit.to_str().unwrap());
    h.get_by_label("本级").click();
    h.run();
    h.get_by_label("添加").click();
    h.run();
    h.get_by_label_contains("部门汇总：1 个单位");
    h.get_by_label("某某局本级");
    let app = h.state().app.as_ref().unwrap();
    assert_eq!(
        app.session.model.value("01", "29", "1"),
        Some("24.95".parse().unwrap())
    );
}
