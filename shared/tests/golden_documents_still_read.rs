//! Golden documents: saved `.automerge` files of the documents earlier releases wrote (the seed
//! plan, its organisation and one unit's progress with a year of history), read by today's code
//! to the same model and the same status. v1: progress at schema version 2; v2: version 3, with
//! evidence files named; v3: progress at version 4 and the plan at 3, with the Q1 report sent,
//! approved, returned, sent again and accepted, the office's texts and a configured deadline —
//! read to the same workflow state; v4: the organisation at version 3, with a unit merged into
//! another from 1 April and its successor renamed from 1 July (the status reads through them),
//! and the plan at 4, linked to a plan it replaces from 1 July; v5: the organisation at version 4
//! (dated in time), with a unit established from 1 July besides — before that day it does not
//! exist, and every older organisation reads as "valid since ever", keeping its figures — and
//! the plan at 5, continuing the year before's plan (two tasks matched to it) and revised from
//! 1 October (a task added, a lead and a timeline changed).
//!
//! The files under `fixtures/golden/v<N>/` never change. A release that changes a document's
//! shape adds a new directory (`cargo test -p tiendo-shared --test golden_documents_still_read --
//! --ignored` writes the current version's) and keeps every older one in this test.

use std::path::{Path, PathBuf};

use tiendo_shared::import::import;
use tiendo_shared::model::{
    Entry, Evidence, EvidenceFile, Org, PeriodKind, Plan, Progress, WorkStatus, doc,
};

/// The unit whose year of progress the fixture holds.
const UNIT: &str = "phong-hanh-chinh-tong-hop";
/// The day the expected status is computed for.
const AS_OF: &str = "2025-12-31";

fn golden_dir(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/golden")
        .join(version)
}

/// A year of reports on every task the unit leads or helps with, written as a tablet would:
/// one change per saved form, by two people.
fn a_year_of_progress(plan: &Plan, with_files: bool) -> automerge::Automerge {
    let mut d = doc::create(&Progress::new(&plan.id, UNIT), Some("system"), AT)
        .unwrap()
        .document()
        .clone();
    let tasks: Vec<_> = plan.tasks().map(|(_, t)| t.clone()).collect();
    for (i, task) in tasks.iter().enumerate() {
        for (n, period) in PeriodKind::ALL.into_iter().enumerate() {
            let author = if (i + n) % 3 == 0 { "minh" } else { "lan" };
            let done = (i + n) % 4 == 0;
            doc::update::<Progress, _>(&mut d, author, AT, |p| {
                let e = p.entry_mut(&task.id, period);
                *e = Entry {
                    status: match (i + n) % 4 {
                        0 => WorkStatus::Done,
                        1 => WorkStatus::InProgress,
                        2 => WorkStatus::NotStarted,
                        _ => WorkStatus::Unable,
                    },
                    percent: if done {
                        100
                    } else {
                        ((i * 7 + n * 13) % 100) as u8
                    },
                    result: format!("Kết quả {} kỳ {}", task.code, period.vi()),
                    evidence: if i % 5 == 0 {
                        vec![Evidence {
                            id: format!("e-{i}-{n}"),
                            number: format!("{}/BC-SKHCN", 10 + i),
                            date: Some(period.covers_until(2025)),
                            summary: "Báo cáo kết quả".into(),
                            file: None,
                            // From v2: every other evidence item names its scan.
                            files: if with_files && i % 10 == 0 {
                                vec![EvidenceFile {
                                    sha256: format!("{:064x}", i * 4 + n),
                                    name: format!("{}-BC-SKHCN.pdf", 10 + i),
                                    mime: "application/pdf".into(),
                                    size: 120_000 + i as u64,
                                    added_by: author.into(),
                                    added_at: AT.0,
                                }]
                            } else {
                                Vec::new()
                            },
                        }]
                    } else {
                        Vec::new()
                    },
                    difficulties: if i % 7 == 0 {
                        "Thiếu nhân lực".into()
                    } else {
                        String::new()
                    },
                    proposals: String::new(),
                    completed_on: done.then(|| period.covers_until(2025)),
                };
            })
            .unwrap();
        }
        // A second save of the same entry, as when a form is corrected.
        if i % 3 == 0 {
            doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
                p.entry_mut(&task.id, PeriodKind::Q3)
                    .result
                    .push_str(" (bổ sung)");
            })
            .unwrap();
        }
    }
    d
}

/// The Q1 report's way through the workflow (from v3): the unit sends, its head approves, the
/// office returns it with a note, the unit sends again (the head's own: approved by it), the
/// office accepts; the office writes part I and moves the unit deadline.
fn reporting_year(plan: &mut automerge::Automerge, progress: &mut automerge::Automerge) {
    use tiendo_shared::model::role::Role;
    use tiendo_shared::workflow::{self, Action, Configured, Step};
    let at = AT.0 * 1000;
    let q1 = PeriodKind::Q1;
    let s1 = workflow::take_unit_step(
        progress,
        q1,
        Step::new("s1", Action::Submit, "lan", Role::UnitEditor, at, ""),
    )
    .unwrap();
    workflow::take_unit_step(
        progress,
        q1,
        Step::new(
            "a1",
            Action::Approve,
            "minh",
            Role::UnitHead,
            at + 1000,
            "s1",
        ),
    )
    .unwrap();
    let mut ret = Step::new(
        "r1",
        Action::Return,
        "vp",
        Role::AgencyAdmin,
        at + 2000,
        "s1",
    );
    ret.heads = s1.heads.clone();
    ret.note = "Bổ sung số liệu".into();
    workflow::take_office_step(plan, UNIT, q1, &ret).unwrap();
    let s2 = workflow::take_unit_step(
        progress,
        q1,
        Step::new("s2", Action::Submit, "minh", Role::UnitHead, at + 3000, ""),
    )
    .unwrap();
    let mut acc = Step::new(
        "k2",
        Action::Accept,
        "vp",
        Role::AgencyAdmin,
        at + 4000,
        "s2",
    );
    acc.heads = s2.heads;
    workflow::take_office_step(plan, UNIT, q1, &acc).unwrap();
    tiendo_shared::views::report::texts::write(
        plan,
        "vp",
        AT,
        q1,
        &tiendo_shared::views::report::PartTexts {
            direction: "Giám đốc Sở ban hành Chỉ thị số 01/CT-SKHCN".into(),
            ..Default::default()
        },
    )
    .unwrap();
    workflow::configure(
        plan,
        "vp",
        AT,
        q1,
        &Configured {
            unit: Some("2025-03-05".parse().unwrap()),
            agency: None,
        },
    )
    .unwrap();
}

/// What the workflow of a plan and progress document reads to: the Q1 state, the office's
/// texts and the configured deadline.
fn workflow_of<D: automerge::ReadDoc>(plan: &D, progress: &D) -> serde_json::Value {
    use tiendo_shared::workflow;
    let q1 = PeriodKind::Q1;
    let state = workflow::derive(
        &workflow::unit_steps(progress, q1),
        &workflow::office_steps(plan, UNIT, q1),
        &Default::default(),
    );
    serde_json::json!({
        "state": state,
        "texts": tiendo_shared::views::report::texts::read(plan, q1),
        "configured": workflow::configured(plan, q1),
    })
}

fn plan_doc_of(dir: &Path) -> automerge::AutoCommit {
    doc::load(&std::fs::read(dir.join("plan.automerge")).unwrap()).unwrap()
}

fn progress_doc_of(dir: &Path) -> automerge::AutoCommit {
    doc::load(&std::fs::read(dir.join("progress.automerge")).unwrap()).unwrap()
}

/// The organisation's changes (from v4): a unit merged into another from 1 April, its successor
/// renamed from 1 July.
fn organisation_changes(org: &mut automerge::Automerge) {
    use tiendo_shared::model::lineage::{AccountFate, Basis, Operation, Recorded, record};
    let basis = Basis {
        number: "Quyết định số 45/QĐ-SKHCN".into(),
        date: Some("2025-03-25".parse().unwrap()),
    };
    for (i, (op, on)) in [
        (
            Operation::Merge {
                unit: "phong-quan-ly-tieu-chuan-do-luong-chat-luong".into(),
                into: "phong-quan-ly-cong-nghe-va-chuyen-nganh".into(),
                accounts: AccountFate::Move,
            },
            "2025-04-01",
        ),
        (
            Operation::Rename {
                unit: "phong-quan-ly-cong-nghe-va-chuyen-nganh".into(),
                name: "Phòng Quản lý Công nghệ và Đổi mới sáng tạo".into(),
            },
            "2025-07-01",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let rec = Recorded {
            id: format!("golden-{i}"),
            by: UNIT.into(),
            at: (AT.0 + i as i64) * 1000,
        };
        record(
            org,
            "so-khoa-hoc-va-cong-nghe",
            &op,
            on.parse().unwrap(),
            basis.clone(),
            &rec,
        )
        .unwrap();
    }
}

/// The unit established from 1 July (from v5).
fn established_unit(org: &mut automerge::Automerge) {
    use tiendo_shared::model::lineage::{Basis, Operation, Recorded, record};
    let rec = Recorded {
        id: "golden-establish".into(),
        by: UNIT.into(),
        at: (AT.0 + 9) * 1000,
    };
    let op = Operation::Establish {
        unit: ESTABLISHED.into(),
        name: "Phòng Pháp chế".into(),
    };
    let basis = Basis {
        number: "Quyết định số 60/QĐ-SKHCN".into(),
        date: Some("2025-06-20".parse().unwrap()),
    };
    record(
        org,
        "so-khoa-hoc-va-cong-nghe",
        &op,
        "2025-07-01".parse().unwrap(),
        basis,
        &rec,
    )
    .unwrap();
}

/// The unit established from 1 July in v5.
const ESTABLISHED: &str = "phong-phap-che";

/// Writes the current version's golden files. Run by hand when a release changes a shape; the
/// files of earlier versions are never rewritten.
/// What the plan records from v5: the plan of the year before it continues and a mid-year
/// revision.
fn next_year_and_revision(plan_doc: &mut automerge::Automerge) {
    use tiendo_shared::model::previous::{Continued, How, Previous};
    let previous = Previous {
        plan_id: "kh-cchc-2024-so-khoa-hoc-va-cong-nghe".into(),
        drafted: false,
        tasks: vec![
            Continued {
                task_id: "t1-a".into(),
                previous_task: "t1-a".into(),
                how: How::SameTitle,
            },
            Continued {
                task_id: "t2-a".into(),
                previous_task: "t2-b".into(),
                how: How::SimilarTitle,
            },
        ],
        by: "office".into(),
    };
    tiendo_shared::model::previous::record(plan_doc, &previous, AT.0 * 1000).unwrap();
    let mut plan: Plan = doc::read(&*plan_doc).unwrap();
    let org = import(tiendo_shared::fixtures::SEED_PLAN).unwrap().org;
    let request = tiendo_shared::edit::revise::Request {
        from: Some("2025-10-01".parse().unwrap()),
        basis_number: "Kế hoạch số 120/KH-SKHCN".into(),
        basis_date: Some("2025-09-25".parse().unwrap()),
        add: vec![(
            4,
            tiendo_shared::edit::maintain::TaskDraft {
                title: "Rà soát quy chế làm việc sau sắp xếp".into(),
                lead: "Phòng Hành chính - Tổng hợp".into(),
                timeline: "Quý IV năm 2025".into(),
                ..Default::default()
            },
        )],
        lead: vec![("t2-a".into(), "Thanh tra Sở".into())],
        timeline: vec![("t1-b".into(), "Quý IV năm 2025".into())],
    };
    let (revision, _) = tiendo_shared::edit::revise::revise(
        &mut plan,
        &org.agencies[0],
        &request,
        ("golden-revision", "office", AT.0 * 1000),
    )
    .unwrap();
    doc::update::<Plan, _>(plan_doc, "office", AT, |p| *p = plan.clone()).unwrap();
    tiendo_shared::model::revision::record(plan_doc, &revision).unwrap();
}

#[test]
#[ignore]
fn write_golden_fixtures() {
    let version = std::env::var("TIENDO_GOLDEN_VERSION").unwrap_or_else(|_| "v1".into());
    let dir = golden_dir(&version);
    assert!(
        !dir.exists(),
        "{} exists: golden files never change",
        dir.display()
    );
    std::fs::create_dir_all(&dir).unwrap();
    let imp = import(tiendo_shared::fixtures::SEED_PLAN).unwrap();
    let mut plan = doc::create(&imp.plan, Some("system"), AT).unwrap();
    let mut org = doc::create(&imp.org, Some("system"), AT).unwrap();
    let mut progress = a_year_of_progress(&imp.plan, version != "v1");
    let workflow = !matches!(version.as_str(), "v1" | "v2");
    if workflow {
        let mut plan_doc = plan.document().clone();
        reporting_year(&mut plan_doc, &mut progress);
        plan = doc::load(&plan_doc.save()).unwrap();
    }
    if !matches!(version.as_str(), "v1" | "v2" | "v3") {
        let mut org_doc = org.document().clone();
        organisation_changes(&mut org_doc);
        if version != "v4" {
            established_unit(&mut org_doc);
        }
        org = doc::load(&org_doc.save()).unwrap();
        let mut plan_doc = plan.document().clone();
        let link = tiendo_shared::model::links::PlanLink {
            id: "golden-link".into(),
            kind: tiendo_shared::model::links::LinkKind::Replaces,
            plan_id: "kh-cchc-2025-truoc".into(),
            from: "2025-07-01".parse().unwrap(),
            basis: tiendo_shared::model::lineage::Basis {
                number: "Kế hoạch số 99/KH-SKHCN".into(),
                date: None,
            },
            by: UNIT.into(),
        };
        tiendo_shared::model::links::record(&mut plan_doc, &link, AT.0 * 1000).unwrap();
        plan = doc::load(&plan_doc.save()).unwrap();
    }
    if !matches!(version.as_str(), "v1" | "v2" | "v3" | "v4") {
        let mut plan_doc = plan.document().clone();
        next_year_and_revision(&mut plan_doc);
        plan = doc::load(&plan_doc.save()).unwrap();
    }
    std::fs::write(dir.join("plan.automerge"), plan.save()).unwrap();
    std::fs::write(dir.join("org.automerge"), org.save()).unwrap();
    std::fs::write(dir.join("progress.automerge"), progress.save()).unwrap();

    let plan: Plan = doc::read(&plan).unwrap();
    let org: Org = doc::read(&org).unwrap();
    let progress: Progress = doc::read(&progress).unwrap();
    let agency = org.agency(&plan.agency_id).unwrap();
    let as_of = AS_OF.parse().unwrap();
    let status: Vec<_> = PeriodKind::ALL
        .into_iter()
        .map(|p| {
            tiendo_shared::views::status::summarize(
                &plan,
                agency,
                std::slice::from_ref(&progress),
                as_of,
                Some(p),
            )
        })
        .collect();
    let mut expected = serde_json::json!({
        "plan": plan,
        "org": org,
        "progress": progress,
        "status": status,
    });
    if workflow {
        expected["workflow"] =
            serde_json::to_value(workflow_of(&plan_doc_of(&dir), &progress_doc_of(&dir))).unwrap();
    }
    std::fs::write(
        dir.join("expected.json"),
        serde_json::to_string_pretty(&expected).unwrap(),
    )
    .unwrap();
}

fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value::*;
    match (a, b) {
        (Number(x), Number(y)) => (x.as_f64().unwrap() - y.as_f64().unwrap()).abs() < 1e-12,
        (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Object(x), Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn load(version: &str, name: &str) -> automerge::AutoCommit {
    let path = golden_dir(version).join(name);
    doc::load(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn expected<T: serde::de::DeserializeOwned>(version: &str, key: &str) -> T {
    let text = std::fs::read_to_string(golden_dir(version).join("expected.json")).unwrap();
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    serde_json::from_value(all[key].clone()).unwrap()
}

#[test]
fn documents_of_every_earlier_version_read_to_the_same_model_and_status() {
    for version in ["v1", "v2", "v3", "v4", "v5"] {
        let plan_doc = load(version, "plan.automerge");
        let org_doc = load(version, "org.automerge");
        let progress_doc = load(version, "progress.automerge");
        let plan: Plan = doc::read(&plan_doc).unwrap();
        let org: Org = doc::read(&org_doc).unwrap();
        let progress: Progress = doc::read(&progress_doc).unwrap();
        assert_eq!(plan, expected::<Plan>(version, "plan"), "{version} plan");
        assert_eq!(org, expected::<Org>(version, "org"), "{version} org");
        assert_eq!(
            progress,
            expected::<Progress>(version, "progress"),
            "{version} progress"
        );
        assert!(progress.unreadable.is_empty());

        let agency = org.agency(&plan.agency_id).unwrap();
        // Compared as JSON values, rates to 1e-12 (JSON text does not round-trip every float bit).
        let statuses: Vec<serde_json::Value> = expected(version, "status");
        for (period, want) in PeriodKind::ALL.into_iter().zip(statuses) {
            let got = tiendo_shared::views::status::summarize(
                &plan,
                agency,
                std::slice::from_ref(&progress),
                AS_OF.parse().unwrap(),
                Some(period),
            );
            let got = serde_json::to_value(&got).unwrap();
            for key in ["headline", "by_area", "by_unit", "tasks", "problems"] {
                assert!(
                    same(&got[key], &want[key]),
                    "{version} status {period:?}: {key} differs"
                );
            }
        }
        // From v4 the organisation holds its changes: a merge and a rename.
        let changes = &org.agencies[0].changes;
        if version == "v5" {
            assert_eq!(plan.previous.as_ref().unwrap().tasks.len(), 2);
            assert_eq!(plan.revisions.len(), 1);
            assert_eq!(plan.revisions[0].changes.len(), 3);
        } else {
            assert_eq!(plan.previous, None, "{version}");
            assert!(plan.revisions.is_empty(), "{version}");
        }
        if version == "v4" || version == "v5" {
            assert_eq!(
                changes.len(),
                if version == "v4" { 2 } else { 3 },
                "{version}"
            );
            assert_eq!(
                changes[0].kind,
                tiendo_shared::model::lineage::ChangeKind::Merge
            );
            assert_eq!(plan.links.len(), 1, "{version}");
            // Dated in time from v5: the established unit exists from its day, not before;
            // before v5 every unit exists since ever.
            let lineage = agency.lineage();
            let day = |s: &str| s.parse::<tiendo_shared::model::Date>().unwrap();
            let exists = |d: &str| agency.on(day(d)).unit(ESTABLISHED).is_some();
            if version == "v5" {
                assert!(!exists("2025-06-30") && exists("2025-07-01"));
                assert!(!lineage.valid(ESTABLISHED, day("2025-06-30")));
            } else {
                assert!(agency.unit(ESTABLISHED).is_none());
                assert!(
                    agency
                        .on(day("2025-01-01"))
                        .unit("phong-hanh-chinh-tong-hop")
                        .is_some()
                );
            }
        } else {
            assert!(changes.is_empty(), "{version}");
            assert!(plan.links.is_empty(), "{version}");
        }
        // From v3 the Q1 report's workflow reads to the same state; before, there is none.
        let workflow = workflow_of(&plan_doc, &progress_doc);
        if version == "v1" || version == "v2" {
            assert_eq!(workflow["state"]["phase"], "draft", "{version}");
            assert!(workflow["state"]["history"].as_array().unwrap().is_empty());
        } else {
            let want: serde_json::Value = expected(version, "workflow");
            assert_eq!(workflow, want, "{version} workflow");
            assert_eq!(want["state"]["phase"], "accepted");
            assert_eq!(
                want["state"]["returns"][0]["step"]["note"],
                "Bổ sung số liệu"
            );
        }
        for (d, kind) in [
            (&plan_doc, tiendo_shared::model::DocKind::Plan),
            (&org_doc, tiendo_shared::model::DocKind::Org),
            (&progress_doc, tiendo_shared::model::DocKind::Progress),
        ] {
            let c = tiendo_shared::model::schema::contract(d, kind);
            assert!(!c.newer, "{version} {kind}: {c:?}");
            assert!(c.version <= kind.current());
        }
    }
}

#[test]
fn an_edit_of_an_unversioned_document_stamps_the_current_version_and_keeps_the_rest() {
    let mut d = load("v1", "progress.automerge").document().clone();
    assert_eq!(tiendo_shared::model::schema::version_of(&d), 1);
    let before: Progress = doc::read(&d).unwrap();
    let task = before.tasks.keys().next().unwrap().clone();
    doc::update::<Progress, _>(&mut d, "lan", AT, |p| {
        p.entry_mut(&task, PeriodKind::Year).percent = 99;
    })
    .unwrap();
    assert_eq!(
        tiendo_shared::model::schema::version_of(&d),
        tiendo_shared::model::DocKind::Progress.current()
    );
    let mut after: Progress = doc::read(&d).unwrap();
    assert_eq!(after.entry(&task, PeriodKind::Year).unwrap().percent, 99);
    after.entry_mut(&task, PeriodKind::Year).percent =
        before.entry(&task, PeriodKind::Year).unwrap().percent;
    assert_eq!(after, before);
}

/// When the test's changes are made (1 July 2025, 00:00 UTC): `shared` reads no clock.
const AT: tiendo_shared::model::doc::UnixTime = tiendo_shared::model::doc::UnixTime(1_751_328_000);
