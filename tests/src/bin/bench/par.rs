//! The `par` section: the province's PAR-index ranking (`GET /api/par/ranking/{id}`) over a
//! group of agencies of one level, each with its assessment sent and appraised against a set of
//! 90 sub-criteria — the first ever (nothing kept), cold after a restart (the documents'
//! readings kept in SQLite by the first), warm, and after one appraisal change — beside the
//! arithmetic alone (`par_index::index` and `rank` over the same models in memory).
//!
//! Stage: *measurement*, over the real server on a loopback port; the province is written
//! through the server library (as `tiendo import` writes a plan) into a data directory that
//! `tiendo serve` then opens.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::json;
use tiendo_server::config::Config;
use tiendo_server::domain::accounts::{NewUser, Role};
use tiendo_server::domain::library::{Library, SYSTEM_AUTHOR};
use tiendo_server::store::{DocKind, DocRecord};
use tiendo_shared::api::par::Ranking;
use tiendo_shared::model::Document;
use tiendo_shared::model::appraisal::{Adjustment, Appraisal, Review, Round};
use tiendo_shared::model::assessment::{
    Assessment, EvidenceItem, FilingAction, FilingStep, Record, Scoring,
};
use tiendo_shared::model::criteria::{
    CriteriaSet, Criterion, ItemKind, Level, Mark, Measured, Points, Rule,
};
use tiendo_shared::model::doc::{self, UnixTime};
use tiendo_shared::model::org::AgencyKind;
use tiendo_shared::views::par_index;

use crate::{Row, median};

/// The set's id.
const SET: &str = "bench-2025-xa";
/// The year assessed (the seed plan's).
const YEAR: i32 = 2025;
const APPRAISER: &str = "bench-thamdinh";
const PASSWORD: &str = "mat-khau-do-hieu-nang";
/// Areas × criteria × sub-criteria of the synthetic set.
const AREAS: usize = 9;
const CRITERIA: usize = 2;
const SUBS: usize = 5;

/// A synthetic set that passes [`CriteriaSet::check`]: 9 areas × 2 criteria × 5 sub-criteria
/// (90), areas 1–8 of 11 points, area 9 of 12; each sub-criterion by turns scored by levels
/// (the maximum, half, none) or in steps of 0,1, some allowed "không áp dụng"; criterion 9.2's
/// five measured by the province's survey.
pub(crate) fn set() -> CriteriaSet {
    let mut items = Vec::new();
    let row = |code: String, text: String, max: i32, rule: Rule, measured| Criterion {
        code,
        text,
        max: Points(max),
        rule,
        evidence: String::new(),
        measured,
        may_not_apply: false,
        kind: ItemKind::Normal,
        source: None,
    };
    for a in 1..=AREAS {
        let sub_max = if a == AREAS { 120 } else { 110 };
        let area_max = sub_max * (CRITERIA * SUBS) as i32;
        items.push(row(
            a.to_string(),
            format!("Lĩnh vực thử {a}"),
            area_max,
            Rule::Proportional,
            Measured::SelfScored,
        ));
        for c in 1..=CRITERIA {
            let survey = a == AREAS && c == CRITERIA;
            items.push(row(
                format!("{a}.{c}"),
                format!("Tiêu chí thử {a}.{c}"),
                sub_max * SUBS as i32,
                Rule::Proportional,
                Measured::SelfScored,
            ));
            for s in 1..=SUBS {
                let rule = if s % 2 == 1 {
                    Rule::Levels {
                        levels: vec![Points(sub_max), Points(sub_max / 2), Points::ZERO],
                    }
                } else {
                    Rule::Range { step: Points(10) }
                };
                let mut sub = row(
                    format!("{a}.{c}.{s}"),
                    format!("Tiêu chí thành phần thử {a}.{c}.{s}: mức độ hoàn thành nhiệm vụ"),
                    sub_max,
                    rule,
                    if survey {
                        Measured::Survey
                    } else {
                        Measured::SelfScored
                    },
                );
                sub.evidence = "Văn bản, báo cáo, kế hoạch của cơ quan".into();
                sub.may_not_apply = !survey && s == SUBS;
                items.push(sub);
            }
        }
    }
    let set = CriteriaSet {
        id: SET.into(),
        province: "Tỉnh Thử".into(),
        level: Level::Commune,
        year: YEAR,
        basis: "Quyết định số 1/QĐ-UBND (đo hiệu năng)".into(),
        template: false,
        items,
        announced: None,
        unreadable: Vec::new(),
    };
    let problems = set.check();
    assert!(problems.is_empty(), "the synthetic set: {problems:?}");
    assert_eq!(set.scored().count(), AREAS * CRITERIA * SUBS);
    set
}

/// A score `rule` allows for a sub-criterion of maximum `max`, chosen by `seed`.
fn score(rule: &Rule, max: Points, seed: usize) -> Points {
    match rule {
        Rule::Levels { levels } => levels[seed % levels.len()],
        Rule::Range { step } => Points((max.0 - step.0 * (seed % 4) as i32).max(0)),
        Rule::Proportional => max,
    }
}

/// Agency `k`'s assessment as sent: every self-scored sub-criterion scored (one "không áp
/// dụng" where allowed, now and then), each with one evidence file and an explanation.
fn sent(set: &CriteriaSet, k: usize, agency_id: &str, office: &str) -> Assessment {
    let mut items = BTreeMap::new();
    for (j, c) in set.scored().enumerate() {
        if c.measured == Measured::Survey {
            continue;
        }
        let mark = if c.may_not_apply && (j + k).is_multiple_of(7) {
            Mark::NotApplicable
        } else {
            Mark::Score(score(&c.rule, c.max, j + k))
        };
        items.insert(
            c.code.clone(),
            Scoring {
                unit_id: Some(office.into()),
                mark: Some(mark),
                evidence: vec![EvidenceItem {
                    sha256: format!("{:064x}", (k as u128) << 64 | j as u128),
                    name: format!("minh-chung-{}.pdf", c.code),
                    reference: format!("Số {j}/BC-UBND ngày 15/12/{YEAR} — Báo cáo {}", c.code),
                    task_id: None,
                }],
                explanation: format!("Đã thực hiện đầy đủ nội dung tiêu chí {}", c.code),
                proposed: None,
                office: None,
            },
        );
    }
    Assessment {
        agency_id: agency_id.into(),
        year: YEAR,
        criteria_id: SET.into(),
        items,
        proposals: "Đề nghị tăng cường tập huấn về chuyển đổi số.".into(),
    }
}

/// The record of agency `k`: every sub-criterion assigned to its office, the head's approval
/// and the sending of `sent` (round 1).
fn record(sent: &Assessment, office: &str) -> Record {
    let mut r = Record::new(&sent.agency_id, YEAR, SET);
    r.assigned = sent
        .items
        .keys()
        .map(|c| (c.clone(), office.into()))
        .collect();
    r.proposals = sent.proposals.clone();
    let step = |action, at, content: String, round| FilingStep {
        action,
        by: "bench-giamdoc".into(),
        name: "Chủ tịch UBND".into(),
        role: "agency_head".into(),
        at,
        digest: sent.digest(),
        content,
        round,
    };
    r.steps = vec![
        step(FilingAction::Approve, 1_767_000_000_000, String::new(), 0),
        step(FilingAction::Send, 1_767_000_060_000, sent.canonical(), 1),
    ];
    r
}

/// The province's appraisal of agency `k`: round 1 with a comment on every self-scored
/// sub-criterion (every fifth with its score adjusted), and the survey's scores.
fn appraisal(set: &CriteriaSet, k: usize, agency_id: &str) -> Appraisal {
    let mut round = Round {
        number: 1,
        ..Round::default()
    };
    let mut survey = BTreeMap::new();
    for (j, c) in set.scored().enumerate() {
        if c.measured == Measured::Survey {
            survey.insert(
                c.code.clone(),
                score(&Rule::Range { step: Points(10) }, c.max, j + k),
            );
            continue;
        }
        let adjusted = (j + k).is_multiple_of(5).then(|| Adjustment {
            mark: Mark::Score(score(&c.rule, c.max, j + k + 1)),
            reason: "Tài liệu kiểm chứng chưa đầy đủ".into(),
        });
        round.reviews.insert(
            c.code.clone(),
            Review {
                comment: format!("Đã xem tài liệu kiểm chứng của tiêu chí {}", c.code),
                adjusted,
                request: None,
                by: APPRAISER.into(),
            },
        );
    }
    Appraisal {
        agency_id: agency_id.into(),
        year: YEAR,
        rounds: vec![round],
        survey,
        council: None,
        unreadable: Vec::new(),
    }
}

/// A new document holding `value`, written by the server and catalogued as the PAR domain
/// catalogues its documents (`Par::served`, `criteria::save_set`): of `kind`, for `agency` (none
/// for a set) and `plan` (a set's own id), no unit.
async fn served<T: Document>(
    library: &Library,
    value: &T,
    kind: DocKind,
    (agency, plan): (&str, &str),
    title: String,
) {
    let am = doc::new_document(
        value,
        Some(SYSTEM_AUTHOR),
        UnixTime(tiendo_server::unix_now()),
    )
    .expect("the document");
    let handle = library.repo().create(am).await.expect("stored");
    let rec = DocRecord {
        doc_id: handle.document_id().to_string(),
        kind,
        agency_id: agency.into(),
        plan_id: Some(plan.into()),
        unit_id: None,
        title,
    };
    library
        .store()
        .register_all(vec![rec.clone()])
        .await
        .expect("catalogued");
    library.catalogue().insert(rec);
}

/// What each agency sent and how it was appraised, in memory (the reference's input).
type Filed = Vec<(String, Assessment, Appraisal)>;

/// Writes the province into `dir`: the seed (a first start), the set, `agencies` communes (the
/// seed plan under new ids) each with its record sent and its appraisal, and an appraiser.
async fn province(dir: &std::path::Path, agencies: usize) -> Filed {
    let config = Config {
        data_dir: dir.to_path_buf(),
        store: tiendo_tests::stores::store_setting(dir),
        ..Config::default()
    };
    let (library, _) = tiendo_server::open(&config).await.expect("data dir opens");
    let set = set();
    let title = format!("Bộ tiêu chí Chỉ số CCHC năm {YEAR} — UBND xã, phường");
    served(&library, &set, DocKind::Criteria, ("", SET), title).await;
    let mut filed = Vec::new();
    for k in 0..agencies {
        let mut imported = tiendo_tests::province::synthetic_agency(k, 1);
        let agency = &mut imported.org.agencies[0];
        agency.kind = AgencyKind::Commune;
        agency.name = format!("UBND xã Thử {k}");
        let (agency_id, office) = (
            agency.id.clone(),
            agency.central_office.clone().expect("an office"),
        );
        let report = library.import(imported, "bench").await.expect("imports");
        let sent = sent(&set, k, &agency_id, &office);
        let appraised = appraisal(&set, k, &agency_id);
        let of = (agency_id.as_str(), report.plan_id.as_str());
        let title = format!("Tự đánh giá Chỉ số CCHC năm {YEAR} — UBND xã Thử {k}");
        served(
            &library,
            &record(&sent, &office),
            DocKind::Assessment,
            of,
            title,
        )
        .await;
        let title = format!("Thẩm định Chỉ số CCHC năm {YEAR} — UBND xã Thử {k}");
        served(&library, &appraised, DocKind::Appraisal, of, title).await;
        filed.push((agency_id, sent, appraised));
    }
    library
        .store()
        .add_user(NewUser {
            username: APPRAISER.into(),
            display_name: "Tổ thẩm định (đo hiệu năng)".into(),
            role: Role::ProvinceAppraiser,
            agency_id: None,
            unit_id: None,
            password: PASSWORD.into(),
        })
        .await
        .expect("an appraiser");
    library.stop().await;
    filed
}

/// The arithmetic alone: each agency's self-assessed and appraised index from the models in
/// memory, and the group's ranking.
fn arithmetic(set: &CriteriaSet, filed: &Filed) -> Vec<(String, Points)> {
    let indexes: Vec<(String, Points)> = filed
        .iter()
        .map(|(agency, sent, appraisal)| {
            let filed = sent.marks();
            // The self-assessed index too, as each ranking row carries it.
            std::hint::black_box(par_index::index(set, &filed));
            let appraised = par_index::index(set, &appraisal.marks(&filed)).index;
            (agency.clone(), appraised)
        })
        .collect();
    let ranked = par_index::rank(&indexes);
    assert_eq!(ranked.len(), filed.len());
    indexes
}

/// The section.
pub(crate) async fn run(rows: &mut Vec<Row>, agencies: usize, runs: usize) {
    let runs = runs.max(1);
    let dir = tiendo_tests::data_dir();
    eprintln!("par: preparing {agencies} communes × 90 sub-criteria, sent and appraised");
    let mut filed = province(dir.path(), agencies).await;
    let set = set();

    // The reference: median of many runs of the arithmetic.
    let reference = |filed: &Filed| {
        let mut samples = Vec::new();
        let mut indexes = Vec::new();
        for _ in 0..(runs * 4).max(5) {
            let started = Instant::now();
            indexes = arithmetic(&set, filed);
            samples.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        (median(samples), indexes)
    };
    let (arith, expected) = reference(&filed);

    let start = || {
        let server = tiendo_tests::process::RealServer::start(
            dir.path(),
            "127.0.0.1:0",
            std::path::Path::new("/nonexistent"),
        );
        let token =
            tokio::task::block_in_place(|| tiendo_tests::login(&server.addr, APPRAISER, PASSWORD));
        (server, token)
    };
    // The ranking's bytes are read within the time; decoding them for the checks is not.
    let timed = |addr: &str, token: &str| {
        tokio::task::block_in_place(|| {
            let url = format!("http://{addr}/api/par/ranking/{SET}");
            let started = Instant::now();
            let (code, body) = tiendo_tests::get_bytes(&url, token);
            let took = started.elapsed().as_secs_f64() * 1000.0;
            assert_eq!(code, 200, "{}", String::from_utf8_lossy(&body));
            let ranking: Ranking = serde_json::from_slice(&body).expect("a ranking");
            (took, ranking, body.len())
        })
    };
    let check = |ranking: &Ranking, expected: &[(String, Points)]| {
        assert_eq!(ranking.rows.len(), expected.len(), "every commune ranked");
        for (agency, index) in expected {
            let row = ranking.rows.iter().find(|r| &r.agency_id == agency);
            assert_eq!(row.and_then(|r| r.index), Some(*index), "{agency}");
            assert!(row.is_some_and(|r| r.rank.is_some()), "{agency}");
        }
    };

    // The first ranking ever: every document read from its chunks and hydrated (its reading
    // then kept in SQLite). Then cold: the first request after a fresh `tiendo serve` over the
    // same data, nothing in memory, each document's reading read back from SQLite by its print.
    let (server, token) = start();
    let (first, ranking, bytes) = timed(&server.addr, &token);
    check(&ranking, &expected);
    server.stop();
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (server, token) = start();
        let (took, ranking, _) = timed(&server.addr, &token);
        check(&ranking, &expected);
        cold.push(took);
        for _ in 0..10 {
            warm.push(timed(&server.addr, &token).0);
        }
        server.kill();
    }

    // One change: the appraisal team adjusts one sub-criterion of one commune, then the ranking.
    let (server, token) = start();
    timed(&server.addr, &token);
    let code = set
        .scored()
        .find(|c| c.measured == Measured::SelfScored && matches!(c.rule, Rule::Range { .. }))
        .expect("a sub-criterion in steps")
        .code
        .clone();
    let mut changed = Vec::new();
    for i in 0..runs.max(5) {
        let k = i % filed.len();
        let points = 10 * (i as i32 % 11);
        let body = json!({
            "code": code,
            "comment": format!("Lần xem lại thứ {i}"),
            "adjusted": {"mark": {"kind": "score", "points": points}, "reason": "Bổ sung chưa đủ"},
        });
        let path = format!("/api/par/appraisals/{}/{YEAR}/review", filed[k].0);
        let (status, answer) = tokio::task::block_in_place(|| {
            tiendo_tests::request(&server.addr, "PUT", &path, Some(&token), Some(body))
        });
        assert_eq!(status, 200, "{answer}");
        let review = filed[k].2.rounds[0]
            .reviews
            .entry(code.clone())
            .or_default();
        review.adjusted = Some(Adjustment {
            mark: Mark::Score(Points(points)),
            reason: "Bổ sung chưa đủ".into(),
        });
        let (took, ranking, _) = timed(&server.addr, &token);
        check(&ranking, &arithmetic(&set, &filed));
        changed.push(took);
    }
    server.kill();

    let what = |s: &str| format!("PAR ranking, {agencies} communes × 90 sub-criteria: {s}");
    let row = |what: String, ours: f64| Row {
        section: "par",
        what,
        ours,
        reference: arith,
        reference_name: "par_index::index ×2 + rank, models in memory",
        unit: "ms",
    };
    rows.push(row(what("the first ever (nothing kept yet)"), first));
    rows.push(row(
        what(&format!(
            "cold after a restart (median of {runs}; target 1,000)"
        )),
        median(cold),
    ));
    rows.push(row(what("warm, nothing changed (median)"), median(warm)));
    rows.push(row(
        what(&format!(
            "after one appraisal change (median of {}; target 50)",
            changed.len()
        )),
        median(changed),
    ));
    rows.push(Row {
        section: "par",
        what: "  the ranking's answer".into(),
        ours: bytes as f64,
        reference: 0.0,
        reference_name: "—",
        unit: "B",
    });
}
