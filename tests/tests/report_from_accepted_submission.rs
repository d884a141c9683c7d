//! The period report is built from what units sent: a unit submits, its head approves, the office
//! accepts, the unit edits again — and the report still says what was accepted, byte for byte
//! the same when made again, with the annex naming the heads it used. The DOCX, through
//! LibreOffice, has the regime's five parts (part I in the office's own words), the units on
//! time by the deadline the office configured, the national
//! motto on one line (`pdftotext -bbox`) and page numbers centred at the top from page 2.

use calamine::{Data, Reader, Xlsx};
use tiendo_shared::model::role::Role;
use tiendo_shared::model::{Date, PeriodKind, Progress, WorkStatus};
use tiendo_shared::workflow::{self, Action, Step};
use tiendo_tests::office::{pdf_text, pdf_words, squash};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const UNIT: &str = "thanh-tra-so";
const HEAD: &str = "thanh-tra-so.truong";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const SENT: &str = "Đã ban hành kế hoạch thanh tra công vụ năm 2025 (bản đã gửi)";
const LATER: &str = "Sửa sau khi văn phòng đã tiếp nhận";
const DIRECTION: &str =
    "Giám đốc Sở ban hành Chỉ thị số 01/CT-SKHCN về tăng cường kỷ luật hành chính.";

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn step(id: &str, action: Action, by: &str, role: Role, on: &str) -> Step {
    Step::new(id, action, by, role, now_ms(), on)
}

/// A signed-in client of `user` with document `doc` found.
async fn client(server: &TestServer, user: &str, doc: &str) -> (SyncClient, samod::DocHandle) {
    let token = blocking(|| server.login_demo(user));
    let mut c = SyncClient::new(&format!("peer-{user}")).await;
    c.connect(server.sync_url(), &token).await;
    let h = c.find(doc).await.expect("readable");
    (c, h)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_says_what_was_accepted_and_is_the_same_file_when_made_again() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo(OFFICE));
    let seed = server.startup.seeded.clone().expect("seeded");
    let progress = server.seeded_progress(UNIT);
    let (unit_user, head_user, office_user) = (
        server.demo_username(UNIT),
        server.demo_username(HEAD),
        server.demo_username(OFFICE),
    );
    // A task the inspectorate leads.
    let (_, status) = blocking(|| {
        server.get_json_as(
            &office,
            &format!("/api/plans/{PLAN}/status?as_of=2025-03-20&period=q1"),
        )
    });
    let task = status["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["lead_units"]
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u == UNIT)
        })
        .expect("a task the inspectorate leads")["task_id"]
        .as_str()
        .unwrap()
        .to_string();

    // The unit reports the task done in the period and submits; its head approves.
    let (unit, doc) = client(&server, UNIT, &progress).await;
    edit::<Progress>(&doc, &unit_user, |p| {
        let e = p.entry_mut(&task, PeriodKind::Q1);
        e.status = WorkStatus::Done;
        e.percent = 100;
        e.completed_on = Some("2025-02-20".parse::<Date>().unwrap());
        e.result = SENT.into();
    });
    doc.with_document(|d| {
        workflow::take_unit_step(
            d,
            PeriodKind::Q1,
            step("s1", Action::Submit, &unit_user, Role::UnitEditor, ""),
        )
        .unwrap()
    });
    unit.wait_acknowledged(&doc).await;
    let (head, hdoc) = client(&server, HEAD, &progress).await;
    tiendo_tests::eventually("the head's tablet has the submission", || {
        hdoc.with_document(|d| (!workflow::unit_steps(d, PeriodKind::Q1).is_empty()).then_some(()))
    })
    .await;
    hdoc.with_document(|d| {
        workflow::take_unit_step(
            d,
            PeriodKind::Q1,
            step("a1", Action::Approve, &head_user, Role::UnitHead, "s1"),
        )
        .unwrap()
    });
    head.wait_acknowledged(&hdoc).await;
    head.stop().await;

    // The office accepts it and writes part I of the report in its own words.
    let (officer, plan) = client(&server, OFFICE, &seed.plan_doc).await;
    plan.with_document(|d| {
        workflow::take_office_step(
            d,
            UNIT,
            PeriodKind::Q1,
            &step("k1", Action::Accept, &office_user, Role::AgencyAdmin, "s1"),
        )
        .unwrap();
        tiendo_shared::views::report::texts::write(
            d,
            &office_user,
            tiendo_shared::model::doc::UnixTime(now_ms() / 1000),
            PeriodKind::Q1,
            &tiendo_shared::views::report::PartTexts {
                direction: DIRECTION.into(),
                ..Default::default()
            },
        )
        .unwrap();
        // The province allowed units until the end of 2030 this time: the late-looking
        // submission (the seed is a 2025 plan) is on time by the configured deadline.
        workflow::configure(
            d,
            &office_user,
            tiendo_shared::model::doc::UnixTime(now_ms() / 1000),
            PeriodKind::Q1,
            &workflow::Configured {
                unit: Some("2030-12-31".parse().unwrap()),
                agency: None,
            },
        )
        .unwrap();
    });
    officer.wait_acknowledged(&plan).await;
    officer.stop().await;

    // Then the unit edits again.
    edit::<Progress>(&doc, &unit_user, |p| {
        p.entry_mut(&task, PeriodKind::Q1).result = LATER.into()
    });
    unit.wait_acknowledged(&doc).await;

    let get = |file: &str| {
        let (status, _, _, bytes) = blocking(|| {
            server.download(
                &office,
                &format!("/api/plans/{PLAN}/reports/{file}?as_of=2025-03-20"),
            )
        });
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        bytes
    };
    let docx = get("q1.docx");
    let xlsx = get("q1.xlsx");

    // Yet another edit: the report made again is the same file.
    edit::<Progress>(&doc, &unit_user, |p| {
        p.entry_mut(&task, PeriodKind::Q1).percent = 90
    });
    unit.wait_acknowledged(&doc).await;
    unit.stop().await;
    assert!(get("q1.docx") == docx, "the DOCX made again differs");
    assert!(get("q1.xlsx") == xlsx, "the XLSX made again differs");

    // The annex names the accepted submission and its heads.
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sources = book
        .worksheet_range("Nguồn số liệu")
        .expect("sources sheet");
    let row = (1..sources.height() as u32)
        .find(|r| sources.get_value((*r, 0)) == Some(&Data::String("Thanh tra Sở".into())))
        .expect("the inspectorate's row");
    assert_eq!(
        sources.get_value((row, 1)),
        Some(&Data::String("đã tiếp nhận".into()))
    );
    let heads = sources.get_value((row, 2)).unwrap().to_string();
    assert_eq!(heads.len(), 64, "one head, the document as sent: {heads}");

    // Through LibreOffice: what was accepted, in the five parts, laid out as the decree's template.
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("bao-cao.docx");
    std::fs::write(&path, &docx).unwrap();
    let (text, _) = pdf_text(&path);
    let flat = squash(&text);
    let has = |s: &str| flat.contains(s) || flat.replace(' ', "").contains(&s.replace(' ', ""));
    assert!(has(SENT), "the accepted result:\n{text}");
    assert!(!has(LATER), "not the later edit:\n{text}");
    assert!(has(DIRECTION), "part I in the office's words:\n{text}");
    assert!(
        has("Chế độ báo cáo: 1/5 đơn vị gửi báo cáo đúng hạn, tự đánh giá 0 / 1 điểm."),
        "one of five units on time by the configured deadline; not all, so no points:\n{text}"
    );
    let parts = [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ];
    let mut at = 0;
    for p in parts {
        let found = flat[at..]
            .find(p)
            .unwrap_or_else(|| panic!("{p:?} (in order) is not in:\n{text}"));
        at += found + p.len();
    }

    let pages = pdf_words(&path.with_extension("pdf"));
    assert!(pages.len() >= 2, "a report of several pages");
    // The motto: its eight words on one line.
    let (_, first) = &pages[0];
    let start = first
        .windows(8)
        .position(|w| {
            w.iter().map(|x| x.text.as_str()).collect::<Vec<_>>()
                == ["CỘNG", "HÒA", "XÃ", "HỘI", "CHỦ", "NGHĨA", "VIỆT", "NAM"]
        })
        .unwrap_or_else(|| {
            panic!(
                "the motto's words in order: {:?}",
                &first[..20.min(first.len())]
            )
        });
    let motto = &first[start..start + 8];
    let line = motto[0].y_min;
    assert!(
        motto.iter().all(|w| (w.y_min - line).abs() < 1.0),
        "the motto is on one line: {motto:?}"
    );
    // Page numbers: none on the first page's top; "2" centred at the top of the second.
    let top = 20.0 * 72.0 / 25.4; // the 20 mm top margin, in points
    let numbers_on_top = |words: &Vec<tiendo_tests::office::Word>| -> Vec<String> {
        words
            .iter()
            .filter(|w| w.y_max < top && w.text.chars().all(|c| c.is_ascii_digit()))
            .map(|w| w.text.clone())
            .collect()
    };
    assert!(numbers_on_top(first).is_empty(), "no number on page 1");
    let (width, second) = &pages[1];
    let two = second
        .iter()
        .find(|w| w.y_max < top && w.text == "2")
        .unwrap_or_else(|| {
            panic!(
                "page 2's number at the top: {:?}",
                &second[..5.min(second.len())]
            )
        });
    // Centred on the text block: 30 mm left margin, 15 mm right.
    let centre = (30.0 + (width * 25.4 / 72.0 - 45.0) / 2.0) * 72.0 / 25.4;
    let mid = (two.x_min + two.x_max) / 2.0;
    assert!((mid - centre).abs() < 10.0, "centred: {mid} vs {centre}");
}
