//! # tiendo-client
//!
//! The offline-first PWA of Tiến độ (Yew, compiled to WebAssembly): units open it on a tablet,
//! record progress on their tasks with or without a connection, and it syncs by itself.
//!
//! Data flow in the browser:
//!
//! ```text
//! form change ─► hub (shared::doc::update on the unit's progress document) ─► samod repo
//!   samod repo ─► storage::IdbStorage (IndexedDB) — the app works from here alone offline
//!   samod repo ◄─► socket::WebSocketDialer ◄─► server /sync (session cookie)
//! documents ─► model (shared::status) ─► app components (task list, sync indicator, form)
//! ```

pub mod api;
pub mod app;
pub mod dashboard;
pub mod hub;
pub mod model;
pub mod runtime;
pub mod socket;
pub mod storage;

/// The model's schema version this client was built against.
pub fn model_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Mounts the app on the page (called by the generated JS glue).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<app::App>::with_root(root).render(),
        None => yew::Renderer::<app::App>::new().render(),
    };
}
