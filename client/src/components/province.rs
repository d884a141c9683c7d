//! The province's screen (Sở Nội vụ, system administrators): every agency's row for a year's
//! plans and a period — counts, completion, score, reports on time, PAR-index points — sortable
//! by any column and filtered by kind (sở, xã, phường, đặc khu); a row opens that agency
//! read-only from the server's figures (its status and the criteria with their working), with
//! no document synced to the device. It opens on this year's working period (the year's report
//! in December); a year picker beside the period shows another year's plans, a past period as
//! of its deadline, said so. The last roll-up fetched shows offline, with its time.
//!
//! Stage: *UI* (office build), over `shared::province::view`; I/O through `infra::api`.

use tiendo_shared::model::PeriodKind;
use tiendo_shared::views::province::{AgencyRow, Kind, Rollup, SortKey, view};
use tiendo_shared::views::status::{Summary, working_period};
use yew::prelude::*;

use crate::text;

use super::value_of;

use super::period_select::PeriodSelect;
use crate::error::ClientError;
use crate::infra::{api, browser};

fn pct(r: f64) -> String {
    format!("{:.1}%", r * 100.0).replace('.', ",")
}

/// The province's roll-up.
#[function_component(Province)]
pub fn province() -> Html {
    // This year's plans, the period the province works on now.
    let year = use_state(|| browser::today().year());
    let period = use_state(|| working_period(browser::today().year(), browser::today()));
    let rollup = use_state(|| None::<(Rollup, bool)>);
    let sort = use_state(|| (SortKey::DueCompletion, true));
    let kind = use_state(|| None::<Kind>);
    let open = use_state(|| None::<AgencyRow>);
    {
        let rollup = rollup.clone();
        use_effect_with((*year, *period), move |(y, p)| {
            let (y, p) = (*y, *p);
            wasm_bindgen_futures::spawn_local(async move {
                rollup.set(api::rollup(y, p).await);
            });
        });
    }
    if let Some(row) = &*open {
        let back = {
            let open = open.clone();
            Callback::from(move |_| open.set(None))
        };
        let as_of = row.as_of.or(rollup.as_ref().map(|r| r.0.as_of));
        return html! { <AgencyView row={row.clone()} period={*period} {as_of} on_back={back} /> };
    }
    let on_year = {
        let (year, period) = (year.clone(), period.clone());
        Callback::from(move |e: Event| {
            if let Ok(y) = value_of(&e).parse::<i32>() {
                year.set(y);
                period.set(working_period(y, browser::today()));
            }
        })
    };
    // The years with plans, this year and the one shown, latest first.
    let mut years: Vec<i32> = rollup
        .as_ref()
        .map(|r| r.0.years.clone())
        .unwrap_or_default();
    years.extend([browser::today().year(), *year]);
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let on_period = {
        let period = period.clone();
        Callback::from(move |p: PeriodKind| period.set(p))
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let chosen = value_of(&e);
            kind.set(Kind::ALL.into_iter().find(|k| k.as_str() == chosen));
        })
    };
    let header = |key: SortKey| {
        let sort = sort.clone();
        let (current, desc) = *sort;
        let mark = if current == key {
            if desc {
                text::province::SORTED_DESC
            } else {
                text::province::SORTED_ASC
            }
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
            <th scope="col" aria-sort={if current == key { if desc { "descending" } else { "ascending" } } else { "none" }}><button class="sort" onclick={click} data-testid={format!("sort-{}", key.as_str())}>{format!("{}{mark}", key.vi())}</button></th>
        }
    };
    let Some((r, kept)) = &*rollup else {
        return html! {
            <main class="province" data-testid="province"><p>{text::province::DANG_TAI_TONG_HOP_TOAN_TINH}</p></main>
        };
    };
    let on_open = {
        let open = open.clone();
        Callback::from(move |a: AgencyRow| open.set(Some(a)))
    };
    let (key, desc) = *sort;
    let rows = view(&r.rows, *kind, key, desc);
    // Each plan as of its own rule, as on the screen.
    let shown_year = r.year.unwrap_or(*year);
    let download = format!(
        "/api/province/rollup.xlsx?year={shown_year}&period={}",
        r.period.as_str(),
    );
    html! {
        <main class="province" data-testid="province">
            <h2 data-testid="province-title">{text::province::tong_hop_toan_tinh_ke_hoach(&shown_year)}</h2>
            <p class="sub" data-testid="province-computed">{text::province::co_quan_tinh_den_so_lieu(&r.rows.len(), &r.as_of.vi(), &browser::when(r.computed_at), &(if *kept { text::province::BAN_LUU_TREN_MAY_DANG_NGOAI } else { "" }))}</p>
            if let Some(note) = &r.note {
                <p class="note" data-testid="province-closed">{note}</p>
            }
            <div class="filters">
                <label>{text::province::NAM}
                    <select onchange={on_year} data-testid="province-year" aria-label={text::province::NAM_KE_HOACH}>
                        { for years.iter().map(|y| html! {
                            <option value={y.to_string()} selected={*y == *year}>{y.to_string()}</option>
                        }) }
                    </select>
                </label>
                <label>{text::province::KY_BAO_CAO}<PeriodSelect value={*period} testid="province-period" on_change={on_period} /></label>
                <label>{text::province::LOAI_CO_QUAN}
                    <select onchange={on_kind} data-testid="province-kind">
                        <option value="" selected={kind.is_none()}>{text::province::TAT_CA}</option>
                        { for Kind::ALL.iter().map(|k| html! { <option value={k.as_str()} selected={*kind == Some(*k)}>{k.vi()}</option> }) }
                    </select>
                </label>
                if !*kept { <a class="button" href={download} download="" data-testid="province-download">{text::province::TAI_XLSX}</a> }
            </div>
            if r.rows.is_empty() {
                <p class="sub" data-testid="province-empty">{text::province::chua_co_co_quan_nao_co(&shown_year)}</p>
            }
            <div class="table-scroll">
            <table class="plan rollup" data-testid="province-table">
                <thead><tr>{ for SortKey::ALL.iter().map(|k| header(*k)) }</tr></thead>
                <tbody>
                { for rows.iter().map(|a| html! {
                    <RollupRow row={a.clone()} as_of={r.as_of} on_open={on_open.clone()} />
                }) }
                </tbody>
            </table>
            </div>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct AgencyViewProps {
    row: AgencyRow,
    period: PeriodKind,
    as_of: Option<tiendo_shared::model::Date>,
    on_back: Callback<()>,
}

/// One agency, read-only, from the server: its status by area and unit, and the criteria with
/// their working.
#[function_component(AgencyView)]
fn agency_view(props: &AgencyViewProps) -> Html {
    let summary = use_state(|| None::<Result<Summary, ClientError>>);
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
            <button class="secondary" onclick={back} data-testid="back">{text::province::TOAN_TINH}</button>
            <h2>{&a.agency}</h2>
            <p class="sub">{&a.plan_title}{a.year.map(|y| text::province::nam(&y)).unwrap_or_default()}</p>
            { for a.continues.iter().map(|c| html! { <p class="sub">{c}</p> }) }
            <h3>{text::province::TIEU_CHI_CHI_SO_CCHC_DO}</h3>
            <table class="plan" data-testid="province-criteria">
                <thead><tr><th>{text::province::TIEU_CHI}</th><th>{text::province::DIEM}</th><th>{text::province::CACH_TINH}</th></tr></thead>
                <tbody>
                { for a.criteria.iter().map(|c| html! {
                    <tr><td>{&c.name}</td><td>{format!("{} / {}", c.points, c.max_points)}</td>
                        <td><ul>{ for c.working.iter().map(|w| html! { <li>{w}</li> }) }</ul></td></tr>
                }) }
                </tbody>
            </table>
            {
                match &*summary {
                    None => html! { <p>{text::province::DANG_TAI}</p> },
                    Some(Err(e)) => html! { <p class="error">{e}</p> },
                    Some(Ok(s)) => html! {
                        <>
                            <h3>{text::province::THEO_LINH_VUC}</h3>
                            <table class="counts" data-testid="province-areas">
                                <thead><tr><th>{text::province::LINH_VUC}</th><th>{text::province::NHIEM_VU}</th><th>{text::province::DEN_HAN}</th><th>{text::province::HOAN_THANH}</th><th>{text::province::QUA_HAN}</th></tr></thead>
                                <tbody>
                                { for s.by_area.iter().map(|x| html! {
                                    <tr><td>{format!("{}. {}", x.number, x.title)}</td><td>{x.counts.total}</td><td>{x.counts.due}</td>
                                        <td>{x.counts.done_on_time + x.counts.done_late}</td><td>{x.counts.overdue}</td></tr>
                                }) }
                                </tbody>
                            </table>
                            <h3>{text::province::THEO_DON_VI_CHU_TRI}</h3>
                            <table class="counts" data-testid="province-units">
                                <thead><tr><th>{text::province::DON_VI}</th><th>{text::province::CHU_TRI}</th><th>{text::province::HOAN_THANH}</th><th>{text::province::QUA_HAN}</th><th>{text::province::CHUA_BAO_CAO}</th></tr></thead>
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

#[derive(Properties, PartialEq)]
struct RowProps {
    row: AgencyRow,
    /// The day the roll-up is computed as of (a row computed as of another says so).
    as_of: tiendo_shared::model::Date,
    /// Opens the agency.
    on_open: Callback<AgencyRow>,
}

/// One agency's row of the roll-up: its counts, rates, score and reports; a click opens it.
#[function_component(RollupRow)]
fn rollup_row(props: &RowProps) -> Html {
    let a = &props.row;
    let pick = {
        let (on_open, a) = (props.on_open.clone(), a.clone());
        Callback::from(move |_| on_open.emit(a.clone()))
    };
    let (points, max) = a.points();
    html! {
        <tr class="open" onclick={pick.clone()} data-testid={format!("province-row-{}", a.agency_id)}>
            <td class="first"><button class="name" onclick={pick} data-testid={format!("province-open-{}", a.agency_id)}>{&a.agency}</button>
                <span class="sub">{format!(" ({})", a.kind.vi())}</span>
                if let Some(day) = a.as_of.filter(|d| *d != props.as_of) {
                    <div class="sub" data-testid="province-row-as-of">{text::province::tinh_den_han_bao_cao_cua(&day.vi())}</div>
                }
                if let Some(by) = &a.continued_by {
                    <div class="sub" data-testid="province-continued">{text::province::SO_LIEU_TINH_TRONG}{by}</div>
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
}
