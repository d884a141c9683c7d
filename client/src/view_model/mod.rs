//! What the screens show, computed from the documents without touching the browser: the
//! account screen's rules ([`accounts`]), the unit's
//! task list ([`tasks`]), where an evidence file stands ([`files`]), a task's rows
//! of unit reports ([`task_reports`]), the reporting workflow's panels and table ([`reporting`]), the organisation's changes
//! ([`organisation`]), the start screen's pending work of any year ([`pending`]), the PAR index's
//! screens ([`par`]), the plans by
//! year and the day a view is computed as of ([`years`]), the central office's dashboard (`dashboard`, office build), a task's history (`history`,
//! office build: who and when by the server's record, the changes' claims marked) and the workspace state
//! the screens share ([`workspace`]).
//!
//! Stage: *view model*, pure and tested without a page: documents' models in, rows and figures
//! out (the numbers themselves come from `shared::status`).

pub mod accounts;
#[cfg(feature = "office")]
pub mod dashboard;
pub mod files;
#[cfg(feature = "office")]
pub mod history;
pub mod organisation;
pub mod par;
pub mod pending;
pub mod reporting;
pub mod task_reports;
pub mod tasks;
pub mod workspace;
pub mod years;
