//! A file's bytes are not had by knowing its SHA-256. Another unit's editor who learns the hash
//! of a unit's evidence file (a report lists it) cannot tell from an upload's creation whether
//! the server holds it — it is answered as a new file, offset 0, as for a hash never stored —
//! and naming the hash in its own report does not open the file to it: only bytes that hash as
//! declared (proof of possession) do. A file sent for a report by one of its writers opens
//! what a colleague named there.

use base64::Engine;
use sha2::{Digest, Sha256};
use tiendo_tests::{
    SyncClient, TestServer, blocking, data_dir, get_bytes, name_evidence_file, own_progress,
};

const UNIT: &str = "thanh-tra-so";
const OTHER_UNIT: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";

/// A tus creation's answer: status, the headers that say anything (sorted), `Upload-Offset`,
/// `Location`.
struct Created {
    status: u16,
    headers: Vec<String>,
    offset: Option<u64>,
    location: Option<String>,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn create(server: &TestServer, token: &str, doc: &str, sha256: &str, size: usize) -> Created {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let meta = format!(
        "sha256 {},name {},type {},doc {}",
        b64(sha256),
        b64("bien-ban.pdf"),
        b64("application/pdf"),
        b64(doc)
    );
    let resp = agent()
        .post(server.url("/api/files/uploads"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", size.to_string())
        .header("Upload-Metadata", meta)
        .send_empty()
        .expect("request");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut headers: Vec<String> = resp
        .headers()
        .iter()
        .filter(|(n, _)| !["date", "location", "content-length"].contains(&n.as_str()))
        .map(|(n, v)| format!("{n}: {}", v.to_str().unwrap_or("?")))
        .collect();
    headers.sort();
    Created {
        status: resp.status().as_u16(),
        headers,
        offset: header("upload-offset").and_then(|v| v.parse().ok()),
        location: header("location"),
    }
}

fn patch(server: &TestServer, token: &str, path: &str, bytes: &[u8]) -> (u16, Option<u64>) {
    let resp = agent()
        .patch(server.url(path))
        .header("Authorization", format!("Bearer {token}"))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .send(bytes)
        .expect("request");
    let offset = resp
        .headers()
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (resp.status().as_u16(), offset)
}

fn pdf(seed: u8) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    out.extend((0..40_000u32).map(|i| (i as u8).wrapping_mul(13).wrapping_add(seed)));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_hash_neither_reveals_a_stored_file_nor_opens_it_without_its_bytes() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let unit = blocking(|| server.login_demo(UNIT));
    let other = blocking(|| server.login_demo(OTHER_UNIT));
    let (_, unit_doc) = blocking(|| own_progress(&server.addr(), &unit));
    let (_, other_doc) = blocking(|| own_progress(&server.addr(), &other));

    // The unit uploads its file and names it in its report: it reads it back.
    let file = pdf(3);
    let hash = hex::encode(Sha256::digest(&file));
    let uploaded = blocking(|| server.tus_upload(&unit, &unit_doc, "application/pdf", &file));
    assert_eq!(uploaded.as_deref(), Ok(hash.as_str()));
    let mut tablet = SyncClient::new("tablet-owner").await;
    tablet.connect(server.sync_url(), &unit).await;
    let doc = tablet.find(&unit_doc).await.expect("own progress");
    name_evidence_file(
        &doc,
        &server.demo_username(UNIT),
        &hash,
        "bien-ban.pdf",
        file.len() as u64,
    );
    tablet.wait_acknowledged(&doc).await;
    tablet.stop().await;
    let url = server.url(&format!("/api/files/{hash}"));
    assert_eq!(blocking(|| get_bytes(&url, &unit)).0, 200);

    // Another unit's editor who knows the hash: an upload for it is answered exactly as one for
    // a hash the server has never seen — a new file, nothing received.
    let stored = blocking(|| create(&server, &other, &other_doc, &hash, file.len()));
    let never = hex::encode(Sha256::digest(pdf(4)));
    let unknown = blocking(|| create(&server, &other, &other_doc, &never, file.len()));
    assert_eq!(stored.status, 201);
    assert_eq!(
        stored.offset,
        Some(0),
        "a stored file is not revealed as complete"
    );
    assert_eq!(
        (stored.status, &stored.headers, stored.offset),
        (unknown.status, &unknown.headers, unknown.offset),
        "stored and never stored answer alike"
    );

    // Naming the hash in its own report does not open the file.
    let mut tablet = SyncClient::new("tablet-guesser").await;
    tablet.connect(server.sync_url(), &other).await;
    let doc = tablet.find(&other_doc).await.expect("own progress");
    name_evidence_file(
        &doc,
        &server.demo_username(OTHER_UNIT),
        &hash,
        "bien-ban.pdf",
        file.len() as u64,
    );
    tablet.wait_acknowledged(&doc).await;
    tablet.stop().await;
    let (status, body) = blocking(|| get_bytes(&url, &other));
    assert_eq!(
        status,
        404,
        "named by hash alone, yet {} bytes served",
        body.len()
    );

    // Bytes that do not hash as declared prove nothing.
    let liar = blocking(|| create(&server, &other, &other_doc, &hash, file.len()));
    let mut wrong = file.clone();
    *wrong.last_mut().unwrap() ^= 1;
    let path = liar.location.expect("Location");
    assert_eq!(blocking(|| patch(&server, &other, &path, &wrong)).0, 422);
    assert_eq!(blocking(|| get_bytes(&url, &other)).0, 404);

    // The very bytes sent are proof of possession: now it reads the file, stored once.
    let path = stored.location.expect("Location");
    assert_eq!(
        blocking(|| patch(&server, &other, &path, &file)),
        (204, Some(file.len() as u64))
    );
    let (status, body) = blocking(|| get_bytes(&url, &other));
    assert_eq!(status, 200);
    assert_eq!(body, file);
    let store = server.library().store().clone();
    let files = server.on_server(async move { store.stored_files().await.unwrap().len() });
    assert_eq!(files, 1, "the same bytes are stored once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_a_colleague_sent_for_the_report_opens_what_another_named_there() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let head = format!("{UNIT}.truong");
    let (editor, head_token, office) = blocking(|| {
        (
            server.login_demo(UNIT),
            server.login_demo(&head),
            server.login_demo(OFFICE),
        )
    });
    let (_, doc_id) = blocking(|| own_progress(&server.addr(), &editor));
    let file = pdf(5);
    let hash = hex::encode(Sha256::digest(&file));

    // The head attaches the file on a tablet; the editor's upload sends the bytes for the report.
    let mut tablet = SyncClient::new("tablet-head").await;
    tablet.connect(server.sync_url(), &head_token).await;
    let doc = tablet.find(&doc_id).await.expect("own progress");
    name_evidence_file(
        &doc,
        &server.demo_username(&head),
        &hash,
        "bien-ban.pdf",
        file.len() as u64,
    );
    tablet.wait_acknowledged(&doc).await;
    tablet.stop().await;
    let uploaded = blocking(|| server.tus_upload(&editor, &doc_id, "application/pdf", &file));
    assert_eq!(uploaded.as_deref(), Ok(hash.as_str()));

    let url = server.url(&format!("/api/files/{hash}"));
    for (who, token) in [("the head", &head_token), ("the office", &office)] {
        let (status, body) = blocking(|| get_bytes(&url, token));
        assert_eq!(status, 200, "{who}");
        assert_eq!(body, file, "{who}");
    }
}
