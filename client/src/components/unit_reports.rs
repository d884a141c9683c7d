//! The central office's side of the reporting workflow for a period: every unit's report —
//! state, when it was first sent and whether on time, the head's approval, the office's returns
//! with their notes — with "Tiếp nhận" and "Trả lại" (a note required); and the texts of parts
//! I, III and V of the agency's report, kept with the period in the plan document.
//!
//! Stage: *UI* (office build), over `view_model::reporting::office_rows`; steps and texts go
//! through [`crate::infra::plan_docs::PlanDocs`].

use tiendo_shared::model::PeriodKind;
use tiendo_shared::views::report::PartTexts;
use tiendo_shared::workflow::Action;
use yew::prelude::*;

use crate::text;

use super::use_ws;
use crate::error::ClientError;
use crate::infra::{browser, form};
use crate::view_model::reporting::{OfficeRow, office_rows, reporting_units, when};

#[derive(Properties, PartialEq)]
pub struct UnitReportsProps {
    /// The period shown.
    pub period: PeriodKind,
    /// When the server received each step (from its last answer, kept for offline use).
    pub received: std::collections::BTreeMap<String, i64>,
}

/// Every unit's report for the period, and the office's texts of the agency's report.
#[function_component(UnitReports)]
pub fn unit_reports(props: &UnitReportsProps) -> Html {
    let ws = use_ws();
    let error = use_state(|| None::<ClientError>);
    let configured = ws
        .snap
        .reporting
        .configured
        .get(&props.period)
        .copied()
        .unwrap_or_default();
    let on_error = {
        let error = error.clone();
        Callback::from(move |e: Option<ClientError>| error.set(e))
    };
    let (Ok(plan), Ok(agency)) = (&ws.snap.plan, &ws.snap.agency) else {
        return html! {};
    };
    // Each unit named as at the period's day (its deadline once past), today's name beside it
    // where it changed since.
    let today = browser::today();
    let day = tiendo_shared::views::status::as_of(plan, Some(props.period), &configured, today).day;
    let units: Vec<(String, String)> = reporting_units(agency, &ws.snap.reporting)
        .into_iter()
        .map(|(id, _)| {
            let name = agency.unit_name_then_now(&id, day, today);
            (id, name)
        })
        .collect();
    let role = ws.docs.me.user.role;
    let (rows, on_time) = office_rows(
        &ws.snap.reporting,
        plan,
        &units,
        props.period,
        role,
        today,
        &props.received,
    );
    // A step the office takes on a unit's report: (unit, action, submission, note typed).
    let on_decide = {
        let (docs, error, period) = (ws.docs.clone(), error.clone(), props.period);
        Callback::from(
            move |(unit, action, on, note): (String, Action, Option<String>, String)| {
                let note = if action == Action::Return {
                    if note.trim().is_empty() {
                        error.set(Some(ClientError::invalid(
                            text::reports::TRA_LAI_CAN_GHI_LY_DO,
                        )));
                        return;
                    }
                    note.trim().to_string()
                } else {
                    String::new()
                };
                error.set(docs.take_step(&unit, period, action, on, note).err());
            },
        )
    };
    html! {
        <section class="unit-reports" data-testid="unit-reports-workflow">
            <h3>{text::reports::bao_cao_cua_cac_don_vi(&props.period.vi())}</h3>
            <p class="sub" data-testid="workflow-on-time">{text::reports::gui_dung_han_don_vi(&on_time, &rows.len())}</p>
            <div class="table-scroll">
            <table class="plan stack">
                <thead><tr><th>{text::reports::DON_VI}</th><th>{text::reports::TRANG_THAI}</th><th>{text::reports::GUI_LAN_DAU}</th><th>{text::reports::DUNG_HAN}</th><th>{text::reports::CAC_BUOC}</th><th>{text::reports::TRA_LAI}</th><th>{text::reports::THAO_TAC}</th></tr></thead>
                <tbody>
                { for rows.iter().map(|r| html! {
                    <WorkflowRow row={r.clone()} on_decide={on_decide.clone()} />
                }) }
                </tbody>
            </table>
            </div>
            if let Some(e) = &*error { <p class="error" data-testid="workflow-error">{e}</p> }
            if ws.snap.plan_writable {
                <Deadlines period={props.period} {configured} on_error={on_error.clone()} />
                <ReportTexts period={props.period} on_error={on_error} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    row: OfficeRow,
    /// A step taken: (unit, action, submission, note typed).
    on_decide: Callback<(String, Action, Option<String>, String)>,
}

/// One unit's report in the office's table: its phase, when it was sent, its steps and returns,
/// and the steps the office may take (a return with its reason).
#[function_component(WorkflowRow)]
fn workflow_row(props: &RowProps) -> Html {
    let r = &props.row;
    let note = use_node_ref();
    let decide = |unit: &str, action: Action, on: Option<String>| {
        let (on_decide, unit, note) = (props.on_decide.clone(), unit.to_string(), note.clone());
        Callback::from(move |_| {
            on_decide.emit((unit.clone(), action, on.clone(), form::value(&note)))
        })
    };
    html! {
        <tr data-testid={format!("workflow-row-{}", r.unit_id)}>
            <td class="first"><strong>{&r.name}</strong></td>
            <td data-label={text::reports::TRANG_THAI} data-testid={format!("workflow-phase-{}", r.unit_id)} data-phase={r.panel.phase.key()}>{r.panel.phase.vi()}</td>
            <td data-label={text::reports::GUI_LAN_DAU}>{r.first_sent.map(when).unwrap_or_default()}</td>
            <td data-label={text::reports::DUNG_HAN} data-testid={format!("workflow-ontime-{}", r.unit_id)}>{
                match r.panel.on_time { Some(true) => text::reports::DUNG_HAN, Some(false) => text::reports::QUA_HAN, None => text::reports::CHUA_GUI }
            }</td>
            <td data-label={text::reports::CAC_BUOC}><ul class="steps">{ for r.panel.lines.iter().map(|l| html! { <li>{l}</li> }) }</ul></td>
            <td data-label={text::reports::TRA_LAI}>{ for r.returns.iter().map(|(at, note)| html! { <p class="returned">{format!("{at}: {note}")}</p> }) }</td>
            <td class="actions">
                if r.panel.actions.contains(&Action::Accept) {
                    <button onclick={decide(&r.unit_id, Action::Accept, r.panel.current.clone())}
                        data-testid={format!("workflow-accept-{}", r.unit_id)}>{text::reports::TIEP_NHAN}</button>
                }
                if let (true, Some((on, claimed))) = (r.panel.actions.contains(&Action::Vouch), &r.panel.claim) {
                    <button class="secondary" onclick={decide(&r.unit_id, Action::Vouch, Some(on.clone()))}
                        title={text::reports::don_vi_gui_tren_may_luc(&when(*claimed))}
                        data-testid={format!("workflow-vouch-{}", r.unit_id)}>{text::reports::CONG_NHAN_GIO_GUI_TREN_MAY}</button>
                }
                if r.panel.actions.contains(&Action::Return) {
                    <input ref={note.clone()} placeholder={text::reports::LY_DO_TRA_LAI_2} aria-label={text::reports::ly_do_tra_lai_bao_cao(&r.name)} data-testid={format!("workflow-note-{}", r.unit_id)} />
                    <button class="secondary" onclick={decide(&r.unit_id, Action::Return, r.panel.current.clone())}
                        data-testid={format!("workflow-return-{}", r.unit_id)}>{text::reports::TRA_LAI}</button>
                }
            </td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
struct DeadlinesProps {
    period: PeriodKind,
    /// The deadlines the office set for the period (none: the plan's and the regime's).
    configured: tiendo_shared::workflow::Configured,
    /// Why the deadlines were refused (`None`: kept).
    on_error: Callback<Option<ClientError>>,
}

/// "Hạn báo cáo của kỳ": the units' and the agency's deadlines for the period, set by the office.
#[function_component(Deadlines)]
fn deadlines(props: &DeadlinesProps) -> Html {
    let ws = use_ws();
    // The configured deadlines fill their boxes when the period or they change.
    let deadline_refs = use_mut_ref(|| [NodeRef::default(), NodeRef::default()]);
    let configured = props.configured;
    let deadline_refs = deadline_refs.borrow().clone();
    {
        let refs = deadline_refs.clone();
        use_effect_with((props.period, configured), move |(_, c)| {
            for (r, v) in refs.iter().zip([c.unit, c.agency]) {
                form::set_value(r, &v.map(|d| d.vi()).unwrap_or_default());
            }
        });
    }
    let save_deadlines = {
        let (docs, error, refs, period) = (
            ws.docs.clone(),
            props.on_error.clone(),
            deadline_refs.clone(),
            props.period,
        );
        Callback::from(move |_| {
            let day = |r: &NodeRef| -> Result<Option<tiendo_shared::model::Date>, ClientError> {
                let v = form::value(r);
                let v = v.trim();
                if v.is_empty() {
                    return Ok(None);
                }
                v.parse::<tiendo_shared::model::Date>()
                    .map(Some)
                    .map_err(|e| ClientError::Invalid(e.to_string()))
            };
            let set = match (day(&refs[0]), day(&refs[1])) {
                (Ok(unit), Ok(agency)) => tiendo_shared::workflow::Configured { unit, agency },
                (Err(e), _) | (_, Err(e)) => {
                    error.emit(Some(e));
                    return;
                }
            };
            error.emit(docs.configure_deadlines(period, &set).err());
        })
    };
    html! {
        <details class="report-deadlines" data-testid="report-deadlines">
            <summary>{text::reports::HAN_BAO_CAO_CUA_KY}</summary>
            <label>{text::reports::DON_VI_GUI_VAN_PHONG_TRUOC}
                <input ref={deadline_refs[0].clone()} placeholder="dd/mm/yyyy" data-testid="deadline-unit" /></label>
            <label>{text::reports::CO_QUAN_GUI_SO_NOI_VU}
                <input ref={deadline_refs[1].clone()} placeholder="dd/mm/yyyy" data-testid="deadline-agency" /></label>
            <button onclick={save_deadlines} data-testid="deadlines-save">{text::reports::LUU_HAN}</button>
            <p class="sub">{text::reports::DE_TRONG_THEO_KE_HOACH_PHAN}</p>
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct TextsProps {
    period: PeriodKind,
    /// Why the texts were refused (`None`: kept).
    on_error: Callback<Option<ClientError>>,
}

/// "Nội dung báo cáo của cơ quan": the office's texts of parts I, III and V for the period.
#[function_component(ReportTexts)]
fn report_texts(props: &TextsProps) -> Html {
    let ws = use_ws();
    let saved = use_state(|| false);
    let texts_ref = [NodeRef::default(), NodeRef::default(), NodeRef::default()];
    let texts_ref = use_mut_ref(|| texts_ref);
    let current = ws
        .snap
        .reporting
        .texts
        .get(&props.period)
        .cloned()
        .unwrap_or_default();
    let refs = texts_ref.borrow().clone();
    // The saved texts fill the boxes when the period or the saved texts change, not on every
    // redraw (which would undo the office's typing).
    {
        let refs = refs.clone();
        use_effect_with((props.period, current.clone()), move |(_, t)| {
            for (r, v) in refs.iter().zip([&t.direction, &t.assessment, &t.proposals]) {
                form::set_value(r, v);
            }
        });
    }
    let save = {
        let (docs, error, saved, refs, period) = (
            ws.docs.clone(),
            props.on_error.clone(),
            saved.clone(),
            texts_ref.clone(),
            props.period,
        );
        Callback::from(move |_| {
            let value = form::value;
            let refs = refs.borrow();
            let texts = PartTexts {
                direction: value(&refs[0]),
                assessment: value(&refs[1]),
                proposals: value(&refs[2]),
            };
            let result = docs.write_report_texts(period, &texts);
            saved.set(result.is_ok());
            error.emit(result.err());
        })
    };
    let area = |i: usize, key: &'static str, label: &'static str| {
        html! {
            <label class="report-text">{label}
                <textarea ref={refs[i].clone()} rows="4" data-testid={format!("report-text-{key}")}
                    placeholder={text::reports::DE_TRONG_SOAN_TU_DONG_TU} />
            </label>
        }
    };
    html! {
        <details class="report-texts" data-testid="report-texts">
            <summary>{text::reports::NOI_DUNG_BAO_CAO_CUA_CO}</summary>
            {area(0, "direction", text::reports::I_CONG_TAC_CHI_DAO_DIEU)}
            {area(1, "assessment", text::reports::III_DANH_GIA_CHUNG)}
            {area(2, "proposals", text::reports::V_DE_XUAT_KIEN_NGHI)}
            <button onclick={save} data-testid="report-texts-save">{text::reports::LUU_NOI_DUNG}</button>
            if *saved { <span class="sub" data-testid="report-texts-saved">{text::reports::DA_LUU}</span> }
        </details>
    }
}
