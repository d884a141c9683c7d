//! The PAR-index criteria set (bộ tiêu chí xác định Chỉ số cải cách hành chính) a province issues
//! for a year and a level (its departments, or its communes and wards), under the national
//! framework (QĐ 1187/QĐ-BNV of 15/10/2025): areas (lĩnh vực) → criteria (tiêu chí) →
//! sub-criteria (tiêu chí thành phần), coded `1`, `1.1`, `1.1.1`.
//!
//! Stage: *model*. A set is data, not code: its items are one flat list keyed by code (the tree
//! is read from the codes, so a province's annex imports row by row and two editors adding
//! different items never compete for one parent object). Each sub-criterion carries its maximum,
//! its scoring rule, the evidence expected, whether the agency scores it or the province's survey
//! measures it, whether "không áp dụng" is allowed, and what the tracker can propose for it
//! ([`Source`]). [`CriteriaSet::check`] says what is wrong with a set before anyone scores
//! against it; the index itself is a view ([`crate::views::par_index`]). [`template`] is a
//! starting set in our own wording, to be replaced by the province's decision.

pub mod template;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::Error;

/// A score or a maximum, in hundredths of a point (criteria score in steps such as 0.25 or 0.5;
/// integers keep sums exact). Shown the Vietnamese way: `1,5`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Points(pub i32);

impl Points {
    /// No points.
    pub const ZERO: Points = Points(0);

    /// `n` whole points.
    pub const fn whole(n: i32) -> Points {
        Points(n * 100)
    }

    /// The hundredths.
    pub fn hundredths(self) -> i32 {
        self.0
    }

    /// As a decimal number (for spreadsheets).
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let (whole, part) = (self.0.abs() / 100, self.0.abs() % 100);
        match part {
            0 => write!(f, "{sign}{whole}"),
            p if p % 10 == 0 => write!(f, "{sign}{whole},{}", p / 10),
            p => write!(f, "{sign}{whole},{p:02}"),
        }
    }
}

impl std::str::FromStr for Points {
    type Err = Error;
    /// Reads `2`, `1,5`, `0.25`, `-1` (a comma or a point before at most two decimals).
    fn from_str(s: &str) -> Result<Points, Error> {
        let bad = || Error::InvalidValue(format!("điểm không hợp lệ: {s:?}"));
        let t = s.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (whole, frac) = match t.split_once([',', '.']) {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        if whole.is_empty() || whole.len() > 4 || frac.len() > 2 {
            return Err(bad());
        }
        if !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let w: i32 = whole.parse().map_err(|_| bad())?;
        let f: i32 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i32>().map_err(|_| bad())? * 10,
            _ => frac.parse().map_err(|_| bad())?,
        };
        let v = w * 100 + f;
        Ok(Points(if neg { -v } else { v }))
    }
}

/// What a sub-criterion got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "points")]
pub enum Mark {
    /// A score.
    Score(Points),
    /// "Không áp dụng".
    NotApplicable,
}

/// Which agencies a set judges: the province's departments and agencies, or its communes and
/// wards (each ranked in its own group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Sở, ban, ngành cấp tỉnh.
    Department,
    /// UBND xã, phường, đặc khu.
    Commune,
}

impl Level {
    /// The group's name as the province's announcement prints it.
    pub fn label(self) -> &'static str {
        match self {
            Level::Department => "Sở, ban, ngành",
            Level::Commune => "UBND xã, phường",
        }
    }
}

/// How a sub-criterion's score is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Rule {
    /// One of these scores (e.g. 1 / 0,5 / 0), the maximum among them.
    Levels {
        /// The scores allowed.
        levels: Vec<Points>,
    },
    /// Any score from 0 to the maximum in steps of `step` (a share of the maximum as judged).
    Range {
        /// The smallest difference between two scores.
        step: Points,
    },
    /// The maximum times a measured ratio (plan completion, reports on time), rounded down to
    /// the hundredth: proposed from the tracker, confirmed or overridden by the office.
    Proportional,
}

/// Who gives a sub-criterion its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measured {
    /// The agency scores itself, with evidence; the province appraises.
    SelfScored,
    /// The province's sociological survey (SIPAS, satisfaction) measures it: the agency does
    /// not score it.
    Survey,
}

/// Whether an item counts toward the index, or adds or takes points beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Part of the 100 points.
    Normal,
    /// Điểm thưởng: added to the index, up to its maximum.
    Bonus,
    /// Điểm trừ: taken from the index, up to its maximum.
    Penalty,
}

/// What the tracker knows that can propose a sub-criterion's score and offer its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Source {
    /// The plan's completion score (the annual report's).
    PlanCompletion,
    /// The share of the year's reports sent on time.
    OnTimeReports,
    /// The plan's tasks whose title contains one of these words (e.g. "kiểm tra",
    /// "tuyên truyền"): their state and their evidence.
    Tasks {
        /// Words of the tasks' titles, matched ignoring case.
        words: Vec<String>,
    },
}

/// One row of a criteria set: an area, a criterion or a sub-criterion (by the depth of its code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// `1`, `1.1`, `1.1.1`: the path in the tree.
    pub code: String,
    /// What is judged.
    pub text: String,
    /// The most it scores (for a bonus or a penalty, the most it adds or takes).
    pub max: Points,
    /// How a sub-criterion is scored (areas and criteria sum their children).
    pub rule: Rule,
    /// The evidence expected (tài liệu kiểm chứng).
    #[serde(default)]
    pub evidence: String,
    /// Scored by the agency or measured by the survey.
    pub measured: Measured,
    /// May be scored "không áp dụng" (the index is then a share of what applies).
    #[serde(default)]
    pub may_not_apply: bool,
    /// Part of the 100 points, a bonus or a penalty.
    pub kind: ItemKind,
    /// What the tracker can propose for it.
    #[serde(default)]
    pub source: Option<Source>,
}

impl Criterion {
    /// The code of the row above (`1.2.3` → `1.2`; none for an area).
    pub fn parent(&self) -> Option<&str> {
        self.code.rsplit_once('.').map(|(p, _)| p)
    }

    /// 1 for an area, 2 for a criterion, 3 for a sub-criterion.
    pub fn depth(&self) -> usize {
        self.code.split('.').count()
    }
}

/// The province's announcement of a set's results (công bố): from then on every agency judged by
/// the set sees the ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    /// The decision that announces it ("Quyết định số 25/QĐ-UBND ngày 20/01/2026").
    #[serde(default)]
    pub basis: String,
    /// Who recorded it (user id), as the server attests.
    pub by: String,
    /// When the server recorded it, Unix milliseconds.
    pub at: i64,
}

/// A province's criteria for a year and a level (a document of its own, written by the server
/// alone, [`crate::model::served`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaSet {
    /// Unique id, e.g. `quang-ngai-2025-so`.
    pub id: String,
    /// The province that issues it.
    pub province: String,
    /// Departments or communes.
    pub level: Level,
    /// The year assessed.
    pub year: i32,
    /// The decision that issues it (e.g. "Quyết định số 134/QĐ-UBND ngày 24/10/2025").
    pub basis: String,
    /// A starting set, not a province's decision: screens and exports say so.
    #[serde(default)]
    pub template: bool,
    /// Every row, in the annex's order.
    #[serde(default, deserialize_with = "crate::model::served::lenient_list")]
    pub items: Vec<Criterion>,
    /// The results' announcement, once made.
    #[serde(default)]
    pub announced: Option<Announcement>,
    /// Rows of the document that could not be read (never written back).
    #[serde(default, skip)]
    pub unreadable: Vec<crate::model::isolate::Problem>,
}

crate::served_document!(CriteriaSet, crate::model::DocKind::Criteria);

/// The most rows a set holds: a province's annex has a few hundred (the framework about 60
/// sub-criteria); a set is read on every scoring screen and view, so its size is bounded.
pub const MAX_ROWS: usize = 1_000;
/// The most levels a sub-criterion's rule lists (an annex's levels are a handful: 1 / 0,5 / 0).
pub const MAX_LEVELS: usize = 50;
/// The largest maximum a row may have: the whole index's 100 points.
pub const MAX_POINTS: Points = Points::whole(100);

/// What is wrong with a criteria set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// More rows than [`MAX_ROWS`].
    TooManyRows(usize),
    /// A maximum below 0 or above [`MAX_POINTS`].
    Max(String),
    /// A rule listing more levels than [`MAX_LEVELS`].
    TooManyLevels(String),
    /// A code that is not numbers separated by points.
    BadCode(String),
    /// The same code twice.
    Duplicate(String),
    /// A criterion or sub-criterion whose parent row is missing.
    Orphan(String),
    /// A row whose maximum differs from the sum of its children's.
    Sum {
        /// The row.
        code: String,
        /// Its maximum.
        max: Points,
        /// Its children's maxima, summed.
        children: Points,
    },
    /// A sub-criterion whose levels do not fit its maximum (above it, negative, or the
    /// maximum missing from them).
    Levels(String),
    /// A rule that cannot give the maximum (a step of zero, or one that does not divide it).
    Step(String),
    /// The normal areas do not add up to 100 points.
    Total(Points),
    /// A survey-measured row with a source from the tracker, or a bonus/penalty measured by the
    /// survey: the agency does not score those.
    Measured(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::TooManyRows(n) => write!(
                f,
                "bộ tiêu chí có {n} dòng, quá giới hạn {MAX_ROWS} dòng của một bộ tiêu chí"
            ),
            Problem::Max(c) => write!(f, "mục {c}: điểm tối đa phải từ 0 đến {MAX_POINTS}"),
            Problem::TooManyLevels(c) => {
                write!(f, "mục {c}: quá {MAX_LEVELS} mức điểm")
            }
            Problem::BadCode(c) => write!(f, "mã không hợp lệ: {c:?}"),
            Problem::Duplicate(c) => write!(f, "mã {c} có hai lần"),
            Problem::Orphan(c) => write!(f, "mã {c} không có mục cha"),
            Problem::Sum {
                code,
                max,
                children,
            } => write!(
                f,
                "mục {code}: điểm tối đa {max} khác tổng các mục con {children}"
            ),
            Problem::Levels(c) => write!(f, "mục {c}: các mức điểm không khớp điểm tối đa"),
            Problem::Step(c) => write!(f, "mục {c}: bước điểm không chia hết điểm tối đa"),
            Problem::Total(t) => write!(f, "tổng điểm các lĩnh vực là {t}, không phải 100"),
            Problem::Measured(c) => write!(f, "mục {c}: điều tra xã hội học không tự chấm"),
        }
    }
}

impl CriteriaSet {
    /// The rows with no children: the sub-criteria that are scored.
    pub fn scored(&self) -> impl Iterator<Item = &Criterion> {
        let parents: BTreeSet<&str> = self.items.iter().filter_map(|c| c.parent()).collect();
        self.items
            .iter()
            .filter(move |c| !parents.contains(c.code.as_str()))
    }

    /// The row of `code`.
    pub fn get(&self, code: &str) -> Option<&Criterion> {
        self.items.iter().find(|c| c.code == code)
    }

    /// The 100 points' total: the normal areas' maxima.
    pub fn total(&self) -> Points {
        let sum: i64 = self
            .items
            .iter()
            .filter(|c| c.depth() == 1 && c.kind == ItemKind::Normal)
            .map(|c| i64::from(c.max.0))
            .sum();
        // Summed wide: a set not yet checked may hold any maxima.
        Points(sum.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
    }

    /// Everything wrong with the set, in the rows' order (empty: it can be scored against).
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.items.len() > MAX_ROWS {
            // Nothing else is looked at: a set that large is no province's annex.
            return vec![Problem::TooManyRows(self.items.len())];
        }
        let mut seen = BTreeSet::new();
        for c in &self.items {
            if !is_code(&c.code) {
                out.push(Problem::BadCode(c.code.clone()));
                continue;
            }
            if c.max < Points::ZERO || c.max > MAX_POINTS {
                out.push(Problem::Max(c.code.clone()));
            }
            if !seen.insert(c.code.as_str()) {
                out.push(Problem::Duplicate(c.code.clone()));
            }
        }
        // Rows with a malformed code are reported once, above, and left out of the tree.
        let rows = || self.items.iter().filter(|c| is_code(&c.code));
        let mut children: BTreeMap<&str, Points> = BTreeMap::new();
        for c in rows() {
            if let Some(p) = c.parent() {
                if !seen.contains(p) {
                    out.push(Problem::Orphan(c.code.clone()));
                }
                let sum = children.entry(p).or_default();
                sum.0 = sum.0.saturating_add(c.max.0);
            }
        }
        for c in rows() {
            match children.get(c.code.as_str()) {
                Some(&sum) if sum != c.max => out.push(Problem::Sum {
                    code: c.code.clone(),
                    max: c.max,
                    children: sum,
                }),
                Some(_) => {}
                None => {
                    if let Some(p) = rule_problem(c) {
                        out.push(p);
                    }
                }
            }
            let survey_scored = c.measured == Measured::Survey
                && (c.source.is_some() || c.kind != ItemKind::Normal);
            if survey_scored {
                out.push(Problem::Measured(c.code.clone()));
            }
        }
        if self.total() != Points::whole(100) {
            out.push(Problem::Total(self.total()));
        }
        out
    }
}

/// Whether `code` is numbers (of at most three digits) separated by points.
fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .split('.')
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// What is wrong with a sub-criterion's rule against its maximum.
fn rule_problem(c: &Criterion) -> Option<Problem> {
    match &c.rule {
        Rule::Levels { levels } if levels.len() > MAX_LEVELS => {
            Some(Problem::TooManyLevels(c.code.clone()))
        }
        Rule::Levels { levels } => {
            let fits =
                levels.iter().all(|l| *l >= Points::ZERO && *l <= c.max) && levels.contains(&c.max);
            (!fits).then(|| Problem::Levels(c.code.clone()))
        }
        Rule::Range { step } => {
            let fits = step.0 > 0 && c.max.0 % step.0 == 0;
            (!fits).then(|| Problem::Step(c.code.clone()))
        }
        Rule::Proportional => None,
    }
}

/// Whether `score` is one `rule` allows for a sub-criterion of maximum `max`.
pub fn allowed(rule: &Rule, max: Points, score: Points) -> bool {
    if score < Points::ZERO || score > max {
        return false;
    }
    match rule {
        Rule::Levels { levels } => levels.contains(&score),
        Rule::Range { step } => step.0 > 0 && score.0 % step.0 == 0,
        Rule::Proportional => true,
    }
}

/// The score a proportional sub-criterion proposes for a measured ratio (`done` of `of`), rounded
/// down to the hundredth; none when nothing was due.
pub fn proportional(max: Points, done: u32, of: u32) -> Option<Points> {
    (of > 0).then(|| {
        let ratio = i64::from(done.min(of));
        Points((i64::from(max.0) * ratio / i64::from(of)) as i32)
    })
}

#[cfg(test)]
mod tests;
