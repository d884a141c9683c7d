//! How a progress document is read and written: entry by entry, tolerantly, and additively.
//!
//! Stage: *model ⇄ local document*, under [`crate::model::doc::read`] and
//! [`crate::model::doc::write`]. An entry that cannot be read goes to [`Progress::unreadable`] with
//! what could be read; a write never deletes a task, period or field it does not hold.

use std::collections::BTreeMap;

use automerge::{ObjType, Value};
use autosurgeon::{Hydrate, Reconcile};

use super::{Entry, Progress, Unreadable};
use crate::model::doc::{UnixTime, author_for, commit_options};
use crate::model::{DocKind, Error, PeriodKind};

impl Hydrate for Progress {
    fn hydrate_map<D: autosurgeon::ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
    ) -> Result<Self, autosurgeon::HydrateError> {
        let mut progress = Progress {
            plan_id: crate::model::lenient::read(doc, obj, "plan_id".into())?,
            unit_id: crate::model::lenient::read(doc, obj, "unit_id".into())?,
            ..Progress::default()
        };
        let tasks = match doc.get(obj, "tasks")? {
            None => return Ok(progress),
            Some((Value::Object(ObjType::Map), id)) => id,
            Some((v, _)) => {
                return Err(autosurgeon::HydrateError::unexpected(
                    "a map of tasks",
                    v.to_string(),
                ));
            }
        };
        let task_ids: Vec<String> = doc
            .map_range(&tasks, ..)
            .map(|i| i.key.to_string())
            .collect();
        for task_id in task_ids {
            let periods = match doc.get(&tasks, task_id.as_str())? {
                Some((Value::Object(ObjType::Map), id)) => id,
                other => {
                    progress.unreadable.push(Unreadable {
                        task_id,
                        period: None,
                        field: None,
                        reason: format!(
                            "expected a map of periods, found {}",
                            other.map_or("nothing".into(), |(v, _)| v.to_string())
                        ),
                        partial: Entry::default(),
                    });
                    continue;
                }
            };
            let keys: Vec<String> = doc
                .map_range(&periods, ..)
                .map(|i| i.key.to_string())
                .collect();
            let entries = progress.tasks.entry(task_id.clone()).or_default();
            for period in keys {
                match Entry::hydrate(doc, &periods, period.as_str().into()) {
                    Ok(e) => {
                        entries.insert(period, e);
                    }
                    Err(err) => {
                        let (field, reason, partial) = Entry::diagnose(doc, &periods, &period);
                        progress.unreadable.push(Unreadable {
                            task_id: task_id.clone(),
                            period: Some(period),
                            field,
                            reason: reason.unwrap_or_else(|| err.to_string()),
                            partial,
                        });
                    }
                }
            }
            if entries.is_empty() {
                progress.tasks.remove(&task_id);
            }
        }
        Ok(progress)
    }
}

impl Reconcile for Progress {
    type Key<'a> = autosurgeon::reconcile::NoKey;

    fn reconcile<R: autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        use autosurgeon::reconcile::MapReconciler;
        let mut root = reconciler.map()?;
        root.put("plan_id", &self.plan_id)?;
        root.put("unit_id", &self.unit_id)?;
        root.put("tasks", Tasks(&self.tasks))?;
        Ok(())
    }
}

/// The tasks map, written additively at both levels (task → period → entry).
struct Tasks<'a>(&'a BTreeMap<String, BTreeMap<String, Entry>>);

impl Reconcile for Tasks<'_> {
    type Key<'k> = autosurgeon::reconcile::NoKey;

    fn reconcile<R: autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        use autosurgeon::reconcile::MapReconciler;
        let mut m = reconciler.map()?;
        for (task, periods) in self.0 {
            m.put(task, Additive(periods))?;
        }
        Ok(())
    }
}

/// A map written key by key without deleting the keys it does not hold (autosurgeon's own map
/// reconcile deletes them, which would delete what another version wrote or what we could not
/// read).
struct Additive<'a, V>(&'a BTreeMap<String, V>);

impl<V: Reconcile> Reconcile for Additive<'_, V> {
    type Key<'k> = autosurgeon::reconcile::NoKey;

    fn reconcile<R: autosurgeon::Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        use autosurgeon::reconcile::MapReconciler;
        let mut m = reconciler.map()?;
        for (k, v) in self.0 {
            m.put(k, v)?;
        }
        Ok(())
    }
}

/// The map object at `key` of `parent`, made when missing.
fn map_at(
    tx: &mut automerge::transaction::Transaction<'_>,
    parent: &automerge::ObjId,
    key: &str,
) -> Result<automerge::ObjId, Error> {
    use automerge::transaction::Transactable;
    match automerge::ReadDoc::get(tx, parent, key)? {
        Some((Value::Object(ObjType::Map), id)) => Ok(id),
        Some((v, _)) => Err(Error::InvalidValue(format!(
            "{key}: expected a map, found {v}"
        ))),
        None => Ok(tx.put_object(parent, key, ObjType::Map)?),
    }
}

/// Changes one entry — task `task_id`, period `period` — through `f`, as one change authored by
/// `author`, made `at`: only that entry is read and written (a form's saved field costs one
/// entry, not the unit's whole year). The entry is read tolerantly; an unreadable one starts
/// from what could be read of it, so saving repairs it. Fields this release does not know stay.
pub fn edit_entry<R>(
    doc: &mut automerge::Automerge,
    author: &str,
    at: UnixTime,
    task_id: &str,
    period: PeriodKind,
    f: impl FnOnce(&mut Entry) -> R,
) -> Result<R, Error> {
    edit_entry_from(doc, author, at, task_id, period, Entry::default(), f)
}

/// [`edit_entry`] starting, when the document has no entry for the task and period, from
/// `start` instead of an empty entry: the entry a merged unit passed on to this one
/// ([`crate::model::lineage::fold`]), so a first edit by the successor keeps what it carried.
pub fn edit_entry_from<R>(
    doc: &mut automerge::Automerge,
    author: &str,
    at: UnixTime,
    task_id: &str,
    period: PeriodKind,
    start: Entry,
    f: impl FnOnce(&mut Entry) -> R,
) -> Result<R, Error> {
    let key = period.as_str();
    let periods = match automerge::ReadDoc::get(doc, automerge::ROOT, "tasks")? {
        Some((Value::Object(ObjType::Map), tasks)) => {
            match automerge::ReadDoc::get(doc, &tasks, task_id)? {
                Some((Value::Object(ObjType::Map), periods)) => Some(periods),
                _ => None,
            }
        }
        _ => None,
    };
    let mut entry = match &periods {
        Some(periods) if automerge::ReadDoc::get(doc, periods, key)?.is_some() => {
            Entry::hydrate(&*doc, periods, key.into()).unwrap_or_else(|_| {
                let (_, _, partial) = Entry::diagnose(&*doc, periods, key);
                partial
            })
        }
        _ => start,
    };
    let out = f(&mut entry);
    doc.set_author(Some(author_for(author)));
    let mut tx = doc.transaction();
    let tasks = map_at(&mut tx, &automerge::ROOT, "tasks")?;
    let periods = map_at(&mut tx, &tasks, task_id)?;
    autosurgeon::reconcile_prop(&mut tx, &periods, key, &entry)?;
    crate::model::schema::upgrade(&mut tx, DocKind::Progress)?;
    tx.commit_with(commit_options(at));
    Ok(out)
}
