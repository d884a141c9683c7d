//! Plan maintenance in the client (office build): the task editor (edit, add, retire),
//! importing another plan, and next year's plan drafted from this one (its one-off tasks kept
//! or dropped, then saved like an import).
//!
//! Stage: *UI* over [`tiendo_shared::maintain`]. Edits are ordinary offline edits of the plan
//! document through `infra::plan_docs` (the server accepts them from the agency's administrators only);
//! an import is read first (text on the device, .docx and .xlsx by the server's preview) and
//! shown as a table the office can correct, with what the importer could not place, before
//! anything is saved; the checked draft is then sent to the server, which creates the documents.

use tiendo_shared::maintain::{self, TaskDraft};
use tiendo_shared::{Date, Imported};
use yew::prelude::*;

use super::value_of;

use std::collections::BTreeSet;

use tiendo_shared::next_year;

use super::use_ws;
use crate::error::ClientError;
use crate::infra::form::{FileInput, value};
use crate::infra::{api, browser, prefs};

/// What the office looks at in a draft of next year's plan, beside the preview table.
#[derive(Clone, PartialEq)]
struct NextYear {
    carried: usize,
    one_off: Vec<next_year::OneOff>,
    replaced: Vec<next_year::Replaced>,
    notes: Vec<String>,
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
                Ok(w) => message.set(Some((true, format!("Đã lưu. Lưu ý: {}", w.join("; "))))),
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
                    Err(_) => Err(ClientError::Invalid(format!(
                        "Ngày dừng không hợp lệ: {} (ghi theo dd/mm/yyyy)",
                        value(&refs[5])
                    ))),
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
                {field("Nội dung nhiệm vụ", &refs[0], &draft.title, "edit-title", true)}
                {field("Đơn vị chủ trì", &refs[1], &draft.lead, "edit-lead", false)}
                {field("Đơn vị phối hợp", &refs[2], &draft.coordinating, "edit-coordinating", false)}
                {field("Sản phẩm (mỗi dòng một sản phẩm)", &refs[3], &draft.products, "edit-products", true)}
                {field("Thời gian thực hiện", &refs[4], &draft.timeline, "edit-timeline", false)}
                if let Some((ok, m)) = &*message {
                    <p class={if *ok { "note" } else { "error" }} role="alert" data-testid="edit-message">{m}</p>
                }
                <button type="submit" data-testid="edit-save">{if task.is_some() { "Lưu thay đổi" } else { "Thêm nhiệm vụ" }}</button>
            </form>
            if let Some(t) = &task {
                <div class="retire">
                    if t.retired_on.is_none() {
                        <label>{"Dừng thực hiện từ ngày "}
                            <input ref={refs[5].clone()} value={props.as_of.vi()} placeholder="dd/mm/yyyy" data-testid="retire-date" />
                        </label>
                        <button class="secondary" onclick={retire} data-testid="retire">{"Dừng thực hiện nhiệm vụ"}</button>
                    } else {
                        <button class="secondary" onclick={retire} data-testid="reinstate">{"Thực hiện lại nhiệm vụ"}</button>
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
                let Ok(bytes) = browser::read_file(&file).await else {
                    parsed.set(Some(Err(ClientError::Browser(
                        "Không đọc được tệp.".into(),
                    ))));
                    return;
                };
                // Text is read on the device (also offline); Word and Excel files by the server.
                let local = (!bytes.starts_with(b"PK"))
                    .then(|| String::from_utf8(bytes.clone()).ok())
                    .flatten();
                let read = match local {
                    Some(t) => tiendo_shared::import(&t)
                        .map(|imp| ("văn bản".to_string(), imp, None))
                        .map_err(|e| ClientError::Rejected(format!("Không nhập được: {e}"))),
                    None => api::preview_plan(&bytes)
                        .await
                        .map(|p| (p.format, p.draft, Some(p.new_units)))
                        .map_err(|e| ClientError::Rejected(format!("Không nhập được: {e}"))),
                };
                // Read on the device: the units are checked against the open organisation
                // when the plan is this agency's (the server checks again when saving).
                new_units.set(match &read {
                    Ok((_, _, Some(fresh))) => fresh.clone(),
                    Ok((_, imp, None)) => agency
                        .as_ref()
                        .filter(|a| a.id == imp.plan.agency_id)
                        .map(|a| tiendo_shared::import::units::new_units(imp, a))
                        .unwrap_or_default(),
                    Err(_) => Vec::new(),
                });
                parsed.set(Some(read.map(|(format, imp, _)| (format, imp))));
            });
        })
    };
    // A correction of one task typed in the preview table.
    let correct = |task_id: String, field: &'static str| {
        let (parsed, row_error) = (parsed.clone(), row_error.clone());
        Callback::from(move |e: Event| {
            let Some(Ok((format, mut imp))) = (*parsed).clone() else {
                return;
            };
            let Some(task) = imp.plan.task(&task_id) else {
                return;
            };
            let mut draft = TaskDraft::of(task);
            let mut code = task.code.clone();
            let v = value_of(&e);
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
                        // The new plan's documents are in the session's list from now on.
                        if let Ok(me) = api::me().await {
                            session.set_me(me);
                        }
                        prefs::set_plan(&done.plan_id);
                        imported.set(Some(done.plan_id.clone()));
                        status.set(Some(Ok(format!(
                            "Đã lưu kế hoạch {} ({} nhiệm vụ).",
                            done.plan_id, done.tasks
                        ))));
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
                        next.set(Some(NextYear {
                            carried: d.carried.len(),
                            one_off: d.one_off,
                            replaced: d.replaced,
                            notes: d.notes,
                        }));
                        parsed.set(Some(Ok(("kế hoạch năm trước".to_string(), d.draft))));
                    }
                    Err(e) => parsed.set(Some(Err(ClientError::Rejected(format!(
                        "Không lập được kế hoạch năm sau: {e}"
                    ))))),
                }
            });
        })
    };
    let toggle = |task_id: String| {
        let kept = kept.clone();
        Callback::from(move |_: Event| {
            let mut k = (*kept).clone();
            if !k.remove(&task_id) {
                k.insert(task_id.clone());
            }
            kept.set(k);
        })
    };
    let year = ws.snap.plan.as_ref().ok().and_then(|p| p.effective_year());
    let dropped = |id: &str| {
        next.as_ref()
            .is_some_and(|n| n.one_off.iter().any(|o| o.task_id == id) && !kept.contains(id))
    };
    html! {
        <section class="import" data-testid="plan-import">
            if let Some(y) = year {
                <h3>{"Kế hoạch năm sau"}</h3>
                <p><button class="secondary" onclick={draft_next} data-testid="draft-next-year">
                    {format!("Lập kế hoạch năm {} từ kế hoạch năm {y}", y + 1)}</button></p>
                <p class="sub">{"Bản nháp giữ các lĩnh vực, các nhiệm vụ thường xuyên, định kỳ (thời gian chuyển sang năm mới), đơn vị như hiện nay và hạn báo cáo của năm mới; nhiệm vụ làm một lần do đầu mối chọn giữ lại. Sửa trong bảng bên dưới rồi lưu như một kế hoạch nhập."}</p>
            }
            if let Some(n) = &*next {
                <div class="next-year" data-testid="next-year">
                    <p data-testid="next-year-summary">{format!("{} nhiệm vụ thường xuyên, định kỳ được chuyển sang; {} nhiệm vụ làm một lần — chọn nhiệm vụ giữ lại (thời gian đã chuyển sang năm mới, cần xem lại):",
                        n.carried, n.one_off.len())}</p>
                    <table class="plan" data-testid="next-year-one-off">
                        <thead><tr><th>{"Giữ lại"}</th><th>{"Mã"}</th><th>{"Nhiệm vụ"}</th><th>{"Thời gian năm trước"}</th><th>{"Thời gian năm mới (cần xem lại)"}</th></tr></thead>
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
                        { for n.replaced.iter().map(|r| html! { <li>{format!("{}: {} → {} (đơn vị cũ đã kết thúc)", r.task_id, r.before, r.after)}</li> }) }
                        </ul>
                    }
                    { for n.notes.iter().map(|m| html! { <p class="note">{m}</p> }) }
                </div>
            }
            <h3>{"Nhập kế hoạch khác từ tệp (.docx, .xlsx, .txt)"}</h3>
            <input type="file" accept=".docx,.xlsx,.txt,text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                aria-label="Tệp kế hoạch (.docx, .xlsx, .txt)" onchange={on_file} data-testid="import-file" />
            {
                match &*parsed {
                    None => html! {},
                    Some(Err(e)) => html! { <p class="error" role="alert" data-testid="import-error">{e}</p> },
                    Some(Ok((format, imp))) => {
                        let names = |list: &[tiendo_shared::Assignee]| {
                            list.iter().map(|a| a.text.clone()).collect::<Vec<_>>().join("; ")
                        };
                        html! {
                        <div class="preview" data-testid="import-preview">
                            <p><strong>{&imp.plan.title}</strong></p>
                            <p data-testid="import-summary">{format!("{} — số {}: {} lĩnh vực, {} nhiệm vụ, {} đơn vị, {} kỳ báo cáo (đọc từ {format})",
                                imp.agency().name, imp.plan.number, imp.plan.areas.len(), imp.plan.tasks().count(),
                                imp.agency().units.len(), imp.plan.reporting_periods.len())}</p>
                            if let Some((_, e)) = &*row_error { <p class="error" role="alert" data-testid="import-correction-error">{e}</p> }
                            <div class="scroll">
                            <table class="plan" data-testid="import-tasks">
                                <thead><tr><th>{"Lĩnh vực"}</th><th>{"Mã"}</th><th>{"Nhiệm vụ"}</th><th>{"Chủ trì"}</th>
                                    <th>{"Phối hợp"}</th><th>{"Sản phẩm"}</th><th>{"Thời gian"}</th><th>{"Hạn"}</th></tr></thead>
                                <tbody>
                                { for imp.plan.tasks().map(|(area, t)| {
                                    let due: Vec<String> = t.schedule.milestones.iter().map(|m| m.due.vi()).collect();
                                    html! {
                                    <tr data-testid={format!("import-task-{}", t.id)} class={classes!(dropped(&t.id).then_some("retired"))}>
                                        <td>{area.number}</td>
                                        <td><input class="code" value={t.code.clone()} onchange={correct(t.id.clone(), "code")} aria-label={format!("Mã của nhiệm vụ {}", t.title)} data-testid="import-code" /></td>
                                        <td class="title">{&t.title}</td>
                                        <td><input value={names(&t.lead)} title={names(&t.lead)} onchange={correct(t.id.clone(), "lead")} aria-label={format!("Chủ trì nhiệm vụ {}", t.code)} data-testid="import-lead" /></td>
                                        <td><input value={names(&t.coordinating)} title={names(&t.coordinating)} onchange={correct(t.id.clone(), "coordinating")} aria-label={format!("Phối hợp nhiệm vụ {}", t.code)} data-testid="import-coordinating" /></td>
                                        <td>{t.products.join("; ")}</td>
                                        <td><input value={t.schedule.raw.clone()} title={t.schedule.raw.clone()} onchange={correct(t.id.clone(), "timeline")} aria-label={format!("Thời gian nhiệm vụ {}", t.code)} data-testid="import-timeline" /></td>
                                        <td data-testid="import-due">{if due.is_empty() { "—".to_string() } else { due.join(", ") }}</td>
                                    </tr>
                                }}) }
                                </tbody>
                            </table>
                            </div>
                            if let Ok(agency) = &ws.snap.agency {
                                <super::new_units::NewUnits units={(*new_units).clone()} agency={agency.clone()}
                                    choices={imp.choices.clone()} on_choice={on_choice.clone()} />
                            }
                            <h4>{format!("Phần chưa xếp được ({})", imp.unplaced.len())}</h4>
                            if imp.unplaced.is_empty() { <p class="sub">{"Không có."}</p> }
                            <table class="plan" data-testid="import-unplaced">
                                <thead><tr><th>{"Vị trí"}</th><th>{"Nội dung"}</th><th>{"Lý do"}</th></tr></thead>
                                <tbody>
                                { for imp.unplaced.iter().map(|u| html! {
                                    <tr><td>{match (u.row, u.column) {
                                        (Some(r), Some(c)) => format!("bảng: hàng {r}, cột {c}"),
                                        _ if u.line == 0 => "—".to_string(),
                                        _ => format!("dòng {}", u.line),
                                    }}</td><td>{&u.text}</td><td>{&u.reason}</td></tr>
                                }) }
                                </tbody>
                            </table>
                            <button onclick={save} disabled={*busy || undecided} data-testid="import-save">{"Lưu kế hoạch"}</button>
                        </div>
                    }},
                }
            }
            {
                match &*status {
                    None => html! {},
                    Some(Ok(m)) => html! {
                        <p class="note" role="status" data-testid="import-done">{m}
                            <button class="secondary" onclick={open_new} data-testid="import-open">{"Mở kế hoạch mới"}</button></p>
                    },
                    Some(Err(e)) => html! { <p class="error" role="alert" data-testid="import-error">{e}</p> },
                }
            }
        </section>
    }
}
