//! The paper form's pieces: rows (ruled grid rows, headings, notes, gaps, the repeated grid
//! header) and cells, each cell bound to the part of the form body it shows.

use super::*;

/// What part of the form body a cell shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bind {
    /// A header/text field by template key.
    Field(String),
    /// A money-block figure ("列" or "列/行").
    Money(String),
    /// The 执行率 score (entered or suggested).
    RateScore,
    /// One attribute of indicator `i`.
    Ind(usize, IndAttr),
    /// A whole 一级 block's score (阳泉 forms).
    Block(String),
    /// The 总分: derived; a different figure typed over it is kept as the printed 总分.
    Total,
    /// One cell of the `i`-th person of `role` in 评价人员.
    Reviewer(String, usize, RevCol),
    /// A ledger cell "表/行/栏".
    Ledger(String),
    /// A ledger item's name or value: ("表/行", index, None = the name | Some(栏)).
    Item(String, usize, Option<String>),
    /// Computed from the rest (等级, 执行率, ratios): shown, not read back.
    Derived,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndAttr {
    Name,
    Target,
    PeriodTarget,
    Actual,
    Reason,
    Weight,
    Score,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevCol {
    Name,
    Title,
    Unit,
}

impl RevCol {
    /// The 评价人员 column a header names (姓名, 职称/职务, 工作单位); None for 签字.
    pub fn of(header: &str) -> Option<RevCol> {
        match header {
            "姓名" => Some(RevCol::Name),
            x if x.contains('职') => Some(RevCol::Title),
            x if x.contains("单位") => Some(RevCol::Unit),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SCell {
    pub text: String,
    pub align: Align,
    /// Physical columns covered in its row.
    pub span: usize,
    /// Continues the cell above (vertical merge).
    pub cont: bool,
    /// Printed in the heading face.
    pub strong: bool,
    pub bind: Option<Bind>,
    /// The bound value is a number (written as a number in Excel).
    pub number: bool,
}

impl SCell {
    pub(super) fn new(text: impl Into<String>, align: Align) -> SCell {
        SCell {
            text: text.into(),
            align,
            span: 1,
            cont: false,
            strong: false,
            bind: None,
            number: false,
        }
    }
    pub(super) fn cont() -> SCell {
        SCell {
            cont: true,
            ..SCell::new("", Align::Left)
        }
    }
    /// Continues a merged label: `text` is printed again when a page breaks inside the merge.
    pub(super) fn cont_label(text: impl Into<String>) -> SCell {
        SCell {
            cont: true,
            ..SCell::new(text, Align::Center)
        }
    }
    pub(super) fn bind(mut self, b: Bind) -> SCell {
        self.bind = Some(b);
        self
    }
    pub(super) fn number(mut self) -> SCell {
        self.number = true;
        self
    }
}

#[derive(Debug, Clone)]
pub enum SRow {
    /// A ruled row: relative widths of its physical columns, its cells, minimum height in mm.
    Grid {
        widths: Vec<f32>,
        cells: Vec<SCell>,
        min_h: f32,
    },
    /// A heading line (size in pt).
    Heading {
        text: String,
        size: f32,
        center: bool,
    },
    /// A centred line under the title.
    Subtitle(String),
    /// Unruled label：value pairs on one line above the table (「单位（盖章）：」 on the left, the
    /// date on the right); the value cells are bound like grid cells.
    Meta(Vec<(String, SCell)>),
    /// A note paragraph (size in pt).
    Note {
        text: String,
        size: f32,
    },
    /// Vertical space in mm.
    Gap(f32),
    /// From here the grid's header repeats on a new page, with this caption; ends at `RepeatEnd`.
    RepeatStart {
        caption: String,
        widths: Vec<f32>,
        head: Vec<String>,
    },
    RepeatEnd,
}

/// One form laid out as rows.
#[derive(Debug, Clone)]
pub struct FormSheet {
    pub rows: Vec<SRow>,
}
