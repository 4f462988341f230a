//! Interchange: the workbook as JSON (docs/workbook-json.md) and the official forms as Excel
//! (both ways). Reads and writes bytes; knows nothing of files on disk, windows or printers.

pub mod json;
pub mod xlsx;
