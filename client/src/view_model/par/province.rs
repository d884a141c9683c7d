//! The province's side of the PAR index (Sở Nội vụ): a group's ranking, one agency's appraisal
//! row by row (what it filed, the rounds' reviews, the survey's score), and the requests the
//! appraisal team sends (a review, the survey's scores, the council's record), read from what
//! was typed.
//!
//! Stage: *view model* (office build), pure: the server's [`Ranking`] and [`AppraisalView`] in,
//! rows and requests out.

use std::collections::BTreeMap;

use tiendo_shared::api::par::{AppraisalView, ItemView, Ranking, ReviewRequest, SurveyRequest};
use tiendo_shared::model::Date;
use tiendo_shared::model::appraisal::{Adjustment, Council, Request, Review};
use tiendo_shared::model::assessment::EvidenceItem;
use tiendo_shared::model::criteria::{Measured, Points};
use tiendo_shared::model::role::Role;

use super::office::review_line;
use super::{Limits, mark_shown, read_mark, rule_hint};
use crate::error::ClientError;
use crate::text;

/// One agency of a ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankLine {
    /// The agency.
    pub agency_id: String,
    /// Its name.
    pub name: String,
    /// Its place ("—": not sent yet).
    pub rank: String,
    /// Where its filing stands.
    pub state: &'static str,
    /// Its index as appraised.
    pub index: String,
    /// Its self-assessed index.
    pub self_index: String,
    /// The points it lost, summed.
    pub lost: String,
    /// The sub-criteria that lost points.
    pub lost_codes: Vec<String>,
}

/// The ranking's rows, in the server's order (ranked first, then those not sent yet).
pub fn ranking_rows(r: &Ranking) -> Vec<RankLine> {
    let shown = |p: Option<Points>| p.map_or_else(|| "—".into(), |p| p.to_string());
    r.rows
        .iter()
        .map(|row| RankLine {
            agency_id: row.agency_id.clone(),
            name: row.agency_name.clone(),
            rank: row.rank.map_or_else(|| "—".into(), |n| n.to_string()),
            state: row.state.vi(),
            index: shown(row.index),
            self_index: shown(row.self_index),
            lost: Points(row.lost.iter().map(|l| (l.max.0 - l.got.0).max(0)).sum()).to_string(),
            lost_codes: row.lost.iter().map(|l| l.code.clone()).collect(),
        })
        .collect()
}

/// One row of an agency's appraisal.
#[derive(Debug, Clone, PartialEq)]
pub struct AppraisalRow {
    /// Its code.
    pub code: String,
    /// What it judges.
    pub text: String,
    /// 1 area, 2 criterion, 3 sub-criterion.
    pub depth: usize,
    /// A sub-criterion.
    pub scored: bool,
    /// Its maximum, shown.
    pub max: String,
    /// Its rule, in words.
    pub rule_hint: String,
    /// Measured by the survey (scored by the province).
    pub survey: bool,
    /// The score the agency filed, shown.
    pub filed: String,
    /// Its evidence.
    pub evidence: Vec<EvidenceItem>,
    /// Its giải trình.
    pub explanation: String,
    /// The survey's score, as typed back into its field.
    pub survey_score: String,
    /// This round's review (what the fields start from).
    pub review: Review,
    /// The earlier rounds' reviews, one line each.
    pub earlier: Vec<String>,
}

/// The rows of an agency's appraisal, in the set's order; `round` the round under way.
pub fn appraisal_rows(view: &AppraisalView) -> Vec<AppraisalRow> {
    let items = &view.assessment.items;
    let current = view
        .appraisal
        .rounds
        .iter()
        .find(|r| r.number == view.round);
    items
        .iter()
        .map(|i| {
            let scored = !items
                .iter()
                .any(|o| o.code.starts_with(&format!("{}.", i.code)));
            let earlier = view
                .appraisal
                .rounds
                .iter()
                .filter(|r| r.number != view.round)
                .filter_map(|r| r.reviews.get(&i.code).map(|v| review_line(r.number, v)))
                .collect();
            AppraisalRow {
                code: i.code.clone(),
                text: i.text.clone(),
                depth: i.depth,
                scored,
                max: i.max.to_string(),
                rule_hint: if scored {
                    rule_hint(&i.rule, i.max)
                } else {
                    String::new()
                },
                survey: i.measured == Measured::Survey,
                filed: mark_shown(i.scoring.filed()),
                evidence: i.scoring.evidence.clone(),
                explanation: i.scoring.explanation.clone(),
                survey_score: view
                    .appraisal
                    .survey
                    .get(&i.code)
                    .map(Points::to_string)
                    .unwrap_or_default(),
                review: current
                    .and_then(|r| r.reviews.get(&i.code).cloned())
                    .unwrap_or_default(),
                earlier,
            }
        })
        .collect()
}

/// Whether `role` writes the appraisal (the appraisal team; a system administrator).
pub fn appraises(role: Role) -> bool {
    matches!(role, Role::ProvinceAppraiser | Role::SystemAdmin)
}

/// What the review form of one row holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewForm {
    /// The comment.
    pub comment: String,
    /// The adjusted score typed (empty: none).
    pub adjusted: String,
    /// "Không áp dụng" chosen as the adjusted score.
    pub adjusted_not_applicable: bool,
    /// Why the score was adjusted.
    pub reason: String,
    /// What more is asked for (empty: nothing).
    pub what: String,
    /// By when (dd/mm/yyyy).
    pub by: String,
}

/// The review request of `item` from its form, or what to correct.
pub fn review_request(item: &ItemView, form: &ReviewForm) -> Result<ReviewRequest, ClientError> {
    let mark = read_mark(
        &form.adjusted,
        form.adjusted_not_applicable,
        Limits {
            max: item.max,
            rule: &item.rule,
            may_not_apply: item.may_not_apply,
        },
    )?;
    let adjusted = match mark {
        None => None,
        Some(_) if form.reason.trim().is_empty() => {
            return Err(ClientError::invalid(text::par::CAN_GHI_LY_DO_DIEU_CHINH));
        }
        Some(mark) => Some(Adjustment {
            mark,
            reason: form.reason.trim().to_string(),
        }),
    };
    let request = if form.what.trim().is_empty() {
        None
    } else {
        let by: Date = form
            .by
            .parse()
            .map_err(|_| ClientError::Invalid(text::par::han_khong_hop_le(&form.by)))?;
        Some(Request {
            what: form.what.trim().to_string(),
            by,
        })
    };
    Ok(ReviewRequest {
        code: item.code.clone(),
        comment: form.comment.trim().to_string(),
        adjusted,
        request,
    })
}

/// The survey's scores as typed (code → text; empty: none), each within its row's maximum.
pub fn survey_request(
    view: &AppraisalView,
    typed: &BTreeMap<String, String>,
) -> Result<SurveyRequest, ClientError> {
    let mut scores = view.appraisal.survey.clone();
    for (code, t) in typed {
        let Some(item) = view.assessment.items.iter().find(|i| &i.code == code) else {
            continue;
        };
        if t.trim().is_empty() {
            scores.remove(code);
            continue;
        }
        let p: Points = t
            .parse()
            .map_err(|_| ClientError::Invalid(text::par::diem_khong_hop_le(t)))?;
        if p < Points::ZERO || p > item.max {
            return Err(ClientError::Invalid(text::par::diem_vuot_toi_da(
                code, &item.max,
            )));
        }
        scores.insert(code.clone(), p);
    }
    Ok(SurveyRequest { scores })
}

/// What the council form holds, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CouncilForm {
    /// The meeting's day (dd/mm/yyyy).
    pub on: String,
    /// Members.
    pub members: String,
    /// Present.
    pub present: String,
    /// Votes for.
    pub votes_for: String,
    /// What it records.
    pub note: String,
}

/// The council's record from its form, or what to correct.
pub fn council(form: &CouncilForm) -> Result<Council, ClientError> {
    let on: Date = form
        .on
        .parse()
        .map_err(|_| ClientError::Invalid(text::par::ngay_hop_khong_hop_le(&form.on)))?;
    let number = |t: &str| {
        t.trim()
            .parse::<u32>()
            .map_err(|_| ClientError::Invalid(text::par::so_khong_hop_le(&t)))
    };
    let (members, present, votes_for) = (
        number(&form.members)?,
        number(&form.present)?,
        number(&form.votes_for)?,
    );
    if present > members || votes_for > present {
        return Err(ClientError::invalid(text::par::SO_NGUOI_KHONG_KHOP));
    }
    Ok(Council {
        on,
        members,
        present,
        votes_for,
        note: form.note.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::api::par::{FilingState, RankRow};
    use tiendo_shared::model::appraisal::{Appraisal, Round};
    use tiendo_shared::model::criteria::Mark;
    use tiendo_shared::views::par_index::Lost;

    fn view() -> AppraisalView {
        let assessment: tiendo_shared::api::par::AssessmentView =
            serde_json::from_str(include_str!("fixtures/assessment_view.json")).unwrap();
        let review = |comment: &str| Review {
            comment: comment.into(),
            ..Review::default()
        };
        AppraisalView {
            assessment: assessment.clone(),
            appraisal: Appraisal {
                agency_id: assessment.agency_id.clone(),
                year: 2025,
                rounds: vec![
                    Round {
                        number: 1,
                        reviews: [("1.1.1".to_string(), review("chưa đủ"))].into(),
                    },
                    Round {
                        number: 2,
                        reviews: [("1.1.1".to_string(), review("đã đủ"))].into(),
                    },
                ],
                survey: [("8.1".to_string(), Points(250))].into(),
                ..Appraisal::default()
            },
            round: 2,
            sent_digest: "d1".into(),
        }
    }

    #[test]
    fn the_appraisal_rows_show_the_filed_score_this_rounds_review_and_the_earlier_ones() {
        let v = view();
        let rows = appraisal_rows(&v);
        let r = rows.iter().find(|r| r.code == "1.1.1").unwrap();
        assert_eq!(r.filed, "0,5");
        assert_eq!(r.review.comment, "đã đủ");
        assert_eq!(r.earlier, ["Vòng 1: chưa đủ"]);
        let s = rows.iter().find(|r| r.code == "8.1").unwrap();
        assert!(s.survey && s.scored);
        assert_eq!(s.survey_score, "2,5");
    }

    #[test]
    fn the_ranking_rows_show_rank_index_self_index_and_the_points_lost() {
        let info = view().assessment.criteria;
        let lost = |code: &str, max, got| Lost {
            code: code.into(),
            text: String::new(),
            max: Points(max),
            got: Points(got),
        };
        let ranking = Ranking {
            criteria: info,
            rows: vec![
                RankRow {
                    agency_id: "a".into(),
                    agency_name: "Sở A".into(),
                    rank: Some(1),
                    state: FilingState::Final,
                    self_index: Some(Points(9150)),
                    index: Some(Points(9025)),
                    lost: vec![lost("1.1.1", 100, 50), lost("1.1.2", 100, 25)],
                },
                RankRow {
                    agency_id: "b".into(),
                    agency_name: "Sở B".into(),
                    rank: None,
                    state: FilingState::Draft,
                    self_index: None,
                    index: None,
                    lost: vec![],
                },
            ],
        };
        let rows = ranking_rows(&ranking);
        assert_eq!(rows[0].rank, "1");
        assert_eq!(rows[0].index, "90,25");
        assert_eq!(rows[0].self_index, "91,5");
        assert_eq!(rows[0].lost, "1,25");
        assert_eq!(rows[0].state, "Đã có kết quả");
        assert_eq!((rows[1].rank.as_str(), rows[1].index.as_str()), ("—", "—"));
    }

    #[test]
    fn a_review_needs_a_reason_to_adjust_and_a_date_to_ask_for_more() {
        let v = view();
        let item = v
            .assessment
            .items
            .iter()
            .find(|i| i.code == "1.1.1")
            .unwrap();
        let form = ReviewForm {
            comment: " thiếu ".into(),
            adjusted: "0".into(),
            ..ReviewForm::default()
        };
        assert!(review_request(item, &form).is_err());
        let form = ReviewForm {
            reason: "không có văn bản".into(),
            what: "quyết định".into(),
            by: "31/02/2026".into(),
            ..form
        };
        assert!(review_request(item, &form).is_err(), "an impossible date");
        let form = ReviewForm {
            by: "20/01/2026".into(),
            ..form
        };
        let req = review_request(item, &form).unwrap();
        assert_eq!(req.comment, "thiếu");
        assert_eq!(req.adjusted.unwrap().mark, Mark::Score(Points::ZERO));
        assert_eq!(req.request.unwrap().by.vi(), "20/01/2026");
        let none = review_request(item, &ReviewForm::default()).unwrap();
        assert!(none.adjusted.is_none() && none.request.is_none());
    }

    #[test]
    fn survey_scores_stay_within_their_maximum_and_the_council_counts_must_fit() {
        let v = view();
        let typed = [("8.1".to_string(), "99".to_string())].into();
        assert!(survey_request(&v, &typed).is_err());
        let typed = [("8.1".to_string(), "1,75".to_string())].into();
        assert_eq!(
            survey_request(&v, &typed).unwrap().scores["8.1"],
            Points(175)
        );
        let typed = [("8.1".to_string(), String::new())].into();
        assert!(survey_request(&v, &typed).unwrap().scores.is_empty());
        let form = CouncilForm {
            on: "15/01/2026".into(),
            members: "7".into(),
            present: "5".into(),
            votes_for: "6".into(),
            note: String::new(),
        };
        assert!(council(&form).is_err(), "more votes than members present");
        let ok = council(&CouncilForm {
            votes_for: "4".into(),
            ..form
        })
        .unwrap();
        assert!(ok.adopted());
    }
}
