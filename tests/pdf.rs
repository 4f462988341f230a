//! PDF export: the whole 公开 document and its parts, read back from the file (text per page,
//! page sizes), 目录 page numbers, repeated headers, empty tables, the 草稿 gate, determinism,
//! missing characters refused before writing.

mod common;
use common::*;

use gongkai::print::verify::{read, ReadPage};
use std::path::PathBuf;

fn out(name: &str) -> PathBuf {
    fresh_dir("pdf", name).join("out.pdf")
}

fn export(args: &[&str], name: &str) -> (i32, String, String, Vec<u8>) {
    let o = out(name);
    let mut a = vec!["export-pdf", SAMPLE, "-o", o.to_str().unwrap()];
    a.extend_from_slice(args);
    let (code, so, se) = run(&a);
    let bytes = std::fs::read(&o).unwrap_or_default();
    (code, so, se, bytes)
}

fn pages(bytes: &[u8]) -> Vec<ReadPage> {
    read(bytes).unwrap()
}

fn find(ps: &[ReadPage], needle: &str) -> Option<usize> {
    ps.iter().position(|p| p.text().contains(needle))
}

#[test]
fn the_whole_document_has_its_parts_in_order_on_a4() {
    let (code, so, se, bytes) = export(&[], "all");
    assert_eq!(code, 0, "{se}");
    assert!(so.contains("草稿（尚有 8 条错误）"), "{so}");
    let ps = pages(&bytes);
    assert!(ps.len() > 40, "{} pages", ps.len());
    for (i, p) in ps.iter().enumerate() {
        let a4 = ((p.width - 595.3).abs() < 1.0 && (p.height - 841.9).abs() < 1.0)
            || ((p.width - 841.9).abs() < 1.0 && (p.height - 595.3).abs() < 1.0);
        assert!(a4, "page {} is {}×{}", i + 1, p.width, p.height);
        assert!(!p.runs.is_empty(), "page {} blank", i + 1);
    }
    // Cover, 目录, then the parts in order.
    assert!(
        ps[0].text().contains("阳泉市退役军人事务局")
            && ps[0].text().contains("2023年度部门决算公开")
    );
    assert!(ps[1].text().contains("目  录"));
    let order = [
        "第一部分 概况",
        "收入支出决算总表",
        "一般公共预算财政拨款基本支出决算明细表",
        "部门决算公开相关信息统计表",
        "第三部分 情况说明",
        "第四部分 名词解释",
        "第五部分 附件",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|t| {
            ps.iter()
                .skip(3)
                .position(|p| p.text().contains(t))
                .unwrap()
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] <= w[1]), "{order:?} at {at:?}");
    // Figures as printed: thousands separators, 2 decimals; the narrative; a 自评表 with its grade.
    let all: String = ps.iter().map(|p| p.text()).collect::<Vec<_>>().join("\n");
    for s in [
        "3,598.36",
        "2023年度收入总计3,598.36万元",
        "贯彻落实党中央和省委",
        "阳泉市项目支出绩效自评表",
        "9.30烈士公祭等纪念活动工作经费",
        "自评等级",
        "十二、机关运行经费：",
        "评价人员",
    ] {
        assert!(all.contains(s), "{s} missing");
    }
    // Draft: the watermark is drawn on every page but is not text; the only 草稿 in the text
    // is the footer line.
    assert!(ps.iter().all(|p| !p.runs.iter().any(|r| r == "草稿")));
    assert!(ps.iter().all(|p| p
        .runs
        .iter()
        .any(|r| r.starts_with("草稿：工作簿尚有 8 条错误"))));
    // Small: only the glyphs used are embedded.
    assert!(bytes.len() < 1_500_000, "{} bytes", bytes.len());
}

#[test]
fn the_contents_page_numbers_point_at_the_right_pages() {
    let (_, _, _, bytes) = export(&[], "toc");
    let ps = pages(&bytes);
    let toc: String = ps[1..3]
        .iter()
        .map(|p| p.text())
        .collect::<Vec<_>>()
        .join("\n");
    // Page numbers are printed as "— n —" in the footer; find the page labelled like the entry.
    let page_labelled = |n: &str| {
        ps.iter()
            .position(|p| p.runs.iter().any(|r| r == &format!("— {n} —")))
            .unwrap()
    };
    for entry in [
        "公开05表 一般公共预算财政拨款支出决算表",
        "第三部分 情况说明",
        "第四部分 名词解释",
    ] {
        let line = toc
            .lines()
            .position(|l| l.contains(entry))
            .unwrap_or_else(|| panic!("{entry} not in 目录\n{toc}"));
        let lines: Vec<&str> = toc.lines().collect();
        // The number is the run after the leader dots.
        let num = lines[line + 2].trim();
        assert!(
            num.chars().all(|c| c.is_ascii_digit()),
            "{entry}: {:?}",
            &lines[line..line + 3]
        );
        let p = page_labelled(num);
        let title = entry.split_once(' ').map(|x| x.1).unwrap_or(entry);
        assert!(
            ps[p].text().contains(title),
            "{entry} → page {num} does not show it"
        );
    }
}

#[test]
fn long_tables_repeat_their_header_and_empty_tables_say_so() {
    let (code, _, se, bytes) = export(&["--part", "tables"], "tables");
    assert_eq!(code, 0, "{se}");
    let ps = pages(&bytes);
    // 公开03表 runs over a page: the continuation page carries the caption and the header again.
    let first = find(&ps, "支出决算表").unwrap();
    let cont = find(&ps, "公开03表 支出决算表（续）").expect("03 continues");
    assert!(cont > first);
    assert!(ps[cont].text().contains("本年支出合计") && ps[cont].text().contains("栏次"));
    // 公开07表 has no data in the sample: the reason is printed in the set's wording.
    let p07 = find(&ps, "政府性基金预算财政拨款收入支出决算表").unwrap();
    let t07: String = ps[p07]
        .text()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        t07.contains("本单位2023年度没有政府性基金预算财政拨款收入")
            && t07.contains("故本表无数据"),
        "{t07}"
    );
    // Locked cells print ——; the 注 under the table.
    assert!(ps.iter().any(|p| p.runs.iter().any(|r| r == "——")));
    assert!(
        ps[first]
            .text()
            .contains("注：本表反映部门本年度各项支出情况。")
            || ps[first + 1]
                .text()
                .contains("注：本表反映部门本年度各项支出情况。")
    );
}

#[test]
fn parts_can_be_exported_alone() {
    let (code, so, se, bytes) = export(&["--part", "table:公开05表"], "one");
    assert_eq!(code, 0, "{se}");
    assert!(so.contains("页"));
    let ps = pages(&bytes);
    assert!(ps.len() <= 2, "{}", ps.len());
    assert!(
        ps[0].text().contains("一般公共预算财政拨款支出决算表") && !ps[0].text().contains("目  录")
    );
    assert_eq!(
        ps[0].width.round(),
        595.0,
        "公开05表 is portrait, as its template says"
    );
    let (_, _, _, bytes) = export(&["--part", "table:03"], "one03");
    assert_eq!(
        pages(&bytes)[0].width.round(),
        842.0,
        "公开03表 is landscape"
    );

    let (code, _, se, bytes) = export(&["--part", "form:自评15"], "form");
    assert_eq!(code, 0, "{se}");
    let t: String = pages(&bytes).iter().map(|p| p.text()).collect();
    assert!(
        t.contains("阳泉市项目支出绩效自评表") && t.contains("总分"),
        "{t}"
    );
    assert!(t.contains("单位（盖章）") && t.contains("签字"));

    let (code, _, se, bytes) = export(&["--part", "narrative"], "narr");
    assert_eq!(code, 0, "{se}");
    assert!(pages(&bytes)[0].text().contains("第三部分 情况说明"));

    let (code, _, se, _) = export(&["--part", "table:公开99表"], "bad");
    assert_eq!(code, 2);
    assert!(se.contains("找不到表「公开99表」"), "{se}");
    let (code, _, se, _) = export(&["--part", "everything"], "bad2");
    assert_eq!(code, 2);
    assert!(se.contains("--part"), "{se}");
}

#[test]
fn the_draft_watermark_is_drawn_not_written() {
    let date = ["--date", "2025-03-10"];
    let (_, _, _, draft) = export(&date, "wm-draft");
    let mut fin = vec!["--final", "--override", "经单位负责人确认"];
    fin.extend_from_slice(&date);
    let (code, _, se, fin) = export(&fin, "wm-final");
    assert_eq!(code, 0, "{se}");
    // The text of the 草稿 is the text of the 定稿 apart from the footer line: no 草/稿 among
    // the figures for a checker or a copy and paste to trip over.
    let text = |b: &[u8]| -> Vec<Vec<String>> {
        pages(b)
            .into_iter()
            .map(|p| {
                p.runs
                    .into_iter()
                    .filter(|r| !r.starts_with("草稿：") && !r.starts_with("定稿（"))
                    .collect()
            })
            .collect()
    };
    let (d, f) = (text(&draft), text(&fin));
    assert_eq!(d.len(), f.len());
    for (i, (a, b)) in d.iter().zip(&f).enumerate() {
        assert_eq!(a, b, "page {}", i + 1);
    }
    // It is there all the same: filled outlines of 草稿 under every page's content.
    let built = build(gongkai::print::Part::All).unwrap();
    for p in &built.doc.pages {
        match p.items.first() {
            Some(gongkai::print::Item::Shape { label, rings, .. }) => {
                assert_eq!(label, "草稿");
                assert!(rings.len() > 10, "{} contours", rings.len());
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_final_copy_needs_zero_errors_or_a_recorded_override() {
    let (code, _, se, bytes) = export(&["--final"], "final");
    assert_eq!(code, 2);
    assert!(se.contains("8 条错误") && se.contains("--override"), "{se}");
    assert!(bytes.is_empty(), "nothing written");
    let (code, so, se, bytes) = export(
        &[
            "--final",
            "--override",
            "经单位负责人确认，自评表等级以印刷件为准",
        ],
        "override",
    );
    assert_eq!(code, 0, "{se}");
    assert!(so.contains("定稿"), "{so}");
    let ps = pages(&bytes);
    assert!(ps
        .iter()
        .all(|p| !p.runs.iter().any(|r| r.contains("草稿"))));
    assert!(
        ps[3].text().contains("经确认定稿：经单位负责人确认"),
        "{}",
        ps[3].text()
    );
    let raw = String::from_utf8_lossy(&bytes);
    assert!(
        raw.contains("Subject"),
        "the override is in the document info"
    );
}

#[test]
fn the_same_workbook_gives_byte_identical_files() {
    let (_, _, _, a) = export(&["--date", "2024-03-20"], "det1");
    let (_, _, _, b) = export(&["--date", "2024-03-20"], "det2");
    assert!(!a.is_empty());
    assert!(a == b, "two exports differ");
    let (_, _, _, c) = export(&["--date", "2024-03-21"], "det3");
    assert!(a != c, "the date is part of the file");
    let (code, _, se, _) = export(&["--date", "2024-13-01"], "det4");
    assert_eq!(code, 2);
    assert!(se.contains("YYYY-MM-DD"), "{se}");
    // Without --date the document is dated the day it is made (not 1 January of next year).
    let before = chrono::Local::now().format("D:%Y%m%d").to_string();
    let (code, _, se, today) = export(&[], "det5");
    let after = chrono::Local::now().format("D:%Y%m%d").to_string();
    assert_eq!(code, 0, "{se}");
    let raw = String::from_utf8_lossy(&today);
    assert!(
        raw.contains(&before) || raw.contains(&after),
        "creation date is today"
    );
}

#[test]
fn a_character_the_fonts_lack_is_named_before_writing() {
    let d = fresh_dir("pdf", "glyph");
    let mut wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    // An Extension-B character (outside the bundled U+4E00–9FFF set) in the unit's name.
    wb.unit.name = "阳泉市𠀋退役军人事务局".into();
    let src = d.join("w.json");
    std::fs::write(&src, gongkai::io::json::to_json(&wb)).unwrap();
    let o = d.join("o.pdf");
    let (code, _, se) = run(&[
        "export-pdf",
        src.to_str().unwrap(),
        "-o",
        o.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        se.contains("𠀋") && se.contains("U+2000B") && se.contains("第 1 页"),
        "{se}"
    );
    assert!(!o.exists());
}

fn build(part: gongkai::print::Part) -> Result<gongkai::print::doc::Built, String> {
    let reg = gongkai::template::Registry::builtin();
    let wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    let set = reg.set(&wb.template_set).unwrap();
    let full = gongkai::evaluate::evaluate_full(reg, set, &wb).unwrap();
    let src = gongkai::print::doc::Source::new(reg, &wb, &full);
    let opts = gongkai::print::Options {
        part,
        ..Default::default()
    };
    gongkai::print::doc::build(&src, &opts)
}

/// Compares with tests/snapshots/NAME.txt (GONGKAI_UPDATE_SNAPSHOTS=1 rewrites it).
fn snapshot(name: &str, text: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("GONGKAI_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if want != text {
        let diff = want
            .lines()
            .zip(text.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b);
        panic!(
            "layout of {name} changed (first difference: {diff:?}; {} vs {} lines). Look at the PDF, then rerun with GONGKAI_UPDATE_SNAPSHOTS=1",
            want.lines().count(),
            text.lines().count()
        );
    }
}

#[test]
fn layout_snapshots_of_a_table_and_a_form() {
    use gongkai::print::Part;
    snapshot(
        "table-05",
        &build(Part::Table("公开05表".into()))
            .unwrap()
            .doc
            .snapshot(),
    );
    snapshot(
        "form-15",
        &build(Part::Form("自评15".into())).unwrap().doc.snapshot(),
    );
}

#[test]
fn every_table_title_label_and_key_figure_is_in_the_file() {
    let (_, _, _, bytes) = export(&["--part", "tables"], "titles");
    let all: String = pages(&bytes)
        .iter()
        .map(|p| p.text())
        .collect::<Vec<_>>()
        .join("\n");
    let reg = gongkai::template::Registry::builtin();
    for t in &reg.set("shanxi-juesuan-2023").unwrap().tables {
        assert!(
            all.contains(&t.title) && all.contains(&t.label),
            "{} {}",
            t.label,
            t.title
        );
    }
    for f in [
        "3,598.36", "3,383.31", "455.01", "411.50", "43.51", "2,987.06", "92.75", "22.33", "4.54",
    ] {
        assert!(all.contains(f), "{f}");
    }
}

#[test]
fn a_cell_taller_than_a_page_continues_on_the_next() {
    let d = fresh_dir("pdf", "overflow");
    let mut wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    let r = wb.records.get_mut("自评01").unwrap();
    let mut f = gongkai::perf::PerfForm::from_json(&r.body).unwrap();
    f.fields
        .insert("自评结论".into(), "本项目自评等级为优。".repeat(600));
    r.body = f.to_json();
    let src = d.join("w.json");
    std::fs::write(&src, gongkai::io::json::to_json(&wb)).unwrap();
    let o = d.join("o.pdf");
    let (code, so, se) = run(&[
        "export-pdf",
        src.to_str().unwrap(),
        "-o",
        o.to_str().unwrap(),
        "--part",
        "form:自评01",
    ]);
    assert_eq!(code, 0, "{se}");
    let ps = pages(&std::fs::read(&o).unwrap());
    // (A form that cannot keep to one page is set at the size that takes the fewest pages: here
    // 7.5 pt, the text alone still longer than a page.)
    assert!(ps.len() >= 3, "{so}: {} pages", ps.len());
    // Every character of the long text is printed, in order, across the pages.
    // (Page furniture — the page number, the 草稿 footer — left out: a phrase may run across
    // the page break.)
    let all: String = ps
        .iter()
        .flat_map(|p| p.runs.iter().cloned())
        .filter(|r| !r.starts_with("— ") && !r.starts_with("草稿："))
        .collect();
    assert_eq!(all.matches("本项目自评等级为优。").count(), 600);
    // Nothing is written past the bottom margin: every page is still A4 and non-blank.
    assert!(ps.iter().all(|p| !p.runs.is_empty()));
}

#[test]
fn a_sqlite_workbook_exports_the_same_document() {
    let d = fresh_dir("pdf", "sqlite");
    let w = d.join("w.sqlite");
    let (code, _, se) = run(&["import", SAMPLE, "--into", w.to_str().unwrap()]);
    assert_eq!(code, 0, "{se}");
    let (a, b) = (d.join("a.pdf"), d.join("b.pdf"));
    run(&["export-pdf", w.to_str().unwrap(), "-o", a.to_str().unwrap()]);
    run(&["export-pdf", SAMPLE, "-o", b.to_str().unwrap()]);
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn an_amount_is_never_broken_across_lines_and_one_that_cannot_fit_is_refused() {
    let d = fresh_dir("pdf", "wide-amount");
    let mut wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    let write = |wb: &gongkai::engine::Workbook, name: &str| {
        let src = d.join(name);
        std::fs::write(&src, gongkai::io::json::to_json(wb)).unwrap();
        src
    };
    // Eleven digits in 公开03表's narrow 项目支出 column: set smaller, printed whole on one line.
    let big: rust_decimal::Decimal = "98765432109.87".parse().unwrap();
    wb.set_value("03", "2080901", "3", Some(big));
    let src = write(&wb, "big.json");
    let o = d.join("big.pdf");
    let (code, _, se) = run(&[
        "export-pdf",
        src.to_str().unwrap(),
        "-o",
        o.to_str().unwrap(),
        "--part",
        "table:公开03表",
    ]);
    assert_eq!(code, 0, "{se}");
    let ps = pages(&std::fs::read(&o).unwrap());
    assert!(
        ps.iter()
            .any(|p| p.runs.iter().any(|r| r.trim() == "98,765,432,109.87")),
        "the amount is one run"
    );
    // Twenty-six digits are no 万元 figure: refused where they enter (15 integer digits at most),
    // with the place named, and nothing is written.
    let absurd: rust_decimal::Decimal = "12345678901234567890123456.78".parse().unwrap();
    wb.set_value("03", "2080901", "3", Some(absurd));
    let src = write(&wb, "absurd.json");
    let o = d.join("absurd.pdf");
    let (code, _, se) = run(&[
        "export-pdf",
        src.to_str().unwrap(),
        "-o",
        o.to_str().unwrap(),
        "--part",
        "table:公开03表",
    ]);
    assert_eq!(code, 2);
    assert!(
        se.contains("tables.03") && se.contains("数值过大（整数部分最多 15 位）"),
        "{se}"
    );
    assert!(!o.exists());
}

/// Exports `wb` (written to a temporary JSON) with `args`.
fn export_wb(wb: &gongkai::engine::Workbook, args: &[&str], name: &str) -> (i32, String, bool) {
    let d = fresh_dir("pdf", name);
    let src = d.join("w.json");
    std::fs::write(&src, gongkai::io::json::to_json(wb)).unwrap();
    let o = d.join("out.pdf");
    let mut a = vec![
        "export-pdf",
        src.to_str().unwrap(),
        "-o",
        o.to_str().unwrap(),
    ];
    a.extend_from_slice(args);
    let (code, _, se) = run(&a);
    (code, se, o.exists())
}

#[test]
fn the_final_copy_refuses_anything_unfinished_and_the_draft_still_prints() {
    let base = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    let fin = ["--final", "--override", "自评表的问题已与财政沟通"];
    // The sample as it is: its 8 errors are overridden with a reason, and it prints as 定稿.
    let (code, se, made) = export_wb(&base, &fin, "gate-ok");
    assert_eq!(code, 0, "{se}");
    assert!(made);
    // Each class of unfinished content refuses the 定稿, whatever the override, naming its place;
    // the 草稿 still prints.
    let mut placeholder = base.clone();
    placeholder.texts.remove("输入/原因.总体");
    let mut overview = base.clone();
    overview.texts.remove("概况/职责");
    let mut text_cell = base.clone();
    text_cell.texts.insert(
        format!("{}03/2080901/3", gongkai::engine::UNREAD),
        "abc".into(),
    );
    let mut broken = base.clone();
    broken
        .texts
        .insert("情况说明/总体".into(), "公用经费0万元，主要包括等。".into());
    for (name, wb, want) in [
        ("gate-placeholder", &placeholder, "占位文字"),
        (
            "gate-overview",
            &overview,
            "概况「一、本部门（单位）职责」未填写",
        ),
        ("gate-text", &text_cell, "「abc」不是金额"),
        ("gate-broken", &broken, "句子不完整"),
    ] {
        let (code, se, made) = export_wb(wb, &fin, name);
        assert_eq!(code, 2, "{name}: {se}");
        assert!(
            se.contains("不能导出定稿") && se.contains(want),
            "{name}: {se}"
        );
        assert!(!made, "{name}: nothing written");
        let (code, se, made) = export_wb(wb, &[], &format!("{name}-draft"));
        assert_eq!(code, 0, "{name} draft: {se}");
        assert!(made);
    }
    // Text in an amount cell is an error finding in `check` too.
    let d = fresh_dir("pdf", "gate-check");
    let src = d.join("w.json");
    std::fs::write(&src, gongkai::io::json::to_json(&text_cell)).unwrap();
    let (code, out, _) = run(&["check", src.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains("[错误] TEXT-1") && out.contains("公开03表 2080901 退役士兵安置 栏3"),
        "{out}"
    );
}

#[test]
fn an_empty_table_prints_the_units_own_reason() {
    let mut wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    wb.texts.insert(
        format!("{}08", gongkai::engine::NO_DATA),
        "本部门2023年度无国有资本经营预算安排".into(),
    );
    let d = fresh_dir("pdf", "reason");
    let src = d.join("w.json");
    std::fs::write(&src, gongkai::io::json::to_json(&wb)).unwrap();
    let o = d.join("08.pdf");
    let (code, _, se) = run(&[
        "export-pdf",
        src.to_str().unwrap(),
        "-o",
        o.to_str().unwrap(),
        "--part",
        "table:公开08表",
    ]);
    assert_eq!(code, 0, "{se}");
    let text: String = pages(&std::fs::read(&o).unwrap())
        .iter()
        .map(|p| p.text())
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        text.contains("说明：本部门2023年度无国有资本经营预算安排"),
        "{text}"
    );
}

#[test]
fn a_form_keeps_to_one_page_when_it_fits_at_a_readable_size() {
    use gongkai::print::doc::FORM_MIN_PT;
    use gongkai::print::{Item, Part};
    // One signed sheet per form where the paper has one: 自评15 spilled its 评价人员 and stamp
    // box onto a second page at 9 pt; set tighter it keeps to one.
    assert_eq!(
        build(Part::Form("自评15".into())).unwrap().doc.pages.len(),
        1
    );
    // The sample's 16 自评表 take 18 pages (32 at full size; 附件N beside the title, not on a
    // line of its own), none of the text smaller than FORM_MIN_PT (the footer line excepted).
    let att = build(Part::Attachments).unwrap();
    assert!(att.doc.pages.len() <= 18, "{} pages", att.doc.pages.len());
    // With the 10 tables: no more pages than the Excel + LibreOffice route prints (33).
    let tables = build(Part::Tables).unwrap().doc.pages.len();
    assert!(
        tables + att.doc.pages.len() <= 33,
        "{tables} + {}",
        att.doc.pages.len()
    );
    for (i, p) in att.doc.pages.iter().enumerate() {
        for it in &p.items {
            if let Item::Text(r) = it {
                if r.y < p.height - 10.0 {
                    assert!(
                        r.size >= FORM_MIN_PT - 0.01,
                        "page {}: 「{}」 at {} pt",
                        i + 1,
                        r.text,
                        r.size
                    );
                }
            }
        }
    }
    // A form that fits at full size is not made smaller: 自评10 with one indicator, short
    // texts and one 评价人员.
    let reg = gongkai::template::Registry::builtin();
    let mut wb = gongkai::io::json::from_json(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    let r = wb.records.get_mut("自评10").unwrap();
    let mut f = gongkai::perf::PerfForm::from_json(&r.body).unwrap();
    f.indicators.truncate(1);
    f.reviewers.truncate(1);
    for v in f.fields.values_mut() {
        if v.chars().count() > 20 {
            *v = v.chars().take(20).collect();
        }
    }
    r.body = f.to_json();
    let set = reg.set(&wb.template_set).unwrap();
    let full = gongkai::evaluate::evaluate_full(reg, set, &wb).unwrap();
    let src = gongkai::print::doc::Source::new(reg, &wb, &full);
    let opts = gongkai::print::Options {
        part: Part::Form("自评10".into()),
        ..Default::default()
    };
    let short = gongkai::print::doc::build(&src, &opts).unwrap();
    assert_eq!(short.doc.pages.len(), 1);
    let sizes: Vec<f32> = short.doc.pages[0]
        .items
        .iter()
        .filter_map(|it| match it {
            Item::Text(r) if r.text == "一级指标" => Some(r.size),
            _ => None,
        })
        .collect();
    assert_eq!(sizes, [9.0]);
}

#[test]
fn merged_form_cells_have_no_inner_rules_and_a_centred_label() {
    use gongkai::print::{Item, Part};
    let doc = build(Part::Form("自评01".into())).unwrap().doc;
    let items = &doc.pages[0].items;
    let run = |prefix: &str| {
        items
            .iter()
            .find_map(|it| match it {
                Item::Text(r) if r.text.starts_with(prefix) => Some(r.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("「{prefix}」 not on the page"))
    };
    let head = run("一级指标");
    let output = run("产出指标");
    let benefit = run("效益指标");
    let second = run("租赁音响");
    // Horizontal rules crossing column x between the header row and the 效益指标 block.
    let rules_across = |x: f32| {
        items
            .iter()
            .filter(|it| match it {
                Item::Line { x1, y1, x2, y2, .. } => {
                    (y1 - y2).abs() < 0.01
                        && x1.min(*x2) < x
                        && x1.max(*x2) > x
                        && *y1 > head.y + 2.0
                        && *y1 < benefit.y - 6.0
                }
                _ => false,
            })
            .count()
    };
    // The 一级指标 「产出指标」 spans the block's 10 rows: no rule inside it; the 三级指标
    // column beside it is ruled row by row.
    assert_eq!(rules_across(output.x + 1.0), 0);
    assert!(
        rules_across(second.x + 1.0) >= 9,
        "{}",
        rules_across(second.x + 1.0)
    );
    // Its label sits in the middle of the merge, not at its top.
    assert!(output.y > second.y + 10.0, "{} vs {}", output.y, second.y);
}

#[test]
fn a_form_longer_than_a_page_breaks_between_sections_and_keeps_the_total_with_the_signatures() {
    use gongkai::print::{Item, Part};
    for id in ["自评06", "自评12"] {
        let doc = build(Part::Form(id.into())).unwrap().doc;
        assert_eq!(doc.pages.len(), 2, "{id}");
        let page_of = |t: &str| {
            doc.pages
                .iter()
                .position(|p| {
                    p.items
                        .iter()
                        .any(|it| matches!(it, Item::Text(r) if r.text == t))
                })
                .unwrap_or_else(|| panic!("{id}: 「{t}」 not printed"))
        };
        // The indicator grid is not cut (its last block is on the page of its header) …
        assert_eq!(page_of("一级指标"), page_of("满意度指标"), "{id}");
        // … and 总分/自评等级 are on the page of the 评价人员 and the signature rows.
        assert_eq!(page_of("总分"), page_of("评价人员"), "{id}");
        assert_eq!(page_of("自评等级"), page_of("填报人"), "{id}");
    }
}
