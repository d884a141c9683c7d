//! End to end, in headless Chromium against the real `tiendo serve` process (scenario
//! `tests/browser/offline_units_merge.mjs`): two units lose the server for real, reload the app
//! offline, record their Q1 progress and keep it across reloads; when the same process comes back
//! on the same data directory and port both sync by themselves; the central office's dashboard,
//! task views and Q1 DOCX/XLSX (opened in LibreOffice and calamine) have both results; two
//! tablets of one unit editing the same field offline see the conflict and end on the kept value.

use calamine::{Data, Reader, Xlsx};
use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::office::{pdf_text, squash};
use tiendo_tests::process::RealServer;
use tiendo_tests::{data_dir, login, request};

const A: &str = "phong-hanh-chinh-tong-hop";
const A2: &str = "hcth-may-tinh-bang-2";
const B: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const RESULT_A: &str = "Đã ban hành Kế hoạch tuyên truyền CCHC năm 2025 (Kế hoạch số 12/KH-SKHCN)";
const RESULT_B: &str = "Đã xây dựng chương trình khóa đào tạo ISO 9001:2015 cho các CQHCNN";

fn text(v: &serde_json::Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not text: {v}"))
}

/// The row of task `code` in the annex's task sheet, as text cells.
fn task_row(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, code: &str) -> Vec<String> {
    let tasks = book.worksheet_range("Nhiệm vụ").expect("task sheet");
    tasks
        .rows()
        .find(|r| r.get(1) == Some(&Data::String(code.into())))
        .unwrap_or_else(|| panic!("task {code} has a row"))
        .iter()
        .map(|c| c.to_string())
        .collect()
}

#[test]
fn two_units_work_offline_through_an_outage_and_the_office_sees_both() {
    let dir = data_dir();
    let dist = client_copy();
    let server = RealServer::start(dir.path(), "127.0.0.1:0", dist.path());
    let addr = server.addr.clone();
    let created = RealServer::cli(
        dir.path(),
        &[
            "user",
            "add",
            A2,
            "--unit",
            A,
            "--name",
            "Máy tính bảng 2 — Phòng Hành chính – Tổng hợp",
        ],
    );
    let a2_password = created
        .lines()
        .find_map(|l| l.trim().strip_prefix("mật khẩu: "))
        .unwrap_or_else(|| panic!("a generated password: {created}"))
        .to_string();
    let (a_user, b_user) = (server.demo_username(A), server.demo_username(B));
    let office_token = login(&addr, &a_user, &server.password(A));
    let (_, me_b) = request(
        &addr,
        "GET",
        "/api/me",
        Some(&login(&addr, &b_user, &server.password(B))),
        None,
    );
    let b_unit = text(&me_b["user"]["unit_id"]).to_string();

    let mut run = Scenario::start(
        "offline_units_merge",
        &[
            ("BASE", server.url("/")),
            ("A_USER", a_user.clone()),
            ("A_PASSWORD", server.password(A)),
            ("A2_USER", A2.to_string()),
            ("A2_PASSWORD", a2_password),
            ("B_USER", b_user.clone()),
            ("B_PASSWORD", server.password(B)),
            ("C_USER", a_user.clone()),
            ("C_PASSWORD", server.password(A)),
            ("A_UNIT", A.to_string()),
            ("B_UNIT", b_unit.clone()),
        ],
    );

    // 7. Installable, controlled by the service worker.
    let install = run.expect("installability");
    assert_eq!(install["errors"], serde_json::json!([]), "{install:#}");
    assert_eq!(
        install["manifestErrors"],
        serde_json::json!([]),
        "{install:#}"
    );
    assert_eq!(install["controlled"], true, "{install:#}");
    run.expect("loaded-online");

    // 3. A real outage: the process is killed.
    server.kill();
    run.go();
    let offline = run.expect("offline-edits");
    for (who, result, evidence) in [("A", RESULT_A, "12/KH-SKHCN"), ("B", RESULT_B, "25/TB-TĐC")] {
        let o = &offline[who];
        assert!(text(&o["first"]).starts_with("Ngoại tuyến"), "{who}: {o:#}");
        assert!(
            o["rows"].as_u64().unwrap() >= 1,
            "{who}: the unit's tasks: {o:#}"
        );
        assert_eq!(o["period"], "q1", "{who}: the chosen period is kept: {o:#}");
        assert!(
            text(&o["pending"]).ends_with("thay đổi chưa xác nhận"),
            "{who}: {o:#}"
        );
        let f = &o["form"];
        assert_eq!(f["period"], "Báo cáo Quý I", "{who}: {o:#}");
        assert_eq!(f["status"], "in_progress", "{who}: {o:#}");
        assert_eq!(f["result"], result, "{who}: {o:#}");
        assert!(
            f["evidence"].to_string().contains(evidence),
            "{who}: evidence kept across the reload: {o:#}"
        );
    }
    assert_eq!(offline["A"]["form"]["percent"], "50");
    assert_eq!(offline["B"]["form"]["percent"], "30");

    // 4. The same binary on the same data directory and port.
    let server = RealServer::start(dir.path(), &addr, dist.path());
    run.go();
    let resynced = run.expect("resynced");
    assert!(
        text(&resynced["A"]).starts_with("Đã đồng bộ lúc"),
        "{resynced:#}"
    );
    assert!(
        text(&resynced["B"]).starts_with("Đã đồng bộ lúc"),
        "{resynced:#}"
    );
    let (status, merged) = request(
        &addr,
        "GET",
        &format!("/api/plans/{PLAN}/status?as_of=2025-03-31&period=q1"),
        Some(&office_token),
        None,
    );
    assert_eq!(status, 200, "{merged}");
    let results: Vec<String> = merged["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["reports"].as_array().unwrap().iter())
        .map(|r| text(&r["result"]).to_string())
        .collect();
    assert!(
        results.iter().any(|r| r == RESULT_A) && results.iter().any(|r| r == RESULT_B),
        "the server has both offline reports: {results:?}"
    );

    // 5. The central office.
    let office = run.expect("office");
    let h = &merged["headline"];
    for (card, field) in [
        ("total", "total"),
        ("due", "due"),
        ("in-progress", "in_progress"),
        ("overdue", "overdue"),
        ("not-started", "not_started"),
    ] {
        assert_eq!(
            office["headline"][card].as_str().unwrap(),
            h[field].to_string(),
            "headline {card}: {office:#} vs {h}"
        );
    }
    for (who, result, percent) in [("A", RESULT_A, "50%"), ("B", RESULT_B, "30%")] {
        let r = text(&office["reports"][who]);
        assert!(
            r.contains(result) && r.contains(percent),
            "{who}: {office:#}"
        );
    }
    let (pdf, info) = pdf_text(std::path::Path::new(text(&office["files"]["docx"])));
    let pdf = squash(&pdf);
    assert!(info.contains("A4"), "{info}");
    assert!(pdf.contains("quý I"), "the Q1 report: {pdf}");
    for result in [RESULT_A, RESULT_B] {
        assert!(pdf.contains(result), "the DOCX has {result:?}: {pdf}");
    }
    let mut book: Xlsx<_> =
        calamine::open_workbook(text(&office["files"]["xlsx"])).expect("an xlsx");
    for (code, result) in [("1.a", RESULT_A), ("8.a", RESULT_B)] {
        let row = task_row(&mut book, code);
        assert!(
            row.iter().any(|c| c.contains(result)),
            "the XLSX row of {code} has its result: {row:?}"
        );
    }
    run.go();

    // 6. Two tablets of unit A, the same field, while the server is down.
    run.expect("tablets-ready");
    server.kill();
    run.go();
    run.expect("tablets-edited");
    let _server = RealServer::start(dir.path(), &addr, dist.path());
    run.go();
    let c = run.expect("conflict");
    for tablet in ["A", "A2"] {
        let mut values: Vec<String> = c[tablet]["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| text(v).to_string())
            .collect();
        values.sort();
        assert_eq!(values, ["70", "80"], "{tablet}: {c:#}");
        // Each value by its author's display name, not their login.
        let by: Vec<&str> = c[tablet]["by"]
            .as_array()
            .unwrap()
            .iter()
            .map(text)
            .collect();
        assert!(
            by.iter()
                .any(|b| b.starts_with("Phòng Hành chính - Tổng hợp — "))
                && by
                    .iter()
                    .any(|b| b.starts_with("Máy tính bảng 2 — Phòng Hành chính – Tổng hợp — ")),
            "{tablet}: both authors by name: {c:#}"
        );
        assert!(
            !by.iter()
                .any(|b| b.contains(a_user.as_str()) || b.contains(A2)),
            "{tablet}: no login shown: {c:#}"
        );
    }
    assert_eq!(c["after"]["A"], "80", "{c:#}");
    assert_eq!(c["after"]["A2"], "80", "{c:#}");
    assert!(text(&c["after"]["C"]).contains("80%"), "{c:#}");
    run.finish();
}
