//! The province's screen (Sở Nội vụ, system administrators): every agency's row for a period —
//! counts, completion, score, reports on time, PAR-index points — sortable by any column and
//! filtered by kind (sở, xã, phường, đặc khu); a row opens that agency read-only from the
//! server's figures (its status and the criteria with their working), with no document synced
//! to the device. The last roll-up fetched shows offline, with its time.
//!
//! Stage: *UI* (office build), over `shared::province::view`; I/O through `infra::api`.

use tiendo_shared::PeriodKind;
use tiendo_shared::province::{AgencyRow, Kind, Rollup, SortKey, view};
use tiendo_shared::status::Summary;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::period_select::PeriodSelect;
use crate::infra::{api, browser};

fn pct(r: f64) -> String {
    format!("{:.1}%", r * 100.0).replace('.', ",")
}

/// The province's roll-up.
#[function_component(Province)]
pub fn province() -> Html {
    let period = use_state(|| PeriodKind::Q1);
    let rollup = use_state(|| None::<(Rollup, bool)>);
    let sort = use_state(|| (SortKey::DueCompletion, true));
    let kind = use_state(|| None::<Kind>);
    let open = use_state(|| None::<AgencyRow>);
    {
        let rollup = rollup.clone();
        use_effect_with(*period, move |p| {
            let p = *p;
            wasm_bindgen_futures::spawn_local(async move {
                rollup.set(api::rollup(p).await);
            });
        });
    }
    if let Some(row) = &*open {
        let back = {
            let open = open.clone();
            Callback::from(move |_| open.set(None))
        };
        return html! { <AgencyView row={row.clone()} period={*period} as_of={rollup.as_ref().map(|r| r.0.as_of)} on_back={back} /> };
    }
    let on_period = {
        let period = period.clone();
        Callback::from(move |p: PeriodKind| period.set(p))
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                kind.set(Kind::ALL.into_iter().find(|k| k.as_str() == s.value()));
            }
        })
    };
    let header = |key: SortKey| {
        let sort = sort.clone();
        let (current, desc) = *sort;
        let mark = if current == key {
            if desc { " ▼" } else { " ▲" }
        } else {
            ""
        };
        let click = Callback::from(move |_| {
            let (current, desc) = *sort;
            sort.set((
                key,
                if current == key {
                    !desc
                } else {
                    key != SortKey::Agency
                },
            ));
        });
        html! {
            <th><button class="link" onclick={click} data-testid={format!("sort-{}", key.as_str())}>{format!("{}{mark}", key.vi())}</button></th>
        }
    };
    let Some((r, kept)) = &*rollup else {
        return html! {
            <main class="province" data-testid="province"><p>{"Đang tải tổng hợp toàn tỉnh…"}</p></main>
        };
    };
    let (key, desc) = *sort;
    let rows = view(&r.rows, *kind, key, desc);
    let download = format!(
        "/api/province/rollup.xlsx?period={}&as_of={}",
        r.period.as_str(),
        r.as_of
    );
    html! {
        <main class="province" data-testid="province">
            <h2>{"Tổng hợp toàn tỉnh"}</h2>
            <p class="sub" data-testid="province-computed">{format!("{} cơ quan — tính đến {} — số liệu máy chủ lúc {}{}",
                r.rows.len(), r.as_of.vi(), browser::when(r.computed_at),
                if *kept { " (bản lưu trên máy, đang ngoại tuyến)" } else { "" })}</p>
            <div class="filters">
                <label>{"Kỳ báo cáo "}<PeriodSelect value={*period} testid="province-period" on_change={on_period} /></label>
                <label>{"Loại cơ quan "}
                    <select onchange={on_kind} data-testid="province-kind">
                        <option value="">{"Tất cả"}</option>
                        { for Kind::ALL.iter().map(|k| html! { <option value={k.as_str()}>{k.vi()}</option> }) }
                    </select>
                </label>
                if !*kept { <a class="button" href={download} download="" data-testid="province-download">{"Tải XLSX"}</a> }
            </div>
            <table class="plan" data-testid="province-table">
                <thead><tr>{ for SortKey::ALL.iter().map(|k| header(*k)) }</tr></thead>
                <tbody>
                { for rows.iter().map(|a| {
                    let pick = {
                        let (open, a) = (open.clone(), a.clone());
                        Callback::from(move |_| open.set(Some(a.clone())))
                    };
                    let (points, max) = a.points();
                    html! {
                        <tr data-testid={format!("province-row-{}", a.agency_id)}>
                            <td><button class="link" onclick={pick} data-testid={format!("province-open-{}", a.agency_id)}>{&a.agency}</button>
                                <span class="sub">{format!(" ({})", a.kind.vi())}</span>
                                if let Some(by) = &a.continued_by {
                                    <div class="sub" data-testid="province-continued">{"Số liệu tính trong: "}{by}</div>
                                }
                                { for a.continues.iter().map(|c| html! { <div class="sub" data-testid="province-continues">{c}</div> }) }
                            </td>
                            <td>{a.counts.total}</td><td>{a.counts.due}</td><td>{a.counts.done_on_time}</td>
                            <td>{a.counts.done_late}</td><td>{a.counts.overdue}</td>
                            <td>{pct(a.counts.completion_rate)}</td><td>{pct(a.counts.due_completion_rate)}</td>
                            <td>{format!("{} / {}", a.score.points, a.score.max_points)}</td>
                            <td>{format!("{}/{}", a.reports.on_time, a.reports.expected)}</td>
                            <td>{format!("{points} / {max}")}</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct AgencyViewProps {
    row: AgencyRow,
    period: PeriodKind,
    as_of: Option<tiendo_shared::Date>,
    on_back: Callback<()>,
}

/// One agency, read-only, from the server: its status by area and unit, and the criteria with
/// their working.
#[function_component(AgencyView)]
fn agency_view(props: &AgencyViewProps) -> Html {
    let summary = use_state(|| None::<Result<Summary, String>>);
    {
        let summary = summary.clone();
        let (plan_id, period, as_of) = (props.row.plan_id.clone(), props.period, props.as_of);
        use_effect_with(plan_id.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let as_of = as_of.unwrap_or_else(browser::today);
                summary.set(Some(api::status(&plan_id, period, as_of).await));
            });
        });
    }
    let back = {
        let cb = props.on_back.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let a = &props.row;
    html! {
        <main class="detail" data-testid="province-agency">
            <button class="secondary" onclick={back} data-testid="back">{"← Toàn tỉnh"}</button>
            <h2>{&a.agency}</h2>
            <p class="sub">{&a.plan_title}</p>
            { for a.continues.iter().map(|c| html! { <p class="sub">{c}</p> }) }
            <h3>{"Tiêu chí Chỉ số CCHC đo được"}</h3>
            <table class="plan" data-testid="province-criteria">
                <thead><tr><th>{"Tiêu chí"}</th><th>{"Điểm"}</th><th>{"Cách tính"}</th></tr></thead>
                <tbody>
                { for a.criteria.iter().map(|c| html! {
                    <tr><td>{&c.name}</td><td>{format!("{} / {}", c.points, c.max_points)}</td>
                        <td><ul>{ for c.working.iter().map(|w| html! { <li>{w}</li> }) }</ul></td></tr>
                }) }
                </tbody>
            </table>
            {
                match &*summary {
                    None => html! { <p>{"Đang tải…"}</p> },
                    Some(Err(e)) => html! { <p class="error">{e}</p> },
                    Some(Ok(s)) => html! {
                        <>
                            <h3>{"Theo lĩnh vực"}</h3>
                            <table class="counts" data-testid="province-areas">
                                <thead><tr><th>{"Lĩnh vực"}</th><th>{"Nhiệm vụ"}</th><th>{"Đến hạn"}</th><th>{"Hoàn thành"}</th><th>{"Quá hạn"}</th></tr></thead>
                                <tbody>
                                { for s.by_area.iter().map(|x| html! {
                                    <tr><td>{format!("{}. {}", x.number, x.title)}</td><td>{x.counts.total}</td><td>{x.counts.due}</td>
                                        <td>{x.counts.done_on_time + x.counts.done_late}</td><td>{x.counts.overdue}</td></tr>
                                }) }
                                </tbody>
                            </table>
                            <h3>{"Theo đơn vị chủ trì"}</h3>
                            <table class="counts" data-testid="province-units">
                                <thead><tr><th>{"Đơn vị"}</th><th>{"Chủ trì"}</th><th>{"Hoàn thành"}</th><th>{"Quá hạn"}</th><th>{"Chưa báo cáo"}</th></tr></thead>
                                <tbody>
                                { for s.by_unit.iter().map(|u| html! {
                                    <tr><td>{&u.name}</td><td>{u.lead.total}</td><td>{u.lead.done_on_time + u.lead.done_late}</td>
                                        <td>{u.lead.overdue}</td><td>{u.missing_reports}</td></tr>
                                }) }
                                </tbody>
                            </table>
                        </>
                    },
                }
            }
        </main>
    }
}
