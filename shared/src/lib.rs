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
//! ## Floors
//!
//! The top-level folders name the stages of that flow. Each imports only from the floors below
//! it, never sideways or up (`scripts/check-layout` finds no loop):
//!
//! ```text
//! floor      what it holds                                          imports from
//! api        HTTP requests and answers, as types                    views, import, model
//! views      status, report, province, year, history, next year     workflow, import, model
//! edit       the office's edits of a plan (maintain, revise)        import, model
//! workflow   the reporting workflow's steps and deadlines           model
//! import     plan text → Plan / Org                                 model
//! model      Plan, Org + lineage, Progress, schema, doc, dates      —
//! bundle     documents and files carried by hand                    —
//! ```
//!
//! Tests may reach higher: their fixtures come from the importer, and a revision's tests read
//! its status.
//!
//! The crate builds for `wasm32-unknown-unknown` as well as the host: it has no I/O, no clock,
//! no threads. Dates are civil dates ([`model::Date`]); "now" is always passed in.

#![warn(missing_docs)]

pub mod api;
pub mod bundle;
pub mod edit;
pub mod import;
pub mod model;
pub mod views;
pub mod workflow;

/// Fixtures for tests, of this crate and of the others (feature `fixtures`; the product's own
/// embedded default is the server's, `tiendo_server::SEED_PLAN`).
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures {
    /// The 2025 CCHC plan of Sở KH&CN Quảng Ngãi (`seeds/`), as plan text.
    pub const SEED_PLAN: &str =
        include_str!("../../seeds/ke-hoach-cchc-2025-so-khcn-quang-ngai.txt");
}
