//! The small formula language of template files: sums of cell references, ranges and constants.
//!
//! ```text
//! check  := expr [ ("=" | "<=" | ">=") expr ]
//! expr   := ["-"] term { ("+" | "-") term }
//! term   := ref | number | "SUM(" range ")" | "CHILDREN"
//! ref    := [table "."] row "[" col "]"  |  "[" col "]"          (the current row)
//! row    := a row key (行次, 科目代码, 合计 …) | "{code}" | "{row}"
//! range  := [table "."] row ":" row "[" col "]"                  (fixed rows, template order)
//! ```

use rust_decimal::Decimal;
use std::str::FromStr;

/// Which row a reference points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowSel {
    /// A fixed row key or 科目代码 of the target table.
    Key(String),
    /// The row whose key is the current row's 科目代码 (`{code}`).
    CodeOfCurrent,
    /// The row with the current row's key (`{row}`), in another table.
    SameKey,
    /// The current row itself (`[c]` with no row).
    Current,
}

/// One cell reference as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRef {
    pub table: Option<String>,
    pub row: RowSel,
    pub col: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    Ref(CellRef),
    Const(Decimal),
    /// `SUM(T.a:b[c])`: the fixed rows from `a` to `b` inclusive, in template order.
    Range {
        table: Option<String>,
        from: String,
        to: String,
        col: String,
    },
    /// Sum of the current row's direct children by 科目代码 prefix, same column.
    Children,
}

/// `Σ sign × term`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expr {
    pub terms: Vec<(i8, Term)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Le,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Le => "≤",
            CmpOp::Ge => "≥",
        }
    }
    /// The sign shown in a finding when the relation fails.
    pub fn failed_symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "≠",
            CmpOp::Le => ">",
            CmpOp::Ge => "<",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub lhs: Expr,
    pub op: CmpOp,
    pub rhs: Expr,
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

fn is_key_char(c: char) -> bool {
    !matches!(
        c,
        '.' | '[' | ']' | ':' | '+' | '-' | '(' | ')' | '{' | '}' | '=' | '<' | '>'
    ) && !c.is_whitespace()
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }
    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.s.len() - trimmed.len();
    }
    fn eat(&mut self, tok: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(tok) {
            self.pos += tok.len();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, tok: &str) -> Result<(), String> {
        if self.eat(tok) {
            Ok(())
        } else {
            Err(format!(
                "第 {} 个字符处应为「{}」",
                self.s[..self.pos].chars().count() + 1,
                tok
            ))
        }
    }
    fn key(&mut self) -> String {
        self.skip_ws();
        let len: usize = self
            .rest()
            .chars()
            .take_while(|&c| is_key_char(c))
            .map(char::len_utf8)
            .sum();
        let k = self.rest()[..len].to_string();
        self.pos += len;
        k
    }
    fn row_sel(&mut self) -> Result<RowSel, String> {
        if self.eat("{code}") {
            return Ok(RowSel::CodeOfCurrent);
        }
        if self.eat("{row}") {
            return Ok(RowSel::SameKey);
        }
        let k = self.key();
        if k.is_empty() {
            return Err(format!(
                "第 {} 个字符处缺少行次或科目代码",
                self.s[..self.pos].chars().count() + 1
            ));
        }
        Ok(RowSel::Key(k))
    }
    fn col(&mut self) -> Result<String, String> {
        self.expect("[")?;
        let c = self.key();
        if c.is_empty() {
            return Err("栏次为空".into());
        }
        self.expect("]")?;
        Ok(c)
    }

    fn term(&mut self) -> Result<Term, String> {
        self.skip_ws();
        if self.eat("CHILDREN") {
            return Ok(Term::Children);
        }
        if self.eat("SUM(") {
            let (table, first) = self.table_and_row()?;
            let from = match first {
                RowSel::Key(k) => k,
                _ => return Err("SUM 区间的起止必须是行次".into()),
            };
            self.expect(":")?;
            let to = self.key();
            let col = self.col()?;
            self.expect(")")?;
            return Ok(Term::Range {
                table,
                from,
                to,
                col,
            });
        }
        if let Some(len) = constant_len(self.rest()) {
            let lit = &self.rest()[..len];
            let d = Decimal::from_str(lit).map_err(|_| format!("「{lit}」不是数字"))?;
            self.pos += len;
            return Ok(Term::Const(d));
        }
        if self.rest().starts_with('[') {
            let col = self.col()?;
            return Ok(Term::Ref(CellRef {
                table: None,
                row: RowSel::Current,
                col,
            }));
        }
        let (table, row) = self.table_and_row()?;
        let col = self.col()?;
        Ok(Term::Ref(CellRef { table, row, col }))
    }

    /// `T.row` or `row`; a key followed by '.' is a table id.
    fn table_and_row(&mut self) -> Result<(Option<String>, RowSel), String> {
        self.skip_ws();
        let save = self.pos;
        let k = self.key();
        if !k.is_empty() && self.rest().starts_with('.') {
            self.pos += 1;
            return Ok((Some(k), self.row_sel()?));
        }
        self.pos = save;
        Ok((None, self.row_sel()?))
    }

    fn expr(&mut self) -> Result<Expr, String> {
        let mut e = Expr::default();
        let mut sign = if self.eat("-") { -1 } else { 1 };
        loop {
            let t = self.term()?;
            e.terms.push((sign, t));
            if self.eat("+") {
                sign = 1;
            } else if self.eat("-") {
                sign = -1;
            } else {
                return Ok(e);
            }
        }
    }
}

/// Length of a numeric constant at the start of `r`, or None when the digits begin a reference
/// (`01.27[1]`, `27[1]`, `01.合计[1]`, `1:8[1]`).
fn constant_len(r: &str) -> Option<usize> {
    let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).count();
    let d1 = digits(r);
    if d1 == 0 {
        return None;
    }
    let after = &r[d1..];
    match after.chars().next() {
        None => Some(d1),
        Some('.') => {
            let d2 = digits(&after[1..]);
            let tail = &after[1 + d2..];
            let ends = tail
                .chars()
                .next()
                .is_none_or(|c| !is_key_char(c) && c != '[' && c != ':' && c != '.');
            (d2 > 0 && ends).then_some(d1 + 1 + d2)
        }
        Some(c) if is_key_char(c) || c == '[' || c == ':' => None,
        Some(_) => Some(d1),
    }
}

/// Parses an expression such as `SUM(1:8[1])` or `02.合计[3]` or `[2]+[3]`.
pub fn parse_expr(s: &str) -> Result<Expr, String> {
    let mut p = Parser { s, pos: 0 };
    let e = p.expr()?;
    p.skip_ws();
    if !p.rest().is_empty() {
        return Err(format!("多余的内容「{}」", p.rest()));
    }
    Ok(e)
}

/// Parses a check such as `31[1] = 62[2]` or `[1] <= 03.{row}[1]`.
pub fn parse_check(s: &str) -> Result<Check, String> {
    let mut p = Parser { s, pos: 0 };
    let lhs = p.expr()?;
    let op = if p.eat("<=") {
        CmpOp::Le
    } else if p.eat(">=") {
        CmpOp::Ge
    } else if p.eat("=") {
        CmpOp::Eq
    } else {
        return Err("审核公式缺少 =、<= 或 >=".into());
    };
    let rhs = p.expr()?;
    p.skip_ws();
    if !p.rest().is_empty() {
        return Err(format!("多余的内容「{}」", p.rest()));
    }
    Ok(Check { lhs, op, rhs })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(table: Option<&str>, row: RowSel, col: &str) -> Term {
        Term::Ref(CellRef {
            table: table.map(str::to_string),
            row,
            col: col.into(),
        })
    }

    #[test]
    fn parses_references_and_sums() {
        let e = parse_expr("02.合计[3]").unwrap();
        assert_eq!(
            e.terms,
            vec![(1, r(Some("02"), RowSel::Key("合计".into()), "3"))]
        );
        let e = parse_expr("27[1] + 28[1] - 29[1]").unwrap();
        assert_eq!(e.terms.len(), 3);
        assert_eq!(e.terms[2], (-1, r(None, RowSel::Key("29".into()), "1")));
        let e = parse_expr("[1]+[2]-[3]").unwrap();
        assert_eq!(e.terms[0], (1, r(None, RowSel::Current, "1")));
        let e = parse_expr("SUM(01.32:57[2])").unwrap();
        assert_eq!(
            e.terms[0],
            (
                1,
                Term::Range {
                    table: Some("01".into()),
                    from: "32".into(),
                    to: "57".into(),
                    col: "2".into()
                }
            )
        );
        let e = parse_expr("03.{code}[1]").unwrap();
        assert_eq!(e.terms[0], (1, r(Some("03"), RowSel::CodeOfCurrent, "1")));
        let e = parse_expr("CHILDREN").unwrap();
        assert_eq!(e.terms[0], (1, Term::Children));
        let e = parse_expr("301[1] + 0.5").unwrap();
        assert_eq!(
            e.terms[1],
            (1, Term::Const(Decimal::from_str("0.5").unwrap()))
        );
    }

    #[test]
    fn parses_checks() {
        let c = parse_check("[1] <= 03.{row}[1]").unwrap();
        assert_eq!(c.op, CmpOp::Le);
        let c = parse_check("31[1] = 62[2]").unwrap();
        assert_eq!(c.op, CmpOp::Eq);
    }

    #[test]
    fn reports_errors() {
        assert!(parse_expr("27[1] +").is_err());
        assert!(parse_expr("27[1").is_err());
        assert!(parse_expr("27[1] 28[1]").is_err());
        assert!(parse_check("27[1]").is_err());
    }
}
