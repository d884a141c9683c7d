//! One task as the plan and the reports show it: the plan's words, its state, every readable
//! unit's report for a period (leads, then coordinating units) with its evidence files; in the office build also the task's history and, for those who
//! may amend the plan, the task editor.
//!
//! Stage: *UI*, over the snapshot's plan and the memoized summary ([`use_summary`]). Opened from
//! the plan overview (both builds) and the dashboard (office build).

use tiendo_shared::{Date, EvidenceFile, PeriodKind, WorkStatus};

use crate::view_model::task_reports::report_rows;
use yew::prelude::*;

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
        Err(_) => tiendo_shared::status::AsOf::picked(props.as_of),
    };
    let summary = use_summary(&ws, at.day, *period);
    let (plan, agency) = match (ws.snap.plan.clone(), ws.snap.agency.clone()) {
        (Ok(p), Ok(a)) => (p, a),
        (Err(e), _) | (_, Err(e)) => return html! { <p class="error">{e}</p> },
    };
    let Some(task) = plan.task(&props.task_id).cloned() else {
        return html! { <p>{"Không tìm thấy nhiệm vụ."}</p> };
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
            let docs: Vec<&tiendo_shared::Progress> = ws
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
    let submitted = |unit: &str| -> Option<tiendo_shared::Entry> {
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
            <button class="secondary" onclick={back} data-testid="back">{"← Quay lại"}</button>
            <h2>{format!("{} {}", task.code, task.title)}</h2>
            if let Some(r) = task.retired_on {
                <p class="retired" data-testid="retired-note">{format!("Dừng thực hiện từ ngày {} (không còn tính từ ngày này)", r.vi())}</p>
            }
            <dl>
                <dt>{"Chủ trì"}</dt><dd data-testid="task-lead">{names(&task.lead)}</dd>
                <dt>{"Phối hợp"}</dt><dd>{names(&task.coordinating)}</dd>
                <dt>{"Sản phẩm"}</dt><dd>{task.products.join("; ")}</dd>
                <dt>{"Thời gian"}</dt><dd data-testid="task-timeline-text">{&task.schedule.raw}
                    { for task.schedule.milestones.iter().map(|m| html!{ <span class="milestone">{format!(" · hạn {}", m.due.vi())}</span> }) }
                </dd>
                if let Some(st) = &st {
                    <dt>{"Tình trạng"}</dt><dd data-testid="task-state">{format!("{} — {}%", st.state.vi(), st.percent)}</dd>
                }
            </dl>
            { office::task_editor(&task.id, props.as_of) }
            <div class="filters">
                <h3>{"Báo cáo của các đơn vị — kỳ "}</h3>
                <PeriodSelect value={*period} testid="task-view-period" on_change={on_period} />
            </div>
            {as_of_note(&at, &plan, *period)}
            <table class="plan" data-testid="unit-reports">
                <thead><tr><th>{"Đơn vị"}</th><th>{"Tình trạng"}</th><th>{"Tỷ lệ"}</th><th>{"Kết quả"}</th><th>{"Tệp minh chứng"}</th></tr></thead>
                <tbody>
                { for rows.iter().map(|r| html! {
                    <tr data-testid={format!("unit-{}-{}", if r.reported.is_some() { "report" } else { "missing" }, r.unit_id)}
                        class={classes!(r.reported.is_none().then_some("missing"))}>
                        <td>{unit_name(&r.unit_id)}<span class="part">{format!(" ({})", r.part.vi())}</span></td>
                        if let Some(rep) = &r.reported {
                            <td>{if rep.status == WorkStatus::Done { format!("{}{}", rep.status.vi(), rep.completed_on.map(|d| format!(" ngày {}", d.vi())).unwrap_or_default()) } else { rep.status.vi().to_string() }}</td>
                            <td>{format!("{}%", rep.percent)}</td>
                            <td>{&rep.result}
                            if let Some(sent) = submitted(&r.unit_id) {
                                if sent.status != rep.status || sent.percent != rep.percent || sent.result != rep.result {
                                    <p class="submitted" data-testid={format!("unit-submitted-{}", r.unit_id)}>
                                        {format!("Bản đã gửi: {} — {}% — {}", sent.status.vi(), sent.percent, sent.result)}
                                    </p>
                                }
                            }
                        </td>
                        } else {
                            <td colspan="3">{"Chưa báo cáo kỳ này"}</td>
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
                    <summary>{"Xem trước"}</summary>
                    <iframe src={href} title={f.name.clone()} loading="lazy" width="320" height="420" />
                </details>
            }
        </span>
    }
}
