//! The catalogue: which document is which — its kind, agency, plan and unit — and reading a
//! stored document straight from its chunks (the CLI, beside a running server).
//!
//! Stage: *the store*, read by the access rules (who may see what) and the reader.

use serde::Serialize;

use super::{Result, Store};

/// What a catalogued document is: the one enum of document kinds, from `shared`.
pub use tiendo_shared::model::DocKind;

/// A catalogue row: which document is which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocRecord {
    /// The automerge-repo document id (base58).
    pub doc_id: String,
    /// What it is.
    pub kind: DocKind,
    /// The agency it belongs to.
    pub agency_id: String,
    /// The plan it belongs to (plans: their own id).
    pub plan_id: Option<String>,
    /// For progress documents: the unit.
    pub unit_id: Option<String>,
    /// A human title.
    pub title: String,
}

/// A catalogue row from its columns (an unknown kind reads as progress).
pub(crate) fn record(
    doc_id: String,
    kind: String,
    agency_id: String,
    plan_id: Option<String>,
    unit_id: Option<String>,
    title: String,
) -> DocRecord {
    DocRecord {
        doc_id,
        kind: kind.parse().unwrap_or(DocKind::Progress),
        agency_id,
        plan_id,
        unit_id,
        title,
    }
}

/// Records what a document is (both engines).
pub(crate) const REGISTER: &str =
    "INSERT INTO documents (doc_id, kind, agency_id, plan_id, unit_id, title)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (doc_id) DO UPDATE SET title = excluded.title";

/// Every catalogued document, in the order given (each engine's insertion order).
pub(crate) fn documents_sql(order: &str) -> String {
    format!(
        "SELECT doc_id, kind, agency_id, plan_id, unit_id, title FROM documents ORDER BY {order}"
    )
}

/// The contract of the catalogue.
#[async_trait::async_trait]
pub(crate) trait Catalogue: Send + Sync {
    /// Records what each document is (a title may change; the rest stays), all in one
    /// transaction — every row or none — and (PostgreSQL) tells the other nodes.
    async fn register(&self, recs: Vec<DocRecord>) -> Result<()>;
    /// Every catalogued document, oldest first.
    async fn documents(&self) -> Result<Vec<DocRecord>>;
}

impl Store {
    /// Records what a document is.
    pub async fn register(&self, rec: DocRecord) -> Result<()> {
        self.engine.catalogue.register(vec![rec]).await
    }

    /// Records what several documents are, in one transaction: every row or none (a plan's
    /// import catalogues its plan, organisation and progress documents together).
    pub async fn register_all(&self, recs: Vec<DocRecord>) -> Result<()> {
        self.engine.catalogue.register(recs).await
    }

    /// Every catalogued document, oldest first.
    pub async fn documents(&self) -> Result<Vec<DocRecord>> {
        self.engine.catalogue.documents().await
    }

    /// Reads a stored document straight from its chunks, without a samod repo (for the CLI,
    /// which may run beside a server).
    pub async fn read_document(&self, doc_id: &str) -> Result<automerge::Automerge> {
        Ok(self.read_printed(doc_id).await?.0)
    }
}
