//! A tablet reconnecting with nothing new exchanges a few hundred bytes, however long the
//! document's history: both ends keep the sync state of their last session with each other
//! (samod-core, patched in `vendor/`, saves it in storage per document and peer), so the first
//! message of a new session carries a Bloom filter of the changes since that session, not of
//! the whole history. Measured against the same document synced without a saved state.

use std::time::Duration;

use automerge::sync::{self, SyncDoc};
use samod::DocHandle;
use samod::storage::{Storage, StorageKey};
use tiendo_server::Store;
use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const CHANGES: usize = 5_000;

/// Bytes both ways for one connect with nothing new to exchange.
async fn reconnect_cost(
    client: &mut SyncClient,
    server: &TestServer,
    token: &str,
    doc: &DocHandle,
) -> usize {
    client.disconnect();
    client.traffic.reset();
    client.connect(server.sync_url(), token).await;
    client.wait_acknowledged(doc).await;
    // Let the last replies land before reading the counters.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (sent, received) = client.traffic.bytes();
    sent + received
}

/// Deletes the sync states saved in a client store.
async fn forget_sync_states(db: &std::path::Path, doc_id: &str) {
    let store = Store::open(db).expect("the store opens");
    let prefix = StorageKey::from_parts([doc_id, "sync-state"]).expect("a key");
    let saved = store.load_range(prefix).await;
    assert!(!saved.is_empty(), "the tablet saved its sync state");
    for key in saved.into_keys() {
        store.delete(key).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reconnecting_with_nothing_new_costs_a_fraction_of_the_history() {
    let dir = data_dir();
    let tablet_dir = data_dir();
    let tablet_db = tablet_dir.path().join("tablet.sqlite");
    let mut server = blocking(|| TestServer::start(dir.path()));
    let token = blocking(|| server.login_demo(OFFICE));
    let doc_id = blocking(|| server.doc_id(&token, "progress", Some(OFFICE)));
    let user = server.demo_username(OFFICE);

    // A long history: 5,000 edits made offline, then synced.
    let mut tablet = SyncClient::with_store("tablet-long-history", &tablet_db).await;
    tablet.connect(server.sync_url(), &token).await;
    let doc = tablet
        .find(&doc_id)
        .await
        .expect("the office reads its progress");
    tablet.disconnect();
    for i in 0..CHANGES {
        edit::<Progress>(&doc, &user, |p| {
            let e = p.entry_mut("t1-a", PeriodKind::Q1);
            e.status = WorkStatus::InProgress;
            e.percent = (i % 100) as u8;
        });
    }
    let history = doc.with_document(|d| d.get_changes(&[]).len());
    assert!(history >= CHANGES, "{history} changes");
    tablet.connect(server.sync_url(), &token).await;
    // The first upload of 5,000 changes: 9–23 s measured on this 2-core machine under the suite.
    tablet
        .wait_acknowledged_within(&doc, Duration::from_secs(120))
        .await;

    // Reference: the first message of a session without saved state, once each way.
    let bloom_each_way = doc.with_document(|d| {
        d.generate_sync_message(&mut sync::State::new())
            .expect("a first message")
            .encode()
            .len()
    });

    // 1. The link drops and comes back.
    let same_process = reconnect_cost(&mut tablet, &server, &token, &doc).await;

    // 2. The server restarts (its peer id and saved states are in its SQLite file).
    tablet.disconnect();
    drop(server);
    server = blocking(|| TestServer::start(dir.path()));
    let after_server_restart = reconnect_cost(&mut tablet, &server, &token, &doc).await;

    // 3. The tablet restarts (its saved states are in its own store).
    tablet.disconnect();
    tablet.stop().await;
    let mut tablet = SyncClient::with_store("tablet-long-history", &tablet_db).await;
    let doc = tablet
        .find(&doc_id)
        .await
        .expect("the document is on the tablet");
    let after_tablet_restart = reconnect_cost(&mut tablet, &server, &token, &doc).await;
    tablet.disconnect();
    tablet.stop().await;

    // Control: the same stored document, without its saved states, under a peer id neither end
    // has synced with.
    let copy_db = tablet_dir.path().join("copy.sqlite");
    std::fs::copy(&tablet_db, &copy_db).expect("copy the tablet's store");
    forget_sync_states(&copy_db, &doc_id).await;
    let mut stranger = SyncClient::with_store("tablet-never-seen", &copy_db).await;
    let doc = stranger
        .find(&doc_id)
        .await
        .expect("the document is in the copy");
    let without_saved_state = reconnect_cost(&mut stranger, &server, &token, &doc).await;
    stranger.stop().await;

    println!(
        "reconnect with nothing new, {history} changes, bytes both ways: \
         no saved state {without_saved_state} (reference; one Bloom filter of the history is \
         {bloom_each_way}), link back {same_process}, after server restart \
         {after_server_restart}, after tablet restart {after_tablet_restart}"
    );
    assert!(
        without_saved_state > bloom_each_way,
        "without saved state a Bloom filter of the history crosses the link \
         ({without_saved_state} bytes, one filter is {bloom_each_way})"
    );
    for (case, bytes) in [
        ("link back", same_process),
        ("after server restart", after_server_restart),
        ("after tablet restart", after_tablet_restart),
    ] {
        assert!(
            bytes * 5 < without_saved_state && bytes < 1_500,
            "{case}: {bytes} bytes, against {without_saved_state} without saved state"
        );
    }
}
