//! Command-line parsing with the mistakes told in plain Chinese.

use super::{Cli, Command};
use clap::Parser;

/// Parses the command line like [`Cli::parse`], but a mistake is told in plain Chinese (clap's
/// own messages are English); help and version print as usual. Err: the message and exit code.
pub fn parse_args<I, T>(args: I) -> Result<Cli, (String, i32)>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    // `gongkai FILE.gongkai`: what a file manager runs on a double-click (the desktop entry's
    // `Exec=gongkai %f`) opens the workbook.
    if let [_, file] = args.as_slice() {
        let p = std::path::Path::new(file);
        if crate::shells::session::is_workbook_ext(p) && !file.to_string_lossy().starts_with('-') {
            return Ok(Cli {
                version: false,
                templates: None,
                command: Some(Command::Open {
                    file: p.to_path_buf(),
                }),
            });
        }
    }
    let e = match Cli::try_parse_from(args) {
        Ok(c) => return Ok(c),
        Err(e) => e,
    };
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        return Err((e.render().to_string(), 0));
    }
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        _ => String::new(),
    };
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    let what = match e.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let why = if arg.contains("year") || arg.contains("YEAR") {
                "：年度应为四位整数，如 2024"
            } else if arg.contains("date") || arg.contains("DATE") {
                "：日期应写作 YYYY-MM-DD，如 2025-03-10"
            } else {
                ""
            };
            format!("参数 {arg} 的值「{value}」无效{why}")
        }
        ErrorKind::UnknownArgument => format!("不认识的参数「{arg}」"),
        ErrorKind::InvalidSubcommand => {
            format!("没有「{}」这个命令", ctx(ContextKind::InvalidSubcommand))
        }
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::ArgumentConflict => {
            format!("参数 {arg} 不能与 {} 同时使用", ctx(ContextKind::PriorArg))
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 {arg} 的值的个数不对")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 的值要用 = 连接"),
        ErrorKind::InvalidUtf8 => "参数中有无法识别的字符（不是 UTF-8）".to_string(),
        _ => "命令行参数有误".to_string(),
    };
    Err((format!("{what}（用 gongkai --help 查看用法）"), 2))
}
