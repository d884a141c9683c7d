//! Reading documents for the status, the reports and the CLI: one trait over where they are.
//!
//! Stage: *store → model*. [`Library`] reads through the running samod repo (what the server
//! serves, with every edit merged so far); [`SqliteStore`] reads the SQLite file directly (the
//! CLI beside a running server, which must not start a second repo on the same data). The rest —
//! which documents make up a plan ([`gather`]), which agencies there are ([`agencies`]) — is
//! written once, over either.

use std::collections::HashMap;
use std::future::Future;
use std::str::FromStr;

use samod::DocumentId;
use tiendo_shared::report::{Report, ScoreRule};
use tiendo_shared::status::{self, Problem, Summary};
use tiendo_shared::{Agency, Date, Org, PeriodKind, Plan, Progress, doc};

use crate::Library;
use crate::error::{AppError, Result};
use crate::store::{DocKind, DocRecord, SqliteStore};

/// Where documents are read from.
pub trait DocReader: Sync {
    /// The catalogue: every document's kind, agency, plan and unit.
    fn records(&self) -> impl Future<Output = Result<Vec<DocRecord>>> + Send;
    /// One document, whole.
    fn document(&self, doc_id: &str) -> impl Future<Output = Result<automerge::Automerge>> + Send;
}

impl DocReader for Library {
    async fn records(&self) -> Result<Vec<DocRecord>> {
        Ok(self.catalogue().all())
    }

    async fn document(&self, doc_id: &str) -> Result<automerge::Automerge> {
        let id = DocumentId::from_str(doc_id)
            .map_err(|_| AppError::NotFound(format!("tài liệu {doc_id}")))?;
        let handle = self
            .repo()
            .find(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("tài liệu {doc_id}")))?;
        Ok(handle.with_document(|d| d.clone()))
    }
}

impl DocReader for SqliteStore {
    async fn records(&self) -> Result<Vec<DocRecord>> {
        Ok(self.documents().await?)
    }

    async fn document(&self, doc_id: &str) -> Result<automerge::Automerge> {
        Ok(self.read_document(doc_id).await?)
    }
}

/// Every agency, from its organisation document.
pub async fn agencies(reader: &impl DocReader) -> Result<Vec<Agency>> {
    let mut out = Vec::new();
    for rec in reader.records().await? {
        if rec.kind == DocKind::Org {
            let org: Org = doc::read(&reader.document(&rec.doc_id).await?)?;
            out.extend(org.agency(&rec.agency_id).cloned());
        }
    }
    Ok(out)
}

/// A plan with everything its status and reports need.
#[derive(Debug, Clone)]
pub struct PlanData {
    pub plan: Plan,
    /// The organisation of its agency.
    pub org: Org,
    /// Every unit's progress on it.
    pub progress: Vec<Progress>,
    /// Documents that could not be read, said plainly (they are left out, not fatal).
    pub problems: Vec<Problem>,
    /// Each unit's progress document id, to place the problems found in it.
    pub progress_docs: HashMap<String, String>,
}

impl PlanData {
    /// The plan's agency.
    pub fn agency(&self) -> Result<&tiendo_shared::Agency> {
        self.org
            .agency(&self.plan.agency_id)
            .ok_or_else(|| AppError::NotFound(format!("cơ quan {}", self.plan.agency_id)))
    }

    /// The merged status (see `shared::status`).
    pub fn status(&self, as_of: Date, period: Option<PeriodKind>) -> Result<Summary> {
        let mut summary =
            status::summarize(&self.plan, self.agency()?, &self.progress, as_of, period);
        self.place(&mut summary.problems);
        Ok(summary)
    }

    /// The report of `period` as of `as_of` (see `shared::report`).
    pub fn report(&self, period: PeriodKind, as_of: Date, rule: &ScoreRule) -> Result<Report> {
        let mut report = tiendo_shared::report::build(
            &self.plan,
            &self.org,
            self.agency()?,
            &self.progress,
            period,
            as_of,
            rule,
        );
        self.place(&mut report.summary.problems);
        Ok(report)
    }

    /// Adds the documents that could not be read to `problems` and names the document of each
    /// problem found in a unit's progress.
    fn place(&self, problems: &mut Vec<Problem>) {
        for p in problems.iter_mut() {
            if p.doc_id.is_none() {
                p.doc_id = p
                    .unit_id
                    .as_ref()
                    .and_then(|u| self.progress_docs.get(u))
                    .cloned();
            }
        }
        problems.extend(self.problems.iter().cloned());
    }
}

/// The plan `plan_id` and the organisation of its agency, among `records`.
async fn plan_in(
    reader: &impl DocReader,
    records: &[DocRecord],
    plan_id: &str,
) -> Result<(Plan, Org)> {
    let rec = records
        .iter()
        .find(|d| d.kind == DocKind::Plan && d.plan_id.as_deref() == Some(plan_id))
        .ok_or_else(|| AppError::NotFound(format!("kế hoạch {plan_id}")))?;
    let org_rec = records
        .iter()
        .find(|d| d.kind == DocKind::Org && d.agency_id == rec.agency_id)
        .ok_or_else(|| AppError::NotFound(format!("tổ chức của kế hoạch {plan_id}")))?;
    let plan: Plan = doc::read(&reader.document(&rec.doc_id).await?)?;
    let org: Org = doc::read(&reader.document(&org_rec.doc_id).await?)?;
    Ok((plan, org))
}

/// The plan `plan_id` and the organisation of its agency.
pub async fn plan(reader: &impl DocReader, plan_id: &str) -> Result<(Plan, Org)> {
    plan_in(reader, &reader.records().await?, plan_id).await
}

/// Reads plan `plan_id`, its organisation and its progress documents from `reader`. A progress
/// document that cannot be read is reported in `problems`, not allowed to sink the rest.
pub async fn gather(reader: &impl DocReader, plan_id: &str) -> Result<PlanData> {
    let records = reader.records().await?;
    let (plan, org) = plan_in(reader, &records, plan_id).await?;
    let mut progress = Vec::new();
    let mut problems = Vec::new();
    let mut progress_docs = HashMap::new();
    for r in &records {
        if r.kind != DocKind::Progress || r.plan_id.as_deref() != Some(plan_id) {
            continue;
        }
        if let Some(unit) = &r.unit_id {
            progress_docs.insert(unit.clone(), r.doc_id.clone());
        }
        let read = reader
            .document(&r.doc_id)
            .await
            .and_then(|d| Ok(doc::read::<Progress, _>(&d)?));
        match read {
            Ok(p) => progress.push(p),
            Err(e) => problems.push(Problem {
                doc_id: Some(r.doc_id.clone()),
                unit_id: r.unit_id.clone(),
                ..Problem::new(format!("tài liệu {} ({}): {e}", r.doc_id, r.title))
            }),
        }
    }
    Ok(PlanData {
        plan,
        org,
        progress,
        problems,
        progress_docs,
    })
}
