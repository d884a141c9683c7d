//! A unit's period report: where it stands (soạn thảo, đã gửi, đã duyệt, đã tiếp nhận, trả lại
//! with the office's note), its deadline and the reminder that stands (the current period's
//! also as a system notification), and the step this user may take — send (an editor or the head), approve (the head). Offline too: a step is an
//! ordinary change of the unit's document, confirmed when the link comes back.
//!
//! Stage: *UI*, over `view_model::reporting::panel`; steps go through
//! [`crate::infra::plan_docs::PlanDocs::take_step`], reminders out through `infra::notify`.

use tiendo_shared::model::PeriodKind;
use tiendo_shared::workflow::Action;
use yew::prelude::*;

use crate::text;

use super::use_ws;
use crate::error::ClientError;
use crate::infra::{browser, form, notify};
use crate::view_model::reporting::panel;

#[derive(Properties, PartialEq)]
pub struct PeriodReportProps {
    /// The period shown.
    pub period: PeriodKind,
}

/// The unit's report for the period, with its steps.
#[function_component(PeriodReport)]
pub fn period_report(props: &PeriodReportProps) -> Html {
    let ws = use_ws();
    let error = use_state(|| None::<ClientError>);
    let note_ref = use_node_ref();
    let asked = use_state(notify::allowed);
    let role = ws.docs.me.user.role;
    let today = browser::today();
    let unit = ws.docs.me.user.unit_id.clone();
    let view = match (&ws.snap.plan, &unit) {
        (Ok(plan), Some(unit)) => Some(panel(
            &ws.snap.reporting,
            plan,
            unit,
            props.period,
            role,
            today,
        )),
        _ => None,
    };
    use_reminder(&ws, unit.as_deref(), today);
    let (Some(view), Some(unit)) = (view, unit) else {
        return html! {};
    };
    let take = |action: Action| {
        let (docs, unit, error) = (ws.docs.clone(), unit.clone(), error.clone());
        let (period, on) = (props.period, view.current.clone());
        let note_ref = note_ref.clone();
        Callback::from(move |_| {
            let note = form::value(&note_ref).trim().to_string();
            if action == Action::SendBack && note.is_empty() {
                error.set(Some(ClientError::invalid(
                    text::reports::GHI_RO_LY_DO_TRA_LAI,
                )));
                return;
            }
            let question = match action {
                Action::Submit => text::reports::GUI_BAO_CAO_KY_NAY_SO,
                Action::SendBack => text::reports::TRA_BAO_CAO_LAI_CHO_NGUOI,
                _ => text::reports::DUYET_BAO_CAO_DON_VI_DA,
            };
            if !browser::confirm(question) {
                return;
            }
            let on = (action != Action::Submit).then(|| on.clone()).flatten();
            let note = if action == Action::SendBack {
                note
            } else {
                String::new()
            };
            error.set(docs.take_step(&unit, period, action, on, note).err());
        })
    };
    let ask = {
        let asked = asked.clone();
        Callback::from(move |_| {
            let asked = asked.clone();
            wasm_bindgen_futures::spawn_local(async move { asked.set(notify::ask().await) });
        })
    };
    html! {
        <section class={classes!("period-report", format!("phase-{}", view.phase.key()))} data-testid="period-report">
            <h3>{text::reports::bao_cao_cua_don_vi(&props.period.vi())}
                <span class="phase" data-testid="report-phase" data-phase={view.phase.key()}>{view.phase.vi()}</span>
            </h3>
            if let Some(d) = view.deadlines {
                <p class="deadline">{text::reports::han_gui_van_phong(&d.unit.vi())}
                    { match view.on_time { Some(true) => text::reports::GUI_DUNG_HAN, Some(false) => text::reports::GUI_QUA_HAN, None => "" } }
                </p>
            }
            if let Some((r, text)) = &view.reminder {
                <p class={classes!("reminder", matches!(r, tiendo_shared::workflow::Reminder::Overdue).then_some("overdue"))}
                    data-testid="report-reminder">{text}</p>
            }
            if let Some(note) = &view.returned_note {
                <p class="returned" data-testid="report-return-note">{text::reports::tra_lai(&(if view.returned_by_head { text::reports::LANH_DAO_DON_VI } else { text::reports::VAN_PHONG }), &note)}</p>
            }
            <ul class="steps">{ for view.lines.iter().map(|l| html! { <li>{l}</li> }) }</ul>
            <div class="actions">
                if view.actions.contains(&Action::Submit) {
                    <button onclick={take(Action::Submit)} data-testid="report-submit">
                        { if matches!(view.phase, tiendo_shared::workflow::Phase::Draft) { text::reports::GUI_BAO_CAO } else { text::reports::GUI_LAI_BAO_CAO } }
                    </button>
                }
                if view.actions.contains(&Action::Approve) {
                    <button onclick={take(Action::Approve)} data-testid="report-approve">{text::reports::DUYET_BAO_CAO}</button>
                }
                if view.actions.contains(&Action::SendBack) {
                    <label class="note">{text::reports::LY_DO_TRA_LAI}
                        <textarea ref={note_ref.clone()} data-testid="report-send-back-note" rows="2" /></label>
                    <button class="secondary" onclick={take(Action::SendBack)} data-testid="report-send-back">{text::reports::TRA_LAI_NGUOI_SOAN}</button>
                }
                if notify::supported() && !*asked {
                    <button class="secondary" onclick={ask} data-testid="report-notify">{text::reports::BAT_THONG_BAO_NHAC_HAN}</button>
                }
            </div>
            if let Some(e) = &*error { <p class="error" data-testid="report-error">{e}</p> }
        </section>
    }
}

/// The reminder of the current reporting period (whichever period is shown) as a system
/// notification, once a day, when the user allowed them.
#[hook]
fn use_reminder(ws: &super::Ws, unit: Option<&str>, today: tiendo_shared::model::Date) {
    let role = ws.docs.me.user.role;
    let current = ws
        .snap
        .plan
        .as_ref()
        .ok()
        .map(|plan| tiendo_shared::views::status::current_period(plan, today));
    {
        let reminder = match (&ws.snap.plan, unit, current) {
            (Ok(plan), Some(unit), Some(current)) => {
                panel(&ws.snap.reporting, plan, unit, current, role, today).reminder
            }
            _ => None,
        };
        let key = format!(
            "{}.{}.{}",
            ws.snap.plan_id,
            current.map(|p| p.as_str()).unwrap_or_default(),
            today
        );
        use_effect_with((reminder, key), |(reminder, key)| {
            if let Some((_, text)) = reminder.clone() {
                let key = key.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    notify::once(&key, text::reports::TIEN_DO_CCHC_NHAC_HAN_BAO, &text).await;
                });
            }
        });
    }
}
