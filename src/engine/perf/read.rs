//! Printed texts read as a person reads them: the 执行率 a sentence states as its result, a score
//! only where one is marked, the 总分/等级/执行率 a conclusion states, dates as the forms write them.

use super::spec::Profile;
use rust_decimal::Decimal;

/// Reads a printed 执行率 cell as a person does → (rate %, score).
/// "97.5%(10分)", "预算执行率100%（10分）", "96%  8", "8" (a score alone), and sentences such as
/// "2024年预算执行率=实际支出/预算数×100%=98.10%": the rate is the percentage stated as the result
/// (a factor "×100%" is part of the formula), a score is only a number marked 分, a lone number,
/// or a bare number right after the rate; years, amounts and counts are never scores.
pub fn parse_rate_text(text: &str) -> (Option<Decimal>, Option<Decimal>) {
    let s: String = text
        .chars()
        .map(|c| match c {
            '％' => '%',
            '（' => '(',
            '）' => ')',
            '＝' => '=',
            c => c,
        })
        .collect();
    let nums = numbers_in(&s);
    // Byte offset where the number ending at `end` starts (its digits are ASCII).
    let start_of = |end: usize| {
        end - s[..end]
            .bytes()
            .rev()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count()
    };
    let mut rates: Vec<(Decimal, usize, bool)> = Vec::new();
    for (value, end) in &nums {
        if !s[*end..].trim_start().starts_with('%') {
            continue;
        }
        let before = s[..start_of(*end)].trim_end();
        let factor = ['×', '*', 'x', 'X', '✕']
            .iter()
            .any(|c| before.ends_with(*c))
            || before.ends_with("乘以");
        if factor {
            continue;
        }
        let stated = ['=', '为', '是', ':', '：', '达']
            .iter()
            .any(|c| before.ends_with(*c));
        rates.push((*value, *end, stated));
    }
    let rate = rates
        .iter()
        .rev()
        .find(|r| r.2)
        .or(rates.last())
        .map(|r| (r.0, r.1));
    let mut score = None;
    for (value, end) in &nums {
        let rest = s[*end..].trim_start();
        let marked = rest.starts_with('分') && !rest.starts_with("分之");
        let lone = nums.len() == 1 && rest.is_empty() && !s.contains('%');
        // "96% 8": nothing but the rate, then the score, then nothing.
        let after_rate = rate.is_some_and(|(_, re)| {
            let st = start_of(*end);
            st >= re && s[re..st].trim_start_matches('%').trim().is_empty() && rest.is_empty()
        });
        if marked || lone || after_rate {
            score = Some(*value);
            break;
        }
    }
    (rate.map(|r| r.0), score)
}

#[cfg(test)]
mod rate_text_tests {
    use super::parse_rate_text;
    use rust_decimal::Decimal;

    fn d(s: &str) -> Option<Decimal> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn reads_printed_rate_cells_as_a_person_does() {
        assert_eq!(parse_rate_text("97.5%(10分)"), (d("97.5"), d("10")));
        assert_eq!(
            parse_rate_text("预算执行率100%（10分）"),
            (d("100"), d("10"))
        );
        assert_eq!(parse_rate_text("96% 8"), (d("96"), d("8")));
        assert_eq!(parse_rate_text("8"), (None, d("8")));
        assert_eq!(parse_rate_text("100.00%"), (d("100.00"), None));
        // The formula's ×100% is no rate; the year and the amounts are no score.
        assert_eq!(
            parse_rate_text("2024年预算执行率=实际支出89.97万元/预算数91.71万元×100%=98.10%"),
            (d("98.10"), None)
        );
        assert_eq!(
            parse_rate_text("执行率为98.10%（计算方法：执行数÷预算数×100%）"),
            (d("98.10"), None)
        );
        assert_eq!(parse_rate_text("2024年度执行率99%"), (d("99"), None));
    }

    #[test]
    fn states_in_conclusions_are_read() {
        use super::{stated_rate, stated_total};
        assert_eq!(stated_total("单位总分95分，等级为良"), d("95"));
        assert_eq!(stated_total("自评得分为 88.5 分"), d("88.5"));
        assert_eq!(stated_total("2024年项目完成"), None);
        assert_eq!(
            stated_rate("项目执行率99%，到位率100%"),
            Some((d("99").unwrap(), 0))
        );
        assert_eq!(
            stated_rate("预算执行率为98.10%"),
            Some((d("98.10").unwrap(), 2))
        );
        assert_eq!(stated_rate("执行率=执行数/预算数×100%"), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(s in "[0-9.%％分 ×*=为是：年（）()a-z]{0,24}|\\PC{0,30}") {
            let _ = parse_rate_text(&s);
        }
    }
}

/// Numbers in a text with the byte offset where each ends.
fn numbers_in(s: &str) -> Vec<(Decimal, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        let part = c.is_ascii_digit() || (c == '.' && start.is_some());
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                if let Ok(d) = s[st..i].trim_end_matches('.').parse::<Decimal>() {
                    if let Ok(d) = crate::amount::check_bounds(d) {
                        out.push((d, i));
                    }
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// A total score stated in text: "总分95分", "自评得分为95分", "单位总分 95 分".
pub fn stated_total(text: &str) -> Option<Decimal> {
    for key in ["总分", "自评得分", "得分", "自评"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(key) {
            let rest =
                text[from + i + key.len()..].trim_start_matches(['为', '是', '：', ':', ' ', '达']);
            if let Some((d, end)) = numbers_in(rest).into_iter().next() {
                let head = &rest[..end];
                if head.chars().all(|c| c.is_ascii_digit() || c == '.')
                    && rest[end..].trim_start().starts_with('分')
                {
                    return Some(d);
                }
            }
            from += i + key.len();
        }
    }
    None
}

/// A 执行率 (or 支出率 / 预算执行率) stated in text, with its decimals: "执行率99%", "预算执行率为
/// 98.10%", "支出率为60%". The formula's "×100%" is not a rate.
pub fn stated_rate(text: &str) -> Option<(Decimal, u32)> {
    for key in ["执行率", "支出率"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(key) {
            let after = &text[from + i + key.len()..];
            let rest =
                after.trim_start_matches(['为', '是', '：', ':', ' ', '达', '到', '=', '＝']);
            // Only a rate that follows its name directly (not one further on in the sentence).
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                if let Some((d, end)) = numbers_in(rest).into_iter().next() {
                    if rest[end..].trim_start().starts_with(['%', '％']) {
                        return Some((d, d.scale()));
                    }
                }
            }
            from += i + key.len();
        }
    }
    None
}

/// A grade named in text: the whole text is a grade, or "等级" (为/是/：) followed by one.
pub fn grade_in<'p>(text: &str, p: &'p Profile) -> Option<&'p str> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_start_matches("<p>").trim_end_matches("</p>");
    let t = t.trim_end_matches(['。', '.']);
    if let Some(g) = p.grades.iter().find(|g| g.name == t) {
        return Some(&g.name);
    }
    let i = t.find("等级")?;
    let rest = t[i + "等级".len()..].trim_start_matches(['为', '是', '：', ':', '评', '定']);
    p.grades
        .iter()
        .find(|g| rest.starts_with(g.name.as_str()))
        .map(|g| g.name.as_str())
}

/// "自评82分" / "自评得分为82分" in text.
pub fn total_in(text: &str) -> Option<Decimal> {
    let i = text.find("自评")?;
    let rest = &text[i + "自评".len()..];
    let rest = rest
        .trim_start_matches("总分")
        .trim_start_matches("得分")
        .trim_start_matches(['为', '：', ':', ' ']);
    let (d, end) = numbers_in(rest).into_iter().next()?;
    let before = &rest[..end];
    if before.chars().any(|c| !(c.is_ascii_digit() || c == '.')) {
        return None;
    }
    rest[end..].trim_start().starts_with('分').then_some(d)
}

/// What a date field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateText {
    /// Nothing, or the printed blank " 年  月  日".
    Blank,
    /// Year, month, day.
    Date(i32, u32, u32),
    /// Text that is not a date.
    Unreadable,
}

/// A date as written on the forms: "20240112090953", "20240112", "2024.03.14", "2024. 3. 25",
/// "2024年3月21日", "2024-03-14".
pub fn parse_date(text: &str) -> DateText {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.chars().all(|c| !c.is_ascii_digit()) {
        return if t.chars().all(|c| "年月日.-/".contains(c)) {
            DateText::Blank
        } else {
            DateText::Unreadable
        };
    }
    let digits: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|x| !x.is_empty())
        .collect();
    let (y, m, d) = match digits.as_slice() {
        [one] if one.len() == 14 || one.len() == 8 => (&one[..4], &one[4..6], &one[6..8]),
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => (*y, *m, *d),
        _ => return DateText::Unreadable,
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return DateText::Unreadable;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return DateText::Unreadable;
    }
    DateText::Date(y, m, d)
}

/// "YYYY年" mentions in a text (full-width digits read as digits).
pub(super) fn years_in(text: &str) -> Vec<i32> {
    let chars: Vec<char> = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    let mut out = Vec::new();
    for i in 0..chars.len().saturating_sub(4) {
        let before_digit = i > 0 && chars[i - 1].is_ascii_digit();
        if !before_digit
            && chars[i..i + 4].iter().all(|c| c.is_ascii_digit())
            && chars[i + 4] == '年'
        {
            let y: String = chars[i..i + 4].iter().collect();
            if let Ok(y) = y.parse::<i32>() {
                if (1949..=2200).contains(&y) {
                    out.push(y);
                }
            }
        }
    }
    out
}
