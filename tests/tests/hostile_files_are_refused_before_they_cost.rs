//! A hostile file costs the server nothing it did not allow: a user who may not import is
//! refused before a byte of the body is read (a body that never ends gets its `403` at once);
//! a body over the route's limit is refused while it streams; a zip bomb dressed as a .docx, a
//! sheet of tens of thousands of rows, a bundle of too many items or too deep a nesting are
//! refused naming the bound, and `/api/health` answers meanwhile. The payloads are generated
//! here ([`tiendo_tests::hostile`]), never committed.

use std::time::Duration;

use tiendo_tests::hostile::{
    bundle_items, bundle_nested, chunked_body, docx_bomb, endless_body, post_bytes,
    xlsx_numbered_rows, xlsx_rows, xlsx_shared_string,
};
use tiendo_tests::{TestServer, data_dir};

const UNIT: &str = "thanh-tra-so";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const GIB: u64 = 1 << 30;
/// How long a test waits for an answer before it fails (the server never needs it: a refusal
/// comes before the body, which here never comes).
const PATIENCE: Duration = Duration::from_secs(60);

fn error(body: &serde_json::Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

#[test]
fn who_may_not_import_is_refused_before_the_body_and_a_body_over_the_limit_while_it_streams() {
    let dir = data_dir();
    let server = TestServer::start_with(dir.path(), |c| {
        c.limits.max_plan_file_bytes = 1024 * 1024;
        c.limits.max_bundle_bytes = 1024 * 1024;
    });
    let addr = server.addr();
    let unit = server.login_demo(UNIT);
    let office = server.login_demo(OFFICE);

    // A unit's editor declares 1 GiB and sends ten bytes: the answer comes without the rest.
    for path in ["/api/plans/preview", "/api/plans", "/api/bundles"] {
        let (status, body) = endless_body(&addr, path, &unit, GIB, b"PK\x03\x04 ...", PATIENCE);
        assert_eq!(status, 403, "{path}: {body}");
        assert!(error(&body).contains("không được đọc"), "{path}: {body}");
    }

    // The office declaring more than the limit is refused at once, naming the limit.
    for path in ["/api/plans/preview", "/api/bundles"] {
        let (status, body) = endless_body(&addr, path, &office, GIB, b"PK", PATIENCE);
        assert_eq!(status, 413, "{path}: {body}");
        assert_eq!(body["code"], "too_large", "{body}");
        assert!(error(&body).contains("quá giới hạn 1 MB"), "{path}: {body}");
    }
    // Without a declared length, at the first chunk past it.
    for path in ["/api/plans/preview", "/api/bundles"] {
        let (status, body) = chunked_body(&addr, path, &office, 3 * 1024 * 1024, b' ');
        assert_eq!(status, 413, "{path}: {body}");
        assert!(error(&body).contains("quá giới hạn 1 MB"), "{path}: {body}");
    }

    let (status, _) = server.get_json("/api/health");
    assert_eq!(status, 200);
}

#[test]
fn zip_bombs_and_sheets_of_too_many_rows_are_refused_naming_the_bound() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let addr = server.addr();
    let office = server.login_demo(OFFICE);
    let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // 128 MB of document in a file of about 130 KB: refused before it is inflated.
    let bomb = docx_bomb(128 * 1024 * 1024);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let (status, body) = post_bytes(&addr, "/api/plans/preview", &office, docx, &bomb);
    assert_eq!(status, 413, "{body}");
    assert!(
        error(&body).contains("word/document.xml") && error(&body).contains("quá giới hạn"),
        "{body}"
    );

    // The review's sheet, 1 M rows × 6 cells in about 0.5 MB: refused before it is inflated.
    let sheet = xlsx_rows(1_000_000, 6);
    assert!(sheet.len() < 1024 * 1024, "{} bytes", sheet.len());
    let (status, body) = post_bytes(&addr, "/api/plans/preview", &office, xlsx, &sheet);
    assert_eq!(status, 413, "{body}");
    assert!(error(&body).contains("sheet1.xml"), "{body}");
    // 30,000 rows written as Excel writes them, within the size bounds: more rows than a plan
    // has, refused before calamine reads the sheet.
    let sheet = xlsx_numbered_rows(30_000, 6);
    let (status, body) = post_bytes(&addr, "/api/plans/preview", &office, xlsx, &sheet);
    assert_eq!(status, 413, "{body}");
    assert!(error(&body).contains("20000 dòng"), "{body}");

    // One 900 KB string named by 200 cells: calamine would copy it into each (180 MB).
    let strings = xlsx_shared_string(900 * 1024, 200);
    let (status, body) = post_bytes(&addr, "/api/plans/preview", &office, xlsx, &strings);
    assert_eq!(status, 413, "{body}");
    assert!(error(&body).contains("mỗi ô một bản"), "{body}");

    // Two bombs at once: health answers while they are refused.
    let senders: Vec<_> = [bomb.clone(), sheet.clone()]
        .into_iter()
        .map(|file| {
            let (addr, office) = (addr.clone(), office.clone());
            std::thread::spawn(move || {
                post_bytes(
                    &addr,
                    "/api/plans/preview",
                    &office,
                    "application/zip",
                    &file,
                )
                .0
            })
        })
        .collect();
    let (status, _) = server.get_json("/api/health");
    assert_eq!(status, 200);
    for s in senders {
        assert_eq!(s.join().unwrap(), 413);
    }

    // A real plan still previews.
    let (status, body) = server.post_text("/api/plans/preview", &office, tiendo_server::SEED_PLAN);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn bundles_of_too_many_items_or_too_deep_nesting_are_refused_naming_the_bound() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let addr = server.addr();
    let office = server.login_demo(OFFICE);
    let kind = "application/vnd.tiendo.bundle";

    let (status, body) = post_bytes(&addr, "/api/bundles", &office, kind, &bundle_items(200_000));
    assert_eq!(status, 422, "{body}");
    assert!(
        error(&body).contains("200000 tài liệu, quá giới hạn 1000"),
        "{body}"
    );

    let (status, body) = post_bytes(
        &addr,
        "/api/bundles",
        &office,
        kind,
        &bundle_nested(100_000),
    );
    assert_eq!(status, 422, "{body}");
    assert!(error(&body).contains("tầng lồng nhau"), "{body}");

    let (status, _) = server.get_json("/api/health");
    assert_eq!(status, 200);
}
