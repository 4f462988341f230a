//! 打印: sending an exported PDF to the system's printer — CUPS `lp` on Linux and macOS, the
//! shell's print verb on Windows — and the page range both share (the pages are chosen in the
//! PDF before it is sent, so a range means the same on every system).

use std::path::Path;
use std::process::Command;

/// Pages to print, 1-based and inclusive, in the PDF's own order (cover and 目录 count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRange(Vec<(usize, usize)>);

impl PageRange {
    /// "1-3,5" (also "1－3，5", spaces ignored); empty → None (every page).
    pub fn parse(s: &str) -> Result<Option<PageRange>, String> {
        let norm: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '，' | '、' | ';' | '；' => ',',
                '－' | '—' | '–' | '~' | '～' | '至' => '-',
                c if ('０'..='９').contains(&c) => {
                    char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)
                }
                c => c,
            })
            .collect();
        if norm.is_empty() {
            return Ok(None);
        }
        let bad = || format!("页码范围「{s}」看不懂：应写作 1-3,5 这样的页码（从 1 起）");
        let mut out = Vec::new();
        for part in norm.split(',').filter(|p| !p.is_empty()) {
            let (a, b) = match part.split_once('-') {
                Some((a, b)) => (a, b),
                None => (part, part),
            };
            let a: usize = a.parse().map_err(|_| bad())?;
            let b: usize = b.parse().map_err(|_| bad())?;
            if a == 0 || b < a {
                return Err(bad());
            }
            out.push((a, b));
        }
        if out.is_empty() {
            return Err(bad());
        }
        Ok(Some(PageRange(out)))
    }

    /// The 0-based page indexes of a document of `n` pages, in the order asked, each once.
    pub fn select(&self, n: usize) -> Result<Vec<usize>, String> {
        let mut out = Vec::new();
        for &(a, b) in &self.0 {
            if b > n {
                return Err(format!(
                    "页码范围超出文件的页数：文件共 {n} 页，要求到第 {b} 页"
                ));
            }
            for i in a - 1..b {
                if !out.contains(&i) {
                    out.push(i);
                }
            }
        }
        Ok(out)
    }
}

/// Where and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// None: the system's default printer.
    pub printer: Option<String>,
    pub copies: u32,
    /// Shown in the printer's queue.
    pub title: String,
}

/// The `lp` arguments for a job (Linux, macOS).
pub fn lp_args(file: &Path, job: &Job) -> Vec<String> {
    let mut a = Vec::new();
    if let Some(p) = &job.printer {
        a.push("-d".into());
        a.push(p.clone());
    }
    a.push("-n".into());
    a.push(job.copies.clamp(1, 999).to_string());
    if !job.title.is_empty() {
        a.push("-t".into());
        a.push(job.title.clone());
    }
    a.push("--".into());
    a.push(file.display().to_string());
    a
}

/// The printers the system offers and its default one.
pub fn printers() -> Result<(Vec<String>, Option<String>), String> {
    if cfg!(windows) {
        let out = Command::new("powershell")
            .args([
                "-NoProfile",
                "-Command",
                "Get-Printer | Select-Object -ExpandProperty Name",
            ])
            .output()
            .map_err(|_| "无法列出打印机（没有找到 PowerShell）".to_string())?;
        let names = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        return Ok((names, None));
    }
    let out = Command::new("lpstat")
        .arg("-e")
        .output()
        .map_err(|_| "本机没有打印系统（未找到 CUPS 的 lpstat）".to_string())?;
    let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let default = Command::new("lpstat")
        .arg("-d")
        .output()
        .ok()
        .and_then(|o| {
            let s = String::from_utf8_lossy(&o.stdout).into_owned();
            // "system default destination: NAME"
            s.split_once(':')
                .map(|(_, n)| n.trim().to_string())
                .filter(|n| names.contains(n))
        });
    Ok((names, default))
}

/// Sends `file` (a PDF) to the printer; returns what the system said (the job's id).
pub fn send(file: &Path, job: &Job) -> Result<String, String> {
    if cfg!(windows) {
        // The print verb of the PDF reader, once per copy.
        let quoted = file.display().to_string().replace('\'', "''");
        let cmd = match &job.printer {
            Some(p) => format!(
                "Start-Process -FilePath '{quoted}' -Verb PrintTo -ArgumentList '\"{}\"' -Wait",
                p.replace('\'', "''")
            ),
            None => format!("Start-Process -FilePath '{quoted}' -Verb Print -Wait"),
        };
        for _ in 0..job.copies.clamp(1, 99) {
            let st = Command::new("powershell")
                .args(["-NoProfile", "-Command", &cmd])
                .status()
                .map_err(|_| "无法打印（没有找到 PowerShell）".to_string())?;
            if !st.success() {
                return Err("无法打印：系统没有能打印 PDF 的程序（请先安装 PDF 阅读器）".into());
            }
        }
        return Ok("已交给系统打印".into());
    }
    let out = Command::new("lp")
        .args(lp_args(file, job))
        .output()
        .map_err(|_| "本机没有打印系统（未找到 CUPS 的 lp 命令）".to_string())?;
    let said = |b: &[u8]| String::from_utf8_lossy(b).trim().to_string();
    if !out.status.success() {
        let e = said(&out.stderr);
        let why = if e.contains("does not exist") || e.contains("不存在") {
            format!(
                "没有这台打印机「{}」",
                job.printer.clone().unwrap_or_default()
            )
        } else if e.contains("No default destination") || e.contains("没有默认") {
            "系统没有默认打印机：请选择一台打印机".to_string()
        } else {
            e
        };
        return Err(format!("打印机没有接受：{why}"));
    }
    // "request id is PDF-3 (1 file(s))"
    let s = said(&out.stdout);
    Ok(s.split_whitespace()
        .find(|w| w.contains('-') && w.chars().last().is_some_and(|c| c.is_ascii_digit()))
        .map(|id| format!("作业 {id}"))
        .unwrap_or(s))
}

/// Writes `bytes` to a temporary file, sends it and removes it (CUPS has spooled a copy by
/// then; on Windows the reader still reads it, so it stays in the temporary folder).
pub fn print_bytes(bytes: &[u8], job: &Job) -> Result<String, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "gongkai-print-{}-{}.pdf",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, bytes).map_err(|e| format!("无法写出打印用的临时文件：{e}"))?;
    let r = send(&path, job);
    if !cfg!(windows) {
        let _ = std::fs::remove_file(&path);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ranges_are_read_like_a_print_dialog() {
        let r = PageRange::parse("1-3, 5").unwrap().unwrap();
        assert_eq!(r.select(8).unwrap(), [0, 1, 2, 4]);
        let r = PageRange::parse("２－４，２").unwrap().unwrap();
        assert_eq!(r.select(4).unwrap(), [1, 2, 3]);
        assert_eq!(PageRange::parse("  ").unwrap(), None);
        for bad in ["a", "0", "3-1", "1-", ",", "1..3"] {
            assert!(
                PageRange::parse(bad).unwrap_err().contains("看不懂"),
                "{bad}"
            );
        }
        let e = PageRange::parse("30-40")
            .unwrap()
            .unwrap()
            .select(34)
            .unwrap_err();
        assert!(e.contains("共 34 页"), "{e}");
    }

    #[test]
    fn lp_gets_printer_copies_and_title() {
        let job = Job {
            printer: Some("办公室".into()),
            copies: 3,
            title: "公开".into(),
        };
        assert_eq!(
            lp_args(Path::new("/tmp/a b.pdf"), &job),
            [
                "-d",
                "办公室",
                "-n",
                "3",
                "-t",
                "公开",
                "--",
                "/tmp/a b.pdf"
            ]
        );
        let job = Job {
            printer: None,
            copies: 0,
            title: String::new(),
        };
        assert_eq!(
            lp_args(Path::new("x.pdf"), &job),
            ["-n", "1", "--", "x.pdf"]
        );
    }
}
