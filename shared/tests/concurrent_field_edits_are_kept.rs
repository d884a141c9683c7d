//! Two people change the same field of the same report while apart: after the merge both values
//! are still there with who wrote them, and picking one settles it for everybody.

use tiendo_shared::model::progress::{conflicts, resolve};
use tiendo_shared::model::{PeriodKind, Progress, WorkStatus, doc};

fn base() -> automerge::Automerge {
    let mut p = Progress::new("kh", "thanh-tra-so");
    p.entry_mut("t1-a", PeriodKind::Q1).status = WorkStatus::InProgress;
    let mut created = doc::create(&p, Some("system"), AT).unwrap();
    automerge::Automerge::load(&created.save()).unwrap()
}

#[test]
fn concurrent_values_are_listed_with_their_authors_and_a_pick_settles_them() {
    let mut lan = base();
    let mut minh = lan.fork();
    doc::update::<Progress, _>(&mut lan, "lan", AT, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).result = "Đã họp triển khai".into();
    })
    .unwrap();
    doc::update::<Progress, _>(&mut minh, "minh", AT, |p| {
        let e = p.entry_mut("t1-a", PeriodKind::Q1);
        e.result = "Đã ban hành kế hoạch".into();
        e.percent = 50;
    })
    .unwrap();
    lan.merge(&mut minh).unwrap();

    let found = conflicts(&lan, "t1-a", PeriodKind::Q1);
    assert_eq!(found.len(), 1, "only the field both changed: {found:?}");
    let c = &found[0];
    assert_eq!(c.field, "result");
    let mut seen: Vec<(String, Option<String>)> = c
        .values
        .iter()
        .map(|v| {
            (
                v.value.clone(),
                v.by.as_ref().and_then(|b| b.author.clone()),
            )
        })
        .collect();
    let shown: Progress = doc::read(&lan).unwrap();
    let current: Vec<&str> = c
        .values
        .iter()
        .filter(|v| v.current)
        .map(|v| v.value.as_str())
        .collect();
    assert_eq!(
        current,
        [shown.entry("t1-a", PeriodKind::Q1).unwrap().result.as_str()],
        "exactly one value is marked as the one the document shows"
    );
    seen.sort();
    assert_eq!(
        seen,
        [
            ("Đã ban hành kế hoạch".to_string(), Some("minh".to_string())),
            ("Đã họp triển khai".to_string(), Some("lan".to_string())),
        ]
    );

    // Pick the value that is not shown; it wins everywhere once synced.
    let pick = c.values.iter().position(|v| !v.current).unwrap();
    resolve(
        &mut lan,
        "t1-a",
        PeriodKind::Q1,
        "result",
        pick,
        "truong-phong",
        AT,
    )
    .unwrap();
    assert!(conflicts(&lan, "t1-a", PeriodKind::Q1).is_empty());
    let p: Progress = doc::read(&lan).unwrap();
    let e = p.entry("t1-a", PeriodKind::Q1).unwrap();
    assert_eq!(e.result, c.values[pick].value);
    assert_eq!(e.percent, 50, "the other field merged without conflict");
    minh.merge(&mut lan).unwrap();
    let q: Progress = doc::read(&minh).unwrap();
    assert_eq!(q, p);
    assert!(resolve(&mut lan, "t1-a", PeriodKind::Q1, "result", 5, "x", AT).is_err());
}

/// When the test's changes are made (1 July 2025, 00:00 UTC): `shared` reads no clock.
const AT: tiendo_shared::model::doc::UnixTime = tiendo_shared::model::doc::UnixTime(1_751_328_000);
