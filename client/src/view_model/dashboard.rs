//! What the central office's dashboard shows, computed from `shared::status` output: pure
//! functions, tested natively.
//!
//! Stage: *view model* of the dashboard, between [`tiendo_shared::views::status::summarize`] (run on
//! the device over the synced plan and every unit's progress) and the Yew components in
//! `app::dashboard`: bar segments for the SVG charts, the three watch lists, the reporting
//! calendar, the plan-completion score and the names of the people in a task's history.

use tiendo_shared::model::{Agency, Date, PeriodKind, Plan};
use tiendo_shared::views::report::{Score, score};
use tiendo_shared::views::status::{Counts, Summary, TaskState};

use tiendo_shared::api::Person;

/// One coloured part of a stacked bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// CSS class (`done`, `late`, `progress`, `overdue`, `idle`, `unable`).
    pub class: &'static str,
    pub label: &'static str,
    /// Tasks in it.
    pub count: usize,
}

/// The parts of a bar, in the legend's order; empty parts are kept so colours stay put.
pub fn segments(c: &Counts) -> Vec<Segment> {
    vec![
        Segment {
            class: "done",
            label: "Hoàn thành đúng hạn",
            count: c.done_on_time,
        },
        Segment {
            class: "late",
            label: "Hoàn thành quá hạn",
            count: c.done_late,
        },
        Segment {
            class: "progress",
            label: "Đang thực hiện trong hạn",
            count: c.in_progress,
        },
        Segment {
            class: "overdue",
            label: "Quá hạn",
            count: c.overdue,
        },
        Segment {
            class: "idle",
            label: "Chưa thực hiện",
            count: c.not_started,
        },
        Segment {
            class: "unable",
            label: "Không thực hiện được",
            count: c.unable,
        },
    ]
}

/// A bar's geometry: each segment's x offset and width for a bar of `width` scaled to `max`
/// tasks (so bars of different rows compare).
pub fn layout(c: &Counts, max: usize, width: f64) -> Vec<(Segment, f64, f64)> {
    let scale = if max == 0 { 0.0 } else { width / max as f64 };
    let mut x = 0.0;
    segments(c)
        .into_iter()
        .filter(|s| s.count > 0)
        .map(|s| {
            let w = s.count as f64 * scale;
            let out = (s, x, w);
            x += w;
            out
        })
        .collect()
}

/// A task in one of the watch lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Watch {
    /// Task id, to open it.
    pub task_id: String,
    /// `1.a`.
    pub code: String,
    pub title: String,
    /// The deadline for the period shown.
    pub deadline: Option<Date>,
    /// The lead units (names), or for the "not reported" list, the units missing.
    pub units: Vec<String>,
}

/// The dashboard's three lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lists {
    /// Quá hạn.
    pub overdue: Vec<Watch>,
    /// Due within 30 days of "as of", not done.
    pub due_soon: Vec<Watch>,
    /// A lead unit has not reported for the reporting period.
    pub not_reported: Vec<Watch>,
}

/// The units' names as on `then` (the day the view is computed as of), today's beside them
/// where they changed since.
fn names(agency: &Agency, ids: &[String], then: Date, today: Date) -> Vec<String> {
    ids.iter()
        .map(|id| agency.unit_name_then_now(id, then, today))
        .collect()
}

/// The watch lists of `summary` (computed as of `then`): overdue and due-soon tasks by
/// deadline, and tasks some lead unit has not reported on yet.
pub fn lists(summary: &Summary, agency: &Agency, then: Date, today: Date) -> Lists {
    let watch = |t: &tiendo_shared::views::status::TaskStatus, units: &[String]| Watch {
        task_id: t.task_id.clone(),
        code: t.code.clone(),
        title: t.title.clone(),
        deadline: t.deadline,
        units: names(agency, units, then, today),
    };
    let mut out = Lists::default();
    for t in &summary.tasks {
        if t.state == TaskState::Overdue {
            out.overdue.push(watch(t, &t.lead_units));
        }
        if t.due_soon {
            out.due_soon.push(watch(t, &t.lead_units));
        }
        let missing: Vec<String> = t
            .missing_reports
            .iter()
            .filter(|u| t.lead_units.contains(u))
            .cloned()
            .collect();
        if !missing.is_empty() && !t.state.is_done() {
            out.not_reported.push(watch(t, &missing));
        }
    }
    out.overdue.sort_by_key(|w| w.deadline);
    out.due_soon.sort_by_key(|w| w.deadline);
    out
}

/// A generated report file, as `GET /api/plans/{id}/reports` lists it.
pub use tiendo_shared::api::GeneratedReport as Generated;
/// The server's answer about reports: the score thresholds and what was generated.
pub use tiendo_shared::api::ReportsAnswer as ReportsInfo;

/// One line of the reporting calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarRow {
    pub period: PeriodKind,
    /// Its name as the plan writes it.
    pub name: String,
    /// The report's deadline.
    pub deadline: Date,
    /// Days from "as of" to the deadline (negative: past).
    pub days_left: i64,
    /// The latest report generated for the period, if any.
    pub generated: Option<Generated>,
}

impl CalendarRow {
    /// "còn 12 ngày", "hôm nay", "đã qua 3 ngày".
    pub fn days_text(&self) -> String {
        match self.days_left {
            0 => "hạn hôm nay".to_string(),
            n if n > 0 => format!("còn {n} ngày"),
            n => format!("đã qua {} ngày", -n),
        }
    }
}

/// The plan's reporting deadlines in period order with the days left and the latest report made.
pub fn calendar(plan: &Plan, as_of: Date, generated: &[Generated]) -> Vec<CalendarRow> {
    let mut rows: Vec<CalendarRow> = plan
        .reporting_periods
        .iter()
        .map(|p| CalendarRow {
            period: p.kind,
            name: p.name.clone(),
            deadline: p.deadline,
            days_left: as_of.days_until(p.deadline),
            generated: generated
                .iter()
                .filter(|g| g.period == p.kind.as_str())
                .max_by_key(|g| g.generated_at)
                .cloned(),
        })
        .collect();
    rows.sort_by_key(|r| r.period);
    rows
}

/// The plan-completion score of the headline under the server's thresholds.
pub fn plan_score(summary: &Summary, info: &ReportsInfo) -> Score {
    score(&summary.headline, &info.score_rule)
}

/// The name to show for the author of a change: the person's name with their unit's, else the
/// user id as recorded.
pub fn author_name(people: &[Person], agency: &Agency, author: Option<&str>) -> String {
    let Some(author) = author else {
        return "không rõ".to_string();
    };
    match people.iter().find(|p| p.username == author) {
        Some(p) => match p.unit_id.as_deref().and_then(|u| agency.unit(u)) {
            Some(u) if u.name != p.display_name => format!("{} ({})", p.display_name, u.name),
            _ => p.display_name.clone(),
        },
        None if author == "system" => "hệ thống (nhập kế hoạch)".to_string(),
        None => author.to_string(),
    }
}

/// "So với năm trước" of area `number`: last year's completion for the same area ("Năm 2025:
/// 4/6 · 67%"), or nothing when the plan continues none or last year had no such area.
pub fn previous_year(
    cmp: Option<&tiendo_shared::views::next_year::Comparison>,
    number: u32,
) -> Option<String> {
    let cmp = cmp?;
    let c = cmp
        .areas
        .iter()
        .find(|a| a.number == number)?
        .previous
        .as_ref()?;
    let year = cmp
        .previous_year
        .map_or_else(|| "Năm trước".to_string(), |y| format!("Năm {y}"));
    Some(format!(
        "{year}: {}/{} · {:.0}%",
        c.done_on_time + c.done_late,
        c.total,
        c.completion_rate * 100.0
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::model::{Progress, WorkStatus};
    use tiendo_shared::views::report::ScoreRule;
    use tiendo_shared::views::status;

    fn seed() -> (Plan, Agency) {
        let imp = tiendo_shared::import::import(tiendo_shared::fixtures::SEED_PLAN).unwrap();
        let agency = imp.agency().clone();
        (imp.plan, agency)
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn bars_are_scaled_to_the_largest_row_and_skip_empty_parts() {
        let c = Counts {
            total: 10,
            done_on_time: 4,
            overdue: 1,
            not_started: 5,
            ..Counts::default()
        };
        let parts = layout(&c, 20, 200.0);
        let widths: Vec<(&str, f64, f64)> =
            parts.iter().map(|(s, x, w)| (s.class, *x, *w)).collect();
        assert_eq!(
            widths,
            vec![
                ("done", 0.0, 40.0),
                ("overdue", 40.0, 10.0),
                ("idle", 50.0, 50.0)
            ]
        );
        assert!(layout(&Counts::default(), 0, 200.0).is_empty());
        assert_eq!(segments(&c).len(), 6);
    }

    #[test]
    fn lists_follow_the_merged_status() {
        let (plan, agency) = seed();
        let office = "phong-hanh-chinh-tong-hop";
        let mut p = Progress::new(&plan.id, office);
        let e = p.entry_mut("t1-a", PeriodKind::Q1);
        e.status = WorkStatus::Done;
        e.completed_on = Some(d("2025-01-10"));
        let s = status::summarize(&plan, &agency, &[p], d("2025-02-20"), Some(PeriodKind::Q1));
        let l = lists(&s, &agency, d("2025-02-20"), d("2025-02-20"));
        // 2.c was due on 15/01 for every professional department: overdue, with its leads named.
        assert!(l.overdue.iter().any(|w| w.code == "2.c"), "{:?}", l.overdue);
        assert!(l.overdue.windows(2).all(|w| w[0].deadline <= w[1].deadline));
        // Q1 work ends 31/03, more than 30 days after 20/02: nothing is "due soon" yet…
        assert!(
            l.due_soon
                .iter()
                .all(|w| w.deadline.unwrap() <= d("2025-03-22"))
        );
        // …but on 10/03 it is.
        let s2 = status::summarize(&plan, &agency, &[], d("2025-03-10"), Some(PeriodKind::Q1));
        assert!(
            !lists(&s2, &agency, d("2025-03-10"), d("2025-03-10"))
                .due_soon
                .is_empty()
        );
        // 1.a is done: not in "not reported"; others led by the office are, naming the office.
        assert!(l.not_reported.iter().all(|w| w.task_id != "t1-a"));
        let office_name = agency.unit(office).unwrap().name.clone();
        assert!(
            l.not_reported
                .iter()
                .any(|w| w.units.contains(&office_name)),
            "{:?}",
            l.not_reported
        );
    }

    #[test]
    fn the_calendar_counts_days_and_shows_the_latest_report() {
        let (plan, _) = seed();
        let generated = vec![
            Generated {
                plan_id: String::new(),
                period: "q1".into(),
                kind: "docx".into(),
                as_of: "2025-03-01".into(),
                username: Some("hcth".into()),
                generated_at: 100,
            },
            Generated {
                plan_id: String::new(),
                period: "q1".into(),
                kind: "xlsx".into(),
                as_of: "2025-03-02".into(),
                username: None,
                generated_at: 200,
            },
        ];
        let rows = calendar(&plan, d("2025-02-25"), &generated);
        let kinds: Vec<PeriodKind> = rows.iter().map(|r| r.period).collect();
        assert_eq!(
            kinds,
            vec![
                PeriodKind::Q1,
                PeriodKind::H1,
                PeriodKind::Q3,
                PeriodKind::Year
            ]
        );
        assert_eq!(rows[0].deadline, d("2025-03-03"));
        assert_eq!(rows[0].days_left, 6);
        assert_eq!(rows[0].days_text(), "còn 6 ngày");
        assert_eq!(rows[0].generated.as_ref().unwrap().generated_at, 200);
        assert!(rows[1].generated.is_none());
        let later = calendar(&plan, d("2025-03-05"), &[]);
        assert_eq!(later[0].days_text(), "đã qua 2 ngày");
        assert_eq!(
            calendar(&plan, d("2025-03-03"), &[])[0].days_text(),
            "hạn hôm nay"
        );
    }

    #[test]
    fn the_score_uses_the_servers_thresholds() {
        let (plan, agency) = seed();
        let s = status::summarize(&plan, &agency, &[], d("2025-12-31"), Some(PeriodKind::Year));
        let info = ReportsInfo::default();
        let sc = plan_score(&s, &info);
        assert_eq!((sc.points, sc.max_points), (0.0, 2.0));
        let lenient = ReportsInfo {
            score_rule: ScoreRule {
                full_above: 0.0,
                partial_from: 0.0,
                full_points: 3.0,
                partial_points: 1.0,
                reporting_points: 1.0,
            },
            generated: vec![],
            received: Default::default(),
        };
        assert_eq!(plan_score(&s, &lenient).max_points, 3.0);
        // The server's answer parses, with missing parts defaulted.
        let parsed: ReportsInfo = serde_json::from_str(r#"{"generated":[]}"#).unwrap();
        assert_eq!(parsed.score_rule, ScoreRule::default());
    }

    #[test]
    fn authors_are_named_by_person_and_unit() {
        let (_, agency) = seed();
        let people = vec![
            Person {
                username: "lan".into(),
                display_name: "Nguyễn Thị Lan".into(),
                unit_id: Some("thanh-tra-so".into()),
            },
            Person {
                username: "phong-hanh-chinh-tong-hop".into(),
                display_name: agency
                    .unit("phong-hanh-chinh-tong-hop")
                    .unwrap()
                    .name
                    .clone(),
                unit_id: Some("phong-hanh-chinh-tong-hop".into()),
            },
        ];
        assert_eq!(
            author_name(&people, &agency, Some("lan")),
            "Nguyễn Thị Lan (Thanh tra Sở)"
        );
        assert_eq!(
            author_name(&people, &agency, Some("phong-hanh-chinh-tong-hop")),
            agency.unit("phong-hanh-chinh-tong-hop").unwrap().name
        );
        assert_eq!(author_name(&people, &agency, Some("ghost")), "ghost");
        assert_eq!(author_name(&people, &agency, None), "không rõ");
    }

    #[test]
    fn each_area_shows_last_years_completion_for_the_same_area() {
        use tiendo_shared::views::next_year::{AreaComparison, Comparison};
        use tiendo_shared::views::status::AsOf;
        let counts = |total, done| Counts {
            total,
            done_on_time: done,
            completion_rate: done as f64 / total as f64,
            ..Counts::default()
        };
        let cmp = Comparison {
            previous_plan: "kh-2025".into(),
            previous_title: "KH 2025".into(),
            previous_year: Some(2025),
            previous_as_of: AsOf {
                day: "2025-12-20".parse().unwrap(),
                closed: true,
                picked: false,
            },
            areas: vec![
                AreaComparison {
                    number: 1,
                    title: "Chỉ đạo".into(),
                    current: counts(6, 1),
                    previous: Some(counts(6, 4)),
                    continued: 5,
                },
                AreaComparison {
                    number: 2,
                    title: "Thể chế".into(),
                    current: counts(3, 0),
                    previous: None,
                    continued: 0,
                },
            ],
        };
        assert_eq!(previous_year(Some(&cmp), 1).unwrap(), "Năm 2025: 4/6 · 67%");
        assert_eq!(previous_year(Some(&cmp), 2), None);
        assert_eq!(previous_year(None, 1), None);
    }
}
