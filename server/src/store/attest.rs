//! The attested record: per change of a document, who delivered it to the server and when — the
//! authenticated user of the sync connection, or the signed author of a bundle file — as the
//! server saw it, whatever the change itself claims (its actor, its time).
//!
//! Stage: *the store*, written by the sync gate ([`crate::domain::admit`]) and the bundle import,
//! committed in the same transaction as the chunks that hold the changes
//! ([`super::chunks::GroupCommit`]), so an acknowledgement never leaves before both are stored;
//! read by the workflow gate (who took a step), the history and the reports.
//!
//! The first delivery of a change is the one recorded: a change is content-addressed, so a later
//! delivery of the same bytes (a reconnect, a replayed bundle) neither moves its time nor its
//! author.

use std::collections::HashMap;

use automerge::ChangeHash;
use rusqlite::params;

use super::{Engine, Result, Store, lite, pg};

/// How a change reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// On a sync connection of the signed-in user.
    Sync,
    /// In a bundle file signed by the user's registered device key, made (by the signed
    /// manifest) at this Unix ms.
    Bundle {
        /// The manifest's signed time.
        signed_at: i64,
    },
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Sync => "sync",
            Via::Bundle { .. } => "bundle",
        }
    }

    fn signed_at(self) -> Option<i64> {
        match self {
            Via::Sync => None,
            Via::Bundle { signed_at } => Some(signed_at),
        }
    }

    fn from_row(via: &str, signed_at: Option<i64>) -> Via {
        match (via, signed_at) {
            ("bundle", Some(signed_at)) => Via::Bundle { signed_at },
            _ => Via::Sync,
        }
    }
}

/// Who delivered one change of a document, and when the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attested {
    /// The document.
    pub doc_id: String,
    /// The change.
    pub hash: ChangeHash,
    /// The user who delivered it (`users.id`).
    pub user_id: i64,
    /// Their user name when it arrived.
    pub username: String,
    /// When the server received it, Unix ms (the server's clock).
    pub received_at: i64,
    /// How it came.
    pub via: Via,
}

/// Now on the server's clock, Unix ms.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Attestations waiting for the next group commit, and where each one is, so a reader sees them
/// before they are committed (the gate asks about a change moments after recording it).
#[derive(Default)]
pub(super) struct Pending {
    queue: Vec<Attested>,
    by_key: HashMap<(String, ChangeHash), usize>,
}

impl Pending {
    /// Queues `a` unless the same change of the same document is already queued (the first
    /// delivery stands).
    pub(super) fn push(&mut self, a: Attested) {
        let key = (a.doc_id.clone(), a.hash);
        if !self.by_key.contains_key(&key) {
            self.by_key.insert(key, self.queue.len());
            self.queue.push(a);
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub(super) fn take(&mut self) -> Vec<Attested> {
        self.by_key.clear();
        std::mem::take(&mut self.queue)
    }

    /// Puts back attestations whose commit failed, ahead of the newer ones.
    pub(super) fn restore(&mut self, older: Vec<Attested>) {
        let newer = self.take();
        for a in older.into_iter().chain(newer) {
            self.push(a);
        }
    }

    fn get(&self, doc_id: &str, hash: &ChangeHash) -> Option<&Attested> {
        self.by_key
            .get(&(doc_id.to_string(), *hash))
            .map(|&i| &self.queue[i])
    }
}

/// Writes `batch` inside the chunks' SQLite transaction `tx`.
pub(super) fn insert_sqlite(
    tx: &rusqlite::Transaction<'_>,
    batch: &[Attested],
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO change_attestations
             (doc_id, hash, user_id, username, received_at, via, signed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for a in batch {
        stmt.execute(params![
            a.doc_id,
            a.hash.0.as_slice(),
            a.user_id,
            a.username,
            a.received_at,
            a.via.as_str(),
            a.via.signed_at()
        ])?;
    }
    Ok(())
}

/// Writes `batch` inside the chunks' PostgreSQL transaction `tx` (one statement).
pub(super) async fn insert_postgres(
    tx: &deadpool_postgres::Transaction<'_>,
    batch: &[Attested],
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let docs: Vec<&str> = batch.iter().map(|a| a.doc_id.as_str()).collect();
    let hashes: Vec<&[u8]> = batch.iter().map(|a| a.hash.0.as_slice()).collect();
    let users: Vec<i64> = batch.iter().map(|a| a.user_id).collect();
    let names: Vec<&str> = batch.iter().map(|a| a.username.as_str()).collect();
    let times: Vec<i64> = batch.iter().map(|a| a.received_at).collect();
    let vias: Vec<&str> = batch.iter().map(|a| a.via.as_str()).collect();
    let signed: Vec<Option<i64>> = batch.iter().map(|a| a.via.signed_at()).collect();
    tx.execute(
        "INSERT INTO change_attestations
             (doc_id, hash, user_id, username, received_at, via, signed_at)
         SELECT * FROM unnest($1::text[], $2::bytea[], $3::bigint[], $4::text[], $5::bigint[],
                              $6::text[], $7::bigint[])
         ON CONFLICT DO NOTHING",
        &[&docs, &hashes, &users, &names, &times, &vias, &signed],
    )
    .await?;
    Ok(())
}

fn attested(
    doc_id: String,
    hash: Vec<u8>,
    user_id: i64,
    username: String,
    received_at: i64,
    via: String,
    signed_at: Option<i64>,
) -> Option<Attested> {
    Some(Attested {
        doc_id,
        hash: ChangeHash::try_from(hash.as_slice()).ok()?,
        user_id,
        username,
        received_at,
        via: Via::from_row(&via, signed_at),
    })
}

/// A row of [`COLUMNS`] from SQLite (`None`: a hash that is not one).
fn from_sqlite(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<Attested>> {
    Ok(attested(
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

/// A row of [`COLUMNS`] from PostgreSQL.
fn from_pg(r: &tokio_postgres::Row) -> Option<Attested> {
    attested(
        r.get(0),
        r.get(1),
        r.get(2),
        r.get(3),
        r.get(4),
        r.get(5),
        r.get(6),
    )
}

const COLUMNS: &str = "doc_id, hash, user_id, username, received_at, via, signed_at";

impl Store {
    /// Records who delivered changes and when; committed with the next group of chunks (a
    /// commit starts at once if none is under way). The first delivery of a change stands.
    pub fn attest(&self, batch: Vec<Attested>) {
        if batch.is_empty() || cfg!(feature = "unattested") {
            return;
        }
        self.group.attest(self, batch);
    }

    /// The attestations of `hashes` of `doc_id` that are recorded (pending or committed).
    pub async fn attested(
        &self,
        doc_id: &str,
        hashes: &[ChangeHash],
    ) -> Result<HashMap<ChangeHash, Attested>> {
        let mut out = HashMap::new();
        let mut missing = Vec::new();
        self.group.with_pending(|p| {
            for h in hashes {
                match p.get(doc_id, h) {
                    Some(a) => {
                        out.insert(*h, a.clone());
                    }
                    None => missing.push(*h),
                }
            }
        });
        if missing.is_empty() {
            return Ok(out);
        }
        let doc = doc_id.to_string();
        let keys: Vec<Vec<u8>> = missing.iter().map(|h| h.0.to_vec()).collect();
        let rows: Vec<Attested> = match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let mut stmt = c.prepare_cached(&format!(
                        "SELECT {COLUMNS} FROM change_attestations WHERE doc_id = ?1 AND hash = ?2"
                    ))?;
                    let mut rows = Vec::new();
                    for k in &keys {
                        let mut q = stmt.query(params![doc, k])?;
                        if let Some(r) = q.next()? {
                            rows.push(from_sqlite(r)?);
                        }
                    }
                    Ok(rows.into_iter().flatten().collect())
                })
                .await?
            }
            Engine::Postgres(pool) => pg(pool)
                .await?
                .query(
                    &format!(
                        "SELECT {COLUMNS} FROM change_attestations
                         WHERE doc_id = $1 AND hash = ANY($2)"
                    ),
                    &[&doc, &keys],
                )
                .await?
                .into_iter()
                .filter_map(|r| from_pg(&r))
                .collect(),
        };
        for a in rows {
            out.entry(a.hash).or_insert(a);
        }
        Ok(out)
    }

    /// Every attestation of the documents `doc_ids` (the history and reports read them whole).
    pub async fn attestations_of(&self, doc_ids: &[String]) -> Result<Vec<Attested>> {
        let ids = doc_ids.to_vec();
        let sql = format!("SELECT {COLUMNS} FROM change_attestations WHERE doc_id = $1");
        let mut out: Vec<Attested> = match &self.engine {
            Engine::Sqlite(_) => {
                self.blocking(move |c| {
                    let mut stmt = c.prepare_cached(&lite(&sql))?;
                    let mut rows = Vec::new();
                    for id in &ids {
                        let found = stmt.query_map([id], from_sqlite)?;
                        for row in found {
                            rows.extend(row?);
                        }
                    }
                    Ok(rows)
                })
                .await?
            }
            Engine::Postgres(pool) => pg(pool)
                .await?
                .query(
                    &format!("SELECT {COLUMNS} FROM change_attestations WHERE doc_id = ANY($1)"),
                    &[&ids],
                )
                .await?
                .into_iter()
                .filter_map(|r| from_pg(&r))
                .collect(),
        };
        let committed: std::collections::HashSet<(String, ChangeHash)> =
            out.iter().map(|a| (a.doc_id.clone(), a.hash)).collect();
        self.group.with_pending(|p| {
            for a in &p.queue {
                if doc_ids.contains(&a.doc_id) && !committed.contains(&(a.doc_id.clone(), a.hash)) {
                    out.push(a.clone());
                }
            }
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attested(doc: &str, byte: u8, user: i64, at: i64, via: Via) -> Attested {
        Attested {
            doc_id: doc.into(),
            hash: ChangeHash([byte; 32]),
            user_id: user,
            username: format!("u{user}"),
            received_at: at,
            via,
        }
    }

    #[tokio::test]
    async fn the_first_delivery_of_a_change_stands_and_is_read_before_and_after_its_commit() {
        let store = Store::in_memory().unwrap();
        store.attest(vec![attested("d1", 1, 7, 1_000, Via::Sync)]);
        // A second delivery of the same change by someone else, later: ignored.
        store.attest(vec![
            attested("d1", 1, 9, 2_000, Via::Sync),
            attested("d1", 2, 9, 2_000, Via::Bundle { signed_at: 1_500 }),
        ]);
        let h = |b| ChangeHash([b; 32]);
        // Committed by the group commit soon; read either way.
        let read = store.attested("d1", &[h(1), h(2), h(3)]).await.unwrap();
        assert_eq!(read[&h(1)].user_id, 7);
        assert_eq!(read[&h(1)].received_at, 1_000);
        assert_eq!(read[&h(2)].via, Via::Bundle { signed_at: 1_500 });
        assert!(!read.contains_key(&h(3)));
        for _ in 0..200 {
            if store.group.with_pending(|p| p.is_empty()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(store.group.with_pending(|p| p.is_empty()), "committed");
        store.attest(vec![attested("d1", 1, 9, 3_000, Via::Sync)]);
        for _ in 0..200 {
            if store.group.with_pending(|p| p.is_empty()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let all = store.attestations_of(&["d1".into()]).await.unwrap();
        assert_eq!(all.len(), 2);
        let first = all.iter().find(|a| a.hash == h(1)).unwrap();
        assert_eq!((first.user_id, first.received_at), (7, 1_000));
        assert!(
            store
                .attestations_of(&["d2".into()])
                .await
                .unwrap()
                .is_empty()
        );
    }
}
