//! Next year's plan from this one, and a plan of a new year matched to the year before.
//!
//! Stage: *model*, pure (the years come from the plans, never from a clock). An agency drafts
//! its next CCHC plan each December; the province may send a real one instead. Either way the
//! new plan records which plan it continues, and which task of that plan each of its tasks
//! carries on ([`Previous`]), so the dashboard can set each area beside last year's
//! ([`compare`]).
//!
//! - **The draft** ([`draft`], "Lập kế hoạch năm N+1 từ kế hoạch năm N"). The areas as they
//!   are. Every task not retired, with its year numbers moved on by one ([`shift_years`]: the
//!   timeline's dates, "năm N" in titles, products and descriptions; a cited decision's date and
//!   a span of years "giai đoạn 2021 - 2025" are left as written) and its timeline parsed again
//!   for the new year. Tasks whose timelines recur ([`Schedule::is_recurring`]: thường xuyên,
//!   cả năm, định kỳ, hằng quý, hằng tháng) and standing duties without a date ("khi có chỉ
//!   đạo", "theo quy định": nothing to move) are *carried*; the others are *one-off*: listed
//!   for the office to keep or drop ([`keep_only`]), their moved timelines to be checked. Units
//!   as they stand on the new year's first day: a unit that ended by then (merged, split) is
//!   replaced by the unit that carries the task ([`crate::model::lineage::Lineage::route`]); one
//!   that ended with no successor stays, with a note. The reporting deadlines move to the new year;
//!   the number is left blank and the date unset, for the office to fill. Nothing is stored: the
//!   draft is corrected in the import preview and saved as an import.
//! - **Matching** ([`match_tasks`]), when the office imports the province's real plan instead.
//!   Titles are compared normalised ([`crate::model::text::key`], year numbers and punctuation left
//!   out, so "Kế hoạch CCHC năm 2025" and "… năm 2026" agree): first equal titles, one previous
//!   task each, the same area preferred; then, conservatively, titles of at least eight words
//!   (syllables) in the *same area* whose word sets overlap by at least 80 % (Jaccard), only
//!   where each is the other's single best candidate. Anything less is left unmatched: a wrong
//!   match would set a task beside the wrong history, a missing one only leaves a cell empty.
//! - **The record** ([`Previous`]) is kept in the plan document under `previous`, written once
//!   by [`record`] when the plan is imported, and never by the whole-model writes of the plan
//!   editor. A plan without one continues nothing (documents before schema version 5).
//!
//! [`record`]: crate::model::previous::record

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use regex_lite::Regex;
use serde::{Deserialize, Serialize};

pub mod remediation;

use crate::import::Imported;
use crate::model::previous::{Continued, How, Previous};
use crate::model::schedule::{self, Schedule, Undated};
use crate::model::{Agency, AssigneeKind, Date, Error, Org, Plan, Task, text};
use crate::views::status::{AsOf, Counts, Summary};

// ---------------------------------------------------------------------------------------------
// Moving a text to the next year.

struct Patterns {
    citation: Regex,
    span: Regex,
    year: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        // A document cited by number (and date) keeps its date: "Quyết định số 1546/QĐ-UBND
        // ngày 04/12/2024", "Kế hoạch số 12/KH-UBND ngày 05/01/2025".
        citation: Regex::new(
            r"(?i)(?:quyết định|nghị định|nghị quyết|thông tư|chỉ thị|kế hoạch|công văn|văn bản|hướng dẫn|thông báo) số (?:[^,;]{1,40}? ngày [0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[^ ,;]+)",
        )
        .unwrap(),
        // A span of years ("giai đoạn 2021 - 2025", "2021-2030") is a programme's, not the plan's.
        span: Regex::new(r"[0-9]{4} *[-–—] *[0-9]{4}").unwrap(),
        year: Regex::new(r"(năm |Năm |NĂM )?([0-9]{4})").unwrap(),
    })
}

/// `text` with the years `from` and `from + 1` moved on by one (so "tháng 12/2025 xây dựng kế
/// hoạch năm 2026" becomes "tháng 12/2026 … năm 2027"), except inside a cited document and a
/// span of years. With `named_only`, only years written "năm YYYY" move (titles and products:
/// "Quyết định 12/2025" there is a document, not a deadline).
pub fn shift_years(text: &str, from: i32, named_only: bool) -> String {
    let p = patterns();
    let kept: Vec<(usize, usize)> = p
        .citation
        .find_iter(text)
        .chain(p.span.find_iter(text))
        .map(|m| (m.start(), m.end()))
        .collect();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for c in p.year.captures_iter(text) {
        let y = c.get(2).expect("the year group always matches");
        let digit = |i: Option<&u8>| i.is_some_and(u8::is_ascii_digit);
        let alone = !digit(y.start().checked_sub(1).and_then(|i| bytes.get(i)))
            && !digit(bytes.get(y.end()));
        let inside = kept.iter().any(|(s, e)| *s <= y.start() && y.end() <= *e);
        let Ok(n) = y.as_str().parse::<i32>() else {
            continue;
        };
        if !alone || inside || (named_only && c.get(1).is_none()) || !(from..=from + 1).contains(&n)
        {
            continue;
        }
        out.push_str(&text[last..y.start()]);
        out.push_str(&(n + 1).to_string());
        last = y.end();
    }
    out.push_str(&text[last..]);
    out
}

/// The same day a year later (29/02 becomes 28/02).
pub fn next_year_day(d: Date) -> Date {
    Date::from_dmy(d.day(), d.month(), d.year() + 1)
        .or_else(|_| Date::end_of_month(d.month(), d.year() + 1))
        .unwrap_or(d)
}

// ---------------------------------------------------------------------------------------------
// The draft.

/// A one-off task of the previous plan, in the draft with its dates moved: the office keeps or
/// drops it, and checks its timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneOff {
    /// The task's id (the same in the draft and in the previous plan).
    pub task_id: String,
    /// Its code as printed last year.
    pub code: String,
    /// Its title in the draft.
    pub title: String,
    /// Last year's timeline.
    pub timeline_before: String,
    /// The timeline moved to the new year, to check.
    pub timeline: String,
}

/// A unit that ended before the new year, replaced in a task by the unit that carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replaced {
    /// The task.
    pub task_id: String,
    /// The unit that ended (its name).
    pub before: String,
    /// The unit that carries the task now (its name).
    pub after: String,
}

/// "Lập kế hoạch năm N+1 từ kế hoạch năm N": the draft and what the office should look at.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Draft {
    /// The new plan and its organisation, as an import preview shows them (saved through the
    /// import). `draft.plan.previous` records what it continues.
    pub draft: Imported,
    /// The tasks carried as they recur (or stand without a date), by id.
    pub carried: Vec<String>,
    /// The one-off tasks, in the draft until the office drops them ([`keep_only`]).
    pub one_off: Vec<OneOff>,
    /// Units replaced by their successors.
    pub replaced: Vec<Replaced>,
    /// What else to check, in plain words (a unit ended with no successor, a timeline that
    /// could not be dated).
    pub notes: Vec<String>,
}

/// Whether a task of the previous year is carried to the next as it is: its timeline recurs, or
/// it is a standing duty with no date ("khi có chỉ đạo", "theo quy định").
pub fn is_carried(task: &Task) -> bool {
    let s = &task.schedule;
    s.is_recurring()
        || (s.milestones.is_empty()
            && matches!(s.undated, Some(Undated::OnDirective | Undated::Regulation)))
}

/// The draft of the plan for the year after `plan`'s (see the module's documentation), with
/// `org` the agency's organisation as it stands.
pub fn draft(plan: &Plan, org: &Org) -> Result<Draft, Error> {
    let year = plan.effective_year().ok_or_else(|| {
        Error::InvalidValue("kế hoạch không ghi năm: không lập được kế hoạch năm sau".into())
    })?;
    let agency: &Agency = org.agency(&plan.agency_id).ok_or_else(|| {
        Error::InvalidValue(format!("không có cơ quan {} trong tổ chức", plan.agency_id))
    })?;
    let next = year + 1;
    let start = Date::from_dmy(1, 1, next)?;
    let lineage = agency.lineage();
    let named = |s: &str| shift_years(s, year, true);
    let named_all = |v: &[String]| v.iter().map(|s| named(s)).collect::<Vec<_>>();

    let mut carried = Vec::new();
    let mut one_off = Vec::new();
    let mut replaced = Vec::new();
    let mut notes = Vec::new();
    let mut continued = Vec::new();
    let mut areas = Vec::new();
    for area in &plan.areas {
        let mut tasks = Vec::new();
        for t in area.tasks.iter().filter(|t| t.retired_on.is_none()) {
            let raw = shift_years(&t.schedule.raw, year, false);
            let schedule = match schedule::parse(&raw, Some(next)) {
                Ok(s) => s,
                Err(e) => {
                    notes.push(format!(
                        "Nhiệm vụ {}: thời gian “{raw}” không đọc được ({e}); cần ghi lại",
                        t.code
                    ));
                    Schedule::unspecified(&raw)
                }
            };
            let mut task = Task {
                title: named(&t.title),
                description: named_all(&t.description),
                products: named_all(&t.products),
                schedule,
                retired_on: None,
                ..t.clone()
            };
            for a in task.lead.iter_mut().chain(task.coordinating.iter_mut()) {
                let Some(unit) = a.unit_id.clone().filter(|_| a.kind == AssigneeKind::Unit) else {
                    continue;
                };
                match lineage.end_of(&unit).filter(|c| c.on <= start) {
                    None => {
                        // Named as it is called now (a rename keeps the unit).
                        if let Some(u) = agency.unit(&unit) {
                            a.text = u.name.clone();
                        }
                    }
                    Some(end) => {
                        let heir = lineage.route(&unit, &t.id, start);
                        match agency.unit(&heir).filter(|_| heir != unit) {
                            Some(u) => {
                                replaced.push(Replaced {
                                    task_id: t.id.clone(),
                                    before: a.text.clone(),
                                    after: u.name.clone(),
                                });
                                a.unit_id = Some(u.id.clone());
                                a.text = u.name.clone();
                            }
                            None => notes.push(format!(
                                "Nhiệm vụ {}: {} đã kết thúc từ ngày {}, không có đơn vị kế thừa; cần giao đơn vị khác",
                                t.code,
                                a.text,
                                end.on.vi()
                            )),
                        }
                    }
                }
            }
            if is_carried(t) {
                carried.push(t.id.clone());
            } else {
                one_off.push(OneOff {
                    task_id: t.id.clone(),
                    code: t.code.clone(),
                    title: task.title.clone(),
                    timeline_before: t.schedule.raw.clone(),
                    timeline: task.schedule.raw.clone(),
                });
            }
            continued.push(Continued {
                task_id: t.id.clone(),
                previous_task: t.id.clone(),
                how: How::Carried,
            });
            tasks.push(task);
        }
        areas.push(crate::model::Area {
            number: area.number,
            title: area.title.clone(),
            tasks,
        });
    }
    let title = if plan.title.contains(&year.to_string()) {
        named(&plan.title)
    } else {
        format!("Cải cách hành chính năm {next}")
    };
    let number = plan
        .number
        .find('/')
        .map_or_else(String::new, |i| plan.number[i..].to_string());
    let new = Plan {
        id: format!("kh-cchc-{next}-{}", plan.agency_id),
        number,
        date: None,
        title,
        year: Some(next),
        purposes: named_all(&plan.purposes),
        requirements: named_all(&plan.requirements),
        implementation: named_all(&plan.implementation),
        areas,
        reporting_periods: plan
            .reporting_periods
            .iter()
            .map(|p| crate::model::ReportingPeriod {
                deadline: next_year_day(p.deadline),
                ..p.clone()
            })
            .collect(),
        links: Vec::new(),
        previous: Some(Previous {
            plan_id: plan.id.clone(),
            drafted: true,
            tasks: continued,
            by: String::new(),
        }),
        revisions: Vec::new(),
        unreadable: Vec::new(),
        ..plan.clone()
    };
    if !plan.legal_bases.is_empty() {
        notes.push(format!(
            "Phần “Căn cứ” giữ như kế hoạch năm {year}: cần thay bằng các văn bản của năm {next}"
        ));
    }
    let org = Org {
        agencies: vec![agency.clone()],
        unreadable: Vec::new(),
        ..org.clone()
    };
    Ok(Draft {
        draft: Imported {
            plan: new,
            org,
            unplaced: Vec::new(),
            choices: Default::default(),
        },
        carried,
        one_off,
        replaced,
        notes,
    })
}

/// Drops from a drafted plan the one-off tasks (`one_off`) not in `kept`, with their
/// continuity, and letters each area's tasks again (1.a, 1.b, … in order; ids stay).
pub fn keep_only(imp: &mut Imported, one_off: &[String], kept: &BTreeSet<String>) {
    let dropped: BTreeSet<&String> = one_off.iter().filter(|id| !kept.contains(*id)).collect();
    if dropped.is_empty() {
        return;
    }
    for area in &mut imp.plan.areas {
        let before = area.tasks.len();
        area.tasks.retain(|t| !dropped.contains(&t.id));
        if area.tasks.len() == before {
            continue;
        }
        let prefix = format!("{}.", area.number);
        let mut letters = crate::import::LETTERS.iter();
        for t in &mut area.tasks {
            if t.code.starts_with(&prefix)
                && let Some(l) = letters.next()
            {
                t.code = format!("{prefix}{l}");
            }
        }
    }
    if let Some(p) = &mut imp.plan.previous {
        p.tasks.retain(|c| !dropped.contains(&c.task_id));
    }
}

// ---------------------------------------------------------------------------------------------
// Matching a plan to the year before.

/// A title as compared: [`text::key`], without year numbers and punctuation.
fn normalised(title: &str) -> String {
    let k = text::key(title);
    let mut out = String::with_capacity(k.len());
    for w in k.split(|c: char| c.is_whitespace() || ":;.,()[]\"“”'‘’!?".contains(c)) {
        let is_year = w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit());
        if w.is_empty() || is_year || w == "-" {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn jaccard(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// The least overlap of two titles' words for them to match ([`match_tasks`]).
pub const SIMILAR: f64 = 0.8;
/// The fewest words (Vietnamese syllables) a title needs to be matched by similarity.
pub const SIMILAR_MIN_WORDS: usize = 8;

/// Which task of `previous` each task of `plan` continues, by title (see the module's
/// documentation for the rule). Each previous task is matched at most once.
pub fn match_tasks(previous: &Plan, plan: &Plan) -> Vec<Continued> {
    let old: Vec<(u32, &Task, String)> = previous
        .tasks()
        .map(|(a, t)| (a.number, t, normalised(&t.title)))
        .collect();
    let new: Vec<(u32, &Task, String)> = plan
        .tasks()
        .map(|(a, t)| (a.number, t, normalised(&t.title)))
        .collect();
    let mut used = BTreeSet::new();
    let mut found: BTreeMap<usize, (usize, How)> = BTreeMap::new();
    // Equal titles: the same area first, then anywhere.
    for (i, (area, _, key)) in new.iter().enumerate() {
        if key.is_empty() {
            continue;
        }
        let candidates = || {
            old.iter()
                .enumerate()
                .filter(|(j, (_, _, k))| k == key && !used.contains(j))
        };
        let pick = candidates()
            .find(|(_, (a, _, _))| a == area)
            .or_else(|| candidates().next())
            .map(|(j, _)| j);
        if let Some(j) = pick {
            used.insert(j);
            found.insert(i, (j, How::SameTitle));
        }
    }
    // Alike titles in the same area, where each is the other's single best.
    let words = |k: &str| -> BTreeSet<String> { k.split(' ').map(str::to_string).collect() };
    let new_words: Vec<BTreeSet<String>> = new.iter().map(|(_, _, k)| words(k)).collect();
    let old_words: Vec<BTreeSet<String>> = old.iter().map(|(_, _, k)| words(k)).collect();
    let score = |i: usize, j: usize| -> f64 {
        let (a, b) = (&new_words[i], &old_words[j]);
        if new[i].0 != old[j].0 || a.len() < SIMILAR_MIN_WORDS || b.len() < SIMILAR_MIN_WORDS {
            return 0.0;
        }
        let a: BTreeSet<&str> = a.iter().map(String::as_str).collect();
        let b: BTreeSet<&str> = b.iter().map(String::as_str).collect();
        jaccard(&a, &b)
    };
    let free_new: Vec<usize> = (0..new.len()).filter(|i| !found.contains_key(i)).collect();
    let free_old: Vec<usize> = (0..old.len()).filter(|j| !used.contains(j)).collect();
    // The single best above the threshold, or none when two tie.
    let best = |scores: Vec<(usize, f64)>| -> Option<usize> {
        let mut above: Vec<(usize, f64)> =
            scores.into_iter().filter(|(_, s)| *s >= SIMILAR).collect();
        above.sort_by(|a, b| b.1.total_cmp(&a.1));
        match above.as_slice() {
            [(x, _)] => Some(*x),
            [(x, s), (_, t), ..] if s > t => Some(*x),
            _ => None,
        }
    };
    for &i in &free_new {
        let Some(j) = best(free_old.iter().map(|&j| (j, score(i, j))).collect()) else {
            continue;
        };
        if best(free_new.iter().map(|&k| (k, score(k, j))).collect()) == Some(i) {
            used.insert(j);
            found.insert(i, (j, How::SimilarTitle));
        }
    }
    found
        .into_iter()
        .map(|(i, (j, how))| Continued {
            task_id: new[i].1.id.clone(),
            previous_task: old[j].1.id.clone(),
            how,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// "So với năm trước".

/// One area of this year's plan beside the same area of last year's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaComparison {
    /// The area's number in this year's plan.
    pub number: u32,
    /// Its heading.
    pub title: String,
    /// This year's counts.
    pub current: Counts,
    /// Last year's counts for the same area (as of last year's annual deadline), if it had one.
    pub previous: Option<Counts>,
    /// How many of this area's tasks continue one of last year's.
    pub continued: usize,
}

/// This year's plan beside the year before, area by area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Last year's plan.
    pub previous_plan: String,
    /// Its title.
    pub previous_title: String,
    /// Its year.
    pub previous_year: Option<i32>,
    /// The day last year's figures are computed as of, and whether its year is over.
    pub previous_as_of: AsOf,
    /// Each area of this year's plan.
    pub areas: Vec<AreaComparison>,
}

/// `plan`'s areas (its `current` summary) beside `previous`'s (its summary as of `as_of`): an
/// area is the one of the same number, else of the same heading.
pub fn compare(
    plan: &Plan,
    current: &Summary,
    previous: &Plan,
    last_year: &Summary,
    as_of: AsOf,
) -> Comparison {
    let continued: BTreeSet<&str> = plan
        .previous
        .iter()
        .flat_map(|p| p.tasks.iter().map(|c| c.task_id.as_str()))
        .collect();
    let areas = current
        .by_area
        .iter()
        .map(|a| {
            let prev = last_year
                .by_area
                .iter()
                .find(|p| p.number == a.number)
                .or_else(|| {
                    last_year
                        .by_area
                        .iter()
                        .find(|p| normalised(&p.title) == normalised(&a.title))
                });
            AreaComparison {
                number: a.number,
                title: a.title.clone(),
                current: a.counts.clone(),
                previous: prev.map(|p| p.counts.clone()),
                continued: plan
                    .areas
                    .iter()
                    .filter(|x| x.number == a.number)
                    .flat_map(|x| &x.tasks)
                    .filter(|t| continued.contains(t.id.as_str()))
                    .count(),
            }
        })
        .collect();
    Comparison {
        previous_plan: previous.id.clone(),
        previous_title: previous.title.clone(),
        previous_year: previous.effective_year(),
        previous_as_of: as_of,
        areas,
    }
}

#[cfg(test)]
mod tests;
