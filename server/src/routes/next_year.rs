//! `/api/plans/{id}/next-year`, `/api/plans/{id}/previous-year` and what a plan import records
//! of the year before: next year's plan drafted from this one, and a new year's plan set beside
//! the last (`shared::next_year`).
//!
//! Stage: *API*, over the [`Library`](crate::domain::library::Library). The draft is not stored: the
//! office corrects it in the import preview and saves it through `POST /api/plans` like any
//! plan; that import records what the plan continues ([`previous_of`], [`record`]) — the
//! draft's own claim checked against the stored plans, or, for a plan read from a file, its
//! tasks matched by title to the agency's plan of the year before.

use axum::extract::{Path, Query, State, rejection::QueryRejection};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tiendo_shared::model::previous::{self, Previous};
use tiendo_shared::model::{Date, PeriodKind, Plan};
use tiendo_shared::views::next_year::{self, Comparison, Draft};

use crate::AppState;
use crate::domain::access::{self, Access};
use crate::error::{AppError, Result};
use crate::routes::auth::Authenticated;
use crate::store::DocKind;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/next-year", get(draft))
        .route("/plans/{id}/previous-year", get(previous_year))
        .route("/plans/{id}/revisions", axum::routing::post(revise))
}

/// `POST /api/plans/{id}/revisions` with a `shared::revision::Request`: a mid-year revision
/// ("Kế hoạch điều chỉnh, bổ sung") applied to the plan from its day — tasks added, leads and
/// timelines changed, each with what it was — and recorded with its legal basis; the status of
/// a day before it reads the plan as it stood then ([`tiendo_shared::model::revision::plan_on`]). For
/// whoever writes the plan (its agency's central office, system administrators), checked
/// before the body is read. Answers the plan's revisions.
async fn revise(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<Json<Vec<tiendo_shared::model::revision::Revision>>> {
    let rec = state.library.plan_doc_record(&id)?;
    match state.catalogue.access(&auth.user, &rec) {
        Access::Write => {}
        Access::None => return Err(AppError::NotFound(format!("kế hoạch {id}"))),
        _ => {
            return Err(AppError::Forbidden(
                "chỉ đầu mối tổng hợp của cơ quan điều chỉnh được kế hoạch".into(),
            ));
        }
    }
    let bytes =
        crate::routes::body::read(body, &headers, 256 * 1024, "điều chỉnh kế hoạch").await?;
    let request: tiendo_shared::edit::revise::Request = serde_json::from_slice(&bytes)
        .map_err(|e| AppError::BadRequest(format!("điều chỉnh kế hoạch không đọc được: {e}")))?;
    let (_, org) = state.library.plan(&id).await?;
    let handle = state.library.handle(&rec.doc_id).await?;
    let by = auth.user.username.clone();
    let at = crate::unix_now() * 1000;
    let rev_id = tiendo_shared::workflow::step_id(&by, at, rand::random());
    let revisions = handle.with_document(
        |d| -> Result<Vec<tiendo_shared::model::revision::Revision>> {
            let mut plan: Plan = tiendo_shared::model::doc::read(d)?;
            let agency = org
                .agency(&plan.agency_id)
                .ok_or_else(|| AppError::NotFound(format!("cơ quan {}", plan.agency_id)))?;
            let (revision, _) = tiendo_shared::edit::revise::revise(
                &mut plan,
                agency,
                &request,
                (&rev_id, &by, at),
            )
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
            tiendo_shared::model::doc::update::<Plan, _>(
                d,
                &by,
                tiendo_shared::model::doc::UnixTime(at / 1000),
                |p| *p = plan.clone(),
            )?;
            tiendo_shared::model::revision::record(d, &revision)
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            Ok(tiendo_shared::model::doc::read::<Plan, _>(d)?.revisions)
        },
    )?;
    tracing::info!(plan = %id, user = %by, revision = %rev_id, "mid-year revision applied");
    Ok(Json(revisions))
}

/// Whether `auth` may read plan `plan_id` (else "not found", as for every plan route).
fn readable(state: &AppState, auth: &Authenticated, plan_id: &str) -> Result<()> {
    let rec = state.library.plan_doc_record(plan_id)?;
    if state.catalogue.access(&auth.user, &rec) == Access::None {
        return Err(AppError::NotFound(format!("kế hoạch {plan_id}")));
    }
    Ok(())
}

/// The stored plans of agency `agency_id`.
async fn plans_of(state: &AppState, agency_id: &str) -> Result<Vec<Plan>> {
    let mut out = Vec::new();
    for rec in state.catalogue.all() {
        if rec.kind != DocKind::Plan || rec.agency_id != agency_id {
            continue;
        }
        if let Some(id) = &rec.plan_id
            && let Ok((plan, _)) = state.library.plan(id).await
        {
            out.push(plan);
        }
    }
    Ok(out)
}

/// `GET /api/plans/{id}/next-year`: "Lập kế hoạch năm N+1 từ kế hoạch năm N" — the draft
/// ([`next_year::draft`]), for those who may import the agency's plans. Refused when the agency
/// already has a plan for that year.
async fn draft(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Draft>> {
    readable(&state, &auth, &id)?;
    access::may_import_plans(&auth.user)?;
    let (plan, org) = state.library.plan(&id).await?;
    let mut out = next_year::draft(&plan, &org)?;
    access::may_import(&auth.user, &out.draft)?;
    // The points the PAR index lost this year, once final, become tasks of the draft.
    if let Some(year) = plan.effective_year()
        && let Some(r) = state.par.remediation(&plan.agency_id, year).await?
        && !r.lost.is_empty()
    {
        let agency = out.draft.agency().clone();
        let office = if r.office.is_empty() {
            agency
                .units
                .first()
                .map(|u| u.name.clone())
                .unwrap_or_default()
        } else {
            r.office.clone()
        };
        let (ids, warnings) = tiendo_shared::views::next_year::remediation::add_remediation(
            &mut out.draft.plan,
            &agency,
            year,
            &r.lost,
            &r.leads,
            &office,
        )?;
        out.notes.push(format!(
            "Thêm {} nhiệm vụ khắc phục các điểm bị trừ của Chỉ số CCHC năm {year}",
            ids.len()
        ));
        out.notes.extend(warnings);
    }
    let year = out.draft.plan.year;
    if let Some(existing) = plans_of(&state, &plan.agency_id)
        .await?
        .into_iter()
        .find(|p| p.effective_year() == year)
    {
        return Err(AppError::Conflict(format!(
            "cơ quan đã có kế hoạch năm {} ({}): không lập bản nháp mới",
            year.unwrap_or_default(),
            existing.id
        )));
    }
    tracing::info!(plan = %id, user = %auth.user.username, carried = out.carried.len(), one_off = out.one_off.len(), "next year's plan drafted");
    Ok(Json(out))
}

/// What a plan about to be imported continues: for a draft that names its previous plan, that
/// claim checked (a stored plan the user may read, of the same agency and the year before; the
/// task pairs kept where both tasks exist); otherwise the agency's plan of the year before, its
/// tasks matched by title ([`next_year::match_tasks`]); none when the agency has no such plan.
pub async fn previous_of(
    state: &AppState,
    auth: &Authenticated,
    plan: &Plan,
) -> Result<Option<Previous>> {
    let Some(year) = plan.effective_year() else {
        return Ok(None);
    };
    let by = auth.user.username.clone();
    if let Some(claimed) = &plan.previous {
        let refused = |why: &str| {
            AppError::BadRequest(format!(
                "bản nháp ghi tiếp nối kế hoạch {}, nhưng {why}",
                claimed.plan_id
            ))
        };
        readable(state, auth, &claimed.plan_id).map_err(|_| refused("không có kế hoạch đó"))?;
        let (last, _) = state.library.plan(&claimed.plan_id).await?;
        if last.agency_id != plan.agency_id || last.effective_year() != Some(year - 1) {
            return Err(refused(&format!(
                "đó không phải kế hoạch năm {} của cơ quan",
                year - 1
            )));
        }
        let tasks = claimed
            .tasks
            .iter()
            .filter(|c| plan.task(&c.task_id).is_some() && last.task(&c.previous_task).is_some())
            .cloned()
            .collect();
        return Ok(Some(Previous {
            tasks,
            by,
            ..claimed.clone()
        }));
    }
    let candidates: Vec<Plan> = plans_of(state, &plan.agency_id)
        .await?
        .into_iter()
        .filter(|p| p.effective_year() == Some(year - 1) && p.id != plan.id)
        .collect();
    // A year replaced mid-year continues in its replacement: the plan no other one replaces.
    let replaced: Vec<&str> = candidates
        .iter()
        .flat_map(|p| p.links.iter().map(|l| l.plan_id.as_str()))
        .collect();
    let Some(last) = candidates
        .iter()
        .find(|p| !replaced.contains(&p.id.as_str()))
        .or(candidates.first())
    else {
        return Ok(None);
    };
    Ok(Some(Previous {
        plan_id: last.id.clone(),
        drafted: false,
        tasks: next_year::match_tasks(last, plan),
        by,
    }))
}

/// Records in plan `plan_id`'s document that it continues `previous`.
pub async fn record(state: &AppState, plan_id: &str, previous: &Previous) -> Result<()> {
    let rec = state.library.plan_doc_record(plan_id)?;
    let handle = state.library.handle(&rec.doc_id).await?;
    let at = crate::unix_now() * 1000;
    handle.with_document(|d| previous::record(d, previous, at))?;
    tracing::info!(plan = %plan_id, previous = %previous.plan_id, tasks = previous.tasks.len(), "plan continues the year before");
    Ok(())
}

#[derive(Debug, Deserialize)]
struct ComparisonQuery {
    as_of: Option<String>,
}

/// `GET /api/plans/{id}/previous-year?as_of=…`: each area of the plan (as of the day asked,
/// default today) beside the same area of the plan it continues, computed as of that plan's
/// annual deadline (`shared::status::as_of`); for those who see the merged status.
async fn previous_year(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    query: std::result::Result<Query<ComparisonQuery>, QueryRejection>,
) -> Result<Json<Comparison>> {
    readable(&state, &auth, &id)?;
    access::may_see_merged(&auth.user)?;
    let Query(q) = query.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let today = crate::today();
    let as_of = match q.as_of.as_deref() {
        Some(s) => s.parse::<Date>()?,
        None => today,
    };
    let data = state.library.plan_data(&id).await?;
    let previous = data.plan.previous.clone().ok_or_else(|| {
        AppError::NotFound(format!("kế hoạch năm trước của {id} (kế hoạch không ghi)"))
    })?;
    readable(&state, &auth, &previous.plan_id)?;
    let current = data.status(as_of, None)?;
    let last = state.library.plan_data(&previous.plan_id).await?;
    let when = tiendo_shared::views::status::as_of(
        &last.plan,
        None,
        &last.plan_steps.configured(PeriodKind::Year),
        today,
    );
    let last_year = last.status(when.day, None)?;
    Ok(Json(next_year::compare(
        &data.plan, &current, &last.plan, &last_year, when,
    )))
}
