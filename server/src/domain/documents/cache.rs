//! The one cache of documents as read: each document's model (or reporting steps) as last made,
//! with the [`Version`] it was made from — heads in the running repo, or the print of its stored
//! chunks — so a status or a roll-up reads again only the documents that changed.
//!
//! Stage: *domain*, under [`super`] (the readers). What is kept across restarts lives in the
//! store, beneath: the readings by print ([`crate::store::models`]) and the prints themselves
//! ([`crate::store::prints`]); their rules (what a reading holds, [`super::readings`]) are here.

/// Which state of a document a reading was made from: its heads in the running repo, or the
/// print of its stored chunks ([`crate::store::prints`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version(String);

impl Version {
    /// The state with these heads.
    pub fn heads(heads: &[automerge::ChangeHash]) -> Version {
        let mut s = String::from("h");
        for h in heads {
            s.push(':');
            s.push_str(&h.to_string());
        }
        Version(s)
    }

    /// The state stored as these chunks.
    pub fn stored(print: crate::store::prints::Print) -> Version {
        Version(format!("p:{print}"))
    }

    /// The states of several documents together, for a value made from all of them (stored
    /// when the first is).
    pub fn joined(versions: &[Version]) -> Version {
        let parts: Vec<&str> = versions.iter().map(|v| v.0.as_str()).collect();
        Version(parts.join("+"))
    }

    /// Whether it is a stored state (else the repo's).
    pub fn is_stored(&self) -> bool {
        self.0.starts_with('p')
    }

    /// As text, for a fingerprint.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Each document's reading as last made, with the version it was made from
/// ([`Version`]: heads in the repo, or the print of its stored chunks): a status
/// or a roll-up reads again only the documents that changed since (hydrating a unit's year of
/// progress is most of a status's work). One reading per document and way of reading it (the
/// repo's, the store's), replaced when it changes.
#[derive(Clone, Default)]
pub struct Models(
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<(String, bool), Kept>>>,
);

/// A reading and the version it was made from.
type Kept = (Version, std::sync::Arc<dyn std::any::Any + Send + Sync>);

impl Models {
    /// The reading of `doc_id` kept for exactly `version`, as a `T`.
    pub fn get<T: Clone + 'static>(&self, doc_id: &str, version: &Version) -> Option<T> {
        let kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (at, model) = kept.get(&(doc_id.to_string(), version.is_stored()))?;
        (at == version)
            .then(|| model.downcast_ref::<T>().cloned())
            .flatten()
    }

    /// Keeps `model`, made from `doc_id` at `version`.
    pub fn keep<T: Send + Sync + 'static>(&self, doc_id: &str, version: Version, model: T) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(
            (doc_id.to_string(), version.is_stored()),
            (version, std::sync::Arc::new(model)),
        );
    }
}
