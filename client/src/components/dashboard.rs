//! The central office's dashboard: merged status for a chosen period and "as of" date, SVG bars
//! by area and by unit, watch lists, the reporting calendar with the plan-completion score and
//! the report downloads; a task opens its [`TaskView`] (office build only).
//!
//! Stage: *UI*. Everything is computed on the device by `shared::status` over the synced
//! documents (so it works offline on the last synced data); only the report files and the list
//! of generated reports come from the server, the latter kept for offline use.

use tiendo_shared::status::{self, Counts, Summary};
use tiendo_shared::{Date, PeriodKind};
use yew::prelude::*;

use crate::text;

use super::value_of;

use super::pending_work::PendingWork;
use super::period_select::PeriodSelect;
use super::task_view::TaskView;
use super::unit_reports::UnitReports;
use super::year_switcher::as_of_note;
use super::{use_summary, use_ws};
use crate::infra::browser::{self, today, when};
use crate::view_model::dashboard::{self, ReportsInfo, Watch};
use crate::view_model::pending::Goto;
use crate::view_model::reporting::{office_rows, reporting_units};
use crate::view_model::years;

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
                            <span class="due">{w.deadline.map(|d| d.vi()).unwrap_or_else(|| text::dashboard::TEXT.into())}</span>
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
    let year = use_state(|| None::<Option<tiendo_shared::year::Year>>);
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
    let role = |r: tiendo_shared::year::Role| match r {
        tiendo_shared::year::Role::Continuing => {
            text::dashboard::KE_HOACH_DANG_THUC_HIEN.to_string()
        }
        tiendo_shared::year::Role::Replaced { from } => {
            text::dashboard::duoc_thay_the_tu_nhiem_vu(&from.vi())
        }
        tiendo_shared::year::Role::Absorbed { from } => {
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
    let info = use_state(|| None::<ReportsInfo>);
    let refresh = use_state(|| 0u32);
    {
        let (info, plan_id) = (info.clone(), ws.snap.plan_id.clone());
        use_effect_with((plan_id.clone(), *refresh), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(i) = crate::infra::api::reports(&plan_id).await {
                    info.set(Some(i));
                }
            });
        });
    }
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
        Err(_) => tiendo_shared::status::AsOf::picked(picked.unwrap_or(today)),
    };
    let as_of = at.day;
    let summary = use_summary(&ws, as_of, *period);
    // "So với năm trước": each area beside last year's, when the plan continues one.
    let last_year = use_state(|| None::<tiendo_shared::next_year::Comparison>);
    {
        let last_year = last_year.clone();
        let continues = plan.as_ref().is_ok_and(|p| p.previous.is_some());
        use_effect_with(
            (ws.snap.plan_id.clone(), continues),
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
    let on_as_of = {
        let (picked, err, as_of_shown) = (picked.clone(), as_of_error.clone(), as_of);
        Callback::from(move |e: Event| {
            {
                let typed = value_of(&e);
                // Emptied: back to the period's own day.
                if typed.trim().is_empty() {
                    picked.set(None);
                    err.set(None);
                    return;
                }
                match typed.trim().parse::<Date>() {
                    Ok(d) => {
                        picked.set(Some(d));
                        err.set(None);
                    }
                    Err(_) => err.set(Some((
                        typed.clone(),
                        text::dashboard::ngay_khong_hop_le_ghi_theo(&typed, &as_of_shown.vi()),
                    ))),
                }
            }
        })
    };
    let h = &s.headline;
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
    let reporting_score =
        tiendo_shared::report::reporting_score(period_on_time, period_units, &info_now.score_rule);
    let online = browser::online();
    let download = |kind: &'static str| {
        // The day only when the user picked one: else the server computes the period as of
        // its own rule (a past period as of its deadline), the same as this screen.
        let url = format!(
            "/api/plans/{}/reports/{}.{kind}{}",
            ws.snap.plan_id,
            period.as_str(),
            years::as_of_query(*picked)
        );
        let refresh = refresh.clone();
        // The server records the file; the calendar asks again once it has been made.
        let after = Callback::from(move |_| {
            let refresh = refresh.clone();
            gloo_timers::callback::Timeout::new(1500, move || refresh.set(*refresh + 1)).forget();
        });
        html! {
            <a class="button" href={url} download="" onclick={after}
                data-testid={format!("download-{kind}")}>{text::dashboard::tai_bao_cao(&kind.to_uppercase())}</a>
        }
    };
    // "Hồ sơ minh chứng": the period's evidence files in one ZIP, by task, as of the same day.
    let evidence_url = format!(
        "/api/plans/{}/evidence/{}.zip{}",
        ws.snap.plan_id,
        period.as_str(),
        years::as_of_query(*picked)
    );
    // The page's parts, each reachable directly from the bar under the filters.
    let jump = |testid: &'static str, label: &'static str| {
        html! {
            <button type="button" class="secondary" onclick={Callback::from(move |_| browser::scroll_to(testid))}
                data-testid={format!("jump-{testid}")}>{label}</button>
        }
    };
    let card = |label: &'static str, value: String, id: &'static str, class: &'static str| {
        html! {
            <div class={classes!("card", class)} data-testid={format!("headline-{id}")}>
                <span class="value">{value}</span><span class="label">{label}</span>
            </div>
        }
    };
    let area_max = s.by_area.iter().map(|a| a.counts.total).max().unwrap_or(0);
    let unit_max = s.by_unit.iter().map(|u| u.lead.total).max().unwrap_or(0);
    html! {
        <main class="dashboard" data-testid="dashboard">
            <h2>{text::dashboard::TONG_HOP_TIEN_DO}</h2>
            <p class="sub">{text::dashboard::don_vi_da_dong_bo(&plan.title, &ws.snap.all_progress.len())}</p>
            {as_of_note(&at, &plan, *period)}
            <PendingWork />
            <div class="filters">
                <label>{text::dashboard::KY_BAO_CAO}
                    <PeriodSelect value={*period} testid="dashboard-period" on_change={on_period} />
                </label>
                <label>{text::dashboard::TINH_DEN_NGAY}
                    <input class="date" inputmode="numeric" value={as_of_error.as_ref().map_or_else(|| as_of.vi(), |(typed, _)| typed.clone())}
                        onchange={on_as_of} placeholder="dd/mm/yyyy" aria-invalid={as_of_error.is_some().to_string()} data-testid="dashboard-as-of" />
                </label>
            </div>
            if let Some((_, e)) = &*as_of_error { <p class="error" role="alert" data-testid="dashboard-as-of-error">{e}</p> }
            <nav class="sections" aria-label={text::dashboard::CAC_PHAN_CUA_TRANG_TONG_HOP}>
                {jump("headline", text::dashboard::TONG_QUAN)}
                {jump("calendar", text::dashboard::LICH_BAO_CAO)}
                {jump("unit-reports-workflow", text::dashboard::BAO_CAO_CUA_DON_VI)}
                {jump("downloads", text::dashboard::TAI_BAO_CAO)}
                {jump("chart-areas", text::dashboard::BIEU_DO)}
                {jump("list-overdue", text::dashboard::THEO_DOI)}
            </nav>
            if unreadable > 0 { <p class="error">{text::dashboard::tai_lieu_tien_do_khong_doc(&unreadable)}</p> }
            if !plan.unreadable.is_empty() {
                <details class="error" data-testid="plan-unreadable">
                    <summary>{text::dashboard::ke_hoach_co_cho_khong_doc(&plan.unreadable.len())}</summary>
                    <ul>{ for plan.unreadable.iter().take(20).map(|p| html! { <li>{p.to_string()}</li> }) }</ul>
                </details>
            }
            { for s.problems.iter().take(5).map(|p| html! { <p class="sub problem">{p.message.clone()}</p> }) }
            <section class="cards" data-testid="headline">
                {card(text::dashboard::NHIEM_VU_TRONG_KE_HOACH, h.total.to_string(), "total", "")}
                {card(text::dashboard::DEN_HAN, h.due.to_string(), "due", "")}
                {card(text::dashboard::HOAN_THANH_DUNG_HAN, h.done_on_time.to_string(), "done-on-time", "done")}
                {card(text::dashboard::HOAN_THANH_QUA_HAN, h.done_late.to_string(), "done-late", "late")}
                {card(text::dashboard::DANG_THUC_HIEN_TRONG_HAN, h.in_progress.to_string(), "in-progress", "progress")}
                {card(text::dashboard::QUA_HAN, h.overdue.to_string(), "overdue", "overdue")}
                {card(text::dashboard::CHUA_THUC_HIEN, h.not_started.to_string(), "not-started", "idle")}
                {card(text::dashboard::TY_LE_HOAN_THANH_TOAN_KE, pct(h.completion_rate), "rate", "")}
                {card(text::dashboard::TY_LE_HOAN_THANH_NHIEM_VU, pct(h.due_completion_rate), "due-rate", "")}
            </section>
            if !plan.links.is_empty() {
                <YearPanel plan_id={ws.snap.plan_id.clone()} period={*period} {as_of} />
            }
            <section class="score" data-testid="score">
                <h3>{text::dashboard::MUC_DO_THUC_HIEN_KE_HOACH}</h3>
                <p><strong data-testid="score-points">{text::dashboard::diem(&score.points, &score.max_points)}</strong>
                    {text::dashboard::nhiem_vu_den_han_da_hoan(&score.done, &score.due, &pct(score.rate))}</p>
                if let Some((points, max)) = reporting_score {
                    <p data-testid="score-reporting">{text::dashboard::bao_cao_dung_han_don_vi(&period.vi(), &period_on_time, &period_units, &points, &max)}</p>
                }
                <p class="sub">{text::dashboard::nguong_tren_duoc_diem_tu_duoc(&pct(info_now.score_rule.full_above), &info_now.score_rule.full_points, &pct(info_now.score_rule.partial_from), &info_now.score_rule.partial_points)}</p>
            </section>
            <section class="calendar" data-testid="calendar">
                <h3>{text::dashboard::LICH_BAO_CAO}</h3>
                <table class="plan">
                    <thead><tr><th>{text::dashboard::KY}</th><th>{text::dashboard::HAN_GUI}</th><th>{text::dashboard::CON_LAI}</th><th>{text::dashboard::DON_VI_DA_GUI_DUNG_HAN}</th><th>{text::dashboard::DA_TAO_BAO_CAO}</th></tr></thead>
                    <tbody>
                    { for calendar.iter().map(|r| html! {
                        <tr data-testid={format!("calendar-{}", r.period.as_str())} class={classes!((r.days_left < 0 && r.generated.is_none()).then_some("late"))}>
                            <td>{&r.name}</td><td>{r.deadline.vi()}</td><td>{r.days_text()}</td>
                            <td data-testid={format!("calendar-sent-{}", r.period.as_str())}>{{
                                let (on_time, sent, n) = sent_on_time(r.period);
                                text::dashboard::dung_han(&sent, &n, &on_time)
                            }}</td>
                            <td data-testid={format!("calendar-generated-{}", r.period.as_str())}>{
                                match &r.generated {
                                    Some(g) => text::dashboard::da_tao_luc_tinh_den(&g.kind.to_uppercase(), &when(g.generated_at), &(g.as_of.parse::<Date>().map(|d| d.vi()).unwrap_or_else(|_| g.as_of.clone()))),
                                    None => text::dashboard::CHUA_TAO.to_string(),
                                }
                            }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
                if info.is_none() { <p class="sub">{text::dashboard::CHUA_CO_THONG_TIN_TU_MAY}</p> }
            </section>
            <UnitReports period={*period} received={info_now.received.clone()} />
            <section class="downloads" data-testid="downloads">
                <h3>{text::dashboard::bao_cao_tinh_den(&period.vi(), &as_of.vi())}</h3>
                if online {
                    <div class="actions">{download("docx")}{download("xlsx")}
                        <a class="button secondary" href={evidence_url} download="" data-testid="download-evidence">{text::dashboard::HO_SO_MINH_CHUNG_ZIP}</a>
                    </div>
                } else {
                    <p class="sub" data-testid="downloads-offline">{text::dashboard::TEP_BAO_CAO_DO_MAY_CHU}</p>
                }
            </section>
            <section class="charts">
                <h3>{text::dashboard::THEO_LINH_VUC}</h3>
                {legend()}
                <div class="bars" data-testid="chart-areas">
                { for s.by_area.iter().map(|a| html! {
                    <div class="bar-row">
                        <span class="bar-label">{format!("{}. {}", a.number, a.title)}</span>
                        {bar(format!("bar-area-{}", a.number), &a.counts, area_max)}
                        <span class="bar-n">{text::dashboard::text(&(a.counts.done_on_time + a.counts.done_late), &a.counts.total, &pct(a.counts.completion_rate))}</span>
                        if let Some(t) = dashboard::previous_year(last_year.as_ref(), a.number) {
                            <span class="bar-n previous" title={text::dashboard::SO_VOI_NAM_TRUOC} data-testid={format!("previous-area-{}", a.number)}>{t}</span>
                        }
                    </div>
                }) }
                </div>
                <h3>{text::dashboard::THEO_DON_VI_CHU_TRI}</h3>
                <div class="bars" data-testid="chart-units">
                { for s.by_unit.iter().map(|u| html! {
                    <div class="bar-row">
                        <span class="bar-label">{agency.unit_name_then_now(&u.unit_id, as_of, today)}</span>
                        {bar(format!("bar-unit-{}", u.unit_id), &u.lead, unit_max)}
                        <span class="bar-n">{text::dashboard::text(&(u.lead.done_on_time + u.lead.done_late), &u.lead.total, &pct(u.lead.completion_rate))}</span>
                    </div>
                }) }
                </div>
                <h3>{text::dashboard::PHOI_HOP}</h3>
                <table class="counts" data-testid="coordinating">
                    <thead><tr><th>{text::dashboard::DON_VI}</th><th>{text::dashboard::NHIEM_VU_PHOI_HOP}</th><th>{text::dashboard::DA_BAO_CAO}</th><th>{text::dashboard::NHIEM_VU_CHUA_BAO_CAO}</th></tr></thead>
                    <tbody>
                    { for s.by_unit.iter().map(|u| html! {
                        <tr><th>{agency.unit_name_then_now(&u.unit_id, as_of, today)}</th><td>{u.coordinating_tasks}</td><td>{u.coordinating_reported}</td><td>{u.missing_reports}</td></tr>
                    }) }
                    </tbody>
                </table>
            </section>
            <WatchList title={text::dashboard::NHIEM_VU_QUA_HAN} id="list-overdue" items={lists.overdue} empty={text::dashboard::KHONG_CO_NHIEM_VU_QUA_HAN}
                on_open={on_open.clone()} expanded={expanded.contains("list-overdue")} on_expand={on_expand.clone()} />
            <WatchList title={text::dashboard::DEN_HAN_TRONG_30_NGAY} id="list-due-soon" items={lists.due_soon} empty={text::dashboard::KHONG_CO_NHIEM_VU_DEN_HAN}
                on_open={on_open.clone()} expanded={expanded.contains("list-due-soon")} on_expand={on_expand.clone()} />
            <WatchList title={text::dashboard::DON_VI_CHU_TRI_CHUA_BAO} id="list-not-reported" items={lists.not_reported} empty={text::dashboard::MOI_DON_VI_CHU_TRI_DA}
                {on_open} expanded={expanded.contains("list-not-reported")} {on_expand} />
        </main>
    }
}
