//! The client's user interface text, in Vietnamese, one module per group of screens: what the
//! screens show (labels, buttons, hints, messages, `aria-label`s) as constants, and the sentences
//! with figures in them as small functions. Kept apart from the code so a native speaker can
//! review the wording in one place, and a second language is a folder away.
//!
//! Stage: *UI text*. The texts are exact: the browser tests find elements by them.

pub mod accounts;
pub mod common;
pub mod dashboard;
pub mod organisation;
pub mod par;
pub mod plan;
pub mod province;
pub mod reports;
pub mod tasks;
