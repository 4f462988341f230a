//! Template packs and "what changed": a new year's pack made by the command, edited, listed,
//! diffed, used to carry a workbook forward; a broken pack left out in words.

mod common;
use common::{fresh_dir, run, SAMPLE};

use gongkai::store::Store;
use std::path::Path;
use std::process::Command;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A 2024 workbook (the sample's figures on the 2024 set).
fn workbook_2024(dir: &Path) -> std::path::PathBuf {
    let mut wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    wb.template_set = "shanxi-juesuan-2024".into();
    wb.unit.year = 2024;
    wb.texts.remove(gongkai::engine::workbook::SAMPLE_KEY);
    let p = dir.join("某局 2024.gongkai");
    Store::create(&p, &wb).unwrap();
    p
}

#[test]
fn a_new_years_pack_is_made_edited_listed_and_carries_a_workbook_forward() {
    let dir = fresh_dir("templates", "pack");
    let pack = dir.join("模板包");
    let (code, out, err) = run(&[
        "templates",
        "new",
        "--from",
        "shanxi-juesuan-2024",
        "--id",
        "shanxi-juesuan-2025",
        "--year",
        "2025",
        "--dir",
        s(&pack),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("已新建模板包「shanxi-juesuan-2025」"), "{out}");
    let set_toml = std::fs::read_to_string(pack.join("shanxi-juesuan-2025/set.toml")).unwrap();
    assert!(
        set_toml.contains("../shanxi-juesuan-2024/01.toml"),
        "{set_toml}"
    );
    assert!(
        set_toml.contains("../shanxi-juesuan-2023/02.toml"),
        "{set_toml}"
    );
    // Listed beside the built-in sets, with its year, region and origin.
    let (code, out, _) = run(&["--templates", s(&pack), "templates"]);
    assert_eq!(code, 0);
    assert!(out.contains("shanxi-juesuan-2025  山西省部门决算公开表（2025年度）（山西，2025年度，10 张表；模板包"), "{out}");
    assert!(out.contains("由「shanxi-juesuan-2024」新建"), "{out}");
    // Unchanged it differs in nothing.
    let (_, out, _) = run(&[
        "--templates",
        s(&pack),
        "templates",
        "diff",
        "shanxi-juesuan-2024",
        "shanxi-juesuan-2025",
    ]);
    assert!(out.contains("没有变化"), "{out}");
    // The 财政 renames a row: 01.toml copied into the pack, edited, named in set.toml.
    let t01 = gongkai::template::registry::embedded_asset("templates/shanxi-juesuan-2024/01.toml")
        .unwrap();
    let edited = t01.replace(
        "使用非财政拨款结余（含专用结余）",
        "使用非财政拨款结余（含专用基金结余）",
    );
    assert_ne!(edited, t01);
    std::fs::write(pack.join("shanxi-juesuan-2025/01.toml"), edited).unwrap();
    std::fs::write(
        pack.join("shanxi-juesuan-2025/set.toml"),
        set_toml.replace("\"../shanxi-juesuan-2024/01.toml\"", "\"01.toml\""),
    )
    .unwrap();
    let (_, out, _) = run(&[
        "--templates",
        s(&pack),
        "templates",
        "diff",
        "shanxi-juesuan-2024",
        "shanxi-juesuan-2025",
    ]);
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(
        lines,
        ["  公开01表 行28 改名：「使用非财政拨款结余（含专用结余）」→「使用非财政拨款结余（含专用基金结余）」"],
        "{out}"
    );
    // A 2024 workbook carried forward into 2025 takes the pack's set and checks against it.
    let w24 = workbook_2024(&dir);
    let w25 = dir.join("某局 2025.gongkai");
    let (code, out, err) = run(&[
        "--templates",
        s(&pack),
        "new",
        s(&w25),
        "--unit",
        "阳泉市退役军人事务局",
        "--year",
        "2025",
        "--from",
        s(&w24),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("shanxi-juesuan-2025"), "{out}");
    let (code, out, err) = run(&["--templates", s(&pack), "check", s(&w25)]);
    assert!(code <= 1, "{err}");
    assert!(out.contains("2025年度"), "{out}");
    let (_, out, _) = run(&["--templates", s(&pack), "narrative", s(&w25)]);
    assert!(
        out.contains("2025年度"),
        "the 2024 情况说明 serves the pack made from it: {out}"
    );
}

#[test]
fn the_default_pack_folder_is_in_the_data_folder_and_a_broken_pack_is_left_out_in_words() {
    let dir = fresh_dir("templates", "default");
    let gk = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(args)
            .env("XDG_DATA_HOME", &dir)
            .env_remove("GONGKAI_TEMPLATES")
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, out, err) = gk(&[
        "templates",
        "new",
        "--from",
        "shanxi-yusuan-2024",
        "--id",
        "shanxi-yusuan-2025",
        "--year",
        "2025",
    ]);
    assert_eq!(code, 0, "{err}");
    let folder = dir.join("Gongkai/模板/shanxi-yusuan-2025");
    assert!(folder.join("set.toml").is_file(), "{out}");
    let (_, out, _) = gk(&["templates"]);
    assert!(out.contains("shanxi-yusuan-2025"), "{out}");
    // A table that names a cell that does not exist: that pack is left out, named; the rest
    // still works.
    let bad = dir.join("Gongkai/模板/坏的");
    std::fs::create_dir_all(&bad).unwrap();
    let t = gongkai::template::registry::embedded_asset("templates/shanxi-juesuan-2023/01.toml")
        .unwrap();
    std::fs::write(
        bad.join("01.toml"),
        t.replace("=02.合计[2] - 2[1] - 3[1]", "=02.合计[9] - 2[1] - 3[1]"),
    )
    .unwrap();
    std::fs::write(
        bad.join("set.toml"),
        std::fs::read_to_string(folder.join("set.toml"))
            .unwrap()
            .replace("shanxi-yusuan-2025", "bad-2025")
            .replace("\"../shanxi-yusuan-2024/01.toml\"", "\"01.toml\""),
    )
    .unwrap();
    let (code, out, _) = gk(&["templates"]);
    assert_eq!(code, 0);
    assert!(out.contains("shanxi-yusuan-2025"), "{out}");
    assert!(!out.contains("bad-2025  "), "{out}");
    let left = out.lines().find(|l| l.starts_with("未载入：")).expect(&out);
    assert!(left.contains("坏的") && left.contains("01.toml"), "{left}");
}

#[test]
fn the_2024_set_differs_from_2023_by_the_documented_changes_only() {
    let reg = gongkai::template::Registry::builtin();
    let d = gongkai::template::diff::diff(
        reg.set("shanxi-juesuan-2023").unwrap(),
        reg.set("shanxi-juesuan-2024").unwrap(),
    );
    // RULES.md §3.1.1.
    assert_eq!(
        d.tables,
        [
            "公开01表 行28 改名：「使用非财政拨款结余和专用结余」→「使用非财政拨款结余（含专用结余）」",
            "公开04表 注：「注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总支出和年末结转结余情况。」→「注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。」",
            "公开06表 行30901 改名：「房屋建筑物构建」→「房屋建筑物购建」",
            "公开06表 行30999 改名：「其他资本性支出」→「其他基本建设支出」",
            "公开06表 行31001 改名：「房屋建筑物构建」→「房屋建筑物购建」",
            "公开06表 行31101 改名：「资本金注入」→「资本金注入（基本建设）」",
            "公开06表 新增行31206「其他资本性补助」",
        ]
    );
}

mod window {
    use super::*;
    use egui_kittest::kittest::Queryable;
    use egui_kittest::Harness;
    use gongkai::ui::{install_fonts, App};

    #[test]
    fn the_window_shows_what_changed_and_what_it_means_before_switching() {
        let dir = fresh_dir("templates", "window");
        // A 2023 workbook (06表 30101 typed).
        let mut wb =
            gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
        wb.texts.remove(gongkai::engine::workbook::SAMPLE_KEY);
        wb.set_value("06", "30101", "1", Some("3.20".parse().unwrap()));
        let p = dir.join("w.gongkai");
        Store::create(&p, &wb).unwrap();
        let app = App::new(Store::open(&p).unwrap()).unwrap();
        let mut h = Harness::builder()
            .with_size(egui::vec2(1400.0, 1000.0))
            .with_context_setup(install_fonts)
            .build_ui_state(|ui, app: &mut App| app.ui(ui), app);
        h.run();
        h.get_by_label("关于").click();
        h.run();
        h.get_by_label("模板集与差异…").click();
        h.run();
        h.get_by_label_contains("山西省部门决算公开表（2024年度）：山西，2024年度，10 张表；内置");
        h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "比较的模板集")
            .click();
        h.run();
        h.get_by_label("山西省部门决算公开表（2024年度）").click();
        h.run();
        // What changed, and what it means for this workbook — nothing written yet.
        h.get_by_label("公开06表 新增行31206「其他资本性补助」");
        h.get_by_label_contains("公开06表 行30999 改名");
        assert_eq!(
            h.state().store().workbook().template_set,
            "shanxi-juesuan-2023"
        );
        h.get_by_label("改用此模板集").hover();
        h.run();
        h.get_by_label("改用此模板集").click();
        h.run();
        assert_eq!(
            h.state().store().workbook().template_set,
            "shanxi-juesuan-2024"
        );
        assert_eq!(h.state().session.model.set.id, "shanxi-juesuan-2024");
        assert_eq!(
            h.state().session.model.value("06", "30101", "1"),
            Some("3.20".parse().unwrap())
        );
        // One undo step back.
        h.state_mut().undo();
        h.run();
        assert_eq!(h.state().session.model.set.id, "shanxi-juesuan-2023");
    }
}

#[test]
fn a_figure_the_set_no_longer_has_is_kept_and_named_not_refused() {
    // 06表 31206 exists from 2024 on; a workbook that holds it on the 2023 set (moved back, or a
    // pack edited under it) still opens: the figure is kept, named, not computed or printed.
    let dir = fresh_dir("templates", "orphan");
    let mut wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    wb.texts.remove(gongkai::engine::workbook::SAMPLE_KEY);
    wb.set_value("06", "31206", "1", Some("5".parse().unwrap()));
    let p = dir.join("w.gongkai");
    Store::create(&p, &wb).unwrap();
    let (code, out, err) = run(&["check", s(&p)]);
    assert_eq!(code, 1, "{err}");
    let line = out.lines().find(|l| l.contains("ORPHAN-1")).expect(&out);
    assert!(
        line.contains("行「31206」栏1 的 5.00") && line.contains("不计算、不打印"),
        "{line}"
    );
    let (_, json, _) = run(&["export", s(&p), "--json"]);
    assert!(json.contains("\"31206\""), "nothing lost");
    // The window opens it too.
    let app = gongkai::ui::App::new(Store::open(&p).unwrap()).unwrap();
    assert!(app.findings().iter().any(|f| f.rule == "ORPHAN-1"));
}
