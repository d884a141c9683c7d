//! The whole plan: every area and task with its units and timeline as written. A task opens its
//! view (a user of several plans switches between them in the header); those who may amend the
//! plan add tasks and import other plans here (office build).
//!
//! Stage: *UI*, over the snapshot's plan.

use tiendo_shared::views::status;
use yew::prelude::*;

use crate::text;

use super::task_view::TaskView;
use super::{names, office, use_ws};
use crate::infra::browser::today;

/// The whole plan: every area and task with its units and timeline as written. A task opens
/// its view (reports of every unit, history); those who may amend the plan also add tasks here
/// and import other plans.
#[function_component(PlanOverview)]
pub fn plan_overview() -> Html {
    let open = use_state(|| None::<String>);
    let adding = use_state(|| None::<u32>);
    let ws = use_ws();
    let Ok(plan) = &ws.snap.plan else {
        return html! {};
    };
    let as_of = today();
    if let Some(task_id) = &*open {
        let back = {
            let open = open.clone();
            Callback::from(move |_| open.set(None))
        };
        return html! {
            <TaskView task_id={task_id.clone()} period={status::current_period(plan, as_of)} {as_of} on_back={back} />
        };
    }
    let open_task = |id: String| {
        let open = open.clone();
        Callback::from(move |_| open.set(Some(id.clone())))
    };
    let add_to = |n: u32| {
        let adding = adding.clone();
        Callback::from(move |_| adding.set(if *adding == Some(n) { None } else { Some(n) }))
    };
    let added = {
        let adding = adding.clone();
        Callback::from(move |_| adding.set(None))
    };
    html! {
        <main data-testid="plan-overview">
            <h2>{&plan.title}</h2>
            <p class="sub">{text::tasks::so(&plan.number, &(plan.date.map(|d| d.vi()).unwrap_or_default()))}</p>
            { for plan.areas.iter().map(|a| html! {
                <section class="area" data-testid={format!("plan-area-{}", a.number)}>
                    <h3>{format!("{}. {}", a.number, a.title)}</h3>
                    <table class="plan">
                        <thead><tr><th>{text::tasks::MA}</th><th>{text::tasks::NHIEM_VU}</th><th>{text::tasks::CHU_TRI}</th><th>{text::tasks::PHOI_HOP}</th><th>{text::tasks::THOI_GIAN}</th></tr></thead>
                        <tbody>
                        { for a.tasks.iter().map(|t| html! {
                            <tr data-testid={format!("plan-task-{}", t.id)} class={classes!("open", t.retired_on.is_some().then_some("retired"))}
                                onclick={open_task(t.id.clone())}>
                                <td>{&t.code}</td>
                                <td>{&t.title}
                                    if let Some(r) = t.retired_on { <span class="note">{text::tasks::dung_thuc_hien_tu(&r.vi())}</span> }
                                </td>
                                <td>{names(&t.lead)}</td>
                                <td>{names(&t.coordinating)}</td><td>{&t.schedule.raw}</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                    if ws.snap.plan_writable && office::BUILT {
                        <button class="secondary" onclick={add_to(a.number)} data-testid={format!("add-task-{}", a.number)}>
                            {if *adding == Some(a.number) { text::tasks::DONG } else { text::tasks::THEM_NHIEM_VU }}</button>
                        if *adding == Some(a.number) {
                            { office::add_task(a.number, as_of, added.clone()) }
                        }
                    }
                </section>
            }) }
            if ws.snap.plan_writable { { office::import() } }
        </main>
    }
}
