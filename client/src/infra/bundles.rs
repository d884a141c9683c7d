//! Bundle files on the device ([`tiendo_shared::bundle`]): the tablet's own signing key and its
//! registration with the server, "Xuất gói dữ liệu" (what the server has not confirmed, or
//! everything the user may write, with the evidence files it names, as a file to carry), and a
//! starter bundle loaded into IndexedDB instead of a first sync.
//!
//! Stage: *device storage → file* (export, fully offline) and *file → device storage* (starter).
//!
//! The key is an Ed25519 key made on the device at its first sign-in and kept in `localStorage`
//! ([`super::prefs`]) with the rest of the user's device state (it goes at logout). Its public
//! half is registered to the user while there is a link (`POST /api/devices`); the office's
//! server trusts a bundle only if its key is registered to an enabled user.

use std::str::FromStr;

use automerge::{ChangeHash, ReadDoc};
use ed25519_dalek::SigningKey;
use samod::DocumentId;
use samod::storage::StorageKey;
use tiendo_shared::api::{DeviceKey, Me};
use tiendo_shared::bundle::{self, Author, DocData, FileData, Kind};
use tiendo_shared::model::role::Access;
use tiendo_shared::model::{DocKind, Progress};

use super::session::Session;
use super::{browser, prefs};
use crate::error::ClientError;

/// The bundle file's media type.
pub const MEDIA_TYPE: &str = "application/vnd.tiendo.bundle";

/// This device's signing key, made the first time it is asked for.
pub fn device_key() -> SigningKey {
    if let Some(secret) = prefs::device_secret() {
        return SigningKey::from_bytes(&secret);
    }
    let mut secret = [0u8; 32];
    getrandom_03::fill(&mut secret).expect("the browser gives random bytes");
    prefs::set_device_secret(&secret);
    SigningKey::from_bytes(&secret)
}

/// The device key's public half, hex.
fn public_hex(key: &SigningKey) -> String {
    bundle::hex(key.verifying_key().as_bytes())
}

/// Whether the server has this device's key (as far as this device knows).
pub fn registered() -> bool {
    prefs::device_registered().as_deref() == Some(public_hex(&device_key()).as_str())
}

/// Registers this device's key with the server, once (repeated at each connection until it
/// succeeds).
pub async fn register() {
    if registered() {
        return;
    }
    let key = device_key();
    let body = DeviceKey {
        public_key: public_hex(&key),
        label: web_sys::window()
            .and_then(|w| w.navigator().user_agent().ok())
            .unwrap_or_default(),
    };
    let Ok(req) = gloo_net::http::Request::post("/api/devices").json(&body) else {
        return;
    };
    if let Ok(resp) = req.send().await
        && resp.status() == 204
    {
        prefs::set_device_registered(&body.public_key);
    }
}

/// A bundle made on this device.
pub struct Exported {
    /// The file name: unit, user, date.
    pub name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Documents and changes in it.
    pub documents: usize,
    /// Changes in it.
    pub changes: usize,
    /// Evidence files in it.
    pub files: usize,
}

/// The documents `me` may write that this device holds, with their handles.
async fn writable(session: &Session, me: &Me) -> Vec<(String, DocKind, samod::DocHandle)> {
    let held = session.held_documents().await;
    let mut out = Vec::new();
    for d in me.documents.iter().filter(|d| d.access == Access::Write) {
        if !held.contains(&d.doc_id) {
            continue;
        }
        if let Ok(h) = session.find(&d.doc_id).await {
            out.push((d.doc_id.clone(), d.kind, h));
        }
    }
    out
}

/// "Xuất gói dữ liệu": the changes of the documents the user may write that the server has not
/// confirmed (`everything`: all of them, whole), and the evidence files they name that this
/// device holds, sealed with the device key.
pub async fn export(session: &Session, everything: bool) -> Result<Exported, ClientError> {
    let me = session.me();
    let mut documents = Vec::new();
    let mut changes = 0;
    let mut named: Vec<String> = Vec::new();
    for (doc_id, kind, handle) in writable(session, &me).await {
        let id = DocumentId::from_str(&doc_id).map_err(ClientError::document)?;
        let confirmed = prefs::confirmed_heads(&id);
        let (data, heads, deps, new, files) = handle.with_document(|d| {
            let known: Vec<ChangeHash> = if everything {
                Vec::new()
            } else {
                confirmed
                    .iter()
                    .filter(|h| d.get_change_by_hash(h).is_some())
                    .copied()
                    .collect()
            };
            let new = d.get_changes(&known).len();
            let files_now = names(d, kind);
            let files = if known.is_empty() {
                files_now
            } else {
                let before = names(&d.fork_at(&known).unwrap_or_else(|_| d.clone()), kind);
                files_now
                    .into_iter()
                    .filter(|f| !before.contains(f))
                    .collect()
            };
            // The changes after what the server has, or the whole document when that is
            // smaller: `save()` is compressed by columns, a run of changes is not (a year of
            // edits: 4 KB whole against 74 KB of changes). The server takes either.
            let whole = d.save();
            let (data, deps) = if known.is_empty() {
                (whole, Vec::new())
            } else {
                let after = d.save_after(&known);
                if after.len() <= whole.len() {
                    (after, known)
                } else {
                    (whole, Vec::new())
                }
            };
            (data, d.get_heads(), deps, new, files)
        });
        if new == 0 {
            continue;
        }
        changes += new;
        named.extend(files);
        documents.push(DocData {
            id: doc_id,
            heads,
            deps,
            data,
        });
    }
    if documents.is_empty() {
        return Err(ClientError::Rejected(
            "Máy chủ đã xác nhận mọi thay đổi của máy này; không có gì để xuất. Chọn \"Xuất toàn bộ\" nếu vẫn cần gói."
                .into(),
        ));
    }
    named.sort();
    named.dedup();
    let mut carried = Vec::new();
    for sha in &named {
        if let Some((kept, bytes)) = session.kept_file(sha).await {
            carried.push(FileData {
                mime: kept.mime,
                name: kept.name,
                bytes,
            });
        }
    }
    let unit = me
        .user
        .unit_id
        .clone()
        .unwrap_or_else(|| "van-phong".into());
    let name = format!(
        "{}_{}_{}{}.tiendo",
        unit,
        me.user.username,
        browser::today(),
        if everything { "_toan-bo" } else { "" }
    );
    let (documents_n, files_n) = (documents.len(), carried.len());
    let bytes = bundle::seal(
        Kind::Unit,
        Author {
            username: me.user.username.clone(),
            unit_id: me.user.unit_id.clone(),
            agency_id: me.user.agency_id.clone(),
        },
        js_sys::Date::now() as i64,
        None,
        documents,
        carried,
        &device_key(),
    );
    Ok(Exported {
        name,
        bytes,
        documents: documents_n,
        changes,
        files: files_n,
    })
}

/// The evidence files a progress document names (none for other documents).
fn names(d: &automerge::Automerge, kind: DocKind) -> Vec<String> {
    if kind != DocKind::Progress {
        return Vec::new();
    }
    tiendo_shared::model::doc::read::<Progress, _>(d)
        .map(|p| p.files().map(|f| f.sha256.clone()).collect())
        .unwrap_or_default()
}

/// Loads a starter bundle the office made for this user's unit: checks that this server signed
/// it for this unit, and stores each document the user may open where samod finds it (as the
/// sign-in's bootstrap does). The page is then reloaded to open them; sync brings only what
/// changed since. Returns how many documents were stored.
pub async fn load_starter(session: &Session, bytes: &[u8]) -> Result<usize, ClientError> {
    let me = session.me();
    let opened = bundle::open(bytes).map_err(|e| ClientError::Rejected(e.to_string()))?;
    if opened.manifest.kind != Kind::Starter {
        return Err(ClientError::Rejected(
            "Đây là gói dữ liệu của đơn vị (để văn phòng nhập), không phải gói khởi tạo.".into(),
        ));
    }
    let signer = bundle::hex(&opened.key);
    match &me.bundle_key {
        None => {
            return Err(ClientError::Rejected(
                "Máy chưa biết khoá của máy chủ: đăng nhập lại khi có mạng rồi nạp gói.".into(),
            ));
        }
        Some(k) if *k != signer => {
            return Err(ClientError::Rejected(
                "Gói khởi tạo không do máy chủ này lập; không nạp.".into(),
            ));
        }
        Some(_) => {}
    }
    if me.user.unit_id.is_some() && opened.manifest.author.unit_id != me.user.unit_id {
        return Err(ClientError::Rejected(format!(
            "Gói khởi tạo của đơn vị {}, không phải đơn vị của tài khoản này.",
            opened.manifest.author.unit_id.unwrap_or_default()
        )));
    }
    let mut stored = 0;
    for (entry, data) in opened.manifest.documents.iter().zip(&opened.documents) {
        if !me.documents.iter().any(|d| d.doc_id == entry.id) {
            continue;
        }
        if automerge::Automerge::load(data).is_err() {
            continue;
        }
        let Ok(key) = StorageKey::from_parts([entry.id.as_str(), "snapshot", "starter"]) else {
            continue;
        };
        session
            .store_chunk(&key.to_string(), data)
            .await
            .map_err(|e| ClientError::Storage(format!("Không lưu được trên máy: {e}")))?;
        stored += 1;
    }
    if stored == 0 {
        return Err(ClientError::Rejected(
            "Gói khởi tạo không có tài liệu nào của tài khoản này.".into(),
        ));
    }
    Ok(stored)
}

/// The file picked in an `<input type=file>`: its bytes.
pub async fn picked(input: &super::form::FileInput) -> Option<Vec<u8>> {
    let file = input.files().into_iter().next()?;
    browser::read_file(&file).await.ok()
}

#[cfg(feature = "office")]
/// The office uploads a unit's bundle; the server's report of what it applied.
pub async fn import_at_office(
    bytes: &[u8],
) -> Result<tiendo_shared::api::BundleReport, ClientError> {
    let body = js_sys::Uint8Array::from(bytes);
    let resp = gloo_net::http::Request::post("/api/bundles")
        .header("Content-Type", MEDIA_TYPE)
        .body(body)
        .map_err(ClientError::http)?
        .send()
        .await
        .map_err(|_| ClientError::Http("Không gửi được gói: cần kết nối mạng.".into()))?;
    if resp.ok() {
        resp.json().await.map_err(ClientError::http)
    } else {
        Err(super::api::error_text(resp).await)
    }
}
