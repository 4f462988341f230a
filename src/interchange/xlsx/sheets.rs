//! Reading a spreadsheet file into sheets of cells without letting a crafted file cost what its
//! declared extent would: .xlsx streamed cell by cell (far cells skipped and named, a cell and
//! area limit), .xls measured from its records first, encrypted files and library failures told
//! in plain Chinese, parser panics caught quietly.

use super::import::{col_name, MAX_EXPANDED, MAX_FILE};
use calamine::{Data, Range, Reader};
use std::io::Cursor;

/// Cells beyond these (an .xls sheet's own limits) are far outside any 公开表 or 自评表: they are
/// ignored and reported, never allocated.
pub const MAX_ROWS: u32 = 65_536;
pub const MAX_COLS: u32 = 256;
/// Most non-empty cells read from one file (a real 公开 workbook has a few thousand).
pub const MAX_CELLS: usize = 1_000_000;
/// Largest rectangle a sheet's used cells may span: it is held as a grid (~32 bytes a cell).
pub const MAX_AREA: usize = 4_000_000;

/// The sheets of a file, and notes about what was left out of them.
pub(super) type Sheets = (Vec<(String, Range<Data>)>, Vec<String>);

/// Refusal for what a spreadsheet library reports: plain Chinese, never the library's English.
fn library_error(context: &str, detail: &str) -> String {
    let d = detail.to_lowercase();
    if d.contains("encrypt") || d.contains("password") {
        return "文件已加密（设置了打开密码）：请在 Excel 中取消密码后另存，再导入".into();
    }
    let what = if d.contains("xml") || d.contains("expecting") || d.contains("unexpected") {
        "内部表格数据格式错误"
    } else if d.contains("zip") || d.contains("archive") || d.contains("file not found") {
        "缺少必要的组成部分"
    } else {
        "内容无法解析"
    };
    format!("{context}已损坏或不是 Excel 保存的工作簿（{what}），无法读取；请在 Excel 或 WPS 中打开后另存为 .xlsx 再试")
}

/// Whether an OLE container is an encrypted (password protected) .xlsx: it holds a stream named
/// "EncryptedPackage" (UTF-16 in the directory).
fn is_encrypted_ole(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

pub(super) fn read_sheets(bytes: &[u8]) -> Result<Sheets, String> {
    if bytes.len() > MAX_FILE {
        return Err(format!(
            "文件有 {} MB，超过 {} MB 的上限",
            bytes.len() / 1_048_576,
            MAX_FILE / 1_048_576
        ));
    }
    let xlsx = bytes.starts_with(b"PK\x03\x04");
    if xlsx {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|_| "不是有效的 .xlsx 文件（压缩包已损坏）".to_string())?;
        if z.len() > 10_000 {
            return Err("压缩包内文件过多，不是正常的 Excel 工作簿".into());
        }
        let mut total: u64 = 0;
        for i in 0..z.len() {
            let f = z
                .by_index_raw(i)
                .map_err(|_| "不是有效的 .xlsx 文件（压缩包已损坏）".to_string())?;
            total = total.saturating_add(f.size());
        }
        if total > MAX_EXPANDED {
            return Err(format!(
                "压缩包展开后有 {} MB，超过 {} MB 的上限（疑似压缩炸弹），已拒绝",
                total / 1_048_576,
                MAX_EXPANDED / 1_048_576
            ));
        }
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // OLE container: an .xls file, or an encrypted .xlsx (password protected).
        if is_encrypted_ole(bytes) {
            return Err("文件已加密（设置了打开密码）：请在 Excel 中取消密码后另存，再导入".into());
        }
        let owned = bytes.to_vec();
        if let Ok(Ok((area, h, w))) =
            crate::guard::quietly(move || super::xls_scan::largest_sheet_area(&owned))
        {
            if area > MAX_AREA as u64 {
                return Err(format!(
                    "工作表的数据分散在 {h} 行 × {w} 栏的范围里，超出可读取的大小；请删去表格以外的内容后再导入（文件未作任何修改）"
                ));
            }
        }
    } else {
        return Err("不是 Excel 工作簿（.xlsx 或 .xls）".into());
    }
    let owned = bytes.to_vec();
    let result = crate::guard::quietly(move || {
        if xlsx {
            read_xlsx_cells(owned)
        } else {
            read_xls(owned)
        }
    });
    match result {
        Ok(r) => r,
        Err(crate::guard::Panicked) => {
            Err("Excel 文件内容异常，无法读取（文件未作任何修改）".into())
        }
    }
}

/// .xlsx: cells streamed one by one, so a sheet's declared or actual extent never decides what
/// is allocated: far cells are skipped, and the file is refused past [`MAX_CELLS`].
fn read_xlsx_cells(owned: Vec<u8>) -> Result<Sheets, String> {
    let mut wbk = calamine::Xlsx::new(Cursor::new(owned))
        .map_err(|e| library_error("文件", &e.to_string()))?;
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let mut total = 0usize;
    for name in wbk.sheet_names() {
        let mut reader = wbk
            .worksheet_cells_reader(&name)
            .map_err(|e| library_error(&format!("工作表「{name}」"), &e.to_string()))?;
        let mut cells = Vec::new();
        let mut far = 0usize;
        let mut first_far = None;
        while let Some(c) = reader
            .next_cell()
            .map_err(|e| library_error(&format!("工作表「{name}」"), &e.to_string()))?
        {
            let (r, col) = c.get_position();
            let v: Data = c.get_value().clone().into();
            if matches!(v, Data::Empty) {
                continue;
            }
            if r >= MAX_ROWS {
                // Rows come in order: nothing further down belongs to a table either, so the
                // rest of the sheet is not read at all (a million-row sheet costs no more).
                far += 1;
                first_far.get_or_insert((r, col));
                break;
            }
            if col >= MAX_COLS {
                far += 1;
                first_far.get_or_insert((r, col));
                continue;
            }
            total += 1;
            if total > MAX_CELLS {
                return Err(format!(
                    "文件中有数据的单元格超过 {} 万个，不像是公开表或自评表（已停止读取，文件未作任何修改）",
                    MAX_CELLS / 10_000
                ));
            }
            cells.push(calamine::Cell::new((r, col), v));
        }
        drop(reader);
        if let Some((r, c)) = first_far {
            notes.push(if r >= MAX_ROWS {
                format!(
                    "工作表「{name}」：第 {} 行起（如 {}）远在表格范围之外，已忽略",
                    MAX_ROWS + 1,
                    col_name(c) + &(r + 1).to_string()
                )
            } else {
                format!(
                    "工作表「{name}」：{far} 个单元格远在表格范围之外（如 {}），已忽略",
                    col_name(c) + &(r + 1).to_string()
                )
            });
        }
        out.push((name.clone(), bounded_range(&name, cells)?));
    }
    Ok((out, notes))
}

fn bounded_range(name: &str, cells: Vec<calamine::Cell<Data>>) -> Result<Range<Data>, String> {
    if let (Some(r0), Some(r1), Some(c0), Some(c1)) = (
        cells.iter().map(|c| c.get_position().0).min(),
        cells.iter().map(|c| c.get_position().0).max(),
        cells.iter().map(|c| c.get_position().1).min(),
        cells.iter().map(|c| c.get_position().1).max(),
    ) {
        let area = (r1 - r0 + 1) as usize * (c1 - c0 + 1) as usize;
        if area > MAX_AREA {
            return Err(format!(
                "工作表「{name}」的数据分散在 {} 行 × {} 栏的范围里，超出可读取的大小；请删去表格以外的内容后再导入",
                r1 - r0 + 1,
                c1 - c0 + 1
            ));
        }
    }
    Ok(Range::from_sparse(cells))
}

/// .xls: the format itself limits a sheet to 65,536 × 256 cells.
fn read_xls(owned: Vec<u8>) -> Result<Sheets, String> {
    let mut wbk = calamine::open_workbook_auto_from_rs(Cursor::new(owned))
        .map_err(|e| library_error("文件", &e.to_string()))?;
    let mut out = Vec::new();
    for name in wbk.sheet_names() {
        let r = wbk
            .worksheet_range(&name)
            .map_err(|e| library_error(&format!("工作表「{name}」"), &e.to_string()))?;
        out.push((name, r));
    }
    Ok((out, Vec::new()))
}
