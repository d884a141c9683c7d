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

thread_local! {
    /// The save waiting for changes to settle.
    static PENDING: std::cell::RefCell<Option<gloo_timers::callback::Timeout>> =
        const { std::cell::RefCell::new(None) };
}

/// Keeps the start screen a second after the last call (the documents changed, a form closed):
/// one write per burst of changes, none while they come.
pub fn save_soon() {
    let timer = gloo_timers::callback::Timeout::new(1_000, save);
    PENDING.with(|p| *p.borrow_mut() = Some(timer));
}

/// Keeps the workspace's markup as the signed-in user's start screen for the plan open. When it
/// is not the start screen (a task's form is open, the documents still opening), the copy kept
/// before may no longer be current, so it is forgotten instead: the next start then waits for
/// the live screen rather than paint an old figure.
fn save() {
    PENDING.with(|p| p.borrow_mut().take());
    let (Some(me), Some(plan)) = (prefs::me(), prefs::plan()) else {
        return;
    };
    let Some(app) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
    else {
        return;
    };
    let start_screen = app
        .query_selector("[data-testid=task-detail], [data-testid=loading], [data-start=no]")
        .ok()
        .flatten()
        .is_none();
    if !start_screen {
        prefs::set_view(None);
        return;
    }
    let html = app
        .inner_html()
        .replace(" data-testid=\"", " data-saved=\"");
    let view = SavedView {
        user: &me.user.username,
        plan: &plan,
        html,
    };
    if let Ok(json) = serde_json::to_string(&view) {
        prefs::set_view(Some(&json));
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

/// Forgets the start screen kept (the screen shown is another one now, and the kept copy may be
/// old by the time the app next starts).
pub fn forget() {
    PENDING.with(|p| p.borrow_mut().take());
    prefs::set_view(None);
}
