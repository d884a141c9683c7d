//! Plan imports: the plan document, the organisation (once per agency) and a progress document per
//! unit, created as one unit of work.
//!
//! Stage: *domain*, under [`super::Library`]; the CLI, first start and `POST /api/plans` import
//! through here.

use serde::Serialize;
use tiendo_shared::import::Imported;
use tiendo_shared::import::units::NewUnit;
use tiendo_shared::model::{Agency, Date, Org, Progress, doc};

use super::{Library, SYSTEM_AUTHOR};
use crate::domain::error::{DomainError, Result};
use crate::store::{DocKind, DocRecord};

/// What an import created.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// The plan's id.
    pub plan_id: String,
    /// The plan document.
    pub plan_doc: String,
    /// The organisation document.
    pub org_doc: String,
    /// Unit id → its progress document.
    pub progress_docs: Vec<(String, String)>,
    /// Number of tasks.
    pub tasks: usize,
    /// What the importer could not place.
    pub unplaced: Vec<tiendo_shared::import::Unplaced>,
}

impl Library {
    /// Imports a plan text: the plan document, the organisation document (once per agency) and an
    /// empty progress document for each unit. Refuses a plan already imported.
    pub async fn import_text(&self, text: &str) -> Result<ImportReport> {
        let imported = tiendo_shared::import::import(text)?;
        self.import(imported, SYSTEM_AUTHOR).await
    }

    /// The organisation's record of agency `agency_id` and the agency as it stands there, if the
    /// agency is known.
    async fn known_agency(&self, agency_id: &str) -> Result<Option<(DocRecord, Agency)>> {
        let Some(rec) = self
            .catalogue
            .all()
            .into_iter()
            .find(|d| d.kind == DocKind::Org && d.agency_id == agency_id)
        else {
            return Ok(None);
        };
        let org: Org = self.read(&rec.doc_id).await?;
        Ok(org.agency(agency_id).cloned().map(|a| (rec, a)))
    }

    /// The units `imported` names that its agency's organisation does not know (none for an
    /// agency's first plan): what the office maps or confirms in the preview
    /// ([`tiendo_shared::import::units`]).
    pub async fn new_units(&self, imported: &Imported) -> Result<Vec<NewUnit>> {
        Ok(match self.known_agency(&imported.plan.agency_id).await? {
            Some((_, agency)) => tiendo_shared::import::units::new_units(imported, &agency),
            None => Vec::new(),
        })
    }

    /// Stores an imported plan as `by` (see [`Library::import_text`]). For a known agency, the
    /// units the plan names that the organisation does not know are settled first, as the
    /// office chose in the preview ([`Imported::choices`]): a rename or an establishment is
    /// recorded from its day, so no earlier period counts a unit that did not exist then; a
    /// plan with a new unit and no choice for it is refused before anything is written.
    ///
    /// One unit of work: every document is created first, and only then catalogued, all rows in
    /// one store transaction — the progress documents, the organisation, and the plan's own row,
    /// which is what makes the plan exist (for the "already imported" check, the lists, the
    /// roll-ups). A failure at any point leaves nothing catalogued (the documents made stay
    /// unnamed in storage, shared with no one), so a retry starts afresh.
    pub async fn import(&self, imported: Imported, by: &str) -> Result<ImportReport> {
        let known = self.known_agency(&imported.plan.agency_id).await?;
        let (imported, settled) = match &known {
            Some((_, agency)) => {
                let choices = imported.choices.clone();
                let s = tiendo_shared::import::units::settle(imported, agency, &choices)
                    .map_err(|e| DomainError::BadRequest(e.to_string()))?;
                (s.imported.clone(), Some(s))
            }
            None => (imported, None),
        };
        let Imported {
            plan,
            org,
            unplaced,
            ..
        } = imported;
        let existing = self.catalogue.all();
        if existing
            .iter()
            .any(|d| d.kind == DocKind::Plan && d.plan_id.as_deref() == Some(plan.id.as_str()))
        {
            return Err(DomainError::Conflict(format!(
                "kế hoạch {} đã được nhập",
                plan.id
            )));
        }
        let agency = org
            .agency(&plan.agency_id)
            .cloned()
            .ok_or_else(|| DomainError::BadRequest("kế hoạch không có cơ quan ban hành".into()))?;
        let plan_doc = self.create(&plan).await?;
        let plan_row = DocRecord {
            doc_id: plan_doc.clone(),
            kind: DocKind::Plan,
            agency_id: agency.id.clone(),
            plan_id: Some(plan.id.clone()),
            unit_id: None,
            title: plan.title.clone(),
        };
        let (org_doc, agency, org_row) = match existing
            .iter()
            .find(|d| d.kind == DocKind::Org && d.agency_id == agency.id)
        {
            // A later plan of a known agency: units it names that the organisation lacks are
            // added, so its tasks resolve; every unit of the agency gets a progress document.
            // (These are changes the office chose, made once: a retry finds them settled.)
            Some(d) => {
                let settled = settled.unwrap_or_else(|| unreachable!("a known agency is settled"));
                self.merge_units(&d.doc_id, &agency, &settled.spellings)
                    .await?;
                let basis = tiendo_shared::model::lineage::Basis {
                    number: format!("Kế hoạch số {}", plan.number.trim()),
                    date: plan.date,
                };
                for (op, on) in &settled.operations {
                    let change = self
                        .record_org_change(&agency.id, op, *on, basis.clone(), by)
                        .await?;
                    tracing::info!(agency = %agency.id, change = %change.id, kind = change.kind.as_str(), unit = %change.unit, on = %change.on, "unit settled by a later plan");
                }
                let org: Org = self.read(&d.doc_id).await?;
                let agency = org.agency(&agency.id).cloned().ok_or_else(|| {
                    DomainError::NotFound(format!("cơ quan {} trong tổ chức", agency.id))
                })?;
                (d.doc_id.clone(), agency, None)
            }
            None => {
                let id = self.create(&org).await?;
                let row = DocRecord {
                    doc_id: id.clone(),
                    kind: DocKind::Org,
                    agency_id: agency.id.clone(),
                    plan_id: None,
                    unit_id: None,
                    title: agency.name.clone(),
                };
                (id, agency, Some(row))
            }
        };
        let mut progress_docs = Vec::new();
        let mut progress_rows = Vec::new();
        // Every unit that still exists when the plan starts (one merged away before has no part
        // in it; its successor carries its work).
        let lineage = agency.lineage();
        let start = plan
            .year
            .and_then(|y| Date::from_dmy(1, 1, y).ok())
            .or(plan.date);
        for (n, unit) in agency
            .units
            .iter()
            .filter(|u| start.is_none_or(|s| lineage.end_of(&u.id).is_none_or(|c| c.on > s)))
            .enumerate()
        {
            self.injected_fault(&plan.id, n + 1)?;
            let id = self.create(&Progress::new(&plan.id, &unit.id)).await?;
            progress_rows.push(DocRecord {
                doc_id: id.clone(),
                kind: DocKind::Progress,
                agency_id: agency.id.clone(),
                plan_id: Some(plan.id.clone()),
                unit_id: Some(unit.id.clone()),
                title: format!("Tiến độ – {}", unit.name),
            });
            progress_docs.push((unit.id.clone(), id));
        }
        // Every document exists: now the catalogue, every row in one transaction (the plan's
        // last, in the order a reader of the catalogue meets them).
        let new_org = org_row.is_some();
        let mut rows = progress_rows;
        rows.extend(org_row);
        rows.push(plan_row);
        self.register_all(rows).await?;
        if new_org {
            // Its lineage and accounts follow the admin's changes from now on.
            self.watch_org(org_doc.clone());
        }
        tracing::info!(plan = %plan.id, doc = %plan_doc, units = progress_docs.len(), "imported plan");
        Ok(ImportReport {
            plan_id: plan.id.clone(),
            plan_doc,
            org_doc,
            progress_docs,
            tasks: plan.tasks().count(),
            unplaced,
        })
    }

    /// The failure a test asked for ([`crate::config::Config::fail_import`]): the import of
    /// `plan_id` fails, once, as it is about to create its `unit`-th progress document.
    fn injected_fault(&self, plan_id: &str, unit: usize) -> Result<()> {
        let mut fault = self.import_fault.lock().unwrap_or_else(|p| p.into_inner());
        if fault
            .as_ref()
            .is_some_and(|(p, n)| p == plan_id && *n == unit)
        {
            *fault = None;
            return Err(DomainError::Interrupted(format!(
                "lỗi thử nghiệm: nhập kế hoạch {plan_id} dừng ở đơn vị thứ {unit}"
            )));
        }
        Ok(())
    }

    /// Adds to the organisation document `doc_id` the units and outside bodies of `imported` it
    /// does not have yet (by id) and the `spellings` (unit → a name a plan writes it as); returns
    /// the agency as it then stands.
    async fn merge_units(
        &self,
        doc_id: &str,
        imported: &tiendo_shared::model::Agency,
        spellings: &[(String, String)],
    ) -> Result<tiendo_shared::model::Agency> {
        let handle = self.handle(doc_id).await?;
        let agency_id = imported.id.clone();
        let merged = handle.with_document(|d| {
            doc::update::<Org, _>(
                d,
                SYSTEM_AUTHOR,
                tiendo_shared::model::doc::UnixTime(crate::unix_now()),
                |org| {
                    let agency = org.agencies.iter_mut().find(|a| a.id == agency_id)?;
                    for unit in &imported.units {
                        if agency.unit(&unit.id).is_none() {
                            agency.units.push(unit.clone());
                        }
                    }
                    for (id, name) in spellings {
                        if let Some(u) = agency.units.iter_mut().find(|u| &u.id == id)
                            && u.name != *name
                            && !u.aliases.contains(name)
                        {
                            u.aliases.push(name.clone());
                        }
                    }
                    for party in &imported.external_parties {
                        if !agency.external_parties.contains(party) {
                            agency.external_parties.push(party.clone());
                        }
                    }
                    Some(agency.clone())
                },
            )
        })?;
        merged
            .ok_or_else(|| DomainError::NotFound(format!("cơ quan {} trong tổ chức", imported.id)))
    }

    /// Imports `imported` as the replacement of plan `replaces` from `from` (a mid-year plan of
    /// the same agency and year, "kế hoạch 6 tháng cuối năm"): under its own id (the year's id
    /// with `-thay-the`, numbered when taken) and linked to the plan it replaces.
    pub async fn import_replacement(
        &self,
        mut imported: Imported,
        replaces: &str,
        from: Date,
        basis: tiendo_shared::model::lineage::Basis,
        by: &str,
    ) -> Result<ImportReport> {
        let old = self.plan(replaces).await?.0;
        if old.agency_id != imported.plan.agency_id {
            return Err(DomainError::BadRequest(format!(
                "kế hoạch thay thế phải của cùng cơ quan ({})",
                old.agency_id
            )));
        }
        let taken = |id: &str| self.plan_doc_record(id).is_ok();
        let base = format!("{}-thay-the", imported.plan.id);
        let mut id = base.clone();
        let mut n = 2;
        while taken(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        imported.plan.id = id;
        let report = self.import(imported, by).await?;
        let link = tiendo_shared::model::links::PlanLink {
            id: tiendo_shared::workflow::step_id(by, crate::unix_now() * 1000, rand::random()),
            kind: tiendo_shared::model::links::LinkKind::Replaces,
            plan_id: replaces.to_string(),
            from,
            basis,
            by: by.to_string(),
        };
        self.link_plan(&report.plan_id, &link).await?;
        Ok(report)
    }
}
