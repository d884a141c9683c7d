//! The domain's error: what reading, writing or deciding about documents, accounts, bundles and
//! files can fail at. It wraps the layer below ([`StoreError`]) and `shared`'s model errors, and
//! says *why* in the domain's words (not found, not allowed, conflicting…); the HTTP status of
//! each is decided once, above, by [`crate::error::AppError`]. Every message a user can read is
//! in Vietnamese.

use crate::domain::accounts::User;
use crate::domain::plan_files::PlanFileError;
use crate::store::StoreError;

/// Everything the domain can fail at.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The store failed (see [`StoreError`]: a missing row is "not found", the rest internal).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The model layer refused something (bad plan text, a bad date, a document's shape…).
    #[error(transparent)]
    Shared(#[from] tiendo_shared::model::Error),
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
    /// What was asked is malformed or contradicts the model.
    #[error("{0}")]
    BadRequest(String),
    /// No valid session.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// A session of a disabled account (the caller says why it is disabled; a sign-in is
    /// answered as a wrong password instead, see [`crate::domain::accounts::LOGIN_REFUSED`]).
    #[error("tài khoản {} đã bị khoá", .0.username)]
    AccountDisabled(Box<User>),
    /// What was sent is over the limit.
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
    /// Every parsing permit stayed taken ([`crate::domain::parsing`]): try again after
    /// `retry_after` seconds.
    #[error("máy chủ đang đọc các tệp khác, chưa đọc được {what}; thử lại sau {retry_after} giây")]
    Busy {
        /// What was to be read.
        what: String,
        /// Seconds to wait.
        retry_after: u64,
    },
}

impl From<PlanFileError> for DomainError {
    fn from(e: PlanFileError) -> Self {
        match e {
            PlanFileError::Plan(e) => DomainError::Shared(e),
            PlanFileError::OverLimit(what) => DomainError::TooLarge(what),
        }
    }
}

impl From<samod::Stopped> for DomainError {
    fn from(_: samod::Stopped) -> Self {
        DomainError::Stopped
    }
}

impl From<tokio::task::JoinError> for DomainError {
    fn from(e: tokio::task::JoinError) -> Self {
        DomainError::Interrupted(e.to_string())
    }
}

/// Result with the domain's error.
pub type Result<T, E = DomainError> = std::result::Result<T, E>;
