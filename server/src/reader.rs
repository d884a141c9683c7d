//! Reading documents for the status, the reports and the CLI: one trait over where they are.
//!
//! Stage: *store → model*. [`Library`] reads through the running samod repo (what the server
//! serves, with every edit merged so far); [`SqliteStore`] reads the SQLite file directly (the
//! CLI beside a running server, which must not start a second repo on the same data). The rest —
//! which documents make up a plan ([`gather`]), which agencies there are ([`agencies`]) — is
//! written once, over either.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;

use tiendo_shared::report::{Report, ReportSource, ScoreRule};
use tiendo_shared::status::{self, Problem, Summary};
use tiendo_shared::workflow;
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
    /// One document and its model (hydrated from it, or kept from when it last had these heads:
    /// hydrating is most of the work of a status).
    fn with_model<T: tiendo_shared::Document + Clone + Send + Sync + 'static>(
        &self,
        doc_id: &str,
    ) -> impl Future<Output = Result<(automerge::Automerge, T)>> + Send {
        async move {
            let d = self.document(doc_id).await?;
            let model = doc::read::<T, _>(&d)?;
            Ok((d, model))
        }
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

    async fn with_model<T: tiendo_shared::Document + Clone + Send + Sync + 'static>(
        &self,
        doc_id: &str,
    ) -> Result<(automerge::Automerge, T)> {
        let handle = self.handle(doc_id).await?;
        let (d, kept) =
            handle.with_document(|d| (d.clone(), self.models().get::<T>(doc_id, &d.get_heads())));
        if let Some(model) = kept {
            return Ok((d, model));
        }
        let model = doc::read::<T, _>(&d)?;
        self.models().keep(doc_id, d.get_heads(), model.clone());
        Ok((d, model))
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
    /// The plan document itself (the office's workflow steps and report texts are in it).
    pub plan_doc: automerge::Automerge,
    /// The plan document's id.
    pub plan_doc_id: String,
    /// Each unit's progress document itself (what a submission's heads are looked up in).
    pub progress_raw: HashMap<String, automerge::Automerge>,
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
        workflow::deadlines_with(
            &self.plan,
            period,
            &workflow::configured(&self.plan_doc, period),
        )
    }

    /// Where each unit's period report stands (`shared::workflow`), given when the server
    /// first received each step (`received`, by step id, Unix ms).
    pub fn reporting(
        &self,
        period: PeriodKind,
        received: &BTreeMap<String, i64>,
    ) -> Vec<(String, workflow::ReportState)> {
        let mut out: Vec<(String, workflow::ReportState)> = self
            .progress_raw
            .iter()
            .map(|(unit, doc)| {
                let st = workflow::derive(
                    &workflow::unit_steps(doc, period),
                    &workflow::office_steps(&self.plan_doc, unit, period),
                    received,
                );
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
        period: PeriodKind,
        as_of: Date,
        rule: &ScoreRule,
        received: &BTreeMap<String, i64>,
    ) -> Result<Report> {
        let agency = self.agency()?;
        let mut progress = Vec::new();
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        let deadline = self.deadlines(period).map(|d| d.unit);
        let mut states: HashMap<String, workflow::ReportState> =
            self.reporting(period, received).into_iter().collect();
        for p in &self.progress {
            let name = agency.unit_name(&p.unit_id);
            let central = agency.central_office.as_deref() == Some(p.unit_id.as_str());
            let state = self
                .progress_raw
                .get(&p.unit_id)
                .zip(states.remove(&p.unit_id));
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
                            sources.push(ReportSource {
                                unit: name,
                                basis: basis.into(),
                                heads,
                                on_time,
                            });
                        }
                        Err(e) => {
                            // What was sent is not all here yet: the live figures, said so.
                            problems.push(Problem {
                                unit_id: Some(p.unit_id.clone()),
                                ..Problem::new(format!("báo cáo đã gửi của {name}: {e}"))
                            });
                            progress.push(p.clone());
                            sources.push(ReportSource {
                                unit: name,
                                basis: "số liệu đang cập nhật (bản đã gửi chưa về đủ)".into(),
                                heads: Vec::new(),
                                on_time,
                            });
                        }
                    }
                }
                None => {
                    progress.push(p.clone());
                    sources.push(ReportSource {
                        unit: name,
                        basis: if central {
                            "đầu mối tổng hợp — số liệu trực tiếp".into()
                        } else {
                            "chưa gửi báo cáo — số liệu đang cập nhật".into()
                        },
                        heads: Vec::new(),
                        on_time: None,
                    });
                }
            }
        }
        sources.sort_by(|a, b| a.unit.cmp(&b.unit));
        let texts = tiendo_shared::report::texts::read(&self.plan_doc, period);
        let mut report = tiendo_shared::report::build(
            &self.plan, &self.org, agency, &progress, period, as_of, rule, &texts, sources,
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

/// The plan `plan_id` and the organisation of its agency, among `records`; with the plan's
/// document (read once: its model and the office's workflow steps both come from it) and id.
async fn plan_in(
    reader: &impl DocReader,
    records: &[DocRecord],
    plan_id: &str,
) -> Result<(Plan, Org, automerge::Automerge, String)> {
    let rec = records
        .iter()
        .find(|d| d.kind == DocKind::Plan && d.plan_id.as_deref() == Some(plan_id))
        .ok_or_else(|| AppError::NotFound(format!("kế hoạch {plan_id}")))?;
    let org_rec = records
        .iter()
        .find(|d| d.kind == DocKind::Org && d.agency_id == rec.agency_id)
        .ok_or_else(|| AppError::NotFound(format!("tổ chức của kế hoạch {plan_id}")))?;
    let (plan_doc, plan) = reader.with_model::<Plan>(&rec.doc_id).await?;
    let (_, org) = reader.with_model::<Org>(&org_rec.doc_id).await?;
    Ok((plan, org, plan_doc, rec.doc_id.clone()))
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
    let (plan, org, plan_doc, plan_doc_id) = plan_in(reader, &records, plan_id).await?;
    let mut progress_raw = HashMap::new();
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
            .with_model::<Progress>(&r.doc_id)
            .await
            .map(|(d, p)| {
                if let Some(unit) = &r.unit_id {
                    progress_raw.insert(unit.clone(), d);
                }
                p
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
        plan_doc,
        plan_doc_id,
        progress_raw,
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
) -> Result<tiendo_shared::year::Year> {
    use tiendo_shared::year::{self, LinkKind, Role};
    let data = gather(reader, plan_id).await?;
    let mut parts = vec![(Role::Continuing, data)];
    for link in parts[0].1.plan.links.clone() {
        let role = match link.kind {
            LinkKind::Replaces => Role::Replaced { from: link.from },
            LinkKind::Absorbs => Role::Absorbed { from: link.from },
        };
        let linked = gather(reader, &link.plan_id).await.map_err(|e| {
            AppError::NotFound(format!(
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
