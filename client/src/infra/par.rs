//! The PAR index's online acts (`/api/par/…`, [`tiendo_shared::api::par`]): the criteria sets
//! (list, import preview, save, announce), an agency's assessment (the view, the office's
//! assignments, calls, additions and proposals, the head's filing), the province's
//! appraisal (reviews, survey, council) and the ranking; the downloads' addresses.
//!
//! Stage: *HTTP* (office build). Each is an act the server attests; offline they fail with
//! [`ClientError::Offline`] naming what needed the link. A unit scores offline instead, in its
//! progress document (`infra::plan_docs`).

use gloo_net::http::{Request, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tiendo_shared::api::par::{
    AddRequest, AnnounceRequest, AppraisalView, AssessmentView, AssignRequest, CriteriaInfo,
    CriteriaPreview, FilingRequest, OfficeCallRequest, ProposalsRequest, Ranking, ReviewRequest,
    SurveyRequest,
};
use tiendo_shared::model::appraisal::Council;
use tiendo_shared::model::criteria::CriteriaSet;

use super::api::error_text;
use crate::error::ClientError;

/// What an act needed the link for, when there is none.
const NEEDS: &str = "làm việc với Chỉ số CCHC";

async fn answer<T: DeserializeOwned>(req: RequestBuilder) -> Result<T, ClientError> {
    let resp = req.send().await.map_err(|_| ClientError::Offline(NEEDS))?;
    if resp.ok() {
        resp.json::<T>().await.map_err(ClientError::http)
    } else {
        Err(error_text(resp).await)
    }
}

async fn with_body<B: Serialize, T: DeserializeOwned>(
    req: RequestBuilder,
    body: &B,
) -> Result<T, ClientError> {
    let req = req.json(body).map_err(ClientError::http)?;
    let resp = req.send().await.map_err(|_| ClientError::Offline(NEEDS))?;
    if resp.ok() {
        resp.json::<T>().await.map_err(ClientError::http)
    } else {
        Err(error_text(resp).await)
    }
}

/// An agency's year, as the paths name it.
fn assessment_path(agency: &str, year: i32) -> String {
    format!("/api/par/assessments/{agency}/{year}")
}

fn appraisal_path(agency: &str, year: i32) -> String {
    format!("/api/par/appraisals/{agency}/{year}")
}

/// The criteria sets.
pub async fn criteria() -> Result<Vec<CriteriaInfo>, ClientError> {
    answer(Request::get("/api/par/criteria")).await
}

/// One criteria set.
pub async fn criteria_set(id: &str) -> Result<CriteriaSet, ClientError> {
    answer(Request::get(&format!("/api/par/criteria/{id}"))).await
}

/// What the server's importer reads in a province's annex (.xlsx, .docx), unsaved.
pub async fn preview_criteria(file: &web_sys::File) -> Result<CriteriaPreview, ClientError> {
    let bytes = super::browser::read_file(file).await?;
    let mime = match file.type_() {
        t if !t.is_empty() => t,
        _ if file.name().to_lowercase().ends_with(".docx") => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document".into()
        }
        _ if file.name().to_lowercase().ends_with(".xlsx") => {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into()
        }
        _ => "application/octet-stream".into(),
    };
    let req = Request::post("/api/par/criteria/preview")
        .header("Content-Type", &mime)
        .body(js_sys::Uint8Array::from(bytes.as_slice()))
        .map_err(ClientError::http)?;
    let resp = req.send().await.map_err(|_| ClientError::Offline(NEEDS))?;
    if resp.ok() {
        resp.json().await.map_err(ClientError::http)
    } else {
        Err(error_text(resp).await)
    }
}

/// Saves a criteria set (new, or replacing the one of the same id).
pub async fn save_criteria(set: &CriteriaSet) -> Result<CriteriaInfo, ClientError> {
    with_body(Request::post("/api/par/criteria"), set).await
}

/// Announces a set's results.
pub async fn announce(id: &str, basis: &str) -> Result<CriteriaInfo, ClientError> {
    let body = AnnounceRequest {
        basis: basis.to_string(),
    };
    with_body(
        Request::post(&format!("/api/par/criteria/{id}/announce")),
        &body,
    )
    .await
}

/// An agency's assessment of a year.
pub async fn assessment(agency: &str, year: i32) -> Result<AssessmentView, ClientError> {
    answer(Request::get(&assessment_path(agency, year))).await
}

/// What the office does to an assessment (each answers with the view as it now stands).
pub enum OfficeAct {
    /// Assigns codes to units.
    Assign(AssignRequest),
    /// Confirms or overrides a score.
    Call(OfficeCallRequest),
    /// Adds evidence or a giải trình.
    Add(AddRequest),
    /// Writes the difficulties and proposals.
    Proposals(ProposalsRequest),
}

/// Sends an office act on `agency`'s `year`.
pub async fn office(
    agency: &str,
    year: i32,
    act: &OfficeAct,
) -> Result<AssessmentView, ClientError> {
    let path = assessment_path(agency, year);
    match act {
        OfficeAct::Assign(b) => with_body(Request::put(&format!("{path}/assigned")), b).await,
        OfficeAct::Call(b) => with_body(Request::put(&format!("{path}/office")), b).await,
        OfficeAct::Add(b) => with_body(Request::put(&format!("{path}/added")), b).await,
        OfficeAct::Proposals(b) => with_body(Request::put(&format!("{path}/proposals")), b).await,
    }
}

/// The head approves (the digest it saw) or sends.
pub async fn filing(
    agency: &str,
    year: i32,
    req: &FilingRequest,
) -> Result<AssessmentView, ClientError> {
    let path = assessment_path(agency, year);
    with_body(Request::post(&format!("{path}/filing")), req).await
}

/// Where an export of the assessment downloads from (`summary.xlsx`, `report.docx`,
/// `evidence.zip`).
pub fn download_url(agency: &str, year: i32, file: &str) -> String {
    format!("{}/{file}", assessment_path(agency, year))
}

/// An agency's appraisal.
pub async fn appraisal(agency: &str, year: i32) -> Result<AppraisalView, ClientError> {
    answer(Request::get(&appraisal_path(agency, year))).await
}

/// What the appraisal team does (each answers with the appraisal as it now stands).
pub enum ProvinceAct {
    /// A review of one sub-criterion (in the round the agency's last sending answers: the
    /// rounds follow the sendings, none is opened by hand).
    Review(ReviewRequest),
    /// The survey's scores.
    Survey(SurveyRequest),
    /// The council's record.
    Council(Council),
}

/// Sends a province act on `agency`'s `year`.
pub async fn province(
    agency: &str,
    year: i32,
    act: &ProvinceAct,
) -> Result<AppraisalView, ClientError> {
    let path = appraisal_path(agency, year);
    match act {
        ProvinceAct::Review(b) => with_body(Request::put(&format!("{path}/review")), b).await,
        ProvinceAct::Survey(b) => with_body(Request::put(&format!("{path}/survey")), b).await,
        ProvinceAct::Council(b) => with_body(Request::put(&format!("{path}/council")), b).await,
    }
}

/// A group's ranking.
pub async fn ranking(criteria_id: &str) -> Result<Ranking, ClientError> {
    answer(Request::get(&format!("/api/par/ranking/{criteria_id}"))).await
}
