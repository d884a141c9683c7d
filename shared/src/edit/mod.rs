//! The central office's edits of a plan during the year, read with the importer's own parsers so
//! an edited task is indistinguishable from an imported one.
//!
//! Stage: *edit*, above the importer ([`crate::import`][import]) and before
//! [`crate::model::doc::update`]: a task edited, added or retired in the plan form ([`maintain`]),
//! and a mid-year revision ([`revise`]: tasks added, leads and timelines changed from a day,
//! recorded with what each was before, [`crate::model::revision`]).
//!
//! [import]: mod@crate::import

pub mod maintain;
pub mod revise;
