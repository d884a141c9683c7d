//! Years in sight, in headless Chromium against a real server (scenario
//! `tests/browser/years_in_sight.mjs`): the office, while a unit's 2025 annual report waits
//! returned, imports the 2026 plan from its file in the app, confirming in the preview the unit
//! the plan names that the organisation did not know ("đơn vị mới" from 01/01/2026). 2025's
//! dashboard reads the same as before the import and says the year is over, computed as of its
//! report deadline, its downloads leaving the day to the server; 2025's DOCX is byte for byte
//! what it was. The unit then signs in on the same tablet: the header's switcher lists both
//! years and opens 2026; the start screen lists the pending 2025 return with the office's note;
//! its link opens the 2025 report, which the unit sends again (the server stores the new
//! submission). The switcher fits an 800 px tablet.

use std::io::Read;

use tiendo_shared::model::PeriodKind;
use tiendo_shared::model::role::Role;
use tiendo_shared::workflow::{self, Action, Phase, Step};
use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir};

const UNIT: &str = "thanh-tra-so";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const PLAN_2025: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const PLAN_2026: &str = "kh-cchc-2026-so-khoa-hoc-va-cong-nghe";
const NOTE: &str = "Thiếu bản scan có chữ ký";
const NEW_UNIT: &str = "Phòng Pháp chế mới thành lập";

/// The content parts of 2025's annual report (the package's own timestamps left aside).
fn docx_2025(server: &TestServer, token: &str) -> Vec<(String, Vec<u8>)> {
    let (code, _, _, bytes) =
        server.download(token, &format!("/api/plans/{PLAN_2025}/reports/year.docx"));
    assert_eq!(code, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a docx");
    (0..zip.len())
        .filter_map(|i| {
            let mut part = zip.by_index(i).unwrap();
            let name = part.name().to_string();
            (name != "docProps/core.xml").then(|| {
                let mut content = Vec::new();
                part.read_to_end(&mut content).unwrap();
                (name, content)
            })
        })
        .collect()
}

fn text(v: &serde_json::Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not text: {v}"))
}

/// `user` takes `step` on the annual report of 2025 from a fresh client (the unit's in its
/// progress document, the office's in the plan document), and waits until the server stored it.
async fn take(server: &TestServer, user: &str, doc: &str, s: Step) {
    let token = blocking(|| server.login_demo(user));
    let mut client = SyncClient::new(&format!("peer-{}", s.id)).await;
    client.connect(server.sync_url(), &token).await;
    let handle = client.find(doc).await.expect("the document");
    let office = s.action.by_office();
    handle.with_document(|d| {
        if office {
            workflow::take_office_step(d, UNIT, PeriodKind::Year, &s).unwrap();
        } else {
            workflow::take_unit_step(d, PeriodKind::Year, s.clone()).unwrap();
        }
    });
    client.wait_acknowledged(&handle).await;
    client.stop().await;
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The stored steps of the unit's 2025 annual report and where it stands.
fn stored(server: &TestServer, progress: &str, plan: &str) -> (Vec<Step>, Phase) {
    let store = server.library().store().clone();
    let (progress, plan) = (progress.to_string(), plan.to_string());
    server.on_server(async move {
        let p = store.read_document(&progress).await.expect("progress");
        let o = store.read_document(&plan).await.expect("plan");
        let unit = workflow::unit_steps(&p, PeriodKind::Year);
        let office = workflow::office_steps(&o, UNIT, PeriodKind::Year);
        let phase = workflow::derive(&unit, &office, &Default::default()).phase;
        (unit, phase)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_years_returned_report_is_in_sight_and_resent_while_this_years_plan_opens() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));
    let seed = server.startup.seeded.clone().expect("seeded");
    let progress = server.seeded_progress(UNIT);

    // 2025: the unit sent its annual report, the office returned it with a note.
    take(
        &server,
        UNIT,
        &progress,
        Step::new(
            "s1",
            Action::Submit,
            &server.demo_username(UNIT),
            Role::UnitEditor,
            now_ms(),
            "",
        ),
    )
    .await;
    let mut back = Step::new(
        "r1",
        Action::Return,
        &server.demo_username(OFFICE),
        Role::AgencyAdmin,
        now_ms(),
        "s1",
    );
    back.note = NOTE.into();
    take(&server, OFFICE, &seed.plan_doc, back).await;
    assert_eq!(
        blocking(|| stored(&server, &progress, &seed.plan_doc)).1,
        Phase::Returned
    );
    // 2026: next year's plan, as a file the office imports in the app; one task is led by a
    // unit the organisation does not know.
    let office = blocking(|| server.login_demo(OFFICE));
    let docx_before = blocking(|| docx_2025(&server, &office));
    let next = tiendo_server::SEED_PLAN.replace("2025", "2026").replacen(
        "Đơn vị chủ trì thực hiện: Thanh tra Sở.",
        &format!("Đơn vị chủ trì thực hiện: {NEW_UNIT}."),
        1,
    );
    let next_file = dir.path().join("ke-hoach-cchc-2026.txt");
    std::fs::write(&next_file, next).unwrap();
    let plan_2026 = PLAN_2026.to_string();

    let mut run = Scenario::start(
        "years_in_sight",
        &[
            ("BASE", server.url("/")),
            ("UNIT_USER", server.demo_username(UNIT)),
            ("UNIT_PASSWORD", server.password(UNIT)),
            ("OFFICE_USER", server.demo_username(OFFICE)),
            ("OFFICE_PASSWORD", server.password(OFFICE)),
            ("PLAN_2025", PLAN_2025.into()),
            ("PLAN_2026", plan_2026.clone()),
            ("NEXT_FILE", next_file.display().to_string()),
        ],
    );

    // The preview named the unit and would not save until the office confirmed it.
    let imported = blocking(|| run.expect("imported"));
    assert_eq!(
        imported["newUnits"],
        serde_json::json!([NEW_UNIT]),
        "{imported:#}"
    );
    assert_eq!(imported["blocked"], true, "{imported:#}");
    assert_eq!(imported["from"], "01/01/2026", "{imported:#}");
    // Saved: the new unit exists from the plan's first day, not in 2025; 2025's report is the
    // same file.
    let library = server.library().clone();
    let org = server.on_server(async move { library.org("so-khoa-hoc-va-cong-nghe").await });
    let agency = org.expect("the organisation").agencies.remove(0);
    let new_id = agency.find_unit(NEW_UNIT).expect("the new unit").id.clone();
    let day = |s: &str| s.parse::<tiendo_shared::model::Date>().unwrap();
    assert!(agency.on(day("2025-12-31")).unit(&new_id).is_none());
    assert!(agency.on(day("2026-01-01")).unit(&new_id).is_some());
    assert!(
        blocking(|| docx_2025(&server, &office)) == docx_before,
        "2025's DOCX changed"
    );
    blocking(|| run.go());

    let office_view = blocking(|| run.expect("office"));
    assert!(
        office_view["same"].as_bool().unwrap_or(false),
        "2025's dashboard changed:\nbefore: {}\nafter: {}",
        office_view["dashboardBefore"],
        office_view["dashboardAfter"]
    );
    assert_eq!(
        office_view["opened"], PLAN_2026,
        "the office too opens this year's plan: {office_view:#}"
    );
    assert_eq!(
        text(&office_view["note"]),
        "Năm 2025 đã kết thúc — số liệu tính đến 20/12/2025",
        "{office_view:#}"
    );
    assert_eq!(text(&office_view["asOfField"]), "20/12/2025");
    let href = text(&office_view["download"]);
    assert!(
        href.ends_with("/reports/year.docx"),
        "no as_of: the server decides the day ({href})"
    );

    let start = blocking(|| run.expect("start"));
    // The header lists both years and opened this year's plan.
    let options = start["options"].to_string();
    assert!(
        options.contains("Năm 2025") && options.contains("Năm 2026"),
        "{start:#}"
    );
    assert_eq!(start["selected"], plan_2026.as_str(), "{start:#}");
    assert!(
        text(&start["title"]).contains("năm 2026"),
        "the task list is 2026's: {start:#}"
    );
    // The pending 2025 return, with the office's note, on the start screen.
    assert_eq!(
        text(&start["pending"]),
        format!("Báo cáo năm 2025 — Văn phòng trả lại: {NOTE}"),
        "{start:#}"
    );
    // On an 800 px tablet the switcher and the logout button stay on screen.
    assert!(
        start["fits"].as_bool().unwrap_or(false),
        "the header fits 800 px: {start:#}"
    );

    let resent = blocking(|| run.expect("resent"));
    // The link switched the workspace to 2025 and opened its annual report, returned.
    assert_eq!(resent["selected"], PLAN_2025, "{resent:#}");
    assert_eq!(resent["before"], "returned", "{resent:#}");
    assert_eq!(
        text(&resent["note"]),
        format!("Văn phòng trả lại: {NOTE}"),
        "{resent:#}"
    );
    assert!(
        text(&resent["asOf"]).starts_with("Năm 2025 đã kết thúc — số liệu tính đến "),
        "{resent:#}"
    );
    assert_eq!(resent["after"], "submitted", "{resent:#}");
    // The server has the unit's second submission: the report waits for the office again.
    let (steps, phase) = blocking(|| stored(&server, &progress, &seed.plan_doc));
    assert_eq!(phase, Phase::Submitted, "{steps:#?}");
    assert_eq!(
        steps.iter().filter(|s| s.action == Action::Submit).count(),
        2
    );

    blocking(|| run.finish());
}
