//! A compression bomb over sync: a unit editor sends, in a sync message for its own progress
//! document, a compressed change chunk (automerge chunk type 2) of ~250 KB whose body inflates to
//! 256 MiB. The server refuses the frame before anything inflates it (close code 1009 and a
//! reason on that socket), the document is unchanged, and another user's tablet goes on syncing.
//! The payload is made here, streaming, so the test never holds the inflated bytes.

use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::hostile::compressed_change_bomb;
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit, frame};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
/// A unit editor.
const INSPECTORATE: &str = "thanh-tra-so";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_change_that_inflates_to_256_mib_is_refused_and_nobody_else_notices() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));

    // Another agency user's tablet, syncing before and after.
    let office = blocking(|| server.login_demo(OFFICE));
    let office_doc = blocking(|| server.doc_id(&office, "progress", Some(OFFICE)));
    let mut good = SyncClient::new("good-tablet").await;
    good.connect(server.sync_url(), &office).await;
    let good_doc = good.find(&office_doc).await.expect("own progress");

    // The attacker's own progress document, as it stands.
    let editor = blocking(|| server.login_demo(INSPECTORATE));
    let own = blocking(|| server.doc_id(&editor, "progress", Some(INSPECTORATE)));
    let mut honest_view = SyncClient::new("editor-tablet").await;
    honest_view.connect(server.sync_url(), &editor).await;
    let before = honest_view
        .find(&own)
        .await
        .expect("own progress")
        .with_document(|d| d.get_heads());

    let bomb = compressed_change_bomb(256 << 20);
    assert!(bomb.len() < 400_000, "{} bytes", bomb.len());
    let message = automerge::sync::Message {
        heads: vec![],
        need: vec![],
        have: vec![],
        changes: automerge::sync::ChunkList::from(bomb),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
    .encode();
    let mut attacker = tiendo_tests::RawSocket::connect(&server.sync_url(), Some(&editor))
        .await
        .expect("upgrade");
    let target = attacker.join("bomber").await;
    attacker
        .send_binary(frame(
            &[
                ("type", "sync"),
                ("senderId", "bomber"),
                ("targetId", &target),
                ("documentId", &own),
            ],
            Some(&message),
        ))
        .await;
    let (code, reason) = attacker.expect_close().await;
    assert_eq!(code, 1009, "close code (reason {reason:?})");
    assert!(
        reason.contains("inflate to more than"),
        "the reason names the refusal: {reason:?}"
    );

    // The document is as it was: a fresh connection of its editor reads the same heads.
    honest_view.stop().await;
    let mut again = SyncClient::new("editor-tablet-again").await;
    again.connect(server.sync_url(), &editor).await;
    let after = again
        .find(&own)
        .await
        .expect("own progress")
        .with_document(|d| d.get_heads());
    assert_eq!(after, before, "the document is unchanged");

    // The other tablet's edit is still acknowledged.
    edit::<Progress>(&good_doc, &server.demo_username(OFFICE), |p| {
        let e = p.entry_mut("t1-a", PeriodKind::Q1);
        e.status = WorkStatus::Done;
        e.percent = 100;
    });
    good.wait_acknowledged(&good_doc).await;
}
