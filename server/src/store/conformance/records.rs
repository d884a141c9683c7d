//! The records' contract: the catalogue, the generated reports, the steps' receipts, the counts
//! and the schema.
//!
//! Stage: *the store*, tested on each engine (`on_sqlite`, `on_postgres`).

use super::{Place, on_both_engines};
use crate::store::{DocKind, DocRecord, GeneratedReport};

async fn the_catalogue_keeps_documents_in_the_order_registered(place: &Place) {
    let s = place.open().await;
    let rec = |id: &str, kind: DocKind, title: &str| DocRecord {
        doc_id: id.into(),
        kind,
        agency_id: "a".into(),
        plan_id: (kind != DocKind::Org).then(|| "p".to_string()),
        unit_id: (kind == DocKind::Progress).then(|| "u".to_string()),
        title: title.into(),
    };
    for r in [
        rec("z-plan", DocKind::Plan, "Kế hoạch"),
        rec("a-org", DocKind::Org, "Tổ chức"),
        rec("m-progress", DocKind::Progress, "Tiến độ"),
    ] {
        s.register(r).await.unwrap();
    }
    // Registered again: the title follows, the place in the order does not.
    s.register(rec("z-plan", DocKind::Plan, "Kế hoạch mới"))
        .await
        .unwrap();
    let docs = s.documents().await.unwrap();
    let ids: Vec<&str> = docs.iter().map(|d| d.doc_id.as_str()).collect();
    assert_eq!(ids, ["z-plan", "a-org", "m-progress"]);
    assert_eq!(docs[0], rec("z-plan", DocKind::Plan, "Kế hoạch mới"));
    assert_eq!(docs[2], rec("m-progress", DocKind::Progress, "Tiến độ"));
}

async fn rows_registered_together_are_catalogued_together_in_their_order(place: &Place) {
    let s = place.open().await;
    let rec = |id: &str, kind: DocKind| DocRecord {
        doc_id: id.into(),
        kind,
        agency_id: "a".into(),
        plan_id: (kind != DocKind::Org).then(|| "p".to_string()),
        unit_id: (kind == DocKind::Progress).then(|| id.to_string()),
        title: id.into(),
    };
    s.register(rec("earlier", DocKind::Org)).await.unwrap();
    // A plan's import: its progress documents, then the plan's row, which makes it exist.
    let batch = vec![
        rec("u2", DocKind::Progress),
        rec("u1", DocKind::Progress),
        rec("plan", DocKind::Plan),
    ];
    s.register_all(batch.clone()).await.unwrap();
    s.register_all(Vec::new()).await.unwrap();
    let docs = s.documents().await.unwrap();
    assert_eq!(docs[0], rec("earlier", DocKind::Org));
    assert_eq!(docs[1..], batch[..]);
}

async fn generated_reports_are_listed_newest_first_and_counted(place: &Place) {
    let s = place.open().await;
    let report = |plan: &str, at: i64, by: Option<&str>| GeneratedReport {
        plan_id: plan.into(),
        period: "q1".into(),
        kind: "docx".into(),
        as_of: "2026-03-31".into(),
        username: by.map(str::to_string),
        generated_at: at,
    };
    for r in [
        report("p1", 10, Some("an")),
        report("p1", 30, None),
        report("p2", 20, None),
    ] {
        s.record_report(r).await.unwrap();
    }
    assert_eq!(
        s.generated_reports("p1").await.unwrap(),
        vec![report("p1", 30, None), report("p1", 10, Some("an"))]
    );
    assert!(s.generated_reports("p3").await.unwrap().is_empty());
    let counts = s.generated_counts().await.unwrap();
    assert_eq!((counts["p1"], counts["p2"], counts.len()), (2, 1, 2));
}

async fn a_step_keeps_the_time_it_first_arrived(place: &Place) {
    let store = place.open().await;
    store
        .record_receipts("d1", &[("s1".into(), 10), ("s2".into(), 11)])
        .await
        .unwrap();
    store
        .record_receipts("d2", &[("t1".into(), 12)])
        .await
        .unwrap();
    let first = store.receipts(&["d1".into()]).await.unwrap();
    assert_eq!(first.get("s2"), Some(&11));
    assert_eq!(first.len(), 2);
    store
        .record_receipts("d1", &[("s1".into(), 99)])
        .await
        .unwrap();
    let again = store.receipts(&["d1".into(), "d2".into()]).await.unwrap();
    assert_eq!(again.get("s1"), Some(&10), "the first arrival stands");
    assert_eq!(again.len(), 3);
    let by_doc = store
        .receipts_by_doc(&["d1".into(), "d2".into()])
        .await
        .unwrap();
    assert_eq!((by_doc["d1"].len(), by_doc["d2"]["t1"]), (2, 12));
}

async fn counts_add_up_across_reopening(place: &Place) {
    let s = place.open().await;
    assert_eq!(s.count("refused_writes").await.unwrap(), 0);
    s.add_to_count("refused_writes", 2).await.unwrap();
    drop(s);
    let again = place.open().await;
    again.add_to_count("refused_writes", 3).await.unwrap();
    assert_eq!(again.count("refused_writes").await.unwrap(), 5);
    assert_eq!(again.count("other").await.unwrap(), 0);
}

async fn the_schema_is_brought_to_the_newest_version_once(place: &Place) {
    let s = place.open().await;
    let newest = match place {
        Place::Sqlite(_) => crate::store::MIGRATIONS.len(),
        Place::Postgres(_) => crate::store::postgres::MIGRATIONS.len(),
    };
    assert_eq!(s.schema_version().await.unwrap(), newest as i64);
    drop(s);
    assert_eq!(
        place.open().await.schema_version().await.unwrap(),
        newest as i64
    );
}

on_both_engines!(
    the_catalogue_keeps_documents_in_the_order_registered,
    rows_registered_together_are_catalogued_together_in_their_order,
    generated_reports_are_listed_newest_first_and_counted,
    a_step_keeps_the_time_it_first_arrived,
    counts_add_up_across_reopening,
    the_schema_is_brought_to_the_newest_version_once,
);
