//! `gongkai check`: exit codes, JSON output, and clear Chinese messages for bad files.

mod common;
use common::*;

fn temp(name: &str, content: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("gongkai 公开-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

#[test]
fn check_json_lists_the_tail_warning_and_no_table_errors() {
    let (code, out, _) = run(&["check", SAMPLE, "--json"]);
    // The attached 自评表 carry the seed's real defects (tests/perf.rs); the tables have none.
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let all = v.as_array().unwrap();
    let arr: Vec<&serde_json::Value> = all
        .iter()
        .filter(|f| f["table"].as_str().unwrap().len() == 2 && f["rule"] != "X-绩效/03")
        .collect();
    // 19 tails of 0.01 and the 0.02 of 20809 (尾数: 提示); 公开07/08表 are 本表无数据 as printed.
    assert_eq!(arr.len(), 20);
    for f in &arr {
        for k in ["rule", "severity", "table", "row", "col", "message"] {
            assert!(f.get(k).is_some(), "missing {k}");
        }
        assert_ne!(f["severity"], "error");
    }
    let w: Vec<_> = arr.iter().filter(|f| f["severity"] == "warning").collect();
    let errors: Vec<_> = all.iter().filter(|f| f["severity"] == "error").collect();
    assert_eq!(errors.len(), 8);
    assert!(errors
        .iter()
        .all(|f| f["table"].as_str().unwrap().starts_with("自评")));
    assert!(w.is_empty(), "{w:?}");
    assert!(arr
        .iter()
        .any(|f| f["rule"] == "H1" && f["table"] == "03" && f["row"] == "20809"));
}

#[test]
fn human_output_groups_by_table() {
    let (code, out, _) = run(&["check", SAMPLE]);
    assert_eq!(code, 1);
    assert!(out.contains("错误 8 条"), "{out}");
    assert!(out.contains("公开03表 支出决算表\n"));
    assert!(out.contains("项目支出绩效自评表「军休中心补贴机构经费」（自评15）\n"));
}

#[test]
fn a_changed_item_exits_1_and_names_the_tables() {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let line = "{\"row\": \"2080901\", \"name\": \"退役士兵安置\", \"values\": {\"3\": \"24.38\"}";
    let pos = text.find(line).expect("03 row of the sample");
    let changed = format!(
        "{}{}{}",
        &text[..pos],
        line.replace("24.38", "34.38"),
        &text[pos + line.len()..]
    );
    let (code, out, _) = run(&["check", &temp("changed.json", changed.as_bytes()), "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut tables: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error" && f["table"].as_str().unwrap().len() == 2)
        .map(|f| f["table"].as_str().unwrap().to_string())
        .collect();
    tables.dedup();
    tables.sort();
    tables.dedup();
    // The root is 03; 01 takes its totals from 03 and agrees with 03's printed ones, so it is
    // listed as a consequence (连带, 提示) naming 03, not as a second error.
    assert_eq!(tables, vec!["03"]);
    assert!(v.as_array().unwrap().iter().any(|f| f["table"] == "01"
        && f["severity"] == "info"
        && f["message"].as_str().unwrap().contains("连带：由公开03表")));
}

/// A minimal workbook file for the 2023 set with the given `tables` object.
fn workbook(tables: &str) -> Vec<u8> {
    format!(
        r#"{{"format":"gongkai-workbook","version":1,"template_set":"shanxi-juesuan-2023","unit":{{"name":"a","year":2023}},"tables":{tables}}}"#
    )
    .into_bytes()
}

#[test]
fn bad_files_exit_2_with_a_chinese_message() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("syntax.json", b"{ \"format\": ".to_vec(), "不是有效的 JSON"),
        ("foreign.json", b"{\"hello\": 1}".to_vec(), "不是 Gongkai 草稿文件"),
        ("binary.json", vec![0xff, 0xfe, 0x00, 0x12], "不是 UTF-8"),
        (
            "newer.json",
            br#"{"format":"gongkai-workbook","version":99,"template_set":"x","unit":{"name":"a","year":2023}}"#.to_vec(),
            "比本程序新",
        ),
        (
            "set.json",
            br#"{"format":"gongkai-workbook","version":1,"template_set":"nope","unit":{"name":"a","year":2023}}"#.to_vec(),
            "找不到模板集「nope」",
        ),
        ("number.json", workbook(r#"{"01":[{"row":"1","values":{"1":"12a"}}]}"#), "tables.01[0].values.1：「12a」不是有效金额"),
        ("derived.json", workbook(r#"{"01":[{"row":"27","values":{"1":"2"}}]}"#), "是计算得出的单元格"),
        ("code.json", workbook(r#"{"03":[{"row":"20a","values":{"2":"2"}}]}"#), "科目代码「20a」无效"),
        ("comma.json", workbook(r#"{"01":[{"row":"1","values":{"1":"12,5"}}]}"#), "千分位分隔符应每三位一个"),
        ("huge.json", workbook(r#"{"01":[{"row":"1","values":{"1":"79228162514264337593543950335"}}]}"#), "数值过大"),
        (
            "version-text.json",
            br#"{"format":"gongkai-workbook","version":"1","template_set":"x","unit":{"name":"a","year":2023}}"#.to_vec(),
            "版本号应为正整数",
        ),
        (
            "year.json",
            br#"{"format":"gongkai-workbook","version":1,"template_set":"shanxi-juesuan-2023","unit":{"name":"a","year":-1}}"#.to_vec(),
            "年度 -1 不合理",
        ),
    ];
    for (name, bytes, want) in cases {
        let (code, out, err) = run(&["check", &temp(name, &bytes)]);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains(want), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    // A figure of a table the set does not have is kept and named, not refused (ORPHAN-1).
    let (code, out, err) = run(&[
        "check",
        &temp(
            "table.json",
            &workbook(r#"{"11":[{"row":"1","values":{"1":"2"}}]}"#),
        ),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("表「11」 行「1」栏1 的 2.00：模板集中没有这张表"),
        "{out}"
    );
    let (code, _, err) = run(&["check", "/no/such/file.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("无法读取文件"), "{err}");
    // A long bad number is quoted by its start, not echoed whole.
    let long = "9".repeat(100_000) + "x";
    let (code, _, err) = run(&[
        "check",
        &temp(
            "long.json",
            &workbook(&format!(
                r#"{{"01":[{{"row":"1","values":{{"1":"{long}"}}}}]}}"#
            )),
        ),
    ]);
    assert_eq!(code, 2);
    assert!(
        err.len() < 1000 && err.contains("共 100001 个字符"),
        "{}",
        &err[..err.len().min(300)]
    );
}

#[test]
fn a_byte_order_mark_and_a_source_field_are_accepted() {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(
        br#"{"format":"gongkai-workbook","version":1,"source":"https://example.org/x.pdf","template_set":"shanxi-juesuan-2023","unit":{"name":"a","year":2023},"tables":{}}"#,
    );
    let (code, out, err) = run(&["check", &temp("bom.json", &bytes)]);
    assert_ne!(code, 2, "{out}{err}");
}

#[test]
fn a_broken_template_folder_exits_2_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("gongkai 公开-tpl-{}", std::process::id()));
    let set = dir.join("templates/t");
    std::fs::create_dir_all(&set).unwrap();
    std::fs::write(set.join("set.toml"), "id = \"t\"\nname = \"x\"\nregion = \"r\"\nyear = 1\nfamily = \"决算\"\nrules = \"rules.toml\"\ntables = [\"a.toml\"]\n").unwrap();
    std::fs::write(set.join("rules.toml"), "[[rule]]\nid = 1\n").unwrap();
    let (code, _, err) = run(&["--templates", dir.to_str().unwrap(), "templates"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("templates/t/rules.toml") && err.contains("格式错误"),
        "{err}"
    );
}

#[test]
fn command_line_mistakes_are_told_in_chinese() {
    for (args, want) in [
        (
            vec!["new", "x.sqlite", "--unit", "a", "--year", "abc"],
            "年度应为四位整数",
        ),
        (vec!["frobnicate"], "没有「frobnicate」这个命令"),
        (
            vec!["check", "--bogus", "x.json"],
            "不认识的参数「--bogus」",
        ),
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("error:") && !err.contains("Usage"), "{err}");
    }
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("Usage") || out.contains("用法"));
}

#[test]
fn findings_come_errors_first_then_warnings_then_hints() {
    let (_, out, _) = run(&["check", SAMPLE, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rank = |s: &str| match s {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    let order: Vec<i32> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| rank(f["severity"].as_str().unwrap()))
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    assert!(order.contains(&0) && order.contains(&1) && order.contains(&2));
}

#[test]
fn a_workbook_named_alone_opens_it_as_a_file_manager_asks() {
    use gongkai::cli::{parse_args, Command};
    // The desktop entry runs `gongkai %f`: a double-clicked workbook arrives as the only argument.
    let cli = parse_args([
        "gongkai",
        "/home/用户/文档/Gongkai/本单位 2024年度-决算.gongkai",
    ])
    .unwrap();
    match cli.command {
        Some(Command::Open { file }) => {
            assert!(file.ends_with("本单位 2024年度-决算.gongkai"))
        }
        other => panic!("{other:?}"),
    }
    // Files of earlier versions too; anything else is still a command (and refused in Chinese).
    assert!(matches!(
        parse_args(["gongkai", "旧.sqlite"]).unwrap().command,
        Some(Command::Open { .. })
    ));
    let (msg, code) = parse_args(["gongkai", "笔记.txt"]).unwrap_err();
    assert_eq!(code, 2);
    assert!(msg.contains("没有「笔记.txt」这个命令"), "{msg}");
    // No argument: the window on its start page.
    assert!(parse_args(["gongkai"]).unwrap().command.is_none());
}
