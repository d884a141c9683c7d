//! Evidence files over HTTP: resumable uploads by the tus 1.0.0 protocol (core, `creation`,
//! `termination`) at `/api/files/uploads`, and `GET /api/files/{sha256}`.
//!
//! Stage: *API → SQLite* ([`crate::store::files`]). Who may do what:
//! - an upload is created for a progress document the user may **write** (`doc` in
//!   `Upload-Metadata`), declaring the file's SHA-256, name, type and length; the type must be
//!   one accepted as evidence and the length within `limits.max_file_bytes`;
//! - only its creator continues it (`HEAD`, `PATCH`, `DELETE`);
//! - the first bytes must be of the declared type, and the whole must hash as declared, or the
//!   upload is dropped with a clear error;
//! - a stored file is read by whoever may read a progress document that names it trustworthily
//!   — the naming written by someone who sent the server the file's bytes, or the reader holding
//!   them itself ([`crate::domain::file_access`]) — and by nobody else (`404` alike whether it is not
//!   stored or not theirs);
//! - an upload of a file the server holds is done at once only for a user who may read it
//!   already; anyone else is answered exactly as for a new file and sends the bytes, which prove
//!   possession (and are not stored twice): creating an upload tells nothing of what is stored.
//!
//! tus rather than an invented protocol: any tus client (`tus-js-client`, the tablets' own)
//! resumes a cut upload from the offset the server confirms (`HEAD` → `Upload-Offset`).
//! No tus crate is used: the maintained ones own their storage and authorize in hooks after
//! the fact, where here the bytes go into the same SQLite file as the documents and every
//! request is checked against the document rules first.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use futures::StreamExt;
use tiendo_shared::model::progress::file_namings;
use tiendo_shared::model::{DocKind, Progress, files, is_sha256};

use super::auth::Authenticated;
use crate::AppState;
use crate::domain::access::Access;
use crate::domain::accounts::User;
use crate::error::{AppError, Result};
use crate::store::files::{Finished, NewUpload, PIECE, Upload};

const TUS_VERSION: &str = "1.0.0";
const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");

/// The file routes (under `/api`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/files/uploads", post(create).options(options))
        .route(
            "/files/uploads/{id}",
            axum::routing::head(offset).patch(append).delete(terminate),
        )
        .route("/files/{sha256}", get(download))
}

/// A tus answer: `Tus-Resumable` and no caching on every one.
fn tus(status: StatusCode, headers: &[(HeaderName, String)]) -> Response {
    let mut resp = status.into_response();
    let h = resp.headers_mut();
    h.insert(TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name.clone(), v);
        }
    }
    resp
}

async fn options(State(state): State<AppState>) -> Response {
    tus(
        StatusCode::NO_CONTENT,
        &[
            (HeaderName::from_static("tus-version"), TUS_VERSION.into()),
            (
                HeaderName::from_static("tus-extension"),
                "creation,termination".into(),
            ),
            (
                HeaderName::from_static("tus-max-size"),
                state.config.limits.max_file_bytes.to_string(),
            ),
        ],
    )
}

/// `Upload-Metadata`: `key base64,key base64`.
fn metadata(headers: &HeaderMap) -> Result<std::collections::HashMap<String, String>> {
    let raw = headers
        .get("upload-metadata")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut out = std::collections::HashMap::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|_| {
                AppError::BadRequest(format!("Upload-Metadata: {key} không phải base64"))
            })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            AppError::BadRequest(format!("Upload-Metadata: {key} không phải UTF-8"))
        })?;
        out.insert(key.to_string(), text);
    }
    Ok(out)
}

fn number(headers: &HeaderMap, name: &HeaderName) -> Result<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| AppError::BadRequest(format!("thiếu hoặc sai tiêu đề {name}")))
}

/// `POST /api/files/uploads`: creates an upload (tus `creation`).
async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
) -> Result<Response> {
    let size = number(&headers, &UPLOAD_LENGTH)?;
    let meta = metadata(&headers)?;
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| meta.get(*n))
            .cloned()
            .unwrap_or_default()
    };
    let (sha256, name, mime, doc_id) = (
        field(&["sha256"]).to_ascii_lowercase(),
        field(&["name", "filename"]),
        field(&["type", "filetype"]),
        field(&["doc"]),
    );
    if !is_sha256(&sha256) {
        return Err(AppError::BadRequest(
            "Upload-Metadata: sha256 phải là 64 chữ số hệ 16".into(),
        ));
    }
    let max = state.config.limits.max_file_bytes;
    if size > max {
        return Err(AppError::TooLarge(format!(
            "tệp {} MB, quá giới hạn {} MB",
            size.div_ceil(1024 * 1024),
            max / (1024 * 1024)
        )));
    }
    if size == 0 {
        return Err(AppError::BadRequest("tệp rỗng".into()));
    }
    if !files::accepted(&mime) {
        return Err(AppError::UnsupportedType(
            files::check(&mime, &[]).unwrap_err(),
        ));
    }
    let catalogue = &state.catalogue;
    let writable = catalogue.get(&doc_id).is_some_and(|d| {
        d.kind == DocKind::Progress && catalogue.access(&auth.user, &d) == Access::Write
    });
    if !writable {
        return Err(AppError::Forbidden(
            "chỉ đơn vị được ghi báo cáo này mới tải tệp lên cho nó".into(),
        ));
    }
    // The shortcut for a stored file only for one who may read it already: to anyone else a
    // stored file and a new one answer alike, and the bytes are asked for (proof of possession).
    let reuse = state.files.stored(&sha256).await?.is_some()
        && named_for(&state, &auth, &sha256).await?.is_some();
    let id = hex::encode(rand::random::<[u8; 16]>());
    let upload = state
        .files
        .create_upload(
            NewUpload {
                id: id.clone(),
                sha256,
                size,
                mime,
                name: name.chars().take(255).collect(),
                doc_id,
                user_id: auth.user.id,
            },
            reuse,
        )
        .await?;
    tracing::info!(upload = %id, size, stored_before = upload.done, "upload created");
    Ok(tus(
        StatusCode::CREATED,
        &[
            (header::LOCATION, format!("/api/files/uploads/{id}")),
            (UPLOAD_OFFSET, upload.received.to_string()),
        ],
    ))
}

/// The upload `id` of this user (`404` for anyone else's: they do not learn it exists).
async fn own_upload(state: &AppState, auth: &Authenticated, id: &str) -> Result<Upload> {
    match state.files.upload(id).await? {
        Some(u) if u.declared.user_id == auth.user.id => Ok(u),
        _ => Err(AppError::NotFound("lượt tải lên".into())),
    }
}

/// `HEAD /api/files/uploads/{id}`: how much has arrived.
async fn offset(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Response> {
    let u = own_upload(&state, &auth, &id).await?;
    Ok(tus(
        StatusCode::OK,
        &[
            (UPLOAD_OFFSET, u.received.to_string()),
            (UPLOAD_LENGTH, u.declared.size.to_string()),
        ],
    ))
}

/// `PATCH /api/files/uploads/{id}`: bytes from `Upload-Offset`, committed piece by piece as
/// they arrive, so a cut link keeps what came; the last byte checks the hash and stores the
/// file.
async fn append(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if kind != "application/offset+octet-stream" {
        return Err(AppError::UnsupportedType(
            "PATCH cần Content-Type: application/offset+octet-stream".into(),
        ));
    }
    let u = own_upload(&state, &auth, &id).await?;
    let from = number(&headers, &UPLOAD_OFFSET)?;
    if from != u.received {
        return Err(AppError::Conflict(format!(
            "Upload-Offset {from} khác số byte đã nhận {}",
            u.received
        )));
    }
    let store = &state.files;
    let mut received = u.received;
    let mut buffer: Vec<u8> = Vec::with_capacity(PIECE);
    let mut stream = body.into_data_stream();
    let mut cut = false;
    loop {
        match stream.next().await {
            Some(Ok(bytes)) => {
                if received + (buffer.len() + bytes.len()) as u64 > u.declared.size {
                    return Err(AppError::BadRequest(format!(
                        "nhiều byte hơn Upload-Length {}",
                        u.declared.size
                    )));
                }
                buffer.extend_from_slice(&bytes);
                if buffer.len() >= PIECE {
                    let before = received;
                    received = store
                        .append(&id, received, std::mem::take(&mut buffer))
                        .await?;
                    check_kind(&state, &u, before, received).await?;
                }
            }
            Some(Err(_)) => {
                cut = true;
                break;
            }
            None => break,
        }
    }
    // What arrived before the end (or the cut) is kept: the client resumes after it.
    if !buffer.is_empty() {
        let before = received;
        received = store.append(&id, received, buffer).await?;
        check_kind(&state, &u, before, received).await?;
    }
    if cut {
        tracing::info!(upload = %id, received, "upload cut; kept what arrived");
    }
    if received == u.declared.size {
        if let Finished::HashMismatch { actual } = store.finish(&id).await? {
            return Err(AppError::HashMismatch(format!(
                "SHA-256 của tệp nhận được ({actual}) khác với SHA-256 khai báo ({}); tệp không được lưu",
                u.declared.sha256
            )));
        }
        tracing::info!(upload = %id, size = u.declared.size, "file stored");
    }
    Ok(tus(
        StatusCode::NO_CONTENT,
        &[(UPLOAD_OFFSET, received.to_string())],
    ))
}

/// Once the first bytes are in (from `before` to `after` received), they must be of the
/// declared type; if not, the upload goes.
async fn check_kind(state: &AppState, u: &Upload, before: u64, after: u64) -> Result<()> {
    let enough = files::SNIFF_BYTES as u64;
    if before >= enough || (after < enough && after < u.declared.size) {
        return Ok(());
    }
    let store = &state.files;
    let head = store
        .upload_head(&u.declared.id, files::SNIFF_BYTES)
        .await?;
    if let Err(why) = files::check(&u.declared.mime, &head) {
        store.delete_upload(&u.declared.id).await?;
        return Err(AppError::UnsupportedType(why));
    }
    Ok(())
}

/// `DELETE /api/files/uploads/{id}` (tus `termination`).
async fn terminate(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Response> {
    let u = own_upload(&state, &auth, &id).await?;
    state.files.delete_upload(&u.declared.id).await?;
    Ok(tus(StatusCode::NO_CONTENT, &[]))
}

/// `GET /api/files/{sha256}`: the file, for whoever may read a progress document naming it.
async fn download(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(sha256): Path<String>,
) -> Result<Response> {
    let hidden = || AppError::NotFound(format!("tệp {sha256}"));
    if !is_sha256(&sha256) {
        return Err(hidden());
    }
    let named = named_for(&state, &auth, &sha256)
        .await?
        .ok_or_else(hidden)?;
    let stored = state.files.stored(&sha256).await?.ok_or_else(hidden)?;
    let bytes = state.files.read(&sha256).await?.ok_or_else(hidden)?;
    let disposition = format!(
        "inline; filename*=UTF-8''{}",
        url::form_urlencoded::byte_serialize(named.as_bytes()).collect::<String>()
    );
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, stored.mime.as_str()),
        (header::CONTENT_DISPOSITION, disposition.as_str()),
        (
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        ),
    ] {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    }
    Ok(resp)
}

/// The name under which a progress document the user may read names file `sha256`
/// trustworthily ([`crate::domain::file_access`]), if any: first the documents it was uploaded for
/// (where it almost always is), then every other one the user may read.
async fn named_for(state: &AppState, auth: &Authenticated, sha256: &str) -> Result<Option<String>> {
    let trust = state.files.trust(sha256).await?;
    if trust.holders.is_empty() {
        // Not stored, or stored by nobody who proved it: nothing to serve.
        return Ok(None);
    }
    let reader_holds = trust.held_by(auth.user.id);
    let catalogue = &state.catalogue;
    let visible: Vec<_> = catalogue
        .visible_to(&auth.user)
        .into_iter()
        .filter(|(rec, _)| rec.kind == DocKind::Progress)
        .map(|(rec, _)| rec)
        .collect();
    let likely = state.files.uploaded_for(sha256).await?;
    let (first, rest): (Vec<_>, Vec<_>) = visible
        .into_iter()
        .partition(|d| likely.contains(&d.doc_id));
    for rec in first.iter().chain(&rest) {
        let Ok(progress) = state.library.read::<Progress>(&rec.doc_id).await else {
            continue;
        };
        let Some(name) = progress
            .files()
            .find(|f| f.sha256 == sha256)
            .map(|f| f.name.clone())
        else {
            continue;
        };
        if reader_holds {
            return Ok(Some(name));
        }
        let Ok(handle) = state.library.handle(&rec.doc_id).await else {
            continue;
        };
        let sha = sha256.to_string();
        let namings =
            tokio::task::spawn_blocking(move || handle.with_document(|d| file_namings(d, &sha)))
                .await?;
        let may_write = |u: &User| catalogue.access(u, rec) == Access::Write;
        if trust
            .names_trustworthily(&rec.doc_id, &namings, &may_write)
            .await?
        {
            return Ok(Some(name));
        }
    }
    Ok(None)
}
