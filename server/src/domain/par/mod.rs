//! The PAR index on the server: the province's criteria sets, each agency's assessment record
//! and the province's appraisal as documents the server alone writes, on acts it attests — the
//! signed-in user, their role, its own clock — and the views built from them with the units'
//! sheets (in their progress documents).
//!
//! Stage: *domain*. The routes ask [`crate::domain::access`] first, then call here:
//! [`criteria`] (sets: list, import, save, announce), [`filing`] (the agency's side: the view,
//! the office's acts, the head's approval and sending), [`appraisal`] (the province's side and
//! the ranking). Nothing here rests on what a client wrote but the units' own scores, and those
//! count only for the sub-criteria the office assigned to them.

pub mod appraisal;
pub mod criteria;
pub mod filing;
pub mod view;

use std::collections::BTreeMap;

use tiendo_shared::model::criteria::Level;
use tiendo_shared::model::doc::{self, UnixTime};
use tiendo_shared::model::org::AgencyKind;
use tiendo_shared::model::{Agency, Document, Plan};

use crate::Library;
use crate::domain::accounts::User;
use crate::domain::documents::DocReader;
use crate::domain::error::{DomainError, Result};
use crate::store::{DocKind, DocRecord};

/// The PAR index's documents and acts, over the library.
#[derive(Clone)]
pub struct Par {
    library: Library,
}

/// The group an agency is ranked in.
pub fn level_of(agency: &Agency) -> Level {
    match agency.kind {
        AgencyKind::Commune | AgencyKind::District => Level::Commune,
        AgencyKind::Department | AgencyKind::Other => Level::Department,
    }
}

/// Now, in Unix milliseconds (what the filing steps record).
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

impl Par {
    /// Over `library`.
    pub fn new(library: Library) -> Par {
        Par { library }
    }

    /// The library.
    pub fn library(&self) -> &Library {
        &self.library
    }

    fn records(&self, kind: DocKind) -> Vec<DocRecord> {
        self.library
            .catalogue()
            .all()
            .into_iter()
            .filter(|r| r.kind == kind)
            .collect()
    }

    /// The agency `agency_id` (from its organisation document).
    pub async fn agency(&self, agency_id: &str) -> Result<Agency> {
        self.library
            .agencies()
            .await?
            .into_iter()
            .find(|a| a.id == agency_id)
            .ok_or_else(|| DomainError::NotFound(format!("cơ quan {agency_id}")))
    }

    /// The plan of `agency_id` for `year` (the last catalogued, when a plan replaced another).
    pub async fn plan_of(&self, agency_id: &str, year: i32) -> Result<(DocRecord, Plan)> {
        let mut found = None;
        for rec in self.records(DocKind::Plan) {
            if rec.agency_id != agency_id {
                continue;
            }
            let Ok(reading) = self.library.reading::<Plan>(&rec.doc_id).await else {
                continue;
            };
            if reading.model.effective_year() == Some(year) {
                found = Some((rec, reading.model));
            }
        }
        found.ok_or_else(|| {
            DomainError::NotFound(format!("kế hoạch năm {year} của cơ quan {agency_id}"))
        })
    }

    /// The document of `kind` for (`agency_id`, `plan_id`), made with `make` and catalogued when
    /// there is none yet.
    async fn served<T: Document>(
        &self,
        kind: DocKind,
        agency_id: &str,
        plan_id: &str,
        title: String,
        make: impl FnOnce() -> T,
    ) -> Result<String> {
        let existing = self.records(kind).into_iter().find(|r| {
            r.agency_id == agency_id && r.plan_id.as_deref() == Some(plan_id) && r.unit_id.is_none()
        });
        if let Some(rec) = existing {
            return Ok(rec.doc_id);
        }
        let doc_id = self.library.create_served(&make()).await?;
        self.library
            .register(DocRecord {
                doc_id: doc_id.clone(),
                kind,
                agency_id: agency_id.into(),
                plan_id: Some(plan_id.into()),
                unit_id: None,
                title,
            })
            .await?;
        Ok(doc_id)
    }

    /// Changes document `doc_id` as a `T`: `f` edits the model (or refuses), and the change is
    /// authored by `user`, made now by the server's clock.
    async fn change<T: Document, R>(
        &self,
        doc_id: &str,
        user: &User,
        f: impl FnOnce(&mut T) -> Result<R>,
    ) -> Result<R> {
        let handle = self.library.handle(doc_id).await?;
        let author = user.username.clone();
        handle.with_document(|d| {
            let mut value: T = doc::read(d)?;
            let out = f(&mut value)?;
            d.set_author(Some(doc::author_for(&author)));
            doc::write(d, &value, UnixTime(crate::unix_now()))?;
            Ok(out)
        })
    }

    /// Document `doc_id` as a `T`, from the reading kept for its heads.
    async fn model<T: crate::domain::documents::readings::Readable>(
        &self,
        doc_id: &str,
    ) -> Result<T> {
        Ok(self.library.reading::<T>(doc_id).await?.model)
    }

    /// The progress documents of `plan_id`, by unit.
    fn progress_docs(&self, plan_id: &str) -> BTreeMap<String, String> {
        self.records(DocKind::Progress)
            .into_iter()
            .filter(|r| r.plan_id.as_deref() == Some(plan_id))
            .filter_map(|r| Some((r.unit_id?, r.doc_id)))
            .collect()
    }

    /// Which criteria-set documents an agency's units are listed: for a year the agency has an
    /// assessment record of, only the set it names; for other years, every set.
    pub async fn sets_in_force(&self, agency_id: &str) -> Result<impl Fn(&str) -> bool + use<>> {
        let mut named = std::collections::BTreeSet::new();
        for rec in self.records(DocKind::Assessment) {
            if rec.agency_id == agency_id
                && let Ok(r) = self
                    .model::<tiendo_shared::model::assessment::Record>(&rec.doc_id)
                    .await
            {
                named.insert((r.year, r.criteria_id));
            }
        }
        let years: std::collections::BTreeSet<i32> = named.iter().map(|(y, _)| *y).collect();
        let keep: std::collections::BTreeSet<String> = self
            .sets()
            .await?
            .into_iter()
            .filter(|(_, s)| !years.contains(&s.year) || named.contains(&(s.year, s.id.clone())))
            .map(|(rec, _)| rec.doc_id)
            .collect();
        Ok(move |doc_id: &str| keep.contains(doc_id))
    }
}
