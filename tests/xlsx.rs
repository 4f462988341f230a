//! Excel in and out: every sample round-trips exactly; one number edited in the file comes back as
//! exactly that change; a foreign workbook (shifted rows, merged headers, numbers as text,
//! full-width digits, "——") is read by 表名/栏次/科目编码 and its wrong printed total is reported
//! with its Excel cell; broken, encrypted, bomb-like and random files are refused without panic.

mod common;
use common::*;

use gongkai::engine::{diff, Workbook};
use gongkai::template::Registry;
use gongkai::xlsx;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::io::{Read, Write};
use std::str::FromStr;

fn reg() -> &'static Registry {
    Registry::builtin()
}

fn load(path: &str) -> Workbook {
    gongkai::io::json::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn export(wb: &Workbook) -> Vec<u8> {
    let set = reg().set(&wb.template_set).unwrap();
    let full = gongkai::evaluate::evaluate_full(reg(), set, wb).unwrap();
    xlsx::export(&full.ev.model, wb, &full.scored).unwrap()
}

const SAMPLES: [&str; 3] = [
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/samples/juesuan-2023-yangquan.json"
    ),
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/samples/zhengti-2023-lusong.json"
    ),
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/samples/yusuan-2024-yangquan.json"
    ),
];

#[test]
fn every_sample_round_trips_exactly() {
    for s in SAMPLES {
        let wb = load(s);
        let p = xlsx::import(reg(), &export(&wb), None).unwrap();
        assert!(p.from_gongkai);
        assert_eq!(p.changed, 0, "{s}");
        assert_eq!(
            gongkai::io::json::to_json(&p.workbook),
            gongkai::io::json::to_json(&wb),
            "{s}"
        );
    }
}

/// The file with one worksheet's XML rewritten by `f` (as a spreadsheet program would save it).
fn rewrite_sheet(bytes: &[u8], sheet_no: usize, f: impl Fn(String) -> String) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let target = format!("xl/worksheets/sheet{sheet_no}.xml");
    let mut done = false;
    for i in 0..z.len() {
        let mut entry = z.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == target {
            data = f(String::from_utf8(data).unwrap()).into_bytes();
            done = true;
        }
        let opts: zip::write::SimpleFileOptions = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        out.start_file(name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(done);
    out.finish().unwrap().into_inner()
}

/// Rewrites one number cell's value inside the exported file.
fn edit_cell(bytes: &[u8], sheet_no: usize, addr: &str, old: &str, new: &str) -> Vec<u8> {
    rewrite_sheet(bytes, sheet_no, |xml| {
        let at = xml
            .find(&format!("<c r=\"{addr}\""))
            .expect("cell in sheet");
        let v = at + xml[at..].find("<v>").unwrap() + 3;
        let end = v + xml[v..].find("</v>").unwrap();
        assert_eq!(&xml[v..end], old);
        format!("{}{new}{}", &xml[..v], &xml[end..])
    })
}

#[test]
fn editing_one_number_in_the_file_comes_back_as_exactly_that_change() {
    let wb = load(SAMPLE);
    let bytes = export(&wb);
    // 公开03表 is the third sheet; find the address of 2080901 栏3 from the layout.
    let set = reg().set(&wb.template_set).unwrap();
    let model = gongkai::engine::evaluate(set, &wb).unwrap().model;
    let sh = gongkai::layout::sheet(&model, 2);
    let id = model.cell_id("03", "2080901", "3").unwrap();
    let (r, c) = sh.position_of(id).unwrap();
    let addr = xlsx::import::address((2 + sh.header_rows + r) as u32, c as u32);
    let edited = edit_cell(&bytes, 3, &addr, "24.38", "34.38");
    let p = xlsx::import(reg(), &edited, None).unwrap();
    assert_eq!(p.changed, 1);
    let d = diff(&wb, &p.workbook);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].new.as_deref(), Some("34.38"));
    assert!(
        d[0].describe(Some(set)).contains("2080901"),
        "{}",
        d[0].describe(Some(set))
    );
    // Through the CLI into a .sqlite: one undoable step, and check sees the new figure.
    let dir = fresh_dir("xlsx", "edit");
    let x = dir.join("edited.xlsx");
    std::fs::write(&x, &edited).unwrap();
    let w = dir.join("w.sqlite");
    let (code, _, e) = run(&["import", SAMPLE, "--into", w.to_str().unwrap()]);
    assert_eq!(code, 0, "{e}");
    let (code, so, e) = run(&[
        "import",
        x.to_str().unwrap(),
        "--into",
        w.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{e}");
    assert!(so.contains("变化 1 处") && so.contains("未写入"), "{so}");
    let (code, _, e) = run(&["import", x.to_str().unwrap(), "--into", w.to_str().unwrap()]);
    assert_eq!(code, 0, "{e}");
    let (_, hist, _) = run(&["history", w.to_str().unwrap()]);
    assert!(hist.contains("导入 edited.xlsx"), "{hist}");
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A workbook as a 决算 system might export it: a cover sheet, the table shifted down and right,
/// merged headers, numbers stored as text with separators, full-width digits, "——".
fn foreign() -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook as X};
    let mut x = X::new();
    let cover = x.add_worksheet();
    cover.set_name("封面").unwrap();
    cover
        .write_string(0, 0, "阳泉市退役军人事务局2023年度部门决算")
        .unwrap();
    let ws = x.add_worksheet();
    ws.set_name("Sheet1").unwrap();
    let f = Format::new();
    ws.write_string(2, 1, "2023年度支出决算表").unwrap();
    ws.write_string(3, 1, "部门名称：阳泉市退役军人事务局")
        .unwrap();
    ws.merge_range(4, 1, 4, 2, "项目", &f).unwrap();
    ws.write_string(4, 3, "本年支出合计").unwrap();
    ws.write_string(4, 4, "基本支出").unwrap();
    ws.write_string(4, 5, "项目支出").unwrap();
    ws.write_string(5, 1, "科目编码").unwrap();
    ws.write_string(5, 2, "科目名称").unwrap();
    ws.merge_range(6, 1, 6, 2, "栏次", &f).unwrap();
    for (i, n) in ["1", "2", "3"].iter().enumerate() {
        ws.write_string(6, 3 + i as u16, *n).unwrap();
    }
    let rows: [(&str, &str, &str, &str, &str); 5] = [
        ("合计", "", "1,000.00", "900.00", "100.00"),
        ("208", "社会保障和就业支出", "1,000.00", "900.00", "100.00"),
        ("20809", "退役安置", "1,000.00", "900.00", "100.00"),
        ("2080901", "退役士兵安置", "５００．００", "400", "１００"),
        ("2080905", "军队转业干部安置", "500.00", "500.00", "——"),
    ];
    for (i, (code, name, a, b, c)) in rows.iter().enumerate() {
        let r = 7 + i as u32;
        ws.write_string(r, 1, *code).unwrap();
        ws.write_string(r, 2, *name).unwrap();
        ws.write_string(r, 3, *a).unwrap();
        ws.write_string(r, 4, *b).unwrap();
        ws.write_string(r, 5, *c).unwrap();
    }
    // A printed total that is wrong on purpose: 合计 栏1 says 1,000.10, its parts add to 1,000.00.
    ws.write_string(7, 3, "1,000.10").unwrap();
    ws.write_string(13, 1, "注：本表反映部门本年度各项支出情况。")
        .unwrap();
    x.save_to_buffer().unwrap()
}

#[test]
fn a_foreign_workbook_is_read_by_title_column_numbers_and_codes() {
    let p = xlsx::import(reg(), &foreign(), None).unwrap();
    assert!(!p.from_gongkai);
    let wb = &p.workbook;
    assert_eq!(
        wb.template_set, "shanxi-juesuan-2023",
        "the printed year picks the version"
    );
    assert_eq!(wb.unit.name, "阳泉市退役军人事务局");
    assert!(
        p.recognised
            .iter()
            .any(|r| r.contains("公开03表") && r.contains("Sheet1")),
        "{:?}",
        p.recognised
    );
    // 项 figures are inputs (text, separators and full-width digits read); "——" is empty.
    assert_eq!(wb.value("03", "2080901", "2"), Some(dec("400")));
    assert_eq!(wb.value("03", "2080901", "3"), Some(dec("100")));
    assert_eq!(wb.value("03", "2080905", "2"), Some(dec("500")));
    assert_eq!(wb.value("03", "2080905", "3"), None);
    // Printed totals that agree are not stored; the wrong one is asserted and reported with its cell.
    let set = reg().set(&wb.template_set).unwrap();
    let ev = gongkai::engine::evaluate(set, wb).unwrap();
    let f = ev
        .findings
        .iter()
        .find(|f| {
            f.table == "03" && f.row == "合计" && f.col == "1" && f.lhs == Some(dec("1000.10"))
        })
        .expect("the wrong printed total");
    assert_eq!(p.source_of(f), Some("工作表「Sheet1」D8"));
    // Tables the file does not have are listed.
    assert!(p.missing.iter().any(|m| m.contains("公开01表")));
}

#[test]
fn broken_files_are_refused_in_chinese() {
    // Not a spreadsheet.
    let e = xlsx::import(reg(), b"hello", None).unwrap_err();
    assert!(e.contains("不是 Excel 工作簿"), "{e}");
    // Truncated.
    let good = export(&load(SAMPLE));
    let e = xlsx::import(reg(), &good[..good.len() / 2], None).unwrap_err();
    assert!(e.contains("压缩包已损坏") || e.contains("无法读取"), "{e}");
    // An OLE container that is not a readable .xls (what a password-protected .xlsx looks like).
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 4096));
    let e = xlsx::import(reg(), &ole, None).unwrap_err();
    assert!(e.contains("无法读取") || e.contains("加密"), "{e}");
    // A zip whose parts claim to expand past the limit (a bomb) is refused before expanding.
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts: zip::write::SimpleFileOptions =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    z.write_all(b"<worksheet/>").unwrap();
    let mut bytes = z.finish().unwrap().into_inner();
    // Patch the central directory's uncompressed size (offset 24 in the entry) to 3 GB.
    let cd = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    bytes[cd + 24..cd + 28].copy_from_slice(&3_000_000_000u32.to_le_bytes());
    let e = xlsx::import(reg(), &bytes, None).unwrap_err();
    assert!(e.contains("压缩炸弹") || e.contains("压缩包已损坏"), "{e}");
    // Too large.
    let big = vec![0u8; xlsx::import::MAX_FILE + 1];
    assert!(xlsx::import(reg(), &big, None)
        .unwrap_err()
        .contains("上限"));
    // The CLI: exit 2, nothing written.
    let d = fresh_dir("xlsx", "bad");
    let f = d.join("bad.xlsx");
    std::fs::write(&f, b"PK\x03\x04garbage").unwrap();
    let w = d.join("w.sqlite");
    let (code, _, e) = run(&["import", f.to_str().unwrap(), "--into", w.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(e.contains("无法导入") && e.contains("未写入"), "{e}");
    assert!(!w.exists());
}

#[test]
fn cli_exports_xlsx() {
    let d = fresh_dir("xlsx", "cli");
    let o = d.join("o.xlsx");
    let (code, so, e) = run(&["export", SAMPLE, "--xlsx", "-o", o.to_str().unwrap()]);
    assert_eq!(code, 0, "{e}");
    assert!(so.contains("已导出"));
    let bytes = std::fs::read(&o).unwrap();
    assert!(bytes.starts_with(b"PK"));
    let (code, _, e) = run(&["export", SAMPLE, "--xlsx"]);
    assert_eq!(code, 2);
    assert!(e.contains("-o"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Arbitrary bytes never panic the importer.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), zip_head in any::<bool>()) {
        let mut b = bytes;
        if zip_head {
            let mut h = b"PK\x03\x04".to_vec();
            h.extend(b);
            b = h;
        }
        let _ = xlsx::import(reg(), &b, None);
    }

    /// A real export with bytes flipped never panics the importer.
    #[test]
    fn mutated_exports_never_panic(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        static GOOD: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        let good = GOOD.get_or_init(|| export(&load(SAMPLE)));
        let mut b = good.clone();
        for (at, v) in flips {
            let i = at % b.len();
            b[i] = v;
        }
        let _ = xlsx::import(reg(), &b, None);
    }
}

/// An old-format .xls (written by the xlwt library, committed as a fixture) is read the same way.
#[test]
fn an_xls_workbook_is_read_too() {
    let bytes = include_bytes!("fixtures/foreign-2023-03.xls");
    let p = xlsx::import(reg(), bytes, None).unwrap();
    let wb = &p.workbook;
    assert_eq!(wb.template_set, "shanxi-juesuan-2023");
    assert_eq!(wb.unit.name, "阳泉市退役军人事务局");
    assert_eq!(wb.value("03", "2080901", "2"), Some(dec("400")));
    assert_eq!(wb.value("03", "2080901", "3"), Some(dec("100")));
    assert_eq!(wb.value("03", "2080905", "3"), None);
    assert!(p
        .recognised
        .iter()
        .any(|r| r.contains("公开03表") && r.contains("支出")));
}

/// Replaces one cell of an exported sheet with a number or an inline string, keeping its style
/// (what a spreadsheet program does when the user types over it).
fn set_cell(
    bytes: &[u8],
    sheet_no: usize,
    addr: &str,
    number: Option<&str>,
    text: &str,
) -> Vec<u8> {
    rewrite_sheet(bytes, sheet_no, |xml| {
        let at = xml
            .find(&format!("<c r=\"{addr}\""))
            .expect("cell in sheet");
        let open_end = at + xml[at..].find('>').unwrap();
        let end = if xml.as_bytes()[open_end - 1] == b'/' {
            open_end + 1
        } else {
            open_end + xml[open_end..].find("</c>").unwrap() + 4
        };
        let tag = &xml[at..open_end];
        let style = tag
            .find(" s=\"")
            .map(|s| {
                let rest = &tag[s + 4..];
                format!(" s=\"{}\"", &rest[..rest.find('"').unwrap()])
            })
            .unwrap_or_default();
        let cell = match number {
            Some(n) => format!("<c r=\"{addr}\"{style}><v>{n}</v></c>"),
            None => {
                format!("<c r=\"{addr}\"{style} t=\"inlineStr\"><is><t>{text}</t></is></c>")
            }
        };
        format!("{}{cell}{}", &xml[..at], &xml[end..])
    })
}

/// The sheet (1-based, as in the archive) whose name starts with `prefix`, and its cells.
fn sheet_of(bytes: &[u8], prefix: &str) -> (usize, calamine::Range<calamine::Data>) {
    use calamine::Reader;
    let mut x = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names = x.sheet_names().to_vec();
    let i = names.iter().position(|n| n.starts_with(prefix)).unwrap();
    (i + 1, x.worksheet_range(&names[i]).unwrap())
}

/// Address of the first cell (row-major) whose text is `t`, and of the next non-empty cell right of it.
fn find_text(r: &calamine::Range<calamine::Data>, t: &str) -> (String, String) {
    for (row, col, d) in r.used_cells() {
        if d.to_string().trim() == t {
            let (r0, c0) = r.start().unwrap();
            let (ar, ac) = (r0 + row as u32, c0 + col as u32);
            let next = (ac + 1..ac + 40)
                .find(|c| {
                    r.get_value((ar, *c))
                        .is_some_and(|v| !matches!(v, calamine::Data::Empty))
                })
                .unwrap();
            return (
                xlsx::import::address(ar, ac),
                xlsx::import::address(ar, next),
            );
        }
    }
    panic!("「{t}」 not on the sheet");
}

#[test]
fn edits_in_a_form_sheet_come_back_into_the_form() {
    let wb = load(SAMPLE);
    let form =
        |wb: &Workbook| gongkai::perf::PerfForm::from_json(&wb.records["自评01"].body).unwrap();
    let f0 = form(&wb);
    let bytes = export(&wb);
    let (no, r) = sheet_of(&bytes, "自评01 ");
    // The first indicator's 全年完成值 (the cell right of its 年度指标值).
    let ind = &f0.indicators[0];
    let (_, actual_at) = find_text(&r, &ind.target);
    let (_, total_at) = find_text(&r, "总分");
    let (_, grade_at) = find_text(&r, "自评等级");
    let edited = set_cell(&bytes, no, &actual_at, None, "改后完成值");
    let edited = set_cell(&edited, no, &total_at, Some("95"), "");
    let p = xlsx::import(reg(), &edited, None).unwrap();
    assert_eq!(p.changed, 1, "{:?}", p.recognised);
    let d = diff(&wb, &p.workbook);
    assert_eq!(d.len(), 1, "{d:?}");
    let f1 = form(&p.workbook);
    assert_eq!(f1.indicators[0].actual, "改后完成值");
    assert_eq!(f1.printed_total, Some(Decimal::from(95)));
    // Everything else in the form is as it was.
    let mut back = f1.clone();
    back.indicators[0].actual = ind.actual.clone();
    back.printed_total = f0.printed_total;
    assert_eq!(back, f0);
    assert!(p
        .recognised
        .iter()
        .any(|l| l.contains("自评01") && l.contains("2 处改动")));
    // The typed 总分 is a printed figure: the check names it against the sum of the blocks.
    let set = reg().set(&wb.template_set).unwrap();
    let full = gongkai::evaluate::evaluate_full(reg(), set, &p.workbook).unwrap();
    assert!(
        full.ev
            .findings
            .iter()
            .any(|f| f.rule == "P-总分" && f.table == "自评01" && f.message.contains("95")),
        "{:?}",
        full.ev
            .findings
            .iter()
            .filter(|f| f.table == "自评01")
            .collect::<Vec<_>>()
    );

    // A grade typed over the derived one is not taken; letters in a score are refused by cell.
    let edited = set_cell(&bytes, no, &grade_at, None, "良");
    let edited = set_cell(&edited, no, &total_at, None, "九十五");
    let p = xlsx::import(reg(), &edited, None).unwrap();
    assert_eq!(p.changed, 0);
    assert!(
        p.unrecognised
            .iter()
            .any(|l| l.contains(&grade_at) && l.contains("由其他数据算出")),
        "{:?}",
        p.unrecognised
    );
    assert!(
        p.unrecognised
            .iter()
            .any(|l| l.contains(&total_at) && l.contains("「九十五」不是有效金额")),
        "{:?}",
        p.unrecognised
    );

    // A label that moved (the sheet's layout changed by hand): the form is read again by its
    // headers and labels, over the form as it was; the edit in it still comes through.
    let (label_at, _) = find_text(&r, "总分");
    let edited = set_cell(&bytes, no, &actual_at, None, "改后完成值");
    let edited = set_cell(&edited, no, &label_at, None, "合计");
    let p = xlsx::import(reg(), &edited, None).unwrap();
    assert!(
        p.unrecognised
            .iter()
            .any(|l| l.contains(&label_at) && l.contains("版式已改动") && l.contains("重新读取")),
        "{:?}",
        p.unrecognised
    );
    assert_eq!(p.changed, 1, "{:?}", p.recognised);
    let mut back = form(&p.workbook);
    assert_eq!(back.indicators[0].actual, "改后完成值");
    back.indicators[0].actual = ind.actual.clone();
    assert_eq!(back, f0);
}

/// A project lead's 自评表 typed in Excel: shifted one column, a date cell, "填报日期：" inline,
/// merged 一级/二级 cells, "产出指标（50分）", numbers as text, block scores 46 + 29 + 8 with an
/// 执行率 score of 8 (= 91) under a printed 总分 of 93 — the seed's defect.
fn foreign_form(name: &str) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook as X};
    let mut x = X::new();
    let ws = x.add_worksheet();
    ws.set_name("自评表").unwrap();
    let f = Format::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.merge_range(1, 1, 1, 7, "2023年度阳泉市项目支出绩效自评表", &f)
        .unwrap();
    let pairs: [(u32, &str, &str, &str, &str); 3] = [
        (3, "项目名称", name, "主管部门", "阳泉市退役军人事务局"),
        (4, "项目负责人", "李四", "联系电话", "0353-1234567"),
        (
            5,
            "实施单位",
            "阳泉市军队离退休干部休养所",
            "绩效自评评价年度",
            "2023年",
        ),
    ];
    for (r, a, b, c, d) in pairs {
        ws.write_string(r, 1, a).unwrap();
        ws.merge_range(r, 2, r, 4, b, &f).unwrap();
        ws.write_string(r, 5, c).unwrap();
        ws.merge_range(r, 6, r, 7, d, &f).unwrap();
    }
    ws.write_string(2, 6, "填报日期").unwrap();
    ws.write_datetime_with_format(2, 7, ExcelDateTime::from_ymd(2024, 3, 14).unwrap(), &date)
        .unwrap();
    let money = [
        [
            "资金（万元）",
            "项目预算金额（万元）",
            "实际到位金额（万元）",
            "实际执行金额（万元）",
        ],
        ["合计", "100", "100", "95.00"],
        ["其中：中央、省财政", "", "", ""],
        ["市财政", "100.00", "100", "９５"],
    ];
    for (i, row) in money.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            ws.write_string(6 + i as u32, 1 + 2 * j as u16, *v).unwrap();
        }
    }
    ws.write_string(10, 1, "项目执行情况（10分）").unwrap();
    ws.write_string(10, 3, "预算执行率95%").unwrap();
    ws.write_string(10, 5, "得分").unwrap();
    ws.write_number(10, 6, 8).unwrap();
    ws.write_string(11, 1, "项目效果").unwrap();
    ws.merge_range(11, 2, 11, 7, "军休干部生活保障到位。", &f)
        .unwrap();
    let head = [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "全年完成值",
        "未完成原因和改进措施",
        "自评得分",
    ];
    for (j, h) in head.iter().enumerate() {
        ws.write_string(12, 1 + j as u16, *h).unwrap();
    }
    let inds: [[&str; 7]; 5] = [
        [
            "产出指标（50分）",
            "数量指标",
            "慰问人数",
            "≥100人",
            "98人",
            "部分人员外出",
            "46",
        ],
        ["", "", "慰问次数", "2次", "2次", "", ""],
        ["", "质量指标", "慰问品合格率", "100%", "100%", "", ""],
        [
            "效益指标（30分）",
            "社会效益指标",
            "军休干部获得感",
            "有效提升",
            "有效提升",
            "",
            "29",
        ],
        [
            "满意度指标（10分）",
            "服务对象满意度指标",
            "满意度",
            "≥90%",
            "95%",
            "",
            "8",
        ],
    ];
    for (i, row) in inds.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(13 + i as u32, 1 + j as u16, *v).unwrap();
            }
        }
    }
    ws.merge_range(13, 1, 15, 1, "产出指标（50分）", &f)
        .unwrap();
    ws.merge_range(13, 7, 15, 7, "46", &f).unwrap();
    ws.write_string(18, 1, "总分").unwrap();
    ws.merge_range(18, 2, 18, 4, "93", &f).unwrap();
    ws.write_string(18, 5, "自评等级").unwrap();
    ws.write_string(18, 6, "优").unwrap();
    ws.write_string(19, 1, "总分设置为100分；预算执行率10分、产出指标50分……")
        .unwrap();
    ws.write_string(20, 1, "自评结论及结果分析").unwrap();
    ws.merge_range(20, 2, 20, 7, "本项目自评得分93分，自评等级为优。", &f)
        .unwrap();
    let people = [
        ["评价人员", "姓名", "职称/职务", "工作单位", "签字"],
        ["组长", "王五", "所长", "阳泉市军休所", ""],
        ["成员", "赵六", "科员", "阳泉市军休所", ""],
        ["", "钱七", "科员", "阳泉市军休所", ""],
    ];
    for (i, row) in people.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(22 + i as u32, 1 + j as u16, *v).unwrap();
            }
        }
    }
    ws.write_string(27, 1, "填报人：张三").unwrap();
    ws.write_string(27, 5, "联系电话").unwrap();
    ws.write_string(27, 6, "2295868").unwrap();
    x.save_to_buffer().unwrap()
}

#[test]
fn a_form_typed_in_excel_is_read_by_its_labels_and_checked() {
    let wb = load(SAMPLE);
    let p = xlsx::import(reg(), &foreign_form("军休所慰问活动经费"), Some(&wb)).unwrap();
    assert!(
        p.recognised
            .iter()
            .any(|l| l.contains("新增表单「自评17」军休所慰问活动经费") && l.contains("5 个指标")),
        "{:?} / {:?}",
        p.recognised,
        p.unrecognised
    );
    assert!(p.unrecognised.is_empty(), "{:?}", p.unrecognised);
    assert_eq!(p.changed, 1);
    let rec = &p.workbook.records["自评17"];
    assert_eq!(rec.kind, "yangquan-xiangmu-ziping");
    let f = gongkai::perf::PerfForm::from_json(&rec.body).unwrap();
    for (k, v) in [
        ("项目名称", "军休所慰问活动经费"),
        ("主管部门", "阳泉市退役军人事务局"),
        ("实施单位", "阳泉市军队离退休干部休养所"),
        ("项目负责人", "李四"),
        ("联系电话", "0353-1234567"),
        ("评价年度", "2023年"),
        ("填报日期", "2024.03.14"),
        ("项目效果", "军休干部生活保障到位。"),
        ("自评结论", "本项目自评得分93分，自评等级为优。"),
        ("填报人", "张三"),
        ("填报人电话", "2295868"),
    ] {
        assert_eq!(f.field(k), v, "{k}");
    }
    for (k, v) in [
        ("预算", "100"),
        ("到位", "100"),
        ("执行", "95"),
        ("预算/市", "100"),
        ("执行/市", "95"),
    ] {
        assert_eq!(f.money.get(k), Some(&dec(v)), "{k}");
    }
    assert!(!f.money.contains_key("预算/中央省"));
    assert_eq!(f.rate_text, "95%");
    assert_eq!(f.rate_score, Some(dec("8")));
    let names: Vec<_> = f
        .indicators
        .iter()
        .map(|i| (i.level1.as_str(), i.level2.as_str(), i.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("产出指标", "数量指标", "慰问人数"),
            ("产出指标", "数量指标", "慰问次数"),
            ("产出指标", "质量指标", "慰问品合格率"),
            ("效益指标", "社会效益指标", "军休干部获得感"),
            ("满意度指标", "服务对象满意度指标", "满意度"),
        ]
    );
    assert_eq!(f.indicators[0].actual, "98人");
    assert_eq!(f.indicators[0].reason, "部分人员外出");
    assert_eq!(f.blocks.get("产出指标"), Some(&dec("46")));
    assert_eq!(f.blocks.get("效益指标"), Some(&dec("29")));
    assert_eq!(f.blocks.get("满意度指标"), Some(&dec("8")));
    assert_eq!(f.printed_total, Some(dec("93")));
    let people: Vec<_> = f
        .reviewers
        .iter()
        .map(|r| (r.role.as_str(), r.name.as_str(), r.title.as_str()))
        .collect();
    assert_eq!(
        people,
        [
            ("组长", "王五", "所长"),
            ("成员", "赵六", "科员"),
            ("成员", "钱七", "科员")
        ]
    );
    // The printed 总分 93 is checked against 8 + 46 + 29 + 8 = 91.
    let set = reg().set(&wb.template_set).unwrap();
    let full = gongkai::evaluate::evaluate_full(reg(), set, &p.workbook).unwrap();
    let total = full
        .ev
        .findings
        .iter()
        .find(|f| f.rule == "P-总分" && f.table == "自评17")
        .expect("P-总分 on the imported form");
    assert!(
        total.message.contains("93") && total.message.contains("91"),
        "{}",
        total.message
    );

    // The same project again replaces its form instead of adding a second one.
    let name01 = gongkai::perf::PerfForm::from_json(&wb.records["自评01"].body)
        .unwrap()
        .field("项目名称")
        .to_string();
    let p = xlsx::import(reg(), &foreign_form(&name01), Some(&wb)).unwrap();
    assert_eq!(p.workbook.records.len(), wb.records.len());
    assert!(
        p.recognised
            .iter()
            .any(|l| l.contains("更新表单「自评01」")),
        "{:?}",
        p.recognised
    );
    let f = gongkai::perf::PerfForm::from_json(&p.workbook.records["自评01"].body).unwrap();
    assert_eq!(f.printed_total, Some(dec("93")));
    // What the sheet does not show stays as stored (its 项目起止时间 is not on this sheet).
    let stored = gongkai::perf::PerfForm::from_json(&wb.records["自评01"].body).unwrap();
    assert!(!stored.field("项目起止时间").is_empty());
    assert_eq!(f.field("项目起止时间"), stored.field("项目起止时间"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// A sheet of form labels, numbers and text in random places under a form title never panics
    /// the form reader, and whatever it reads can be scored and checked.
    #[test]
    fn scrambled_forms_never_panic(cells in proptest::collection::vec((0u32..30, 0u16..9, 0usize..26), 0..120)) {
        const WORDS: [&str; 26] = [
            "阳泉市项目支出绩效自评表", "项目名称", "总分", "一级指标", "二级指标", "三级指标",
            "年度指标值", "全年完成值", "自评得分", "评价人员", "组长", "成员", "姓名", "合计",
            "项目预算金额（万元）", "实际执行金额（万元）", "项目执行情况（10分）", "得分",
            "填报人：", "产出指标（50分）", "90", "-3", "abc", "", "９５．５", "职称/职务",
        ];
        use rust_xlsxwriter::Workbook as X;
        let mut x = X::new();
        let ws = x.add_worksheet();
        ws.write_string(0, 0, "阳泉市项目支出绩效自评表").unwrap();
        for (r, c, w) in cells {
            ws.write_string(r + 1, c, WORDS[w]).unwrap();
        }
        let bytes = x.save_to_buffer().unwrap();
        static BASE: std::sync::OnceLock<Workbook> = std::sync::OnceLock::new();
        let base = BASE.get_or_init(|| load(SAMPLE));
        if let Ok(p) = xlsx::import(reg(), &bytes, Some(base)) {
            let set = reg().set(&p.workbook.template_set).unwrap();
            let _ = gongkai::evaluate::evaluate_full(reg(), set, &p.workbook);
        }
    }
}

fn sheet_names(bytes: &[u8]) -> Vec<String> {
    use calamine::Reader;
    calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
        .unwrap()
        .sheet_names()
        .to_vec()
}

#[test]
fn one_table_or_one_form_can_be_exported_alone_and_still_imports_back() {
    let wb = load(SAMPLE);
    let set = reg().set(&wb.template_set).unwrap();
    let full = gongkai::evaluate::evaluate_full(reg(), set, &wb).unwrap();
    let part = |s: &str| gongkai::print::Part::parse(s).unwrap();
    let one =
        xlsx::export_part(&full.ev.model, &wb, &full.scored, &part("table:公开05表")).unwrap();
    assert_eq!(sheet_names(&one), ["公开05表", "gongkai-data"]);
    let p = xlsx::import(reg(), &one, Some(&wb)).unwrap();
    assert_eq!(p.changed, 0);
    assert!(
        p.missing.is_empty(),
        "the other tables come from the hidden workbook: {:?}",
        p.missing
    );
    let form = xlsx::export_part(&full.ev.model, &wb, &full.scored, &part("form:自评07")).unwrap();
    let names = sheet_names(&form);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].starts_with("自评07 "), "{names:?}");
    assert_eq!(xlsx::import(reg(), &form, Some(&wb)).unwrap().changed, 0);
    let tables = xlsx::export_part(&full.ev.model, &wb, &full.scored, &part("tables")).unwrap();
    assert_eq!(sheet_names(&tables).len(), 11);
    let forms = xlsx::export_part(&full.ev.model, &wb, &full.scored, &part("attachments")).unwrap();
    assert_eq!(sheet_names(&forms).len(), 17);
    for bad in ["table:公开99表", "form:没有这个", "narrative"] {
        let e = xlsx::export_part(&full.ev.model, &wb, &full.scored, &part(bad)).unwrap_err();
        assert!(e.contains("找不到") || e.contains("不导出"), "{e}");
    }
    // The CLI: --part, and a refusal for a table that is not in the set.
    let d = fresh_dir("xlsx", "part");
    let o = d.join("t5.xlsx");
    let (code, _, e) = run(&[
        "export",
        SAMPLE,
        "--xlsx",
        "--part",
        "table:公开05表",
        "-o",
        o.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{e}");
    assert_eq!(
        sheet_names(&std::fs::read(&o).unwrap()),
        ["公开05表", "gongkai-data"]
    );
    let (code, _, e) = run(&[
        "export",
        SAMPLE,
        "--xlsx",
        "--part",
        "table:公开99表",
        "-o",
        o.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(e.contains("找不到表「公开99表」"), "{e}");
}

/// (row, col) of the first cell whose text is `t`.
fn find_cell(r: &calamine::Range<calamine::Data>, t: &str) -> (u32, u32) {
    let (r0, c0) = r.start().unwrap();
    r.used_cells()
        .find(|(_, _, d)| d.to_string().trim() == t)
        .map(|(row, col, _)| (r0 + row as u32, c0 + col as u32))
        .unwrap_or_else(|| panic!("「{t}」 not on the sheet"))
}

#[test]
fn a_blank_form_filled_in_the_spreadsheet_comes_back_with_its_indicators() {
    let mut wb = load(SAMPLE);
    let t = reg().form("yangquan-xiangmu-ziping").unwrap();
    let f = gongkai::perf::blank_form(t, "退役军人就业培训经费");
    wb.records.insert(
        "自评17".into(),
        gongkai::engine::Record {
            kind: t.id.clone(),
            body: f.to_json(),
        },
    );
    let bytes = export(&wb);
    let (no, r) = sheet_of(&bytes, "自评17 ");
    // The blank form has the template's 一级/二级 rows to fill in, and no 0 / 差 printed.
    let (row, _) = find_cell(&r, "数量指标");
    let col = |h: &str| find_cell(&r, h).1;
    let at = |row: u32, c: u32| xlsx::import::address(row, c);
    let mut x = bytes.clone();
    for (h, v) in [
        ("三级指标", "培训人数"),
        ("年度指标值", "≥50人"),
        ("全年完成值", "52人"),
    ] {
        x = set_cell(&x, no, &at(row, col(h)), None, v);
    }
    x = set_cell(&x, no, &at(row, col("自评得分")), Some("45"), "");
    let (money_row, _) = find_cell(&r, "合计");
    for (h, v) in [
        ("项目预算金额（万元）", "10"),
        ("实际到位金额（万元）", "10"),
        ("实际执行金额（万元）", "9"),
    ] {
        x = set_cell(&x, no, &at(money_row, col(h)), Some(v), "");
    }
    let p = xlsx::import(reg(), &x, Some(&wb)).unwrap();
    assert_eq!(p.changed, 1, "{:?} / {:?}", p.recognised, p.unrecognised);
    let back = gongkai::perf::PerfForm::from_json(&p.workbook.records["自评17"].body).unwrap();
    assert_eq!(back.indicators.len(), 1, "{:?}", back.indicators);
    let i = &back.indicators[0];
    assert_eq!(
        (
            i.level1.as_str(),
            i.level2.as_str(),
            i.name.as_str(),
            i.target.as_str(),
            i.actual.as_str()
        ),
        ("产出指标", "数量指标", "培训人数", "≥50人", "52人")
    );
    assert_eq!(back.blocks.get("产出指标"), Some(&dec("45")));
    assert_eq!(back.money.get("执行"), Some(&dec("9")));
    assert_eq!(back.field("项目名称"), "退役军人就业培训经费");
    assert!(back.printed_total.is_none() && back.rate_score.is_none());
    assert!(p.unrecognised.iter().any(|l| l.contains("重新读取")));
}

/// The file with its hidden workbook sheet renamed: what another program's copy looks like.
fn without_hidden_workbook(bytes: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut entry = z.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if name == "xl/workbook.xml" {
            data = String::from_utf8(data)
                .unwrap()
                .replace("name=\"gongkai-data\"", "name=\"备用\"")
                .into_bytes();
        }
        let opts: zip::write::SimpleFileOptions = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        out.start_file(name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn forms_printed_by_gongkai_are_read_back_by_their_labels_alone() {
    // Every 自评表 of the sample and every 目标表 of the budget sample, read from the visible
    // sheets only (as if another program had saved the file), score exactly as the originals.
    for sample in [SAMPLE, SAMPLES[1], SAMPLES[2]] {
        let wb = load(sample);
        let x = without_hidden_workbook(&export(&wb));
        let mut base = wb.clone();
        base.records.clear();
        let p = xlsx::import(reg(), &x, Some(&base)).unwrap();
        assert!(!p.from_gongkai);
        // 基础数据 ledgers are not read from such a file (said so), everything else is.
        let ledgers = wb
            .records
            .values()
            .filter(|r| !reg().form(&r.kind).unwrap().ledgers.is_empty())
            .count();
        assert_eq!(
            p.workbook.records.len(),
            wb.records.len() - ledgers,
            "{sample}: {:?}",
            p.recognised
        );
        assert_eq!(
            p.unrecognised
                .iter()
                .filter(|l| l.contains("基础数据表不从其他程序的文件读取"))
                .count(),
            ledgers
        );
        // And a workbook that has its ledger keeps it.
        if ledgers > 0 {
            let q = xlsx::import(reg(), &x, Some(&wb)).unwrap();
            for (id, r) in &wb.records {
                if !reg().form(&r.kind).unwrap().ledgers.is_empty() {
                    assert_eq!(q.workbook.records[id].body, r.body, "{id}");
                }
            }
        }
        let (before, _) = gongkai::perf::score_workbook(reg(), &wb);
        let (after, _) = gongkai::perf::score_workbook(reg(), &p.workbook);
        for b in &before {
            if !b.template.ledgers.is_empty() {
                continue;
            }
            let a = after
                .iter()
                .find(|a| a.score.name == b.score.name && a.score.funds == b.score.funds)
                .unwrap_or_else(|| panic!("{sample}: {} not read back", b.score.name));
            assert_eq!(a.score.total, b.score.total, "{}", b.score.name);
            assert_eq!(a.score.grade, b.score.grade, "{}", b.score.name);
            assert_eq!(a.score.funds, b.score.funds, "{}", b.score.name);
            let names = |s: &gongkai::perf::Scored| -> Vec<(String, String, String)> {
                s.form
                    .indicators
                    .iter()
                    .map(|i| (i.level1.clone(), i.name.clone(), i.target.clone()))
                    .collect()
            };
            assert_eq!(names(a), names(b), "{}", b.score.name);
        }
    }
}

#[test]
fn tables_printed_by_gongkai_are_read_back_by_their_headers_alone() {
    // Every table of the 决算 and 预算 samples, read from the visible sheets only (no hidden
    // workbook): every cell recomputes to the figure the original shows, nothing left unread.
    for sample in [SAMPLE, SAMPLES[2]] {
        let wb = load(sample);
        let x = without_hidden_workbook(&export(&wb));
        let base = Workbook::new(&wb.template_set, wb.unit.clone());
        let p = xlsx::import(reg(), &x, Some(&base)).unwrap();
        assert!(p.unrecognised.is_empty(), "{sample}: {:?}", p.unrecognised);
        assert!(p.missing.is_empty(), "{sample}: {:?}", p.missing);
        let set = reg().set(&wb.template_set).unwrap();
        let a = gongkai::engine::evaluate(set, &wb).unwrap().model;
        let b = gongkai::engine::evaluate(set, &p.workbook).unwrap().model;
        let values = |m: &gongkai::engine::Model| -> std::collections::BTreeMap<String, Decimal> {
            (0..m.cells.len() as u32)
                .map(|id| (m.cell_name(id), m.value_of(id)))
                .filter(|(_, v)| !v.is_zero())
                .collect()
        };
        let (va, vb) = (values(&a), values(&b));
        let differ: Vec<String> = va
            .iter()
            .filter(|(k, v)| vb.get(*k) != Some(v))
            .map(|(k, v)| format!("{k}: {v} vs {:?}", vb.get(k)))
            .chain(
                vb.iter()
                    .filter(|(k, _)| !va.contains_key(*k))
                    .map(|(k, v)| format!("{k}: only in the import ({v})")),
            )
            .collect();
        assert!(differ.is_empty(), "{sample}: {differ:?}");
    }
}

/// No English library text in a refusal: runs of Latin letters other than format names.
fn plain_chinese(e: &str) -> bool {
    let allowed = ["Excel", "WPS", "xlsx", "xls", "MB", "XFD"];
    let mut word = String::new();
    for c in e.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphabetic() {
            word.push(c);
        } else {
            if word.len() >= 3 && !allowed.contains(&word.as_str()) {
                return false;
            }
            word.clear();
        }
    }
    true
}

#[test]
fn a_far_cell_is_skipped_not_allocated() {
    // One figure at the last cell a sheet can have (XFD1048576) beside a real table: the table is
    // read, the far cell is named and ignored; nothing the size of the sheet is allocated (a dense
    // read asked for 549,755,813,888 bytes here).
    use rust_xlsxwriter::Workbook as X;
    let mut x = X::new();
    let ws = x.add_worksheet();
    ws.write_string(0, 0, "2023年度支出决算表").unwrap();
    ws.write_number(1_048_575, 16_383, 1.0).unwrap();
    let bytes = x.save_to_buffer().unwrap();
    let p = xlsx::import(reg(), &foreign(), None).unwrap();
    assert!(p
        .unrecognised
        .iter()
        .all(|u| !u.contains("远在表格范围之外")));
    let mut merged = foreign();
    // The far cell beside a title alone: read, the far cell named and ignored.
    let p = xlsx::import(reg(), &bytes, None).unwrap();
    assert!(p.unrecognised.iter().any(|u| u.contains("XFD1048576")));
    // Put the far cell into the foreign workbook's table sheet: the table is still read.
    merged = rewrite_sheet(&merged, 2, |xml| {
        xml.replace(
            "</sheetData>",
            "<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row></sheetData>",
        )
    });
    let p = xlsx::import(reg(), &merged, None).unwrap();
    assert!(
        p.unrecognised
            .iter()
            .any(|u| u.contains("XFD1048576") && u.contains("已忽略")),
        "{:?}",
        p.unrecognised
    );
    assert!(p.recognised.iter().any(|r| r.contains("公开03表")));
}

#[test]
fn library_errors_and_encryption_are_told_in_chinese() {
    // A sheet whose XML is broken in the way calamine reports as "Expecting 'v, f, or is' node".
    let good = export(&load(SAMPLE));
    let bad = rewrite_sheet(&good, 1, |xml| {
        xml.replacen("<v>", "<q>", 1).replacen("</v>", "</q>", 1)
    });
    match xlsx::import(reg(), &bad, None) {
        Ok(_) => {}
        Err(e) => assert!(plain_chinese(&e), "{e}"),
    }
    let broken = rewrite_sheet(&good, 1, |xml| {
        xml.replacen("<sheetData>", "<sheetData><row r=\"x\"><c", 1)
    });
    let e = xlsx::import(reg(), &broken, None).unwrap_err();
    assert!(plain_chinese(&e) && e.contains("无法读取"), "{e}");
    // An encrypted .xlsx: an OLE container with an EncryptedPackage stream.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 1024));
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    ole.extend(std::iter::repeat_n(0u8, 1024));
    let e = xlsx::import(reg(), &ole, None).unwrap_err();
    assert!(e.contains("文件已加密"), "{e}");
}

#[test]
fn spreadsheet_numbers_are_bounded_like_typed_ones() {
    // 12,5 in a text cell is not 125; a number with 8 real decimals and one past 15 digits are
    // refused by cell; binary noise of a computed cell (0.1 + 0.2) is not.
    use rust_xlsxwriter::Workbook as X;
    type Put<'a> = (
        &'a str,
        &'a dyn Fn(&mut rust_xlsxwriter::Worksheet, u32, u16),
    );
    let table = |cells: &[Put]| {
        let mut x = X::new();
        let ws = x.add_worksheet();
        ws.write_string(0, 0, "2023年度支出决算表").unwrap();
        ws.write_string(1, 0, "科目编码").unwrap();
        ws.write_string(1, 1, "科目名称").unwrap();
        ws.write_string(1, 2, "本年支出合计").unwrap();
        ws.write_string(1, 3, "基本支出").unwrap();
        ws.write_string(1, 4, "项目支出").unwrap();
        ws.write_string(2, 0, "栏次").unwrap();
        for c in 0..3u16 {
            ws.write_string(2, 2 + c, (c + 1).to_string()).unwrap();
        }
        for (i, (code, w)) in cells.iter().enumerate() {
            let r = 3 + i as u32;
            ws.write_string(r, 0, *code).unwrap();
            w(ws, r, 3);
        }
        x.save_to_buffer().unwrap()
    };
    let bytes = table(&[
        ("2080901", &|ws, r, c| {
            ws.write_string(r, c, "12,5").unwrap();
        }),
        ("2080902", &|ws, r, c| {
            ws.write_number(r, c, 1.123_456_78).unwrap();
        }),
        ("2080903", &|ws, r, c| {
            ws.write_number(r, c, 1e16).unwrap();
        }),
        ("2080904", &|ws, r, c| {
            ws.write_number(r, c, 0.1 + 0.2).unwrap();
        }),
    ]);
    let p = xlsx::import(reg(), &bytes, None).unwrap();
    let un = p.unrecognised.join("\n");
    assert!(un.contains("12,5"), "{un}");
    assert!(un.contains("小数位数过多"), "{un}");
    assert!(un.contains("数值过大"), "{un}");
    assert_eq!(p.workbook.value("03", "2080901", "2"), None);
    assert_eq!(p.workbook.value("03", "2080904", "2"), Some(dec("0.3")));
}

#[test]
fn an_xls_with_cells_far_apart_is_measured_before_it_is_read() {
    // tests/fixtures/far-cell.xls (5.6 KB, written with Python's xlwt): a title at A1 and one
    // figure at IV65536. Read as a grid it cost 1.08 GB; it is refused from its records first.
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/far-cell.xls"
    ))
    .unwrap();
    let e = xlsx::import(reg(), &bytes, None).unwrap_err();
    assert!(
        e.contains("65536 行 × 256 栏") && e.contains("超出可读取的大小"),
        "{e}"
    );
    assert!(plain_chinese(&e), "{e}");
    // An ordinary .xls still reads.
    let ok = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/foreign-2023-03.xls"
    ))
    .unwrap();
    assert!(xlsx::import(reg(), &ok, None).is_ok());
}
