//! The long-lived part of a signed-in device: the samod repo over IndexedDB, this device's peer
//! id and the dialer to the server's `/sync`. It outlives the plan shown: switching plans opens
//! another [`PlanDocs`] on the same session, without reloading the page.
//!
//! Stage: *local documents ⇄ sync*. samod saves each change to IndexedDB and syncs it whenever
//! the socket is up, reconnecting with backoff; [`Session::watch`] reports where sync stands.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures::channel::mpsc;
use futures::{FutureExt, StreamExt};
use samod::{BackoffConfig, DialerHandle, DocHandle, DocumentId, PeerId, Repo};
use tiendo_shared::api::Me;
use tiendo_shared::model::Plan;

use super::plan_docs::PlanDocs;
use super::runtime::BrowserRuntime;
use super::socket::WebSocketDialer;
use super::storage::{DATABASE, IdbStorage};
use super::tasks::Tasks;
use super::{bootstrap, browser, files, pending, prefs};
use crate::error::ClientError;
use crate::view_model::files::{FileState, percent};
use crate::view_model::years::{self, PlanEntry};

/// How often the uploader looks again while files wait (the link may be back).
const UPLOAD_RETRY: Duration = Duration::from_secs(3);
/// How long the switcher waits for a plan's document to name its number, and the start screen
/// for another plan's documents.
const PLAN_PATIENCE: Duration = Duration::from_secs(10);
pub use crate::view_model::workspace::SyncState;

/// The repo, the dialer and who is signed in.
pub struct Session {
    repo: Repo,
    /// The device's database (documents and evidence files).
    storage: IdbStorage,
    /// Every evidence file kept on this device, and where it stands.
    files: RefCell<HashMap<String, FileState>>,
    /// Counts changes of [`Session::files`].
    files_revision: Cell<u64>,
    /// Told whenever a file's state changes (the sync indicator, the uploader).
    files_changed: RefCell<Vec<mpsc::UnboundedSender<()>>>,
    dialer: RefCell<DialerHandle<std::convert::Infallible>>,
    /// Told whenever [`Session::redial`] replaces the dialer (watchers follow the new one).
    redialed: RefCell<Vec<mpsc::UnboundedSender<()>>>,
    url: url::Url,
    /// Who is signed in (`/api/me`), and so which documents they may open.
    me: RefCell<Me>,
}

fn sync_url() -> Option<url::Url> {
    let loc = web_sys::window()?.location();
    let scheme = if loc.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    url::Url::parse(&format!("{scheme}://{}/sync", loc.host().ok()?)).ok()
}

/// Dials the server with backoff (0.5 s doubling up to 30 s, forever).
fn dial(
    repo: &Repo,
    url: &url::Url,
) -> Result<DialerHandle<std::convert::Infallible>, ClientError> {
    repo.dial(
        BackoffConfig {
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retries: None,
        },
        Arc::new(WebSocketDialer { url: url.clone() }),
    )
    .map_err(|_| ClientError::Document("kho tài liệu đã dừng".into()))
}

impl Session {
    /// Opens IndexedDB, stores a first visit's documents fetched by the page ([`bootstrap`]),
    /// loads what the device holds and starts dialing the server.
    pub async fn start(me: Me) -> Result<Rc<Session>, ClientError> {
        let storage = IdbStorage::open(DATABASE)
            .await
            .map_err(|e| ClientError::Storage(e.to_string()))?;
        bootstrap::store_fetched(&storage).await;
        let kept = files::all(&storage).await;
        let repo = samod::RepoBuilder::new(BrowserRuntime)
            .with_storage(storage.clone())
            .with_peer_id(PeerId::from(prefs::peer_id().as_str()))
            .load_local()
            .await;
        let url = sync_url()
            .ok_or_else(|| ClientError::Browser("không xác định được địa chỉ máy chủ".into()))?;
        let dialer = dial(&repo, &url)?;
        Ok(Rc::new(Session {
            repo,
            storage,
            files: RefCell::new(kept.iter().map(|k| (k.sha256.clone(), k.state())).collect()),
            files_revision: Cell::new(0),
            files_changed: RefCell::new(Vec::new()),
            dialer: RefCell::new(dialer),
            redialed: RefCell::new(Vec::new()),
            url,
            me: RefCell::new(me),
        }))
    }

    /// The plan to open: the one the user chose in the switcher on this device if they may
    /// still open it, else the current year's ([`years::plan_to_open`]).
    pub fn chosen_plan(&self) -> Option<String> {
        years::plan_to_open(
            &self.plan_entries(),
            prefs::plan_chosen().as_deref(),
            browser::today(),
        )
    }

    /// The plans the user may open, in the catalogue's order, each with its year as its title
    /// names it (at once, offline too: no document needs to be open).
    pub fn plan_entries(&self) -> Vec<PlanEntry> {
        self.me()
            .plans()
            .iter()
            .map(|(id, title)| PlanEntry::from_catalogue(id, title))
            .collect()
    }

    /// [`Session::plan_entries`] with what each plan's document says (its year and number),
    /// for the documents this device has or the server sends within a few seconds; the others
    /// as the catalogue names them.
    pub async fn plan_entries_read(&self) -> Vec<PlanEntry> {
        let me = self.me();
        let reads = self.plan_entries().into_iter().map(|e| {
            let doc = me
                .documents
                .iter()
                .find(|d| {
                    d.kind == tiendo_shared::model::DocKind::Plan
                        && d.plan_id.as_deref() == Some(e.plan_id.as_str())
                })
                .map(|d| d.doc_id.clone());
            async move {
                let Some(doc) = doc else { return e };
                match self.find_within(&doc, PLAN_PATIENCE).await {
                    Some(h) => {
                        match h.with_document(|d| tiendo_shared::model::doc::read::<Plan, _>(d)) {
                            Ok(plan) => e.read(&plan),
                            Err(_) => e,
                        }
                    }
                    None => e,
                }
            }
        });
        futures::future::join_all(reads).await
    }

    /// Opens the user's documents of another plan than the one shown, to read them (the start
    /// screen's pending work of other years); nothing is remembered. `None` when they cannot be
    /// had within a few seconds (offline, documents this device never held).
    pub async fn open_other(self: &Rc<Self>, plan_id: &str) -> Option<Rc<PlanDocs>> {
        let opened = PlanDocs::open(self, plan_id).fuse();
        let timeout = gloo_timers::future::sleep(PLAN_PATIENCE).fuse();
        futures::pin_mut!(opened, timeout);
        futures::select! {
            o = opened => o.ok().map(Rc::new),
            _ = timeout => None,
        }
    }

    /// [`Session::find`], giving up after `patience` (offline, a document the device never held
    /// would wait for the link).
    pub(super) async fn find_within(&self, id: &str, patience: Duration) -> Option<DocHandle> {
        let found = self.find(id).fuse();
        let timeout = gloo_timers::future::sleep(patience).fuse();
        futures::pin_mut!(found, timeout);
        futures::select! {
            f = found => f.ok(),
            _ = timeout => None,
        }
    }

    /// Who is signed in.
    pub fn me(&self) -> Me {
        self.me.borrow().clone()
    }

    /// A newer `/api/me` (after an import the user may open another plan), kept for restarts.
    pub fn set_me(&self, me: Me) {
        prefs::set_me(Some(&me));
        *self.me.borrow_mut() = me;
    }

    /// Opens the user's documents of plan `plan_id` (from the device when they are there, else
    /// from the server) and remembers it as the plan opened last.
    pub async fn open_plan(self: &Rc<Self>, plan_id: &str) -> Result<Rc<PlanDocs>, ClientError> {
        let docs = PlanDocs::open(self, plan_id).await?;
        prefs::set_plan(&docs.plan_id);
        Ok(Rc::new(docs))
    }

    /// A document of the repo, or why it cannot be had.
    pub(super) async fn find(&self, id: &str) -> Result<DocHandle, ClientError> {
        let id = DocumentId::from_str(id).map_err(ClientError::document)?;
        self.repo
            .find(id)
            .await
            .map_err(|_| ClientError::Document("kho tài liệu đã dừng".into()))?
            .ok_or_else(|| ClientError::Document(
                "chưa có dữ liệu trên máy này: cần kết nối mạng một lần, hoặc nạp gói khởi tạo văn phòng đã lập (nút \"Gói dữ liệu\")"
                    .into(),
            ))
    }

    /// The documents this device holds data of (whatever samod stored under their ids).
    pub(super) async fn held_documents(&self) -> std::collections::HashSet<String> {
        self.storage
            .keys()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|k| k.split('/').next().map(str::to_string))
            .collect()
    }

    /// Evidence file `sha256` as kept on this device, with its bytes.
    pub(super) async fn kept_file(&self, sha256: &str) -> Option<(files::Kept, Vec<u8>)> {
        files::kept_with_bytes(&self.storage, sha256).await
    }

    /// Stores a document chunk where samod finds it at the next start.
    pub(super) async fn store_chunk(
        &self,
        key: &str,
        data: &[u8],
    ) -> Result<(), super::storage::StorageError> {
        self.storage.set(key, data).await
    }

    /// Dials again at once (the browser says the network is back), instead of waiting out the
    /// backoff of the current dialer.
    pub fn redial(&self) {
        if self.dialer.borrow().is_connected() {
            return;
        }
        if let Ok(new) = dial(&self.repo, &self.url) {
            let old = self.dialer.replace(new);
            old.close();
            self.redialed
                .borrow_mut()
                .retain(|tx| tx.unbounded_send(()).is_ok());
        }
    }

    /// Where sync stands now for `docs`: the unconfirmed edits are this device's changes to the
    /// documents it writes that the server's heads do not include ([`pending`]).
    pub fn sync_state(&self, docs: &PlanDocs) -> SyncState {
        let dialer = self.dialer.borrow();
        let unconfirmed = docs
            .writable()
            .map(|h| {
                let live = dialer
                    .connection_id()
                    .and_then(|c| h.peers().0.get(&c).and_then(|s| s.their_heads.clone()));
                pending::unconfirmed(h, live)
            })
            .sum();
        SyncState {
            connected: dialer.is_connected(),
            unconfirmed,
            files_pending: self.files.borrow().values().filter(|f| f.pending()).count(),
            files_revision: self.files_revision.get(),
        }
    }

    /// Where evidence file `sha256` stands on this device.
    pub fn file_state(&self, sha256: &str) -> FileState {
        self.files
            .borrow()
            .get(sha256)
            .cloned()
            .unwrap_or(FileState::Elsewhere)
    }

    fn set_file_state(&self, sha256: &str, state: FileState) {
        self.files.borrow_mut().insert(sha256.to_string(), state);
        self.files_revision.set(self.files_revision.get() + 1);
        self.files_changed
            .borrow_mut()
            .retain(|tx| tx.unbounded_send(()).is_ok());
    }

    /// Keeps a picked file (or photo) on this device for upload: photos made smaller, the type
    /// checked by its bytes; what the progress document is to name.
    pub async fn attach(&self, file: &web_sys::File) -> Result<files::Kept, ClientError> {
        // Files may exist only here until uploaded: ask the browser not to evict them.
        files::persist().await;
        let (bytes, mime, name) = files::prepare(file).await?;
        let kept = files::keep(&self.storage, bytes, &mime, &name).await?;
        self.set_file_state(&kept.sha256, kept.state());
        // The new bytes take space: short of it, drop copies the server has.
        self.make_room().await;
        Ok(kept)
    }

    /// Keeps `file` and sends it to the server now, for progress document `doc_id` that the
    /// user writes: for an online act that names the file next (the office's "Bổ sung" of a
    /// sub-criterion reopened by the province), which the server accepts only for a file this
    /// account sent.
    pub async fn upload_now(
        self: &Rc<Self>,
        file: &web_sys::File,
        doc_id: &str,
    ) -> Result<files::Kept, ClientError> {
        let kept = self.attach(file).await?;
        if kept.uploaded {
            return Ok(kept);
        }
        let (sha, size) = (kept.sha256.clone(), kept.size);
        let session = self.clone();
        let progress = move |confirmed: u64| {
            session.set_file_state(&sha, FileState::Uploading(percent(confirmed, size)))
        };
        match files::upload(&self.storage, kept.clone(), doc_id, &progress).await {
            files::Uploaded::Stored => {
                self.set_file_state(&kept.sha256, FileState::Stored);
                Ok(kept)
            }
            files::Uploaded::Refused(why) => {
                self.set_file_state(&kept.sha256, FileState::Refused(why.clone()));
                Err(ClientError::Rejected(why))
            }
            files::Uploaded::Interrupted => {
                self.set_file_state(&kept.sha256, FileState::Local);
                Err(ClientError::Offline("tải tệp lên"))
            }
        }
    }

    /// Short of space ([`files::make_room`]): drops the local copies of files the server has;
    /// they show as on the server.
    async fn make_room(&self) {
        for gone in files::make_room(&self.storage).await {
            self.set_file_state(&gone, FileState::Elsewhere);
        }
    }

    /// This site's storage on the device: bytes used and the quota.
    pub async fn storage_estimate(&self) -> Option<(u64, u64)> {
        files::estimate().await
    }

    /// A URL that opens evidence file `sha256` (this device's copy, offline too).
    pub async fn file_url(&self, sha256: &str) -> String {
        files::url(&self.storage, sha256).await
    }

    /// Uploads the files kept here that the server does not have yet, one after another, while
    /// the link holds; each upload's progress shows as it goes.
    async fn upload_pending(self: &Rc<Self>, doc_id: &str) {
        let pending: Vec<_> = files::all(&self.storage)
            .await
            .into_iter()
            .filter(|k| k.state().pending())
            .collect();
        for kept in pending {
            let (sha, size) = (kept.sha256.clone(), kept.size);
            let session = self.clone();
            let progress = move |confirmed: u64| {
                session.set_file_state(&sha, FileState::Uploading(percent(confirmed, size)))
            };
            let sha = kept.sha256.clone();
            match files::upload(&self.storage, kept, doc_id, &progress).await {
                files::Uploaded::Stored => {
                    self.set_file_state(&sha, FileState::Stored);
                    self.make_room().await;
                }
                files::Uploaded::Refused(why) => self.set_file_state(&sha, FileState::Refused(why)),
                files::Uploaded::Interrupted => {
                    self.set_file_state(&sha, FileState::Local);
                    return;
                }
            }
        }
    }

    /// Reports where sync stands for `docs` to `report` now and whenever it may have moved: the
    /// link came or went (the dialer's events), the server said something about a written
    /// document (its peer states), or this device changed one — once per burst, no polling. Also
    /// dials at once when the network comes back. Everything stops when the guard is dropped.
    pub fn watch(
        self: &Rc<Self>,
        docs: Rc<PlanDocs>,
        report: impl Fn(SyncState) + 'static,
    ) -> Watch {
        let written: Vec<DocHandle> = docs.writable().cloned().collect();
        let mut tasks = Tasks::default();
        let check = {
            let session = self.clone();
            let docs = docs.clone();
            tasks.coalesce(move || report(session.sync_state(&docs)))
        };
        check();
        for handle in written {
            let check = check.clone();
            tasks.spawn(async move {
                let peers = handle.peers().1.map(|_| ());
                let changes = handle.changes().map(|_| ());
                let mut either = futures::stream::select(peers, changes);
                while either.next().await.is_some() {
                    check();
                }
            });
        }
        {
            let (session, check) = (self.clone(), check.clone());
            let (tx, mut redialed) = mpsc::unbounded();
            self.redialed.borrow_mut().push(tx);
            tasks.spawn(async move {
                loop {
                    let dialer = session.dialer.borrow().clone();
                    let mut events = dialer.events();
                    loop {
                        futures::select! {
                            e = events.next().fuse() => match e {
                                Some(_) => check(),
                                None => break,
                            },
                            r = redialed.next().fuse() => {
                                if r.is_none() {
                                    return;
                                }
                                check();
                                break;
                            }
                        }
                    }
                }
            });
        }
        // Evidence files: the indicator follows their states; the uploader sends them once the
        // link is up and the documents' own edits are confirmed (small changes first).
        {
            let (tx, mut changed) = mpsc::unbounded();
            self.files_changed.borrow_mut().push(tx);
            let check = check.clone();
            tasks.spawn(async move {
                while changed.next().await.is_some() {
                    check();
                }
            });
        }
        if let Some(doc_id) = docs.own_progress_id() {
            let (tx, mut wake) = mpsc::unbounded();
            self.files_changed.borrow_mut().push(tx);
            let (session, docs) = (self.clone(), docs.clone());
            tasks.spawn(async move {
                loop {
                    let s = session.sync_state(&docs);
                    if s.connected && s.unconfirmed == 0 && s.files_pending > 0 {
                        session.upload_pending(&doc_id).await;
                    }
                    futures::select! {
                        w = wake.next().fuse() => if w.is_none() { return },
                        _ = gloo_timers::future::sleep(UPLOAD_RETRY).fuse() => {}
                    }
                }
            });
        }
        let session = self.clone();
        let online = browser::on_online(move || session.redial());
        let offline = browser::on_offline(super::socket::drop_all);
        Watch {
            _online: online,
            _offline: offline,
            _tasks: tasks,
        }
    }

    /// Ends syncing and deletes the device's copy of the documents and everything kept beside
    /// them (logout).
    pub async fn wipe(&self) {
        self.dialer.borrow().close();
        self.repo.stop().await;
        if let Ok(storage) = IdbStorage::open(DATABASE).await {
            let _ = storage.clear().await;
        }
        prefs::clear();
    }
}

/// Keeps [`Session::watch`] running until dropped.
pub struct Watch {
    _online: Option<gloo_events::EventListener>,
    _offline: Option<gloo_events::EventListener>,
    _tasks: Tasks,
}
