//! `/api/par/…`: the PAR index over HTTP — criteria sets, an agency's assessment (the office's
//! acts, the head's filing, the three files), the province's appraisal and the ranking.
//!
//! Stage: *API*. Each handler asks [`access`] with the user alone before reading a body, then
//! with the agency concerned, and calls [`crate::domain::par`]; the answers are
//! `tiendo_shared::api::par` types.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};

use tiendo_shared::api::par::{
    AddRequest, AnnounceRequest, AppraisalView, AssessmentView, AssignRequest, CriteriaInfo,
    CriteriaPreview, FilingRequest, OfficeCallRequest, ProposalsRequest, Ranking, ReviewRequest,
    SurveyRequest,
};
use tiendo_shared::model::appraisal::Council;
use tiendo_shared::model::assessment::Addition;
use tiendo_shared::model::criteria::CriteriaSet;

use crate::AppState;
use crate::domain::access;
use crate::domain::par::criteria::{info, preview};
use crate::domain::par::filing::Context;
use crate::error::{AppError, Result};
use crate::routes::auth::Authenticated;

/// The largest request a PAR act sends (a criteria set with its texts is the largest).
const MAX_BODY: u64 = 2 * 1024 * 1024;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/par/criteria", get(sets).post(save_set))
        .route("/par/criteria/preview", post(preview_set))
        .route("/par/criteria/{id}", get(set))
        .route("/par/criteria/{id}/announce", post(announce))
        .route("/par/assessments/{agency}/{year}", get(assessment))
        .route("/par/assessments/{agency}/{year}/assigned", put(assign))
        .route("/par/assessments/{agency}/{year}/office", put(office_call))
        .route("/par/assessments/{agency}/{year}/added", put(add))
        .route("/par/assessments/{agency}/{year}/proposals", put(proposals))
        .route("/par/assessments/{agency}/{year}/filing", post(filing))
        .route("/par/assessments/{agency}/{year}/{file}", get(file))
        .route("/par/appraisals/{agency}/{year}", get(appraisal))
        .route("/par/appraisals/{agency}/{year}/review", put(review))
        .route("/par/appraisals/{agency}/{year}/survey", put(survey))
        .route("/par/appraisals/{agency}/{year}/council", put(council))
        .route("/par/ranking/{criteria_id}", get(ranking))
}

fn rules(state: &AppState) -> Result<crate::domain::province::Rules> {
    Ok(crate::domain::province::Rules {
        score: state.config.score.clone(),
        plan_deadline: state.config.province.plan_deadline()?,
    })
}

/// `GET /api/par/criteria`.
async fn sets(
    State(state): State<AppState>,
    _auth: Authenticated,
) -> Result<Json<Vec<CriteriaInfo>>> {
    let sets = state.par.sets().await?;
    Ok(Json(sets.iter().map(|(r, s)| info(r, s)).collect()))
}

/// `GET /api/par/criteria/{id}`.
async fn set(
    State(state): State<AppState>,
    _auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<CriteriaSet>> {
    Ok(Json(state.par.set(&id).await?.1))
}

/// `POST /api/par/criteria/preview` with an annex (.xlsx, .docx): what the importer reads, to
/// correct before saving.
async fn preview_set(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<CriteriaPreview>> {
    access::may_keep_criteria(&auth.user)?;
    let limit = state.config.limits.max_plan_file_bytes;
    let bytes = crate::routes::body::read(body, &headers, limit, "tệp bộ tiêu chí").await?;
    let imported = state
        .parsers
        .run("tệp bộ tiêu chí", move || -> Result<_> {
            let (_, blocks) = crate::domain::plan_files::blocks(&bytes)?;
            Ok(tiendo_shared::import::criteria::criteria(&blocks)?)
        })
        .await??;
    Ok(Json(preview(imported)))
}

/// `POST /api/par/criteria` with a set (the corrected preview, an edited set).
async fn save_set(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<CriteriaInfo>> {
    access::may_keep_criteria(&auth.user)?;
    let set: CriteriaSet =
        crate::routes::body::json(body, &headers, MAX_BODY, "bộ tiêu chí").await?;
    tracing::info!(user = %auth.user.username, set = %set.id, "criteria set saved");
    Ok(Json(state.par.save_set(&auth.user, set).await?))
}

/// `POST /api/par/criteria/{id}/announce`.
async fn announce(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<CriteriaInfo>> {
    access::may_keep_criteria(&auth.user)?;
    let req: AnnounceRequest =
        crate::routes::body::json(body, &headers, MAX_BODY, "quyết định công bố").await?;
    Ok(Json(state.par.announce(&auth.user, &id, &req.basis).await?))
}

/// The context of an agency's year, for a reader allowed to read it.
async fn readable(
    state: &AppState,
    auth: &Authenticated,
    agency: &str,
    year: i32,
) -> Result<Context> {
    access::may_read_assessment(&auth.user, agency)?;
    Ok(state.par.context(agency, year).await?)
}

async fn answer(state: &AppState, agency: &str, year: i32) -> Result<Json<AssessmentView>> {
    let ctx = state.par.context(agency, year).await?;
    let current = ctx.current();
    Ok(Json(
        state
            .par
            .view_of(&ctx, &current, &rules(state)?, state.config.today())
            .await?,
    ))
}

/// `GET /api/par/assessments/{agency}/{year}`.
async fn assessment(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((agency, year)): Path<(String, i32)>,
) -> Result<Json<AssessmentView>> {
    readable(&state, &auth, &agency, year).await?;
    answer(&state, &agency, year).await
}

/// The context of an act on `agency`'s `year` and its body, read once `allowed` says the user
/// may act (before a byte of the body).
async fn act<T: serde::de::DeserializeOwned>(
    state: &AppState,
    allowed: crate::domain::error::Result<()>,
    (agency, year): (&str, i32),
    headers: &HeaderMap,
    body: Body,
    what: &str,
) -> Result<(Context, T)> {
    allowed?;
    let req = crate::routes::body::json(body, headers, MAX_BODY, what).await?;
    Ok((state.par.context(agency, year).await?, req))
}

/// Reads an office act's body after checking the office may act on `agency`.
async fn office_act<T: serde::de::DeserializeOwned>(
    state: &AppState,
    auth: &Authenticated,
    agency: &str,
    year: i32,
    headers: &HeaderMap,
    body: Body,
    what: &str,
) -> Result<(Context, T)> {
    let allowed = access::may_consolidate(&auth.user, agency);
    act(state, allowed, (agency, year), headers, body, what).await
}

/// `PUT …/assigned`.
async fn assign(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((agency, year)): Path<(String, i32)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<AssessmentView>> {
    let (ctx, req): (_, AssignRequest) =
        office_act(&state, &auth, &agency, year, &headers, body, "phân công").await?;
    state.par.assign(&auth.user, &ctx, &req).await?;
    answer(&state, &agency, year).await
}

/// `PUT …/office`.
async fn office_call(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((agency, year)): Path<(String, i32)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<AssessmentView>> {
    let (ctx, req): (_, OfficeCallRequest) = office_act(
        &state,
        &auth,
        &agency,
        year,
        &headers,
        body,
        "điểm văn phòng",
    )
    .await?;
    state.par.office_call(&auth.user, &ctx, &req).await?;
    answer(&state, &agency, year).await
}

/// `PUT …/added`.
async fn add(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((agency, year)): Path<(String, i32)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<AssessmentView>> {
    let (ctx, req): (_, AddRequest) = office_act(
        &state,
        &auth,
        &agency,
        year,
        &headers,
        body,
        "tài liệu bổ sung",
    )
    .await?;
    let addition = Addition {
        evidence: req.evidence,
        explanation: req.explanation,
    };
    state.par.add(&auth.user, &ctx, &req.code, addition).await?;
    answer(&state, &agency, year).await
}

/// `PUT …/proposals`.
async fn proposals(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((agency, year)): Path<(String, i32)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<AssessmentView>> {
    let (ctx, req): (_, ProposalsRequest) =
        office_act(&state, &auth, &agency, year, &headers, body, "kiến nghị").await?;
    state
        .par
        .write_proposals(&auth.user, &ctx, &req.text)
        .await?;
    answer(&state, &agency, year).await
}

/// `POST …/filing`: the head approves or sends.
async fn filing(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((agency, year)): Path<(String, i32)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<AssessmentView>> {
    access::may_file(&auth.user, &agency)?;
    let req: FilingRequest =
        crate::routes::body::json(body, &headers, MAX_BODY, "bước gửi").await?;
    let ctx = state.par.context(&agency, year).await?;
    state
        .par
        .file(&auth.user, &ctx, req.action, &req.digest)
        .await?;
    answer(&state, &agency, year).await
}

/// `GET …/{summary.xlsx|report.docx|evidence.zip}`: the assessment as it stands for the agency,
/// as last sent for the province.
async fn file(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((agency, year, file)): Path<(String, i32, String)>,
) -> Result<Response> {
    let ctx = readable(&state, &auth, &agency, year).await?;
    let shown = if auth.user.role.is_province() {
        ctx.record.last_sent().unwrap_or_else(|| ctx.current())
    } else {
        ctx.current()
    };
    let index = tiendo_shared::views::par_index::index(&ctx.set, &shown.marks());
    let unit_names = ctx
        .agency
        .units
        .iter()
        .map(|u| (u.id.clone(), u.name.clone()))
        .collect();
    let filing = crate::reports::par::Filing {
        set: &ctx.set,
        assessment: &shown,
        index: &index,
        agency_name: &ctx.agency.name,
        symbol: "",
        unit_names: &unit_names,
        approved: crate::domain::par::Par::approved(&ctx),
        as_of: state.config.today(),
    };
    let stem = format!("chi-so-cchc-{year}-{agency}");
    let (bytes, content_type, name) = match file.as_str() {
        "summary.xlsx" => (
            crate::reports::par::summary_xlsx(&filing)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("{stem}-bang-tong-hop.xlsx"),
        ),
        "report.docx" => (
            crate::reports::par::report_docx(&filing)?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            format!("{stem}-bao-cao.docx"),
        ),
        "evidence.zip" => {
            let trusted = state.par.trusted_files(&ctx, &shown).await?;
            let bytes =
                crate::reports::par::evidence_zip(&filing, state.library.store(), &|sha: &str| {
                    trusted.contains(sha)
                })
                .await?;
            (
                bytes,
                "application/zip",
                format!("{stem}-tai-lieu-kiem-chung.zip"),
            )
        }
        other => {
            return Err(AppError::NotFound(format!("tệp {other}")));
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                crate::reports::attachment(&name),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/par/appraisals/{agency}/{year}`.
async fn appraisal(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((agency, year)): Path<(String, i32)>,
) -> Result<Json<AppraisalView>> {
    let ctx = readable(&state, &auth, &agency, year).await?;
    Ok(Json(
        state
            .par
            .appraisal_view(&ctx, &rules(&state)?, state.config.today())
            .await?,
    ))
}

/// Reads an appraisal act's body after checking the user appraises.
async fn appraisal_act<T: serde::de::DeserializeOwned>(
    state: &AppState,
    auth: &Authenticated,
    agency: &str,
    year: i32,
    headers: &HeaderMap,
    body: Body,
    what: &str,
) -> Result<(Context, T)> {
    let allowed = access::may_appraise(&auth.user);
    act(state, allowed, (agency, year), headers, body, what).await
}

async fn appraisal_answer(
    state: &AppState,
    agency: &str,
    year: i32,
) -> Result<Json<AppraisalView>> {
    let ctx = state.par.context(agency, year).await?;
    Ok(Json(
        state
            .par
            .appraisal_view(&ctx, &rules(state)?, state.config.today())
            .await?,
    ))
}

/// `PUT /api/par/appraisals/{agency}/{year}/review`.
async fn review(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((agency, year)): Path<(String, i32)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<AppraisalView>> {
    let (ctx, req): (_, ReviewRequest) = appraisal_act(
        &state,
        &auth,
        &agency,
        year,
        &headers,
        body,
        "ý kiến thẩm định",
    )
    .await?;
    state.par.review(&auth.user, &ctx, req).await?;
    appraisal_answer(&state, &agency, year).await
}

/// `PUT /api/par/appraisals/{agency}/{year}/survey`.
async fn survey(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((agency, year)): Path<(String, i32)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<AppraisalView>> {
    let (ctx, req): (_, SurveyRequest) = appraisal_act(
        &state,
        &auth,
        &agency,
        year,
        &headers,
        body,
        "điểm điều tra",
    )
    .await?;
    state.par.survey(&auth.user, &ctx, req.scores).await?;
    appraisal_answer(&state, &agency, year).await
}

/// `PUT /api/par/appraisals/{agency}/{year}/council`.
async fn council(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((agency, year)): Path<(String, i32)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<AppraisalView>> {
    let (ctx, req): (_, Council) = appraisal_act(
        &state,
        &auth,
        &agency,
        year,
        &headers,
        body,
        "biên bản hội đồng",
    )
    .await?;
    state.par.council(&auth.user, &ctx, req).await?;
    appraisal_answer(&state, &agency, year).await
}

/// `GET /api/par/ranking/{criteria_id}`: the province always; an agency's people once announced
/// (then every agency of the group is listed, as the announcement publishes it).
async fn ranking(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(criteria_id): Path<String>,
) -> Result<Json<Ranking>> {
    let (_, set) = state.par.set(&criteria_id).await?;
    access::may_see_ranking(&auth.user, set.announced.is_some())?;
    Ok(Json(state.par.ranking(&criteria_id).await?))
}
