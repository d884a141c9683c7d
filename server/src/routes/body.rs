//! Request bodies a route reads itself: after the session and the role are checked (a user who
//! may not send this gets `403` before a byte of the body is read), and within the route's
//! limit, counted while the body streams in.
//!
//! Stage: *API*, before `crate::domain::parsing`. axum's `Bytes` extractor would read the body before
//! the handler runs, that is before the role is known; the routes that take files (plan files,
//! bundles) take the raw [`Body`] instead and call [`read`] once they know the sender may.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use futures::StreamExt;

use crate::domain::plan_files::size_text;
use crate::error::{AppError, Result};

/// Reads `body` whole, refusing it (`413`, naming `what` and `limit`) as soon as it is over
/// `limit` bytes: at once when its `Content-Length` says so, else at the first chunk past the
/// limit. Never holds more than `limit` bytes of it.
pub async fn read(body: Body, headers: &HeaderMap, limit: u64, what: &str) -> Result<Bytes> {
    let over = |found: String| {
        AppError::TooLarge(format!(
            "{what} {found}, quá giới hạn {} của máy chủ",
            size_text(limit)
        ))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(length) = declared.filter(|&l| l > limit) {
        return Err(over(size_text(length)));
    }
    let mut out = Vec::with_capacity(declared.unwrap_or(0) as usize);
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| {
            AppError::BadRequest(format!("{what} bị cắt giữa chừng: kết nối đã đứt"))
        })?;
        if (out.len() + chunk.len()) as u64 > limit {
            return Err(over(format!("hơn {}", size_text(limit))));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(out))
}

/// Reads `body` as JSON of `T` within `limit` bytes ([`read`]), after the role was checked.
pub async fn json<T: serde::de::DeserializeOwned>(
    body: Body,
    headers: &HeaderMap,
    limit: u64,
    what: &str,
) -> Result<T> {
    let bytes = read(body, headers, limit, what).await?;
    serde_json::from_slice(&bytes)
        .map_err(|e| AppError::BadRequest(format!("{what} không đọc được: {e}")))
}
