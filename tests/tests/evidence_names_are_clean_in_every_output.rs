//! Evidence file names are a unit's words, shown by other programs: the office's "Hồ sơ minh
//! chứng" archive and its index sheet carry them without bidi controls or invisible characters
//! (the period report's DOCX and XLSX too: a `reports` unit test), and the archive names each
//! file by the type its bytes are, not the type its name claims. A Java archive (a ZIP, accepted at upload as a Word file) named
//! "Hồ sơ\u{202E}xcod.jar" — shown "Hồ sơraj.docx" — and a PNG named "ảnh\u{202E}gnp.exe" —
//! shown "ảnhexe.png" — reach the archive as "Hồ sơxcod.bin" and "ảnhgnp.png".

use std::io::{Read, Write};

use tiendo_shared::model::{Evidence, EvidenceFile, PeriodKind, Progress, WorkStatus};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit, own_progress};

const UNIT: &str = "thanh-tra-so";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A Java archive: a ZIP with a manifest and no Word part, made here.
fn jar() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "META-INF/MANIFEST.MF",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(b"Manifest-Version: 1.0\r\nMain-Class: A\r\n\r\n")
        .unwrap();
    zip.finish().unwrap().into_inner()
}

/// Characters that draw nothing yet reorder or hide what is around them.
fn hidden(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_lose_bidi_tricks_and_take_the_extension_of_what_the_bytes_are() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let unit = blocking(|| server.login_demo(UNIT));
    let office = blocking(|| server.login_demo(OFFICE));
    let (_, doc_id) = blocking(|| own_progress(&server.addr(), &unit));
    let jar = jar();
    let png = [&b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..], &[7u8; 64]].concat();
    let jar_hash = blocking(|| server.tus_upload(&unit, &doc_id, DOCX, &jar)).expect("upload");
    let png_hash =
        blocking(|| server.tus_upload(&unit, &doc_id, "image/png", &png)).expect("upload");

    let mut tablet = SyncClient::new("tablet-names").await;
    tablet.connect(server.sync_url(), &unit).await;
    let doc = tablet.find(&doc_id).await.expect("own progress");
    let user = server.demo_username(UNIT);
    let file = |sha256: &str, name: &str, mime: &str, size: usize| EvidenceFile {
        sha256: sha256.to_string(),
        name: name.to_string(),
        mime: mime.to_string(),
        size: size as u64,
        added_by: user.clone(),
        added_at: 1_740_000_000,
    };
    edit::<Progress>(&doc, &user, |p| {
        let e = p.entry_mut("t1-a", PeriodKind::Q1);
        e.status = WorkStatus::InProgress;
        e.percent = 50;
        e.evidence.push(Evidence {
            id: "ev-names".into(),
            files: vec![
                file(&jar_hash, "Hồ sơ\u{202E}xcod.jar", DOCX, jar.len()),
                file(&png_hash, "ảnh\u{202E}gnp.exe", "image/png", png.len()),
            ],
            ..Default::default()
        });
    });
    tablet.wait_acknowledged(&doc).await;
    tablet.stop().await;

    // The archive: clean names, extensions from the bytes.
    let (status, _, _, archive) =
        blocking(|| server.download(&office, &format!("/api/plans/{PLAN}/evidence/q1.zip")));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&archive));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive)).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    assert!(
        names.iter().all(|n| !n.chars().any(hidden)),
        "no hidden characters: {names:?}"
    );
    assert!(
        names.iter().any(|n| n.ends_with("/Hồ sơxcod.bin")),
        "the Java archive is no .jar, nor a .docx: {names:?}"
    );
    assert!(
        names.iter().any(|n| n.ends_with("/ảnhgnp.png")),
        "the PNG is a .png: {names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with(".jar") || n.ends_with(".exe")),
        "{names:?}"
    );
    // The index sheet lists them cleaned, and where they are.
    let mut sheet = Vec::new();
    zip.by_name("Danh muc minh chung.xlsx")
        .unwrap()
        .read_to_end(&mut sheet)
        .unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(sheet)).unwrap();
    let rows = calamine::Reader::worksheet_range(&mut book, "Danh mục minh chứng").unwrap();
    let cells: Vec<String> = rows.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.iter().all(|c| !c.chars().any(hidden)), "{cells:?}");
    assert!(cells.contains(&"Hồ sơxcod.jar".to_string()), "{cells:?}");
    assert!(
        cells.iter().any(|c| c.ends_with("/ảnhgnp.png")),
        "{cells:?}"
    );
}
