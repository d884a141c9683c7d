//! A criteria set being corrected after an import of the province's annex (.xlsx/.docx): each
//! row's field as typed back into the set ([`edit`]), a rule as written and read
//! ([`rule_input`], [`parse_rule`]), what is still wrong ([`problems`]) and the lines the
//! importer could not place.
//!
//! Stage: *view model* (office build), pure: the server's [`CriteriaPreview`] in, the corrected
//! set out (saved by `POST /api/par/criteria`).

use tiendo_shared::model::criteria::{CriteriaSet, Criterion, ItemKind, Measured, Points, Rule};

use crate::error::ClientError;
use crate::text;

/// A field of a row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Its code (`1.2.3`).
    Code,
    /// What it judges.
    Text,
    /// Its maximum.
    Max,
    /// Its rule as written ([`parse_rule`]).
    Rule,
    /// `self_scored` or `survey`.
    Measured,
    /// `true`: "không áp dụng" allowed.
    MayNotApply,
    /// The evidence expected.
    Evidence,
}

impl Field {
    /// The class of its input, for the tests to find it (`par-crit-code`, …).
    pub fn class(self) -> &'static str {
        match self {
            Field::Code => "par-crit-code",
            Field::Text => "par-crit-text",
            Field::Max => "par-crit-max",
            Field::Rule => "par-crit-rule",
            Field::Measured => "par-crit-measured",
            Field::MayNotApply => "par-crit-may-not-apply",
            Field::Evidence => "par-crit-evidence",
        }
    }
}

/// A rule as the table writes it: "1 / 0,5 / 0" (the scores allowed), "bước 0,25" (any score
/// in steps), "tỷ lệ" (proportional).
pub fn rule_input(rule: &Rule) -> String {
    match rule {
        Rule::Levels { levels } => levels
            .iter()
            .map(Points::to_string)
            .collect::<Vec<_>>()
            .join(" / "),
        Rule::Range { step } => format!("bước {step}"),
        Rule::Proportional => "tỷ lệ".into(),
    }
}

/// A rule as written in the table ([`rule_input`]'s forms; `;` also separates scores).
pub fn parse_rule(s: &str) -> Result<Rule, ClientError> {
    let t = s.trim().to_lowercase();
    let bad = || ClientError::Invalid(text::par::cach_cham_khong_hop_le(&s));
    if t == "tỷ lệ" || t == "tỉ lệ" || t == "ty le" {
        return Ok(Rule::Proportional);
    }
    if let Some(step) = t.strip_prefix("bước").or_else(|| t.strip_prefix("buoc")) {
        let step: Points = step.trim().parse().map_err(|_| bad())?;
        return Ok(Rule::Range { step });
    }
    let levels = t
        .split(['/', ';'])
        .map(|p| p.trim().parse::<Points>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| bad())?;
    if levels.is_empty() {
        return Err(bad());
    }
    Ok(Rule::Levels { levels })
}

/// Sets `field` of row `index` to `value` as typed; what cannot be read is refused and the row
/// left as it was.
pub fn edit(
    set: &mut CriteriaSet,
    index: usize,
    field: Field,
    value: &str,
) -> Result<(), ClientError> {
    let Some(row) = set.items.get_mut(index) else {
        return Ok(());
    };
    match field {
        Field::Code => row.code = value.trim().to_string(),
        Field::Text => row.text = value.trim().to_string(),
        Field::Evidence => row.evidence = value.trim().to_string(),
        Field::Max => {
            row.max = value
                .parse()
                .map_err(|_| ClientError::Invalid(text::par::diem_khong_hop_le(&value)))?
        }
        Field::Rule => row.rule = parse_rule(value)?,
        Field::Measured => {
            row.measured = if value == "survey" {
                Measured::Survey
            } else {
                Measured::SelfScored
            }
        }
        Field::MayNotApply => row.may_not_apply = value == "true",
    }
    Ok(())
}

/// A new empty row after row `index` (at the end when there is none).
pub fn insert_row(set: &mut CriteriaSet, index: Option<usize>) {
    let row = Criterion {
        code: String::new(),
        text: String::new(),
        max: Points::ZERO,
        rule: Rule::Levels {
            levels: vec![Points::ZERO],
        },
        evidence: String::new(),
        measured: Measured::SelfScored,
        may_not_apply: false,
        kind: ItemKind::Normal,
        source: None,
    };
    let at = index.map_or(set.items.len(), |i| (i + 1).min(set.items.len()));
    set.items.insert(at, row);
}

/// What is still wrong with the set, in Vietnamese ([`CriteriaSet::check`]).
pub fn problems(set: &CriteriaSet) -> Vec<String> {
    set.check().iter().map(ToString::to_string).collect()
}

/// A line the importer could not place, as shown.
pub trait UnplacedLine {
    /// The line, with where and why when known.
    fn line(&self) -> String;
}

impl UnplacedLine for String {
    fn line(&self) -> String {
        self.clone()
    }
}

impl UnplacedLine for tiendo_shared::import::Unplaced {
    fn line(&self) -> String {
        text::par::dong_khong_xep_duoc(&self.line, &self.text, &self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::model::criteria::template;

    #[test]
    fn a_rule_reads_back_as_it_is_written() {
        for rule in [
            Rule::Levels {
                levels: vec![Points(100), Points(50), Points::ZERO],
            },
            Rule::Range { step: Points(25) },
            Rule::Proportional,
        ] {
            assert_eq!(parse_rule(&rule_input(&rule)), Ok(rule.clone()));
        }
        assert_eq!(
            parse_rule("1; 0,5;0"),
            Ok(Rule::Levels {
                levels: vec![Points(100), Points(50), Points::ZERO]
            })
        );
        assert!(parse_rule("một").is_err());
        assert!(parse_rule("bước x").is_err());
    }

    #[test]
    fn corrections_in_the_table_change_the_set_and_what_is_wrong_follows() {
        let mut set = template::departments("Quảng Ngãi", 2025);
        assert!(problems(&set).is_empty(), "{:?}", problems(&set));
        let i = set.items.iter().position(|c| c.code == "1.1.1").unwrap();
        edit(&mut set, i, Field::Max, "7").unwrap();
        assert!(
            problems(&set).iter().any(|p| p.contains("1.1")),
            "the sums no longer fit"
        );
        assert!(edit(&mut set, i, Field::Max, "bảy").is_err());
        assert_eq!(
            set.items[i].max,
            Points(700),
            "a refused value changes nothing"
        );
        edit(&mut set, i, Field::Measured, "survey").unwrap();
        edit(&mut set, i, Field::MayNotApply, "true").unwrap();
        edit(&mut set, i, Field::Rule, "bước 0,5").unwrap();
        assert_eq!(set.items[i].measured, Measured::Survey);
        assert!(set.items[i].may_not_apply);
        assert_eq!(set.items[i].rule, Rule::Range { step: Points(50) });
        let n = set.items.len();
        insert_row(&mut set, Some(i));
        assert_eq!(set.items.len(), n + 1);
        assert!(set.items[i + 1].code.is_empty());
        assert!(problems(&set).iter().any(|p| p.contains("mã không hợp lệ")));
    }

    #[test]
    fn an_unplaced_line_says_where_and_why() {
        let u = tiendo_shared::import::Unplaced {
            line: 12,
            text: "Ghi chú".into(),
            reason: "không phải dòng tiêu chí".into(),
            row: None,
            column: None,
        };
        assert_eq!(u.line(), "Dòng 12: Ghi chú — không phải dòng tiêu chí");
        assert_eq!("Ghi chú".to_string().line(), "Ghi chú");
    }
}
