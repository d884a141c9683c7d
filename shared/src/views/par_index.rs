//! The PAR index of one agency (Chỉ số CCHC), from a criteria set and the marks its
//! sub-criteria got, and the ranking of a group of agencies by it.
//!
//! Stage: *view*, computed the same way on the tablet (the office's running total while units
//! score) and on the server (the province's roll-up and announcement). The rule:
//!
//! - a sub-criterion scores its mark, within 0 and its maximum; one without a mark scores 0 and is
//!   listed as not yet scored;
//! - "không áp dụng" (only where the set allows it) takes the sub-criterion out: the index is the
//!   points earned as a share of the points that apply, on 100 (as Hưng Yên's QĐ 2741 does);
//! - then bonus points are added and penalty points taken, each within its content's maximum,
//!   and the index never goes below 0;
//! - every applicable sub-criterion below its maximum is a lost point, for the remediation plan.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::criteria::{CriteriaSet, ItemKind, Mark, Points, Rule, Source, proportional};
use crate::model::text;
use crate::views::status::Summary;

/// A sub-criterion that scored below its maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lost {
    /// The sub-criterion's code.
    pub code: String,
    /// What it judges.
    pub text: String,
    /// Its maximum.
    pub max: Points,
    /// What it got.
    pub got: Points,
}

/// One area's part of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaScore {
    /// The area's code.
    pub code: String,
    /// Its name.
    pub text: String,
    /// The points earned in it.
    pub earned: Points,
    /// Its sub-criteria's maxima that apply.
    pub applicable: Points,
}

/// An agency's index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Points earned over the 100 points' sub-criteria (self-scored and survey).
    pub earned: Points,
    /// Their maxima, less those that do not apply.
    pub applicable: Points,
    /// Bonus points counted.
    pub bonus: Points,
    /// Penalty points counted.
    pub penalty: Points,
    /// The index: earned as a share of applicable, on 100, plus bonus, less penalty.
    pub index: Points,
    /// Each normal area.
    pub areas: Vec<AreaScore>,
    /// Sub-criteria with no mark yet (scored 0), in the set's order.
    pub unscored: Vec<String>,
    /// Applicable sub-criteria below their maximum, in the set's order.
    pub lost: Vec<Lost>,
}

/// The index of an agency whose sub-criteria got `marks` (by code) under `set`.
pub fn index(set: &CriteriaSet, marks: &BTreeMap<String, Mark>) -> Index {
    let mut earned = 0i64;
    let mut applicable = 0i64;
    let (mut bonus, mut penalty) = (0i64, 0i64);
    let mut by_area: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut unscored = Vec::new();
    let mut lost = Vec::new();
    for c in set.scored() {
        let area = c.code.split('.').next().unwrap_or(&c.code);
        let got = match marks.get(&c.code) {
            Some(Mark::NotApplicable) if c.may_not_apply && c.kind == ItemKind::Normal => continue,
            Some(Mark::Score(p)) => p.0.clamp(0, c.max.0.max(0)),
            // "Không áp dụng" where the set does not allow it counts as nothing earned.
            Some(Mark::NotApplicable) => 0,
            None => {
                unscored.push(c.code.clone());
                0
            }
        };
        match c.kind {
            ItemKind::Normal => {
                earned += i64::from(got);
                applicable += i64::from(c.max.0);
                let a = by_area.entry(area).or_default();
                a.0 += i64::from(got);
                a.1 += i64::from(c.max.0);
                if got < c.max.0 {
                    lost.push(Lost {
                        code: c.code.clone(),
                        text: c.text.clone(),
                        max: c.max,
                        got: Points(got),
                    });
                }
            }
            ItemKind::Bonus => bonus += i64::from(got),
            ItemKind::Penalty => penalty += i64::from(got),
        }
    }
    let cap = |kind: ItemKind, sum: i64| {
        let max: i64 = set
            .items
            .iter()
            .filter(|c| c.depth() == 1 && c.kind == kind)
            .map(|c| i64::from(c.max.0))
            .sum();
        sum.min(max)
    };
    let (bonus, penalty) = (cap(ItemKind::Bonus, bonus), cap(ItemKind::Penalty, penalty));
    // Earned on 100, rounded half up to the hundredth of a point.
    let share = if applicable > 0 {
        (earned * 10_000 + applicable / 2) / applicable
    } else {
        0
    };
    let areas = set
        .items
        .iter()
        .filter(|c| c.depth() == 1 && c.kind == ItemKind::Normal)
        .map(|c| {
            let (e, a) = by_area.get(c.code.as_str()).copied().unwrap_or_default();
            AreaScore {
                code: c.code.clone(),
                text: c.text.clone(),
                earned: points(e),
                applicable: points(a),
            }
        })
        .collect();
    Index {
        earned: points(earned),
        applicable: points(applicable),
        bonus: points(bonus),
        penalty: points(penalty),
        index: points((share + bonus - penalty).max(0)),
        areas,
        unscored,
        lost,
    }
}

fn points(hundredths: i64) -> Points {
    Points(i32::try_from(hundredths).unwrap_or(i32::MAX))
}

/// An agency's place in its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    /// The agency.
    pub agency_id: String,
    /// 1 for the highest index; agencies with equal indexes share a place and the next place
    /// is skipped (1, 1, 3).
    pub rank: usize,
    /// Its index.
    pub index: Points,
}

/// The ranking of one group of agencies by their index (highest first; equal indexes in the
/// agencies' id order).
pub fn rank(indexes: &[(String, Points)]) -> Vec<Ranked> {
    let mut sorted: Vec<&(String, Points)> = indexes.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut out: Vec<Ranked> = Vec::with_capacity(sorted.len());
    for (i, (agency_id, index)) in sorted.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.index == *index => prev.rank,
            _ => i + 1,
        };
        out.push(Ranked {
            agency_id: agency_id.clone(),
            rank,
            index: *index,
        });
    }
    out
}

/// What the tracker knows of an agency's year, for the sub-criteria that name a [`Source`].
#[derive(Debug, Clone, Copy)]
pub struct Tracked<'a> {
    /// The plan's status as of the year's end.
    pub summary: &'a Summary,
    /// The year's reports sent on time, and those expected.
    pub reports_on_time: (u32, u32),
}

/// A score the tracker proposes for a sub-criterion, with what it rests on; the office confirms
/// or overrides it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The sub-criterion.
    pub code: String,
    /// The score proposed (none: nothing was due to judge by).
    pub points: Option<Points>,
    /// How it was reached, in Vietnamese, for the office and the giải trình.
    pub basis: String,
    /// The plan's tasks it rests on, whose evidence is offered as the sub-criterion's.
    pub tasks: Vec<String>,
}

/// The tracker's proposals for every sub-criterion of `set` that names a source, in the set's
/// order: a proportional rule takes the measured share of its maximum; levels and steps take the
/// highest score the share reaches.
pub fn propose(set: &CriteriaSet, tracked: Tracked<'_>) -> Vec<Proposal> {
    let headline = &tracked.summary.headline;
    set.scored()
        .filter_map(|c| {
            let source = c.source.as_ref()?;
            let (done, of, basis, tasks) = match source {
                Source::PlanCompletion => {
                    let done = headline.done_on_time + headline.done_late;
                    let done = done.min(headline.due);
                    let basis = format!("Hoàn thành {done}/{} nhiệm vụ đến hạn", headline.due);
                    (done, headline.due, basis, Vec::new())
                }
                Source::OnTimeReports => {
                    let (sent, expected) = tracked.reports_on_time;
                    let basis = format!("Gửi đúng hạn {sent}/{expected} báo cáo trong năm");
                    (sent as usize, expected as usize, basis, Vec::new())
                }
                Source::Tasks { words } => {
                    let words: Vec<String> = words.iter().map(|w| text::key(w)).collect();
                    let matched: Vec<_> = tracked
                        .summary
                        .tasks
                        .iter()
                        .filter(|t| {
                            let title = text::key(&t.title);
                            words.iter().any(|w| title.contains(w.as_str()))
                        })
                        .collect();
                    let done = matched.iter().filter(|t| t.state.is_done()).count();
                    let codes: Vec<&str> = matched.iter().map(|t| t.code.as_str()).collect();
                    let basis = format!(
                        "Hoàn thành {done}/{} nhiệm vụ liên quan ({})",
                        matched.len(),
                        codes.join(", ")
                    );
                    let ids = matched.iter().map(|t| t.task_id.clone()).collect();
                    (done, matched.len(), basis, ids)
                }
            };
            let share = proportional(c.max, done as u32, of as u32);
            let points = share.map(|p| match &c.rule {
                Rule::Proportional => p,
                Rule::Levels { levels } => levels
                    .iter()
                    .copied()
                    .filter(|l| *l <= p)
                    .max()
                    .unwrap_or(Points::ZERO),
                Rule::Range { step } if step.0 > 0 => Points(p.0 - p.0 % step.0),
                Rule::Range { .. } => p,
            });
            Some(Proposal {
                code: c.code.clone(),
                points,
                basis,
                tasks,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::criteria::template;

    fn full(set: &CriteriaSet) -> BTreeMap<String, Mark> {
        set.scored()
            .filter(|c| c.kind == ItemKind::Normal)
            .map(|c| (c.code.clone(), Mark::Score(c.max)))
            .collect()
    }

    #[test]
    fn every_maximum_scores_one_hundred_and_loses_nothing() {
        let set = template::departments("Quảng Ngãi", 2025);
        let out = index(&set, &full(&set));
        assert_eq!(out.index, Points::whole(100));
        assert_eq!(out.applicable, Points::whole(100));
        assert!(out.lost.is_empty());
        assert!(
            out.unscored
                .iter()
                .all(|c| c.starts_with("9.") || c.starts_with("10."))
        );
        assert_eq!(out.areas.len(), 8);
        assert_eq!(out.areas[7].earned, Points::whole(30), "the survey's area");
    }

    #[test]
    fn not_applicable_makes_the_index_a_share_of_what_applies() {
        let set = template::departments("Quảng Ngãi", 2025);
        let mut marks = full(&set);
        // 3.3.1 (4 points) does not apply; 1.1.2 (3 points) scored 1,5.
        marks.insert("3.3.1".into(), Mark::NotApplicable);
        marks.insert("1.1.2".into(), Mark::Score(Points(150)));
        let out = index(&set, &marks);
        assert_eq!(out.applicable, Points::whole(96));
        assert_eq!(out.earned, Points(9450));
        // 94,5 / 96 × 100 = 98,4375 → 98,44.
        assert_eq!(out.index, Points(9844));
        assert_eq!(out.lost.len(), 1);
        assert_eq!(out.lost[0].code, "1.1.2");
        assert_eq!(out.lost[0].got, Points(150));
    }

    #[test]
    fn not_applicable_where_the_set_does_not_allow_it_earns_nothing() {
        let set = template::departments("Quảng Ngãi", 2025);
        let mut marks = full(&set);
        marks.insert("1.1.1".into(), Mark::NotApplicable);
        let out = index(&set, &marks);
        assert_eq!(out.applicable, Points::whole(100));
        assert_eq!(out.index, Points::whole(99));
    }

    #[test]
    fn bonus_adds_penalty_takes_each_within_its_maximum() {
        let set = template::departments("Quảng Ngãi", 2025);
        let mut marks = full(&set);
        marks.insert("1.4.1".into(), Mark::Score(Points(100)));
        marks.insert("9.1".into(), Mark::Score(Points(200)));
        marks.insert("9.2".into(), Mark::Score(Points(100)));
        marks.insert("10.2".into(), Mark::Score(Points(300)));
        // A score above the maximum counts as the maximum.
        marks.insert("10.1".into(), Mark::Score(Points(900)));
        let out = index(&set, &marks);
        assert_eq!(out.bonus, Points::whole(3));
        assert_eq!(out.penalty, Points::whole(5));
        assert_eq!(out.index, Points::whole(97));
    }

    #[test]
    fn an_agency_that_scored_nothing_is_at_zero_with_everything_unscored() {
        let set = template::departments("Quảng Ngãi", 2025);
        let out = index(&set, &BTreeMap::new());
        assert_eq!(out.index, Points::ZERO);
        assert_eq!(out.unscored.len(), set.scored().count());
        assert_eq!(
            out.lost.len(),
            set.scored().filter(|c| c.kind == ItemKind::Normal).count()
        );
    }

    #[test]
    fn equal_indexes_share_a_place_and_the_next_is_skipped() {
        let ranked = rank(&[
            ("so-b".into(), Points(9000)),
            ("so-a".into(), Points(9550)),
            ("so-c".into(), Points(9000)),
            ("so-d".into(), Points(8000)),
        ]);
        let places: Vec<(&str, usize)> = ranked
            .iter()
            .map(|r| (r.agency_id.as_str(), r.rank))
            .collect();
        assert_eq!(places, [("so-a", 1), ("so-b", 2), ("so-c", 2), ("so-d", 4)]);
    }

    #[test]
    fn the_tracker_proposes_from_completion_reports_and_the_matching_tasks() {
        use crate::model::{Date, text};
        use crate::views::status::{TaskState, summarize};
        let imp = crate::import::import(crate::fixtures::SEED_PLAN).unwrap();
        let as_of = Date::from_dmy(31, 12, 2025).unwrap();
        let mut summary = summarize(&imp.plan, imp.agency(), &[], as_of, None);
        summary.headline.due = 10;
        summary.headline.done_on_time = 6;
        summary.headline.done_late = 2;
        let has = |t: &crate::views::status::TaskStatus, w: &str| text::key(&t.title).contains(w);
        let inspections: Vec<usize> = (0..summary.tasks.len())
            .filter(|&i| has(&summary.tasks[i], "kiểm tra"))
            .collect();
        assert!(inspections.len() >= 2, "the seed plan has inspection tasks");
        summary.tasks[inspections[0]].state = TaskState::DoneOnTime;
        for t in summary.tasks.iter_mut().filter(|t| has(t, "tuyên truyền")) {
            t.state = TaskState::DoneLate;
        }
        let set = template::departments("Quảng Ngãi", 2025);
        let got = propose(
            &set,
            Tracked {
                summary: &summary,
                reports_on_time: (3, 4),
            },
        );
        let codes: Vec<&str> = got.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["1.1.2", "1.2.1", "1.3.2", "1.4.1"]);
        // 3 points × 8/10 due tasks done.
        assert_eq!(got[0].points, Some(Points(240)));
        assert_eq!(got[0].basis, "Hoàn thành 8/10 nhiệm vụ đến hạn");
        // 2 points × 3/4 reports on time.
        assert_eq!(got[1].points, Some(Points(150)));
        // One inspection task of n done: 2 points × 1/n, down to the rule's half point.
        let n = inspections.len() as i32;
        assert_eq!(got[2].points, Some(Points(200 / n - (200 / n) % 50)));
        assert_eq!(got[2].tasks.len(), inspections.len());
        assert!(
            got[2]
                .basis
                .starts_with(&format!("Hoàn thành 1/{n} nhiệm vụ liên quan ("))
        );
        // Every communication task done: the maximum.
        assert_eq!(got[3].points, Some(Points(200)));
        // Nothing expected: nothing proposed.
        let none = propose(
            &set,
            Tracked {
                summary: &summary,
                reports_on_time: (0, 0),
            },
        );
        assert_eq!(none[1].points, None);
    }
}
