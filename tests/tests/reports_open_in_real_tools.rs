//! The period report and its annex, downloaded from a real server after a unit reported through
//! sync, opened by real tools: LibreOffice converts the DOCX to an A4 PDF whose text has the
//! letterhead, the period title and the period's tasks (every task is in the annex); calamine reads the XLSX back and its
//! summary row is the server's merged status. Unit editors get no report; bad names are clear
//! errors.

use calamine::{Data, Reader, Xlsx};
use tiendo_server::reports::{SUMMARY_COLUMNS, summary_row};
use tiendo_shared::model::{Date, Evidence, PeriodKind, Progress, WorkStatus};
use tiendo_shared::views::status::Summary;
use tiendo_tests::office::{pdf_text, squash};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_download_and_open_in_libreoffice_and_a_spreadsheet_reader() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo(OFFICE));
    let progress_doc = blocking(|| server.doc_id(&office, "progress", Some(OFFICE)));

    // The office reports task 1.a done with its evidence, through sync like a tablet.
    let mut tablet = SyncClient::new("tablet-report").await;
    tablet.connect(server.sync_url(), &office).await;
    let doc = tablet.find(&progress_doc).await.expect("own progress");
    let user = server.demo_username(OFFICE);
    edit::<Progress>(&doc, &user, |p| {
        let e = p.entry_mut("t1-a", PeriodKind::Q1);
        e.status = WorkStatus::Done;
        e.percent = 100;
        e.completed_on = Some("2025-01-10".parse::<Date>().unwrap());
        e.result = "Đã ban hành Kế hoạch tuyên truyền CCHC năm 2025".into();
        e.difficulties = "Thiếu kinh phí in tài liệu tuyên truyền".into();
        e.proposals = "Bổ sung kinh phí tuyên truyền".into();
        e.evidence.push(Evidence {
            id: "ev1".into(),
            number: "25/KH-SKHCN".into(),
            date: Some("2025-01-10".parse::<Date>().unwrap()),
            summary: "Kế hoạch tuyên truyền CCHC năm 2025".into(),
            file: None,
            // The signed plan's scan: the report names it.
            files: vec![tiendo_shared::model::EvidenceFile {
                sha256: "ab".repeat(32),
                name: "KeHoach25.pdf".into(),
                mime: "application/pdf".into(),
                size: 120_000,
                added_by: user.clone(),
                added_at: 1_736_467_200,
            }],
        });
    });
    tablet.wait_acknowledged(&doc).await;

    let query = "as_of=2025-03-05";
    let (status, kind, disposition, docx) = blocking(|| {
        server.download(
            &office,
            &format!("/api/plans/{PLAN}/reports/q1.docx?{query}"),
        )
    });
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&docx));
    assert_eq!(
        kind,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert_eq!(
        disposition,
        "attachment; filename=\"bao-cao-cchc-2025-quy-1-so-khcn-quang-ngai.docx\""
    );
    let out = tempfile::tempdir().unwrap();
    let docx_path = out.path().join("bao-cao.docx");
    std::fs::write(&docx_path, &docx).unwrap();
    let (text, info) = pdf_text(&docx_path);
    let flat = squash(&text);
    assert!(info.contains("(A4)"), "{info}");
    for line in [
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-SKHCN",
        "Quảng Ngãi, ngày 05 tháng 3 năm 2025",
        "BÁO CÁO",
        "quý I năm 2025",
        "Nơi nhận:",
        "Sở Nội vụ",
        "25/KH-SKHCN",
        "KeHoach25.pdf",
        "Thiếu kinh phí in tài liệu tuyên truyền",
    ] {
        // Justification may split a word across spacing; compare without spaces as well.
        let found = flat.contains(line) || flat.replace(' ', "").contains(&line.replace(' ', ""));
        assert!(found, "{line:?} is not in the PDF:\n{text}");
    }

    let (_, summary) = blocking(|| {
        server.get_json_as(
            &office,
            &format!("/api/plans/{PLAN}/status?{query}&period=q1"),
        )
    });
    let summary: Summary = serde_json::from_value(summary).expect("a status");
    // The body reports the period: the task done in it is there, a task due late in the year
    // and not overdue is not (every task is in the annex, below).
    let in_body = |code: &str, title: &str| {
        let head: String = title.chars().take(30).collect();
        let needle = format!("{code} {head}");
        flat.contains(&needle) || flat.replace(' ', "").contains(&needle.replace(' ', ""))
    };
    let done = summary.tasks.iter().find(|t| t.code == "1.a").unwrap();
    assert!(
        in_body(&done.code, &done.title),
        "1.a is in the report:\n{text}"
    );
    let later = summary
        .tasks
        .iter()
        .find(|t| {
            t.deadline
                .is_some_and(|d| d > "2025-06-14".parse().unwrap())
                && !t.state.is_done()
                && t.state != tiendo_shared::views::status::TaskState::Overdue
        })
        .expect("a task due late in the year");
    assert!(
        !in_body(&later.code, &later.title),
        "{} (due {:?}) is not the period's:\n{text}",
        later.code,
        later.deadline
    );

    // The annex, read back.
    let (status, kind, _, xlsx) = blocking(|| {
        server.download(
            &office,
            &format!("/api/plans/{PLAN}/reports/q1.xlsx?{query}"),
        )
    });
    assert_eq!(status, 200);
    assert_eq!(
        kind,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("an xlsx");
    let sheet = book.worksheet_range("Tổng hợp").expect("summary sheet");
    let header: Vec<String> = (1..=SUMMARY_COLUMNS.len())
        .map(|c| sheet.get_value((3, c as u32)).unwrap().to_string())
        .collect();
    assert_eq!(header, SUMMARY_COLUMNS);
    assert_eq!(
        sheet.get_value((4, 0)),
        Some(&Data::String("Toàn kế hoạch".into()))
    );
    let numbers: Vec<f64> = (1..=SUMMARY_COLUMNS.len())
        .map(|c| match sheet.get_value((4, c as u32)) {
            Some(Data::Float(f)) => *f,
            other => panic!("column {c}: {other:?}"),
        })
        .collect();
    assert_eq!(numbers, summary_row(&summary.headline));
    assert_eq!(summary.headline.done_on_time, 1, "the reported task counts");
    let tasks = book.worksheet_range("Nhiệm vụ").expect("task sheet");
    assert_eq!(tasks.height(), summary.tasks.len() + 1);
    let done_row = (1..tasks.height() as u32)
        .find(|r| tasks.get_value((*r, 1)) == Some(&Data::String("1.a".into())))
        .expect("task 1.a has a row");
    assert_eq!(
        tasks.get_value((done_row, 5)),
        Some(&Data::String("Hoàn thành đúng hạn".into()))
    );

    // Who may not, and what is not a report.
    let unit = blocking(|| server.login_demo("thanh-tra-so"));
    let (status, _, _, body) =
        blocking(|| server.download(&unit, &format!("/api/plans/{PLAN}/reports/q1.docx")));
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    for (file, needle) in [("q5.docx", "q1, h1, q3, year"), ("q1.pdf", "docx, xlsx")] {
        let (status, body) =
            blocking(|| server.get_json_as(&office, &format!("/api/plans/{PLAN}/reports/{file}")));
        assert_eq!(status, 400, "{body}");
        assert!(body["error"].as_str().unwrap().contains(needle), "{body}");
        assert_eq!(body["code"], "bad_request");
    }
    let (status, body) =
        blocking(|| server.get_json_as(&office, "/api/plans/khong-co/reports/q1.docx"));
    assert_eq!(status, 404, "{body}");
    tablet.stop().await;
}
