//! Reading spreadsheet cells as the 公开表 print them: text, labels normalised, figures (with
//! separators, 万元, dashes) and sheet bounds.

use crate::amount::parse_amount;
use calamine::{Data, Range};
use rust_decimal::Decimal;

pub(super) fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::DateTime(d) => d.to_string(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// Text without spaces (full-width ones too).
pub(super) fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect()
}

/// "2023年度收入决算表" → "收入决算表".
pub(super) fn strip_year(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) {
        let rest = &s[4..];
        return rest
            .strip_prefix("年度")
            .or_else(|| rest.strip_prefix("年"))
            .unwrap_or(s);
    }
    s
}

/// A spreadsheet number as an amount. Doubles carry two-decimal 万元 figures exactly enough to
/// round back to 6 decimals; a number that really has more decimals than that (not just binary
/// noise such as 0.30000000000000004) or more than 15 integer digits is refused like typed text.
pub(super) fn float_figure(f: f64) -> Result<Decimal, String> {
    let bad = |why: &str| format!("「{f}」不是有效金额：{why}");
    if !f.is_finite() {
        return Err(bad("不是数字"));
    }
    if f.abs() >= 1e15 {
        return Err(bad("数值过大（整数部分最多 15 位）"));
    }
    let d: Decimal = format!("{f:.6}").parse().map_err(|_| bad("不是数字"))?;
    let back: f64 = format!("{d}").parse().unwrap_or(f64::NAN);
    if (back - f).abs() > f.abs().max(1.0) * 1e-12 {
        return Err(bad("小数位数过多（最多 6 位）"));
    }
    Ok(crate::amount::round_half_up(d, 6).normalize())
}

/// A figure from a cell: None for blank, "——", "-"; Err for text that is not an amount.
pub(super) fn figure(d: &Data) -> Result<Option<Decimal>, String> {
    match d {
        Data::Empty => Ok(None),
        Data::Float(f) => float_figure(*f).map(Some),
        Data::Int(i) => crate::amount::check_bounds(Decimal::from(*i))
            .map(Some)
            .map_err(|why| format!("「{i}」不是有效金额：{why}")),
        _ => {
            let t = norm(&text(d));
            if t.is_empty() || t == "——" || t == "—" || t == "-" || t == "--" {
                return Ok(None);
            }
            parse_amount(&t).map_err(|e| e.to_string())
        }
    }
}

pub(super) fn cell(r: &Range<Data>, row: u32, col: u32) -> &Data {
    let (r0, c0) = r.start().unwrap_or((0, 0));
    if row < r0 || col < c0 {
        return &Data::Empty;
    }
    r.get(((row - r0) as usize, (col - c0) as usize))
        .unwrap_or(&Data::Empty)
}

pub(super) fn bounds(r: &Range<Data>) -> (u32, u32, u32, u32) {
    let (r0, c0) = r.start().unwrap_or((0, 0));
    let (h, w) = r.get_size();
    (r0, c0, r0 + h as u32, c0 + w as u32)
}
