//! The start page (first run, and whenever no workbook is open): 新建本单位的公开, 打开…, the
//! recent workbooks and 查看样例 (a bundled sample, read-only and marked 样例). [`Gui`] is the
//! eframe app: the start page or an open workbook ([`App`]); 关闭 in a workbook comes back here.

use super::newbook::NewBook;
use super::{install_fonts, App, Dialogs, NoDialogs, SystemDialogs};
use crate::shells::session::{self, recent::Recent, Kind};
use crate::shells::store::{Store, StoreError};
use crate::template::Registry;
use egui::{Color32, RichText};
use std::path::{Path, PathBuf};

pub struct StartPage {
    pub recent: Recent,
    pub newbook: NewBook,
    /// 打开: the path typed (or picked with 浏览…).
    pub open_path: String,
    /// Where the sample files are written (the program's data folder).
    pub samples: PathBuf,
    pub dialogs: Box<dyn Dialogs>,
    pub message: Option<(String, bool)>,
    pub help: bool,
}

impl StartPage {
    /// A start page keeping its recent list in `recent` (None: in memory only), new workbooks
    /// in `documents`, samples in `samples`.
    pub fn new(recent: Option<&Path>, documents: &Path, samples: &Path) -> StartPage {
        let recent = match recent {
            Some(f) => Recent::load(f),
            None => Recent::default(),
        };
        let year = chrono::Datelike::year(&chrono::Local::now()) - 1;
        StartPage {
            recent,
            newbook: NewBook::new("", year, Kind::Juesuan, documents),
            open_path: String::new(),
            samples: samples.to_path_buf(),
            dialogs: Box::new(NoDialogs),
            message: None,
            help: false,
        }
    }
}

/// The window: the start page, or the workbook open in it.
pub struct Gui {
    pub start: StartPage,
    pub app: Option<App>,
    /// Frames drawn so far (for the start-up measurement).
    frames: u32,
}

/// When the process started (set first thing in `main`): the start-up measurement counts from it.
pub static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// With `GONGKAI_FIRST_FRAME=1` the window reports the time from process start to its first
/// presented frame on stderr and closes (`.ci/startup.sh` runs it under Xvfb).
fn first_frame_probe(frames: u32, ctx: &egui::Context) {
    if std::env::var_os("GONGKAI_FIRST_FRAME").is_none() {
        return;
    }
    if frames == 0 {
        // The second call comes once the first frame has been painted and presented.
        ctx.request_repaint();
    } else if frames == 1 {
        if let Some(t0) = STARTED.get() {
            eprintln!("first frame: {} ms", t0.elapsed().as_millis());
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

impl Gui {
    pub fn new(start: StartPage) -> Gui {
        Gui {
            start,
            app: None,
            frames: 0,
        }
    }

    /// Opens `store` in the window (the start page keeps its fields for when it is closed).
    pub fn show_store(&mut self, store: Store) -> Result<(), String> {
        let mut app = App::new(store)?;
        app.recent = std::mem::take(&mut self.start.recent);
        app.dialogs = std::mem::replace(&mut self.start.dialogs, Box::new(NoDialogs));
        let path = app.session.store().path().to_path_buf();
        if let Err(e) = app.recent.touch(&path, app.session.store().workbook()) {
            app.message.get_or_insert((e, true));
        }
        self.app = Some(app);
        Ok(())
    }

    /// 打开: a workbook file for editing (read-only when another window edits it).
    pub fn open(&mut self, path: &Path) -> Result<(), String> {
        let store = match Store::open(path) {
            Err(StoreError::Locked { .. }) => Store::open_read_only(path),
            r => r,
        }
        .map_err(|e| e.to_string())?;
        self.show_store(store)
    }

    /// 查看样例: the bundled sample `i`, read-only.
    pub fn open_sample(&mut self, i: usize) -> Result<(), String> {
        let path = session::sample_file(&self.start.samples, i).map_err(|e| e.to_string())?;
        let store = Store::open_read_only(&path).map_err(|e| e.to_string())?;
        self.show_store(store)
    }

    /// Back to the start page (the workbook file is closed; everything was saved as typed).
    pub fn close_workbook(&mut self) {
        if let Some(mut app) = self.app.take() {
            app.commit_edit();
            app.commit_drafts();
            self.start.recent = std::mem::take(&mut app.recent);
            self.start.dialogs = std::mem::replace(&mut app.dialogs, Box::new(NoDialogs));
            self.start.message = Some((
                format!("已关闭 {}", app.session.store().path().display()),
                false,
            ));
        }
    }

    pub fn title(&self) -> String {
        match &self.app {
            Some(a) => a.window_title(),
            None => "Gongkai 公开 — 开始".into(),
        }
    }

    /// One frame.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        if let Some(app) = self.app.as_mut() {
            app.ui(ui);
            if app.close_requested {
                self.close_workbook();
            }
            return;
        }
        let keep_ime = super::KeepIme::begin(ui.ctx());
        self.start_ui(ui);
        keep_ime.end(ui.ctx());
    }

    fn start_ui(&mut self, ui: &mut egui::Ui) {
        let reg = Registry::installed();
        let ctx = ui.ctx().clone();
        if ctx.input(|i| i.key_pressed(egui::Key::F1)) {
            self.start.help = !self.start.help;
        }
        if self.start.help {
            let mut open = true;
            egui::Window::new("帮助")
                .open(&mut open)
                .default_size([560.0, 480.0])
                .show(&ctx, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        ui.label(super::dialogs::HELP);
                    });
                });
            self.start.help = open;
        }
        let mut create = false;
        let mut open_path: Option<PathBuf> = None;
        let mut sample: Option<usize> = None;
        let mut forget: Option<PathBuf> = None;
        let mut browse = false;
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.heading("Gongkai 公开");
                ui.label("部门（单位）决算公开、预算公开和绩效自评：填表、审核、生成情况说明、打印公开件。");
                if let Some((m, err)) = &self.start.message {
                    let t = RichText::new(m.clone());
                    ui.label(if *err { t.color(Color32::from_rgb(190, 30, 30)) } else { t });
                }
                ui.separator();
                ui.columns(2, |cols| {
                    // Buttons as wide as their text, not the column.
                    let top = egui::Layout::top_down(egui::Align::Min);
                    let s = &mut self.start;
                    cols[0].with_layout(top, |ui| {
                        ui.label(RichText::new("新建本单位的公开").heading());
                        create = s.newbook.ui(ui, reg, &s.recent, None, s.dialogs.as_ref());
                    });
                    cols[1].with_layout(top, |ui| {
                    ui.label(RichText::new("打开已有的工作簿").heading());
                    ui.horizontal(|ui| {
                        ui.add(egui::TextEdit::singleline(&mut s.open_path).desired_width(300.0))
                            .accessible_name("要打开的文件");
                        if ui.button("浏览…").clicked() {
                            browse = true;
                        }
                        if ui.button("打开").clicked() && !s.open_path.trim().is_empty() {
                            open_path = Some(PathBuf::from(s.open_path.trim()));
                        }
                    });
                    ui.add_space(8.0);
                    ui.label(RichText::new("最近打开").strong());
                    if s.recent.entries.is_empty() {
                        ui.label(RichText::new("（还没有）").weak());
                    }
                    for e in &s.recent.entries {
                        ui.horizontal_wrapped(|ui| {
                            let what = format!(
                                "{}{} · {}年度",
                                if e.sample { "【样例】" } else { "" },
                                e.unit,
                                e.year
                            );
                            match e.last_edit() {
                                Some(t) => {
                                    if ui
                                        .button(format!("打开 {what}"))
                                        .on_hover_text(e.path.display().to_string())
                                        .clicked()
                                    {
                                        open_path = Some(e.path.clone());
                                    }
                                    ui.label(RichText::new(format!("最后修改 {t}")).weak());
                                }
                                None => {
                                    ui.label(RichText::new(format!("{what}（文件已不在）")).weak());
                                }
                            }
                            if ui.small_button(format!("移除 {what}")).clicked() {
                                forget = Some(e.path.clone());
                            }
                        });
                        ui.label(RichText::new(e.path.display().to_string()).small().weak());
                    }
                    ui.add_space(8.0);
                    ui.label(RichText::new("查看样例").strong());
                    ui.label(RichText::new("样例只读打开，标题栏和 PDF 都标明“样例”，不能导出定稿。").weak());
                    for (i, (label, _, _)) in session::SAMPLES.iter().enumerate() {
                        if ui.button(*label).clicked() {
                            sample = Some(i);
                        }
                    }
                    ui.add_space(8.0);
                    ui.label(RichText::new("按 F1 查看使用说明。").weak());
                    });
                });
            });
        });
        if browse {
            match self.start.dialogs.pick_open("Gongkai 工作簿", &[session::EXT, "sqlite"]) {
                Some(p) => open_path = Some(p),
                None => {
                    self.start.message = Some((
                        "没有打开系统的文件对话框（本机没有或已取消）：请在“要打开的文件”里直接填写路径".into(),
                        true,
                    ))
                }
            }
        }
        if let Some(p) = forget {
            if let Err(e) = self.start.recent.forget(&p) {
                self.start.message = Some((e, true));
            }
        }
        let result = if create {
            match self.start.newbook.create(reg) {
                Ok(c) => {
                    self.start.newbook.reset();
                    let carried = c.carried;
                    let from = c.from.map(|f| format!("{} {}年度", f.unit, f.year));
                    let path = c.store.path().display().to_string();
                    let r = self.show_store(c.store);
                    if let (Ok(()), Some(app)) = (&r, self.app.as_mut()) {
                        app.message = Some((
                            match from {
                                Some(f) => format!(
                                    "已新建 {path}，从「{f}」带入情况说明输入项 {carried} 项"
                                ),
                                None => format!("已新建 {path}"),
                            },
                            false,
                        ));
                    }
                    r
                }
                Err(e) => {
                    self.start.newbook.message = Some((e, true));
                    Ok(())
                }
            }
        } else if let Some(i) = sample {
            self.open_sample(i)
        } else if let Some(p) = open_path {
            self.open(&p)
        } else {
            Ok(())
        };
        if let Err(e) = result {
            self.start.message = Some((format!("无法打开：{e}"), true));
        }
    }
}

impl eframe::App for Gui {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // The title names the file and the unit (several workbooks open side by side).
        let title = self.title();
        let key = egui::Id::unique("gongkai-title");
        if ui.ctx().data(|d| d.get_temp::<String>(key)) != Some(title.clone()) {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            ui.ctx().data_mut(|d| d.insert_temp(key, title));
        }
        first_frame_probe(self.frames, ui.ctx());
        self.frames = self.frames.saturating_add(1);
        Gui::ui(self, ui);
    }
}

/// Runs the window: on `path` when given, else on the start page. Returns the exit code.
pub fn run(path: Option<PathBuf>) -> i32 {
    let data = session::data_folder();
    let samples = data.join("样例");
    let mut start = StartPage::new(
        Some(&session::recent::default_file()),
        &session::documents_folder(),
        &samples,
    );
    start.dialogs = Box::new(SystemDialogs);
    // The bundled samples as local files, written on first run.
    for i in 0..session::SAMPLES.len() {
        if let Err(e) = session::sample_file(&samples, i) {
            start.message = Some((format!("样例文件未能建立：{e}"), true));
        }
    }
    let mut gui = Gui::new(start);
    if let Some(p) = &path {
        if let Err(e) = gui.open(p) {
            eprintln!("无法打开 {}：{e}", p.display());
            return 2;
        }
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Gongkai 公开")
            // Matches the desktop entry (StartupWMClass), so the dock shows its icon.
            .with_app_id("gongkai")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    let result = eframe::run_native(
        "Gongkai",
        options,
        Box::new(move |cc| {
            install_fonts(&cc.egui_ctx);
            cc.egui_ctx.set_theme(egui::Theme::Light);
            Ok(Box::new(gui))
        }),
    );
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!(
                "无法打开窗口：{e}。\n没有图形界面时可用命令行：gongkai check 文件.{}",
                session::EXT
            );
            2
        }
    }
}
