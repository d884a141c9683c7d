//! The province's side of the PAR index: its appraisal of what each agency sent (reviews by
//! round, the survey's scores, the council's decision) and the ranking of a group.
//!
//! Stage: *domain*, under [`super`]. The round under way is the one the agency's last sending
//! answers: the first sending opens round 1, a resubmission after "yêu cầu bổ sung" round 2.
//! More evidence may be asked only in round 1; round 2 is the last check before the council.
//! The ranking computes each agency's index from its last sending and its appraisal, kept per
//! pair of document states ([`crate::domain::documents::Models`]), so after one change only that
//! agency's index is computed again. It reads the documents as stored, as the province's roll-up
//! does ([`Stored`]): their readings are kept in SQLite by the print of their chunks, so a
//! restarted server ranks the group without loading and hydrating every agency's plan, record
//! and appraisal again.

use tiendo_shared::api::par::{FilingState, RankRow, Ranking, ReviewRequest};
use tiendo_shared::model::appraisal::{Appraisal, Council, Review, Round};
use tiendo_shared::model::assessment::Record;
use tiendo_shared::model::criteria::{CriteriaSet, Mark, Measured, Points, allowed};
use tiendo_shared::views::par_index::{self, Index};

use super::filing::Context;
use super::{Par, criteria, level_of};
use crate::domain::accounts::User;
use crate::domain::documents::{DocReader, Stored, Version};
use crate::domain::error::{DomainError, Result};
use crate::store::{DocKind, DocRecord};

/// The index of what was sent, as appraised.
pub fn appraised(
    set: &CriteriaSet,
    sent: &tiendo_shared::model::assessment::Assessment,
    a: &Appraisal,
) -> Index {
    par_index::index(set, &a.marks(&sent.marks()))
}

impl Par {
    /// The appraisal document of `ctx`'s agency and year, made when there is none.
    async fn appraisal_doc(&self, ctx: &Context) -> Result<String> {
        if let Some(d) = &ctx.appraisal_doc {
            return Ok(d.clone());
        }
        let (agency_id, year) = (ctx.agency.id.clone(), ctx.record.year);
        let title = format!("Thẩm định Chỉ số CCHC năm {year} — {}", ctx.agency.name);
        self.served(
            DocKind::Appraisal,
            &ctx.agency.id,
            &ctx.plan.id,
            title,
            || Appraisal {
                agency_id,
                year,
                ..Appraisal::default()
            },
        )
        .await
    }

    /// Whether the province may appraise now: something was sent and no result is final.
    fn appraisable(ctx: &Context) -> Result<u32> {
        if ctx.appraisal.finalised() {
            return Err(DomainError::Conflict(
                "kết quả đã được hội đồng thông qua".into(),
            ));
        }
        match ctx.round() {
            0 => Err(DomainError::Conflict(
                "cơ quan chưa gửi bản tự đánh giá".into(),
            )),
            round => Ok(round),
        }
    }

    /// The appraisal team's word on a sub-criterion in the round under way.
    pub async fn review(&self, user: &User, ctx: &Context, req: ReviewRequest) -> Result<()> {
        let round = Self::appraisable(ctx)?;
        let c = ctx
            .set
            .scored()
            .find(|c| c.code == req.code)
            .ok_or_else(|| DomainError::BadRequest(format!("không có tiêu chí {}", req.code)))?;
        if let Some(adj) = &req.adjusted {
            let fits = match adj.mark {
                Mark::Score(p) => allowed(&c.rule, c.max, p),
                Mark::NotApplicable => c.may_not_apply,
            };
            if !fits {
                return Err(DomainError::BadRequest(format!(
                    "điểm thẩm định của tiêu chí {} không theo cách chấm",
                    req.code
                )));
            }
            if adj.reason.trim().is_empty() {
                return Err(DomainError::BadRequest(
                    "điểm thẩm định khác điểm tự chấm cần ghi lý do".into(),
                ));
            }
        }
        if req.request.is_some() && round > 1 {
            return Err(DomainError::Conflict(
                "vòng 2 không yêu cầu bổ sung thêm; hội đồng quyết định trên hồ sơ đã có".into(),
            ));
        }
        if c.measured == Measured::Survey {
            return Err(DomainError::BadRequest(format!(
                "tiêu chí {} do điều tra xã hội học: nhập ở phần điểm điều tra",
                req.code
            )));
        }
        let doc = self.appraisal_doc(ctx).await?;
        let review = Review {
            comment: req.comment.trim().to_string(),
            adjusted: req.adjusted,
            request: req.request,
            by: user.username.clone(),
        };
        let code = req.code;
        self.change::<Appraisal, _>(&doc, user, move |a| {
            let at = match a.rounds.iter().position(|r| r.number == round) {
                Some(i) => i,
                None => {
                    a.rounds.push(Round {
                        number: round,
                        ..Round::default()
                    });
                    a.rounds.len() - 1
                }
            };
            a.rounds[at].reviews.insert(code, review);
            Ok(())
        })
        .await
    }

    /// The survey's scores of the agency, within each survey sub-criterion's maximum.
    pub async fn survey(
        &self,
        user: &User,
        ctx: &Context,
        scores: std::collections::BTreeMap<String, Points>,
    ) -> Result<()> {
        if ctx.appraisal.finalised() {
            return Err(DomainError::Conflict(
                "kết quả đã được hội đồng thông qua".into(),
            ));
        }
        for (code, p) in &scores {
            let c = ctx
                .set
                .scored()
                .find(|c| &c.code == code && c.measured == Measured::Survey)
                .ok_or_else(|| {
                    DomainError::BadRequest(format!("{code} không phải tiêu chí điều tra XHH"))
                })?;
            if *p < Points::ZERO || *p > c.max {
                return Err(DomainError::BadRequest(format!(
                    "điểm điều tra của {code} phải từ 0 đến {}",
                    c.max
                )));
            }
        }
        let doc = self.appraisal_doc(ctx).await?;
        self.change::<Appraisal, _>(&doc, user, move |a| {
            a.survey.extend(scores);
            Ok(())
        })
        .await
    }

    /// The council's decision record (once adopted, the result is final).
    pub async fn council(&self, user: &User, ctx: &Context, council: Council) -> Result<()> {
        Self::appraisable(ctx)?;
        if council.present > council.members || council.votes_for > council.present {
            return Err(DomainError::BadRequest(
                "số thành viên có mặt, số phiếu tán thành không hợp lệ".into(),
            ));
        }
        if !ctx.reopened().is_empty() {
            return Err(DomainError::Conflict(
                "còn tiêu chí đang chờ cơ quan bổ sung".into(),
            ));
        }
        let doc = self.appraisal_doc(ctx).await?;
        self.change::<Appraisal, _>(&doc, user, move |a| {
            a.council = Some(council);
            Ok(())
        })
        .await
    }

    /// The ranking of the group set `criteria_id` judges: each agency of its level with a plan
    /// of its year, ranked by its appraised index once it has sent.
    pub async fn ranking(&self, criteria_id: &str) -> Result<Ranking> {
        let (set_rec, set) = self.set(criteria_id).await?;
        // One look at the catalogue for the whole group (each look copies it whole), by agency,
        // in the catalogue's order.
        let catalogue = self.library.catalogue().all();
        let mut of_agency: std::collections::HashMap<&str, Vec<&DocRecord>> =
            std::collections::HashMap::new();
        for r in &catalogue {
            if matches!(
                r.kind,
                DocKind::Plan | DocKind::Assessment | DocKind::Appraisal
            ) {
                of_agency.entry(r.agency_id.as_str()).or_default().push(r);
            }
        }
        let stored = Stored(&self.library);
        let mut rows = Vec::new();
        for agency in self.library.agencies().await? {
            if level_of(&agency) != set.level {
                continue;
            }
            let docs = of_agency
                .get(agency.id.as_str())
                .map_or(&[][..], Vec::as_slice);
            let Some(plan_id) = self.plan_of_year(&stored, docs, set.year).await else {
                continue;
            };
            rows.push(
                self.rank_row(&stored, &set, &agency, docs, &plan_id)
                    .await?,
            );
        }
        let sent: Vec<(String, Points)> = rows
            .iter()
            .filter_map(|r| Some((r.agency_id.clone(), r.index?)))
            .collect();
        for ranked in par_index::rank(&sent) {
            if let Some(r) = rows.iter_mut().find(|r| r.agency_id == ranked.agency_id) {
                r.rank = Some(ranked.rank);
            }
        }
        rows.sort_by(|a, b| {
            (a.rank.is_none(), a.rank, &a.agency_name).cmp(&(
                b.rank.is_none(),
                b.rank,
                &b.agency_name,
            ))
        });
        Ok(Ranking {
            criteria: criteria::info(&set_rec, &set),
            rows,
        })
    }

    /// The id of the plan of `year` among an agency's documents `docs` (the last catalogued, as
    /// [`Par::plan_of`]); each plan's id and year kept for its stored state, so a ranking neither
    /// copies nor hydrates a plan that did not change.
    async fn plan_of_year(
        &self,
        stored: &Stored<'_>,
        docs: &[&DocRecord],
        year: i32,
    ) -> Option<String> {
        let mut found = None;
        for rec in docs.iter().filter(|r| r.kind == DocKind::Plan) {
            let Ok(version) = stored.version(&rec.doc_id).await else {
                continue;
            };
            let key = format!("par-plan-year:{}", rec.doc_id);
            let kept = match self
                .library
                .models()
                .get::<(String, Option<i32>)>(&key, &version)
            {
                Some(kept) => kept,
                None => {
                    let Ok(plan) = stored
                        .reading::<tiendo_shared::model::Plan>(&rec.doc_id)
                        .await
                    else {
                        continue;
                    };
                    let kept = (plan.model.id.clone(), plan.model.effective_year());
                    self.library.models().keep(&key, version, kept.clone());
                    kept
                }
            };
            if kept.1 == Some(year) {
                found = Some(kept.0);
            }
        }
        found
    }

    /// One agency's row, kept for the stored states of its record and appraisal (among the
    /// agency's documents `docs`).
    async fn rank_row(
        &self,
        stored: &Stored<'_>,
        set: &CriteriaSet,
        agency: &tiendo_shared::model::Agency,
        docs: &[&DocRecord],
        plan_id: &str,
    ) -> Result<RankRow> {
        let find = |kind| {
            docs.iter()
                .find(|r| r.kind == kind && r.plan_id.as_deref() == Some(plan_id))
                .copied()
        };
        let empty = RankRow {
            agency_id: agency.id.clone(),
            agency_name: agency.name.clone(),
            rank: None,
            state: FilingState::Draft,
            self_index: None,
            index: None,
            lost: Vec::new(),
        };
        let Some(record_rec) = find(DocKind::Assessment) else {
            return Ok(empty);
        };
        let appraisal_rec = find(DocKind::Appraisal);
        let mut versions = vec![stored.version(&record_rec.doc_id).await?];
        if let Some(a) = appraisal_rec {
            versions.push(stored.version(&a.doc_id).await?);
        }
        let key = format!("par-rank:{}:{}:{}", set.id, agency.id, record_rec.doc_id);
        let version = Version::joined(&versions);
        if let Some(kept) = self.library.models().get::<RankRow>(&key, &version) {
            return Ok(kept);
        }
        let record: Record = stored.reading(&record_rec.doc_id).await?.model;
        let appraisal: Appraisal = match appraisal_rec {
            Some(a) => stored.reading(&a.doc_id).await?.model,
            None => Appraisal::default(),
        };
        let row = match record.last_sent() {
            None => empty,
            Some(sent) => {
                let index = appraised(set, &sent, &appraisal);
                let reopened = appraisal
                    .rounds
                    .iter()
                    .find(|r| Some(r.number) == record.sent().last().map(|s| s.round))
                    .is_some_and(|r| r.reviews.values().any(|v| v.request.is_some()));
                RankRow {
                    state: if appraisal.finalised() {
                        FilingState::Final
                    } else if reopened {
                        FilingState::Reopened
                    } else {
                        FilingState::Sent
                    },
                    self_index: Some(par_index::index(set, &sent.marks()).index),
                    index: Some(index.index),
                    lost: index.lost,
                    ..empty
                }
            }
        };
        self.library.models().keep(&key, version, row.clone());
        Ok(row)
    }
}

/// What next year's draft takes from a final result: the points lost, the unit (by name) that
/// answered for each, and the central office's name for the rest.
pub struct Remediation {
    /// The points lost, as appraised.
    pub lost: Vec<tiendo_shared::views::par_index::Lost>,
    /// Code → the responsible unit's name.
    pub leads: std::collections::BTreeMap<String, String>,
    /// The central office's name.
    pub office: String,
}

impl Par {
    /// The remediation of `agency_id`'s `year`, once its result is final (none before, or when
    /// the agency has no assessment).
    pub async fn remediation(&self, agency_id: &str, year: i32) -> Result<Option<Remediation>> {
        let exists = self
            .records(DocKind::Assessment)
            .into_iter()
            .any(|r| r.agency_id == agency_id);
        if !exists {
            return Ok(None);
        }
        let Ok(ctx) = self.context(agency_id, year).await else {
            return Ok(None);
        };
        let Some(sent) = ctx.record.last_sent().filter(|_| ctx.appraisal.finalised()) else {
            return Ok(None);
        };
        let index = appraised(&ctx.set, &sent, &ctx.appraisal);
        let name = |unit: &str| ctx.agency.unit(unit).map(|u| u.name.clone());
        let leads = sent
            .items
            .iter()
            .filter_map(|(code, s)| Some((code.clone(), name(s.unit_id.as_deref()?)?)))
            .collect();
        let office = ctx
            .agency
            .central_office
            .as_deref()
            .and_then(name)
            .unwrap_or_default();
        Ok(Some(Remediation {
            lost: index.lost,
            leads,
            office,
        }))
    }
}
