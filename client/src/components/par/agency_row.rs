//! One row of the office's table: an area or criterion as a heading, or a sub-criterion with the
//! unit answering for it (assign), the unit's score and any concurrent values, the tracker's
//! proposal and its basis, the office's call (confirm, or override with a reason), the evidence
//! and giải trình with the tasks' files offered, the province's reviews, and on a reopened row
//! "Bổ sung" (a file uploaded and a giải trình).
//!
//! Stage: *UI* (office build); acts through `infra::par`, answered with the whole view.

use std::collections::BTreeMap;

use tiendo_shared::api::par::{AddRequest, AssessmentView, AssignRequest, ItemView};
use tiendo_shared::model::assessment::EvidenceItem;
use yew::prelude::*;

use super::super::{use_ws, value_of};
use crate::error::ClientError;
use crate::infra::form::{self, FileInput};
use crate::infra::par::{self, OfficeAct};
use crate::text;
use crate::view_model::par::office::{OfficeRow, accept_proposal, confirm_unit, office_call};

#[derive(Properties, PartialEq)]
pub struct OfficeRowProps {
    /// The row as shown.
    pub row: OfficeRow,
    /// The server's row (for checking a call against its rule).
    pub item: ItemView,
    /// The agency's units (id, name).
    pub units: Vec<(String, String)>,
    /// The office may change it now.
    pub editable: bool,
    /// The agency.
    pub agency: String,
    /// The year.
    pub year: i32,
    /// The view after an act.
    pub on_view: Callback<AssessmentView>,
    /// Why an act failed (`None`: it did not).
    pub on_error: Callback<Option<ClientError>>,
}

/// Sends `act`, then shows the view it answers with (or why not).
fn send(props: &OfficeRowProps, act: OfficeAct) {
    let (agency, year) = (props.agency.clone(), props.year);
    let (on_view, on_error) = (props.on_view.clone(), props.on_error.clone());
    wasm_bindgen_futures::spawn_local(async move {
        match par::office(&agency, year, &act).await {
            Ok(v) => {
                on_error.emit(None);
                on_view.emit(v);
            }
            Err(e) => on_error.emit(Some(e)),
        }
    });
}

/// The files of a row, each opening the server's copy.
fn evidence_list(items: &[EvidenceItem], class: &'static str) -> Html {
    html! {
        <ul class={class}>
        { for items.iter().map(|e| html! {
            <li data-sha256={e.sha256.clone()}>
                <a href={format!("/api/files/{}", e.sha256)} target="_blank">{&e.name}</a>
                if !e.reference.is_empty() { <span class="sub">{format!(" {}", e.reference)}</span> }
            </li>
        }) }
        </ul>
    }
}

/// One row.
#[function_component(OfficeRowView)]
pub fn office_row_view(props: &OfficeRowProps) -> Html {
    let row = &props.row;
    if !row.scored {
        return html! {
            <tr data-code={row.code.clone()} class={format!("par-heading depth-{}", row.depth)}>
                <td class="code">{&row.code}</td>
                <td colspan="7"><strong>{&row.text}</strong>{format!(" ({})", text::par::toi_da(&row.max))}</td>
            </tr>
        };
    }
    let on_unit = {
        let props_code = row.code.clone();
        let p = props.clone_for_send();
        Callback::from(move |e: Event| {
            let assigned = BTreeMap::from([(props_code.clone(), value_of(&e))]);
            send(&p, OfficeAct::Assign(AssignRequest { assigned }));
        })
    };
    let classes = classes!(
        "par-row",
        row.survey.then_some("survey"),
        row.out_of_rule.then_some("out-of-rule"),
        row.missing_evidence.then_some("missing-evidence"),
        (!row.conflicts.is_empty()).then_some("conflicted"),
        row.reopened.is_some().then_some("reopened"),
    );
    let office_shown = row.office.as_ref().map(|(m, r)| {
        if r.is_empty() {
            m.clone()
        } else {
            format!("{m} — {r}")
        }
    });
    html! {
        <tr data-code={row.code.clone()} class={classes}>
            <td class="code">{&row.code}</td>
            <td>
                <div class="par-text">{&row.text}</div>
                if !row.kind.is_empty() { <div class="sub">{row.kind}</div> }
                <div class="sub par-max">{text::par::toi_da(&row.max)}</div>
                <div class="sub par-rule-hint">{&row.rule_hint}</div>
                if !row.evidence_hint.is_empty() {
                    <div class="sub par-evidence-hint">{text::par::tai_lieu_can_co(&row.evidence_hint)}</div>
                }
            </td>
            <td>
                if row.survey {
                    <span class="par-survey">{text::par::DO_SO_NOI_VU_DIEU_TRA}</span>
                } else if props.editable {
                    <select class="par-unit" aria-label={text::par::DON_VI} onchange={on_unit}>
                        <option value="" selected={row.unit_id.is_empty()}>{text::par::CHUA_GIAO_DON_VI}</option>
                        { for props.units.iter().map(|(id, name)| html! {
                            <option value={id.clone()} selected={*id == row.unit_id}>{name}</option>
                        }) }
                    </select>
                } else {
                    <span class="par-unit-name">{&row.unit_name}</span>
                }
            </td>
            <td>
                <span class="par-unit-score">{&row.unit_mark}</span>
                { for row.conflicts.iter().map(|c| html! { <div class="conflict par-conflict" role="alert">{c}</div> }) }
            </td>
            <td>
                if let Some((points, basis)) = &row.proposal {
                    <span class="par-proposal-score">{points}</span>
                    <div class="sub par-proposal-basis">{basis}</div>
                }
            </td>
            <td>
                <div><span class="par-filed">{&row.filed}</span>
                    if let Some(o) = office_shown { <span class="sub par-office-current">{text::par::van_phong_da_xac_nhan(&o)}</span> }
                </div>
                if props.editable && !row.survey {
                    <CallForm ..props.clone_for_send() />
                }
            </td>
            <td>
                {evidence_list(&row.evidence, "par-evidence")}
                if !row.offered.is_empty() {
                    <div class="sub">{text::par::TEP_TU_NHIEM_VU}</div>
                    {evidence_list(&row.offered, "par-offered")}
                }
                if !row.explanation.is_empty() { <p class="par-explanation-text">{&row.explanation}</p> }
            </td>
            <td>
                { for row.reviews.iter().map(|r| html! { <div class="par-review">{r}</div> }) }
                if let Some(q) = &row.reopened {
                    <div class="par-reopened"><strong>{q}</strong></div>
                    if props.editable { <AddForm ..props.clone_for_send() /> }
                }
            </td>
        </tr>
    }
}

/// The office's call on a sub-criterion: a score (or "không áp dụng") with its reason, the unit's
/// score confirmed, or the tracker's proposal taken.
#[function_component(CallForm)]
fn call_form(props: &OfficeRowProps) -> Html {
    let score = use_node_ref();
    let na = use_node_ref();
    let reason = use_node_ref();
    let on_call = {
        let p = props.clone_for_send();
        let (score, na, reason) = (score.clone(), na.clone(), reason.clone());
        Callback::from(move |_| {
            let na = form::checked(&na);
            match office_call(&p.item, &form::value(&score), na, &form::value(&reason)) {
                Ok(req) => send(&p, OfficeAct::Call(req)),
                Err(e) => p.on_error.emit(Some(e)),
            }
        })
    };
    let quick = |req: Option<tiendo_shared::api::par::OfficeCallRequest>| {
        let p = props.clone_for_send();
        req.map(|req| Callback::from(move |_| send(&p, OfficeAct::Call(req.clone()))))
    };
    let (confirm, accept) = (
        quick(confirm_unit(&props.item)),
        quick(accept_proposal(&props.item)),
    );
    html! {
        <div class="par-office-form">
            <input class="par-office-score" ref={score} inputmode="decimal" aria-label={text::par::DIEM} />
            if props.item.may_not_apply {
                <label><input type="checkbox" class="par-office-na" ref={na} />{text::par::KHONG_AP_DUNG}</label>
            }
            <input class="par-office-reason" aria-label={text::par::LY_DO_KHI_KHAC} ref={reason} placeholder={text::par::LY_DO_KHI_KHAC} />
            <button type="button" class="par-office-save" onclick={on_call}>{text::par::XAC_NHAN}</button>
            if let Some(cb) = confirm {
                <button type="button" class="secondary par-office-confirm" onclick={cb}>{text::par::XAC_NHAN_DIEM_DON_VI}</button>
            }
            if let Some(cb) = accept {
                <button type="button" class="secondary par-office-accept" onclick={cb}>{text::par::THEO_DE_XUAT}</button>
            }
        </div>
    }
}

impl OfficeRowProps {
    /// The props again, for a callback to own.
    fn clone_for_send(&self) -> OfficeRowProps {
        OfficeRowProps {
            row: self.row.clone(),
            item: self.item.clone(),
            units: self.units.clone(),
            editable: self.editable,
            agency: self.agency.clone(),
            year: self.year,
            on_view: self.on_view.clone(),
            on_error: self.on_error.clone(),
        }
    }
}

/// "Bổ sung" on a reopened row: a file sent from this account and a giải trình.
#[function_component(AddForm)]
fn add_form(props: &OfficeRowProps) -> Html {
    let ws = use_ws();
    let explanation = use_node_ref();
    let picked = use_mut_ref(Vec::<form::File>::new);
    let busy = use_state(|| false);
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = FileInput::of(&e) {
                *picked.borrow_mut() = input.files();
            }
        })
    };
    let on_add = {
        let p = props.clone_for_send();
        let (explanation, picked, busy) = (explanation.clone(), picked.clone(), busy.clone());
        let (session, doc_id) = (ws.session.clone(), ws.docs.own_progress_id());
        Callback::from(move |_| {
            let files = picked.borrow().clone();
            let text = form::value(&explanation);
            let (p, session, doc_id, busy) = (
                p.clone_for_send(),
                session.clone(),
                doc_id.clone(),
                busy.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let mut evidence = Vec::new();
                for f in files {
                    let Some(doc) = doc_id.as_deref() else {
                        p.on_error.emit(Some(ClientError::NotAllowed(
                            text::par::KHONG_GAN_DON_VI.into(),
                        )));
                        busy.set(false);
                        return;
                    };
                    match session.upload_now(&f, doc).await {
                        Ok(kept) => evidence.push(EvidenceItem {
                            sha256: kept.sha256,
                            name: kept.name,
                            reference: String::new(),
                            task_id: None,
                        }),
                        Err(e) => {
                            p.on_error.emit(Some(e));
                            busy.set(false);
                            return;
                        }
                    }
                }
                busy.set(false);
                let code = p.row.code.clone();
                send(
                    &p,
                    OfficeAct::Add(AddRequest {
                        code,
                        evidence,
                        explanation: text.trim().to_string(),
                    }),
                );
            });
        })
    };
    html! {
        <div class="par-add">
            <input type="file" class="par-add-file" aria-label={text::par::TAI_LIEU_KIEM_CHUNG} multiple=true onchange={on_pick} />
            <textarea class="par-add-explanation" aria-label={text::par::GIAI_TRINH_BO_SUNG} ref={explanation} placeholder={text::par::GIAI_TRINH_BO_SUNG} />
            <button type="button" class="par-add-save" disabled={*busy} onclick={on_add}>{text::par::BO_SUNG}</button>
        </div>
    }
}
