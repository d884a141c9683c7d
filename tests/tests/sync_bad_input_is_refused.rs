//! Bad input on the sync socket: garbage, truncated and text frames, oversized frames, a wrong
//! handshake, a spoofed sender, unknown documents, too many documents or connections. Each closes
//! only the offending connection with a clear code and reason (or answers "unavailable"); a
//! well-behaved client on the same server keeps syncing throughout.

use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::{
    PATIENCE, RawEvent, RawSocket, SyncClient, TestServer, blocking, data_dir, edit,
    empty_sync_message, frame, frame_type,
};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const INSPECTORATE: &str = "thanh-tra-so";

fn join_frame(peer: &str) -> Vec<u8> {
    frame(&[("type", "join"), ("senderId", peer)], None)
}

fn request(peer: &str, target: &str, doc: &str, data: &[u8]) -> Vec<u8> {
    frame(
        &[
            ("type", "request"),
            ("senderId", peer),
            ("targetId", target),
            ("documentId", doc),
        ],
        Some(data),
    )
}

/// A well-formed document id the server has never seen.
fn unknown_doc_id(n: u8) -> String {
    samod::DocumentId::try_from(vec![n; 16])
        .expect("16 bytes make a document id")
        .to_string()
}

struct Abuse {
    url: url::Url,
    token: String,
}

impl Abuse {
    async fn open(&self) -> RawSocket {
        RawSocket::connect(&self.url, Some(&self.token))
            .await
            .expect("upgrade")
    }

    /// Opens a socket and completes the handshake as `peer`; returns it with the server's id.
    async fn joined(&self, peer: &str) -> (RawSocket, String) {
        let mut s = self.open().await;
        let server = s.join(peer).await;
        (s, server)
    }
}

async fn assert_closed(socket: &mut RawSocket, code: u16, reason_part: &str, case: &str) {
    let (got, reason) = socket.expect_close().await;
    assert_eq!(got, code, "{case}: close code (reason {reason:?})");
    assert!(
        reason.contains(reason_part),
        "{case}: reason {reason:?} should mention {reason_part:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_frames_close_only_their_connection_with_a_reason() {
    let dir = data_dir();
    let server = blocking(|| {
        TestServer::start_with(dir.path(), |c| {
            c.limits.max_frame_bytes = 64 * 1024;
            c.limits.max_documents_per_connection = 3;
            c.limits.max_connections_per_user = 3;
        })
    });
    // A well-behaved tablet stays connected through everything below.
    let office = blocking(|| server.login_demo(OFFICE));
    let doc_id = blocking(|| server.doc_id(&office, "progress", Some(OFFICE)));
    let mut good = SyncClient::new("good-tablet").await;
    good.connect(server.sync_url(), &office).await;
    let doc = good.find(&doc_id).await.expect("own progress");

    let abuse = Abuse {
        url: server.sync_url(),
        token: blocking(|| server.login_demo(INSPECTORATE)),
    };

    let mut s = abuse.open().await;
    s.send_binary(b"\x00\xffgarbage".to_vec()).await;
    assert_closed(&mut s, 1007, "malformed frame", "garbage first frame").await;

    let mut s = abuse.open().await;
    s.send_text("{\"type\":\"join\"}").await;
    assert_closed(&mut s, 1003, "text frames", "text first frame").await;

    let mut s = abuse.open().await;
    let join = join_frame("truncated");
    s.send_binary(join[..join.len() / 2].to_vec()).await;
    assert_closed(&mut s, 1007, "malformed frame", "truncated join").await;

    let mut s = abuse.open().await;
    s.send_binary(request("x", "y", &doc_id, &empty_sync_message()))
        .await;
    assert_closed(&mut s, 1008, "must be a join", "no handshake").await;

    let (mut s, _) = abuse.joined("p-garbage").await;
    s.send_binary(vec![0xa1, 0x64, 0x74, 0x79]).await;
    assert_closed(&mut s, 1007, "malformed frame", "garbage after join").await;

    let (mut s, target) = abuse.joined("p-bad-sync").await;
    let data = empty_sync_message();
    s.send_binary(request("p-bad-sync", &target, &doc_id, &data[..1]))
        .await;
    assert_closed(
        &mut s,
        1007,
        "automerge sync message",
        "truncated sync data",
    )
    .await;

    let (mut s, _) = abuse.joined("p-big").await;
    s.send_binary(vec![0u8; 100 * 1024]).await;
    assert_closed(&mut s, 1009, "exceeds the limit", "oversized frame").await;

    let (mut s, _) = abuse.joined("p-text").await;
    s.send_text("hello").await;
    assert_closed(&mut s, 1003, "text frames", "text after join").await;

    let (mut s, target) = abuse.joined("p-spoof").await;
    s.send_binary(request(
        "someone-else",
        &target,
        &doc_id,
        &empty_sync_message(),
    ))
    .await;
    assert_closed(&mut s, 1008, "senderId", "spoofed sender").await;

    // Unknown documents are answered "unavailable" and the connection stays open…
    let (mut s, target) = abuse.joined("p-unknown").await;
    let unknown: Vec<String> = (1..=4).map(unknown_doc_id).collect();
    for id in &unknown[..3] {
        s.send_binary(request("p-unknown", &target, id, &empty_sync_message()))
            .await;
        match s.next(PATIENCE).await {
            RawEvent::Binary(b) => assert_eq!(frame_type(&b), "doc-unavailable"),
            other => panic!("unknown document: expected doc-unavailable, got {other:?}"),
        }
    }
    // …up to the per-connection document limit.
    s.send_binary(request(
        "p-unknown",
        &target,
        &unknown[3],
        &empty_sync_message(),
    ))
    .await;
    assert_closed(&mut s, 1008, "more than 3 documents", "document limit").await;

    // Connections per user: three may be open, the fourth upgrade is refused.
    let mut open = Vec::new();
    for i in 0..3 {
        open.push(abuse.joined(&format!("p-conn-{i}")).await.0);
    }
    assert_eq!(
        RawSocket::connect(&abuse.url, Some(&abuse.token))
            .await
            .err(),
        Some(429)
    );
    drop(open);

    // Through all of it the good client kept its connection and still syncs.
    edit::<Progress>(&doc, &server.demo_username(OFFICE), |p| {
        let e = p.entry_mut("t1-a", PeriodKind::Q1);
        e.status = WorkStatus::Done;
        e.percent = 100;
    });
    good.wait_acknowledged(&doc).await;
    let (_, health) = blocking(|| server.get_json("/api/health"));
    assert_eq!(health["status"], "ok");
    good.stop().await;
}
