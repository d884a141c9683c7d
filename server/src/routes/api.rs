//! `/api`: health, plans, merged status.

use axum::extract::{Path, Query, State, rejection::QueryRejection};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use tiendo_shared::status::Summary;
use tiendo_shared::{Date, PeriodKind};

use crate::AppState;
use crate::error::{Error, Result};
use crate::library::PlanInfo;

/// The API routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/plans", get(plans))
        .route("/plans/{id}", get(plan))
        .route("/plans/{id}/status", get(status))
        .fallback(|| async { Error::NotFound("API route".into()) })
}

async fn health(State(state): State<AppState>) -> Result<Json<serde_json::Value>> {
    let documents = state.library.store().documents().await?.len();
    let schema = state.library.store().schema_version().await?;
    Ok(Json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "schema_version": schema,
        "documents": documents,
    })))
}

async fn plans(State(state): State<AppState>) -> Result<Json<Vec<PlanInfo>>> {
    Ok(Json(state.library.plans().await?))
}

async fn plan(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>> {
    let (plan, org) = state.library.plan(&id).await?;
    let agency = org.agency(&plan.agency_id).cloned();
    Ok(Json(serde_json::json!({ "plan": plan, "agency": agency })))
}

#[derive(Debug, Deserialize)]
struct StatusQuery {
    as_of: Option<String>,
    period: Option<String>,
}

async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: std::result::Result<Query<StatusQuery>, QueryRejection>,
) -> Result<Json<Summary>> {
    let Query(q) = query.map_err(|e| Error::BadRequest(e.body_text()))?;
    let as_of = match q.as_of.as_deref() {
        Some(s) => s.parse::<Date>()?,
        None => crate::today(),
    };
    let period = q
        .period
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(str::parse::<PeriodKind>)
        .transpose()?;
    Ok(Json(state.library.status(&id, as_of, period).await?))
}
