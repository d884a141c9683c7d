//! Two native automerge-repo clients (samod) work offline on different units' progress and on the
//! same plan, reconnect, and converge with each other and with the server; the server's merged
//! status shows both units' reports.

use tiendo_shared::model::{Date, PeriodKind, Plan, Progress, WorkStatus};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit, eventually, read};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const INSPECTORATE: &str = "thanh-tra-so";
const PLAN: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn offline_edits_from_two_clients_converge_and_reach_the_status() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo(OFFICE));
    let admin = blocking(|| server.login_demo("admin"));
    let plan_doc = blocking(|| server.doc_id(&office, "plan", None));
    let office_doc = blocking(|| server.doc_id(&office, "progress", Some(OFFICE)));
    let inspect_doc = blocking(|| server.doc_id(&admin, "progress", Some(INSPECTORATE)));

    // Online once: both clients fetch what they work on.
    let mut a = SyncClient::new("tablet-hcth").await;
    a.connect(server.sync_url(), &office).await;
    let mut b = SyncClient::new("laptop-admin").await;
    b.connect(server.sync_url(), &admin).await;
    let a_plan = a.find(&plan_doc).await.expect("the office reads the plan");
    let a_prog = a
        .find(&office_doc)
        .await
        .expect("the office reads its progress");
    let b_plan = b.find(&plan_doc).await.expect("the admin reads the plan");
    let b_prog = b
        .find(&inspect_doc)
        .await
        .expect("the admin reads the inspectorate");
    let plan: Plan = read(&a_plan);
    let inspect_task = plan
        .tasks()
        .map(|(_, t)| t)
        .find(|t| {
            t.lead
                .iter()
                .any(|l| l.unit_id.as_deref() == Some(INSPECTORATE))
        })
        .expect("the inspectorate leads a task")
        .id
        .clone();

    // Offline: each edits its own unit's progress and, concurrently, the same plan.
    a.disconnect();
    b.disconnect();
    edit::<Progress>(&a_prog, &server.demo_username(OFFICE), |p| {
        let e = p.entry_mut("t1-a", PeriodKind::Q1);
        e.status = WorkStatus::Done;
        e.percent = 100;
        e.result = "Đã ban hành Kế hoạch CCHC năm 2025".into();
        e.completed_on = Some("2025-01-10".parse::<Date>().unwrap());
    });
    edit::<Progress>(&b_prog, "admin", |p| {
        let e = p.entry_mut(&inspect_task, PeriodKind::Q1);
        e.status = WorkStatus::InProgress;
        e.percent = 40;
        e.result = "Đang kiểm tra tại 2 phòng".into();
    });
    edit::<Plan>(&a_plan, &server.demo_username(OFFICE), |p| {
        p.signer.name = "Nguyễn Văn A".into();
    });
    edit::<Plan>(&b_plan, "admin", |p| {
        p.place = "Quảng Ngãi (bản điều chỉnh)".into();
    });
    let heads = |h: &samod::DocHandle| h.with_document(|d| d.get_heads());
    assert_ne!(heads(&a_plan), heads(&b_plan), "the plan diverged offline");

    // Back online: everything meets at the server.
    a.connect(server.sync_url(), &office).await;
    b.connect(server.sync_url(), &admin).await;
    a.wait_acknowledged(&a_plan).await;
    a.wait_acknowledged(&a_prog).await;
    b.wait_acknowledged(&b_plan).await;
    b.wait_acknowledged(&b_prog).await;
    let mut converged = false;
    for _ in 0..200 {
        if heads(&a_plan) == heads(&b_plan) {
            converged = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(converged, "both clients hold the same plan");
    for h in [&a_plan, &b_plan] {
        let p: Plan = read(h);
        assert_eq!(p.signer.name, "Nguyễn Văn A");
        assert_eq!(p.place, "Quảng Ngãi (bản điều chỉnh)");
    }

    // The central office's merged status sees both units' reports.
    let path = format!("/api/plans/{PLAN}/status?as_of=2025-03-01&period=q1");
    let status = eventually("both reports in the status", || {
        let (code, s) = server.get_json_as(&office, &path);
        assert_eq!(code, 200, "{s}");
        let report = |task: &str, unit: &str| {
            s["tasks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["task_id"] == task)
                .and_then(|t| {
                    t["reports"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|r| r["unit_id"] == unit)
                        .cloned()
                })
        };
        let done = report("t1-a", OFFICE)?;
        let going = report(&inspect_task, INSPECTORATE)?;
        Some((done, going))
    })
    .await;
    assert_eq!(status.0["status"], "done");
    assert_eq!(status.0["result"], "Đã ban hành Kế hoạch CCHC năm 2025");
    assert_eq!(status.1["status"], "in_progress");
    assert_eq!(status.1["percent"], 40);

    // A third, fresh client gets the merged plan from the server alone.
    let mut c = SyncClient::new("fresh-tablet").await;
    c.connect(server.sync_url(), &office).await;
    let c_plan = c.find(&plan_doc).await.expect("plan");
    let p: Plan = read(&c_plan);
    assert_eq!(
        (p.signer.name.as_str(), p.place.as_str()),
        ("Nguyễn Văn A", "Quảng Ngãi (bản điều chỉnh)")
    );
    a.stop().await;
    b.stop().await;
    c.stop().await;
}
