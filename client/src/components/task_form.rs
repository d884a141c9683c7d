//! The progress form: a unit's report on one task for one period — status, percent, completion
//! date, result, evidence with its files (picked or photographed, kept on the tablet, uploaded by
//! themselves), difficulties, proposals — and any field two people changed at once.
//!
//! Stage: *UI → local document*: each change goes to the unit's progress document at once (no
//! save button) and syncs by itself.

use std::collections::HashMap;
use std::rc::Rc;

use tiendo_shared::model::progress::{EntryField, FieldConflict};
use tiendo_shared::model::{Date, PeriodKind, WorkStatus};
use yew::prelude::*;

use crate::text;

use super::evidence_files::{DeviceStorage, EvidenceFiles};
use super::{names, use_ws, value_of};
use crate::error::ClientError;
use crate::infra::browser::when;
use crate::infra::form;

/// Applies a form field's value to an entry, or says why the value is refused.
type ApplyField = dyn Fn(&mut tiendo_shared::model::Entry, String) -> Result<(), ClientError>;

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    /// The task.
    pub task_id: String,
    /// The period reported on.
    pub period: PeriodKind,
    /// Back to the list.
    pub on_back: Callback<()>,
}

/// The unit's report on one task for one period; every change is saved at once.
#[function_component(TaskDetail)]
pub fn task_detail(props: &DetailProps) -> Html {
    let error = use_state(|| None::<ClientError>);
    let ws = use_ws();
    let docs = ws.docs.clone();
    let Ok(plan) = &ws.snap.plan else {
        return html! {};
    };
    let Some((_, task)) = plan.tasks().find(|(_, t)| t.id == props.task_id) else {
        return html! { <p>{text::tasks::KHONG_TIM_THAY_NHIEM_VU}</p> };
    };
    let task = task.clone();
    // With what a merged unit passed on to this one (its entry until this unit writes its own).
    let progress = ws.snap.own_view(crate::infra::browser::today());
    // A stored entry that cannot be read shows what could be, and says so; saving repairs it.
    let unreadable = progress
        .as_ref()
        .and_then(|p| p.unreadable_entry(&task.id, props.period).cloned());
    let entry = progress
        .as_ref()
        .and_then(|p| p.entry(&task.id, props.period).cloned())
        .or_else(|| unreadable.as_ref().map(|u| u.partial.clone()))
        .unwrap_or_default();
    // What the user is typing and has not committed yet, by field: a redraw meanwhile (a change
    // from sync, the save of another field) shows the typing, never the stored value over it.
    let drafts = use_mut_ref(HashMap::<String, String>::new);
    let draft_key = |field: &str| format!("{}/{}/{field}", task.id, props.period.as_str());
    let typing = |field: &str| {
        let (drafts, key) = (drafts.clone(), draft_key(field));
        Callback::from(move |e: InputEvent| {
            drafts.borrow_mut().insert(key.clone(), value_of(&e));
        })
    };
    let shown = |field: &str, stored: String| {
        drafts
            .borrow()
            .get(&draft_key(field))
            .cloned()
            .unwrap_or(stored)
    };
    let edit = |field: &str, apply: Rc<ApplyField>| {
        let (docs, error, task_id, period) =
            (docs.clone(), error.clone(), task.id.clone(), props.period);
        let (drafts, key) = (drafts.clone(), draft_key(field));
        Callback::from(move |e: Event| {
            drafts.borrow_mut().remove(&key);
            let value = value_of(&e);
            let mut failure = None;
            let result = docs.edit_entry(&task_id, period, |entry| {
                if let Err(e) = apply(entry, value.clone()) {
                    failure = Some(e);
                }
            });
            error.set(failure.or(result.err()));
        })
    };
    let on_status = edit("status", Rc::new(apply_status));
    let on_percent = edit("percent", Rc::new(apply_percent));
    let on_result = edit("result", text_field(|e| &mut e.result));
    let on_difficulties = edit("difficulties", text_field(|e| &mut e.difficulties));
    let on_proposals = edit("proposals", text_field(|e| &mut e.proposals));
    let on_completed = edit("completed", Rc::new(apply_completed));
    let on_file_error = {
        let error = error.clone();
        Callback::from(move |e: Option<ClientError>| error.set(e))
    };
    let conflicts = docs.conflicts(&task.id, props.period);
    let on_pick = {
        let (docs, error, task_id, period) =
            (docs.clone(), error.clone(), task.id.clone(), props.period);
        Callback::from(move |(field, choice): (String, usize)| {
            error.set(docs.resolve(&task_id, period, &field, choice).err())
        })
    };
    let back = {
        let cb = props.on_back.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let status_value = entry.status.as_str();
    html! {
        <main class="detail" data-testid="task-detail">
            <button class="secondary" onclick={back} data-testid="back">{text::tasks::DANH_SACH}</button>
            <TaskFacts task={task.clone()} />
            <h3>{text::tasks::bao_cao(&props.period.vi())}</h3>
            if let Some(e) = &*error { <p class="error" role="alert" data-testid="form-error">{e}</p> }
            if let Some(u) = &unreadable {
                <p class="error" role="alert" data-testid="entry-unreadable">
                    {text::tasks::bao_cao_nay_co_khong_doc(&(u.field.as_deref().map_or_else(|| text::tasks::DU_LIEU.to_string(), tiendo_shared::views::status::field_vi)), &u.reason)}
                </p>
            }
            <Conflicts {conflicts} {on_pick} />
            <form class="progress" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label>{EntryField::Status.label()}
                    <select onchange={on_status} data-testid="field-status">
                        { for WorkStatus::ALL.into_iter().map(|s| html! {
                            <option value={s.as_str()} selected={status_value == s.as_str()}>{s.vi()}</option>
                        }) }
                    </select>
                </label>
                <label>{format!("{} (%)", EntryField::Percent.label())}
                    <input type="number" min="0" max="100" value={shown("percent", entry.percent.to_string())} oninput={typing("percent")} onchange={on_percent} data-testid="field-percent" />
                </label>
                if entry.status == WorkStatus::Done {
                    <label>{format!("{} (dd/mm/yyyy)", EntryField::CompletedOn.label())}
                        <input value={shown("completed", entry.completed_on.map(|d| d.vi()).unwrap_or_default())} oninput={typing("completed")} onchange={on_completed}
                            placeholder="dd/mm/yyyy" data-testid="field-completed-on" />
                    </label>
                }
                <label>{EntryField::Result.label()}
                    <textarea value={shown("result", entry.result.clone())} oninput={typing("result")} onchange={on_result} data-testid="field-result" />
                </label>
                <EvidenceFieldset task_id={task.id.clone()} period={props.period}
                    evidence={entry.evidence.clone()} on_error={on_file_error} />
                <label>{EntryField::Difficulties.label()}
                    <textarea value={shown("difficulties", entry.difficulties.clone())} oninput={typing("difficulties")} onchange={on_difficulties} data-testid="field-difficulties" />
                </label>
                <label>{EntryField::Proposals.label()}
                    <textarea value={shown("proposals", entry.proposals.clone())} oninput={typing("proposals")} onchange={on_proposals} data-testid="field-proposals" />
                </label>
            </form>
        </main>
    }
}

/// A text field of the entry, taken as typed.
fn text_field(field: fn(&mut tiendo_shared::model::Entry) -> &mut String) -> Rc<ApplyField> {
    Rc::new(move |e, v| {
        *field(e) = v;
        Ok(())
    })
}

/// The status chosen; done means 100 %.
fn apply_status(e: &mut tiendo_shared::model::Entry, v: String) -> Result<(), ClientError> {
    e.status = v.parse().unwrap_or_default();
    if e.status == WorkStatus::Done {
        e.percent = 100;
    }
    Ok(())
}

/// The percent typed, 0 to 100.
fn apply_percent(e: &mut tiendo_shared::model::Entry, v: String) -> Result<(), ClientError> {
    let n: u8 = v
        .trim()
        .parse()
        .ok()
        .filter(|n| *n <= 100)
        .ok_or_else(|| ClientError::invalid(text::tasks::TY_LE_HOAN_THANH_PHAI_LA))?;
    e.percent = n;
    Ok(())
}

/// The completion date typed (dd/mm/yyyy), or none when emptied.
fn apply_completed(e: &mut tiendo_shared::model::Entry, v: String) -> Result<(), ClientError> {
    e.completed_on = if v.trim().is_empty() {
        None
    } else {
        Some(
            v.parse::<Date>()
                .map_err(|_| ClientError::Invalid(text::tasks::ngay_hoan_thanh_khong_hop_le(&v)))?,
        )
    };
    Ok(())
}

#[derive(Properties, PartialEq)]
struct FactsProps {
    task: tiendo_shared::model::Task,
}

/// The task as the plan states it: code and title, lead and coordinating units, products, time.
#[function_component(TaskFacts)]
fn task_facts(props: &FactsProps) -> Html {
    let task = &props.task;
    html! {
        <>
            <h2>{format!("{} {}", task.code, task.title)}</h2>
            <dl>
                <dt>{text::tasks::CHU_TRI}</dt><dd>{names(&task.lead)}</dd>
                <dt>{text::tasks::PHOI_HOP}</dt><dd>{names(&task.coordinating)}</dd>
                <dt>{text::tasks::SAN_PHAM}</dt><dd>{task.products.join("; ")}</dd>
                <dt>{text::tasks::THOI_GIAN}</dt><dd>{&task.schedule.raw}
                    { for task.schedule.milestones.iter().map(|m| html!{ <span class="milestone">{text::tasks::milestone(&m.due.vi())}</span> }) }
                </dd>
            </dl>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ConflictsProps {
    conflicts: Vec<FieldConflict>,
    /// Keeps value `choice` of `field`.
    on_pick: Callback<(String, usize)>,
}

/// The fields two people changed at once, every value with who wrote it, one to keep.
#[function_component(Conflicts)]
fn conflicts(props: &ConflictsProps) -> Html {
    let ws = use_ws();
    let field_label = |f: &str| EntryField::from_key(f).map_or("", |f| f.label());
    let pick = |field: String, choice: usize| {
        let on_pick = props.on_pick.clone();
        Callback::from(move |_| on_pick.emit((field.clone(), choice)))
    };
    html! {
        { for props.conflicts.iter().map(|c| html! {
            <div class="conflict" role="alert" data-testid={format!("conflict-{}", c.field)}>
                <strong>{text::tasks::co_thay_doi_dong_thoi(&field_label(&c.field))}</strong>
                <ul>
                { for c.values.iter().enumerate().map(|(i, v)| html! {
                    <li>
                        <span class="value">{if v.value.is_empty() { text::tasks::TRONG.to_string() } else { v.value.clone() }}</span>
                        <span class="by">{v.by.as_ref().map(|b| text::tasks::by_at(&(b.author.as_deref().map_or("?", |a| ws.snap.reporting.name_of(a))), &when(b.time))).unwrap_or_default()}</span>
                        if v.current { <span class="current">{text::tasks::DANG_HIEN_THI}</span> }
                        <button type="button" onclick={pick(c.field.clone(), i)}
                            data-testid={format!("conflict-pick-{}-{}", c.field, i)}>{text::tasks::GIU_GIA_TRI_NAY}</button>
                    </li>
                }) }
                </ul>
            </div>
        }) }
    }
}

#[derive(Properties, PartialEq)]
struct EvidenceProps {
    task_id: String,
    period: PeriodKind,
    evidence: Vec<tiendo_shared::model::Evidence>,
    /// Why an addition, a removal or a file was refused (`None`: it was not).
    on_error: Callback<Option<ClientError>>,
}

/// "Tài liệu kiểm chứng": the documents cited with their files, and a row to cite another.
#[function_component(EvidenceFieldset)]
fn evidence_fieldset(props: &EvidenceProps) -> Html {
    let docs = use_ws().docs.clone();
    let error = props.on_error.clone();
    let ev_number = use_node_ref();
    let ev_date = use_node_ref();
    let ev_summary = use_node_ref();
    let add_evidence = {
        let (docs, error, task_id, period) = (
            docs.clone(),
            error.clone(),
            props.task_id.clone(),
            props.period,
        );
        let (n, d, sm) = (ev_number.clone(), ev_date.clone(), ev_summary.clone());
        Callback::from(move |_| {
            let (number, date, summary) = (form::value(&n), form::value(&d), form::value(&sm));
            if number.trim().is_empty() && summary.trim().is_empty() {
                error.emit(Some(ClientError::invalid(
                    text::tasks::NHAP_SO_KY_HIEU_HOAC_TRICH,
                )));
                return;
            }
            let date = if date.trim().is_empty() {
                None
            } else {
                match date.parse::<Date>() {
                    Ok(d) => Some(d),
                    Err(_) => {
                        error.emit(Some(ClientError::Invalid(
                            text::tasks::ngay_van_ban_khong_hop_le(&date),
                        )));
                        return;
                    }
                }
            };
            let result = docs.edit_entry(&task_id, period, |entry| {
                entry.evidence.push(tiendo_shared::model::Evidence {
                    id: uuid::Uuid::new_v4().to_string(),
                    number: number.trim().to_string(),
                    date,
                    summary: summary.trim().to_string(),
                    file: None,
                    files: Vec::new(),
                });
            });
            error.emit(result.err());
            for r in [&n, &d, &sm] {
                form::set_value(r, "");
            }
        })
    };
    let remove_evidence = |id: String| {
        let (docs, error, task_id, period) = (
            docs.clone(),
            error.clone(),
            props.task_id.clone(),
            props.period,
        );
        Callback::from(move |_| {
            let result = docs.edit_entry(&task_id, period, |entry| {
                entry.evidence.retain(|e| e.id != id);
            });
            error.emit(result.err());
        })
    };
    html! {
        <fieldset class="evidence" data-testid="evidence">
            <legend>{text::tasks::TAI_LIEU_KIEM_CHUNG}</legend>
            <DeviceStorage />
            <ul>
            { for props.evidence.iter().map(|ev| html! {
                <li data-testid={format!("evidence-{}", ev.id)}>
                    <span>{format!("{} {} {}", ev.number, ev.date.map(|d| text::tasks::ngay(&d.vi())).unwrap_or_default(), ev.summary)}</span>
                    <button type="button" class="secondary" onclick={remove_evidence(ev.id.clone())}
                        data-testid={format!("evidence-remove-{}", ev.id)}>{text::tasks::XOA}</button>
                    <EvidenceFiles task_id={props.task_id.clone()} period={props.period}
                        evidence_id={ev.id.clone()} files={ev.files.clone()} on_error={props.on_error.clone()} />
                </li>
            }) }
            </ul>
            <div class="add">
                <input ref={ev_number} placeholder={text::tasks::SO_KY_HIEU} data-testid="evidence-number" />
                <input ref={ev_date} placeholder={text::tasks::NGAY_DD_MM_YYYY} data-testid="evidence-date" />
                <input ref={ev_summary} placeholder={text::tasks::TRICH_YEU} data-testid="evidence-summary" />
                <button type="button" onclick={add_evidence} data-testid="evidence-add">{text::tasks::THEM}</button>
            </div>
        </fieldset>
    }
}
