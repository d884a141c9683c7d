//! The one error type of `tiendo-shared`.

/// Everything that can go wrong in the shared model, importer and computations.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A date that does not exist or cannot be read, e.g. `31/02/2025`.
    #[error("ngày không hợp lệ: {0}")]
    InvalidDate(String),
    /// The text given to the importer is not a plan (no tasks, no structure).
    #[error("không phải văn bản kế hoạch: {0}")]
    NotAPlan(String),
    /// The text given to the importer is empty.
    #[error("văn bản kế hoạch trống")]
    EmptyPlan,
    /// An Automerge document does not have the shape of the expected model.
    #[error("tài liệu không đúng cấu trúc ({kind}): {source}")]
    Schema {
        /// Which document kind was expected.
        kind: crate::model::schema::DocKind,
        /// What did not fit.
        #[source]
        source: Box<autosurgeon::HydrateError>,
    },
    /// Writing the model into an Automerge document failed.
    #[error("không ghi được vào tài liệu: {0}")]
    Reconcile(Box<autosurgeon::ReconcileError>),
    /// Automerge refused a document's bytes or an operation.
    #[error("lỗi automerge: {0}")]
    Automerge(Box<automerge::AutomergeError>),
    /// A progress value outside what the model allows (e.g. percent above 100).
    #[error("giá trị không hợp lệ: {0}")]
    InvalidValue(String),
}

impl From<autosurgeon::ReconcileError> for Error {
    fn from(e: autosurgeon::ReconcileError) -> Self {
        Error::Reconcile(Box::new(e))
    }
}

impl From<automerge::AutomergeError> for Error {
    fn from(e: automerge::AutomergeError) -> Self {
        Error::Automerge(Box::new(e))
    }
}
