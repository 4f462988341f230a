//! The system around the window: its file dialogs (rfd, behind a trait so tests and headless
//! machines use none), its program for a file (xdg-open, open, start), and this program started
//! again on another workbook.

use std::path::PathBuf;

/// The system file dialogs, behind a trait so tests (and machines without a portal) use none.
pub trait Dialogs {
    /// A file to open: `what` names the kind ("Gongkai 草稿"), `ext` its extensions.
    fn pick_open(&self, what: &str, ext: &[&str]) -> Option<PathBuf>;
    fn pick_save(&self, suggested: &str) -> Option<PathBuf>;
    /// Opens a file or folder with the system's program for it (a PDF reader, the file manager).
    fn open_path(&self, path: &std::path::Path) -> Result<(), String> {
        system_open(path)
    }
    /// Opens a workbook in a window of its own (a unit of the 部门 on screen): this program,
    /// started again on the file.
    fn open_workbook(&self, path: &std::path::Path) -> Result<(), String> {
        let exe = std::env::current_exe().map_err(|e| format!("无法启动新窗口：{e}"))?;
        std::process::Command::new(exe)
            .arg(path)
            .spawn()
            .map(|_| ())
            .map_err(|e| format!("无法启动新窗口：{e}"))
    }
}

/// The system's "open" verb: xdg-open on Linux, open on macOS, start on Windows.
pub fn system_open(path: &std::path::Path) -> Result<(), String> {
    let mut c = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    c.arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|_| {
            format!(
                "本机没有可以打开它的程序（未找到 xdg-open）；文件在 {}",
                path.display()
            )
        })
}

/// 打开文件 / 打开所在文件夹 after an export: what was asked to be opened.
pub(crate) fn open_buttons(ui: &mut egui::Ui, done: &std::path::Path) -> Option<PathBuf> {
    let mut what = None;
    ui.horizontal(|ui| {
        if ui.button("打开文件").clicked() {
            what = Some(done.to_path_buf());
        }
        if ui.button("打开所在文件夹").clicked() {
            what = done.parent().map(|p| p.to_path_buf());
        }
    });
    what
}

/// No system dialog: the path is typed.
pub struct NoDialogs;

impl Dialogs for NoDialogs {
    fn pick_open(&self, _: &str, _: &[&str]) -> Option<PathBuf> {
        None
    }
    fn pick_save(&self, _: &str) -> Option<PathBuf> {
        None
    }
    fn open_path(&self, path: &std::path::Path) -> Result<(), String> {
        Err(format!("此处没有打开文件的程序；文件在 {}", path.display()))
    }
    fn open_workbook(&self, path: &std::path::Path) -> Result<(), String> {
        Err(format!("此处不能打开新窗口；工作簿在 {}", path.display()))
    }
}

/// rfd: the desktop portal on Linux; returns at once (None) when there is none.
pub struct SystemDialogs;

impl Dialogs for SystemDialogs {
    fn pick_open(&self, what: &str, ext: &[&str]) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(format!("打开{what}"))
            .add_filter(what, ext)
            .pick_file()
    }
    fn pick_save(&self, suggested: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("保存")
            .set_file_name(suggested)
            .save_file()
    }
}
