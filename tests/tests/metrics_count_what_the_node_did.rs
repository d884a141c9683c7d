//! `GET /metrics` on a real server: after a unit's tablet makes edits (acknowledged) and tries
//! to write the plan it may only read (refused), the Prometheus text counts them — edits
//! acknowledged and their latency histogram, refused writes, bytes both ways, store commits,
//! documents loaded, the open connection. A system administrator reads it; a unit editor gets
//! 403, no session 401; a configured scraper address reads it without signing in.

use tiendo_shared::model::{PeriodKind, Progress};
use tiendo_tests::{
    RawSocket, SyncClient, TestServer, blocking, data_dir, edit, eventually, forced_change, frame,
};

/// The sum of the samples named exactly `name` (any labels) in Prometheus text `text`.
fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (key, value) = l.rsplit_once(' ')?;
            let bare = key.split('{').next()?;
            (bare == name).then(|| value.parse::<f64>().expect("a number"))
        })
        .sum()
}

/// GET /metrics with `token`: status, content type, body.
fn scrape(server: &TestServer, token: Option<&str>) -> (u16, String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut req = agent.get(server.url("/metrics"));
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let mut resp = req.call().expect("a response");
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = resp.body_mut().read_to_string().expect("a body");
    (resp.status().as_u16(), kind, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metrics_count_edits_refusals_bytes_and_commits() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let admin = blocking(|| server.login_demo("admin"));
    let (status, _, before) = blocking(|| scrape(&server, Some(&admin)));
    assert_eq!(status, 200, "{before}");

    let unit = blocking(|| server.login_demo("thanh-tra-so"));
    let progress = blocking(|| server.doc_id(&unit, "progress", Some("thanh-tra-so")));
    let plan = blocking(|| server.doc_id(&unit, "plan", None));
    let mut tablet = SyncClient::new("tablet-metrics").await;
    tablet.connect(server.sync_url(), &unit).await;
    let doc = tablet.find(&progress).await.expect("its progress");
    const EDITS: u8 = 3;
    for i in 0..EDITS {
        edit::<Progress>(&doc, &server.demo_username("thanh-tra-so"), |p| {
            p.entry_mut("t2-d", PeriodKind::Q1).percent = 10 * (i + 1);
        });
        tablet.wait_acknowledged(&doc).await;
    }
    // A second connection of the unit pushes a change to the plan it may only read.
    let mut raw = RawSocket::connect(&server.sync_url(), Some(&unit))
        .await
        .unwrap();
    let server_peer = raw.join("raw-metrics").await;
    raw.send_binary(frame(
        &[
            ("type", "sync"),
            ("senderId", "raw-metrics"),
            ("targetId", &server_peer),
            ("documentId", &plan),
        ],
        Some(&forced_change("forced")),
    ))
    .await;
    let after = eventually("the refused write is counted", || {
        let (_, _, text) = blocking(|| scrape(&server, Some(&admin)));
        (sample(&text, "tiendo_refused_writes_total") >= 1.0).then_some(text)
    })
    .await;
    let grew = |name: &str| sample(&after, name) - sample(&before, name);
    assert!(
        grew("tiendo_edits_acknowledged_total") >= f64::from(EDITS),
        "{after}"
    );
    assert_eq!(
        sample(&after, "tiendo_ack_latency_seconds_count"),
        sample(&after, "tiendo_edits_acknowledged_total"),
        "one latency per acknowledged edit"
    );
    assert!(grew("tiendo_store_commit_seconds_count") >= f64::from(EDITS));
    assert!(grew("tiendo_sync_bytes_received_total") > 0.0);
    assert!(grew("tiendo_sync_bytes_sent_total") > 0.0);
    assert!(sample(&after, "tiendo_documents_loaded") >= 2.0);
    assert_eq!(sample(&after, "tiendo_sync_connections"), 2.0);
    tablet.stop().await;
    drop(raw);
    eventually("the closed connection leaves the gauge", || {
        let (_, _, text) = blocking(|| scrape(&server, Some(&admin)));
        (sample(&text, "tiendo_sync_connections") == 0.0).then_some(())
    })
    .await;

    // Who may read it.
    let (status, kind, _) = blocking(|| scrape(&server, Some(&admin)));
    assert!(kind.starts_with("text/plain"), "{kind}");
    assert_eq!(status, 200);
    assert_eq!(blocking(|| scrape(&server, Some(&unit))).0, 403);
    let office = blocking(|| server.login_demo("phong-hanh-chinh-tong-hop"));
    assert_eq!(blocking(|| scrape(&server, Some(&office))).0, 403);
    assert_eq!(blocking(|| scrape(&server, None)).0, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_scraper_address_reads_the_metrics_without_signing_in() {
    let dir = data_dir();
    let server = blocking(|| {
        TestServer::start_with(dir.path(), |c| {
            c.metrics_from = vec!["127.0.0.1".parse().unwrap()];
        })
    });
    let (status, _, text) = blocking(|| scrape(&server, None));
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("# TYPE tiendo_ack_latency_seconds histogram"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE tiendo_refused_writes_total counter"),
        "{text}"
    );
}
