//! The account routes as the "Tài khoản" screen uses them: the user's own password
//! (`POST /api/me/password`), and for administrators the accounts they administer with their
//! audit (`GET /api/accounts`), a new account (`POST /api/accounts`), and disable, enable,
//! reset-password and move (`POST /api/accounts/{username}/…`).
//!
//! Stage: *I/O*. Accounts live on the server only: every call needs a link, and says so when
//! there is none.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
pub use tiendo_shared::api::{
    Account, AccountWithPassword, AccountsAnswer, MoveAccount, NewAccount, PasswordChange,
};

use super::api::error_text;
use crate::error::ClientError;

const OFFLINE: ClientError = ClientError::Offline("quản lý tài khoản");

async fn answer<T: DeserializeOwned>(
    resp: Result<Response, gloo_net::Error>,
) -> Result<T, ClientError> {
    let resp = resp.map_err(|_| OFFLINE)?;
    if resp.ok() {
        resp.json::<T>().await.map_err(ClientError::http)
    } else {
        Err(error_text(resp).await)
    }
}

/// Changes the signed-in user's password; the user's other sessions end.
pub async fn change_password(change: &PasswordChange) -> Result<(), ClientError> {
    let resp = Request::post("/api/me/password")
        .json(change)
        .map_err(ClientError::http)?
        .send()
        .await
        .map_err(|_| OFFLINE)?;
    if resp.ok() {
        Ok(())
    } else {
        Err(error_text(resp).await)
    }
}

/// The accounts the user administers and the latest actions on them.
pub async fn list() -> Result<AccountsAnswer, ClientError> {
    answer(Request::get("/api/accounts").send().await).await
}

/// Creates an account; its password comes back this once.
pub async fn create(new: &NewAccount) -> Result<AccountWithPassword, ClientError> {
    let request = Request::post("/api/accounts")
        .json(new)
        .map_err(ClientError::http)?;
    answer(request.send().await).await
}

/// Closes (`disable = true`) or reopens an account.
pub async fn set_disabled(username: &str, disable: bool) -> Result<Account, ClientError> {
    let action = if disable { "disable" } else { "enable" };
    answer(
        Request::post(&format!("/api/accounts/{username}/{action}"))
            .send()
            .await,
    )
    .await
}

/// A new password for an account, shown this once; its sessions end.
pub async fn reset_password(username: &str) -> Result<AccountWithPassword, ClientError> {
    answer(
        Request::post(&format!("/api/accounts/{username}/reset-password"))
            .send()
            .await,
    )
    .await
}

/// Moves an account to another unit of its agency.
pub async fn move_to(username: &str, to: &MoveAccount) -> Result<Account, ClientError> {
    let request = Request::post(&format!("/api/accounts/{username}/move"))
        .json(to)
        .map_err(ClientError::http)?;
    answer(request.send().await).await
}
