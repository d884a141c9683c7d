//! The province's appraisal of an agency's self-assessment (thẩm định): in each round, per
//! sub-criterion, the appraisal team's comment, a score adjusted with its reason, and a request
//! for more evidence by a date, which reopens only those sub-criteria for the agency; the survey's
//! scores the province measures; and the appraisal council's decision (valid with more than half
//! of its members present, adopted by more than half of those present).
//!
//! Stage: *model*, the province's side of [`crate::model::assessment`]. The score that counts is
//! [`Appraisal::marks`]: the agency's filed scores, each round's adjustments over them in order,
//! and the survey's scores; the index is computed from it ([`crate::views::par_index`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Date;
use crate::model::criteria::{Mark, Points};

/// A score changed by the appraisal team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    /// The score that counts from this round.
    pub mark: Mark,
    /// Why (required: the agency reads it).
    pub reason: String,
}

/// "Yêu cầu bổ sung": what the agency is to add, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// What is missing.
    pub what: String,
    /// The day it is due.
    pub by: Date,
}

/// The appraisal team's word on one sub-criterion in one round.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// Its comment on the evidence.
    #[serde(default)]
    pub comment: String,
    /// The score it sets instead of the agency's.
    #[serde(default)]
    pub adjusted: Option<Adjustment>,
    /// More evidence asked for.
    #[serde(default)]
    pub request: Option<Request>,
    /// Who reviewed.
    #[serde(default)]
    pub by: String,
}

/// One round of appraisal (vòng 1, vòng 2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    /// Its number, from 1.
    #[serde(default)]
    pub number: u32,
    /// By sub-criterion code.
    #[serde(default, deserialize_with = "crate::model::served::lenient_map")]
    pub reviews: BTreeMap<String, Review>,
}

impl crate::model::served::HistoryKey for Round {
    fn history_key(&self) -> String {
        format!("{:02}", self.number)
    }
}

/// The appraisal council's decision record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Council {
    /// The meeting's day.
    pub on: Date,
    /// Its members.
    pub members: u32,
    /// Members present.
    pub present: u32,
    /// Of those, voting for the result.
    pub votes_for: u32,
    /// What it records (the final score, reservations).
    #[serde(default)]
    pub note: String,
}

impl Council {
    /// Whether the meeting could decide: more than half of the members present.
    pub fn quorate(&self) -> bool {
        self.present <= self.members && self.present * 2 > self.members
    }

    /// Whether the result was adopted: a quorate meeting, more than half of those present for.
    pub fn adopted(&self) -> bool {
        self.quorate() && self.votes_for <= self.present && self.votes_for * 2 > self.present
    }
}

/// The province's appraisal of one agency's year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appraisal {
    /// The agency appraised.
    pub agency_id: String,
    /// The year.
    pub year: i32,
    /// Its rounds, in order.
    #[serde(default, with = "crate::model::served::history")]
    pub rounds: Vec<Round>,
    /// The survey's scores, by sub-criterion code.
    #[serde(default, deserialize_with = "crate::model::served::lenient_map")]
    pub survey: BTreeMap<String, Points>,
    /// The council's decision, once taken.
    #[serde(default)]
    pub council: Option<Council>,
    /// Entries of the document that could not be read (never written back).
    #[serde(default, skip)]
    pub unreadable: Vec<crate::model::isolate::Problem>,
}

crate::served_document!(Appraisal, crate::model::DocKind::Appraisal);

impl Appraisal {
    /// The sub-criteria the latest round reopened for the agency (more evidence asked for), in
    /// code order.
    pub fn reopened(&self) -> Vec<String> {
        self.rounds
            .last()
            .map(|r| {
                r.reviews
                    .iter()
                    .filter(|(_, v)| v.request.is_some())
                    .map(|(code, _)| code.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The scores that count: the agency's `filed` scores, each round's adjustments over them in
    /// order, and the survey's scores.
    pub fn marks(&self, filed: &BTreeMap<String, Mark>) -> BTreeMap<String, Mark> {
        let mut out = filed.clone();
        for round in &self.rounds {
            for (code, review) in &round.reviews {
                if let Some(a) = &review.adjusted {
                    out.insert(code.clone(), a.mark);
                }
            }
        }
        for (code, points) in &self.survey {
            out.insert(code.clone(), Mark::Score(*points));
        }
        out
    }

    /// Whether the year's result is final: the council adopted it.
    pub fn finalised(&self) -> bool {
        self.council.as_ref().is_some_and(Council::adopted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32, m: u32, y: i32) -> Date {
        Date::from_dmy(d, m, y).unwrap()
    }

    #[test]
    fn later_rounds_and_the_survey_decide_the_score_that_counts() {
        let filed: BTreeMap<String, Mark> = [
            ("1.1.1".to_string(), Mark::Score(Points(100))),
            ("1.3.2".to_string(), Mark::Score(Points(200))),
            ("2.1.1".to_string(), Mark::NotApplicable),
        ]
        .into();
        let adjust = |points: i32, reason: &str| Review {
            adjusted: Some(Adjustment {
                mark: Mark::Score(Points(points)),
                reason: reason.into(),
            }),
            by: "thamdinh".into(),
            ..Review::default()
        };
        let mut first = Round::default();
        first
            .reviews
            .insert("1.3.2".into(), adjust(100, "Thiếu biên bản kiểm tra"));
        first.reviews.insert(
            "2.1.1".into(),
            Review {
                comment: "Sở có nhiệm vụ xây dựng văn bản QPPL".into(),
                request: Some(Request {
                    what: "Kế hoạch xây dựng văn bản QPPL năm 2025".into(),
                    by: day(15, 1, 2026),
                }),
                ..Review::default()
            },
        );
        let mut second = Round::default();
        second
            .reviews
            .insert("1.3.2".into(), adjust(150, "Đã bổ sung biên bản"));
        let mut a = Appraisal {
            agency_id: "so-khcn".into(),
            year: 2025,
            rounds: vec![first],
            survey: [("8.1".to_string(), Points(812))].into(),
            council: None,
            unreadable: Vec::new(),
        };
        assert_eq!(a.reopened(), ["2.1.1"]);
        assert_eq!(a.marks(&filed)["1.3.2"], Mark::Score(Points(100)));
        a.rounds.push(second);
        assert!(
            a.reopened().is_empty(),
            "the second round asked for nothing more"
        );
        let marks = a.marks(&filed);
        assert_eq!(marks["1.3.2"], Mark::Score(Points(150)));
        assert_eq!(marks["1.1.1"], Mark::Score(Points(100)));
        assert_eq!(marks["2.1.1"], Mark::NotApplicable);
        assert_eq!(marks["8.1"], Mark::Score(Points(812)));
    }

    #[test]
    fn a_council_decides_with_more_than_half_present_and_for() {
        let council = |members, present, votes_for| Council {
            on: day(20, 1, 2026),
            members,
            present,
            votes_for,
            note: String::new(),
        };
        assert!(council(9, 5, 3).adopted());
        assert!(!council(9, 4, 4).adopted(), "four of nine is no quorum");
        assert!(
            !council(9, 6, 3).adopted(),
            "three of six present is not more than half"
        );
        assert!(!council(9, 10, 10).quorate(), "more present than members");
        let mut a = Appraisal::default();
        assert!(!a.finalised());
        a.council = Some(council(7, 7, 6));
        assert!(a.finalised());
    }
}
