//! The files' contract: uploads resume where their committed bytes end, a file is stored only
//! whole and verified, once, and collected only after its grace period.
//!
//! Stage: *the store*, tested on each engine (`on_sqlite`, `on_postgres`).

use sha2::{Digest, Sha256};

use super::{Place, on_both_engines};
use crate::store::files::{Finished, NewUpload, PIECE};
use crate::store::{Store, StoreError};

fn sha(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn new_upload(id: &str, data: &[u8]) -> NewUpload {
    NewUpload {
        id: id.into(),
        sha256: sha(data),
        size: data.len() as u64,
        mime: "application/pdf".into(),
        name: "a.pdf".into(),
        doc_id: "doc".into(),
        user_id: 1,
    }
}

async fn a_file_sent_in_parts_is_stored_whole_once_and_the_same_bytes_again_are_not_resent(
    place: &Place,
) {
    let store = place.open().await;
    let data: Vec<u8> = (0..(PIECE * 2 + 77)).map(|i| (i % 251) as u8).collect();
    let u = store
        .create_upload(new_upload("u1", &data), false)
        .await
        .unwrap();
    assert_eq!((u.received, u.done), (0, false));
    let half = data.len() / 2;
    assert_eq!(
        store
            .append_upload("u1", 0, data[..half].to_vec())
            .await
            .unwrap(),
        half as u64
    );
    // Not at the offset received: refused, nothing written.
    assert!(store.append_upload("u1", 0, vec![1]).await.is_err());
    assert_eq!(
        store.upload("u1").await.unwrap().unwrap().received,
        half as u64
    );
    // Not served before it is whole and checked.
    assert_eq!(store.read_file(&sha(&data)).await.unwrap(), None);
    store
        .append_upload("u1", half as u64, data[half..].to_vec())
        .await
        .unwrap();
    assert_eq!(store.finish_upload("u1").await.unwrap(), Finished::Stored);
    assert_eq!(store.read_file(&sha(&data)).await.unwrap().unwrap(), data);

    let holders = |store: &Store| {
        let (store, sha) = (store.clone(), sha(&data));
        async move {
            let found = store.possessors(&sha).await.unwrap();
            found.into_iter().map(|h| h.user_id).collect::<Vec<_>>()
        }
    };
    assert_eq!(holders(&store).await, vec![1]);
    let again = store
        .create_upload(new_upload("u2", &data), true)
        .await
        .unwrap();
    assert!(again.done);
    assert_eq!(again.received, data.len() as u64);
    assert_eq!(store.stored_files().await.unwrap().len(), 1);

    // Another user, not known to read it: asked for the bytes, which prove possession and
    // are not stored again.
    let mut other = new_upload("u3", &data);
    other.user_id = 2;
    let fresh = store.create_upload(other, false).await.unwrap();
    assert_eq!((fresh.received, fresh.done), (0, false));
    store.append_upload("u3", 0, data.clone()).await.unwrap();
    assert_eq!(store.finish_upload("u3").await.unwrap(), Finished::Stored);
    assert_eq!(holders(&store).await, vec![1, 2]);
    assert_eq!(store.stored_files().await.unwrap().len(), 1);
    assert_eq!(store.read_file(&sha(&data)).await.unwrap().unwrap(), data);
}

async fn bytes_that_do_not_hash_as_declared_are_dropped_and_never_served(place: &Place) {
    let store = place.open().await;
    let mut u = new_upload("u1", b"%PDF-1.7 the real one");
    u.size = 21;
    store.create_upload(u.clone(), false).await.unwrap();
    store
        .append_upload("u1", 0, b"%PDF-1.7 another one!".to_vec())
        .await
        .unwrap();
    let finished = store.finish_upload("u1").await.unwrap();
    assert!(matches!(finished, Finished::HashMismatch { .. }));
    assert_eq!(store.upload("u1").await.unwrap(), None);
    assert_eq!(store.read_file(&u.sha256).await.unwrap(), None);
    assert!(store.possessors(&u.sha256).await.unwrap().is_empty());
}

async fn an_unnamed_file_goes_only_after_the_grace_period(place: &Place) {
    let store = place.open().await;
    let data = b"%PDF-1.4 x".to_vec();
    store
        .create_upload(new_upload("u1", &data), false)
        .await
        .unwrap();
    store.append_upload("u1", 0, data.clone()).await.unwrap();
    store.finish_upload("u1").await.unwrap();
    let day = 86_400;
    let none = std::collections::HashSet::new();
    assert!(
        store
            .collect_files(none.clone(), 10 * day, 7 * day)
            .await
            .unwrap()
            .is_empty()
    );
    // Named again meanwhile: kept, and the clock starts over.
    let named: std::collections::HashSet<String> = [sha(&data)].into();
    store.collect_files(named, 12 * day, 7 * day).await.unwrap();
    assert!(
        store
            .collect_files(none.clone(), 13 * day, 7 * day)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .collect_files(none.clone(), 19 * day, 7 * day)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.collect_files(none, 20 * day, 7 * day).await.unwrap(),
        vec![sha(&data)]
    );
    assert_eq!(store.read_file(&sha(&data)).await.unwrap(), None);
}

async fn a_file_upload_resumes_at_its_offset(place: &Place) {
    let store = place.open().await;
    let data = b"%PDF-1.7 resumed after a cut link".to_vec();
    store
        .create_upload(new_upload("u1", &data), false)
        .await
        .unwrap();
    assert_eq!(
        store
            .append_upload("u1", 0, data[..9].to_vec())
            .await
            .unwrap(),
        9
    );
    // A reconnecting client asks where to go on from: what was committed.
    let u = store.upload("u1").await.unwrap().unwrap();
    assert_eq!((u.received, u.done), (9, false));
    assert_eq!(u.declared, new_upload("u1", &data));
    assert!(matches!(
        store.append_upload("u1", 3, data[3..].to_vec()).await,
        Err(StoreError::Invalid(_))
    ));
    // Past the declared size: refused, nothing written.
    let mut long = data[9..].to_vec();
    long.push(0);
    assert!(matches!(
        store.append_upload("u1", 9, long).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.append_upload("nothing", 0, vec![1]).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.upload_head("u1", 4).await.unwrap(), b"%PDF");
    assert_eq!(store.upload_head("u1", 100).await.unwrap(), &data[..9]);
    store
        .append_upload("u1", 9, data[9..].to_vec())
        .await
        .unwrap();
    assert_eq!(store.finish_upload("u1").await.unwrap(), Finished::Stored);
    // Finishing again: still stored, nothing changes.
    assert_eq!(store.finish_upload("u1").await.unwrap(), Finished::Stored);
    assert!(matches!(
        store.append_upload("u1", data.len() as u64, vec![1]).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.uploaded_for(&sha(&data)).await.unwrap(),
        vec!["doc".to_string()]
    );
    let stored = store.stored_file(&sha(&data)).await.unwrap().unwrap();
    assert_eq!(
        (stored.size, stored.mime.as_str()),
        (data.len() as u64, "application/pdf")
    );
    assert_eq!(store.stored_file("0000").await.unwrap(), None);
}

async fn a_deleted_upload_is_gone_with_its_bytes(place: &Place) {
    let store = place.open().await;
    let data = b"%PDF-1.7 given up".to_vec();
    store
        .create_upload(new_upload("u1", &data), false)
        .await
        .unwrap();
    store
        .append_upload("u1", 0, data[..5].to_vec())
        .await
        .unwrap();
    store.delete_upload("u1").await.unwrap();
    assert_eq!(store.upload("u1").await.unwrap(), None);
    assert!(store.upload_head("u1", 10).await.unwrap().is_empty());
    // A proof of possession recorded directly (a bundle's file) reads like an upload's.
    store.record_possession("aa", 5, "d").await.unwrap();
    store.record_possession("aa", 5, "d").await.unwrap();
    let held = store.possessors("aa").await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!((held[0].user_id, held[0].doc_id.as_str()), (5, "d"));
}

on_both_engines!(
    a_file_sent_in_parts_is_stored_whole_once_and_the_same_bytes_again_are_not_resent,
    bytes_that_do_not_hash_as_declared_are_dropped_and_never_served,
    an_unnamed_file_goes_only_after_the_grace_period,
    a_file_upload_resumes_at_its_offset,
    a_deleted_upload_is_gone_with_its_bytes,
);
