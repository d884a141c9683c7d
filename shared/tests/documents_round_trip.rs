//! Model → Automerge → model, and what the document history tells about who changed what.

use automerge::AutoCommit;
use tiendo_shared::fixtures::SEED_PLAN;
use tiendo_shared::import::import;
use tiendo_shared::model::progress::attribution;
use tiendo_shared::model::{Entry, Evidence, Org, PeriodKind, Plan, Progress, WorkStatus, doc};

#[test]
fn the_seed_plan_survives_a_round_trip_through_automerge() {
    let imp = import(SEED_PLAN).unwrap();
    let mut d = doc::create(&imp.plan, Some("system"), AT).unwrap();
    let bytes = d.save();
    let loaded = doc::load(&bytes).unwrap();
    let back: Plan = doc::read(&loaded).unwrap();
    assert_eq!(back, imp.plan);

    let org_doc = doc::create(&imp.org, None, AT).unwrap();
    let org: Org = doc::read(&org_doc).unwrap();
    assert_eq!(org, imp.org);
}

#[test]
fn progress_survives_a_round_trip_and_records_its_author() {
    let mut p = Progress::new("kh", "phong-a");
    *p.entry_mut("t1-a", PeriodKind::Q1) = Entry {
        status: WorkStatus::Done,
        percent: 100,
        result: "Đã ban hành Kế hoạch số 25/KH-SKHCN".into(),
        evidence: vec![Evidence {
            id: "e1".into(),
            number: "25/KH-SKHCN".into(),
            date: Some("2025-02-10".parse().unwrap()),
            summary: "Kế hoạch tuyên truyền CCHC năm 2025".into(),
            file: None,
            files: Vec::new(),
        }],
        difficulties: String::new(),
        proposals: String::new(),
        completed_on: Some("2025-02-10".parse().unwrap()),
    };
    let mut d = doc::create(&p, Some("user-7"), AT).unwrap();
    let back: Progress = doc::read(&doc::load(&d.save()).unwrap()).unwrap();
    assert_eq!(back, p);
    let who = attribution(d.document(), "t1-a", PeriodKind::Q1).unwrap();
    assert_eq!(who.author.as_deref(), Some("user-7"));
    assert!(attribution(d.document(), "t1-a", PeriodKind::H1).is_none());
}

#[test]
fn attribution_follows_the_last_writer_of_an_entry() {
    let mut p = Progress::new("kh", "phong-a");
    p.entry_mut("t1-a", PeriodKind::Q1).result = "bắt đầu".into();
    let mut first = doc::create(&p, Some("an"), AT).unwrap().document().clone();
    let mut second = first.fork();
    doc::update::<Progress, _>(&mut second, "binh", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 40;
    })
    .unwrap();
    first.merge(&mut second).unwrap();
    let who = attribution(&first, "t1-a", PeriodKind::Q1).unwrap();
    assert_eq!(who.author.as_deref(), Some("binh"));
}

#[test]
fn a_document_of_the_wrong_shape_is_a_schema_error() {
    let mut d = AutoCommit::new();
    use automerge::transaction::Transactable;
    d.put(automerge::ROOT, "tasks", "không phải bảng").unwrap();
    let err = doc::read::<Progress, _>(&d).unwrap_err();
    assert!(err.to_string().contains("progress"), "{err}");
}

/// When the test's changes are made (1 July 2025, 00:00 UTC): `shared` reads no clock.
const AT: tiendo_shared::model::doc::UnixTime = tiendo_shared::model::doc::UnixTime(1_751_328_000);
