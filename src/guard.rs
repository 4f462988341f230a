//! Library code that may panic on hostile input (spreadsheet parsers) runs inside [`quietly`]:
//! the panic is caught and turned into the caller's Chinese refusal, and nothing — no English
//! panic message, no backtrace — is printed to the terminal for it. Panics elsewhere still print.

use std::cell::Cell;
use std::panic::{self, UnwindSafe};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

fn install() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// A panic caught by [`quietly`] (its message is not kept: the caller says what failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panicked;

/// Runs `f`; a panic inside it is returned as `Err(Panicked)` without being printed.
pub fn quietly<R>(f: impl FnOnce() -> R + UnwindSafe) -> Result<R, Panicked> {
    install();
    let was = QUIET.with(|q| q.replace(true));
    let r = panic::catch_unwind(f);
    QUIET.with(|q| q.set(was));
    r.map_err(|_| Panicked)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_caught_panic_is_an_error() {
        assert_eq!(super::quietly(|| 7), Ok(7));
        assert!(super::quietly(|| -> u8 { panic!("boom") }).is_err());
    }
}
