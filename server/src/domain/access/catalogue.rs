//! The document catalogue in memory, with each agency's lineage: what the share policy and the
//! routes ask "who may open this" of.
//!
//! Stage: *domain*, under [`super`] (the rules it applies).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tiendo_shared::model::Date;
use tiendo_shared::model::lineage::Lineage;

use super::{Access, access};
use crate::domain::accounts::User;
use crate::store::DocRecord;

/// The document catalogue in memory (mirrors the `documents` table), and each agency's lineage
/// (from its organisation document: which units took over which units' work), for the share
/// policy.
#[derive(Clone, Default)]
pub struct Catalogue {
    docs: Arc<RwLock<HashMap<String, DocRecord>>>,
    lineages: Arc<RwLock<HashMap<String, Lineage>>>,
}

impl Catalogue {
    /// A catalogue holding `records`.
    pub fn new(records: impl IntoIterator<Item = DocRecord>) -> Catalogue {
        let map = records.into_iter().map(|r| (r.doc_id.clone(), r)).collect();
        Catalogue {
            docs: Arc::new(RwLock::new(map)),
            lineages: Arc::default(),
        }
    }

    /// The record of `doc_id`.
    pub fn get(&self, doc_id: &str) -> Option<DocRecord> {
        self.docs
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(doc_id)
            .cloned()
    }

    /// Adds (or replaces) a record.
    pub fn insert(&self, rec: DocRecord) {
        self.docs
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(rec.doc_id.clone(), rec);
    }

    pub fn all(&self) -> Vec<DocRecord> {
        let mut v: Vec<DocRecord> = self
            .docs
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        v.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
        v
    }

    /// Takes agency `agency_id`'s lineage, as its organisation document now says.
    pub fn set_lineage(&self, agency_id: &str, lineage: Lineage) {
        self.lineages
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(agency_id.to_string(), lineage);
    }

    /// Agency `agency_id`'s lineage as last taken (empty before its organisation is read).
    pub fn lineage(&self, agency_id: &str) -> Lineage {
        self.lineages
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(agency_id)
            .cloned()
            .unwrap_or_default()
    }

    /// The access of `user` to `doc` today ([`Catalogue::access_on`]).
    pub fn access(&self, user: &User, doc: &DocRecord) -> Access {
        self.access_on(user, doc, crate::today())
    }

    /// The access of `user` to `doc` on `day` ([`access`], with the lineage of the document's
    /// agency): a unit inherits another's documents only from the day the change takes effect,
    /// so a change dated in the future grants nothing before it.
    pub fn access_on(&self, user: &User, doc: &DocRecord, day: Date) -> Access {
        let inherits = match (&user.unit_id, &doc.unit_id) {
            (Some(mine), Some(theirs)) if mine != theirs => self
                .lineages
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .get(&doc.agency_id)
                .is_some_and(|l| l.heirs_on(theirs, day).contains(mine)),
            _ => false,
        };
        access(user, doc, inherits)
    }

    /// The documents `user` may open, with the access they have.
    pub fn visible_to(&self, user: &User) -> Vec<(DocRecord, Access)> {
        self.all()
            .into_iter()
            .filter_map(|d| match self.access(user, &d) {
                Access::None => None,
                a => Some((d, a)),
            })
            .collect()
    }
}
