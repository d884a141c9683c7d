//! The day a view of a plan is computed as of when the user names none, and which plan of an
//! agency's years opens first.
//!
//! Stage: *status*, pure (today is passed in). Every screen, report and roll-up asks here, so a
//! past period reads the same on the tablet, the office's dashboard, the DOCX and the
//! province's table, whatever day it is opened:
//!
//! - **A period whose report deadline has passed** is computed as of that deadline (the agency's
//!   deadline to the province: the office's configured one, else the regime's 20th of the
//!   period's last month, [`crate::workflow::deadlines_with`]). Work finished later counts as
//!   late, never rewrites the period.
//! - **A plan whose year is over** (no period named) is computed as of its annual report's
//!   deadline, the same day.
//! - Otherwise, today. A day the user picks always wins ([`AsOf::picked`]).

use serde::{Deserialize, Serialize};

use crate::model::plan::{PeriodKind, Plan};
use crate::model::{Date, text};
use crate::workflow::Configured;

/// The day a view is computed as of, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsOf {
    /// The day.
    pub day: Date,
    /// The period (or the plan's year) is over: `day` is its deadline, not today.
    pub closed: bool,
    /// The user picked the day.
    #[serde(default)]
    pub picked: bool,
}

impl AsOf {
    /// A day the user picked.
    pub fn picked(day: Date) -> AsOf {
        AsOf {
            day,
            closed: false,
            picked: true,
        }
    }

    /// What the screens say of a closed period: "Năm 2025 đã kết thúc — số liệu tính đến
    /// 20/12/2025", "Quý I năm 2025 đã qua hạn báo cáo — số liệu tính đến 20/03/2025"; nothing
    /// for an open one or a day the user picked.
    pub fn note(&self, year: Option<i32>, period: Option<PeriodKind>) -> Option<String> {
        if !self.closed || self.picked {
            return None;
        }
        let year = year.unwrap_or(self.day.year());
        let what = match period {
            None | Some(PeriodKind::Year) => format!("Năm {year} đã kết thúc"),
            Some(p) => format!("{} năm {year} đã qua hạn báo cáo", p.vi()),
        };
        Some(format!("{what} — số liệu tính đến {}", self.day.vi()))
    }
}

/// The day `plan` is computed as of for `period` (`None`: the plan as a whole) when the user
/// names none (`configured`: the office's deadlines for that period, or for the annual report
/// when `period` is `None`).
pub fn as_of(
    plan: &Plan,
    period: Option<PeriodKind>,
    configured: &Configured,
    today: Date,
) -> AsOf {
    as_of_in(plan.effective_year(), period, configured, today)
}

/// [`as_of`] for a plan of `year` (`None`: unknown, so today): what it needs of the plan is its
/// year, the agency's deadline being the office's configured one or the regime's (the 20th of
/// the period's last month, as [`crate::workflow::deadlines_with`] reads it). The province's
/// roll-up asks it of each plan from what it keeps of the plan, and of a year as a whole.
pub fn as_of_in(
    year: Option<i32>,
    period: Option<PeriodKind>,
    configured: &Configured,
    today: Date,
) -> AsOf {
    let open = AsOf {
        day: today,
        closed: false,
        picked: false,
    };
    let Some(year) = year else {
        return open;
    };
    let last = period.unwrap_or(PeriodKind::Year).covers_until(year);
    let deadline = configured
        .agency
        .or_else(|| Date::from_dmy(20, last.month(), year).ok());
    let over = match period {
        Some(_) => deadline.is_some_and(|d| d < today),
        // The plan as a whole: its year is over and so is its annual report's deadline.
        None => PeriodKind::Year.covers_until(year) < today && deadline.is_none_or(|d| d < today),
    };
    match (over, deadline) {
        (true, Some(day)) => AsOf {
            day,
            closed: true,
            picked: false,
        },
        (true, None) => AsOf {
            day: PeriodKind::Year.covers_until(year),
            closed: true,
            picked: false,
        },
        _ => open,
    }
}

/// The period the province and the office work on `today` in `year`: the first whose agency
/// deadline (the regime's, the 20th of its last month) has not passed; the year's report after
/// that. For a year before today's, its annual report.
pub fn working_period(year: i32, today: Date) -> PeriodKind {
    if year < today.year() {
        return PeriodKind::Year;
    }
    PeriodKind::ALL
        .into_iter()
        .find(|p| {
            let month = p.covers_until(year).month();
            Date::from_dmy(20, month, year).is_ok_and(|d| today <= d)
        })
        .unwrap_or(PeriodKind::Year)
}

/// Of an agency's plans (each with its year), the one that opens first on `today`: this year's,
/// else the latest before it, else the earliest; among plans of one year, the first given.
pub fn default_plan<T>(
    plans: &[T],
    year_of: impl Fn(&T) -> Option<i32>,
    today: Date,
) -> Option<&T> {
    let this = today.year();
    plans
        .iter()
        .filter(|p| year_of(p) == Some(this))
        .chain(
            plans
                .iter()
                .filter(|p| year_of(p).is_some_and(|y| y < this))
                .max_by_key(|p| year_of(p)),
        )
        .chain(plans.iter().min_by_key(|p| year_of(p).unwrap_or(i32::MAX)))
        .next()
}

/// The words of a period in an ASCII file name: `quy-1`, `6-thang`, `quy-3`, `nam`.
pub fn period_slug(period: PeriodKind) -> &'static str {
    match period {
        PeriodKind::Q1 => "quy-1",
        PeriodKind::H1 => "6-thang",
        PeriodKind::Q3 => "quy-3",
        PeriodKind::Year => "nam",
    }
}

/// A download's name: `<what>-<plan year>-<period>-<agency short name>.<ext>`, every word in
/// ASCII (`bao-cao-cchc-2025-nam-so-khcn-quang-ngai.docx`). The agency's short name is its name
/// with the usual long words shortened ("Sở Khoa học và Công nghệ" → `so-khcn`); `period`
/// `None` leaves the period out.
pub fn file_name(
    what: &str,
    year: i32,
    period: Option<PeriodKind>,
    agency: &str,
    ext: &str,
) -> String {
    let mut parts = vec![what.to_string(), year.to_string()];
    if let Some(p) = period {
        parts.push(period_slug(p).to_string());
    }
    let short = short_name(agency);
    if !short.is_empty() {
        parts.push(short);
    }
    format!("{}.{ext}", parts.join("-"))
}

/// An agency's short name in ASCII: "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi" →
/// `so-khcn-quang-ngai`, "UBND xã An Bình" → `ubnd-xa-an-binh`.
pub fn short_name(agency: &str) -> String {
    const SHORT: &[(&str, &str)] = &[
        ("ủy ban nhân dân", "ubnd"),
        ("uỷ ban nhân dân", "ubnd"),
        ("khoa học và công nghệ", "khcn"),
        ("kế hoạch và đầu tư", "khdt"),
        ("tài nguyên và môi trường", "tnmt"),
        ("nông nghiệp và môi trường", "nnmt"),
        ("nông nghiệp và phát triển nông thôn", "nnptnt"),
        ("giáo dục và đào tạo", "gddt"),
        ("lao động - thương binh và xã hội", "ldtbxh"),
        ("văn hóa, thể thao và du lịch", "vhttdl"),
        ("văn hoá, thể thao và du lịch", "vhttdl"),
        ("giao thông vận tải", "gtvt"),
        ("xây dựng", "xd"),
        ("thông tin và truyền thông", "tttt"),
        ("tỉnh ", ""),
        ("thành phố ", "tp "),
    ];
    let mut s = agency.to_lowercase();
    for (long, short) in SHORT {
        s = s.replace(long, short);
    }
    text::slug(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn plan(year: i32) -> Plan {
        let mut p = crate::import::import(crate::fixtures::SEED_PLAN)
            .unwrap()
            .plan;
        p.year = Some(year);
        p
    }

    #[test]
    fn a_past_period_is_computed_as_of_its_deadline_and_says_so() {
        let p = plan(2025);
        let none = Configured::default();
        let q1 = as_of(&p, Some(PeriodKind::Q1), &none, d("2026-12-07"));
        assert_eq!(q1.day, d("2025-03-20"));
        assert!(q1.closed);
        assert_eq!(
            q1.note(Some(2025), Some(PeriodKind::Q1)).unwrap(),
            "Quý I năm 2025 đã qua hạn báo cáo — số liệu tính đến 20/03/2025"
        );
        let year = as_of(&p, None, &none, d("2026-12-07"));
        assert_eq!(year.day, d("2025-12-20"));
        assert_eq!(
            year.note(Some(2025), None).unwrap(),
            "Năm 2025 đã kết thúc — số liệu tính đến 20/12/2025"
        );
        // The office's own deadline wins.
        let set = Configured {
            unit: None,
            agency: Some(d("2025-12-15")),
        };
        assert_eq!(as_of(&p, None, &set, d("2026-01-05")).day, d("2025-12-15"));
    }

    #[test]
    fn an_open_period_is_computed_as_of_today() {
        let p = plan(2026);
        let none = Configured::default();
        let today = d("2026-12-07");
        let year = as_of(&p, None, &none, today);
        assert_eq!((year.day, year.closed), (today, false));
        assert_eq!(year.note(Some(2026), None), None);
        assert!(as_of(&p, Some(PeriodKind::Q3), &none, today).closed);
        assert!(!as_of(&p, Some(PeriodKind::Year), &none, today).closed);
        // Between the year's end and its report's deadline the year is still open.
        assert!(!as_of(&plan(2025), None, &none, d("2025-12-31")).closed);
        assert!(!as_of(&plan(2025), None, &none, d("2025-12-21")).closed);
    }

    #[test]
    fn the_working_period_follows_the_regime_deadlines() {
        assert_eq!(working_period(2026, d("2026-12-07")), PeriodKind::Year);
        assert_eq!(working_period(2026, d("2026-02-01")), PeriodKind::Q1);
        assert_eq!(working_period(2026, d("2026-03-21")), PeriodKind::H1);
        assert_eq!(working_period(2026, d("2026-09-20")), PeriodKind::Q3);
        assert_eq!(working_period(2025, d("2026-02-01")), PeriodKind::Year);
    }

    #[test]
    fn the_current_years_plan_opens_first() {
        let plans = [("a", Some(2025)), ("b", Some(2026)), ("c", None)];
        let pick = |today| default_plan(&plans, |p| p.1, d(today)).map(|p| p.0);
        assert_eq!(pick("2026-12-07"), Some("b"));
        assert_eq!(pick("2027-01-02"), Some("b"));
        assert_eq!(pick("2025-06-01"), Some("a"));
        assert_eq!(pick("2024-06-01"), Some("a"));
        assert_eq!(
            default_plan(&[] as &[(&str, Option<i32>)], |p| p.1, d("2026-01-01")),
            None
        );
    }

    #[test]
    fn file_names_are_ascii_and_carry_year_period_and_agency() {
        assert_eq!(
            file_name(
                "bao-cao-cchc",
                2025,
                Some(PeriodKind::Year),
                "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi",
                "docx"
            ),
            "bao-cao-cchc-2025-nam-so-khcn-quang-ngai.docx"
        );
        assert_eq!(
            file_name(
                "phu-luc-cchc",
                2026,
                Some(PeriodKind::H1),
                "UBND xã An Bình",
                "xlsx"
            ),
            "phu-luc-cchc-2026-6-thang-ubnd-xa-an-binh.xlsx"
        );
        assert_eq!(
            file_name("tong-hop-cchc", 2026, Some(PeriodKind::Q1), "", "xlsx"),
            "tong-hop-cchc-2026-quy-1.xlsx"
        );
    }
}
