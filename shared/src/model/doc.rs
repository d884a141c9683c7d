//! The model as Automerge documents: write a value into a document, read it back, and stamp
//! changes with their author and the document with its schema version.
//!
//! Stage: *local document*. Every edit, on a tablet or on the server, goes model → [`update`] →
//! Automerge change (with the user as author, the document brought to this release's schema
//! version, [`crate::model::schema`]) → sync. Every read goes Automerge → [`read`] → model,
//! tolerantly ([`crate::model::lenient`]). autosurgeon does the mapping; list items with a `#[key]`
//! (tasks, units, evidence) keep their identity across concurrent edits.

use automerge::{Author, AutoCommit, Automerge};

use crate::model::schema::{self, Contract, Document};
use crate::model::{Error, isolate};

/// The Automerge author recorded on changes made by user `user_id`.
pub fn author_for(user_id: &str) -> Author<'static> {
    Author::from(user_id.as_bytes().to_vec())
}

/// When a change is made: Unix time in whole seconds, as automerge records it on a change.
/// `shared` reads no clock; the server and the tablet pass theirs in (tests pass a fixed one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct UnixTime(pub i64);

impl UnixTime {
    /// From milliseconds since the epoch (what a browser's `Date.now()` gives).
    pub fn from_millis(ms: f64) -> UnixTime {
        UnixTime((ms / 1000.0).floor() as i64)
    }
}

/// A new document holding `value` at this release's schema version, its first change authored
/// by `author` (when given; later changes through the returned handle keep that author) and
/// made `at`.
pub fn create<T: Document>(
    value: &T,
    author: Option<&str>,
    at: UnixTime,
) -> Result<AutoCommit, Error> {
    let doc = new_document(value, author, at)?;
    let mut out = AutoCommit::load(&doc.save())?.with_actor(doc.get_actor().clone());
    if let Some(a) = author {
        out.set_author(Some(author_for(a)));
    }
    Ok(out)
}

/// [`create`] as a plain `Automerge` document (what samod's repo takes).
pub fn new_document<T: Document>(
    value: &T,
    author: Option<&str>,
    at: UnixTime,
) -> Result<Automerge, Error> {
    let mut doc = Automerge::new();
    if let Some(a) = author {
        doc.set_author(Some(author_for(a)));
    }
    write(&mut doc, value, at)?;
    Ok(doc)
}

/// Makes the document hold `value`, changing only what differs (and deleting nothing the model
/// does not hold, see [`crate::model::schema`]), as one change made `at`.
pub fn write<T: Document>(doc: &mut Automerge, value: &T, at: UnixTime) -> Result<(), Error> {
    // What this document's reading leaves out is kept by the write ([`crate::model::isolate`]).
    let left_out = if T::ISOLATED {
        isolate::left_out(|| autosurgeon::hydrate::<_, T>(doc))
    } else {
        Default::default()
    };
    let mut tx = doc.transaction();
    isolate::keeping(left_out, || autosurgeon::reconcile(&mut tx, value))?;
    schema::upgrade(&mut tx, T::KIND)?;
    tx.commit_with(commit_options(at));
    Ok(())
}

/// Commit options stamping a change with its time (automerge records 0 otherwise).
pub fn commit_options(at: UnixTime) -> automerge::transaction::CommitOptions {
    automerge::transaction::CommitOptions::default().with_time(at.0)
}

/// Reads a model value from a document, tolerantly and in isolation: what cannot be read in a
/// progress, plan or organisation document costs that entry or value, placed in the model
/// (`unreadable`, [`crate::model::isolate`]); an error names the kind only when the root itself
/// does not read.
pub fn read<T: Document, D: autosurgeon::ReadDoc>(doc: &D) -> Result<T, Error> {
    let (value, problems) = isolate::collect(|| autosurgeon::hydrate::<_, T>(doc));
    let mut value = value.map_err(|source| Error::Schema {
        kind: T::KIND,
        source: Box::new(source),
    })?;
    value.place(problems);
    Ok(value)
}

/// The schema version of a document read as a `T`, and whether a newer release wrote it.
pub fn contract<T: Document>(doc: &impl automerge::ReadDoc) -> Contract {
    schema::contract(doc, T::KIND)
}

/// Loads a document from its saved bytes.
pub fn load(bytes: &[u8]) -> Result<AutoCommit, Error> {
    Ok(AutoCommit::load(bytes)?)
}

/// Reads a `T` out of `doc`, lets `f` change it, and commits the difference as one change
/// authored by `author`, made `at` (how a tablet saves an edit made in a form).
pub fn update<T: Document, R>(
    doc: &mut Automerge,
    author: &str,
    at: UnixTime,
    f: impl FnOnce(&mut T) -> R,
) -> Result<R, Error> {
    let mut value: T = read(doc)?;
    let out = f(&mut value);
    doc.set_author(Some(author_for(author)));
    write(doc, &value, at)?;
    Ok(out)
}
