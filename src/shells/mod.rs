//! Shells: what a user touches — the workbook file (store), the session that owns every
//! operation on it, 部门汇总 over unit files, the printed document, the window and the
//! command line. They sit on the pipeline below and nothing below them knows them.

pub mod cli;
pub mod consolidate;
pub mod print;
pub mod session;
pub mod store;
pub mod ui;
