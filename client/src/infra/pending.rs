//! The pending-edit bookkeeping: which changes this device made that the server has not
//! confirmed yet — the number the sync indicator shows and logout warns about.
//!
//! Stage: *local documents ⇄ sync*. An edit made through [`edit_own`] lists its change hashes as
//! this device's own ([`super::prefs`]); [`unconfirmed`] counts those the server's heads (as it
//! last told us, also kept across restarts) do not contain. Changes that came from the server
//! are never counted.

use samod::DocHandle;

use super::prefs;

/// Runs `f` on `handle`'s document and lists the changes it made as this device's own.
pub fn edit_own<R>(handle: &DocHandle, f: impl FnOnce(&mut automerge::Automerge) -> R) -> R {
    let (result, made) = handle.with_document(|d| {
        let before = d.get_heads();
        let result = f(d);
        let made: Vec<automerge::ChangeHash> =
            d.get_changes(&before).iter().map(|c| c.hash()).collect();
        (result, made)
    });
    if !made.is_empty() {
        let doc = handle.document_id();
        let mut list = prefs::own_changes(doc);
        list.extend(made);
        prefs::set_own_changes(doc, &list);
    }
    result
}

/// How many of this device's changes to `handle`'s document the server has not confirmed.
/// `live` is what the server said on the open connection, if there is one: heads this device
/// does not know yet (changes still on their way) are not kept, so the last fully known heads
/// stay the reference until those changes arrive.
pub fn unconfirmed(handle: &DocHandle, live: Option<Vec<automerge::ChangeHash>>) -> usize {
    let doc = handle.document_id();
    let known = |heads: &Vec<automerge::ChangeHash>| {
        handle.with_document(|d| {
            heads
                .iter()
                .all(|x| automerge::ReadDoc::get_change_by_hash(d, x).is_some())
        })
    };
    let heads = match live.filter(known) {
        Some(heads) => {
            prefs::set_confirmed_heads(doc, &heads);
            heads
        }
        None => prefs::confirmed_heads(doc),
    };
    let own = prefs::own_changes(doc);
    let pending =
        handle.with_document(|d| crate::view_model::tasks::unconfirmed_changes(d, &heads, &own));
    // Forget own changes the server has: the list stays short.
    if pending.len() < own.len() {
        prefs::set_own_changes(doc, &pending);
    }
    pending.len()
}
