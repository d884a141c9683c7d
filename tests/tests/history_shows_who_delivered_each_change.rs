//! A task's history names who delivered each change and when the server received it, not what
//! the change claims: a unit editor's edit written as another unit's user on 01/01/2025 shows as
//! the editor's, received today, with the claimed author and time marked beside it. The record
//! is read through `GET /api/attestations`, and only for documents the reader may read.

use std::collections::BTreeMap;

use automerge::ReadDoc;
use tiendo_shared::api::AttestationsAnswer;
use tiendo_shared::model::attestation::Via;
use tiendo_shared::model::doc::{self, UnixTime};
use tiendo_shared::model::{PeriodKind, Progress};
use tiendo_shared::views::history::{self, Word};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, eventually};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const EDITOR: &str = "thanh-tra-so";
/// Another unit: its user is the name the forged change claims, and a reader of none of the
/// editor's work.
const OTHER_UNIT: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
/// 01/01/2025 00:00 in Vietnam.
const CLAIMED: i64 = 1_735_664_400;

fn attestations(server: &TestServer, token: &str, docs: &[&str]) -> AttestationsAnswer {
    let query: Vec<String> = docs.iter().map(|d| format!("doc={d}")).collect();
    let (code, body) = server.get_json_as(token, &format!("/api/attestations?{}", query.join("&")));
    assert_eq!(code, 200, "{body}");
    serde_json::from_value(body).expect("the answer is shared::api::AttestationsAnswer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_forged_author_and_date_show_as_claims_beside_the_editor_who_delivered_the_change() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office_token = blocking(|| server.login_demo(OFFICE));
    let editor_token = blocking(|| server.login_demo(EDITOR));
    let outsider_token = blocking(|| server.login_demo(OTHER_UNIT));
    let progress_id = blocking(|| server.doc_id(&office_token, "progress", Some(EDITOR)));
    let (editor, outsider) = (
        server.demo_username(EDITOR),
        server.demo_username(OTHER_UNIT),
    );
    let plan_id = blocking(|| server.doc_id(&office_token, "plan", None));

    // The editor's tablet writes a change naming another unit's user, dated 01/01/2025.
    let before = tiendo_server::unix_now();
    let mut tablet = SyncClient::new("editor-tablet").await;
    tablet.connect(server.sync_url(), &editor_token).await;
    let own = tablet.find(&progress_id).await.expect("own progress");
    let forged = own.with_document(|d| {
        doc::update::<Progress, _>(d, &outsider, UnixTime(CLAIMED), |p| {
            p.entry_mut("t2-a", PeriodKind::Q1).percent = 90;
        })
        .expect("saves");
        d.get_heads()[0]
    });
    tablet.wait_acknowledged(&own).await;
    let after = tiendo_server::unix_now();

    // The server's record names the editor and a receipt time of now.
    let answer = blocking(|| attestations(&server, &office_token, &[&progress_id, &plan_id]));
    let record = &answer.documents[&progress_id];
    let delivered = record
        .iter()
        .find(|a| a.hash == forged.to_string())
        .unwrap_or_else(|| panic!("the forged change is attested: {record:#?}"));
    assert_eq!(delivered.by, editor);
    assert_eq!(delivered.via, Via::Sync);
    assert!(
        (before * 1000..=(after + 1) * 1000).contains(&delivered.received_ms),
        "received now, not on the date the change claims: {delivered:?}"
    );

    // The office's history of the task, from its own copies of the documents.
    let mut office = SyncClient::new("office-dashboard").await;
    office.connect(server.sync_url(), &office_token).await;
    let plan = office
        .find(&plan_id)
        .await
        .expect("the office reads the plan");
    let unit = office
        .find(&progress_id)
        .await
        .expect("the office reads the unit");
    eventually("the office has the forged change", || {
        unit.with_document(|d| d.get_change_by_hash(&forged).is_some())
            .then_some(())
    })
    .await;
    let timeline = history::task_timeline(
        Some(&plan.with_document(|d| d.clone())),
        [(EDITOR, &unit.with_document(|d| d.clone()))],
        "t2-a",
    );
    let records: BTreeMap<Option<String>, history::Record> =
        [(Some(EDITOR.to_string()), &progress_id), (None, &plan_id)]
            .into_iter()
            .map(|(held_in, doc)| (held_in, history::record(answer.documents[doc].clone())))
            .collect();
    let shown = history::attest(timeline, |held_in| {
        records.get(&held_in.map(str::to_string))
    });
    let event = shown
        .iter()
        .find(|e| e.change == Some(forged.to_string()))
        .unwrap_or_else(|| panic!("the change is in the task's history: {shown:#?}"));
    assert_eq!(event.author.as_deref(), Some(editor.as_str()));
    assert_eq!(event.claimed_author.as_deref(), Some(outsider.as_str()));
    assert!((before..=after + 1).contains(&event.time), "{event:?}");
    assert_eq!(event.claimed_time, Some(CLAIMED));
    assert!(matches!(event.word, Word::Attested { via: Via::Sync, .. }));
    // The plan's changes came from the import on the server: nobody delivered them.
    assert!(
        shown
            .iter()
            .filter(|e| e.held_in.is_none())
            .all(|e| e.word == Word::Unattested),
        "{shown:#?}"
    );

    // Another unit's editor may not read the editor's document: it gets nothing for it, exactly
    // as for a document that does not exist.
    let theirs = blocking(|| attestations(&server, &outsider_token, &[&progress_id, "khong-co"]));
    assert!(theirs.documents.is_empty(), "{theirs:?}");
    let (code, _) = blocking(|| server.get_json_as(&outsider_token, "/api/attestations"));
    assert_eq!(code, 400, "a request names its documents");

    tablet.stop().await;
    office.stop().await;
}
