//! What the app keeps in `localStorage` beside the documents: the one typed home of every
//! `tiendo.*` key.
//!
//! Stage: *device state*. The documents live in IndexedDB ([`super::storage`]); these are the
//! small things a restart needs before any document is open (who signed in, this device's peer
//! id, the plan opened last and the one chosen, the period chosen), the sync bookkeeping ([`super::pending`]) and the
//! last-known reports list for offline use. Everything here belongs to the signed-in user and
//! goes with [`clear`] at logout.

use std::str::FromStr;

use automerge::ChangeHash;
use samod::DocumentId;
use tiendo_shared::api::Me;
#[cfg(feature = "office")]
use tiendo_shared::api::ReportsAnswer;
use tiendo_shared::model::PeriodKind;

/// Every key starts with this, so [`clear`] finds them all.
const PREFIX: &str = "tiendo.";

/// The keys, each spelled once.
enum Key<'a> {
    /// `/api/me` as last answered.
    Me,
    /// This device's samod peer id.
    Peer,
    /// The plan opened last (the start screen kept, [`super::saved_view`], is of it).
    Plan,
    /// The plan the user chose in the switcher (absent: the current year's opens).
    PlanChosen,
    /// The reporting period the unit chose (absent: the current one).
    Period,
    /// This device's own changes to a document the server has not confirmed yet.
    Own(&'a DocumentId),
    /// The server's heads of a document as it last told us.
    Confirmed(&'a DocumentId),
    /// This device's bundle-signing key (secret half, hex; [`super::bundles`]).
    DeviceSecret,
    /// The device key's public half once the server registered it.
    DeviceRegistered,
    /// The start screen as last drawn ([`super::saved_view`]), painted by the page at the next
    /// start before the app has loaded.
    View,
    /// The reports list of a plan, for the calendar offline (office build).
    #[cfg(feature = "office")]
    Reports(&'a str),
    /// The province's roll-up of a period, as last fetched (office build).
    #[cfg(feature = "office")]
    Rollup(&'a str),
}

impl Key<'_> {
    fn name(&self) -> String {
        match self {
            Key::Me => format!("{PREFIX}me"),
            Key::Peer => format!("{PREFIX}peer"),
            Key::Plan => format!("{PREFIX}plan"),
            Key::PlanChosen => format!("{PREFIX}plan-chosen"),
            Key::Period => format!("{PREFIX}period"),
            Key::Own(doc) => format!("{PREFIX}own.{doc}"),
            Key::Confirmed(doc) => format!("{PREFIX}confirmed.{doc}"),
            Key::View => format!("{PREFIX}view"),
            Key::DeviceSecret => format!("{PREFIX}device-key"),
            Key::DeviceRegistered => format!("{PREFIX}device-registered"),
            #[cfg(feature = "office")]
            Key::Rollup(period) => format!("{PREFIX}rollup.{period}"),
            #[cfg(feature = "office")]
            Key::Reports(plan) => format!("{PREFIX}reports.{plan}"),
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn get(key: Key<'_>) -> Option<String> {
    storage()?.get_item(&key.name()).ok()?
}

fn set(key: Key<'_>, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&key.name(), value);
    }
}

fn remove(key: Key<'_>) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&key.name());
    }
}

fn hashes(text: Option<String>) -> Vec<ChangeHash> {
    text.unwrap_or_default()
        .split(',')
        .filter_map(|h| ChangeHash::from_str(h).ok())
        .collect()
}

fn joined(hashes: &[ChangeHash]) -> String {
    hashes
        .iter()
        .map(|h| h.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The saved `/api/me`, if any.
pub fn me() -> Option<Me> {
    serde_json::from_str(&get(Key::Me)?).ok()
}

/// Saves (or with `None`, forgets) `/api/me`.
pub fn set_me(me: Option<&Me>) {
    match me.and_then(|m| serde_json::to_string(m).ok()) {
        Some(json) => set(Key::Me, &json),
        None => remove(Key::Me),
    }
}

/// This device's peer id, made once (a stable id lets the server resume sync cheaply).
pub fn peer_id() -> String {
    if let Some(id) = get(Key::Peer) {
        return id;
    }
    let id = format!("tablet-{}", uuid::Uuid::new_v4());
    set(Key::Peer, &id);
    id
}

/// The plan opened last on this device.
pub fn plan() -> Option<String> {
    get(Key::Plan)
}

/// Remembers the plan opened last.
pub fn set_plan(plan_id: &str) {
    set(Key::Plan, plan_id);
}

/// The plan the user chose in the switcher on this device, if they chose one.
pub fn plan_chosen() -> Option<String> {
    get(Key::PlanChosen)
}

/// Remembers the plan the user chose, to open it next time instead of the current year's.
pub fn set_plan_chosen(plan_id: &str) {
    set(Key::PlanChosen, plan_id);
}

/// The reporting period the unit chose to fill in on this device (`None`: the current one).
pub fn period() -> Option<PeriodKind> {
    get(Key::Period)?.parse().ok()
}

/// Remembers (or with `None`, forgets) the chosen period.
pub fn set_period(p: Option<PeriodKind>) {
    match p {
        Some(p) => set(Key::Period, p.as_str()),
        None => remove(Key::Period),
    }
}

/// This device's changes to `doc` not yet confirmed by the server.
pub fn own_changes(doc: &DocumentId) -> Vec<ChangeHash> {
    hashes(get(Key::Own(doc)))
}

/// Replaces the list of this device's unconfirmed changes to `doc`.
pub fn set_own_changes(doc: &DocumentId, list: &[ChangeHash]) {
    set(Key::Own(doc), &joined(list));
}

/// The server's heads of `doc` as it last told us.
pub fn confirmed_heads(doc: &DocumentId) -> Vec<ChangeHash> {
    hashes(get(Key::Confirmed(doc)))
}

/// Remembers the server's heads of `doc`.
pub fn set_confirmed_heads(doc: &DocumentId, heads: &[ChangeHash]) {
    set(Key::Confirmed(doc), &joined(heads));
}

/// This device's bundle-signing key, if one was made.
pub fn device_secret() -> Option<[u8; 32]> {
    let text = get(Key::DeviceSecret)?;
    let bytes: Vec<u8> = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    bytes.try_into().ok()
}

/// Keeps this device's bundle-signing key.
pub fn set_device_secret(secret: &[u8; 32]) {
    set(Key::DeviceSecret, &tiendo_shared::bundle::hex(secret));
}

/// The public key the server registered for this device, if it did.
pub fn device_registered() -> Option<String> {
    get(Key::DeviceRegistered)
}

/// Remembers that the server registered `public_key`.
pub fn set_device_registered(public_key: &str) {
    set(Key::DeviceRegistered, public_key);
}

/// Keeps (or with `None`, forgets) the start screen as drawn (JSON the page reads:
/// `{user, plan, html}`).
pub fn set_view(json: Option<&str>) {
    match json {
        Some(json) => set(Key::View, json),
        None => remove(Key::View),
    }
}

#[cfg(feature = "office")]
/// The reports list of `plan_id` as last fetched.
pub fn reports(plan_id: &str) -> Option<ReportsAnswer> {
    serde_json::from_str(&get(Key::Reports(plan_id))?).ok()
}

#[cfg(feature = "office")]
/// Keeps the reports list of `plan_id` for offline use.
pub fn set_reports(plan_id: &str, answer: &ReportsAnswer) {
    if let Ok(json) = serde_json::to_string(answer) {
        set(Key::Reports(plan_id), &json);
    }
}

#[cfg(feature = "office")]
/// The province's roll-up of `period` as last fetched.
pub fn rollup(period: &str) -> Option<tiendo_shared::views::province::Rollup> {
    serde_json::from_str(&get(Key::Rollup(period))?).ok()
}

#[cfg(feature = "office")]
/// Keeps the roll-up of `period` for offline use.
pub fn set_rollup(period: &str, rollup: &tiendo_shared::views::province::Rollup) {
    if let Ok(json) = serde_json::to_string(rollup) {
        set(Key::Rollup(period), &json);
    }
}

/// Forgets everything kept here (logout: it all belongs to the user who leaves).
pub fn clear() {
    let Some(s) = storage() else {
        return;
    };
    let keys: Vec<String> = (0..s.length().unwrap_or(0))
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(PREFIX))
        .collect();
    for key in keys {
        let _ = s.remove_item(&key);
    }
}
