//! The unit's part of the PAR index on one plan's documents: the criteria sets synced to the
//! device (documents the server alone writes, kept in IndexedDB like the others, so the tablet
//! scores without a link) and its sheet in its own progress document
//! ([`tiendo_shared::model::assessment::sheet`]): read into the snapshot, written one
//! sub-criterion at a time as this user, conflicts settled.
//!
//! Stage: *local documents*, the PAR index's half of [`PlanDocs`].

use std::collections::BTreeMap;
use std::time::Duration;

use samod::DocHandle;
use tiendo_shared::api::Me;
use tiendo_shared::model::DocKind;
use tiendo_shared::model::assessment::{SheetEntry, sheet};
use tiendo_shared::model::criteria::CriteriaSet;
use tiendo_shared::model::doc;

use super::PlanDocs;
use crate::error::ClientError;
use crate::infra::browser::{self, now};
use crate::infra::session::Session;
use crate::view_model::par::unit::ParSheet;

/// How long opening a plan waits for a criteria set this device does not hold, with a link (the
/// plan's own documents are asked for meanwhile, so this only adds time on a slow link).
const CRITERIA_PATIENCE: Duration = Duration::from_secs(10);
/// The same without a link: samod waits for a peer that is not there; the tab says a link is
/// needed once, and a later opening finds the set stored.
const CRITERIA_PATIENCE_OFFLINE: Duration = Duration::from_secs(1);

/// The criteria sets a unit member scores against, found on the device or asked of the server
/// (the others read the assessment from the server, online).
pub(super) async fn open_criteria(session: &Session, me: &Me) -> Vec<DocHandle> {
    if !me.user.role.is_unit_member() {
        return Vec::new();
    }
    let patience = if browser::online() {
        CRITERIA_PATIENCE
    } else {
        CRITERIA_PATIENCE_OFFLINE
    };
    let found = me
        .par_documents
        .iter()
        .filter(|d| d.kind == DocKind::Criteria)
        .map(|d| session.find_within(&d.doc_id, patience));
    futures::future::join_all(found)
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// A criteria set as read at its heads (`None`: it did not read).
pub(super) type CriteriaRead = (Vec<automerge::ChangeHash>, Option<CriteriaSet>);

impl PlanDocs {
    /// A criteria set's model, hydrated only when its heads moved since the last read.
    fn read_criteria(&self, h: &DocHandle) -> Option<CriteriaSet> {
        let mut reads = self.criteria_reads.borrow_mut();
        let heads = h.with_document(|d| d.get_heads());
        if let Some((seen, read)) = reads.get(h.document_id())
            && *seen == heads
        {
            return read.clone();
        }
        let read = h.with_document(|d| doc::read::<CriteriaSet, _>(d).ok());
        reads.insert(h.document_id().clone(), (heads, read.clone()));
        read
    }

    /// The unit's PAR sheet as its documents hold it now.
    pub(super) fn par_sheet(&self) -> ParSheet {
        let sets: Vec<CriteriaSet> = self
            .criteria
            .iter()
            .filter_map(|h| self.read_criteria(h))
            .collect();
        let Some(progress) = &self.progress else {
            return ParSheet {
                sets,
                ..ParSheet::default()
            };
        };
        progress.with_document(|d| {
            let (entries, _) = sheet::read(d);
            let conflicts: BTreeMap<_, _> = entries
                .keys()
                .map(|code| (code.clone(), sheet::conflicts(d, code)))
                .filter(|(_, c)| !c.is_empty())
                .collect();
            ParSheet {
                sets,
                entries,
                assigned: sheet::assigned(d),
                conflicts,
            }
        })
    }

    /// Changes the unit's part of sub-criterion `code` through `f`, from what the document holds
    /// now (a field changed meanwhile, by sync or an upload finishing, is kept), as one change by
    /// this user that writes only the fields `f` changed (offline too).
    pub fn edit_sheet(
        &self,
        code: &str,
        f: impl FnOnce(&mut SheetEntry),
    ) -> Result<(), ClientError> {
        self.change_progress(|d, author| {
            let mut entry = sheet::read(d).0.remove(code).unwrap_or_default();
            f(&mut entry);
            sheet::write(d, code, &entry, author, now())
        })
    }

    /// Keeps value `choice` of `code`'s conflicting `field`, as this user's change.
    pub fn resolve_sheet(&self, code: &str, field: &str, choice: usize) -> Result<(), ClientError> {
        self.change_progress(|d, author| sheet::resolve(d, code, field, choice, author, now()))
    }
}
