//! The dashboard's sections, each a component of its own: the period and day filters, the bar of
//! jumps to each part, the headline cards, the score, the reporting calendar, the downloads and
//! the charts by area and by unit.
//!
//! Stage: *UI*. Each reads only its props (figures the dashboard computed once per render).

use std::rc::Rc;

use tiendo_shared::model::{Agency, Date, PeriodKind};
use tiendo_shared::views::report::{Score, ScoreRule};
use tiendo_shared::views::status::{Counts, Summary};
use yew::prelude::*;

use super::super::period_select::PeriodSelect;
use super::super::value_of;
use super::{bar, legend, pct};
use crate::infra::browser::{self, when};
use crate::text;
use crate::view_model::dashboard::{self, CalendarRow};
use crate::view_model::years;

#[derive(Properties, PartialEq)]
pub struct FiltersProps {
    pub period: PeriodKind,
    pub on_period: Callback<PeriodKind>,
    /// The day the figures are computed as of.
    pub as_of: Date,
    /// The day the user picked (none: the period's own).
    pub picked: UseStateHandle<Option<Date>>,
    /// A day typed that does not read as a date: (what was typed, why), kept in the field.
    pub error: UseStateHandle<Option<(String, String)>>,
}

/// "Kỳ báo cáo" and "Tính đến ngày", with why a typed day is refused.
#[function_component(Filters)]
pub fn filters(props: &FiltersProps) -> Html {
    let on_as_of = {
        let (picked, err, as_of_shown) = (props.picked.clone(), props.error.clone(), props.as_of);
        Callback::from(move |e: Event| {
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
        })
    };
    let as_of_error = &*props.error;
    html! {
        <>
            <div class="filters">
                <label>{text::dashboard::KY_BAO_CAO}
                    <PeriodSelect value={props.period} testid="dashboard-period" on_change={props.on_period.clone()} />
                </label>
                <label>{text::dashboard::TINH_DEN_NGAY}
                    <input class="date" inputmode="numeric" value={as_of_error.as_ref().map_or_else(|| props.as_of.vi(), |(typed, _)| typed.clone())}
                        onchange={on_as_of} placeholder="dd/mm/yyyy" aria-invalid={as_of_error.is_some().to_string()} data-testid="dashboard-as-of" />
                </label>
            </div>
            if let Some((_, e)) = as_of_error { <p class="error" role="alert" data-testid="dashboard-as-of-error">{e}</p> }
        </>
    }
}

/// The page's parts, each reachable directly from the bar under the filters.
#[function_component(SectionsNav)]
pub fn sections_nav() -> Html {
    let jump = |testid: &'static str, label: &'static str| {
        html! {
            <button type="button" class="secondary" onclick={Callback::from(move |_| browser::scroll_to(testid))}
                data-testid={format!("jump-{testid}")}>{label}</button>
        }
    };
    html! {
        <nav class="sections" aria-label={text::dashboard::CAC_PHAN_CUA_TRANG_TONG_HOP}>
            {jump("headline", text::dashboard::TONG_QUAN)}
            {jump("calendar", text::dashboard::LICH_BAO_CAO)}
            {jump("unit-reports-workflow", text::dashboard::BAO_CAO_CUA_DON_VI)}
            {jump("downloads", text::dashboard::TAI_BAO_CAO)}
            {jump("chart-areas", text::dashboard::BIEU_DO)}
            {jump("list-overdue", text::dashboard::THEO_DOI)}
        </nav>
    }
}

#[derive(Properties, PartialEq)]
pub struct CardsProps {
    pub headline: Counts,
}

/// The headline figures, one card each.
#[function_component(Cards)]
pub fn cards(props: &CardsProps) -> Html {
    let h = &props.headline;
    let card = |label: &'static str, value: String, id: &'static str, class: &'static str| {
        html! {
            <div class={classes!("card", class)} data-testid={format!("headline-{id}")}>
                <span class="value">{value}</span><span class="label">{label}</span>
            </div>
        }
    };
    html! {
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
    }
}

#[derive(Properties, PartialEq)]
pub struct ScoreProps {
    pub score: Score,
    /// The reporting points of the period, when it expects reports: (points, out of).
    pub reporting: Option<(f64, f64)>,
    pub period: PeriodKind,
    /// Units that sent the period's report on time, of how many.
    pub on_time: usize,
    pub units: usize,
    pub rule: ScoreRule,
}

/// "Mức độ thực hiện kế hoạch": the plan's points, and the reporting's.
#[function_component(ScoreSection)]
pub fn score_section(props: &ScoreProps) -> Html {
    let (score, rule) = (&props.score, &props.rule);
    html! {
        <section class="score" data-testid="score">
            <h3>{text::dashboard::MUC_DO_THUC_HIEN_KE_HOACH}</h3>
            <p><strong data-testid="score-points">{text::dashboard::diem(&score.points, &score.max_points)}</strong>
                {text::dashboard::nhiem_vu_den_han_da_hoan(&score.done, &score.due, &pct(score.rate))}</p>
            if let Some((points, max)) = props.reporting {
                <p data-testid="score-reporting">{text::dashboard::bao_cao_dung_han_don_vi(&props.period.vi(), &props.on_time, &props.units, &points, &max)}</p>
            }
            <p class="sub">{text::dashboard::nguong_tren_duoc_diem_tu_duoc(&pct(rule.full_above), &rule.full_points, &pct(rule.partial_from), &rule.partial_points)}</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct CalendarProps {
    /// Each period's row with its units' reports: (on time, sent, expected).
    pub rows: Vec<(CalendarRow, (usize, usize, usize))>,
    /// Whether the server's list of generated reports is known on this device.
    pub known: bool,
}

/// "Lịch báo cáo": each period's deadline, days left, reports sent and generated.
#[function_component(Calendar)]
pub fn calendar(props: &CalendarProps) -> Html {
    html! {
        <section class="calendar" data-testid="calendar">
            <h3>{text::dashboard::LICH_BAO_CAO}</h3>
            <table class="plan">
                <thead><tr><th>{text::dashboard::KY}</th><th>{text::dashboard::HAN_GUI}</th><th>{text::dashboard::CON_LAI}</th><th>{text::dashboard::DON_VI_DA_GUI_DUNG_HAN}</th><th>{text::dashboard::DA_TAO_BAO_CAO}</th></tr></thead>
                <tbody>
                { for props.rows.iter().map(|(r, (on_time, sent, n))| html! {
                    <tr data-testid={format!("calendar-{}", r.period.as_str())} class={classes!((r.days_left < 0 && r.generated.is_none()).then_some("late"))}>
                        <td>{&r.name}</td><td>{r.deadline.vi()}</td><td>{r.days_text()}</td>
                        <td data-testid={format!("calendar-sent-{}", r.period.as_str())}>{
                            text::dashboard::dung_han(sent, n, on_time)
                        }</td>
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
            if !props.known { <p class="sub">{text::dashboard::CHUA_CO_THONG_TIN_TU_MAY}</p> }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct DownloadsProps {
    pub plan_id: String,
    pub period: PeriodKind,
    /// The day the user picked, if any (else the server's own rule).
    pub picked: Option<Date>,
    pub as_of: Date,
    /// Whether there is a link (the files are the server's).
    pub online: bool,
    /// Called once a report file was asked for (the calendar asks again for what was made).
    pub on_made: Callback<()>,
}

/// The period's report files and its evidence, online only.
#[function_component(Downloads)]
pub fn downloads(props: &DownloadsProps) -> Html {
    let download = |kind: &'static str| {
        // The day only when the user picked one: else the server computes the period as of
        // its own rule (a past period as of its deadline), the same as this screen.
        let url = format!(
            "/api/plans/{}/reports/{}.{kind}{}",
            props.plan_id,
            props.period.as_str(),
            years::as_of_query(props.picked)
        );
        let on_made = props.on_made.clone();
        let after = Callback::from(move |_| on_made.emit(()));
        html! {
            <a class="button" href={url} download="" onclick={after}
                data-testid={format!("download-{kind}")}>{text::dashboard::tai_bao_cao(&kind.to_uppercase())}</a>
        }
    };
    // "Hồ sơ minh chứng": the period's evidence files in one ZIP, by task, as of the same day.
    let evidence_url = format!(
        "/api/plans/{}/evidence/{}.zip{}",
        props.plan_id,
        props.period.as_str(),
        years::as_of_query(props.picked)
    );
    html! {
        <section class="downloads" data-testid="downloads">
            <h3>{text::dashboard::bao_cao_tinh_den(&props.period.vi(), &props.as_of.vi())}</h3>
            if props.online {
                <div class="actions">{download("docx")}{download("xlsx")}
                    <a class="button secondary" href={evidence_url} download="" data-testid="download-evidence">{text::dashboard::HO_SO_MINH_CHUNG_ZIP}</a>
                </div>
            } else {
                <p class="sub" data-testid="downloads-offline">{text::dashboard::TEP_BAO_CAO_DO_MAY_CHU}</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub summary: Rc<Summary>,
    pub agency: Rc<Agency>,
    pub as_of: Date,
    pub today: Date,
    /// Last year's figures by area, when the plan continues one.
    pub last_year: Option<tiendo_shared::views::next_year::Comparison>,
}

/// The bars by area and by lead unit, and the coordinating units' table.
#[function_component(Charts)]
pub fn charts(props: &ChartsProps) -> Html {
    let (s, agency, as_of, today) = (&props.summary, &props.agency, props.as_of, props.today);
    let area_max = s.by_area.iter().map(|a| a.counts.total).max().unwrap_or(0);
    let unit_max = s.by_unit.iter().map(|u| u.lead.total).max().unwrap_or(0);
    html! {
        <section class="charts">
            <h3>{text::dashboard::THEO_LINH_VUC}</h3>
            {legend()}
            <div class="bars" data-testid="chart-areas">
            { for s.by_area.iter().map(|a| html! {
                <div class="bar-row">
                    <span class="bar-label">{format!("{}. {}", a.number, a.title)}</span>
                    {bar(format!("bar-area-{}", a.number), &a.counts, area_max)}
                    <span class="bar-n">{text::dashboard::done_of_total_rate(&(a.counts.done_on_time + a.counts.done_late), &a.counts.total, &pct(a.counts.completion_rate))}</span>
                    if let Some(t) = dashboard::previous_year(props.last_year.as_ref(), a.number) {
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
                    <span class="bar-n">{text::dashboard::done_of_total_rate(&(u.lead.done_on_time + u.lead.done_late), &u.lead.total, &pct(u.lead.completion_rate))}</span>
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
    }
}
