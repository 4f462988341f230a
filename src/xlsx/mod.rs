//! Excel in and out (issue 9): export.rs writes the official layout with rust_xlsxwriter;
//! import.rs finds the tables in any workbook with calamine and maps them onto the templates.

pub mod export;
pub mod import;

pub use export::export;
pub use import::{import, Preview};
