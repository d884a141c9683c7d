//! The PAR index's screens (Chỉ số CCHC), computed without a page: what a rule allows and how a
//! typed score reads against it ([`read_mark`], [`rule_hint`]), the unit's sheet ([`unit`]); in
//! the office build also the office's and the head's table (`office`), the province's appraisal
//! and ranking (`province`) and the criteria set being corrected after an import (`criteria`).
//!
//! Stage: *view model*, pure: the criteria set, the sheet, the server's views in; rows, hints and
//! requests out (the index itself is `shared::views::par_index`'s).

#[cfg(feature = "office")]
pub mod criteria;
#[cfg(feature = "office")]
pub mod office;
#[cfg(feature = "office")]
pub mod province;
pub mod unit;

use tiendo_shared::model::criteria::{Mark, Points, Rule, allowed};

use crate::error::ClientError;
use crate::text;

/// What a sub-criterion's rule allows, as the screens hint it ("Mức điểm: 1 / 0,5 / 0").
pub fn rule_hint(rule: &Rule, max: Points) -> String {
    match rule {
        Rule::Levels { levels } => text::par::muc_diem(
            &levels
                .iter()
                .map(Points::to_string)
                .collect::<Vec<_>>()
                .join(" / "),
        ),
        Rule::Range { step } => text::par::tu_0_den(&max, step),
        Rule::Proportional => text::par::ty_le(&max),
    }
}

/// A mark as the screens show it: the score, "Không áp dụng", or a dash for none.
pub fn mark_shown(mark: Option<Mark>) -> String {
    match mark {
        None => "—".into(),
        Some(Mark::NotApplicable) => text::par::KHONG_AP_DUNG.into(),
        Some(Mark::Score(p)) => p.to_string(),
    }
}

/// The rule a typed score is read against: the sub-criterion's maximum, its rule, and whether
/// "không áp dụng" is allowed.
#[derive(Debug, Clone, Copy)]
pub struct Limits<'a> {
    /// The most it scores.
    pub max: Points,
    /// How it is scored.
    pub rule: &'a Rule,
    /// "Không áp dụng" is allowed.
    pub may_not_apply: bool,
}

/// A score as typed (`"1,5"`, `"0.25"`, empty for none) or "không áp dụng" chosen, read
/// against the sub-criterion's rule: the mark to save, or why it cannot be.
pub fn read_mark(
    typed: &str,
    not_applicable: bool,
    limits: Limits<'_>,
) -> Result<Option<Mark>, ClientError> {
    if not_applicable {
        return if limits.may_not_apply {
            Ok(Some(Mark::NotApplicable))
        } else {
            Err(ClientError::invalid(
                text::par::KHONG_DUOC_CHON_KHONG_AP_DUNG,
            ))
        };
    }
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let points: Points = typed
        .parse()
        .map_err(|_| ClientError::Invalid(text::par::diem_khong_hop_le(&typed)))?;
    if allowed(limits.rule, limits.max, points) {
        Ok(Some(Mark::Score(points)))
    } else {
        Err(ClientError::Invalid(text::par::diem_ngoai_quy_tac(
            &points,
            &rule_hint(limits.rule, limits.max),
        )))
    }
}

/// Whether a mark fits the rule (a score it allows, or "không áp dụng" where allowed).
pub fn fits(mark: Mark, limits: Limits<'_>) -> bool {
    match mark {
        Mark::Score(p) => allowed(limits.rule, limits.max, p),
        Mark::NotApplicable => limits.may_not_apply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels() -> Rule {
        Rule::Levels {
            levels: vec![Points(100), Points(50), Points::ZERO],
        }
    }

    #[test]
    fn a_score_reads_with_a_comma_or_a_point_and_must_be_one_the_rule_allows() {
        let rule = levels();
        let limits = Limits {
            max: Points(100),
            rule: &rule,
            may_not_apply: false,
        };
        assert_eq!(
            read_mark("0,5", false, limits),
            Ok(Some(Mark::Score(Points(50))))
        );
        assert_eq!(
            read_mark("0.5", false, limits),
            Ok(Some(Mark::Score(Points(50))))
        );
        assert_eq!(
            read_mark("  ", false, limits),
            Ok(None),
            "emptied: no score"
        );
        let refused = read_mark("0,75", false, limits).unwrap_err().to_string();
        assert!(refused.contains("1 / 0,5 / 0"), "{refused}");
        assert!(read_mark("abc", false, limits).is_err());
        assert!(read_mark("2", false, limits).is_err(), "above the maximum");
    }

    #[test]
    fn a_range_takes_steps_and_not_applicable_only_where_the_set_allows_it() {
        let rule = Rule::Range { step: Points(25) };
        let limits = Limits {
            max: Points(200),
            rule: &rule,
            may_not_apply: false,
        };
        assert_eq!(
            read_mark("1,75", false, limits),
            Ok(Some(Mark::Score(Points(175))))
        );
        assert!(read_mark("1,3", false, limits).is_err());
        assert!(read_mark("", true, limits).is_err());
        let open = Limits {
            may_not_apply: true,
            ..limits
        };
        assert_eq!(read_mark("", true, open), Ok(Some(Mark::NotApplicable)));
        assert!(fits(Mark::NotApplicable, open));
        assert!(!fits(Mark::NotApplicable, limits));
        assert_eq!(rule_hint(&rule, Points(200)), "Từ 0 đến 2, bước 0,25");
    }
}
