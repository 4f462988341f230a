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
    for [old, new] in &rules.renamed {
        if text.contains(old.as_str()) && !text.contains(new.as_str()) {
            out.push(format!("「{old}」是旧科目名称，现为「{new}」"));
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn around(text: &str, i: usize, len: usize) -> String {
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
