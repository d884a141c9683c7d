//! The document library: plans, the organisation and the units' progress as automerge-repo
//! documents in a samod [`Repo`], with the catalogue that says which document is which.
//!
//! Stage: *hub*. Imports (the CLI and first start) create documents here; the HTTP API reads them
//! here and runs `shared::status` over them. Every document goes through samod, so what is stored
//! is exactly what an automerge-repo peer syncs.

mod import;

pub use import::ImportReport;

use std::str::FromStr;

use samod::storage::{Storage, StorageKey};
use samod::{DocumentId, PeerId, Repo};

use tiendo_shared::model::{Date, Org, PeriodKind, Plan, Progress, doc};
use tiendo_shared::views::status::Summary;

use crate::domain::access::{Catalogue, Peers, Policy};
use crate::domain::documents::PlanData;
use crate::domain::error::{DomainError, Result};
use crate::store::{DocKind, DocRecord, Store};

/// The author recorded on documents the server itself creates.
pub const SYSTEM_AUTHOR: &str = "system";

/// Plans, organisation and progress documents, over samod and SQLite.
#[derive(Clone)]
pub struct Library {
    repo: Repo,
    store: Store,
    catalogue: Catalogue,
    peers: Peers,
    acceptor: samod::AcceptorHandle,
    lock: Option<std::sync::Arc<std::fs::File>>,
    rollups: crate::domain::province::Rollups,
    /// Documents' models as last hydrated, by heads.
    models: crate::domain::documents::Models,
    /// The repo's handles of the documents asked for ([`Library::handle`]).
    handles: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, samod::DocHandle>>>,
    /// The tasks following organisation documents ([`Library::watch_org`]), ended by
    /// [`Library::stop`] (each holds the library, and with it the data directory's lock).
    watchers: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
    /// The import a test asked to fail part-way ([`Library::with_import_fault`]).
    import_fault: std::sync::Arc<std::sync::Mutex<Option<(String, usize)>>>,
    /// What each document admitted and how ([`crate::domain::admit`]).
    admission: std::sync::Arc<crate::domain::admit::Admission>,
}

/// A plan as listed by the API (from `shared::api`).
pub use tiendo_shared::api::PlanInfo;

/// The server's samod peer id, kept in the store: clients save their sync state per peer, so a
/// stable id lets them resume after a server restart instead of starting over.
async fn server_peer_id(store: &Store) -> PeerId {
    let key = StorageKey::from_parts(["tiendo-server-peer-id"]).expect("a valid key");
    if let Some(id) = store
        .load(key.clone())
        .await
        .and_then(|b| String::from_utf8(b).ok())
    {
        return PeerId::from(id);
    }
    let id = format!("tiendo-server-{:032x}", rand::random::<u128>());
    store.put(key, id.clone().into_bytes()).await;
    PeerId::from(id)
}

/// Nodes sharing a PostgreSQL store: what another node committed reaches this one's repo, so the
/// tablets and offices connected here see it. A document this node has loaded takes the other
/// node's new chunks as they are announced (samod then syncs them to its peers here, and stores
/// them again, which changes nothing); one it has not loaded will be read whole when asked for.
/// A catalogue entry made elsewhere is read in; after a lost announcement, everything loaded is
/// read again.
async fn follow_other_nodes(
    repo: Repo,
    store: Store,
    catalogue: Catalogue,
    admission: std::sync::Arc<crate::domain::admit::Admission>,
) {
    use crate::store::postgres::Foreign;
    use tokio::sync::broadcast::error::RecvError;
    let mut foreign = store.foreign();
    loop {
        let (docs, whole) = match foreign.recv().await {
            Ok(Foreign::Chunks { doc, keys }) => (vec![(doc, Some(keys))], false),
            Ok(Foreign::Catalogue) => (Vec::new(), true),
            Ok(Foreign::Accounts) => continue,
            Ok(Foreign::Lost) | Err(RecvError::Lagged(_)) => (
                store
                    .loaded_documents()
                    .into_iter()
                    .map(|d| (d, None))
                    .collect(),
                true,
            ),
            Err(RecvError::Closed) => return,
        };
        if whole {
            match store.documents().await {
                Ok(records) => records.into_iter().for_each(|r| catalogue.insert(r)),
                Err(e) => tracing::warn!(error = %e, "reading the catalogue again failed"),
            }
        }
        for (doc, keys) in docs {
            if !store.has_loaded(&doc) {
                continue;
            }
            let chunks = match keys {
                Some(keys) => store.chunks_by_key(keys).await,
                None => store.chunks_under(&doc, true).await,
            };
            let (Ok(chunks), Ok(id)) = (chunks, doc.parse::<samod::DocumentId>()) else {
                tracing::warn!(%doc, "another node's chunks could not be read");
                continue;
            };
            if let Ok(Some(handle)) = repo.find(id).await {
                let kind = catalogue.get(&doc).map(|r| r.kind).unwrap_or(DocKind::Org);
                let chunks = chunks.into_iter().map(|(_, bytes)| bytes).collect();
                let applied = admission
                    .apply_foreign(&store, &handle, &doc, kind, chunks)
                    .await;
                if applied.is_err() {
                    return;
                }
            }
        }
    }
}

impl Library {
    /// Opens the library over `store`, sharing documents with sync peers by [`Policy`].
    pub async fn open(store: Store) -> Result<Library> {
        let catalogue = Catalogue::new(store.documents().await?);
        let peers = Peers::default();
        let policy = Policy {
            peers: peers.clone(),
            catalogue: catalogue.clone(),
        };
        let repo = Repo::build_tokio()
            .with_peer_id(server_peer_id(&store).await)
            .with_storage(store.clone())
            .with_share_policy(policy)
            // The server never announces documents (see `access::share_config`): a connection is
            // paired with a document when it asks for it, not with every loaded document.
            .with_pair_on_demand(true)
            .load()
            .await;
        let acceptor =
            repo.make_acceptor(url::Url::parse("ws://tiendo.invalid/sync").expect("a valid URL"))?;
        let admission = std::sync::Arc::new(crate::domain::admit::Admission::default());
        let follower = tokio::spawn(follow_other_nodes(
            repo.clone(),
            store.clone(),
            catalogue.clone(),
            admission.clone(),
        ));
        let refusals = tokio::spawn({
            let (peers, store) = (peers.clone(), store.clone());
            async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    if let Err(e) = peers.store_refused(&store).await {
                        tracing::warn!(error = %e, "storing the refused writes' count failed");
                    }
                }
            }
        });
        Ok(Library {
            repo,
            store,
            catalogue,
            peers,
            acceptor,
            lock: None,
            rollups: Default::default(),
            models: Default::default(),
            handles: Default::default(),
            import_fault: Default::default(),
            watchers: std::sync::Arc::new(std::sync::Mutex::new(vec![
                follower.abort_handle(),
                refusals.abort_handle(),
            ])),
            admission,
        })
    }

    /// Keeps the data directory's lock file for as long as the library lives.
    pub fn with_lock(mut self, lock: std::fs::File) -> Library {
        self.lock = Some(std::sync::Arc::new(lock));
        self
    }

    /// Makes the import of plan `fault.0` fail, once, as it is about to create the progress
    /// document of its `fault.1`-th unit. **Tests only** ([`crate::config::Config::fail_import`]).
    pub fn with_import_fault(self, fault: Option<(String, usize)>) -> Library {
        *self.import_fault.lock().unwrap_or_else(|p| p.into_inner()) = fault;
        self
    }

    /// Whether this library holds the data directory's lock.
    pub fn holds_lock(&self) -> bool {
        self.lock.is_some()
    }

    /// The document catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The sync peers bound to users.
    pub fn peers(&self) -> &Peers {
        &self.peers
    }

    /// Where sync connections are handed to samod.
    pub fn acceptor(&self) -> &samod::AcceptorHandle {
        &self.acceptor
    }

    /// Catalogues several documents in one store transaction (every row or none), then in the
    /// access catalogue.
    async fn register_all(&self, recs: Vec<DocRecord>) -> Result<()> {
        self.store.register_all(recs.clone()).await?;
        for rec in recs {
            self.catalogue.insert(rec);
        }
        Ok(())
    }

    /// Catalogues one document (in the store, then in the access catalogue).
    pub(crate) async fn register(&self, rec: DocRecord) -> Result<()> {
        self.register_all(vec![rec]).await
    }

    /// A new document holding `value`, written by the server (the PAR index's documents,
    /// [`crate::domain::par`]); catalogue it with [`Library::register`].
    pub(crate) async fn create_served<T: tiendo_shared::model::Document>(
        &self,
        value: &T,
    ) -> Result<String> {
        self.create(value).await
    }

    /// The organisation document of `agency_id`.
    pub async fn org(&self, agency_id: &str) -> Result<Org> {
        let rec = self
            .catalogue
            .all()
            .into_iter()
            .find(|d| d.kind == DocKind::Org && d.agency_id == agency_id)
            .ok_or_else(|| DomainError::NotFound(format!("cơ quan {agency_id}")))?;
        self.read(&rec.doc_id).await
    }

    /// Document `doc_id` saved whole (`Automerge::save`), as the repo holds it now. Saving is
    /// CPU work on the document's whole history, so it runs off the async threads.
    pub async fn saved(&self, doc_id: &str) -> Result<Vec<u8>> {
        let handle = self.handle(doc_id).await?;
        tokio::task::spawn_blocking(move || handle.with_document(|d| d.save()))
            .await
            .map_err(|e| DomainError::Interrupted(e.to_string()))
    }

    /// Every evidence file a progress document (its tasks' evidence, its PAR-index sheet) or an
    /// assessment record (the office's additions, what was sent) names now (SHA-256s).
    pub async fn named_files(&self) -> Result<std::collections::HashSet<String>> {
        let mut named = std::collections::HashSet::new();
        for rec in self.catalogue.all() {
            if rec.kind == DocKind::Assessment {
                // What the office added, and every file of what was sent: a sending is kept
                // whole, its files with it.
                let r = self
                    .read::<tiendo_shared::model::assessment::Record>(&rec.doc_id)
                    .await?;
                named.extend(r.files());
                continue;
            }
            if rec.kind != DocKind::Progress {
                continue;
            }
            match crate::domain::documents::DocReader::reading::<Progress>(self, &rec.doc_id).await
            {
                Ok(p) => {
                    named.extend(p.model.files().map(|f| f.sha256.clone()));
                    let sheet = p.sheet.values().flat_map(|e| &e.evidence);
                    named.extend(sheet.map(|e| e.sha256.clone()));
                }
                // A document that does not read keeps every file: none is deleted on a guess.
                Err(_) => {
                    return Err(DomainError::Interrupted(format!(
                        "tài liệu {} không đọc được; không dọn tệp minh chứng",
                        rec.doc_id
                    )));
                }
            }
        }
        Ok(named)
    }

    /// Deletes the evidence files no progress document has named for `grace` seconds (and the
    /// uploads left unfinished that long); returns the files deleted.
    pub async fn collect_files(&self, grace: i64) -> Result<Vec<String>> {
        let named = self.named_files().await?;
        Ok(self
            .store
            .collect_files(named, crate::unix_now(), grace)
            .await?)
    }

    /// Every agency with a stored organisation document, from each document's reading kept for
    /// its heads: the PAR ranking and the sets' screens ask for every agency on each request, and
    /// copying every organisation document to read it again cost more than the rest of a
    /// ranking. An organisation document that does not read is left out (and logged), as
    /// [`crate::domain::documents::agencies`] does.
    pub async fn agencies(&self) -> Result<Vec<tiendo_shared::model::Agency>> {
        use crate::domain::documents::DocReader;
        let mut out = Vec::new();
        for rec in self.catalogue.all() {
            if rec.kind != DocKind::Org {
                continue;
            }
            match self.reading::<Org>(&rec.doc_id).await {
                Ok(r) => out.extend(r.model.agency(&rec.agency_id).cloned()),
                Err(e) => {
                    tracing::warn!(doc = %rec.doc_id, agency = %rec.agency_id, error = %e, "organisation document does not read: left out");
                }
            }
        }
        Ok(out)
    }

    /// The samod repo (for sync connections).
    pub fn repo(&self) -> &Repo {
        &self.repo
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Admission of delivered changes ([`crate::domain::admit`]).
    pub fn admission(&self) -> &crate::domain::admit::Admission {
        &self.admission
    }

    /// The store's schema version (`/api/health`).
    pub async fn schema_version(&self) -> Result<i64> {
        Ok(self.store.schema_version().await?)
    }

    /// Writes refused by every node of the deployment since it was set up.
    pub async fn refused_writes_everywhere(&self) -> Result<u64> {
        Ok(self.peers.refused_in_store(&self.store).await?)
    }

    /// The report files generated for plan `plan_id`.
    pub async fn generated_reports(
        &self,
        plan_id: &str,
    ) -> Result<Vec<crate::store::GeneratedReport>> {
        Ok(self.store.generated_reports(plan_id).await?)
    }

    /// When each reporting step of documents `doc_ids` reached the server (step id → Unix ms).
    pub async fn receipts(
        &self,
        doc_ids: &[String],
    ) -> Result<std::collections::BTreeMap<String, i64>> {
        Ok(self.store.receipts(doc_ids).await?)
    }

    /// Records when reporting `steps` (id, Unix ms) of `doc_id` reached the server.
    pub async fn record_receipts(&self, doc_id: &str, steps: &[(String, i64)]) -> Result<()> {
        Ok(self.store.record_receipts(doc_id, steps).await?)
    }

    /// Who delivered each change of documents `doc_ids`, and when.
    pub async fn attestations_of(
        &self,
        doc_ids: &[String],
    ) -> Result<Vec<crate::store::attest::Attested>> {
        Ok(self.store.attestations_of(doc_ids).await?)
    }

    /// Waits until every change in `heads` of `doc_id` is committed; `false` if not within
    /// `timeout`.
    pub async fn wait_durable(
        &self,
        doc_id: &str,
        heads: &[automerge::ChangeHash],
        timeout: std::time::Duration,
    ) -> bool {
        self.store.wait_durable(doc_id, heads, timeout).await
    }

    /// Whether nothing has been imported yet.
    pub async fn is_empty(&self) -> Result<bool> {
        Ok(self.catalogue.all().is_empty())
    }

    async fn create<T: tiendo_shared::model::Document>(&self, value: &T) -> Result<String> {
        let am = doc::new_document(
            value,
            Some(SYSTEM_AUTHOR),
            tiendo_shared::model::doc::UnixTime(crate::unix_now()),
        )?;
        // Returns once samod has written the document to storage.
        let handle = self.repo.create(am).await?;
        Ok(handle.document_id().to_string())
    }

    /// The repo's handle of document `doc_id`, kept once found: asking the repo again is a
    /// round trip through its actors, and the roll-up asks for every document's heads.
    pub(crate) async fn handle(&self, doc_id: &str) -> Result<samod::DocHandle> {
        if let Some(h) = self
            .handles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(doc_id)
        {
            return Ok(h.clone());
        }
        let id = DocumentId::from_str(doc_id)
            .map_err(|_| DomainError::NotFound(format!("document {doc_id}")))?;
        let handle = self
            .repo
            .find(id)
            .await?
            .ok_or_else(|| DomainError::NotFound(format!("document {doc_id}")))?;
        self.handles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(doc_id.to_string(), handle.clone());
        Ok(handle)
    }

    /// Document `doc_id` read as a `T`.
    pub async fn read<T: tiendo_shared::model::Document>(&self, doc_id: &str) -> Result<T> {
        let handle = self.handle(doc_id).await?;
        Ok(handle.with_document(|d| doc::read(d))?)
    }

    pub async fn plans(&self) -> Result<Vec<PlanInfo>> {
        let mut out = Vec::new();
        for rec in self.catalogue.all() {
            if rec.kind != DocKind::Plan {
                continue;
            }
            // One agency's unreadable plan is left out (and logged), not everyone's list.
            let plan: Plan = match self.read(&rec.doc_id).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(doc = %rec.doc_id, agency = %rec.agency_id, error = %e, "plan document does not read: left out");
                    continue;
                }
            };
            out.push(PlanInfo {
                id: plan.id.clone(),
                doc_id: rec.doc_id,
                number: plan.number.clone(),
                title: plan.title.clone(),
                issuer: plan.issuer.clone(),
                year: plan.year,
                tasks: plan.tasks().count(),
            });
        }
        Ok(out)
    }

    /// The plan `plan_id` and the organisation of its agency.
    pub async fn plan(&self, plan_id: &str) -> Result<(Plan, Org)> {
        crate::domain::documents::plan(self, plan_id).await
    }

    /// The plan `plan_id`, its organisation and every unit's progress, read through the repo.
    pub async fn plan_data(&self, plan_id: &str) -> Result<PlanData> {
        crate::domain::documents::gather(self, plan_id).await
    }

    /// The merged status of `plan_id` over every unit's progress document.
    pub async fn status(
        &self,
        plan_id: &str,
        as_of: Date,
        period: Option<PeriodKind>,
    ) -> Result<Summary> {
        self.plan_data(plan_id).await?.status(as_of, period)
    }

    /// Links plan `plan_id` to the plan whose year it continues (see `shared::year`), as one
    /// change of its document by `by`.
    pub async fn link_plan(
        &self,
        plan_id: &str,
        link: &tiendo_shared::model::links::PlanLink,
    ) -> Result<()> {
        let doc = self.plan_doc_record(plan_id)?;
        self.plan_doc_record(&link.plan_id)?;
        let handle = self.handle(&doc.doc_id).await?;
        let at = crate::unix_now() * 1000;
        handle
            .with_document(|d| tiendo_shared::model::links::record(d, link, at))
            .map_err(|e| DomainError::BadRequest(e.to_string()))
    }

    /// The catalogue record of plan `plan_id`'s document.
    pub fn plan_doc_record(&self, plan_id: &str) -> Result<DocRecord> {
        self.catalogue
            .all()
            .into_iter()
            .find(|d| d.kind == DocKind::Plan && d.plan_id.as_deref() == Some(plan_id))
            .ok_or_else(|| DomainError::NotFound(format!("kế hoạch {plan_id}")))
    }

    /// The year of plan `plan_id` (see [`crate::domain::documents::year`]).
    pub async fn year(
        &self,
        plan_id: &str,
        period: PeriodKind,
        as_of: Date,
    ) -> Result<tiendo_shared::views::year::Year> {
        crate::domain::documents::year(self, plan_id, period, as_of).await
    }

    /// The heads of document `doc_id` as the repo holds it now.
    pub async fn heads(&self, doc_id: &str) -> Result<Vec<automerge::ChangeHash>> {
        let handle = self.handle(doc_id).await?;
        Ok(handle.with_document(|d| d.get_heads()))
    }

    /// The province's roll-up kept by this library (rows recomputed only for changed agencies).
    pub fn rollups(&self) -> &crate::domain::province::Rollups {
        &self.rollups
    }

    /// Stops the repo, flushing what is pending to storage.
    pub async fn stop(&self) {
        for w in self
            .watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            w.abort();
        }
        self.repo.stop().await;
        if let Err(e) = self.peers.store_refused(&self.store).await {
            tracing::warn!(error = %e, "storing the refused writes' count failed");
        }
        if let Err(e) = self.store.flush_readings().await {
            tracing::warn!(error = %e, "keeping documents' readings failed");
        }
    }

    /// The readings kept by version ([`crate::domain::documents::Models`]).
    pub(crate) fn models(&self) -> &crate::domain::documents::Models {
        &self.models
    }

    /// Whether the library holds document `doc_id` open in the repo (asked for through it).
    pub(crate) fn holds(&self, doc_id: &str) -> bool {
        self.handles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(doc_id)
    }

    /// This library without the data directory's lock: what a background task holds, so the
    /// lock goes with the library's owner, not with the last task to end.
    pub(crate) fn unlocked(&self) -> Library {
        Library {
            lock: None,
            ..self.clone()
        }
    }

    /// Keeps a following task to end at [`Library::stop`].
    pub(crate) fn keep_watcher(&self, task: &tokio::task::JoinHandle<()>) {
        self.watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(task.abort_handle());
    }
}
