//! The office's "Tổ chức" screen: the agency's units, active first, each with its state and the
//! changes naming it; and the form recording a change — merge, rename, split (choosing where each
//! task goes), retire, a function moved — from a date on a legal basis, with what becomes of the
//! unit's accounts. Recording is an edit of the organisation document: it works offline and
//! syncs like any other.
//!
//! Stage: *UI* (office build), over `view_model::organisation`; writes through
//! `infra::plan_docs::PlanDocs::record_org_change`.

use std::collections::BTreeMap;

use tiendo_shared::model::lineage::{AccountFate, ChangeKind};
use tiendo_shared::model::{Agency, PeriodKind};
use yew::prelude::*;

use crate::text;

use super::{use_ws, value_of};
use crate::error::ClientError;
use crate::infra::browser;
use crate::view_model::organisation::{Draft, unit_rows};
use crate::view_model::tasks;

/// The organisation screen.
#[function_component(Organisation)]
pub fn organisation() -> Html {
    let ws = use_ws();
    let draft = use_state(Draft::default);
    let outcome = use_state(|| None::<Result<String, ClientError>>);
    let Ok(agency) = &ws.snap.agency else {
        return html! { <p class="error">{text::organisation::CHUA_DOC_DUOC_TO_CHUC}</p> };
    };
    let today = browser::today();
    let rows = unit_rows(agency, today);
    let writable = ws.docs.org_writable();

    let set = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let mut d = (*draft).clone();
            f(&mut d, value_of(&e));
            draft.set(d);
        })
    };
    let on_submit = {
        let (draft, outcome, docs) = (draft.clone(), outcome.clone(), ws.docs.clone());
        let agency = agency.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let result = draft.operation().and_then(|(op, on, basis)| {
                docs.record_org_change(&op, on, basis)
                    .map(|c| c.describe(&agency))
            });
            if result.is_ok() {
                draft.set(Draft::default());
            }
            outcome.set(Some(result.map(|t| text::organisation::da_ghi(&t))));
        })
    };

    html! {
        <section class="organisation" data-testid="organisation">
            <h2>{text::organisation::TO_CHUC}{&agency.name}</h2>
            <table class="units" data-testid="org-units">
                <thead><tr><th>{text::organisation::DON_VI}</th><th>{text::organisation::TINH_TRANG}</th><th>{text::organisation::THAY_DOI}</th></tr></thead>
                <tbody>
                    { for rows.iter().map(|r| html! {
                        <tr class={classes!((!r.active).then_some("ended"))} data-unit={r.id.clone()}>
                            <td>{&r.name}</td>
                            <td data-testid="org-unit-state">{&r.state}</td>
                            <td>{ for r.history.iter().map(|h| html! { <div>{h}</div> }) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if writable {
                {form(agency, &ws.snap, &draft, set, on_submit)}
            }
            {
                match &*outcome {
                    Some(Ok(t)) => html! { <p class="ok" role="status" data-testid="org-recorded">{t}</p> },
                    Some(Err(e)) => html! { <p class="error" role="alert" data-testid="org-error">{e}</p> },
                    None => html! {},
                }
            }
        </section>
    }
}

fn form(
    agency: &Agency,
    snap: &crate::view_model::workspace::Snapshot,
    draft: &UseStateHandle<Draft>,
    set: impl Fn(fn(&mut Draft, String)) -> Callback<Event>,
    on_submit: Callback<SubmitEvent>,
) -> Html {
    let today = browser::today();
    let lineage = agency.lineage();
    let active: Vec<(String, String)> = agency
        .units
        .iter()
        .filter(|u| lineage.valid(&u.id, today) && lineage.end_of(&u.id).is_none())
        .map(|u| (u.id.clone(), u.name.clone()))
        .collect();
    let kind = draft.kind;
    let options = |selected: &str, skip: &str| -> Html {
        html! {
            <>
                <option value="" selected={selected.is_empty()}>{text::organisation::CHON}</option>
                { for active.iter().filter(|(id, _)| id != skip).map(|(id, name)| html! {
                    <option value={id.clone()} selected={id == selected}>{name}</option>
                }) }
            </>
        }
    };
    // The unit's tasks, for a split's choice or a function moved.
    let unit_tasks: Vec<(String, String)> = match (&snap.plan, kind) {
        (Ok(plan), Some(ChangeKind::Split | ChangeKind::MoveFunction))
            if !draft.unit.is_empty() =>
        {
            tasks::unit_tasks(plan, agency, &draft.unit, &[], today, PeriodKind::Year)
                .into_iter()
                .flat_map(|g| g.rows)
                .map(|r| (r.task_id, format!("{} {}", r.code, r.title)))
                .collect()
        }
        _ => Vec::new(),
    };
    let kind_value = kind.map(|k| k.as_str()).unwrap_or("");
    html! {
        <form class="org-change" onsubmit={on_submit} data-testid="org-form">
            <h3>{text::organisation::GHI_THAY_DOI_TO_CHUC}</h3>
            <label>{text::organisation::LOAI_THAY_DOI}
                <select data-testid="org-kind" onchange={set(|d, v| {
                    d.kind = v.parse().ok();
                    d.tasks = BTreeMap::new();
                    d.accounts = match d.kind {
                        Some(ChangeKind::Merge) => AccountFate::Move,
                        Some(ChangeKind::Split | ChangeKind::Retire) => AccountFate::Disable,
                        _ => AccountFate::Keep,
                    };
                })}>
                    <option value="" selected={kind.is_none()}>{text::organisation::CHON}</option>
                    { for ChangeKind::ALL.iter().map(|k| html! {
                        <option value={k.as_str()} selected={k.as_str() == kind_value}>{k.vi()}</option>
                    }) }
                </select>
            </label>
            if kind == Some(ChangeKind::Establish) {
                <label>{text::organisation::TEN_DON_VI_MOI}
                    <input data-testid="org-establish-name" value={draft.names.clone()} onchange={set(|d, v| d.names = v)} />
                </label>
            } else {
                <label>{text::organisation::DON_VI_2}
                    <select data-testid="org-unit" onchange={set(|d, v| { d.unit = v; d.tasks = BTreeMap::new(); })}>
                        {options(&draft.unit, "")}
                    </select>
                </label>
            }
            if matches!(kind, Some(ChangeKind::Merge | ChangeKind::MoveFunction)) {
                <label>{ if kind == Some(ChangeKind::Merge) { text::organisation::SAP_NHAP_VAO } else { text::organisation::CHUYEN_CHO } }
                    <select data-testid="org-into" onchange={set(|d, v| d.into = vec![v])}>
                        {options(draft.into.first().map(String::as_str).unwrap_or(""), &draft.unit)}
                    </select>
                </label>
            }
            if kind == Some(ChangeKind::Split) {
                <label>{text::organisation::DON_VI_HIEN_CO_NHAN_MOT}
                    <input data-testid="org-split-into" value={draft.into.join(", ")}
                        onchange={set(|d, v| d.into = v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())} />
                </label>
                <label>{text::organisation::DON_VI_MOI_MOI_DONG_MOT}
                    <textarea data-testid="org-new-units" value={draft.names.clone()} onchange={set(|d, v| d.names = v)} />
                </label>
            }
            if kind == Some(ChangeKind::Rename) {
                <label>{text::organisation::TEN_MOI}
                    <input data-testid="org-new-name" value={draft.names.clone()} onchange={set(|d, v| d.names = v)} />
                </label>
            }
            if kind == Some(ChangeKind::Split) && !unit_tasks.is_empty() {
                <fieldset><legend>{text::organisation::NHIEM_VU_GIAO_CHO}</legend>
                    <SplitTasks tasks={unit_tasks.clone()} agency={Some(agency.clone())} draft={draft.clone()} />
                </fieldset>
            }
            if kind == Some(ChangeKind::MoveFunction) && !unit_tasks.is_empty() {
                <fieldset><legend>{text::organisation::NHIEM_VU_CHUYEN_DI}</legend>
                    <MovedTasks tasks={unit_tasks.clone()} draft={draft.clone()} />
                </fieldset>
            }
            <label>{text::organisation::CO_HIEU_LUC_TU_NGAY}
                <input class="date" inputmode="numeric" placeholder="dd/mm/yyyy" data-testid="org-on" value={draft.on.clone()} onchange={set(|d, v| d.on = v)} />
            </label>
            <label>{text::organisation::CAN_CU_SO_QUYET_DINH}
                <input data-testid="org-basis" value={draft.basis_number.clone()} onchange={set(|d, v| d.basis_number = v)} />
            </label>
            <label>{text::organisation::NGAY_QUYET_DINH}
                <input class="date" inputmode="numeric" placeholder="dd/mm/yyyy" data-testid="org-basis-date" value={draft.basis_date.clone()} onchange={set(|d, v| d.basis_date = v)} />
            </label>
            if matches!(kind, Some(ChangeKind::Merge | ChangeKind::Split | ChangeKind::Retire)) {
                <label>{text::organisation::TAI_KHOAN_CUA_DON_VI}
                    <select data-testid="org-accounts" onchange={set(|d, v| d.accounts = v.parse().unwrap_or_default())}>
                        if kind != Some(ChangeKind::Retire) {
                            <option value="move" selected={draft.accounts == AccountFate::Move}>{text::organisation::CHUYEN_SANG_DON_VI_NHAN}</option>
                        }
                        <option value="disable" selected={draft.accounts == AccountFate::Disable}>{text::organisation::KHOA}</option>
                        if kind == Some(ChangeKind::Retire) {
                            <option value="keep" selected={draft.accounts == AccountFate::Keep}>{text::organisation::GIU_NGUYEN}</option>
                        }
                    </select>
                </label>
            }
            <button type="submit" data-testid="org-submit">{text::organisation::GHI_THAY_DOI}</button>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct TasksProps {
    /// The unit's tasks: (id, code and title).
    tasks: Vec<(String, String)>,
    draft: UseStateHandle<Draft>,
    /// The agency, for the successors' names (a split only).
    #[prop_or_default]
    agency: Option<Agency>,
}

/// A split: each of the unit's tasks goes to one of the successors (the first by default).
#[function_component(SplitTasks)]
fn split_tasks(props: &TasksProps) -> Html {
    let draft = &props.draft;
    let successors = draft.successors();
    let task_choice = |task_id: String, label: String| -> Html {
        let d = draft.clone();
        let id = task_id.clone();
        let current = draft.tasks.get(&task_id).cloned().unwrap_or_default();
        let onchange = Callback::from(move |e: Event| {
            let mut x = (*d).clone();
            let v = value_of(&e);
            x.tasks.insert(id.clone(), v);
            d.set(x);
        });
        let name_of = |s: &String| {
            props
                .agency
                .as_ref()
                .and_then(|a| a.unit(s))
                .map_or_else(|| s.clone(), |u| u.name.clone())
        };
        html! {
            <li>
                <label>{label}{text::organisation::ARROW}
                    <select {onchange} data-testid={format!("org-task-{task_id}")}>
                        <option value="" selected={current.is_empty()}>{text::organisation::DON_VI_DAU_TIEN}</option>
                        { for successors.iter().map(|s| html! {
                            <option value={s.clone()} selected={*s == current}>{name_of(s)}</option>
                        }) }
                    </select>
                </label>
            </li>
        }
    };
    html! {
        <ul>{ for props.tasks.iter().map(|(id, label)| task_choice(id.clone(), label.clone())) }</ul>
    }
}

/// A function moved: the tasks that go with it.
#[function_component(MovedTasks)]
fn moved_tasks(props: &TasksProps) -> Html {
    let draft = &props.draft;
    let task_check = |task_id: String, label: String| -> Html {
        let d = draft.clone();
        let id = task_id.clone();
        let checked = draft.tasks.contains_key(&task_id);
        let onchange = Callback::from(move |_: Event| {
            let mut x = (*d).clone();
            if x.tasks.remove(&id).is_none() {
                x.tasks.insert(id.clone(), String::new());
            }
            d.set(x);
        });
        html! {
            <li><label><input type="checkbox" {checked} {onchange} data-testid={format!("org-move-{task_id}")} />{label}</label></li>
        }
    };
    html! {
        <ul>{ for props.tasks.iter().map(|(id, label)| task_check(id.clone(), label.clone())) }</ul>
    }
}
