//! The document contract from the reader's side: what another automerge client writes (a JS
//! number as `int`, a JS string as `Text`), what a newer release writes (fields and periods we do
//! not know, a higher schema version) and what nobody should write (a percent as words) — read
//! as far as it can be, isolated where it cannot, and never deleted by our writes.

use automerge::transaction::Transactable;
use automerge::{Automerge, ObjType, ROOT, ReadDoc, ScalarValue};
use autosurgeon::{Hydrate, Reconcile};
use proptest::prelude::*;
use tiendo_shared::fixtures::SEED_PLAN;
use tiendo_shared::import::import;
use tiendo_shared::model::schema::{self, DocKind, SCHEMA_KEY};
use tiendo_shared::model::{Date, Entry, Evidence, PeriodKind, Progress, WorkStatus, doc};
use tiendo_shared::views::status::summarize;

const UNIT: &str = "phong-hanh-chinh-tong-hop";

fn new_progress(plan_id: &str) -> Automerge {
    doc::create(&Progress::new(plan_id, UNIT), Some("system"), AT)
        .unwrap()
        .document()
        .clone()
}

/// The map of `task`/`period`, created the way a JS client assigns a nested object.
fn js_entry(
    d: &mut Automerge,
    task: &str,
    period: &str,
    f: impl FnOnce(&mut automerge::transaction::Transaction<'_>, &automerge::ObjId),
) {
    let mut tx = d.transaction();
    let tasks = tx.get(ROOT, "tasks").unwrap().unwrap().1;
    let t = match tx.get(&tasks, task).unwrap() {
        Some((_, id)) => id,
        None => tx.put_object(&tasks, task, ObjType::Map).unwrap(),
    };
    let e = tx.put_object(&t, period, ObjType::Map).unwrap();
    f(&mut tx, &e);
    tx.commit();
}

fn text(
    tx: &mut automerge::transaction::Transaction<'_>,
    obj: &automerge::ObjId,
    key: &str,
    s: &str,
) {
    let t = tx.put_object(obj, key, ObjType::Text).unwrap();
    tx.splice_text(&t, 0, 0, s).unwrap();
}

#[test]
fn a_javascript_clients_plain_values_read_as_the_model() {
    let imp = import(SEED_PLAN).unwrap();
    let mut d = new_progress(&imp.plan.id);
    js_entry(&mut d, "t1-a", "q1", |tx, e| {
        tx.put(e, "status", ScalarValue::Int(0)).unwrap(); // replaced below as text
        text(tx, e, "status", "in_progress");
        tx.put(e, "percent", ScalarValue::Int(37)).unwrap();
        text(tx, e, "result", "Đã ban hành kế hoạch");
        let ev = tx.put_object(e, "evidence", ObjType::List).unwrap();
        let item = tx.insert_object(&ev, 0, ObjType::Map).unwrap();
        text(tx, &item, "id", "js-1");
        text(tx, &item, "number", "25/KH-SKHCN");
        text(tx, &item, "date", "2025-02-10");
        // difficulties, proposals, completed_on and summary left out, as a JS object may.
    });
    js_entry(&mut d, "t1-b", "q1", |tx, e| {
        tx.put(e, "status", "Done").unwrap();
        tx.put(e, "percent", ScalarValue::F64(100.0)).unwrap();
        tx.put(e, "completed_on", "2025-03-01").unwrap();
    });
    let p: Progress = doc::read(&d).unwrap();
    assert!(p.unreadable.is_empty(), "{:?}", p.unreadable);
    let e = p.entry("t1-a", PeriodKind::Q1).unwrap();
    assert_eq!(e.status, WorkStatus::InProgress);
    assert_eq!(e.percent, 37);
    assert_eq!(e.result, "Đã ban hành kế hoạch");
    assert_eq!(e.evidence[0].number, "25/KH-SKHCN");
    assert_eq!(e.evidence[0].date, Some("2025-02-10".parse().unwrap()));
    assert_eq!(e.difficulties, "");
    let b = p.entry("t1-b", PeriodKind::Q1).unwrap();
    assert_eq!((b.status, b.percent), (WorkStatus::Done, 100));

    // And our writer can go on saving the same document.
    doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 40;
    })
    .unwrap();
    let p: Progress = doc::read(&d).unwrap();
    assert_eq!(p.entry("t1-a", PeriodKind::Q1).unwrap().percent, 40);
    assert_eq!(
        p.entry("t1-a", PeriodKind::Q1).unwrap().result,
        "Đã ban hành kế hoạch"
    );
}

#[test]
fn an_entry_that_cannot_be_read_is_isolated_placed_and_repaired_by_the_unit() {
    let imp = import(SEED_PLAN).unwrap();
    let mut d = new_progress(&imp.plan.id);
    doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
        *p.entry_mut("t1-d", PeriodKind::Q1) = Entry {
            status: WorkStatus::Done,
            percent: 100,
            completed_on: Some("2025-03-10".parse().unwrap()),
            ..Entry::default()
        };
    })
    .unwrap();
    js_entry(&mut d, "t1-a", "q1", |tx, e| {
        tx.put(e, "status", "InProgress").unwrap();
        tx.put(e, "percent", "ba mươi").unwrap();
        tx.put(e, "reviewed_by", "js-client").unwrap();
    });
    js_entry(&mut d, "t1-b", "q1", |tx, e| {
        tx.put(e, "percent", ScalarValue::Int(250)).unwrap();
    });
    {
        let mut tx = d.transaction();
        let tasks = tx.get(ROOT, "tasks").unwrap().unwrap().1;
        let t = tx.put_object(&tasks, "t1-c", ObjType::Map).unwrap();
        tx.put(&t, "q1", "hoàn thành").unwrap();
        tx.commit();
    }

    let p: Progress = doc::read(&d).unwrap();
    let mut broken: Vec<_> = p
        .unreadable
        .iter()
        .map(|u| (u.task_id.as_str(), u.period.as_deref(), u.field.as_deref()))
        .collect();
    broken.sort();
    assert_eq!(
        broken,
        [
            ("t1-a", Some("q1"), Some("percent")),
            ("t1-b", Some("q1"), Some("percent")),
            ("t1-c", Some("q1"), None),
        ]
    );
    assert!(
        p.unreadable[0].reason.contains("ba mươi")
            || p.unreadable.iter().any(|u| u.reason.contains("ba mươi"))
    );
    // The form shows what could be read of a broken entry.
    let partial = &p.unreadable_entry("t1-a", PeriodKind::Q1).unwrap().partial;
    assert_eq!(
        (partial.status, partial.percent),
        (WorkStatus::InProgress, 0)
    );
    // The readable entry still counts.
    assert_eq!(
        p.entry("t1-d", PeriodKind::Q1).unwrap().status,
        WorkStatus::Done
    );
    let as_of: Date = "2025-04-01".parse().unwrap();
    let s = summarize(
        &imp.plan,
        imp.agency(),
        std::slice::from_ref(&p),
        as_of,
        Some(PeriodKind::Q1),
    );
    let t1d = s.tasks.iter().find(|t| t.task_id == "t1-d").unwrap();
    assert_eq!(t1d.percent, 100);
    let placed: Vec<_> = s
        .problems
        .iter()
        .filter(|p| p.field.as_deref() == Some("percent"))
        .map(|p| {
            (
                p.unit_id.as_deref(),
                p.task_code.as_deref(),
                p.period.as_deref(),
            )
        })
        .collect();
    assert!(
        placed.contains(&(Some(UNIT), Some("1.a"), Some("q1"))),
        "{:?}",
        s.problems
    );
    assert!(
        s.problems
            .iter()
            .any(|p| p.message.contains("1.a") && p.message.contains("tỷ lệ"))
    );

    // Another save elsewhere leaves the broken entries as they are (nothing deleted)…
    doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
        p.entry_mut("t1-e", PeriodKind::Q1).percent = 10;
    })
    .unwrap();
    let p: Progress = doc::read(&d).unwrap();
    assert_eq!(p.unreadable.len(), 3);
    // …and the unit's own save of a broken entry repairs it, keeping the field it does not know.
    doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
        *p.entry_mut("t1-a", PeriodKind::Q1) = Entry {
            status: WorkStatus::InProgress,
            percent: 30,
            ..Entry::default()
        };
        *p.entry_mut("t1-c", PeriodKind::Q1) = Entry {
            status: WorkStatus::Done,
            percent: 100,
            ..Entry::default()
        };
    })
    .unwrap();
    let p: Progress = doc::read(&d).unwrap();
    assert_eq!(p.unreadable.len(), 1, "{:?}", p.unreadable);
    // Saving one field of a broken entry, as the form does, repairs it from what was readable.
    doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
        p.entry_mut("t1-b", PeriodKind::Q1).result = "đã sửa".into();
    })
    .unwrap();
    let p: Progress = doc::read(&d).unwrap();
    assert!(p.unreadable.is_empty(), "{:?}", p.unreadable);
    assert_eq!(p.entry("t1-b", PeriodKind::Q1).unwrap().result, "đã sửa");
    assert_eq!(p.entry("t1-a", PeriodKind::Q1).unwrap().percent, 30);
    assert_eq!(
        p.entry("t1-c", PeriodKind::Q1).unwrap().status,
        WorkStatus::Done
    );
    let tasks = d.get(ROOT, "tasks").unwrap().unwrap().1;
    let t = d.get(&tasks, "t1-a").unwrap().unwrap().1;
    let e = d.get(&t, "q1").unwrap().unwrap().1;
    assert_eq!(
        d.get(&e, "reviewed_by").unwrap().unwrap().0.as_str(),
        Some("js-client")
    );
}

/// Tomorrow's progress entry, as a later release might define it: one more field.
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate)]
struct EntryV3 {
    status: String,
    percent: u64,
    result: String,
    #[autosurgeon(missing = "Default::default")]
    reviewed_by: String,
}

#[test]
fn old_and_new_releases_editing_one_entry_converge_and_keep_each_others_fields() {
    let imp = import(SEED_PLAN).unwrap();
    let mut base = new_progress(&imp.plan.id);
    doc::update::<Progress, _>(&mut base, "lan", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).result = "bắt đầu".into();
    })
    .unwrap();
    let mut old = base.fork();
    let mut new = base.fork();

    // The new release writes its own field, a period this release does not know, and its
    // version, through its own model.
    {
        let tasks = new.get(ROOT, "tasks").unwrap().unwrap().1;
        let t = new.get(&tasks, "t1-a").unwrap().unwrap().1;
        let mut e: EntryV3 = autosurgeon::hydrate_prop(&new, &t, "q1").unwrap();
        e.reviewed_by = "Trưởng phòng".into();
        let mut tx = new.transaction();
        autosurgeon::reconcile_prop(&mut tx, &t, "q1", &e).unwrap();
        autosurgeon::reconcile_prop(
            &mut tx,
            &t,
            "month-07",
            &EntryV3 {
                status: "Done".into(),
                percent: 100,
                ..EntryV3::default()
            },
        )
        .unwrap();
        tx.put(ROOT, SCHEMA_KEY, DocKind::Progress.current() + 1)
            .unwrap();
        tx.commit();
    }
    // Concurrently the old release saves the same entry.
    doc::update::<Progress, _>(&mut old, "minh", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 60;
    })
    .unwrap();

    old.merge(&mut new.clone()).unwrap();
    new.merge(&mut base.fork()).unwrap();
    new.merge(&mut old.clone()).unwrap();
    assert_eq!(old.get_heads(), new.get_heads());

    // This release reads what it knows, says a newer version wrote it, and keeps the rest.
    let c = doc::contract::<Progress>(&old);
    assert!(
        c.newer && c.version == DocKind::Progress.current() + 1,
        "{c:?}"
    );
    let p: Progress = doc::read(&old).unwrap();
    assert_eq!(p.entry("t1-a", PeriodKind::Q1).unwrap().percent, 60);
    assert_eq!(p.entry("t1-a", PeriodKind::Q1).unwrap().result, "bắt đầu");
    doc::update::<Progress, _>(&mut old, "minh", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).result = "xong".into();
    })
    .unwrap();
    assert_eq!(
        schema::version_of(&old),
        DocKind::Progress.current() + 1,
        "an old writer never lowers the version"
    );

    // The new release sees the old one's edits and its own fields.
    new.merge(&mut old.clone()).unwrap();
    let tasks = new.get(ROOT, "tasks").unwrap().unwrap().1;
    let t = new.get(&tasks, "t1-a").unwrap().unwrap().1;
    let e: EntryV3 = autosurgeon::hydrate_prop(&new, &t, "q1").unwrap();
    assert_eq!(e.reviewed_by, "Trưởng phòng");
    assert_eq!(e.percent, 60);
    assert_eq!(e.result, "xong");
    let m7: EntryV3 = autosurgeon::hydrate_prop(&new, &t, "month-07").unwrap();
    assert_eq!(m7.percent, 100);
    assert_eq!(DocKind::Progress.current(), 5);
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[a-zA-Z0-9 ]{1,12}", "\\PC{0,16}"]
}

fn arb_entry() -> impl Strategy<Value = Entry> {
    (
        0..4usize,
        0..=100u8,
        arb_text(),
        prop::collection::vec((arb_text(), arb_text(), prop::option::of(0..365u32)), 0..3),
        arb_text(),
        arb_text(),
        prop::option::of(0..365u32),
    )
        .prop_map(|(s, percent, result, ev, difficulties, proposals, done)| {
            let day = |n: u32| Date::from_dmy(1, 1, 2025).unwrap().add_days(n as i64);
            Entry {
                status: [
                    WorkStatus::NotStarted,
                    WorkStatus::InProgress,
                    WorkStatus::Done,
                    WorkStatus::Unable,
                ][s],
                percent,
                result,
                evidence: ev
                    .into_iter()
                    .enumerate()
                    .map(|(i, (number, summary, date))| Evidence {
                        id: format!("e{i}"),
                        number,
                        date: date.map(day),
                        summary,
                        file: None,
                        files: Vec::new(),
                    })
                    .collect(),
                difficulties,
                proposals,
                completed_on: done.map(day),
            }
        })
}

fn arb_progress() -> impl Strategy<Value = Progress> {
    prop::collection::btree_map(
        "t[1-9]-[a-e]",
        prop::collection::btree_map(
            prop::sample::select(vec!["q1", "h1", "q3", "year"]).prop_map(str::to_string),
            arb_entry(),
            1..4,
        ),
        0..6,
    )
    .prop_map(|tasks| Progress {
        tasks,
        ..Progress::new("kh-2025", UNIT)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// One writer shape: whatever the model holds, what we write reads back to it — in a new
    /// document, and written over another one.
    #[test]
    fn what_we_write_we_read_back(first in arb_progress(), second in arb_progress()) {
        let mut d = doc::create(&first, Some("lan"), AT).unwrap();
        let back: Progress = doc::read(&doc::load(&d.clone().save()).unwrap()).unwrap();
        prop_assert_eq!(&back, &first);
        prop_assert_eq!(schema::version_of(&back_doc(&d)), DocKind::Progress.current());

        let mut d = d.document().clone();
        doc::write(&mut d, &second, AT).unwrap();
        let back: Progress = doc::read(&d).unwrap();
        prop_assert!(back.unreadable.is_empty());
        // Every entry of the second write reads back as written; entries only the first had
        // are kept (writes are additive).
        for (task, periods) in &second.tasks {
            for (period, entry) in periods {
                prop_assert_eq!(&back.tasks[task][period], entry);
            }
        }
        for (task, periods) in &first.tasks {
            for period in periods.keys() {
                prop_assert!(back.tasks.get(task).is_some_and(|p| p.contains_key(period)));
            }
        }
    }
}

fn back_doc(d: &automerge::AutoCommit) -> Automerge {
    d.clone().document().clone()
}

fn arb_plan_edit() -> impl Strategy<Value = (String, Vec<String>, Option<u32>, Vec<String>)> {
    (
        arb_text(),
        prop::collection::vec(arb_text(), 0..4),
        prop::option::of(0..365u32),
        prop::collection::vec(arb_text(), 0..3),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The same for the plan and the organisation: whatever the office's edits make of them,
    /// what we write reads back, over the seed plan's documents.
    #[test]
    fn plans_and_organisations_we_write_we_read_back(edits in prop::collection::vec(arb_plan_edit(), 1..4)) {
        let imp = import(SEED_PLAN).unwrap();
        let mut plan = imp.plan.clone();
        let mut org = imp.org.clone();
        let mut plan_doc = doc::create(&plan, Some("system"), AT).unwrap().document().clone();
        let mut org_doc = doc::create(&org, Some("system"), AT).unwrap().document().clone();
        for (i, (title, products, retire, aliases)) in edits.into_iter().enumerate() {
            let n = plan.areas.len();
            let area = &mut plan.areas[i % n];
            let t = i % area.tasks.len();
            let task = &mut area.tasks[t];
            task.title = title;
            task.products = products;
            task.retired_on = retire.map(|d| Date::from_dmy(1, 1, 2025).unwrap().add_days(d as i64));
            let units = &mut org.agencies[0].units;
            let u = i % units.len();
            units[u].aliases = aliases;
            doc::write(&mut plan_doc, &plan, AT).unwrap();
            doc::write(&mut org_doc, &org, AT).unwrap();
        }
        let back: tiendo_shared::model::Plan = doc::read(&plan_doc).unwrap();
        prop_assert_eq!(&back, &plan);
        let back: tiendo_shared::model::Org = doc::read(&org_doc).unwrap();
        prop_assert_eq!(&back, &org);
        prop_assert_eq!(schema::version_of(&plan_doc), DocKind::Plan.current());
    }
}

/// When the test's changes are made (1 July 2025, 00:00 UTC): `shared` reads no clock.
const AT: tiendo_shared::model::doc::UnixTime = tiendo_shared::model::doc::UnixTime(1_751_328_000);
