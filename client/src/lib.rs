//! # tiendo-client
//!
//! The offline-first Yew/WASM app that units use on tablets. It stands at the start of the data
//! flow: edit → local Automerge document (`tiendo-shared`) → IndexedDB → sync → server.
//!
//! This crate is still a skeleton (the app comes with its own issue); it already links the
//! shared model so the wasm32 build of everything the browser will run is checked in CI.

/// The version of the shared model the client is built against, for the app's "about" screen.
pub fn model_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Parses a plan text in the browser exactly as the server does (the import screen will use it).
pub fn preview_import(text: &str) -> Result<tiendo_shared::Imported, tiendo_shared::Error> {
    tiendo_shared::import(text)
}
