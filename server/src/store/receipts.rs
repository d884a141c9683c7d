//! When the server first received each reporting step (the attested arrival of the changes that
//! wrote it, `sync::admit`; for a bundle signed with a key registered before, its signed
//! time): a step's effective time ([`tiendo_shared::workflow::Step::effective`]), and the
//! "received" time the office sees beside the device's own claim.
//!
//! Stage: *the store*, written by the sync gate, read by the reporting views and reports.

use std::collections::BTreeMap;

use super::{Result, Store};

/// Receipts by document: document id → step id → when the server first received it (Unix ms).
pub type Receipts = std::collections::HashMap<String, BTreeMap<String, i64>>;

/// The contract of the steps' receipts.
#[async_trait::async_trait]
pub(crate) trait StepReceipts: Send + Sync {
    /// Records when steps of `doc_id` arrived (step id, Unix ms), keeping the first time.
    async fn record(&self, doc_id: String, steps: Vec<(String, i64)>) -> Result<()>;
    /// When each step of `doc_ids` was first received (step id → Unix ms; a step id in several
    /// documents: any one of them).
    async fn of(&self, doc_ids: Vec<String>) -> Result<BTreeMap<String, i64>>;
}

impl Store {
    /// Records when the server received reporting steps of `doc_id` (step id, Unix ms: the
    /// attested arrival of the changes that wrote it), keeping the first time for a step seen
    /// before.
    pub async fn record_receipts(&self, doc_id: &str, steps: &[(String, i64)]) -> Result<()> {
        self.engine
            .receipts
            .record(doc_id.to_string(), steps.to_vec())
            .await
    }

    /// [`Store::receipts`] kept apart by document (document id → step id → Unix ms): what the
    /// server's own reading of a report uses, so a step never takes the receipt of a step of
    /// the same id in another document.
    pub async fn receipts_by_doc(&self, doc_ids: &[String]) -> Result<Receipts> {
        let mut out = Receipts::new();
        for id in doc_ids {
            out.insert(id.clone(), self.receipts(std::slice::from_ref(id)).await?);
        }
        Ok(out)
    }

    /// When each reporting step of `doc_ids` was first received (step id → Unix ms).
    pub async fn receipts(&self, doc_ids: &[String]) -> Result<BTreeMap<String, i64>> {
        self.engine.receipts.of(doc_ids.to_vec()).await
    }
}
