//! Everything that touches the world outside the app's memory: IndexedDB under samod
//! ([`storage`]) and a first visit's documents written into it ([`bootstrap`]), the sync
//! socket ([`socket`], [`runtime`]), the server's HTTP API ([`api`], the PAR index's acts `par` in the office build, its account routes
//! [`accounts`]) and its attested record of
//! who delivered each change (`attested`, office build), `localStorage`
//! ([`prefs`]) with the start screen painted before the app loads ([`saved_view`]), evidence
//! files kept and uploaded ([`files`]), bundle files carried by hand ([`bundles`]), the window ([`browser`]) and its notifications ([`notify`]), the signed-in device ([`session`]), one
//! plan's documents ([`plan_docs`]), the pending-edit bookkeeping ([`pending`]) and the background
//! work they own ([`tasks`]).
//!
//! Stage: *I/O*, under the view models and the components; nothing above this module calls a
//! browser API itself.

pub mod accounts;
pub mod api;
#[cfg(feature = "office")]
pub mod attested;
pub mod bootstrap;
pub mod browser;
pub mod bundles;
pub mod files;
pub mod form;
pub mod notify;
#[cfg(feature = "office")]
pub mod par;
pub mod pending;
pub mod plan_docs;
pub mod prefs;
pub mod runtime;
pub mod saved_view;
pub mod session;
pub mod socket;
pub mod storage;
pub mod tasks;
