//! The PAR-index year in headless Chromium against a real server (scenario
//! `tests/browser/par_index.mjs`): the office assigns four sub-criteria to two units; Thanh tra
//! Sở, its tablet offline, scores two with the file already on one of its tasks and syncs when
//! the link comes back; the Phòng Quản lý Công nghệ scores one with a new PDF and one with a
//! giải trình; the office sees the four scored, the head approves and sends; the province
//! comments, adjusts one score with its reason and asks more evidence on one; the office adds it
//! and the head sends again; the province, in round 2, enters the survey and the council's
//! decision, and the ranking shows the agency first. The server's own answers confirm what the
//! screens said: the sending as the province reads it, each piece of evidence where it belongs.

use tiendo_shared::api::par::{AppraisalView, FilingState, Ranking};
use tiendo_shared::model::criteria::{Mark, Points};
use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::{SyncClient, TestServer, blocking, data_dir, name_evidence_file};

const UNIT_A: &str = "thanh-tra-so";
const UNIT_B: &str = "phong-quan-ly-cong-nghe-va-chuyen-nganh";
const APPRAISAL: &str = "/api/par/appraisals/so-khoa-hoc-va-cong-nghe/2025";

fn pdf(tag: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    out.extend(format!("% {tag}\n").repeat(200).into_bytes());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_of_the_par_index_on_the_agencys_and_the_provinces_screens() {
    let dir = data_dir();
    let dist = client_copy();
    let static_dir = dist.path().to_path_buf();
    let server = blocking(|| TestServer::start_with(dir.path(), |c| c.static_dir = static_dir));

    // Thanh tra Sở's report on task 1.a already carries a file (its tablet uploaded it).
    let unit_a = blocking(|| server.login_demo(UNIT_A));
    let progress_a = server.seeded_progress(UNIT_A);
    let task_pdf = pdf("ke hoach tuyen truyen");
    let task_sha =
        blocking(|| server.tus_upload(&unit_a, &progress_a, "application/pdf", &task_pdf))
            .expect("uploaded");
    let mut tablet = SyncClient::new("unit-a-before").await;
    tablet.connect(server.sync_url(), &unit_a).await;
    let handle = tablet.find(&progress_a).await.expect("its progress");
    name_evidence_file(
        &handle,
        &server.demo_username(UNIT_A),
        &task_sha,
        "ke-hoach-tuyen-truyen.pdf",
        task_pdf.len() as u64,
    );
    tablet.wait_acknowledged(&handle).await;
    tablet.stop().await;

    let new_pdf = dir.path().join("bao-cao-ket-qua.pdf");
    std::fs::write(&new_pdf, pdf("bao cao ket qua")).unwrap();
    let added_pdf = dir.path().join("ke-hoach-kiem-tra.pdf");
    std::fs::write(&added_pdf, pdf("ke hoach kiem tra")).unwrap();

    let who = |name: &str| (server.demo_username(name), server.password(name));
    let (office, office_pw) = who("vanphong");
    let (head, head_pw) = who("giamdoc");
    let (appraiser, appraiser_pw) = who("thamdinh");
    let (a_user, a_pw) = who(UNIT_A);
    let (b_user, b_pw) = who(UNIT_B);
    let mut run = Scenario::start(
        "par_index",
        &[
            ("BASE", server.url("/")),
            ("OFFICE", office),
            ("OFFICE_PASSWORD", office_pw),
            ("HEAD", head),
            ("HEAD_PASSWORD", head_pw),
            ("APPRAISER", appraiser),
            ("APPRAISER_PASSWORD", appraiser_pw),
            ("UNIT_A", UNIT_A.into()),
            ("UNIT_A_USER", a_user),
            ("UNIT_A_PASSWORD", a_pw),
            ("UNIT_B", UNIT_B.into()),
            ("UNIT_B_USER", b_user),
            ("UNIT_B_PASSWORD", b_pw),
            ("TASK_FILE", task_sha.clone()),
            ("NEW_PDF", new_pdf.display().to_string()),
            ("ADDED_PDF", added_pdf.display().to_string()),
        ],
    );

    let unit = blocking(|| run.expect("unit-a"));
    assert_eq!(
        unit["offline"]["rows"],
        serde_json::json!(["1.1.1", "1.3.1"]),
        "{unit:#}"
    );
    assert!(
        unit["offline"]["progress"]
            .as_str()
            .unwrap()
            .contains("2 / 2"),
        "scored offline: {unit:#}"
    );
    let b = blocking(|| run.expect("unit-b"));
    assert!(b["progress"].as_str().unwrap().contains("2 / 2"), "{b:#}");
    let consolidated = blocking(|| run.expect("consolidated"));
    assert!(
        consolidated["progress"]
            .as_str()
            .unwrap()
            .contains("Đã chấm 4"),
        "{consolidated:#}"
    );
    for code in ["1.1.1", "1.3.1", "1.1.2"] {
        assert_eq!(
            consolidated["rows"][code]["evidence"], 1,
            "{code}: {consolidated:#}"
        );
    }
    let sent = blocking(|| run.expect("sent"));
    assert_eq!(
        sent["steps"],
        serde_json::json!(["approve", "send"]),
        "{sent:#}"
    );
    let reviewed = blocking(|| run.expect("reviewed"));
    assert!(
        reviewed["round"].as_str().unwrap().contains('1'),
        "{reviewed:#}"
    );
    let resent = blocking(|| run.expect("resent"));
    assert!(
        resent["reopened"]
            .as_str()
            .unwrap()
            .contains("Kế hoạch kiểm tra CCHC đã ký"),
        "{resent:#}"
    );
    let ranked = blocking(|| run.expect("ranked"));
    assert!(
        ranked["round"].as_str().unwrap().contains('2'),
        "{ranked:#}"
    );
    let row = &ranked["ranking"][0];
    assert_eq!(row["agency"], "so-khoa-hoc-va-cong-nghe", "{ranked:#}");
    assert_eq!(row["rank"], "1", "{ranked:#}");
    blocking(|| run.expect("done"));

    // What the server holds: the second sending, as the province reads it.
    let province = blocking(|| server.login_demo("thamdinh"));
    let (code, body) = blocking(|| server.get_json_as(&province, APPRAISAL));
    assert_eq!(code, 200, "{body}");
    let a: AppraisalView = serde_json::from_value(body).unwrap();
    assert_eq!(a.round, 2);
    assert_eq!(a.assessment.state, FilingState::Final);
    let item = |code: &str| a.assessment.items.iter().find(|i| i.code == code).unwrap();
    let from_task = &item("1.1.1").scoring.evidence[0];
    assert_eq!(
        (from_task.sha256.as_str(), from_task.task_id.as_deref()),
        (task_sha.as_str(), Some("t1-a"))
    );
    assert_eq!(
        item("1.3.1").scoring.evidence.len(),
        2,
        "the unit's and the office's"
    );
    assert_eq!(
        item("1.1.2").scoring.filed(),
        Some(Mark::Score(Points(250)))
    );
    assert!(item("1.2.1").scoring.explanation.contains("gửi muộn"));
    let adjusted = a.appraisal.rounds[0].reviews["1.1.2"]
        .adjusted
        .as_ref()
        .unwrap();
    assert_eq!(adjusted.mark, Mark::Score(Points(200)));
    let criteria = a.assessment.criteria.id.clone();
    let (_, body) =
        blocking(|| server.get_json_as(&province, &format!("/api/par/ranking/{criteria}")));
    let ranking: Ranking = serde_json::from_value(body).unwrap();
    assert_eq!(ranking.rows[0].rank, Some(1));
    assert_eq!(ranking.rows[0].state, FilingState::Final);
}
