//! The IndexedDB storage under samod, in a real headless Chromium (wasm-bindgen-test): chunks
//! survive reopening the database, range loads return exactly the keys under a document, and a
//! whole samod repo reopens its documents from IndexedDB alone.
#![cfg(target_arch = "wasm32")]

use automerge::{ROOT, ReadDoc, transaction::Transactable};
use samod::storage::{LocalStorage, StorageKey};
use tiendo_client::infra::runtime::BrowserRuntime;
use tiendo_client::infra::storage::IdbStorage;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn key(parts: &[&str]) -> StorageKey {
    StorageKey::from_parts(parts).unwrap()
}

#[wasm_bindgen_test]
async fn chunks_persist_across_reopening_and_ranges_stay_inside_their_document() {
    let name = "test-chunks";
    let s = IdbStorage::open(name).await.unwrap();
    s.clear().await.unwrap();
    s.put(key(&["doc1", "incremental", "a"]), vec![1, 2]).await;
    s.put(key(&["doc1", "snapshot", "b"]), vec![3]).await;
    s.put(key(&["doc10", "incremental", "c"]), vec![4]).await;
    drop(s);

    let s = IdbStorage::open(name).await.unwrap();
    assert_eq!(
        s.load(key(&["doc1", "incremental", "a"])).await,
        Some(vec![1, 2])
    );
    let range = s.load_range(key(&["doc1"])).await;
    assert_eq!(range.len(), 2, "doc10 is not under doc1: {range:?}");
    // The sync state saved per peer (vendor patch) loads on its own, beside the chunks.
    s.put(key(&["doc1", "sync-state", "tiendo-server-1"]), vec![5])
        .await;
    let saved = s.load_range(key(&["doc1", "sync-state"])).await;
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert_eq!(s.load_range(key(&["doc1", "incremental"])).await.len(), 1);
    s.delete(key(&["doc1", "sync-state", "tiendo-server-1"]))
        .await;
    s.delete(key(&["doc1", "snapshot", "b"])).await;
    assert_eq!(s.load_range(key(&["doc1"])).await.len(), 1);
    assert_eq!(s.load(key(&["missing"])).await, None);
    s.clear().await.unwrap();
    assert!(s.keys().await.unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn a_repo_reopens_its_documents_from_indexeddb_alone() {
    let name = "test-repo";
    IdbStorage::open(name).await.unwrap().clear().await.unwrap();
    let open = || async {
        samod::RepoBuilder::new(BrowserRuntime)
            .with_storage(IdbStorage::open(name).await.unwrap())
            .load_local()
            .await
    };
    let repo = open().await;
    let handle = repo.create(automerge::Automerge::new()).await.unwrap();
    handle.with_document(|d| {
        let mut tx = d.transaction();
        tx.put(ROOT, "tiến độ", "40%").unwrap();
        tx.commit();
    });
    let id = handle.document_id().clone();
    repo.stop().await;

    let repo = open().await;
    let again = repo.find(id).await.unwrap().expect("found offline");
    let value =
        again.with_document(|d| d.get(ROOT, "tiến độ").unwrap().map(|(v, _)| v.to_string()));
    assert_eq!(value.as_deref(), Some("\"40%\""));
    repo.stop().await;
}
