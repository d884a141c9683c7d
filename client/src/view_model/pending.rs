//! The start screen's pending work of any year: for a unit, its period reports the office
//! returned ("Văn phòng trả lại: …") or it never sent after their deadline, those waiting for
//! its head's approval (the head's list), and the tasks of last year's plan it led and did not
//! finish by that year's end; for the central office, the units' approved reports waiting for
//! it. Each item names where it leads ([`Target`]: the plan, then the period report or the
//! task), so a tap switches the workspace there.
//!
//! Stage: *view model*, pure: each plan's documents as read ([`PlanView`]) and today in, items
//! out; the states are `shared::workflow`'s and `shared::status`'s, the same as every screen's.

use tiendo_shared::model::role::Role;
use tiendo_shared::model::{Agency, Date, PeriodKind, Plan, Progress};
use tiendo_shared::views::status::{self, TaskState};
use tiendo_shared::workflow::{self, Phase};

use super::reporting::{Reporting, reporting_units};
use super::tasks::{self, Part};

/// Where an item leads, inside a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goto {
    /// The unit's report of a period (the unit's task list on that period, its report panel).
    Report(PeriodKind),
    /// One of the unit's tasks, for a period (its progress form).
    Task {
        /// The task.
        task_id: String,
        /// The period reported on.
        period: PeriodKind,
    },
    /// The office's table of the units' reports for a period (the summary).
    Office(PeriodKind),
}

/// A plan and the place in it an item leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The plan to open.
    pub plan_id: String,
    /// What to show in it.
    pub goto: Goto,
}

/// What kind of pending work an item is (also its order on the screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The office returned the unit's report.
    Returned,
    /// The unit never sent a report whose deadline passed.
    Unsent,
    /// Sent, waiting for the unit head's approval (the head's list).
    AwaitingApproval,
    /// Approved, waiting for the office (the office's list).
    AwaitingOffice,
    /// A task of last year's plan not finished by that year's end.
    CarriedOver,
}

impl Kind {
    /// The key of its `data-kind` and CSS class.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Returned => "returned",
            Kind::Unsent => "unsent",
            Kind::AwaitingApproval => "awaiting-approval",
            Kind::AwaitingOffice => "awaiting-office",
            Kind::CarriedOver => "carried-over",
        }
    }
}

/// One item of pending work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// What kind.
    pub kind: Kind,
    /// The plan's year, if known.
    pub year: Option<i32>,
    /// What the item says ("Báo cáo năm 2025 — Văn phòng trả lại: Thiếu bản scan").
    pub text: String,
    /// Where it leads.
    pub target: Target,
    /// A stable id for its element (`pending-<plan>-<period or task>`).
    pub id: String,
}

/// One plan's documents as read on the device.
pub struct PlanView<'a> {
    /// The plan's id.
    pub plan_id: &'a str,
    /// The plan.
    pub plan: &'a Plan,
    /// The agency.
    pub agency: &'a Agency,
    /// The workflow's steps.
    pub reporting: &'a Reporting,
    /// The unit's progress and its predecessors' (for a unit member).
    pub progress: &'a [Progress],
}

/// Who the list is for.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    /// The user's unit, if any.
    pub unit: Option<&'a str>,
    /// The user's role.
    pub role: Role,
}

/// "Báo cáo quý I năm 2025", "Báo cáo 6 tháng năm 2025", "Báo cáo năm 2025".
pub fn report_name(period: PeriodKind, year: Option<i32>) -> String {
    let what = match period {
        PeriodKind::Q1 => "Báo cáo quý I",
        PeriodKind::H1 => "Báo cáo 6 tháng",
        PeriodKind::Q3 => "Báo cáo quý III",
        PeriodKind::Year => "Báo cáo",
    };
    match (period, year) {
        (_, Some(y)) => format!("{what} năm {y}"),
        (PeriodKind::Year, None) => "Báo cáo năm".into(),
        (_, None) => what.into(),
    }
}

/// Everything pending for `who` on `today` over the plans read (`views`), by kind, then year,
/// then period.
pub fn pending(views: &[PlanView<'_>], who: Who<'_>, today: Date) -> Vec<Item> {
    let mut items = Vec::new();
    for v in views {
        match who.unit {
            Some(unit) if who.role.is_unit_member() => {
                items.extend(unit_reports(v, unit, who.role, today));
                items.extend(carried_over(v, unit, today));
            }
            _ if who.role == Role::AgencyAdmin => items.extend(office_reports(v, today)),
            _ => {}
        }
    }
    // Stable: within a kind, the plans' order (oldest year first) and the periods' order.
    items.sort_by_key(|i| (i.kind, i.year.unwrap_or(i32::MAX)));
    items
}

fn year(v: &PlanView<'_>) -> Option<i32> {
    v.plan.effective_year()
}

fn item(v: &PlanView<'_>, kind: Kind, text: String, goto: Goto) -> Item {
    let place = match &goto {
        Goto::Report(p) | Goto::Office(p) => p.as_str().to_string(),
        Goto::Task { task_id, .. } => task_id.clone(),
    };
    Item {
        kind,
        year: year(v),
        id: format!("pending-{}-{}", v.plan_id, place),
        text,
        target: Target {
            plan_id: v.plan_id.to_string(),
            goto,
        },
    }
}

/// The unit's own reports of `v` that wait for it: returned by the office (whenever), never sent
/// once the unit's deadline passed, sent and waiting for the head (the head's list).
fn unit_reports(v: &PlanView<'_>, unit: &str, role: Role, today: Date) -> Vec<Item> {
    let mut out = Vec::new();
    for p in PeriodKind::ALL {
        let st = v.reporting.state(unit, p);
        let configured = v.reporting.configured.get(&p).copied().unwrap_or_default();
        let deadline = workflow::deadlines_with(v.plan, p, &configured).map(|d| d.unit);
        let name = report_name(p, year(v));
        let found = match st.phase {
            Phase::Returned => {
                let note = st
                    .returns
                    .last()
                    .map(|r| r.step.note.trim().to_string())
                    .unwrap_or_default();
                Some((
                    Kind::Returned,
                    format!("{name} — Văn phòng trả lại: {note}"),
                ))
            }
            Phase::Draft => deadline.filter(|d| *d < today).map(|d| {
                (
                    Kind::Unsent,
                    format!("{name} — chưa gửi, hạn {} đã qua", d.vi()),
                )
            }),
            Phase::Submitted if role == Role::UnitHead => Some((
                Kind::AwaitingApproval,
                format!("{name} — đã gửi, chờ lãnh đạo đơn vị duyệt"),
            )),
            _ => None,
        };
        if let Some((kind, text)) = found {
            out.push(item(v, kind, text, Goto::Report(p)));
        }
    }
    out
}

/// The tasks the unit led in last year's plan and had not finished by that year's end (as of
/// the annual report's deadline, [`status::as_of`]).
fn carried_over(v: &PlanView<'_>, unit: &str, today: Date) -> Vec<Item> {
    let Some(y) = year(v).filter(|y| *y == today.year() - 1) else {
        return Vec::new();
    };
    let configured = v
        .reporting
        .configured
        .get(&PeriodKind::Year)
        .copied()
        .unwrap_or_default();
    let end = status::as_of(v.plan, None, &configured, today).day;
    tasks::unit_tasks_on(
        v.plan,
        v.agency,
        unit,
        v.progress,
        end,
        today,
        PeriodKind::Year,
    )
    .into_iter()
    .flat_map(|g| g.rows)
    .filter(|r| r.part == Part::Lead && !r.state.is_done() && r.state != TaskState::Unable)
    .map(|r| {
        let text = format!(
            "Nhiệm vụ {} năm {y} chưa hoàn thành ({}%): {}",
            r.code,
            r.percent,
            short(&r.title)
        );
        item(
            v,
            Kind::CarriedOver,
            text,
            Goto::Task {
                task_id: r.task_id,
                period: PeriodKind::Year,
            },
        )
    })
    .collect()
}

/// A task's title cut to a line's length ("…" where cut).
fn short(title: &str) -> String {
    const MAX: usize = 100;
    if title.chars().count() <= MAX {
        return title.to_string();
    }
    let cut: String = title.chars().take(MAX).collect();
    format!("{}…", cut.trim_end())
}

/// The units' reports of `v` their heads approved and the office has not decided on yet, with
/// each unit's name as at the period's end (today's beside it where it changed).
fn office_reports(v: &PlanView<'_>, today: Date) -> Vec<Item> {
    let mut out = Vec::new();
    for p in PeriodKind::ALL {
        let end = p.covers_until(year(v).unwrap_or(today.year()));
        let waiting: Vec<String> = reporting_units(v.agency, v.reporting)
            .into_iter()
            .filter(|(id, _)| v.reporting.state(id, p).phase == Phase::Approved)
            .map(|(id, _)| v.agency.unit_name_then_now(&id, end.min(today), today))
            .collect();
        if !waiting.is_empty() {
            let text = format!(
                "{} — {} đơn vị chờ Văn phòng tiếp nhận: {}",
                report_name(p, year(v)),
                waiting.len(),
                waiting.join("; ")
            );
            out.push(item(v, Kind::AwaitingOffice, text, Goto::Office(p)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::model::WorkStatus;
    use tiendo_shared::workflow::{Action, Step};

    const UNIT: &str = "thanh-tra-so";

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn seed(year: i32) -> (Plan, Agency) {
        let text = tiendo_shared::fixtures::SEED_PLAN.replace("2025", &year.to_string());
        let imported = tiendo_shared::import::import(&text).unwrap();
        let agency = imported
            .org
            .agency(&imported.plan.agency_id)
            .unwrap()
            .clone();
        (imported.plan, agency)
    }

    fn step(id: &str, action: Action, role: Role, on: &str, note: &str) -> Step {
        Step {
            note: note.into(),
            ..Step::new(id, action, role.as_str(), role, 1_765_000_000_000, on)
        }
    }

    /// 2025: the annual report sent and returned with a note; Q1 sent; H1 and Q3 never sent.
    fn reporting_2025() -> Reporting {
        let mut r = Reporting::default();
        let unit = r.unit.entry(UNIT.into()).or_default();
        unit.insert(
            PeriodKind::Year,
            vec![step("s1", Action::Submit, Role::UnitEditor, "", "")],
        );
        unit.insert(
            PeriodKind::Q1,
            vec![step("s0", Action::Submit, Role::UnitEditor, "", "")],
        );
        r.office.insert(
            (UNIT.into(), PeriodKind::Year),
            vec![step(
                "r1",
                Action::Return,
                Role::AgencyAdmin,
                "s1",
                "Thiếu bản scan",
            )],
        );
        r
    }

    #[test]
    fn a_unit_sees_last_years_returned_and_unsent_reports_and_its_unfinished_lead_tasks() {
        let (p25, a25) = seed(2025);
        let (p26, a26) = seed(2026);
        let r25 = reporting_2025();
        let r26 = Reporting::default();
        // One of its 2025 lead tasks was finished in time: not carried over.
        let (done_id, lead_count) = {
            let groups =
                tasks::unit_tasks(&p25, &a25, UNIT, &[], d("2025-12-20"), PeriodKind::Year);
            let leads: Vec<_> = groups
                .iter()
                .flat_map(|g| &g.rows)
                .filter(|r| r.part == Part::Lead)
                .map(|r| r.task_id.clone())
                .collect();
            (leads[0].clone(), leads.len())
        };
        let mut progress = Progress::new(&p25.id, UNIT);
        let e = progress.entry_mut(&done_id, PeriodKind::Year);
        e.status = WorkStatus::Done;
        e.percent = 100;
        e.completed_on = Some(d("2025-06-01"));
        let today = d("2026-12-07");
        let views = [
            PlanView {
                plan_id: "kh-2025",
                plan: &p25,
                agency: &a25,
                reporting: &r25,
                progress: std::slice::from_ref(&progress),
            },
            PlanView {
                plan_id: "kh-2026",
                plan: &p26,
                agency: &a26,
                reporting: &r26,
                progress: &[],
            },
        ];
        let who = Who {
            unit: Some(UNIT),
            role: Role::UnitEditor,
        };
        let items = pending(&views, who, today);
        let first = &items[0];
        assert_eq!(first.kind, Kind::Returned);
        assert_eq!(
            first.text,
            "Báo cáo năm 2025 — Văn phòng trả lại: Thiếu bản scan"
        );
        assert_eq!(
            first.target,
            Target {
                plan_id: "kh-2025".into(),
                goto: Goto::Report(PeriodKind::Year)
            }
        );
        assert_eq!(first.id, "pending-kh-2025-year");
        let unsent: Vec<(&str, Option<i32>)> = items
            .iter()
            .filter(|i| i.kind == Kind::Unsent)
            .map(|i| (i.target.plan_id.as_str(), i.year))
            .collect();
        // 2025's H1 and Q3 (Q1 was sent, the year returned); 2026's four, whose deadlines to
        // the office passed (the seed's annual one is 25/11).
        assert_eq!(
            unsent,
            vec![
                ("kh-2025", Some(2025)),
                ("kh-2025", Some(2025)),
                ("kh-2026", Some(2026)),
                ("kh-2026", Some(2026)),
                ("kh-2026", Some(2026)),
                ("kh-2026", Some(2026)),
            ],
            "{items:#?}"
        );
        // On 20/11/2026 the 2026 annual report is not late yet.
        let before = pending(&views, who, d("2026-11-20"));
        assert!(!before.iter().any(|i| i.id == "pending-kh-2026-year"));
        assert!(
            items.iter().any(|i| i
                .text
                .starts_with("Báo cáo 6 tháng năm 2025 — chưa gửi, hạn ")),
            "{items:#?}"
        );
        let carried: Vec<&Item> = items
            .iter()
            .filter(|i| i.kind == Kind::CarriedOver)
            .collect();
        assert_eq!(carried.len(), lead_count - 1, "the finished one is not");
        assert!(carried.iter().all(|i| i.target.plan_id == "kh-2025"));
        assert!(!carried.iter().any(|i| matches!(&i.target.goto,
            Goto::Task { task_id, .. } if *task_id == done_id)));
        assert!(
            carried[0].text.starts_with("Nhiệm vụ "),
            "{}",
            carried[0].text
        );
        // A year later, 2025 is no longer last year: its tasks are not carried again.
        let later = pending(&views, who, d("2027-02-01"));
        assert!(
            later
                .iter()
                .all(|i| i.year != Some(2025) || i.kind != Kind::CarriedOver)
        );
    }

    #[test]
    fn the_head_sees_reports_to_approve_and_the_office_sees_approved_ones() {
        let (p25, a25) = seed(2025);
        let mut r = Reporting::default();
        r.unit.entry(UNIT.into()).or_default().insert(
            PeriodKind::Q3,
            vec![step("s1", Action::Submit, Role::UnitEditor, "", "")],
        );
        let view = |r| PlanView {
            plan_id: "kh-2025",
            plan: &p25,
            agency: &a25,
            reporting: r,
            progress: &[],
        };
        let today = d("2025-10-01");
        let head = pending(
            &[view(&r)],
            Who {
                unit: Some(UNIT),
                role: Role::UnitHead,
            },
            today,
        );
        assert!(
            head.iter().any(|i| i.kind == Kind::AwaitingApproval
                && i.target.goto == Goto::Report(PeriodKind::Q3)),
            "{head:#?}"
        );
        let office = Who {
            unit: Some("phong-hanh-chinh-tong-hop"),
            role: Role::AgencyAdmin,
        };
        assert!(
            pending(&[view(&r)], office, today).is_empty(),
            "not approved yet"
        );
        let mut approved = r.clone();
        approved
            .unit
            .get_mut(UNIT)
            .unwrap()
            .get_mut(&PeriodKind::Q3)
            .unwrap()
            .push(step("a1", Action::Approve, Role::UnitHead, "s1", ""));
        let items = pending(&[view(&approved)], office, today);
        assert_eq!(items.len(), 1, "{items:#?}");
        assert_eq!(items[0].kind, Kind::AwaitingOffice);
        assert_eq!(items[0].target.goto, Goto::Office(PeriodKind::Q3));
        assert!(
            items[0]
                .text
                .starts_with("Báo cáo quý III năm 2025 — 1 đơn vị chờ Văn phòng tiếp nhận: "),
            "{}",
            items[0].text
        );
        // A province viewer has nothing of its own pending here.
        let province = Who {
            unit: None,
            role: Role::ProvinceViewer,
        };
        assert!(pending(&[view(&approved)], province, today).is_empty());
    }
}
