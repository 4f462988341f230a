//! The command line's grammar: the arguments and subcommands clap reads (help texts in Chinese).

use super::dept_cmd::ConsolidateArgs;
use super::print_cmds::PdfArgs;
use super::templates_cmd::TemplatesCmd;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "gongkai",
    disable_version_flag = true,
    about = "部门预决算公开与绩效自评：填报、审核、出版"
)]
pub struct Cli {
    /// 显示版本、内置模板集（年度、地区）与许可
    #[arg(short = 'V', long = "version")]
    pub version: bool,
    /// Load templates from this folder (laid out like assets/) instead of the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 审核草稿：重算所有合计并检查全部审核公式
    Check {
        /// 工作簿文件（.gongkai）或交换格式 JSON；加 --summary 时可给多个文件或文件夹
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// Output findings as a JSON array
        #[arg(long, conflicts_with = "summary")]
        json: bool,
        /// 每个工作簿一行：单位、年度、模板集、错误/警告/提示数、首条错误（文件夹中的全部工作簿）
        #[arg(long)]
        summary: bool,
        /// 同时把汇总写成 Excel（需 --summary）
        #[arg(long, value_name = "OUT.xlsx", requires = "summary")]
        xlsx: Option<PathBuf>,
    },
    /// 列出各绩效自评表的执行率、建议分与填报分、总分和等级
    Scores {
        /// Workbook file (.sqlite) or interchange JSON
        file: PathBuf,
        /// Output as JSON
        #[arg(long)]
        json: bool,
    },
    /// 按表生成情况说明（及名词解释）并检查
    Narrative {
        /// Workbook file (.sqlite) or interchange JSON
        file: PathBuf,
        /// Output as JSON (paragraphs, 名词解释, findings)
        #[arg(long)]
        json: bool,
        /// Also print 名词解释, marking items that differ from the default text
        #[arg(long)]
        terms: bool,
    },
    /// 导出公开文件 PDF（A4，官方版式；有错误时为带“草稿”水印的草稿）
    #[command(name = "export-pdf")]
    ExportPdf {
        #[command(flatten)]
        pdf: PdfArgs,
        /// Output PDF
        #[arg(short = 'o', long = "output", value_name = "OUT.pdf")]
        output: PathBuf,
    },
    /// 打印公开文件（与 export-pdf 同样的内容，送到系统的打印机）
    Print {
        #[command(flatten)]
        pdf: PdfArgs,
        /// 打印机名称（默认：系统的默认打印机；gongkai printers 列出可用的）
        #[arg(long, value_name = "名称")]
        printer: Option<String>,
        /// 份数
        #[arg(long, default_value_t = 1, value_name = "N")]
        copies: u32,
    },
    /// 列出系统的打印机（默认的一台标 *）
    Printers,
    /// 部门汇总：由本级和所属单位的工作簿汇总出部门工作簿（不存在则新建），列出各单位的状态
    Consolidate(ConsolidateArgs),
    /// 列出已安装的模板集（内置与模板包：年度、地区、来源）与表、绩效表单模板和评分口径；
    /// new 新建模板包，diff 比较两个模板集
    Templates {
        #[command(subcommand)]
        action: Option<TemplatesCmd>,
    },
    /// 打开窗口编辑草稿文件
    Open { file: PathBuf },
    /// 在终端审核内置样例（不打开窗口）
    Sample,
    /// 新建工作簿文件（.gongkai）
    New {
        file: PathBuf,
        /// 单位名称 / 部门名称
        #[arg(long)]
        unit: String,
        /// 年度
        #[arg(long)]
        year: i32,
        /// 地区口径（默认取模板集的地区）
        #[arg(long)]
        profile: Option<String>,
        /// 模板集（默认：该年度的决算模板集；`gongkai templates` 列出可用的）
        #[arg(long = "set", value_name = "SET")]
        set: Option<String>,
        /// 上年工作簿（.gongkai 或 .json）：带入上年数和用途等情况说明输入项
        #[arg(long = "from", value_name = "LAST_YEAR")]
        from: Option<PathBuf>,
        /// 确认沿用的是另一个单位的工作簿（否则单位不同时拒绝）
        #[arg(long = "other-unit", requires = "from")]
        other_unit: bool,
    },
    /// 导入交换格式 JSON 到草稿文件（文件不存在则新建；已存在则作为一步可撤销的修改替换全部数据）
    Import {
        /// 交换格式 JSON，或 Excel 工作簿（.xlsx / .xls）
        file: PathBuf,
        #[arg(long, value_name = "FILE.sqlite")]
        into: PathBuf,
        /// 只预览识别结果和审核结果，不写入
        #[arg(long = "dry-run")]
        dry_run: bool,
    },
    /// 导出草稿文件为交换格式 JSON（默认输出到屏幕）或 Excel（--xlsx，官方版式）
    Export {
        file: PathBuf,
        /// 导出为 JSON
        #[arg(long, conflicts_with = "xlsx")]
        json: bool,
        /// 导出为 Excel 工作簿（需 -o）
        #[arg(long)]
        xlsx: bool,
        /// 输出文件
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Excel 中包含的部分：all、tables、table:公开05表、attachments、form:名称
        #[arg(long, default_value = "all", requires = "xlsx")]
        part: String,
    },
    /// 列出已保存的版本；--add 名称 保存当前内容为新版本
    Versions {
        file: PathBuf,
        #[arg(long, value_name = "名称")]
        add: Option<String>,
    },
    /// 逐格比较两个版本（版本名称、编号或“当前”）
    Diff { file: PathBuf, a: String, b: String },
    /// 列出修改历史（最近的在前）
    History {
        file: PathBuf,
        #[arg(long, default_value_t = 30)]
        limit: usize,
    },
    /// 撤销最近一步修改
    Undo { file: PathBuf },
    /// 重做最近撤销的一步
    Redo { file: PathBuf },
}
