//! The unit's "Chỉ số CCHC" tab, on its tablet and offline: the sub-criteria its office assigned
//! to it, each with its text, maximum, rule and the evidence expected; a score checked against
//! the rule ("Không áp dụng" only where the set allows it), evidence picked from its tasks'
//! reports or a new file, a giải trình; concurrent values shown with who wrote each, one to keep.
//! Survey-measured rows show read-only.
//!
//! Stage: *UI → local document*: each change is one write of the sub-criterion's entry into the
//! unit's progress document (`PlanDocs::edit_sheet`), saved on the device and synced later, as
//! the progress form's fields are.

use std::collections::HashMap;
use std::rc::Rc;

use tiendo_shared::model::assessment::{EvidenceItem, SheetEntry};
use tiendo_shared::model::criteria::Mark;
use tiendo_shared::model::progress::FieldConflict;
use yew::prelude::*;

use super::super::{FilesRevision, use_ws, value_of};
use crate::error::ClientError;
use crate::infra::browser::{self, when};
use crate::infra::form::{self, FileInput};
use crate::text;
use crate::view_model::par::unit::{
    UnitRow, choose_set, level_of, scored_count, task_evidence, unit_rows, with_evidence,
};
use crate::view_model::par::{mark_shown, read_mark};

/// The unit's sheet.
#[function_component(ParUnit)]
pub fn par_unit() -> Html {
    let ws = use_ws();
    let snap = ws.snap.clone();
    let year = snap.plan.as_ref().ok().and_then(|p| p.effective_year());
    let level = snap
        .agency
        .as_ref()
        .map(|a| level_of(a.kind))
        .unwrap_or(tiendo_shared::model::criteria::Level::Department);
    let Some(set) = choose_set(&snap.par.sets, year, level) else {
        return html! {
            <main class="par" data-testid="par-unit">
                <p class="sub" id="par-no-criteria">{text::par::CHUA_CO_BO_TIEU_CHI}</p>
            </main>
        };
    };
    let rows = unit_rows(set, &snap.par);
    let offered = Rc::new(task_evidence(&snap.unit_progress()));
    let (scored, of) = scored_count(&rows);
    html! {
        <main class="par" data-testid="par-unit" data-criteria={set.id.clone()}>
            <h2>{text::par::CHI_SO_CCHC}{format!(" {}", set.year)}</h2>
            <p class="sub">{text::par::theo(&set.basis)}</p>
            if set.template { <p class="sub" id="par-template">{text::par::BO_TIEU_CHI_MAU}</p> }
            if rows.is_empty() {
                <p id="par-none-assigned">{text::par::CHUA_DUOC_GIAO}</p>
            } else {
                <p id="par-progress">{text::par::da_cham(&scored, &of)}</p>
                <div class="table-scroll" tabindex="0" role="region" aria-label={text::par::BANG_TIEU_CHI}>
                    <table class="plan par" id="par-unit">
                        <thead><tr>
                            <th>{text::par::MA}</th><th>{text::par::TIEU_CHI}</th><th>{text::par::DIEM}</th>
                            <th>{text::par::TAI_LIEU_KIEM_CHUNG}</th><th>{text::par::GIAI_TRINH}</th>
                        </tr></thead>
                        <tbody>
                            { for rows.into_iter().map(|row| {
                                let key = row.code.clone();
                                html! { <UnitRowView {key} {row} offered={offered.clone()} /> }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </main>
    }
}

/// A change of a sub-criterion's entry, applied to what the document holds when it is saved.
type Change = Rc<dyn Fn(&mut SheetEntry)>;

#[derive(Properties, PartialEq)]
struct RowProps {
    row: UnitRow,
    /// The files of the unit's task reports.
    offered: Rc<Vec<EvidenceItem>>,
}

/// One sub-criterion: its hints, score, evidence, giải trình and conflicts.
#[function_component(UnitRowView)]
fn unit_row_view(props: &RowProps) -> Html {
    let ws = use_ws();
    let row = &props.row;
    let error = use_state(|| None::<ClientError>);
    // What is being typed and not yet saved: a redraw from sync shows it, not the stored value.
    let drafts = use_mut_ref(HashMap::<&'static str, String>::new);
    let typing = |field: &'static str| {
        let drafts = drafts.clone();
        Callback::from(move |e: InputEvent| {
            drafts.borrow_mut().insert(field, value_of(&e));
        })
    };
    let shown =
        |field: &'static str, stored: String| drafts.borrow().get(field).cloned().unwrap_or(stored);
    let save = {
        let (docs, error, code) = (ws.docs.clone(), error.clone(), row.code.clone());
        Callback::from(move |change: Change| error.set(docs.edit_sheet(&code, |e| change(e)).err()))
    };
    let on_score = {
        let (row, save, error, drafts) = (row.clone(), save.clone(), error.clone(), drafts.clone());
        Callback::from(move |e: Event| {
            // A refused score stays in the field, to correct.
            match read_mark(&value_of(&e), false, row.limits()) {
                Ok(mark) => {
                    drafts.borrow_mut().remove("score");
                    save.emit(Rc::new(move |e: &mut SheetEntry| e.mark = mark))
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let on_not_applicable = {
        let save = save.clone();
        Callback::from(move |e: Event| {
            let mark = form::checked_of(&e).then_some(Mark::NotApplicable);
            save.emit(Rc::new(move |e: &mut SheetEntry| e.mark = mark))
        })
    };
    let on_explanation = {
        let (save, drafts) = (save.clone(), drafts.clone());
        Callback::from(move |e: Event| {
            drafts.borrow_mut().remove("explanation");
            let text = value_of(&e).trim().to_string();
            save.emit(Rc::new(move |e: &mut SheetEntry| {
                e.explanation = text.clone()
            }))
        })
    };
    let na = row.entry.mark == Some(Mark::NotApplicable);
    let score_text = match row.entry.mark {
        Some(Mark::Score(p)) => p.to_string(),
        _ => String::new(),
    };
    html! {
        <tr data-code={row.code.clone()} class={classes!("par-row", row.survey.then_some("survey"), (row.fits == Some(false)).then_some("out-of-rule"))}>
            <td class="code">{&row.code}</td>
            <td>
                <div class="par-text">{&row.text}</div>
                <div class="sub par-max">{text::par::toi_da(&row.max)}</div>
                <div class="sub par-rule-hint">{&row.rule_hint}</div>
                if !row.evidence_hint.is_empty() {
                    <div class="sub par-evidence-hint">{text::par::tai_lieu_can_co(&row.evidence_hint)}</div>
                }
            </td>
            <td>
                if row.survey {
                    <span class="par-survey">{text::par::DO_SO_NOI_VU_DIEU_TRA}</span>
                } else {
                    <input class="par-score" inputmode="decimal" disabled={na}
                        value={shown("score", score_text)} oninput={typing("score")} onchange={on_score}
                        aria-label={text::par::DIEM} />
                    if row.may_not_apply {
                        <label class="par-na-label">
                            <input type="checkbox" class="par-na" checked={na} onchange={on_not_applicable} />
                            {text::par::KHONG_AP_DUNG}
                        </label>
                    }
                    if let Some(e) = &*error { <p class="error par-row-error" role="alert">{e}</p> }
                    <Conflicts code={row.code.clone()} conflicts={row.conflicts.clone()} on_error={error.setter()} />
                }
            </td>
            <td>
                if !row.survey {
                    <Evidence row={row.clone()} offered={props.offered.clone()} on_save={save} on_error={error.setter()} />
                }
            </td>
            <td>
                if !row.survey {
                    <textarea class="par-explanation" value={shown("explanation", row.entry.explanation.clone())}
                        oninput={typing("explanation")} onchange={on_explanation} aria-label={text::par::GIAI_TRINH} />
                }
            </td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
struct EvidenceProps {
    row: UnitRow,
    offered: Rc<Vec<EvidenceItem>>,
    on_save: Callback<Change>,
    on_error: UseStateSetter<Option<ClientError>>,
}

/// The row's evidence: its files (open, remove), a file of the tasks' reports to add, a new file.
#[function_component(Evidence)]
fn evidence(props: &EvidenceProps) -> Html {
    let ws = use_ws();
    // Redrawn when a file's upload moves.
    let _ = use_context::<FilesRevision>();
    let entry = &props.row.entry;
    let remove = |item: &EvidenceItem| {
        let (item, save) = (item.clone(), props.on_save.clone());
        Callback::from(move |_| {
            let item = item.clone();
            save.emit(Rc::new(move |e: &mut SheetEntry| {
                *e = with_evidence(e, &item, false)
            }))
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
    let choices: Vec<&EvidenceItem> = props
        .offered
        .iter()
        .filter(|o| !entry.evidence.iter().any(|e| e.sha256 == o.sha256))
        .collect();
    let on_pick = {
        let (offered, save) = (props.offered.clone(), props.on_save.clone());
        Callback::from(move |e: Event| {
            let sha = value_of(&e);
            if let Some(item) = offered.iter().find(|o| o.sha256 == sha).cloned() {
                save.emit(Rc::new(move |e: &mut SheetEntry| {
                    *e = with_evidence(e, &item, true)
                }));
            }
        })
    };
    let on_upload = {
        let (save, on_error) = (props.on_save.clone(), props.on_error.clone());
        let session = ws.session.clone();
        Callback::from(move |e: Event| {
            let Some(input) = FileInput::of(&e) else {
                return;
            };
            let picked = input.files();
            input.clear();
            let (session, save, on_error) = (session.clone(), save.clone(), on_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut problems = Vec::new();
                let mut kept = Vec::new();
                for file in picked {
                    // Kept on the device and named in the sheet now; the uploader sends it
                    // with the unit's other files once the link is up.
                    match session.attach(&file).await {
                        Ok(k) => kept.push(EvidenceItem {
                            sha256: k.sha256,
                            name: k.name,
                            reference: String::new(),
                            task_id: None,
                        }),
                        Err(e) => problems.push(e),
                    }
                }
                if !kept.is_empty() {
                    save.emit(Rc::new(move |e: &mut SheetEntry| {
                        for item in &kept {
                            *e = with_evidence(e, item, true);
                        }
                    }));
                }
                on_error.set((!problems.is_empty()).then_some(ClientError::Several(problems)));
            });
        })
    };
    html! {
        <div class="par-evidence">
            <ul>
            { for entry.evidence.iter().map(|item| {
                let state = ws.session.file_state(&item.sha256);
                html! {
                    <li data-sha256={item.sha256.clone()} data-state={state.key()}>
                        <button type="button" class="link par-evidence-open" onclick={open(item.sha256.clone())}>{&item.name}</button>
                        if !item.reference.is_empty() { <span class="sub">{format!(" {}", item.reference)}</span> }
                        <span class="state">{format!(" {}", state.label())}</span>
                        <button type="button" class="secondary par-evidence-remove" onclick={remove(item)}>{text::par::BO}</button>
                    </li>
                }
            }) }
            </ul>
            if !choices.is_empty() {
                <select class="par-evidence-pick" aria-label={text::par::CHON_TU_NHIEM_VU} onchange={on_pick}>
                    <option value="" selected=true>{text::par::CHON_TU_NHIEM_VU}</option>
                    { for choices.iter().map(|o| html! {
                        <option value={o.sha256.clone()}>{format!("{} — {}", o.name, o.reference)}</option>
                    }) }
                </select>
            }
            <label class="button secondary">{text::par::TAI_TEP_MOI}
                <input type="file" class="par-evidence-upload" aria-label={text::par::TAI_TEP_MOI} hidden=true onchange={on_upload} />
            </label>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ConflictsProps {
    code: String,
    conflicts: Vec<FieldConflict>,
    on_error: UseStateSetter<Option<ClientError>>,
}

/// The row's fields that two tablets filled at once: every value with who wrote it, one to keep.
#[function_component(Conflicts)]
fn conflicts(props: &ConflictsProps) -> Html {
    let ws = use_ws();
    let keep = |field: String, choice: usize| {
        let (docs, code, on_error) = (ws.docs.clone(), props.code.clone(), props.on_error.clone());
        Callback::from(move |_| on_error.set(docs.resolve_sheet(&code, &field, choice).err()))
    };
    let shown = |field: &str, value: &str| match (field, value) {
        (_, "") => "—".to_string(),
        ("mark", v)
            if v.eq_ignore_ascii_case(tiendo_shared::model::assessment::sheet::NOT_APPLICABLE) =>
        {
            mark_shown(Some(Mark::NotApplicable))
        }
        (_, v) => v.to_string(),
    };
    html! {
        { for props.conflicts.iter().map(|c| html! {
            <div class="conflict par-conflict" role="alert" data-field={c.field.clone()}>
                <strong>{format!("{}: {}", text::par::field_label(&c.field), text::par::CO_GIA_TRI_DONG_THOI)}</strong>
                <ul>
                { for c.values.iter().enumerate().map(|(i, v)| html! {
                    <li>
                        <span class="value">{shown(&c.field, &v.value)}</span>
                        <span class="by">{v.by.as_ref().map(|b| format!(" {} {}", b.author.as_deref().map_or("?", |a| ws.snap.reporting.name_of(a)), when(b.time))).unwrap_or_default()}</span>
                        if v.current { <span class="current">{format!(" {}", text::par::DANG_HIEN_THI)}</span> }
                        <button type="button" class="par-conflict-keep" data-field={c.field.clone()} data-choice={i.to_string()}
                            onclick={keep(c.field.clone(), i)}>{text::par::GIU_GIA_TRI_NAY}</button>
                    </li>
                }) }
                </ul>
            </div>
        }) }
    }
}
