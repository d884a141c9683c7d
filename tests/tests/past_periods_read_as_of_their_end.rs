//! One agency, many years (issue 35), against a real server whose "today" is set by the test
//! (`Config::today`): a 2025 plan opened in 2026 is computed as of its periods' deadlines — the
//! status, the year's figures, the reports and the evidence archive — unless a day is picked;
//! its downloads are named by the plan's year, the period and the agency; a past report made on
//! two different days after its deadline, with organisation changes dated after it in between,
//! is the same file; and the province's roll-up lists each agency once per year, with that
//! year's plan, opening on this year's working period.

use std::collections::BTreeMap;
use std::io::Read;

use calamine::{Data, Reader, Xlsx};
use tiendo_shared::model::Date;
use tiendo_shared::model::lineage::{AccountFate, Basis, Operation};
use tiendo_shared::views::province::Rollup;
use tiendo_tests::{TestServer, data_dir};

const PLAN_2025: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const PLAN_2026: &str = "kh-cchc-2026-so-khoa-hoc-va-cong-nghe";
const AGENCY: &str = "so-khoa-hoc-va-cong-nghe";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const COMMUNE_PLAN: &str = include_str!("../../shared/tests/fixtures/ke-hoach-ubnd-xa-mau.txt");
/// Renamed on 15/01/2026.
const RENAMED: &str = "thanh-tra-so";
const NEW_NAME: &str = "Thanh tra Sở (tên mới từ 2026)";
/// Split on 01/02/2026, a new unit made of it.
const SPLIT: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const INTO: &str = "phong-quan-ly-cong-nghe-va-chuyen-nganh";
const NEW_UNIT: &str = "Phòng Pháp chế mới thành lập";

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// A server over `dir` that takes `today` for today.
fn server_on(dir: &std::path::Path, today: &str) -> TestServer {
    let today = day(today);
    TestServer::start_with(dir, move |c| c.today = Some(today))
}

/// The seed plan re-issued for 2026 by the same agency, imported beside the 2025 one.
fn import_2026(server: &TestServer) {
    let seed = include_str!("../../seeds/ke-hoach-cchc-2025-so-khcn-quang-ngai.txt")
        .replace("2025", "2026");
    let library = server.library().clone();
    let report = server.on_server(async move {
        library
            .import(
                tiendo_shared::import::import(&seed).expect("parses"),
                "test",
            )
            .await
            .expect("imports")
    });
    assert_eq!(report.plan_id, PLAN_2026);
}

/// A rename and a split of the Sở's units, dated 2026.
fn reorganise_in_2026(server: &TestServer) {
    let library = server.library().clone();
    server.on_server(async move {
        let basis = Basis {
            number: "Quyết định số 7/QĐ-SKHCN".into(),
            date: Some(day("2026-01-05")),
        };
        for (op, on) in [
            (
                Operation::Rename {
                    unit: RENAMED.into(),
                    name: NEW_NAME.into(),
                },
                "2026-01-15",
            ),
            (
                Operation::Split {
                    unit: SPLIT.into(),
                    into: vec![INTO.into()],
                    new_units: vec![NEW_UNIT.into()],
                    routes: BTreeMap::new(),
                    accounts: AccountFate::Move,
                },
                "2026-02-01",
            ),
        ] {
            library
                .record_org_change(AGENCY, &op, day(on), basis.clone(), "admin")
                .await
                .expect("recorded");
        }
    });
}

fn json(server: &TestServer, token: &str, path: &str) -> serde_json::Value {
    let (code, body) = server.get_json_as(token, path);
    assert_eq!(code, 200, "{path}: {body}");
    body
}

/// A part of a ZIP (DOCX, XLSX) as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("no {name}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The download's file name, from its `Content-Disposition`.
fn download(server: &TestServer, token: &str, path: &str) -> (String, Vec<u8>) {
    let (code, _, disposition, bytes) = server.download(token, path);
    assert_eq!(code, 200, "{path}: {}", String::from_utf8_lossy(&bytes));
    let name = disposition
        .strip_prefix("attachment; filename=\"")
        .and_then(|d| d.strip_suffix('"'))
        .unwrap_or_else(|| panic!("{path}: {disposition}"))
        .to_string();
    assert!(name.is_ascii(), "{name}");
    (name, bytes)
}

#[test]
fn a_past_plan_is_computed_as_of_its_deadlines_unless_a_day_is_picked() {
    let dir = data_dir();
    // 25 March 2026: 2025 is over, and so is the first quarter of 2026's report deadline.
    let server = server_on(dir.path(), "2026-03-25");
    import_2026(&server);
    let office = server.login_demo(OFFICE);

    let s = json(&server, &office, &format!("/api/plans/{PLAN_2025}/status"));
    assert_eq!(
        s["as_of"], "2025-12-20",
        "the annual report's deadline: {s}"
    );
    assert_eq!(s["closed"], true);
    assert_eq!(
        s["note"],
        "Năm 2025 đã kết thúc — số liệu tính đến 20/12/2025"
    );
    let q1 = json(
        &server,
        &office,
        &format!("/api/plans/{PLAN_2025}/status?period=q1"),
    );
    assert_eq!(q1["as_of"], "2025-03-20");
    assert_eq!(
        q1["note"],
        "Quý I năm 2025 đã qua hạn báo cáo — số liệu tính đến 20/03/2025"
    );
    let year = json(&server, &office, &format!("/api/plans/{PLAN_2025}/year"));
    assert_eq!(year["as_of"], "2025-12-20", "{year}");
    assert_eq!(year["closed"], true);
    assert_eq!(year["parts"][0]["as_of"], "2025-12-20");

    // A day the user picks always wins, and is not said to be closed.
    let picked = json(
        &server,
        &office,
        &format!("/api/plans/{PLAN_2025}/status?as_of=2025-06-30"),
    );
    assert_eq!(picked["as_of"], "2025-06-30");
    assert_eq!(picked["closed"], false);
    assert!(picked.get("note").is_none(), "{picked}");

    // The running year: as of today, its first quarter as of that quarter's deadline.
    let now = json(&server, &office, &format!("/api/plans/{PLAN_2026}/status"));
    assert_eq!(
        (now["as_of"].as_str(), now["closed"].as_bool()),
        (Some("2026-03-25"), Some(false))
    );
    let q1 = json(
        &server,
        &office,
        &format!("/api/plans/{PLAN_2026}/status?period=q1"),
    );
    assert_eq!(
        (q1["as_of"].as_str(), q1["closed"].as_bool()),
        (Some("2026-03-20"), Some(true))
    );
    let h1 = json(
        &server,
        &office,
        &format!("/api/plans/{PLAN_2026}/year?period=h1"),
    );
    assert_eq!(
        (h1["as_of"].as_str(), h1["closed"].as_bool()),
        (Some("2026-03-25"), Some(false))
    );

    // The 2025 annual report downloaded today is dated and counted as of its deadline.
    let (_, docx) = download(
        &server,
        &office,
        &format!("/api/plans/{PLAN_2025}/reports/year.docx"),
    );
    let text = part(&docx, "word/document.xml");
    assert!(
        text.contains("ngày 20 tháng 12 năm 2025"),
        "dated by the deadline"
    );
    assert!(
        text.contains("tính đến 20/12/2025"),
        "counted by the deadline"
    );
    assert!(
        !text.contains("25/03/2026") && !text.contains("ngày 25 tháng 3 năm 2026"),
        "nothing of today"
    );
    assert!(
        part(&docx, "docProps/core.xml").contains("2025-12-20"),
        "the file's own date too"
    );

    // The province opens on this year's working period: 6 tháng (Quý I's deadline has passed),
    // with this year's plan only.
    server.add_province_viewer("so-noi-vu");
    let province = server.login("so-noi-vu", "mat-khau-thu");
    let rollup: Rollup =
        serde_json::from_value(json(&server, &province, "/api/province/rollup")).unwrap();
    assert_eq!(rollup.year, Some(2026));
    assert_eq!(rollup.period, tiendo_shared::model::PeriodKind::H1);
    assert_eq!(rollup.as_of, day("2026-03-25"));
    let plans: Vec<&str> = rollup.rows.iter().map(|r| r.plan_id.as_str()).collect();
    assert_eq!(plans, vec![PLAN_2026]);
}

#[test]
fn downloads_are_named_by_the_plans_year_the_period_and_the_agency() {
    let dir = data_dir();
    let server = server_on(dir.path(), "2026-12-07");
    import_2026(&server);
    let office = server.login_demo(OFFICE);
    server.add_province_viewer("so-noi-vu");
    let province = server.login("so-noi-vu", "mat-khau-thu");
    for (path, token, expected) in [
        (
            format!("/api/plans/{PLAN_2025}/reports/year.docx"),
            &office,
            "bao-cao-cchc-2025-nam-so-khcn-quang-ngai.docx",
        ),
        (
            format!("/api/plans/{PLAN_2026}/reports/year.docx"),
            &office,
            "bao-cao-cchc-2026-nam-so-khcn-quang-ngai.docx",
        ),
        (
            format!("/api/plans/{PLAN_2025}/reports/q1.xlsx"),
            &office,
            "phu-luc-cchc-2025-quy-1-so-khcn-quang-ngai.xlsx",
        ),
        (
            format!("/api/plans/{PLAN_2025}/reports/h1.docx?as_of=2026-12-01"),
            &office,
            "bao-cao-cchc-2025-6-thang-so-khcn-quang-ngai.docx",
        ),
        (
            format!("/api/plans/{PLAN_2025}/evidence/q3.zip"),
            &office,
            "ho-so-minh-chung-2025-quy-3-so-khcn-quang-ngai.zip",
        ),
        (
            "/api/province/rollup.xlsx?year=2025&period=year".to_string(),
            &province,
            "tong-hop-cchc-2025-nam-toan-tinh.xlsx",
        ),
        (
            "/api/province/rollup.xlsx".to_string(),
            &province,
            "tong-hop-cchc-2026-nam-toan-tinh.xlsx",
        ),
    ] {
        let (name, _) = download(&server, token, &path);
        assert_eq!(name, expected, "{path}");
    }
}

/// The 2025 annual report, its annex and its evidence archive, made without a day.
fn past_year_files(server: &TestServer, token: &str) -> Vec<(String, Vec<u8>)> {
    [
        "reports/year.docx",
        "reports/year.xlsx",
        "evidence/year.zip",
    ]
    .iter()
    .map(|f| download(server, token, &format!("/api/plans/{PLAN_2025}/{f}")))
    .collect()
}

#[test]
fn a_past_report_made_on_two_days_after_its_deadline_is_the_same_file() {
    let dir = data_dir();
    let server = server_on(dir.path(), "2026-01-10");
    let (username, password) = (server.demo_username(OFFICE), server.password(OFFICE));
    let office = server.login(&username, &password);
    let before = past_year_files(&server, &office);

    // Units renamed and created after the deadline; a 2026 plan imported; months pass.
    reorganise_in_2026(&server);
    import_2026(&server);
    drop(server);
    let server = server_on(dir.path(), "2026-12-07");
    let office = server.login(&username, &password);
    let after = past_year_files(&server, &office);
    for ((name, a), (again, b)) in before.iter().zip(&after) {
        assert_eq!(name, again);
        assert!(a == b, "{name} differs when made again on another day");
    }

    // It names the units of 2025 as they were then (the annex's sources sheet lists each).
    let mut annex = Xlsx::new(std::io::Cursor::new(after[1].1.clone())).unwrap();
    let sources = annex.worksheet_range("Nguồn số liệu").unwrap();
    let units: Vec<String> = sources
        .rows()
        .skip(1)
        .filter_map(|r| match r.first() {
            Some(Data::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(units.contains(&"Thanh tra Sở".to_string()), "{units:?}");
    assert!(
        !units.iter().any(|u| u == NEW_NAME || u == NEW_UNIT),
        "{units:?}"
    );
    // While the status of today names today's.
    let now = json(
        &server,
        &office,
        &format!("/api/plans/{PLAN_2025}/status?as_of=2026-12-07"),
    );
    assert!(now.to_string().contains(NEW_NAME), "{now}");
}

#[test]
fn the_rollup_lists_each_agency_once_per_year_with_that_years_plan() {
    let dir = data_dir();
    let server = server_on(dir.path(), "2026-12-07");
    let library = server.library().clone();
    let commune = server.on_server(async move { library.import_text(COMMUNE_PLAN).await.unwrap() });
    server.add_province_viewer("so-noi-vu");
    let province = server.login("so-noi-vu", "mat-khau-thu");
    let rollup = |query: &str| -> Rollup {
        serde_json::from_value(json(
            &server,
            &province,
            &format!("/api/province/rollup{query}"),
        ))
        .unwrap()
    };
    let before = rollup("?year=2025");
    let expected_2025 = |r: &Rollup| {
        r.rows
            .iter()
            .find(|x| x.plan_id == PLAN_2025)
            .map(|x| x.reports.expected)
            .unwrap()
    };

    import_2026(&server);
    reorganise_in_2026(&server);

    // By default: this year's plans, this year's working period (December: the year's report).
    let now = rollup("");
    assert_eq!(
        (now.year, now.period),
        (Some(2026), tiendo_shared::model::PeriodKind::Year)
    );
    assert_eq!(now.as_of, day("2026-12-07"));
    assert!(!now.closed);
    assert_eq!(now.years, vec![2025, 2026]);
    let rows: Vec<(&str, Option<i32>)> = now
        .rows
        .iter()
        .map(|r| (r.plan_id.as_str(), r.year))
        .collect();
    assert_eq!(
        rows,
        vec![(PLAN_2026, Some(2026))],
        "the Sở once, with its 2026 plan"
    );

    // 2025: both agencies once each, with their 2025 plans, as of the annual deadline.
    let past = rollup("?year=2025");
    assert_eq!(
        past.period,
        tiendo_shared::model::PeriodKind::Year,
        "a past year: its report"
    );
    assert_eq!(past.as_of, day("2025-12-20"));
    assert!(past.closed);
    assert_eq!(
        past.note.as_deref(),
        Some("Năm 2025 đã kết thúc — số liệu tính đến 20/12/2025")
    );
    let mut plans: Vec<&str> = past.rows.iter().map(|r| r.plan_id.as_str()).collect();
    plans.sort();
    let mut both = vec![PLAN_2025, commune.plan_id.as_str()];
    both.sort();
    assert_eq!(plans, both);
    for r in &past.rows {
        assert_eq!((r.year, r.as_of), (Some(2025), Some(day("2025-12-20"))));
    }
    // A unit made in 2026 is not one 2025 expected a report from, nor named in its working.
    assert_eq!(expected_2025(&past), expected_2025(&before));
    let working = serde_json::to_string(&past.rows).unwrap();
    assert!(
        !working.contains(NEW_UNIT) && !working.contains(NEW_NAME),
        "{working}"
    );
    // In 2026 it is.
    let sent_2026 = serde_json::to_string(&now.rows[0].criteria).unwrap();
    assert!(sent_2026.contains(NEW_UNIT), "{sent_2026}");

    // A day picked wins over each plan's rule; the year is that day's unless given.
    let picked = rollup("?period=q1&as_of=2025-03-31");
    assert_eq!((picked.year, picked.as_of), (Some(2025), day("2025-03-31")));
    assert!(!picked.closed);
    assert_eq!(picked.rows.len(), 2);
    let (code, body) = server.get_json_as(&province, "/api/province/rollup?year=hai-nghin");
    assert_eq!(code, 400, "{body}");
}
