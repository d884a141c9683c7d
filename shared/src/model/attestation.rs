//! The server's attested record of a change: who delivered it and when, whatever the change
//! itself claims.
//!
//! Stage: *model*, kept by the server as changes arrive (sync or a bundle), sent to the office
//! (`GET /api/attestations`), and set beside each change's own claims in a task's history
//! ([`crate::views::history::attest`]).

use serde::{Deserialize, Serialize};

/// How a change reached the server (the attested record's `via`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// On a sync connection of the signed-in user.
    Sync,
    /// In a bundle file signed by the user's registered device key.
    Bundle,
}

/// One change of a document as the server received it: who delivered it and when, whatever the
/// change itself claims (its author, its time). The first delivery of a change stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    /// The change's hash (hex).
    pub hash: String,
    /// The user who delivered it (user name, as a change's author names a user).
    pub by: String,
    /// When the server received it, Unix ms on the server's clock.
    pub received_ms: i64,
    /// How it came.
    pub via: Via,
    /// For a bundle, when its author's device signed it (Unix ms, the signed manifest's).
    pub signed_ms: Option<i64>,
}
