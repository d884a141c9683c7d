//! `/api`: health, plans, merged status, the province's roll-up. Everything but `/api/health` needs a session, and a
//! user sees only the plans of the agencies they may read.

use axum::extract::{Path, Query, State, rejection::QueryRejection};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tiendo_shared::api;
use tiendo_shared::model::{Date, PeriodKind};
use tiendo_shared::views::status::Summary;

use crate::AppState;
use crate::domain::access::{self, Access};
use crate::domain::library::PlanInfo;
use crate::error::{AppError, Result};
use crate::reports::{self, FileKind};
use crate::routes::auth::Authenticated;
use crate::store::{DocKind, DocRecord};

/// The catalogue record of plan `plan_id`, if `auth` may read it (else "not found", so plans of
/// other agencies do not reveal that they exist).
fn readable_plan(state: &AppState, auth: &Authenticated, plan_id: &str) -> Result<DocRecord> {
    state
        .library
        .catalogue()
        .all()
        .into_iter()
        .find(|d| d.kind == DocKind::Plan && d.plan_id.as_deref() == Some(plan_id))
        .filter(|d| state.catalogue.access(&auth.user, d) != Access::None)
        .ok_or_else(|| AppError::NotFound(format!("kế hoạch {plan_id}")))
}

/// The API routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/plans", get(plans).post(import_plan))
        .route("/plans/preview", axum::routing::post(preview_plan))
        .route("/plans/{id}", get(plan))
        .route("/plans/{id}/status", get(status))
        .route("/plans/{id}/year", get(year))
        .route("/plans/{id}/links", axum::routing::post(link_plan))
        .route("/plans/{id}/reports", get(generated_reports))
        .route("/plans/{id}/reports/{file}", get(report))
        .route("/plans/{id}/evidence/{file}", get(evidence_archive))
        .route("/province/rollup", get(province_rollup))
        .route("/province/rollup.xlsx", get(province_rollup_xlsx))
        .fallback(|| async { AppError::NotFound("API route".into()) })
}

#[derive(Debug, Deserialize)]
struct RollupQuery {
    year: Option<String>,
    period: Option<String>,
    as_of: Option<String>,
}

/// The province's roll-up for `auth` (see `crate::domain::province`): the plans of the year asked
/// (default: that of the day asked, else this year), for the period asked (default: the one the
/// province works on, [`tiendo_shared::views::status::working_period`]), each computed as of the day
/// asked or else by its own rule ([`tiendo_shared::views::status::as_of()`]); and how many agencies'
/// rows had to be recomputed (the rest were kept: their documents had not changed).
async fn rollup_for(
    state: &AppState,
    auth: &Authenticated,
    query: std::result::Result<Query<RollupQuery>, QueryRejection>,
) -> Result<(tiendo_shared::views::province::Rollup, usize)> {
    access::may_see_province(&auth.user)?;
    let Query(q) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let picked = q
        .as_of
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(str::parse::<Date>)
        .transpose()?;
    let year = q
        .year
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|y| {
            y.trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (1900..=9999).contains(y))
                .ok_or_else(|| {
                    AppError::BadRequest(format!("năm không hợp lệ: {y} (ví dụ year=2025)"))
                })
        })
        .transpose()?;
    let period = q
        .period
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(str::parse::<PeriodKind>)
        .transpose()?;
    let ask = crate::domain::province::Ask::new(year, period, picked, state.config.today());
    let rules = crate::domain::province::Rules {
        score: state.config.score.clone(),
        plan_deadline: state.config.province.plan_deadline()?,
    };
    let user = auth.user.clone();
    let catalogue = state.catalogue.clone();
    let (rollup, computed) = state
        .library
        .rollups()
        .get(
            &state.library,
            move |d| catalogue.access(&user, d) != Access::None,
            ask,
            &rules,
        )
        .await?;
    tracing::debug!(agencies = rollup.rows.len(), computed, "province roll-up");
    Ok((rollup, computed))
}

/// `GET /api/province/rollup?year=2025&period=q1&as_of=YYYY-MM-DD`: one row per plan of that
/// year of an agency the user may read (province viewers and system administrators only);
/// `X-Tiendo-Recomputed` says how many rows were computed afresh.
async fn province_rollup(
    State(state): State<AppState>,
    auth: Authenticated,
    query: std::result::Result<Query<RollupQuery>, QueryRejection>,
) -> Result<Response> {
    let (rollup, computed) = rollup_for(&state, &auth, query).await?;
    Ok((
        [("x-tiendo-recomputed", computed.to_string())],
        Json(rollup),
    )
        .into_response())
}

/// `GET /api/province/rollup.xlsx?…`: the same roll-up as a spreadsheet.
async fn province_rollup_xlsx(
    State(state): State<AppState>,
    auth: Authenticated,
    query: std::result::Result<Query<RollupQuery>, QueryRejection>,
) -> Result<Response> {
    let (rollup, _) = rollup_for(&state, &auth, query).await?;
    let name = reports::province::file_name(&rollup);
    let bytes = tokio::task::spawn_blocking(move || reports::province::xlsx(&rollup))
        .await
        .map_err(|e| AppError::Interrupted(e.to_string()))??;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                FileKind::Xlsx.content_type().to_string(),
            ),
            (header::CONTENT_DISPOSITION, reports::attachment(&name)),
        ],
        bytes,
    )
        .into_response())
}

async fn health(State(state): State<AppState>) -> Result<Json<api::Health>> {
    let documents = state.catalogue.all().len();
    let schema = state.library.schema_version().await?;
    Ok(Json(api::Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        schema_version: schema,
        documents,
        sync_connections: state.peers.connection_count(),
        refused_writes: state.library.refused_writes_everywhere().await?,
    }))
}

async fn plans(State(state): State<AppState>, auth: Authenticated) -> Result<Json<Vec<PlanInfo>>> {
    let visible: Vec<String> = state
        .library
        .catalogue()
        .visible_to(&auth.user)
        .into_iter()
        .map(|(d, _)| d.doc_id)
        .collect();
    let mut plans = state.library.plans().await?;
    plans.retain(|p| visible.contains(&p.doc_id));
    Ok(Json(plans))
}

async fn plan(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<api::PlanAnswer>> {
    readable_plan(&state, &auth, &id)?;
    let (plan, org) = state.library.plan(&id).await?;
    let agency = org.agency(&plan.agency_id).cloned();
    Ok(Json(api::PlanAnswer { plan, agency }))
}

#[derive(Debug, Deserialize)]
struct StatusQuery {
    as_of: Option<String>,
    period: Option<String>,
}

/// The day the user picked, if any (`as_of=YYYY-MM-DD`; empty: none).
fn picked(q: Option<&str>) -> Result<Option<Date>> {
    Ok(q.filter(|s| !s.is_empty())
        .map(str::parse::<Date>)
        .transpose()?)
}

#[derive(Debug, Deserialize)]
struct ReportQuery {
    as_of: Option<String>,
}

/// `GET /api/plans/{id}/reports/{period}.docx|.xlsx?as_of=YYYY-MM-DD`: the period report or
/// its annex, as a download named by the plan's year, the period and the agency
/// ([`reports::file_name`]); `as_of` by default: [`reports::as_of`] (a past period as of its
/// deadline).
async fn report(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((id, file)): Path<(String, String)>,
    query: std::result::Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response> {
    readable_plan(&state, &auth, &id)?;
    access::may_see_merged(&auth.user)?;
    let Query(q) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let (period, kind) = FileKind::parse_name(&file)?;
    let data = state.library.plan_data(&id).await?;
    let as_of = reports::as_of(
        &data,
        Some(period),
        picked(q.as_of.as_deref())?,
        state.config.today(),
    )
    .day;
    let request = reports::Request {
        period,
        as_of,
        kinds: vec![kind],
        username: Some(auth.user.username.clone()),
    };
    let docs = crate::domain::documents::documents(&state.library, &data).await?;
    let (_, files) = state
        .reports
        .generate(data, docs, &state.config.score, &request)
        .await?;
    let reports::Generated { name, bytes, .. } = files
        .into_iter()
        .next()
        .ok_or_else(|| AppError::Interrupted("không tạo được tệp báo cáo".into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, kind.content_type().to_string()),
            (header::CONTENT_DISPOSITION, reports::attachment(&name)),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/plans/{id}/evidence/{period}.zip?as_of=YYYY-MM-DD`: "Hồ sơ minh chứng", the
/// evidence files the units' reports name for the period with their index sheet, as of the day
/// the reports are ([`reports::as_of`]). Same roles as the reports.
async fn evidence_archive(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((id, file)): Path<(String, String)>,
    query: std::result::Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response> {
    readable_plan(&state, &auth, &id)?;
    access::may_see_merged(&auth.user)?;
    let Query(q) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let period = file
        .strip_suffix(".zip")
        .and_then(|p| p.parse::<tiendo_shared::model::PeriodKind>().ok())
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "không có hồ sơ {file}: dùng q1.zip, h1.zip, q3.zip hoặc year.zip"
            ))
        })?;
    let data = state.library.plan_data(&id).await?;
    let as_of = reports::as_of(
        &data,
        Some(period),
        picked(q.as_of.as_deref())?,
        state.config.today(),
    )
    .day;
    let name = reports::evidence::file_name(
        data.plan.effective_year().unwrap_or(as_of.year()),
        period,
        &reports::named_agency(&data),
    );
    let bytes = state.reports.evidence(&data, period, as_of).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, reports::attachment(&name)),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /api/plans/{id}/reports`: the reports generated so far (for the reporting calendar)
/// and the score thresholds in force (for the dashboard's plan-completion score).
async fn generated_reports(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<api::ReportsAnswer>> {
    readable_plan(&state, &auth, &id)?;
    access::may_see_merged(&auth.user)?;
    let generated = state.library.generated_reports(&id).await?;
    let docs: Vec<String> = state
        .library
        .catalogue()
        .all()
        .into_iter()
        .filter(|d| d.plan_id.as_deref() == Some(id.as_str()))
        .map(|d| d.doc_id)
        .collect();
    let received = state.library.receipts(&docs).await?;
    Ok(Json(api::ReportsAnswer {
        score_rule: state.config.score.clone(),
        generated,
        received,
    }))
}

/// The body of an import: a plan file (.docx, .xlsx or text, told from the content), or with
/// `Content-Type: application/json` a draft the office corrected in the preview. Read only once
/// the caller has checked the role ([`access::may_import_plans`]), within
/// `limits.max_plan_file_bytes`, and parsed on a blocking thread behind the parsing permits
/// ([`crate::domain::parsing`]), within `plan_files::Bounds`.
async fn plan_from_body(
    state: &AppState,
    headers: &HeaderMap,
    body: axum::body::Body,
) -> Result<(String, tiendo_shared::import::Imported)> {
    let limit = state.config.limits.max_plan_file_bytes;
    let bytes = crate::routes::body::read(body, headers, limit, "tệp kế hoạch").await?;
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let options = state.config.import;
    state
        .parsers
        .run(
            "tệp kế hoạch",
            move || -> Result<(String, tiendo_shared::import::Imported)> {
                if json {
                    let draft: tiendo_shared::import::Imported = serde_json::from_slice(&bytes)
                        .map_err(|e| {
                            AppError::BadRequest(format!("bản nháp kế hoạch không đọc được: {e}"))
                        })?;
                    draft.check()?;
                    return Ok(("bản nháp".into(), draft));
                }
                let (format, imported) = crate::domain::plan_files::import_with(&bytes, &options)?;
                Ok((format.name().to_string(), imported))
            },
        )
        .await?
}

/// `POST /api/plans/preview` with a plan file: what the importer makes of it, not saved (the
/// office's import screen shows it as a table to correct before saving).
async fn preview_plan(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Json<api::ImportPreview>> {
    access::may_import_plans(&auth.user)?;
    let (format, draft) = plan_from_body(&state, &headers, body).await?;
    access::may_import(&auth.user, &draft)?;
    let new_units = state.library.new_units(&draft).await?;
    Ok(Json(api::ImportPreview {
        format,
        draft,
        new_units,
    }))
}

/// `POST /api/plans` with a plan file or a corrected draft (see [`plan_from_body`]): imports it
/// like `tiendo import`. Answers the new plan's id, its task count and what the importer could
/// not place.
/// `POST /api/plans`'s query: the plan replaces another from a day (a mid-year plan).
#[derive(Debug, Default, serde::Deserialize)]
struct ImportQuery {
    replaces: Option<String>,
    from: Option<String>,
    #[serde(default)]
    basis: String,
}

async fn import_plan(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    query: std::result::Result<Query<ImportQuery>, QueryRejection>,
    body: axum::body::Body,
) -> Result<(axum::http::StatusCode, Json<api::ImportAnswer>)> {
    access::may_import_plans(&auth.user)?;
    let Query(q) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let (format, imported) = plan_from_body(&state, &headers, body).await?;
    access::may_import(&auth.user, &imported)?;
    let report = match q.replaces.as_deref().filter(|r| !r.is_empty()) {
        Some(replaces) => {
            let old = readable_plan(&state, &auth, replaces)?;
            let catalogue = &state.catalogue;
            access::may_link(
                &auth.user,
                tiendo_shared::model::links::LinkKind::Replaces,
                Access::Write,
                catalogue.access(&auth.user, &old),
            )?;
            let from: Date = q
                .from
                .as_deref()
                .ok_or_else(|| {
                    AppError::BadRequest("kế hoạch thay thế cần ngày áp dụng (from)".into())
                })?
                .parse()?;
            let basis = tiendo_shared::model::lineage::Basis {
                number: q.basis.trim().to_string(),
                date: imported.plan.date,
            };
            state
                .library
                .import_replacement(imported, replaces, from, basis, &auth.user.username)
                .await?
        }
        None => {
            // What it continues of the year before: checked or matched before anything is stored.
            let previous =
                crate::routes::next_year::previous_of(&state, &auth, &imported.plan).await?;
            let report = state.library.import(imported, &auth.user.username).await?;
            if let Some(p) = &previous {
                crate::routes::next_year::record(&state, &report.plan_id, p).await?;
            }
            report
        }
    };
    tracing::info!(plan = %report.plan_id, user = %auth.user.username, format, "plan imported through the API");
    Ok((
        axum::http::StatusCode::CREATED,
        Json(api::ImportAnswer {
            plan_id: report.plan_id,
            plan_doc: report.plan_doc,
            tasks: report.tasks,
            unplaced: report.unplaced,
        }),
    ))
}

/// `GET /api/plans/{id}/year?period=…&as_of=…`: the year's figures over the plan and those it
/// continues (`shared::year`), for those who see the merged status; without `as_of`, as of the
/// plan's rule ([`tiendo_shared::views::status::as_of()`]: a period or a year that is over, as of its
/// report deadline), the answer saying which day and whether it is closed.
async fn year(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    query: std::result::Result<Query<StatusQuery>, QueryRejection>,
) -> Result<Json<tiendo_shared::views::year::Year>> {
    let rec = readable_plan(&state, &auth, &id)?;
    access::may_see_merged(&auth.user)?;
    let Query(q) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let picked = picked(q.as_of.as_deref())?;
    let asked = q
        .period
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(str::parse::<PeriodKind>)
        .transpose()?;
    let period = asked.unwrap_or(PeriodKind::Year);
    // The plan and its configured deadlines, from the reading kept of its document.
    let plan = crate::domain::documents::DocReader::reading::<tiendo_shared::model::Plan>(
        &state.library,
        &rec.doc_id,
    )
    .await?;
    let rule = match picked {
        Some(day) => tiendo_shared::views::status::AsOf::picked(day),
        None => tiendo_shared::views::status::as_of(
            &plan.model,
            asked,
            &plan.steps.configured(period),
            state.config.today(),
        ),
    };
    let mut year = state.library.year(&id, period, rule.day).await?;
    year.as_of = Some(rule.day);
    year.closed = rule.closed && !rule.picked;
    year.note = rule.note(plan.model.effective_year(), asked);
    Ok(Json(year))
}

/// `POST /api/plans/{id}/links`: records that the plan continues another's year
/// ([`api::LinkRequest`]); answers the year's plans as then linked.
async fn link_plan(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    body: std::result::Result<Json<api::LinkRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Vec<tiendo_shared::model::links::PlanLink>>> {
    let Json(req) = body.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    let catalogue = &state.catalogue;
    let own = readable_plan(&state, &auth, &id)?;
    let other = state.library.plan_doc_record(&req.plan_id)?;
    access::may_link(
        &auth.user,
        req.kind,
        catalogue.access(&auth.user, &own),
        catalogue.access(&auth.user, &other),
    )?;
    let link = tiendo_shared::model::links::PlanLink {
        id: tiendo_shared::workflow::step_id(
            &auth.user.username,
            crate::unix_now() * 1000,
            rand::random(),
        ),
        kind: req.kind,
        plan_id: req.plan_id,
        from: req.from,
        basis: tiendo_shared::model::lineage::Basis {
            number: req.basis_number.trim().to_string(),
            date: req.basis_date,
        },
        by: auth.user.username.clone(),
    };
    state.library.link_plan(&id, &link).await?;
    tracing::info!(plan = %id, linked = %link.plan_id, kind = link.kind.as_str(), "plans linked");
    Ok(Json(state.library.plan(&id).await?.0.links))
}

/// `GET /api/plans/{id}/status?period=…&as_of=…`: the merged status; without `as_of`, as of
/// the plan's rule ([`reports::as_of`]), the answer saying which day and whether it is closed.
async fn status(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    query: std::result::Result<Query<StatusQuery>, QueryRejection>,
) -> Result<Json<Summary>> {
    readable_plan(&state, &auth, &id)?;
    // The merged status shows every unit's progress: for those who may read all of it.
    access::may_see_merged(&auth.user)?;
    let Query(q) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let picked = picked(q.as_of.as_deref())?;
    let period = q
        .period
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(str::parse::<PeriodKind>)
        .transpose()?;
    // Without a day picked, a past period (or a year that is over) as of its report deadline.
    let data = state.library.plan_data(&id).await?;
    let rule = reports::as_of(&data, period, picked, state.config.today());
    let summary = data.status(rule.day, period)?;
    Ok(Json(summary.with_as_of(&rule, data.plan.effective_year())))
}
