//! One agency's appraisal for the province: what it filed, row by row, with its evidence and
//! giải trình; the appraisal team's review of each sub-criterion in the round under way (comment,
//! adjusted score with its reason, "Yêu cầu bổ sung" with what and by when), the earlier rounds'
//! reviews (the round is the one the agency's last sending answers: round 2 follows its
//! resubmission, and asks for nothing more); the survey's scores of the survey-measured rows;
//! the council's record. A province viewer reads it all.
//!
//! Stage: *UI* (office build), over `view_model::par::province`; I/O through `infra::par`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use tiendo_shared::api::par::{AppraisalView, FilingState, ItemView};
use tiendo_shared::model::criteria::Mark;
use yew::prelude::*;

use super::super::{use_ws, value_of};
use super::agency::{Downloads, Year};
use crate::error::ClientError;
use crate::infra::form;
use crate::infra::par::{self, ProvinceAct};
use crate::text;
use crate::view_model::par::province::{
    AppraisalRow, CouncilForm, ReviewForm, appraisal_rows, appraises, council, review_request,
    survey_request,
};

#[derive(Properties, PartialEq)]
pub struct AppraisalProps {
    /// The agency.
    pub agency: String,
    /// The year.
    pub year: i32,
    /// Back to the ranking.
    pub on_back: Callback<()>,
}

/// Sends a province act and shows the view it answers with.
fn act(
    at: &Year,
    act: ProvinceAct,
    view: &UseStateHandle<Option<Result<Rc<AppraisalView>, ClientError>>>,
    error: &UseStateHandle<Option<ClientError>>,
) {
    let (at, view, error) = (at.clone(), view.clone(), error.clone());
    wasm_bindgen_futures::spawn_local(async move {
        match par::province(&at.agency, at.year, &act).await {
            Ok(v) => {
                error.set(None);
                view.set(Some(Ok(Rc::new(v))));
            }
            Err(e) => error.set(Some(e)),
        }
    });
}

/// An agency's appraisal.
#[function_component(AppraisalScreen)]
pub fn appraisal_screen(props: &AppraisalProps) -> Html {
    let ws = use_ws();
    let writes = appraises(ws.docs.me.user.role);
    let view = use_state(|| None::<Result<Rc<AppraisalView>, ClientError>>);
    let error = use_state(|| None::<ClientError>);
    let survey = use_mut_ref(BTreeMap::<String, String>::new);
    let at = Year {
        agency: props.agency.clone(),
        year: props.year,
    };
    {
        let (view, at) = (view.clone(), at.clone());
        use_effect_with(at.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                view.set(Some(par::appraisal(&at.agency, at.year).await.map(Rc::new)));
            });
        });
    }
    let back = {
        let cb = props.on_back.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let v = match &*view {
        None => {
            return html! { <main class="par"><p class="loading">{text::par::DANG_TAI}</p></main> };
        }
        Some(Err(e)) => {
            return html! {
                <main class="par">
                    <button type="button" class="secondary" id="par-back" onclick={back}>{text::par::QUAY_LAI}</button>
                    <p class="error" role="alert" id="par-error">{e}</p>
                </main>
            };
        }
        Some(Ok(v)) => v.clone(),
    };
    let final_ = v.assessment.state == FilingState::Final;
    let on_survey = {
        let (at, view, error, survey, v) = (
            at.clone(),
            view.clone(),
            error.clone(),
            survey.clone(),
            v.clone(),
        );
        Callback::from(move |_| match survey_request(&v, &survey.borrow()) {
            Ok(req) => act(&at, ProvinceAct::Survey(req), &view, &error),
            Err(e) => error.set(Some(e)),
        })
    };
    let on_review = {
        let (at, view, error) = (at.clone(), view.clone(), error.clone());
        Callback::from(
            move |(item, f): (ItemView, ReviewForm)| match review_request(&item, &f) {
                Ok(req) => act(&at, ProvinceAct::Review(req), &view, &error),
                Err(e) => error.set(Some(e)),
            },
        )
    };
    let on_council = {
        let (at, view, error) = (at.clone(), view.clone(), error.clone());
        Callback::from(move |f: CouncilForm| match council(&f) {
            Ok(c) => act(&at, ProvinceAct::Council(c), &view, &error),
            Err(e) => error.set(Some(e)),
        })
    };
    let a = &v.assessment;
    let has_survey = a
        .items
        .iter()
        .any(|i| i.measured == tiendo_shared::model::criteria::Measured::Survey);
    html! {
        <main class="par" data-testid="par-appraisal" data-agency={a.agency_id.clone()}>
            <button type="button" class="secondary" id="par-back" onclick={back}>{text::par::QUAY_LAI}</button>
            <h2>{text::par::chi_so_cchc_nam(&a.year, &a.agency_name)}</h2>
            <p>
                <span id="par-state" class="par-state" data-state={format!("{:?}", a.state).to_lowercase()}>{a.state.vi()}</span>
                {" "}<span id="par-round">{text::par::vong_dang_tham_dinh(&v.round)}</span>
                {" · "}<span id="par-index">{text::par::chi_so(&a.index.index)}</span>
                if let Some(x) = &a.appraised { {" · "}<span id="par-appraised">{text::par::chi_so_tham_dinh(&x.index)}</span> }
            </p>
            if let Some(e) = &*error { <p class="error" role="alert" id="par-error">{e}</p> }
            if writes && !final_ && v.round > 1 {
                <p class="sub" id="par-round-note">{text::par::VONG_2_KHONG_YEU_CAU}</p>
            }
            <div class="table-scroll" tabindex="0" role="region" aria-label={text::par::BANG_TIEU_CHI}>
                <table class="plan par" id="par-appraisal">
                    <thead><tr>
                        <th>{text::par::MA}</th><th>{text::par::TIEU_CHI}</th><th>{text::par::DIEM_CO_QUAN}</th>
                        <th>{text::par::TAI_LIEU_KIEM_CHUNG}</th><th>{text::par::THAM_DINH}</th>
                    </tr></thead>
                    <tbody>
                    { for appraisal_rows(&v).into_iter().zip(a.items.iter()).map(|(row, item)| html! {
                        <ReviewRow key={row.code.to_string()} row={row.clone()} item={item.clone()} writes={writes && !final_} round={v.round}
                            survey={survey.clone()} on_review={on_review.clone()} />
                    }) }
                    </tbody>
                </table>
            </div>
            if writes && !final_ && has_survey {
                <button type="button" id="par-survey-save" onclick={on_survey}>{text::par::LUU_DIEM_DIEU_TRA}</button>
            }
            <CouncilView council={v.appraisal.council.clone()} writes={writes && !final_} on_save={on_council} />
            <Downloads at={at} />
        </main>
    }
}

#[derive(Properties)]
struct ReviewRowProps {
    row: AppraisalRow,
    item: ItemView,
    writes: bool,
    /// The round under way (more evidence is asked in round 1 only).
    round: u32,
    /// The survey scores typed, by code.
    survey: Rc<RefCell<BTreeMap<String, String>>>,
    on_review: Callback<(ItemView, ReviewForm)>,
}

impl PartialEq for ReviewRowProps {
    fn eq(&self, other: &Self) -> bool {
        self.row == other.row
            && self.item == other.item
            && self.writes == other.writes
            && self.round == other.round
    }
}

/// One row of the appraisal, with its review form.
#[function_component(ReviewRow)]
fn review_row(props: &ReviewRowProps) -> Html {
    let r = &props.row;
    let refs: [NodeRef; 6] = Default::default();
    let refs = use_mut_ref(|| refs).borrow().clone();
    if !r.scored {
        return html! {
            <tr data-code={r.code.clone()} class={format!("par-heading depth-{}", r.depth)}>
                <td class="code">{&r.code}</td>
                <td colspan="4"><strong>{&r.text}</strong>{format!(" ({})", text::par::toi_da(&r.max))}</td>
            </tr>
        };
    }
    let save = {
        let (item, on_review, refs) = (props.item.clone(), props.on_review.clone(), refs.clone());
        Callback::from(move |_| {
            let f = ReviewForm {
                comment: form::value(&refs[0]),
                adjusted: form::value(&refs[1]),
                adjusted_not_applicable: form::checked(&refs[2]),
                reason: form::value(&refs[3]),
                what: form::value(&refs[4]),
                by: form::value(&refs[5]),
            };
            on_review.emit((item.clone(), f))
        })
    };
    let on_survey = {
        let (survey, code) = (props.survey.clone(), r.code.clone());
        Callback::from(move |e: InputEvent| {
            survey.borrow_mut().insert(code.clone(), value_of(&e));
        })
    };
    let adjusted = r.review.adjusted.as_ref();
    let adjusted_text = match adjusted.map(|a| a.mark) {
        Some(Mark::Score(p)) => p.to_string(),
        _ => String::new(),
    };
    let na = adjusted.is_some_and(|a| a.mark == Mark::NotApplicable);
    let request = r.review.request.as_ref();
    html! {
        <tr data-code={r.code.clone()} class={classes!("par-row", r.survey.then_some("survey"))}>
            <td class="code">{&r.code}</td>
            <td>
                <div class="par-text">{&r.text}</div>
                <div class="sub par-max">{text::par::toi_da(&r.max)}</div>
                <div class="sub par-rule-hint">{&r.rule_hint}</div>
            </td>
            <td>
                if r.survey {
                    <div class="sub">{text::par::DIEM_DIEU_TRA}</div>
                    if props.writes {
                        <input class="par-survey-score" aria-label={text::par::DIEM_DIEU_TRA} inputmode="decimal" value={r.survey_score.clone()} oninput={on_survey} />
                    } else {
                        <span class="par-survey-score">{&r.survey_score}</span>
                    }
                } else {
                    <span class="par-filed">{&r.filed}</span>
                }
            </td>
            <td>
                <ul class="par-evidence">
                { for r.evidence.iter().map(|e| html! {
                    <li data-sha256={e.sha256.clone()}>
                        <a href={format!("/api/files/{}", e.sha256)} target="_blank">{&e.name}</a>
                        if !e.reference.is_empty() { <span class="sub">{format!(" {}", e.reference)}</span> }
                    </li>
                }) }
                </ul>
                if !r.explanation.is_empty() { <p class="par-explanation-text">{&r.explanation}</p> }
            </td>
            <td>
                { for r.earlier.iter().map(|l| html! { <div class="par-review sub">{l}</div> }) }
                if props.writes && !r.survey {
                    <div class="par-review-form">
                        <textarea class="par-review-comment" aria-label={text::par::NHAN_XET} ref={refs[0].clone()} value={r.review.comment.clone()} placeholder={text::par::NHAN_XET} />
                        <input class="par-review-score" aria-label={text::par::DIEM_THAM_DINH} ref={refs[1].clone()} inputmode="decimal" value={adjusted_text} placeholder={text::par::DIEM_THAM_DINH} />
                        if props.item.may_not_apply {
                            <label><input type="checkbox" class="par-review-na" ref={refs[2].clone()} checked={na} />{text::par::KHONG_AP_DUNG}</label>
                        }
                        <input class="par-review-reason" aria-label={text::par::LY_DO_DIEU_CHINH} ref={refs[3].clone()} value={adjusted.map(|a| a.reason.clone()).unwrap_or_default()} placeholder={text::par::LY_DO_DIEU_CHINH} />
                        if props.round <= 1 {
                            <input class="par-review-what" aria-label={text::par::YEU_CAU_BO_SUNG} ref={refs[4].clone()} value={request.map(|q| q.what.clone()).unwrap_or_default()} placeholder={text::par::YEU_CAU_BO_SUNG} />
                            <input class="par-review-by" aria-label={text::par::HAN} ref={refs[5].clone()} value={request.map(|q| q.by.vi()).unwrap_or_default()} placeholder={text::par::HAN} />
                        }
                        <button type="button" class="par-review-save" onclick={save}>{text::par::LUU}</button>
                    </div>
                } else if !r.survey {
                    <div class="par-review">{crate::view_model::par::office::review_line(props.round, &r.review)}</div>
                }
            </td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
struct CouncilProps {
    council: Option<tiendo_shared::model::appraisal::Council>,
    writes: bool,
    on_save: Callback<CouncilForm>,
}

/// The council's record: shown, and for the appraisal team a form.
#[function_component(CouncilView)]
fn council_view(props: &CouncilProps) -> Html {
    let refs: [NodeRef; 5] = Default::default();
    let refs = use_mut_ref(|| refs).borrow().clone();
    let save = {
        let (on_save, refs) = (props.on_save.clone(), refs.clone());
        Callback::from(move |_| {
            on_save.emit(CouncilForm {
                on: form::value(&refs[0]),
                members: form::value(&refs[1]),
                present: form::value(&refs[2]),
                votes_for: form::value(&refs[3]),
                note: form::value(&refs[4]),
            })
        })
    };
    let c = props.council.as_ref();
    let field = |i: usize, id: &'static str, label: &'static str, value: String| {
        html! {
            <label>{label}<input id={id} ref={refs[i].clone()} value={value} /></label>
        }
    };
    html! {
        <section class="par-council">
            <h3>{text::par::HOI_DONG}</h3>
            if let Some(c) = c {
                <p id="par-council">{text::par::hoi_dong(&c.on.vi(), &c.present, &c.members, &c.votes_for)}
                    if !c.note.is_empty() { {format!(". {}", c.note)} }</p>
            }
            if props.writes {
                <div class="par-council-form">
                    {field(0, "par-council-on", text::par::NGAY_HOP, c.map(|c| c.on.vi()).unwrap_or_default())}
                    {field(1, "par-council-members", text::par::THANH_VIEN, c.map(|c| c.members.to_string()).unwrap_or_default())}
                    {field(2, "par-council-present", text::par::CO_MAT, c.map(|c| c.present.to_string()).unwrap_or_default())}
                    {field(3, "par-council-votes", text::par::TAN_THANH, c.map(|c| c.votes_for.to_string()).unwrap_or_default())}
                    {field(4, "par-council-note", text::par::GHI_CHU, c.map(|c| c.note.clone()).unwrap_or_default())}
                    <button type="button" id="par-council-save" onclick={save}>{text::par::LUU_HOI_DONG}</button>
                </div>
            }
        </section>
    }
}
