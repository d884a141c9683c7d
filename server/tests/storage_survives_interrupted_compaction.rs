//! samod compacts a document by writing a snapshot and then deleting the chunks it replaces. A
//! crash can stop it between the two steps, or before the snapshot is written: either way the
//! document reopens from SQLite whole.

use std::str::FromStr;

use automerge::{ROOT, ReadDoc, transaction::Transactable};
use samod::DocumentId;
use samod::storage::{Storage, StorageKey};
use tiendo_server::{Library, Store};

async fn library(path: &std::path::Path) -> Library {
    Library::open(Store::open(path).unwrap()).await.unwrap()
}

async fn make_doc(path: &std::path::Path, edits: usize) -> (String, Vec<automerge::ChangeHash>) {
    let lib = library(path).await;
    let handle = lib
        .repo()
        .create(automerge::Automerge::new())
        .await
        .unwrap();
    for i in 0..edits {
        handle.with_document(|d| {
            let mut tx = d.transaction();
            tx.put(ROOT, format!("k{i}"), i as i64).unwrap();
            tx.commit();
        });
    }
    let heads = handle.with_document(|d| d.get_heads());
    let id = handle.document_id().to_string();
    lib.stop().await;
    (id, heads)
}

async fn reopen(path: &std::path::Path, id: &str) -> automerge::Automerge {
    let lib = library(path).await;
    let handle = lib
        .repo()
        .find(DocumentId::from_str(id).unwrap())
        .await
        .unwrap()
        .expect("the document is still there");
    let doc = handle.with_document(|d| d.clone());
    lib.stop().await;
    doc
}

/// Stores each change of `full` as its own incremental chunk, as samod does before compacting.
async fn put_every_change(store: &Store, id: &str, full: &automerge::Automerge) {
    for change in full.get_changes(&[]) {
        let key = StorageKey::from_parts([id, "incremental", &change.hash().to_string()]).unwrap();
        store.put(key, change.raw_bytes().to_vec()).await;
    }
}

async fn keys(store: &Store, id: &str) -> Vec<String> {
    let prefix = StorageKey::from_parts([id]).unwrap();
    let mut k: Vec<String> = store
        .load_range(prefix)
        .await
        .into_keys()
        .map(|k| k.to_string())
        .collect();
    k.sort();
    k
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_written_but_old_chunks_not_yet_deleted_reopens_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    let (id, heads) = make_doc(&path, 25).await;
    let store = Store::open(&path).unwrap();
    let full = reopen(&path, &id).await;
    // The crash came between writing the snapshot and deleting the chunks it replaces: both
    // are stored, overlapping.
    put_every_change(&store, &id, &full).await;
    let snapshot = StorageKey::from_parts([id.as_str(), "snapshot", "interrupted"]).unwrap();
    store.put(snapshot, full.save()).await;
    let stored = keys(&store, &id).await;
    assert!(stored.iter().any(|k| k.contains("/snapshot/")));
    assert!(
        stored
            .iter()
            .filter(|k| k.contains("/incremental/"))
            .count()
            >= 25
    );
    let doc = reopen(&path, &id).await;
    assert_eq!(doc.get_heads(), heads);
    assert_eq!(doc.get(ROOT, "k24").unwrap().unwrap().0.as_i64(), Some(24));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_before_the_snapshot_leaves_the_incremental_chunks_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite");
    let (id, heads) = make_doc(&path, 25).await;
    let store = Store::open(&path).unwrap();
    let full = reopen(&path, &id).await;
    // Replace everything by the changes alone: the state if no snapshot had been written yet.
    for key in keys(&store, &id).await {
        store
            .delete(StorageKey::from_parts(key.split('/')).unwrap())
            .await;
    }
    put_every_change(&store, &id, &full).await;
    let doc = reopen(&path, &id).await;
    assert_eq!(doc.get_heads(), heads);
    assert_eq!(doc.keys(ROOT).count(), 25);
}
