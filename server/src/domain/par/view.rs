//! What the screens and the exports show of an agency's year: the rows of its set with the
//! agency's part, the tracker's proposals and the evidence already on the linked tasks, the
//! units' conflicts, the province's reviews, and the running index.
//!
//! Stage: *domain → HTTP answer*, under [`super`].

use std::collections::{BTreeMap, BTreeSet};

use tiendo_shared::api::par::{AppraisalView, AssessmentView, ItemView, StepView};
use tiendo_shared::model::assessment::{Assessment, EvidenceItem, FilingAction, sheet};
use tiendo_shared::model::criteria::{Mark, allowed};
use tiendo_shared::model::{Date, PeriodKind};
use tiendo_shared::views::par_index::{self, Proposal, Tracked};

use super::filing::Context;
use super::{Par, appraisal, criteria};
use crate::domain::documents::DocReader;
use crate::domain::error::Result;
use crate::domain::file_access::FileTrust;
use crate::domain::province::Rules;

impl Par {
    /// The tracker's proposals for the set's sub-criteria that name a source, with the evidence
    /// attached to their tasks (`as_of`: the year's end, or today within the year).
    async fn proposals(
        &self,
        ctx: &Context,
        rules: &Rules,
        as_of: Date,
    ) -> Result<(
        BTreeMap<String, Proposal>,
        BTreeMap<String, Vec<EvidenceItem>>,
    )> {
        let data = crate::domain::documents::gather(&self.library, &ctx.plan.id).await?;
        let summary = data.status(as_of, Some(PeriodKind::Year))?;
        let row = crate::domain::province::agency_row(
            &self.library,
            self.library.store(),
            &ctx.plan.id,
            PeriodKind::Year,
            as_of,
            rules,
        )
        .await?;
        let tracked = Tracked {
            summary: &summary,
            reports_on_time: (row.reports.on_time as u32, row.reports.expected as u32),
        };
        let proposals: BTreeMap<String, Proposal> = par_index::propose(&ctx.set, tracked)
            .into_iter()
            .map(|p| (p.code.clone(), p))
            .collect();
        let mut offered = BTreeMap::new();
        for p in proposals.values() {
            let mut items: Vec<EvidenceItem> = Vec::new();
            for progress in &data.progress {
                for task in &p.tasks {
                    let Some(periods) = progress.tasks.get(task) else {
                        continue;
                    };
                    for entry in periods.values() {
                        for ev in &entry.evidence {
                            for f in &ev.files {
                                if items.iter().any(|i| i.sha256 == f.sha256) {
                                    continue;
                                }
                                let date =
                                    ev.date.map(|d| format!(" ngày {d}")).unwrap_or_default();
                                items.push(EvidenceItem {
                                    sha256: f.sha256.clone(),
                                    name: f.name.clone(),
                                    reference: format!("{}{date} {}", ev.number, ev.summary)
                                        .trim()
                                        .to_string(),
                                    task_id: Some(task.clone()),
                                });
                            }
                        }
                    }
                }
            }
            if !items.is_empty() {
                offered.insert(p.code.clone(), items);
            }
        }
        Ok((proposals, offered))
    }

    /// The units' concurrent values, by code, for the codes assigned to each.
    async fn conflicts(
        &self,
        ctx: &Context,
    ) -> BTreeMap<String, Vec<tiendo_shared::model::progress::FieldConflict>> {
        let mut out = BTreeMap::new();
        for (unit, doc_id) in &ctx.progress_docs {
            let codes: Vec<&String> = ctx
                .record
                .assigned
                .iter()
                .filter(|(_, u)| *u == unit)
                .map(|(c, _)| c)
                .collect();
            if codes.is_empty() {
                continue;
            }
            let Ok(d) = self.library.document(doc_id).await else {
                continue;
            };
            for code in codes {
                let c = sheet::conflicts(&d, code);
                if !c.is_empty() {
                    out.insert(code.clone(), c);
                }
            }
        }
        out
    }

    /// The agency's view of its year, the assessment shown being `shown` (the current one for
    /// the agency; what was sent, for the province).
    pub async fn view_of(
        &self,
        ctx: &Context,
        shown: &Assessment,
        rules: &Rules,
        today: Date,
    ) -> Result<AssessmentView> {
        let year_end = Date::from_dmy(31, 12, ctx.record.year).unwrap_or(today);
        let (proposals, offered) = self.proposals(ctx, rules, year_end.min(today)).await?;
        let conflicts = self.conflicts(ctx).await;
        let digest = ctx.current().digest();
        let reopened = ctx.reopened();
        let units: BTreeMap<String, String> = ctx
            .agency
            .units
            .iter()
            .map(|u| (u.id.clone(), u.name.clone()))
            .collect();
        let items = ctx
            .set
            .items
            .iter()
            .map(|c| {
                let scoring = shown.items.get(&c.code).cloned().unwrap_or_default();
                let fits = match scoring.filed() {
                    None => true,
                    Some(Mark::Score(p)) => allowed(&c.rule, c.max, p),
                    Some(Mark::NotApplicable) => c.may_not_apply,
                };
                let reviews = ctx
                    .appraisal
                    .rounds
                    .iter()
                    .filter_map(|r| Some((r.number, r.reviews.get(&c.code)?.clone())))
                    .collect();
                let reopen = reopened.contains(&c.code).then(|| {
                    ctx.appraisal
                        .rounds
                        .iter()
                        .rev()
                        .find_map(|r| r.reviews.get(&c.code)?.request.clone())
                });
                ItemView {
                    code: c.code.clone(),
                    text: c.text.clone(),
                    depth: c.depth(),
                    max: c.max,
                    rule: c.rule.clone(),
                    evidence_hint: c.evidence.clone(),
                    measured: c.measured,
                    may_not_apply: c.may_not_apply,
                    kind: c.kind,
                    unit_name: scoring
                        .unit_id
                        .as_ref()
                        .and_then(|u| units.get(u).cloned())
                        .unwrap_or_default(),
                    scoring,
                    conflicts: conflicts.get(&c.code).cloned().unwrap_or_default(),
                    proposal: proposals.get(&c.code).cloned(),
                    offered: offered.get(&c.code).cloned().unwrap_or_default(),
                    reviews,
                    reopened: reopen.flatten(),
                    fits,
                }
            })
            .collect();
        let sent = ctx.record.last_sent();
        Ok(AssessmentView {
            agency_id: ctx.agency.id.clone(),
            agency_name: ctx.agency.name.clone(),
            year: ctx.record.year,
            criteria: criteria::info(&ctx.set_rec, &ctx.set),
            doc_id: ctx.record_doc.clone(),
            state: ctx.state(&digest),
            items,
            tally: shown.tally(&ctx.set),
            index: par_index::index(&ctx.set, &shown.marks()),
            appraised: sent
                .as_ref()
                .filter(|_| !ctx.appraisal.rounds.is_empty() || !ctx.appraisal.survey.is_empty())
                .map(|s| appraisal::appraised(&ctx.set, s, &ctx.appraisal)),
            proposals: shown.proposals.clone(),
            digest,
            steps: ctx
                .record
                .steps
                .iter()
                .map(|s| StepView {
                    action: s.action,
                    name: s.name.clone(),
                    at: s.at,
                    digest: s.digest.clone(),
                    round: s.round,
                })
                .collect(),
            approval_current: ctx
                .record
                .approval()
                .is_some_and(|a| a.digest == ctx.current().digest()),
            reopened,
            units: units.into_iter().collect(),
            council: ctx.appraisal.council.clone(),
        })
    }

    /// The province's view: what was last sent, with the appraisal.
    pub async fn appraisal_view(
        &self,
        ctx: &Context,
        rules: &Rules,
        today: Date,
    ) -> Result<AppraisalView> {
        let sent = ctx.record.last_sent().unwrap_or_else(|| ctx.current());
        let assessment = self.view_of(ctx, &sent, rules, today).await?;
        Ok(AppraisalView {
            assessment,
            appraisal: ctx.appraisal.clone(),
            round: ctx.round(),
            sent_digest: ctx
                .record
                .sent()
                .last()
                .map(|s| s.digest.clone())
                .unwrap_or_default(),
        })
    }

    /// The files of `shown` whose bytes may go into its archive: those the office added (it
    /// proved it holds each when adding), and those a unit's sheet names trustworthily
    /// ([`FileTrust`]): a unit cannot pull a file it never held into the archive by writing its
    /// hash.
    pub async fn trusted_files(
        &self,
        ctx: &Context,
        shown: &Assessment,
    ) -> Result<BTreeSet<String>> {
        let mut out = BTreeSet::new();
        let added: BTreeSet<&str> = ctx
            .record
            .added
            .values()
            .flatten()
            .flat_map(|a| &a.evidence)
            .map(|e| e.sha256.as_str())
            .collect();
        let mut docs: BTreeMap<String, automerge::Automerge> = BTreeMap::new();
        for scoring in shown.items.values() {
            for e in &scoring.evidence {
                if out.contains(&e.sha256) {
                    continue;
                }
                if added.contains(e.sha256.as_str()) {
                    out.insert(e.sha256.clone());
                    continue;
                }
                let Some(doc_id) = scoring
                    .unit_id
                    .as_ref()
                    .and_then(|u| ctx.progress_docs.get(u))
                else {
                    continue;
                };
                // A file nobody proved they hold is not stored to be served: no need to walk
                // the unit's document for it (a sheet may name any number of made-up hashes).
                let trust = FileTrust::of(self.library.store(), &e.sha256).await?;
                if trust.holders.is_empty() {
                    continue;
                }
                if !docs.contains_key(doc_id) {
                    docs.insert(doc_id.clone(), self.library.document(doc_id).await?);
                }
                let namings =
                    tiendo_shared::model::progress::file_namings(&docs[doc_id], &e.sha256);
                let Some(rec) = self.library.catalogue().get(doc_id) else {
                    continue;
                };
                let may_write = |u: &crate::domain::accounts::User| {
                    crate::domain::access::access(u, &rec, false)
                        == crate::domain::access::Access::Write
                };
                if trust
                    .names_trustworthily(doc_id, &namings, &may_write)
                    .await?
                {
                    out.insert(e.sha256.clone());
                }
            }
        }
        Ok(out)
    }

    /// The head's approval in force for the report's signature: name and day.
    pub fn approved(ctx: &Context) -> Option<(String, Date)> {
        let step = ctx
            .record
            .steps
            .iter()
            .rev()
            .find(|s| s.action == FilingAction::Approve)?;
        Some((step.name.clone(), Date::from_unix_millis_vn(step.at)?))
    }
}
