//! Reminders as system notifications: asked for once by the user, shown through the service
//! worker (so they appear like an app's on a tablet), at most once a day each, computed on the
//! device with no network ([`tiendo_shared::workflow::reminder_on`]).
//!
//! Stage: *device*. The reporting panel decides what to remind of; this shows it.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// Whether the browser can show notifications here at all.
pub fn supported() -> bool {
    web_sys::window()
        .map(|w| js_sys::Reflect::has(&w, &"Notification".into()).unwrap_or(false))
        .unwrap_or(false)
}

/// Whether the user allowed notifications.
pub fn allowed() -> bool {
    supported() && Notification::permission() == NotificationPermission::Granted
}

/// Asks the user to allow notifications (after a click); whether they did.
pub async fn ask() -> bool {
    if !supported() {
        return false;
    }
    let Ok(promise) = Notification::request_permission() else {
        return false;
    };
    let _ = JsFuture::from(promise).await;
    allowed()
}

/// Shows `body` under `title` once per `key` (a reminder of one report on one day); nothing when
/// notifications are not allowed or it was shown already.
pub async fn once(key: &str, title: &str, body: &str) {
    if !allowed() {
        return;
    }
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let seen_key = format!("tiendo.reminded.{key}");
    if storage.get_item(&seen_key).ok().flatten().is_some() {
        return;
    }
    let Some(container) = web_sys::window().map(|w| w.navigator().service_worker()) else {
        return;
    };
    let Ok(ready) = container.ready() else {
        return;
    };
    let Ok(reg) = JsFuture::from(ready).await else {
        return;
    };
    let reg: web_sys::ServiceWorkerRegistration = reg.unchecked_into();
    let options = NotificationOptions::new();
    options.set_body(body);
    options.set_tag(key);
    if let Ok(p) = reg.show_notification_with_options(title, &options)
        && JsFuture::from(p).await.is_ok()
    {
        let _ = storage.set_item(&seen_key, "1");
    }
}
