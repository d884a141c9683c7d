//! A cut link in the middle of an evidence upload, in headless Chromium against the real
//! `tiendo serve`: the server is killed while a 6 MB PDF is a third uploaded and started again on
//! the same port and data; the tablet resumes by itself from the offset the server confirms, and
//! re-sends at most the one piece that was in flight — not the file from zero. The server then
//! serves the very bytes.

use sha2::{Digest, Sha256};
use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::process::RealServer;
use tiendo_tests::{blocking, data_dir, get_bytes, login};

const UNIT: &str = "thanh-tra-so";
/// The tablet's upload piece (`client/src/infra/files.rs`).
const PIECE: u64 = 256 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_cut_by_a_server_crash_resumes_from_where_it_was() {
    let dir = data_dir();
    let dist = client_copy();
    let server = blocking(|| RealServer::start(dir.path(), "127.0.0.1:0", dist.path()));
    let addr = server.addr.clone();
    let (user, password) = (server.demo_username(UNIT), server.password(UNIT));
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..6 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let sha = hex::encode(Sha256::digest(&pdf));
    let pdf_path = dir.path().join("bao-cao-quy-1.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();

    let mut run = Scenario::start(
        "evidence_upload_resumes",
        &[
            ("BASE", format!("http://{addr}/")),
            ("USER", user.clone()),
            ("PASSWORD", password.clone()),
            ("PDF", pdf_path.display().to_string()),
        ],
    );
    blocking(|| run.expect("cut"));
    server.kill();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let server = blocking(|| RealServer::start(dir.path(), &addr, dist.path()));
    run.go();
    let stored = blocking(|| run.expect("stored"));
    blocking(|| run.finish());

    assert_eq!(stored["sha256"], format!("file-{sha}"), "{stored:#}");
    let patches: Vec<(u64, u64)> = stored["patches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["offset"].as_u64().unwrap(), p["length"].as_u64().unwrap()))
        .collect();
    let sent: u64 = patches.iter().map(|p| p.1).sum();
    let resent = sent - pdf.len() as u64;
    assert!(
        resent <= PIECE,
        "at most the piece in flight is sent again: {resent} bytes re-sent ({patches:?})"
    );
    let before = stored["before"].as_u64().unwrap() as usize;
    let resumed = patches[before..]
        .iter()
        .map(|p| p.0)
        .min()
        .expect("pieces sent after the restart");
    assert!(
        resumed >= PIECE,
        "resumed from the offset reached, not from zero: {resumed} ({patches:?})"
    );

    println!(
        "upload cut at a third: resumed at byte {resumed} of {}, {resent} bytes sent twice, {} PATCHes",
        pdf.len(),
        patches.len()
    );
    let token = blocking(|| login(&addr, &user, &password));
    let (status, body) = blocking(|| get_bytes(&server.url(&format!("/api/files/{sha}")), &token));
    assert_eq!(status, 200);
    assert_eq!(hex::encode(Sha256::digest(&body)), sha);
}
