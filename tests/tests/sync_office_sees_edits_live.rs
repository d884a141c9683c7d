//! The central office keeps its dashboard open while units report: every edit the server
//! acknowledges reaches the office over its one open connection, not only the first few — one
//! unit one edit at a time, one unit in a burst, and every unit of the agency at once (many
//! documents answering on one connection in both directions, which once wedged the server's
//! socket pump against samod: both waited on each other's full channel).

use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::province::add_agency;
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, edit, eventually, read};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const INSPECTORATE: &str = "thanh-tra-so";

fn report(doc: &samod::DocHandle, seq: usize) {
    edit::<Progress>(doc, "unit", |p| {
        let e = p.entry_mut("t2-a", PeriodKind::Q1);
        e.status = WorkStatus::InProgress;
        e.percent = (seq % 101) as u8;
        e.result = format!("Báo cáo lần {seq}");
    });
}

fn latest(doc: &samod::DocHandle) -> String {
    read::<Progress>(doc)
        .entry("t2-a", PeriodKind::Q1)
        .map(|e| e.result.clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_office_sees_every_acknowledged_edit_of_a_unit_while_connected() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office_token = blocking(|| server.login_demo(OFFICE));
    let unit_token = blocking(|| server.login_demo(INSPECTORATE));
    let doc_id = blocking(|| server.doc_id(&office_token, "progress", Some(INSPECTORATE)));

    let mut office = SyncClient::new("office-dashboard").await;
    office.connect(server.sync_url(), &office_token).await;
    let watching = office
        .find(&doc_id)
        .await
        .expect("the office reads the unit");
    let mut unit = SyncClient::new("unit-tablet").await;
    unit.connect(server.sync_url(), &unit_token).await;
    let own = unit
        .find(&doc_id)
        .await
        .expect("the unit writes its progress");

    // One at a time, each acknowledged before the next.
    for seq in 1..=40 {
        report(&own, seq);
        unit.wait_acknowledged(&own).await;
        let want = format!("Báo cáo lần {seq}");
        eventually(&format!("the office sees edit {seq}"), || {
            (latest(&watching) == want).then_some(())
        })
        .await;
    }
    // A burst: each edit acknowledged, none waited for at the office.
    for seq in 41..=200 {
        report(&own, seq);
        unit.wait_acknowledged(&own).await;
    }
    eventually("the office sees the last edit of the burst", || {
        (latest(&watching) == "Báo cáo lần 200").then_some(())
    })
    .await;
    unit.stop().await;
    office.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_office_sees_every_unit_when_all_report_at_once() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    // An agency of 20 units (the seed plan's six plus fourteen), each with its own tablet.
    let lib = server.library().clone();
    let agency = server.on_server(async move { add_agency(&lib, 0, 20, 0).await });

    let mut office = SyncClient::new("office-dashboard").await;
    office
        .connect(server.sync_url(), &agency.office_token)
        .await;
    let mut watching = Vec::new();
    for unit in &agency.units {
        watching.push(
            office
                .find(&unit.doc)
                .await
                .expect("the office reads every unit"),
        );
    }
    const EDITS: usize = 60;
    let mut tablets = Vec::new();
    for (n, unit) in agency.units.iter().enumerate() {
        let (token, doc, url) = (unit.token.clone(), unit.doc.clone(), server.sync_url());
        tablets.push(tokio::spawn(async move {
            let mut tablet = SyncClient::new(&format!("tablet-{n}")).await;
            tablet.connect(url, &token).await;
            let own = tablet.find(&doc).await.expect("own progress");
            for seq in 1..=EDITS {
                report(&own, seq);
                tablet.wait_acknowledged(&own).await;
            }
            tablet.stop().await;
        }));
    }
    for t in tablets {
        t.await.expect("every tablet's edits acknowledged");
    }
    let last = format!("Báo cáo lần {EDITS}");
    eventually("the office sees every unit's last edit", || {
        let behind: Vec<String> = watching.iter().map(latest).filter(|l| *l != last).collect();
        behind.is_empty().then_some(())
    })
    .await;
    office.stop().await;
}
