//! Plan maintenance in the client (office build): the task editor (edit, add, retire),
//! importing another plan, and next year's plan drafted from this one (its one-off tasks kept
//! or dropped, then saved like an import).
//!
//! Stage: *UI* over [`tiendo_shared::edit::maintain`]. Edits are ordinary offline edits of the plan
//! document through `infra::plan_docs` (the server accepts them from the agency's administrators only);
//! an import is read first (text on the device, .docx and .xlsx by the server's preview) and
//! shown as a table the office can correct, with what the importer could not place, before
//! anything is saved; the checked draft is then sent to the server, which creates the documents.

use tiendo_shared::edit::maintain::{self, TaskDraft};
use tiendo_shared::import::Imported;
use tiendo_shared::model::Date;
use yew::prelude::*;

use crate::text;

use super::value_of;

use std::collections::BTreeSet;

use tiendo_shared::views::next_year;

use super::use_ws;
use crate::error::ClientError;
use crate::infra::form::{File, FileInput, value};
use crate::infra::{api, browser, prefs};

/// What the office looks at in a draft of next year's plan, beside the preview table.
#[derive(Clone, PartialEq)]
struct NextYear {
    carried: usize,
    one_off: Vec<next_year::OneOff>,
    replaced: Vec<next_year::Replaced>,
    notes: Vec<String>,
}

impl NextYear {
    /// What the office looks at in a drafted plan, and the draft itself.
    fn of(d: next_year::Draft) -> (NextYear, Imported) {
        let seen = NextYear {
            carried: d.carried.len(),
            one_off: d.one_off,
            replaced: d.replaced,
            notes: d.notes,
        };
        (seen, d.draft)
    }
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The task to edit; `None` adds a task to `area`.
    pub task_id: Option<String>,
    /// The area a new task goes into.
    pub area: u32,
    /// The default day of a retirement.
    pub as_of: Date,
    /// Called once saved (or cancelled).
    pub on_done: Callback<()>,
}

/// The form of one task: title, lead, coordinating, products (one per line), timeline. Saving
/// re-reads the units and the timeline; refusals keep what was typed.
#[function_component(TaskEditor)]
pub fn task_editor(props: &EditorProps) -> Html {
    let ws = use_ws();
    let docs = ws.docs.clone();
    let message = use_state(|| None::<(bool, String)>);
    let refs = (*use_state(<[NodeRef; 6]>::default)).clone();
    let Ok(plan) = ws.snap.plan.clone() else {
        return html! {};
    };
    let task = props
        .task_id
        .as_deref()
        .and_then(|id| plan.task(id))
        .cloned();
    let draft = task.as_ref().map(TaskDraft::of).unwrap_or_default();
    let save = {
        let (docs, message, refs) = (docs.clone(), message.clone(), refs.clone());
        let (task_id, area, on_done) = (props.task_id.clone(), props.area, props.on_done.clone());
        let agency = ws.snap.agency.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let draft = TaskDraft {
                title: value(&refs[0]),
                lead: value(&refs[1]),
                coordinating: value(&refs[2]),
                products: value(&refs[3]),
                timeline: value(&refs[4]),
            };
            let agency = match agency.clone() {
                Ok(a) => a,
                Err(e) => return message.set(Some((false, e.to_string()))),
            };
            let result = docs.edit_plan(|p| match &task_id {
                Some(id) => maintain::edit_task(p, &agency, id, &draft),
                None => maintain::add_task(p, &agency, area, &draft).map(|(_, w)| w),
            });
            match result {
                Ok(w) if w.is_empty() => {
                    message.set(None);
                    on_done.emit(());
                }
                Ok(w) => message.set(Some((true, text::plan::da_luu_luu_y(&w.join("; "))))),
                Err(e) => message.set(Some((false, e.to_string()))),
            }
        })
    };
    let retire = {
        let (docs, message, refs) = (docs.clone(), message.clone(), refs.clone());
        let (task_id, retired) = (
            props.task_id.clone(),
            task.as_ref().and_then(|t| t.retired_on),
        );
        Callback::from(move |_| {
            let Some(id) = task_id.clone() else { return };
            let result = if retired.is_some() {
                docs.edit_plan(|p| maintain::reinstate_task(p, &id))
            } else {
                match value(&refs[5]).trim().parse::<Date>() {
                    Ok(day) => docs.edit_plan(|p| maintain::retire_task(p, &id, day)),
                    Err(_) => Err(ClientError::Invalid(
                        text::plan::ngay_dung_khong_hop_le_ghi(&value(&refs[5])),
                    )),
                }
            };
            message.set(result.err().map(|e| (false, e.to_string())));
        })
    };
    let field = |label: &'static str, r: &NodeRef, v: &str, id: &'static str, multi: bool| {
        html! {
            <label>{label}
                if multi {
                    <textarea ref={r.clone()} value={v.to_string()} data-testid={id} />
                } else {
                    <input ref={r.clone()} value={v.to_string()} data-testid={id} />
                }
            </label>
        }
    };
    html! {
        <section class="editor" data-testid="task-editor">
            <form class="progress" onsubmit={save}>
                {field(text::plan::NOI_DUNG_NHIEM_VU, &refs[0], &draft.title, "edit-title", true)}
                {field(text::plan::DON_VI_CHU_TRI, &refs[1], &draft.lead, "edit-lead", false)}
                {field(text::plan::DON_VI_PHOI_HOP, &refs[2], &draft.coordinating, "edit-coordinating", false)}
                {field(text::plan::SAN_PHAM_MOI_DONG_MOT_SAN, &refs[3], &draft.products, "edit-products", true)}
                {field(text::plan::THOI_GIAN_THUC_HIEN, &refs[4], &draft.timeline, "edit-timeline", false)}
                if let Some((ok, m)) = &*message {
                    <p class={if *ok { "note" } else { "error" }} role="alert" data-testid="edit-message">{m}</p>
                }
                <button type="submit" data-testid="edit-save">{if task.is_some() { text::plan::LUU_THAY_DOI } else { text::plan::THEM_NHIEM_VU }}</button>
            </form>
            if let Some(t) = &task {
                <div class="retire">
                    if t.retired_on.is_none() {
                        <label>{text::plan::DUNG_THUC_HIEN_TU_NGAY}
                            <input ref={refs[5].clone()} value={props.as_of.vi()} placeholder="dd/mm/yyyy" data-testid="retire-date" />
                        </label>
                        <button class="secondary" onclick={retire} data-testid="retire">{text::plan::DUNG_THUC_HIEN_NHIEM_VU}</button>
                    } else {
                        <button class="secondary" onclick={retire} data-testid="reinstate">{text::plan::THUC_HIEN_LAI_NHIEM_VU}</button>
                    }
                </div>
            }
        </section>
    }
}

/// Import another plan: pick its file (.docx, .xlsx or .txt), see what the importer made of it
/// as a table — area, code, title, lead, coordinating units, products, timeline and the parsed
/// deadline, with what it could not place — correct a task's code, lead, coordinating units or
/// timeline, then save it on the server.
#[function_component(PlanImport)]
pub fn plan_import() -> Html {
    let ws = use_ws();
    let session = ws.session.clone();
    let imported = use_state(|| None::<String>);
    let parsed = use_state(|| None::<Result<(String, Imported), ClientError>>);
    // The units the plan names that the organisation does not know (settled in the preview).
    let new_units = use_state(Vec::<tiendo_shared::import::units::NewUnit>::new);
    let status = use_state(|| None::<Result<String, ClientError>>);
    let row_error = use_state(|| None::<(String, String)>);
    let busy = use_state(|| false);
    // A draft of next year's plan: its one-off tasks and notes, and the one-off tasks kept.
    let next = use_state(|| None::<NextYear>);
    let kept = use_state(BTreeSet::<String>::new);
    let on_file = {
        let (parsed, status, new_units) = (parsed.clone(), status.clone(), new_units.clone());
        let next = next.clone();
        let agency = ws.snap.agency.clone().ok();
        Callback::from(move |e: Event| {
            next.set(None);
            let Some(file) = FileInput::of(&e).and_then(|i| i.files().into_iter().next()) else {
                return;
            };
            let (parsed, status, new_units) = (parsed.clone(), status.clone(), new_units.clone());
            let agency = agency.clone();
            status.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let (read, fresh) = read_plan(&file, agency.as_ref()).await;
                new_units.set(fresh);
                parsed.set(Some(read));
            });
        })
    };
    // A correction of one task typed in the preview table: (task, field, value).
    let on_correct = {
        let (parsed, row_error) = (parsed.clone(), row_error.clone());
        Callback::from(move |(task_id, field, v): (String, &'static str, String)| {
            let Some(Ok((format, mut imp))) = (*parsed).clone() else {
                return;
            };
            let Some(task) = imp.plan.task(&task_id) else {
                return;
            };
            let mut draft = TaskDraft::of(task);
            let mut code = task.code.clone();
            match field {
                "code" => code = v,
                "lead" => draft.lead = v,
                "coordinating" => draft.coordinating = v,
                _ => draft.timeline = v,
            }
            match maintain::correct_import(&mut imp, &task_id, &code, &draft) {
                Ok(_) => {
                    row_error.set(None);
                    parsed.set(Some(Ok((format, imp))));
                }
                Err(e) => row_error.set(Some((task_id.clone(), e.to_string()))),
            }
        })
    };
    let save = {
        let (parsed, status, busy) = (parsed.clone(), status.clone(), busy.clone());
        let (session, imported) = (session.clone(), imported.clone());
        let (next, kept) = (next.clone(), kept.clone());
        Callback::from(move |_| {
            let Some(Ok((_, mut draft))) = (*parsed).clone() else {
                return;
            };
            // A drafted plan loses the one-off tasks the office did not keep.
            if let Some(n) = &*next {
                let one_off: Vec<String> = n.one_off.iter().map(|o| o.task_id.clone()).collect();
                next_year::keep_only(&mut draft, &one_off, &kept);
            }
            let (status, busy) = (status.clone(), busy.clone());
            let (session, imported) = (session.clone(), imported.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::import_draft(&draft).await;
                busy.set(false);
                match result {
                    Ok(done) => {
                        let said = saved(&session, &done).await;
                        imported.set(Some(done.plan_id.clone()));
                        status.set(Some(Ok(said)));
                    }
                    Err(e) => status.set(Some(Err(e))),
                }
            });
        })
    };
    let on_choice = {
        let parsed = parsed.clone();
        Callback::from(
            move |(id, choice): (String, Option<tiendo_shared::import::units::UnitChoice>)| {
                let Some(Ok((format, mut imp))) = (*parsed).clone() else {
                    return;
                };
                match choice {
                    Some(c) => imp.choices.insert(id, c),
                    None => imp.choices.remove(&id),
                };
                parsed.set(Some(Ok((format, imp))));
            },
        )
    };
    let undecided = match &*parsed {
        Some(Ok((_, imp))) => new_units.iter().any(|n| !imp.choices.contains_key(&n.id)),
        _ => false,
    };
    let open_new = {
        let (switch, imported) = (ws.switch_plan.clone(), imported.clone());
        Callback::from(move |_| {
            if let Some(plan_id) = (*imported).clone() {
                switch.emit(plan_id);
            }
        })
    };
    let draft_next = {
        let (parsed, status, next, kept) =
            (parsed.clone(), status.clone(), next.clone(), kept.clone());
        let plan_id = ws.snap.plan_id.clone();
        Callback::from(move |_| {
            let (parsed, status, next, kept) =
                (parsed.clone(), status.clone(), next.clone(), kept.clone());
            let plan_id = plan_id.clone();
            status.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match api::next_year_draft(&plan_id).await {
                    Ok(d) => {
                        kept.set(BTreeSet::new());
                        let (seen, draft) = NextYear::of(d);
                        next.set(Some(seen));
                        parsed.set(Some(Ok((
                            text::plan::KE_HOACH_NAM_TRUOC.to_string(),
                            draft,
                        ))));
                    }
                    Err(e) => parsed.set(Some(Err(ClientError::Rejected(
                        text::plan::khong_lap_duoc_ke_hoach_nam(&e),
                    )))),
                }
            });
        })
    };
    let on_toggle = {
        let kept = kept.clone();
        Callback::from(move |task_id: String| {
            let mut k = (*kept).clone();
            if !k.remove(&task_id) {
                k.insert(task_id);
            }
            kept.set(k);
        })
    };
    let year = ws.snap.plan.as_ref().ok().and_then(|p| p.effective_year());
    // The one-off tasks of a drafted plan the office did not keep: shown struck through.
    let dropped: BTreeSet<String> = next
        .as_ref()
        .map(|n| {
            n.one_off
                .iter()
                .filter(|o| !kept.contains(&o.task_id))
                .map(|o| o.task_id.clone())
                .collect()
        })
        .unwrap_or_default();
    html! {
        <section class="import" data-testid="plan-import">
            if let Some(y) = year {
                <h3>{text::plan::KE_HOACH_NAM_SAU}</h3>
                <p><button class="secondary" onclick={draft_next} data-testid="draft-next-year">
                    {text::plan::lap_ke_hoach_nam_tu_ke(&(y + 1), &y)}</button></p>
                <p class="sub">{text::plan::BAN_NHAP_GIU_CAC_LINH_VUC}</p>
            }
            if let Some(n) = &*next {
                <NextYearPanel next={n.clone()} kept={(*kept).clone()} {on_toggle} />
            }
            <h3>{text::plan::NHAP_KE_HOACH_KHAC_TU_TEP}</h3>
            <input type="file" accept=".docx,.xlsx,.txt,text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                aria-label={text::plan::TEP_KE_HOACH_DOCX_XLSX_TXT} onchange={on_file} data-testid="import-file" />
            {
                match &*parsed {
                    None => html! {},
                    Some(Err(e)) => html! { <p class="error" role="alert" data-testid="import-error">{e}</p> },
                    Some(Ok((format, imp))) => {
                        html! {
                        <div class="preview" data-testid="import-preview">
                            <p><strong>{&imp.plan.title}</strong></p>
                            <p data-testid="import-summary">{text::plan::so_linh_vuc_nhiem_vu_don(&imp.agency().name, &imp.plan.number, &imp.plan.areas.len(), &imp.plan.tasks().count(), &imp.agency().units.len(), &imp.plan.reporting_periods.len(), &format)}</p>
                            if let Some((_, e)) = &*row_error { <p class="error" role="alert" data-testid="import-correction-error">{e}</p> }
                            <ImportTasks imp={imp.clone()} dropped={dropped.clone()} on_correct={on_correct.clone()} />
                            if let Ok(agency) = &ws.snap.agency {
                                <super::new_units::NewUnits units={(*new_units).clone()} agency={agency.clone()}
                                    choices={imp.choices.clone()} on_choice={on_choice.clone()} />
                            }
                            <h4>{text::plan::phan_chua_xep_duoc(&imp.unplaced.len())}</h4>
                            if imp.unplaced.is_empty() { <p class="sub">{text::plan::KHONG_CO}</p> }
                            <UnplacedTable unplaced={imp.unplaced.clone()} />
                            <button onclick={save} disabled={*busy || undecided} data-testid="import-save">{text::plan::LUU_KE_HOACH}</button>
                        </div>
                    }},
                }
            }
            {
                match &*status {
                    None => html! {},
                    Some(Ok(m)) => html! {
                        <p class="note" role="status" data-testid="import-done">{m}
                            <button class="secondary" onclick={open_new} data-testid="import-open">{text::plan::MO_KE_HOACH_MOI}</button></p>
                    },
                    Some(Err(e)) => html! { <p class="error" role="alert" data-testid="import-error">{e}</p> },
                }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct NextYearProps {
    next: NextYear,
    /// The one-off tasks kept.
    kept: BTreeSet<String>,
    /// Keeps a one-off task, or lets it go.
    on_toggle: Callback<String>,
}

/// A draft of next year's plan: what it carried, its one-off tasks to keep or not, the units
/// replaced, the notes.
#[function_component(NextYearPanel)]
fn next_year_panel(props: &NextYearProps) -> Html {
    let (n, kept) = (&props.next, &props.kept);
    let toggle = |task_id: String| {
        let on_toggle = props.on_toggle.clone();
        Callback::from(move |_: Event| on_toggle.emit(task_id.clone()))
    };
    html! {
        <div class="next-year" data-testid="next-year">
            <p data-testid="next-year-summary">{text::plan::nhiem_vu_thuong_xuyen_dinh_ky(&n.carried, &n.one_off.len())}</p>
            <table class="plan" data-testid="next-year-one-off">
                <thead><tr><th>{text::plan::GIU_LAI}</th><th>{text::plan::MA}</th><th>{text::plan::NHIEM_VU}</th><th>{text::plan::THOI_GIAN_NAM_TRUOC}</th><th>{text::plan::THOI_GIAN_NAM_MOI_CAN_XEM}</th></tr></thead>
                <tbody>
                { for n.one_off.iter().map(|o| html! {
                    <tr data-testid={format!("one-off-{}", o.task_id)}>
                        <td><input type="checkbox" checked={kept.contains(&o.task_id)} onchange={toggle(o.task_id.clone())}
                            data-testid="one-off-keep" /></td>
                        <td>{&o.code}</td><td>{&o.title}</td><td>{&o.timeline_before}</td><td>{&o.timeline}</td>
                    </tr>
                }) }
                </tbody>
            </table>
            if !n.replaced.is_empty() {
                <ul data-testid="next-year-replaced">
                { for n.replaced.iter().map(|r| html! { <li>{text::plan::don_vi_cu_da_ket_thuc(&r.task_id, &r.before, &r.after)}</li> }) }
                </ul>
            }
            { for n.notes.iter().map(|m| html! { <p class="note">{m}</p> }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ImportTasksProps {
    imp: Imported,
    /// The tasks a drafted plan drops (struck through).
    dropped: BTreeSet<String>,
    /// A correction typed: (task, field, value).
    on_correct: Callback<(String, &'static str, String)>,
}

/// The preview table of the tasks read, each one's code, lead, coordinating units and timeline
/// correctable.
#[function_component(ImportTasks)]
fn import_tasks(props: &ImportTasksProps) -> Html {
    let imp = &props.imp;
    let names = |list: &[tiendo_shared::model::Assignee]| {
        list.iter()
            .map(|a| a.text.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let dropped = |id: &str| props.dropped.contains(id);
    let correct = |task_id: String, field: &'static str| {
        let on_correct = props.on_correct.clone();
        Callback::from(move |e: Event| on_correct.emit((task_id.clone(), field, value_of(&e))))
    };
    html! {
        <div class="scroll">
        <table class="plan" data-testid="import-tasks">
            <thead><tr><th>{text::plan::LINH_VUC}</th><th>{text::plan::MA}</th><th>{text::plan::NHIEM_VU}</th><th>{text::plan::CHU_TRI}</th>
                <th>{text::plan::PHOI_HOP}</th><th>{text::plan::SAN_PHAM}</th><th>{text::plan::THOI_GIAN}</th><th>{text::plan::HAN}</th></tr></thead>
            <tbody>
            { for imp.plan.tasks().map(|(area, t)| {
                let due: Vec<String> = t.schedule.milestones.iter().map(|m| m.due.vi()).collect();
                html! {
                <tr data-testid={format!("import-task-{}", t.id)} class={classes!(dropped(&t.id).then_some("retired"))}>
                    <td>{area.number}</td>
                    <td><input class="code" value={t.code.clone()} onchange={correct(t.id.clone(), "code")} aria-label={text::plan::ma_cua_nhiem_vu(&t.title)} data-testid="import-code" /></td>
                    <td class="title">{&t.title}</td>
                    <td><input value={names(&t.lead)} title={names(&t.lead)} onchange={correct(t.id.clone(), "lead")} aria-label={text::plan::chu_tri_nhiem_vu(&t.code)} data-testid="import-lead" /></td>
                    <td><input value={names(&t.coordinating)} title={names(&t.coordinating)} onchange={correct(t.id.clone(), "coordinating")} aria-label={text::plan::phoi_hop_nhiem_vu(&t.code)} data-testid="import-coordinating" /></td>
                    <td>{t.products.join("; ")}</td>
                    <td><input value={t.schedule.raw.clone()} title={t.schedule.raw.clone()} onchange={correct(t.id.clone(), "timeline")} aria-label={text::plan::thoi_gian_nhiem_vu(&t.code)} data-testid="import-timeline" /></td>
                    <td data-testid="import-due">{if due.is_empty() { text::plan::NONE_DASH.to_string() } else { due.join(", ") }}</td>
                </tr>
            }}) }
            </tbody>
        </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct UnplacedProps {
    unplaced: Vec<tiendo_shared::import::Unplaced>,
}

/// What the importer could not place, where it stood and why.
#[function_component(UnplacedTable)]
fn unplaced_table(props: &UnplacedProps) -> Html {
    html! {
        <table class="plan" data-testid="import-unplaced">
            <thead><tr><th>{text::plan::VI_TRI}</th><th>{text::plan::NOI_DUNG}</th><th>{text::plan::LY_DO}</th></tr></thead>
            <tbody>
            { for props.unplaced.iter().map(|u| html! {
                <tr><td>{match (u.row, u.column) {
                    (Some(r), Some(c)) => text::plan::bang_hang_cot(&r, &c),
                    _ if u.line == 0 => text::plan::NONE_DASH.to_string(),
                    _ => text::plan::dong(&u.line),
                }}</td><td>{&u.text}</td><td>{&u.reason}</td></tr>
            }) }
            </tbody>
        </table>
    }
}

/// Reads a plan file: text on the device (also offline), Word and Excel files by the server.
/// The draft with the name of its format, or why it cannot be read; and the units it names that
/// the organisation does not know.
async fn read_plan(
    file: &File,
    agency: Option<&tiendo_shared::model::Agency>,
) -> (
    Result<(String, Imported), ClientError>,
    Vec<tiendo_shared::import::units::NewUnit>,
) {
    let Ok(bytes) = browser::read_file(file).await else {
        let unread = ClientError::Browser(text::plan::KHONG_DOC_DUOC_TEP.into());
        return (Err(unread), Vec::new());
    };
    // Text is read on the device (also offline); Word and Excel files by the server.
    let local = (!bytes.starts_with(b"PK"))
        .then(|| String::from_utf8(bytes.clone()).ok())
        .flatten();
    let read = match local {
        Some(t) => tiendo_shared::import::import(&t)
            .map(|imp| (text::plan::VAN_BAN.to_string(), imp, None))
            .map_err(|e| ClientError::Rejected(text::plan::khong_nhap_duoc(&e))),
        None => api::preview_plan(&bytes)
            .await
            .map(|p| (p.format, p.draft, Some(p.new_units)))
            .map_err(|e| ClientError::Rejected(text::plan::khong_nhap_duoc(&e))),
    };
    // Read on the device: the units are checked against the open organisation
    // when the plan is this agency's (the server checks again when saving).
    let fresh = match &read {
        Ok((_, _, Some(fresh))) => fresh.clone(),
        Ok((_, imp, None)) => agency
            .as_ref()
            .filter(|a| a.id == imp.plan.agency_id)
            .map(|a| tiendo_shared::import::units::new_units(imp, a))
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    (read.map(|(format, imp, _)| (format, imp)), fresh)
}

/// After the server saved a plan: the session learns its documents, the next start opens it; what
/// to tell the office.
async fn saved(session: &crate::infra::session::Session, done: &api::ImportAnswer) -> String {
    // The new plan's documents are in the session's list from now on.
    if let Ok(me) = api::me().await {
        session.set_me(me);
    }
    prefs::set_plan(&done.plan_id);
    text::plan::da_luu_ke_hoach_nhiem_vu(&done.plan_id, &done.tasks)
}
