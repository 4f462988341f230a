//! The steps the window asks the session for: queued while a frame is drawn, applied after it
//! in order (outside a frame, at once), each reported on the status line.

use super::App;
use crate::shells::store::Change;

/// What runs after a step was applied (only if it was).
pub(crate) type Then = Box<dyn FnOnce(&mut App)>;

/// A step the window asked the session for, applied after the frame.
pub(crate) enum Command {
    Apply {
        label: String,
        changes: Vec<Change>,
        problem: Option<String>,
        /// A 部门's own records (units, 调整).
        own: bool,
        then: Option<Then>,
    },
    Replay {
        undo: bool,
    },
}

impl App {
    /// Saves one step and recomputes; reports the outcome on the status line. Inside a frame
    /// the step waits until the frame is drawn.
    pub(crate) fn apply(&mut self, label: &str, changes: &[Change], problem: Option<String>) {
        self.apply_then(label, changes, problem, None);
    }

    /// As [`App::apply`]; `then` runs once the step is in (not when it was refused or changed
    /// nothing).
    pub(crate) fn apply_then(
        &mut self,
        label: &str,
        changes: &[Change],
        problem: Option<String>,
        then: Option<Then>,
    ) {
        let c = Command::Apply {
            label: label.to_string(),
            changes: changes.to_vec(),
            problem,
            own: self.dept_edit,
            then,
        };
        if self.in_frame {
            self.pending.push(c);
        } else {
            self.run(c);
        }
    }

    /// The steps the frame asked for, in order.
    pub(super) fn run_pending(&mut self, ctx: &egui::Context) {
        if self.pending.is_empty() {
            return;
        }
        for c in std::mem::take(&mut self.pending) {
            self.run(c);
        }
        ctx.request_repaint();
    }

    pub(super) fn run(&mut self, c: Command) {
        match c {
            Command::Apply {
                label,
                changes,
                problem,
                own,
                then,
            } => {
                let r = if own {
                    self.session.apply_own(&label, &changes)
                } else {
                    self.session.apply(&label, &changes)
                };
                match r {
                    Ok(applied) => {
                        self.refresh_history_labels();
                        if !applied.is_empty() {
                            self.saved_at =
                                Some(chrono::Local::now().format("%H:%M:%S").to_string());
                            self.refresh();
                        }
                        self.message = problem.map(|p| (p, true));
                        if let Some(f) = then.filter(|_| !applied.is_empty()) {
                            f(self);
                        }
                    }
                    Err(e) => self.message = Some((e, true)),
                }
            }
            Command::Replay { undo } => self.replay_now(undo),
        }
    }
}
