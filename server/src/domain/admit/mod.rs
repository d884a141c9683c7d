//! Admission: every change a user delivers (a sync frame, a bundle file) is attested — who
//! delivered it, when the server received it ([`crate::store::attest`]) — and, for the documents
//! that hold reporting steps, checked before the hub applies it, whatever the order it arrives in.
//!
//! Stage: *gate*, between the sync pump's frame checks (or [`crate::domain::bundles`]) and samod.
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
mod tests;
