//! The window's own services the screens need: the clock, a yes/no question, a page reload.
//!
//! Stage: *device*. Components call these rather than `window` itself.

use tiendo_shared::model::Date;
use tiendo_shared::model::doc::UnixTime;

use crate::error::ClientError;

/// Today in Vietnam, by this device's clock.
pub fn today() -> Date {
    Date::from_unix_millis_vn(js_sys::Date::now() as i64)
        .unwrap_or_else(|| "2025-01-01".parse().expect("date"))
}

/// When this tablet makes a change (its clock; `shared` reads none).
pub fn now() -> UnixTime {
    UnixTime::from_millis(js_sys::Date::now())
}

/// A change's time (seconds since the epoch) as the device's local "dd/mm/yyyy hh:mm", the
/// order of every date and time the app writes.
pub fn when(secs: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64((secs * 1000) as f64));
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year(),
        d.get_hours(),
        d.get_minutes()
    )
}

const SKEW_KEY: &str = "tiendo.clock_skew_ms";

/// This device's clock minus the server's, in ms, as last measured (0: never). The server's
/// `Date` has whole seconds, so offsets under two seconds count as none.
pub fn clock_skew_ms() -> i64 {
    local_storage()
        .and_then(|s| s.get_item(SKEW_KEY).ok().flatten())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Keeps the measured offset (see [`clock_skew_ms`]).
pub fn set_clock_skew_ms(skew: i64) {
    let skew = if skew.abs() < 2000 { 0 } else { skew };
    if let Some(s) = local_storage() {
        let _ = s.set_item(SKEW_KEY, &skew.to_string());
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The device's local "hh:mm" now.
pub fn now_hhmm() -> String {
    let d = js_sys::Date::new_0();
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// Asks the user `question`; `false` when they decline or the browser cannot ask.
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// Whether the browser believes it is online (downloads are offered only then).
pub fn online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

/// The bytes of a file the user picked.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, ClientError> {
    wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map(|b| js_sys::Uint8Array::new(&b).to_vec())
        .map_err(|_| ClientError::Browser("Không đọc được tệp.".into()))
}

/// A User Timing mark (`performance.mark`): the stages of a start, which the bench reads
/// (`tests/browser/bench_cold_start.mjs`) and a browser's profiler shows.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Reloads the page (the service worker then serves the newest build it has).
pub fn reload_page() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Calls `f` whenever the browser says the network is back; stops when the guard is dropped.
pub fn on_online(f: impl Fn() + 'static) -> Option<gloo_events::EventListener> {
    let window = web_sys::window()?;
    Some(gloo_events::EventListener::new(
        &window,
        "online",
        move |_| f(),
    ))
}

/// Calls `f` when the browser says the network is gone.
pub fn on_offline(f: impl Fn() + 'static) -> Option<gloo_events::EventListener> {
    let window = web_sys::window()?;
    Some(gloo_events::EventListener::new(
        &window,
        "offline",
        move |_| f(),
    ))
}

/// Opens `url` in a new tab (a file to read).
pub fn open_url(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.open_with_url_and_target(url, "_blank");
    }
}

/// Offers `bytes` to the user as a downloaded file called `name` (works offline: the bytes never
/// leave the page).
pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), ClientError> {
    use wasm_bindgen::JsCast;
    let failed = |_| ClientError::Browser("Trình duyệt không tải được tệp xuống.".into());
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(failed)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(failed)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| ClientError::Browser("không có trang".into()))?;
    let a: web_sys::HtmlElement = document
        .create_element("a")
        .map_err(failed)?
        .dyn_into()
        .map_err(|_| ClientError::Browser("không tạo được liên kết".into()))?;
    a.set_attribute("href", &url).map_err(failed)?;
    a.set_attribute("download", name).map_err(failed)?;
    a.click();
    // The download has taken the bytes; the URL can go after this turn.
    let url2 = url.clone();
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url2);
    })
    .forget();
    Ok(())
}

/// How far the page is scrolled down, in CSS pixels.
pub fn scroll_y() -> f64 {
    web_sys::window()
        .and_then(|w| w.scroll_y().ok())
        .unwrap_or(0.0)
}

/// Scrolls the page to `y` once the screen being drawn is in place (a screen coming back is
/// drawn first, then scrolled to where it was).
pub fn scroll_to_y(y: f64) {
    gloo_timers::callback::Timeout::new(0, move || {
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, y);
        }
    })
    .forget();
}

/// Scrolls the element with `data-testid` `testid` into view, once it is drawn (a link of the
/// start screen's pending work opens a period's report further down the task list).
pub fn scroll_to(testid: &str) {
    let selector = format!("[data-testid={testid}]");
    gloo_timers::callback::Timeout::new(0, move || {
        if let Some(e) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(&selector).ok().flatten())
        {
            e.scroll_into_view();
        }
    })
    .forget();
}
