use std::collections::BTreeMap;

use automerge::{AutoCommit, ReadDoc, transaction::Transactable};

use super::*;
use crate::model::{Date, PeriodKind};

const DAY: i64 = 86_400_000;
/// 01/03/2025 00:00 in Vietnam, Unix ms.
const MAR_1: i64 = 1_740_762_000_000;

fn step(id: &str, action: Action, role: Role, at: i64, on: &str) -> Step {
    Step::new(id, action, &format!("user-{}", role.as_str()), role, at, on)
}

fn submit(id: &str, at: i64) -> Step {
    step(id, Action::Submit, Role::UnitEditor, at, "")
}

fn split(steps: &[Step]) -> (Vec<Step>, Vec<Step>) {
    steps.iter().cloned().partition(|s| !s.action.by_office())
}

fn state(steps: &[Step]) -> ReportState {
    let (unit, office) = split(steps);
    derive(&unit, &office, &BTreeMap::new())
}

#[test]
fn submitted_approved_accepted_in_order() {
    let st = state(&[
        submit("s1", MAR_1),
        step("a1", Action::Approve, Role::UnitHead, MAR_1 + 60, "s1"),
        step("k1", Action::Accept, Role::AgencyAdmin, MAR_1 + 120, "s1"),
    ]);
    assert_eq!(st.phase, Phase::Accepted);
    assert_eq!(st.accepted.unwrap().step.id, "s1");
    assert_eq!(st.history.len(), 3);
    assert!(st.ignored.is_empty());
}

#[test]
fn the_office_accepts_only_an_approved_report() {
    let st = state(&[
        submit("s1", MAR_1),
        step("k1", Action::Accept, Role::AgencyAdmin, MAR_1 + 120, "s1"),
    ]);
    assert_eq!(st.phase, Phase::Submitted);
    assert_eq!(st.ignored.len(), 1);
}

#[test]
fn a_heads_own_submission_is_approved() {
    let st = state(&[step("s1", Action::Submit, Role::UnitHead, MAR_1, "")]);
    assert_eq!(st.phase, Phase::Approved);
}

#[test]
fn a_return_goes_back_to_the_unit_with_its_note_and_a_resubmission_starts_again() {
    let mut ret = step("r1", Action::Return, Role::AgencyAdmin, MAR_1 + 100, "s1");
    ret.note = "Thiếu số liệu quý I".into();
    let st = state(&[
        submit("s1", MAR_1),
        step("a1", Action::Approve, Role::UnitHead, MAR_1 + 60, "s1"),
        ret.clone(),
    ]);
    assert_eq!(st.phase, Phase::Returned);
    assert_eq!(st.returns[0].step.note, "Thiếu số liệu quý I");
    assert!(st.submitted.is_none());
    let st = state(&[
        submit("s1", MAR_1),
        step("a1", Action::Approve, Role::UnitHead, MAR_1 + 60, "s1"),
        ret,
        submit("s2", MAR_1 + 200),
        step("a2", Action::Approve, Role::UnitHead, MAR_1 + 260, "s2"),
        step("k2", Action::Accept, Role::AgencyAdmin, MAR_1 + 300, "s2"),
    ]);
    assert_eq!(st.phase, Phase::Accepted);
    assert_eq!(st.accepted.unwrap().step.id, "s2");
    assert_eq!(st.first_submitted.unwrap().step.id, "s1");
    assert_eq!(st.returns.len(), 1);
}

#[test]
fn approval_and_return_of_the_same_submission_end_returned_in_either_order() {
    for (approve_at, return_at) in [(MAR_1 + 60, MAR_1 + 90), (MAR_1 + 90, MAR_1 + 60)] {
        let st = state(&[
            submit("s1", MAR_1),
            step("a1", Action::Approve, Role::UnitHead, approve_at, "s1"),
            step("r1", Action::Return, Role::AgencyAdmin, return_at, "s1"),
        ]);
        assert_eq!(
            st.phase,
            Phase::Returned,
            "approve {approve_at}, return {return_at}"
        );
        if approve_at > return_at {
            assert_eq!(st.ignored.len(), 1, "the late approval is void");
            assert_eq!(st.ignored[0].step.id, "a1");
        }
    }
}

#[test]
fn an_acceptance_of_a_superseded_submission_is_ignored() {
    let st = state(&[
        step("s1", Action::Submit, Role::UnitHead, MAR_1, ""),
        step("s2", Action::Submit, Role::UnitHead, MAR_1 + 50, ""),
        step("k1", Action::Accept, Role::AgencyAdmin, MAR_1 + 60, "s1"),
    ]);
    assert_eq!(st.phase, Phase::Approved);
    assert_eq!(st.submitted.unwrap().step.id, "s2");
    assert!(st.accepted.is_none());
    // Accepted first, then a correction sent: the accepted one stands for the report while
    // the correction waits.
    let st = state(&[
        step("s1", Action::Submit, Role::UnitHead, MAR_1, ""),
        step("k1", Action::Accept, Role::AgencyAdmin, MAR_1 + 60, "s1"),
        step("s2", Action::Submit, Role::UnitEditor, MAR_1 + 90, ""),
    ]);
    assert_eq!(st.phase, Phase::Submitted);
    assert_eq!(st.for_report().unwrap().step.id, "s1");
}

#[test]
fn steps_a_role_may_not_take_are_ignored() {
    let st = state(&[
        submit("s1", MAR_1),
        step("a1", Action::Approve, Role::UnitEditor, MAR_1 + 60, "s1"),
        step("s9", Action::Submit, Role::ProvinceViewer, MAR_1 + 70, ""),
    ]);
    assert_eq!(st.phase, Phase::Submitted);
    assert_eq!(st.ignored.len(), 2);
    assert!(may_take(Role::UnitHead, Action::Approve));
    assert!(!may_take(Role::UnitEditor, Action::Approve));
    assert!(!may_take(Role::UnitHead, Action::Accept));
    assert!(may_take(Role::AgencyAdmin, Action::Return));
    assert!(!may_take(Role::AgencyAdmin, Action::Submit));
}

#[test]
fn a_wrong_device_clock_is_corrected_by_its_offset_and_bounded_by_arrival() {
    let deadline = Date::from_dmy(3, 3, 2025).unwrap();
    // A tablet 10 days behind says 22/02 while it is 04/03: its measured offset corrects it.
    let mut behind = submit("s1", MAR_1 + 3 * DAY - 10 * DAY);
    behind.skew = -10 * DAY;
    assert!(!on_time(behind.effective(None), deadline));
    // A tablet 10 days ahead, never measured, says 11/03 for a report sent on 02/03: the
    // server's receipt on 02/03 bounds it.
    let ahead = submit("s2", MAR_1 + DAY + 10 * DAY);
    assert!(!on_time(ahead.effective(None), deadline));
    assert!(on_time(ahead.effective(Some(MAR_1 + DAY)), deadline));
    // Through `derive`: the receipt is used for the submission's time.
    let received = BTreeMap::from([("s2".to_string(), MAR_1 + DAY)]);
    let st = derive(&[ahead], &[], &received);
    assert_eq!(st.submitted.unwrap().effective, MAR_1 + DAY);
    // The whole deadline day counts, in Vietnam's time.
    assert!(on_time(MAR_1 + 2 * DAY + DAY - 1, deadline));
    assert!(!on_time(MAR_1 + 3 * DAY, deadline));
}

#[test]
fn reminders_fall_7_3_and_1_days_before_and_overdue_after() {
    let deadline = Date::from_dmy(3, 3, 2025).unwrap();
    let days: Vec<(String, Reminder)> = reminder_schedule(deadline)
        .into_iter()
        .map(|(d, r)| (d.vi(), r))
        .collect();
    assert_eq!(
        days,
        vec![
            ("24/02/2025".to_string(), Reminder::DaysBefore(7)),
            ("28/02/2025".to_string(), Reminder::DaysBefore(3)),
            ("02/03/2025".to_string(), Reminder::DaysBefore(1)),
            ("04/03/2025".to_string(), Reminder::Overdue),
        ]
    );
    let on = |d: u32, m: u32| Date::from_dmy(d, m, 2025).unwrap();
    assert_eq!(reminder_on(on(23, 2), deadline, false), None);
    assert_eq!(
        reminder_on(on(24, 2), deadline, false),
        Some(Reminder::DaysBefore(7))
    );
    assert_eq!(
        reminder_on(on(27, 2), deadline, false),
        Some(Reminder::DaysBefore(7))
    );
    assert_eq!(
        reminder_on(on(1, 3), deadline, false),
        Some(Reminder::DaysBefore(3))
    );
    assert_eq!(
        reminder_on(on(3, 3), deadline, false),
        Some(Reminder::DaysBefore(1))
    );
    assert_eq!(
        reminder_on(on(20, 3), deadline, false),
        Some(Reminder::Overdue)
    );
    assert_eq!(
        reminder_on(on(20, 3), deadline, true),
        None,
        "sent: no reminder"
    );
    assert_eq!(
        Reminder::DaysBefore(3).text("Báo cáo quý I", deadline),
        "Còn 3 ngày đến hạn gửi Báo cáo quý I (hạn 03/03/2025)"
    );
}

#[test]
fn deadlines_come_from_the_plan_and_the_regime() {
    let plan = crate::import::import(crate::fixtures::SEED_PLAN)
        .unwrap()
        .plan;
    let q1 = deadlines(&plan, PeriodKind::Q1).unwrap();
    assert_eq!(q1.unit.vi(), "03/03/2025");
    assert_eq!(q1.agency.vi(), "20/03/2025");
    let year = deadlines(&plan, PeriodKind::Year).unwrap();
    assert_eq!(year.unit.vi(), "25/11/2025");
    assert_eq!(year.agency.vi(), "20/12/2025");
}

#[test]
fn steps_are_stored_in_the_documents_and_concurrent_first_submissions_both_survive() {
    let mut base = AutoCommit::new();
    base.put(automerge::ROOT, "unit_id", "vp").unwrap();
    let mut a = base.fork();
    let mut b = base.fork();
    record_unit_step(&mut a, PeriodKind::Q1, &submit("s-a", MAR_1)).unwrap();
    record_unit_step(&mut b, PeriodKind::Q1, &submit("s-b", MAR_1 + 5)).unwrap();
    a.merge(&mut b).unwrap();
    let ids: Vec<String> = unit_steps(&a, PeriodKind::Q1)
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, ["s-a", "s-b"], "both tablets' containers are read");
    assert!(unit_steps(&a, PeriodKind::H1).is_empty());
    // And a further step goes into one of them, read back whole.
    let mut full = step("a1", Action::Approve, Role::UnitHead, MAR_1 + 9, "s-b");
    full.heads = vec!["ab".repeat(32)];
    full.note = "Đồng ý".into();
    full.skew = -3;
    record_unit_step(&mut a, PeriodKind::Q1, &full).unwrap();
    let read = unit_steps(&a, PeriodKind::Q1);
    assert_eq!(read.iter().find(|s| s.id == "a1"), Some(&full));
    // The office's steps go to the plan document, not the unit's.
    assert!(
        record_unit_step(
            &mut a,
            PeriodKind::Q1,
            &step("k", Action::Accept, Role::AgencyAdmin, 0, "s")
        )
        .is_err()
    );
    let mut plan = AutoCommit::new();
    let ret = step("r1", Action::Return, Role::AgencyAdmin, MAR_1 + 20, "s-b");
    record_office_step(&mut plan, "vp", PeriodKind::Q1, &ret).unwrap();
    assert_eq!(office_steps(&plan, "vp", PeriodKind::Q1), vec![ret]);
    assert!(office_steps(&plan, "tt", PeriodKind::Q1).is_empty());
}

#[test]
fn a_step_written_by_a_javascript_client_with_float_times_is_read() {
    let mut doc = AutoCommit::new();
    let reports = doc
        .put_object(automerge::ROOT, UNIT_KEY, automerge::ObjType::Map)
        .unwrap();
    let list = doc
        .put_object(&reports, "q1", automerge::ObjType::List)
        .unwrap();
    let m = doc
        .insert_object(&list, 0, automerge::ObjType::Map)
        .unwrap();
    doc.put(&m, "id", "js-1").unwrap();
    doc.put(&m, "action", "submit").unwrap();
    doc.put(&m, "by", "vp").unwrap();
    doc.put(&m, "role", "unit_editor").unwrap();
    doc.put(&m, "at", 1_740_762_000_000.0_f64).unwrap();
    // A second item that is not a step at all: left out, the first still read.
    doc.insert(&list, 1, "rác").unwrap();
    let steps = unit_steps(&doc, PeriodKind::Q1);
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].at, MAR_1);
}

#[test]
fn a_submission_shows_the_document_as_sent_whatever_is_edited_later() {
    let mut doc = AutoCommit::new();
    doc.put(automerge::ROOT, "percent", 40).unwrap();
    let heads: Vec<String> = doc.get_heads().iter().map(|h| h.to_string()).collect();
    doc.put(automerge::ROOT, "percent", 90).unwrap();
    let doc = doc.document().clone();
    let sent = submitted_view(&doc, &heads).unwrap();
    let value = sent.get(automerge::ROOT, "percent").unwrap().unwrap().0;
    assert_eq!(value.as_i64(), Some(40));
    let missing = vec!["cd".repeat(32)];
    assert!(
        submitted_view(&doc, &missing).is_err(),
        "heads not here yet: a clear error"
    );
}

#[test]
fn the_office_may_configure_a_periods_deadlines() {
    let plan = crate::import::import(crate::fixtures::SEED_PLAN)
        .unwrap()
        .plan;
    let mut doc = automerge::Automerge::new();
    assert_eq!(configured(&doc, PeriodKind::Q1), Configured::default());
    let set = Configured {
        unit: Some(Date::from_dmy(28, 2, 2025).unwrap()),
        agency: Some(Date::from_dmy(10, 3, 2025).unwrap()),
    };
    configure(
        &mut doc,
        "vp",
        crate::model::doc::UnixTime(0),
        PeriodKind::Q1,
        &set,
    )
    .unwrap();
    assert_eq!(configured(&doc, PeriodKind::Q1), set);
    assert_eq!(configured(&doc, PeriodKind::H1), Configured::default());
    let d = deadlines_with(&plan, PeriodKind::Q1, &set).unwrap();
    assert_eq!(
        (d.unit.vi(), d.agency.vi()),
        ("28/02/2025".into(), "10/03/2025".into())
    );
    // Unset again: the plan's and the regime's apply.
    configure(
        &mut doc,
        "vp",
        crate::model::doc::UnixTime(0),
        PeriodKind::Q1,
        &Configured::default(),
    )
    .unwrap();
    let d = deadlines_with(&plan, PeriodKind::Q1, &configured(&doc, PeriodKind::Q1)).unwrap();
    assert_eq!(
        (d.unit.vi(), d.agency.vi()),
        ("03/03/2025".into(), "20/03/2025".into())
    );
}

#[test]
fn a_step_of_a_word_this_build_does_not_know_is_left_out_and_the_rest_read() {
    // What an older build meets in a document a newer one wrote (as this build meets a "vouch"
    // step written by one before it knew the word): the step is skipped, the others stand.
    let mut doc = automerge::Automerge::new();
    take_unit_step(&mut doc, PeriodKind::Q1, submit("s1", 1_000)).unwrap();
    take_unit_step(&mut doc, PeriodKind::Q1, submit("x1", 2_000)).unwrap();
    // Rewrite the second step's action as a word from the future.
    let (_, reports) = doc.get(automerge::ROOT, UNIT_KEY).unwrap().unwrap();
    let (_, q1) = doc.get(&reports, "q1").unwrap().unwrap();
    let (_, second) = doc.get(&q1, 1).unwrap().unwrap();
    let mut tx = doc.transaction();
    tx.put(&second, "action", "countersign").unwrap();
    tx.commit();
    let steps = unit_steps(&doc, PeriodKind::Q1);
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].id, "s1");
    assert_eq!(
        derive(&steps, &[], &BTreeMap::new()).phase,
        Phase::Submitted
    );
    // "vouch" itself round-trips in this build.
    assert_eq!("vouch".parse::<Action>().unwrap(), Action::Vouch);
}

#[test]
fn a_head_sends_the_report_back_to_its_editors_with_a_note_before_the_office_has_it() {
    let mut back = step("b1", Action::SendBack, Role::UnitHead, MAR_1 + 60, "s1");
    back.note = "Bổ sung minh chứng nhiệm vụ 2.a".into();
    let st = state(&[submit("s1", MAR_1), back.clone()]);
    assert_eq!(st.phase, Phase::Returned);
    assert!(st.submitted.is_none());
    assert_eq!(st.returns[0].step.note, "Bổ sung minh chứng nhiệm vụ 2.a");
    assert_eq!(st.returns[0].step.action, Action::SendBack);
    // The office cannot accept what the head sent back; the editors send it again.
    let st = state(&[
        submit("s1", MAR_1),
        back.clone(),
        step("k1", Action::Accept, Role::AgencyAdmin, MAR_1 + 120, "s1"),
        submit("s2", MAR_1 + 180),
    ]);
    assert_eq!(st.phase, Phase::Submitted);
    assert_eq!(st.ignored.len(), 1);
    // Only a head sends back, and only a report the office has not accepted.
    let by_editor = step("b2", Action::SendBack, Role::UnitEditor, MAR_1 + 60, "s1");
    assert_eq!(
        state(&[submit("s1", MAR_1), by_editor]).phase,
        Phase::Submitted
    );
    let late = step("b3", Action::SendBack, Role::UnitHead, MAR_1 + 300, "s1");
    let st = state(&[
        submit("s1", MAR_1),
        step("a1", Action::Approve, Role::UnitHead, MAR_1 + 60, "s1"),
        step("k1", Action::Accept, Role::AgencyAdmin, MAR_1 + 120, "s1"),
        late,
    ]);
    assert_eq!(st.phase, Phase::Accepted);
    assert_eq!(st.ignored.len(), 1);
    assert!(!Action::SendBack.by_office());
    assert_eq!("send_back".parse::<Action>().unwrap(), Action::SendBack);
}
