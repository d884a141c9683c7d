//! The domain: what Tiến độ knows and decides, over the store and beneath every way in (the
//! sync socket, the HTTP routes, the CLI).
//!
//! Stage: *domain floor*. It imports the store and the bottom primitives ([`crate::config`],
//! [`crate::credentials`], [`crate::metrics`]) and nothing above; it answers in its own
//! [`DomainError`], which [`crate::error::AppError`] wraps and maps to HTTP.
//!
//! - [`library`]: the samod repo and the catalogue of documents; plan imports
//!   (`library::import`), one unit of work; [`organisation`] changes and their lineage.
//! - [`documents`]: reading documents into models, and the one cache of what was read.
//! - [`accounts`], [`access`], [`session`]: who signs in, who may see or write what, the caller.
//! - [`admit`]: what each synced or bundled change was admitted as.
//! - [`bundles`], [`file_access`], [`province`], [`plan_files`], [`parsing`],
//!   [`sessions_elsewhere`].

pub mod access;
pub mod accounts;
pub mod admit;
pub mod bundles;
pub mod documents;
pub mod error;
pub mod file_access;
pub mod library;
pub mod organisation;
pub mod par;
pub mod parsing;
pub mod plan_files;
pub mod province;
pub mod session;
pub mod sessions_elsewhere;

pub use error::{DomainError, Result};
