//! The rows of a task's "reports of the units" table: every lead unit (reported or not), then
//! every other unit that reported on the task (its coordinating units, or a unit the plan no
//! longer names), each with the evidence files it attached for the period.
//!
//! Stage: *view model*, pure: the task's computed status and the readable progress documents
//! in, rows out.

use tiendo_shared::model::{Date, EvidenceFile, PeriodKind, Progress, WorkStatus};
use tiendo_shared::views::status::TaskStatus;

/// How the unit stands to the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// A lead unit (its entry counts toward the task's state).
    Lead,
    /// A coordinating unit.
    Coordinating,
    /// Reported, though the plan names it neither way (now).
    Other,
}

impl Part {
    /// The word shown beside the unit's name.
    pub fn vi(self) -> &'static str {
        match self {
            Part::Lead => "chủ trì",
            Part::Coordinating => "phối hợp",
            Part::Other => "khác",
        }
    }
}

/// What a unit reported on the task, as the row shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reported {
    /// Where the work stands.
    pub status: WorkStatus,
    /// Percent done.
    pub percent: u8,
    /// Completion day, when done.
    pub completed_on: Option<Date>,
    /// The result text.
    pub result: String,
}

/// One unit's row.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    /// The unit.
    pub unit_id: String,
    /// Lead, coordinating or other.
    pub part: Part,
    /// Its latest entry up to the period (`None`: not reported).
    pub reported: Option<Reported>,
    /// The files its evidence for the period names.
    pub files: Vec<EvidenceFile>,
}

/// The rows for `task` in `period`, over the progress documents `docs` can read: the lead units
/// first, in the plan's order (a lead unit with no entry is a row without a report); then the
/// coordinating units and any other unit with an entry or a file for the task.
pub fn report_rows(task: &TaskStatus, docs: &[&Progress], period: PeriodKind) -> Vec<ReportRow> {
    let doc_of = |unit: &str| docs.iter().find(|p| p.unit_id == unit).copied();
    let files_of = |doc: Option<&Progress>| -> Vec<EvidenceFile> {
        doc.and_then(|p| p.entry(&task.task_id, period))
            .map(|e| e.evidence.iter().flat_map(|ev| ev.files.clone()).collect())
            .unwrap_or_default()
    };
    let mut rows: Vec<ReportRow> = task
        .lead_units
        .iter()
        .map(|unit| ReportRow {
            unit_id: unit.clone(),
            part: Part::Lead,
            reported: task
                .reports
                .iter()
                .find(|r| &r.unit_id == unit)
                .map(|r| Reported {
                    status: r.status,
                    percent: r.percent,
                    completed_on: r.completed_on,
                    result: r.result.clone(),
                }),
            files: files_of(doc_of(unit)),
        })
        .collect();
    let mut others: Vec<&Progress> = docs
        .iter()
        .copied()
        .filter(|p| !task.lead_units.contains(&p.unit_id))
        .collect();
    // Coordinating units in the plan's order, then the rest by id.
    others.sort_by_key(|p| {
        (
            task.coordinating_units
                .iter()
                .position(|c| c == &p.unit_id)
                .unwrap_or(usize::MAX),
            p.unit_id.clone(),
        )
    });
    others.dedup_by(|a, b| a.unit_id == b.unit_id);
    for doc in others {
        let reported = doc
            .latest_entry(&task.task_id, Some(period))
            .map(|(_, e)| Reported {
                status: e.status,
                percent: e.percent.min(100),
                completed_on: e.completed_on,
                result: e.result.clone(),
            });
        let files = files_of(Some(doc));
        if reported.is_none() && files.is_empty() {
            continue;
        }
        let part = if task.coordinating_units.contains(&doc.unit_id) {
            Part::Coordinating
        } else {
            Part::Other
        };
        rows.push(ReportRow {
            unit_id: doc.unit_id.clone(),
            part,
            reported,
            files,
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::model::{Entry, Evidence};
    use tiendo_shared::views::status::UnitReport;

    fn file(name: &str) -> EvidenceFile {
        EvidenceFile {
            sha256: format!("{:0>64}", name.len()),
            name: name.into(),
            mime: "application/pdf".into(),
            size: 10,
            added_by: "u".into(),
            added_at: 0,
        }
    }

    fn doc(unit: &str, task: &str, period: PeriodKind, files: &[&str]) -> Progress {
        let mut p = Progress {
            unit_id: unit.into(),
            ..Default::default()
        };
        let e: &mut Entry = p.entry_mut(task, period);
        e.status = WorkStatus::InProgress;
        e.percent = 40;
        e.result = format!("{unit} làm");
        e.evidence.push(Evidence {
            files: files.iter().map(|n| file(n)).collect(),
            ..Default::default()
        });
        p
    }

    fn task(leads: &[&str], coords: &[&str], reports: Vec<UnitReport>) -> TaskStatus {
        TaskStatus {
            task_id: "t1".into(),
            lead_units: leads.iter().map(|s| s.to_string()).collect(),
            coordinating_units: coords.iter().map(|s| s.to_string()).collect(),
            reports,
            code: "a)".into(),
            area: 1,
            title: "Nhiệm vụ".into(),
            deadline: None,
            due: false,
            due_soon: false,
            state: tiendo_shared::views::status::TaskState::InProgress,
            percent: 0,
            missing_reports: vec![],
        }
    }

    #[test]
    fn coordinating_units_files_are_listed_after_the_leads() {
        let q1 = PeriodKind::Q1;
        let lead = doc("vp", "t1", q1, &["kh.pdf"]);
        let coord = doc("ttcntt", "t1", q1, &["anh.jpg", "bb.pdf"]);
        let bystander = Progress {
            unit_id: "khac".into(),
            ..Default::default()
        };
        let t = task(
            &["vp"],
            &["ttcntt"],
            vec![UnitReport {
                unit_id: "vp".into(),
                period: q1,
                status: WorkStatus::InProgress,
                percent: 40,
                completed_on: None,
                result: "vp làm".into(),
            }],
        );
        let rows = report_rows(&t, &[&bystander, &coord, &lead], q1);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!((rows[0].unit_id.as_str(), rows[0].part), ("vp", Part::Lead));
        assert_eq!(rows[0].files, vec![file("kh.pdf")]);
        assert_eq!(
            (rows[1].unit_id.as_str(), rows[1].part),
            ("ttcntt", Part::Coordinating)
        );
        let names: Vec<_> = rows[1].files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["anh.jpg", "bb.pdf"]);
        assert_eq!(rows[1].reported.as_ref().unwrap().percent, 40);
    }

    #[test]
    fn a_lead_without_an_entry_still_has_its_row() {
        let t = task(&["vp", "tt"], &[], vec![]);
        let rows = report_rows(&t, &[], PeriodKind::Q1);
        assert_eq!(rows.len(), 2);
        assert!(
            rows.iter()
                .all(|r| r.reported.is_none() && r.part == Part::Lead)
        );
    }

    #[test]
    fn files_are_those_of_the_period_not_of_an_earlier_one() {
        let coord = doc("tt", "t1", PeriodKind::Q1, &["q1.pdf"]);
        let t = task(&["vp"], &["tt"], vec![]);
        let rows = report_rows(&t, &[&coord], PeriodKind::H1);
        // The Q1 entry is its latest report up to 6 tháng, but its files belong to Q1.
        assert_eq!(rows.len(), 2);
        assert!(rows[1].reported.is_some());
        assert!(rows[1].files.is_empty());
    }
}
