//! The PAR-index year through a real server on a loopback port: the office assigns sub-criteria,
//! a unit scores them in its own progress document over sync (with a file it uploaded), the head
//! approves exactly what was shown and sends it, the province appraises what was sent (a
//! comment, an adjusted score, a request for more evidence), the agency adds that and
//! resubmits, the council decides, the ranking shows after the announcement, the three files
//! download, and next year's draft carries the lost points as tasks. Every refusal on the way is
//! a refusal of authority: a unit reading the assessment, an approval of a changed assessment, a
//! sending without approval, an edit after sending, a second request in round 2.

use std::io::Read as _;

use serde_json::{Value, json};
use tiendo_shared::api::par::{AppraisalView, AssessmentView, FilingState, Ranking};
use tiendo_shared::model::assessment::{EvidenceItem, SheetEntry, sheet};
use tiendo_shared::model::criteria::{Mark, Points};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, eventually, request};

const AGENCY: &str = "so-khoa-hoc-va-cong-nghe";
const UNIT: &str = "thanh-tra-so";
const BASE: &str = "/api/par/assessments/so-khoa-hoc-va-cong-nghe/2025";
const APPRAISAL: &str = "/api/par/appraisals/so-khoa-hoc-va-cong-nghe/2025";

fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    request(&server.addr(), method, path, Some(token), body)
}

fn view(server: &TestServer, token: &str) -> AssessmentView {
    let (code, body) = server.get_json_as(token, BASE);
    assert_eq!(code, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

fn appraisal(server: &TestServer, token: &str) -> AppraisalView {
    let (code, body) = server.get_json_as(token, APPRAISAL);
    assert_eq!(code, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

fn ok(answer: (u16, Value)) -> Value {
    assert_eq!(answer.0, 200, "{}", answer.1);
    answer.1
}

fn filing(server: &TestServer, head: &str, action: &str, digest: &str) -> (u16, Value) {
    call(
        server,
        "POST",
        &format!("{BASE}/filing"),
        head,
        Some(json!({"action": action, "digest": digest})),
    )
}

fn item<'a>(v: &'a AssessmentView, code: &str) -> &'a tiendo_shared::api::par::ItemView {
    v.items.iter().find(|i| i.code == code).unwrap()
}

/// The unit writes its part of `code` in its own progress document over sync.
async fn unit_scores(server: &TestServer, doc: &str, token: &str, code: &str, entry: SheetEntry) {
    let mut client = SyncClient::new(&format!("peer-unit-{code}")).await;
    client.connect(server.sync_url(), token).await;
    let handle = client.find(doc).await.expect("its own progress");
    // The office's assignment reached the tablet.
    eventually("the assignment reaches the unit's document", || {
        handle
            .with_document(|d| sheet::assigned(d).contains(&code.to_string()))
            .then_some(())
    })
    .await;
    handle.with_document(|d| {
        sheet::write(
            d,
            code,
            &entry,
            "thanhtra",
            tiendo_shared::model::doc::UnixTime(1),
        )
        .unwrap()
    });
    client.wait_acknowledged(&handle).await;
    client.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agency_files_its_self_assessment_and_the_province_appraises_and_ranks_it() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo("vanphong"));
    let head = blocking(|| server.login_demo("giamdoc"));
    let appraiser = blocking(|| server.login_demo("thamdinh"));
    let unit = blocking(|| server.login_demo(UNIT));
    let progress = server.seeded_progress(UNIT);

    // The office opens the year: the template set for departments, nothing scored yet.
    let v = blocking(|| view(&server, &office));
    assert_eq!(v.state, FilingState::Draft);
    assert!(v.criteria.template);
    assert_eq!(v.criteria.total, Points::whole(100));
    assert_eq!(v.tally.scored, 0);
    assert!(v.tally.to_score > 30);
    // The tracker proposes 1.1.2 (plan completion) from the plan's status.
    assert!(item(&v, "1.1.2").proposal.is_some());
    // A unit reads only its own sub-criteria, in its own document: not the assessment.
    let (code, _) = blocking(|| server.get_json_as(&unit, BASE));
    assert_eq!(code, 403);
    // Nor may the head or a unit act as the office, or the office as the head.
    let assign = json!({"assigned": {"1.1.1": UNIT, "1.1.2": UNIT}});
    let (code, _) = blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{BASE}/assigned"),
            &head,
            Some(assign.clone()),
        )
    });
    assert_eq!(code, 403);
    ok(blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{BASE}/assigned"),
            &office,
            Some(assign),
        )
    }));

    // The unit scores both offline-first, on its document, one with the file it uploaded.
    let pdf = b"%PDF-1.4\n% bien ban kiem tra\n".repeat(20);
    let sha = blocking(|| server.tus_upload(&unit, &progress, "application/pdf", &pdf)).unwrap();
    let with_file = SheetEntry {
        mark: Some(Mark::Score(Points(100))),
        explanation: String::new(),
        evidence: vec![EvidenceItem {
            sha256: sha.clone(),
            name: "ke-hoach-cchc-2025.pdf".into(),
            reference: "Số 12/KH-SKHCN ngày 10/01/2025".into(),
            task_id: None,
        }],
    };
    unit_scores(&server, &progress, &unit, "1.1.1", with_file).await;
    let explained = SheetEntry {
        mark: Some(Mark::Score(Points(250))),
        explanation: "Hoàn thành 40/43 nhiệm vụ".into(),
        evidence: Vec::new(),
    };
    unit_scores(&server, &progress, &unit, "1.1.2", explained).await;
    // A score for a sub-criterion not assigned to the unit changes nothing filed.
    let stray = SheetEntry {
        mark: Some(Mark::Score(Points(100))),
        ..SheetEntry::default()
    };
    {
        let mut client = SyncClient::new("peer-stray").await;
        client.connect(server.sync_url(), &unit).await;
        let handle = client.find(&progress).await.unwrap();
        handle.with_document(|d| {
            sheet::write(
                d,
                "1.3.1",
                &stray,
                "thanhtra",
                tiendo_shared::model::doc::UnixTime(1),
            )
            .unwrap()
        });
        client.wait_acknowledged(&handle).await;
        client.stop().await;
    }
    let v = eventually("the office sees the unit's scores", || {
        let v = view(&server, &office);
        (v.tally.scored == 2).then_some(v)
    })
    .await;
    assert_eq!(item(&v, "1.1.1").scoring.evidence.len(), 1);
    assert_eq!(item(&v, "1.1.1").unit_name, "Thanh tra Sở");
    assert_eq!(
        item(&v, "1.3.1").scoring.mark,
        None,
        "not the unit's to score"
    );

    // The head approves what was shown, not something else.
    let (code, _) = blocking(|| filing(&server, &head, "approve", &"0".repeat(64)));
    assert_eq!(code, 409);
    let (code, _) = blocking(|| filing(&server, &head, "send", &v.digest));
    assert_eq!(code, 409, "nothing is sent without the head's approval");
    let (code, _) = blocking(|| filing(&server, &office, "approve", &v.digest));
    assert_eq!(code, 403, "the office does not approve for its head");
    let approved: AssessmentView = serde_json::from_value(ok(blocking(|| {
        filing(&server, &head, "approve", &v.digest)
    })))
    .unwrap();
    assert_eq!(approved.state, FilingState::Approved);
    // The office changes a score: the approval no longer covers the assessment.
    let call_body = json!({"code": "1.1.2", "mark": {"kind": "score", "points": 200}, "reason": "Chỉ tính nhiệm vụ có sản phẩm"});
    let changed: AssessmentView = serde_json::from_value(ok(blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{BASE}/office"),
            &office,
            Some(call_body),
        )
    })))
    .unwrap();
    assert!(!changed.approval_current);
    assert_eq!(changed.state, FilingState::Draft);
    let (code, _) = blocking(|| filing(&server, &head, "send", &changed.digest));
    assert_eq!(code, 409);
    ok(blocking(|| {
        filing(&server, &head, "approve", &changed.digest)
    }));
    let sent: AssessmentView = serde_json::from_value(ok(blocking(|| {
        filing(&server, &head, "send", &changed.digest)
    })))
    .unwrap();
    assert_eq!(sent.state, FilingState::Sent);
    assert_eq!(
        sent.steps.len(),
        3,
        "approved, approved again after the change, sent"
    );
    let (code, _) = blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{BASE}/proposals"),
            &office,
            Some(json!({"text": "x"})),
        )
    });
    assert_eq!(code, 409, "nothing changes after sending");

    // The unit changes its score after sending: the province reads what was sent.
    let later = SheetEntry {
        mark: Some(Mark::Score(Points(0))),
        ..SheetEntry::default()
    };
    unit_scores(&server, &progress, &unit, "1.1.2", later).await;
    let a = blocking(|| appraisal(&server, &appraiser));
    assert_eq!(a.round, 1);
    assert_eq!(a.sent_digest, changed.digest);
    assert_eq!(
        item(&a.assessment, "1.1.2").scoring.filed(),
        Some(Mark::Score(Points(200)))
    );

    // Round 1: a comment, an adjusted score, a request for more evidence.
    let review = |body: Value| {
        blocking(|| {
            call(
                &server,
                "PUT",
                &format!("{APPRAISAL}/review"),
                &appraiser,
                Some(body),
            )
        })
    };
    let (code, _) = blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{APPRAISAL}/review"),
            &office,
            Some(json!({"code": "1.1.1"})),
        )
    });
    assert_eq!(code, 403);
    let (code, _) = review(
        json!({"code": "1.1.2", "adjusted": {"mark": {"kind": "score", "points": 150}, "reason": ""}}),
    );
    assert_eq!(code, 400, "an adjusted score needs its reason");
    ok(review(
        json!({"code": "1.1.2", "comment": "Thiếu danh mục nhiệm vụ", "adjusted": {"mark": {"kind": "score", "points": 150}, "reason": "Chỉ 37 nhiệm vụ có sản phẩm"}}),
    ));
    ok(review(
        json!({"code": "1.1.1", "comment": "Chưa có quyết định ban hành", "request": {"what": "Quyết định ban hành kế hoạch", "by": "2026-01-15"}}),
    ));
    let v = blocking(|| view(&server, &office));
    assert_eq!(v.state, FilingState::Reopened);
    assert_eq!(v.reopened, ["1.1.1"]);
    assert_eq!(
        item(&v, "1.1.1").reopened.as_ref().unwrap().what,
        "Quyết định ban hành kế hoạch"
    );

    // The agency adds what was asked, and only that.
    let (code, _) = blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{BASE}/added"),
            &office,
            Some(json!({"code": "1.1.2", "explanation": "x"})),
        )
    });
    assert_eq!(code, 409, "1.1.2 was not reopened");
    let office_doc = server.seeded_progress("phong-hanh-chinh-tong-hop");
    let decision = b"%PDF-1.4\n% quyet dinh ban hanh\n".repeat(20);
    let decision_sha =
        blocking(|| server.tus_upload(&office, &office_doc, "application/pdf", &decision)).unwrap();
    let stranger = "ab".repeat(32);
    let (code, _) = blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{BASE}/added"),
            &office,
            Some(json!({"code": "1.1.1", "evidence": [{"sha256": stranger, "name": "la.pdf"}]})),
        )
    });
    assert_eq!(
        code, 403,
        "a file the office never sent and no report of the agency names is not its to add"
    );
    ok(blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{BASE}/added"),
            &office,
            Some(
                json!({"code": "1.1.1", "evidence": [{"sha256": decision_sha, "name": "quyet-dinh.pdf", "reference": "Số 5/QĐ-SKHCN ngày 12/01/2025"}]}),
            ),
        )
    }));
    // A second "Bổ sung" (its explanation) keeps the file of the first.
    let added = ok(blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{BASE}/added"),
            &office,
            Some(json!({"code": "1.1.1", "explanation": "Quyết định đã ký ngày 12/01/2025"})),
        )
    }));
    let v: AssessmentView = serde_json::from_value(added).unwrap();
    assert_eq!(item(&v, "1.1.1").scoring.evidence.len(), 2);
    assert!(item(&v, "1.1.1").scoring.explanation.contains("đã ký"));
    ok(blocking(|| filing(&server, &head, "approve", &v.digest)));
    ok(blocking(|| filing(&server, &head, "send", &v.digest)));
    let a = blocking(|| appraisal(&server, &appraiser));
    assert_eq!(a.round, 2);
    assert_eq!(item(&a.assessment, "1.1.1").scoring.evidence.len(), 2);
    assert_eq!(
        item(&a.assessment, "1.1.2").scoring.filed(),
        Some(Mark::Score(Points(200))),
        "not reopened: as first sent, whatever the unit wrote since"
    );
    let (code, _) =
        review(json!({"code": "1.1.1", "request": {"what": "thêm", "by": "2026-01-20"}}));
    assert_eq!(code, 409, "no more requests in round 2");
    ok(review(json!({"code": "1.1.1", "comment": "Đã bổ sung đủ"})));

    // The survey, the council: the result is final.
    ok(blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{APPRAISAL}/survey"),
            &appraiser,
            Some(json!({"scores": {"8.1": 800}})),
        )
    }));
    let (code, _) = blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{APPRAISAL}/council"),
            &appraiser,
            Some(json!({"on": "2026-01-20", "members": 9, "present": 4, "votes_for": 4})),
        )
    });
    assert_eq!(code, 200, "recorded, but not quorate: not final");
    assert_eq!(blocking(|| view(&server, &office)).state, FilingState::Sent);
    ok(blocking(|| {
        call(
            &server,
            "PUT",
            &format!("{APPRAISAL}/council"),
            &appraiser,
            Some(
                json!({"on": "2026-01-21", "members": 9, "present": 7, "votes_for": 6, "note": "Thông qua"}),
            ),
        )
    }));
    let v = blocking(|| view(&server, &office));
    assert_eq!(v.state, FilingState::Final);
    let appraised = v.appraised.as_ref().unwrap();
    assert!(
        appraised
            .lost
            .iter()
            .any(|l| l.code == "1.1.2" && l.got == Points(150))
    );

    // The ranking: the province's at once, the agency's after the announcement.
    let set = v.criteria.id.clone();
    let (code, _) = blocking(|| server.get_json_as(&office, &format!("/api/par/ranking/{set}")));
    assert_eq!(code, 403);
    let ranking: Ranking = serde_json::from_value(ok(blocking(|| {
        server.get_json_as(&appraiser, &format!("/api/par/ranking/{set}"))
    })))
    .unwrap();
    let row = ranking.rows.iter().find(|r| r.agency_id == AGENCY).unwrap();
    assert_eq!(row.rank, Some(1));
    assert_eq!(row.state, FilingState::Final);
    assert_eq!(row.index, Some(appraised.index));
    ok(blocking(|| {
        server.post_json(
            &format!("/api/par/criteria/{set}/announce"),
            Some(&appraiser),
            json!({"basis": "Quyết định số 25/QĐ-UBND"}),
        )
    }));
    ok(blocking(|| {
        server.get_json_as(&office, &format!("/api/par/ranking/{set}"))
    }));

    // The files, as the province reads them: what was sent.
    for (file, kind) in [
        ("summary.xlsx", "spreadsheetml"),
        ("report.docx", "wordprocessingml"),
        ("evidence.zip", "zip"),
    ] {
        let (code, ty, _, bytes) =
            blocking(|| server.download(&appraiser, &format!("{BASE}/{file}")));
        assert_eq!(code, 200, "{file}");
        assert!(ty.contains(kind), "{file}: {ty}");
        if file == "evidence.zip" {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let names: Vec<String> = zip.file_names().map(str::to_string).collect();
            let filed: Vec<&String> = names.iter().filter(|n| n.starts_with("1.1.1/")).collect();
            assert_eq!(filed.len(), 2, "{names:?}");
            let mut content = Vec::new();
            zip.by_name(filed.iter().find(|n| n.contains("ke-hoach")).unwrap())
                .unwrap()
                .read_to_end(&mut content)
                .unwrap();
            assert_eq!(content, pdf);
        }
    }

    // Next year's draft carries the lost points as tasks.
    let plan = server.startup.seeded.as_ref().unwrap().plan_id.clone();
    let draft = ok(blocking(|| {
        server.get_json_as(&office, &format!("/api/plans/{plan}/next-year"))
    }));
    let notes = draft["notes"].to_string();
    assert!(notes.contains("nhiệm vụ khắc phục"), "{notes}");
    let titles = draft["draft"]["plan"]["areas"][0]["tasks"].to_string();
    assert!(
        titles.contains("Khắc phục tồn tại ở lĩnh vực 1") && titles.contains("1.1.2 “"),
        "{titles}"
    );
}

/// The documents the server writes are read-only to everyone else: the office, which reads its
/// assessment record over sync, cannot slip a head's approval into it, and a unit cannot even
/// open it; what counts is what the server recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_writes_an_approval_into_the_record_over_sync() {
    use tiendo_shared::model::assessment::{FilingAction, FilingStep, Record};
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let office = blocking(|| server.login_demo("vanphong"));
    let unit = blocking(|| server.login_demo(UNIT));
    let v = blocking(|| view(&server, &office));
    let me: tiendo_shared::api::Me =
        serde_json::from_value(blocking(|| server.get_json_as(&office, "/api/me")).1).unwrap();
    let record = me
        .par_documents
        .iter()
        .find(|d| d.doc_id == v.doc_id)
        .expect("the office may open its record");
    assert!(!record.writable);
    assert!(
        me.documents.iter().all(|d| d.doc_id != v.doc_id),
        "older builds' list holds only the kinds they know"
    );

    let mut client = SyncClient::new("peer-forger").await;
    client.connect(server.sync_url(), &office).await;
    let handle = client.find(&v.doc_id).await.expect("readable");
    tiendo_tests::edit::<Record>(&handle, "giamdoc", |r| {
        r.steps.push(FilingStep {
            action: FilingAction::Approve,
            by: "giamdoc".into(),
            name: "Giám đốc".into(),
            role: "agency_head".into(),
            at: 1,
            digest: v.digest.clone(),
            content: String::new(),
            round: 0,
        })
    });
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    client.stop().await;
    let after = blocking(|| view(&server, &office));
    assert!(after.steps.is_empty(), "{:?}", after.steps);
    assert_eq!(after.state, FilingState::Draft);

    let mut client = SyncClient::new("peer-unit-reader").await;
    client.connect(server.sync_url(), &unit).await;
    let found = tokio::time::timeout(std::time::Duration::from_secs(3), client.find(&v.doc_id))
        .await
        .ok()
        .flatten();
    assert!(found.is_none(), "a unit does not open its agency's record");
    client.stop().await;
}
