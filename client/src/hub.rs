//! The tablet's document hub: a samod repo over IndexedDB that dials the server's `/sync`, the
//! user's documents, and the sync state the indicator shows.
//!
//! Stage: *local documents*. Forms edit the unit's progress document here; samod saves each change
//! to IndexedDB and syncs it whenever the socket is up (reconnecting with backoff). "Unconfirmed"
//! edits are the local changes the server's last acknowledged heads do not contain yet.

use std::cell::RefCell;
use std::rc::Rc;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use samod::{BackoffConfig, DialerHandle, DocHandle, DocumentId, PeerId, Repo};
use tiendo_shared::{Agency, Org, Plan, Progress, doc};

use crate::api::Me;
use crate::runtime::BrowserRuntime;
use crate::socket::WebSocketDialer;
use crate::storage::{DATABASE, IdbStorage};
use tiendo_shared::DocKind;
use tiendo_shared::api::Role;

/// Where sync stands, for the indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncState {
    /// The socket is up.
    pub connected: bool,
    /// Local edits the server has not confirmed yet.
    pub unconfirmed: usize,
}

/// The repo and the user's documents.
pub struct Hub {
    /// The samod repo.
    pub repo: Repo,
    dialer: RefCell<DialerHandle<std::convert::Infallible>>,
    url: url::Url,
    pub plan: DocHandle,
    pub org: DocHandle,
    /// The unit's progress (writable), if the user has a unit.
    pub progress: Option<DocHandle>,
    /// Every progress document the user may read (the central office, province, admin: all
    /// units of the agency), with its unit, for the merged status computed on the device.
    pub all_progress: Vec<(String, DocHandle)>,
    /// The plan shown.
    pub plan_id: String,
    /// The user may amend the plan (the agency's central office, a system administrator).
    pub plan_writable: bool,
    pub me: Me,
}

fn peer_id() -> String {
    let key = "tiendo.peer";
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    if let Some(id) = storage
        .as_ref()
        .and_then(|s| s.get_item(key).ok().flatten())
    {
        return id;
    }
    let id = format!("tablet-{}", uuid::Uuid::new_v4());
    if let Some(s) = storage {
        let _ = s.set_item(key, &id);
    }
    id
}

/// Where the hashes of this device's own changes to `doc` are listed (until confirmed), so
/// "unconfirmed edits" counts this device's changes only, never changes that came from the
/// server.
fn own_key(doc: &DocumentId) -> String {
    format!("tiendo.own.{doc}")
}

fn own_changes(doc: &DocumentId) -> Vec<automerge::ChangeHash> {
    store_get(&own_key(doc))
        .unwrap_or_default()
        .split(',')
        .filter_map(|h| automerge::ChangeHash::from_str(h).ok())
        .collect()
}

/// Runs `f` on `handle`'s document and lists the changes it made as this device's own.
fn edit_own<R>(handle: &DocHandle, f: impl FnOnce(&mut automerge::Automerge) -> R) -> R {
    let doc = handle.document_id().clone();
    let (result, made) = handle.with_document(|d| {
        let before = d.get_heads();
        let result = f(d);
        let made: Vec<String> = d
            .get_changes(&before)
            .iter()
            .map(|c| c.hash().to_string())
            .collect();
        (result, made)
    });
    if !made.is_empty() {
        let mut list: Vec<String> = own_changes(&doc).iter().map(|h| h.to_string()).collect();
        list.extend(made);
        store_set(&own_key(&doc), &list.join(","));
    }
    result
}

fn store_get(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

fn store_set(key: &str, value: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

const PLAN_KEY: &str = "tiendo.plan";

/// The plan to open: the one chosen last on this device if the user may still open it, else
/// the first of the user's plans.
pub fn chosen_plan(me: &Me) -> Option<String> {
    let plans = me.plans();
    store_get(PLAN_KEY)
        .filter(|p| plans.iter().any(|(id, _)| id == p))
        .or_else(|| plans.first().map(|(id, _)| id.clone()))
}

/// Remembers the plan to open next time.
pub fn choose_plan(plan_id: &str) {
    store_set(PLAN_KEY, plan_id);
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
fn dial(repo: &Repo, url: &url::Url) -> Result<DialerHandle<std::convert::Infallible>, String> {
    repo.dial(
        BackoffConfig {
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retries: None,
        },
        Arc::new(WebSocketDialer { url: url.clone() }),
    )
    .map_err(|_| "kho tài liệu đã dừng".to_string())
}

async fn find(repo: &Repo, id: &str) -> Result<DocHandle, String> {
    let id = DocumentId::from_str(id).map_err(|e| e.to_string())?;
    repo.find(id)
        .await
        .map_err(|_| "kho tài liệu đã dừng".to_string())?
        .ok_or_else(|| "chưa có dữ liệu trên máy này; cần kết nối mạng một lần".to_string())
}

impl Hub {
    /// Opens IndexedDB, starts dialing the server and opens the user's documents of the chosen
    /// plan (see [`chosen_plan`]) from the device when they are there, else from the server.
    pub async fn start(me: Me) -> Result<Rc<Hub>, String> {
        let storage = IdbStorage::open(DATABASE)
            .await
            .map_err(|e| e.to_string())?;
        let repo = samod::RepoBuilder::new(BrowserRuntime)
            .with_storage(storage)
            .with_peer_id(PeerId::from(peer_id().as_str()))
            .load_local()
            .await;
        let url = sync_url().ok_or("không xác định được địa chỉ máy chủ")?;
        let dialer = dial(&repo, &url)?;
        let chosen = chosen_plan(&me).unwrap_or_default();
        let plan_ref = me
            .documents
            .iter()
            .find(|d| d.kind == DocKind::Plan && d.plan_id.as_deref() == Some(chosen.as_str()))
            .or_else(|| me.doc(DocKind::Plan, None))
            .ok_or("không có kế hoạch")?;
        let plan_key = plan_ref.plan_id.clone().unwrap_or_default();
        let plan_writable = me.may_write(&plan_ref.doc_id);
        let plan_id = plan_ref.doc_id.clone();
        let of_plan = |d: &&crate::api::DocRef| {
            d.plan_id.is_none()
                || plan_key.is_empty()
                || d.plan_id.as_deref() == Some(plan_key.as_str())
        };
        let org_id = me
            .doc(DocKind::Org, None)
            .ok_or("không có tổ chức")?
            .doc_id
            .clone();
        let plan = find(&repo, &plan_id).await?;
        let org = find(&repo, &org_id).await?;
        let progress = match me.user.unit_id.as_deref().and_then(|u| {
            me.documents
                .iter()
                .filter(of_plan)
                .find(|d| d.kind == DocKind::Progress && d.unit_id.as_deref() == Some(u))
        }) {
            Some(d) => Some(find(&repo, &d.doc_id).await?),
            None => None,
        };
        let mut all_progress = Vec::new();
        if me.user.role != Role::UnitEditor {
            let own = progress.as_ref().map(|h| h.document_id().to_string());
            for d in me
                .documents
                .iter()
                .filter(of_plan)
                .filter(|d| d.kind == DocKind::Progress)
            {
                let unit = d.unit_id.clone().unwrap_or_default();
                if Some(&d.doc_id) == own.as_ref() {
                    all_progress.extend(progress.clone().map(|h| (unit, h)));
                } else if let Ok(h) = find(&repo, &d.doc_id).await {
                    all_progress.push((unit, h));
                }
            }
        }
        Ok(Rc::new(Hub {
            repo,
            all_progress,
            plan_id: plan_key,
            plan_writable,
            dialer: RefCell::new(dialer),
            url,
            plan,
            org,
            progress,
            me,
        }))
    }

    /// The plan as last synced.
    pub fn plan(&self) -> Result<Plan, String> {
        self.plan
            .with_document(|d| doc::read(d))
            .map_err(|e| e.to_string())
    }

    /// The user's agency.
    pub fn agency(&self) -> Result<Agency, String> {
        let org: Org = self
            .org
            .with_document(|d| doc::read(d))
            .map_err(|e| e.to_string())?;
        let id = self
            .me
            .user
            .agency_id
            .clone()
            .or_else(|| org.agencies.first().map(|a| a.id.clone()));
        id.and_then(|id| org.agency(&id).cloned())
            .ok_or_else(|| "không tìm thấy cơ quan".to_string())
    }

    /// Whether a newer release wrote any of the documents this device holds: the app then says
    /// "Có phiên bản mới — tải lại" (and goes on with what it can read).
    pub fn newer_version(&self) -> bool {
        let newer = |h: &samod::DocHandle, kind: tiendo_shared::DocKind| {
            h.with_document(|d| tiendo_shared::schema::contract(d, kind).newer)
        };
        newer(&self.plan, tiendo_shared::DocKind::Plan)
            || newer(&self.org, tiendo_shared::DocKind::Org)
            || self
                .progress
                .iter()
                .chain(self.all_progress.iter().map(|(_, h)| h))
                .any(|h| newer(h, tiendo_shared::DocKind::Progress))
    }

    /// The unit's progress.
    pub fn progress(&self) -> Option<Progress> {
        self.progress
            .as_ref()
            .and_then(|h| h.with_document(|d| doc::read(d).ok()))
    }

    /// Fields of the unit's report on `task_id` that hold concurrent values.
    pub fn conflicts(
        &self,
        task_id: &str,
        period: tiendo_shared::PeriodKind,
    ) -> Vec<tiendo_shared::progress::FieldConflict> {
        self.progress
            .as_ref()
            .map(|h| h.with_document(|d| tiendo_shared::progress::conflicts(d, task_id, period)))
            .unwrap_or_default()
    }

    /// Keeps value `choice` of a conflicting field, as this user's change.
    pub fn resolve(
        &self,
        task_id: &str,
        period: tiendo_shared::PeriodKind,
        field: &str,
        choice: usize,
    ) -> Result<(), String> {
        self.change_progress(|d, author| {
            tiendo_shared::progress::resolve(d, task_id, period, field, choice, author, now())
        })
    }

    /// Every readable unit's progress (documents that do not hydrate are skipped and counted).
    pub fn all_progress(&self) -> (Vec<Progress>, usize) {
        let mut ok = Vec::new();
        let mut bad = 0;
        for (_, h) in &self.all_progress {
            match h.with_document(|d| doc::read::<Progress, _>(d)) {
                Ok(p) => ok.push(p),
                Err(_) => bad += 1,
            }
        }
        (ok, bad)
    }

    /// Changes the unit's progress through `f`, as one change by this user.
    pub fn edit_progress(&self, f: impl FnOnce(&mut Progress)) -> Result<(), String> {
        self.change_progress(|d, author| doc::update::<Progress, _>(d, author, now(), f))
    }

    /// Runs `f` on the unit's progress document with this user as the author, recording the
    /// changes as this device's own.
    fn change_progress<E: std::fmt::Display>(
        &self,
        f: impl FnOnce(&mut automerge::Automerge, &str) -> Result<(), E>,
    ) -> Result<(), String> {
        let handle = self
            .progress
            .as_ref()
            .ok_or("tài khoản không gắn với đơn vị")?;
        let author = self.me.user.username.clone();
        edit_own(handle, |d| f(d, &author)).map_err(|e| e.to_string())
    }

    /// Amends the plan through `f` as one change by this user (central office only; the server
    /// refuses the change from anyone else).
    pub fn edit_plan<R>(
        &self,
        f: impl FnOnce(&mut Plan) -> Result<R, tiendo_shared::Error>,
    ) -> Result<R, String> {
        if !self.plan_writable {
            return Err("tài khoản này không được sửa kế hoạch".into());
        }
        let author = self.me.user.username.clone();
        let result = edit_own(&self.plan, |d| {
            // Checked on a copy first: a refused draft writes nothing.
            let mut plan: Plan = doc::read(d)?;
            let out = f(&mut plan)?;
            doc::update::<Plan, _>(d, &author, now(), |p| *p = plan)?;
            Ok::<R, tiendo_shared::Error>(out)
        });
        result.map_err(|e| e.to_string())
    }

    /// The task's timeline: every readable unit's progress changes on it and the plan's
    /// changes to it, newest first.
    pub fn timeline(&self, task_id: &str) -> Vec<tiendo_shared::history::Event> {
        let plan = self.plan.with_document(|d| d.clone());
        let mut docs: Vec<(String, automerge::Automerge)> = self
            .all_progress
            .iter()
            .map(|(u, h)| (u.clone(), h.with_document(|d| d.clone())))
            .collect();
        if docs.is_empty()
            && let (Some(h), Some(u)) = (&self.progress, &self.me.user.unit_id)
        {
            docs.push((u.clone(), h.with_document(|d| d.clone())));
        }
        tiendo_shared::history::task_timeline(
            Some(&plan),
            docs.iter().map(|(u, d)| (u.as_str(), d)),
            task_id,
        )
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
        }
    }

    /// Where sync stands now: the unconfirmed edits are this device's changes that the server's
    /// heads (as it last told us) do not include; changes that came from the server are in
    /// those heads. The heads are kept in `localStorage`, so the count survives going offline
    /// and reloading.
    pub fn sync_state(&self) -> SyncState {
        let dialer = self.dialer.borrow();
        let connected = dialer.is_connected();
        let writable = self
            .progress
            .iter()
            .chain(self.plan_writable.then_some(&self.plan));
        let unconfirmed = writable
            .map(|h| {
                let key = format!("tiendo.confirmed.{}", h.document_id());
                let live = dialer
                    .connection_id()
                    .and_then(|c| h.peers().0.get(&c).and_then(|s| s.their_heads.clone()));
                // Heads this device does not know yet (changes on their way) are not kept: the
                // last fully known heads stay the reference until those changes arrive.
                let known = |heads: &Vec<automerge::ChangeHash>| {
                    h.with_document(|d| {
                        heads
                            .iter()
                            .all(|x| automerge::ReadDoc::get_change_by_hash(d, x).is_some())
                    })
                };
                let heads = match live.filter(known) {
                    Some(heads) => {
                        let hex: Vec<String> = heads.iter().map(|h| h.to_string()).collect();
                        store_set(&key, &hex.join(","));
                        heads
                    }
                    None => store_get(&key)
                        .map(|s| {
                            s.split(',')
                                .filter_map(|h| automerge::ChangeHash::from_str(h).ok())
                                .collect()
                        })
                        .unwrap_or_default(),
                };
                let own = own_changes(h.document_id());
                let pending =
                    h.with_document(|d| crate::model::unconfirmed_changes(d, &heads, &own));
                // Forget own changes the server has: the list stays short.
                if pending.len() < own.len() {
                    let hex: Vec<String> = pending.iter().map(|h| h.to_string()).collect();
                    store_set(&own_key(h.document_id()), &hex.join(","));
                }
                pending.len()
            })
            .sum();
        SyncState {
            connected,
            unconfirmed,
        }
    }

    /// Ends syncing and deletes the device's copy of the documents (logout).
    pub async fn wipe(&self) {
        self.dialer.borrow().close();
        self.repo.stop().await;
        if let Ok(storage) = IdbStorage::open(DATABASE).await {
            let _ = storage.clear().await;
        }
        // Everything this app keeps beside the documents (peer id, chosen plan and period,
        // confirmed heads, cached report list) belongs to the user who leaves.
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let keys: Vec<String> = (0..s.length().unwrap_or(0))
                .filter_map(|i| s.key(i).ok().flatten())
                .filter(|k| k.starts_with("tiendo."))
                .collect();
            for key in keys {
                let _ = s.remove_item(&key);
            }
        }
    }
}

/// When this tablet makes a change (its clock; `shared` reads none).
fn now() -> doc::UnixTime {
    doc::UnixTime::from_millis(js_sys::Date::now())
}
