//! Evidence files on the tablet: kept in IndexedDB the moment they are attached (photos first
//! made smaller), opened from there offline, and uploaded by themselves when a link appears — by
//! the tus protocol, resuming from the offset the server confirms, so a cut link re-sends at most
//! one piece.
//!
//! Stage: *device storage ⇄ HTTP*, beside the documents. The progress document names a file
//! (`tiendo_shared::model::EvidenceFile`: SHA-256, name, type, size, who, when); the bytes are here,
//! under the SHA-256, apart from what is known of them (name, type, size, whether uploaded, the
//! upload's `location`), so listing the files at start never reads their bytes.

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::storage::IdbStorage;
use crate::error::ClientError;
use crate::view_model::files::{FileState, to_drop};

/// The largest file kept and uploaded (the server's default limit).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// Photos are redrawn to at most this many pixels on their long side.
pub const PHOTO_LONG_SIDE: u32 = 2_000;
/// JPEG quality of a redrawn photo.
pub const PHOTO_QUALITY: f64 = 0.8;
/// Bytes per `PATCH`: what a cut link may cost again, at most.
pub const UPLOAD_PIECE: usize = 256 * 1024;

/// A file kept on this device.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Its name.
    pub name: String,
    /// Its media type.
    pub mime: String,
    /// Its size.
    pub size: u64,
    /// The server has it, whole and checked.
    pub uploaded: bool,
    /// The upload under way (its URL), to resume.
    pub location: Option<String>,
    /// Why the server refused it, if it did.
    pub refused: Option<String>,
}

impl Kept {
    /// Where it stands, for the form and the sync indicator.
    pub fn state(&self) -> FileState {
        match (&self.refused, self.uploaded) {
            (Some(why), _) => FileState::Refused(why.clone()),
            (None, true) => FileState::Stored,
            (None, false) => FileState::Local,
        }
    }
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn record(kept: &Kept) -> JsValue {
    let o = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&o, &k.into(), &v);
    };
    set("name", kept.name.as_str().into());
    set("mime", kept.mime.as_str().into());
    set("size", (kept.size as f64).into());
    set("uploaded", kept.uploaded.into());
    set(
        "location",
        kept.location
            .as_deref()
            .map(JsValue::from)
            .unwrap_or(JsValue::NULL),
    );
    set(
        "refused",
        kept.refused
            .as_deref()
            .map(JsValue::from)
            .unwrap_or(JsValue::NULL),
    );
    o.into()
}

fn kept_of(sha256: &str, r: &JsValue) -> Kept {
    Kept {
        sha256: sha256.to_string(),
        name: get(r, "name").as_string().unwrap_or_default(),
        mime: get(r, "mime").as_string().unwrap_or_default(),
        size: get(r, "size").as_f64().unwrap_or(0.0) as u64,
        uploaded: get(r, "uploaded").as_bool().unwrap_or(false),
        location: get(r, "location").as_string(),
        refused: get(r, "refused").as_string(),
    }
}

/// SHA-256 of `bytes` by the browser (`crypto.subtle`), lower-case hex.
async fn sha256(bytes: &[u8]) -> Result<String, ClientError> {
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or_else(|| ClientError::Browser("trình duyệt không tính được SHA-256".into()))?;
    let data = Uint8Array::from(bytes);
    let promise = subtle
        .digest_with_str_and_buffer_source("SHA-256", &data)
        .map_err(|_| ClientError::Browser("không tính được SHA-256".into()))?;
    let digest = JsFuture::from(promise)
        .await
        .map_err(|_| ClientError::Browser("không tính được SHA-256".into()))?;
    Ok(Uint8Array::new(&digest)
        .to_vec()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The bytes of a picked file, photos redrawn smaller (long side [`PHOTO_LONG_SIDE`], JPEG at
/// [`PHOTO_QUALITY`]): what is kept and uploaded, with its type and name.
pub async fn prepare(file: &web_sys::File) -> Result<(Vec<u8>, String, String), ClientError> {
    let (mime, name) = (file.type_(), file.name());
    if mime.starts_with("image/")
        && let Ok(Some(bytes)) = redraw(file).await
    {
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        return Ok((bytes, "image/jpeg".into(), format!("{stem}.jpg")));
    }
    let bytes = super::browser::read_file(file).await?;
    Ok((bytes, mime, name))
}

/// A photo redrawn as a JPEG of at most [`PHOTO_LONG_SIDE`] pixels on its long side; `None`
/// when it is a JPEG or PNG within that already (kept as it is) or the browser cannot draw it.
async fn redraw(file: &web_sys::File) -> Result<Option<Vec<u8>>, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(window.create_image_bitmap_with_blob(file)?)
        .await?
        .dyn_into()?;
    let (w, h) = (bitmap.width(), bitmap.height());
    let long = w.max(h).max(1);
    if long <= PHOTO_LONG_SIDE && matches!(file.type_().as_str(), "image/jpeg" | "image/png") {
        return Ok(None);
    }
    let scale = (PHOTO_LONG_SIDE as f64 / long as f64).min(1.0);
    let (tw, th) = (
        ((w as f64 * scale).round() as u32).max(1),
        ((h as f64 * scale).round() as u32).max(1),
    );
    let canvas: web_sys::HtmlCanvasElement = window
        .document()
        .ok_or(JsValue::NULL)?
        .create_element("canvas")?
        .dyn_into()?;
    canvas.set_width(tw);
    canvas.set_height(th);
    let ctx: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or(JsValue::NULL)?.dyn_into()?;
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, tw as f64, th as f64)?;
    let blob = JsFuture::from(js_sys::Promise::new(&mut |resolve, _| {
        let _ = canvas.to_blob_with_type_and_encoder_options(
            &resolve,
            "image/jpeg",
            &PHOTO_QUALITY.into(),
        );
    }))
    .await?;
    let blob: web_sys::Blob = blob.dyn_into()?;
    let bytes = JsFuture::from(blob.array_buffer()).await?;
    Ok(Some(Uint8Array::new(&bytes).to_vec()))
}

/// Keeps a file on the device: checks its type by its first bytes and its size, names it by
/// its SHA-256 and stores it for upload. The same bytes kept twice are one record.
pub async fn keep(
    storage: &IdbStorage,
    bytes: Vec<u8>,
    mime: &str,
    name: &str,
) -> Result<Kept, ClientError> {
    if bytes.len() > MAX_BYTES {
        return Err(ClientError::Rejected(format!(
            "Tệp {name} lớn {} MB, quá giới hạn {} MB.",
            bytes.len().div_ceil(1024 * 1024),
            MAX_BYTES / (1024 * 1024)
        )));
    }
    tiendo_shared::model::files::check(
        mime,
        &bytes[..bytes.len().min(tiendo_shared::model::files::SNIFF_BYTES)],
    )
    .map_err(|why| ClientError::Rejected(format!("Tệp {name}: {why}.")))?;
    let sha = sha256(&bytes).await?;
    if let Ok(Some(existing)) = storage.file(&sha).await {
        return Ok(kept_of(&sha, &existing));
    }
    let kept = Kept {
        sha256: sha.clone(),
        name: name.to_string(),
        mime: mime.to_string(),
        size: bytes.len() as u64,
        uploaded: false,
        location: None,
        refused: None,
    };
    let failed = |e: super::storage::StorageError| {
        ClientError::Storage(format!("Không lưu được tệp trên máy: {e}"))
    };
    storage
        .put_file_bytes(&sha, &Uint8Array::from(bytes.as_slice()).into())
        .await
        .map_err(failed)?;
    storage
        .put_file(&sha, &record(&kept))
        .await
        .map_err(failed)?;
    Ok(kept)
}

/// Every file kept on this device.
pub async fn all(storage: &IdbStorage) -> Vec<Kept> {
    storage
        .files()
        .await
        .unwrap_or_default()
        .iter()
        .map(|(k, v)| kept_of(k, v))
        .collect()
}

/// File `sha256` as kept on this device, with its bytes (for a bundle).
pub async fn kept_with_bytes(storage: &IdbStorage, sha256: &str) -> Option<(Kept, Vec<u8>)> {
    let record = storage.file(sha256).await.ok()??;
    let bytes = storage.file_bytes(sha256).await.ok()??;
    Some((kept_of(sha256, &record), Uint8Array::new(&bytes).to_vec()))
}

/// A URL the browser opens file `sha256` at: the bytes on this device (works offline), else the
/// server's copy.
pub async fn url(storage: &IdbStorage, sha256: &str) -> String {
    if let (Ok(Some(r)), Ok(Some(bytes))) =
        (storage.file(sha256).await, storage.file_bytes(sha256).await)
    {
        let parts = js_sys::Array::of1(&bytes);
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(&get(&r, "mime").as_string().unwrap_or_default());
        if let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            && let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob)
        {
            return url;
        }
    }
    format!("/api/files/{sha256}")
}

/// How an upload ended.
pub enum Uploaded {
    /// The server has the whole file.
    Stored,
    /// The server refused it (type, size, hash, access): why; it is not tried again.
    Refused(String),
    /// The link went; it resumes later from what the server confirmed.
    Interrupted,
}

async fn error_text(resp: gloo_net::http::Response) -> String {
    match resp.json::<tiendo_shared::api::ApiError>().await {
        Ok(e) => e.error,
        Err(_) => format!("lỗi {}", resp.status()),
    }
}

fn offset_of(resp: &gloo_net::http::Response) -> Option<u64> {
    resp.headers().get("upload-offset")?.trim().parse().ok()
}

/// Uploads file `kept` for progress document `doc_id` by tus: creates the upload (or asks the
/// one under way where it stands), then sends the rest piece by piece, telling `progress` the
/// bytes the server has confirmed after each.
pub async fn upload(
    storage: &IdbStorage,
    mut kept: Kept,
    doc_id: &str,
    progress: &dyn Fn(u64),
) -> Uploaded {
    use base64::Engine;
    use gloo_net::http::{Method, Request};
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let Ok(Some(bytes)) = storage.file_bytes(&kept.sha256).await else {
        return Uploaded::Refused("tệp không còn trên máy".into());
    };
    let bytes = Uint8Array::new(&bytes);
    // Where the server stands: the upload under way, or a new one.
    let mut offset = None;
    if let Some(location) = &kept.location {
        match Request::get(location)
            .method(Method::HEAD)
            .header("Tus-Resumable", "1.0.0")
            .send()
            .await
        {
            Ok(resp) if resp.ok() => offset = offset_of(&resp),
            Ok(_) => kept.location = None,
            Err(_) => return Uploaded::Interrupted,
        }
    }
    if kept.location.is_none() {
        let meta = format!(
            "sha256 {},name {},type {},doc {}",
            b64(&kept.sha256),
            b64(&kept.name),
            b64(&kept.mime),
            b64(doc_id)
        );
        let resp = match Request::post("/api/files/uploads")
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", &kept.size.to_string())
            .header("Upload-Metadata", &meta)
            .send()
            .await
        {
            Ok(r) => r,
            Err(_) => return Uploaded::Interrupted,
        };
        if resp.status() >= 500 || resp.status() == 401 {
            return Uploaded::Interrupted;
        }
        if !resp.ok() {
            return refuse(storage, &mut kept, error_text(resp).await).await;
        }
        kept.location = resp.headers().get("location");
        offset = offset_of(&resp);
        let _ = storage.put_file(&kept.sha256, &record(&kept)).await;
    }
    let (Some(location), Some(mut offset)) = (kept.location.clone(), offset) else {
        return Uploaded::Interrupted;
    };
    progress(offset);
    while offset < kept.size {
        let end = (offset as usize + UPLOAD_PIECE).min(kept.size as usize);
        let piece = bytes.subarray(offset as u32, end as u32);
        let sent = Request::patch(&location)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", &offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(piece);
        let resp = match sent {
            Ok(req) => req.send().await,
            Err(_) => return Uploaded::Interrupted,
        };
        match resp {
            Ok(resp) if resp.ok() => match offset_of(&resp) {
                Some(o) if o > offset => offset = o,
                _ => return Uploaded::Interrupted,
            },
            // Another offset than ours (a piece landed but its answer was lost): ask again.
            Ok(resp) if resp.status() == 409 => return Uploaded::Interrupted,
            // The server busy or the session to renew: later, not a refusal of the file.
            Ok(resp) if resp.status() >= 500 || resp.status() == 401 => {
                return Uploaded::Interrupted;
            }
            Ok(resp) => return refuse(storage, &mut kept, error_text(resp).await).await,
            Err(_) => return Uploaded::Interrupted,
        }
        progress(offset);
    }
    kept.uploaded = true;
    let _ = storage.put_file(&kept.sha256, &record(&kept)).await;
    Uploaded::Stored
}

async fn refuse(storage: &IdbStorage, kept: &mut Kept, why: String) -> Uploaded {
    kept.refused = Some(why.clone());
    kept.location = None;
    let _ = storage.put_file(&kept.sha256, &record(kept)).await;
    Uploaded::Refused(why)
}

/// The device's storage for this site: bytes used and the quota, as the browser estimates them.
pub async fn estimate() -> Option<(u64, u64)> {
    let manager = web_sys::window()?.navigator().storage();
    let e: web_sys::StorageEstimate = JsFuture::from(manager.estimate().ok()?)
        .await
        .ok()?
        .unchecked_into();
    Some((e.get_usage()? as u64, e.get_quota()? as u64))
}

/// Asks the browser to keep this site's storage under pressure (files that exist only on this
/// tablet must not be evicted by the browser); whether it agreed.
pub async fn persist() -> bool {
    let Some(manager) = web_sys::window().map(|w| w.navigator().storage()) else {
        return false;
    };
    match manager.persist() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    }
}

/// Above this share of the quota, local copies of files the server has are dropped.
pub const SHORT_OF_SPACE: f64 = 0.8;

/// When space runs short, drops this device's copies of files the server has confirmed (they
/// open from the server again), largest first, until usage is under [`SHORT_OF_SPACE`] of the
/// quota; never a file that exists only here. Returns the files dropped.
pub async fn make_room(storage: &IdbStorage) -> Vec<String> {
    let Some((used, quota)) = estimate().await else {
        return Vec::new();
    };
    let kept: Vec<(String, u64, bool)> = all(storage)
        .await
        .into_iter()
        .map(|k| (k.sha256, k.size, k.uploaded))
        .collect();
    let mut dropped = Vec::new();
    for sha in to_drop(used, quota, SHORT_OF_SPACE, &kept) {
        if storage.delete_file(&sha).await.is_ok() {
            dropped.push(sha);
        }
    }
    dropped
}
