//! The unit's task list: its tasks of the plan (lead or coordinating) with their state for the
//! period it reports on.
//!
//! Stage: *UI*, over `view_model::tasks` (memoized per snapshot revision).

use tiendo_shared::model::PeriodKind;
use tiendo_shared::views::status;
use yew::prelude::*;

use crate::text;

use super::value_of;

use super::pending_work::PendingWork;
use super::period_report::PeriodReport;
use super::period_select::PeriodSelect;
use super::task_form::TaskDetail;
use super::use_ws;
use super::year_switcher::as_of_note;
use crate::infra::browser::{self, today};
use crate::infra::{prefs, saved_view};
use crate::view_model::organisation;
use crate::view_model::pending::Goto;
use crate::view_model::tasks::{self, Filter};
use crate::view_model::years;

/// The unit's tasks for the period it reports on, searchable and filterable; a row opens the
/// progress form.
#[function_component(Tasks)]
pub fn tasks() -> Html {
    let ws = use_ws();
    let query = use_state(String::new);
    let filter = use_state(Filter::default);
    // Opened from the start screen's pending work: that task, or that period's report.
    let selected = use_state(|| match &ws.goto {
        Some(Goto::Task { task_id, .. }) => Some(task_id.clone()),
        _ => None,
    });
    let chosen = use_state(|| match &ws.goto {
        Some(Goto::Report(p)) | Some(Goto::Task { period: p, .. }) => Some(*p),
        _ => prefs::period(),
    });
    // A link to a period's report shows it (below the pending list and the filters).
    use_effect_with((), {
        let report = matches!(ws.goto, Some(Goto::Report(_)));
        move |_| {
            if report {
                browser::scroll_to("period-report");
            }
        }
    });
    // Back from a task's form: the list is the start screen again, kept to be painted next time.
    use_effect_with(selected.is_none(), |listed| {
        if *listed {
            browser::mark("tiendo:tasks");
            saved_view::save_soon();
        }
    });
    let today = today();
    let unit = ws.docs.me.user.unit_id.clone();
    let period_chosen = *chosen;
    // Computed once per change of the documents (and of the day or period), not per render: a
    // period past its report deadline as of that deadline, not today.
    let groups = use_memo(
        (ws.snap.clone(), today, period_chosen, unit.clone()),
        |(snap, today, chosen, unit)| {
            let (Ok(plan), Ok(agency), Some(unit)) = (&snap.plan, &snap.agency, unit) else {
                return None;
            };
            let current = status::current_period(plan, *today);
            let period = chosen.unwrap_or(current);
            let configured = snap
                .reporting
                .configured
                .get(&period)
                .copied()
                .unwrap_or_default();
            let at = years::view_as_of(plan, period, &configured, None, *today);
            Some((
                current,
                period,
                at,
                tasks::unit_tasks_on(
                    plan,
                    agency,
                    unit,
                    &snap.unit_progress(),
                    at.day,
                    *today,
                    period,
                ),
            ))
        },
    );
    let (plan, agency) = match (&ws.snap.plan, &ws.snap.agency) {
        (Ok(p), Ok(a)) => (p, a),
        (Err(e), _) | (_, Err(e)) => return html! { <p class="error">{e}</p> },
    };
    let Some(unit_id) = unit.as_deref() else {
        return html! { <p>{text::tasks::TAI_KHOAN_NAY_KHONG_GAN_VOI}</p> };
    };
    // The organisation's changes that concern this unit: it was merged, renamed, split, or took
    // over another's work.
    let notices = organisation::notices(agency, unit_id);
    let Some((current, period, at, groups)) = (*groups).clone() else {
        return html! {};
    };
    let shown = tasks::filter(&groups, *filter, &query);
    if let Some(task_id) = &*selected {
        let back = {
            let selected = selected.clone();
            Callback::from(move |_| selected.set(None))
        };
        return html! { <TaskDetail task_id={task_id.clone()} {period} on_back={back} /> };
    }

    let on_period = {
        let chosen = chosen.clone();
        Callback::from(move |p: PeriodKind| {
            prefs::set_period(Some(p).filter(|p| *p != current));
            chosen.set(Some(p));
        })
    };
    let on_open = {
        let selected = selected.clone();
        Callback::from(move |id: String| selected.set(Some(id)))
    };
    // Searched or filtered, this is not the screen a start shows: it is not kept to be painted.
    let narrowed = !query.is_empty() || *filter != Filter::default();
    html! {
        <main data-start={narrowed.then_some("no")}>
            <h2>{text::tasks::NHIEM_VU_CUA_DON_VI}</h2>
            <p class="sub">{text::tasks::ky_bao_cao_hien_tai_ngay(&plan.title, &current.vi(), &today.vi())}</p>
            {as_of_note(&at, plan, period)}
            <PendingWork />
            { for notices.iter().map(|n| html! { <p class="notice" role="status" data-testid="org-notice">{n}</p> }) }
            <TaskFilters {period} {on_period} query={query.clone()} filter={filter.clone()} />
            <PeriodReport {period} />
            if shown.is_empty() { <p data-testid="no-tasks">{text::tasks::KHONG_CO_NHIEM_VU_PHU_HOP}</p> }
            { for shown.iter().map(|g| html! {
                <AreaTasks group={g.clone()} on_open={on_open.clone()} />
            }) }
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct FiltersProps {
    period: PeriodKind,
    on_period: Callback<PeriodKind>,
    /// What is searched for.
    query: UseStateHandle<String>,
    filter: UseStateHandle<Filter>,
}

/// The period reported on, the search and the filter of the list.
#[function_component(TaskFilters)]
fn task_filters(props: &FiltersProps) -> Html {
    let (query, filter) = (&props.query, &props.filter);
    let on_query = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(value_of(&e));
        })
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            filter.set(match value_of(&e).as_str() {
                "overdue" => Filter::Overdue,
                "due_soon" => Filter::DueSoon,
                "open" => Filter::Open,
                "lead" => Filter::Lead,
                _ => Filter::All,
            });
        })
    };
    html! {
        <div class="filters">
            <label>{text::tasks::BAO_CAO_KY}
                <PeriodSelect value={props.period} testid="task-period" on_change={props.on_period.clone()} />
            </label>
            <input type="search" placeholder={text::tasks::TIM_THEO_MA_HOAC_NOI_DUNG} aria-label={text::tasks::TIM_NHIEM_VU} value={(**query).clone()} oninput={on_query} data-testid="task-search" />
            <select onchange={on_filter} data-testid="task-filter" aria-label={text::tasks::LOC_NHIEM_VU}>
                { for [(Filter::All, "all", text::tasks::TAT_CA), (Filter::Overdue, "overdue", text::tasks::QUA_HAN),
                       (Filter::DueSoon, "due_soon", text::tasks::SAP_DEN_HAN), (Filter::Open, "open", text::tasks::CHUA_HOAN_THANH),
                       (Filter::Lead, "lead", text::tasks::CHU_TRI)].into_iter().map(|(f, value, label)| html! {
                    <option {value} selected={**filter == f}>{label}</option>
                }) }
            </select>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AreaProps {
    group: tasks::AreaGroup,
    /// Opens a task's form.
    on_open: Callback<String>,
}

/// One area's tasks, a row each: code, title, lead or coordinating, deadline, state, percent.
#[function_component(AreaTasks)]
fn area_tasks(props: &AreaProps) -> Html {
    let g = &props.group;
    html! {
        <section class="area">
            <h3>{format!("{}. {}", g.number, g.title)}</h3>
            <ul>
            { for g.rows.iter().map(|r| {
                let open = {
                    let (on_open, id) = (props.on_open.clone(), r.task_id.clone());
                    Callback::from(move |_| on_open.emit(id.clone()))
                };
                html! {
                    <li class={classes!("task", format!("state-{:?}", r.state).to_lowercase())}
                        data-testid={format!("task-row-{}", r.task_id)} onclick={open}>
                        <span class="code">{&r.code}</span>
                        <span class="title">{&r.title}</span>
                        <span class={classes!("part", if r.part == tasks::Part::Lead { "lead" } else { "coord" })}>{r.part.vi()}</span>
                        <span class="due">{r.deadline.map(|d| d.vi()).unwrap_or_else(|| text::tasks::NONE_DASH.into())}</span>
                        <span class="state" data-testid="task-state">{r.label()}</span>
                        <span class="percent">{format!("{}%", r.percent)}</span>
                    </li>
                }
            }) }
            </ul>
        </section>
    }
}
