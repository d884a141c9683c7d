use std::collections::HashMap;

use crate::{
    DocumentId, StorageKey,
    io::{IoTask, IoTaskId, StorageResult, StorageTask},
};

#[derive(Debug)]
enum LoadState {
    Idle,
    /// Beginning a fresh load
    Initial,
    /// Both tasks dispatched, waiting for results
    WaitingForResults {
        snapshot_task_id: IoTaskId,
        incremental_task_id: IoTaskId,
        sync_state_task_id: IoTaskId,
        snapshots: Option<HashMap<StorageKey, Vec<u8>>>,
        incrementals: Option<HashMap<StorageKey, Vec<u8>>>,
        sync_states: Option<HashMap<StorageKey, Vec<u8>>>,
    },
    /// Have snapshots, incrementals and saved sync states, ready to complete
    Complete {
        snapshots: HashMap<StorageKey, Vec<u8>>,
        incrementals: HashMap<StorageKey, Vec<u8>>,
        sync_states: HashMap<StorageKey, Vec<u8>>,
    },
}

#[derive(Debug)]
pub(crate) struct Load {
    doc_id: DocumentId,
    state: LoadState,
}

pub(crate) struct LoadComplete {
    pub(crate) snapshots: HashMap<StorageKey, Vec<u8>>,
    pub(crate) incrementals: HashMap<StorageKey, Vec<u8>>,
    /// Sync states saved for peers of earlier connections (tiendo patch).
    pub(crate) sync_states: HashMap<StorageKey, Vec<u8>>,
}

impl Load {
    /// Create a new Load operation for the given document ID
    pub(crate) fn new(doc_id: DocumentId) -> Self {
        Self {
            doc_id,
            state: LoadState::Idle,
        }
    }

    pub(crate) fn begin(&mut self) {
        if matches!(self.state, LoadState::Idle) {
            self.state = LoadState::Initial;
        }
    }

    pub(crate) fn has_task(&self, task_id: IoTaskId) -> bool {
        let LoadState::WaitingForResults {
            snapshot_task_id,
            incremental_task_id,
            sync_state_task_id,
            ..
        } = &self.state
        else {
            return false;
        };
        (snapshot_task_id == &task_id)
            || (incremental_task_id == &task_id)
            || (sync_state_task_id == &task_id)
    }

    /// Progress the load operation, returning any IO tasks that need to be dispatched
    pub(crate) fn step(&mut self) -> Vec<IoTask<StorageTask>> {
        match &self.state {
            LoadState::Idle => Vec::new(),
            LoadState::Initial => {
                let snapshot_task = IoTask::new(StorageTask::LoadRange {
                    prefix: StorageKey::snapshot_prefix(&self.doc_id),
                });

                let incremental_task = IoTask::new(StorageTask::LoadRange {
                    prefix: StorageKey::incremental_prefix(&self.doc_id),
                });

                let sync_state_task = IoTask::new(StorageTask::LoadRange {
                    prefix: StorageKey::sync_state_prefix(&self.doc_id),
                });

                let snapshot_task_id = snapshot_task.task_id;
                let incremental_task_id = incremental_task.task_id;
                let sync_state_task_id = sync_state_task.task_id;

                self.state = LoadState::WaitingForResults {
                    snapshot_task_id,
                    incremental_task_id,
                    sync_state_task_id,
                    snapshots: None,
                    incrementals: None,
                    sync_states: None,
                };

                vec![snapshot_task, incremental_task, sync_state_task]
            }
            LoadState::WaitingForResults { .. } | LoadState::Complete { .. } => Vec::new(),
        }
    }

    pub fn take_complete(&mut self) -> Option<LoadComplete> {
        if let LoadState::Complete {
            snapshots,
            incrementals,
            sync_states,
        } = &mut self.state
        {
            let result = LoadComplete {
                snapshots: std::mem::take(snapshots),
                incrementals: std::mem::take(incrementals),
                sync_states: std::mem::take(sync_states),
            };
            self.state = LoadState::Idle;
            Some(result)
        } else {
            None
        }
    }

    /// Handle the result of an IO operation
    pub fn handle_result(&mut self, task_id: IoTaskId, result: StorageResult) {
        match &mut self.state {
            LoadState::WaitingForResults {
                snapshot_task_id,
                incremental_task_id,
                sync_state_task_id,
                snapshots,
                incrementals,
                sync_states,
            } => {
                match result {
                    StorageResult::LoadRange { values } => {
                        if task_id == *snapshot_task_id {
                            *snapshots = Some(values);
                        } else if task_id == *incremental_task_id {
                            *incrementals = Some(values);
                        } else if task_id == *sync_state_task_id {
                            *sync_states = Some(values);
                        } else {
                            panic!("unknown task ID in load");
                        }

                        // Check if all results are now available
                        if let (Some(snapshots), Some(incrementals), Some(sync_states)) =
                            (snapshots, incrementals, sync_states)
                        {
                            self.state = LoadState::Complete {
                                snapshots: std::mem::take(snapshots),
                                incrementals: std::mem::take(incrementals),
                                sync_states: std::mem::take(sync_states),
                            };
                        }
                    }
                    _ => panic!("unexpected storage result in load"),
                }
            }
            _ => panic!("unexpected io complete"),
        }
    }
}
