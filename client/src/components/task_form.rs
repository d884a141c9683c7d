//! The progress form: a unit's report on one task for one period — status, percent, completion
//! date, result, evidence with its files (picked or photographed, kept on the tablet, uploaded by
//! themselves), difficulties, proposals — and any field two people changed at once.
//!
//! Stage: *UI → local document*: each change goes to the unit's progress document at once (no
//! save button) and syncs by itself.

use std::rc::Rc;

use tiendo_shared::progress::EntryField;
use tiendo_shared::{Date, EvidenceFile, PeriodKind, WorkStatus};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::{names, use_ws};
use crate::infra::browser::{self, now, when};

/// What the file picker offers: the evidence types (PDF, photos, Word, Excel).
const ACCEPT: &str = "image/*,application/pdf,.pdf,.docx,.xlsx,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Applies a form field's value to an entry, or says why the value is refused.
type ApplyField = dyn Fn(&mut tiendo_shared::Entry, String) -> Result<(), String>;

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
    let error = use_state(|| None::<String>);
    let ws = use_ws();
    // The device's storage, shown beside the files (refreshed as files come and go).
    let storage = use_state(|| None::<(u64, u64)>);
    {
        let (storage, session) = (storage.clone(), ws.session.clone());
        use_effect_with(ws.files_revision, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                storage.set(session.storage_estimate().await);
            });
        });
    }
    let docs = ws.docs.clone();
    let Ok(plan) = &ws.snap.plan else {
        return html! {};
    };
    let Some((_, task)) = plan.tasks().find(|(_, t)| t.id == props.task_id) else {
        return html! { <p>{"Không tìm thấy nhiệm vụ."}</p> };
    };
    let task = task.clone();
    let progress = ws.snap.progress.clone();
    // A stored entry that cannot be read shows what could be, and says so; saving repairs it.
    let unreadable = progress
        .as_ref()
        .and_then(|p| p.unreadable_entry(&task.id, props.period).cloned());
    let entry = progress
        .as_ref()
        .and_then(|p| p.entry(&task.id, props.period).cloned())
        .or_else(|| unreadable.as_ref().map(|u| u.partial.clone()))
        .unwrap_or_default();
    let edit = |apply: Rc<ApplyField>| {
        let (docs, error, task_id, period) =
            (docs.clone(), error.clone(), task.id.clone(), props.period);
        Callback::from(move |e: Event| {
            let value = e
                .target()
                .and_then(|t| {
                    t.clone()
                        .dyn_into::<HtmlInputElement>()
                        .map(|i| i.value())
                        .ok()
                        .or_else(|| {
                            t.clone()
                                .dyn_into::<HtmlSelectElement>()
                                .map(|s| s.value())
                                .ok()
                        })
                        .or_else(|| t.dyn_into::<HtmlTextAreaElement>().map(|s| s.value()).ok())
                })
                .unwrap_or_default();
            let mut failure = None;
            let result = docs.edit_entry(&task_id, period, |entry| {
                if let Err(e) = apply(entry, value.clone()) {
                    failure = Some(e);
                }
            });
            error.set(failure.or(result.err()));
        })
    };
    let on_status = edit(Rc::new(|e, v| {
        e.status = v.parse().unwrap_or_default();
        if e.status == WorkStatus::Done {
            e.percent = 100;
        }
        Ok(())
    }));
    let on_percent = edit(Rc::new(|e, v| {
        let n: u8 = v
            .trim()
            .parse()
            .ok()
            .filter(|n| *n <= 100)
            .ok_or_else(|| "Tỷ lệ hoàn thành phải là số từ 0 đến 100".to_string())?;
        e.percent = n;
        Ok(())
    }));
    let on_result = edit(Rc::new(|e, v| {
        e.result = v;
        Ok(())
    }));
    let on_difficulties = edit(Rc::new(|e, v| {
        e.difficulties = v;
        Ok(())
    }));
    let on_proposals = edit(Rc::new(|e, v| {
        e.proposals = v;
        Ok(())
    }));
    let on_completed = edit(Rc::new(|e, v| {
        e.completed_on =
            if v.trim().is_empty() {
                None
            } else {
                Some(v.parse::<Date>().map_err(|_| {
                    format!("Ngày hoàn thành không hợp lệ: {v} (ghi theo dd/mm/yyyy)")
                })?)
            };
        Ok(())
    }));
    let ev_number = use_node_ref();
    let ev_date = use_node_ref();
    let ev_summary = use_node_ref();
    let add_evidence = {
        let (docs, error, task_id, period) =
            (docs.clone(), error.clone(), task.id.clone(), props.period);
        let (n, d, sm) = (ev_number.clone(), ev_date.clone(), ev_summary.clone());
        Callback::from(move |_| {
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let (number, date, summary) = (value(&n), value(&d), value(&sm));
            if number.trim().is_empty() && summary.trim().is_empty() {
                error.set(Some("Nhập số/ký hiệu hoặc trích yếu của văn bản".into()));
                return;
            }
            let date = if date.trim().is_empty() {
                None
            } else {
                match date.parse::<Date>() {
                    Ok(d) => Some(d),
                    Err(_) => {
                        error.set(Some(format!(
                            "Ngày văn bản không hợp lệ: {date} (ghi theo dd/mm/yyyy)"
                        )));
                        return;
                    }
                }
            };
            let result = docs.edit_entry(&task_id, period, |entry| {
                entry.evidence.push(tiendo_shared::Evidence {
                    id: uuid::Uuid::new_v4().to_string(),
                    number: number.trim().to_string(),
                    date,
                    summary: summary.trim().to_string(),
                    file: None,
                    files: Vec::new(),
                });
            });
            error.set(result.err());
            for r in [&n, &d, &sm] {
                if let Some(i) = r.cast::<HtmlInputElement>() {
                    i.set_value("");
                }
            }
        })
    };
    let remove_evidence = |id: String| {
        let (docs, error, task_id, period) =
            (docs.clone(), error.clone(), task.id.clone(), props.period);
        Callback::from(move |_| {
            let result = docs.edit_entry(&task_id, period, |entry| {
                entry.evidence.retain(|e| e.id != id);
            });
            error.set(result.err());
        })
    };
    // Files of an evidence item: picked or photographed, kept on the device at once, named in
    // the entry; they upload by themselves.
    let attach = |evidence_id: String| {
        let (docs, error, task_id, period) =
            (docs.clone(), error.clone(), task.id.clone(), props.period);
        let session = ws.session.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let picked: Vec<web_sys::File> = input
                .files()
                .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
                .unwrap_or_default();
            input.set_value("");
            let (docs, error, task_id, session, evidence_id) = (
                docs.clone(),
                error.clone(),
                task_id.clone(),
                session.clone(),
                evidence_id.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let mut problems = Vec::new();
                for file in picked {
                    match session.attach(&file).await {
                        Ok(kept) => {
                            let named = EvidenceFile {
                                sha256: kept.sha256,
                                name: kept.name,
                                mime: kept.mime,
                                size: kept.size,
                                added_by: docs.me.user.username.clone(),
                                added_at: now().0,
                            };
                            let result = docs.edit_entry(&task_id, period, |entry| {
                                if let Some(ev) =
                                    entry.evidence.iter_mut().find(|ev| ev.id == evidence_id)
                                    && !ev.files.iter().any(|f| f.sha256 == named.sha256)
                                {
                                    ev.files.push(named);
                                }
                            });
                            if let Err(e) = result {
                                problems.push(e);
                            }
                        }
                        Err(e) => problems.push(e),
                    }
                }
                error.set((!problems.is_empty()).then(|| problems.join(" ")));
            });
        })
    };
    let detach = |evidence_id: String, sha256: String| {
        let (docs, error, task_id, period) =
            (docs.clone(), error.clone(), task.id.clone(), props.period);
        Callback::from(move |_| {
            let result = docs.edit_entry(&task_id, period, |entry| {
                if let Some(ev) = entry.evidence.iter_mut().find(|ev| ev.id == evidence_id) {
                    ev.files.retain(|f| f.sha256 != sha256);
                }
            });
            error.set(result.err());
        })
    };
    let open_file = |sha256: String| {
        let session = ws.session.clone();
        Callback::from(move |_| {
            let (session, sha256) = (session.clone(), sha256.clone());
            wasm_bindgen_futures::spawn_local(async move {
                browser::open_url(&session.file_url(&sha256).await);
            });
        })
    };
    let file_row = |ev_id: &str, f: &EvidenceFile| {
        let state = ws.session.file_state(&f.sha256);
        html! {
            <li class="file" data-testid={format!("file-{}", f.sha256)} data-state={state.key()}>
                <button type="button" class="link" onclick={open_file(f.sha256.clone())}
                    data-testid={format!("file-open-{}", f.sha256)}>{&f.name}</button>
                <span class="size">{format!(" {} KB ", f.size.div_ceil(1024))}</span>
                <span class="state" data-testid={format!("file-state-{}", f.sha256)}>{state.label()}</span>
                <button type="button" class="secondary" onclick={detach(ev_id.to_string(), f.sha256.clone())}
                    data-testid={format!("file-remove-{}", f.sha256)}>{"Bỏ tệp"}</button>
            </li>
        }
    };
    let conflicts = docs.conflicts(&task.id, props.period);
    let pick = |field: String, choice: usize| {
        let (docs, error, task_id, period) =
            (docs.clone(), error.clone(), task.id.clone(), props.period);
        Callback::from(move |_| error.set(docs.resolve(&task_id, period, &field, choice).err()))
    };
    let field_label = |f: &str| EntryField::from_key(f).map_or("", |f| f.label());
    let back = {
        let cb = props.on_back.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let status_value = entry.status.as_str();
    html! {
        <main class="detail" data-testid="task-detail">
            <button class="secondary" onclick={back} data-testid="back">{"← Danh sách"}</button>
            <h2>{format!("{} {}", task.code, task.title)}</h2>
            <dl>
                <dt>{"Chủ trì"}</dt><dd>{names(&task.lead)}</dd>
                <dt>{"Phối hợp"}</dt><dd>{names(&task.coordinating)}</dd>
                <dt>{"Sản phẩm"}</dt><dd>{task.products.join("; ")}</dd>
                <dt>{"Thời gian"}</dt><dd>{&task.schedule.raw}
                    { for task.schedule.milestones.iter().map(|m| html!{ <span class="milestone">{format!(" · {}", m.due.vi())}</span> }) }
                </dd>
            </dl>
            <h3>{format!("Báo cáo {}", props.period.vi())}</h3>
            if let Some(e) = &*error { <p class="error" role="alert" data-testid="form-error">{e}</p> }
            if let Some(u) = &unreadable {
                <p class="error" role="alert" data-testid="entry-unreadable">
                    {format!(
                        "Báo cáo này có {} không đọc được ({}), nên chưa được tính. Các trường còn lại hiển thị bên dưới; lưu lại một trường để sửa báo cáo cho mọi người.",
                        u.field.as_deref().map_or_else(|| "dữ liệu".to_string(), tiendo_shared::status::field_vi),
                        u.reason
                    )}
                </p>
            }
            { for conflicts.iter().map(|c| html! {
                <div class="conflict" role="alert" data-testid={format!("conflict-{}", c.field)}>
                    <strong>{format!("Có thay đổi đồng thời — {}", field_label(&c.field))}</strong>
                    <ul>
                    { for c.values.iter().enumerate().map(|(i, v)| html! {
                        <li>
                            <span class="value">{if v.value.is_empty() { "(trống)".to_string() } else { v.value.clone() }}</span>
                            <span class="by">{v.by.as_ref().map(|b| format!("{} — {}", b.author.clone().unwrap_or_else(|| "?".into()), when(b.time))).unwrap_or_default()}</span>
                            if v.current { <span class="current">{"đang hiển thị"}</span> }
                            <button type="button" onclick={pick(c.field.clone(), i)}
                                data-testid={format!("conflict-pick-{}-{}", c.field, i)}>{"Giữ giá trị này"}</button>
                        </li>
                    }) }
                    </ul>
                </div>
            }) }
            <form class="progress" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label>{EntryField::Status.label()}
                    <select onchange={on_status} data-testid="field-status">
                        { for WorkStatus::ALL.into_iter().map(|s| html! {
                            <option value={s.as_str()} selected={status_value == s.as_str()}>{s.vi()}</option>
                        }) }
                    </select>
                </label>
                <label>{format!("{} (%)", EntryField::Percent.label())}
                    <input type="number" min="0" max="100" value={entry.percent.to_string()} onchange={on_percent} data-testid="field-percent" />
                </label>
                if entry.status == WorkStatus::Done {
                    <label>{format!("{} (dd/mm/yyyy)", EntryField::CompletedOn.label())}
                        <input value={entry.completed_on.map(|d| d.vi()).unwrap_or_default()} onchange={on_completed}
                            placeholder="dd/mm/yyyy" data-testid="field-completed-on" />
                    </label>
                }
                <label>{EntryField::Result.label()}
                    <textarea value={entry.result.clone()} onchange={on_result} data-testid="field-result" />
                </label>
                <fieldset class="evidence" data-testid="evidence">
                    <legend>{"Tài liệu kiểm chứng"}</legend>
                    if let Some((used, quota)) = *storage {
                        <p class="storage" data-testid="device-storage">
                            {format!("Bộ nhớ trên máy: {} / {}", megabytes(used), megabytes(quota))}
                        </p>
                    }
                    <ul>
                    { for entry.evidence.iter().map(|ev| html! {
                        <li data-testid={format!("evidence-{}", ev.id)}>
                            <span>{format!("{} {} {}", ev.number, ev.date.map(|d| format!("ngày {}", d.vi())).unwrap_or_default(), ev.summary)}</span>
                            <button type="button" class="secondary" onclick={remove_evidence(ev.id.clone())}
                                data-testid={format!("evidence-remove-{}", ev.id)}>{"Xoá"}</button>
                            if !ev.files.is_empty() {
                                <ul class="files">{ for ev.files.iter().map(|f| file_row(&ev.id, f)) }</ul>
                            }
                            <div class="attach">
                                <label class="button secondary">{"Đính kèm tệp"}
                                    <input type="file" multiple=true hidden=true accept={ACCEPT}
                                        onchange={attach(ev.id.clone())} data-testid={format!("evidence-attach-{}", ev.id)} />
                                </label>
                                <label class="button secondary">{"Chụp ảnh"}
                                    <input type="file" hidden=true accept="image/*" capture="environment"
                                        onchange={attach(ev.id.clone())} data-testid={format!("evidence-photo-{}", ev.id)} />
                                </label>
                            </div>
                        </li>
                    }) }
                    </ul>
                    <div class="add">
                        <input ref={ev_number} placeholder="Số/ký hiệu" data-testid="evidence-number" />
                        <input ref={ev_date} placeholder="Ngày (dd/mm/yyyy)" data-testid="evidence-date" />
                        <input ref={ev_summary} placeholder="Trích yếu" data-testid="evidence-summary" />
                        <button type="button" onclick={add_evidence} data-testid="evidence-add">{"Thêm"}</button>
                    </div>
                </fieldset>
                <label>{EntryField::Difficulties.label()}
                    <textarea value={entry.difficulties.clone()} onchange={on_difficulties} data-testid="field-difficulties" />
                </label>
                <label>{EntryField::Proposals.label()}
                    <textarea value={entry.proposals.clone()} onchange={on_proposals} data-testid="field-proposals" />
                </label>
            </form>
        </main>
    }
}

/// A byte count as the storage line shows it: "12,3 MB", "2,0 GB".
fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if mb >= 1024.0 {
        format!("{:.1} GB", mb / 1024.0).replace('.', ",")
    } else {
        format!("{mb:.1} MB").replace('.', ",")
    }
}
