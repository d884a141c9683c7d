//! How a progress document is read and written: entry by entry, tolerantly, and additively.
//!
//! Stage: *model ⇄ local document*, under [`crate::doc::read`] and [`crate::doc::write`]. An entry
//! that cannot be read goes to [`Progress::unreadable`] with what could be read; a write never
//! deletes a task, period or field it does not hold.

use std::collections::BTreeMap;

use automerge::{ObjType, Value};
use autosurgeon::{Hydrate, Reconcile};

use super::{Entry, Progress, Unreadable};

impl Hydrate for Progress {
    fn hydrate_map<D: autosurgeon::ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
    ) -> Result<Self, autosurgeon::HydrateError> {
        let mut progress = Progress {
            plan_id: crate::lenient::read(doc, obj, "plan_id".into())?,
            unit_id: crate::lenient::read(doc, obj, "unit_id".into())?,
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
