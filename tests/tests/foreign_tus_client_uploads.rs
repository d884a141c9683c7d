//! The stock npm tus client (`tus-js-client` 4.3.1 under node, `tests/js/tus-upload.mjs`) uploads
//! an evidence file to a real server in 256 KiB chunks with nothing but the tus protocol and a
//! bearer token; the unit then reads back the very bytes. A type the server does not take is
//! refused to that client with the server's message.

use std::process::Command;

use sha2::{Digest, Sha256};
use tiendo_tests::browser::workspace;
use tiendo_tests::{
    SyncClient, TestServer, blocking, data_dir, get_bytes, name_evidence_file, own_progress,
};

const UNIT: &str = "thanh-tra-so";

fn tus_js(
    server: &TestServer,
    token: &str,
    file: &std::path::Path,
    doc: &str,
    mime: &str,
) -> serde_json::Value {
    let out = Command::new("node")
        .arg(workspace().join("tests/js/tus-upload.mjs"))
        .args([&server.url("/"), token])
        .arg(file)
        .args([doc, mime])
        .output()
        .expect("node runs (scripts/test installs tests/js)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or("")).unwrap_or_else(|_| {
        panic!(
            "tus-upload.mjs: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stock_tus_client_uploads_an_evidence_file_in_chunks() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let token = blocking(|| server.login_demo(UNIT));
    let (_, doc_id) = blocking(|| own_progress(&server.addr(), &token));
    let mut pdf = b"%PDF-1.6\n".to_vec();
    pdf.extend((0..900 * 1024u32).map(|i| (i.wrapping_mul(40_503) >> 8) as u8));
    let sha = hex::encode(Sha256::digest(&pdf));
    let path = dir.path().join("tus.pdf");
    std::fs::write(&path, &pdf).unwrap();

    let done = blocking(|| tus_js(&server, &token, &path, &doc_id, "application/pdf"));
    assert_eq!(done["sha256"], sha.as_str(), "{done}");
    assert!(
        done["url"]
            .as_str()
            .unwrap_or("")
            .contains("/api/files/uploads/"),
        "{done}"
    );

    // Named in the unit's report, it reads back whole.
    let mut tablet = SyncClient::new("tablet-tus").await;
    tablet.connect(server.sync_url(), &token).await;
    let doc = tablet.find(&doc_id).await.expect("own progress");
    name_evidence_file(
        &doc,
        &server.demo_username(UNIT),
        &sha,
        "tus-js-client.pdf",
        pdf.len() as u64,
    );
    tablet.wait_acknowledged(&doc).await;
    tablet.stop().await;
    let (status, body) = blocking(|| get_bytes(&server.url(&format!("/api/files/{sha}")), &token));
    assert_eq!(status, 200);
    assert_eq!(body, pdf);

    let refused = blocking(|| tus_js(&server, &token, &path, &doc_id, "text/plain"));
    let error = refused["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("415") && error.contains("chỉ nhận"),
        "{refused}"
    );
}
