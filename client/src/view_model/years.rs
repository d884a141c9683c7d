//! An agency's years as the workspace shows them: the plans the user may open with their year
//! (the header's switcher, [`PlanEntry::label`]), which of them opens first ([`plan_to_open`]),
//! the day a screen computes a period as of ([`view_as_of`]) and how a download names that day
//! ([`as_of_query`]).
//!
//! Stage: *view model*, pure: the catalogue's plans (and what their documents say, once read)
//! and today in, a choice and words out. The rules themselves are `shared::status::as_of`'s, so
//! the tablet, the dashboard and the server's files agree on the day.

use tiendo_shared::model::{Date, PeriodKind, Plan};
use tiendo_shared::views::status::{self, AsOf};
use tiendo_shared::workflow::Configured;

/// A plan the user may open, as the switcher lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEntry {
    /// The plan's id.
    pub plan_id: String,
    /// Its title (the catalogue's, else the document's).
    pub title: String,
    /// The year it covers, when known.
    pub year: Option<i32>,
    /// Its number as signed ("12/KH-SKHCN"), once its document has been read.
    pub number: String,
}

impl PlanEntry {
    /// A plan as the catalogue names it (`/api/me`): its year from the title, as the importer
    /// reads it ("… năm 2025").
    pub fn from_catalogue(plan_id: &str, title: &str) -> PlanEntry {
        PlanEntry {
            plan_id: plan_id.to_string(),
            title: title.to_string(),
            year: year_in_title(title),
            number: String::new(),
        }
    }

    /// The entry with what the plan's document says (its year and number).
    pub fn read(mut self, plan: &Plan) -> PlanEntry {
        if let Some(y) = plan.effective_year() {
            self.year = Some(y);
        }
        self.number = plan.number.trim().to_string();
        if self.title.is_empty() {
            self.title = plan.title.clone();
        }
        self
    }

    /// "Năm 2026 — Kế hoạch số 12/KH-SKHCN"; the title where the number is unknown or blank
    /// ("Số: /KH-SKHCN" leaves only the issuer's code); the title alone where the year is.
    pub fn label(&self) -> String {
        let numbered = self
            .number
            .trim_start_matches('/')
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit());
        let what = if numbered {
            format!("Kế hoạch số {}", self.number)
        } else if self.title.is_empty() {
            self.plan_id.clone()
        } else {
            self.title.clone()
        };
        match self.year {
            Some(y) => format!("Năm {y} — {what}"),
            None => what,
        }
    }
}

/// The year a plan's title names: the last "năm YYYY" in it (the importer's own rule).
pub fn year_in_title(title: &str) -> Option<i32> {
    let lower = title.to_lowercase();
    lower
        .match_indices("năm ")
        .filter_map(|(i, m)| {
            let digits = lower.get(i + m.len()..i + m.len() + 4)?;
            let next = lower[i + m.len() + 4..].chars().next();
            (digits.bytes().all(|b| b.is_ascii_digit())
                && !next.is_some_and(|c| c.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
        })
        .last()
}

/// The plan to open at start: the one the user chose on this device if it still exists, else
/// the current year's ([`status::default_plan`]: this year's, else the latest before, else the
/// earliest).
pub fn plan_to_open(entries: &[PlanEntry], chosen: Option<&str>, today: Date) -> Option<String> {
    chosen
        .filter(|c| entries.iter().any(|e| e.plan_id == *c))
        .map(str::to_string)
        .or_else(|| status::default_plan(entries, |e| e.year, today).map(|e| e.plan_id.clone()))
}

/// The day a screen computes `plan`'s `period` as of: the day the user picked, else the
/// period's own ([`status::as_of`]: a period past its report deadline as of that deadline).
pub fn view_as_of(
    plan: &Plan,
    period: PeriodKind,
    configured: &Configured,
    picked: Option<Date>,
    today: Date,
) -> AsOf {
    match picked {
        Some(day) => AsOf::picked(day),
        None => status::as_of(plan, Some(period), configured, today),
    }
}

/// The query a report download carries: the day the user picked, or nothing (the server
/// computes a past period as of its deadline, an open one as of its own today).
pub fn as_of_query(picked: Option<Date>) -> String {
    picked.map(|d| format!("?as_of={d}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn seed(year: i32) -> Plan {
        let text = tiendo_shared::fixtures::SEED_PLAN.replace("2025", &year.to_string());
        tiendo_shared::import::import(&text).unwrap().plan
    }

    #[test]
    fn the_year_comes_from_the_title_as_the_importer_reads_it() {
        assert_eq!(
            year_in_title("KẾ HOẠCH Cải cách hành chính của Sở Khoa học và Công nghệ năm 2025"),
            Some(2025)
        );
        assert_eq!(
            year_in_title("Kế hoạch năm 2026 (điều chỉnh từ năm 2025)"),
            Some(2025),
            "the last one, as the importer"
        );
        assert_eq!(year_in_title("Kế hoạch năm 20255"), None);
        assert_eq!(year_in_title("Kế hoạch CCHC"), None);
    }

    #[test]
    fn the_switcher_names_each_plan_by_its_year() {
        let plan = seed(2026);
        let e = PlanEntry::from_catalogue("kh-2026", &plan.title);
        assert_eq!(e.year, Some(2026));
        let read = e.clone().read(&plan);
        // The seed is "Số: /KH-SKHCN": no number, so the title speaks.
        assert!(read.label().starts_with("Năm 2026 — "), "{}", read.label());
        assert!(read.label().contains("Khoa học và Công nghệ"));
        let numbered = PlanEntry {
            number: "12/KH-SKHCN".into(),
            ..read
        };
        assert_eq!(numbered.label(), "Năm 2026 — Kế hoạch số 12/KH-SKHCN");
        let unknown = PlanEntry::from_catalogue("kh-x", "");
        assert_eq!(unknown.label(), "kh-x");
    }

    #[test]
    fn the_current_years_plan_opens_unless_the_user_chose_one_that_still_exists() {
        let entries = vec![
            PlanEntry::from_catalogue("kh-2025", "Kế hoạch CCHC năm 2025"),
            PlanEntry::from_catalogue("kh-2026", "Kế hoạch CCHC năm 2026"),
        ];
        let today = d("2026-12-07");
        assert_eq!(
            plan_to_open(&entries, None, today).as_deref(),
            Some("kh-2026")
        );
        assert_eq!(
            plan_to_open(&entries, Some("kh-2025"), today).as_deref(),
            Some("kh-2025"),
            "the user's choice"
        );
        assert_eq!(
            plan_to_open(&entries, Some("kh-da-xoa"), today).as_deref(),
            Some("kh-2026"),
            "a choice of a plan gone falls back"
        );
        assert_eq!(
            plan_to_open(&entries, None, d("2027-02-01")).as_deref(),
            Some("kh-2026"),
            "no plan yet for 2027: the latest before"
        );
        assert_eq!(plan_to_open(&[], None, today), None);
    }

    #[test]
    fn a_finished_year_is_seen_as_of_its_report_deadline_unless_a_day_is_picked() {
        let plan = seed(2025);
        let none = Configured::default();
        let today = d("2026-12-07");
        let seen = view_as_of(&plan, PeriodKind::Year, &none, None, today);
        assert_eq!(seen.day, d("2025-12-20"));
        assert_eq!(
            seen.note(plan.effective_year(), Some(PeriodKind::Year))
                .as_deref(),
            Some("Năm 2025 đã kết thúc — số liệu tính đến 20/12/2025")
        );
        assert_eq!(as_of_query(None), "", "the server decides");
        let picked = view_as_of(&plan, PeriodKind::Year, &none, Some(today), today);
        assert_eq!(picked.day, today);
        assert_eq!(picked.note(Some(2025), Some(PeriodKind::Year)), None);
        assert_eq!(as_of_query(Some(today)), "?as_of=2026-12-07");
        // This year's open report: today, no note.
        let open = view_as_of(&seed(2026), PeriodKind::Year, &none, None, today);
        assert_eq!((open.day, open.closed), (today, false));
    }
}
