//! Amounts: parsing what accountants type, formatting as the official forms print, half-up rounding.

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// The largest amount accepted anywhere (typed, pasted, JSON, Excel, stored): 15 integer digits,
/// i.e. below 10^15 万元 — a thousand times any public budget — so that no sum of a workbook's
/// cells can overflow the 28-digit decimal arithmetic.
pub const MAX_INT_DIGITS: usize = 15;
/// Decimals kept (万元 with 6 decimals = 0.01 元).
pub const MAX_SCALE: u32 = 6;

/// Why a typed amount was refused; the text is shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("「{input}」不是有效金额：{reason}")]
pub struct AmountError {
    /// The input as shown in the message (long inputs cut to their start).
    pub input: String,
    pub reason: &'static str,
}

/// The input as quoted in a message: at most 24 characters, then "…".
pub fn quote_input(input: &str) -> String {
    let t = input.trim();
    if t.chars().count() > 24 {
        let head: String = t.chars().take(24).collect();
        format!("{head}…（共 {} 个字符）", t.chars().count())
    } else {
        t.to_string()
    }
}

/// Parses an amount as users type or paste it: "1234.5", "1,234.50", "１２３４．５", "-3", "（空）".
/// Returns `Ok(None)` for a blank cell or the "——" not-applicable marker.
/// Thousands separators (, ， or a space) must group the integer part by three ("12,5" is refused,
/// not read as 125); at most [`MAX_INT_DIGITS`] integer digits and [`MAX_SCALE`] decimals.
pub fn parse_amount(input: &str) -> Result<Option<Decimal>, AmountError> {
    let err = |reason| AmountError {
        input: quote_input(input),
        reason,
    };
    let trimmed = input.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    let mut s = String::with_capacity(trimmed.len());
    // Positions of group separators, counted in digits of the integer part before them.
    let mut groups: Vec<usize> = Vec::new();
    let mut int_digits = 0usize;
    let mut seen_point = false;
    for ch in trimmed.chars() {
        let c = match ch {
            '０'..='９' => char::from(b'0' + (ch as u32 - '０' as u32) as u8),
            '．' | '。' => '.',
            '－' | '−' | '—' => '-',
            '，' | ',' | ' ' | '\u{3000}' | '\u{a0}' | '\u{2009}' | '\u{202f}' => {
                if seen_point {
                    return Err(err("小数部分不能有千分位分隔符"));
                }
                groups.push(int_digits);
                continue;
            }
            c => c,
        };
        if c == '.' {
            seen_point = true;
        } else if c.is_ascii_digit() && !seen_point {
            int_digits += 1;
        }
        s.push(c);
    }
    if (s.is_empty() || s.chars().all(|c| c == '-')) && groups.is_empty() {
        return Ok(None);
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return Err(err("只能包含数字、小数点、千分位逗号和负号"));
    }
    if s.len() > 1 && s[1..].contains('-') {
        return Err(err("负号只能写在最前面"));
    }
    if s.matches('.').count() > 1 {
        return Err(err("小数点多于一个"));
    }
    if s == "." || s == "-." || s.is_empty() || s == "-" {
        return Err(err("缺少数字"));
    }
    if !groups.is_empty() {
        // 1,234,567: the first group 1–3 digits, every later group exactly 3.
        let mut ok = groups[0] >= 1 && groups[0] <= 3;
        for w in groups.windows(2) {
            ok &= w[1] == w[0] + 3;
        }
        ok &= int_digits == groups[groups.len() - 1] + 3;
        if !ok {
            return Err(err(
                "千分位分隔符应每三位一个（如 1,234,567.89）；逗号不能当小数点用",
            ));
        }
    }
    let significant = s
        .trim_start_matches('-')
        .split('.')
        .next()
        .unwrap_or("")
        .trim_start_matches('0')
        .len();
    if significant > MAX_INT_DIGITS {
        return Err(err("数值过大（整数部分最多 15 位）"));
    }
    let frac = s.split_once('.').map_or(0, |(_, f)| f.len());
    if frac > MAX_SCALE as usize {
        return Err(err("小数位数过多（最多 6 位）"));
    }
    let d = Decimal::from_str(&s).map_err(|_| err("数值超出范围"))?;
    Ok(Some(d))
}

/// Whether a figure from elsewhere (a stored file, a spreadsheet number) lies within the bounds
/// [`parse_amount`] enforces; the message says why not.
pub fn check_bounds(d: Decimal) -> Result<Decimal, &'static str> {
    if d.abs() >= Decimal::from(10u64.pow(MAX_INT_DIGITS as u32)) {
        return Err("数值过大（整数部分最多 15 位）");
    }
    if d.normalize().scale() > MAX_SCALE {
        return Err("小数位数过多（最多 6 位）");
    }
    Ok(d)
}

/// Rounds half-up (away from zero at .5) to `dp` decimal places, as the official forms do.
pub fn round_half_up(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats with thousands separators and exactly `dp` decimals: 3598.36 → "3,598.36".
pub fn format_amount(d: Decimal, dp: u32) -> String {
    let r = round_half_up(d, dp);
    let neg = r.is_sign_negative() && !r.is_zero();
    let s = format!("{:.*}", dp as usize, r.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// Rounds `d` up (towards +∞) to a whole cent: the tolerance rule "0.005 × n, rounded up to 0.01".
pub fn ceil_cent(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::ToPositiveInfinity)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn parses_common_spellings() {
        assert_eq!(parse_amount("1234.5").unwrap(), Some(dec("1234.5")));
        assert_eq!(parse_amount("1,234.50").unwrap(), Some(dec("1234.50")));
        assert_eq!(parse_amount("１，２３４．５").unwrap(), Some(dec("1234.5")));
        assert_eq!(parse_amount(" -3 ").unwrap(), Some(dec("-3")));
        assert_eq!(parse_amount("——").unwrap(), None);
        assert_eq!(parse_amount("").unwrap(), None);
    }

    #[test]
    fn refuses_letters_with_a_reason() {
        let e = parse_amount("12a").unwrap_err();
        assert!(e.to_string().contains("「12a」不是有效金额"));
        assert!(parse_amount("1.2.3").is_err());
        assert!(parse_amount("3-").is_err());
        assert!(parse_amount("99999999999999999999999999999999").is_err());
    }

    #[test]
    fn thousands_separators_group_by_three() {
        assert_eq!(
            parse_amount("1,234,567.89").unwrap(),
            Some(dec("1234567.89"))
        );
        assert_eq!(parse_amount("1 234.5").unwrap(), Some(dec("1234.5")));
        assert_eq!(parse_amount("-12,345").unwrap(), Some(dec("-12345")));
        for bad in [
            "12,5",
            "1,2,3,4",
            "1234,567",
            ",123",
            "1,23",
            "1,234.5,6",
            "12,34.5",
        ] {
            let e = parse_amount(bad).unwrap_err();
            assert!(
                e.reason.contains("千分位") || e.reason.contains("小数"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn amounts_are_bounded_to_fifteen_integer_digits() {
        assert!(parse_amount("999,999,999,999,999.99").is_ok());
        assert!(parse_amount("000000000000000001").is_ok());
        let e = parse_amount("1000000000000000").unwrap_err();
        assert!(e.to_string().contains("数值过大"), "{e}");
        assert!(parse_amount("79228162514264337593543950335").is_err());
        assert!(check_bounds(Decimal::from(1_000_000_000_000_000u64)).is_err());
        assert!(check_bounds(dec("12.1234567")).is_err());
        assert!(check_bounds(dec("-123.45")).is_ok());
    }

    #[test]
    fn long_inputs_are_quoted_short() {
        let long = "9".repeat(10_000) + "x";
        let e = parse_amount(&long).unwrap_err().to_string();
        assert!(e.chars().count() < 120, "{e}");
        assert!(e.contains("共 10001 个字符"));
    }

    #[test]
    fn formats_and_rounds_half_up() {
        assert_eq!(format_amount(dec("3598.36"), 2), "3,598.36");
        assert_eq!(format_amount(dec("0.325"), 2), "0.33");
        assert_eq!(format_amount(dec("-1234567.5"), 0), "-1,234,568");
        assert_eq!(format_amount(dec("12"), 2), "12.00");
        assert_eq!(round_half_up(dec("32.775"), 2), dec("32.78"));
        assert_eq!(ceil_cent(dec("0.015")), dec("0.02"));
        assert_eq!(ceil_cent(dec("0.03")), dec("0.03"));
    }
}
