//! The reporting workflow of a unit's period report: the unit submits (an editor or its head),
//! the head approves, the central office accepts or returns it with a note — each step an
//! ordinary CRDT change, made offline as well as online.
//!
//! Stage: *model* beside [`crate::model::progress`], and *view* (the state each screen shows is derived
//! here, the same on the tablet, the office and the server).
//!
//! ## Where the steps live
//! - The unit's steps (submit, approve) in its progress document, under `reports` → period →
//!   list of steps. The unit writes that document; a submission records the document's heads at
//!   that moment, so it names exactly what was sent: later edits make a new draft and change
//!   nothing submitted ([`submitted_view`]).
//! - The office's steps (accept, return) in the plan document, which the office writes and every
//!   unit reads, under `reviews` → unit → period → list.
//! - A container created concurrently on two devices (two tablets' first submission) is two
//!   values under one key; reading takes the union of every value's steps, so none is lost.
//!
//! ## Who may take which step
//! A step records its author's user id and role; the server refuses a change whose step names
//! another user or a role the user does not have, or a step the role may not take
//! ([`may_take`]), so a step read here was taken by whom it says.
//!
//! ## The rule of state ([`derive`])
//! Steps are replayed in the order of their effective time ([`Step::effective`]); ties by
//! action (submit, approve, return, accept) and id.
//! - *submit* (editor or head) makes a new current submission, superseding one not yet decided;
//!   a head's submission is approved by that act.
//! - *approve* (head), *return*, *accept* (office) name the submission they act on (`on`) and
//!   apply only while it is the current one and in a state they apply to: approve to a
//!   submitted one; return to a submitted, approved or accepted one; accept to an approved one.
//! - So when the head approves while the office returns the same submission, the report is
//!   returned whatever the order: a return after the approval undoes it, and an approval after
//!   the return names a submission no longer pending and is ignored (listed with the reason).
//!   When the office accepts while the unit resubmits, the acceptance names the older
//!   submission: if the resubmission came first, the acceptance is ignored and the newer one
//!   waits; otherwise the newer one is pending on top of the accepted one.
//!
//! ## Clocks
//! The device records its own time (`at`) and its clock's offset from the server's as last
//! measured (`skew`, milliseconds the device is ahead; times are in ms so steps taken in the
//! same second keep their order). A step's effective time is when the server first received it
//! (`received`: the attested arrival of the changes that wrote it), and `at − skew` only until
//! then: no value a device writes makes a late report count as on time. A device time earlier
//! than the receipt (a tablet in a dead zone) is kept as a claim ([`Step::claimed`]) and shown;
//! a submission counts from it only when the office vouches for it ([`Action::Vouch`], a step of
//! its own, with its author), or when it came in a bundle signed before the deadline with a key
//! registered beforehand (the server then records the signed time as its receipt).

use std::collections::BTreeMap;

use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable};
use serde::{Deserialize, Serialize};

use crate::model::raw::{all_objs, child, int_of, text_of};
use crate::model::role::Role;
use crate::model::{Date, Error, PeriodKind};

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The unit sends its report (gửi).
    Submit,
    /// The unit's head approves it (duyệt).
    Approve,
    /// The office sends it back with a note (trả lại).
    Return,
    /// The unit's head sends it back to its editors with a note, before the office has it
    /// (lãnh đạo trả lại). An old build does not know this word and skips the step (the report
    /// shows as sent there); the server and newer builds count it.
    SendBack,
    /// The office accepts it (tiếp nhận).
    Accept,
    /// The office accepts the device time a submission claims (it was made in a dead zone and
    /// reached the server later): the submission counts from that time for on-time reporting.
    /// An old build does not know this word and skips the step; the server counts it.
    Vouch,
}

impl Action {
    /// Every action, in tie order.
    pub const ALL: [Action; 6] = [
        Action::Submit,
        Action::Approve,
        Action::Return,
        Action::SendBack,
        Action::Accept,
        Action::Vouch,
    ];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::Return => "return",
            Action::SendBack => "send_back",
            Action::Accept => "accept",
            Action::Vouch => "vouch",
        }
    }

    /// The word in the UI and the history.
    pub fn vi(self) -> &'static str {
        match self {
            Action::Submit => "Gửi báo cáo",
            Action::Approve => "Lãnh đạo duyệt",
            Action::Return => "Trả lại",
            Action::SendBack => "Lãnh đạo trả lại",
            Action::Accept => "Tiếp nhận",
            Action::Vouch => "Công nhận giờ gửi trên máy",
        }
    }

    /// Whether the step is the office's (kept in the plan document) or the unit's.
    pub fn by_office(self) -> bool {
        matches!(self, Action::Return | Action::Accept | Action::Vouch)
    }
}

impl std::str::FromStr for Action {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| Error::InvalidValue(format!("bước không rõ: {s:?}")))
    }
}

/// Whether `role` may take `action` (the server enforces it on every incoming change; the
/// screens offer only these).
pub fn may_take(role: Role, action: Action) -> bool {
    match action {
        Action::Submit => role.is_unit_member(),
        Action::Approve | Action::SendBack => role == Role::UnitHead,
        Action::Return | Action::Accept | Action::Vouch => {
            matches!(role, Role::AgencyAdmin | Role::SystemAdmin)
        }
    }
}

/// One workflow step as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Unique id (the device makes it: user, time and a random part).
    pub id: String,
    /// What it does.
    pub action: Action,
    /// The user who took it (user id, as on the change's author).
    pub by: String,
    /// That user's role when taking it.
    pub role: String,
    /// The device's clock, Unix milliseconds.
    pub at: i64,
    /// The device's clock minus the server's, milliseconds, as last measured (0: never measured).
    pub skew: i64,
    /// The heads of the unit's progress document it covers (hex): for a submission the
    /// document as sent; for the other steps those of the submission they act on.
    pub heads: Vec<String>,
    /// The submission acted on (empty for a submission).
    pub on: String,
    /// A note (the office's reason for returning it; optional elsewhere).
    pub note: String,
}

impl Step {
    /// A step `id` taking `action`, by `by` in `role`, at device time `at` (Unix ms, offset 0),
    /// acting on submission `on` (empty for a submission), with no heads and no note yet.
    pub fn new(id: &str, action: Action, by: &str, role: Role, at: i64, on: &str) -> Step {
        Step {
            id: id.into(),
            action,
            by: by.into(),
            role: role.as_str().into(),
            at,
            skew: 0,
            heads: Vec::new(),
            on: on.into(),
            note: String::new(),
        }
    }

    /// The step's effective time (see the module's "Clocks"): when the server first received
    /// it, if known; until then the device's time, corrected by its measured offset.
    pub fn effective(&self, received: Option<i64>) -> i64 {
        received.unwrap_or(self.at - self.skew)
    }

    /// The time the device claims (corrected by its measured offset), when notably earlier than
    /// the server's receipt (more than [`CLAIM_MARGIN_MS`]: a step sent online reaches the
    /// server within moments): shown beside it, and counted only once the office vouches for it.
    pub fn claimed(&self, received: Option<i64>) -> Option<i64> {
        let corrected = self.at - self.skew;
        received
            .filter(|r| corrected < *r - CLAIM_MARGIN_MS)
            .map(|_| corrected)
    }
}

/// How much earlier than the server's receipt a device's time must be to be shown as a claim.
pub const CLAIM_MARGIN_MS: i64 = 2 * 60 * 1000;

/// A new step's id: the user, the device time in ms and a random part the caller draws (this
/// crate draws nothing).
pub fn step_id(by: &str, at_millis: i64, random: u32) -> String {
    format!("{by}-{at_millis}-{random:08x}")
}

// ---------------------------------------------------------------------------------------------
// Reading and writing the steps.

/// The root key of the unit's steps in its progress document.
pub const UNIT_KEY: &str = "reports";
/// The root key of the office's steps in the plan document.
pub const OFFICE_KEY: &str = "reviews";

fn read_step<D: ReadDoc>(doc: &D, obj: &ObjId) -> Option<Step> {
    let heads = all_objs(doc, obj, "heads", ObjType::List)
        .first()
        .map(|list| {
            (0..doc.length(list))
                .filter_map(|i| match doc.get(list, i).ok()??.0 {
                    Value::Scalar(s) => s.as_str().map(str::to_string),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Step {
        id: text_of(doc, obj, "id")?,
        action: text_of(doc, obj, "action")?.parse().ok()?,
        by: text_of(doc, obj, "by")?,
        role: text_of(doc, obj, "role").unwrap_or_default(),
        at: int_of(doc, obj, "at")?,
        skew: int_of(doc, obj, "skew").unwrap_or(0),
        heads,
        on: text_of(doc, obj, "on").unwrap_or_default(),
        note: text_of(doc, obj, "note").unwrap_or_default(),
    })
}

/// The steps in every list under `path` (each level's conflicting values joined), by id; a
/// step that cannot be read is left out.
fn steps_at<D: ReadDoc>(doc: &D, path: &[&str]) -> Vec<Step> {
    let mut objs = vec![automerge::ROOT];
    for (i, key) in path.iter().enumerate() {
        let kind = if i + 1 == path.len() {
            ObjType::List
        } else {
            ObjType::Map
        };
        objs = objs
            .iter()
            .flat_map(|o| all_objs(doc, o, key, kind))
            .collect();
    }
    let mut by_id = BTreeMap::new();
    for list in objs {
        for i in 0..doc.length(&list) {
            if let Ok(Some((Value::Object(ObjType::Map), step))) = doc.get(&list, i)
                && let Some(s) = read_step(doc, &step)
            {
                by_id.entry(s.id.clone()).or_insert(s);
            }
        }
    }
    by_id.into_values().collect()
}

/// The unit's steps for `period` in its progress document.
pub fn unit_steps<D: ReadDoc>(progress: &D, period: PeriodKind) -> Vec<Step> {
    steps_at(progress, &[UNIT_KEY, period.as_str()])
}

/// The units the office has taken steps on in the plan document (under every conflicting
/// value of the root key), in order.
pub fn office_units<D: ReadDoc>(plan: &D) -> Vec<String> {
    let mut units: Vec<String> = all_objs(plan, &automerge::ROOT, OFFICE_KEY, ObjType::Map)
        .iter()
        .flat_map(|o| plan.keys(o).collect::<Vec<_>>())
        .collect();
    units.sort();
    units.dedup();
    units
}

/// The office's steps on `unit`'s report for `period` in the plan document.
pub fn office_steps<D: ReadDoc>(plan: &D, unit_id: &str, period: PeriodKind) -> Vec<Step> {
    steps_at(plan, &[OFFICE_KEY, unit_id, period.as_str()])
}

fn append(tx: &mut impl Transactable, path: &[&str], step: &Step) -> Result<(), Error> {
    let mut obj = automerge::ROOT;
    for (i, key) in path.iter().enumerate() {
        let kind = if i + 1 == path.len() {
            ObjType::List
        } else {
            ObjType::Map
        };
        obj = child(tx, &obj, key, kind)?;
    }
    let at = tx.length(&obj);
    let m = tx.insert_object(&obj, at, ObjType::Map)?;
    tx.put(&m, "id", step.id.as_str())?;
    tx.put(&m, "action", step.action.as_str())?;
    tx.put(&m, "by", step.by.as_str())?;
    tx.put(&m, "role", step.role.as_str())?;
    tx.put(&m, "at", ScalarValue::Int(step.at))?;
    tx.put(&m, "skew", ScalarValue::Int(step.skew))?;
    let heads = tx.put_object(&m, "heads", ObjType::List)?;
    for (i, h) in step.heads.iter().enumerate() {
        tx.insert(&heads, i, h.as_str())?;
    }
    tx.put(&m, "on", step.on.as_str())?;
    tx.put(&m, "note", step.note.as_str())?;
    Ok(())
}

/// Records a unit's step (submit or approve) in its progress document.
pub fn record_unit_step(
    progress: &mut impl Transactable,
    period: PeriodKind,
    step: &Step,
) -> Result<(), Error> {
    if step.action.by_office() {
        return Err(Error::InvalidValue(format!(
            "{} là bước của văn phòng, không ghi vào báo cáo đơn vị",
            step.action.vi()
        )));
    }
    append(progress, &[UNIT_KEY, period.as_str()], step)
}

/// Records the office's step (accept or return) on `unit_id`'s report in the plan document.
pub fn record_office_step(
    plan: &mut impl Transactable,
    unit_id: &str,
    period: PeriodKind,
    step: &Step,
) -> Result<(), Error> {
    if !step.action.by_office() {
        return Err(Error::InvalidValue(format!(
            "{} là bước của đơn vị",
            step.action.vi()
        )));
    }
    append(plan, &[OFFICE_KEY, unit_id, period.as_str()], step)
}

/// Takes the unit's step `step` (submit or approve) in its progress document `doc`, as one
/// change authored by the step's user at its time. A submission names the document's heads as
/// they were just before it (`step.heads` is filled here).
pub fn take_unit_step(
    doc: &mut automerge::Automerge,
    period: PeriodKind,
    mut step: Step,
) -> Result<Step, Error> {
    if step.action == Action::Submit {
        step.heads = doc.get_heads().iter().map(|h| h.to_string()).collect();
    }
    doc.set_author(Some(crate::model::doc::author_for(&step.by)));
    let mut tx = doc.transaction();
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Progress)?;
    record_unit_step(&mut tx, period, &step)?;
    tx.commit_with(crate::model::doc::commit_options(
        crate::model::doc::UnixTime(step.at.div_euclid(1000)),
    ));
    Ok(step)
}

/// Takes the office's step `step` (accept or return) on `unit_id`'s report in the plan document
/// `doc`, as one change authored by the step's user at its time.
pub fn take_office_step(
    doc: &mut automerge::Automerge,
    unit_id: &str,
    period: PeriodKind,
    step: &Step,
) -> Result<(), Error> {
    doc.set_author(Some(crate::model::doc::author_for(&step.by)));
    let mut tx = doc.transaction();
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Plan)?;
    record_office_step(&mut tx, unit_id, period, step)?;
    tx.commit_with(crate::model::doc::commit_options(
        crate::model::doc::UnixTime(step.at.div_euclid(1000)),
    ));
    Ok(())
}

/// Every step in a progress document (`office: false`, any period) or a plan document
/// (`office: true`, any unit and period): what the server compares before and after a change
/// arrives.
pub fn all_steps<D: ReadDoc>(doc: &D, office: bool) -> Vec<Step> {
    if !office {
        return PeriodKind::ALL
            .into_iter()
            .flat_map(|p| unit_steps(doc, p))
            .collect();
    }
    let mut units: Vec<String> = all_objs(doc, &automerge::ROOT, OFFICE_KEY, ObjType::Map)
        .iter()
        .flat_map(|o| doc.keys(o).collect::<Vec<_>>())
        .collect();
    units.sort();
    units.dedup();
    units
        .iter()
        .flat_map(|u| {
            PeriodKind::ALL
                .into_iter()
                .flat_map(move |p| office_steps(doc, u, p))
        })
        .collect()
}

/// The changes each step of `doc` was written by ([`all_steps`]'s steps, by id): the change that
/// made the step's map and those that wrote each of its fields (conflicting values too) and the
/// items of its `heads`. A step counts only if every one of these was delivered by its author
/// (the server's attested record), so the map itself is the unit of authorship: nothing another
/// change wrote into it can pass as the author's.
pub fn step_origins(
    doc: &automerge::Automerge,
    office: bool,
) -> BTreeMap<String, Vec<automerge::ChangeHash>> {
    let mut lists: Vec<ObjId> = Vec::new();
    let roots = all_objs(
        doc,
        &automerge::ROOT,
        if office { OFFICE_KEY } else { UNIT_KEY },
        ObjType::Map,
    );
    let period_maps: Vec<ObjId> = if office {
        roots
            .iter()
            .flat_map(|o| {
                doc.keys(o)
                    .flat_map(|u| all_objs(doc, o, &u, ObjType::Map))
                    .collect::<Vec<_>>()
            })
            .collect()
    } else {
        roots
    };
    for m in &period_maps {
        for p in PeriodKind::ALL {
            lists.extend(all_objs(doc, m, p.as_str(), ObjType::List));
        }
    }
    let mut out: BTreeMap<String, Vec<automerge::ChangeHash>> = BTreeMap::new();
    for list in lists {
        for i in 0..doc.length(&list) {
            for (v, step) in doc.get_all(&list, i).unwrap_or_default() {
                if !matches!(v, Value::Object(ObjType::Map)) {
                    continue;
                }
                let Some(id) = text_of(doc, &step, "id") else {
                    continue;
                };
                let mut ops = vec![step.clone()];
                for key in doc.keys(&step).collect::<Vec<_>>() {
                    for (v, op) in doc.get_all(&step, key.as_str()).unwrap_or_default() {
                        if let Value::Object(_) = v {
                            for j in 0..doc.length(&op) {
                                ops.extend(
                                    doc.get_all(&op, j)
                                        .unwrap_or_default()
                                        .into_iter()
                                        .map(|(_, o)| o),
                                );
                            }
                        }
                        ops.push(op);
                    }
                }
                let hashes = out.entry(id).or_default();
                for op in ops {
                    if let Some(h) = doc.hash_for_opid(&op)
                        && !hashes.contains(&h)
                    {
                        hashes.push(h);
                    }
                }
            }
        }
    }
    out
}

/// Every step of `doc` ([`all_steps`]) with where it is: its period (`"q1"`) in a progress
/// document, its unit and period (`"unit/q1"`) in the plan. The same id in two places is two
/// steps: the gate compares steps by place and id, so one added elsewhere under a taken id is
/// judged as new (and refused: ids are unique in a document).
pub fn located_steps<D: ReadDoc>(doc: &D, office: bool) -> Vec<(String, Step)> {
    if !office {
        return PeriodKind::ALL
            .into_iter()
            .flat_map(|p| {
                unit_steps(doc, p)
                    .into_iter()
                    .map(move |s| (p.as_str().to_string(), s))
            })
            .collect();
    }
    office_units(doc)
        .iter()
        .flat_map(|u| {
            PeriodKind::ALL.into_iter().flat_map(move |p| {
                office_steps(doc, u, p)
                    .into_iter()
                    .map(move |s| (format!("{u}/{}", p.as_str()), s))
            })
        })
        .collect()
}

/// The progress document as a submission covering `heads` saw it (what the report uses).
pub fn submitted_view(
    progress: &automerge::Automerge,
    heads: &[String],
) -> Result<automerge::Automerge, Error> {
    let hashes = heads
        .iter()
        .map(|h| {
            h.parse::<automerge::ChangeHash>()
                .map_err(|_| Error::InvalidValue(format!("đầu phiên bản không hợp lệ: {h}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for h in &hashes {
        if progress.get_change_by_hash(h).is_none() {
            return Err(Error::InvalidValue(format!(
                "báo cáo đã gửi chưa về đủ: thiếu thay đổi {h}"
            )));
        }
    }
    Ok(progress.fork_at(&hashes)?)
}

// ---------------------------------------------------------------------------------------------
// The state.

/// Where a unit's period report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Soạn thảo: nothing sent (or a new draft after an accepted one).
    Draft,
    /// Đã gửi, waiting for the head.
    Submitted,
    /// Đã duyệt by the head, waiting for the office.
    Approved,
    /// Đã tiếp nhận by the office.
    Accepted,
    /// Trả lại: back with the office's note, to be corrected and sent again.
    Returned,
}

impl Phase {
    /// The word in the UI.
    pub fn vi(self) -> &'static str {
        match self {
            Phase::Draft => "Soạn thảo",
            Phase::Submitted => "Đã gửi",
            Phase::Approved => "Đã duyệt",
            Phase::Accepted => "Đã tiếp nhận",
            Phase::Returned => "Trả lại",
        }
    }

    /// A stable key for tests and styles.
    pub fn key(self) -> &'static str {
        match self {
            Phase::Draft => "draft",
            Phase::Submitted => "submitted",
            Phase::Approved => "approved",
            Phase::Accepted => "accepted",
            Phase::Returned => "returned",
        }
    }
}

/// A step as the state shows it: the step and its effective time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taken {
    /// The step.
    pub step: Step,
    /// When the server first received it (Unix ms), if known.
    pub received: Option<i64>,
    /// Its effective time ([`Step::effective`]; a submission the office vouched for, its
    /// claimed time).
    pub effective: i64,
    /// The device's time when earlier than the server's receipt ([`Step::claimed`]): "gửi trên
    /// máy lúc …, máy chủ nhận …".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed: Option<i64>,
}

/// A step that did not apply, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ignored {
    /// The step.
    pub step: Step,
    /// Why, in the UI's words.
    pub reason: String,
}

/// A unit's period report: its phase, the submission in play and the one accepted, the
/// returns with their notes, and every step in order (the history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportState {
    /// Where it stands.
    pub phase: Phase,
    /// The current submission (the latest, unless returned).
    pub submitted: Option<Taken>,
    /// The head's approval of the current submission.
    pub approved: Option<Taken>,
    /// The accepted submission (stays while a newer one waits).
    pub accepted: Option<Taken>,
    /// The office's acceptance of it.
    pub acceptance: Option<Taken>,
    /// Every return, oldest first.
    pub returns: Vec<Taken>,
    /// The first submission (for on-time: a report counts from when it was first sent).
    pub first_submitted: Option<Taken>,
    /// Every step that applied, in order.
    pub history: Vec<Taken>,
    /// Steps that did not apply.
    pub ignored: Vec<Ignored>,
}

impl ReportState {
    /// The submission a report should use: the accepted one, else the latest sent.
    pub fn for_report(&self) -> Option<&Taken> {
        self.accepted.as_ref().or(self.submitted.as_ref())
    }
}

/// The state of a unit's period report from its steps and the office's (see the module's "rule
/// of state"); `received` gives, by step id, when the server first got a step (Unix ms), where
/// known.
pub fn derive(unit: &[Step], office: &[Step], received: &BTreeMap<String, i64>) -> ReportState {
    // Submissions whose device time the office vouched for count from that time.
    let vouched: Vec<&str> = office
        .iter()
        .filter(|s| s.action == Action::Vouch)
        .filter(|s| s.role.parse().is_ok_and(|r| may_take(r, Action::Vouch)))
        .map(|s| s.on.as_str())
        .collect();
    let mut all: Vec<Taken> = unit
        .iter()
        .filter(|s| !s.action.by_office())
        .chain(office.iter().filter(|s| s.action.by_office()))
        .map(|s| {
            let r = received.get(&s.id).copied();
            let claimed = s.claimed(r);
            let effective = match claimed {
                Some(c) if s.action == Action::Submit && vouched.contains(&s.id.as_str()) => c,
                _ => s.effective(r),
            };
            Taken {
                step: s.clone(),
                received: r,
                effective,
                claimed,
            }
        })
        .collect();
    all.sort_by(|a, b| {
        (a.effective, a.step.action, &a.step.id).cmp(&(b.effective, b.step.action, &b.step.id))
    });
    let mut st = ReportState {
        phase: Phase::Draft,
        submitted: None,
        approved: None,
        accepted: None,
        acceptance: None,
        returns: Vec::new(),
        first_submitted: None,
        history: Vec::new(),
        ignored: Vec::new(),
    };
    for t in all {
        let role: Option<Role> = t.step.role.parse().ok();
        let allowed = role.is_some_and(|r| may_take(r, t.step.action));
        let current = st.submitted.as_ref().map(|s| s.step.id.as_str());
        let names_current = current == Some(t.step.on.as_str());
        let reason = match t.step.action {
            _ if !allowed => Some(format!(
                "vai trò {:?} không được {}",
                t.step.role,
                t.step.action.vi().to_lowercase()
            )),
            Action::Submit => None,
            // A voucher changes no phase; it names any submission, current or not.
            Action::Vouch => None,
            _ if !names_current => {
                Some("báo cáo này đã được thay bằng bản gửi khác hoặc đã trả lại".into())
            }
            Action::Approve if st.phase != Phase::Submitted => {
                Some(format!("báo cáo đang ở trạng thái {}", st.phase.vi()))
            }
            Action::SendBack if !matches!(st.phase, Phase::Submitted | Phase::Approved) => {
                Some(format!("báo cáo đang ở trạng thái {}", st.phase.vi()))
            }
            Action::Accept if st.phase != Phase::Approved => {
                Some(format!("báo cáo đang ở trạng thái {}", st.phase.vi()))
            }
            Action::Return
                if !matches!(
                    st.phase,
                    Phase::Submitted | Phase::Approved | Phase::Accepted
                ) =>
            {
                Some(format!("báo cáo đang ở trạng thái {}", st.phase.vi()))
            }
            _ => None,
        };
        if let Some(reason) = reason {
            st.ignored.push(Ignored {
                step: t.step,
                reason,
            });
            continue;
        }
        match t.step.action {
            Action::Submit => {
                if st.first_submitted.is_none() {
                    st.first_submitted = Some(t.clone());
                }
                st.submitted = Some(t.clone());
                if role == Some(Role::UnitHead) {
                    st.approved = Some(t.clone());
                    st.phase = Phase::Approved;
                } else {
                    st.approved = None;
                    st.phase = Phase::Submitted;
                }
            }
            Action::Approve => {
                st.approved = Some(t.clone());
                st.phase = Phase::Approved;
            }
            Action::Accept => {
                st.accepted = st.submitted.clone();
                st.acceptance = Some(t.clone());
                st.phase = Phase::Accepted;
            }
            Action::Vouch => {}
            Action::SendBack => {
                st.submitted = None;
                st.approved = None;
                st.returns.push(t.clone());
                st.phase = Phase::Returned;
            }
            Action::Return => {
                if st.accepted.as_ref().map(|a| a.step.id.as_str()) == Some(t.step.on.as_str()) {
                    st.accepted = None;
                    st.acceptance = None;
                }
                st.submitted = None;
                st.approved = None;
                st.returns.push(t.clone());
                st.phase = Phase::Returned;
            }
        }
        st.history.push(t);
    }
    // A newer submission pending over an accepted one shows as that submission's phase; with
    // none pending, the accepted one stands.
    if st.phase == Phase::Returned && st.accepted.is_some() {
        st.phase = Phase::Accepted;
    }
    st
}

// ---------------------------------------------------------------------------------------------
// Deadlines and reminders.

/// A period's deadlines: the units' to the office (the plan's own, part III) and the agency's
/// to the province (Công văn 581/BNV-CCHC: the 20th of the period's last month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    /// The period.
    pub period: PeriodKind,
    /// Units report to the office by this day.
    pub unit: Date,
    /// The agency reports to the province by this day.
    pub agency: Date,
}

/// The last month of a period.
fn last_month(period: PeriodKind) -> u32 {
    match period {
        PeriodKind::Q1 => 3,
        PeriodKind::H1 => 6,
        PeriodKind::Q3 => 9,
        PeriodKind::Year => 12,
    }
}

/// The deadlines of `period` in `plan`: the unit deadline is the plan's for the period, or (when
/// the plan names none) the agency's less five days; `None` when the plan's year is unknown.
pub fn deadlines(plan: &crate::model::Plan, period: PeriodKind) -> Option<Deadlines> {
    deadlines_with(plan, period, &Configured::default())
}

/// [`deadlines`] with the office's own settings for the period where it made any.
pub fn deadlines_with(
    plan: &crate::model::Plan,
    period: PeriodKind,
    configured: &Configured,
) -> Option<Deadlines> {
    let year = plan.effective_year()?;
    let agency = configured
        .agency
        .or_else(|| Date::from_dmy(20, last_month(period), year).ok())?;
    let unit = configured
        .unit
        .or_else(|| plan.period(period).map(|p| p.deadline))
        .unwrap_or_else(|| agency.add_days(-5));
    Some(Deadlines {
        period,
        unit,
        agency,
    })
}

/// Deadlines the office configured for a period (a province may set earlier ones than the
/// plan's or the regime's), kept in the plan document under `report_deadlines` → period →
/// `unit` / `agency` (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configured {
    /// The units' deadline to the office, if set.
    pub unit: Option<Date>,
    /// The agency's deadline to the province, if set.
    pub agency: Option<Date>,
}

/// The root key of the configured deadlines in the plan document.
pub const DEADLINES_KEY: &str = "report_deadlines";

/// The deadlines configured for `period` in the plan document (none where unset or unreadable).
pub fn configured<D: ReadDoc>(plan: &D, period: PeriodKind) -> Configured {
    let Some(p) = all_objs(plan, &automerge::ROOT, DEADLINES_KEY, ObjType::Map)
        .into_iter()
        .find_map(|m| {
            all_objs(plan, &m, period.as_str(), ObjType::Map)
                .into_iter()
                .next()
        })
    else {
        return Configured::default();
    };
    let day = |key: &str| text_of(plan, &p, key).and_then(|t| t.parse::<Date>().ok());
    Configured {
        unit: day("unit"),
        agency: day("agency"),
    }
}

/// Keeps `set` as the configured deadlines of `period`, as one change by `author` made `at`
/// (an unset one is removed: the plan's or the regime's applies again).
pub fn configure(
    plan: &mut automerge::Automerge,
    author: &str,
    at: crate::model::doc::UnixTime,
    period: PeriodKind,
    set: &Configured,
) -> Result<(), Error> {
    plan.set_author(Some(crate::model::doc::author_for(author)));
    let mut tx = plan.transaction();
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Plan)?;
    let root = child(&mut tx, &automerge::ROOT, DEADLINES_KEY, ObjType::Map)?;
    let p = child(&mut tx, &root, period.as_str(), ObjType::Map)?;
    for (key, value) in [("unit", set.unit), ("agency", set.agency)] {
        match value {
            Some(d) => tx.put(&p, key, d.to_string())?,
            None if tx.get(&p, key)?.is_some() => tx.delete(&p, key)?,
            None => {}
        }
    }
    tx.commit_with(crate::model::doc::commit_options(at));
    Ok(())
}

/// The data window of `period` in `year` (Công văn 581/BNV-CCHC): Q1 15/12–14/3, 6 tháng
/// 15/12–14/6, Q3 15/6–14/9, năm 15/12–14/12, each from the 15/12 of the year before where it
/// says so. Both days included.
pub fn data_window(period: PeriodKind, year: i32) -> (Date, Date) {
    let d = |day, month, y| Date::from_dmy(day, month, y).expect("a real day");
    match period {
        PeriodKind::Q1 => (d(15, 12, year - 1), d(14, 3, year)),
        PeriodKind::H1 => (d(15, 12, year - 1), d(14, 6, year)),
        PeriodKind::Q3 => (d(15, 6, year), d(14, 9, year)),
        PeriodKind::Year => (d(15, 12, year - 1), d(14, 12, year)),
    }
}

/// The stretch after `period` until the next report's cut-off (what part 4 of the report, the
/// tasks ahead, covers): Q1 → 15/3–14/6, 6 tháng → 15/6–14/9, Q3 → 15/9–14/12, năm → the next
/// year's first quarter.
pub fn next_window(period: PeriodKind, year: i32) -> (Date, Date) {
    let d = |day, month, y| Date::from_dmy(day, month, y).expect("a real day");
    match period {
        PeriodKind::Q1 => (d(15, 3, year), d(14, 6, year)),
        PeriodKind::H1 => (d(15, 6, year), d(14, 9, year)),
        PeriodKind::Q3 => (d(15, 9, year), d(14, 12, year)),
        PeriodKind::Year => (d(15, 12, year), d(14, 3, year + 1)),
    }
}

/// Whether a report first sent at `effective` (Unix ms) is on time for `deadline` (the whole
/// deadline day counts, in Vietnam's time).
pub fn on_time(effective: i64, deadline: Date) -> bool {
    Date::from_unix_millis_vn(effective).is_some_and(|d| d <= deadline)
}

/// A reminder of a unit deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reminder {
    /// `n` days before the deadline (7, 3 or 1).
    DaysBefore(u8),
    /// The deadline has passed and nothing was sent.
    Overdue,
}

impl Reminder {
    /// The reminder's text for `period` due on `deadline`.
    pub fn text(self, period_name: &str, deadline: Date) -> String {
        match self {
            Reminder::DaysBefore(n) => format!(
                "Còn {n} ngày đến hạn gửi {period_name} (hạn {})",
                deadline.vi()
            ),
            Reminder::Overdue => format!("Đã quá hạn gửi {period_name} (hạn {})", deadline.vi()),
        }
    }
}

/// The days before a deadline a reminder is due.
pub const REMIND_DAYS: [u8; 3] = [7, 3, 1];

/// The reminders of a deadline and the day each falls on: 7, 3 and 1 days before, and the day
/// after (overdue).
pub fn reminder_schedule(deadline: Date) -> Vec<(Date, Reminder)> {
    REMIND_DAYS
        .iter()
        .map(|&n| (deadline.add_days(-i64::from(n)), Reminder::DaysBefore(n)))
        .chain(std::iter::once((deadline.add_days(1), Reminder::Overdue)))
        .collect()
}

/// The reminder that stands on `today` for a report due on `deadline`, if it is not sent yet:
/// the latest one whose day has come (so a tablet that was off on the 7-day mark shows the
/// 3-day one when it is time, and "overdue" every day after the deadline).
pub fn reminder_on(today: Date, deadline: Date, sent: bool) -> Option<Reminder> {
    if sent {
        return None;
    }
    reminder_schedule(deadline)
        .into_iter()
        .filter(|(day, _)| *day <= today)
        .map(|(_, r)| r)
        .next_back()
}

#[cfg(test)]
mod tests;
