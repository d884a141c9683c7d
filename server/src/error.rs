//! The one error type of the server, and its mapping to HTTP in exactly one place.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Everything the server can fail at.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: String,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The model layer refused something (bad plan text, bad document shape…).
    #[error(transparent)]
    Shared(#[from] tiendo_shared::Error),
    /// The configuration is invalid.
    #[error("config: {0}")]
    Config(String),
    /// The document repository has stopped.
    #[error("the document repository has stopped")]
    Stopped,
    /// A requested thing does not exist.
    #[error("không tìm thấy {0}")]
    NotFound(String),
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// No valid session.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// The route exists, not with this method.
    #[error("phương thức không được hỗ trợ cho địa chỉ này")]
    MethodNotAllowed,
    /// The request body is over the limit.
    #[error("nội dung gửi lên quá lớn: {0}")]
    TooLarge(String),
    /// The thing exists already.
    #[error("{0}")]
    Conflict(String),
    /// Too many failed logins: try again after `retry_after` seconds.
    #[error("đăng nhập sai quá nhiều lần; thử lại sau {retry_after} giây")]
    TooManyAttempts {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// Too many sync connections for one user.
    #[error("{0}")]
    TooManyConnections(String),
    /// Another process (a running server) holds the data directory.
    #[error("{0}")]
    Locked(String),
    /// A report file could not be produced.
    #[error("{0}")]
    Report(String),
    /// The database was written by a newer version of Tiến độ.
    #[error("database schema version {found} is newer than this program ({supported})")]
    SchemaTooNew {
        /// Version in the file.
        found: i64,
        /// Newest version this program knows.
        supported: i64,
    },
}

impl From<samod::Stopped> for Error {
    fn from(_: samod::Stopped) -> Self {
        Error::Stopped
    }
}

impl Error {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Error::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Error::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Error::Shared(
                tiendo_shared::Error::InvalidDate(_) | tiendo_shared::Error::InvalidValue(_),
            ) => (StatusCode::BAD_REQUEST, "bad_request"),
            Error::Shared(tiendo_shared::Error::NotAPlan(_) | tiendo_shared::Error::EmptyPlan) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "not_a_plan")
            }
            Error::Stopped => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Error::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Error::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Error::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Error::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            Error::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            Error::TooManyConnections(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_connections"),
            Error::Locked(_) => (StatusCode::CONFLICT, "locked"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl Error {
    /// A rejection by axum (an extractor or the router: its status and plain-text message) as
    /// this crate's error, so it answers like every other one.
    pub fn rejected(status: StatusCode, text: String) -> Error {
        match status {
            StatusCode::METHOD_NOT_ALLOWED => Error::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => Error::TooLarge(text),
            StatusCode::NOT_FOUND => Error::NotFound(text),
            s if text.is_empty() => Error::BadRequest(
                s.canonical_reason()
                    .unwrap_or("yêu cầu không hợp lệ")
                    .into(),
            ),
            _ => Error::BadRequest(text),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = if status.is_server_error() {
            // Internal details go to the log, not to the client.
            tracing::error!(error = %self, "request failed");
            "lỗi máy chủ".to_string()
        } else {
            self.to_string()
        };
        let mut response = (
            status,
            Json(tiendo_shared::api::ApiError {
                error: message,
                code: code.to_string(),
            }),
        )
            .into_response();
        if let Error::TooManyAttempts { retry_after } = self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(retry_after),
            );
        }
        response
    }
}

/// Result with the server's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
