//! Gongkai (公开): templates as data → a pure engine → store / print / UI shells.

pub mod amount;
pub mod cli;
pub mod consolidate;
pub mod engine;
pub mod evaluate;
pub mod fsio;
pub mod guard;
pub mod io;
pub mod layout;
pub mod narrative;
pub mod perf;
pub mod print;
pub mod session;
pub mod store;
pub mod template;
pub mod ui;
pub mod xlsx;
