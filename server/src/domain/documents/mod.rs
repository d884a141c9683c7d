//! Reading documents for the status, the reports and the CLI: one trait over where they are.
//!
//! Stage: *store → model*. [`Library`] reads through the running samod repo (what the server
//! serves, with every edit merged so far); [`Store`] reads the SQLite file directly (the
//! CLI beside a running server, which must not start a second repo on the same data). The rest —
//! which documents make up a plan ([`gather`]), which agencies there are ([`agencies`]) — is
//! written once, over either.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;

use tiendo_shared::model::{Agency, Date, Org, PeriodKind, Plan, Progress, doc};
use tiendo_shared::views::report::{Report, ReportSource, ScoreRule};
use tiendo_shared::views::status::{self, Problem, Summary};
use tiendo_shared::workflow;

use crate::Library;
use crate::domain::error::{DomainError, Result};
pub mod cache;
pub mod readings;

pub use cache::{Models, Version};

use crate::domain::documents::readings::{Readable, Reading, Steps};
use crate::store::receipts::Receipts;
use crate::store::{DocKind, DocRecord, Store, StoreError};

/// Where documents are read from.
pub trait DocReader: Sync {
    /// The catalogue: every document's kind, agency, plan and unit.
    fn records(&self) -> impl Future<Output = Result<Vec<DocRecord>>> + Send;
    /// One document, whole.
    fn document(&self, doc_id: &str) -> impl Future<Output = Result<automerge::Automerge>> + Send;
    /// What the status reads of one document ([`Reading`]: made from it, or kept from when it
    /// last was in this state — hydrating is most of the work of a status).
    fn reading<T: Readable>(
        &self,
        doc_id: &str,
    ) -> impl Future<Output = Result<Reading<T>>> + Send {
        async move { Reading::of(&self.document(doc_id).await?) }
    }
}

impl DocReader for Library {
    async fn records(&self) -> Result<Vec<DocRecord>> {
        Ok(self.catalogue().all())
    }

    async fn document(&self, doc_id: &str) -> Result<automerge::Automerge> {
        let handle = self.handle(doc_id).await?;
        Ok(handle.with_document(|d| d.clone()))
    }

    async fn reading<T: Readable>(&self, doc_id: &str) -> Result<Reading<T>> {
        let handle = self.handle(doc_id).await?;
        handle.with_document(|d| {
            let version = Version::heads(&d.get_heads());
            if let Some(kept) = self.models().get::<Reading<T>>(doc_id, &version) {
                return Ok(kept);
            }
            let reading = Reading::<T>::of(d)?;
            self.models().keep(doc_id, version, reading.clone());
            Ok(reading)
        })
    }
}

impl DocReader for Store {
    async fn records(&self) -> Result<Vec<DocRecord>> {
        Ok(self.documents().await?)
    }

    async fn document(&self, doc_id: &str) -> Result<automerge::Automerge> {
        Ok(self.read_document(doc_id).await?)
    }

    async fn reading<T: Readable>(&self, doc_id: &str) -> Result<Reading<T>> {
        Ok(stored_reading(self, doc_id).await?.1)
    }
}

/// The reading of `doc_id` as stored: kept in SQLite for its print, else made from its chunks
/// (and kept). Also says which stored state it is of.
async fn stored_reading<T: Readable>(
    store: &Store,
    doc_id: &str,
) -> Result<(crate::store::prints::Print, Reading<T>)> {
    let print = store.print(doc_id);
    if let Some(kept) = store
        .kept_reading(doc_id, print)
        .await?
        .and_then(|b| Reading::<T>::from_bytes(&b))
    {
        return Ok((print, kept));
    }
    let (d, print) = store.read_printed(doc_id).await?;
    let reading = tokio::task::spawn_blocking(move || Reading::<T>::of(&d))
        .await
        .map_err(|e| DomainError::Interrupted(e.to_string()))??;
    store.keep_reading(doc_id, print, reading.to_bytes());
    Ok((print, reading))
}

/// The running library read as stored: every document from its stored chunks — or from the
/// reading kept for them, in memory or in SQLite — without loading it into the repo. What the
/// province's roll-up reads through: a restart costs it no hydration of documents that did not
/// change, and it holds no agency's documents in memory. What the library itself changed is
/// waited for until stored ([`Stored::version`]), so the roll-up shows the server's own edits.
pub struct Stored<'a>(pub &'a Library);

/// How long [`Stored::version`] waits for the library's own changes of a document to be stored.
const STORING: std::time::Duration = std::time::Duration::from_secs(2);

impl Stored<'_> {
    /// Which stored state of `doc_id` a reading through this reader is of now; for a document the
    /// library holds, once what it holds is stored.
    pub async fn version(&self, doc_id: &str) -> Result<Version> {
        let store = self.0.store();
        if self.0.holds(doc_id) {
            let heads = self.0.heads(doc_id).await?;
            store.wait_durable(doc_id, &heads, STORING).await;
        }
        Ok(Version::stored(store.print(doc_id)))
    }
}

impl DocReader for Stored<'_> {
    async fn records(&self) -> Result<Vec<DocRecord>> {
        Ok(self.0.catalogue().all())
    }

    async fn document(&self, doc_id: &str) -> Result<automerge::Automerge> {
        self.0.document(doc_id).await
    }

    async fn reading<T: Readable>(&self, doc_id: &str) -> Result<Reading<T>> {
        let store = self.0.store();
        let now = Version::stored(store.print(doc_id));
        if let Some(kept) = self.0.models().get::<Reading<T>>(doc_id, &now) {
            return Ok(kept);
        }
        match stored_reading::<T>(store, doc_id).await {
            Ok((print, reading)) => {
                self.0
                    .models()
                    .keep(doc_id, Version::stored(print), reading.clone());
                Ok(reading)
            }
            // Created but not stored yet: the repo has it.
            Err(DomainError::Store(StoreError::NotFound(_))) => self.0.reading(doc_id).await,
            Err(e) => Err(e),
        }
    }
}

/// Every agency, from its organisation document.
///
/// An organisation document that does not read is left out (and logged): what one agency wrote
/// into its own document never takes another agency's answers down.
pub async fn agencies(reader: &impl DocReader) -> Result<Vec<Agency>> {
    let mut out = Vec::new();
    for rec in reader.records().await? {
        if rec.kind == DocKind::Org {
            let read = match reader.document(&rec.doc_id).await {
                Ok(d) => doc::read::<Org, _>(&d).map_err(DomainError::from),
                Err(e) => Err(e),
            };
            match read {
                Ok(org) => out.extend(org.agency(&rec.agency_id).cloned()),
                Err(e) => {
                    tracing::warn!(doc = %rec.doc_id, agency = %rec.agency_id, error = %e, "organisation document does not read: left out");
                }
            }
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
    /// The plan document's id.
    pub plan_doc_id: String,
    /// The office's reporting steps and configured deadlines, from the plan document.
    pub plan_steps: Steps,
    /// Each unit's own reporting steps, from its progress document (units whose document reads).
    pub unit_steps: HashMap<String, Steps>,
}

/// The documents themselves of a plan, for its report: the plan (the office's report texts) and
/// each unit's progress (what a submission's heads are looked up in).
pub struct Documents {
    /// The plan document.
    pub plan: automerge::Automerge,
    /// Each unit's progress document that reads.
    pub progress: HashMap<String, automerge::Automerge>,
}

/// The documents of `data`'s plan (a progress document that does not load is left out: its
/// unit is reported from its live figures, as one whose reading failed).
pub async fn documents(reader: &impl DocReader, data: &PlanData) -> Result<Documents> {
    let plan = reader.document(&data.plan_doc_id).await?;
    let mut progress = HashMap::new();
    for unit in data.unit_steps.keys() {
        if let Some(doc_id) = data.progress_docs.get(unit)
            && let Ok(d) = reader.document(doc_id).await
        {
            progress.insert(unit.clone(), d);
        }
    }
    Ok(Documents { plan, progress })
}

impl PlanData {
    /// The plan's agency.
    pub fn agency(&self) -> Result<&tiendo_shared::model::Agency> {
        self.org
            .agency(&self.plan.agency_id)
            .ok_or_else(|| DomainError::NotFound(format!("cơ quan {}", self.plan.agency_id)))
    }

    /// The merged status (see `shared::status`).
    pub fn status(&self, as_of: Date, period: Option<PeriodKind>) -> Result<Summary> {
        // The plan as it stood that day: a later mid-year revision changes nothing before it.
        let plan = tiendo_shared::model::revision::plan_on(&self.plan, as_of);
        let agency = self.agency()?;
        // A lead changed by a revision carries the former lead's entries (its own win).
        let progress =
            tiendo_shared::model::revision::fold(&self.plan, agency, &self.progress, as_of);
        let mut summary = status::summarize(&plan, agency, &progress, as_of, period);
        self.place(&mut summary.problems);
        Ok(summary)
    }

    /// The documents holding the plan's reporting steps: every unit's progress and the plan.
    pub fn workflow_docs(&self) -> Vec<String> {
        self.progress_docs
            .values()
            .cloned()
            .chain(std::iter::once(self.plan_doc_id.clone()))
            .collect()
    }

    /// The period's deadlines: the office's configured ones, else the plan's and the regime's.
    pub fn deadlines(&self, period: PeriodKind) -> Option<workflow::Deadlines> {
        workflow::deadlines_with(&self.plan, period, &self.plan_steps.configured(period))
    }

    /// Where each unit's period report stands (`shared::workflow`), given when the server
    /// first received each step (`received`: by document, then step id, Unix ms). Only steps
    /// the server admitted count here: a step has its receipt, in its own document, once
    /// admission judged who delivered it ([`crate::domain::admit`]); one that reached a document
    /// by any other way certifies nothing. A unit's step under the id of one of the office's
    /// does not count either (ids name receipts).
    pub fn reporting(
        &self,
        period: PeriodKind,
        received: &Receipts,
    ) -> Vec<(String, workflow::ReportState)> {
        let none = BTreeMap::new();
        let office_received = received.get(&self.plan_doc_id).unwrap_or(&none);
        let office_ids: std::collections::HashSet<&str> = self
            .plan_steps
            .office
            .values()
            .flat_map(|by_period| by_period.values().flatten())
            .map(|s| s.id.as_str())
            .collect();
        let mut out: Vec<(String, workflow::ReportState)> = self
            .unit_steps
            .iter()
            .map(|(unit, steps)| {
                let unit_received = self
                    .progress_docs
                    .get(unit)
                    .and_then(|doc| received.get(doc))
                    .unwrap_or(&none);
                let own: Vec<workflow::Step> = steps
                    .unit(period)
                    .iter()
                    .filter(|s| unit_received.contains_key(&s.id))
                    .filter(|s| !office_ids.contains(s.id.as_str()))
                    .cloned()
                    .collect();
                let office: Vec<workflow::Step> = self
                    .plan_steps
                    .office(unit, period)
                    .iter()
                    .filter(|s| office_received.contains_key(&s.id))
                    .cloned()
                    .collect();
                let mut times = office_received.clone();
                times.extend(
                    own.iter()
                        .filter_map(|s| unit_received.get(&s.id).map(|t| (s.id.clone(), *t))),
                );
                let st = workflow::derive(&own, &office, &times);
                (unit.clone(), st)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The report of `period` as of `as_of` (see `shared::report`): each unit's figures as it
    /// sent them — its accepted submission, else its latest one — and its live ones only when
    /// it has sent nothing; the office's texts for the period from the plan document.
    pub fn report(
        &self,
        docs: &Documents,
        period: PeriodKind,
        as_of: Date,
        rule: &ScoreRule,
        received: &Receipts,
    ) -> Result<Report> {
        let agency = self.agency()?;
        let mut progress = Vec::new();
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        let deadline = self.deadlines(period).map(|d| d.unit);
        let mut states: HashMap<String, workflow::ReportState> =
            self.reporting(period, received).into_iter().collect();
        // The units of the report's day, under their names then: a unit created later is no
        // source of it (its progress, if any, still counts where lineage carries it).
        let then = agency.on(as_of);
        for p in &self.progress {
            let name = agency.unit_name_on(&p.unit_id, as_of);
            let listed = then.unit(&p.unit_id).is_some() || agency.unit(&p.unit_id).is_none();
            let central = agency.central_office.as_deref() == Some(p.unit_id.as_str());
            let state = docs.progress.get(&p.unit_id).zip(states.remove(&p.unit_id));
            let on_time = state.as_ref().and_then(|(_, st)| {
                let first = st.first_submitted.as_ref()?;
                Some(deadline.is_some_and(|d| workflow::on_time(first.effective, d)))
            });
            let sent = state.as_ref().and_then(|(doc, st)| {
                let t = st.for_report()?;
                let basis = if st.accepted.is_some() {
                    "đã tiếp nhận"
                } else {
                    "đã gửi, chưa tiếp nhận"
                };
                Some((doc, t.step.heads.clone(), basis))
            });
            match sent {
                Some((doc, heads, basis)) => {
                    let read = workflow::submitted_view(doc, &heads)
                        .and_then(|v| doc::read::<Progress, _>(&v));
                    match read {
                        Ok(snapshot) => {
                            progress.push(snapshot);
                            sources.extend(listed.then_some(ReportSource {
                                unit: name,
                                basis: basis.into(),
                                heads,
                                on_time,
                            }));
                        }
                        Err(e) => {
                            // What was sent is not all here yet: the live figures, said so.
                            problems.push(Problem {
                                unit_id: Some(p.unit_id.clone()),
                                ..Problem::new(format!("báo cáo đã gửi của {name}: {e}"))
                            });
                            progress.push(p.clone());
                            sources.extend(listed.then_some(ReportSource {
                                unit: name,
                                basis: "số liệu đang cập nhật (bản đã gửi chưa về đủ)".into(),
                                heads: Vec::new(),
                                on_time,
                            }));
                        }
                    }
                }
                None => {
                    progress.push(p.clone());
                    sources.extend(listed.then_some(ReportSource {
                        unit: name,
                        basis: if central {
                            "đầu mối tổng hợp — số liệu trực tiếp".into()
                        } else {
                            "chưa gửi báo cáo — số liệu đang cập nhật".into()
                        },
                        heads: Vec::new(),
                        on_time: None,
                    }));
                }
            }
        }
        sources.sort_by(|a, b| a.unit.cmp(&b.unit));
        let texts = tiendo_shared::views::report::texts::read(&docs.plan, period);
        let plan = tiendo_shared::model::revision::plan_on(&self.plan, as_of);
        let progress = tiendo_shared::model::revision::fold(&self.plan, agency, &progress, as_of);
        let mut report = tiendo_shared::views::report::build(
            &plan, &self.org, agency, &progress, period, as_of, rule, &texts, sources,
        );
        report.summary.problems.extend(problems);
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

/// The plan `plan_id` and the organisation of its agency, among `records`; with the plan
/// document's steps and id.
async fn plan_in(
    reader: &impl DocReader,
    records: &[DocRecord],
    plan_id: &str,
) -> Result<(Plan, Org, Steps, String)> {
    let rec = records
        .iter()
        .find(|d| d.kind == DocKind::Plan && d.plan_id.as_deref() == Some(plan_id))
        .ok_or_else(|| DomainError::NotFound(format!("kế hoạch {plan_id}")))?;
    let org_rec = records
        .iter()
        .find(|d| d.kind == DocKind::Org && d.agency_id == rec.agency_id)
        .ok_or_else(|| DomainError::NotFound(format!("tổ chức của kế hoạch {plan_id}")))?;
    let plan = reader.reading::<Plan>(&rec.doc_id).await?;
    let org = reader.reading::<Org>(&org_rec.doc_id).await?;
    Ok((plan.model, org.model, plan.steps, rec.doc_id.clone()))
}

/// The plan `plan_id` and the organisation of its agency.
pub async fn plan(reader: &impl DocReader, plan_id: &str) -> Result<(Plan, Org)> {
    let (plan, org, _, _) = plan_in(reader, &reader.records().await?, plan_id).await?;
    Ok((plan, org))
}

/// Reads plan `plan_id`, its organisation and its progress documents from `reader`. A progress
/// document that cannot be read is reported in `problems`, not allowed to sink the rest.
pub async fn gather(reader: &impl DocReader, plan_id: &str) -> Result<PlanData> {
    let records = reader.records().await?;
    let (plan, org, plan_steps, plan_doc_id) = plan_in(reader, &records, plan_id).await?;
    let mut unit_steps = HashMap::new();
    let mut progress = Vec::new();
    let mut problems = Vec::new();
    let mut progress_docs = HashMap::new();
    // What the plan's and the organisation's readings left out or read as empty, placed.
    for p in &plan.unreadable {
        problems.push(Problem {
            doc_id: Some(plan_doc_id.clone()),
            ..Problem::new(format!("kế hoạch, chỗ không đọc được — {p}"))
        });
    }
    for p in &org.unreadable {
        problems.push(Problem::new(format!("tổ chức, chỗ không đọc được — {p}")));
    }
    for r in &records {
        if r.kind != DocKind::Progress || r.plan_id.as_deref() != Some(plan_id) {
            continue;
        }
        if let Some(unit) = &r.unit_id {
            progress_docs.insert(unit.clone(), r.doc_id.clone());
        }
        let read =
            reader
                .reading::<Progress>(&r.doc_id)
                .await
                .map(|Reading { model, steps, .. }| {
                    if let Some(unit) = &r.unit_id {
                        unit_steps.insert(unit.clone(), steps);
                    }
                    model
                });
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
        plan_doc_id,
        plan_steps,
        unit_steps,
    })
}

/// The year of plan `plan_id` for `period` as of `as_of`: its own figures and those of the plans
/// it links to (replaced mid-year, or of an agency merged into its own), by the combining rule
/// of `shared::year`. A linked plan that is not stored is an error naming it.
pub async fn year(
    reader: &impl DocReader,
    plan_id: &str,
    period: PeriodKind,
    as_of: Date,
) -> Result<tiendo_shared::views::year::Year> {
    use tiendo_shared::model::links::LinkKind;
    use tiendo_shared::views::year::{self, Role};
    let data = gather(reader, plan_id).await?;
    let mut parts = vec![(Role::Continuing, data)];
    for link in parts[0].1.plan.links.clone() {
        let role = match link.kind {
            LinkKind::Replaces => Role::Replaced { from: link.from },
            LinkKind::Absorbs => Role::Absorbed { from: link.from },
        };
        let linked = gather(reader, &link.plan_id).await.map_err(|e| {
            DomainError::NotFound(format!(
                "kế hoạch liên kết {} của {plan_id}: {e}",
                link.plan_id
            ))
        })?;
        parts.push((role, linked));
    }
    let mut summaries = Vec::new();
    for (role, data) in &parts {
        summaries.push((*role, data.status(role.as_of(as_of), Some(period))?));
    }
    let mut out = Vec::new();
    for ((role, data), (_, summary)) in parts.iter().zip(&summaries) {
        let agency = data.agency()?;
        out.push((
            year::part(&data.plan, &agency.name, *role, as_of, summary),
            summary,
        ));
    }
    Ok(year::year(out))
}
