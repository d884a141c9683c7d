//! A tablet gets a new peer id at every sign-in, and each peer that syncs a document leaves a
//! saved sync state beside it. 10,000 sign-ins' worth of fresh peer ids (`TIENDO_SIGNINS`), each
//! syncing the unit's progress document to the end, against the real `tiendo serve`: the saved
//! states stay at the bound per document, in SQLite and in memory, and the server's memory stays
//! flat; after a restart the load reads no more than the bound.

use std::path::Path;
use std::time::{Duration, Instant};

use automerge::sync::SyncDoc;
use tiendo_tests::process::{RealServer, memory_kib};
use tiendo_tests::stores::Db;
use tiendo_tests::{
    RawEvent, RawSocket, SyncClient, blocking, data_dir, frame, login, own_progress, setting,
};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
/// The bound of vendor patch 5 (`samod_core`'s `MAX_SAVED_SYNC_STATES`).
const KEPT: u64 = 64;

fn saved_states(data: &Path, doc: &str) -> u64 {
    Db::of(data)
        .one(
            "SELECT count(*) FROM chunks WHERE key LIKE $1",
            &[format!("{doc}/sync-state/%").into()],
        )
        .int() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_fresh_peer_ids_keep_stored_states_and_memory_bounded() {
    let signins = setting("TIENDO_SIGNINS", 10_000);
    let dir = data_dir();
    let server =
        blocking(|| RealServer::start(dir.path(), "127.0.0.1:0", Path::new("/nonexistent")));
    let addr = server.addr.clone();
    let pid = server.child.id().to_string();
    let url = url::Url::parse(&format!("ws://{addr}/sync")).unwrap();
    let token = blocking(|| {
        login(
            &addr,
            &server.demo_username(OFFICE),
            &server.password(OFFICE),
        )
    });
    let (_, doc_id) = blocking(|| own_progress(&addr, &token));

    // A copy of the document with the whole history, to answer as a fully synced peer does.
    let mut first = SyncClient::new("tablet-0").await;
    first.connect(url.clone(), &token).await;
    let handle = first.find(&doc_id).await.expect("own progress");
    let copy = handle.with_document(|d| d.clone());
    first.stop().await;

    let sign_in = |i: u64| {
        let (url, token, doc_id, copy) = (url.clone(), token.clone(), doc_id.clone(), copy.clone());
        async move {
            let mut s = RawSocket::connect(&url, Some(&token))
                .await
                .expect("upgrade");
            let peer = format!("tablet-signin-{i}");
            let server_peer = s.join(&peer).await;
            let mut state = automerge::sync::State::new();
            let msg = copy
                .generate_sync_message(&mut state)
                .expect("a first message");
            s.send_binary(frame(
                &[
                    ("type", "request"),
                    ("senderId", &peer),
                    ("targetId", &server_peer),
                    ("documentId", &doc_id),
                ],
                Some(&msg.encode()),
            ))
            .await;
            match s.next(Duration::from_secs(10)).await {
                RawEvent::Binary(_) => {}
                other => panic!("sign-in {i}: no answer: {other:?}"),
            }
        }
    };
    // Warm up (allocator, caches) before the first measurement.
    for i in 0..200 {
        sign_in(i).await;
    }
    let rss_start = memory_kib(&pid, "VmRSS");
    let started = Instant::now();
    for i in 200..signins {
        sign_in(i).await;
    }
    let elapsed = started.elapsed();
    // The last saves land asynchronously; give them a moment.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_end = memory_kib(&pid, "VmRSS");
    let rows = saved_states(dir.path(), &doc_id);
    println!(
        "fresh peer ids: {signins} sign-ins in {elapsed:.1?}; saved sync states for the document: \
         {rows} (bound {KEPT}); server memory {} MiB → {} MiB",
        rss_start / 1024,
        rss_end / 1024
    );
    assert!(rows <= KEPT, "{rows} saved sync states");
    assert!(
        rows >= KEPT.min(signins) / 2,
        "states are still saved: {rows}"
    );
    assert!(
        rss_end < rss_start + 32 * 1024,
        "server memory grew from {rss_start} KiB to {rss_end} KiB"
    );

    // After a restart, the load reads at most the bound, and a recent peer still resumes.
    server.kill();
    let server = blocking(|| RealServer::start(dir.path(), &addr, Path::new("/nonexistent")));
    let recent = signins - 1;
    sign_in(recent).await;
    assert!(saved_states(dir.path(), &doc_id) <= KEPT);
    drop(server);
}
