//! The documents of one plan as this user has them: the plan, its organisation, the unit's own
//! progress (writable) and, for the central office and the province, every unit's. Reopened on a
//! plan switch; the [`super::session::Session`] they come from stays.
//!
//! Stage: *local documents*. Forms edit through here ([`PlanDocs::edit_entry`],
//! [`PlanDocs::edit_plan`]), each edit one Automerge change authored by the user and listed as
//! this device's own until the server confirms it ([`super::pending`]). Reads go out as one
//! [`Snapshot`] per change ([`PlanDocs::snapshot`], [`PlanDocs::subscribe`]), so the screens never
//! hydrate a document while rendering.

use std::cell::RefCell;
use std::collections::HashMap;

use futures::StreamExt;
use samod::{DocHandle, DocumentId};
use tiendo_shared::api::Me;
use tiendo_shared::model::{Agency, DocKind, Org, Plan, Progress, doc};
#[cfg(feature = "office")]
use tiendo_shared::workflow;

use super::browser::now;
use super::pending::edit_own;
use super::session::Session;
use super::tasks::Tasks;
use crate::error::ClientError;
use crate::view_model::workspace::Snapshot;

mod par;
mod reporting;

/// A progress document as read at its heads (`None`: it did not read).
type Read = (Vec<automerge::ChangeHash>, Option<Progress>);

/// The handles of one plan's documents.
pub struct PlanDocs {
    plan: DocHandle,
    org: DocHandle,
    /// The unit's progress (writable), if the user has a unit.
    progress: Option<DocHandle>,
    /// Every progress document the user may read, with its unit, for the merged status
    /// computed on the device.
    all_progress: Vec<(String, DocHandle)>,
    /// The PAR index's criteria sets a unit scores against ([`par`]).
    criteria: Vec<DocHandle>,
    /// Each criteria set as last read, by its heads (a set changes rarely; the sheet often).
    criteria_reads: RefCell<HashMap<DocumentId, par::CriteriaRead>>,
    /// The plan's id (not its document's).
    pub plan_id: String,
    /// The user may amend the plan (the agency's central office, a system administrator).
    pub plan_writable: bool,
    /// Who is signed in.
    pub me: Me,
    /// Each progress document as last read, by its heads: a change to one unit's document
    /// re-reads that document only, not every unit's.
    progress_reads: RefCell<HashMap<DocumentId, Read>>,
}

impl PlanDocs {
    /// Opens the user's documents of plan `plan_id` (falling back to the user's first plan).
    pub(super) async fn open(session: &Session, plan_id: &str) -> Result<PlanDocs, ClientError> {
        let me = &session.me();
        let wanted = me
            .plan_documents(plan_id)
            .map_err(|e| ClientError::Document(e.into()))?;
        let plan_key = wanted.plan.plan_id.clone().unwrap_or_default();
        let plan_writable = me.may_write(&wanted.plan.doc_id);
        // Asked for together: on a first visit each one is a round trip to the server, and on a
        // weak link a round trip is over half a second.
        let (plan, org, progress, criteria) = futures::join!(
            session.find(&wanted.plan.doc_id),
            session.find(&wanted.org.doc_id),
            async {
                match wanted.own_progress {
                    Some(d) => session.find(&d.doc_id).await.map(Some),
                    None => Ok(None),
                }
            },
            par::open_criteria(session, me)
        );
        let (plan, org, progress) = (plan?, org?, progress?);
        let own = wanted.own_progress.map(|d| d.doc_id.as_str());
        let found = futures::future::join_all(wanted.all_progress.iter().map(|d| async {
            let unit = d.unit_id.clone().unwrap_or_default();
            if Some(d.doc_id.as_str()) == own {
                progress.clone().map(|h| (unit, h))
            } else {
                session.find(&d.doc_id).await.ok().map(|h| (unit, h))
            }
        }))
        .await;
        let all_progress: Vec<_> = found.into_iter().flatten().collect();
        Ok(PlanDocs {
            plan,
            org,
            progress,
            all_progress,
            criteria,
            criteria_reads: RefCell::new(HashMap::new()),
            plan_id: plan_key,
            plan_writable,
            me: me.clone(),
            progress_reads: RefCell::new(HashMap::new()),
        })
    }

    /// Every handle, for change subscriptions.
    fn handles(&self) -> impl Iterator<Item = &DocHandle> {
        [Some(&self.plan), Some(&self.org), self.progress.as_ref()]
            .into_iter()
            .flatten()
            .chain(self.all_progress.iter().map(|(_, h)| h))
            .chain(self.criteria.iter())
    }

    /// The id of the unit's own progress document, if the user has a unit.
    pub fn own_progress_id(&self) -> Option<String> {
        self.progress.as_ref().map(|h| h.document_id().to_string())
    }

    /// The documents this user writes (the unit's progress; the plan and the organisation for
    /// its central office).
    pub(super) fn writable(&self) -> impl Iterator<Item = &DocHandle> {
        self.progress
            .iter()
            .chain(self.plan_writable.then_some(&self.plan))
            .chain(self.org_writable().then_some(&self.org))
    }

    /// The user may change the organisation (the agency's central office, a system
    /// administrator).
    pub fn org_writable(&self) -> bool {
        self.me.may_write(&self.org.document_id().to_string())
    }

    #[cfg(feature = "office")]
    /// Records an organisation change of the user's agency from `on`, as this user, now: one
    /// change of the organisation document, made offline as well as online
    /// ([`tiendo_shared::model::lineage::record`]).
    pub fn record_org_change(
        &self,
        op: &tiendo_shared::model::lineage::Operation,
        on: tiendo_shared::model::Date,
        basis: tiendo_shared::model::lineage::Basis,
    ) -> Result<tiendo_shared::model::lineage::OrgChange, ClientError> {
        if !self.org_writable() {
            return Err(ClientError::NotAllowed(
                "tài khoản này không được thay đổi tổ chức".into(),
            ));
        }
        let agency = self
            .me
            .user
            .agency_id
            .clone()
            .or_else(|| self.agency().ok().map(|a| a.id))
            .ok_or_else(|| ClientError::Document("không rõ cơ quan".into()))?;
        let at = js_sys::Date::now() as i64;
        let by = self.me.user.username.clone();
        let rec = tiendo_shared::model::lineage::Recorded {
            id: workflow::step_id(
                &by,
                at,
                (js_sys::Math::random() * f64::from(u32::MAX)) as u32,
            ),
            by,
            at,
        };
        edit_own(&self.org, |d| {
            tiendo_shared::model::lineage::record(d, &agency, op, on, basis, &rec)
        })
        .map_err(ClientError::document)
    }

    /// Everything the screens read, read once.
    pub fn snapshot(&self) -> Snapshot {
        let plan = self
            .plan
            .with_document(|d| doc::read::<Plan, _>(d))
            .map_err(ClientError::document);
        let agency = self.agency();
        let progress = self.progress.as_ref().and_then(|h| self.read_progress(h));
        let mut all_progress = Vec::new();
        let mut unreadable = 0;
        for (_, h) in &self.all_progress {
            match self.read_progress(h) {
                Some(p) => all_progress.push(p),
                None => unreadable += 1,
            }
        }
        let reporting = std::rc::Rc::new(self.reporting(agency.as_ref().ok()));
        Snapshot {
            par: std::rc::Rc::new(self.par_sheet()),
            reporting,
            revision: 0,
            plan,
            agency,
            progress,
            all_progress,
            unreadable,
            newer_version: self.newer_version(),
            plan_id: self.plan_id.clone(),
            plan_writable: self.plan_writable,
            merged: !self.me.user.role.is_unit_member() && !self.all_progress.is_empty(),
        }
    }

    /// A progress document's model (`None`: it does not read), hydrated only when its heads
    /// moved since the last read.
    fn read_progress(&self, h: &DocHandle) -> Option<Progress> {
        let mut reads = self.progress_reads.borrow_mut();
        let heads = h.with_document(|d| d.get_heads());
        if let Some((seen, read)) = reads.get(h.document_id())
            && *seen == heads
        {
            return read.clone();
        }
        let read = h.with_document(|d| doc::read::<Progress, _>(d).ok());
        reads.insert(h.document_id().clone(), (heads, read.clone()));
        read
    }

    fn agency(&self) -> Result<Agency, ClientError> {
        let org: Org = self
            .org
            .with_document(|d| doc::read(d))
            .map_err(ClientError::document)?;
        let id = self
            .me
            .user
            .agency_id
            .clone()
            .or_else(|| org.agencies.first().map(|a| a.id.clone()));
        id.and_then(|id| org.agency(&id).cloned())
            .ok_or_else(|| ClientError::Document("không tìm thấy cơ quan".into()))
    }

    /// Whether a newer release wrote any of these documents.
    fn newer_version(&self) -> bool {
        let newer = |h: &DocHandle, kind: DocKind| {
            h.with_document(|d| tiendo_shared::model::schema::contract(d, kind).newer)
        };
        newer(&self.plan, DocKind::Plan)
            || newer(&self.org, DocKind::Org)
            || self
                .progress
                .iter()
                .chain(self.all_progress.iter().map(|(_, h)| h))
                .any(|h| newer(h, DocKind::Progress))
    }

    /// Calls `on_change` after documents change (a local edit or sync), once per burst of
    /// changes; stops when the returned subscription is dropped.
    pub fn subscribe(&self, on_change: impl Fn() + 'static) -> Subscription {
        let mut tasks = Tasks::default();
        let changed = tasks.coalesce(on_change);
        for handle in self.handles() {
            let mut changes = handle.changes();
            let changed = changed.clone();
            tasks.spawn(async move {
                while changes.next().await.is_some() {
                    changed();
                }
            });
        }
        tasks
    }

    /// Fields of the unit's report on `task_id` that hold concurrent values.
    pub fn conflicts(
        &self,
        task_id: &str,
        period: tiendo_shared::model::PeriodKind,
    ) -> Vec<tiendo_shared::model::progress::FieldConflict> {
        self.progress
            .as_ref()
            .map(|h| {
                h.with_document(|d| tiendo_shared::model::progress::conflicts(d, task_id, period))
            })
            .unwrap_or_default()
    }

    /// Keeps value `choice` of a conflicting field, as this user's change.
    pub fn resolve(
        &self,
        task_id: &str,
        period: tiendo_shared::model::PeriodKind,
        field: &str,
        choice: usize,
    ) -> Result<(), ClientError> {
        self.change_progress(|d, author| {
            tiendo_shared::model::progress::resolve(
                d,
                task_id,
                period,
                field,
                choice,
                author,
                now(),
            )
        })
    }

    /// Changes one entry of the unit's progress (task `task_id`, `period`) through `f`, as one
    /// change by this user that reads and writes only that entry.
    pub fn edit_entry(
        &self,
        task_id: &str,
        period: tiendo_shared::model::PeriodKind,
        f: impl FnOnce(&mut tiendo_shared::model::Entry),
    ) -> Result<(), ClientError> {
        // A task passed on by a merged unit starts from the entry it carried.
        let start = self.carried_entry(task_id, period).unwrap_or_default();
        self.change_progress(|d, author| {
            tiendo_shared::model::progress::edit_entry_from(
                d,
                author,
                now(),
                task_id,
                period,
                start,
                f,
            )
        })
    }

    /// The entry of `task_id` for `period` that a predecessor's document carries to this unit
    /// today ([`tiendo_shared::model::lineage::fold`]), when the unit's own document has none.
    fn carried_entry(
        &self,
        task_id: &str,
        period: tiendo_shared::model::PeriodKind,
    ) -> Option<tiendo_shared::model::Entry> {
        if !self.me.user.role.is_unit_member() || self.all_progress.is_empty() {
            return None;
        }
        let own = self.progress.as_ref().and_then(|h| self.read_progress(h))?;
        let mut docs = vec![own];
        docs.extend(
            self.all_progress
                .iter()
                .filter_map(|(_, h)| self.read_progress(h)),
        );
        let folded = tiendo_shared::model::lineage::fold(
            &self.agency().ok()?,
            &docs,
            super::browser::today(),
        );
        folded
            .first()
            .and_then(|p| p.entry(task_id, period).cloned())
    }

    /// Refused unless the user may write the plan document.
    fn may_write_plan(&self) -> Result<(), ClientError> {
        if self.plan_writable {
            Ok(())
        } else {
            let why = "tài khoản này không ghi được kế hoạch";
            Err(ClientError::NotAllowed(why.into()))
        }
    }

    /// The unit's own progress document (none: the account belongs to no unit).
    fn own_progress(&self) -> Result<&DocHandle, ClientError> {
        let why = "tài khoản không gắn với đơn vị";
        (self.progress.as_ref()).ok_or_else(|| ClientError::NotAllowed(why.into()))
    }

    fn change_progress<E: std::fmt::Display>(
        &self,
        f: impl FnOnce(&mut automerge::Automerge, &str) -> Result<(), E>,
    ) -> Result<(), ClientError> {
        let handle = self.own_progress()?;
        let author = self.me.user.username.clone();
        edit_own(handle, |d| f(d, &author)).map_err(ClientError::document)
    }

    #[cfg(feature = "office")]
    /// Amends the plan through `f` as one change by this user (central office only; the server
    /// refuses the change from anyone else).
    pub fn edit_plan<R>(
        &self,
        f: impl FnOnce(&mut Plan) -> Result<R, tiendo_shared::model::Error>,
    ) -> Result<R, ClientError> {
        if !self.plan_writable {
            return Err(ClientError::NotAllowed(
                "tài khoản này không được sửa kế hoạch".into(),
            ));
        }
        let author = self.me.user.username.clone();
        let result = edit_own(&self.plan, |d| {
            // Checked on a copy first: a refused draft writes nothing.
            let mut plan: Plan = doc::read(d)?;
            let out = f(&mut plan)?;
            doc::update::<Plan, _>(d, &author, now(), |p| *p = plan)?;
            Ok::<R, tiendo_shared::model::Error>(out)
        });
        result.map_err(ClientError::document)
    }

    #[cfg(feature = "office")]
    /// The progress documents a task's timeline reads, with their units: every readable unit's,
    /// or the unit's own.
    fn timeline_progress(&self) -> Vec<(&String, &DocHandle)> {
        let mut docs: Vec<(&String, &DocHandle)> =
            self.all_progress.iter().map(|(u, h)| (u, h)).collect();
        if docs.is_empty()
            && let (Some(h), Some(u)) = (&self.progress, &self.me.user.unit_id)
        {
            docs.push((u, h));
        }
        docs
    }

    #[cfg(feature = "office")]
    /// The ids of the documents a task's timeline reads (the plan's and the progress
    /// documents'), whose attested records it shows.
    pub fn timeline_documents(&self) -> Vec<String> {
        std::iter::once(&self.plan)
            .chain(self.timeline_progress().into_iter().map(|(_, h)| h))
            .map(|h| h.document_id().to_string())
            .collect()
    }

    #[cfg(feature = "office")]
    /// The task's timeline: every readable unit's progress changes on it and the plan's
    /// changes to it, newest first, with who delivered each change and when as far as the
    /// server's record is known here ([`super::attested`]).
    pub fn timeline(&self, task_id: &str) -> Vec<tiendo_shared::views::history::Event> {
        let plan = self.plan.with_document(|d| d.clone());
        let progress = self.timeline_progress();
        let docs: Vec<(&String, automerge::Automerge)> = progress
            .iter()
            .map(|(u, h)| (*u, h.with_document(|d| d.clone())))
            .collect();
        let events = tiendo_shared::views::history::task_timeline(
            Some(&plan),
            docs.iter().map(|(u, d)| (u.as_str(), d)),
            task_id,
        );
        super::attested::attest(events, |held_in| {
            match held_in {
                None => Some(&self.plan),
                Some(unit) => progress.iter().find(|(u, _)| *u == unit).map(|(_, h)| *h),
            }
            .map(|h| h.document_id().to_string())
        })
    }
}

/// Keeps [`PlanDocs::subscribe`] listening until dropped.
pub type Subscription = Tasks;
