//! The reporting workflow of a unit's period report: the unit submits (an editor or its head),
//! the head approves, the central office accepts or returns it with a note — each step an
//! ordinary CRDT change, made offline as well as online.
//!
//! Stage: *model* beside [`crate::model::progress`], and *view* (the state each screen shows is
//! derived here, the same on the tablet, the office and the server).
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
//! ## The rule of state ([`derive`](fn@derive))
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

use serde::{Deserialize, Serialize};

use crate::model::Error;
use crate::model::role::Role;

mod deadlines;
mod store;

pub use deadlines::*;
pub use store::*;

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

#[cfg(test)]
mod tests;
