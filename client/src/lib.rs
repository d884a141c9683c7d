//! # tiendo-client
//!
//! The offline-first PWA of Tiến độ (Yew, compiled to WebAssembly): units open it on a tablet,
//! record progress on their tasks with or without a connection, and it syncs by itself.
//!
//! It is built twice (`scripts/build-client`): the **unit build** (the unit's tasks and form,
//! conflicts, the plan overview, the sync indicator) and, with feature `office`, the **office
//! build** (also the dashboard, the plan editor and import, a task's history). The page signs in
//! with its own form before any wasm has arrived, then loads the build the user's role needs.
//!
//! Data flow in the browser, by folder:
//!
//! ```text
//! components (screens) ─► view_model (pure: task rows, dashboard figures, workspace state)
//!   components ─► infra::plan_docs (shared::doc::update on the unit's progress document)
//!   infra::session: samod repo ─► infra::storage (IndexedDB) — the app works from here alone offline
//!   infra::session: samod repo ◄─► infra::socket ◄══ws══► server /sync (session cookie)
//!   infra::plan_docs ─► Snapshot (once per change) ─► view_model::workspace ─► components
//! ```
//!
//! Beside the flow: [`text`] holds the screens' Vietnamese text, one module per screen group;
//! [`error::ClientError`] is why an action failed, from `infra` or a view model, shown through
//! its `Display`.

pub mod components;
pub mod error;
pub mod infra;
pub mod text;
pub mod view_model;

/// The model's schema version this client was built against.
pub fn model_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Mounts the app on the page; the page's loader calls it once a user is signed in.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<components::App>::with_root(root).render(),
        None => yew::Renderer::<components::App>::new().render(),
    };
}
