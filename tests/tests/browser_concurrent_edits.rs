//! Two tablets of one unit, in two headless Chromium browsers, change the same field while the
//! server is down; when they meet again both show the conflict with both values and authors,
//! one picks a value, and both end with it and no conflict.

use tiendo_server::accounts::{NewUser, Role};
use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{TestServer, blocking, data_dir};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const SECOND: &str = "hcth-may-2";
const SECOND_PASSWORD: &str = "mat-khau-may-2";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_change_shows_both_values_until_one_is_kept() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let with_dist = |c: &mut tiendo_server::Config| c.static_dir = static_dir.clone();
    let server = blocking(|| TestServer::start_with(dir.path(), with_dist));
    let store = server.library().store().clone();
    server.on_server(async move {
        let office = store.user(OFFICE).await.unwrap().expect("demo user");
        store
            .add_user(NewUser {
                username: SECOND.into(),
                display_name: "Máy tính bảng 2".into(),
                role: Role::UnitEditor,
                agency_id: office.agency_id,
                unit_id: office.unit_id,
                password: SECOND_PASSWORD.into(),
            })
            .await
            .expect("second user")
    });
    let addr = server.addr;

    let mut run = Scenario::start(
        "concurrent_edit_two_tablets",
        &[
            ("BASE", server.url("/")),
            ("USER_A", OFFICE.to_string()),
            ("PASSWORD_A", server.password(OFFICE)),
            ("USER_B", SECOND.to_string()),
            ("PASSWORD_B", SECOND_PASSWORD.to_string()),
            ("TASK", "t1-a".to_string()),
        ],
    );
    blocking(|| run.expect("both-synced"));
    drop(server);
    run.go();
    let offline = blocking(|| run.expect("edited-offline"));
    for tablet in ["a", "b"] {
        assert!(
            offline[tablet]
                .as_str()
                .unwrap()
                .ends_with("Ngoại tuyến1 thay đổi chưa xác nhận"),
            "one edit each, not yet confirmed: {offline:#}"
        );
    }
    let server = blocking(|| {
        TestServer::start_with(dir.path(), |c| {
            with_dist(c);
            c.listen = addr;
        })
    });
    run.go();

    let seen = blocking(|| run.expect("conflict"));
    for tablet in ["a", "b"] {
        let c = &seen[tablet];
        assert!(
            c["title"]
                .as_str()
                .unwrap()
                .starts_with("Có thay đổi đồng thời"),
            "{seen:#}"
        );
        let mut values: Vec<&str> = c["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        values.sort();
        assert_eq!(values, ["30", "60"], "tablet {tablet}: {seen:#}");
        let by = c["by"].to_string();
        assert!(
            by.contains(OFFICE) && by.contains(SECOND),
            "tablet {tablet} names both authors: {seen:#}"
        );
    }

    let resolved = blocking(|| run.expect("resolved"));
    assert_eq!(resolved["a"], "60");
    assert_eq!(resolved["b"], "60");
    blocking(|| run.finish());
    drop(server);
}
