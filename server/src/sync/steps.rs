//! Reporting steps arriving on the sync socket: a change that adds a workflow step
//! ([`tiendo_shared::workflow`]) must be the sending user's own step, in the user's role, one the
//! role may take; and no change may alter or drop a step already taken. A frame that breaks this
//! is refused whole (the connection closes with the reason) before samod sees it, so a step read
//! from a document was taken by whom it names. Steps that pass are stamped with the time the
//! server first received them (`store::receipts`), which bounds their effective time.
//!
//! Stage: *gate*, beside [`super::pump`]'s frame checks; only for documents the user may write
//! (samod ignores the rest), and only frames that carry changes.

use automerge::Automerge;
use automerge::legacy::{Key, OpType};
use tiendo_shared::PeriodKind;
use tiendo_shared::workflow::{self, Step, may_take};

use crate::accounts::User;

/// What the gate decided about the changes of one frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing against the rules; the ids of the steps they add.
    Pass(Vec<String>),
    /// Refused, and why.
    Refuse(String),
}

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
/// the usual edit (a figure of an entry), and it skips [`check`], which copies the document.
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

/// Checks `changes` (a sync message's change chunks, joined) against document `before` as the
/// server holds it: `office` for a plan document (the office's steps), else a progress document.
pub fn check(before: &Automerge, changes: &[u8], user: &User, office: bool) -> Verdict {
    let mut after = before.fork();
    if let Err(e) = after.load_incremental(changes) {
        // samod will refuse it too; nothing to judge here.
        tracing::debug!(error = %e, "changes do not load; left to samod");
        return Verdict::Pass(Vec::new());
    }
    let old = workflow::all_steps(before, office);
    let new = workflow::all_steps(&after, office);
    for s in &old {
        match new.iter().find(|n| n.id == s.id) {
            Some(n) if n == s => {}
            Some(_) => return Verdict::Refuse(format!("bước báo cáo {} không được sửa", s.id)),
            None => return Verdict::Refuse(format!("bước báo cáo {} không được xóa", s.id)),
        }
    }
    let mut added = Vec::new();
    for s in new.iter().filter(|n| !old.iter().any(|o| o.id == n.id)) {
        if let Some(why) = refusal(s, user, office) {
            return Verdict::Refuse(why);
        }
        added.push(s.id.clone());
    }
    Verdict::Pass(added)
}

fn refusal(step: &Step, user: &User, office: bool) -> Option<String> {
    if step.by != user.username {
        return Some(format!(
            "bước {} ghi người thực hiện {:?}, không phải người gửi {:?}",
            step.action.vi(),
            step.by,
            user.username
        ));
    }
    if step.role != user.role.as_str() {
        return Some(format!(
            "bước {} ghi vai trò {:?}, người gửi có vai trò {:?}",
            step.action.vi(),
            step.role,
            user.role.as_str()
        ));
    }
    if !may_take(user.role, step.action) || step.action.by_office() != office {
        return Some(format!(
            "vai trò {} không được thực hiện bước \"{}\"",
            user.role.label(),
            step.action.vi()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::PeriodKind;
    use tiendo_shared::api::Role;
    use tiendo_shared::workflow::Action;

    fn user(name: &str, role: Role) -> User {
        User {
            id: 1,
            username: name.into(),
            display_name: String::new(),
            role,
            agency_id: Some("a".into()),
            unit_id: Some("vp".into()),
            disabled: false,
        }
    }

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
        use tiendo_shared::progress::edit_entry;
        let plan = tiendo_shared::import(crate::SEED_PLAN).unwrap().plan;
        let mut doc = tiendo_shared::doc::new_document(
            &tiendo_shared::Progress::new(&plan.id, "vp"),
            Some("system"),
            tiendo_shared::doc::UnixTime(1_740_762_000),
        )
        .unwrap();
        let at = tiendo_shared::doc::UnixTime(1_740_762_100);
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

    /// The changes `f` makes to a copy of `doc`, as a sync message would carry them.
    fn changes(doc: &Automerge, f: impl FnOnce(&mut Automerge)) -> Vec<u8> {
        let mut copy = doc.fork();
        f(&mut copy);
        copy.save_after(&doc.get_heads())
    }

    #[test]
    fn own_steps_in_ones_role_pass_and_are_listed() {
        let doc = Automerge::new();
        let editor = user("vp", Role::UnitEditor);
        let c = changes(&doc, |d| {
            workflow::take_unit_step(
                d,
                PeriodKind::Q1,
                step("s1", Action::Submit, "vp", Role::UnitEditor, ""),
            )
            .unwrap();
        });
        assert_eq!(
            check(&doc, &c, &editor, false),
            Verdict::Pass(vec!["s1".into()])
        );
        // An ordinary edit with no step passes with none.
        let c = changes(&doc, |d| {
            let mut tx = d.transaction();
            automerge::transaction::Transactable::put(&mut tx, automerge::ROOT, "x", 1).unwrap();
            tx.commit();
        });
        assert_eq!(check(&doc, &c, &editor, false), Verdict::Pass(vec![]));
    }

    #[test]
    fn an_editor_cannot_approve_nor_sign_as_the_head() {
        let doc = Automerge::new();
        let editor = user("vp", Role::UnitEditor);
        let approve = changes(&doc, |d| {
            workflow::take_unit_step(
                d,
                PeriodKind::Q1,
                step("a1", Action::Approve, "vp", Role::UnitEditor, "s1"),
            )
            .unwrap();
        });
        assert!(
            matches!(check(&doc, &approve, &editor, false), Verdict::Refuse(w) if w.contains("không được thực hiện"))
        );
        let forged = changes(&doc, |d| {
            workflow::take_unit_step(
                d,
                PeriodKind::Q1,
                step("a1", Action::Approve, "vp.truong", Role::UnitHead, "s1"),
            )
            .unwrap();
        });
        assert!(
            matches!(check(&doc, &forged, &editor, false), Verdict::Refuse(w) if w.contains("không phải người gửi"))
        );
        let head = user("vp.truong", Role::UnitHead);
        assert_eq!(
            check(&doc, &forged, &head, false),
            Verdict::Pass(vec!["a1".into()])
        );
    }

    #[test]
    fn a_step_taken_cannot_be_changed_or_removed() {
        let mut doc = Automerge::new();
        workflow::take_unit_step(
            &mut doc,
            PeriodKind::Q1,
            step("s1", Action::Submit, "vp", Role::UnitEditor, ""),
        )
        .unwrap();
        let editor = user("vp", Role::UnitEditor);
        let wipe = changes(&doc, |d| {
            let mut tx = d.transaction();
            automerge::transaction::Transactable::delete(&mut tx, automerge::ROOT, "reports")
                .unwrap();
            tx.commit();
        });
        assert!(
            matches!(check(&doc, &wipe, &editor, false), Verdict::Refuse(w) if w.contains("không được xóa"))
        );
    }

    #[test]
    fn unit_steps_do_not_go_in_the_plan_nor_office_steps_in_a_unit_document() {
        let doc = Automerge::new();
        let office = user("hcth", Role::AgencyAdmin);
        let accept = changes(&doc, |d| {
            workflow::take_office_step(
                d,
                "vp",
                PeriodKind::Q1,
                &step("k1", Action::Accept, "hcth", Role::AgencyAdmin, "s1"),
            )
            .unwrap();
        });
        assert_eq!(
            check(&doc, &accept, &office, true),
            Verdict::Pass(vec!["k1".into()])
        );
        let head = user("vp.truong", Role::UnitHead);
        let forged = changes(&doc, |d| {
            workflow::take_office_step(
                d,
                "vp",
                PeriodKind::Q1,
                &step("k1", Action::Accept, "vp.truong", Role::UnitHead, "s1"),
            )
            .unwrap();
        });
        assert!(matches!(
            check(&doc, &forged, &head, true),
            Verdict::Refuse(_)
        ));
    }
}
