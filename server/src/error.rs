//! The server's errors as the outside sees them: one enum per layer — [`StoreError`] (SQLite
//! and files), [`DomainError`] (the domain's decisions), [`ConfigError`] (settings),
//! [`ReportError`] (report files) and `shared`'s model errors, inside the domain's — and
//! [`AppError`], which takes each of them through `From` and adds what only a request can be
//! (a wrong method, a malformed request…). [`AppError`] is mapped to HTTP in exactly one place,
//! its `IntoResponse`. Every message a user can read is in Vietnamese.
//!
//! Stage: *above the domain and the reports*, beneath the ways in (routes, sync, CLI).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub use crate::config::ConfigError;
pub use crate::domain::DomainError;
pub use crate::reports::ReportError;
pub use crate::store::StoreError;

/// Everything a request, a command or start-up can fail at.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The domain refused or failed (the store's and the model's errors are inside).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The settings are invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A report file could not be made, or was asked for by a wrong name.
    #[error(transparent)]
    Report(ReportError),
    /// A file or directory outside the database could not be used.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
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
    /// The route exists, not with this method.
    #[error("phương thức không được hỗ trợ cho địa chỉ này")]
    MethodNotAllowed,
    /// The request body is over the limit.
    #[error("nội dung gửi lên quá lớn: {0}")]
    TooLarge(String),
    /// The thing exists already, or the request contradicts what is stored.
    #[error("{0}")]
    Conflict(String),
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
}

/// The layers under the domain reach here through it: one path for each error.
macro_rules! through_the_domain {
    ($($t:ty),*) => {$(
        impl From<$t> for AppError {
            fn from(e: $t) -> Self {
                AppError::Domain(e.into())
            }
        }
    )*};
}

through_the_domain!(
    StoreError,
    tiendo_shared::model::Error,
    tiendo_shared::bundle::BundleError,
    crate::domain::plan_files::PlanFileError,
    samod::Stopped
);

impl From<ReportError> for AppError {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Domain(e) => AppError::Domain(e),
            e => AppError::Report(e),
        }
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
        use DomainError as D;
        use tiendo_shared::model::Error as Model;
        match self {
            AppError::NotFound(_)
            | AppError::Domain(D::NotFound(_) | D::Store(StoreError::NotFound(_))) => {
                (StatusCode::NOT_FOUND, "not_found")
            }
            AppError::BadRequest(_)
            | AppError::Domain(
                D::BadRequest(_)
                | D::Store(StoreError::Invalid(_))
                | D::Shared(Model::InvalidDate(_) | Model::InvalidValue(_)),
            )
            | AppError::Report(ReportError::BadName(_)) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::Domain(D::Shared(Model::NotAPlan(_) | Model::EmptyPlan)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "not_a_plan")
            }
            AppError::Domain(D::Stopped) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Domain(D::Busy { .. }) => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            AppError::Unauthorized(_)
            | AppError::Domain(D::Unauthorized(_) | D::AccountDisabled(_)) => {
                (StatusCode::UNAUTHORIZED, "unauthenticated")
            }
            AppError::Forbidden(_) | AppError::Domain(D::Forbidden(_)) => {
                (StatusCode::FORBIDDEN, "forbidden")
            }
            AppError::Conflict(_)
            | AppError::Domain(D::Conflict(_) | D::Store(StoreError::Exists(_))) => {
                (StatusCode::CONFLICT, "conflict")
            }
            AppError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::TooLarge(_) | AppError::Domain(D::TooLarge(_)) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
            }
            AppError::Domain(D::TooManyAttempts { .. }) => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
            }
            AppError::TooManyConnections(_) | AppError::Domain(D::TooManyConnections(_)) => {
                (StatusCode::TOO_MANY_REQUESTS, "too_many_connections")
            }
            AppError::Locked(_) | AppError::Domain(D::Locked(_)) => {
                (StatusCode::CONFLICT, "locked")
            }
            AppError::UnsupportedType(_) | AppError::Domain(D::UnsupportedType(_)) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type")
            }
            AppError::HashMismatch(_) | AppError::Domain(D::HashMismatch(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "hash_mismatch")
            }
            AppError::Domain(D::Bundle(_)) => (StatusCode::UNPROCESSABLE_ENTITY, "bad_bundle"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// When to try again, for the errors that say (seconds).
    fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::Domain(
                DomainError::TooManyAttempts { retry_after }
                | DomainError::Busy { retry_after, .. },
            ) => Some(*retry_after),
            _ => None,
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
        let busy = matches!(self, AppError::Domain(DomainError::Busy { .. }));
        let message = if status.is_server_error() && !busy {
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
        if let Some(retry_after) = self.retry_after() {
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
