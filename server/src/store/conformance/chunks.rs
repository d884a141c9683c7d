//! The chunks' contract: what samod writes is read back, under its prefix only, committed in
//! groups, with the durability and prints above it kept.
//!
//! Stage: *the store*, tested on each engine (`on_sqlite`, `on_postgres`).

use automerge::transaction::Transactable;
use samod::storage::Storage;

use super::{Place, key, on_both_engines};
use crate::store::StoreError;

async fn chunks_written_are_read_back_under_their_prefix_only(place: &Place) {
    let s = place.open().await;
    s.put(key(&["doc1", "incremental", "a"]), vec![1]).await;
    s.put(key(&["doc1", "snapshot", "b"]), vec![2]).await;
    s.put(key(&["doc10", "incremental", "c"]), vec![3]).await;
    let got = s.load_range(key(&["doc1"])).await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[&key(&["doc1", "snapshot", "b"])], vec![2]);
    assert_eq!(
        s.load(key(&["doc10", "incremental", "c"])).await,
        Some(vec![3])
    );
    assert_eq!(s.load(key(&["doc2", "incremental", "c"])).await, None);
    s.delete(key(&["doc1", "snapshot", "b"])).await;
    assert_eq!(s.load_range(key(&["doc1"])).await.len(), 1);
    // Deleting what is not stored changes nothing.
    s.delete(key(&["doc1", "snapshot", "b"])).await;
    assert!(s.has_chunk("doc1/incremental/a".into()).await.unwrap());
    assert!(!s.has_chunk("doc1/snapshot/b".into()).await.unwrap());
}

async fn a_key_written_twice_in_one_commit_keeps_the_last_write(place: &Place) {
    let s = place.open().await;
    let batch = vec![
        ("d/incremental/k".to_string(), vec![1]),
        ("d/incremental/k".to_string(), vec![2]),
        ("d/incremental/other".to_string(), vec![3]),
    ];
    let existed = s.engine.chunks.commit(batch, Vec::new()).await.unwrap();
    assert_eq!(existed, vec![false, true, false]);
    let again = s
        .engine
        .chunks
        .commit(vec![("d/incremental/k".to_string(), vec![4])], Vec::new())
        .await
        .unwrap();
    assert_eq!(again, vec![true]);
    assert_eq!(
        s.chunks_by_key(vec!["d/incremental/k".into(), "d/incremental/none".into()])
            .await
            .unwrap(),
        vec![("d/incremental/k".to_string(), vec![4])]
    );
}

async fn a_document_reads_from_its_content_chunks_snapshots_first(place: &Place) {
    let s = place.open().await;
    let mut doc = automerge::AutoCommit::new();
    doc.put(automerge::ROOT, "k", 1).unwrap();
    s.put(key(&["doc1", "snapshot", "x"]), doc.save()).await;
    doc.put(automerge::ROOT, "k", 2).unwrap();
    s.put(key(&["doc1", "incremental", "a"]), doc.save_incremental())
        .await;
    s.put(
        key(&["doc1", "sync-state", "tablet-1"]),
        automerge::sync::State::new().encode(),
    )
    .await;
    let chunks = s.chunks_under("doc1", true).await.unwrap();
    let keys: Vec<&str> = chunks.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["doc1/snapshot/x", "doc1/incremental/a"]);
    assert_eq!(s.chunks_under("doc1", false).await.unwrap().len(), 3);
    let read = s.read_document("doc1").await.expect("reads");
    assert_eq!(read.get_heads(), doc.get_heads());
    assert!(matches!(
        s.read_document("nothing").await,
        Err(StoreError::NotFound(_))
    ));
}

async fn a_change_written_is_durable_and_found_after_reopening(place: &Place) {
    let s = place.open().await;
    let mut doc = automerge::AutoCommit::new();
    doc.put(automerge::ROOT, "k", 1).unwrap();
    let change = doc.get_last_local_change().unwrap().clone();
    let hash = change.hash();
    s.put(
        key(&["doc1", "incremental", &hash.to_string()]),
        change.raw_bytes().to_vec(),
    )
    .await;
    let patience = std::time::Duration::from_millis(500);
    assert!(s.wait_durable("doc1", &[hash], patience).await);
    let print = s.print("doc1");
    drop(s);
    let again = place.open().await;
    assert_eq!(
        again.print("doc1"),
        print,
        "the prints are made from the stored keys"
    );
    assert_eq!(
        again.read_document("doc1").await.unwrap().get_heads(),
        vec![hash]
    );
}

async fn a_reading_is_found_only_for_the_chunks_it_was_made_from(place: &Place) {
    let s = place.open().await;
    let mut d = automerge::AutoCommit::new();
    d.put(automerge::ROOT, "a", 1).unwrap();
    s.put(key(&["doc1", "incremental", "x"]), d.save()).await;
    let (loaded, print) = s.read_printed("doc1").await.unwrap();
    assert_eq!(print, s.print("doc1"));
    assert_eq!(loaded.get_heads(), d.get_heads());
    s.keep_reading("doc1", print, b"kept".to_vec());
    s.flush_readings().await.unwrap();
    assert_eq!(
        s.kept_reading("doc1", print).await.unwrap().as_deref(),
        Some(&b"kept"[..])
    );
    // Another chunk: another print, and the reading no longer answers for the document.
    d.put(automerge::ROOT, "b", 2).unwrap();
    s.put(key(&["doc1", "incremental", "y"]), d.save_incremental())
        .await;
    assert_ne!(s.print("doc1"), print);
    assert_eq!(s.kept_reading("doc1", s.print("doc1")).await.unwrap(), None);
}

async fn the_first_delivery_of_a_change_stands_and_is_read_before_and_after_its_commit(
    place: &Place,
) {
    use crate::store::attest::{Attested, Via};
    use automerge::ChangeHash;
    let attested = |doc: &str, byte: u8, user: i64, at: i64, via: Via| Attested {
        doc_id: doc.into(),
        hash: ChangeHash([byte; 32]),
        user_id: user,
        username: format!("u{user}"),
        received_at: at,
        via,
    };
    let store = place.open().await;
    store.attest(vec![attested("d1", 1, 7, 1_000, Via::Sync)]);
    // A second delivery of the same change by someone else, later: ignored.
    store.attest(vec![
        attested("d1", 1, 9, 2_000, Via::Sync),
        attested("d1", 2, 9, 2_000, Via::Bundle { signed_at: 1_500 }),
    ]);
    let h = |b| ChangeHash([b; 32]);
    // Committed by the group commit soon; read either way.
    let read = store.attested("d1", &[h(1), h(2), h(3)]).await.unwrap();
    assert_eq!(read[&h(1)].user_id, 7);
    assert_eq!(read[&h(1)].received_at, 1_000);
    assert_eq!(read[&h(2)].via, Via::Bundle { signed_at: 1_500 });
    assert!(!read.contains_key(&h(3)));
    super::settled(&store).await;
    let read = store.attested("d1", &[h(1), h(2)]).await.unwrap();
    assert_eq!((read[&h(1)].user_id, read[&h(1)].received_at), (7, 1_000));
    assert_eq!(read[&h(2)].via, Via::Bundle { signed_at: 1_500 });
    store.attest(vec![attested("d1", 1, 9, 3_000, Via::Sync)]);
    super::settled(&store).await;
    let all = store.attestations_of(&["d1".into()]).await.unwrap();
    assert_eq!(all.len(), 2);
    let first = all.iter().find(|a| a.hash == h(1)).unwrap();
    assert_eq!((first.user_id, first.received_at), (7, 1_000));
    assert!(
        store
            .attestations_of(&["d2".into()])
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_engines!(
    chunks_written_are_read_back_under_their_prefix_only,
    a_key_written_twice_in_one_commit_keeps_the_last_write,
    a_document_reads_from_its_content_chunks_snapshots_first,
    a_change_written_is_durable_and_found_after_reopening,
    a_reading_is_found_only_for_the_chunks_it_was_made_from,
    the_first_delivery_of_a_change_stands_and_is_read_before_and_after_its_commit,
);
