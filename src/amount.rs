//! Amounts: parsing what accountants type, formatting as the official forms print, half-up rounding.

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// Why a typed amount was refused; the text is shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("「{input}」不是有效金额：{reason}")]
pub struct AmountError {
    pub input: String,
    pub reason: &'static str,
}

/// Parses an amount as users type or paste it: "1234.5", "1,234.50", "１２３４．５", "-3", "（空）".
/// Returns `Ok(None)` for a blank cell or the "——" not-applicable marker.
pub fn parse_amount(input: &str) -> Result<Option<Decimal>, AmountError> {
    let err = |reason| AmountError {
        input: input.to_string(),
        reason,
    };
    let mut s = String::with_capacity(input.len());
    for ch in input.chars() {
        let c = match ch {
            '０'..='９' => char::from(b'0' + (ch as u32 - '０' as u32) as u8),
            '．' | '。' => '.',
            '－' | '−' | '—' => '-',
            '，' | ',' | ' ' | '\u{3000}' | '\t' | '\u{a0}' => continue,
            c => c,
        };
        s.push(c);
    }
    if s.is_empty() || s.chars().all(|c| c == '-') {
        return Ok(None);
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return Err(err("只能包含数字、小数点、千分位逗号和负号"));
    }
    if s[1..].contains('-') {
        return Err(err("负号只能写在最前面"));
    }
    if s.matches('.').count() > 1 {
        return Err(err("小数点多于一个"));
    }
    if s == "." || s == "-." {
        return Err(err("缺少数字"));
    }
    let d = Decimal::from_str(&s).map_err(|_| err("数值超出范围"))?;
    if d.scale() > 6 {
        return Err(err("小数位数过多（最多 6 位）"));
    }
    Ok(Some(d))
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
