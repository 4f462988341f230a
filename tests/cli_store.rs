//! CLI on workbook files: new, import, export, check, versions, diff, history, undo, redo.

mod common;
use common::*;

use std::path::PathBuf;

fn dir(name: &str) -> PathBuf {
    common::fresh_dir("clistore", name)
}

#[test]
fn import_then_export_reproduces_the_sample_and_check_agrees() {
    let w = dir("roundtrip").join("w.sqlite");
    let w = w.to_str().unwrap();
    let (code, out, err) = run(&["import", SAMPLE, "--into", w]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("已导入"));
    let (code, exported, _) = run(&["export", w, "--json"]);
    assert_eq!(code, 0);
    assert_eq!(exported, std::fs::read_to_string(SAMPLE).unwrap());

    let (c1, j1, _) = run(&["check", w, "--json"]);
    let (c2, j2, _) = run(&["check", SAMPLE, "--json"]);
    assert_eq!((c1, &j1), (c2, &j2));
    let (_, human, _) = run(&["check", w]);
    assert!(
        human.contains("错误 8 条，警告 79 条，提示 57 条"),
        "{human}"
    );

    // Export to a file.
    let out_path = dir("roundtrip-out").join("out.json");
    let (code, _, _) = run(&["export", w, "--json", "-o", out_path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), exported);
}

#[test]
fn new_creates_an_empty_workbook_and_refuses_to_overwrite() {
    let w = dir("new").join("单位.sqlite");
    let w = w.to_str().unwrap();
    let (code, out, err) = run(&["new", w, "--unit", "测试单位", "--year", "2024"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("shanxi-juesuan-2024"), "{out}");
    let (code, exported, _) = run(&["export", w, "--json"]);
    assert_eq!(code, 0);
    assert!(exported.contains("\"name\": \"测试单位\", \"year\": 2024, \"profile\": \"山西\""));
    let (code, _, err) = run(&["new", w, "--unit", "别的", "--year", "2024"]);
    assert_eq!(code, 2);
    assert!(err.contains("已存在"), "{err}");
    let (code, _, err) = run(&["new", &format!("{w}2"), "--unit", "x", "--year", "2019"]);
    assert_eq!(code, 2);
    assert!(err.contains("没有 2019 年度或更早的决算模板集"), "{err}");
}

#[test]
fn import_into_an_existing_workbook_is_one_undoable_step() {
    let d = dir("reimport");
    let w = d.join("w.sqlite");
    let w = w.to_str().unwrap();
    run(&["import", SAMPLE, "--into", w]);
    let changed =
        std::fs::read_to_string(SAMPLE)
            .unwrap()
            .replacen("\"3383.31\"", "\"3400.00\"", 1);
    let j = d.join("changed.json");
    std::fs::write(&j, changed).unwrap();
    let (code, out, err) = run(&["import", j.to_str().unwrap(), "--into", w]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 项"), "{out}");
    let (_, hist, _) = run(&["history", w]);
    assert!(hist.contains("导入 changed.json（1 项）"), "{hist}");
    let (code, out, _) = run(&["undo", w]);
    assert_eq!(code, 0);
    assert!(out.contains("已撤销：导入 changed.json"), "{out}");
    let (_, exported, _) = run(&["export", w, "--json"]);
    assert_eq!(exported, std::fs::read_to_string(SAMPLE).unwrap());
    let (_, out, _) = run(&["redo", w]);
    assert!(out.contains("已重做"), "{out}");
    let (_, hist, _) = run(&["history", w]);
    assert!(!hist.contains("已撤销"), "{hist}");
}

#[test]
fn versions_and_diff_from_the_command_line() {
    let d = dir("versions");
    let w = d.join("w.sqlite");
    let w = w.to_str().unwrap();
    run(&["import", SAMPLE, "--into", w]);
    let (code, out, _) = run(&["versions", w]);
    assert_eq!(code, 0);
    assert!(out.contains("还没有保存的版本"));
    let (code, out, err) = run(&["versions", w, "--add", "报财政审核稿 2025-03-10"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("#1"), "{out}");
    let changed = std::fs::read_to_string(SAMPLE)
        .unwrap()
        .replace("\"24.38\"}, \"asserted\"", "\"25.00\"}, \"asserted\"")
        .replacen("\"actual\": \"7个\"", "\"actual\": \"8个\"", 1);
    let j = d.join("changed.json");
    std::fs::write(&j, changed).unwrap();
    run(&["import", j.to_str().unwrap(), "--into", w]);
    let (code, out, _) = run(&["diff", w, "报财政审核稿 2025-03-10", "当前"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("公开03表 2080901 退役士兵安置 栏3（项目支出）：24.38 → 25.00"),
        "{out}"
    );
    // A form's change is named by its field, not shown as the record.
    assert!(
        out.contains("自评01 产出指标·数量指标「花篮制作」 完成值：7个 → 8个"),
        "{out}"
    );
    assert!(!out.contains("{\""), "{out}");
    let (code, _, err) = run(&["diff", w, "不存在的版本", "当前"]);
    assert_eq!(code, 2);
    assert!(err.contains("找不到版本「不存在的版本」"), "{err}");
}

#[test]
fn bad_files_get_chinese_messages_and_exit_2() {
    let d = dir("bad");
    let empty = d.join("empty.sqlite");
    std::fs::write(&empty, b"").unwrap();
    let (code, _, err) = run(&["check", empty.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("空文件"), "{err}");
    let (code, _, err) = run(&["export", empty.to_str().unwrap(), "--json"]);
    assert_eq!(code, 2);
    assert!(err.contains("空文件"), "{err}");
    assert_eq!(std::fs::read(&empty).unwrap().len(), 0);
    let bad_json = d.join("bad.json");
    std::fs::write(&bad_json, "{\"format\": \"gongkai-workbook\"").unwrap();
    let w = d.join("w.sqlite");
    let (code, _, err) = run(&[
        "import",
        bad_json.to_str().unwrap(),
        "--into",
        w.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("无法导入"), "{err}");
    assert!(!w.exists(), "nothing created from a bad import");
}
