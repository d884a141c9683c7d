//! The agency's "Chỉ số CCHC" screen as its central office and its head see it: the rows of the
//! server's [`AssessmentView`] with who answers for each, the unit's score, the tracker's
//! proposal, the office's call, the evidence and the province's reviews; how far the agency has
//! got; what each may do now (the office edits while it is a draft or a row is reopened; the
//! head approves what it sees and sends what it approved).
//!
//! Stage: *view model* (office build), pure: the server's view in, rows and requests out. The
//! rules mirror the server's (`server/src/domain/par/filing.rs`), which decides.

use tiendo_shared::api::par::{AssessmentView, FilingState, ItemView, OfficeCallRequest};
use tiendo_shared::model::assessment::EvidenceItem;
use tiendo_shared::model::criteria::{ItemKind, Measured};
use tiendo_shared::model::role::Role;

use super::{Limits, mark_shown, read_mark, rule_hint};
use crate::error::ClientError;
use crate::text;

/// One row of the office's table.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficeRow {
    /// Its code.
    pub code: String,
    /// What it judges.
    pub text: String,
    /// 1 area, 2 criterion, 3 sub-criterion.
    pub depth: usize,
    /// A sub-criterion (a row that is scored).
    pub scored: bool,
    /// Its maximum, shown.
    pub max: String,
    /// Its rule, in words (sub-criteria).
    pub rule_hint: String,
    /// The evidence expected.
    pub evidence_hint: String,
    /// Measured by the province's survey: the agency does not score it.
    pub survey: bool,
    /// "Điểm thưởng", "Điểm trừ" or nothing.
    pub kind: &'static str,
    /// The unit answering for it (its id; empty: none).
    pub unit_id: String,
    /// Its name.
    pub unit_name: String,
    /// The unit's score, shown.
    pub unit_mark: String,
    /// The tracker's proposal: the score shown and its basis.
    pub proposal: Option<(String, String)>,
    /// The office's call: the score shown and its reason.
    pub office: Option<(String, String)>,
    /// The score filed, shown.
    pub filed: String,
    /// The score filed does not fit the rule.
    pub out_of_rule: bool,
    /// Scored with neither evidence nor a giải trình.
    pub missing_evidence: bool,
    /// The unit's evidence.
    pub evidence: Vec<EvidenceItem>,
    /// The tasks' evidence the tracker offers (not yet the row's).
    pub offered: Vec<EvidenceItem>,
    /// The unit's giải trình.
    pub explanation: String,
    /// Its sheet holds concurrent values (the unit is to settle them): each field with every
    /// value and its author.
    pub conflicts: Vec<String>,
    /// The province's reviews, one line each ("Vòng 1: …").
    pub reviews: Vec<String>,
    /// The latest round asks for more: what, by when.
    pub reopened: Option<String>,
}

fn kind_label(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Normal => "",
        ItemKind::Bonus => text::par::DIEM_THUONG,
        ItemKind::Penalty => text::par::DIEM_TRU,
    }
}

/// A review as the agency reads it.
pub fn review_line(round: u32, r: &tiendo_shared::model::appraisal::Review) -> String {
    let mut parts = Vec::new();
    if !r.comment.trim().is_empty() {
        parts.push(r.comment.trim().to_string());
    }
    if let Some(a) = &r.adjusted {
        parts.push(text::par::diem_tham_dinh(
            &mark_shown(Some(a.mark)),
            &a.reason,
        ));
    }
    if let Some(q) = &r.request {
        parts.push(text::par::yeu_cau_bo_sung_han(&q.what, &q.by.vi()));
    }
    text::par::vong(&round, &parts.join("; "))
}

/// The conflicts of a row, one line per field: every value and who wrote it.
fn conflict_lines(item: &ItemView) -> Vec<String> {
    item.conflicts
        .iter()
        .map(|c| {
            let values = c
                .values
                .iter()
                .map(|v| {
                    let who =
                        v.by.as_ref()
                            .and_then(|b| b.author.clone())
                            .unwrap_or_else(|| "?".into());
                    format!(
                        "{} ({who})",
                        if v.value.is_empty() { "—" } else { &v.value }
                    )
                })
                .collect::<Vec<_>>()
                .join(" / ");
            format!("{}: {values}", text::par::field_label(&c.field))
        })
        .collect()
}

/// The rows of the view, in the set's order.
pub fn rows(view: &AssessmentView) -> Vec<OfficeRow> {
    view.items
        .iter()
        .map(|i| {
            let scored = !view
                .items
                .iter()
                .any(|o| o.code.starts_with(&format!("{}.", i.code)));
            let s = &i.scoring;
            let offered = i
                .offered
                .iter()
                .filter(|o| !s.evidence.iter().any(|e| e.sha256 == o.sha256))
                .cloned()
                .collect();
            OfficeRow {
                code: i.code.clone(),
                text: i.text.clone(),
                depth: i.depth,
                scored,
                max: i.max.to_string(),
                rule_hint: if scored {
                    rule_hint(&i.rule, i.max)
                } else {
                    String::new()
                },
                evidence_hint: i.evidence_hint.clone(),
                survey: i.measured == Measured::Survey,
                kind: kind_label(i.kind),
                unit_id: s.unit_id.clone().unwrap_or_default(),
                unit_name: i.unit_name.clone(),
                unit_mark: mark_shown(s.mark),
                proposal: i.proposal.as_ref().map(|p| {
                    (
                        p.points.map_or_else(|| "—".into(), |p| p.to_string()),
                        p.basis.clone(),
                    )
                }),
                office: s
                    .office
                    .as_ref()
                    .map(|c| (mark_shown(Some(c.mark)), c.reason.clone())),
                filed: mark_shown(s.filed()),
                out_of_rule: view.tally.out_of_rule.contains(&i.code),
                missing_evidence: view.tally.missing_evidence.contains(&i.code),
                evidence: s.evidence.clone(),
                offered,
                explanation: s.explanation.clone(),
                conflicts: conflict_lines(i),
                reviews: i.reviews.iter().map(|(n, r)| review_line(*n, r)).collect(),
                reopened: i
                    .reopened
                    .as_ref()
                    .map(|q| text::par::yeu_cau_bo_sung_han(&q.what, &q.by.vi())),
            }
        })
        .collect()
}

/// "Đã chấm x / y".
pub fn progress_line(view: &AssessmentView) -> String {
    text::par::da_cham(&view.tally.scored, &view.tally.to_score)
}

/// What the signed-in user may do with the assessment now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Powers {
    /// The office edits: assigns, confirms, adds (every row while a draft; else the reopened).
    pub office: bool,
    /// The head may approve the assessment as shown.
    pub approve: bool,
    /// The head may send what it approved.
    pub send: bool,
    /// The office may turn the lost points into next year's tasks.
    pub remediation: bool,
}

/// What `role` may do with `view` now.
pub fn powers(role: Role, view: &AssessmentView) -> Powers {
    let office = role == Role::AgencyAdmin;
    let head = role == Role::AgencyHead;
    let open = match view.state {
        FilingState::Draft | FilingState::Approved => view.steps.iter().all(|s| s.round == 0),
        FilingState::Reopened => true,
        FilingState::Sent | FilingState::Final => false,
    };
    Powers {
        office: office && open,
        approve: head
            && matches!(view.state, FilingState::Draft | FilingState::Reopened)
            && view.tally.out_of_rule.is_empty(),
        send: head && view.state == FilingState::Approved,
        remediation: office && view.state == FilingState::Final,
    }
}

/// Whether the office may change row `code` now (every row while open before any sending; after,
/// only the rows the province reopened).
pub fn row_editable(powers: Powers, view: &AssessmentView, code: &str) -> bool {
    powers.office && (view.reopened.is_empty() || view.reopened.iter().any(|c| c == code))
}

/// The office's call on `item` as typed: the score (empty: withdraw the call) or "không áp dụng",
/// and the reason, required when it differs from the unit's score.
pub fn office_call(
    item: &ItemView,
    typed: &str,
    not_applicable: bool,
    reason: &str,
) -> Result<OfficeCallRequest, ClientError> {
    let mark = read_mark(
        typed,
        not_applicable,
        Limits {
            max: item.max,
            rule: &item.rule,
            may_not_apply: item.may_not_apply,
        },
    )?;
    let differs = matches!((mark, item.scoring.mark), (Some(m), Some(u)) if m != u);
    if differs && reason.trim().is_empty() {
        return Err(ClientError::invalid(text::par::CAN_GHI_LY_DO));
    }
    Ok(OfficeCallRequest {
        code: item.code.clone(),
        mark,
        reason: reason.trim().to_string(),
    })
}

/// "Xác nhận" of the unit's score as it stands (none: the unit has not scored).
pub fn confirm_unit(item: &ItemView) -> Option<OfficeCallRequest> {
    Some(OfficeCallRequest {
        code: item.code.clone(),
        mark: Some(item.scoring.mark?),
        reason: String::new(),
    })
}

/// "Theo đề xuất": the tracker's score, its basis as the reason (none: it proposes no score).
pub fn accept_proposal(item: &ItemView) -> Option<OfficeCallRequest> {
    let p = item.proposal.as_ref()?;
    Some(OfficeCallRequest {
        code: item.code.clone(),
        mark: Some(tiendo_shared::model::criteria::Mark::Score(p.points?)),
        reason: text::par::theo_de_xuat(&p.basis),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::model::criteria::{Mark, Points};

    /// The view of `shared`'s template with a few rows filled, as the server would answer.
    pub(crate) fn view() -> AssessmentView {
        let json = include_str!("fixtures/assessment_view.json");
        serde_json::from_str(json).expect("the fixture reads as an AssessmentView")
    }

    #[test]
    fn the_office_table_shows_each_rows_unit_score_proposal_call_and_reviews() {
        let v = view();
        let rows = rows(&v);
        assert_eq!(rows.len(), v.items.len());
        let area = rows.iter().find(|r| r.code == "1").unwrap();
        assert!(!area.scored && area.rule_hint.is_empty());
        let r = rows.iter().find(|r| r.code == "1.1.1").unwrap();
        assert!(r.scored);
        assert_eq!(r.unit_name, "Văn phòng");
        assert_eq!(r.unit_mark, "1");
        assert_eq!(r.filed, "0,5", "the office's call is what is filed");
        assert_eq!(r.office, Some(("0,5".into(), "thiếu văn bản".into())));
        assert_eq!(
            r.reviews,
            ["Vòng 1: chưa đủ; yêu cầu bổ sung: quyết định, hạn 20/01/2026"]
        );
        assert!(r.reopened.is_some());
        assert_eq!(r.conflicts, ["Điểm: 1 (vp.01) / 0,5 (vp.02)"]);
        let p = rows.iter().find(|r| r.code == "1.1.2").unwrap();
        assert_eq!(
            p.proposal,
            Some(("0,75".into(), "Hoàn thành 3/4 nhiệm vụ đến hạn".into()))
        );
        assert!(p.missing_evidence);
        assert_eq!(progress_line(&v), "Đã chấm 2 / 3");
    }

    #[test]
    fn the_head_approves_a_draft_and_sends_only_what_it_approved_the_office_edits_reopened_rows() {
        let mut v = view();
        v.state = FilingState::Draft;
        v.reopened.clear();
        v.steps.clear();
        let head = powers(Role::AgencyHead, &v);
        assert!(head.approve && !head.send && !head.office);
        let office = powers(Role::AgencyAdmin, &v);
        assert!(office.office && !office.approve);
        assert!(row_editable(office, &v, "1.1.2"));
        v.state = FilingState::Approved;
        assert!(powers(Role::AgencyHead, &v).send);
        assert!(!powers(Role::AgencyHead, &v).approve);
        v.state = FilingState::Reopened;
        v.reopened = vec!["1.1.1".into()];
        let office = powers(Role::AgencyAdmin, &v);
        assert!(row_editable(office, &v, "1.1.1"));
        assert!(!row_editable(office, &v, "1.1.2"));
        v.state = FilingState::Final;
        assert!(powers(Role::AgencyAdmin, &v).remediation);
        assert!(!powers(Role::AgencyAdmin, &v).office);
        assert!(!powers(Role::ProvinceViewer, &v).approve);
    }

    #[test]
    fn an_office_call_that_differs_from_the_unit_needs_a_reason_and_must_fit_the_rule() {
        let v = view();
        let item = v.items.iter().find(|i| i.code == "1.1.1").unwrap();
        assert!(office_call(item, "0,5", false, " ").is_err());
        let ok = office_call(item, "0,5", false, "thiếu văn bản").unwrap();
        assert_eq!(ok.mark, Some(Mark::Score(Points(50))));
        assert_eq!(
            office_call(item, "1", false, "").unwrap().mark,
            Some(Mark::Score(Points(100))),
            "confirming the unit's score needs no reason"
        );
        assert_eq!(office_call(item, "", false, "").unwrap().mark, None);
        assert!(office_call(item, "0,3", false, "x").is_err());
    }

    #[test]
    fn the_office_confirms_the_units_score_or_takes_the_proposal_with_its_basis_as_reason() {
        let v = view();
        let scored = v.items.iter().find(|i| i.code == "1.1.1").unwrap();
        let confirmed = confirm_unit(scored).unwrap();
        assert_eq!(confirmed.mark, scored.scoring.mark);
        assert!(confirmed.reason.is_empty());
        assert!(accept_proposal(scored).is_none(), "no proposal for it");
        let proposed = v.items.iter().find(|i| i.code == "1.1.2").unwrap();
        let taken = accept_proposal(proposed).unwrap();
        assert_eq!(taken.mark, Some(Mark::Score(Points(75))));
        assert_eq!(
            taken.reason,
            "Theo đề xuất của phần mềm: Hoàn thành 3/4 nhiệm vụ đến hạn"
        );
        let area = v.items.iter().find(|i| i.code == "1").unwrap();
        assert!(confirm_unit(area).is_none());
    }
}
