//! An evidence item's files in the progress form — each with where it stands, open and remove —
//! the picker and the camera to attach more, and the device's storage beside them.
//!
//! Stage: *UI → device storage → local document*: a picked file is kept on the device
//! (`Session::attach`), then named in the entry (one change). These components alone read the
//! files' progress ([`FilesRevision`]) and the storage estimate, so an upload's progress redraws
//! them and never the form around them, whose fields may be half typed.

use tiendo_shared::model::{EvidenceFile, PeriodKind};
use yew::prelude::*;

use crate::text;

use super::{FilesRevision, use_ws};
use crate::error::ClientError;
use crate::infra::browser::{self, now};
use crate::infra::form::FileInput;

/// What the file picker offers: the evidence types (PDF, photos, Word, Excel).
const ACCEPT: &str = "image/*,application/pdf,.pdf,.docx,.xlsx,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Properties, PartialEq)]
pub struct EvidenceFilesProps {
    /// The task reported on.
    pub task_id: String,
    /// The period reported on.
    pub period: PeriodKind,
    /// The evidence item.
    pub evidence_id: String,
    /// The files it names.
    pub files: Vec<EvidenceFile>,
    /// What went wrong (or `None` when all went well), for the form's message.
    pub on_error: Callback<Option<ClientError>>,
}

/// The files of one evidence item, and the buttons to attach more.
#[function_component(EvidenceFiles)]
pub fn evidence_files(props: &EvidenceFilesProps) -> Html {
    let ws = use_ws();
    // Redrawn when a file's state moves (an upload's progress).
    let _ = use_context::<FilesRevision>();
    let attach = {
        let (docs, session, on_error) =
            (ws.docs.clone(), ws.session.clone(), props.on_error.clone());
        let (task_id, period, evidence_id) = (
            props.task_id.clone(),
            props.period,
            props.evidence_id.clone(),
        );
        Callback::from(move |e: Event| {
            let Some(input) = FileInput::of(&e) else {
                return;
            };
            let picked = input.files();
            input.clear();
            let (docs, session, on_error) = (docs.clone(), session.clone(), on_error.clone());
            let (task_id, evidence_id) = (task_id.clone(), evidence_id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut problems = Vec::new();
                for file in picked {
                    let kept = match session.attach(&file).await {
                        Ok(kept) => kept,
                        Err(e) => {
                            problems.push(e);
                            continue;
                        }
                    };
                    let named = EvidenceFile {
                        sha256: kept.sha256,
                        name: kept.name,
                        mime: kept.mime,
                        size: kept.size,
                        added_by: docs.me.user.username.clone(),
                        added_at: now().0,
                    };
                    let result = docs.edit_entry(&task_id, period, |entry| {
                        if let Some(ev) = entry.evidence.iter_mut().find(|ev| ev.id == evidence_id)
                            && !ev.files.iter().any(|f| f.sha256 == named.sha256)
                        {
                            ev.files.push(named);
                        }
                    });
                    if let Err(e) = result {
                        problems.push(e);
                    }
                }
                on_error.emit((!problems.is_empty()).then_some(ClientError::Several(problems)));
            });
        })
    };
    let detach = |sha256: String| {
        let (docs, on_error) = (ws.docs.clone(), props.on_error.clone());
        let (task_id, period, evidence_id) = (
            props.task_id.clone(),
            props.period,
            props.evidence_id.clone(),
        );
        Callback::from(move |_| {
            let result = docs.edit_entry(&task_id, period, |entry| {
                if let Some(ev) = entry.evidence.iter_mut().find(|ev| ev.id == evidence_id) {
                    ev.files.retain(|f| f.sha256 != sha256);
                }
            });
            on_error.emit(result.err());
        })
    };
    let open = |sha256: String| {
        let session = ws.session.clone();
        Callback::from(move |_| {
            let (session, sha256) = (session.clone(), sha256.clone());
            wasm_bindgen_futures::spawn_local(async move {
                browser::open_url(&session.file_url(&sha256).await);
            });
        })
    };
    let row = |f: &EvidenceFile| {
        let state = ws.session.file_state(&f.sha256);
        html! {
            <li class="file" data-testid={format!("file-{}", f.sha256)} data-state={state.key()}>
                <button type="button" class="link" onclick={open(f.sha256.clone())}
                    data-testid={format!("file-open-{}", f.sha256)}>{&f.name}</button>
                <span class="size">{format!(" {} KB ", f.size.div_ceil(1024))}</span>
                <span class="state" data-testid={format!("file-state-{}", f.sha256)}>{state.label()}</span>
                <button type="button" class="secondary" onclick={detach(f.sha256.clone())}
                    data-testid={format!("file-remove-{}", f.sha256)}>{text::tasks::BO_TEP}</button>
            </li>
        }
    };
    let id = &props.evidence_id;
    html! {
        <>
            if !props.files.is_empty() {
                <ul class="files">{ for props.files.iter().map(row) }</ul>
            }
            <div class="attach">
                <label class="button secondary">{text::tasks::DINH_KEM_TEP}
                    <input type="file" multiple=true hidden=true accept={ACCEPT}
                        onchange={attach.clone()} data-testid={format!("evidence-attach-{id}")} />
                </label>
                <label class="button secondary">{text::tasks::CHUP_ANH}
                    <input type="file" hidden=true accept="image/*" capture="environment"
                        onchange={attach} data-testid={format!("evidence-photo-{id}")} />
                </label>
            </div>
        </>
    }
}

/// This site's storage on the device (used / quota), refreshed as files come and go.
#[function_component(DeviceStorage)]
pub fn device_storage() -> Html {
    let ws = use_ws();
    let revision = use_context::<FilesRevision>().unwrap_or_default();
    let estimate = use_state(|| None::<(u64, u64)>);
    {
        let (estimate, session) = (estimate.clone(), ws.session.clone());
        use_effect_with(revision, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                estimate.set(session.storage_estimate().await);
            });
        });
    }
    match *estimate {
        Some((used, quota)) => html! {
            <p class="storage" data-testid="device-storage">
                {text::tasks::bo_nho_tren_may(&megabytes(used), &megabytes(quota))}
            </p>
        },
        None => html! {},
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
