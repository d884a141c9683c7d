//! Bundle files on the server ([`tiendo_shared::bundle`]): importing a unit's bundle carried in
//! by hand, with the same effect and the same rules as a sync of its author; and making a
//! starter bundle (the plan, the organisation and a unit's documents) for a new tablet.
//!
//! Stage: *transport without a link*, beside the sync socket: the bundle routes (the office's
//! upload) and `tiendo bundle` (the CLI) hand bytes here; the documents' changes go into the
//! repo like a peer's and are acknowledged only once stored.
//!
//! Who a bundle is from is decided by its signature alone: the key must be registered
//! (`POST /api/devices`) to an enabled user, whose name the manifest must carry. Then each
//! document is applied only if that user may write it ([`crate::domain::access`]), only on top of
//! changes the server has (its `deps`), and only if it passes the reporting-step gate
//! ([`crate::domain::admit`], which attests every change to the bundle's signed author); each
//! file only if a document of the bundle the author may write names it, and only if its bytes are of the type named. Applying is idempotent (automerge
//! changes and content-addressed files): a bundle imported twice changes nothing the second
//! time, and bundles apply in any order.

use automerge::{ChangeHash, ReadDoc};
use ed25519_dalek::SigningKey;
use tiendo_shared::api::{BundleDocument, BundleFile, BundleOutcome, BundleReport};
use tiendo_shared::bundle::{self, Author, DocData, Kind};
use tiendo_shared::model::{DocKind, Progress, files};

use crate::domain::access::Access;
use crate::domain::accounts::{Role, User};
use crate::domain::admit::Verdict;
use crate::domain::error::{DomainError, Result};
use crate::domain::library::Library;
use crate::store::attest::Via;
use crate::store::files::{Finished, NewUpload, PIECE};

/// How long an import waits for its documents' changes to be stored before it says so.
const STORING: std::time::Duration = std::time::Duration::from_secs(30);

/// The name of the server's starter-bundle key in the store.
const SERVER_KEY: &str = "bundle";

/// The key this deployment signs its starter bundles with (made at its first use).
pub async fn server_key(library: &Library) -> Result<SigningKey> {
    let secret = library
        .store()
        .server_secret(SERVER_KEY, rand::random())
        .await?;
    Ok(SigningKey::from_bytes(&secret))
}

/// The public half of [`server_key`], as `/api/me` gives it (hex).
pub async fn server_public_key(library: &Library) -> Result<String> {
    Ok(hex::encode(
        server_key(library).await?.verifying_key().as_bytes(),
    ))
}

/// Opens `bytes` and finds its author: a bundle that does not open, a starter bundle, or one
/// signed with a key no enabled user registered is refused whole, naming why.
pub async fn author_of(library: &Library, bytes: &[u8]) -> Result<(bundle::Opened, User)> {
    author(library, bundle::open(bytes)?).await
}

/// The author of an opened bundle (see [`author_of`]).
pub async fn author(library: &Library, opened: bundle::Opened) -> Result<(bundle::Opened, User)> {
    if opened.manifest.kind != Kind::Unit {
        return Err(DomainError::BadRequest(
            "đây là gói khởi tạo cho máy tính bảng, không nhập vào máy chủ".into(),
        ));
    }
    let Some(author) = library.store().device_key_owner(opened.key).await? else {
        return Err(DomainError::Forbidden(format!(
            "gói được ký bằng khoá {} chưa đăng ký với máy chủ này: không rõ ai lập, không nhập",
            &hex::encode(opened.key)[..16]
        )));
    };
    if author.disabled {
        return Err(DomainError::Forbidden(format!(
            "gói do tài khoản {} lập, tài khoản này đã bị khoá: không nhập",
            author.username
        )));
    }
    if opened.manifest.author.username != author.username {
        return Err(DomainError::Forbidden(format!(
            "gói ghi người lập {:?} nhưng được ký bằng khoá của {:?}: không nhập",
            opened.manifest.author.username, author.username
        )));
    }
    Ok((opened, author))
}

/// Applies an opened bundle of `author` ([`author_of`]); `max_file_bytes` bounds each file as
/// uploads are bounded.
pub async fn import(
    library: &Library,
    opened: bundle::Opened,
    author: &User,
    max_file_bytes: u64,
) -> Result<BundleReport> {
    let bundle::Opened {
        manifest,
        documents,
        files: file_bytes,
        key,
    } = opened;
    let claim = Claim {
        signed_at: manifest.created_ms,
        key_registered: library
            .store()
            .device_key_registered(key)
            .await?
            .unwrap_or(i64::MAX),
    };
    let mut report = BundleReport {
        author: author.username.clone(),
        author_name: author.display_name.clone(),
        created_ms: manifest.created_ms,
        documents: Vec::new(),
        files: Vec::new(),
    };
    // The files each document the author may write names (applied or already known).
    let mut named: Vec<(String, String)> = Vec::new();
    for (entry, data) in manifest.documents.iter().zip(documents) {
        let record = library.catalogue().get(&entry.id);
        let mut row = BundleDocument {
            doc_id: entry.id.clone(),
            title: record.as_ref().map(|r| r.title.clone()).unwrap_or_default(),
            outcome: BundleOutcome::Refused,
            changes: 0,
            reason: None,
        };
        let refused = match &record {
            None => Some("máy chủ không có tài liệu này".to_string()),
            Some(r) if library.catalogue().access(author, r) != Access::Write => {
                Some(format!("{} không được ghi tài liệu này", author.username))
            }
            Some(_) => None,
        };
        if let Some(why) = refused {
            library.peers().count_refused_write();
            tracing::warn!(author = %author.username, doc = %entry.id, reason = %why, "bundle document refused");
            row.reason = Some(why);
            report.documents.push(row);
            continue;
        }
        let record = record.expect("checked above");
        match apply(library, author, claim, &record, entry, data).await? {
            Applied::New { changes, .. } => {
                row.outcome = BundleOutcome::Applied;
                row.changes = changes;
            }
            Applied::Known => row.outcome = BundleOutcome::Known,
            Applied::Refused(why) => {
                library.peers().count_refused_write();
                tracing::warn!(author = %author.username, doc = %entry.id, reason = %why, "bundle document refused");
                row.reason = Some(why);
            }
        }
        if row.outcome != BundleOutcome::Refused && record.kind == DocKind::Progress {
            let progress: Progress = library.read(&entry.id).await?;
            named.extend(
                progress
                    .files()
                    .map(|f| (f.sha256.clone(), entry.id.clone())),
            );
        }
        report.documents.push(row);
    }
    for (entry, bytes) in manifest.files.iter().zip(file_bytes) {
        let doc = named
            .iter()
            .find(|(sha, _)| *sha == entry.sha256)
            .map(|(_, doc)| doc.clone());
        let (outcome, reason) = match doc {
            None => (
                BundleOutcome::Refused,
                Some("không tài liệu nào người lập được ghi trong gói nhắc đến tệp này".into()),
            ),
            Some(doc) => store_file(library, author, entry, doc, bytes, max_file_bytes).await?,
        };
        report.files.push(BundleFile {
            sha256: entry.sha256.clone(),
            name: entry.name.clone(),
            size: entry.size,
            outcome,
            reason,
        });
    }
    tracing::info!(author = %author.username, summary = %report.summary(), "bundle imported");
    Ok(report)
}

/// What applying one document's data did.
enum Applied {
    /// New changes: how many, the reporting steps they add, the document's heads after.
    New {
        changes: usize,
        steps: Vec<(String, i64)>,
        heads: Vec<ChangeHash>,
    },
    Known,
    Refused(String),
}

async fn apply(
    library: &Library,
    author: &User,
    claim: Claim,
    record: &crate::store::DocRecord,
    entry: &bundle::DocEntry,
    data: Vec<u8>,
) -> Result<Applied> {
    let parse = |hashes: &[String]| -> Option<Vec<ChangeHash>> {
        hashes.iter().map(|h| h.parse().ok()).collect()
    };
    let (Some(heads), Some(deps)) = (parse(&entry.heads), parse(&entry.deps)) else {
        return Ok(Applied::Refused(
            "danh mục ghi mã thay đổi không hợp lệ".into(),
        ));
    };
    let handle = library.handle(&entry.id).await?;
    let known = {
        let handle = handle.clone();
        tokio::task::spawn_blocking(move || {
            handle.with_document(|d| {
                let has = |h: &ChangeHash| d.get_change_by_hash(h).is_some();
                if heads.iter().all(has) {
                    return Some(Applied::Known);
                }
                deps.iter().find(|h| !has(h)).map(|missing| {
                    Applied::Refused(format!(
                        "gói dựa trên thay đổi {} mà máy chủ chưa có (máy chủ đã được khôi phục từ bản sao lưu cũ?)",
                        &missing.to_string()[..12]
                    ))
                })
            })
        })
        .await?
    };
    if let Some(outcome) = known {
        return Ok(outcome);
    }
    // Admitted as a sync frame of the author's would be: attested (by the bundle's signed
    // author and time), its steps checked against the attested record.
    let verdict = library
        .admission()
        .admit(
            library,
            author,
            &entry.id,
            record.kind,
            std::slice::from_ref(&data),
            Via::Bundle {
                signed_at: claim.signed_at,
            },
        )
        .await;
    let steps = match verdict {
        Verdict::Refuse(why) => return Ok(Applied::Refused(why)),
        Verdict::Pass(steps) => steps,
    };
    let outcome = tokio::task::spawn_blocking(move || {
        handle.with_document(|d| {
            let before = d.get_heads();
            if let Err(e) = d.load_incremental(&data) {
                return Applied::Refused(format!("thay đổi không đọc được: {e}"));
            }
            Applied::New {
                changes: d.get_changes(&before).len(),
                steps,
                heads: d.get_heads(),
            }
        })
    })
    .await?;
    if let Applied::New { steps, heads, .. } = &outcome {
        if !steps.is_empty() {
            // A step made offline counts from the bundle's signed time when the key that signed
            // it was registered before then (a claim the signature backs); else from its arrival.
            let steps: Vec<(String, i64)> = steps
                .iter()
                .map(|(id, arrived)| (id.clone(), claim.effective(*arrived)))
                .collect();
            library.store().record_receipts(&entry.id, &steps).await?;
        }
        if !library
            .store()
            .wait_durable(&entry.id, heads, STORING)
            .await
        {
            return Err(DomainError::Interrupted(format!(
                "thay đổi của tài liệu {} chưa được lưu kịp; nhập lại gói (không sinh trùng)",
                entry.id
            )));
        }
    }
    Ok(outcome)
}

/// What a bundle's signature says of when its steps were taken.
#[derive(Debug, Clone, Copy)]
pub struct Claim {
    /// The manifest's signed time (the maker's clock), Unix ms.
    pub signed_at: i64,
    /// When the key that signed it was registered with the server, Unix ms.
    pub key_registered: i64,
}

impl Claim {
    /// When a step of the bundle that arrived at `arrived` counts from: the signed time when the
    /// key was registered by then and it is not after the arrival; else the arrival.
    pub fn effective(self, arrived: i64) -> i64 {
        if self.key_registered <= self.signed_at && self.signed_at <= arrived {
            self.signed_at
        } else {
            arrived
        }
    }
}

/// Stores one file of a bundle as an upload by `author` for `doc` would. A file the server holds
/// already is not stored again, but its bytes, when they hash as the manifest says, prove the
/// author holds it ([`crate::store::possession`]) as an upload's would.
async fn store_file(
    library: &Library,
    author: &User,
    entry: &bundle::FileEntry,
    doc: String,
    bytes: Vec<u8>,
    max_file_bytes: u64,
) -> Result<(BundleOutcome, Option<String>)> {
    let store = library.store();
    if store.stored_file(&entry.sha256).await?.is_some() {
        let actual = tokio::task::spawn_blocking(move || {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&bytes))
        })
        .await?;
        if actual != entry.sha256 {
            return Ok((
                BundleOutcome::Refused,
                Some(format!("tệp băm ra {actual}, không khớp danh mục")),
            ));
        }
        store
            .record_possession(&entry.sha256, author.id, &doc)
            .await?;
        return Ok((BundleOutcome::Known, None));
    }
    if bytes.len() as u64 > max_file_bytes {
        return Ok((
            BundleOutcome::Refused,
            Some(format!(
                "tệp {} MB, quá giới hạn {} MB",
                bytes.len().div_ceil(1024 * 1024),
                max_file_bytes / (1024 * 1024)
            )),
        ));
    }
    if bytes.is_empty() {
        return Ok((BundleOutcome::Refused, Some("tệp rỗng".into())));
    }
    if let Err(why) = files::check(&entry.mime, &bytes[..bytes.len().min(files::SNIFF_BYTES)]) {
        return Ok((BundleOutcome::Refused, Some(why)));
    }
    let id = hex::encode(rand::random::<[u8; 16]>());
    store
        .create_upload(
            NewUpload {
                id: id.clone(),
                sha256: entry.sha256.clone(),
                size: bytes.len() as u64,
                mime: entry.mime.clone(),
                name: entry.name.chars().take(255).collect(),
                doc_id: doc,
                user_id: author.id,
            },
            false,
        )
        .await?;
    let mut offset = 0u64;
    for piece in bytes.chunks(PIECE) {
        offset = store.append_upload(&id, offset, piece.to_vec()).await?;
    }
    match store.finish_upload(&id).await? {
        Finished::Stored => Ok((BundleOutcome::Applied, None)),
        Finished::HashMismatch { actual } => Ok((
            BundleOutcome::Refused,
            Some(format!("tệp băm ra {actual}, không khớp danh mục")),
        )),
    }
}

/// A starter bundle for a tablet of `unit_id` in `agency_id`: the documents a unit editor's
/// tablet opens for `plan_id` (the agency's first plan when empty), whole, signed with the
/// server's key; `maker` names who made it.
pub async fn starter(
    library: &Library,
    agency_id: &str,
    unit_id: &str,
    plan_id: &str,
    maker: &str,
    now_ms: i64,
) -> Result<Vec<u8>> {
    let agency = library
        .agencies()
        .await?
        .into_iter()
        .find(|a| a.id == agency_id)
        .ok_or_else(|| DomainError::NotFound(format!("cơ quan {agency_id}")))?;
    if agency.unit(unit_id).is_none() {
        return Err(DomainError::NotFound(format!(
            "đơn vị {unit_id} trong {}",
            agency.name
        )));
    }
    let member = User {
        id: 0,
        username: maker.to_string(),
        display_name: maker.to_string(),
        role: Role::UnitEditor,
        agency_id: Some(agency_id.to_string()),
        unit_id: Some(unit_id.to_string()),
        disabled: false,
    };
    let me = tiendo_shared::api::Me {
        user: (&member).into(),
        role_label: String::new(),
        agency: None,
        unit: None,
        documents: crate::domain::session::doc_refs(library, &member),
        par_documents: Vec::new(),
        people: Vec::new(),
        sync_path: String::new(),
        build: None,
        bundle_key: None,
    };
    let wanted = me
        .plan_documents(plan_id)
        .map_err(|e| DomainError::NotFound(e.to_string()))?;
    let mut documents = Vec::new();
    for id in wanted.ids() {
        let handle = library.handle(id).await?;
        let (heads, data) = tokio::task::spawn_blocking(move || {
            handle.with_document(|d| (d.get_heads(), d.save()))
        })
        .await?;
        documents.push(DocData {
            id: id.to_string(),
            heads,
            deps: Vec::new(),
            data,
        });
    }
    let key = server_key(library).await?;
    Ok(bundle::seal(
        Kind::Starter,
        Author {
            username: maker.to_string(),
            unit_id: Some(unit_id.to_string()),
            agency_id: Some(agency_id.to_string()),
        },
        now_ms,
        None,
        documents,
        Vec::new(),
        &key,
    ))
}
