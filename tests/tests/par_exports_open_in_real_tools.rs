//! An agency's PAR-index self-assessment, scored against the template for Quảng Ngãi's
//! departments, made into the three files the province receives and opened by real tools:
//! LibreOffice converts the report (DOCX) to an A4 PDF with the letterhead, the title, the scores
//! the Vietnamese way and the proposals, and the summary table (XLSX) to CSV with its scores as
//! numbers; the evidence archive, its bytes read from a store that holds them, has a folder for
//! exactly the codes whose files it holds, and an index sheet that also names the file the store
//! lacks, the file the caller does not trust and the giải trình where there is no evidence.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use calamine::{Data, Reader, Xlsx};
use sha2::{Digest, Sha256};
use tiendo_server::reports::par::{self, Filing, INDEX_NAME};
use tiendo_server::store::Store;
use tiendo_server::store::files::{Finished, NewUpload};
use tiendo_shared::model::Date;
use tiendo_shared::model::assessment::{Assessment, EvidenceItem, Scoring};
use tiendo_shared::model::criteria::{Mark, Points, template};
use tiendo_shared::views::par_index;
use tiendo_tests::office::{csv_text, pdf_text, pdf_words, squash};

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A Word file, as an agency attaches its signed plan's text.
fn word_file() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    docx_rs::Docx::new()
        .add_paragraph(
            docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text("Báo cáo CCHC")),
        )
        .build()
        .pack(&mut out)
        .unwrap();
    out.into_inner()
}

/// Stores `bytes` as an uploaded file.
async fn stored(store: &Store, id: &str, bytes: &[u8]) -> String {
    let upload = NewUpload {
        id: id.into(),
        sha256: sha(bytes),
        size: bytes.len() as u64,
        mime: "application/pdf".into(),
        name: format!("{id}.pdf"),
        doc_id: "assessment".into(),
        user_id: 1,
    };
    store.create_upload(upload, false).await.unwrap();
    store.append_upload(id, 0, bytes.to_vec()).await.unwrap();
    assert_eq!(store.finish_upload(id).await.unwrap(), Finished::Stored);
    sha(bytes)
}

fn evidence(sha256: &str, name: &str, reference: &str) -> EvidenceItem {
    EvidenceItem {
        sha256: sha256.into(),
        name: name.into(),
        reference: reference.into(),
        task_id: None,
    }
}

fn scored(unit: &str, points: i32, files: Vec<EvidenceItem>) -> Scoring {
    Scoring {
        unit_id: Some(unit.into()),
        mark: Some(Mark::Score(Points(points))),
        evidence: files,
        ..Scoring::default()
    }
}

/// Whether `needle` is in the PDF's text, spacing aside (justified lines space words freely).
fn in_pdf(flat: &str, needle: &str) -> bool {
    flat.contains(needle) || flat.replace(' ', "").contains(&needle.replace(' ', ""))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_assessment_opens_in_libreoffice_and_its_evidence_is_filed_by_code() {
    let store = Store::in_memory().unwrap();
    let plan_pdf = b"%PDF-1.4\n% Ke hoach CCHC 2025\n".to_vec();
    let check_pdf = b"%PDF-1.4\n% Bien ban kiem tra\n".to_vec();
    let secret_pdf = b"%PDF-1.4\n% Another agency's file\n".to_vec();
    let plan = stored(&store, "u-plan", &plan_pdf).await;
    let report = stored(&store, "u-report", &word_file()).await;
    let check = stored(&store, "u-check", &check_pdf).await;
    let secret = stored(&store, "u-secret", &secret_pdf).await;
    let never_uploaded = "e".repeat(64);

    let set = template::departments("Tỉnh Quảng Ngãi", 2025);
    let mut a = Assessment {
        agency_id: "so-khcn".into(),
        year: 2025,
        criteria_id: set.id.clone(),
        proposals: "Đề nghị Sở Nội vụ tổ chức tập huấn chấm điểm Chỉ số CCHC".into(),
        ..Assessment::default()
    };
    a.items.insert(
        "1.1.1".into(),
        scored(
            "vp",
            100,
            vec![evidence(
                &plan,
                "Kế hoạch CCHC 2025.pdf",
                "Số 12/KH-SKHCN ngày 10/01/2025 — Kế hoạch CCHC năm 2025",
            )],
        ),
    );
    a.items.insert(
        "1.1.2".into(),
        scored(
            "vp",
            150,
            // Named .pdf by its sender, a Word file by its bytes.
            vec![evidence(&report, "Báo cáo năm.pdf", "Số 300/BC-SKHCN")],
        ),
    );
    a.items.insert(
        "1.3.2".into(),
        scored("tt", 200, vec![evidence(&check, "Biên bản.pdf", "")]),
    );
    // Named but never uploaded, and a file the caller does not trust: listed, not filed.
    a.items.insert(
        "3.2.1".into(),
        scored(
            "tt",
            300,
            vec![evidence(&never_uploaded, "Ảnh cổng DVC.png", "")],
        ),
    );
    a.items.insert(
        "4.1.1".into(),
        scored("vp", 400, vec![evidence(&secret, "Quyết định.pdf", "")]),
    );
    let mut explained = scored("vp", 0, Vec::new());
    explained.explanation = "Trong năm chưa có sáng kiến được công nhận".into();
    a.items.insert("1.5.1".into(), explained);
    a.items.insert(
        "2.1.1".into(),
        Scoring {
            unit_id: Some("pc".into()),
            mark: Some(Mark::NotApplicable),
            explanation: "Sở không được giao xây dựng văn bản QPPL".into(),
            ..Scoring::default()
        },
    );
    let index = par_index::index(&set, &a.marks());
    let units: BTreeMap<String, String> = [
        ("vp".to_string(), "Văn phòng Sở".to_string()),
        ("tt".to_string(), "Thanh tra Sở".to_string()),
    ]
    .into();
    let f = Filing {
        set: &set,
        assessment: &a,
        index: &index,
        agency_name: "Sở Khoa học và Công nghệ",
        symbol: "SKHCN",
        unit_names: &units,
        approved: Some(("Trần Văn Bình".into(), Date::from_dmy(25, 1, 2026).unwrap())),
        as_of: Date::from_dmy(28, 1, 2026).unwrap(),
    };
    let dir = tempfile::tempdir().unwrap();

    // The report, as LibreOffice prints it.
    let docx_path = dir.path().join("bao-cao-tu-danh-gia.docx");
    std::fs::write(&docx_path, par::report_docx(&f).unwrap()).unwrap();
    let (text, info) = pdf_text(&docx_path);
    let flat = squash(&text);
    assert!(info.contains("(A4)"), "{info}");
    for needle in [
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-SKHCN",
        "Quảng Ngãi, ngày 28 tháng 01 năm 2026",
        "BÁO CÁO",
        "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2025",
        "III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT",
        "Đề nghị Sở Nội vụ tổ chức tập huấn chấm điểm Chỉ số CCHC",
        "Mức độ hoàn thành kế hoạch CCHC năm",
        "Số 12/KH-SKHCN ngày 10/01/2025",
        "Trong năm chưa có sáng kiến được công nhận",
        "Không áp dụng",
        "Nơi nhận:",
        "GIÁM ĐỐC",
        "Trần Văn Bình",
    ] {
        assert!(
            in_pdf(&flat, needle),
            "{needle:?} is not in the PDF:\n{text}"
        );
    }
    // 1.1.2's row of the detail table: maximum 3, self-score 1,5 beside its code.
    let pdf = docx_path.with_extension("pdf");
    let row: Vec<String> = pdf_words(&pdf)
        .into_iter()
        .flat_map(|(_, words)| {
            let code = words.iter().find(|w| w.text == "1.1.2")?.clone();
            let beside = words
                .into_iter()
                .filter(|w| (w.y_min - code.y_min).abs() < 2.0 && w.x_min > code.x_max)
                .map(|w| w.text)
                .collect::<Vec<_>>();
            Some(beside)
        })
        .next()
        .expect("1.1.2 is in the report");
    assert!(
        row.iter().any(|w| w == "3") && row.iter().any(|w| w == "1,5"),
        "{row:?}"
    );
    assert!(!in_pdf(&flat, "DỰ THẢO"), "an approved report is no draft");

    // The table, as LibreOffice Calc reads it: scores are numbers in a two-decimal format.
    let xlsx = par::summary_xlsx(&f).unwrap();
    let xlsx_path = dir.path().join("bang-tu-danh-gia.xlsx");
    std::fs::write(&xlsx_path, &xlsx).unwrap();
    let csv = csv_text(&xlsx_path);
    let line = |code: &str| {
        csv.lines()
            .find(|l| l.split(',').nth(1).map(|c| c.trim_matches('"')) == Some(code))
            .unwrap_or_else(|| panic!("no row {code}:\n{csv}"))
            .to_string()
    };
    assert!(
        csv.contains("KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025"),
        "{csv}"
    );
    assert!(line("1.1.2").contains(",3.00,1.50,"), "{}", line("1.1.2"));
    assert!(line("1.1").contains(",4.00,2.50,"), "{}", line("1.1"));
    assert!(line("2.1.1").contains(",\"KAD\","), "{}", line("2.1.1"));
    assert!(line("8.1").contains("Điều tra XHH"), "{}", line("8.1"));
    assert!(line("1.1.1").contains("Văn phòng Sở"), "{}", line("1.1.1"));
    assert!(
        line("1.1.1").contains("Số 12/KH-SKHCN ngày 10/01/2025"),
        "{}",
        line("1.1.1")
    );
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range("Tự đánh giá").unwrap();
    let index_row = (0..sheet.height() as u32)
        .find(|r| sheet.get_value((*r, 2)) == Some(&Data::String("CHỈ SỐ CCHC TỰ ĐÁNH GIÁ".into())))
        .expect("the index's row");
    assert_eq!(
        sheet.get_value((index_row, 4)),
        Some(&Data::Float(index.index.as_f64()))
    );

    // The evidence, filed by code; the untrusted file is left out as one the store lacks.
    let trusted = |h: &str| h != secret;
    let zip = par::evidence_zip(&f, &store, &trusted).await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let names: BTreeSet<String> = zip.file_names().map(str::to_string).collect();
    let folders: BTreeSet<&str> = names
        .iter()
        .filter_map(|n| n.split_once('/').map(|(folder, _)| folder))
        .collect();
    assert_eq!(folders, BTreeSet::from(["1.1.1", "1.1.2", "1.3.2"]));
    assert_eq!(
        names,
        BTreeSet::from(
            [
                "1.1.1/Kế hoạch CCHC 2025.pdf",
                "1.1.2/Báo cáo năm.docx",
                "1.3.2/Biên bản.pdf",
                INDEX_NAME
            ]
            .map(String::from)
        )
    );
    let mut filed = Vec::new();
    zip.by_name("1.1.1/Kế hoạch CCHC 2025.pdf")
        .unwrap()
        .read_to_end(&mut filed)
        .unwrap();
    assert_eq!(filed, plan_pdf);
    let mut sheet_bytes = Vec::new();
    zip.by_name(INDEX_NAME)
        .unwrap()
        .read_to_end(&mut sheet_bytes)
        .unwrap();
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(sheet_bytes)).unwrap();
    let listed = book.worksheet_range("Danh mục").unwrap();
    let row_of = |col: u32, value: &str| {
        (1..listed.height() as u32)
            .find(|r| listed.get_value((*r, col)) == Some(&Data::String(value.into())))
            .unwrap_or_else(|| panic!("no row with {value:?}"))
    };
    let cell = |r: u32, c: u32| listed.get_value((r, c)).unwrap().to_string();
    let plan_row = row_of(7, &plan);
    assert_eq!(cell(plan_row, 1), "1.1.1");
    assert_eq!(cell(plan_row, 6), "1.1.1/Kế hoạch CCHC 2025.pdf");
    assert_eq!(
        cell(plan_row, 5),
        "Số 12/KH-SKHCN ngày 10/01/2025 — Kế hoạch CCHC năm 2025"
    );
    for missing in [&never_uploaded, &secret] {
        assert_eq!(cell(row_of(7, missing), 6), "Không có tệp trên máy chủ");
    }
    let explained = row_of(1, "1.5.1");
    assert_eq!(cell(explained, 6), "Không có tài liệu kiểm chứng");
    assert_eq!(
        cell(explained, 8),
        "Trong năm chưa có sáng kiến được công nhận"
    );
}
