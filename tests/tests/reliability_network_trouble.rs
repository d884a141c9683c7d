//! Network trouble against the real `tiendo serve` process, while a well-behaved tablet stays
//! connected: sockets that upgrade and never speak are closed after the handshake timeout;
//! connections cut in the middle of a WebSocket frame; duplicated and out-of-order protocol
//! messages; two thousand connect–join–close cycles. The server stays up, its memory stays
//! bounded (printed, and checked against a generous ceiling), the connection count returns to
//! the one tablet, and the tablet's edits still sync.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use tiendo_shared::model::{PeriodKind, Progress};
use tiendo_tests::process::{RealServer, memory_kib};
use tiendo_tests::{
    RawEvent, RawSocket, SyncClient, blocking, data_dir, edit, empty_sync_message, frame, login,
    own_progress, request, setting,
};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";

/// Upgrades `/sync` by hand over TCP, then sends the start of a binary frame that announces
/// 1,000 bytes and carries 10, and hangs up.
fn cut_mid_frame(addr: &str, token: &str) {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET /sync HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    )
    .unwrap();
    let mut head = [0u8; 512];
    let n = s.read(&mut head).unwrap_or(0);
    assert!(
        String::from_utf8_lossy(&head[..n]).starts_with("HTTP/1.1 101"),
        "upgrade: {}",
        String::from_utf8_lossy(&head[..n])
    );
    // FIN + binary, masked, 16-bit length 1000, mask, then only 10 bytes of payload.
    let mut partial = vec![0x82, 0xFE, 0x03, 0xE8, 1, 2, 3, 4];
    partial.extend_from_slice(&[0xA5; 10]);
    let _ = s.write_all(&partial);
    drop(s);
}

fn health(addr: &str) -> serde_json::Value {
    request(addr, "GET", "/api/health", None, None).1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_rides_out_network_trouble_and_other_clients_keep_syncing() {
    let cycles: usize = setting("TIENDO_RECONNECTS", 2_000) as usize;
    let dir = data_dir();
    let server =
        blocking(|| RealServer::start(dir.path(), "127.0.0.1:0", Path::new("/nonexistent")));
    let addr = server.addr.clone();
    let pid = server.child.id().to_string();
    let url = url::Url::parse(&format!("ws://{addr}/sync")).unwrap();
    let user = server.demo_username(OFFICE);
    let token = blocking(|| login(&addr, &user, &server.password(OFFICE)));
    let (_, doc_id) = blocking(|| own_progress(&addr, &token));
    let mut tablet = SyncClient::new("tablet-steady").await;
    tablet.connect(url.clone(), &token).await;
    let doc = tablet.find(&doc_id).await.expect("own progress");
    let rss_start = memory_kib(&pid, "VmRSS");

    // Silent sockets: upgraded, never a join.
    let mut silent = Vec::new();
    for _ in 0..20 {
        silent.push(
            RawSocket::connect(&url, Some(&token))
                .await
                .expect("upgrade"),
        );
    }

    // Cut in the middle of a frame.
    let cut_token = token.clone();
    let cut_addr = addr.clone();
    blocking(move || {
        for _ in 0..50 {
            cut_mid_frame(&cut_addr, &cut_token);
        }
    });

    // Duplicated and out-of-order messages from a joined peer.
    let mut odd = RawSocket::connect(&url, Some(&token))
        .await
        .expect("upgrade");
    let server_peer = odd.join("tablet-odd").await;
    let sync_first = frame(
        &[
            ("type", "sync"),
            ("senderId", "tablet-odd"),
            ("targetId", &server_peer),
            ("documentId", &doc_id),
        ],
        Some(&empty_sync_message()),
    );
    let req = frame(
        &[
            ("type", "request"),
            ("senderId", "tablet-odd"),
            ("targetId", &server_peer),
            ("documentId", &doc_id),
        ],
        Some(&empty_sync_message()),
    );
    for f in [&sync_first, &req, &req, &sync_first, &req] {
        odd.send_binary(f.clone()).await;
    }
    let mut answered = 0;
    while let RawEvent::Binary(_) = odd.next(Duration::from_secs(2)).await {
        answered += 1;
    }
    assert!(
        answered >= 1,
        "the document is still served to the odd peer"
    );

    // Thousands of connect–join–close cycles.
    let started = Instant::now();
    for i in 0..cycles {
        let mut s = RawSocket::connect(&url, Some(&token))
            .await
            .expect("upgrade");
        s.join(&format!("tablet-flap-{i}")).await;
        drop(s);
    }
    let reconnect_time = started.elapsed();

    // The silent sockets are closed by the server once the handshake timeout passes.
    for (i, s) in silent.iter_mut().enumerate() {
        match s.next(Duration::from_secs(15)).await {
            RawEvent::Closed(..) | RawEvent::Ended => {}
            other => panic!("silent socket {i} still open: {other:?}"),
        }
    }

    // The steady tablet still syncs; the server is healthy and back to its real connections.
    edit::<Progress>(&doc, &user, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 77;
    });
    tablet.wait_acknowledged(&doc).await;
    drop(odd);
    let deadline = Instant::now() + Duration::from_secs(20);
    let h = loop {
        let h = blocking(|| health(&addr));
        if h["sync_connections"] == 1 || Instant::now() > deadline {
            break h;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(h["status"], "ok", "{h}");
    assert_eq!(
        h["sync_connections"], 1,
        "only the steady tablet is left: {h}"
    );
    let rss_end = memory_kib(&pid, "VmRSS");
    println!(
        "network trouble: 20 silent sockets closed, 50 frames cut, {cycles} reconnects in {reconnect_time:.1?}; \
         server memory {} MiB → {} MiB",
        rss_start / 1024,
        rss_end / 1024
    );
    assert!(
        rss_end < rss_start + 200 * 1024,
        "server memory grew from {rss_start} KiB to {rss_end} KiB"
    );
    tablet.stop().await;
}
