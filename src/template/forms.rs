//! 绩效 form templates (assets/forms/*.toml) and rubric profiles (assets/profiles/*.toml):
//! their shapes and the validation run when the registry loads them. Nothing here scores.

use crate::template::Severity;
use crate::template::TemplateError;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

mod profile;
pub use profile::*;

/// A rule catalogue (forms/rules.toml, narrative/rules.toml): rule id → (title, severity).
pub type RuleBook = BTreeMap<String, (String, Severity)>;

/// Form families; each record names its template, the template names its family.
pub const FAMILIES: [&str; 4] = ["项目自评", "整体自评", "基础数据", "绩效目标"];

/// A 绩效 form as printed: fields, money block, indicator grid, ledgers, people blocks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormTemplate {
    pub id: String,
    /// Printed title ("阳泉市项目支出绩效自评表").
    pub title: String,
    /// Line under the title, e.g. "（{year}年度）".
    #[serde(default)]
    pub subtitle: String,
    pub family: String,
    /// Rubric profile used when a record names none.
    #[serde(default)]
    pub profile: String,
    #[serde(default = "default_orientation")]
    pub orientation: String,
    /// Field whose text names a record ("项目名称").
    #[serde(default)]
    pub name_field: String,
    /// Fields in paper order; `group` places them (header, goals, conclusion, footer).
    #[serde(default, rename = "field")]
    pub fields: Vec<FieldSpec>,
    #[serde(default)]
    pub money: Option<MoneySpec>,
    /// Label of the 执行率 line ("项目执行情况（10分）"); none = the form has no rate score.
    #[serde(default)]
    pub rate_label: String,
    #[serde(default)]
    pub indicators: Option<IndicatorSpec>,
    #[serde(default, rename = "ledger")]
    pub ledgers: Vec<LedgerSpec>,
    /// 评价人员 block: roles and columns.
    #[serde(default)]
    pub reviewers: Option<ReviewerSpec>,
    /// Fixed footnote printed under 总分.
    #[serde(default)]
    pub footnote: String,
    /// Notes printed under the form ("说明：…").
    #[serde(default)]
    pub note: String,
    /// Fill-in prompts the blank form prints in its text cells ("（200字以内）", "结合自评情况，
    /// 说明"): left in a published form they are 未填写 (P-提示语).
    #[serde(default)]
    pub prompts: Vec<String>,
    /// Date field checked for plausibility ("填报日期"); empty = none.
    #[serde(default)]
    pub date_field: String,
    /// The paper prints 「单位（盖章）：」 and the `date_field` as a line above the table (the seal
    /// goes there), not a box at the foot.
    #[serde(default)]
    pub stamp_above: bool,
    /// Earliest plausible year of `date_field`, relative to the workbook year (目标表: −1, the
    /// budget is prepared the year before; 自评表: 0).
    #[serde(default)]
    pub date_earliest: i32,
    /// Month of that year from which a date is plausible (目标表: 7, budgets for next year are
    /// prepared from the second half of the year); default 1.
    #[serde(default = "january")]
    pub date_earliest_month: u32,
    /// Flag "YYYY年" before the workbook year in the name and 指标值 (a sheet copied from last year).
    #[serde(default)]
    pub stale_years: bool,
}

fn january() -> u32 {
    1
}

fn default_orientation() -> String {
    "portrait".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub key: String,
    #[serde(default)]
    pub label: String,
    /// header | goals | conclusion | footer
    #[serde(default = "default_group")]
    pub group: String,
    /// line (one line) | text (paragraph)
    #[serde(default = "default_field_kind")]
    pub kind: String,
}

impl FieldSpec {
    /// The label the form prints (the key when it has none).
    pub fn shown(&self) -> &str {
        if self.label.is_empty() {
            &self.key
        } else {
            &self.label
        }
    }
}

fn default_group() -> String {
    "header".into()
}
fn default_field_kind() -> String {
    "line".into()
}

/// 资金 block: total columns and their 其中 splits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneySpec {
    #[serde(default = "default_unit")]
    pub unit: String,
    /// Label of the total row when the columns share one ("年度资金总额").
    #[serde(default)]
    pub total_label: String,
    pub columns: Vec<KeyLabel>,
    #[serde(default, rename = "split")]
    pub splits: Vec<SplitSpec>,
    /// Column holding what was spent (compared with 公开03表 项目支出 and summed for 情况说明).
    #[serde(default)]
    pub spent: String,
    /// Column holding the project's funds ("资金…万元" in the 情况说明).
    #[serde(default)]
    pub funds: String,
    /// 决算 cell that Σ `spent` over all 项目自评表 is compared with: [table, row, 栏次] (X-绩效/03).
    #[serde(default)]
    pub crosscheck: Vec<String>,
    /// Links to the 基础数据表: [money key here, "表/行/栏" there, label] (Z-跨表).
    #[serde(default)]
    pub links: Vec<[String; 3]>,
    /// [part, whole]: the part column (年度) cannot exceed the whole (实施期), in total and per
    /// source row.
    #[serde(default)]
    pub part_of: Vec<String>,
    /// Columns that must be filled once anything in the block is.
    #[serde(default)]
    pub required: Vec<String>,
    /// [table, 栏次] of the project table whose row named like this form carries its funds
    /// (目标表 年度资金总额 vs 预算 表十二, XY-12/目标).
    #[serde(default)]
    pub project_table: Vec<String>,
}

fn default_unit() -> String {
    "万元".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyLabel {
    pub key: String,
    pub label: String,
}

/// One 其中 split: rows that must add up to a money column (P-资金分解).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitSpec {
    #[serde(default)]
    pub label: String,
    /// The column(s) split; each gets its own copy of the rows (key "列/行").
    pub of: Vec<String>,
    pub rows: Vec<KeyLabel>,
}

/// The indicator grid.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// block: one 自评得分 per 一级 (阳泉); indicator: 分值/得分 per 三级 (central, 整体).
    pub granularity: String,
    /// Whether the grid is scored at all (目标表: no).
    #[serde(default = "yes")]
    pub scored: bool,
    /// Whether there is a second 指标值 column for the 实施期 (目标表).
    #[serde(default)]
    pub period: bool,
    /// Printed column heads, left to right.
    pub columns: Vec<String>,
    /// 一级 that must carry at least one indicator (目标表: 产出、效益、满意度).
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(rename = "level1")]
    pub level1: Vec<Level1Spec>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level1Spec {
    pub name: String,
    /// The fixed 二级 set of this 一级.
    pub level2: Vec<String>,
}

/// A small ruled table with fixed rows (and optional user-added item rows), e.g. 基础数据表.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerSpec {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub unit: String,
    pub columns: Vec<LedgerColumn>,
    #[serde(rename = "row")]
    pub rows: Vec<LedgerRow>,
}

impl LedgerSpec {
    /// Nesting depth of a row (0 = top), from its parent chain.
    pub fn depth(&self, row: &LedgerRow) -> usize {
        let mut d = 0;
        let mut p = row.parent.as_str();
        while let Some(r) = self.rows.iter().find(|r| r.key == p) {
            d += 1;
            p = r.parent.as_str();
            if d > self.rows.len() {
                break;
            }
        }
        d
    }

    /// The title with {year} / {prev} filled in.
    pub fn title_for(&self, year: i32) -> String {
        self.title
            .replace("{year}", &year.to_string())
            .replace("{prev}", &(year - 1).to_string())
    }

    /// Amount (2 decimals) or count (as entered) by the ledger's unit.
    pub fn money(&self) -> bool {
        self.unit.contains('元')
    }

    /// A column label with {year} / {prev} filled in.
    pub fn column_label(&self, c: &LedgerColumn, year: i32) -> String {
        c.label
            .replace("{year}", &year.to_string())
            .replace("{prev}", &(year - 1).to_string())
    }
}

impl LedgerColumn {
    /// The ratio column's value in percent (2 dp), from the row's values.
    pub fn ratio_of(
        &self,
        get: impl Fn(&str) -> Option<rust_decimal::Decimal>,
    ) -> Option<rust_decimal::Decimal> {
        let [n, d] = self.ratio.as_slice() else {
            return None;
        };
        let (n, d) = (get(n)?, get(d)?);
        (!d.is_zero())
            .then(|| crate::amount::round_half_up(n / d * rust_decimal::Decimal::ONE_HUNDRED, 2))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerColumn {
    pub key: String,
    pub label: String,
    /// A derived percentage: `[numerator column, denominator column]`.
    #[serde(default)]
    pub ratio: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerRow {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub parent: String,
    /// This row = Σ its child rows (and items) in every column (Z-基础数据).
    #[serde(default)]
    pub sum: bool,
    /// Users add named item rows under this row (one per project).
    #[serde(default)]
    pub items: bool,
    /// Columns printed "——" (not applicable).
    #[serde(default)]
    pub locked: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewerSpec {
    #[serde(default)]
    pub title: String,
    pub roles: Vec<String>,
    pub columns: Vec<String>,
}

/// The 绩效 rule catalogue (assets/forms/rules.toml).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerfRules {
    pub rule: Vec<PerfRule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerfRule {
    pub id: String,
    pub title: String,
    pub severity: String,
}

/// Rule IDs the scoring code reports; the catalogue must define each.
pub const PERF_RULES: &[&str] = &[
    "FORM-1",
    "P-得分上限",
    "P-块分",
    "P-总分",
    "P-总分缺项",
    "P-等级",
    "P-结论分",
    "P-执行率",
    "P-执行率得分",
    "P-超执行",
    "P-资金分解",
    "P-权重",
    "P-调整",
    "P-定性",
    "P-定性待选",
    "P-完成值",
    "P-未完成原因",
    "P-偏离",
    "P-封顶",
    "Z-基础数据",
    "Z-跨表",
    "X-绩效/03",
    "P-日期",
    "P-过期",
    "P-资金缺项",
    "P-资金来源",
    "P-缺指标",
    "P-指标值",
    "P-重复项目",
    "XY-12/目标",
    "XY-12/无目标表",
];

pub fn parse_severity(file: &str, s: &str) -> Result<Severity, TemplateError> {
    match s {
        "error" => Ok(Severity::Error),
        "warning" => Ok(Severity::Warning),
        "info" => Ok(Severity::Info),
        other => Err(TemplateError::new(
            file,
            format!("严重程度「{other}」无效（error / warning / info）"),
        )),
    }
}

fn toml_of<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, TemplateError> {
    toml::from_str(text)
        .map_err(|e| TemplateError::new(file, format!("格式错误：{}", e.to_string().trim())))
}

pub fn load_form(file: &str, text: &str) -> Result<FormTemplate, TemplateError> {
    let f: FormTemplate = toml_of(file, text)?;
    let bad = |m: String| Err(TemplateError::new(file, m));
    if !FAMILIES.contains(&f.family.as_str()) {
        return bad(format!(
            "family「{}」无效（可用：{}）",
            f.family,
            FAMILIES.join("、")
        ));
    }
    if f.orientation != "portrait" && f.orientation != "landscape" {
        return bad(format!(
            "orientation「{}」无效（portrait / landscape）",
            f.orientation
        ));
    }
    let mut keys = BTreeSet::new();
    for fd in &f.fields {
        if !keys.insert(fd.key.as_str()) {
            return bad(format!("字段「{}」重复", fd.key));
        }
        if !["header", "goals", "conclusion", "footer"].contains(&fd.group.as_str()) {
            return bad(format!("字段「{}」的 group「{}」无效", fd.key, fd.group));
        }
        if fd.kind != "line" && fd.kind != "text" {
            return bad(format!("字段「{}」的 kind「{}」无效", fd.key, fd.kind));
        }
    }
    if !f.name_field.is_empty() && !keys.contains(f.name_field.as_str()) {
        return bad(format!("name_field「{}」不是已定义的字段", f.name_field));
    }
    if !(1..=12).contains(&f.date_earliest_month) {
        return bad(format!(
            "date_earliest_month {} 应在 1–12 之间",
            f.date_earliest_month
        ));
    }
    if !f.date_field.is_empty() && !keys.contains(f.date_field.as_str()) {
        return bad(format!("date_field「{}」不是已定义的字段", f.date_field));
    }
    if let Some(m) = &f.money {
        let cols: BTreeSet<&str> = m.columns.iter().map(|c| c.key.as_str()).collect();
        if cols.len() != m.columns.len() {
            return bad("资金栏目 key 重复".into());
        }
        for s in &m.splits {
            for c in &s.of {
                if !cols.contains(c.as_str()) {
                    return bad(format!("资金分解引用了不存在的栏目「{c}」"));
                }
            }
        }
        if !m.crosscheck.is_empty() && m.crosscheck.len() != 3 {
            return bad("crosscheck 应为 [表, 行, 栏次]".into());
        }
        if !m.project_table.is_empty() && m.project_table.len() != 2 {
            return bad("project_table 应为 [表, 栏次]".into());
        }
        if !m.part_of.is_empty() && m.part_of.len() != 2 {
            return bad("part_of 应为 [部分栏目, 总体栏目]".into());
        }
        for c in [&m.spent, &m.funds]
            .into_iter()
            .chain(&m.part_of)
            .chain(&m.required)
        {
            if !c.is_empty() && !cols.contains(c.as_str()) {
                return bad(format!("资金栏目「{c}」不存在"));
            }
        }
    }
    if let Some(ind) = &f.indicators {
        if ind.granularity != "block" && ind.granularity != "indicator" {
            return bad(format!(
                "granularity「{}」无效（block / indicator）",
                ind.granularity
            ));
        }
        let mut names = BTreeSet::new();
        for l in &ind.level1 {
            if !names.insert(l.name.as_str()) {
                return bad(format!("一级指标「{}」重复", l.name));
            }
            if l.level2.is_empty() {
                return bad(format!("一级指标「{}」没有二级指标", l.name));
            }
        }
        for r in &ind.required {
            if !names.contains(r.as_str()) {
                return bad(format!("required 中的一级指标「{r}」未定义"));
            }
        }
    }
    for l in &f.ledgers {
        let cols: BTreeSet<&str> = l.columns.iter().map(|c| c.key.as_str()).collect();
        for c in &l.columns {
            if !c.ratio.is_empty()
                && (c.ratio.len() != 2 || c.ratio.iter().any(|r| !cols.contains(r.as_str())))
            {
                return bad(format!(
                    "表「{}」栏「{}」的 ratio 应为两个已有栏目",
                    l.key, c.key
                ));
            }
        }
        let rows: BTreeSet<&str> = l.rows.iter().map(|r| r.key.as_str()).collect();
        for r in &l.rows {
            if !r.parent.is_empty() && !rows.contains(r.parent.as_str()) {
                return bad(format!(
                    "表「{}」行「{}」的 parent「{}」不存在",
                    l.key, r.key, r.parent
                ));
            }
            for c in &r.locked {
                if !cols.contains(c.as_str()) {
                    return bad(format!(
                        "表「{}」行「{}」锁定了不存在的栏目「{c}」",
                        l.key, r.key
                    ));
                }
            }
        }
    }
    Ok(f)
}

pub fn load_rules(
    file: &str,
    text: &str,
) -> Result<BTreeMap<String, (String, Severity)>, TemplateError> {
    load_rule_book(file, text, PERF_RULES)
}

/// A rule catalogue ([[rule]] id/title/severity) that must define every id in `required`.
pub fn load_rule_book(
    file: &str,
    text: &str,
    required: &[&str],
) -> Result<BTreeMap<String, (String, Severity)>, TemplateError> {
    let r: PerfRules = toml_of(file, text)?;
    let mut out = BTreeMap::new();
    for x in r.rule {
        let sev = parse_severity(file, &x.severity)?;
        if out.insert(x.id.clone(), (x.title, sev)).is_some() {
            return Err(TemplateError::new(file, format!("规则「{}」重复", x.id)));
        }
    }
    for id in required {
        if !out.contains_key(*id) {
            return Err(TemplateError::new(file, format!("缺少规则「{id}」")));
        }
    }
    Ok(out)
}
