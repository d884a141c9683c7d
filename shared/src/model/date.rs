//! Calendar dates as they travel through documents, JSON and the Vietnamese UI.
//!
//! Stage: *model*. A [`Date`] is stored in Automerge and JSON as `YYYY-MM-DD` and shown to users
//! as `dd/mm/yyyy` ([`Date::vi`]).

use std::fmt;
use std::str::FromStr;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::model::Error;

/// A calendar day (no time zone: plan deadlines are civil dates in Vietnam).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date(NaiveDate);

impl Date {
    /// The date `day/month/year`, or an error naming the impossible date (e.g. 31/02/2025).
    pub fn from_dmy(day: u32, month: u32, year: i32) -> Result<Self, Error> {
        NaiveDate::from_ymd_opt(year, month, day)
            .map(Date)
            .ok_or_else(|| Error::InvalidDate(format!("{day:02}/{month:02}/{year}")))
    }

    /// The last day of `month` in `year`.
    pub fn end_of_month(month: u32, year: i32) -> Result<Self, Error> {
        let first_next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        };
        match (first_next, (1..=12).contains(&month)) {
            (Some(d), true) => Ok(Date(d.pred_opt().expect("not the first day ever"))),
            _ => Err(Error::InvalidDate(format!("tháng {month}/{year}"))),
        }
    }

    /// The last day of quarter `q` (1–4) in `year`.
    pub fn end_of_quarter(q: u32, year: i32) -> Result<Self, Error> {
        if !(1..=4).contains(&q) {
            return Err(Error::InvalidDate(format!("quý {q}/{year}")));
        }
        Self::end_of_month(q * 3, year)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// The month (1–12).
    pub fn month(self) -> u32 {
        self.0.month()
    }

    /// The day of the month.
    pub fn day(self) -> u32 {
        self.0.day()
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(self, other: Date) -> i64 {
        (other.0 - self.0).num_days()
    }

    /// `self` moved by `days`.
    pub fn add_days(self, days: i64) -> Date {
        Date(self.0 + chrono::Duration::days(days))
    }

    /// The date shown in the Vietnamese UI: `dd/mm/yyyy`.
    pub fn vi(self) -> String {
        self.0.format("%d/%m/%Y").to_string()
    }

    /// The date of a Unix time in milliseconds, in Vietnam (UTC+7, no daylight saving).
    pub fn from_unix_millis_vn(ms: i64) -> Option<Date> {
        let secs = ms.div_euclid(1000) + 7 * 3600;
        chrono::DateTime::from_timestamp(secs, 0).map(|t| Date(t.date_naive()))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl FromStr for Date {
    type Err = Error;

    /// Accepts `YYYY-MM-DD` and the Vietnamese `dd/mm/yyyy`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        let bad = || Error::InvalidDate(s.to_string());
        if let Some((d, rest)) = s.split_once('/') {
            let (m, y) = rest.split_once('/').ok_or_else(bad)?;
            let num = |x: &str| x.trim().parse::<u32>().map_err(|_| bad());
            return Self::from_dmy(num(d)?, num(m)?, num(y)? as i32);
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Date)
            .map_err(|_| bad())
    }
}

impl TryFrom<String> for Date {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        s.parse()
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

impl Reconcile for Date {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(self.to_string())
    }
}

impl Hydrate for Date {
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        s.parse()
            .map_err(|_| HydrateError::unexpected("a date as YYYY-MM-DD", s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_iso_and_vietnamese_forms() {
        let d: Date = "15/01/2025".parse().unwrap();
        assert_eq!(d, "2025-01-15".parse().unwrap());
        assert_eq!(d.vi(), "15/01/2025");
        assert_eq!(d.to_string(), "2025-01-15");
    }

    #[test]
    fn impossible_dates_are_refused_with_the_date_named() {
        let err = "31/02/2025".parse::<Date>().unwrap_err();
        assert!(err.to_string().contains("31/02/2025"), "{err}");
        assert!(Date::end_of_quarter(5, 2025).is_err());
    }

    #[test]
    fn quarter_and_month_ends() {
        assert_eq!(Date::end_of_quarter(1, 2025).unwrap().vi(), "31/03/2025");
        assert_eq!(Date::end_of_month(2, 2024).unwrap().vi(), "29/02/2024");
        assert_eq!(Date::end_of_month(12, 2025).unwrap().vi(), "31/12/2025");
    }

    #[test]
    fn vietnam_day_of_a_timestamp() {
        // 2025-03-02T18:00:00Z is already 3 March in Vietnam.
        let ms = 1_740_938_400_000;
        assert_eq!(Date::from_unix_millis_vn(ms).unwrap().vi(), "03/03/2025");
    }
}
