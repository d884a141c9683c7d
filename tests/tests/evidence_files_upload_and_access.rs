//! Evidence files through a real server on a loopback port, by the tus protocol: an upload cut
//! in the middle resumes from the offset the server confirms; the same file twice is stored once;
//! bytes that do not hash as declared, a wrong or disguised type and an oversize file are refused
//! with a clear message and nothing stored; a file is read only by those who may read a progress
//! document naming it (the unit, its central office), byte for byte; uploads of another unit's
//! report, and other users' uploads, are closed to a unit; the office's "Hồ sơ minh chứng"
//! archive (HTTP and `tiendo evidence export`) holds the file and its index row; the files survive
//! backup and restore.

use sha2::{Digest, Sha256};
use tiendo_shared::model::{Evidence, EvidenceFile, PeriodKind, Progress};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit, own_progress};

const UNIT: &str = "thanh-tra-so";
const OTHER_UNIT: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

struct Answer {
    status: u16,
    offset: Option<u64>,
    location: Option<String>,
    body: String,
    bytes: Vec<u8>,
}

fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = server.url(path);
    let auth = format!("Bearer {token}");
    macro_rules! with_headers {
        ($req:expr) => {{
            let mut req = $req
                .header("Authorization", &auth)
                .header("Tus-Resumable", "1.0.0");
            for (k, v) in headers {
                req = req.header(*k, v);
            }
            req
        }};
    }
    let mut resp = match method {
        "POST" => with_headers!(agent.post(&url)).send(body),
        "PATCH" => with_headers!(agent.patch(&url)).send(body),
        "HEAD" => with_headers!(agent.head(&url)).call(),
        "DELETE" => with_headers!(agent.delete(&url)).call(),
        _ => with_headers!(agent.get(&url)).call(),
    }
    .expect("request");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let offset = header("upload-offset").and_then(|v| v.parse().ok());
    let location = header("location");
    let status = resp.status().as_u16();
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .unwrap_or_default();
    Answer {
        status,
        offset,
        location,
        body: String::from_utf8_lossy(&bytes).to_string(),
        bytes,
    }
}

/// Runs `f` on the server's runtime (its store lives there).
fn server_files<T: Send + 'static>(
    server: &TestServer,
    f: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    blocking(|| server.on_server(f))
}

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Creates an upload: its path, or the refusal.
fn create(
    server: &TestServer,
    token: &str,
    doc: &str,
    sha256: &str,
    mime: &str,
    size: u64,
) -> Answer {
    let meta = format!(
        "sha256 {},name {},type {},doc {}",
        b64(sha256),
        b64("Kế hoạch 25-KH.pdf"),
        b64(mime),
        b64(doc)
    );
    call(
        server,
        "POST",
        "/api/files/uploads",
        token,
        &[
            ("Upload-Length", size.to_string()),
            ("Upload-Metadata", meta),
        ],
        &[],
    )
}

fn patch(server: &TestServer, token: &str, path: &str, offset: u64, bytes: &[u8]) -> Answer {
    call(
        server,
        "PATCH",
        path,
        token,
        &[
            ("Upload-Offset", offset.to_string()),
            ("Content-Type", "application/offset+octet-stream".into()),
        ],
        bytes,
    )
}

fn pdf(len: usize, seed: u8) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    out.extend((0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_files_upload_resumably_once_and_are_read_only_by_those_who_see_the_report() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let unit = blocking(|| server.login_demo(UNIT));
    let other = blocking(|| server.login_demo(OTHER_UNIT));
    let office = blocking(|| server.login_demo(OFFICE));
    let addr = server.addr();
    let (_, own_doc) = blocking(|| own_progress(&addr, &unit));
    let (_, other_doc) = blocking(|| own_progress(&addr, &other));

    let file = pdf(700 * 1024, 7);
    let hash = sha(&file);
    let size = file.len() as u64;

    // Another unit's report: closed. Its own: an upload at offset 0.
    let refused = blocking(|| create(&server, &unit, &other_doc, &hash, "application/pdf", size));
    assert_eq!(refused.status, 403, "{}", refused.body);
    let created = blocking(|| create(&server, &unit, &own_doc, &hash, "application/pdf", size));
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.offset, Some(0));
    let path = created.location.expect("Location");

    // The link is cut after 300 KB: what arrived is kept, and the upload resumes there.
    let cut = 300 * 1024;
    let first = blocking(|| patch(&server, &unit, &path, 0, &file[..cut]));
    assert_eq!(
        (first.status, first.offset),
        (204, Some(cut as u64)),
        "{}",
        first.body
    );
    let head = blocking(|| call(&server, "HEAD", &path, &unit, &[], &[]));
    assert_eq!((head.status, head.offset), (200, Some(cut as u64)));
    // Someone else's upload is not theirs to see or continue.
    assert_eq!(
        blocking(|| call(&server, "HEAD", &path, &other, &[], &[])).status,
        404
    );
    // A PATCH from the wrong offset is refused and changes nothing.
    let wrong = blocking(|| patch(&server, &unit, &path, 0, &file[..10]));
    assert_eq!(wrong.status, 409, "{}", wrong.body);
    // Not served before it is whole.
    assert_eq!(
        blocking(|| call(
            &server,
            "GET",
            &format!("/api/files/{hash}"),
            &unit,
            &[],
            &[]
        ))
        .status,
        404
    );
    let rest = blocking(|| patch(&server, &unit, &path, cut as u64, &file[cut..]));
    assert_eq!(
        (rest.status, rest.offset),
        (204, Some(size)),
        "{}",
        rest.body
    );

    // Stored, but named by no report yet: nobody reads it.
    let get = |token: &str| {
        let token = token.to_string();
        let path = format!("/api/files/{hash}");
        blocking(|| call(&server, "GET", &path, &token, &[], &[]))
    };
    assert_eq!(get(&unit).status, 404);

    // The unit names it in its Q1 evidence (as the tablet does, by sync).
    let mut tablet = SyncClient::new("tablet-files").await;
    tablet.connect(server.sync_url(), &unit).await;
    let doc = tablet.find(&own_doc).await.expect("own progress");
    let user = server.demo_username(UNIT);
    edit::<Progress>(&doc, &user, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).evidence.push(Evidence {
            id: "ev-1".into(),
            number: "25/KH-SKHCN".into(),
            date: None,
            summary: "Kế hoạch CCHC".into(),
            file: None,
            files: vec![EvidenceFile {
                sha256: hash.clone(),
                name: "Kế hoạch 25-KH.pdf".into(),
                mime: "application/pdf".into(),
                size,
                added_by: user.clone(),
                added_at: 1_750_000_000,
            }],
        })
    });
    tablet.wait_acknowledged(&doc).await;
    tablet.stop().await;

    for (who, token) in [("the unit", &unit), ("its central office", &office)] {
        let got = get(token);
        assert_eq!(got.status, 200, "{who}: {}", got.body);
        assert_eq!(sha(&got.bytes), hash, "{who} reads the very bytes");
    }
    assert_eq!(
        get(&other).status,
        404,
        "another unit does not see the unit's report"
    );

    // "Hồ sơ minh chứng" for Q1: the office's archive has the index sheet and the file, in the
    // task's folder, named by the evidence number; `tiendo evidence export` writes the same.
    let (status, kind, _, archive) =
        blocking(|| server.download(&office, &format!("/api/plans/{PLAN}/evidence/q1.zip")));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&archive));
    assert_eq!(kind, "application/zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive.clone())).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let in_folder = names
        .iter()
        .find(|n| n.ends_with("/25-KH-SKHCN.pdf"))
        .unwrap_or_else(|| panic!("the file by its evidence number: {names:?}"));
    assert!(
        in_folder.starts_with("1. "),
        "in its area's folder: {in_folder}"
    );
    let mut inside = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(in_folder).unwrap(), &mut inside).unwrap();
    assert_eq!(sha(&inside), hash);
    let mut sheet = Vec::new();
    std::io::Read::read_to_end(
        &mut zip.by_name("Danh muc minh chung.xlsx").unwrap(),
        &mut sheet,
    )
    .unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(sheet)).unwrap();
    let rows = calamine::Reader::worksheet_range(&mut book, "Danh mục minh chứng").unwrap();
    let row: Vec<String> = rows
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(row.contains(&"25/KH-SKHCN".to_string()), "{row:?}");
    assert!(row.contains(&hash), "{row:?}");
    assert!(row.contains(&"Kế hoạch 25-KH.pdf".to_string()), "{row:?}");
    assert_eq!(
        blocking(|| server.download(&unit, &format!("/api/plans/{PLAN}/evidence/q1.zip"))).0,
        403,
        "a unit does not export the agency's evidence"
    );
    let cli_zip = dir.path().join("ho-so-q1.zip");
    let out = tiendo_tests::process::RealServer::cli(
        server.data_dir(),
        &[
            "evidence",
            "export",
            "--plan",
            PLAN,
            "--period",
            "q1",
            "--out",
            cli_zip.to_str().unwrap(),
        ],
    );
    assert!(out.contains("1 tệp minh chứng"), "{out}");
    let cli = zip::ZipArchive::new(std::fs::File::open(&cli_zip).unwrap()).unwrap();
    let mut cli_names: Vec<&str> = cli.file_names().collect();
    let mut http_names: Vec<&str> = names.iter().map(String::as_str).collect();
    cli_names.sort();
    http_names.sort();
    assert_eq!(cli_names, http_names);

    // The same file again: done at creation, nothing to send, stored once.
    let again = blocking(|| create(&server, &unit, &own_doc, &hash, "application/pdf", size));
    assert_eq!(
        (again.status, again.offset),
        (201, Some(size)),
        "{}",
        again.body
    );
    let store = server.library().store().clone();
    let stored_files = || {
        let store = store.clone();
        server_files(
            &server,
            async move { store.stored_files().await.unwrap().len() },
        )
    };
    assert_eq!(stored_files(), 1);

    // Bytes that do not hash as declared: refused, not stored.
    let liar = pdf(1000, 9);
    let declared = sha(&pdf(1000, 10));
    let up = blocking(|| create(&server, &unit, &own_doc, &declared, "application/pdf", 1009));
    let path = up.location.expect("Location");
    let refused = blocking(|| patch(&server, &unit, &path, 0, &liar));
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("SHA-256"), "{}", refused.body);
    assert_eq!(
        blocking(|| call(&server, "HEAD", &path, &unit, &[], &[])).status,
        404
    );

    // A PDF declared as a photo; a type not accepted; over the size limit: each says why.
    let disguised = pdf(100, 1);
    let up = blocking(|| create(&server, &unit, &own_doc, &sha(&disguised), "image/png", 109));
    let refused = blocking(|| patch(&server, &unit, &up.location.unwrap(), 0, &disguised));
    assert_eq!(refused.status, 415, "{}", refused.body);
    assert!(
        refused.body.contains("không phải ảnh PNG"),
        "{}",
        refused.body
    );
    let exe = blocking(|| {
        create(
            &server,
            &unit,
            &own_doc,
            &hash,
            "application/x-msdownload",
            10,
        )
    });
    assert_eq!(exe.status, 415, "{}", exe.body);
    assert!(exe.body.contains("chỉ nhận"), "{}", exe.body);
    let huge = blocking(|| create(&server, &unit, &own_doc, &hash, "application/pdf", 21 << 20));
    assert_eq!(huge.status, 413, "{}", huge.body);
    assert!(huge.body.contains("quá giới hạn 20 MB"), "{}", huge.body);
    assert_eq!(stored_files(), 1, "nothing refused was stored");

    // Backup and restore carry the file.
    let restored_dir = tempfile::tempdir().unwrap();
    tiendo_tests::stores::backup_and_restore(server.data_dir(), restored_dir.path());
    let store = tiendo_tests::stores::open_store(restored_dir.path()).await;
    assert_eq!(sha(&store.read_file(&hash).await.unwrap().unwrap()), hash);
}
