//! `kill -9` of the real `tiendo serve` process in the middle of an evidence file's upload: the
//! bytes committed before the kill are kept, the restarted server confirms them (`HEAD` →
//! `Upload-Offset`), the half file is never served — not even to a reader of the report that
//! already names it — and the upload resumes from that offset to the whole, checked file.

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tiendo_tests::process::RealServer;
use tiendo_tests::{
    SyncClient, blocking, data_dir, get_bytes, login, name_evidence_file, own_progress,
};

const UNIT: &str = "thanh-tra-so";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_keeps_the_committed_bytes_serves_no_half_file_and_the_upload_resumes() {
    let dir = data_dir();
    let nowhere = Path::new("/nonexistent");
    let server = blocking(|| RealServer::start(dir.path(), "127.0.0.1:0", nowhere));
    let addr = server.addr.clone();
    let user = server.demo_username(UNIT);
    let token = blocking(|| login(&addr, &user, &server.password(UNIT)));
    let (_, doc_id) = blocking(|| own_progress(&addr, &token));
    let auth = format!("Bearer {token}");

    let mut file = b"%PDF-1.7\n".to_vec();
    file.extend((0..2 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let sha = hex::encode(Sha256::digest(&file));

    // The report names the file before it is uploaded (the tablet syncs its edit first).
    let mut tablet = SyncClient::new("tablet-kill-upload").await;
    tablet
        .connect(
            url::Url::parse(&format!("ws://{addr}/sync")).unwrap(),
            &token,
        )
        .await;
    let doc = tablet.find(&doc_id).await.expect("own progress");
    name_evidence_file(&doc, &user, &sha, "ban-ky.pdf", file.len() as u64);
    tablet.wait_acknowledged(&doc).await;
    tablet.stop().await;

    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let created = blocking(|| {
        agent()
            .post(format!("http://{addr}/api/files/uploads"))
            .header("Authorization", &auth)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", file.len().to_string())
            .header(
                "Upload-Metadata",
                format!(
                    "sha256 {},name {},type {},doc {}",
                    b64(&sha),
                    b64("ban-ky.pdf"),
                    b64("application/pdf"),
                    b64(&doc_id)
                ),
            )
            .send_empty()
            .expect("create")
    });
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_string();

    // A PATCH of the whole file whose sender has sent 1 MiB when the server is killed.
    let sent = 1024 * 1024;
    blocking(|| {
        let mut tcp = TcpStream::connect(&addr).unwrap();
        write!(
            tcp,
            "PATCH {location} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {auth}\r\n\
             Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n\
             Content-Type: application/offset+octet-stream\r\nContent-Length: {}\r\n\r\n",
            file.len()
        )
        .unwrap();
        for piece in file[..sent].chunks(64 * 1024) {
            tcp.write_all(piece).unwrap();
        }
        tcp.flush().unwrap();
        std::thread::sleep(Duration::from_millis(800));
        server.kill();
    });

    let server = blocking(|| RealServer::start(dir.path(), &addr, nowhere));
    let head = blocking(|| {
        agent()
            .head(server.url(&location))
            .header("Authorization", &auth)
            .header("Tus-Resumable", "1.0.0")
            .call()
            .expect("head")
    });
    assert_eq!(head.status(), 200);
    let offset: u64 = head.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        offset > 0 && offset <= sent as u64,
        "what was committed before the kill is kept: {offset} of {sent} sent"
    );
    let get = || blocking(|| get_bytes(&server.url(&format!("/api/files/{sha}")), &token));
    assert_eq!(
        get().0,
        404,
        "no half file is served, though the report names it"
    );

    let rest = blocking(|| {
        agent()
            .patch(server.url(&location))
            .header("Authorization", &auth)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .send(&file[offset as usize..])
            .expect("patch")
    });
    assert_eq!(rest.status(), 204);
    let (status, body) = get();
    assert_eq!(status, 200);
    assert_eq!(
        hex::encode(Sha256::digest(&body)),
        sha,
        "the whole file, checked"
    );
}
