//! Lint on narrative text (generated or edited): placeholders left in, doubled punctuation or
//! words, a percentage without %, 元 where 万元 is meant, a 科目 name that was renamed.

use super::spec::Lint;

/// Problems found in one paragraph, as Chinese messages.
pub fn lint(text: &str, rules: &Lint) -> Vec<String> {
    let mut out = Vec::new();
    for p in &rules.placeholders {
        if !p.is_empty() && text.contains(p.as_str()) {
            out.push(format!("含未替换的占位文字「{p}」"));
        }
    }
    for d in [
        "。。", "。；", "；。", "，，", "；；", "。，", "，。", "、、",
    ] {
        if let Some(i) = text.find(d) {
            out.push(format!("标点重复「{d}」：…{}…", around(text, i, d.len())));
        }
    }
    let chars: Vec<char> = text.chars().collect();
    'words: for len in 2..=4 {
        for i in 0..chars.len().saturating_sub(2 * len - 1) {
            let a = &chars[i..i + len];
            if a.iter().all(|c| is_cjk(*c)) && a == &chars[i + len..i + 2 * len] {
                let w: String = a.iter().collect();
                out.push(format!("词语重复「{w}{w}」"));
                break 'words;
            }
        }
    }
    for w in ["的的", "了了", "和和", "及及"] {
        if text.contains(w) {
            out.push(format!("字重复「{w}」"));
        }
    }
    for (num, end, before) in numbers(text) {
        let after = &text[end..];
        let pct_lead = [
            "占比",
            "占",
            "增长",
            "下降",
            "完成年初预算的",
            "完成全年预算的",
            "完成预算的",
        ];
        if pct_lead.iter().any(|l| before.ends_with(l))
            && !after.starts_with('%')
            && !after.starts_with('％')
        {
            out.push(format!("「{}{num}」后缺少 %", last_chars(before, 4)));
        }
        if after.starts_with('元') && !before.ends_with('万') {
            out.push(format!("「{num}元」：本说明的金额单位是万元"));
        }
    }
    if let Some((i, c)) = halfwidth_punct(text).first() {
        out.push(format!(
            "中文里用了半角标点「{c}」（…{}…），应为全角「{}」",
            around(text, *i, c.len_utf8()),
            full_of(*c)
        ));
    }
    for [old, new] in &rules.renamed {
        if text.contains(old.as_str()) && !text.contains(new.as_str()) {
            out.push(format!("「{old}」是旧科目名称，现为「{new}」"));
        }
    }
    out
}

/// ASCII , ; : ( ) ! ? written inside Chinese text (a neighbour, spaces aside, is a CJK
/// character or full-width punctuation), with their byte offsets. A comma between digits is a
/// thousands separator and stays.
pub fn halfwidth_punct(text: &str) -> Vec<(usize, char)> {
    let cs: Vec<(usize, char)> = text.char_indices().collect();
    let chinese = |c: char| is_cjk(c) || "，。；：、（）《》“”！？".contains(c);
    let mut out = Vec::new();
    for (k, &(i, c)) in cs.iter().enumerate() {
        if !",;:()!?".contains(c) {
            continue;
        }
        let prev = cs[..k].iter().rev().map(|x| x.1).find(|c| *c != ' ');
        let next = cs[k + 1..].iter().map(|x| x.1).find(|c| *c != ' ');
        if c == ','
            && prev.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit())
        {
            continue;
        }
        if prev.is_some_and(chinese) || next.is_some_and(chinese) {
            out.push((i, c));
        }
    }
    out
}

pub(super) fn full_of(c: char) -> char {
    match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '(' => '（',
        ')' => '）',
        '!' => '！',
        '?' => '？',
        c => c,
    }
}

/// The text with the half-width punctuation of [`halfwidth_punct`] made full-width (the spaces
/// around it dropped): the one-click fix the window offers.
pub fn to_fullwidth(text: &str) -> String {
    let at: std::collections::HashSet<usize> =
        halfwidth_punct(text).into_iter().map(|x| x.0).collect();
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if at.contains(&i) {
            while out.ends_with(' ') {
                out.pop();
            }
            out.push(full_of(c));
        } else if c == ' ' && out.ends_with(|p: char| "，；：（）！？".contains(p)) {
            continue;
        } else {
            out.push(c);
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

pub(super) fn around(text: &str, i: usize, len: usize) -> String {
    let start = text[..i]
        .char_indices()
        .rev()
        .nth(5)
        .map(|x| x.0)
        .unwrap_or(0);
    let end = text[i + len..]
        .char_indices()
        .nth(5)
        .map(|x| i + len + x.0)
        .unwrap_or(text.len());
    text[start..end].to_string()
}

fn last_chars(s: &str, n: usize) -> &str {
    let start = s.char_indices().rev().nth(n - 1).map(|x| x.0).unwrap_or(0);
    &s[start..]
}

/// Numbers in a text: (text as written, byte end, text before it).
pub fn numbers(text: &str) -> Vec<(&str, usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let b = text.as_bytes();
    for (i, c) in text.char_indices() {
        let digit = c.is_ascii_digit();
        let inner = (c == '.' || c == ',')
            && start.is_some()
            && b.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if digit || inner {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((&text[s..i], i, &text[..s]));
        }
    }
    if let Some(s) = start {
        out.push((&text[s..], text.len(), &text[..s]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halfwidth_punctuation_in_chinese_is_found_and_fixed() {
        let t = "资金2.5万元,0.3万元用于培训(类)；合计1,234.56万元。Total: 3";
        let found: Vec<char> = halfwidth_punct(t).into_iter().map(|x| x.1).collect();
        assert_eq!(found, vec![',', '(', ')']);
        assert_eq!(
            to_fullwidth(t),
            "资金2.5万元，0.3万元用于培训（类）；合计1,234.56万元。Total: 3"
        );
        let rules = Lint {
            placeholders: vec![],
            renamed: vec![],
            broken: vec![],
        };
        assert!(lint(t, &rules).iter().any(|m| m.contains("半角标点「,」")));
        assert!(lint(&to_fullwidth(t), &rules)
            .iter()
            .all(|m| !m.contains("半角")));
    }
}
