//! What the screens show, computed from the synced documents: pure functions, tested natively.
//!
//! Stage: *view model*, between the documents (plan, organisation, the unit's progress) and the
//! Yew components. Deadlines and states come from `tiendo_shared::views::status`, so the tablet and the
//! server's dashboard never disagree.

use automerge::ReadDoc;
use tiendo_shared::model::{Agency, Date, PeriodKind, Plan, Progress, Task, WorkStatus, text};
use tiendo_shared::views::status::{self, TaskState};

/// How a unit takes part in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Chủ trì.
    Lead,
    /// Phối hợp.
    Coordinating,
}

impl Part {
    /// The Vietnamese label.
    pub fn vi(self) -> &'static str {
        match self {
            Part::Lead => "Chủ trì",
            Part::Coordinating => "Phối hợp",
        }
    }
}

/// One task in the unit's list.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    /// Task id (`t1-a`).
    pub task_id: String,
    /// Code as printed (`1.a`).
    pub code: String,
    pub title: String,
    /// Lead or coordinating.
    pub part: Part,
    /// The deadline for the period shown.
    pub deadline: Option<Date>,
    /// The unit's own state.
    pub state: TaskState,
    /// Not done and due within 30 days.
    pub due_soon: bool,
    /// The unit's reported status.
    pub status: WorkStatus,
    /// The unit's reported percent.
    pub percent: u8,
}

impl TaskRow {
    /// The short state label: "Đúng hạn", "Sắp đến hạn", "Quá hạn", "Hoàn thành"…
    pub fn label(&self) -> &'static str {
        match self.state {
            TaskState::Overdue => "Quá hạn",
            TaskState::DoneOnTime => "Hoàn thành",
            TaskState::DoneLate => "Hoàn thành muộn",
            TaskState::Unable => "Không thực hiện được",
            _ if self.due_soon => "Sắp đến hạn",
            _ => "Đúng hạn",
        }
    }
}

/// The tasks of one area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaGroup {
    pub number: u32,
    pub title: String,
    /// Its tasks for this unit.
    pub rows: Vec<TaskRow>,
}

/// How `unit` takes part in `task` on `day`: through the organisation as it stood that day and
/// the tasks passed on to it by merged, split or reorganised units ([`tiendo_shared::model::lineage`]).
fn part(agency: &Agency, task: &Task, unit: &str, day: Date) -> Option<Part> {
    let then = agency.on(day);
    let lineage = agency.lineage();
    let has = |list: &[tiendo_shared::model::Assignee]| {
        list.iter().any(|a| {
            then.resolve(a)
                .iter()
                .any(|u| lineage.route(u, &task.id, day) == unit)
        })
    };
    if has(&task.lead) {
        Some(Part::Lead)
    } else if has(&task.coordinating) {
        Some(Part::Coordinating)
    } else {
        None
    }
}

/// The unit's tasks (lead and coordinating), grouped by area, for `period` as of `as_of`, with
/// its entries: its own document's, and its predecessors' for the tasks they passed on
/// (`progress`: the unit's document and those of its predecessors).
pub fn unit_tasks(
    plan: &Plan,
    agency: &Agency,
    unit: &str,
    progress: &[Progress],
    as_of: Date,
    period: PeriodKind,
) -> Vec<AreaGroup> {
    unit_tasks_on(plan, agency, unit, progress, as_of, as_of, period)
}

/// [`unit_tasks`] as the unit's working list shows a period seen as of another day than today
/// (a past period as of its deadline): the tasks that are the unit's work `today` — with those
/// a merged or split unit passed on to it since, and the entries they carried — each with its
/// deadline and state as of `as_of`.
pub fn unit_tasks_on(
    plan: &Plan,
    agency: &Agency,
    unit: &str,
    progress: &[Progress],
    as_of: Date,
    today: Date,
    period: PeriodKind,
) -> Vec<AreaGroup> {
    let folded = tiendo_shared::model::lineage::fold(agency, progress, today.max(as_of));
    let progress = folded.iter().find(|p| p.unit_id == unit);
    let mut groups = Vec::new();
    for area in &plan.areas {
        let mut rows = Vec::new();
        for task in area.tasks.iter().filter(|t| t.retired_on.is_none()) {
            let Some(part) = part(agency, task, unit, today.max(as_of)) else {
                continue;
            };
            let deadline = status::deadline(plan, task, Some(period), as_of);
            let entry = progress
                .and_then(|p| p.latest_entry(&task.id, Some(period)))
                .map(|(_, e)| e);
            let (st, percent, completed) = entry
                .map(|e| (e.status, e.percent, e.completed_on))
                .unwrap_or((WorkStatus::NotStarted, 0, None));
            let state = status::state_of(st, completed, deadline, as_of);
            let due_soon = !state.is_done()
                && state != TaskState::Overdue
                && deadline
                    .is_some_and(|d| d >= as_of && as_of.days_until(d) <= status::DUE_SOON_DAYS);
            rows.push(TaskRow {
                task_id: task.id.clone(),
                code: task.code.clone(),
                title: task.title.clone(),
                part,
                deadline,
                state,
                due_soon,
                status: st,
                percent,
            });
        }
        if !rows.is_empty() {
            groups.push(AreaGroup {
                number: area.number,
                title: area.title.clone(),
                rows,
            });
        }
    }
    groups
}

/// Which rows to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    All,
    /// Quá hạn.
    Overdue,
    /// Sắp đến hạn.
    DueSoon,
    /// Not finished yet.
    Open,
    /// Lead tasks only.
    Lead,
}

/// Keeps the rows matching `filter` and the search `query` (accent-insensitive, on code and
/// title); drops areas left empty.
pub fn filter(groups: &[AreaGroup], filter: Filter, query: &str) -> Vec<AreaGroup> {
    let q = text::slug(query);
    groups
        .iter()
        .map(|g| AreaGroup {
            rows: g
                .rows
                .iter()
                .filter(|r| match filter {
                    Filter::All => true,
                    Filter::Overdue => r.state == TaskState::Overdue,
                    Filter::DueSoon => r.due_soon,
                    Filter::Open => !r.state.is_done() && r.state != TaskState::Unable,
                    Filter::Lead => r.part == Part::Lead,
                })
                .filter(|r| {
                    q.is_empty()
                        || text::slug(&r.title).contains(&q)
                        || text::slug(&r.code).contains(&q)
                })
                .cloned()
                .collect(),
            ..g.clone()
        })
        .filter(|g| !g.rows.is_empty())
        .collect()
}

/// Which of this device's changes (`own`, by hash) the server does not have, given the
/// server's heads as it last reported them. Heads this device does not know (another device's
/// newer work) are left out; other devices' changes never count, even when the heads are stale.
pub fn unconfirmed_changes(
    doc: &automerge::Automerge,
    server_heads: &[automerge::ChangeHash],
    own: &[automerge::ChangeHash],
) -> Vec<automerge::ChangeHash> {
    let known: Vec<_> = server_heads
        .iter()
        .filter(|h| doc.get_change_by_hash(h).is_some())
        .copied()
        .collect();
    let missing: std::collections::HashSet<_> =
        doc.get_changes(&known).iter().map(|c| c.hash()).collect();
    own.iter()
        .filter(|h| missing.contains(h))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> (Plan, Agency) {
        let imported = tiendo_shared::import::import(tiendo_shared::fixtures::SEED_PLAN).unwrap();
        let agency = imported
            .org
            .agency(&imported.plan.agency_id)
            .unwrap()
            .clone();
        (imported.plan, agency)
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_unit_sees_its_lead_and_coordinating_tasks_grouped_by_area() {
        let (plan, agency) = seed();
        let groups = unit_tasks(
            &plan,
            &agency,
            "phong-hanh-chinh-tong-hop",
            &[],
            date("2025-02-01"),
            PeriodKind::Q1,
        );
        let rows: Vec<&TaskRow> = groups.iter().flat_map(|g| &g.rows).collect();
        assert!(
            rows.iter()
                .any(|r| r.task_id == "t1-a" && r.part == Part::Lead)
        );
        assert!(rows.iter().any(|r| r.part == Part::Coordinating) || rows.len() > 10);
        assert!(groups.windows(2).all(|w| w[0].number < w[1].number));
        let inspect = unit_tasks(
            &plan,
            &agency,
            "thanh-tra-so",
            &[],
            date("2025-02-01"),
            PeriodKind::Q1,
        );
        let n: usize = inspect.iter().map(|g| g.rows.len()).sum();
        assert!(
            n > 0 && n < rows.len(),
            "the inspectorate has fewer tasks ({n})"
        );
    }

    #[test]
    fn states_follow_the_deadline_and_the_units_own_entry() {
        let (plan, agency) = seed();
        let unit = "phong-hanh-chinh-tong-hop";
        // 2.c is due 15/01/2025 for every professional department.
        let late = unit_tasks(
            &plan,
            &agency,
            unit,
            &[],
            date("2025-02-01"),
            PeriodKind::Q1,
        );
        let row = late.iter().flat_map(|g| &g.rows).find(|r| r.code == "2.c");
        if let Some(row) = row {
            assert_eq!(row.state, TaskState::Overdue);
            assert_eq!(row.label(), "Quá hạn");
        }
        let mut progress = Progress::new(&plan.id, unit);
        let e = progress.entry_mut("t1-a", PeriodKind::Q1);
        e.status = WorkStatus::Done;
        e.percent = 100;
        e.completed_on = Some(date("2025-01-05"));
        let groups = unit_tasks(
            &plan,
            &agency,
            unit,
            std::slice::from_ref(&progress),
            date("2025-02-01"),
            PeriodKind::Q1,
        );
        let row = groups
            .iter()
            .flat_map(|g| &g.rows)
            .find(|r| r.task_id == "t1-a")
            .unwrap();
        assert!(row.state.is_done());
        assert_eq!((row.percent, row.label()), (100, "Hoàn thành"));
    }

    #[test]
    fn search_ignores_accents_and_filters_drop_empty_areas() {
        let (plan, agency) = seed();
        let groups = unit_tasks(
            &plan,
            &agency,
            "phong-hanh-chinh-tong-hop",
            &[],
            date("2025-12-31"),
            PeriodKind::Year,
        );
        let all: usize = groups.iter().map(|g| g.rows.len()).sum();
        let hits = filter(&groups, Filter::All, "ke hoach");
        let n: usize = hits.iter().map(|g| g.rows.len()).sum();
        assert!(n > 0 && n < all, "{n} of {all}");
        assert!(hits.iter().all(|g| !g.rows.is_empty()));
        let same = filter(&groups, Filter::All, "KẾ HOẠCH");
        assert_eq!(hits, same);
        let lead = filter(&groups, Filter::Lead, "");
        assert!(
            lead.iter()
                .flat_map(|g| &g.rows)
                .all(|r| r.part == Part::Lead)
        );
        assert!(filter(&groups, Filter::All, "zzzz-khong-co").is_empty());
    }

    #[test]
    fn a_past_period_lists_the_work_passed_on_since_with_states_as_of_its_deadline() {
        use tiendo_shared::model::lineage::{AccountFate, Basis, Operation, Recorded, record};
        const A: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
        const B: &str = "phong-quan-ly-cong-nghe-va-chuyen-nganh";
        let imported = tiendo_shared::import::import(tiendo_shared::fixtures::SEED_PLAN).unwrap();
        let mut d =
            tiendo_shared::model::doc::new_document(&imported.org, Some("t"), Default::default())
                .unwrap();
        let op = Operation::Merge {
            unit: A.into(),
            into: B.into(),
            accounts: AccountFate::Move,
        };
        let rec = Recorded {
            id: "c1".into(),
            by: "office".into(),
            at: 0,
        };
        let basis = Basis {
            number: "QĐ số 1".into(),
            date: None,
        };
        record(
            &mut d,
            &imported.org.agencies[0].id,
            &op,
            date("2025-04-01"),
            basis,
            &rec,
        )
        .unwrap();
        let org: tiendo_shared::model::Org = tiendo_shared::model::doc::read(&d).unwrap();
        let agency = org.agencies[0].clone();
        let plan = imported.plan;
        let ids = |groups: &[AreaGroup]| -> Vec<String> {
            groups
                .iter()
                .flat_map(|g| &g.rows)
                .map(|r| r.task_id.clone())
                .collect()
        };
        let mut merged = Progress::new(&plan.id, A);
        merged.entry_mut("t8-a", PeriodKind::Q1).percent = 40;
        let docs = [Progress::new(&plan.id, B), merged];
        let q1_end = date("2025-03-20");
        // Q1 seen as of its deadline, today in December: the merged unit's task is the
        // successor's work now, with the entry it carried; its state is Q1's.
        let now = unit_tasks_on(
            &plan,
            &agency,
            B,
            &docs,
            q1_end,
            date("2025-12-07"),
            PeriodKind::Q1,
        );
        let row = now
            .iter()
            .flat_map(|g| &g.rows)
            .find(|r| r.task_id == "t8-a")
            .expect("t8-a passed on to the successor");
        assert_eq!(row.percent, 40);
        assert_ne!(row.state, TaskState::Overdue, "not overdue as of 20/03");
        // The same day as "today" sees the organisation of that day: not yet passed on.
        let then = unit_tasks(&plan, &agency, B, &docs, q1_end, PeriodKind::Q1);
        assert!(!ids(&then).contains(&"t8-a".to_string()));
    }

    fn put(doc: &mut automerge::Automerge, key: &str, value: i64) -> automerge::ChangeHash {
        use automerge::transaction::Transactable;
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, key, value).unwrap();
        tx.commit().0.expect("a change")
    }

    fn count(
        doc: &automerge::Automerge,
        heads: &[automerge::ChangeHash],
        own: &[automerge::ChangeHash],
    ) -> usize {
        unconfirmed_changes(doc, heads, own).len()
    }

    #[test]
    fn unconfirmed_counts_this_devices_edits_after_the_servers_heads() {
        let mut server = automerge::Automerge::new();
        put(&mut server, "percent", 10);
        let mut tablet = server.fork();
        let mut own = Vec::new();
        assert_eq!(count(&tablet, &server.get_heads(), &own), 0);
        own.push(put(&mut tablet, "percent", 30));
        own.push(put(&mut tablet, "percent", 40));
        assert_eq!(count(&tablet, &server.get_heads(), &own), 2);
        // The server takes them: nothing left.
        server.merge(&mut tablet).unwrap();
        assert_eq!(count(&tablet, &server.get_heads(), &own), 0);
    }

    #[test]
    fn changes_from_other_devices_never_count_even_with_stale_heads() {
        let mut server = automerge::Automerge::new();
        put(&mut server, "percent", 10);
        let stale = server.get_heads();
        let mut tablet = server.fork();
        let mut own = Vec::new();
        let mut other = server.fork();
        put(&mut other, "percent", 60);
        put(&mut other, "result", 2);
        server.merge(&mut other).unwrap();
        // The tablet received the other device's changes through the server.
        tablet.merge(&mut server.clone()).unwrap();
        assert_eq!(count(&tablet, &server.get_heads(), &own), 0);
        assert_eq!(count(&tablet, &stale, &own), 0);
        // Its own edit counts, whatever heads it last heard; unknown heads are skipped.
        own.push(put(&mut tablet, "result", 1));
        assert_eq!(count(&tablet, &stale, &own), 1);
        put(&mut other, "percent", 70);
        server.merge(&mut other).unwrap();
        let mut heads = server.get_heads();
        heads.extend(stale);
        assert_eq!(count(&tablet, &heads, &own), 1);
    }
}
