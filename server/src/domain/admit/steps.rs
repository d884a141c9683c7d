//! Which frames could touch a reporting step ([`tiendo_shared::workflow`]): the cheap test, from
//! the changes' operations alone, that lets a unit's usual edit skip the full check of
//! [`super`] (which copies the document).
//!
//! Stage: *gate*, beside the sync pump's frame checks.

use automerge::legacy::{Key, OpType};
use tiendo_shared::model::PeriodKind;
use tiendo_shared::workflow;

/// The map keys on the way from a progress document's root to its reporting steps, and a step's
/// own fields: a change that puts or makes nothing under these keys, and touches no list, leaves
/// every step as it was.
const STEP_KEYS: &[&str] = &[
    workflow::UNIT_KEY,
    workflow::OFFICE_KEY,
    "id",
    "action",
    "by",
    "role",
    "at",
    "skew",
    "heads",
    "on",
    "note",
];

/// Whether `chunks` (a sync message's change chunks) could add, alter or remove a reporting step
/// of a progress document — decided from the changes' operations alone, without the document:
/// a chunk that is not a plain change (a whole document), any list or text operation (steps are
/// appended to lists), any deletion, any key in [`STEP_KEYS`] or a period's key. What cannot is
/// the usual edit (a figure of an entry), and it skips the full check, which copies the document.
pub fn may_touch_steps(chunks: &[Vec<u8>]) -> bool {
    chunks
        .iter()
        .any(|chunk| match automerge::Change::try_from(&chunk[..]) {
            Err(_) => true,
            Ok(change) => change.decode().operations.iter().any(|op| {
                matches!(op.action, OpType::Delete)
                    || match &op.key {
                        Key::Seq(_) => true,
                        Key::Map(k) => {
                            STEP_KEYS.contains(&k.as_str())
                                || PeriodKind::ALL.iter().any(|p| p.as_str() == k.as_str())
                        }
                    }
            }),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::Automerge;
    use tiendo_shared::model::role::Role;
    use tiendo_shared::workflow::{Action, Step};

    fn step(id: &str, action: Action, by: &str, role: Role, on: &str) -> Step {
        Step::new(id, action, by, role, 1_740_762_000_000, on)
    }

    /// The change chunks `f` makes to a copy of `doc`, one by one.
    fn chunks(doc: &Automerge, f: impl FnOnce(&mut Automerge)) -> Vec<Vec<u8>> {
        let mut copy = doc.fork();
        f(&mut copy);
        copy.get_changes(&doc.get_heads())
            .iter()
            .map(|c| c.raw_bytes().to_vec())
            .collect()
    }

    #[test]
    fn only_changes_that_could_touch_a_step_go_to_the_check() {
        use automerge::ReadDoc;
        use tiendo_shared::model::progress::edit_entry;
        let plan = tiendo_shared::import::import(crate::SEED_PLAN)
            .unwrap()
            .plan;
        let mut doc = tiendo_shared::model::doc::new_document(
            &tiendo_shared::model::Progress::new(&plan.id, "vp"),
            Some("system"),
            tiendo_shared::model::doc::UnixTime(1_740_762_000),
        )
        .unwrap();
        let at = tiendo_shared::model::doc::UnixTime(1_740_762_100);
        let fill = |d: &mut Automerge, percent: u8| {
            edit_entry(d, "vp", at, "t2-d", PeriodKind::Q1, |e| {
                e.percent = percent;
                e.result = format!("{percent}%");
            })
            .unwrap();
        };
        // The entry's first figure makes its period map ("q1"): checked, to be safe.
        assert!(may_touch_steps(&chunks(&doc, |d| fill(d, 10))));
        fill(&mut doc, 10);
        // Its next figures do not: no check, no copy of the document.
        assert!(!may_touch_steps(&chunks(&doc, |d| fill(d, 60))));
        // A step, an altered step, a removed one: each is checked.
        let submit = step("s1", Action::Submit, "vp", Role::UnitEditor, "");
        assert!(may_touch_steps(&chunks(&doc, |d| {
            workflow::take_unit_step(d, PeriodKind::Q1, submit.clone()).unwrap();
        })));
        workflow::take_unit_step(&mut doc, PeriodKind::Q1, submit).unwrap();
        // Q1's list of the unit's steps.
        let steps_of = |d: &Automerge| {
            let (_, reports) = d.get(automerge::ROOT, workflow::UNIT_KEY).unwrap().unwrap();
            d.get(&reports, "q1").unwrap().unwrap().1
        };
        for key in ["note", "by"] {
            assert!(may_touch_steps(&chunks(&doc, |d| {
                let (_, first) = d.get(steps_of(d), 0).unwrap().unwrap();
                let mut tx = d.transaction();
                automerge::transaction::Transactable::put(&mut tx, &first, key, "sửa").unwrap();
                tx.commit();
            })));
        }
        assert!(may_touch_steps(&chunks(&doc, |d| {
            let list = steps_of(d);
            let mut tx = d.transaction();
            automerge::transaction::Transactable::delete(&mut tx, &list, 0).unwrap();
            tx.commit();
        })));
        // A whole document instead of changes: checked.
        assert!(may_touch_steps(&[doc.save()]));
    }
}
