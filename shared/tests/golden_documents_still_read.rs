//! Golden documents: saved `.automerge` files of the documents earlier releases wrote (the seed
//! plan, its organisation and one unit's progress with a year of history), read by today's code
//! to the same model and the same status.
//!
//! The files under `fixtures/golden/v<N>/` never change. A release that changes a document's
//! shape adds a new directory (`cargo test -p tiendo-shared --test golden_documents_still_read --
//! --ignored` writes the current version's) and keeps every older one in this test.

use std::path::{Path, PathBuf};

use tiendo_shared::{Entry, Evidence, Org, PeriodKind, Plan, Progress, WorkStatus, doc, import};

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
fn a_year_of_progress(plan: &Plan) -> automerge::Automerge {
    let mut d = doc::create(&Progress::new(&plan.id, UNIT), Some("system"))
        .unwrap()
        .document()
        .clone();
    let tasks: Vec<_> = plan.tasks().map(|(_, t)| t.clone()).collect();
    for (i, task) in tasks.iter().enumerate() {
        for (n, period) in PeriodKind::ALL.into_iter().enumerate() {
            let author = if (i + n) % 3 == 0 { "minh" } else { "lan" };
            let done = (i + n) % 4 == 0;
            doc::update::<Progress, _>(&mut d, "progress", author, |p| {
                let e = p.entry_mut(&task.id, period);
                *e = Entry {
                    status: match (i + n) % 4 {
                        0 => WorkStatus::Done,
                        1 => WorkStatus::InProgress,
                        2 => WorkStatus::NotStarted,
                        _ => WorkStatus::Unable,
                    },
                    percent: if done { 100 } else { ((i * 7 + n * 13) % 100) as u8 },
                    result: format!("Kết quả {} kỳ {}", task.code, period.vi()),
                    evidence: if i % 5 == 0 {
                        vec![Evidence {
                            id: format!("e-{i}-{n}"),
                            number: format!("{}/BC-SKHCN", 10 + i),
                            date: Some(period.covers_until(2025)),
                            summary: "Báo cáo kết quả".into(),
                            file: None,
                        }]
                    } else {
                        Vec::new()
                    },
                    difficulties: if i % 7 == 0 { "Thiếu nhân lực".into() } else { String::new() },
                    proposals: String::new(),
                    completed_on: done.then(|| period.covers_until(2025)),
                };
            })
            .unwrap();
        }
        // A second save of the same entry, as when a form is corrected.
        if i % 3 == 0 {
            doc::update::<Progress, _>(&mut d, "progress", "lan", |p| {
                p.entry_mut(&task.id, PeriodKind::Q3).result.push_str(" (bổ sung)");
            })
            .unwrap();
        }
    }
    d
}

/// Writes the current version's golden files. Run by hand when a release changes a shape; the
/// files of earlier versions are never rewritten.
#[test]
#[ignore]
fn write_golden_fixtures() {
    let version = std::env::var("TIENDO_GOLDEN_VERSION").unwrap_or_else(|_| "v1".into());
    let dir = golden_dir(&version);
    assert!(!dir.exists(), "{} exists: golden files never change", dir.display());
    std::fs::create_dir_all(&dir).unwrap();
    let imp = import(tiendo_shared::SEED_PLAN).unwrap();
    let mut plan = doc::create(&imp.plan, Some("system")).unwrap();
    let mut org = doc::create(&imp.org, Some("system")).unwrap();
    let mut progress = a_year_of_progress(&imp.plan);
    std::fs::write(dir.join("plan.automerge"), plan.save()).unwrap();
    std::fs::write(dir.join("org.automerge"), org.save()).unwrap();
    std::fs::write(dir.join("progress.automerge"), progress.save()).unwrap();

    let plan: Plan = doc::read(&plan, "plan").unwrap();
    let org: Org = doc::read(&org, "org").unwrap();
    let progress: Progress = doc::read(&progress, "progress").unwrap();
    let agency = org.agency(&plan.agency_id).unwrap();
    let as_of = AS_OF.parse().unwrap();
    let status: Vec<_> = PeriodKind::ALL
        .into_iter()
        .map(|p| {
            tiendo_shared::status::summarize(&plan, agency, std::slice::from_ref(&progress), as_of, Some(p))
        })
        .collect();
    let expected = serde_json::json!({
        "plan": plan,
        "org": org,
        "progress": progress,
        "status": status,
    });
    std::fs::write(
        dir.join("expected.json"),
        serde_json::to_string_pretty(&expected).unwrap(),
    )
    .unwrap();
}
