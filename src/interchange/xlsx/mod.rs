//! Excel in and out (issue 9): export.rs writes the official layout with rust_xlsxwriter;
//! import.rs finds the tables in any workbook with calamine and maps them onto the templates;
//! form.rs places a 绩效 form's paper layout on a sheet grid (written by the export, read back by
//! the import); forms_in.rs reads 绩效 forms from other spreadsheets by their labels.

mod cells;
pub mod export;
mod form;
mod forms_in;
pub mod import;
mod sheets;
mod xls_scan;

pub use export::{export, export_part};
pub use import::{import, Preview};
