//! The server's errors: one enum per layer — [`StoreError`] (SQLite and files),
//! [`ConfigError`] (settings), [`ReportError`] (report files) and `shared`'s model errors — and
//! [`AppError`], which takes each of them through `From` and adds what only a request can be
//! (not signed in, not allowed, too large…). [`AppError`] is mapped to HTTP in exactly one place,
//! its `IntoResponse`. Every message a user can read is in Vietnamese.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub use crate::config::ConfigError;
pub use crate::reports::ReportError;
pub use crate::store::StoreError;

/// Everything a request, a command or start-up can fail at.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The store failed (see [`StoreError`]: a missing row is "not found", the rest internal).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The settings are invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A report file could not be made, or was asked for by a wrong name.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The model layer refused something (bad plan text, a bad date, a document's shape…).
    #[error(transparent)]
    Shared(#[from] tiendo_shared::Error),
    /// A bundle file that does not open (not a bundle, altered, a later format).
    #[error(transparent)]
    Bundle(#[from] tiendo_shared::bundle::BundleError),
    /// A file or directory outside the database could not be used.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The document repository has stopped (the server is shutting down).
    #[error("kho tài liệu đã dừng (máy chủ đang tắt)")]
    Stopped,
    /// Work handed to another thread did not finish (it panicked or was cancelled).
    #[error("tác vụ bị gián đoạn: {0}")]
    Interrupted(String),
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
    /// A session of a disabled account (the route says why it is disabled; a sign-in is answered
    /// as a wrong password instead, see [`crate::accounts::LOGIN_REFUSED`]).
    #[error("tài khoản {} đã bị khoá", .0.username)]
    AccountDisabled(Box<crate::accounts::User>),
    /// The route exists, not with this method.
    #[error("phương thức không được hỗ trợ cho địa chỉ này")]
    MethodNotAllowed,
    /// The request body is over the limit.
    #[error("nội dung gửi lên quá lớn: {0}")]
    TooLarge(String),
    /// The thing exists already, or the request contradicts what is stored.
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
    /// A file of a type not accepted, or whose bytes are not of the type declared.
    #[error("{0}")]
    UnsupportedType(String),
    /// An uploaded file does not hash as declared.
    #[error("{0}")]
    HashMismatch(String),
    /// Another process (a running server) holds the data directory.
    #[error("{0}")]
    Locked(String),
    /// Every parsing permit stayed taken ([`crate::parsing`]): try again after `retry_after`
    /// seconds.
    #[error("máy chủ đang đọc các tệp khác, chưa đọc được {what}; thử lại sau {retry_after} giây")]
    Busy {
        /// What was to be read.
        what: String,
        /// Seconds to wait.
        retry_after: u64,
    },
}

impl From<crate::plan_files::PlanFileError> for AppError {
    fn from(e: crate::plan_files::PlanFileError) -> Self {
        use crate::plan_files::PlanFileError;
        match e {
            PlanFileError::Plan(e) => AppError::Shared(e),
            PlanFileError::OverLimit(what) => AppError::TooLarge(what),
        }
    }
}

impl From<samod::Stopped> for AppError {
    fn from(_: samod::Stopped) -> Self {
        AppError::Stopped
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        AppError::Interrupted(e.to_string())
    }
}

impl AppError {
    /// The one mapping to HTTP: status and the machine-readable code of the JSON answer.
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        use tiendo_shared::Error as Model;
        match self {
            AppError::NotFound(_) | AppError::Store(StoreError::NotFound(_)) => {
                (StatusCode::NOT_FOUND, "not_found")
            }
            AppError::BadRequest(_)
            | AppError::Store(StoreError::Invalid(_))
            | AppError::Report(ReportError::BadName(_))
            | AppError::Shared(Model::InvalidDate(_) | Model::InvalidValue(_)) => {
                (StatusCode::BAD_REQUEST, "bad_request")
            }
            AppError::Shared(Model::NotAPlan(_) | Model::EmptyPlan) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "not_a_plan")
            }
            AppError::Stopped => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Busy { .. } => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            AppError::Unauthorized(_) | AppError::AccountDisabled(_) => {
                (StatusCode::UNAUTHORIZED, "unauthenticated")
            }
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::Conflict(_) | AppError::Store(StoreError::Exists(_)) => {
                (StatusCode::CONFLICT, "conflict")
            }
            AppError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            AppError::TooManyAttempts { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
            }
            AppError::TooManyConnections(_) => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_connections")
            }
            AppError::Locked(_) => (StatusCode::CONFLICT, "locked"),
            AppError::UnsupportedType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type")
            }
            AppError::HashMismatch(_) => (StatusCode::UNPROCESSABLE_ENTITY, "hash_mismatch"),
            AppError::Bundle(_) => (StatusCode::UNPROCESSABLE_ENTITY, "bad_bundle"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// A rejection by axum (an extractor or the router: its status and plain-text message) as
    /// this crate's error, so it answers like every other one.
    pub fn rejected(status: StatusCode, text: String) -> AppError {
        match status {
            StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge(text),
            StatusCode::NOT_FOUND => AppError::NotFound(text),
            _ if text.is_empty() => AppError::BadRequest("yêu cầu không hợp lệ".into()),
            _ => AppError::BadRequest(text),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = if status.is_server_error() && !matches!(self, AppError::Busy { .. }) {
            // Internal details go to the log, not to the client (being busy is no detail).
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
        if let AppError::TooManyAttempts { retry_after } | AppError::Busy { retry_after, .. } = self
        {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(retry_after),
            );
        }
        response
    }
}

/// Result with the server's error.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(e: impl Into<AppError>) -> (StatusCode, String) {
        let e: AppError = e.into();
        let (status, code) = e.status_and_code();
        (status, code.to_string())
    }

    #[test]
    fn each_layers_errors_map_to_the_http_status_of_their_cause() {
        let missing = StoreError::NotFound("người dùng lan".into());
        assert_eq!(answer(missing).0, StatusCode::NOT_FOUND);
        let exists = StoreError::Exists("tên đăng nhập lan đã có".into());
        assert_eq!(answer(exists).0, StatusCode::CONFLICT);
        let sqlite = StoreError::Sqlite(rusqlite::Error::InvalidQuery);
        assert_eq!(
            answer(sqlite),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal".into()),
            "a storage failure is the server's fault, never a bad request"
        );
        let bad_name = ReportError::BadName("q5.docx".into());
        assert_eq!(answer(bad_name).0, StatusCode::BAD_REQUEST);
        let config = ConfigError::Invalid("[import]: report_day 31".into());
        assert_eq!(answer(config).0, StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[tokio::test]
    async fn a_failed_blocking_task_is_interrupted_work_not_a_configuration_error() {
        let join = tokio::task::spawn_blocking(|| panic!("boom"))
            .await
            .unwrap_err();
        let e = AppError::from(join);
        assert!(matches!(e, AppError::Interrupted(_)));
        assert!(e.to_string().starts_with("tác vụ bị gián đoạn"));
        assert_eq!(answer(e).0, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
