//! The plan-completion score ("Mức độ thực hiện kế hoạch CCHC" in the PAR-index self-assessment)
//! and the reporting score, from a period's counts.
//!
//! Stage: *view of the status*, pure: the report, the province's roll-up and the server's export
//! score the same way.

use serde::{Deserialize, Serialize};

use crate::model::Error;
use crate::views::status::Counts;

/// Thresholds of the plan-completion score: the share of due tasks completed earns
/// `full_points` above `full_above`, `partial_points` from `partial_from`, else nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreRule {
    /// Above this share (0–1), full points.
    pub full_above: f64,
    /// From this share (0–1), partial points.
    pub partial_from: f64,
    /// Points for full marks.
    pub full_points: f64,
    /// Points for partial marks.
    pub partial_points: f64,
    /// Points for "báo cáo đúng hạn": earned when every unit sent the period's report by its
    /// deadline, none otherwise — as the PAR index scores the reporting regime (all on time or
    /// nothing).
    pub reporting_points: f64,
}

impl Default for ScoreRule {
    /// The common rule: > 90 % → 2 points, 70–90 % → 1, < 70 % → 0; reports all on time → 1.
    fn default() -> Self {
        ScoreRule {
            full_above: 0.9,
            partial_from: 0.7,
            full_points: 2.0,
            partial_points: 1.0,
            reporting_points: 1.0,
        }
    }
}

/// The "báo cáo đúng hạn" score: `on_time` of `expected` units sent the period's report by the
/// deadline; the rule's points when all did, else none. `None` when no unit is expected.
pub fn reporting_score(on_time: usize, expected: usize, rule: &ScoreRule) -> Option<(f64, f64)> {
    (expected > 0).then(|| {
        let points = if on_time == expected {
            rule.reporting_points
        } else {
            0.0
        };
        (points, rule.reporting_points)
    })
}

impl ScoreRule {
    /// Checks the thresholds are shares in order and the points are not negative.
    pub fn validate(&self) -> Result<(), Error> {
        let share = |x: f64| (0.0..=1.0).contains(&x);
        if !share(self.full_above) || !share(self.partial_from) {
            return Err(Error::InvalidValue(
                "ngưỡng chấm điểm phải là tỷ lệ từ 0 đến 1".into(),
            ));
        }
        if self.partial_from > self.full_above {
            return Err(Error::InvalidValue(
                "ngưỡng điểm một phần không được cao hơn ngưỡng điểm tối đa".into(),
            ));
        }
        if self.full_points < 0.0
            || self.reporting_points < 0.0
            || self.partial_points < 0.0
            || self.partial_points > self.full_points
        {
            return Err(Error::InvalidValue(
                "số điểm phải không âm và điểm một phần không vượt điểm tối đa".into(),
            ));
        }
        Ok(())
    }
}

/// The plan-completion score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Tasks due.
    pub due: usize,
    /// Of those, done (on time or late).
    pub done: usize,
    /// `done / due` (1 when nothing is due).
    pub rate: f64,
    /// Points earned.
    pub points: f64,
    /// Points possible.
    pub max_points: f64,
}

/// Scores `counts` by `rule`.
pub fn score(counts: &Counts, rule: &ScoreRule) -> Score {
    let rate = counts.due_completion_rate;
    let points = if rate > rule.full_above {
        rule.full_points
    } else if rate >= rule.partial_from {
        rule.partial_points
    } else {
        0.0
    };
    Score {
        due: counts.due,
        done: (rate * counts.due as f64).round() as usize,
        rate,
        points,
        max_points: rule.full_points,
    }
}
