//! The province's roll-up: one row per agency (sở, xã, phường, đặc khu) for a period and an "as
//! of" day — its plan's counts and completion, the plan-completion score, the reports expected,
//! received and on time — and the PAR-index criteria the tracker can measure, with their
//! working. Sorting and filtering are here too, so the server's export and the province
//! viewer's screen agree.
//!
//! Stage: *view of the status*: the server computes a row per agency from that agency's own
//! status (`crate::views::status`) and reporting workflow (`crate::workflow`); the client gets the
//! rows, never the documents.

use serde::{Deserialize, Serialize};

use crate::model::Date;
use crate::model::org::{Agency, AgencyKind};
use crate::model::plan::{PeriodKind, Plan};
use crate::views::report::{Score, ScoreRule, reporting_score, score};
use crate::views::status::{Counts, Summary};
use crate::workflow;

/// The kind of an agency as the province files it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Sở (a provincial department).
    So,
    /// Xã.
    Xa,
    /// Phường.
    Phuong,
    /// Đặc khu.
    DacKhu,
    /// Anything else.
    Khac,
}

impl Kind {
    /// Every kind, in the filter's order.
    pub const ALL: [Kind; 5] = [Kind::So, Kind::Xa, Kind::Phuong, Kind::DacKhu, Kind::Khac];

    /// The word in the UI.
    pub fn vi(self) -> &'static str {
        match self {
            Kind::So => "Sở",
            Kind::Xa => "Xã",
            Kind::Phuong => "Phường",
            Kind::DacKhu => "Đặc khu",
            Kind::Khac => "Khác",
        }
    }

    /// The stored word (`so`, `xa`, `phuong`, `dac_khu`, `khac`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::So => "so",
            Kind::Xa => "xa",
            Kind::Phuong => "phuong",
            Kind::DacKhu => "dac_khu",
            Kind::Khac => "khac",
        }
    }

    /// The kind of `agency`: a department is a Sở; a People's Committee is told by its name
    /// ("UBND phường …", "Đặc khu …", else a xã).
    pub fn of(agency: &Agency) -> Kind {
        let name = agency.name.to_lowercase();
        match agency.kind {
            AgencyKind::Department => Kind::So,
            _ if name.contains("đặc khu") => Kind::DacKhu,
            _ if name.contains("phường") => Kind::Phuong,
            AgencyKind::Commune => Kind::Xa,
            _ if name.contains("xã") => Kind::Xa,
            _ if name.starts_with("sở") => Kind::So,
            _ => Kind::Khac,
        }
    }
}

/// One PAR-index criterion as far as the tracker can measure it, with its working.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// The criterion, as the index names it.
    pub name: String,
    /// Points earned.
    pub points: f64,
    /// Points possible.
    pub max_points: f64,
    /// How it was worked out: what counted, one line each.
    pub working: Vec<String>,
}

/// The reports of a period: expected from the units, received, on time; and whether the agency
/// made its own report (recorded by the server).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reports {
    /// Units expected to report (all but the central office).
    pub expected: usize,
    /// Of those, how many sent the period's report.
    pub received: usize,
    /// Of those, how many by the unit deadline.
    pub on_time: usize,
    /// Whether the agency's report for the period was made (a DOCX or XLSX recorded).
    pub agency_report_made: bool,
}

/// One agency's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyRow {
    /// Agency id.
    pub agency_id: String,
    /// Its name.
    pub agency: String,
    /// Its kind.
    pub kind: Kind,
    /// Its plan's id (the drill-down opens it).
    pub plan_id: String,
    /// Its plan's title.
    pub plan_title: String,
    /// Its plan's year (the roll-up lists one year's plans; a row says which).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The day its figures are computed as of: the day picked, else its plan's own rule
    /// ([`crate::views::status::as_of()`]: a period whose deadline passed, as of that deadline —
    /// the office's configured one where it set one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Date>,
    /// The headline counts.
    pub counts: Counts,
    /// The plan-completion score.
    pub score: Score,
    /// The period's reports.
    pub reports: Reports,
    /// The PAR-index criteria measured, with their working.
    pub criteria: Vec<Criterion>,
    /// The plans whose year this row also counts (replaced mid-year, of an agency merged into
    /// this one: [`crate::views::year`]), by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_plans: Vec<String>,
    /// How: one line per linked plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub continues: Vec<String>,
    /// When another row's plan continues this one's year: which (this row's figures count there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continued_by: Option<String>,
}

impl AgencyRow {
    /// Points over every criterion measured.
    pub fn points(&self) -> (f64, f64) {
        self.criteria
            .iter()
            .fold((0.0, 0.0), |(p, m), c| (p + c.points, m + c.max_points))
    }
}

/// The roll-up of a province for a year's plans and a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rollup {
    /// The plans' year.
    #[serde(default)]
    pub year: Option<i32>,
    /// The period.
    pub period: PeriodKind,
    /// The day counted for: the day picked, else the period's by the regime's deadline
    /// ([`crate::views::status::as_of_in`]); a row whose office set another deadline says its own.
    pub as_of: Date,
    /// The period was over and no day was picked: `as_of` is its report deadline.
    #[serde(default)]
    pub closed: bool,
    /// What the screen says of it ("Quý I năm 2025 đã qua hạn báo cáo — số liệu tính đến …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Every year some readable agency has a plan for (the year picker's choices).
    #[serde(default)]
    pub years: Vec<i32>,
    /// When the server computed it (Unix seconds): shown with a kept copy offline.
    pub computed_at: i64,
    /// One row per agency the user may read.
    pub rows: Vec<AgencyRow>,
}

/// What the roll-up needs of one agency's reporting: per unit expected to report, whether it
/// sent and whether on time.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    /// (unit name, sent, on time).
    pub units: Vec<(String, bool, bool)>,
    /// When the agency's report for the period was made, if it was (Unix seconds).
    pub report_made_at: Option<i64>,
}

/// The province's deadline for issuing the year's plan: by default the 31 December before the
/// year (configurable on the server).
pub fn plan_deadline(year: i32, month_day: (u32, u32)) -> Option<Date> {
    let (m, d) = month_day;
    // A deadline late in the year is the year before's; an early one is within the year.
    let y = if m >= 7 { year - 1 } else { year };
    Date::from_dmy(d, m, y).ok()
}

/// One agency's row from its plan, its status for the period, its reporting and the rule.
pub fn row(
    plan: &Plan,
    agency: &Agency,
    summary: &Summary,
    sent: &Sent,
    rule: &ScoreRule,
    plan_deadline_md: (u32, u32),
) -> AgencyRow {
    let sc = score(&summary.headline, rule);
    let reports = Reports {
        expected: sent.units.len(),
        received: sent.units.iter().filter(|u| u.1).count(),
        on_time: sent.units.iter().filter(|u| u.2).count(),
        agency_report_made: sent.report_made_at.is_some(),
    };
    let mut criteria = Vec::new();

    // 1. The plan issued on time.
    let year = plan.effective_year();
    let deadline = year.and_then(|y| plan_deadline(y, plan_deadline_md));
    let (points, working) = match (plan.date, deadline) {
        (Some(issued), Some(due)) => (
            if issued <= due { 1.0 } else { 0.0 },
            vec![format!(
                "Kế hoạch số {} ban hành ngày {}; hạn {}: {}",
                plan.number.trim(),
                issued.vi(),
                due.vi(),
                if issued <= due {
                    "đúng hạn"
                } else {
                    "quá hạn"
                }
            )],
        ),
        _ => (
            0.0,
            vec!["Không xác định được ngày ban hành kế hoạch hoặc năm của kế hoạch".into()],
        ),
    };
    criteria.push(Criterion {
        name: "Ban hành kế hoạch CCHC năm đúng thời hạn".into(),
        points,
        max_points: 1.0,
        working,
    });

    // 2. The level of completion.
    let open: Vec<String> = summary
        .tasks
        .iter()
        .filter(|t| t.due && !t.state.is_done())
        .map(|t| t.code.clone())
        .collect();
    let mut working = vec![format!(
        "Hoàn thành {}/{} nhiệm vụ đến hạn ({:.1}%)",
        sc.done,
        sc.due,
        sc.rate * 100.0
    )];
    if !open.is_empty() {
        working.push(format!("Chưa hoàn thành: {}", open.join(", ")));
    }
    criteria.push(Criterion {
        name: "Mức độ hoàn thành kế hoạch CCHC".into(),
        points: sc.points,
        max_points: sc.max_points,
        working,
    });

    // 3. Periodic reports complete and on time.
    let mut working = vec![format!(
        "{}/{} đơn vị đã gửi, {} đúng hạn",
        reports.received, reports.expected, reports.on_time
    )];
    for (unit, was_sent, in_time) in &sent.units {
        if !was_sent {
            working.push(format!("{unit}: chưa gửi"));
        } else if !in_time {
            working.push(format!("{unit}: gửi quá hạn"));
        }
    }
    working.push(match sent.report_made_at {
        Some(_) => "Báo cáo của cơ quan đã được lập".into(),
        None => "Báo cáo của cơ quan chưa được lập".into(),
    });
    let (points, max_points) = reporting_score(reports.on_time, reports.expected, rule)
        .unwrap_or((0.0, rule.reporting_points));
    criteria.push(Criterion {
        name: "Thực hiện chế độ báo cáo CCHC định kỳ đầy đủ, đúng hạn".into(),
        points: if reports.agency_report_made {
            points
        } else {
            0.0
        },
        max_points,
        working,
    });

    AgencyRow {
        agency_id: agency.id.clone(),
        agency: agency.name.clone(),
        kind: Kind::of(agency),
        plan_id: plan.id.clone(),
        plan_title: plan.title.clone(),
        year: plan.effective_year(),
        as_of: Some(summary.as_of),
        counts: summary.headline.clone(),
        score: sc,
        reports,
        criteria,
        linked_plans: Vec::new(),
        continues: Vec::new(),
        continued_by: None,
    }
}

/// `row` over the year of its plan and the plans it continues ([`crate::views::year`]): the counts,
/// the score and the completion criterion of every task counted, the plans named in the working.
pub fn with_year(
    mut row: AgencyRow,
    year: &crate::views::year::Year,
    links: &[crate::model::links::PlanLink],
    rule: &ScoreRule,
) -> AgencyRow {
    if year.parts.len() < 2 {
        return row;
    }
    let sc = score(&year.counts, rule);
    let parts: Vec<String> = year
        .parts
        .iter()
        .map(|p| {
            format!(
                "{} ({}): {} nhiệm vụ, {} đến hạn, {} hoàn thành",
                p.title,
                match p.role {
                    crate::views::year::Role::Continuing => "kế hoạch đang thực hiện".to_string(),
                    crate::views::year::Role::Replaced { from } => format!(
                        "thay thế từ {}, tính nhiệm vụ đến hạn trước ngày đó",
                        from.vi()
                    ),
                    crate::views::year::Role::Absorbed { from } =>
                        format!("{}, sáp nhập từ {}", p.agency, from.vi()),
                },
                p.counts.total,
                p.counts.due,
                p.counts.done_on_time + p.counts.done_late,
            )
        })
        .collect();
    if let Some(c) = row
        .criteria
        .iter_mut()
        .find(|c| c.name == "Mức độ hoàn thành kế hoạch CCHC")
    {
        c.points = sc.points;
        c.max_points = sc.max_points;
        c.working = std::iter::once(format!(
            "Cả năm: hoàn thành {}/{} nhiệm vụ đến hạn ({:.1}%)",
            sc.done,
            sc.due,
            sc.rate * 100.0
        ))
        .chain(parts)
        .collect();
    }
    let titles: std::collections::HashMap<&str, &str> = year
        .parts
        .iter()
        .map(|p| (p.plan_id.as_str(), p.title.as_str()))
        .collect();
    row.linked_plans = links.iter().map(|l| l.plan_id.clone()).collect();
    row.continues = links
        .iter()
        .map(|l| {
            l.describe(
                titles
                    .get(l.plan_id.as_str())
                    .copied()
                    .unwrap_or(&l.plan_id),
            )
        })
        .collect();
    row.counts = year.counts.clone();
    row.score = sc;
    row
}

/// Marks the rows whose plan another row continues (replaced, or merged into another agency):
/// their figures are counted there.
pub fn mark_continued(rows: &mut [AgencyRow]) {
    let by: Vec<(String, String)> = rows
        .iter()
        .flat_map(|r| {
            r.linked_plans
                .iter()
                .map(|p| (p.clone(), format!("{} — {}", r.agency, r.plan_title)))
        })
        .collect();
    for r in rows.iter_mut() {
        r.continued_by = by
            .iter()
            .find(|(p, _)| *p == r.plan_id)
            .map(|(_, who)| who.clone());
    }
}

/// A column to sort the roll-up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Agency name.
    Agency,
    /// Tasks in the plan.
    Total,
    /// Tasks due.
    Due,
    /// Done on time.
    DoneOnTime,
    /// Done late.
    DoneLate,
    /// Overdue.
    Overdue,
    /// Completion over all tasks.
    Completion,
    /// Completion over the tasks due.
    DueCompletion,
    /// The plan-completion score.
    Score,
    /// Reports on time.
    ReportsOnTime,
    /// Points over the criteria.
    Points,
}

impl SortKey {
    /// Every key, in the table's column order.
    pub const ALL: [SortKey; 11] = [
        SortKey::Agency,
        SortKey::Total,
        SortKey::Due,
        SortKey::DoneOnTime,
        SortKey::DoneLate,
        SortKey::Overdue,
        SortKey::Completion,
        SortKey::DueCompletion,
        SortKey::Score,
        SortKey::ReportsOnTime,
        SortKey::Points,
    ];

    /// The column's heading.
    pub fn vi(self) -> &'static str {
        match self {
            SortKey::Agency => "Cơ quan",
            SortKey::Total => "Nhiệm vụ",
            SortKey::Due => "Đến hạn",
            SortKey::DoneOnTime => "Hoàn thành đúng hạn",
            SortKey::DoneLate => "Hoàn thành quá hạn",
            SortKey::Overdue => "Quá hạn",
            SortKey::Completion => "Tỷ lệ hoàn thành (%)",
            SortKey::DueCompletion => "Tỷ lệ hoàn thành nhiệm vụ đến hạn (%)",
            SortKey::Score => "Điểm mức độ hoàn thành",
            SortKey::ReportsOnTime => "Báo cáo đúng hạn",
            SortKey::Points => "Tổng điểm tiêu chí",
        }
    }

    /// The stable key for tests and the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Agency => "agency",
            SortKey::Total => "total",
            SortKey::Due => "due",
            SortKey::DoneOnTime => "done_on_time",
            SortKey::DoneLate => "done_late",
            SortKey::Overdue => "overdue",
            SortKey::Completion => "completion",
            SortKey::DueCompletion => "due_completion",
            SortKey::Score => "score",
            SortKey::ReportsOnTime => "reports_on_time",
            SortKey::Points => "points",
        }
    }

    fn value(self, r: &AgencyRow) -> f64 {
        match self {
            SortKey::Agency => 0.0,
            SortKey::Total => r.counts.total as f64,
            SortKey::Due => r.counts.due as f64,
            SortKey::DoneOnTime => r.counts.done_on_time as f64,
            SortKey::DoneLate => r.counts.done_late as f64,
            SortKey::Overdue => r.counts.overdue as f64,
            SortKey::Completion => r.counts.completion_rate,
            SortKey::DueCompletion => r.counts.due_completion_rate,
            SortKey::Score => r.score.points,
            SortKey::ReportsOnTime => r.reports.on_time as f64,
            SortKey::Points => r.points().0,
        }
    }
}

/// The rows of `kind` (all with `None`), sorted by `key` (descending with `desc`; ties and the
/// agency column by name, Vietnamese letters by their code points).
pub fn view(rows: &[AgencyRow], kind: Option<Kind>, key: SortKey, desc: bool) -> Vec<AgencyRow> {
    let mut out: Vec<AgencyRow> = rows
        .iter()
        .filter(|r| kind.is_none_or(|k| r.kind == k))
        .cloned()
        .collect();
    out.sort_by(|a, b| {
        let by_value = key
            .value(a)
            .partial_cmp(&key.value(b))
            .unwrap_or(std::cmp::Ordering::Equal);
        let ord = by_value.then_with(|| a.agency.cmp(&b.agency));
        if desc { ord.reverse() } else { ord }
    });
    out
}

/// The `Sent` of an agency from its units' workflow states for the period: the units expected
/// (all but the central office) with whether and when they sent, by `deadline`. The units are
/// those that existed on `as_of`, under the names they had then ([`Agency::on`]): a unit created
/// later is never one the period expected, nor is one renamed later named anew.
pub fn sent_from(
    agency: &Agency,
    as_of: Date,
    states: &[(String, workflow::ReportState)],
    deadline: Option<Date>,
    report_made_at: Option<i64>,
) -> Sent {
    let agency = agency.on(as_of);
    let units = agency
        .units
        .iter()
        .filter(|u| agency.central_office.as_deref() != Some(u.id.as_str()))
        .map(|u| {
            let first = states
                .iter()
                .find(|(id, _)| id == &u.id)
                .and_then(|(_, st)| st.first_submitted.as_ref());
            let on_time =
                first.is_some_and(|f| deadline.is_some_and(|d| workflow::on_time(f.effective, d)));
            (u.name.clone(), first.is_some(), on_time)
        })
        .collect();
    Sent {
        units,
        report_made_at,
    }
}

#[cfg(test)]
mod tests;
