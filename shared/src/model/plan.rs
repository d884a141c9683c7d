//! The plan document: one agency's CCHC plan for a year — its header, legal bases, purposes,
//! the nine areas and their lettered tasks, reporting periods and recipients.
//!
//! Stage: *model*. Produced by the importer, stored as an Automerge document
//! ([`crate::model::doc`]), edited by the central office (part III lets it adjust the plan during
//! the year), read by every unit and by the status computation.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::model::org::Assignee;
use crate::model::schedule::Schedule;
use crate::model::{Date, Error};

/// A CCHC plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Plan {
    /// Stable id of the plan, e.g. `kh-cchc-2025-so-khoa-hoc-va-cong-nghe`.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub id: String,
    /// The number as printed ("/KH-SKHCN" while the number is not yet assigned).
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub number: String,
    /// Date of issue.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub date: Option<Date>,
    /// Place of issue ("Quảng Ngãi").
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub place: String,
    /// Title after "KẾ HOẠCH".
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub title: String,
    /// The year the plan covers.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub year: Option<i32>,
    /// The issuing agency as named in the plan ("Sở Khoa học và Công nghệ").
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub issuer: String,
    /// The issuing agency's id in the organisation document.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub agency_id: String,
    /// Who signs: title and name.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub signer: Signer,
    /// The "Căn cứ…" paragraphs.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub legal_bases: Vec<String>,
    /// "Mục đích" items.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub purposes: Vec<String>,
    /// "Yêu cầu" items.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub requirements: Vec<String>,
    /// Areas 1..9 with their tasks.
    #[autosurgeon(
        hydrate = "crate::model::isolate::entries",
        reconcile = "crate::model::isolate::keep_unknown"
    )]
    pub areas: Vec<Area>,
    /// Reporting periods and their deadlines, from part III.
    #[autosurgeon(
        hydrate = "crate::model::isolate::entries",
        reconcile = "crate::model::isolate::keep_unknown"
    )]
    pub reporting_periods: Vec<ReportingPeriod>,
    /// The other paragraphs of part III (Tổ chức thực hiện).
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub implementation: Vec<String>,
    /// "Nơi nhận".
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub recipients: Vec<String>,
    /// The plans whose year this one continues (replaced mid-year, or of an agency merged into
    /// this one), appended only ([`crate::model::links`]): whole-model writes leave them alone.
    #[autosurgeon(
        hydrate = "crate::model::links::hydrate_links",
        reconcile = "crate::model::links::keep_links"
    )]
    #[serde(default)]
    pub links: Vec<crate::model::links::PlanLink>,
    /// The plan of the year before that this one continues, and the task each of its tasks
    /// carries on ([`crate::model::previous`]): recorded once, when the plan is imported;
    /// whole-model writes leave it alone.
    #[autosurgeon(
        hydrate = "crate::model::previous::hydrate_previous",
        reconcile = "crate::model::previous::leave_previous"
    )]
    #[serde(default)]
    pub previous: Option<crate::model::previous::Previous>,
    /// Mid-year revisions ("kế hoạch điều chỉnh, bổ sung", [`crate::model::revision`]), in date
    /// order, appended only: whole-model writes leave them alone.
    #[autosurgeon(
        hydrate = "crate::model::revision::hydrate_revisions",
        reconcile = "crate::model::revision::leave_revisions"
    )]
    #[serde(default)]
    pub revisions: Vec<crate::model::revision::Revision>,
    /// What this reading of the document could not read ([`crate::model::isolate`]): never stored.
    #[autosurgeon(
        hydrate = "crate::model::isolate::none",
        reconcile = "crate::model::isolate::nothing"
    )]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<crate::model::isolate::Problem>,
}

/// Who signs the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Signer {
    /// "GIÁM ĐỐC", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"…
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub title: String,
    /// The signer's name.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub name: String,
}

/// One of the plan's areas (1. chỉ đạo điều hành … 9. PCI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Area {
    /// The area's number as printed.
    #[key]
    #[autosurgeon(hydrate = "crate::model::isolate::key")]
    pub number: u32,
    /// The area's heading.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub title: String,
    /// Its tasks, in plan order, each read on its own ([`crate::model::isolate`]).
    #[autosurgeon(
        hydrate = "crate::model::isolate::entries",
        reconcile = "crate::model::isolate::keep_unknown"
    )]
    pub tasks: Vec<Task>,
}

/// One task of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Task {
    /// Stable id (ASCII), unique in the plan even where the plan repeats a letter.
    #[key]
    #[autosurgeon(hydrate = "crate::model::isolate::key")]
    pub id: String,
    /// The code as printed, e.g. "3.g" (or "9" for an area that is itself one task).
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub code: String,
    /// The task's heading paragraph.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub title: String,
    /// Further paragraphs of the task that are not labelled lines.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub description: Vec<String>,
    /// Lead units (chủ trì).
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub lead: Vec<Assignee>,
    /// Coordinating units (phối hợp).
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub coordinating: Vec<Assignee>,
    /// Products (sản phẩm), one item each; "+" sub-items become items of their own.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub products: Vec<String>,
    /// The timeline text as written, and what was understood from it.
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub schedule: Schedule,
    /// The day the central office retired the task (kept with its history, no longer counted).
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub retired_on: Option<Date>,
}

impl Task {
    /// Whether the task still counts on `as_of`.
    pub fn is_active(&self, as_of: Date) -> bool {
        self.retired_on.is_none_or(|r| as_of < r)
    }
}

/// The four reporting periods of a CCHC year.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    Reconcile,
    Hydrate,
)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// Báo cáo quý I.
    Q1,
    /// Báo cáo 6 tháng.
    H1,
    /// Báo cáo quý III (9 tháng).
    Q3,
    /// Báo cáo năm.
    Year,
}

impl PeriodKind {
    /// All periods in order.
    pub const ALL: [PeriodKind; 4] = [
        PeriodKind::Q1,
        PeriodKind::H1,
        PeriodKind::Q3,
        PeriodKind::Year,
    ];

    /// The key used in progress documents and URLs (`q1`, `h1`, `q3`, `year`).
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Q1 => "q1",
            PeriodKind::H1 => "h1",
            PeriodKind::Q3 => "q3",
            PeriodKind::Year => "year",
        }
    }

    /// The Vietnamese name.
    pub fn vi(self) -> &'static str {
        match self {
            PeriodKind::Q1 => "Quý I",
            PeriodKind::H1 => "6 tháng",
            PeriodKind::Q3 => "Quý III",
            PeriodKind::Year => "Năm",
        }
    }

    /// The last day of the months the period covers in `year`.
    pub fn covers_until(self, year: i32) -> Date {
        let q = match self {
            PeriodKind::Q1 => 1,
            PeriodKind::H1 => 2,
            PeriodKind::Q3 => 3,
            PeriodKind::Year => 4,
        };
        Date::end_of_quarter(q, year).expect("quarters 1-4 exist")
    }
}

impl std::str::FromStr for PeriodKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        PeriodKind::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim().to_lowercase())
            .ok_or_else(|| {
                Error::InvalidValue(format!("kỳ báo cáo không hợp lệ: {s} (q1, h1, q3, year)"))
            })
    }
}

/// A reporting period and its deadline as set in part III.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct ReportingPeriod {
    /// Which period.
    #[key]
    #[autosurgeon(hydrate = "crate::model::isolate::key")]
    pub kind: PeriodKind,
    /// Its name as written ("Báo cáo quý I").
    #[autosurgeon(hydrate = "crate::model::isolate::field")]
    pub name: String,
    /// The deadline of the report.
    #[autosurgeon(hydrate = "crate::model::lenient::read")]
    pub deadline: Date,
}

impl Plan {
    /// Every task, with its area number, in plan order.
    pub fn tasks(&self) -> impl Iterator<Item = (&Area, &Task)> {
        self.areas
            .iter()
            .flat_map(|a| a.tasks.iter().map(move |t| (a, t)))
    }

    /// The task with id `id`.
    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks().map(|(_, t)| t).find(|t| t.id == id)
    }

    /// The task printed as `code` (the first one, where a plan repeats a code).
    pub fn task_by_code(&self, code: &str) -> Option<&Task> {
        self.tasks().map(|(_, t)| t).find(|t| t.code == code)
    }

    /// The reporting period of kind `kind`.
    pub fn period(&self, kind: PeriodKind) -> Option<&ReportingPeriod> {
        self.reporting_periods.iter().find(|p| p.kind == kind)
    }

    /// The year the plan covers: its own, else the year of its first deadline.
    pub fn effective_year(&self) -> Option<i32> {
        self.year
            .or_else(|| self.reporting_periods.first().map(|p| p.deadline.year()))
    }
}

crate::lenient_types!(default: Signer);
crate::lenient_types!(required: Area, Task, PeriodKind, ReportingPeriod);
