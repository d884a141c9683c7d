//! Bundle files over HTTP ([`crate::domain::bundles`]): a tablet registers the key it signs bundles with
//! (`POST /api/devices`), the office uploads a unit's bundle (`POST /api/bundles`, the body is
//! the file) and downloads a starter bundle for a new tablet
//! (`GET /api/bundles/starter?unit=…&plan=…`).
//!
//! Stage: *API*, in front of [`crate::domain::bundles`].

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tiendo_shared::api::{BundleReport, DeviceKey};

use super::auth::Authenticated;
use crate::AppState;
use crate::error::{AppError, Result};
use crate::store::keys::Registered;

/// The bundle routes (under `/api`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/devices", post(register_device))
        .route("/bundles", post(import))
        .route("/bundles/starter", get(starter))
}

/// `POST /api/devices`: the signed-in user's tablet registers its bundle key.
async fn register_device(
    State(state): State<AppState>,
    auth: Authenticated,
    Json(device): Json<DeviceKey>,
) -> Result<StatusCode> {
    let key: [u8; 32] = hex::decode(device.public_key.trim())
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| AppError::BadRequest("public_key phải là 64 chữ số hệ 16".into()))?;
    if ed25519_dalek::VerifyingKey::from_bytes(&key).is_err() {
        return Err(AppError::BadRequest(
            "public_key không phải khoá Ed25519".into(),
        ));
    }
    let now_ms = crate::unix_now() * 1000;
    match state
        .accounts
        .register_device_key(auth.user.id, key, &device.label, now_ms)
        .await?
    {
        Registered::Yours => Ok(StatusCode::NO_CONTENT),
        Registered::Taken => Err(AppError::Conflict(
            "khoá này đã được đăng ký cho tài khoản khác".into(),
        )),
    }
}

/// `POST /api/bundles`: the office imports a unit's bundle; answers what was applied, already
/// known and refused ([`BundleReport`]). The role is checked before a byte of the file is read;
/// the file is read within `limits.max_bundle_bytes` and opened on a blocking thread behind the
/// parsing permits ([`crate::domain::parsing`]), within `tiendo_shared::bundle::Bounds`.
async fn import(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<BundleReport>> {
    crate::domain::access::may_import_bundles(&auth.user)?;
    let limit = state.config.limits.max_bundle_bytes;
    let bytes = super::body::read(body, &headers, limit, "gói dữ liệu").await?;
    let opened = state
        .parsers
        .run("gói dữ liệu", move || {
            tiendo_shared::bundle::open(&bytes)
        })
        .await??;
    let (opened, author) = crate::domain::bundles::author(&state.library, opened).await?;
    crate::domain::access::may_import_bundle(&auth.user, &author)?;
    let report = crate::domain::bundles::import(
        &state.library,
        opened,
        &author,
        state.config.limits.max_file_bytes,
    )
    .await?;
    tracing::info!(importer = %auth.user.username, author = %author.username, summary = %report.summary(), "bundle uploaded");
    Ok(Json(report))
}

/// `GET /api/bundles/starter`'s query.
#[derive(Debug, serde::Deserialize)]
struct StarterQuery {
    /// The unit.
    unit: String,
    /// The plan (default: the agency's first).
    #[serde(default)]
    plan: String,
    /// The agency (default: the user's own).
    #[serde(default)]
    agency: String,
}

/// `GET /api/bundles/starter?unit=…`: a starter bundle for a new tablet of the unit, for the
/// unit's central office (or a system administrator).
async fn starter(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(q): Query<StarterQuery>,
) -> Result<Response> {
    let agency = if q.agency.is_empty() {
        auth.user.agency_id.clone().unwrap_or_default()
    } else {
        q.agency.clone()
    };
    crate::domain::access::may_make_starter(&auth.user, &agency)?;
    let bytes = crate::domain::bundles::starter(
        &state.library,
        &agency,
        &q.unit,
        &q.plan,
        &auth.user.username,
        crate::unix_now() * 1000,
    )
    .await?;
    let name = format!(
        "khoi-tao_{}_{}.tiendo",
        tiendo_shared::model::text::slug(&q.unit),
        crate::today()
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.tiendo.bundle".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
