//! One task as the plan and the reports show it: the plan's words, its state, every readable
//! unit's report for a period (leads, then coordinating units) with its evidence files; in the office build also the task's history and, for those who
//! may amend the plan, the task editor.
//!
//! Stage: *UI*, over the snapshot's plan and the memoized summary ([`use_summary`]). Opened from
//! the plan overview (both builds) and the dashboard (office build).

use tiendo_shared::model::{Date, EvidenceFile, PeriodKind, WorkStatus};

use crate::view_model::task_reports::report_rows;
use yew::prelude::*;

use crate::text;

use super::period_select::PeriodSelect;
use super::year_switcher::as_of_note;
use super::{names, office, use_summary, use_ws};
use crate::infra::browser::today;
use crate::view_model::years;

#[derive(Properties, PartialEq)]
pub struct TaskViewProps {
    /// The task.
    pub task_id: String,
    /// The period shown first.
    pub period: PeriodKind,
    /// The day the states are computed for, when the user picked it (`picked`); else the period
    /// shown is computed as of its own day (a past period as of its report deadline).
    pub as_of: Date,
    /// The user picked `as_of` ("Tính đến ngày").
    #[prop_or_default]
    pub picked: bool,
    /// Back to where the task was opened from.
    pub on_back: Callback<()>,
}

/// One task: the plan's words, every readable unit's report for the period, and in the office
/// build the task's history and (for those who may amend the plan) the task editor.
#[function_component(TaskView)]
pub fn task_view(props: &TaskViewProps) -> Html {
    let ws = use_ws();
    let period = use_state(|| props.period);
    let today = today();
    let at = match &ws.snap.plan {
        Ok(plan) => {
            let configured = ws
                .snap
                .reporting
                .configured
                .get(&*period)
                .copied()
                .unwrap_or_default();
            years::view_as_of(
                plan,
                *period,
                &configured,
                props.picked.then_some(props.as_of),
                today,
            )
        }
        Err(_) => tiendo_shared::views::status::AsOf::picked(props.as_of),
    };
    let summary = use_summary(&ws, at.day, *period);
    let (plan, agency) = match (ws.snap.plan.clone(), ws.snap.agency.clone()) {
        (Ok(p), Ok(a)) => (p, a),
        (Err(e), _) | (_, Err(e)) => return html! { <p class="error">{e}</p> },
    };
    let Some(task) = plan.task(&props.task_id).cloned() else {
        return html! { <p>{text::tasks::KHONG_TIM_THAY_NHIEM_VU}</p> };
    };
    let st = (*summary)
        .as_ref()
        .and_then(|s| s.tasks.iter().find(|t| t.task_id == task.id).cloned());
    // Each unit as it was named on the day computed, today's name beside it where it changed.
    let unit_name = |id: &str| agency.unit_name_then_now(id, at.day, today);
    // Every unit that reported, leads first, each with its files for the period.
    let rows = st
        .as_ref()
        .map(|st| {
            let docs: Vec<&tiendo_shared::model::Progress> = ws
                .snap
                .all_progress
                .iter()
                .chain(ws.snap.progress.iter())
                .collect();
            report_rows(st, &docs, *period)
        })
        .unwrap_or_default();
    // What each unit sent for the period (its accepted submission, else its latest), when it
    // differs from what it shows now.
    let submitted = |unit: &str| -> Option<tiendo_shared::model::Entry> {
        let st = ws.snap.reporting.state(unit, *period);
        let heads = st.for_report()?.step.heads.clone();
        let sent = ws.docs.submitted_progress(unit, &heads)?;
        sent.latest_entry(&task.id, Some(*period))
            .map(|(_, e)| e.clone())
    };
    let back = {
        let cb = props.on_back.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let on_period = {
        let period = period.clone();
        Callback::from(move |p: PeriodKind| period.set(p))
    };
    html! {
        <main class="detail" data-testid="task-view">
            <button class="secondary" onclick={back} data-testid="back">{text::tasks::QUAY_LAI}</button>
            <h2>{format!("{} {}", task.code, task.title)}</h2>
            if let Some(r) = task.retired_on {
                <p class="retired" data-testid="retired-note">{text::tasks::dung_thuc_hien_tu_ngay_khong(&r.vi())}</p>
            }
            <dl>
                <dt>{text::tasks::CHU_TRI}</dt><dd data-testid="task-lead">{names(&task.lead)}</dd>
                <dt>{text::tasks::PHOI_HOP}</dt><dd>{names(&task.coordinating)}</dd>
                <dt>{text::tasks::SAN_PHAM}</dt><dd>{task.products.join("; ")}</dd>
                <dt>{text::tasks::THOI_GIAN}</dt><dd data-testid="task-timeline-text">{&task.schedule.raw}
                    { for task.schedule.milestones.iter().map(|m| html!{ <span class="milestone">{text::tasks::han(&m.due.vi())}</span> }) }
                </dd>
                if let Some(st) = &st {
                    <dt>{text::tasks::TINH_TRANG}</dt><dd data-testid="task-state">{text::tasks::name_percent(&st.state.vi(), &st.percent)}</dd>
                }
            </dl>
            { office::task_editor(&task.id, props.as_of) }
            <div class="filters">
                <h3>{text::tasks::BAO_CAO_CUA_CAC_DON_VI}</h3>
                <PeriodSelect value={*period} testid="task-view-period" on_change={on_period} />
            </div>
            {as_of_note(&at, &plan, *period)}
            <table class="plan" data-testid="unit-reports">
                <thead><tr><th>{text::tasks::DON_VI}</th><th>{text::tasks::TINH_TRANG}</th><th>{text::tasks::TY_LE}</th><th>{text::tasks::KET_QUA}</th><th>{text::tasks::TEP_MINH_CHUNG}</th></tr></thead>
                <tbody>
                { for rows.iter().map(|r| html! {
                    <tr data-testid={format!("unit-{}-{}", if r.reported.is_some() { "report" } else { "missing" }, r.unit_id)}
                        class={classes!(r.reported.is_none().then_some("missing"))}>
                        <td>{unit_name(&r.unit_id)}<span class="part">{format!(" ({})", r.part.vi())}</span></td>
                        if let Some(rep) = &r.reported {
                            <td>{if rep.status == WorkStatus::Done { format!("{}{}", rep.status.vi(), rep.completed_on.map(|d| text::tasks::ngay_2(&d.vi())).unwrap_or_default()) } else { rep.status.vi().to_string() }}</td>
                            <td>{format!("{}%", rep.percent)}</td>
                            <td>{&rep.result}
                            if let Some(sent) = submitted(&r.unit_id) {
                                if sent.status != rep.status || sent.percent != rep.percent || sent.result != rep.result {
                                    <p class="submitted" data-testid={format!("unit-submitted-{}", r.unit_id)}>
                                        {text::tasks::ban_da_gui(&sent.status.vi(), &sent.percent, &sent.result)}
                                    </p>
                                }
                            }
                        </td>
                        } else {
                            <td colspan="3">{text::tasks::CHUA_BAO_CAO_KY_NAY}</td>
                        }
                        <td class="files">{ for r.files.iter().map(file_link) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            { office::history(&task.id) }
        </main>
    }
}

/// An evidence file on the server: a link, with a small preview of a photo, and for a PDF a
/// preview that loads only when opened (the browser's own viewer).
fn file_link(f: &EvidenceFile) -> Html {
    let href = format!("/api/files/{}", f.sha256);
    html! {
        <span class="file">
            <a href={href.clone()} target="_blank" rel="noopener"
                data-testid={format!("evidence-file-{}", f.sha256)}>
                if f.mime.starts_with("image/") {
                    <img src={href.clone()} alt={f.name.clone()} loading="lazy" width="64" />
                }
                <span>{&f.name}</span>
            </a>
            if f.mime == "application/pdf" {
                <details class="preview">
                    <summary>{text::tasks::XEM_TRUOC}</summary>
                    <iframe src={href} title={f.name.clone()} loading="lazy" width="320" height="420" />
                </details>
            }
        </span>
    }
}
