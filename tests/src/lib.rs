//! Test support for Tiến độ's integration tests: a real server on a random loopback port over a
//! real SQLite file in a temporary directory, or a real PostgreSQL database ([`stores`]), stopped
//! when dropped, native samod sync clients
//! that sign in with a bearer token, and a raw WebSocket client for protocol abuse.

pub mod browser;
pub mod hostile;
pub mod office;
pub mod process;
pub mod province;
pub mod proxy;
pub mod stores;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::{SinkExt, StreamExt, TryStreamExt};
use samod::{BackoffConfig, DialError, Dialer, DialerHandle, DocHandle, DocumentId, PeerId, Repo};
use tiendo_server::{Config, Library, Startup};
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::{self, Message, client::IntoClientRequest};

/// A running server. Dropping it shuts the server down and waits for it to flush.
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// What start-up did.
    pub startup: Startup,
    library: Library,
    handle: tokio::runtime::Handle,
    data_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Starts the server on `127.0.0.1:0` over `data_dir`, through the same `open` + `serve`
    /// path as `tiendo serve`.
    pub fn start(data_dir: &Path) -> TestServer {
        Self::start_with(data_dir, |_| {})
    }

    /// Like [`TestServer::start`], adjusting the configuration first.
    pub fn start_with(data_dir: &Path, adjust: impl FnOnce(&mut Config)) -> TestServer {
        let mut config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            data_dir: data_dir.to_path_buf(),
            static_dir: PathBuf::from("/nonexistent"),
            store: stores::store_setting(data_dir),
            ..Config::default()
        };
        adjust(&mut config);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            let handle = rt.handle().clone();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
                let addr = listener.local_addr().unwrap();
                let (library, startup) = tiendo_server::open(&config).await.expect("open");
                ready_tx
                    .send((addr, startup, library.clone(), handle))
                    .unwrap();
                tiendo_server::serve(config, library, listener, async {
                    let _ = stop_rx.await;
                })
                .await
                .expect("serve");
            });
        });
        let (addr, startup, library, handle) = ready_rx.recv().expect("server started");
        TestServer {
            addr,
            startup,
            library,
            handle,
            data_dir: data_dir.to_path_buf(),
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// `host:port` it listens on.
    pub fn addr(&self) -> String {
        self.addr.to_string()
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The sync socket's URL.
    pub fn sync_url(&self) -> url::Url {
        url::Url::parse(&format!("ws://{}/sync", self.addr)).unwrap()
    }

    /// The demo account (first start only) that `who` names: its username (`thanhtra`,
    /// `vanphong`, `admin`), or a unit's id (that unit's editor, or the central office's
    /// administrator), or `<unit id>.truong` (that unit's head). Tests name the units they act
    /// for; the demo names are the short ones a person types.
    pub fn demo_account(&self, who: &str) -> &tiendo_server::DemoAccount {
        let accounts = &self.startup.demo_accounts;
        let (unit, head) = match who.strip_suffix(".truong") {
            Some(unit) => (unit, true),
            None => (who, false),
        };
        accounts
            .iter()
            .find(|a| a.username == who)
            .or_else(|| {
                accounts.iter().find(|a| {
                    a.unit_id.as_deref() == Some(unit)
                        && (a.role == tiendo_server::domain::accounts::Role::UnitHead) == head
                })
            })
            .unwrap_or_else(|| panic!("no demo account {who}"))
    }

    /// The username of the demo account `who` names ([`TestServer::demo_account`]).
    pub fn demo_username(&self, who: &str) -> String {
        self.demo_account(who).username.clone()
    }

    /// The generated password of the demo account `who` names ([`TestServer::demo_account`]).
    pub fn password(&self, who: &str) -> String {
        self.demo_account(who).password.clone()
    }

    /// The progress document of `unit` in the seed plan imported at the first start.
    pub fn seeded_progress(&self, unit: &str) -> String {
        let seed = self.startup.seeded.as_ref().expect("seeded");
        seed.progress_docs
            .iter()
            .find(|(u, _)| u == unit)
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| panic!("no progress document of {unit}"))
    }

    /// Adds a province viewer (Sở Nội vụ) `username` with the password `mat-khau-thu`.
    pub fn add_province_viewer(&self, username: &str) {
        let store = self.library.store().clone();
        let user = tiendo_server::domain::accounts::NewUser {
            username: username.into(),
            display_name: "Sở Nội vụ".into(),
            role: tiendo_server::domain::accounts::Role::ProvinceViewer,
            agency_id: None,
            unit_id: None,
            password: "mat-khau-thu".into(),
        };
        self.on_server(async move { store.add_user(user).await.expect("a province viewer") });
    }

    /// The server's library (for setting up data the API does not create).
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// Every unit's report of `plan_id` for `period` as the server itself reads it (what the
    /// reports and the province's roll-up count: only steps with their receipt).
    pub fn reading(
        &self,
        plan_id: &str,
        period: tiendo_shared::model::PeriodKind,
    ) -> Vec<(String, tiendo_shared::workflow::ReportState)> {
        let library = self.library().clone();
        let plan_id = plan_id.to_string();
        self.on_server(async move {
            let data = tiendo_server::domain::documents::gather(&library, &plan_id)
                .await
                .expect("the plan");
            let received = library
                .store()
                .receipts_by_doc(&data.workflow_docs())
                .await
                .expect("the receipts");
            data.reporting(period, &received)
        })
    }

    /// Runs `f` on the server's runtime and waits for it.
    pub fn on_server<F>(&self, f: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let join = self.handle.spawn(f);
        let (tx, rx) = std::sync::mpsc::channel();
        self.handle.spawn(async move {
            let _ = tx.send(join.await);
        });
        rx.recv().unwrap().expect("server task")
    }

    /// GETs `path` without a session.
    pub fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        self.request("GET", path, None, None)
    }

    /// GETs `path` with a bearer token.
    pub fn get_json_as(&self, token: &str, path: &str) -> (u16, serde_json::Value) {
        self.request("GET", path, Some(token), None)
    }

    pub fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.request("POST", path, token, Some(body))
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        request(&self.addr.to_string(), method, path, token, body)
    }

    /// POSTs a text body (as `text/plain; charset=utf-8`); answers status and JSON body.
    pub fn post_text(&self, path: &str, token: &str, body: &str) -> (u16, serde_json::Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut resp = agent
            .post(self.url(path))
            .header("Authorization", format!("Bearer {token}"))
            .content_type("text/plain; charset=utf-8")
            .send(body)
            .expect("request");
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or_default())
    }

    /// GETs `path` with a bearer token as bytes: status, content type, content disposition,
    /// body.
    pub fn download(&self, token: &str, path: &str) -> (u16, String, String, Vec<u8>) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut resp = agent
            .get(self.url(path))
            .header("Authorization", format!("Bearer {token}"))
            .call()
            .expect("request");
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let (kind, disposition) = (header("content-type"), header("content-disposition"));
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .expect("body");
        (status, kind, disposition, body)
    }

    /// Signs in and returns the session token.
    pub fn login(&self, username: &str, password: &str) -> String {
        login(&self.addr.to_string(), username, password)
    }

    /// Uploads `bytes` as an evidence file of progress document `doc_id` by tus (creation, then
    /// one `PATCH`): the file's SHA-256, or the status and body of the first refusal.
    pub fn tus_upload(
        &self,
        token: &str,
        doc_id: &str,
        mime: &str,
        bytes: &[u8],
    ) -> Result<String, (u16, String)> {
        use base64::Engine;
        use sha2::Digest;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let sha = hex::encode(sha2::Sha256::digest(bytes));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let auth = format!("Bearer {token}");
        let meta = format!(
            "sha256 {},name {},type {},doc {}",
            b64(&sha),
            b64("minh-chung.pdf"),
            b64(mime),
            b64(doc_id)
        );
        let mut created = agent
            .post(self.url("/api/files/uploads"))
            .header("Authorization", &auth)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", bytes.len().to_string())
            .header("Upload-Metadata", meta)
            .send_empty()
            .expect("request");
        if created.status() != 201 {
            let body = created.body_mut().read_to_string().unwrap_or_default();
            return Err((created.status().as_u16(), body));
        }
        let location = created.headers()["location"].to_str().unwrap().to_string();
        let mut sent = agent
            .patch(self.url(&location))
            .header("Authorization", &auth)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", "0")
            .header("Content-Type", "application/offset+octet-stream")
            .send(bytes)
            .expect("request");
        if sent.status() != 204 {
            let body = sent.body_mut().read_to_string().unwrap_or_default();
            return Err((sent.status().as_u16(), body));
        }
        Ok(sha)
    }

    /// Signs in the demo account `who` names ([`TestServer::demo_account`]).
    pub fn login_demo(&self, who: &str) -> String {
        let a = self.demo_account(who);
        self.login(&a.username, &a.password)
    }

    /// `/api/me`'s document id of `kind` (and `unit`, for progress documents).
    pub fn doc_id(&self, token: &str, kind: &str, unit: Option<&str>) -> String {
        let (status, me) = self.get_json_as(token, "/api/me");
        assert_eq!(status, 200, "{me}");
        me["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == kind && (unit.is_none() || d["unit_id"] == unit.unwrap()))
            .unwrap_or_else(|| panic!("no {kind} document for {unit:?} in {me}"))["doc_id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An HTTP request to the server at `addr` (`host:port`): status and JSON body (`null` if none).
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("http://{addr}{path}");
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut resp = match (method, body) {
        ("POST", Some(b)) => {
            let mut req = agent.post(&url);
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            req.send_json(b).expect("request")
        }
        ("POST", None) => {
            let mut req = agent.post(&url);
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            req.send_empty().expect("request")
        }
        ("PUT", b) => {
            let mut req = agent.put(&url);
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            match b {
                Some(b) => req.send_json(b).expect("request"),
                None => req.send_empty().expect("request"),
            }
        }
        _ => {
            let mut req = agent.get(&url);
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            req.call().expect("request")
        }
    };
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().expect("body");
    let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    (status, json)
}

/// The signed-in user's unit and its progress document id, from `/api/me` at `addr`.
pub fn own_progress(addr: &str, token: &str) -> (String, String) {
    let (status, me) = request(addr, "GET", "/api/me", Some(token), None);
    assert_eq!(status, 200, "{me}");
    let unit = me["user"]["unit_id"]
        .as_str()
        .unwrap_or_else(|| panic!("the user has no unit: {me}"))
        .to_string();
    let doc = me["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "progress" && d["unit_id"] == unit.as_str())
        .unwrap_or_else(|| panic!("no progress document for {unit}: {me}"))["doc_id"]
        .as_str()
        .unwrap()
        .to_string();
    (unit, doc)
}

/// `GET url` with a bearer token: the status and the body's bytes (up to 64 MiB).
pub fn get_bytes(url: &str, token: &str) -> (u16, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent
        .get(url)
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .expect("request");
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .unwrap_or_default();
    (status, body)
}

/// Signs in at the server at `addr` and returns the session token.
pub fn login(addr: &str, username: &str, password: &str) -> String {
    let (status, body) = request(
        addr,
        "POST",
        "/api/login",
        None,
        Some(serde_json::json!({ "username": username, "password": password })),
    );
    assert_eq!(status, 200, "login {username}: {body}");
    body["token"].as_str().unwrap().to_string()
}

/// A size setting of a long-running test from the environment (`TIENDO_KILLS=20` …), else
/// `default`, so the same test serves as the short run in CI and the documented long run.
pub fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs a blocking call (HTTP) from async test code.
pub fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// Bytes and frames a sync client sent and received.
#[derive(Debug, Default)]
pub struct Traffic {
    sent: AtomicUsize,
    received: AtomicUsize,
}

impl Traffic {
    /// (sent, received) bytes since the last reset.
    pub fn bytes(&self) -> (usize, usize) {
        (
            self.sent.load(Ordering::SeqCst),
            self.received.load(Ordering::SeqCst),
        )
    }

    /// Starts counting from zero.
    pub fn reset(&self) {
        self.sent.store(0, Ordering::SeqCst);
        self.received.store(0, Ordering::SeqCst);
    }
}

/// Dials the sync socket with `Authorization: Bearer`, counting the bytes of every frame.
pub struct BearerDialer {
    pub url: url::Url,
    /// The session token.
    pub token: String,
    /// Where frame sizes are counted.
    pub traffic: Arc<Traffic>,
}

impl Dialer for BearerDialer {
    type Error = Infallible;

    fn url(&self) -> url::Url {
        self.url.clone()
    }

    fn connect(
        &self,
    ) -> futures::future::BoxFuture<'static, Result<samod::Transport, DialError<Infallible>>> {
        let (url, token) = (self.url.clone(), self.token.clone());
        let (tx, rx) = (self.traffic.clone(), self.traffic.clone());
        Box::pin(async move {
            let mut req = url
                .as_str()
                .into_client_request()
                .map_err(DialError::transient)?;
            req.headers_mut().insert(
                "Authorization",
                format!("Bearer {token}").parse().expect("header"),
            );
            // TCP_NODELAY, as browsers set it: small sync messages go out at once.
            let (ws, _) = tokio_tungstenite::connect_async_with_config(req, None, true)
                .await
                .map_err(DialError::transient)?;
            let (sink, stream) = ws.split();
            let stream = stream
                .try_filter_map(move |m| {
                    let rx = rx.clone();
                    async move {
                        Ok(match m {
                            Message::Binary(b) => {
                                rx.received.fetch_add(b.len(), Ordering::SeqCst);
                                Some(b.to_vec())
                            }
                            _ => None,
                        })
                    }
                })
                .boxed();
            let sink = sink.with(move |v: Vec<u8>| {
                tx.sent.fetch_add(v.len(), Ordering::SeqCst);
                async move { Ok::<_, tungstenite::Error>(Message::Binary(v.into())) }
            });
            Ok(samod::Transport::new(stream, Box::pin(sink)))
        })
    }
}

/// A native automerge-repo client (samod) like a tablet's: in-memory storage, or a SQLite file
/// standing in for the tablet's IndexedDB.
pub struct SyncClient {
    pub repo: Repo,
    /// Bytes over its connections.
    pub traffic: Arc<Traffic>,
    dialer: Option<DialerHandle<Infallible>>,
}

/// How long sync steps may take before a test gives up.
pub const PATIENCE: Duration = Duration::from_secs(20);

impl SyncClient {
    /// A client with peer id `peer`.
    pub async fn new(peer: &str) -> SyncClient {
        let repo = Repo::build_tokio()
            .with_peer_id(PeerId::from(peer))
            .load()
            .await;
        SyncClient::over(repo)
    }

    fn over(repo: Repo) -> SyncClient {
        SyncClient {
            repo,
            traffic: Arc::default(),
            dialer: None,
        }
    }

    /// A client with peer id `peer` keeping its documents in the SQLite file `db`, so that it
    /// can be stopped and started again with what it had.
    pub async fn with_store(peer: &str, db: &Path) -> SyncClient {
        let store = tiendo_server::store::Store::open(db).expect("client store opens");
        let repo = Repo::build_tokio()
            .with_peer_id(PeerId::from(peer))
            .with_storage(store)
            .load()
            .await;
        SyncClient::over(repo)
    }

    /// A client whose store (a SQLite file at `db`) holds a starter bundle's documents, as a
    /// tablet's IndexedDB does after "Nạp gói khởi tạo" (`client::infra::bundles`).
    pub async fn from_starter(
        peer: &str,
        db: &Path,
        starter: &tiendo_shared::bundle::Opened,
    ) -> SyncClient {
        use samod::storage::{Storage, StorageKey};
        let store = tiendo_server::store::Store::open(db).expect("client store opens");
        for (entry, data) in starter.manifest.documents.iter().zip(&starter.documents) {
            let key =
                StorageKey::from_parts([entry.id.as_str(), "snapshot", "starter"]).expect("a key");
            store.put(key, data.clone()).await;
        }
        drop(store);
        SyncClient::with_store(peer, db).await
    }

    /// Connects to `url` with `token` and waits for the handshake.
    pub async fn connect(&mut self, url: url::Url, token: &str) {
        self.connect_within(url, token, PATIENCE).await;
    }

    /// Like [`SyncClient::connect`], waiting up to `patience` (a benchmark's connect storm).
    pub async fn connect_within(&mut self, url: url::Url, token: &str, patience: Duration) {
        let dialer = self
            .repo
            .dial(
                BackoffConfig {
                    initial_delay: Duration::from_millis(50),
                    max_delay: Duration::from_millis(500),
                    max_retries: Some(40),
                },
                Arc::new(BearerDialer {
                    url,
                    token: token.to_string(),
                    traffic: self.traffic.clone(),
                }),
            )
            .expect("repo running");
        tokio::time::timeout(patience, dialer.established())
            .await
            .expect("connected in time")
            .expect("connected");
        self.dialer = Some(dialer);
    }

    /// Drops the connection (the client goes offline).
    pub fn disconnect(&mut self) {
        if let Some(d) = self.dialer.take() {
            d.close();
        }
    }

    /// The current connection's id, if connected (a dialer reconnecting has none).
    pub fn connection_now(&self) -> Option<samod::ConnectionId> {
        self.dialer.as_ref().and_then(|d| d.connection_id())
    }

    /// The current connection's id.
    pub fn connection(&self) -> samod::ConnectionId {
        self.dialer
            .as_ref()
            .and_then(|d| d.connection_id())
            .expect("connected")
    }

    /// Finds `doc_id` (locally or from the server); `None` when the server does not share it.
    pub async fn find(&self, doc_id: &str) -> Option<DocHandle> {
        let id = DocumentId::from_str(doc_id).expect("document id");
        tokio::time::timeout(PATIENCE, self.repo.find(id))
            .await
            .expect("find answers in time")
            .expect("repo running")
    }

    /// Waits until the server has every change this client has of `doc`.
    pub async fn wait_acknowledged(&self, doc: &DocHandle) {
        self.wait_acknowledged_within(doc, PATIENCE).await;
    }

    /// [`SyncClient::wait_acknowledged`] with its own patience, for a bulk upload (thousands of
    /// changes take longer than an edit on a loaded 2-core machine).
    pub async fn wait_acknowledged_within(&self, doc: &DocHandle, patience: Duration) {
        tokio::time::timeout(patience, doc.they_have_our_changes(self.connection()))
            .await
            .expect("the server acknowledged in time");
    }

    /// Stops the repo.
    pub async fn stop(self) {
        self.repo.stop().await;
    }
}

/// Reads a typed value out of a synced document.
pub fn read<T: tiendo_shared::model::Document>(doc: &DocHandle) -> T {
    doc.with_document(|d| tiendo_shared::model::doc::read(d).expect("hydrates"))
}

/// The evidence ids in a progress document: the kill tests' edits each add one, so "present" is
/// exact.
pub fn evidence_ids(doc: &DocHandle) -> std::collections::BTreeSet<String> {
    let p: tiendo_shared::model::Progress = read(doc);
    p.tasks
        .values()
        .flat_map(|periods| periods.values())
        .flat_map(|e| e.evidence.iter().map(|ev| ev.id.clone()))
        .collect()
}

/// Names evidence file `sha256` (a PDF of `size` bytes called `name`) in a new evidence item of
/// task 1.a, Q1, of progress document `doc`, as a tablet would: what makes the file readable to
/// those who may read the report.
pub fn name_evidence_file(doc: &DocHandle, author: &str, sha256: &str, name: &str, size: u64) {
    edit::<tiendo_shared::model::Progress>(doc, author, |p| {
        p.entry_mut("t1-a", tiendo_shared::model::PeriodKind::Q1)
            .evidence
            .push(tiendo_shared::model::Evidence {
                id: format!("ev-{}", &sha256[..12]),
                files: vec![tiendo_shared::model::EvidenceFile {
                    sha256: sha256.to_string(),
                    name: name.to_string(),
                    mime: "application/pdf".into(),
                    size,
                    ..Default::default()
                }],
                ..Default::default()
            })
    });
}

/// Edits a synced document through its typed model, as the client app does.
pub fn edit<T: tiendo_shared::model::Document>(
    doc: &DocHandle,
    author: &str,
    f: impl FnOnce(&mut T),
) {
    doc.with_document(|d| {
        tiendo_shared::model::doc::update::<T, _>(
            d,
            author,
            tiendo_shared::model::doc::UnixTime(tiendo_server::unix_now()),
            f,
        )
        .expect("saves")
    });
}

/// Polls `check` (blocking) until it returns `Some`, or panics after [`PATIENCE`].
pub async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if let Some(v) = blocking(&mut check) {
            return v;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A raw WebSocket on `/sync`, for sending what a well-behaved client never would.
pub struct RawSocket {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

/// How a raw socket's connection attempt or read ended.
#[derive(Debug, PartialEq)]
pub enum RawEvent {
    /// A binary frame.
    Binary(Vec<u8>),
    /// A close frame with its code and reason.
    Closed(u16, String),
    /// Nothing within the wait.
    Quiet,
    /// The stream ended without a close frame.
    Ended,
}

impl RawSocket {
    /// Opens `/sync` with an optional bearer token; `Err(status)` when the upgrade is refused.
    pub async fn connect(url: &url::Url, token: Option<&str>) -> Result<RawSocket, u16> {
        let mut req = url.as_str().into_client_request().unwrap();
        if let Some(t) = token {
            req.headers_mut()
                .insert("Authorization", format!("Bearer {t}").parse().unwrap());
        }
        match tokio_tungstenite::connect_async(req).await {
            Ok((ws, _)) => Ok(RawSocket { ws }),
            Err(tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
            Err(e) => panic!("unexpected connect error: {e}"),
        }
    }

    /// Sends a binary frame.
    pub async fn send_binary(&mut self, bytes: Vec<u8>) {
        let _ = self.ws.send(Message::Binary(bytes.into())).await;
    }

    /// Sends a text frame.
    pub async fn send_text(&mut self, text: &str) {
        let _ = self.ws.send(Message::Text(text.into())).await;
    }

    /// The next frame that matters (pings skipped), waiting up to `wait`.
    pub async fn next(&mut self, wait: Duration) -> RawEvent {
        loop {
            match tokio::time::timeout(wait, self.ws.next()).await {
                Err(_) => return RawEvent::Quiet,
                Ok(None) | Ok(Some(Err(_))) => return RawEvent::Ended,
                Ok(Some(Ok(Message::Binary(b)))) => return RawEvent::Binary(b.to_vec()),
                Ok(Some(Ok(Message::Close(c)))) => {
                    return c
                        .map(|c| RawEvent::Closed(c.code.into(), c.reason.to_string()))
                        .unwrap_or(RawEvent::Closed(1005, String::new()));
                }
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// Sends the automerge-repo `join` as `peer` and returns the server's peer id from its reply.
    pub async fn join(&mut self, peer: &str) -> String {
        self.send_binary(frame(&[("type", "join"), ("senderId", peer)], None))
            .await;
        match self.next(PATIENCE).await {
            RawEvent::Binary(b) => {
                let f = tiendo_server::sync::frame::decode(&b).expect("a protocol message");
                assert_eq!(f.kind, "peer", "the server answers a join with peer");
                f.sender_id.expect("the server's peer id")
            }
            other => panic!("expected the peer reply, got {other:?}"),
        }
    }

    /// Reads until a close frame (skipping other frames), or panics.
    pub async fn expect_close(&mut self) -> (u16, String) {
        for _ in 0..50 {
            match self.next(PATIENCE).await {
                RawEvent::Closed(code, reason) => return (code, reason),
                RawEvent::Binary(_) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
        panic!("no close frame");
    }
}

/// Encodes an automerge-repo protocol message (a CBOR map) from string fields and optional data
/// (the server's own encoder).
pub use tiendo_server::sync::frame::encode as frame;

/// An automerge sync message with nothing in it (a request for a document).
pub fn empty_sync_message() -> Vec<u8> {
    automerge::sync::Message {
        heads: vec![],
        need: vec![],
        have: vec![],
        changes: automerge::sync::ChunkList::empty(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
    .encode()
}

/// A sync message that carries one change made on an empty document putting `key` (so any
/// document can take it), as a misbehaving client would push it regardless of being read-only.
pub fn forced_change(key: &str) -> Vec<u8> {
    use automerge::transaction::Transactable;
    let mut doc = automerge::AutoCommit::new();
    doc.put(automerge::ROOT, key, "forced").unwrap();
    let change = doc.get_last_local_change().unwrap().clone();
    automerge::sync::Message {
        heads: vec![change.hash()],
        need: vec![],
        have: vec![],
        changes: automerge::sync::ChunkList::from(change.raw_bytes().to_vec()),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
    .encode()
}

/// The `type` of a protocol message from the server.
pub fn frame_type(bytes: &[u8]) -> String {
    tiendo_server::sync::frame::decode(bytes)
        .map(|f| f.kind)
        .unwrap_or_else(|e| format!("undecodable: {e}"))
}

/// A temporary data directory.
pub fn data_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// A unit's bundle file as its tablet seals it: by `user` (a username) of unit `unit`, made
/// now, with `documents` and `files`, signed with `key`.
pub fn unit_bundle(
    user: &str,
    unit: &str,
    documents: Vec<tiendo_shared::bundle::DocData>,
    files: Vec<tiendo_shared::bundle::FileData>,
    key: &ed25519_dalek::SigningKey,
) -> Vec<u8> {
    tiendo_shared::bundle::seal(
        tiendo_shared::bundle::Kind::Unit,
        tiendo_shared::bundle::Author {
            username: user.into(),
            unit_id: Some(unit.into()),
            agency_id: None,
        },
        tiendo_server::unix_now() * 1000,
        None,
        documents,
        files,
        key,
    )
}
