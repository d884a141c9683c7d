//! Each document's print: a fingerprint of the set of its stored chunks (samod's content-addressed
//! `incremental` and `snapshot` keys), kept in memory as chunks are committed and deleted.
//!
//! Stage: *SQLite → views*. Equal prints mean the same stored chunks, so the same document: a
//! model hydrated from those chunks is still right ([`super::models`]), and the province's
//! roll-up can tell which agencies changed without loading a single document into the repo.
//! A compaction (a snapshot replacing increments) changes the print but not the content: what was
//! kept is merely made again.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// The fingerprint of a set of chunk keys: the XOR of each key's hash (so adding and removing a
/// key are the same step, in any order) and how many there are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Print {
    xor: u128,
    count: u32,
}

impl Print {
    /// The print of `keys` (each a chunk key as stored, `doc/kind/hash`).
    pub fn of<'a>(keys: impl IntoIterator<Item = &'a str>) -> Print {
        let mut p = Print::default();
        for k in keys {
            p.toggle(k, true);
        }
        p
    }

    fn toggle(&mut self, key: &str, added: bool) {
        let digest = Sha256::digest(key.as_bytes());
        let mut half = [0u8; 16];
        half.copy_from_slice(&digest[..16]);
        self.xor ^= u128::from_le_bytes(half);
        if added {
            self.count += 1;
        } else {
            self.count = self.count.saturating_sub(1);
        }
    }
}

impl fmt::Display for Print {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}-{}", self.xor, self.count)
    }
}

/// The document a chunk key holds content of (`doc/incremental/…`, `doc/snapshot/…`); `None`
/// for every other key (sync states, the server's peer id), which change no document.
pub fn content_doc(key: &str) -> Option<&str> {
    let mut parts = key.split('/');
    let doc = parts.next()?;
    match parts.next()? {
        "incremental" | "snapshot" => Some(doc),
        _ => None,
    }
}

/// Every document's print, kept beside the chunks table, with the keys it was made of: a key
/// committed twice, or deleted when it was not stored, changes nothing (nodes sharing a database
/// learn of each other's commits by announcement, which may repeat what a listing told them).
#[derive(Default)]
pub(crate) struct Prints(Mutex<HashMap<String, (Print, HashSet<String>)>>);

impl Prints {
    /// The prints of every stored chunk key in `keys`.
    pub(super) fn from_keys(keys: impl IntoIterator<Item = String>) -> Prints {
        let prints = Prints::default();
        prints.replace(keys);
        prints
    }

    /// Forgets every print and makes them again from the stored keys `keys`.
    pub(super) fn replace(&self, keys: impl IntoIterator<Item = String>) {
        let mut by_doc: HashMap<String, (Print, HashSet<String>)> = HashMap::new();
        for k in keys {
            if let Some(doc) = content_doc(&k) {
                let e = by_doc.entry(doc.to_string()).or_default();
                if e.1.insert(k.clone()) {
                    e.0.toggle(&k, true);
                }
            }
        }
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = by_doc;
    }

    /// Records that chunk `key` was committed (`added`) or deleted.
    pub(super) fn changed(&self, key: &str, added: bool) {
        if let Some(doc) = content_doc(key) {
            let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
            let e = map.entry(doc.to_string()).or_default();
            let changed = if added {
                e.1.insert(key.to_string())
            } else {
                e.1.remove(key)
            };
            if changed {
                e.0.toggle(key, added);
            }
        }
    }

    /// Document `doc_id`'s print now (the empty print if nothing of it is stored).
    pub(super) fn get(&self, doc_id: &str) -> Print {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(doc_id)
            .map(|e| e.0)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_print_depends_on_the_set_of_content_keys_only() {
        let a = Print::of(["d/incremental/1", "d/incremental/2"]);
        assert_eq!(a, Print::of(["d/incremental/2", "d/incremental/1"]));
        assert_ne!(a, Print::of(["d/incremental/1"]));
        assert_ne!(a, Print::of(["d/snapshot/1", "d/incremental/2"]));
        let prints = Prints::from_keys(
            ["d/incremental/1", "d/sync-state/peer", "e/snapshot/9"].map(String::from),
        );
        assert_eq!(prints.get("d"), Print::of(["d/incremental/1"]));
        prints.changed("d/incremental/2", true);
        prints.changed("d/sync-state/other", true);
        assert_eq!(prints.get("d"), a);
        prints.changed("d/incremental/2", true);
        assert_eq!(prints.get("d"), a, "a key committed twice is counted once");
        prints.changed("d/incremental/2", false);
        assert_eq!(prints.get("d"), Print::of(["d/incremental/1"]));
        prints.changed("d/incremental/2", false);
        assert_eq!(
            prints.get("d"),
            Print::of(["d/incremental/1"]),
            "nor deleted twice"
        );
        assert_eq!(prints.get("nothing"), Print::default());
        assert_eq!(content_doc("tiendo-server-peer-id"), None);
    }
}
