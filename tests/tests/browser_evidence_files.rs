//! Evidence files on a unit's tablet in headless Chromium against a real server: attached
//! offline (a 4,000 × 3,000 photo and a PDF), kept on the tablet at once — the photo redrawn to
//! 2,000 pixels as a JPEG — listed as not uploaded and counted by the sync indicator; a file
//! that is not what it says is refused with a message; after an offline reload both are listed
//! and open from the tablet, byte for byte; back online both upload with no user action, and the
//! central office downloads the very bytes the unit's report names.

use sha2::{Digest, Sha256};
use tiendo_shared::model::{PeriodKind, Progress};
use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, own_progress, read};

const UNIT: &str = "thanh-tra-so";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_attaches_files_offline_they_open_after_a_reload_and_upload_by_themselves() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    let token = blocking(|| server.login_demo(UNIT));
    let addr = server.addr();
    let (_, doc_id) = blocking(|| own_progress(&addr, &token));
    // A PDF of 700 KB: three pieces of upload.
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..700 * 1024).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    let pdf_path = dir.path().join("ke-hoach-25.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();

    let mut run = Scenario::start(
        "evidence_files",
        &[
            ("BASE", server.url("/")),
            ("USER", server.demo_username(UNIT)),
            ("PASSWORD", server.password(UNIT)),
            ("OFFICE_USER", server.demo_username(OFFICE)),
            ("OFFICE_PASSWORD", server.password(OFFICE)),
            ("PDF", pdf_path.display().to_string()),
        ],
    );
    let offline = blocking(|| run.expect("offline"));
    let task = offline["task"].as_str().expect("task").to_string();
    let typed = "Đã ban hành kế hoạch (đang soạn)";
    assert_eq!(
        offline["typing"], typed,
        "typing survives the redraws: {offline:#}"
    );
    assert_eq!(offline["result"], typed, "and is saved: {offline:#}");
    assert!(
        offline["storage"]
            .as_str()
            .unwrap()
            .starts_with("Bộ nhớ trên máy: "),
        "{offline:#}"
    );
    assert!(
        offline["persist_asked"].is_string(),
        "the app asked for persistent storage at the first attach: {offline:#}"
    );
    let files = offline["files"].as_array().expect("files");
    assert_eq!(files.len(), 2, "{offline:#}");
    assert!(files.iter().all(|f| f["state"] == "local"), "{offline:#}");
    assert!(
        files.iter().all(|f| f["label"] == "chưa tải lên"),
        "{offline:#}"
    );
    assert!(
        offline["indicator"]
            .as_str()
            .unwrap()
            .contains("2 tệp chưa tải lên"),
        "{offline:#}"
    );
    assert!(
        offline["refused"]
            .as_str()
            .unwrap()
            .contains("không phải PDF"),
        "{offline:#}"
    );
    let pdf_sha = sha(&pdf);
    let photo = files
        .iter()
        .find(|f| f["name"] == "anh-ban-ky.jpg")
        .unwrap_or_else(|| panic!("the photo, redrawn as a JPEG: {offline:#}"));
    let photo_sha = photo["sha256"].as_str().unwrap().to_string();
    assert!(
        files.iter().any(|f| f["sha256"] == pdf_sha.as_str()),
        "{offline:#}"
    );

    // After the reload, offline: the same two, opening from the tablet with their own bytes.
    assert_eq!(offline["reloaded"], offline["files"], "{offline:#}");
    for o in offline["opened"].as_array().unwrap() {
        assert_eq!(o["url"], "blob:", "opened from the tablet: {o}");
        if o["sha256"] == pdf_sha.as_str() {
            assert_eq!(o["size"], pdf.len(), "{o}");
            assert_eq!(o["type"], "application/pdf");
        } else {
            assert_eq!(o["sha256"], photo_sha.as_str(), "{o}");
            assert_eq!(o["type"], "image/jpeg");
            assert_eq!(o["pixels"], serde_json::json!([2000, 1500]), "{o}");
            assert!(
                o["size"].as_u64().unwrap() < offline["photo_bytes"].as_u64().unwrap(),
                "smaller than the photo taken: {o} {offline:#}"
            );
        }
    }

    let online = blocking(|| run.expect("uploaded"));
    assert!(
        online["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["label"] == "đã lưu trên máy chủ"),
        "{online:#}"
    );

    // The report names both; the office downloads the very bytes.
    let mut office_tablet = SyncClient::new("office-reads").await;
    let office = blocking(|| server.login_demo(OFFICE));
    office_tablet.connect(server.sync_url(), &office).await;
    let doc = office_tablet
        .find(&doc_id)
        .await
        .expect("the unit's progress");
    let progress: Progress = read(&doc);
    let named: Vec<String> = progress.files().map(|f| f.sha256.clone()).collect();
    assert!(
        named.contains(&pdf_sha) && named.contains(&photo_sha),
        "{named:?}"
    );
    let entry = PeriodKind::ALL
        .iter()
        .find_map(|p| progress.entry(&task, *p))
        .expect("the entry of the task");
    assert_eq!(
        entry.evidence[0].files.len(),
        2,
        "both named on the evidence item"
    );
    office_tablet.stop().await;
    for (what, want) in [("PDF", &pdf_sha), ("photo", &photo_sha)] {
        let (status, kind, _, bytes) =
            blocking(|| server.download(&office, &format!("/api/files/{want}")));
        assert_eq!(status, 200, "{what}");
        assert_eq!(&sha(&bytes), want, "{what}: the very bytes");
        assert!(
            kind == "application/pdf" || kind == "image/jpeg",
            "{what}: {kind}"
        );
    }

    // Then: the office's task view, a reference removed, a logout with a file waiting.
    run.go();
    let later = blocking(|| run.expect("later"));
    // The office's task view: both files, a thumbnail for the photo, a preview for the PDF.
    let office_links = later["office"].as_array().expect("office links");
    assert_eq!(office_links.len(), 2, "{later:#}");
    for l in office_links {
        let href = l["href"].as_str().unwrap();
        if href.ends_with(&pdf_sha) {
            assert_eq!(l["preview"], true, "{l}");
        } else {
            assert_eq!(href, format!("/api/files/{photo_sha}"));
            assert_eq!(l["thumbnail"], true, "{l}");
        }
    }
    // Removed from the report, kept on the tablet; logout asks while a file waits.
    assert_eq!(later["removed"].as_array().unwrap().len(), 1, "{later:#}");
    assert_eq!(later["kept"], true, "{later:#}");
    assert!(
        later["asked"]
            .as_str()
            .unwrap_or("")
            .contains("1 tệp minh chứng chưa tải lên"),
        "{later:#}"
    );
    assert_eq!(
        later["still_in"], 1,
        "declining keeps the user signed in: {later:#}"
    );
    // Short of space: the copies of the uploaded photo and PDF went, the file only on the
    // tablet stayed; the photo then opened from the server with its own bytes.
    let short = &later["short"];
    let keys = |k: &str| -> Vec<String> {
        short[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let (before, after) = (keys("before"), keys("after"));
    assert!(
        before.contains(&photo_sha) && before.contains(&pdf_sha),
        "{short:#}"
    );
    assert!(
        !after.contains(&photo_sha) && !after.contains(&pdf_sha),
        "confirmed copies dropped: {short:#}"
    );
    let waiting: Vec<&serde_json::Value> = short["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["state"] == "local")
        .collect();
    assert_eq!(waiting.len(), 1, "{short:#}");
    assert!(
        after.contains(&waiting[0]["sha256"].as_str().unwrap().to_string()),
        "the file only on the tablet is kept: {short:#}"
    );
    let reopened = short["reopened"].as_array().unwrap();
    assert_eq!(reopened.len(), 1, "{short:#}");
    assert_eq!(reopened[0]["url"], "/api/", "from the server: {short:#}");
    assert_eq!(reopened[0]["sha256"], photo_sha.as_str(), "{short:#}");
    blocking(|| run.finish());
}
