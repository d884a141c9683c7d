//! `tiendo migrate-store`: a deployment on SQLite (the seed plan, its accounts, a unit's edit, a
//! report made) is copied to PostgreSQL and back; every document's heads are compared by the
//! command, and a server on the copy signs the same people in and answers the same status. A
//! store that already holds a deployment is refused, not merged into; `tiendo backup` refuses on
//! PostgreSQL and names `pg_dump`.
//!
//! Needs PostgreSQL: `scripts/test` runs it in its PostgreSQL pass (`TIENDO_TEST_STORE`).

use std::process::Command;

use tiendo_shared::model::{PeriodKind, Progress};
use tiendo_tests::stores::needs_postgres;
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const PLAN: &str = "/api/plans/kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const STATUS: &str =
    "/api/plans/kh-cchc-2025-so-khoa-hoc-va-cong-nghe/status?as_of=2025-03-31&period=q1";

fn migrate(from: &str, to: &str) -> std::process::Output {
    Command::new(tiendo_tests::process::tiendo_binary())
        .args(["migrate-store", "--from", from, "--to", to])
        .output()
        .expect("tiendo runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL (TIENDO_TEST_STORE): scripts/test runs it in its PostgreSQL pass"]
async fn a_sqlite_deployment_moves_to_postgresql_and_back_with_every_document_and_login() {
    needs_postgres();
    // The source: SQLite, whatever this pass's default store.
    let sqlite_dir = data_dir();
    let source = blocking(|| TestServer::start_with(sqlite_dir.path(), |c| c.store = None));
    let (username, password) = (source.demo_username(OFFICE), source.password(OFFICE));
    let token = blocking(|| source.login(&username, &password));
    let doc_id = source.seeded_progress(OFFICE);
    let mut tablet = SyncClient::new("tablet-before-the-move").await;
    tablet.connect(source.sync_url(), &token).await;
    let doc = tablet.find(&doc_id).await.expect("own progress");
    edit::<Progress>(&doc, &username, |p| {
        p.entry_mut("t1-a", PeriodKind::Q1).percent = 60;
    });
    tablet.wait_acknowledged(&doc).await;
    tablet.stop().await;
    let (status, ..) =
        blocking(|| source.download(&token, &format!("{PLAN}/reports/q1.xlsx?as_of=2025-03-31")));
    assert_eq!(status, 200, "a report is made (and recorded)");
    let (_, before) = blocking(|| source.get_json_as(&token, STATUS));
    let (_, made_before) = blocking(|| source.get_json_as(&token, &format!("{PLAN}/reports")));
    assert_eq!(
        made_before["generated"].as_array().map(Vec::len),
        Some(1),
        "{made_before}"
    );
    drop(source);

    // To PostgreSQL.
    let pg_dir = data_dir();
    let pg_url = tiendo_tests::stores::store_setting(pg_dir.path()).expect("a database");
    let sqlite = format!(
        "sqlite:{}",
        sqlite_dir.path().join("tiendo.sqlite").display()
    );
    let out = migrate(&sqlite, &pg_url);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("Đã so khớp heads của 9 tài liệu"), "{said}");
    assert!(said.contains("users: 14 dòng"), "{said}");

    let moved =
        blocking(|| TestServer::start_with(pg_dir.path(), |c| c.store = Some(pg_url.clone())));
    assert!(moved.startup.seeded.is_none() && moved.startup.demo_accounts.is_empty());
    let token = blocking(|| moved.login(&username, &password));
    let (_, after) = blocking(|| moved.get_json_as(&token, STATUS));
    assert_eq!(after, before, "the same status from the copy");
    let (_, made_after) = blocking(|| moved.get_json_as(&token, &format!("{PLAN}/reports")));
    assert_eq!(made_after, made_before, "the reports made moved too");
    // A new account after the move gets a fresh id (the sequences continue past the copied).
    let store = moved.library().store().clone();
    moved.on_server(async move {
        store
            .add_user(tiendo_server::domain::accounts::NewUser {
                username: "moi".into(),
                display_name: "Mới".into(),
                role: tiendo_server::domain::accounts::Role::SystemAdmin,
                agency_id: None,
                unit_id: None,
                password: "mat-khau-thu".into(),
            })
            .await
            .expect("a new account")
    });
    drop(moved);

    // Not into a store that holds a deployment.
    let out = migrate(&sqlite, &pg_url);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("kho đích đã có dữ liệu"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // `tiendo backup` is SQLite's: on PostgreSQL it refuses and names pg_dump.
    let out = Command::new(tiendo_tests::process::tiendo_binary())
        .args(["backup", "/nonexistent/copy.sqlite", "--data-dir"])
        .arg(pg_dir.path())
        .env("TIENDO_STORE", &pg_url)
        .output()
        .expect("tiendo runs");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("pg_dump"), "{said}");

    // And back to a new SQLite file.
    let back_dir = data_dir();
    let back = format!("sqlite:{}", back_dir.path().join("tiendo.sqlite").display());
    let out = migrate(&pg_url, &back);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let returned = blocking(|| TestServer::start_with(back_dir.path(), |c| c.store = None));
    let token = blocking(|| returned.login("moi", "mat-khau-thu"));
    let (_, again) = blocking(|| returned.get_json_as(&token, STATUS));
    assert_eq!(again, before);
}
