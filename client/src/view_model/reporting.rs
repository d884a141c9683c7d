//! What the screens show of the reporting workflow: the steps read from the documents
//! ([`Reporting`], part of the snapshot), a unit's period report as its panel shows it
//! ([`panel`]: state, what this user may do, the reminder that stands), and the office's table
//! of every unit's report for a period ([`office_rows`]).
//!
//! Stage: *view model*, pure: the steps and the plan in, rows and words out (the rules are
//! `shared::workflow`'s).

use std::collections::{BTreeMap, HashMap};

use tiendo_shared::model::role::Role;
use tiendo_shared::model::{Date, PeriodKind, Plan};
use tiendo_shared::views::report::PartTexts;
use tiendo_shared::workflow::{self, Action, Deadlines, Phase, Reminder, ReportState, Step};

/// The workflow steps and the office's report texts, as the documents hold them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Reporting {
    /// Each unit's own steps, by period.
    pub unit: HashMap<String, HashMap<PeriodKind, Vec<Step>>>,
    /// The office's steps on each unit's report, by period.
    pub office: HashMap<(String, PeriodKind), Vec<Step>>,
    /// The office's texts for parts 1, 3 and 5, by period.
    pub texts: HashMap<PeriodKind, PartTexts>,
    /// The deadlines the office configured, by period.
    pub configured: HashMap<PeriodKind, workflow::Configured>,
    /// The display names of the people the user may see (`/api/me`), by username: steps name
    /// people by name, not login.
    pub names: HashMap<String, String>,
}

impl Reporting {
    /// The name of the user `username` took a step as, or the username when unknown.
    pub fn name_of<'a>(&'a self, username: &'a str) -> &'a str {
        self.names.get(username).map_or(username, String::as_str)
    }

    /// Where `unit`'s report for `period` stands, by the devices' corrected times alone (what a
    /// unit's tablet knows).
    pub fn state(&self, unit: &str, period: PeriodKind) -> ReportState {
        self.state_with(unit, period, &BTreeMap::new())
    }

    /// [`Reporting::state`] with the server's arrival times where known (`received`, step id →
    /// Unix ms; the office has them from the server).
    pub fn state_with(
        &self,
        unit: &str,
        period: PeriodKind,
        received: &BTreeMap<String, i64>,
    ) -> ReportState {
        let none = Vec::new();
        let own = self
            .unit
            .get(unit)
            .and_then(|p| p.get(&period))
            .unwrap_or(&none);
        let office = self
            .office
            .get(&(unit.to_string(), period))
            .unwrap_or(&none);
        workflow::derive(own, office, received)
    }
}

/// "dd/mm/yyyy hh:mm" of a Unix time in ms, in Vietnam's time.
pub fn when(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 7 * 3600;
    let day = Date::from_unix_millis_vn(ms)
        .map(|d| d.vi())
        .unwrap_or_default();
    let minutes = secs.rem_euclid(86_400) / 60;
    format!("{day} {:02}:{:02}", minutes / 60, minutes % 60)
}

/// A unit's period report as its panel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The state.
    pub phase: Phase,
    /// The deadlines, if the plan's year is known.
    pub deadlines: Option<Deadlines>,
    /// "Gửi ngày …", "Lãnh đạo duyệt ngày …", "Văn phòng tiếp nhận ngày …": the steps so far.
    pub lines: Vec<String>,
    /// The office's note when it returned the report (the latest return while returned).
    pub returned_note: Option<String>,
    /// The latest return was the unit's head's ([`Action::SendBack`]), not the office's.
    pub returned_by_head: bool,
    /// On time or late, once sent (by the first submission).
    pub on_time: Option<bool>,
    /// What this user may do now.
    pub actions: Vec<Action>,
    /// The reminder that stands today, in words.
    pub reminder: Option<(Reminder, String)>,
    /// The submission the next step acts on.
    pub current: Option<String>,
    /// A late first submission's device time, before the deadline, that the office may vouch
    /// for: the submission and the claimed time (Unix ms).
    pub claim: Option<(String, i64)>,
}

/// The panel of `unit`'s report for `period` as user `role` sees it on `today`.
pub fn panel(
    reporting: &Reporting,
    plan: &Plan,
    unit: &str,
    period: PeriodKind,
    role: Role,
    today: Date,
) -> Panel {
    panel_with(reporting, plan, unit, period, role, today, &BTreeMap::new())
}

/// [`panel`] with the server's arrival times (the office's view): each step says when the device
/// took it and when the server received it.
pub fn panel_with(
    reporting: &Reporting,
    plan: &Plan,
    unit: &str,
    period: PeriodKind,
    role: Role,
    today: Date,
    received: &BTreeMap<String, i64>,
) -> Panel {
    let st = reporting.state_with(unit, period, received);
    let deadlines = workflow::deadlines_with(
        plan,
        period,
        &reporting
            .configured
            .get(&period)
            .copied()
            .unwrap_or_default(),
    );
    let mut lines = Vec::new();
    for t in &st.history {
        let what = match t.step.action {
            Action::Submit => "Gửi báo cáo",
            Action::Approve => "Lãnh đạo đơn vị duyệt",
            Action::Return => "Văn phòng trả lại",
            Action::SendBack => "Lãnh đạo đơn vị trả lại",
            Action::Accept => "Văn phòng tiếp nhận",
            Action::Vouch => "Văn phòng công nhận giờ gửi trên máy",
        };
        let device = t.step.at - t.step.skew;
        let line = match (t.claimed, t.received) {
            // The device's time is only a claim: the server's receipt is what counts.
            (Some(c), Some(r)) => format!(
                "{what} ({}): gửi trên máy lúc {}, máy chủ nhận lúc {}",
                reporting.name_of(&t.step.by),
                when(c),
                when(r)
            ),
            (None, Some(r)) => format!(
                "{what} lúc {} ({}), máy chủ nhận lúc {}",
                when(device),
                reporting.name_of(&t.step.by),
                when(r)
            ),
            (_, None) => format!(
                "{what} lúc {} ({})",
                when(device),
                reporting.name_of(&t.step.by)
            ),
        };
        lines.push(line);
    }
    let returned_note = (st.phase == Phase::Returned)
        .then(|| st.returns.last().map(|r| r.step.note.clone()))
        .flatten();
    let returned_by_head = st
        .returns
        .last()
        .is_some_and(|r| r.step.action == Action::SendBack);
    let on_time = match (&st.first_submitted, deadlines) {
        (Some(first), Some(d)) => Some(workflow::on_time(first.effective, d.unit)),
        _ => None,
    };
    // A late first submission whose device time was before the deadline: the office may vouch
    // for that time (once).
    let claim = match (&st.first_submitted, deadlines) {
        (Some(first), Some(d))
            if on_time == Some(false)
                && first.claimed.is_some_and(|c| workflow::on_time(c, d.unit)) =>
        {
            first.claimed.map(|c| (first.step.id.clone(), c))
        }
        _ => None,
    };
    let mut actions = Vec::new();
    // A unit sends (or sends again: a newer submission supersedes one not yet decided).
    if role.is_unit_member() {
        actions.push(Action::Submit);
    }
    if role == Role::UnitHead && st.phase == Phase::Submitted {
        actions.push(Action::Approve);
    }
    if role == Role::UnitHead && matches!(st.phase, Phase::Submitted | Phase::Approved) {
        actions.push(Action::SendBack);
    }
    if workflow::may_take(role, Action::Vouch) && claim.is_some() {
        actions.push(Action::Vouch);
    }
    if workflow::may_take(role, Action::Accept) {
        if st.phase == Phase::Approved {
            actions.push(Action::Accept);
        }
        if matches!(
            st.phase,
            Phase::Submitted | Phase::Approved | Phase::Accepted
        ) {
            actions.push(Action::Return);
        }
    }
    let sent = matches!(
        st.phase,
        Phase::Submitted | Phase::Approved | Phase::Accepted
    );
    let period_name = plan
        .period(period)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| format!("báo cáo {}", period.vi()));
    let reminder = deadlines.and_then(|d| {
        workflow::reminder_on(today, d.unit, sent).map(|r| (r, r.text(&period_name, d.unit)))
    });
    Panel {
        phase: st.phase,
        deadlines,
        lines,
        returned_note,
        returned_by_head,
        on_time,
        actions,
        reminder,
        current: st.submitted.map(|t| t.step.id),
        claim,
    }
}

/// The units that report to the office, as (id, name) in the organisation's order: every unit
/// but the central office that has a progress document here.
pub fn reporting_units(
    agency: &tiendo_shared::model::Agency,
    reporting: &Reporting,
) -> Vec<(String, String)> {
    agency
        .units
        .iter()
        .filter(|u| agency.central_office.as_deref() != Some(u.id.as_str()))
        .filter(|u| reporting.unit.contains_key(&u.id))
        .map(|u| (u.id.clone(), u.name.clone()))
        .collect()
}

/// One unit's row in the office's table.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficeRow {
    /// The unit.
    pub unit_id: String,
    /// Its name.
    pub name: String,
    /// Its panel, as the office sees it.
    pub panel: Panel,
    /// When it first sent the report (device time, corrected), if it did.
    pub first_sent: Option<i64>,
    /// Every return, with its note and time.
    pub returns: Vec<(String, String)>,
}

/// The office's table for `period`: every unit that reports (those with progress documents,
/// the office's own excepted), in the organisation's order, and how many sent on time; with
/// the server's arrival times (`received`) where known.
pub fn office_rows(
    reporting: &Reporting,
    plan: &Plan,
    units: &[(String, String)],
    period: PeriodKind,
    role: Role,
    today: Date,
    received: &BTreeMap<String, i64>,
) -> (Vec<OfficeRow>, usize) {
    let rows: Vec<OfficeRow> = units
        .iter()
        .map(|(id, name)| {
            let st = reporting.state_with(id, period, received);
            OfficeRow {
                unit_id: id.clone(),
                name: name.clone(),
                panel: panel_with(reporting, plan, id, period, role, today, received),
                first_sent: st.first_submitted.as_ref().map(|t| t.effective),
                returns: st
                    .returns
                    .iter()
                    .map(|r| (when(r.effective), r.step.note.clone()))
                    .collect(),
            }
        })
        .collect();
    let on_time = rows
        .iter()
        .filter(|r| r.panel.on_time == Some(true))
        .count();
    (rows, on_time)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAR_1: i64 = 1_740_762_000_000;

    fn plan() -> Plan {
        tiendo_shared::import::import(tiendo_shared::fixtures::SEED_PLAN)
            .unwrap()
            .plan
    }

    fn step(id: &str, action: Action, role: Role, at: i64, on: &str) -> Step {
        Step {
            note: "Bổ sung số liệu".into(),
            ..Step::new(id, action, role.as_str(), role, at, on)
        }
    }

    fn reporting(unit: &[Step], office: &[Step]) -> Reporting {
        let mut r = Reporting::default();
        r.unit
            .entry("tt".into())
            .or_default()
            .insert(PeriodKind::Q1, unit.to_vec());
        r.office
            .insert(("tt".into(), PeriodKind::Q1), office.to_vec());
        r
    }

    #[test]
    fn steps_name_people_by_their_display_names_and_unknown_ones_by_login() {
        let today: Date = "2025-03-02".parse().unwrap();
        let mut r = reporting(
            &[
                step("s1", Action::Submit, Role::UnitEditor, MAR_1, ""),
                step("a1", Action::Approve, Role::UnitHead, MAR_1 + 60, "s1"),
            ],
            &[],
        );
        r.names
            .insert("unit_head".into(), "Nguyễn Văn An (Trưởng phòng)".into());
        let p = panel(&r, &plan(), "tt", PeriodKind::Q1, Role::UnitEditor, today);
        assert!(p.lines[0].ends_with("(unit_editor)"), "{:?}", p.lines);
        assert!(
            p.lines[1].ends_with("(Nguyễn Văn An (Trưởng phòng))"),
            "{:?}",
            p.lines
        );
    }

    #[test]
    fn the_head_may_send_a_report_back_and_the_unit_is_told_it_was_the_head() {
        let today: Date = "2025-03-02".parse().unwrap();
        let sent = reporting(
            &[step("s1", Action::Submit, Role::UnitEditor, MAR_1, "")],
            &[],
        );
        let head = panel(&sent, &plan(), "tt", PeriodKind::Q1, Role::UnitHead, today);
        assert!(head.actions.contains(&Action::SendBack));
        let editor = panel(
            &sent,
            &plan(),
            "tt",
            PeriodKind::Q1,
            Role::UnitEditor,
            today,
        );
        assert!(!editor.actions.contains(&Action::SendBack));
        let back = reporting(
            &[
                step("s1", Action::Submit, Role::UnitEditor, MAR_1, ""),
                step("b1", Action::SendBack, Role::UnitHead, MAR_1 + 60, "s1"),
            ],
            &[],
        );
        let editor = panel(
            &back,
            &plan(),
            "tt",
            PeriodKind::Q1,
            Role::UnitEditor,
            today,
        );
        assert_eq!(editor.phase, Phase::Returned);
        assert!(editor.returned_by_head);
        assert_eq!(editor.returned_note.as_deref(), Some("Bổ sung số liệu"));
        assert!(
            editor
                .lines
                .iter()
                .any(|l| l.starts_with("Lãnh đạo đơn vị trả lại"))
        );
        assert!(editor.actions.contains(&Action::Submit));
    }

    #[test]
    fn a_report_received_late_shows_its_device_time_as_a_claim_the_office_may_vouch_for() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let today = d("2025-12-07");
        // Taken on the tablet on 1 March, before the deadline; received in December.
        let received_at = MAR_1 + 280 * 86_400_000;
        let sent = reporting(
            &[step("s1", Action::Submit, Role::UnitEditor, MAR_1, "")],
            &[],
        );
        let received = BTreeMap::from([("s1".to_string(), received_at)]);
        let office = panel_with(
            &sent,
            &plan(),
            "tt",
            PeriodKind::Q1,
            Role::AgencyAdmin,
            today,
            &received,
        );
        assert_eq!(office.on_time, Some(false), "it counts from its receipt");
        assert_eq!(office.claim, Some(("s1".to_string(), MAR_1)));
        assert!(office.actions.contains(&Action::Vouch));
        assert!(
            office.lines[0].contains(&format!("gửi trên máy lúc {}", when(MAR_1)))
                && office.lines[0].contains(&format!("máy chủ nhận lúc {}", when(received_at))),
            "{:?}",
            office.lines
        );
        // A unit may not vouch for itself.
        let unit = panel_with(
            &sent,
            &plan(),
            "tt",
            PeriodKind::Q1,
            Role::UnitEditor,
            today,
            &received,
        );
        assert!(!unit.actions.contains(&Action::Vouch));
        // Once the office vouched, it counts from the device's time, and is not offered again.
        let vouched = reporting(
            &[step("s1", Action::Submit, Role::UnitEditor, MAR_1, "")],
            &[step(
                "v1",
                Action::Vouch,
                Role::AgencyAdmin,
                received_at + 1,
                "s1",
            )],
        );
        let office = panel_with(
            &vouched,
            &plan(),
            "tt",
            PeriodKind::Q1,
            Role::AgencyAdmin,
            today,
            &received,
        );
        assert_eq!(office.on_time, Some(true));
        assert_eq!(office.claim, None);
        assert!(!office.actions.contains(&Action::Vouch));
        assert!(
            office.lines.iter().any(|l| l.contains("công nhận giờ gửi")),
            "{:?}",
            office.lines
        );
    }

    #[test]
    fn the_editor_may_send_the_head_may_approve_the_office_decides() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let none = reporting(&[], &[]);
        let p = panel(
            &none,
            &plan(),
            "tt",
            PeriodKind::Q1,
            Role::UnitEditor,
            d("2025-02-26"),
        );
        assert_eq!(p.phase, Phase::Draft);
        assert_eq!(p.actions, vec![Action::Submit]);
        assert_eq!(p.reminder.as_ref().unwrap().0, Reminder::DaysBefore(7));
        let sent = reporting(
            &[step("s1", Action::Submit, Role::UnitEditor, MAR_1, "")],
            &[],
        );
        let head = panel(
            &sent,
            &plan(),
            "tt",
            PeriodKind::Q1,
            Role::UnitHead,
            d("2025-03-01"),
        );
        assert_eq!(
            head.actions,
            vec![Action::Submit, Action::Approve, Action::SendBack]
        );
        assert_eq!(head.reminder, None, "sent: no reminder");
        assert_eq!(head.on_time, Some(true));
        let office = panel(
            &sent,
            &plan(),
            "tt",
            PeriodKind::Q1,
            Role::AgencyAdmin,
            d("2025-03-01"),
        );
        assert_eq!(
            office.actions,
            vec![Action::Return],
            "accepts only an approved report"
        );
        let returned = reporting(
            &[step("s1", Action::Submit, Role::UnitEditor, MAR_1, "")],
            &[step(
                "r1",
                Action::Return,
                Role::AgencyAdmin,
                MAR_1 + 1000,
                "s1",
            )],
        );
        let p = panel(
            &returned,
            &plan(),
            "tt",
            PeriodKind::Q1,
            Role::UnitEditor,
            d("2025-03-05"),
        );
        assert_eq!(p.returned_note.as_deref(), Some("Bổ sung số liệu"));
        assert_eq!(
            p.reminder.as_ref().unwrap().0,
            Reminder::Overdue,
            "returned and past the deadline"
        );
        assert_eq!(p.lines.len(), 2);
        // A deadline the office moved later: the same day is no longer overdue.
        let mut moved = returned.clone();
        moved.configured.insert(
            PeriodKind::Q1,
            workflow::Configured {
                unit: Some(d("2025-03-31")),
                agency: None,
            },
        );
        let p = panel(
            &moved,
            &plan(),
            "tt",
            PeriodKind::Q1,
            Role::UnitEditor,
            d("2025-03-05"),
        );
        assert_eq!(p.deadlines.unwrap().unit, d("2025-03-31"));
        assert_eq!(p.reminder, None, "26 days ahead: no reminder yet");
    }

    #[test]
    fn the_office_counts_the_units_that_sent_on_time() {
        let late = MAR_1 + 5 * 86_400_000;
        let mut r = reporting(
            &[step("s1", Action::Submit, Role::UnitEditor, MAR_1, "")],
            &[],
        );
        r.unit.entry("vp".into()).or_default().insert(
            PeriodKind::Q1,
            vec![step("s2", Action::Submit, Role::UnitEditor, late, "")],
        );
        let units = vec![
            ("tt".to_string(), "Thanh tra".to_string()),
            ("vp".to_string(), "Văn phòng".to_string()),
            ("kh".to_string(), "Kế hoạch".to_string()),
        ];
        let (rows, on_time) = office_rows(
            &r,
            &plan(),
            &units,
            PeriodKind::Q1,
            Role::AgencyAdmin,
            "2025-03-10".parse().unwrap(),
            &BTreeMap::from([("s1".to_string(), MAR_1 + 60_000)]),
        );
        assert!(
            rows[0].panel.lines[0].contains("máy chủ nhận lúc 01/03/2025 00:01"),
            "{:?}",
            rows[0].panel.lines
        );
        assert_eq!(on_time, 1);
        assert_eq!(rows[1].panel.on_time, Some(false));
        assert_eq!(rows[2].panel.on_time, None, "not sent");
        assert_eq!(when(MAR_1), "01/03/2025 00:00");
    }
}
