//! Admission: every change a user delivers (a sync frame, a bundle file) is attested — who
//! delivered it, when the server received it ([`crate::store::attest`]) — and, for the documents
//! that hold reporting steps, checked before the hub applies it, whatever the order it arrives in.
//!
//! Stage: *gate*, between the sync pump's frame checks ([`crate::sync`]) (or [`crate::domain::bundles`]) and samod.
//!
//! ## Why a change is checked against more than the hub's document
//! A change whose dependencies have not arrived is held by automerge (queued) and applied later,
//! when they do — possibly from another connection, in a frame that touches no step at all. And a
//! frame that passed the gate may not have reached the hub yet when the next one is checked. So
//! each checked document has a [`DocGate`] (one at a time, across connections and bundles) that
//! remembers the changes admitted and not yet committed; a check starts from the hub's document
//! (with its own queue) plus those, applies the new changes, and looks at every step that
//! *became applicable* — the frame's own and any held change it completed.
//!
//! ## Who took a step
//! A new step counts only if every change that wrote it ([`workflow::step_origins`]) was
//! delivered by the user the step names, in a role that may take it. Authorship is the attested
//! record, never the change's actor or the step's own `by`: an editor cannot pass a step off as
//! the head's by sending it early, late, out of order, or through a colleague's frame.

pub mod steps;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use automerge::{Automerge, ChangeHash, ReadDoc};
use tiendo_shared::workflow::{self, Step, may_take};

use crate::domain::accounts::User;
use crate::domain::library::Library;
use crate::store::DocKind;
use crate::store::attest::{Attested, Via, now_ms};

/// How long an admitted change is remembered while it is not known to be committed (a change
/// samod refuses is never committed; it must not be held for ever).
const HOLD: Duration = Duration::from_secs(600);
/// The most admitted changes remembered per document.
const HOLD_MAX: usize = 20_000;

/// One document's admission state.
#[derive(Default)]
struct DocGate {
    /// Changes admitted and not yet known to be committed, oldest first.
    admitted: Vec<(ChangeHash, Vec<u8>, Instant)>,
    /// Checked since the server started, and no change of it was left waiting for its
    /// dependencies: a frame that cannot touch a step may pass without a check.
    clean: bool,
}

/// Every document's admission state.
#[derive(Default)]
pub struct Admission {
    docs: Mutex<HashMap<String, Arc<tokio::sync::Mutex<DocGate>>>>,
}

/// What admission decided.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Admitted; the reporting steps that became applicable, each with when the server received
    /// it (Unix ms: the latest arrival among the changes that wrote it).
    Pass(Vec<(String, i64)>),
    /// Refused, and why (in Vietnamese: the client shows it).
    Refuse(String),
}

/// The hash of each chunk that is a single change; `None` when one is not (a whole document).
fn plain_hashes(chunks: &[Vec<u8>]) -> Option<Vec<ChangeHash>> {
    chunks
        .iter()
        .map(|c| automerge::Change::try_from(&c[..]).ok().map(|c| c.hash()))
        .collect()
}

/// What a full check found, before authorship is looked up.
struct Inspection {
    /// A step altered or removed.
    refused: Option<String>,
    /// Steps that became applicable, with the changes that wrote each.
    new_steps: Vec<(Step, Vec<ChangeHash>)>,
    /// The changes the frame brought that are now in the document (for a whole document).
    applied: Vec<ChangeHash>,
    /// Some change is still waiting for its dependencies.
    waiting: bool,
}

/// Applies `held` and then `chunks` to a copy of `doc` and compares the steps before and after.
fn inspect(doc: &Automerge, held: &[Vec<u8>], chunks: &[Vec<u8>], office: bool) -> Inspection {
    let mut before = doc.clone();
    for c in held {
        // A held change that does not load was refused by samod too.
        let _ = before.load_incremental(c);
    }
    let mut after = before.clone();
    let mut loaded = true;
    for c in chunks {
        if after.load_incremental(c).is_err() {
            loaded = false;
        }
    }
    // Steps by place and id: the same id elsewhere is another step.
    let old = workflow::located_steps(&before, office);
    let new = workflow::located_steps(&after, office);
    let mut refused = None;
    for (place, s) in &old {
        match new.iter().find(|(p, n)| p == place && n.id == s.id) {
            Some((_, n)) if n == s => {}
            Some(_) => refused = Some(format!("bước báo cáo {} không được sửa", s.id)),
            None => refused = Some(format!("bước báo cáo {} không được xóa", s.id)),
        }
    }
    let added: Vec<Step> = new
        .iter()
        .filter(|(place, n)| !old.iter().any(|(p, o)| p == place && o.id == n.id))
        .map(|(_, s)| s.clone())
        .collect();
    // A step's id is its name in the receipts: one already taken, here or anywhere in the
    // document, or given twice, would borrow another step's time.
    for (i, s) in added.iter().enumerate() {
        if old.iter().any(|(_, o)| o.id == s.id) || added[..i].iter().any(|a| a.id == s.id) {
            refused = Some(format!("mã bước báo cáo {} đã được dùng", s.id));
        }
    }
    let mut origins = if added.is_empty() {
        Default::default()
    } else {
        workflow::step_origins(&after, office)
    };
    let new_steps = added
        .into_iter()
        .map(|s| {
            let changes = origins.remove(&s.id).unwrap_or_default();
            (s, changes)
        })
        .collect();
    let applied = after
        .get_changes(&before.get_heads())
        .iter()
        .map(|c| c.hash())
        .collect();
    if !loaded {
        tracing::debug!("changes do not load; left to samod");
    }
    Inspection {
        refused,
        new_steps,
        applied,
        waiting: !after.get_missing_deps(&[]).is_empty(),
    }
}

/// Why `deliverer` may not have taken `step`, if they may not.
fn refusal(step: &Step, deliverer: &User, office: bool) -> Option<String> {
    if step.by != deliverer.username {
        return Some(format!(
            "bước {} ghi người thực hiện {:?}, nhưng do {:?} gửi đến máy chủ",
            step.action.vi(),
            step.by,
            deliverer.username
        ));
    }
    if step.role != deliverer.role.as_str() {
        return Some(format!(
            "bước {} ghi vai trò {:?}, người gửi có vai trò {:?}",
            step.action.vi(),
            step.role,
            deliverer.role.as_str()
        ));
    }
    if !may_take(deliverer.role, step.action) || step.action.by_office() != office {
        return Some(format!(
            "vai trò {} không được thực hiện bước \"{}\"",
            deliverer.role.label(),
            step.action.vi()
        ));
    }
    None
}

/// Whether every step that became applicable (`new_steps`, each with the changes that wrote
/// it) was written only in changes delivered by the user it names, in a role that may take it
/// (`known`: who delivered each change; `users`: those users as they are now). The steps that
/// pass, each with when the server received it (the latest of its changes).
fn judge(
    new_steps: &[(Step, Vec<ChangeHash>)],
    known: &HashMap<ChangeHash, Attested>,
    users: &HashMap<i64, User>,
    office: bool,
) -> Result<Vec<(String, i64)>, String> {
    let mut steps = Vec::new();
    for (step, hashes) in new_steps {
        if hashes.is_empty() {
            return Err(format!("bước {} không rõ nguồn", step.id));
        }
        let mut latest = 0;
        for h in hashes {
            let Some(a) = known.get(h) else {
                return Err(format!(
                    "bước {} ghi trong thay đổi {} mà máy chủ không rõ ai gửi",
                    step.id,
                    &h.to_string()[..12]
                ));
            };
            latest = latest.max(a.received_at);
            let Some(deliverer) = users.get(&a.user_id) else {
                return Err(format!(
                    "bước {}: người gửi {:?} không còn tài khoản",
                    step.id, a.username
                ));
            };
            if let Some(why) = refusal(step, deliverer, office) {
                return Err(why);
            }
        }
        steps.push((step.id.clone(), latest));
    }
    Ok(steps)
}

impl Admission {
    fn gate(&self, doc: &str) -> Arc<tokio::sync::Mutex<DocGate>> {
        self.docs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(doc.to_string())
            .or_default()
            .clone()
    }

    /// Admits (or refuses) `chunks` — a sync message's changes, or a bundle's data for one
    /// document — delivered by `user` `via` a connection or a bundle, to document `doc` of
    /// `kind` that the user may write. On a pass the changes are attested (committed with the
    /// chunks that hold them); the caller then hands them to samod.
    pub async fn admit(
        &self,
        library: &Library,
        user: &User,
        doc: &str,
        kind: DocKind,
        chunks: &[Vec<u8>],
        via: Via,
    ) -> Verdict {
        let received_at = now_ms();
        let plain = plain_hashes(chunks);
        let attest = |hashes: &[ChangeHash]| {
            library.store().attest(
                hashes
                    .iter()
                    .map(|h| Attested {
                        doc_id: doc.to_string(),
                        hash: *h,
                        user_id: user.id,
                        username: user.username.clone(),
                        received_at,
                        via,
                    })
                    .collect(),
            )
        };
        let office = kind == DocKind::Plan;
        let has_steps = matches!(kind, DocKind::Progress | DocKind::Plan);
        if !has_steps && let Some(hashes) = &plain {
            // No steps here: attested only.
            attest(hashes);
            return Verdict::Pass(Vec::new());
        }
        let gate = self.gate(doc);
        let mut gate = gate.lock().await;
        prune(library, doc, &mut gate);
        if let Some(hashes) = &plain
            && gate.clean
            && !office
            && !steps::may_touch_steps(chunks)
        {
            // A unit's usual edit (a figure) on a document with nothing held: it cannot add,
            // alter or remove a step, nor complete a held change that does.
            attest(hashes);
            hold(&mut gate, hashes, chunks);
            return Verdict::Pass(Vec::new());
        }
        let Ok(handle) = library.handle(doc).await else {
            // Not in the repo: samod decides about it as about any unknown document.
            return Verdict::Pass(Vec::new());
        };
        let held: Vec<Vec<u8>> = gate.admitted.iter().map(|(_, b, _)| b.clone()).collect();
        let frame = chunks.to_vec();
        let found = tokio::task::spawn_blocking(move || {
            handle.with_document(|d| inspect(d, &held, &frame, office))
        })
        .await;
        let found = match found {
            Ok(f) => f,
            Err(e) => return Verdict::Refuse(format!("kiểm tra bị gián đoạn: {e}")),
        };
        let mut found = found;
        if !has_steps {
            // An organisation document: its whole data read only for what it brought.
            found.refused = None;
            found.new_steps.clear();
        }
        if let Some(why) = found.refused {
            return Verdict::Refuse(why);
        }
        // Authorship of every step that became applicable, from the attested record; the
        // frame's own changes are this user's, unless delivered before by someone else.
        let frame_hashes = plain.clone().unwrap_or_else(|| found.applied.clone());
        let mut wanted: Vec<ChangeHash> = found
            .new_steps
            .iter()
            .flat_map(|(_, hs)| hs.iter().copied())
            .collect();
        wanted.sort();
        wanted.dedup();
        let mut known = match library.store().attested(doc, &wanted).await {
            Ok(k) => k,
            Err(e) => return Verdict::Refuse(format!("không đọc được sổ ghi nhận: {e}")),
        };
        for h in &frame_hashes {
            known.entry(*h).or_insert_with(|| Attested {
                doc_id: doc.to_string(),
                hash: *h,
                user_id: user.id,
                username: user.username.clone(),
                received_at,
                via,
            });
        }
        let mut users: HashMap<i64, User> = HashMap::from([(user.id, user.clone())]);
        for a in known.values() {
            if !users.contains_key(&a.user_id)
                && let Ok(Some(u)) = library.store().user(&a.username).await
                && u.id == a.user_id
            {
                users.insert(u.id, u);
            }
        }
        let steps = match judge(&found.new_steps, &known, &users, office) {
            Ok(steps) => steps,
            Err(why) => return Verdict::Refuse(why),
        };
        attest(&frame_hashes);
        hold(&mut gate, &frame_hashes, chunks);
        gate.clean = !found.waiting;
        Verdict::Pass(steps)
    }
}

impl Admission {
    /// Another node's committed chunks of document `doc` of `kind` reach this node's hub
    /// ([`crate::domain::library`]): they were admitted there, but here they may complete a change this
    /// node admitted and that still waits for its dependencies, and they may carry such waiting
    /// changes themselves (a compacted snapshot keeps them). Applies them to `handle`'s document;
    /// the steps that become applicable here are judged as a frame's would be, those that pass
    /// stamped with their arrival, those that fail logged (they are in the store already: without
    /// a receipt they count for nothing, [`crate::domain::documents`]). The document is checked in full at
    /// its next frame.
    pub async fn apply_foreign(
        &self,
        store: &crate::store::Store,
        handle: &samod::DocHandle,
        doc: &str,
        kind: DocKind,
        chunks: Vec<Vec<u8>>,
    ) -> Result<(), samod::Stopped> {
        let gate = self.gate(doc);
        let mut gate = gate.lock().await;
        gate.clean = false;
        let has_steps = matches!(kind, DocKind::Progress | DocKind::Plan);
        let office = kind == DocKind::Plan;
        let found = handle
            .with_document_async(move |d| {
                let waiting = has_steps && !d.get_missing_deps(&[]).is_empty();
                let found = waiting.then(|| inspect(d, &[], &chunks, office));
                for c in &chunks {
                    if let Err(e) = d.load_incremental(c) {
                        tracing::warn!(error = %e, "another node's chunk does not load");
                    }
                }
                found
            })
            .await?;
        let Some(found) = found.filter(|f| !f.new_steps.is_empty()) else {
            return Ok(());
        };
        let mut wanted: Vec<ChangeHash> = found
            .new_steps
            .iter()
            .flat_map(|(_, hs)| hs.iter().copied())
            .collect();
        wanted.sort();
        wanted.dedup();
        let known = store.attested(doc, &wanted).await.unwrap_or_default();
        let mut users = HashMap::new();
        for a in known.values() {
            if !users.contains_key(&a.user_id)
                && let Ok(Some(u)) = store.user(&a.username).await
                && u.id == a.user_id
            {
                users.insert(u.id, u);
            }
        }
        for step in &found.new_steps {
            match judge(std::slice::from_ref(step), &known, &users, office) {
                Ok(passed) => {
                    if let Err(e) = store.record_receipts(doc, &passed).await {
                        tracing::error!(error = %e, doc, "could not record reporting steps' arrival");
                    }
                }
                Err(why) => {
                    tracing::error!(doc, step = %step.0.id, reason = %why, "a step another node's changes completed here does not count");
                }
            }
        }
        Ok(())
    }
}

/// Remembers the admitted `chunks` (by hash when each is a change; a whole document by its
/// first change's hash, which is enough to find it committed).
fn hold(gate: &mut DocGate, hashes: &[ChangeHash], chunks: &[Vec<u8>]) {
    let now = Instant::now();
    if hashes.len() == chunks.len() {
        for (h, c) in hashes.iter().zip(chunks) {
            gate.admitted.push((*h, c.clone(), now));
        }
    } else if let Some(h) = hashes.last() {
        gate.admitted.push((*h, chunks.concat(), now));
    }
    if gate.admitted.len() > HOLD_MAX {
        let extra = gate.admitted.len() - HOLD_MAX;
        gate.admitted.drain(..extra);
    }
}

/// Forgets the admitted changes that are committed (so in the hub's document) or too old.
fn prune(library: &Library, doc: &str, gate: &mut DocGate) {
    if gate.admitted.is_empty() {
        return;
    }
    let hashes: Vec<ChangeHash> = gate.admitted.iter().map(|(h, _, _)| *h).collect();
    let committed = library.store().committed_now(doc, &hashes);
    gate.admitted
        .retain(|(h, _, at)| !committed.contains(h) && at.elapsed() < HOLD);
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ActorId;
    use proptest::prelude::*;
    use tiendo_shared::PeriodKind;
    use tiendo_shared::api::Role;
    use tiendo_shared::workflow::Action;

    const EDITOR: &str = "vp";
    const HEAD: &str = "vp.truong";

    fn user(id: i64, name: &str, role: Role) -> User {
        User {
            id,
            username: name.into(),
            display_name: String::new(),
            role,
            agency_id: Some("a".into()),
            unit_id: Some("vp".into()),
            disabled: false,
        }
    }

    fn users() -> HashMap<i64, User> {
        HashMap::from([
            (1, user(1, EDITOR, Role::UnitEditor)),
            (2, user(2, HEAD, Role::UnitHead)),
        ])
    }

    /// One generated change: who made it on their device, what it does (a figure, a submission
    /// or an approval) and whose name a step carries.
    #[derive(Debug, Clone)]
    struct Made {
        maker: i64,
        kind: u8,
        named: i64,
    }

    /// One change of a chain: its bytes, its hash, the step it writes (id, the user it names).
    type Link = (Vec<u8>, ChangeHash, Option<(String, i64)>);

    /// The chain of changes `made` describes, each on top of the one before.
    fn chain(made: &[Made]) -> Vec<Link> {
        let mut doc = Automerge::new();
        let mut out = Vec::new();
        for (i, m) in made.iter().enumerate() {
            doc.set_actor(ActorId::from(vec![m.maker as u8; 16]));
            let before = doc.get_heads();
            let (name, role) = if m.named == 1 {
                (EDITOR, Role::UnitEditor)
            } else {
                (HEAD, Role::UnitHead)
            };
            let id = format!("s{i}");
            let step = match m.kind {
                0 => None,
                1 => Some(Step::new(
                    &id,
                    Action::Submit,
                    name,
                    role,
                    1_000 + i as i64,
                    "",
                )),
                _ => Some(Step::new(
                    &id,
                    Action::Approve,
                    name,
                    role,
                    1_000 + i as i64,
                    "s0",
                )),
            };
            match &step {
                None => {
                    let mut tx = doc.transaction();
                    automerge::transaction::Transactable::put(
                        &mut tx,
                        automerge::ROOT,
                        "figure",
                        i as i64,
                    )
                    .unwrap();
                    tx.commit();
                }
                Some(s) => {
                    workflow::take_unit_step(&mut doc, PeriodKind::Q1, s.clone()).unwrap();
                }
            }
            let change = doc.get_changes(&before).pop().unwrap().clone();
            out.push((
                change.raw_bytes().to_vec(),
                change.hash(),
                step.map(|_| (id, m.named)),
            ));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Whatever the order changes arrive in, in whatever frames, and whoever delivers them
        /// (a tablet shared by two people forwards the other's changes), a step the server
        /// ends up holding was delivered by the user it names, in a role that may take it.
        #[test]
        fn no_order_of_delivery_lets_a_step_count_that_its_author_did_not_deliver(
            made in prop::collection::vec((1i64..=2, 0u8..3, 1i64..=2), 1..7),
            forwarded in prop::collection::vec(any::<bool>(), 7),
            keys in prop::collection::vec(any::<u16>(), 7),
            cuts in prop::collection::vec(any::<bool>(), 7),
        ) {
            let made: Vec<Made> = made
                .into_iter()
                .map(|(maker, kind, named)| Made { maker, kind, named })
                .collect();
            let changes = chain(&made);
            // The order of delivery, and who delivers each change.
            let mut order: Vec<usize> = (0..changes.len()).collect();
            order.sort_by_key(|&i| keys[i]);
            let deliverer = |i: usize| if forwarded[i] { 3 - made[i].maker } else { made[i].maker };
            let users = users();
            let mut hub = Automerge::new();
            let mut known: HashMap<ChangeHash, Attested> = HashMap::new();
            let mut frame: Vec<usize> = Vec::new();
            let mut frames = Vec::new();
            for (n, &i) in order.iter().enumerate() {
                frame.push(i);
                if cuts[n] || n + 1 == order.len() {
                    frames.push(std::mem::take(&mut frame));
                }
            }
            for frame in frames {
                // One frame is one user's: split where the deliverer changes.
                let mut parts: Vec<Vec<usize>> = Vec::new();
                for i in frame {
                    match parts.last_mut() {
                        Some(p) if deliverer(p[0]) == deliverer(i) => p.push(i),
                        _ => parts.push(vec![i]),
                    }
                }
                for part in parts {
                    let who = deliverer(part[0]);
                    let chunks: Vec<Vec<u8>> = part.iter().map(|&i| changes[i].0.clone()).collect();
                    let found = inspect(&hub, &[], &chunks, false);
                    if found.refused.is_some() {
                        continue;
                    }
                    let mut with_frame = known.clone();
                    for &i in &part {
                        with_frame.entry(changes[i].1).or_insert_with(|| Attested {
                            doc_id: "d".into(),
                            hash: changes[i].1,
                            user_id: who,
                            username: users[&who].username.clone(),
                            received_at: 0,
                            via: Via::Sync,
                        });
                    }
                    if judge(&found.new_steps, &with_frame, &users, false).is_err() {
                        continue;
                    }
                    known = with_frame;
                    for c in &chunks {
                        hub.load_incremental(c).unwrap();
                    }
                }
            }
            // The oracle: who first delivered each change that wrote a step the hub holds.
            for s in workflow::all_steps(&hub, false) {
                let i: usize = s.id[1..].parse().unwrap();
                let (_, hash, step) = &changes[i];
                let named = step.as_ref().unwrap().1;
                let delivered_by = known[hash].user_id;
                prop_assert_eq!(delivered_by, named, "{:?} counts, delivered by {}", s, delivered_by);
                prop_assert!(may_take(users[&named].role, s.action), "{:?}", s);
            }
        }
    }

    #[test]
    fn a_step_completed_by_a_later_frame_is_judged_by_who_delivered_it() {
        // The editor's figure, then the head's approval forged by the editor on top of it.
        let made = [
            Made {
                maker: 1,
                kind: 1,
                named: 1,
            },
            Made {
                maker: 1,
                kind: 0,
                named: 1,
            },
            Made {
                maker: 1,
                kind: 2,
                named: 2,
            },
        ];
        let changes = chain(&made);
        let mut hub = Automerge::new();
        hub.load_incremental(&changes[0].0).unwrap();
        // The forgery first: it waits for the figure, and nothing is judged yet.
        let found = inspect(&hub, &[], &[changes[2].0.clone()], false);
        assert!(found.new_steps.is_empty() && found.waiting);
        hub.load_incremental(&changes[2].0).unwrap();
        // The figure completes it: the forged step becomes applicable and is judged.
        let found = inspect(&hub, &[], &[changes[1].0.clone()], false);
        assert_eq!(found.new_steps.len(), 1);
        let known: HashMap<ChangeHash, Attested> = changes
            .iter()
            .map(|(_, h, _)| {
                (
                    *h,
                    Attested {
                        doc_id: "d".into(),
                        hash: *h,
                        user_id: 1,
                        username: EDITOR.into(),
                        received_at: 7,
                        via: Via::Sync,
                    },
                )
            })
            .collect();
        let why = judge(&found.new_steps, &known, &users(), false).unwrap_err();
        assert!(why.contains("gửi đến máy chủ"), "{why}");
        // Had the head delivered it, it would count, from when it arrived.
        let mut by_head = known.clone();
        by_head.get_mut(&changes[2].1).unwrap().user_id = 2;
        assert_eq!(
            judge(&found.new_steps, &by_head, &users(), false),
            Ok(vec![("s2".to_string(), 7)])
        );
    }

    #[test]
    fn held_changes_count_as_admitted_when_the_hub_has_not_applied_them_yet() {
        let made = [
            Made {
                maker: 1,
                kind: 1,
                named: 1,
            },
            Made {
                maker: 1,
                kind: 0,
                named: 1,
            },
            Made {
                maker: 1,
                kind: 2,
                named: 2,
            },
        ];
        let changes = chain(&made);
        let hub = Automerge::new();
        // The submission and the forgery were admitted (held); samod has applied neither.
        let held = vec![changes[0].0.clone(), changes[2].0.clone()];
        let found = inspect(&hub, &held, &[changes[1].0.clone()], false);
        let ids: Vec<&str> = found.new_steps.iter().map(|(s, _)| s.id.as_str()).collect();
        assert_eq!(ids, ["s2"], "the forgery the figure completes is judged");
    }
}

#[cfg(test)]
mod ids {
    use super::*;
    use tiendo_shared::PeriodKind;
    use tiendo_shared::api::Role;
    use tiendo_shared::workflow::Action;

    #[test]
    fn a_step_under_an_id_already_taken_elsewhere_in_the_document_is_refused() {
        let mut doc = Automerge::new();
        let q1 = Step::new("s1", Action::Submit, "vp", Role::UnitEditor, 1_000, "");
        workflow::take_unit_step(&mut doc, PeriodKind::Q1, q1).unwrap();
        let changes = |period: PeriodKind, step: Step| {
            let mut copy = doc.fork();
            workflow::take_unit_step(&mut copy, period, step).unwrap();
            copy.get_changes(&doc.get_heads())
                .iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect::<Vec<_>>()
        };
        // The head's submission (approved by that act) in the year report, under Q1's id: it
        // would have passed unjudged and taken Q1's receipt.
        let forged = Step::new("s1", Action::Submit, "vp.truong", Role::UnitHead, 9_000, "");
        let found = inspect(&doc, &[], &changes(PeriodKind::Year, forged), false);
        assert_eq!(
            found.refused.as_deref(),
            Some("mã bước báo cáo s1 đã được dùng"),
            "{:?}",
            found.new_steps
        );
        // The editor's own year report under Q1's id, to borrow its time: refused alike.
        let own = Step::new("s1", Action::Submit, "vp", Role::UnitEditor, 9_000, "");
        assert!(
            inspect(&doc, &[], &changes(PeriodKind::Year, own), false)
                .refused
                .is_some()
        );
        // Under a fresh id it is an ordinary new step.
        let fresh = Step::new("s2", Action::Submit, "vp", Role::UnitEditor, 9_000, "");
        let found = inspect(&doc, &[], &changes(PeriodKind::Year, fresh), false);
        assert!(found.refused.is_none());
        assert_eq!(found.new_steps.len(), 1);
    }
}
