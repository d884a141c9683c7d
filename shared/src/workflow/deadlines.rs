//! A period report's deadlines (the unit's to its office, the office's to the province), from
//! the regime or as the office configured them in the plan document, and the reminders before
//! them.
//!
//! Stage: *model* of the plan's reporting calendar, pure (today is always passed in).

use automerge::{ObjType, ReadDoc, transaction::Transactable};
use serde::{Deserialize, Serialize};

use crate::model::raw::{all_objs, child, text_of};
use crate::model::{Date, Error, PeriodKind};

/// A period's deadlines: the units' to the office (the plan's own, part III) and the agency's
/// to the province (Công văn 581/BNV-CCHC: the 20th of the period's last month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    /// The period.
    pub period: PeriodKind,
    /// Units report to the office by this day.
    pub unit: Date,
    /// The agency reports to the province by this day.
    pub agency: Date,
}

/// The last month of a period.
fn last_month(period: PeriodKind) -> u32 {
    match period {
        PeriodKind::Q1 => 3,
        PeriodKind::H1 => 6,
        PeriodKind::Q3 => 9,
        PeriodKind::Year => 12,
    }
}

/// The deadlines of `period` in `plan`: the unit deadline is the plan's for the period, or (when
/// the plan names none) the agency's less five days; `None` when the plan's year is unknown.
pub fn deadlines(plan: &crate::model::Plan, period: PeriodKind) -> Option<Deadlines> {
    deadlines_with(plan, period, &Configured::default())
}

/// [`deadlines`] with the office's own settings for the period where it made any.
pub fn deadlines_with(
    plan: &crate::model::Plan,
    period: PeriodKind,
    configured: &Configured,
) -> Option<Deadlines> {
    let year = plan.effective_year()?;
    let agency = configured
        .agency
        .or_else(|| Date::from_dmy(20, last_month(period), year).ok())?;
    let unit = configured
        .unit
        .or_else(|| plan.period(period).map(|p| p.deadline))
        .unwrap_or_else(|| agency.add_days(-5));
    Some(Deadlines {
        period,
        unit,
        agency,
    })
}

/// Deadlines the office configured for a period (a province may set earlier ones than the
/// plan's or the regime's), kept in the plan document under `report_deadlines` → period →
/// `unit` / `agency` (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configured {
    /// The units' deadline to the office, if set.
    pub unit: Option<Date>,
    /// The agency's deadline to the province, if set.
    pub agency: Option<Date>,
}

/// The root key of the configured deadlines in the plan document.
pub const DEADLINES_KEY: &str = "report_deadlines";

/// The deadlines configured for `period` in the plan document (none where unset or unreadable).
pub fn configured<D: ReadDoc>(plan: &D, period: PeriodKind) -> Configured {
    let Some(p) = all_objs(plan, &automerge::ROOT, DEADLINES_KEY, ObjType::Map)
        .into_iter()
        .find_map(|m| {
            all_objs(plan, &m, period.as_str(), ObjType::Map)
                .into_iter()
                .next()
        })
    else {
        return Configured::default();
    };
    let day = |key: &str| text_of(plan, &p, key).and_then(|t| t.parse::<Date>().ok());
    Configured {
        unit: day("unit"),
        agency: day("agency"),
    }
}

/// Keeps `set` as the configured deadlines of `period`, as one change by `author` made `at`
/// (an unset one is removed: the plan's or the regime's applies again).
pub fn configure(
    plan: &mut automerge::Automerge,
    author: &str,
    at: crate::model::doc::UnixTime,
    period: PeriodKind,
    set: &Configured,
) -> Result<(), Error> {
    plan.set_author(Some(crate::model::doc::author_for(author)));
    let mut tx = plan.transaction();
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Plan)?;
    let root = child(&mut tx, &automerge::ROOT, DEADLINES_KEY, ObjType::Map)?;
    let p = child(&mut tx, &root, period.as_str(), ObjType::Map)?;
    for (key, value) in [("unit", set.unit), ("agency", set.agency)] {
        match value {
            Some(d) => tx.put(&p, key, d.to_string())?,
            None if tx.get(&p, key)?.is_some() => tx.delete(&p, key)?,
            None => {}
        }
    }
    tx.commit_with(crate::model::doc::commit_options(at));
    Ok(())
}

/// The data window of `period` in `year` (Công văn 581/BNV-CCHC): Q1 15/12–14/3, 6 tháng
/// 15/12–14/6, Q3 15/6–14/9, năm 15/12–14/12, each from the 15/12 of the year before where it
/// says so. Both days included.
pub fn data_window(period: PeriodKind, year: i32) -> (Date, Date) {
    let d = |day, month, y| Date::from_dmy(day, month, y).expect("a real day");
    match period {
        PeriodKind::Q1 => (d(15, 12, year - 1), d(14, 3, year)),
        PeriodKind::H1 => (d(15, 12, year - 1), d(14, 6, year)),
        PeriodKind::Q3 => (d(15, 6, year), d(14, 9, year)),
        PeriodKind::Year => (d(15, 12, year - 1), d(14, 12, year)),
    }
}

/// The stretch after `period` until the next report's cut-off (what part 4 of the report, the
/// tasks ahead, covers): Q1 → 15/3–14/6, 6 tháng → 15/6–14/9, Q3 → 15/9–14/12, năm → the next
/// year's first quarter.
pub fn next_window(period: PeriodKind, year: i32) -> (Date, Date) {
    let d = |day, month, y| Date::from_dmy(day, month, y).expect("a real day");
    match period {
        PeriodKind::Q1 => (d(15, 3, year), d(14, 6, year)),
        PeriodKind::H1 => (d(15, 6, year), d(14, 9, year)),
        PeriodKind::Q3 => (d(15, 9, year), d(14, 12, year)),
        PeriodKind::Year => (d(15, 12, year), d(14, 3, year + 1)),
    }
}

/// Whether a report first sent at `effective` (Unix ms) is on time for `deadline` (the whole
/// deadline day counts, in Vietnam's time).
pub fn on_time(effective: i64, deadline: Date) -> bool {
    Date::from_unix_millis_vn(effective).is_some_and(|d| d <= deadline)
}

/// A reminder of a unit deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reminder {
    /// `n` days before the deadline (7, 3 or 1).
    DaysBefore(u8),
    /// The deadline has passed and nothing was sent.
    Overdue,
}

impl Reminder {
    /// The reminder's text for `period` due on `deadline`.
    pub fn text(self, period_name: &str, deadline: Date) -> String {
        match self {
            Reminder::DaysBefore(n) => format!(
                "Còn {n} ngày đến hạn gửi {period_name} (hạn {})",
                deadline.vi()
            ),
            Reminder::Overdue => format!("Đã quá hạn gửi {period_name} (hạn {})", deadline.vi()),
        }
    }
}

/// The days before a deadline a reminder is due.
pub const REMIND_DAYS: [u8; 3] = [7, 3, 1];

/// The reminders of a deadline and the day each falls on: 7, 3 and 1 days before, and the day
/// after (overdue).
pub fn reminder_schedule(deadline: Date) -> Vec<(Date, Reminder)> {
    REMIND_DAYS
        .iter()
        .map(|&n| (deadline.add_days(-i64::from(n)), Reminder::DaysBefore(n)))
        .chain(std::iter::once((deadline.add_days(1), Reminder::Overdue)))
        .collect()
}

/// The reminder that stands on `today` for a report due on `deadline`, if it is not sent yet:
/// the latest one whose day has come (so a tablet that was off on the 7-day mark shows the
/// 3-day one when it is time, and "overdue" every day after the deadline).
pub fn reminder_on(today: Date, deadline: Date, sent: bool) -> Option<Reminder> {
    if sent {
        return None;
    }
    reminder_schedule(deadline)
        .into_iter()
        .filter(|(day, _)| *day <= today)
        .map(|(_, r)| r)
        .next_back()
}
