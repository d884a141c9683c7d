//! A form's saved field writes only the entry it touches (`progress::edit_entry`): the document
//! reads back exactly as a whole-document update would leave it, with the change attributed to
//! its author, an unreadable entry repaired from what could be read, fields of a newer release
//! kept, other entries untouched, and concurrent edits of different fields merged.

use automerge::transaction::Transactable;
use automerge::{ObjType, ROOT, ReadDoc};
use tiendo_shared::model::progress::{attribution, edit_entry};
use tiendo_shared::model::{PeriodKind, Progress, WorkStatus, doc};

/// When the test's changes are made: `shared` reads no clock.
const AT: doc::UnixTime = doc::UnixTime(1_751_328_000);

/// A unit's year: 40 tasks × 4 periods, each entry filled.
fn a_year() -> automerge::Automerge {
    let mut p = Progress::new("kh", "thanh-tra-so");
    for i in 0..40 {
        for period in PeriodKind::ALL {
            let e = p.entry_mut(&format!("t{i}"), period);
            e.status = WorkStatus::InProgress;
            e.percent = (i % 100) as u8;
            e.result = format!("Kết quả {i}");
        }
    }
    doc::new_document(&p, Some("system"), AT).unwrap()
}

#[test]
fn one_entry_edit_reads_back_as_a_whole_document_update_would() {
    let mut by_entry = a_year();
    let mut by_document = by_entry.fork();
    edit_entry(&mut by_entry, "lan", AT, "t3", PeriodKind::H1, |e| {
        e.percent = 80;
        e.result = "Đã ban hành".into();
    })
    .unwrap();
    doc::update::<Progress, _>(&mut by_document, "lan", AT, |p| {
        let e = p.entry_mut("t3", PeriodKind::H1);
        e.percent = 80;
        e.result = "Đã ban hành".into();
    })
    .unwrap();
    let a: Progress = doc::read(&by_entry).unwrap();
    let b: Progress = doc::read(&by_document).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.entry("t3", PeriodKind::H1).unwrap().percent, 80);
    let who = attribution(&by_entry, "t3", PeriodKind::H1).unwrap();
    assert_eq!(who.author.as_deref(), Some("lan"));
    assert_eq!(who.time, AT.0);
    assert_eq!(
        attribution(&by_entry, "t4", PeriodKind::H1)
            .unwrap()
            .author
            .as_deref(),
        Some("system"),
        "the other entries were not rewritten"
    );
}

#[test]
fn a_new_task_and_period_are_made_and_the_document_keeps_its_version() {
    let mut d = doc::new_document(&Progress::new("kh", "u"), Some("system"), AT).unwrap();
    edit_entry(&mut d, "lan", AT, "t9-a", PeriodKind::Q3, |e| {
        e.status = WorkStatus::Done;
    })
    .unwrap();
    let p: Progress = doc::read(&d).unwrap();
    assert_eq!(
        p.entry("t9-a", PeriodKind::Q3).unwrap().status,
        WorkStatus::Done
    );
    assert!(!doc::contract::<Progress>(&d).newer);
}

#[test]
fn an_unreadable_entry_is_repaired_and_unknown_fields_stay() {
    let mut d = a_year();
    let entry = {
        let tasks = d.get(ROOT, "tasks").unwrap().unwrap().1;
        let periods = d.get(&tasks, "t1").unwrap().unwrap().1;
        d.get(&periods, "q1").unwrap().unwrap().1
    };
    let mut tx = d.transaction();
    tx.put(&entry, "percent", "bốn mươi").unwrap();
    tx.put(&entry, "reviewed_by", "so-noi-vu").unwrap();
    let extra = tx
        .put_object(&entry, "attachments_v3", ObjType::List)
        .unwrap();
    tx.insert(&extra, 0, "a.pdf").unwrap();
    tx.commit();
    let before: Progress = doc::read(&d).unwrap();
    assert_eq!(before.unreadable.len(), 1, "percent as words is unreadable");

    edit_entry(&mut d, "lan", AT, "t1", PeriodKind::Q1, |e| e.percent = 40).unwrap();
    let after: Progress = doc::read(&d).unwrap();
    assert!(after.unreadable.is_empty());
    let e = after.entry("t1", PeriodKind::Q1).unwrap();
    assert_eq!(e.percent, 40);
    assert_eq!(e.result, "Kết quả 1", "what was readable is kept");
    assert!(d.get(&entry, "reviewed_by").unwrap().is_some());
    assert!(d.get(&entry, "attachments_v3").unwrap().is_some());
}

#[test]
fn concurrent_edits_of_different_fields_of_one_entry_both_land() {
    let mut a = a_year();
    let mut b = a.fork();
    edit_entry(&mut a, "lan", AT, "t2", PeriodKind::Q1, |e| e.percent = 90).unwrap();
    edit_entry(&mut b, "minh", AT, "t2", PeriodKind::Q1, |e| {
        e.difficulties = "Thiếu kinh phí".into()
    })
    .unwrap();
    a.merge(&mut b).unwrap();
    let p: Progress = doc::read(&a).unwrap();
    let e = p.entry("t2", PeriodKind::Q1).unwrap();
    assert_eq!((e.percent, e.difficulties.as_str()), (90, "Thiếu kinh phí"));
}
