//! An agency's side of the PAR index: its assessment as it stands (the record, the units'
//! sheets, the province's requests), the office's acts on it, and the head's approval and
//! sending.
//!
//! Stage: *domain*, under [`super`]. The rules of a year's filing:
//!
//! - before the first sending, the office assigns, confirms or overrides and adds freely;
//! - the head approves the assessment as shown — the approval names its digest — and sends what
//!   was approved: a sending refuses an assessment that changed since, and keeps the content sent
//!   in the record, so the province reads exactly that, whatever changes after;
//! - after a sending nothing changes, except the sub-criteria the province reopened ("yêu cầu
//!   bổ sung"): a resubmission takes those from the units' sheets and the office's additions, and
//!   everything else from what was sent before ([`Assessment::keeping`]).

use std::collections::BTreeMap;

use tiendo_shared::api::par::{AssignRequest, FilingState, OfficeCallRequest};
use tiendo_shared::model::appraisal::Appraisal;
use tiendo_shared::model::assessment::{
    Addition, Assessment, FilingAction, FilingStep, OfficeCall, Record, SheetEntry, sheet,
};
use tiendo_shared::model::criteria::{CriteriaSet, Mark, Measured, allowed};
use tiendo_shared::model::{Agency, Plan};

use super::{Par, level_of, now_ms};
use crate::domain::accounts::User;
use crate::domain::documents::DocReader;
use crate::domain::error::{DomainError, Result};
use crate::domain::file_access::FileTrust;
use crate::store::{DocKind, DocRecord};

/// Everything an agency's year of the PAR index is read from.
pub struct Context {
    /// The agency.
    pub agency: Agency,
    /// Its plan of the year.
    pub plan_rec: DocRecord,
    /// That plan.
    pub plan: Plan,
    /// The set it is scored against.
    pub set_rec: DocRecord,
    /// That set.
    pub set: CriteriaSet,
    /// The record's document.
    pub record_doc: String,
    /// The record.
    pub record: Record,
    /// The appraisal's document, once the province made it.
    pub appraisal_doc: Option<String>,
    /// The appraisal (empty before).
    pub appraisal: Appraisal,
    /// Each unit's progress document of the plan.
    pub progress_docs: BTreeMap<String, String>,
    /// Each unit's sheet.
    pub sheets: BTreeMap<String, BTreeMap<String, SheetEntry>>,
}

impl Context {
    /// The assessment from the documents as they are now.
    pub fn live(&self) -> Assessment {
        self.record.merge(&self.sheets, &BTreeMap::new())
    }

    /// The round the last sending answers (0 before any).
    pub fn round(&self) -> u32 {
        self.record.sent().last().map_or(0, |s| s.round)
    }

    /// The sub-criteria the province asked more of in the round of the last sending, before the
    /// agency sent again.
    pub fn reopened(&self) -> Vec<String> {
        let round = self.round();
        if round == 0 || self.appraisal.finalised() {
            return Vec::new();
        }
        self.appraisal
            .rounds
            .iter()
            .find(|r| r.number == round)
            .map(|r| {
                r.reviews
                    .iter()
                    .filter(|(_, v)| v.request.is_some())
                    .map(|(c, _)| c.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The assessment the head would approve and send now: before any sending, the live one;
    /// after, what was sent with only the reopened sub-criteria taken live.
    pub fn current(&self) -> Assessment {
        match self.record.last_sent() {
            None => self.live(),
            Some(sent) => self.live().keeping(&sent, &self.reopened()),
        }
    }

    /// Where the filing stands, for the assessment as it stands (`digest`).
    pub fn state(&self, digest: &str) -> FilingState {
        if self.appraisal.finalised() {
            return FilingState::Final;
        }
        let approved = self.record.approval().is_some_and(|a| a.digest == digest);
        let sent_last = self
            .record
            .steps
            .last()
            .is_some_and(|s| s.action == FilingAction::Send);
        match (self.round(), approved) {
            (_, true) => FilingState::Approved,
            (0, false) => FilingState::Draft,
            _ if !sent_last || !self.reopened().is_empty() => {
                if self.reopened().is_empty() {
                    FilingState::Sent
                } else {
                    FilingState::Reopened
                }
            }
            _ => FilingState::Sent,
        }
    }

    /// Whether the office may change sub-criterion `code` (none: the assessment's own texts).
    pub fn editable(&self, code: Option<&str>) -> Result<()> {
        let state = self.state(&self.current().digest());
        match state {
            FilingState::Draft | FilingState::Approved if self.round() == 0 => Ok(()),
            FilingState::Final => Err(DomainError::Conflict(
                "Chỉ số CCHC năm này đã có kết quả; không sửa được".into(),
            )),
            _ => match code {
                Some(c) if self.reopened().iter().any(|r| r == c) => Ok(()),
                None if !self.reopened().is_empty() => Ok(()),
                _ if self.reopened().is_empty() => Err(DomainError::Conflict(
                    "bản tự đánh giá đã gửi Sở Nội vụ; chờ thẩm định".into(),
                )),
                _ => Err(DomainError::Conflict(
                    "chỉ bổ sung được các tiêu chí Sở Nội vụ yêu cầu bổ sung".into(),
                )),
            },
        }
    }

    fn sub_criterion(&self, code: &str) -> Result<&tiendo_shared::model::criteria::Criterion> {
        self.set
            .scored()
            .find(|c| c.code == code)
            .ok_or_else(|| DomainError::BadRequest(format!("không có tiêu chí thành phần {code}")))
    }
}

impl Par {
    /// The context of `agency_id`'s `year`, its record made (from the set of its level and year)
    /// when there is none.
    pub async fn context(&self, agency_id: &str, year: i32) -> Result<Context> {
        let agency = self.agency(agency_id).await?;
        let (plan_rec, plan) = self.plan_of(agency_id, year).await?;
        let plan_id = plan.id.clone();
        let existing = self
            .records(DocKind::Assessment)
            .into_iter()
            .find(|r| r.agency_id == agency_id && r.plan_id.as_deref() == Some(plan_id.as_str()));
        let (record_doc, record) = match existing {
            Some(rec) => {
                let record: Record = self.model(&rec.doc_id).await?;
                (rec.doc_id, record)
            }
            None => {
                let (_, set) = self.set_for(level_of(&agency), year).await?;
                let title = format!("Tự đánh giá Chỉ số CCHC năm {year} — {}", agency.name);
                let doc = self
                    .served(DocKind::Assessment, agency_id, &plan_id, title, || {
                        Record::new(agency_id, year, &set.id)
                    })
                    .await?;
                (doc.clone(), self.model(&doc).await?)
            }
        };
        let (set_rec, set) = self.set(&record.criteria_id).await?;
        let appraisal_doc = self
            .records(DocKind::Appraisal)
            .into_iter()
            .find(|r| r.agency_id == agency_id && r.plan_id.as_deref() == Some(plan_id.as_str()))
            .map(|r| r.doc_id);
        let appraisal = match &appraisal_doc {
            Some(d) => self.model(d).await?,
            None => Appraisal::default(),
        };
        let progress_docs = self.progress_docs(&plan_id);
        let mut sheets = BTreeMap::new();
        for (unit, doc) in &progress_docs {
            // A unit whose document does not read has no part yet; the rest goes on.
            if let Ok(r) = self
                .library
                .reading::<tiendo_shared::model::Progress>(doc)
                .await
            {
                sheets.insert(unit.clone(), r.sheet);
            }
        }
        Ok(Context {
            agency,
            plan_rec,
            plan,
            set_rec,
            set,
            record_doc,
            record,
            appraisal_doc,
            appraisal,
            progress_docs,
            sheets,
        })
    }

    /// Assigns sub-criteria to units (an empty unit: nobody), and writes each unit's codes into
    /// its progress document for its tablets.
    pub async fn assign(&self, user: &User, ctx: &Context, req: &AssignRequest) -> Result<()> {
        for (code, unit) in &req.assigned {
            let c = ctx.sub_criterion(code)?;
            if c.measured == Measured::Survey {
                return Err(DomainError::BadRequest(format!(
                    "tiêu chí {code} do Sở Nội vụ điều tra, không giao đơn vị chấm"
                )));
            }
            if !unit.is_empty() && ctx.agency.unit(unit).is_none() {
                return Err(DomainError::BadRequest(format!(
                    "đơn vị {unit} không thuộc cơ quan"
                )));
            }
            ctx.editable(Some(code))?;
        }
        let assigned = req.assigned.clone();
        let record = self
            .change::<Record, _>(&ctx.record_doc, user, move |r| {
                r.assigned.extend(assigned);
                Ok(r.clone())
            })
            .await?;
        self.mirror_assigned(&record, &ctx.progress_docs).await
    }

    /// Writes into each unit's progress document the codes the record assigns it.
    async fn mirror_assigned(
        &self,
        record: &Record,
        progress_docs: &BTreeMap<String, String>,
    ) -> Result<()> {
        for (unit, doc) in progress_docs {
            let codes: Vec<String> = record
                .assigned
                .iter()
                .filter(|(_, u)| *u == unit)
                .map(|(c, _)| c.clone())
                .collect();
            let handle = self.library.handle(doc).await?;
            handle.with_document(|d| {
                sheet::set_assigned(
                    d,
                    &codes,
                    crate::domain::library::SYSTEM_AUTHOR,
                    tiendo_shared::model::doc::UnixTime(crate::unix_now()),
                )
            })?;
        }
        Ok(())
    }

    /// The office confirms, overrides (with a reason) or withdraws its call on a sub-criterion.
    pub async fn office_call(
        &self,
        user: &User,
        ctx: &Context,
        req: &OfficeCallRequest,
    ) -> Result<()> {
        let c = ctx.sub_criterion(&req.code)?;
        ctx.editable(Some(&req.code))?;
        let call = match req.mark {
            None => None,
            Some(mark) => {
                let fits = match mark {
                    Mark::Score(p) => allowed(&c.rule, c.max, p),
                    Mark::NotApplicable => c.may_not_apply,
                };
                if !fits {
                    return Err(DomainError::BadRequest(format!(
                        "điểm của tiêu chí {} không theo cách chấm của bộ tiêu chí",
                        req.code
                    )));
                }
                let unit_mark = ctx.live().items.get(&req.code).and_then(|s| s.mark);
                if unit_mark.is_some_and(|u| u != mark) && req.reason.trim().is_empty() {
                    return Err(DomainError::BadRequest(format!(
                        "điểm khác điểm đơn vị chấm ở tiêu chí {}: cần ghi lý do",
                        req.code
                    )));
                }
                Some(OfficeCall {
                    mark,
                    reason: req.reason.trim().to_string(),
                    by: user.username.clone(),
                })
            }
        };
        let code = req.code.clone();
        self.change::<Record, _>(&ctx.record_doc, user, move |r| {
            r.office.insert(code, call);
            Ok(())
        })
        .await
    }

    /// The office adds evidence (files it uploaded itself, or the agency's reports name) and a
    /// giải trình to a sub-criterion, beside what it added before.
    pub async fn add(&self, user: &User, ctx: &Context, code: &str, add: Addition) -> Result<()> {
        ctx.sub_criterion(code)?;
        ctx.editable(Some(code))?;
        for e in &add.evidence {
            if !tiendo_shared::model::is_sha256(&e.sha256) {
                return Err(DomainError::BadRequest(format!(
                    "mã tệp không hợp lệ: {}",
                    e.sha256
                )));
            }
            // A file the office itself sent, or one the agency's reports already name
            // trustworthily (the evidence offered from the tasks): a hash alone opens nothing.
            if !self.may_file_evidence(user, ctx, &e.sha256).await? {
                return Err(DomainError::Forbidden(format!(
                    "tệp {} chưa được tải lên từ tài khoản này, cũng không có trong báo cáo của cơ quan",
                    e.name
                )));
            }
        }
        let code = code.to_string();
        // What the office adds joins what it added before (a second "Bổ sung" loses nothing);
        // a new explanation replaces the former one.
        self.change::<Record, _>(&ctx.record_doc, user, move |r| {
            let before = r.added.get(&code).cloned().flatten().unwrap_or_default();
            let mut evidence = before.evidence;
            for e in add.evidence {
                match evidence.iter_mut().find(|x| x.sha256 == e.sha256) {
                    Some(x) => *x = e,
                    None => evidence.push(e),
                }
            }
            let explanation = if add.explanation.trim().is_empty() {
                before.explanation
            } else {
                add.explanation
            };
            r.added.insert(
                code,
                Some(Addition {
                    evidence,
                    explanation,
                }),
            );
            Ok(())
        })
        .await
    }

    /// Whether the office may file `sha256` as evidence: it sent the bytes itself, or a unit's
    /// progress document of the plan names it trustworthily ([`FileTrust`]).
    async fn may_file_evidence(&self, user: &User, ctx: &Context, sha256: &str) -> Result<bool> {
        let trust = FileTrust::of(self.library.store(), sha256).await?;
        if trust.held_by(user.id) {
            return Ok(true);
        }
        for doc_id in ctx.progress_docs.values() {
            let d = crate::domain::documents::DocReader::document(&self.library, doc_id).await?;
            let namings = tiendo_shared::model::progress::file_namings(&d, sha256);
            if namings.is_empty() {
                continue;
            }
            let Some(rec) = self.library.catalogue().get(doc_id) else {
                continue;
            };
            let may_write = |u: &User| {
                crate::domain::access::access(u, &rec, false)
                    == crate::domain::access::Access::Write
            };
            if trust
                .names_trustworthily(doc_id, &namings, &may_write)
                .await?
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The office writes the difficulties and proposals.
    pub async fn write_proposals(&self, user: &User, ctx: &Context, text: &str) -> Result<()> {
        ctx.editable(None)?;
        let text = text.trim().to_string();
        self.change::<Record, _>(&ctx.record_doc, user, move |r| {
            r.proposals = text;
            Ok(())
        })
        .await
    }

    /// The head approves the assessment as they saw it (`digest`), or sends the approved one.
    pub async fn file(
        &self,
        user: &User,
        ctx: &Context,
        action: FilingAction,
        digest: &str,
    ) -> Result<()> {
        let current = ctx.current();
        let now = current.digest();
        if now != digest {
            return Err(DomainError::Conflict(
                "bản tự đánh giá đã thay đổi từ khi mở; tải lại và xem lại trước khi duyệt".into(),
            ));
        }
        let state = ctx.state(&now);
        let step = |content: String, round: u32| FilingStep {
            action,
            by: user.username.clone(),
            name: user.display_name.clone(),
            role: user.role.as_str().into(),
            at: now_ms(),
            digest: now.clone(),
            content,
            round,
        };
        let step = match action {
            FilingAction::Approve => {
                match state {
                    FilingState::Draft | FilingState::Reopened => {}
                    FilingState::Approved => {
                        return Err(DomainError::Conflict("đã duyệt bản này".into()));
                    }
                    FilingState::Sent | FilingState::Final => {
                        return Err(DomainError::Conflict(
                            "bản tự đánh giá đã gửi Sở Nội vụ".into(),
                        ));
                    }
                }
                let tally = current.tally(&ctx.set);
                if !tally.out_of_rule.is_empty() {
                    return Err(DomainError::BadRequest(format!(
                        "các tiêu chí chấm không theo cách chấm: {}",
                        tally.out_of_rule.join(", ")
                    )));
                }
                step(String::new(), 0)
            }
            FilingAction::Send => {
                if state != FilingState::Approved {
                    return Err(DomainError::Conflict(
                        "chỉ gửi được bản đã được thủ trưởng duyệt".into(),
                    ));
                }
                step(current.canonical(), ctx.round() + 1)
            }
        };
        tracing::info!(agency = %ctx.agency.id, year = ctx.record.year, user = %user.username, action = ?action, digest = %now, "PAR assessment filing step");
        // Decided on the steps read above: a step another request recorded since (the same
        // sending twice at once) refuses this one, checked under the document's lock.
        let seen = ctx.record.steps.clone();
        self.change::<Record, _>(&ctx.record_doc, user, move |r| {
            if r.steps != seen {
                return Err(DomainError::Conflict(
                    "bản tự đánh giá vừa được duyệt hoặc gửi từ nơi khác; tải lại để xem".into(),
                ));
            }
            r.steps.push(step);
            Ok(())
        })
        .await
    }
}
