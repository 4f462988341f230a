//! 科目代码 lists (支出功能分类, 经济分类): names by code and the level structure (类/款/项).

use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct CodeList {
    pub id: String,
    pub name: String,
    /// Code length per level: [3, 5, 7].
    pub levels: Vec<usize>,
    /// Level names: ["类", "款", "项"].
    pub level_names: Vec<String>,
    /// User-numbered codes named by the user (no CODE-1 warning).
    pub free: bool,
    pub codes: BTreeMap<String, String>,
}

impl CodeList {
    pub fn name_of(&self, code: &str) -> Option<&str> {
        self.codes.get(code).map(String::as_str)
    }

    /// Level index of a code by its length (0 = 类), or None if the length fits no level.
    pub fn level_of(&self, code: &str) -> Option<usize> {
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.levels.iter().position(|&l| l == code.len())
    }

    pub fn is_leaf(&self, code: &str) -> bool {
        self.level_of(code) == Some(self.levels.len() - 1)
    }

    /// The ancestors of a code, top level first: 2080901 → [208, 20809].
    pub fn ancestors(&self, code: &str) -> Vec<String> {
        self.levels
            .iter()
            .filter(|&&l| l < code.len())
            .map(|&l| code[..l].to_string())
            .collect()
    }

    /// Name of the level below `code`'s level ("款" under a 类).
    pub fn child_level_name(&self, code: &str) -> &str {
        match self.level_of(code) {
            Some(i) if i + 1 < self.level_names.len() => &self.level_names[i + 1],
            _ => "",
        }
    }
}
