//! `gongkai check FILE…|DIR --summary [--xlsx OUT]`: one row per workbook, a broken file reported
//! in its row without stopping the run, the worst exit code, and the same rows in Excel.

mod common;
use common::{fresh_dir, run};

use calamine::{Data, Reader, Xlsx};

#[test]
fn a_folder_of_submissions_is_summarised_one_row_each() {
    let d = fresh_dir("summary", "folder");
    let samples = format!("{}/assets/samples", env!("CARGO_MANIFEST_DIR"));
    // Three units' workbooks (决算 with errors, 预算, a clean 自评 set) and one broken file.
    let (code, _, se) = run(&[
        "import",
        &format!("{samples}/juesuan-2023-yangquan.json"),
        "--into",
        d.join("阳泉 决算.gongkai").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{se}");
    std::fs::copy(
        format!("{samples}/yusuan-2024-yangquan.json"),
        d.join("阳泉 预算.json"),
    )
    .unwrap();
    std::fs::copy(
        format!(
            "{}/tests/corpus/ziping-sichuan-daying-sfj-2023/workbook.json",
            env!("CARGO_MANIFEST_DIR")
        ),
        d.join("大英 自评.json"),
    )
    .unwrap();
    std::fs::write(d.join("坏的.gongkai"), "这不是工作簿").unwrap();
    std::fs::write(d.join("说明.txt"), "不是工作簿，不列入").unwrap();
    let xlsx = d.join("汇总.xlsx");
    let (code, so, se) = run(&[
        "check",
        d.to_str().unwrap(),
        "--summary",
        "--xlsx",
        xlsx.to_str().unwrap(),
    ]);
    // The broken file makes the run's code 2, but every other workbook was audited.
    assert_eq!(code, 2, "{so}{se}");
    assert!(
        so.contains("共 4 个工作簿：2 个有错误，1 个无法读取"),
        "{so}"
    );
    assert!(
        so.contains("阳泉市退役军人事务局 2023年度  错误 8 警告"),
        "{so}"
    );
    assert!(so.contains("大英县司法局 2023年度  错误 0 警告 2"), "{so}");
    assert!(
        so.contains("[无法读取]") && so.contains("坏的.gongkai"),
        "{so}"
    );
    assert!(so.contains("不是") && !so.contains("说明.txt"), "{so}");
    // The first error names its place.
    assert!(so.contains("首条错误：项目支出绩效自评表「"), "{so}");
    // The same rows in Excel, header first.
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("审核汇总").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => f.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[0][..6],
        ["单位", "年度", "模板集", "错误", "警告", "提示"]
    );
    let dy = rows.iter().find(|r| r[0] == "大英县司法局").unwrap();
    assert_eq!(dy[1..4], ["2023", "shanxi-juesuan-2023", "0"]);
    assert!(rows
        .iter()
        .any(|r| r[7].ends_with("坏的.gongkai") && r[6].contains("无法读取")));
    // Files named one by one work the same; several without --summary are refused in words.
    let a = d.join("大英 自评.json");
    let (code, so, _) = run(&["check", a.to_str().unwrap(), "--summary"]);
    assert_eq!(code, 0, "{so}");
    assert!(
        so.contains("共 1 个工作簿：0 个有错误，0 个无法读取"),
        "{so}"
    );
    let (code, _, se) = run(&["check", a.to_str().unwrap(), a.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(se.contains("--summary"), "{se}");
}
