//! # tiendo-shared
//!
//! The part of Tiến độ that the browser client and the server share: the plan and progress as
//! Automerge CRDT documents, the importer that reads a CCHC plan text, and the pure computations
//! of status that the dashboard and the reports show.
//!
//! Where it sits in the data flow:
//!
//! ```text
//! plan text ─► import ─► Plan / Org ─► doc (Automerge) ─► sync ─► server (SQLite)
//! tablet edit ─► Progress ─► doc (Automerge, author = user) ─► IndexedDB ─► sync ─► server
//! Plan + every unit's Progress + "as of" date ─► status ─► dashboard, reports
//! ```
//!
//! The crate builds for `wasm32-unknown-unknown` as well as the host: it has no I/O, no clock,
//! no threads. Dates are civil dates ([`Date`]); "now" is always passed in.

#![warn(missing_docs)]

pub mod api;
pub mod bundle;
pub mod date;
pub mod doc;
pub mod error;
pub mod files;
pub mod history;
pub mod import;
pub mod isolate;
pub mod lenient;
pub mod lineage;
pub mod maintain;
pub mod next_year;
pub mod org;
pub mod plan;
pub mod progress;
pub mod province;
pub mod report;
pub mod revision;
pub mod schedule;
pub mod schema;
pub mod status;
pub mod text;
pub mod workflow;
pub mod year;

pub use date::Date;
pub use error::Error;
pub use import::{Imported, Unplaced, import};
pub use org::{Agency, Assignee, AssigneeKind, Group, Org, Unit, UnitKind};
pub use plan::{Area, PeriodKind, Plan, ReportingPeriod, Task};
pub use progress::{Entry, Evidence, EvidenceFile, Progress, Unreadable, WorkStatus, is_sha256};
pub use schedule::{Milestone, Recurrence, Schedule, Undated};
pub use schema::{DocKind, Document};

/// Fixtures for tests, of this crate and of the others (feature `fixtures`; the product's own
/// embedded default is the server's, `tiendo_server::SEED_PLAN`).
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures {
    /// The 2025 CCHC plan of Sở KH&CN Quảng Ngãi (`seeds/`), as plan text.
    pub const SEED_PLAN: &str =
        include_str!("../../seeds/ke-hoach-cchc-2025-so-khcn-quang-ngai.txt");
}
