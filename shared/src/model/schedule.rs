//! Schedules: the free-text timeline of a task ("Quý I năm 2025", "Thường xuyên trong năm 2025",
//! "Chậm nhất là ngày 15/01/2025") parsed into dated milestones and a recurrence kind.
//!
//! Stage: *import* (run once per task by the importer, and again when the central office edits a
//! timeline) and *status* (the milestones decide what is due when). The raw text is always kept
//! beside what was understood, so nothing a plan says is lost when the parser does not follow it.

use autosurgeon::{Hydrate, Reconcile};
use regex_lite::Regex;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use crate::model::{Date, Error, text};

/// One dated step of a task: a deadline and what it is for, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Milestone {
    /// The clause of the timeline this deadline comes from, e.g. "Quý I năm 2025 ban hành Kế hoạch".
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub label: String,
    /// The last day of the milestone.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub due: Date,
}

/// How often a task recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    /// Done once, by its last milestone.
    Once,
    /// Carried out throughout the year ("Thường xuyên"), reported every period.
    Continuous,
    /// Every month ("Định kỳ hàng tháng"): one milestone per month.
    Monthly,
    /// Reported at each of the plan's reporting periods ("định kỳ báo cáo").
    Periodic,
    /// Nothing recurring and no date: see [`Schedule::undated`].
    None,
}

/// Why a task has no fixed date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum Undated {
    /// "Khi có chỉ đạo…", "khi có phát sinh": only when directed or when it arises.
    OnDirective,
    /// "Theo kế hoạch được phê duyệt": follows a plan approved later.
    ApprovedPlan,
    /// "Theo quy định…": follows rules set elsewhere.
    Regulation,
    /// No timeline, or one the parser could not date.
    Unspecified,
}

/// A task's timeline: the text as written and what was understood from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Schedule {
    /// The timeline exactly as written in the plan.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub raw: String,
    /// Dated milestones, in date order.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub milestones: Vec<Milestone>,
    /// How the task recurs.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub recurrence: Recurrence,
    /// When no milestone could be dated: why.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub undated: Option<Undated>,
}

impl Schedule {
    /// The last deadline of the task, if it has one.
    pub fn final_due(&self) -> Option<Date> {
        self.milestones.iter().map(|m| m.due).max()
    }

    /// Whether the task is reported at every reporting period rather than done once.
    pub fn is_recurring(&self) -> bool {
        matches!(
            self.recurrence,
            Recurrence::Continuous | Recurrence::Monthly | Recurrence::Periodic
        )
    }

    /// A schedule with nothing dated, keeping `raw`.
    pub fn unspecified(raw: &str) -> Schedule {
        Schedule {
            raw: raw.to_string(),
            milestones: Vec::new(),
            recurrence: Recurrence::None,
            undated: Some(Undated::Unspecified),
        }
    }
}

struct Patterns {
    citation: Regex,
    dmy: Regex,
    day_words: Regex,
    quarter: Regex,
    month: Regex,
    half_year: Regex,
    year: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        // A document cited by number and date is not a deadline:
        // "ban hành kèm theo Quyết định số 1648/QĐ-UBND ngày 30/11/2022".
        citation: Regex::new(
            r"(?:quyết định|nghị định|nghị quyết|thông tư|chỉ thị|kế hoạch|công văn|văn bản|hướng dẫn) số (?:[^,;]{1,40}? ngày [0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[^ ,;]+)",
        )
        .unwrap(),
        dmy: Regex::new(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})").unwrap(),
        day_words: Regex::new(r"ngày ([0-9]{1,2}) tháng ([0-9]{1,2}) năm ([0-9]{4})").unwrap(),
        quarter: Regex::new(
            r"quý (iv|iii|ii|i|[1-4])(?: *(?:-|–|—|và|,|đến) *(?:quý )?(iv|iii|ii|i|[1-4]))?\b(?: *(?:năm|/) *([0-9]{4}))?",
        )
        .unwrap(),
        month: Regex::new(
            r"tháng ([0-9]{1,2})(?: *(?:-|–|—|đến) *(?:tháng )?([0-9]{1,2}))?(?: *(?:năm|/) *([0-9]{4}))?",
        )
        .unwrap(),
        half_year: Regex::new(r"6 tháng (đầu|cuối) năm(?: ([0-9]{4}))?").unwrap(),
        year: Regex::new(r"năm ([0-9]{4})").unwrap(),
    })
}

fn roman(s: &str) -> u32 {
    match s {
        "i" | "1" => 1,
        "ii" | "2" => 2,
        "iii" | "3" => 3,
        _ => 4,
    }
}

/// Parses a timeline text. `default_year` (the plan's year) dates phrases that leave the year
/// out ("Thường xuyên trong năm", "Quý I"). Fails only on impossible dates such as 31/02/2025;
/// text it does not understand gives an undated schedule that still keeps the text.
pub fn parse(raw: &str, default_year: Option<i32>) -> Result<Schedule, Error> {
    let raw_clean = text::clean(raw);
    let p = patterns();
    let lower = text::key(&raw_clean).replace('*', "");
    let masked = p.citation.replace_all(&lower, "");
    let year_in_text = p
        .year
        .captures(&masked)
        .and_then(|c| c[1].parse::<i32>().ok());
    let year = year_in_text.or(default_year);

    let has = |needle: &str| masked.contains(needle);
    let monthly = has("hàng tháng") || has("hằng tháng");
    let quarterly = has("hàng quý") || has("hằng quý");
    let half_yearly = [
        "6 tháng/lần",
        "06 tháng/lần",
        "6 tháng một lần",
        "06 tháng một lần",
    ]
    .iter()
    .any(|n| has(n));
    let whole_year = has("cả năm") || has("trong năm") && !has("đầu năm") && !has("cuối năm");
    let continuous = has("thường xuyên") || has("cả năm");
    let periodic = (has("định kỳ") || quarterly || half_yearly) && !monthly;

    let mut milestones = Vec::new();
    let originals = split_clauses(&raw_clean);
    for original in &originals {
        let clause_lower = text::key(original);
        let clause = p.citation.replace_all(&clause_lower, "").into_owned();
        if let Some(due) = clause_due(&clause, year)? {
            milestones.push(Milestone {
                label: original.trim_end_matches(['.', ';', ' ']).to_string(),
                due,
            });
        }
    }

    if monthly && let Some(y) = year {
        milestones.clear();
        for m in 1..=12 {
            milestones.push(Milestone {
                label: format!("Tháng {m}/{y}"),
                due: Date::end_of_month(m, y)?,
            });
        }
    } else if (quarterly || half_yearly)
        && milestones.is_empty()
        && let Some(y) = year
    {
        let quarters: &[u32] = if quarterly { &[1, 2, 3, 4] } else { &[2, 4] };
        for &q in quarters {
            milestones.push(Milestone {
                label: format!("Quý {q}/{y}"),
                due: Date::end_of_quarter(q, y)?,
            });
        }
    } else if continuous && let Some(y) = year {
        // Continuous work is judged at the end of its year (and at every reporting period).
        let end = Date::end_of_month(12, y)?;
        if !milestones.iter().any(|m| m.due == end) {
            milestones.retain(|m| m.due.year() != y || !is_year_only(&m.label));
            milestones.push(Milestone {
                label: format!("Thường xuyên trong năm {y}"),
                due: end,
            });
        }
    }
    // "Năm 2022", "Trong năm 2025" alone: due at the year's end.
    if milestones.is_empty()
        && !monthly
        && (year_in_text.is_some() || whole_year)
        && let Some(y) = year
        && (masked.trim_start_matches(['-', ' ']).starts_with("năm") || whole_year)
    {
        milestones.push(Milestone {
            label: format!("Năm {y}"),
            due: Date::end_of_month(12, y)?,
        });
    }
    milestones.sort_by_key(|m| m.due);
    milestones.dedup_by_key(|m| m.due);

    let recurrence = if monthly {
        Recurrence::Monthly
    } else if continuous {
        Recurrence::Continuous
    } else if periodic {
        Recurrence::Periodic
    } else if milestones.is_empty() {
        Recurrence::None
    } else {
        Recurrence::Once
    };
    let undated = if !milestones.is_empty() {
        None
    } else if has("khi có chỉ đạo")
        || has("khi có phát sinh")
        || has("khi phát sinh")
        || has("khi có yêu cầu")
        || has("ngay khi có")
        || has("khi có quyết định")
    {
        Some(Undated::OnDirective)
    } else if has("theo kế hoạch được phê duyệt") || has("theo kế hoạch") {
        Some(Undated::ApprovedPlan)
    } else if has("theo quy định") || has("theo hướng dẫn") {
        Some(Undated::Regulation)
    } else {
        Some(Undated::Unspecified)
    };
    Ok(Schedule {
        raw: raw.trim().to_string(),
        milestones,
        recurrence,
        undated,
    })
}

fn is_year_only(label: &str) -> bool {
    let k = text::key(label);
    k.starts_with("trong năm") || k.starts_with("năm")
}

/// Splits a timeline into clauses at `;` and at sentence ends, keeping the original spelling.
fn split_clauses(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = raw.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let sentence_end = c == '.'
            && chars.get(i + 1).is_none_or(|n| *n == ' ')
            && chars.get(i + 2).is_none_or(|n| n.is_uppercase());
        // "Tháng 6/2022 và Tháng 12/2022": two deadlines, not one.
        let and_then_date = c == ' ' && {
            let next: String = chars[i + 1..]
                .iter()
                .take(8)
                .collect::<String>()
                .to_lowercase();
            next.starts_with("và tháng") || next.starts_with("và quý")
        };
        if c == ';' || sentence_end || and_then_date {
            if !current.trim().is_empty() {
                out.push(current.trim().to_string());
            }
            current.clear();
        } else {
            current.push(c);
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// The deadline a single clause names, if any. The latest date in the clause wins
/// ("Quý I – II năm 2025" is due at the end of quarter II).
fn clause_due(clause: &str, year: Option<i32>) -> Result<Option<Date>, Error> {
    let p = patterns();
    let mut found: Vec<Date> = Vec::new();

    for c in p.dmy.captures_iter(clause) {
        let (d, m, y) = (
            c[1].parse().unwrap_or(0),
            c[2].parse().unwrap_or(0),
            c[3].parse().unwrap_or(0),
        );
        found.push(Date::from_dmy(d, m, y)?);
    }
    for c in p.day_words.captures_iter(clause) {
        let (d, m, y) = (
            c[1].parse().unwrap_or(0),
            c[2].parse().unwrap_or(0),
            c[3].parse().unwrap_or(0),
        );
        found.push(Date::from_dmy(d, m, y)?);
    }
    // Dates written in full already cover the clause's month words.
    if !found.is_empty() {
        return Ok(found.into_iter().max());
    }
    for c in p.half_year.captures_iter(clause) {
        let y = c.get(2).and_then(|y| y.as_str().parse().ok()).or(year);
        if let Some(y) = y {
            let month = if &c[1] == "đầu" { 6 } else { 12 };
            found.push(Date::end_of_month(month, y)?);
        }
    }
    let without_half = p.half_year.replace_all(clause, "");
    for c in p.quarter.captures_iter(&without_half) {
        let last = c.get(2).map_or_else(|| roman(&c[1]), |q| roman(q.as_str()));
        let y = c.get(3).and_then(|y| y.as_str().parse().ok()).or(year);
        if let Some(y) = y {
            found.push(Date::end_of_quarter(last, y)?);
        }
    }
    for c in p.month.captures_iter(&without_half) {
        let last: u32 = c.get(2).map_or(&c[1], |m| m.as_str()).parse().unwrap_or(0);
        let y = c.get(3).and_then(|y| y.as_str().parse().ok()).or(year);
        if let Some(y) = y {
            found.push(Date::end_of_month(last, y)?);
        }
    }
    Ok(found.into_iter().max())
}

crate::lenient_types!(required: Milestone, Recurrence, Undated);
crate::lenient_types!(default: Schedule);

/// A timeline that could not be read ([`crate::model::isolate::field`]): no text, nothing dated.
impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            raw: String::new(),
            milestones: Vec::new(),
            recurrence: Recurrence::None,
            undated: Some(Undated::Unspecified),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timelines_other_agencies_write_are_dated() {
        let cases: &[(&str, &[&str], Recurrence)] = &[
            ("Quý I/2025", &["31/03/2025"], Recurrence::Once),
            ("Quý II - Quý III/2022", &["30/09/2022"], Recurrence::Once),
            ("Trước ngày 30/6/2025", &["30/06/2025"], Recurrence::Once),
            ("Trước 30/6/2022", &["30/06/2022"], Recurrence::Once),
            (
                "Từ tháng 8 đến tháng 12/2025",
                &["31/12/2025"],
                Recurrence::Once,
            ),
            (
                "Từ tháng 3 đến tháng 11/2022",
                &["30/11/2022"],
                Recurrence::Once,
            ),
            ("6 tháng đầu năm", &["30/06/2025"], Recurrence::Once),
            (
                "Tháng 6/2022 và Tháng 12/2022",
                &["30/06/2022", "31/12/2022"],
                Recurrence::Once,
            ),
            (
                "Hằng quý",
                &["31/03/2025", "30/06/2025", "30/09/2025", "31/12/2025"],
                Recurrence::Periodic,
            ),
            (
                "06 tháng/lần",
                &["30/06/2025", "31/12/2025"],
                Recurrence::Periodic,
            ),
            ("Cả năm", &["31/12/2025"], Recurrence::Continuous),
            ("Năm 2022", &["31/12/2022"], Recurrence::Once),
        ];
        for (raw, want, recurrence) in cases {
            let s = parse(raw, Some(2025)).unwrap();
            let got: Vec<String> = s.milestones.iter().map(|m| m.due.vi()).collect();
            assert_eq!(&got, want, "{raw}");
            assert_eq!(s.recurrence, *recurrence, "{raw}");
        }
        assert_eq!(
            parse("Hằng tháng", Some(2025)).unwrap().milestones.len(),
            12
        );
        for raw in ["Khi phát sinh", "Ngay khi có Quyết định của UBND tỉnh"] {
            let s = parse(raw, Some(2025)).unwrap();
            assert!(s.milestones.is_empty(), "{raw}");
            assert_eq!(s.undated, Some(Undated::OnDirective), "{raw}");
        }
    }

    fn dues(s: &Schedule) -> Vec<String> {
        s.milestones.iter().map(|m| m.due.vi()).collect()
    }

    fn parse25(raw: &str) -> Schedule {
        parse(raw, Some(2025)).unwrap()
    }

    #[test]
    fn quarter_one_is_due_at_the_end_of_march() {
        let s = parse25("Quý I năm 2025.");
        assert_eq!(dues(&s), ["31/03/2025"]);
        assert_eq!(s.recurrence, Recurrence::Once);
        assert_eq!(s.raw, "Quý I năm 2025.");
    }

    #[test]
    fn a_quarter_range_is_due_at_the_end_of_its_last_quarter() {
        assert_eq!(dues(&parse25("Quý I – II năm 2025.")), ["30/06/2025"]);
        assert_eq!(dues(&parse25("Quý I - II năm 2025")), ["30/06/2025"]);
        assert_eq!(dues(&parse25("Quý IV năm 2025.")), ["31/12/2025"]);
        assert_eq!(dues(&parse25("Quý III năm 2025.")), ["30/09/2025"]);
    }

    #[test]
    fn months_are_due_on_their_last_day() {
        assert_eq!(dues(&parse25("Tháng 12 năm 2025.")), ["31/12/2025"]);
        assert_eq!(dues(&parse25("Tháng 1/2025.")), ["31/01/2025"]);
        assert_eq!(dues(&parse(" Tháng 2/2024", None).unwrap()), ["29/02/2024"]);
    }

    #[test]
    fn a_latest_date_is_due_that_day() {
        let s = parse25("Chậm nhất là ngày 15/01/2025");
        assert_eq!(dues(&s), ["15/01/2025"]);
        assert_eq!(s.recurrence, Recurrence::Once);
        assert_eq!(
            dues(&parse25("Trước ngày 15 tháng 01 năm 2025")),
            ["15/01/2025"]
        );
    }

    #[test]
    fn continuous_work_recurs_and_is_judged_at_year_end() {
        let s = parse25("Thường xuyên trong năm 2025.");
        assert_eq!(s.recurrence, Recurrence::Continuous);
        assert_eq!(dues(&s), ["31/12/2025"]);
        assert_eq!(s.undated, None);
        let no_year = parse25(
            "Thường xuyên trong năm, theo Kế hoạch rà soát ban hành kèm theo Quyết định số 1648/QĐ-UBND ngày 30/11/2022 của Chủ tịch UBND tỉnh.",
        );
        assert_eq!(no_year.recurrence, Recurrence::Continuous);
        assert_eq!(
            dues(&no_year),
            ["31/12/2025"],
            "a cited decision's date is no deadline"
        );
    }

    #[test]
    fn monthly_work_has_twelve_month_end_milestones() {
        let s = parse25("Định kỳ hàng tháng trong năm 2025.");
        assert_eq!(s.recurrence, Recurrence::Monthly);
        assert_eq!(s.milestones.len(), 12);
        assert_eq!(s.milestones[0].due.vi(), "31/01/2025");
        assert_eq!(s.milestones[1].due.vi(), "28/02/2025");
        assert_eq!(s.final_due().unwrap().vi(), "31/12/2025");
    }

    #[test]
    fn two_clauses_give_two_milestones() {
        let s = parse25(
            "Quý I năm 2025 ban hành Kế hoạch; báo cáo kết quả thực hiện vào tháng 11 năm 2025.",
        );
        assert_eq!(dues(&s), ["31/03/2025", "30/11/2025"]);
        assert_eq!(s.milestones[0].label, "Quý I năm 2025 ban hành Kế hoạch");
        assert_eq!(
            s.milestones[1].label,
            "báo cáo kết quả thực hiện vào tháng 11 năm 2025"
        );
        assert_eq!(s.recurrence, Recurrence::Once);
    }

    #[test]
    fn issued_once_then_reported_each_period() {
        let s = parse25("Quý I năm 2025 ban hành Kế hoạch; định kỳ báo cáo kết quả thực hiện.");
        assert_eq!(dues(&s), ["31/03/2025"]);
        assert_eq!(s.recurrence, Recurrence::Periodic);
    }

    #[test]
    fn phrases_without_a_date_say_why() {
        let on_directive = parse25("Khi có chỉ đạo, hướng dẫn của cấp có thẩm quyền.");
        assert!(on_directive.milestones.is_empty());
        assert_eq!(on_directive.undated, Some(Undated::OnDirective));
        assert_eq!(on_directive.recurrence, Recurrence::None);
        assert_eq!(
            parse25("Theo kế hoạch được phê duyệt.").undated,
            Some(Undated::ApprovedPlan)
        );
        assert_eq!(
            parse25("Theo quy định của UBND tỉnh và hướng dẫn của Sở Thông tin và Truyền thông.")
                .undated,
            Some(Undated::Regulation)
        );
        assert_eq!(parse25("").undated, Some(Undated::Unspecified));
        assert_eq!(
            parse25("Triển khai thực hiện khi có phát sinh hoặc chỉ đạo của cấp có thẩm quyền; báo cáo kết quả thực hiện sau thanh tra, kiểm tra về UBND tỉnh (*qua Sở Nội vụ*).").undated,
            Some(Undated::OnDirective)
        );
    }

    #[test]
    fn impossible_dates_are_a_clear_error() {
        let err = parse("Chậm nhất là ngày 31/02/2025", None).unwrap_err();
        assert!(
            matches!(err, Error::InvalidDate(ref d) if d == "31/02/2025"),
            "{err}"
        );
        assert!(parse("Tháng 13/2025", None).is_err());
    }

    #[test]
    fn a_quarter_without_a_year_takes_the_plan_year() {
        assert_eq!(
            dues(&parse25("Trong Quý I ban hành kế hoạch")),
            ["31/03/2025"]
        );
        assert!(
            parse("Trong Quý I ban hành kế hoạch", None)
                .unwrap()
                .milestones
                .is_empty()
        );
    }
}
