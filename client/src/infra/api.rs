//! The server's HTTP API as the client uses it: who am I (again, once connected), sign out; in
//! the office build the reports list and the plan import. (Signing in is the page's own form:
//! `client/static/index.html`.)
//!
//! Stage: *session*. The browser keeps the session cookie (`HttpOnly`); the answer of `/api/me`
//! is kept on the device ([`super::prefs`]) so that later starts, even offline, go straight to
//! the user's work.

use gloo_net::http::Request;
pub use tiendo_shared::api::{
    ApiError, DocRef, ImportAnswer, ImportPreview, Me, Person, ReportsAnswer,
};

use crate::error::ClientError;

/// What an error answer says (its JSON `error`), or its status.
pub async fn error_text(resp: gloo_net::http::Response) -> ClientError {
    match resp.json::<ApiError>().await {
        Ok(e) => ClientError::Refused(e.error),
        Err(_) => ClientError::Status(resp.status()),
    }
}

/// What a fresh `/api/me` said.
pub enum Fresh {
    /// Who the session belongs to now.
    Me(Box<Me>),
    /// The server refused the session, saying why (an organisation change disabled the account,
    /// the session expired).
    Refused(String),
    /// No answer (offline) or not one to act on.
    Unknown,
}

/// `/api/me` asked again (once connected): the account may have moved to another unit.
pub async fn fresh_me() -> Fresh {
    let Ok(resp) = Request::get("/api/me").send().await else {
        return Fresh::Unknown;
    };
    if resp.status() == 401 {
        return Fresh::Refused(error_text(resp).await.to_string());
    }
    if !resp.ok() {
        return Fresh::Unknown;
    }
    match resp.json::<Me>().await {
        Ok(me) => Fresh::Me(Box::new(me)),
        Err(_) => Fresh::Unknown,
    }
}

#[cfg(feature = "office")]
/// Who the session belongs to and what they may open.
pub async fn me() -> Result<Me, ClientError> {
    let resp = Request::get("/api/me")
        .send()
        .await
        .map_err(ClientError::http)?;
    if resp.ok() {
        // The server's clock, to correct this device's on the reporting steps it takes.
        if let Some(date) = resp.headers().get("date") {
            let server = js_sys::Date::parse(&date);
            if server.is_finite() {
                super::browser::set_clock_skew_ms(js_sys::Date::now() as i64 - server as i64);
            }
        }
        resp.json::<Me>().await.map_err(ClientError::http)
    } else {
        Err(error_text(resp).await)
    }
}

/// Ends the session on the server (best effort: offline, the cookie simply expires).
pub async fn logout() {
    let _ = Request::post("/api/logout").send().await;
}

#[cfg(feature = "office")]
/// The reports generated for `plan_id` and the score thresholds; kept for offline use, so the
/// calendar and the score show the last known answer without a connection.
pub async fn reports(plan_id: &str) -> Option<ReportsAnswer> {
    let fetched = async {
        let resp = Request::get(&format!("/api/plans/{plan_id}/reports"))
            .send()
            .await
            .ok()?;
        if !resp.ok() {
            return None;
        }
        resp.json::<ReportsAnswer>().await.ok()
    }
    .await;
    match fetched {
        Some(info) => {
            super::prefs::set_reports(plan_id, &info);
            Some(info)
        }
        None => super::prefs::reports(plan_id),
    }
}

#[cfg(feature = "office")]
/// The server's attested record of `docs` (at most
/// [`tiendo_shared::api::MAX_ATTESTED_DOCUMENTS`]): who delivered each change and when, only
/// what arrived after `since` (server Unix ms) when given; `None` offline or refused.
pub async fn attestations(
    docs: &[String],
    since: Option<i64>,
) -> Option<tiendo_shared::api::AttestationsAnswer> {
    let mut query: Vec<(&str, String)> = docs.iter().map(|d| ("doc", d.clone())).collect();
    if let Some(s) = since {
        query.push(("since", s.to_string()));
    }
    let resp = Request::get("/api/attestations")
        .query(query.iter().map(|(k, v)| (*k, v.as_str())))
        .send()
        .await
        .ok()?;
    if !resp.ok() {
        return None;
    }
    resp.json().await.ok()
}

#[cfg(feature = "office")]
/// The year of plan `plan_id` over the plans it continues (`shared::year`), as the server
/// combines them; `None` offline.
pub async fn year(
    plan_id: &str,
    period: tiendo_shared::model::PeriodKind,
    as_of: tiendo_shared::model::Date,
) -> Option<tiendo_shared::views::year::Year> {
    let url = format!(
        "/api/plans/{plan_id}/year?period={}&as_of={as_of}",
        period.as_str()
    );
    let resp = Request::get(&url).send().await.ok()?;
    if !resp.ok() {
        return None;
    }
    resp.json().await.ok()
}

#[cfg(feature = "office")]
/// The province's roll-up of the plans of `year` for `period`, each as of its own rule (the
/// server's, kept for offline use), and whether it is the kept copy because the server could
/// not be reached.
pub async fn rollup(
    year: i32,
    period: tiendo_shared::model::PeriodKind,
) -> Option<(tiendo_shared::views::province::Rollup, bool)> {
    let key = &format!("{year}.{}", period.as_str());
    let fetched = async {
        let resp = Request::get(&format!(
            "/api/province/rollup?year={year}&period={}",
            period.as_str()
        ))
        .send()
        .await
        .ok()?;
        if !resp.ok() {
            return None;
        }
        resp.json::<tiendo_shared::views::province::Rollup>()
            .await
            .ok()
    }
    .await;
    match fetched {
        Some(r) => {
            super::prefs::set_rollup(key, &r);
            Some((r, false))
        }
        None => super::prefs::rollup(key).map(|r| (r, true)),
    }
}

#[cfg(feature = "office")]
/// One agency's merged status as the server computes it (the province's drill-down: the
/// agency's documents are not synced to this device).
pub async fn status(
    plan_id: &str,
    period: tiendo_shared::model::PeriodKind,
    as_of: tiendo_shared::model::Date,
) -> Result<tiendo_shared::views::status::Summary, ClientError> {
    let resp = Request::get(&format!(
        "/api/plans/{plan_id}/status?period={}&as_of={as_of}",
        period.as_str()
    ))
    .send()
    .await
    .map_err(|_| ClientError::Offline("xem chi tiết cơ quan"))?;
    if resp.ok() {
        resp.json().await.map_err(ClientError::http)
    } else {
        Err(error_text(resp).await)
    }
}

#[cfg(feature = "office")]
/// What the server's importer makes of a plan file (.docx, .xlsx, or text the device cannot
/// read), without saving it.
pub async fn preview_plan(bytes: &[u8]) -> Result<ImportPreview, ClientError> {
    let resp = Request::post("/api/plans/preview")
        .header("Content-Type", "application/octet-stream")
        .body(js_sys::Uint8Array::from(bytes))
        .map_err(ClientError::http)?
        .send()
        .await
        .map_err(|_| ClientError::Offline("đọc tệp .docx, .xlsx"))?;
    if resp.ok() {
        resp.json::<ImportPreview>()
            .await
            .map_err(ClientError::http)
    } else {
        Err(error_text(resp).await)
    }
}

#[cfg(feature = "office")]
/// Saves a plan the office checked (and perhaps corrected) in the preview.
pub async fn import_draft(
    draft: &tiendo_shared::import::Imported,
) -> Result<ImportAnswer, ClientError> {
    let resp = Request::post("/api/plans")
        .json(draft)
        .map_err(ClientError::http)?
        .send()
        .await
        .map_err(|_| ClientError::Offline("lưu kế hoạch mới"))?;
    if resp.ok() {
        resp.json::<ImportAnswer>().await.map_err(ClientError::http)
    } else {
        Err(error_text(resp).await)
    }
}

#[cfg(feature = "office")]
/// "Lập kế hoạch năm N+1 từ kế hoạch năm N": the server's draft of next year's plan from plan
/// `plan_id` (`shared::next_year::draft`), not saved.
pub async fn next_year_draft(
    plan_id: &str,
) -> Result<tiendo_shared::views::next_year::Draft, ClientError> {
    let resp = Request::get(&format!("/api/plans/{plan_id}/next-year"))
        .send()
        .await
        .map_err(|_| ClientError::Offline("lập kế hoạch năm sau"))?;
    if resp.ok() {
        resp.json().await.map_err(ClientError::http)
    } else {
        Err(error_text(resp).await)
    }
}

#[cfg(feature = "office")]
/// Plan `plan_id`'s areas beside those of the plan it continues ("so với năm trước"); `None`
/// offline or when it continues none.
pub async fn previous_year(plan_id: &str) -> Option<tiendo_shared::views::next_year::Comparison> {
    let resp = Request::get(&format!("/api/plans/{plan_id}/previous-year"))
        .send()
        .await
        .ok()?;
    if !resp.ok() {
        return None;
    }
    resp.json().await.ok()
}
