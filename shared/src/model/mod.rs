//! The model: what the plan, the organisation and every unit's progress are, and how each is
//! kept as an Automerge document.
//!
//! Stage: *model* and *local document*, the floor everything else stands on; it imports nothing
//! of the crate above it. The plan ([`plan`]: areas, tasks, their [`schedule`]s; the record of
//! the plan it continues, [`previous`]; its mid-year [`revision`]s; its [`links`] to the plans of
//! the same year), the organisation ([`org`], with its changes over time, [`lineage`]), a unit's
//! [`progress`], the PAR-index [`criteria`] a province judges agencies by an agency's [`assessment`] against them and the province's [`appraisal`] of it, who users are ([`role`]) and what the server attests of their changes
//! ([`attestation`]); written into and read from Automerge ([`doc`], `raw`), tolerantly
//! ([`lenient`], [`isolate`]), under a versioned contract ([`schema`]). Dates ([`date`]), text
//! normalisation ([`text`]), evidence files' kinds ([`files`]) and the one [`Error`] type are
//! here too, since the model is made of them.

pub mod appraisal;
pub mod assessment;
pub mod attestation;
pub mod criteria;
pub mod date;
pub mod doc;
pub mod error;
pub mod files;
pub mod isolate;
pub mod lenient;
pub mod lineage;
pub mod links;
pub mod org;
pub mod plan;
pub mod previous;
pub mod progress;
pub(crate) mod raw;
pub mod revision;
pub mod role;
pub mod schedule;
pub mod schema;
pub mod served;
pub mod text;

pub use date::Date;
pub use error::Error;
pub use org::{Agency, Assignee, AssigneeKind, Group, Org, Unit, UnitKind};
pub use plan::{Area, PeriodKind, Plan, ReportingPeriod, Task};
pub use progress::{Entry, Evidence, EvidenceFile, Progress, Unreadable, WorkStatus, is_sha256};
pub use schedule::{Milestone, Recurrence, Schedule, Undated};
pub use schema::{DocKind, Document};
