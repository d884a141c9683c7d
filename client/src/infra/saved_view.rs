//! The start screen, painted before the app has loaded: after the documents change, the
//! workspace's start screen (the unit's task list, the office's summary) is kept as drawn
//! ([`save`]); at the next start the page (`client/static/index.html`) paints it at once, inert,
//! while the wasm loads and the documents open from IndexedDB; the live screen then replaces it
//! ([`live`]). On a slow tablet the user sees their tasks in the time the page's HTML takes,
//! not the second and more Automerge needs to open a year of progress.
//!
//! Stage: *device state*, beside [`super::prefs`] (whose key it is; logout clears it). The
//! painted copy is markup only: its `data-testid`s are renamed `data-saved`, so nothing (a test,
//! a script) mistakes it for the live screen, and it is `inert` (no clicks) until replaced.

use serde::Serialize;

use super::prefs;

/// What the page reads back.
#[derive(Serialize)]
struct SavedView<'a> {
    /// Whose screen it is (painted only for the same user).
    user: &'a str,
    /// The plan it shows (painted only when that plan opens).
    plan: &'a str,
    /// The workspace's markup.
    html: String,
}

/// Keeps the workspace's markup as the start screen of `user` for `plan`, unless a task's form
/// is open (a start never opens on one).
pub fn save(user: &str, plan: &str) {
    let Some(app) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
    else {
        return;
    };
    if app
        .query_selector("[data-testid=task-detail], [data-testid=loading]")
        .ok()
        .flatten()
        .is_some()
    {
        return;
    }
    let html = app.inner_html().replace(" data-testid=\"", " data-saved=\"");
    if let Ok(json) = serde_json::to_string(&SavedView { user, plan, html }) {
        prefs::set_view(&json);
    }
}

/// The live screen is up (or failed with a message): the painted one goes.
pub fn live() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(painted) = document.get_element_by_id("saved-view") {
        painted.remove();
    }
    if let Some(body) = document.body() {
        let _ = body.class_list().remove_1("painted");
    }
}
