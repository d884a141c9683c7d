//! The model as Automerge documents: write a value into a document, read it back, and stamp
//! changes with their author.
//!
//! Stage: *local document*. Every edit, on a tablet or on the server, goes model → [`write`] →
//! Automerge change (with the user as author) → sync. Every read goes Automerge → [`read`] →
//! model. autosurgeon does the mapping; list items with a `#[key]` (tasks, units, evidence) keep
//! their identity across concurrent edits.

use automerge::{Author, AutoCommit};
use autosurgeon::{Hydrate, Reconcile};

use crate::Error;

/// The Automerge author recorded on changes made by user `user_id`.
pub fn author_for(user_id: &str) -> Author<'static> {
    Author::from(user_id.as_bytes().to_vec())
}

/// A new document holding `value`, its first change authored by `author` (when given).
pub fn create<T: Reconcile>(value: &T, author: Option<&str>) -> Result<AutoCommit, Error> {
    let mut doc = AutoCommit::new();
    if let Some(a) = author {
        doc.set_author(Some(author_for(a)));
    }
    write(&mut doc, value)?;
    Ok(doc)
}

/// Makes the document hold `value`, changing only what differs, as one change stamped with the
/// current time.
pub fn write<T: Reconcile>(doc: &mut AutoCommit, value: &T) -> Result<(), Error> {
    autosurgeon::reconcile(doc, value)?;
    doc.commit_with(commit_options());
    Ok(())
}

/// Commit options stamping a change with the current Unix time in seconds (automerge records 0
/// otherwise). `web-time` reads the clock in the browser too.
pub fn commit_options() -> automerge::transaction::CommitOptions {
    let now = web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    automerge::transaction::CommitOptions::default().with_time(now)
}

/// Reads a model value from a document; `kind` names the document kind in errors.
pub fn read<T: Hydrate, D: autosurgeon::ReadDoc>(doc: &D, kind: &'static str) -> Result<T, Error> {
    autosurgeon::hydrate(doc).map_err(|source| Error::Schema {
        kind,
        source: Box::new(source),
    })
}

/// Loads a document from its saved bytes.
pub fn load(bytes: &[u8]) -> Result<AutoCommit, Error> {
    Ok(AutoCommit::load(bytes)?)
}

/// Reads a `T` out of `doc`, lets `f` change it, and commits the difference as one change
/// authored by `author` (how a tablet saves an edit made in a form).
pub fn update<T: Hydrate + Reconcile, R>(
    doc: &mut automerge::Automerge,
    kind: &'static str,
    author: &str,
    f: impl FnOnce(&mut T) -> R,
) -> Result<R, Error> {
    let mut value: T = read(doc, kind)?;
    let out = f(&mut value);
    doc.set_author(Some(author_for(author)));
    let mut tx = doc.transaction();
    autosurgeon::reconcile(&mut tx, &value)?;
    tx.commit_with(commit_options());
    Ok(out)
}
