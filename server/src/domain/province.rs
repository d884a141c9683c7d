//! The province's roll-up on the server: one row per plan of the year asked, of an agency the
//! user may read (`shared::province`), each computed as of its own day (the day asked, else its
//! plan's rule: a period whose deadline passed, as of that deadline) from that agency's own
//! status and reporting workflow, and kept per (plan, period, day) with a fingerprint of its
//! documents (their heads) and of its generated reports — so a request recomputes only the
//! agencies whose documents changed, and the client receives rows, never documents.
//!
//! Stage: *view of the status*, over a [`DocReader`] (the running library, or the SQLite file for
//! `tiendo province report`), the store's receipts and generated reports.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tiendo_shared::model::{Date, PeriodKind, Plan};
use tiendo_shared::views::province::{self, AgencyRow, Rollup};
use tiendo_shared::views::report::ScoreRule;
use tiendo_shared::views::status::{AsOf, as_of_in, working_period};

use crate::domain::documents::{DocReader, gather};
use crate::domain::error::Result;
use crate::store::{DocKind, DocRecord, Store};

/// What a roll-up is computed with.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The score thresholds.
    pub score: ScoreRule,
    /// The province's plan deadline, (month, day).
    pub plan_deadline: (u32, u32),
}

/// What a roll-up is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ask {
    /// The plans' year.
    pub year: i32,
    /// The period.
    pub period: PeriodKind,
    /// The day the user picked, if any (else each plan as of its own rule).
    pub picked: Option<Date>,
    /// Today (the server's, or a test's).
    pub today: Date,
}

impl Ask {
    /// The roll-up asked: of `year` (default: that of the day picked, else this year's), for
    /// `period` (default: the one the province works on that year, [`working_period`] — the
    /// year's report in December, not Quý I).
    pub fn new(
        year: Option<i32>,
        period: Option<PeriodKind>,
        picked: Option<Date>,
        today: Date,
    ) -> Ask {
        let year = year.unwrap_or_else(|| picked.unwrap_or(today).year());
        Ask {
            year,
            period: period.unwrap_or_else(|| working_period(year, today)),
            picked,
            today,
        }
    }

    /// The day a plan of `year` whose office set `configured` as the period's deadlines is
    /// computed as of.
    fn as_of(&self, year: Option<i32>, configured: &tiendo_shared::workflow::Configured) -> AsOf {
        match self.picked {
            Some(day) => AsOf::picked(day),
            None => as_of_in(year, Some(self.period), configured, self.today),
        }
    }

    /// The roll-up's own day: the day picked, else the period's by the regime's deadline.
    fn whole(&self) -> AsOf {
        self.as_of(Some(self.year), &Default::default())
    }

    /// An empty roll-up of this ask, to fill with `rows` of `years`.
    fn rollup(&self, rows: Vec<AgencyRow>, years: Vec<i32>) -> Rollup {
        let whole = self.whole();
        Rollup {
            year: Some(self.year),
            period: self.period,
            as_of: whole.day,
            closed: whole.closed && !whole.picked,
            note: whole.note(Some(self.year), Some(self.period)),
            years,
            computed_at: crate::unix_now(),
            rows,
        }
    }
}

/// What a roll-up needs of a plan before computing its row: its year and the day its row is
/// computed as of.
async fn plan_day(
    reader: &impl DocReader,
    plan_doc: &str,
    ask: &Ask,
) -> Result<(Option<i32>, Date)> {
    let plan = reader.reading::<Plan>(plan_doc).await?;
    let year = plan.model.effective_year();
    let day = ask.as_of(year, &plan.steps.configured(ask.period)).day;
    Ok((year, day))
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
        as_of,
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
    let year = crate::domain::documents::year(reader, plan_id, period, as_of).await?;
    Ok(province::with_year(
        row,
        &year,
        &data.plan.links,
        &rules.score,
    ))
}

/// The plans of `records` a reader with `readable` may see, with the documents whose heads
/// fingerprint each (the plan's own document first).
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
        let docs = std::iter::once(plan.doc_id.clone())
            .chain(
                records
                    .iter()
                    .filter(|r| {
                        r.doc_id != plan.doc_id
                            && (r.plan_id.as_deref() == Some(plan_id.as_str())
                                || (r.kind == DocKind::Org && r.agency_id == plan.agency_id))
                    })
                    .map(|r| r.doc_id.clone()),
            )
            .collect();
        out.push((plan_id, docs));
    }
    out.sort();
    out
}

/// The roll-up over every plan of the year asked of `records` that `readable` admits, computed
/// whole (the CLI, and the benchmark's reference).
pub async fn rollup(
    reader: &impl DocReader,
    store: &Store,
    readable: impl Fn(&DocRecord) -> bool,
    ask: Ask,
    rules: &Rules,
) -> Result<Rollup> {
    let records = reader.records().await?;
    let mut rows = Vec::new();
    let mut years = Vec::new();
    for (plan_id, docs) in plans_of(&records, readable) {
        let (year, day) = plan_day(reader, &docs[0], &ask).await?;
        years.extend(year);
        if year == Some(ask.year) {
            rows.push(agency_row(reader, store, &plan_id, ask.period, day, rules).await?);
        }
    }
    province::mark_continued(&mut rows);
    years.sort_unstable();
    years.dedup();
    Ok(ask.rollup(rows, years))
}

type Key = (String, PeriodKind, Date);

/// What a plan's document says that a roll-up needs before its row: its year, and the deadlines
/// its office configured per period.
#[derive(Clone)]
struct PlanFacts {
    year: Option<i32>,
    configured: Vec<(PeriodKind, tiendo_shared::workflow::Configured)>,
}

impl PlanFacts {
    fn day(&self, ask: &Ask) -> Date {
        let configured = self
            .configured
            .iter()
            .find(|(p, _)| *p == ask.period)
            .map(|(_, c)| *c)
            .unwrap_or_default();
        ask.as_of(self.year, &configured).day
    }
}

/// Rows kept with the fingerprint they were computed at, and each plan's [`PlanFacts`] with the
/// version of its document they were read from.
#[derive(Clone, Default)]
pub struct Rollups {
    rows: Arc<Mutex<HashMap<Key, (String, AgencyRow)>>>,
    plans: Arc<Mutex<HashMap<String, (crate::domain::documents::Version, PlanFacts)>>>,
}

impl Rollups {
    /// The roll-up through `library`, recomputing only the agencies whose documents (or
    /// generated reports) changed since their row was kept. Also says how many it recomputed.
    pub async fn get(
        &self,
        library: &crate::Library,
        readable: impl Fn(&DocRecord) -> bool,
        ask: Ask,
        rules: &Rules,
    ) -> Result<(Rollup, usize)> {
        let period = ask.period;
        let records = library.catalogue().all();
        let made = library.store().generated_counts().await?;
        // Every document's version: the print of its stored chunks, or its heads in the repo
        // where the library holds it (nothing is loaded to ask).
        let reader = crate::domain::documents::Stored(library);
        let mut versions: HashMap<String, crate::domain::documents::Version> = HashMap::new();
        // Which plans are of the year, and the day each is computed as of: from each plan
        // document's facts, read again only when it changed.
        let mut years = Vec::new();
        let mut plans = Vec::new();
        for (plan_id, docs) in plans_of(&records, readable) {
            let plan_doc = docs[0].clone();
            let version = reader.version(&plan_doc).await?;
            let kept = self
                .plans
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&plan_id)
                .filter(|(v, _)| *v == version)
                .map(|(_, f)| f.clone());
            let facts = match kept {
                Some(f) => f,
                None => {
                    let plan = reader.reading::<Plan>(&plan_doc).await?;
                    let facts = PlanFacts {
                        year: plan.model.effective_year(),
                        configured: PeriodKind::ALL
                            .into_iter()
                            .map(|p| (p, plan.steps.configured(p)))
                            .collect(),
                    };
                    self.plans
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(plan_id.clone(), (version.clone(), facts.clone()));
                    facts
                }
            };
            versions.insert(plan_doc, version);
            years.extend(facts.year);
            if facts.year == Some(ask.year) {
                plans.push((plan_id, docs, facts.day(&ask)));
            }
        }
        years.sort_unstable();
        years.dedup();
        // A row that continues other plans' year depends on their documents too (as they were
        // linked when it was kept; a new link changes the plan's own heads).
        let every_plan: HashMap<String, Vec<String>> =
            plans_of(&records, |_| true).into_iter().collect();
        let plans: Vec<(String, Vec<String>, Date)> = {
            let kept = self.rows.lock().unwrap_or_else(|p| p.into_inner());
            plans
                .into_iter()
                .map(|(plan_id, mut docs, day)| {
                    if let Some((_, row)) = kept.get(&(plan_id.clone(), period, day)) {
                        for linked in &row.linked_plans {
                            docs.extend(every_plan.get(linked).cloned().unwrap_or_default());
                        }
                    }
                    (plan_id, docs, day)
                })
                .collect()
        };
        for doc in plans.iter().flat_map(|(_, docs, _)| docs) {
            if !versions.contains_key(doc) {
                versions.insert(doc.clone(), reader.version(doc).await?);
            }
        }
        let mut slots: Vec<Option<AgencyRow>> = Vec::with_capacity(plans.len());
        let mut todo = Vec::new();
        for (i, (plan_id, docs, day)) in plans.iter().enumerate() {
            let mut print = String::new();
            for doc in docs {
                print.push_str(versions[doc].as_str());
                print.push('|');
            }
            print.push_str(&made.get(plan_id).copied().unwrap_or(0).to_string());
            let key = (plan_id.clone(), period, *day);
            let kept = self
                .rows
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
                let reader = crate::domain::documents::Stored(&library);
                let row = agency_row(&reader, library.store(), &key.0, period, key.2, &rules).await;
                (i, key, print, row)
            });
        }
        while let Some(done) = work.join_next().await {
            let (i, key, print, row) =
                done.map_err(|e| crate::domain::error::DomainError::Interrupted(e.to_string()))?;
            let row = row?;
            self.rows
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(key, (print, row.clone()));
            slots[i] = Some(row);
        }
        let mut rows: Vec<AgencyRow> = slots.into_iter().flatten().collect();
        province::mark_continued(&mut rows);
        Ok((ask.rollup(rows, years), computed))
    }
}
