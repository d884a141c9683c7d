use super::*;
use crate::model::{Progress, doc};

/// When the tests' changes are made: `shared` reads no clock.
const AT: doc::UnixTime = doc::UnixTime(1_751_328_000);

fn am<T: crate::model::Document>(value: &T, author: Option<&str>) -> Automerge {
    doc::new_document(value, author, AT).unwrap()
}

fn seed_plan() -> crate::model::Plan {
    crate::import::import(crate::fixtures::SEED_PLAN)
        .unwrap()
        .plan
}

#[test]
fn reporting_steps_are_in_the_history_of_the_tasks_a_unit_reported_on() {
    use crate::model::role::Role;
    use crate::workflow::{Action, Step, take_office_step, take_unit_step};
    let mut d = am(&Progress::new("p", "u"), Some("server"));
    doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 40;
    })
    .unwrap();
    let step = |id: &str, action: Action, by: &str, role: Role, note: &str| {
        let on = if action == Action::Submit { "" } else { "s1" };
        Step {
            note: note.into(),
            ..Step::new(id, action, by, role, AT.0 * 1000 + 1000, on)
        }
    };
    take_unit_step(
        &mut d,
        PeriodKind::Q1,
        step("s1", Action::Submit, "lan", Role::UnitEditor, ""),
    )
    .unwrap();
    let mut plan = am(&seed_plan(), Some("server"));
    take_office_step(
        &mut plan,
        "u",
        PeriodKind::Q1,
        &step(
            "r1",
            Action::Return,
            "vp",
            Role::AgencyAdmin,
            "Thiếu số liệu",
        ),
    )
    .unwrap();
    let lines: Vec<String> = task_timeline(Some(&plan), [("u", &d)], "t1-a")
        .into_iter()
        .flat_map(|e| e.lines)
        .collect();
    assert!(
        lines.contains(&"Gửi báo cáo — báo cáo Quý I".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"Trả lại — báo cáo Quý I: Thiếu số liệu".to_string()),
        "{lines:?}"
    );
    // A task the unit did not report on does not list its report's steps.
    assert!(task_timeline(Some(&plan), [("u", &d)], "t9-a").is_empty());
}

/// The server's record of one change.
fn delivered(hash: &str, by: &str, received_secs: i64) -> Attestation {
    Attestation {
        hash: hash.into(),
        by: by.into(),
        received_ms: received_secs * 1000 + 250,
        via: Via::Sync,
        signed_ms: None,
    }
}

#[test]
fn a_forged_author_and_a_backdated_time_show_the_attested_ones_with_the_claims_marked() {
    // 01/01/2025 00:00 in Vietnam: what the forged change says.
    const CLAIMED: doc::UnixTime = doc::UnixTime(1_735_664_400);
    let mut d = am(&Progress::new("p", "u"), Some("server"));
    // An honest edit, sent a minute after it was made.
    doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 40;
    })
    .unwrap();
    // The forged one: "minh" wrote it, it says another unit's "vp" wrote it on 01/01/2025.
    doc::update::<Progress, _>(&mut d, "vp", CLAIMED, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 90;
    })
    .unwrap();
    // And one the server made itself (an import): no delivery recorded.
    doc::update::<Progress, _>(&mut d, "system", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).result = "Nhập".into();
    })
    .unwrap();
    let timeline = task_timeline(None, [("u", &d)], "t1-a");
    let hash_of = |line: &str| {
        timeline
            .iter()
            .find(|e| e.lines.iter().any(|l| l.contains(line)))
            .and_then(|e| e.change.clone())
            .unwrap()
    };
    let honest = hash_of("40%");
    let forged = hash_of("90%");
    let later = AT.0 + 86_400;
    let unit_record = record([
        delivered(&honest, "lan", AT.0 + 60),
        delivered(&forged, "minh", later),
    ]);
    let shown = attest(timeline.clone(), |doc| {
        (doc == Some("u")).then_some(&unit_record)
    });

    let forged_event = shown
        .iter()
        .find(|e| e.change.as_ref() == Some(&forged))
        .unwrap();
    assert_eq!(forged_event.author.as_deref(), Some("minh"));
    assert_eq!(forged_event.time, later);
    assert_eq!(forged_event.claimed_author.as_deref(), Some("vp"));
    assert_eq!(forged_event.claimed_time, Some(CLAIMED.0));
    assert!(matches!(
        forged_event.word,
        Word::Attested { via: Via::Sync, .. }
    ));
    // Newest first by the time shown: the forged change's receipt, not its 2025 claim.
    assert_eq!(shown[0].change.as_ref(), Some(&forged));

    let honest_event = shown
        .iter()
        .find(|e| e.change.as_ref() == Some(&honest))
        .unwrap();
    assert_eq!(honest_event.author.as_deref(), Some("lan"));
    assert_eq!(honest_event.time, AT.0 + 60);
    assert_eq!(
        honest_event.claimed_author, None,
        "the same author is no claim"
    );
    assert_eq!(honest_event.claimed_time, None, "a minute late is no claim");

    let unrecorded = shown
        .iter()
        .find(|e| e.author.as_deref() == Some("system"))
        .unwrap();
    assert_eq!(unrecorded.word, Word::Unattested);
    assert_eq!(unrecorded.time, AT.0, "keeps the device's values");

    // Without the record (offline), every event keeps its device's claims, marked so.
    let offline = attest(timeline, |_| None);
    assert!(offline.iter().all(|e| e.word == Word::Device));
    assert!(offline.iter().any(|e| e.author.as_deref() == Some("vp")));
}

#[test]
fn a_reporting_step_is_attested_by_the_change_that_made_it() {
    use crate::model::role::Role;
    use crate::workflow::{Action, Step, take_unit_step};
    let mut d = am(&Progress::new("p", "u"), Some("server"));
    doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 40;
    })
    .unwrap();
    // The step names the head and a date in March; an editor delivered it in May.
    let march = 1_740_787_200_000;
    take_unit_step(
        &mut d,
        PeriodKind::Q1,
        Step::new("s1", Action::Approve, "truong", Role::UnitHead, march, ""),
    )
    .unwrap();
    let made = d.get_heads()[0].to_string();
    let may = 1_746_057_600;
    let unit_record = record([delivered(&made, "lan", may)]);
    let shown = attest(task_timeline(None, [("u", &d)], "t1-a"), |doc| {
        (doc == Some("u")).then_some(&unit_record)
    });
    let step = shown.iter().find(|e| e.hash == "s1").unwrap();
    assert_eq!(step.change.as_ref(), Some(&made));
    assert_eq!(step.author.as_deref(), Some("lan"));
    assert_eq!(step.claimed_author.as_deref(), Some("truong"));
    assert_eq!((step.time, step.claimed_time), (may, Some(march / 1000)));
}

#[test]
fn each_progress_change_is_listed_with_its_author_and_fields() {
    let mut d = am(&Progress::new("p", "u"), Some("server"));
    doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
        let e = p.entry_mut("t1-a", PeriodKind::Q1);
        e.status = WorkStatus::InProgress;
        e.percent = 40;
    })
    .unwrap();
    doc::update::<Progress, _>(&mut d, "minh", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 60;
        p.entry_mut("t2-b", PeriodKind::Q1).percent = 10;
    })
    .unwrap();
    doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1)
            .evidence
            .push(crate::model::Evidence {
                id: "e1".into(),
                number: "12/KH-SKHCN".into(),
                date: None,
                summary: "Kế hoạch kiểm tra".into(),
                file: None,
                files: Vec::new(),
            });
    })
    .unwrap();
    let events = task_timeline(None, [("u", &d)], "t1-a");
    let seen: Vec<(Option<&str>, Vec<&str>)> = events
        .iter()
        .rev()
        .map(|e| {
            (
                e.author.as_deref(),
                e.lines.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                Some("lan"),
                vec!["Tỷ lệ: 40%", "Tình trạng: Đang thực hiện"]
            ),
            (Some("minh"), vec!["Tỷ lệ: 60%"]),
            (
                Some("lan"),
                vec!["Tài liệu kiểm chứng: thêm; 12/KH-SKHCN; Kế hoạch kiểm tra"]
            ),
        ],
        "{events:#?}"
    );
    assert!(events.iter().all(|e| e.period == Some(PeriodKind::Q1)));
    assert!(events.iter().all(|e| e.unit_id.as_deref() == Some("u")));
    assert!(events.iter().all(|e| e.time > 1_700_000_000));
    // The other task's change is not in this task's timeline.
    let other = task_timeline(None, [("u", &d)], "t2-b");
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].lines, vec!["Tỷ lệ: 10%"]);
}

#[test]
fn concurrent_edits_from_two_devices_both_appear() {
    let mut base = am(&Progress::new("p", "u"), None);
    let mut a = base.fork();
    let mut b = base.fork();
    doc::update::<Progress, _>(&mut a, "lan", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::H1).percent = 30;
    })
    .unwrap();
    doc::update::<Progress, _>(&mut b, "minh", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::H1).percent = 70;
    })
    .unwrap();
    base.merge(&mut a).unwrap();
    base.merge(&mut b).unwrap();
    let events = task_timeline(None, [("u", &base)], "t1-a");
    let mut who: Vec<_> = events
        .iter()
        .map(|e| (e.author.clone().unwrap(), e.lines.join("")))
        .collect();
    who.sort();
    assert_eq!(
        who,
        vec![
            ("lan".to_string(), "Tỷ lệ: 30%".to_string()),
            ("minh".to_string(), "Tỷ lệ: 70%".to_string())
        ]
    );
}

#[test]
fn plan_edits_of_a_task_follow_the_task_even_when_it_moves() {
    let plan = seed_plan();
    let mut d = am(&plan, Some("server"));
    doc::update::<crate::model::Plan, _>(&mut d, "hcth", AT, |p| {
        let t = p.areas[0]
            .tasks
            .iter_mut()
            .find(|t| t.id == "t1-b")
            .unwrap();
        t.title = "Tên mới".into();
        t.retired_on = Some("2025-06-01".parse().unwrap());
    })
    .unwrap();
    // Another task is inserted before it: indices move, identity does not.
    doc::update::<crate::model::Plan, _>(&mut d, "hcth", AT, |p| {
        let mut extra = p.areas[0].tasks[0].clone();
        extra.id = "t1-x".into();
        p.areas[0].tasks.insert(0, extra);
    })
    .unwrap();
    doc::update::<crate::model::Plan, _>(&mut d, "hcth", AT, |p| {
        let t = p.areas[0]
            .tasks
            .iter_mut()
            .find(|t| t.id == "t1-b")
            .unwrap();
        t.schedule = crate::model::schedule::parse("Quý III năm 2025", Some(2025)).unwrap();
    })
    .unwrap();
    let events = task_timeline(Some(&d), std::iter::empty(), "t1-b");
    let lines: Vec<String> = events.iter().rev().flat_map(|e| e.lines.clone()).collect();
    assert_eq!(
        lines,
        vec![
            "Tạo nhiệm vụ".to_string(),
            "Dừng thực hiện: 01/06/2025".to_string(),
            "Tên nhiệm vụ: Tên mới".to_string(),
            "Thời gian: Quý III năm 2025".to_string(),
        ]
    );
    assert!(events.iter().all(|e| e.unit_id.is_none()));
    assert_eq!(
        events
            .iter()
            .filter(|e| e.author.as_deref() == Some("hcth"))
            .count(),
        2
    );
    // The seed's import created every task: one "created" event, not a line per field.
    let t9 = task_timeline(Some(&d), std::iter::empty(), "t9");
    assert_eq!(t9.len(), 1, "{t9:#?}");
    assert_eq!(t9[0].lines, vec!["Tạo nhiệm vụ".to_string()]);
    assert_eq!(t9[0].author.as_deref(), Some("server"));
}
