//! Sign-in for the API and the sync socket: `POST /api/login`, `POST /api/logout`, `GET /api/me`,
//! and the extraction of the [`Authenticated`] caller (the domain's type) every protected route
//! takes.
//!
//! A session token travels as the `tiendo_session` cookie (browsers: `HttpOnly`,
//! `SameSite=Strict`, so the PWA's same-origin WebSocket carries it too) or as
//! `Authorization: Bearer <token>` (tools and native clients).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::get, routing::post};
use tiendo_shared::api;

use crate::AppState;
use crate::domain::DomainError;
use crate::domain::accounts::User;
pub use crate::domain::session::{Authenticated, doc_refs};
use crate::error::{AppError, Result};

/// The session cookie's name.
pub const COOKIE: &str = "tiendo_session";

/// The session token of a request: bearer header first, then the cookie.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        && let Some(t) = v.strip_prefix("Bearer ")
    {
        return Some(t.trim().to_string());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim().to_string())
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let token = session_token(&parts.headers)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| AppError::Unauthorized("cần đăng nhập".to_string()))?;
        let user = match state.accounts.authenticate(&token).await {
            // Disabled: by an organisation change, the tablet is told what happened to its unit.
            Err(DomainError::AccountDisabled(user)) => {
                return Err(state.library.refused(&user).await.into());
            }
            other => other?,
        };
        // An organisation change that came into effect since moves (or disables) the account.
        let user = state.library.current_user(user).await?;
        tracing::Span::current().record("user", user.username.as_str());
        Ok(Authenticated {
            user,
            session: crate::domain::accounts::token_hash(&token),
            token,
        })
    }
}

/// The client's address (for the login throttle).
pub(crate) fn client_addr(parts_ext: &axum::http::Extensions) -> IpAddr {
    parts_ext
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// The auth routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/bootstrap", get(bootstrap))
}

/// The request reached us over TLS: the server itself speaks plain HTTP, so TLS ends at a reverse
/// proxy that says so with `X-Forwarded-Proto: https` (or `Forwarded: proto=https`). Trusting it
/// can only add `Secure` to the cookie, which never weakens it.
fn over_tls(headers: &HeaderMap) -> bool {
    let value = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default()
    };
    value("x-forwarded-proto").split(',').next().map(str::trim) == Some("https")
        || value("forwarded")
            .split([';', ','])
            .any(|p| p.trim() == "proto=https")
}

/// The session cookie's attributes: always `HttpOnly` and `SameSite=Strict`, `Secure` over TLS.
fn cookie_attributes(headers: &HeaderMap) -> &'static str {
    if over_tls(headers) {
        "Path=/; HttpOnly; SameSite=Strict; Secure"
    } else {
        "Path=/; HttpOnly; SameSite=Strict"
    }
}

async fn login(State(state): State<AppState>, request: axum::extract::Request) -> Result<Response> {
    let from = client_addr(request.extensions());
    let attributes = cookie_attributes(request.headers());
    let body: std::result::Result<Json<api::LoginRequest>, JsonRejection> =
        <Json<api::LoginRequest> as axum::extract::FromRequest<AppState>>::from_request(
            request, &state,
        )
        .await;
    let Json(body) = body.map_err(|e| AppError::rejected(e.status(), e.body_text()))?;
    let verified = state
        .accounts
        .check(&body.username, &body.password, from)
        .await?;
    // An organisation change that came into effect since moves (or closes) the account; a
    // closed one is answered as a wrong password (the tablet already signed in is told why).
    let user = match state.library.current_user(verified.user.clone()).await {
        Ok(user) => user,
        Err(DomainError::Unauthorized(_)) => {
            return Err(state.accounts.refuse(verified).await.into());
        }
        Err(e) => return Err(e.into()),
    };
    let session = state.accounts.open(verified, user).await?;
    let max_age = state.accounts.session_lifetime().as_secs();
    let cookie = format!(
        "{COOKIE}={}; {attributes}; Max-Age={max_age}",
        session.token
    );
    let body = api::LoginAnswer {
        token: session.token.clone(),
        expires_at: session.expires_at,
        user: (&session.user).into(),
    };
    let mut resp = Json(body).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| AppError::BadRequest(e.to_string()))?,
    );
    Ok(resp)
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Authenticated,
) -> Result<Response> {
    state.accounts.logout(&auth.token).await?;
    state.peers.end_session(&auth.session);
    tracing::info!(user = %auth.user.username, "signed out");
    let mut resp = Json(api::LogoutAnswer { ok: true }).into_response();
    let cleared = format!("{COOKIE}=; {}; Max-Age=0", cookie_attributes(&headers));
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cleared).map_err(|e| AppError::BadRequest(e.to_string()))?,
    );
    Ok(resp)
}

async fn me(State(state): State<AppState>, auth: Authenticated) -> Result<Json<api::Me>> {
    Ok(Json(me_of(&state, &auth.user).await?))
}

/// `GET /api/bootstrap`'s query.
#[derive(Debug, serde::Deserialize)]
struct BootstrapQuery {
    /// The plan (default: the user's first).
    #[serde(default)]
    plan: String,
}

/// `GET /api/bootstrap?plan=…`: the documents that show the plan to this user, saved whole, in
/// one CBOR answer ([`api::Bootstrap`]) — a first visit's data without sync round trips. Only
/// documents `/api/me` lists for the user are ever in it.
async fn bootstrap(
    State(state): State<AppState>,
    auth: Authenticated,
    axum::extract::Query(query): axum::extract::Query<BootstrapQuery>,
) -> Result<Response> {
    let me = me_of(&state, &auth.user).await?;
    // No plan asked: the one the app opens first (this year's, `status::default_plan`).
    let plan = if query.plan.is_empty() {
        let mine: Vec<String> = me.plans().into_iter().map(|(id, _)| id).collect();
        let plans: Vec<api::PlanInfo> = state
            .library
            .plans()
            .await?
            .into_iter()
            .filter(|p| mine.contains(&p.id))
            .collect();
        tiendo_shared::views::status::default_plan(&plans, |p| p.year, state.config.today())
            .map(|p| p.id.clone())
            .unwrap_or_default()
    } else {
        query.plan.clone()
    };
    let wanted = me
        .plan_documents(&plan)
        .map_err(|e| AppError::NotFound(e.to_string()))?;
    let mut documents = Vec::new();
    for doc_id in wanted.ids() {
        documents.push(api::BootDocument {
            doc_id: doc_id.to_string(),
            bytes: state.library.saved(doc_id).await?,
        });
    }
    let body = api::Bootstrap {
        plan_id: wanted.plan.plan_id.clone().unwrap_or_default(),
        documents,
    }
    .encode();
    Ok((
        [
            (header::CONTENT_TYPE, "application/cbor"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

/// What `/api/me` answers for `user`.
async fn me_of(state: &AppState, user: &User) -> Result<api::Me> {
    let agencies = state.library.agencies().await?;
    let agency = user
        .agency_id
        .as_deref()
        .and_then(|id| agencies.iter().find(|a| a.id == id));
    let unit = agency
        .zip(user.unit_id.as_deref())
        .and_then(|(a, u)| a.unit(u));
    let documents = doc_refs(&state.library, user);
    // Who is who, to name the authors of changes in the task history.
    let people: Vec<api::Person> = state
        .accounts
        .users()
        .await?
        .into_iter()
        .filter(|u| crate::domain::access::sees_people_of(user, u))
        .map(|u| api::Person {
            username: u.username,
            display_name: u.display_name,
            unit_id: u.unit_id,
        })
        .collect();
    Ok(api::Me {
        user: user.into(),
        role_label: user.role.label().into(),
        people,
        agency: agency.map(|a| api::AgencyRef {
            id: a.id.clone(),
            name: a.name.clone(),
            central_office: a.central_office.clone(),
        }),
        unit: unit.map(|u| api::Named {
            id: u.id.clone(),
            name: u.name.clone(),
        }),
        documents,
        par_documents: crate::domain::session::par_doc_refs(&state.library, user).await,
        sync_path: "/sync".into(),
        build: Some(user.role.client_build()),
        bundle_key: Some(crate::domain::bundles::server_public_key(&state.library).await?),
    })
}
