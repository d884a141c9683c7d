//! A first visit's documents without sync round trips: at sign-in the page fetches
//! `/api/bootstrap` (the documents that show the user's plan, [`tiendo_shared::api::Bootstrap`])
//! beside the app's own download, and leaves the promise at `window.tiendo.bootstrap`. Before
//! the repo starts, [`store_fetched`] writes each document into IndexedDB where samod looks for
//! it, so the plan opens from the device at once; sync then brings only what changed since.
//!
//! Stage: *HTTP → device storage*, once per sign-in. Whatever goes wrong (no answer, a bad
//! answer, a document that does not load) only means that document comes by sync, as before.

use futures::FutureExt;
use samod::storage::StorageKey;
use wasm_bindgen::{JsCast, JsValue};

use super::storage::IdbStorage;
use tiendo_shared::api::Bootstrap;

/// How long the start waits for the page's fetch before going on without it.
const PATIENCE_MS: u32 = 30_000;

/// Takes the page's bootstrap promise (once: a later start, or a plan switch, finds none) and
/// stores its documents; returns how many were stored.
pub async fn store_fetched(storage: &IdbStorage) -> usize {
    let Some(bytes) = take().await else {
        return 0;
    };
    let boot = match Bootstrap::decode(&bytes) {
        Ok(b) => b,
        Err(e) => {
            web_sys::console::warn_1(&e.into());
            return 0;
        }
    };
    let mut stored = 0;
    for d in boot.documents {
        // A document that does not load is left to sync rather than stored for samod to fail on.
        let Ok(key) = StorageKey::from_parts([d.doc_id.as_str(), "snapshot", "bootstrap"]) else {
            continue;
        };
        if automerge::Automerge::load(&d.bytes).is_err() {
            continue;
        }
        if storage.set(&key.to_string(), &d.bytes).await.is_ok() {
            stored += 1;
        }
    }
    stored
}

/// The page's fetch of `/api/bootstrap`, if it made one: its bytes, or `None`.
async fn take() -> Option<Vec<u8>> {
    let window: JsValue = web_sys::window()?.into();
    let tiendo = js_sys::Reflect::get(&window, &"tiendo".into()).ok()?;
    let promise = js_sys::Reflect::get(&tiendo, &"bootstrap".into()).ok()?;
    let _ = js_sys::Reflect::set(&tiendo, &"bootstrap".into(), &JsValue::UNDEFINED);
    let promise = promise.dyn_into::<js_sys::Promise>().ok()?;
    // A stalled link must not hold the start: past the patience, sync brings the documents.
    let fetched = wasm_bindgen_futures::JsFuture::from(promise).fuse();
    let patience = gloo_timers::future::TimeoutFuture::new(PATIENCE_MS).fuse();
    futures::pin_mut!(fetched, patience);
    let buffer = futures::select! {
        b = fetched => b.ok()?,
        _ = patience => return None,
    };
    if buffer.is_null() || buffer.is_undefined() {
        return None;
    }
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}
