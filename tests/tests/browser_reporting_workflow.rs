//! The reporting workflow in headless Chromium against a real server (scenario
//! `tests/browser/reporting_workflow.mjs`): an editor sends the Q1 report offline, the unit's
//! head approves on another tablet, the office returns it with a note, the editor corrects and
//! sends again, the head approves, the office accepts; the dashboard's table shows each step and
//! late or on time; the report made from the accepted submission is the same DOCX after a later
//! edit, byte for byte, and its annex has the accepted text, while the office's task view shows the sent value beside the new draft.

use calamine::{Reader, Xlsx};
use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{TestServer, blocking, data_dir};

const UNIT: &str = "thanh-tra-so";
const HEAD: &str = "thanh-tra-so.truong";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const NOTE: &str = "Bổ sung số văn bản kế hoạch";
const R1: &str = "Đã xây dựng kế hoạch thanh tra (bản đầu)";
const R2: &str = "Đã ban hành Kế hoạch thanh tra số 05/KH-TTr ngày 20/01/2025";
const R3: &str = "Đang cập nhật kết quả quý II";

fn text(v: &serde_json::Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not text: {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_sent_offline_approved_returned_corrected_and_accepted() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    let mut run = Scenario::start(
        "reporting_workflow",
        &[
            ("BASE", server.url("/")),
            ("EDITOR", server.demo_username(UNIT)),
            ("EDITOR_PASSWORD", server.password(UNIT)),
            ("HEAD", server.demo_username(HEAD)),
            ("HEAD_PASSWORD", server.password(HEAD)),
            ("OFFICE", server.demo_username(OFFICE)),
            ("OFFICE_PASSWORD", server.password(OFFICE)),
            ("UNIT", UNIT.to_string()),
            ("NOTE", NOTE.to_string()),
            ("R1", R1.to_string()),
            ("R2", R2.to_string()),
            ("R3", R3.to_string()),
        ],
    );

    let sent = blocking(|| run.expect("sent"));
    // Before: a draft, the deadline passed (the seed's 2025 plan), so the overdue reminder; the
    // editor may send, not approve.
    assert_eq!(sent["before"]["phase"], "draft", "{sent:#}");
    assert!(
        text(&sent["before"]["reminder"]).starts_with("Đã quá hạn gửi"),
        "{sent:#}"
    );
    assert_eq!(sent["before"]["actions"][0], "Gửi báo cáo", "{sent:#}");
    assert!(
        !sent["before"]["actions"].to_string().contains("Duyệt"),
        "{sent:#}"
    );
    let notified = sent["before"]["notified"]
        .as_array()
        .expect("notifications");
    assert_eq!(notified.len(), 1, "one reminder notification: {sent:#}");
    assert!(
        text(&notified[0]["body"]).starts_with("Đã quá hạn gửi"),
        "{sent:#}"
    );
    // Sent offline: an ordinary change waiting for the link, and the reminder gone.
    assert_eq!(sent["offline"]["phase"], "submitted", "{sent:#}");
    assert!(
        text(&sent["offline"]["indicator"]).contains("chưa xác nhận"),
        "{sent:#}"
    );
    assert_eq!(sent["offline"]["reminder"], 0, "{sent:#}");
    let task = text(&sent["task"]).to_string();

    let approved = blocking(|| run.expect("approved"));
    assert!(
        approved["headActions"]
            .to_string()
            .contains("Duyệt báo cáo"),
        "{approved:#}"
    );
    assert_eq!(
        approved["editor"], "approved",
        "the editor's tablet sees the approval"
    );

    let accepted = blocking(|| run.expect("accepted"));
    assert!(
        text(&accepted["approvedRow"]).contains("Lãnh đạo đơn vị duyệt"),
        "{accepted:#}"
    );
    assert_eq!(
        text(&accepted["note"]),
        format!("Văn phòng trả lại: {NOTE}")
    );
    let row = text(&accepted["row"]["text"]);
    for step in [
        "Gửi báo cáo",
        "Lãnh đạo đơn vị duyệt",
        "Văn phòng trả lại",
        "Văn phòng tiếp nhận",
        NOTE,
    ] {
        assert!(row.contains(step), "{step:?} in the row: {accepted:#}");
    }
    assert!(
        row.contains("máy chủ nhận lúc"),
        "the server's receipt beside the device's time: {accepted:#}"
    );
    // The seed's deadline (03/3/2025) is long past: sent late, counted so.
    assert_eq!(accepted["row"]["onTime"], "Quá hạn", "{accepted:#}");
    assert!(
        text(&accepted["row"]["summary"]).starts_with("Gửi đúng hạn: 0 /"),
        "{accepted:#}"
    );
    assert_eq!(accepted["editor"], "accepted");
    // The calendar counts the unit as sent, late; "báo cáo đúng hạn" earns nothing this period.
    assert!(
        text(&accepted["row"]["calendar"]).starts_with("1/"),
        "{accepted:#}"
    );
    assert!(
        text(&accepted["row"]["calendar"]).ends_with("(0 đúng hạn)"),
        "{accepted:#}"
    );
    assert!(
        text(&accepted["row"]["score"]).ends_with("0 / 1 điểm"),
        "{accepted:#}"
    );

    // The DOCX of the accepted report, now and after the later edit: the same bytes, with R2.
    let office = blocking(|| server.login_demo(OFFICE));
    let docx = || {
        let (status, _, _, bytes) = blocking(|| {
            server.download(
                &office,
                &format!("/api/plans/{PLAN}/reports/q1.docx?as_of=2025-03-20"),
            )
        });
        assert_eq!(status, 200);
        bytes
    };
    let first = docx();
    run.go();
    let later = blocking(|| run.expect("later"));
    assert!(text(&later["view"]["live"]).contains(R3), "{later:#}");
    assert!(
        text(&later["view"]["sent"]).contains(R2),
        "the sent value beside it: {later:#}"
    );
    let history = later["view"]["history"].to_string();
    assert!(history.contains("Tiếp nhận — báo cáo Quý I"), "{later:#}");
    assert!(
        history.contains(&format!("Trả lại — báo cáo Quý I: {NOTE}")),
        "{later:#}"
    );
    assert!(
        docx() == first,
        "a later edit does not change the accepted report"
    );
    // The annex lists every task: the accepted result, not the later one.
    let (status, _, _, xlsx) = blocking(|| {
        server.download(
            &office,
            &format!("/api/plans/{PLAN}/reports/q1.xlsx?as_of=2025-03-20"),
        )
    });
    assert_eq!(status, 200);
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let tasks = book.worksheet_range("Nhiệm vụ").expect("task sheet");
    let cells: Vec<String> = tasks.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(
        cells.iter().any(|c| c.contains(R2)),
        "the accepted result in the annex"
    );
    assert!(!cells.iter().any(|c| c.contains(R3)), "not the later edit");
    let _ = task;
    blocking(|| run.finish());
}
