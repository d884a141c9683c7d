//! Accounts in the app: `POST /api/me/password` (everyone, their own, the current password
//! required), and for agency and system administrators `GET /api/accounts` (the accounts they
//! administer and the audit of what was done to them), `POST /api/accounts` (create, the
//! password shown once), `POST /api/accounts/{username}/disable|enable|reset-password|move`.
//!
//! Stage: *API* over [`crate::domain::accounts::admin`], the same rules as `tiendo user`. The role is
//! checked before a body is read; bodies are small JSON, bounded.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::{Json, Router, routing::get, routing::post};
use serde::de::DeserializeOwned;
use tiendo_shared::api::{
    AccountWithPassword, AccountsAnswer, MoveAccount, NewAccount, PasswordChange,
};

use crate::AppState;
use crate::domain::accounts::admin::{self, Actor};
use crate::error::{AppError, Result};
use crate::routes::auth::Authenticated;

/// The most bytes an account request's body may have.
const MAX_BODY: u64 = 4096;

/// The latest audit lines an answer carries.
const EVENTS: i64 = 200;

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/password", post(change_password))
        .route("/accounts", get(accounts).post(create))
        .route("/accounts/{username}/{action}", post(act))
}

async fn json<T: DeserializeOwned>(body: Body, headers: &HeaderMap, what: &str) -> Result<T> {
    crate::routes::body::json(body, headers, MAX_BODY, what).await
}

/// `POST /api/me/password`: the user's own password; the user's other sessions and their sync
/// connections end, this one stays.
async fn change_password(
    State(state): State<AppState>,
    auth: Authenticated,
    request: axum::extract::Request,
) -> Result<axum::http::StatusCode> {
    let from = crate::routes::auth::client_addr(request.extensions());
    let (parts, body) = request.into_parts();
    let change: PasswordChange = json(body, &parts.headers, "yêu cầu đổi mật khẩu").await?;
    state
        .accounts
        .change_password(
            &auth.user,
            &change.current,
            &change.new,
            from,
            auth.session.clone(),
        )
        .await?;
    state
        .library
        .peers()
        .end_user_except(auth.user.id, &auth.session);
    tracing::info!(user = %auth.user.username, "password changed by its owner");
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// `GET /api/accounts`.
async fn accounts(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Json<AccountsAnswer>> {
    let actor = Actor::User(auth.user);
    admin::may_administer_any(&actor)?;
    Ok(Json(AccountsAnswer {
        accounts: state.accounts.list(&actor).await?,
        events: state.accounts.events(&actor, EVENTS).await?,
    }))
}

/// `POST /api/accounts`.
async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Body,
) -> Result<(axum::http::StatusCode, Json<AccountWithPassword>)> {
    let actor = Actor::User(auth.user);
    admin::may_administer_any(&actor)?;
    let new: NewAccount = json(body, &headers, "tài khoản mới").await?;
    let made = state.accounts.create(&actor, new, crate::today()).await?;
    Ok((axum::http::StatusCode::CREATED, Json(made)))
}

/// `POST /api/accounts/{username}/{disable|enable|reset-password|move}`.
async fn act(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((username, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<axum::response::Response> {
    use axum::response::IntoResponse;
    let actor = Actor::User(auth.user);
    admin::may_administer_any(&actor)?;
    let accounts = &state.accounts;
    let peers = &state.peers;
    Ok(match action.as_str() {
        "disable" | "enable" => {
            let user = accounts
                .set_disabled(&actor, &username, action == "disable")
                .await?;
            if user.disabled {
                peers.end_user(user.id);
            }
            Json(admin::account(&user)).into_response()
        }
        "reset-password" => {
            let done = accounts.reset_password(&actor, &username).await?;
            if let Some(u) = accounts.user(&done.account.username).await? {
                peers.end_user(u.id);
            }
            Json(done).into_response()
        }
        "move" => {
            let to: MoveAccount = json(body, &headers, "đơn vị chuyển đến").await?;
            let user = accounts
                .move_to(
                    &actor,
                    &username,
                    to.agency_id.as_deref(),
                    &to.unit_id,
                    crate::today(),
                )
                .await?;
            // Its open connections were opened for the old unit's documents.
            peers.end_user(user.id);
            Json(admin::account(&user)).into_response()
        }
        other => {
            return Err(AppError::NotFound(format!(
                "thao tác tài khoản {other} (disable, enable, reset-password, move)"
            )));
        }
    })
}
