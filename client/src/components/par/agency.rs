//! The agency's "Chỉ số CCHC" screen for its central office (agency_admin) and its head
//! (agency_head): the server's view of the year's self-assessment — the state, how far it has
//! got, what is missing, the running index — the rows ([`super::agency_row`]), the difficulties
//! and proposals, the three downloads; the head's "Duyệt" (what it sees, by its digest) and
//! "Gửi Sở Nội vụ" with the steps taken; once final, "Đề xuất nhiệm vụ khắc phục" leads to the
//! Plan tab, whose draft of next year's plan carries the lost points as tasks (the server adds
//! them there: `GET /api/plans/{id}/next-year`).
//!
//! Stage: *UI* (office build) over `view_model::par::office`; every act goes to the server
//! (`infra::par`) and the screen shows the view it answers with.

use std::rc::Rc;

use tiendo_shared::api::par::{AssessmentView, FilingRequest, ProposalsRequest};
use tiendo_shared::model::assessment::FilingAction;
use yew::prelude::*;

use super::super::{use_ws, value_of};
use super::agency_row::OfficeRowView;
use crate::error::ClientError;
use crate::infra::browser::when;
use crate::infra::par::{self, OfficeAct};
use crate::text;
use crate::view_model::par::office::{Powers, powers, progress_line, row_editable, rows};
use crate::view_model::workspace::Tab;

/// The agency and year the screen is about.
#[derive(Clone, PartialEq)]
pub struct Year {
    /// The agency's id.
    pub agency: String,
    /// The year assessed.
    pub year: i32,
}

/// The office's and the head's screen.
#[function_component(ParOffice)]
pub fn par_office() -> Html {
    let ws = use_ws();
    let agency = ws.docs.me.user.agency_id.clone();
    let year = ws.snap.plan.as_ref().ok().and_then(|p| p.effective_year());
    let view = use_state(|| None::<Result<Rc<AssessmentView>, ClientError>>);
    {
        let view = view.clone();
        use_effect_with((agency.clone(), year), move |(agency, year)| {
            if let (Some(agency), Some(year)) = (agency.clone(), *year) {
                wasm_bindgen_futures::spawn_local(async move {
                    view.set(Some(par::assessment(&agency, year).await.map(Rc::new)));
                });
            }
        });
    }
    let (Some(agency), Some(year)) = (agency, year) else {
        let why = if year.is_none() {
            text::par::KHONG_RO_NAM
        } else {
            text::par::KHONG_RO_CO_QUAN
        };
        return html! { <main class="par"><p class="error">{why}</p></main> };
    };
    let at = Year { agency, year };
    match &*view {
        None => html! { <main class="par"><p class="loading">{text::par::DANG_TAI}</p></main> },
        Some(Err(e)) => {
            html! { <main class="par"><p class="error" role="alert" id="par-error">{e}</p></main> }
        }
        Some(Ok(v)) => {
            let on_view = {
                let view = view.clone();
                Callback::from(move |v: AssessmentView| view.set(Some(Ok(Rc::new(v)))))
            };
            html! { <Assessment view={v.clone()} {at} {on_view} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct AssessmentProps {
    view: Rc<AssessmentView>,
    at: Year,
    on_view: Callback<AssessmentView>,
}

/// The assessment as the server shows it, and what the user may do with it.
#[function_component(Assessment)]
fn assessment(props: &AssessmentProps) -> Html {
    let ws = use_ws();
    let error = use_state(|| None::<ClientError>);
    let v = &props.view;
    let p = powers(ws.docs.me.user.role, v);
    let on_error = {
        let error = error.clone();
        Callback::from(move |e: Option<ClientError>| error.set(e))
    };
    let table_rows = rows(v);
    html! {
        <main class="par" data-testid="par-office">
            <h2>{text::par::chi_so_cchc_nam(&v.year, &v.agency_name)}</h2>
            <p>
                <span id="par-state" class="par-state" data-state={format!("{:?}", v.state).to_lowercase()}>{v.state.vi()}</span>
                {" "}<span class="sub">{text::par::theo(&v.criteria.basis)}</span>
            </p>
            if let Some(e) = &*error { <p class="error" role="alert" id="par-error">{e}</p> }
            <Summary view={v.clone()} />
            <div class="table-scroll" tabindex="0" role="region" aria-label={text::par::BANG_TIEU_CHI}>
                <table class="plan par" id="par-office">
                    <thead><tr>
                        <th>{text::par::MA}</th><th>{text::par::TIEU_CHI}</th><th>{text::par::DON_VI}</th>
                        <th>{text::par::DIEM_DON_VI}</th><th>{text::par::DE_XUAT}</th><th>{text::par::VAN_PHONG}</th>
                        <th>{text::par::TAI_LIEU_KIEM_CHUNG}</th><th>{text::par::Y_KIEN_SO_NOI_VU}</th>
                    </tr></thead>
                    <tbody>
                    { for table_rows.into_iter().zip(v.items.iter()).map(|(row, item)| {
                        let editable = row_editable(p, v, &row.code);
                        let key = row.code.clone();
                        html! {
                            <OfficeRowView {key} {row} item={item.clone()} units={v.units.clone()}
                                {editable} agency={props.at.agency.clone()} year={props.at.year}
                                on_view={props.on_view.clone()} on_error={on_error.clone()} />
                        }
                    }) }
                    </tbody>
                </table>
            </div>
            <Proposals view={v.clone()} at={props.at.clone()} editable={p.office} on_view={props.on_view.clone()} on_error={on_error.clone()} />
            <Downloads at={props.at.clone()} />
            <Filing view={v.clone()} at={props.at.clone()} powers={p} on_view={props.on_view.clone()} on_error={on_error.clone()} />
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct SummaryProps {
    view: Rc<AssessmentView>,
}

/// How far the assessment has got: scored, missing evidence, unassigned, out of rule, index.
#[function_component(Summary)]
fn summary(props: &SummaryProps) -> Html {
    let v = &props.view;
    let list = |id: &'static str, label: &'static str, codes: &[String]| {
        if codes.is_empty() {
            return html! {};
        }
        html! {
            <li id={id}>{format!("{label}: ")}
                { for codes.iter().map(|c| html! { <span class="code" data-code={c.clone()}>{format!("{c} ")}</span> }) }
            </li>
        }
    };
    html! {
        <section class="par-summary">
            <p><strong id="par-progress">{progress_line(v)}</strong>
                {" · "}<span id="par-index">{text::par::chi_so(&v.index.index)}</span>
                if let Some(a) = &v.appraised {
                    {" · "}<span id="par-appraised">{text::par::chi_so_tham_dinh(&a.index)}</span>
                }
            </p>
            <ul>
                {list("par-missing", text::par::THIEU_MINH_CHUNG, &v.tally.missing_evidence)}
                {list("par-unassigned", text::par::CHUA_GIAO, &v.tally.unassigned)}
                {list("par-out-of-rule", text::par::NGOAI_QUY_TAC, &v.tally.out_of_rule)}
            </ul>
            if let Some(c) = &v.council {
                <p id="par-council">{text::par::hoi_dong(&c.on.vi(), &c.present, &c.members, &c.votes_for)}</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ProposalsProps {
    view: Rc<AssessmentView>,
    at: Year,
    editable: bool,
    on_view: Callback<AssessmentView>,
    on_error: Callback<Option<ClientError>>,
}

/// "Khó khăn, vướng mắc và đề xuất".
#[function_component(Proposals)]
fn proposals(props: &ProposalsProps) -> Html {
    let typed = use_mut_ref(|| None::<String>);
    let on_input = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| *typed.borrow_mut() = Some(value_of(&e)))
    };
    let save = {
        let (typed, at, on_view, on_error) = (
            typed.clone(),
            props.at.clone(),
            props.on_view.clone(),
            props.on_error.clone(),
        );
        let stored = props.view.proposals.clone();
        Callback::from(move |_| {
            let text = typed.borrow().clone().unwrap_or_else(|| stored.clone());
            let (at, on_view, on_error) = (at.clone(), on_view.clone(), on_error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let act = OfficeAct::Proposals(ProposalsRequest { text });
                match par::office(&at.agency, at.year, &act).await {
                    Ok(v) => {
                        on_error.emit(None);
                        on_view.emit(v)
                    }
                    Err(e) => on_error.emit(Some(e)),
                }
            });
        })
    };
    html! {
        <section class="par-proposals">
            <h3>{text::par::KHO_KHAN_DE_XUAT}</h3>
            if props.editable {
                <textarea id="par-proposals" aria-label={text::par::KHO_KHAN_DE_XUAT} value={typed.borrow().clone().unwrap_or_else(|| props.view.proposals.clone())} oninput={on_input} />
                <button type="button" id="par-proposals-save" onclick={save}>{text::par::LUU}</button>
            } else {
                <p id="par-proposals">{&props.view.proposals}</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub(super) struct DownloadsProps {
    pub at: Year,
}

/// The summary table, the report and the evidence archive, as the server makes them.
#[function_component(Downloads)]
pub(super) fn downloads(props: &DownloadsProps) -> Html {
    let link = |id: &'static str, file: &'static str, label: &'static str| {
        html! {
            <a class="button secondary" role="button" id={id} download={file}
                href={par::download_url(&props.at.agency, props.at.year, file)}>{label}</a>
        }
    };
    html! {
        <section class="downloads par-downloads">
            {link("par-download-xlsx", "summary.xlsx", text::par::BANG_TONG_HOP)}
            {link("par-download-docx", "report.docx", text::par::BAO_CAO)}
            {link("par-download-zip", "evidence.zip", text::par::TAI_LIEU_ZIP)}
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FilingProps {
    view: Rc<AssessmentView>,
    at: Year,
    powers: Powers,
    on_view: Callback<AssessmentView>,
    on_error: Callback<Option<ClientError>>,
}

/// The head's approval and sending, the steps taken, and the office's remediation once final.
#[function_component(Filing)]
fn filing(props: &FilingProps) -> Html {
    let ws = use_ws();
    let head = ws.docs.me.user.role == tiendo_shared::model::role::Role::AgencyHead;
    let act = |action: FilingAction| {
        let (at, on_view, on_error) = (
            props.at.clone(),
            props.on_view.clone(),
            props.on_error.clone(),
        );
        let digest = props.view.digest.clone();
        Callback::from(move |_| {
            let (at, on_view, on_error) = (at.clone(), on_view.clone(), on_error.clone());
            let req = FilingRequest {
                action,
                digest: digest.clone(),
            };
            wasm_bindgen_futures::spawn_local(async move {
                match par::filing(&at.agency, at.year, &req).await {
                    Ok(v) => {
                        on_error.emit(None);
                        on_view.emit(v)
                    }
                    Err(e) => on_error.emit(Some(e)),
                }
            });
        })
    };
    // The lost points become tasks of next year's draft, made on the Plan tab ("Lập kế hoạch năm
    // sau"), where the office reviews the draft before saving it.
    let remediation = {
        let on_tab = ws.on_tab.clone();
        Callback::from(move |_| on_tab.emit(Tab::Plan))
    };
    let v = &props.view;
    let approved_before = v.steps.iter().any(|s| s.action == FilingAction::Approve);
    html! {
        <section class="par-filing">
            if head {
                <div class="actions">
                    <button type="button" id="par-approve" disabled={!props.powers.approve}
                        onclick={act(FilingAction::Approve)}>{text::par::DUYET}</button>
                    <button type="button" id="par-send" disabled={!props.powers.send}
                        onclick={act(FilingAction::Send)}>{text::par::GUI_SO_NOI_VU}</button>
                </div>
                if approved_before && !v.approval_current && props.powers.approve {
                    <p class="sub" id="par-approve-again">{text::par::CAN_DUYET_LAI}</p>
                }
            }
            if props.powers.remediation {
                <p class="sub" id="par-remediation-hint">{text::par::khac_phuc_trong_ke_hoach(&(props.at.year + 1), &props.at.year)}</p>
                <button type="button" id="par-remediation" onclick={remediation}>{text::par::DE_XUAT_KHAC_PHUC}</button>
            }
            if !v.steps.is_empty() {
                <h3>{text::par::CAC_BUOC}</h3>
                <ol id="par-steps">
                { for v.steps.iter().map(|s| {
                    let what = match s.action {
                        FilingAction::Approve => text::par::BUOC_DUYET.to_string(),
                        FilingAction::Send => text::par::buoc_gui(&s.round),
                    };
                    html! { <li data-action={format!("{:?}", s.action).to_lowercase()}>{text::par::buoc(&what, &s.name, &when(s.at / 1000))}</li> }
                }) }
                </ol>
            }
        </section>
    }
}
