//! A task's history: every readable unit's progress changes on it and the plan's changes to it,
//! newest first, each with its author, unit and period (office build only: it reads Automerge's
//! change history, which the unit build does not carry).
//!
//! Stage: *UI*, over `shared::history` through [`crate::infra::plan_docs::PlanDocs::timeline`].

use yew::prelude::*;

use super::use_ws;
use crate::infra::browser::when;
use crate::view_model::dashboard;

#[derive(Properties, PartialEq)]
pub struct HistoryProps {
    /// The task.
    pub task_id: String,
}

/// The history of one task.
#[function_component(History)]
pub fn history(props: &HistoryProps) -> Html {
    let ws = use_ws();
    let Ok(agency) = ws.snap.agency.clone() else {
        return html! {};
    };
    let unit_name = |id: &str| agency.unit_name(id);
    let timeline = ws.docs.timeline(&props.task_id);
    html! {
        <>
            <h3>{"Lịch sử thay đổi"}</h3>
            <ol class="timeline" data-testid="timeline">
                if timeline.is_empty() { <li class="sub">{"Chưa có thay đổi."}</li> }
                { for timeline.iter().map(|e| html! {
                    <li data-testid="timeline-event">
                        <span class="when">{if e.time > 0 { when(e.time) } else { "—".into() }}</span>
                        <span class="who" data-testid="timeline-author">{dashboard::author_name(&ws.docs.me.people, &agency, e.author.as_deref())}</span>
                        <span class="where">{match (&e.unit_id, e.period) {
                            (Some(u), Some(p)) => format!("{} — {}", unit_name(u), p.vi()),
                            (Some(u), None) => unit_name(u),
                            _ => "Kế hoạch".to_string(),
                        }}</span>
                        <span class="what">{e.lines.join(" · ")}</span>
                    </li>
                }) }
            </ol>
        </>
    }
}
