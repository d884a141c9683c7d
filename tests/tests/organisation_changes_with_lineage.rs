//! Units that merge, rename and hand over tasks mid-year, against the real server: the office
//! records a merge on its tablet while the merged unit's tablet, offline, goes on reporting; both
//! sync and nothing is lost. The merged unit's tasks and entries count for its successor from the
//! merge's date, its accounts follow (or, disabled, are told what happened), reports of a period
//! before keep the names of the time, and the lineage survives a backup, a restore and a later
//! plan's import.

use std::collections::BTreeMap;

use tiendo_shared::model::lineage::{self, AccountFate, Basis, Operation, Recorded};
use tiendo_shared::model::{Date, Entry, Progress, WorkStatus};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit, eventually};

const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const AGENCY: &str = "so-khoa-hoc-va-cong-nghe";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
/// Merged into [`INTO`] from 1 April 2025 (as Sở KH&CN and Sở TT&TT were on 1 March).
const MERGED: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const INTO: &str = "phong-quan-ly-cong-nghe-va-chuyen-nganh";
const MERGED_NAME: &str = "Phòng Quản lý Tiêu chuẩn Đo lường Chất lượng";

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

fn basis() -> Basis {
    Basis {
        number: "Quyết định số 45/QĐ-SKHCN".into(),
        date: Some(day("2025-03-25")),
    }
}

fn report(period: &str, status: WorkStatus, percent: u8, result: &str) -> (String, Entry) {
    (
        period.to_string(),
        Entry {
            status,
            percent,
            result: result.into(),
            ..Entry::default()
        },
    )
}

fn stored_progress(server: &TestServer, doc: &str) -> Progress {
    let library = server.library().clone();
    let doc = doc.to_string();
    server.on_server(async move { library.read::<Progress>(&doc).await.expect("reads") })
}

fn status(server: &TestServer, token: &str, query: &str) -> serde_json::Value {
    let (code, s) = server.get_json_as(token, &format!("/api/plans/{PLAN}/status?{query}"));
    assert_eq!(code, 200, "{s}");
    s
}

fn task<'a>(s: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task_id"] == id)
        .unwrap_or_else(|| panic!("no task {id}"))
}

fn unit_names(s: &serde_json::Value) -> Vec<String> {
    s["by_unit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_unit_reporting_while_the_office_merges_it_loses_nothing_and_counts_for_its_successor() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo(OFFICE));
    let merged_token = blocking(|| server.login_demo(MERGED));
    let other = blocking(|| server.login_demo("thanh-tra-so"));
    let merged_doc = server.seeded_progress(MERGED);
    let org_doc = blocking(|| server.doc_id(&office, "org", None));

    // The merged unit's tablet reports Q1, then goes offline and reports the first half.
    let mut tablet = SyncClient::new("tablet-merged-unit").await;
    tablet.connect(server.sync_url(), &merged_token).await;
    let own = tablet.find(&merged_doc).await.expect("its own progress");
    let merged_user = server.demo_username(MERGED);
    edit::<Progress>(&own, &merged_user, |p| {
        p.tasks.insert(
            "t8-a".into(),
            BTreeMap::from([report(
                "q1",
                WorkStatus::InProgress,
                40,
                "Rà soát quy trình",
            )]),
        );
    });
    tablet.wait_acknowledged(&own).await;
    tablet.disconnect();
    edit::<Progress>(&own, &merged_user, |p| {
        let t = p.tasks.entry("t8-a".into()).or_default();
        t.extend([report("h1", WorkStatus::Done, 100, "Đã ban hành quy trình")]);
        p.tasks.insert(
            "t8-c".into(),
            BTreeMap::from([report("h1", WorkStatus::InProgress, 30, "Đang khảo sát")]),
        );
    });

    // Meanwhile the office records the merge on its own tablet: an ordinary edit that syncs.
    let mut office_tablet = SyncClient::new("tablet-office").await;
    office_tablet.connect(server.sync_url(), &office).await;
    let org = office_tablet
        .find(&org_doc)
        .await
        .expect("the organisation");
    org.with_document(|d| {
        lineage::record(
            d,
            AGENCY,
            &Operation::Merge {
                unit: MERGED.into(),
                into: INTO.into(),
                accounts: AccountFate::Move,
            },
            day("2025-04-01"),
            basis(),
            &Recorded {
                id: "office-merge-1".into(),
                by: server.demo_username(OFFICE),
                at: 1_743_000_000_000,
            },
        )
        .expect("recorded")
    });
    office_tablet.wait_acknowledged(&org).await;

    // The accounts follow: the merged unit's editor now belongs to the successor, and reads the
    // documents of both.
    let me = eventually("the merged unit's account moved", || {
        let (code, me) = server.get_json_as(&merged_token, "/api/me");
        (code == 200 && me["user"]["unit_id"] == INTO).then_some(me)
    })
    .await;
    let docs: Vec<(&str, bool)> = me["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "progress")
        .map(|d| (d["unit_id"].as_str().unwrap(), d["writable"] == true))
        .collect();
    assert!(docs.contains(&(MERGED, true)), "{docs:?}");
    assert!(docs.contains(&(INTO, true)), "{docs:?}");
    assert_eq!(docs.len(), 2, "{docs:?}");

    // The offline tablet comes back: what it wrote after the merge is accepted, not refused.
    tablet.connect(server.sync_url(), &merged_token).await;
    tablet.wait_acknowledged(&own).await;
    let stored = eventually("the offline report stored", || {
        let p = stored_progress(&server, &merged_doc);
        p.tasks.contains_key("t8-c").then_some(p)
    })
    .await;
    assert_eq!(stored.unit_id, MERGED, "its progress stays its own");
    assert_eq!(stored.tasks["t8-a"]["q1"].percent, 40);

    // After the merge the tasks are the successor's, with the merged unit's entries counted.
    let h1 = status(&server, &office, "period=h1&as_of=2025-07-15");
    let t8a = task(&h1, "t8-a");
    assert_eq!(t8a["lead_units"], serde_json::json!([INTO]), "{t8a}");
    assert_eq!(t8a["state"], "done_on_time", "{t8a}");
    assert_eq!(task(&h1, "t8-c")["percent"], 30);
    assert!(!unit_names(&h1).contains(&MERGED_NAME.to_string()));
    // Before it, the merged unit leads under its own name.
    let q1 = status(&server, &office, "period=q1&as_of=2025-03-31");
    assert_eq!(task(&q1, "t8-a")["lead_units"], serde_json::json!([MERGED]));
    assert!(unit_names(&q1).contains(&MERGED_NAME.to_string()));

    // A unit that inherited nothing still cannot read the merged unit's document.
    let (_, me_other) = blocking(|| server.get_json_as(&other, "/api/me"));
    assert!(
        me_other["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["unit_id"] != MERGED)
    );
    tablet.stop().await;
    office_tablet.stop().await;
}

#[test]
fn a_disabled_account_is_told_what_happened_to_its_unit() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let (username, password) = (server.demo_username(MERGED), server.password(MERGED));
    let before = server.login(&username, &password);
    let library = server.library().clone();
    server.on_server(async move {
        library
            .record_org_change(
                AGENCY,
                &Operation::Merge {
                    unit: MERGED.into(),
                    into: INTO.into(),
                    accounts: AccountFate::Disable,
                },
                day("2025-04-01"),
                basis(),
                "admin",
            )
            .await
            .expect("recorded")
    });
    // The session in hand is refused, saying why.
    let (code, body) = server.get_json_as(&before, "/api/me");
    assert_eq!(code, 401, "{body}");
    let why = body["error"].as_str().unwrap().to_string();
    assert!(
        why.contains("sáp nhập vào Phòng Quản lý Công nghệ")
            && why.contains("Quyết định số 45/QĐ-SKHCN")
            && why.contains("bị khoá"),
        "{body}"
    );
    // Signing in again, the right password answers as a wrong one (it must not confirm the
    // password), and says the account may be closed.
    let (code, right) = server.post_json(
        "/api/login",
        None,
        serde_json::json!({"username": username, "password": password}),
    );
    assert_eq!(code, 401, "{right}");
    let (code, wrong) = server.post_json(
        "/api/login",
        None,
        serde_json::json!({"username": username, "password": "sai-mat-khau-1"}),
    );
    assert_eq!(code, 401);
    assert_eq!(right, wrong);
    assert!(!wrong.to_string().contains("sáp nhập"), "{wrong}");
    assert!(wrong.to_string().contains("bị khoá"), "{wrong}");
}

/// The report of the first quarter, as a DOCX's text.
fn q1_report_text(server: &TestServer, token: &str) -> String {
    let (code, _, _, bytes) = server.download(
        token,
        &format!("/api/plans/{PLAN}/reports/q1.docx?as_of=2025-03-31"),
    );
    assert_eq!(code, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    xml
}

#[test]
fn reports_before_a_change_keep_the_old_names_and_the_lineage_survives_backup_and_import() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo(OFFICE);
    let office_user = server.demo_username(OFFICE);
    let library = server.library().clone();
    let renamed = "Phòng Quản lý Công nghệ và Đổi mới sáng tạo";
    server.on_server(async move {
        for (op, on) in [
            (
                Operation::Merge {
                    unit: MERGED.into(),
                    into: INTO.into(),
                    accounts: AccountFate::Move,
                },
                "2025-04-01",
            ),
            (
                Operation::Rename {
                    unit: INTO.into(),
                    name: renamed.into(),
                },
                "2025-07-01",
            ),
        ] {
            library
                .record_org_change(AGENCY, &op, day(on), basis(), "admin")
                .await
                .expect("recorded");
        }
    });
    let q1 = q1_report_text(&server, &office);
    assert!(q1.contains(MERGED_NAME), "Q1 names the merged unit");
    assert!(
        q1.contains("Phòng Quản lý Công nghệ và Chuyên ngành") && !q1.contains(renamed),
        "Q1 names its successor as it was called then"
    );
    let year = status(&server, &office, "period=year&as_of=2025-12-31");
    assert!(unit_names(&year).contains(&renamed.to_string()));

    // A later plan of the agency, still naming the unit by its old name, is imported into the
    // same organisation: no new unit, the changes kept.
    let seed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../seeds/ke-hoach-cchc-2025-so-khcn-quang-ngai.txt"),
    )
    .unwrap()
    .replace("2025", "2026");
    let library = server.library().clone();
    let (agency, report) = server.on_server(async move {
        let imported = tiendo_shared::import::import(&seed).expect("parses");
        let report = library.import(imported, "test").await.expect("imports");
        (library.org(AGENCY).await.expect("reads"), report)
    });
    // The unit merged away in 2025 has no part in the 2026 plan; its successor does.
    let parts: Vec<&str> = report
        .progress_docs
        .iter()
        .map(|(u, _)| u.as_str())
        .collect();
    assert!(
        !parts.contains(&MERGED) && parts.contains(&INTO),
        "{parts:?}"
    );
    let agency = agency.agency(AGENCY).unwrap().clone();
    assert_eq!(agency.changes.len(), 2);
    assert_eq!(
        agency
            .units
            .iter()
            .filter(|u| u.name == renamed || u.aliases.iter().any(|a| a.contains("Chuyên ngành")))
            .count(),
        1
    );

    // Backup and restore keep it all.
    drop(server);
    let restored_dir = data_dir();
    tiendo_tests::stores::backup_and_restore(dir.path(), restored_dir.path());
    let restored = TestServer::start(restored_dir.path());
    let store = restored.library().store().clone();
    let user = office_user.clone();
    restored.on_server(async move { store.set_password(&user, "mat-khau-moi-1").await.unwrap() });
    let office = restored.login(&office_user, "mat-khau-moi-1");
    let q1_again = q1_report_text(&restored, &office);
    assert!(q1_again.contains(MERGED_NAME));
    let (_, me) = restored.get_json_as(&office, "/api/me");
    assert_eq!(me["user"]["unit_id"], OFFICE);
    let year_again = status(&restored, &office, "period=year&as_of=2025-12-31");
    assert_eq!(year_again["by_unit"], year["by_unit"]);
}
