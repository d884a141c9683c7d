//! A province's criteria annex through the import screen's endpoints on a real server: the
//! appraisal team previews a Word annex (the set read, the lines it could not place), corrects
//! and saves it; the set is listed for every agency; a set that does not add up is refused with
//! its problems; and nobody else may send a file there — refused before a byte is read.

use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
use serde_json::json;
use tiendo_shared::api::par::{CriteriaInfo, CriteriaPreview};
use tiendo_shared::import::{Block, text_blocks};
use tiendo_shared::model::criteria::Points;
use tiendo_tests::{TestServer, data_dir};

/// The annex of `shared/tests/fixtures/criteria/` as a Word file: its paragraphs, then its table.
fn annex_docx() -> Vec<u8> {
    let path = format!(
        "{}/../shared/tests/fixtures/criteria/annex-so-2025.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut doc = Docx::new();
    let mut rows = Vec::new();
    for b in text_blocks(&text) {
        match b {
            Block::Para(_, t) if !t.trim().is_empty() => {
                doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(t)));
            }
            Block::Para(..) => {}
            Block::Row { cells, .. } => rows.push(TableRow::new(
                cells
                    .iter()
                    .map(|c| {
                        TableCell::new()
                            .add_paragraph(Paragraph::new().add_run(Run::new().add_text(c)))
                    })
                    .collect(),
            )),
        }
    }
    doc = doc.add_table(Table::new(rows));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).unwrap();
    out.into_inner()
}

fn post_file(server: &TestServer, token: &str, bytes: &[u8]) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let req = agent
        .post(server.url("/api/par/criteria/preview"))
        .header("Authorization", format!("Bearer {token}"))
        .content_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    let mut resp = req.send(bytes).expect("request");
    (
        resp.status().as_u16(),
        resp.body_mut().read_to_string().unwrap_or_default(),
    )
}

#[test]
fn the_appraisal_team_imports_a_criteria_annex_and_no_one_else_sends_one() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let appraiser = server.login_demo("thamdinh");
    let office = server.login_demo("vanphong");

    // The agency's record is made against the template (the only set yet).
    let (code, _) = server.get_json_as(
        &office,
        "/api/par/assessments/so-khoa-hoc-va-cong-nghe/2025",
    );
    assert_eq!(code, 200);

    // Someone else's file is refused: the role is asked before the body is read.
    let (code, body) = post_file(&server, &office, &annex_docx());
    assert_eq!(code, 403, "{body}");

    let (code, body) = post_file(&server, &appraiser, &annex_docx());
    assert_eq!(code, 200, "{body}");
    let preview: CriteriaPreview = serde_json::from_str(&body).unwrap();
    assert_eq!(preview.set.id, "quang-ngai-2025-so");
    assert_eq!(preview.set.total(), Points::whole(100));
    assert!(preview.problems.is_empty(), "{:?}", preview.problems);
    let reasons: Vec<&str> = preview.unplaced.iter().map(|u| u.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "không có mã tiêu chí (1, 1.1, 1.1.1)",
            "điểm tối đa không đọc được"
        ]
    );

    // Corrected and saved: the province's decision now lists beside the template.
    let mut set = preview.set.clone();
    set.basis = "Quyết định số 134/QĐ-UBND ngày 24/10/2025".into();
    let (code, saved) = server.post_json(
        "/api/par/criteria",
        Some(&appraiser),
        serde_json::to_value(&set).unwrap(),
    );
    assert_eq!(code, 200, "{saved}");
    let (code, _) = server.post_json(
        "/api/par/criteria",
        Some(&office),
        serde_json::to_value(&set).unwrap(),
    );
    assert_eq!(code, 403);
    let (_, list) = server.get_json_as(&office, "/api/par/criteria");
    let list: Vec<CriteriaInfo> = serde_json::from_value(list).unwrap();
    let mine = list.iter().find(|s| s.id == "quang-ngai-2025-so").unwrap();
    assert!(!mine.template);
    assert_eq!(mine.basis, set.basis);
    assert!(list.iter().any(|s| s.template), "the seed's template stays");

    // A unit is listed only the set its agency's record names for the year: the template it
    // was opened with, not the decision saved since.
    let unit = server.login_demo("thanh-tra-so");
    let (_, me) = server.get_json_as(&unit, "/api/me");
    let me: tiendo_shared::api::Me = serde_json::from_value(me).unwrap();
    let sets: Vec<&str> = me
        .par_documents
        .iter()
        .filter(|d| d.kind == tiendo_shared::model::DocKind::Criteria)
        .map(|d| d.plan_id.as_deref().unwrap())
        .collect();
    assert_eq!(sets, ["mau-2025-so"]);

    // A set whose sub-criteria do not add up to their criterion is refused with why.
    let mut broken = set.clone();
    broken.items.retain(|c| c.code != "1.1.2");
    let (code, body) = server.post_json(
        "/api/par/criteria",
        Some(&appraiser),
        serde_json::to_value(&broken).unwrap(),
    );
    assert_eq!(code, 400);
    assert!(body["error"].as_str().unwrap().contains("1.1"), "{body}");

    // Once announced, a set is not replaced.
    let (code, _) = server.post_json(
        "/api/par/criteria/quang-ngai-2025-so/announce",
        Some(&appraiser),
        json!({"basis": "QĐ 25"}),
    );
    assert_eq!(code, 200);
    let (code, _) = server.post_json(
        "/api/par/criteria",
        Some(&appraiser),
        serde_json::to_value(&set).unwrap(),
    );
    assert_eq!(code, 409);
}
