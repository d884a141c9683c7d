//! The province's roll-up on the server: one row per agency the user may read
//! (`shared::province`), computed from that agency's own status and reporting workflow, and
//! kept per (plan, period, day) with a fingerprint of its documents (their heads) and of its
//! generated reports — so a request recomputes only the agencies whose documents changed, and
//! the client receives rows, never documents.
//!
//! Stage: *view of the status*, over a [`DocReader`] (the running library, or the SQLite file for
//! `tiendo province report`), the store's receipts and generated reports.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tiendo_shared::province::{self, AgencyRow, Rollup};
use tiendo_shared::report::ScoreRule;
use tiendo_shared::{Date, PeriodKind};

use crate::error::Result;
use crate::reader::{DocReader, gather};
use crate::store::{DocKind, DocRecord, Store};

/// What a roll-up is computed with.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The score thresholds.
    pub score: ScoreRule,
    /// The province's plan deadline, (month, day).
    pub plan_deadline: (u32, u32),
}

/// One agency's row for (plan, period, day) from its documents.
pub async fn agency_row(
    reader: &impl DocReader,
    store: &Store,
    plan_id: &str,
    period: PeriodKind,
    as_of: Date,
    rules: &Rules,
) -> Result<AgencyRow> {
    let data = gather(reader, plan_id).await?;
    let summary = data.status(as_of, Some(period))?;
    let received = store.receipts_by_doc(&data.workflow_docs()).await?;
    let states = data.reporting(period, &received);
    let made_at = store
        .generated_reports(plan_id)
        .await?
        .into_iter()
        .filter(|g| g.period == period.as_str())
        .map(|g| g.generated_at)
        .max();
    let agency = data.agency()?;
    let sent = province::sent_from(
        agency,
        &states,
        data.deadlines(period).map(|d| d.unit),
        made_at,
    );
    let row = province::row(
        &data.plan,
        agency,
        &summary,
        &sent,
        &rules.score,
        rules.plan_deadline,
    );
    if data.plan.links.is_empty() {
        return Ok(row);
    }
    // The plan continues others' year: its row counts them by the combining rule.
    let year = crate::reader::year(reader, plan_id, period, as_of).await?;
    Ok(province::with_year(
        row,
        &year,
        &data.plan.links,
        &rules.score,
    ))
}

/// The plans of `records` a reader with `readable` may see, with the documents whose heads
/// fingerprint each.
fn plans_of(
    records: &[DocRecord],
    readable: impl Fn(&DocRecord) -> bool,
) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for plan in records
        .iter()
        .filter(|r| r.kind == DocKind::Plan && readable(r))
    {
        let Some(plan_id) = plan.plan_id.clone() else {
            continue;
        };
        let docs = records
            .iter()
            .filter(|r| {
                r.plan_id.as_deref() == Some(plan_id.as_str())
                    || (r.kind == DocKind::Org && r.agency_id == plan.agency_id)
            })
            .map(|r| r.doc_id.clone())
            .collect();
        out.push((plan_id, docs));
    }
    out.sort();
    out
}

/// The roll-up over every plan of `records` that `readable` admits, computed whole (the CLI,
/// and the benchmark's reference).
pub async fn rollup(
    reader: &impl DocReader,
    store: &Store,
    readable: impl Fn(&DocRecord) -> bool,
    period: PeriodKind,
    as_of: Date,
    rules: &Rules,
) -> Result<Rollup> {
    let records = reader.records().await?;
    let mut rows = Vec::new();
    for (plan_id, _) in plans_of(&records, readable) {
        rows.push(agency_row(reader, store, &plan_id, period, as_of, rules).await?);
    }
    province::mark_continued(&mut rows);
    Ok(Rollup {
        period,
        as_of,
        computed_at: crate::unix_now(),
        rows,
    })
}

type Key = (String, PeriodKind, Date);

/// Rows kept with the fingerprint they were computed at.
#[derive(Clone, Default)]
pub struct Rollups(Arc<Mutex<HashMap<Key, (String, AgencyRow)>>>);

impl Rollups {
    /// The roll-up through `library`, recomputing only the agencies whose documents (or
    /// generated reports) changed since their row was kept. Also says how many it recomputed.
    pub async fn get(
        &self,
        library: &crate::Library,
        readable: impl Fn(&DocRecord) -> bool,
        period: PeriodKind,
        as_of: Date,
        rules: &Rules,
    ) -> Result<(Rollup, usize)> {
        let records = library.catalogue().all();
        let made = library.store().generated_counts().await?;
        let plans = plans_of(&records, readable);
        // A row that continues other plans' year depends on their documents too (as they were
        // linked when it was kept; a new link changes the plan's own heads).
        let every_plan: HashMap<String, Vec<String>> =
            plans_of(&records, |_| true).into_iter().collect();
        let plans: Vec<(String, Vec<String>)> = {
            let kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
            plans
                .into_iter()
                .map(|(plan_id, mut docs)| {
                    if let Some((_, row)) = kept.get(&(plan_id.clone(), period, as_of)) {
                        for linked in &row.linked_plans {
                            docs.extend(every_plan.get(linked).cloned().unwrap_or_default());
                        }
                    }
                    (plan_id, docs)
                })
                .collect()
        };
        // Every document's version: the print of its stored chunks, or its heads in the repo
        // where the library holds it (nothing is loaded to ask).
        let reader = crate::reader::Stored(library);
        let mut versions: HashMap<&String, crate::reader::Version> = HashMap::new();
        for doc in plans.iter().flat_map(|(_, docs)| docs) {
            versions.insert(doc, reader.version(doc).await?);
        }
        let mut slots: Vec<Option<AgencyRow>> = Vec::with_capacity(plans.len());
        let mut todo = Vec::new();
        for (i, (plan_id, docs)) in plans.iter().enumerate() {
            let mut print = String::new();
            for doc in docs {
                print.push_str(versions[doc].as_str());
                print.push('|');
            }
            print.push_str(&made.get(plan_id).copied().unwrap_or(0).to_string());
            let key = (plan_id.clone(), period, as_of);
            let kept = self
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&key)
                .filter(|(p, _)| *p == print)
                .map(|(_, row)| row.clone());
            if kept.is_none() {
                todo.push((i, key, print));
            }
            slots.push(kept);
        }
        // The agencies to recompute, on every core: each row is independent work (mostly
        // hydrating its documents).
        let computed = todo.len();
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let permits = Arc::new(tokio::sync::Semaphore::new(cores));
        let mut work = tokio::task::JoinSet::new();
        for (i, key, print) in todo {
            let (library, rules, permits) = (library.unlocked(), rules.clone(), permits.clone());
            work.spawn(async move {
                let _turn = permits.acquire_owned().await;
                let reader = crate::reader::Stored(&library);
                let row = agency_row(&reader, library.store(), &key.0, period, as_of, &rules).await;
                (i, key, print, row)
            });
        }
        while let Some(done) = work.join_next().await {
            let (i, key, print, row) =
                done.map_err(|e| crate::error::AppError::Interrupted(e.to_string()))?;
            let row = row?;
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(key, (print, row.clone()));
            slots[i] = Some(row);
        }
        let mut rows: Vec<AgencyRow> = slots.into_iter().flatten().collect();
        province::mark_continued(&mut rows);
        Ok((
            Rollup {
                period,
                as_of,
                computed_at: crate::unix_now(),
                rows,
            },
            computed,
        ))
    }
}
