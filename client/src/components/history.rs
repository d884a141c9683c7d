//! A task's history: every readable unit's progress changes on it and the plan's changes to it,
//! newest first, each with its author, unit and period (office build only: it reads Automerge's
//! change history, which the unit build does not carry). Who and when are the server's record
//! (who delivered the change, when it arrived); what a change claims otherwise is marked beside.
//!
//! Stage: *UI*, over `shared::history` through [`crate::infra::plan_docs::PlanDocs::timeline`]
//! and [`crate::view_model::history`]; the record is fetched by [`crate::infra::attested`].

use yew::prelude::*;

use crate::text;

use super::use_ws;
use crate::infra::attested;
use crate::infra::browser::when;
use crate::view_model::history::rows;
use tiendo_shared::views::history::Word;

#[derive(Properties, PartialEq)]
pub struct HistoryProps {
    /// The task.
    pub task_id: String,
}

/// How long after an edit this device made its delivery is asked about again (it may not have
/// reached the server when the history first asked).
const ASK_AGAIN_MS: u32 = 5_000;

/// The history of one task.
#[function_component(History)]
pub fn history(props: &HistoryProps) -> Html {
    let ws = use_ws();
    let redraw = use_force_update();
    let timeline = ws.docs.timeline(&props.task_id);
    {
        // Asked when the history opens and whenever a change joins it; once more a moment later
        // when a change is this device's own and just made (its delivery may be under way).
        let docs = ws.docs.timeline_documents();
        let just_made = timeline
            .iter()
            .any(|e| e.word == Word::Unattested && crate::infra::browser::now().0 - e.time < 120);
        use_effect_with((props.task_id.clone(), timeline.len()), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if attested::refresh(&docs).await {
                    redraw.force_update();
                }
                if just_made {
                    gloo_timers::future::TimeoutFuture::new(ASK_AGAIN_MS).await;
                    if attested::refresh(&docs).await {
                        redraw.force_update();
                    }
                }
            });
        });
    }
    let Ok(agency) = ws.snap.agency.clone() else {
        return html! {};
    };
    let shown = rows(&timeline, &ws.docs.me.people, &agency, when);
    html! {
        <>
            <h3>{text::dashboard::LICH_SU_THAY_DOI}</h3>
            <ol class="timeline" data-testid="timeline">
                if shown.is_empty() { <li class="sub">{text::dashboard::CHUA_CO_THAY_DOI}</li> }
                { for shown.into_iter().map(|r| html! {
                    <li data-testid="timeline-event">
                        <span class="when">{r.when}</span>
                        <span class="who" data-testid="timeline-author">{r.who}</span>
                        <span class="where">{r.place}</span>
                        <span class="what">{r.what}</span>
                        if !r.notes.is_empty() {
                            <span class="claim" data-testid="timeline-claim">{r.notes.join(text::dashboard::DOT_SEPARATOR)}</span>
                        }
                    </li>
                }) }
            </ol>
        </>
    }
}
