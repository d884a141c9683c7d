//! The workspace's state: what the screens read of one plan's documents (a [`Snapshot`], read
//! once per change) and where sync stands, as a Yew [`Reducible`].
//!
//! Stage: *view model*, pure. The documents are read into a snapshot by
//! `infra::plan_docs::PlanDocs::snapshot` when they change, never while rendering; each snapshot
//! gets the next [`Snapshot::revision`], which is what the screens memoize their computations on
//! (the status summary, the task list).

use std::rc::Rc;

use tiendo_shared::model::{Agency, Plan, Progress};
use yew::Reducible;

use crate::error::ClientError;

/// Where sync stands, for the indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncState {
    /// The socket is up.
    pub connected: bool,
    /// Local edits the server has not confirmed yet.
    pub unconfirmed: usize,
    /// Evidence files kept on this device and not uploaded yet.
    pub files_pending: usize,
    /// Counts the changes of the files' states (an upload's progress), so each shows.
    pub files_revision: u64,
}

/// One plan's documents as read after their last change.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Counts the snapshots of this workspace: equal revisions, equal content.
    pub revision: u64,
    /// The plan, or why it cannot be read.
    pub plan: Result<Plan, ClientError>,
    /// The user's agency from the organisation document, or why not.
    pub agency: Result<Agency, ClientError>,
    /// The unit's own progress, if the user has a unit and it reads.
    pub progress: Option<Progress>,
    /// Every readable unit's progress the user may see (the merged status's input).
    pub all_progress: Vec<Progress>,
    /// Progress documents that could not be read at all.
    pub unreadable: usize,
    /// A newer release wrote one of the documents ("Có phiên bản mới — tải lại").
    pub newer_version: bool,
    /// The plan's id.
    pub plan_id: String,
    /// The user may amend the plan.
    pub plan_writable: bool,
    /// The user sees every unit's progress (the "Tổng hợp" tab).
    pub merged: bool,
    /// The reporting workflow's steps and the office's report texts.
    pub reporting: std::rc::Rc<super::reporting::Reporting>,
    /// The unit's PAR-index sheet and the criteria sets synced to the device.
    pub par: std::rc::Rc<super::par::unit::ParSheet>,
}

impl Snapshot {
    /// The unit's own progress and the other documents it reads (for a unit member: its
    /// predecessors', whose tasks passed to it), each unit once.
    pub fn unit_progress(&self) -> Vec<Progress> {
        let own = self.progress.iter().cloned();
        let others = self
            .all_progress
            .iter()
            .filter(|p| {
                self.progress
                    .as_ref()
                    .is_none_or(|o| o.unit_id != p.unit_id)
            })
            .cloned();
        own.chain(others).collect()
    }

    /// The unit's own progress as it counts on `day`: with the entries its predecessors carried
    /// to it ([`tiendo_shared::model::lineage::fold`]); its own document's when nothing was carried.
    pub fn own_view(&self, day: tiendo_shared::model::Date) -> Option<Progress> {
        let own = self.progress.as_ref()?;
        match &self.agency {
            Ok(agency) if !agency.changes.is_empty() => {
                tiendo_shared::model::lineage::fold(agency, &self.unit_progress(), day)
                    .first()
                    .cloned()
            }
            _ => Some(own.clone()),
        }
    }
}

/// Snapshots are compared by plan and revision (what the screens memoize on), not field by field.
impl PartialEq for Snapshot {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision && self.plan_id == other.plan_id
    }
}

/// The workspace's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The unit's tasks.
    Tasks,
    /// The plan.
    Plan,
    /// The merged summary (those who see every unit).
    Summary,
    /// The province's roll-up over agencies (province viewers, system administrators).
    Province,
    /// The agency's units and their changes (those who may change the organisation).
    Organisation,
    /// The PAR index (Chỉ số CCHC): a unit's sheet, the agency's consolidation, the province's
    /// appraisal.
    Par,
    /// The user's account (everyone) and the accounts they administer (administrators).
    Account,
}

/// The workspace: the plan shown (none while one opens) and sync.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkspaceState {
    /// What the screens read; `None` while a plan opens.
    pub snapshot: Option<Rc<Snapshot>>,
    /// Where sync stands; `None` until the first check.
    pub sync: Option<SyncState>,
    /// When sync was last complete ("hh:mm"), for "Đã đồng bộ lúc …".
    pub synced_at: Option<String>,
    /// The tab chosen (`None`: the default for the user).
    pub tab: Option<Tab>,
}

/// What happens to the workspace.
pub enum Action {
    /// A plan is being opened (a switch): the screens wait; the tab stays.
    Opening,
    /// A tab was chosen.
    Tab(Tab),
    /// The documents changed (or were opened): this is what they hold now.
    Documents(Box<Snapshot>),
    /// Sync was checked at `at` ("hh:mm").
    Sync {
        /// Where it stands.
        state: SyncState,
        /// The device's time of the check.
        at: String,
    },
}

impl Reducible for WorkspaceState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Opening => Rc::new(WorkspaceState {
                snapshot: None,
                ..(*self).clone()
            }),
            Action::Tab(tab) => Rc::new(WorkspaceState {
                tab: Some(tab),
                ..(*self).clone()
            }),
            Action::Documents(mut snapshot) => {
                snapshot.revision = self.snapshot.as_ref().map_or(1, |s| s.revision + 1);
                Rc::new(WorkspaceState {
                    snapshot: Some(Rc::new(*snapshot)),
                    ..(*self).clone()
                })
            }
            Action::Sync { state, at } => {
                let synced_at =
                    if state.connected && state.unconfirmed == 0 && state.files_pending == 0 {
                        Some(at)
                    } else {
                        self.synced_at.clone()
                    };
                if self.sync == Some(state) && self.synced_at == synced_at {
                    return self;
                }
                Rc::new(WorkspaceState {
                    sync: Some(state),
                    synced_at,
                    ..(*self).clone()
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        Snapshot {
            revision: 0,
            plan: Err(ClientError::Document("chưa có".into())),
            agency: Err(ClientError::Document("chưa có".into())),
            progress: None,
            all_progress: vec![],
            unreadable: 0,
            newer_version: false,
            plan_id: "kh".into(),
            plan_writable: false,
            merged: false,
            reporting: Default::default(),
            par: Default::default(),
        }
    }

    #[test]
    fn each_change_of_the_documents_is_the_next_revision_and_a_switch_clears_them() {
        let s = Rc::new(WorkspaceState::default());
        let s = s.reduce(Action::Documents(Box::new(snapshot())));
        assert_eq!(s.snapshot.as_ref().unwrap().revision, 1);
        let s = s.reduce(Action::Documents(Box::new(snapshot())));
        assert_eq!(s.snapshot.as_ref().unwrap().revision, 2);
        let s = s.reduce(Action::Tab(Tab::Plan));
        let s = s.reduce(Action::Opening);
        assert!(s.snapshot.is_none());
        assert_eq!(s.tab, Some(Tab::Plan), "a plan switch keeps the tab");
        let s = s.reduce(Action::Documents(Box::new(snapshot())));
        assert_eq!(s.snapshot.as_ref().unwrap().revision, 1);
    }

    #[test]
    fn the_synced_time_moves_only_when_everything_is_confirmed() {
        let online = |unconfirmed| SyncState {
            connected: true,
            unconfirmed,
            files_pending: 0,
            files_revision: 0,
        };
        let s = Rc::new(WorkspaceState::default());
        let s = s.reduce(Action::Sync {
            state: online(0),
            at: "08:00".into(),
        });
        assert_eq!(s.synced_at.as_deref(), Some("08:00"));
        let s = s.reduce(Action::Sync {
            state: online(2),
            at: "08:01".into(),
        });
        assert_eq!(
            s.synced_at.as_deref(),
            Some("08:00"),
            "kept while edits are pending"
        );
        let same = s.clone().reduce(Action::Sync {
            state: online(2),
            at: "08:02".into(),
        });
        assert!(
            Rc::ptr_eq(&s, &same),
            "nothing changed: no new state, no render"
        );
    }
}
