//! The central office's dashboard: merged status for a chosen period and "as of" date, SVG bars
//! by area and by unit, watch lists, the reporting calendar with the plan-completion score and
//! the report downloads; a task opens its [`TaskView`] (office build only).
//!
//! Stage: *UI*. Everything is computed on the device by `shared::status` over the synced
//! documents (so it works offline on the last synced data); only the report files and the list
//! of generated reports come from the server, the latter kept for offline use.

mod sections;

use std::rc::Rc;

use tiendo_shared::model::{Date, PeriodKind};
use tiendo_shared::views::status::{self, Counts, Summary};
use yew::prelude::*;

use crate::text;

use super::pending_work::PendingWork;
use super::task_view::TaskView;
use super::unit_reports::UnitReports;
use super::year_switcher::as_of_note;
use super::{use_summary, use_ws};
use crate::infra::browser::{self, today};
use crate::view_model::dashboard::{self, ReportsInfo, Watch};
use crate::view_model::pending::Goto;
use crate::view_model::reporting::{office_rows, reporting_units};
use crate::view_model::years;
use sections::{Calendar, Cards, Charts, Downloads, Filters, ScoreSection, SectionsNav};

/// Bar width in SVG units.
const BAR: f64 = 300.0;

fn pct(r: f64) -> String {
    format!("{:.0}%", r * 100.0)
}

/// The stacked bar of one row, drawn in SVG (no chart library: it must work offline).
fn bar(id: String, c: &Counts, max: usize) -> Html {
    let parts = dashboard::layout(c, max, BAR);
    html! {
        <svg class="bar" viewBox={format!("0 0 {BAR} 20")} preserveAspectRatio="none" role="img"
            aria-label={text::dashboard::nhiem_vu(&c.total)} data-testid={id}>
            <rect class="track" x="0" y="0" width={BAR.to_string()} height="20" />
            { for parts.into_iter().map(|(s, x, w)| html! {
                <rect class={classes!("seg", s.class)} x={format!("{x:.2}")} y="0" width={format!("{w:.2}")} height="20"
                    data-class={s.class} data-count={s.count.to_string()}>
                    <title>{format!("{}: {}", s.label, s.count)}</title>
                </rect>
            }) }
        </svg>
    }
}

fn legend() -> Html {
    html! {
        <ul class="legend">
            { for dashboard::segments(&Counts::default()).into_iter().map(|s| html! {
                <li><span class={classes!("swatch", s.class)}></span>{s.label}</li>
            }) }
        </ul>
    }
}

/// How many rows a watch list shows until the user asks for all of them: the dashboard stays a
/// page, not a scroll of every overdue task.
const WATCH_SHOWN: usize = 8;

#[derive(Properties, PartialEq)]
struct WatchProps {
    title: &'static str,
    id: &'static str,
    items: Vec<Watch>,
    empty: &'static str,
    on_open: Callback<String>,
    /// Every row shown (the dashboard keeps it, so "Quay lại" from a task finds it as it was).
    expanded: bool,
    on_expand: Callback<&'static str>,
}

#[function_component(WatchList)]
fn watch_list(props: &WatchProps) -> Html {
    let more = props.items.len().saturating_sub(WATCH_SHOWN);
    let toggle = {
        let (cb, id) = (props.on_expand.clone(), props.id);
        Callback::from(move |_| cb.emit(id))
    };
    html! {
        <section class="watch" data-testid={props.id}>
            <h3>{format!("{} ({})", props.title, props.items.len())}</h3>
            if props.items.is_empty() { <p class="sub">{props.empty}</p> }
            <ul>
            { for props.items.iter().enumerate().map(|(i, w)| {
                let open = {
                    let (cb, id) = (props.on_open.clone(), w.task_id.clone());
                    Callback::from(move |_| cb.emit(id.clone()))
                };
                html! {
                    <li hidden={i >= WATCH_SHOWN && !props.expanded}>
                        <button class="link" onclick={open} data-testid={format!("{}-{}", props.id, w.task_id)}>
                            <span class="code">{&w.code}</span>
                            <span class="title">{&w.title}</span>
                            <span class="due">{w.deadline.map(|d| d.vi()).unwrap_or_else(|| text::dashboard::NONE_DASH.into())}</span>
                            <span class="units">{w.units.join("; ")}</span>
                        </button>
                    </li>
                }
            }) }
            </ul>
            if more > 0 {
                <button type="button" class="secondary more" onclick={toggle} aria-expanded={props.expanded.to_string()}
                    data-testid={format!("{}-more", props.id)}>
                    { if props.expanded { text::dashboard::THU_GON.to_string() } else { text::dashboard::xem_them_nhiem_vu(&more) } }
                </button>
            }
        </section>
    }
}

/// The merged dashboard.
#[derive(Properties, PartialEq)]
struct YearProps {
    plan_id: String,
    period: PeriodKind,
    as_of: Date,
}

/// The year over the plans this one continues (a replaced plan, an agency merged in), as the
/// server combines them (`shared::year`); needs the connection.
#[function_component(YearPanel)]
fn year_panel(props: &YearProps) -> Html {
    let year = use_state(|| None::<Option<tiendo_shared::views::year::Year>>);
    {
        let year = year.clone();
        use_effect_with(
            (props.plan_id.clone(), props.period, props.as_of),
            move |(plan_id, period, as_of)| {
                let (plan_id, period, as_of) = (plan_id.clone(), *period, *as_of);
                wasm_bindgen_futures::spawn_local(async move {
                    year.set(Some(crate::infra::api::year(&plan_id, period, as_of).await));
                });
            },
        );
    }
    let role = |r: tiendo_shared::views::year::Role| match r {
        tiendo_shared::views::year::Role::Continuing => {
            text::dashboard::KE_HOACH_DANG_THUC_HIEN.to_string()
        }
        tiendo_shared::views::year::Role::Replaced { from } => {
            text::dashboard::duoc_thay_the_tu_nhiem_vu(&from.vi())
        }
        tiendo_shared::views::year::Role::Absorbed { from } => {
            text::dashboard::co_quan_sap_nhap_tu(&from.vi())
        }
    };
    html! {
        <section class="year" data-testid="year">
            <h3>{text::dashboard::CA_NAM_GOM_CAC_KE_HOACH}</h3>
            {
                match &*year {
                    None => html! { <p class="sub">{text::dashboard::DANG_TINH}</p> },
                    Some(None) => html! { <p class="sub">{text::dashboard::CAN_KET_NOI_MAY_CHU_DE}</p> },
                    Some(Some(y)) => html! {
                        <table class="plan">
                            <thead><tr><th>{text::dashboard::KE_HOACH}</th><th>{text::dashboard::CACH_TINH}</th><th>{text::dashboard::NHIEM_VU}</th><th>{text::dashboard::DEN_HAN}</th><th>{text::dashboard::HOAN_THANH}</th></tr></thead>
                            <tbody>
                                { for y.parts.iter().map(|p| html! {
                                    <tr><td>{format!("{} ({})", p.title, p.agency)}</td><td>{role(p.role)}</td>
                                        <td>{p.counts.total}</td><td>{p.counts.due}</td>
                                        <td>{p.counts.done_on_time + p.counts.done_late}</td></tr>
                                }) }
                                <tr data-testid="year-total"><td><strong>{text::dashboard::CA_NAM}</strong></td><td>{pct(y.counts.due_completion_rate)}{text::dashboard::NHIEM_VU_DEN_HAN_DA_HOAN}</td>
                                    <td>{y.counts.total}</td><td>{y.counts.due}</td>
                                    <td>{y.counts.done_on_time + y.counts.done_late}</td></tr>
                            </tbody>
                        </table>
                    },
                }
            }
        </section>
    }
}

#[function_component(Dashboard)]
pub fn dashboard_view() -> Html {
    let ws = use_ws();
    let plan = ws.snap.plan.clone();
    let today = today();
    // Opened from the start screen's pending work on a period: that period.
    let initial_period = match ws.goto {
        Some(Goto::Office(p)) => p,
        _ => plan
            .as_ref()
            .map(|p| status::current_period(p, today))
            .unwrap_or(PeriodKind::Q1),
    };
    let period = use_state(|| initial_period);
    // The day the user picked ("Tính đến ngày"); none: the period's own (a period past its
    // report deadline as of that deadline, else today).
    let picked = use_state(|| None::<Date>);
    // A day typed that does not read as a date: (what was typed, why), kept in the field.
    let as_of_error = use_state(|| None::<(String, String)>);
    // The task opened from a watch list, and where the page was scrolled when it opened ("Quay
    // lại" comes back there).
    let open = use_state(|| None::<(String, f64)>);
    // The watch lists shown whole.
    let expanded = use_state(std::collections::BTreeSet::<&'static str>::new);
    let refresh = use_state(|| 0u32);
    let info = use_reports_info(&ws.snap.plan_id, *refresh);
    let at = match &plan {
        Ok(p) => {
            let configured = ws
                .snap
                .reporting
                .configured
                .get(&*period)
                .copied()
                .unwrap_or_default();
            years::view_as_of(p, *period, &configured, *picked, today)
        }
        Err(_) => tiendo_shared::views::status::AsOf::picked(picked.unwrap_or(today)),
    };
    let as_of = at.day;
    let summary = use_summary(&ws, as_of, *period);
    // "So với năm trước": each area beside last year's, when the plan continues one.
    let last_year = use_last_year(
        &ws.snap.plan_id,
        plan.as_ref().is_ok_and(|p| p.previous.is_some()),
    );
    let (plan, agency) = match (plan, ws.snap.agency.clone()) {
        (Ok(p), Ok(a)) => (p, a),
        (Err(e), _) | (_, Err(e)) => return html! { <p class="error">{e}</p> },
    };
    let unreadable = ws.snap.unreadable;
    let Some(s): Option<Summary> = (*summary).clone() else {
        return html! {};
    };
    let on_open = {
        let open = open.clone();
        Callback::from(move |id: String| {
            open.set(Some((id, browser::scroll_y())));
            browser::scroll_to_y(0.0);
        })
    };
    if let Some((task_id, y)) = &*open {
        let back = {
            let (open, y) = (open.clone(), *y);
            Callback::from(move |_| {
                open.set(None);
                browser::scroll_to_y(y);
            })
        };
        return html! {
            <TaskView task_id={task_id.clone()} period={*period} as_of={if at.picked { as_of } else { today }}
                picked={at.picked} on_back={back} />
        };
    }
    let on_period = {
        let period = period.clone();
        Callback::from(move |p: PeriodKind| period.set(p))
    };
    let on_expand = {
        let expanded = expanded.clone();
        Callback::from(move |id: &'static str| {
            let mut e = (*expanded).clone();
            if !e.remove(id) {
                e.insert(id);
            }
            expanded.set(e);
        })
    };
    let lists = dashboard::lists(&s, &agency, as_of, today);
    let info_now = (*info).clone().unwrap_or_default();
    let score = dashboard::plan_score(&s, &info_now);
    // Days left count from today, or from the day the user picked.
    let calendar = dashboard::calendar(
        &plan,
        if at.picked { as_of } else { today },
        &info_now.generated,
    );
    // Per period: how many units sent their report on time, and have sent it at all.
    let units_reporting = reporting_units(&agency, &ws.snap.reporting);
    let sent_on_time = |p: PeriodKind| {
        let (rows, on_time) = office_rows(
            &ws.snap.reporting,
            &plan,
            &units_reporting,
            p,
            ws.docs.me.user.role,
            today,
            &info_now.received,
        );
        let sent = rows.iter().filter(|r| r.first_sent.is_some()).count();
        (on_time, sent, rows.len())
    };
    let (period_on_time, _, period_units) = sent_on_time(*period);
    let reporting_score = tiendo_shared::views::report::reporting_score(
        period_on_time,
        period_units,
        &info_now.score_rule,
    );
    let online = browser::online();
    // The server records the file; the calendar asks again once it has been made.
    let on_made = {
        let refresh = refresh.clone();
        Callback::from(move |_| {
            let refresh = refresh.clone();
            gloo_timers::callback::Timeout::new(1500, move || refresh.set(*refresh + 1)).forget();
        })
    };
    let calendar_rows: Vec<_> = calendar
        .into_iter()
        .map(|r| {
            let sent = sent_on_time(r.period);
            (r, sent)
        })
        .collect();
    html! {
        <main class="dashboard" data-testid="dashboard">
            <h2>{text::dashboard::TONG_HOP_TIEN_DO}</h2>
            <p class="sub">{text::dashboard::don_vi_da_dong_bo(&plan.title, &ws.snap.all_progress.len())}</p>
            {as_of_note(&at, &plan, *period)}
            <PendingWork />
            <Filters period={*period} {on_period} {as_of} picked={picked.clone()} error={as_of_error.clone()} />
            <SectionsNav />
            if unreadable > 0 { <p class="error">{text::dashboard::tai_lieu_tien_do_khong_doc(&unreadable)}</p> }
            if !plan.unreadable.is_empty() {
                <details class="error" data-testid="plan-unreadable">
                    <summary>{text::dashboard::ke_hoach_co_cho_khong_doc(&plan.unreadable.len())}</summary>
                    <ul>{ for plan.unreadable.iter().take(20).map(|p| html! { <li>{p.to_string()}</li> }) }</ul>
                </details>
            }
            { for s.problems.iter().take(5).map(|p| html! { <p class="sub problem">{p.message.clone()}</p> }) }
            <Cards headline={s.headline.clone()} />
            if !plan.links.is_empty() {
                <YearPanel plan_id={ws.snap.plan_id.clone()} period={*period} {as_of} />
            }
            <ScoreSection {score} reporting={reporting_score} period={*period} on_time={period_on_time}
                units={period_units} rule={info_now.score_rule.clone()} />
            <Calendar rows={calendar_rows} known={info.is_some()} />
            <UnitReports period={*period} received={info_now.received.clone()} />
            <Downloads plan_id={ws.snap.plan_id.clone()} period={*period} picked={*picked} {as_of} {online} {on_made} />
            <Charts summary={Rc::new(s.clone())} agency={Rc::new(agency.clone())} {as_of} {today}
                last_year={(*last_year).clone()} />
            <WatchList title={text::dashboard::NHIEM_VU_QUA_HAN} id="list-overdue" items={lists.overdue} empty={text::dashboard::KHONG_CO_NHIEM_VU_QUA_HAN}
                on_open={on_open.clone()} expanded={expanded.contains("list-overdue")} on_expand={on_expand.clone()} />
            <WatchList title={text::dashboard::DEN_HAN_TRONG_30_NGAY} id="list-due-soon" items={lists.due_soon} empty={text::dashboard::KHONG_CO_NHIEM_VU_DEN_HAN}
                on_open={on_open.clone()} expanded={expanded.contains("list-due-soon")} on_expand={on_expand.clone()} />
            <WatchList title={text::dashboard::DON_VI_CHU_TRI_CHUA_BAO} id="list-not-reported" items={lists.not_reported} empty={text::dashboard::MOI_DON_VI_CHU_TRI_DA}
                {on_open} expanded={expanded.contains("list-not-reported")} {on_expand} />
        </main>
    }
}

/// The reports generated for `plan_id` and the score thresholds (kept for offline use), asked
/// again whenever `refresh` moves.
#[hook]
fn use_reports_info(plan_id: &str, refresh: u32) -> UseStateHandle<Option<ReportsInfo>> {
    let info = use_state(|| None::<ReportsInfo>);
    {
        let (info, plan_id) = (info.clone(), plan_id.to_string());
        use_effect_with((plan_id.clone(), refresh), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(i) = crate::infra::api::reports(&plan_id).await {
                    info.set(Some(i));
                }
            });
        });
    }
    info
}

/// "So với năm trước": each area of last year's plan, when plan `plan_id` `continues` one.
#[hook]
fn use_last_year(
    plan_id: &str,
    continues: bool,
) -> UseStateHandle<Option<tiendo_shared::views::next_year::Comparison>> {
    let last_year = use_state(|| None::<tiendo_shared::views::next_year::Comparison>);
    {
        let last_year = last_year.clone();
        use_effect_with(
            (plan_id.to_string(), continues),
            move |(plan_id, continues)| {
                last_year.set(None);
                if *continues {
                    let (plan_id, last_year) = (plan_id.clone(), last_year.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        last_year.set(crate::infra::api::previous_year(&plan_id).await);
                    });
                }
            },
        );
    }
    last_year
}
