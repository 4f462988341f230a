//! Gongkai (公开): the pipeline, lowest layer first — templates as data → a pure engine →
//! layout → interchange → shells (store, session, print, window, command line). A module
//! uses only its own layer and the ones below it (tests/layers.rs checks every `use crate::`).

pub mod amount;
pub mod fsio;
pub mod guard;

pub mod template;

pub mod engine;

pub mod layout;

pub mod interchange;

pub mod shells;

// Short paths for the binary, the tests and the benchmarks (not used inside the crate).
pub use engine::{evaluate, narrative, perf};
pub use interchange::xlsx;
pub use shells::{cli, consolidate, print, session, store, ui};
/// The workbook as a file: JSON interchange and opening any workbook file.
pub mod io {
    pub use crate::interchange::json;
    pub use crate::shells::session::files::*;
}
