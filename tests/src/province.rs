//! A province on one server, for the throughput and cold-status benchmarks and the province
//! tests: synthetic agencies (the seed plan — or, for the tests, any of the importer's real
//! layouts, [`LAYOUTS`] — under new ids, its units plus generic ones up to the wanted count), one
//! unit-editor account per unit and an agency-admin account (the central office) per agency,
//! signed in, and optionally a year of progress in every unit's document.
//!
//! Stage: *test and benchmark set-up*; it writes through the server library (the path `tiendo
//! import` and `tiendo user add` take): into a running server's library ([`add_agency`]) or into
//! a data directory that a real `tiendo serve` then opens ([`province`]).

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::str::FromStr;

use futures::StreamExt;
use tiendo_server::config::Config;
use tiendo_server::domain::accounts::{Accounts, NewUser, Role};
use tiendo_server::domain::library::Library;
use tiendo_shared::import::Imported;
use tiendo_shared::model::progress::Entry;
use tiendo_shared::model::{PeriodKind, Unit, WorkStatus};

const PASSWORD: &str = "mat-khau-do-hieu-nang";

/// One unit as the benchmark drives it.
pub struct UnitSeat {
    /// Its progress document.
    pub doc: String,
    /// A session of its unit editor.
    pub token: String,
    /// The document's content as created (for the reference server).
    pub saved: Vec<u8>,
}

/// One synthetic agency.
pub struct AgencySeat {
    /// The plan id.
    pub plan_id: String,
    /// The plan document.
    pub plan_doc: String,
    /// The plan document's content (for the reference server).
    pub plan_saved: Vec<u8>,
    /// A session of its central office (agency admin).
    pub office_token: String,
    pub units: Vec<UnitSeat>,
}

/// The plan layouts a synthetic province is built from: the seed (a Sở's plan, the benchmark's
/// one) and the importer's other real layouts — a commune's plan, bullets with inline labels,
/// nested numbering, a pipe table, a tab-separated annex.
pub const LAYOUTS: [&str; 6] = [
    tiendo_server::SEED_PLAN,
    include_str!("../../shared/tests/fixtures/ke-hoach-ubnd-xa-mau.txt"),
    include_str!("../../shared/tests/fixtures/layouts/bullets-with-labels.txt"),
    include_str!("../../shared/tests/fixtures/layouts/nested-numbering.txt"),
    include_str!("../../shared/tests/fixtures/layouts/pipe-table.txt"),
    include_str!("../../shared/tests/fixtures/layouts/tab-annex.txt"),
];

/// The seed plan re-issued by synthetic agency `k` with `units` units.
pub fn synthetic_agency(k: usize, units: usize) -> Imported {
    synthetic_agency_from(k, units, tiendo_server::SEED_PLAN)
}

/// The plan `text` re-issued by synthetic agency `k` with at least `units` units: a sở, a xã, a
/// phường or a đặc khu by turns (`k % 4`), its first unit its central office when the plan names
/// none.
pub fn synthetic_agency_from(k: usize, units: usize, text: &str) -> Imported {
    use tiendo_shared::model::org::AgencyKind;
    let mut imported = tiendo_shared::import::import(text).expect("the layout imports");
    let old = imported.plan.agency_id.clone();
    let id = format!("co-quan-thu-{k:03}");
    imported.plan.id = format!("kh-cchc-2025-{id}");
    imported.plan.agency_id = id.clone();
    imported.org.agencies.retain(|a| a.id == old);
    let agency = &mut imported.org.agencies[0];
    agency.id = id;
    (agency.name, agency.kind) = match k % 4 {
        0 => (format!("Cơ quan thử {k}"), AgencyKind::Department),
        1 => (format!("UBND xã Thử {k}"), AgencyKind::Commune),
        2 => (format!("UBND phường Thử {k}"), AgencyKind::Commune),
        _ => (format!("UBND đặc khu Thử {k}"), AgencyKind::Other),
    };
    if agency.central_office.is_none() {
        agency.central_office = agency.units.first().map(|u| u.id.clone());
    }
    let mut n = 1;
    while agency.units.len() < units {
        agency
            .units
            .push(Unit::named(&format!("Phòng Nghiệp vụ {n}")));
        n += 1;
    }
    imported
}

/// A unit's year: `changes` edits spread over `tasks` × 4 periods, each its own change authored
/// by `author`, as the typed model writes them (the edited entry reconciled in place: the same
/// operations as a read-modify-write of the whole document, without re-reading it each time).
pub fn year_of_history(
    doc: &mut automerge::Automerge,
    author: &str,
    tasks: &[String],
    changes: usize,
) {
    use automerge::transaction::Transactable;
    use automerge::{ObjType, ROOT, ReadDoc, Value};

    fn map_at(
        tx: &mut automerge::transaction::Transaction<'_>,
        obj: &automerge::ObjId,
        key: &str,
    ) -> automerge::ObjId {
        match tx.get(obj, key) {
            Ok(Some((Value::Object(ObjType::Map), id))) => id,
            _ => tx.put_object(obj, key, ObjType::Map).expect("map"),
        }
    }
    doc.set_author(Some(tiendo_shared::model::doc::author_for(author)));
    for k in 0..changes {
        let task = &tasks[k % tasks.len()];
        let period = PeriodKind::ALL[(k / tasks.len()) % 4];
        let mut tx = doc.transaction();
        let all = map_at(&mut tx, &ROOT, "tasks");
        let this = map_at(&mut tx, &all, task);
        let mut entry: Entry = match tx.get(&this, period.as_str()) {
            Ok(Some(_)) => {
                autosurgeon::hydrate_prop(&tx, &this, period.as_str()).expect("entry hydrates")
            }
            _ => Entry::default(),
        };
        entry.status = WorkStatus::InProgress;
        entry.percent = (k % 100) as u8;
        entry.result = format!("Kết quả thực hiện lần {k}");
        autosurgeon::reconcile_prop(&mut tx, &this, period.as_str(), &entry).expect("reconciles");
        tx.commit_with(tiendo_shared::model::doc::commit_options(
            tiendo_shared::model::doc::UnixTime(tiendo_server::unix_now()),
        ));
    }
}

/// Adds synthetic agency `k` of `units` units to `library`, with `history` changes in every
/// unit's progress document, and signs its accounts in.
pub async fn add_agency(library: &Library, k: usize, units: usize, history: usize) -> AgencySeat {
    add_agency_from(library, k, units, history, tiendo_server::SEED_PLAN).await
}

/// [`add_agency`] with the plan `text` (one of [`LAYOUTS`]).
pub async fn add_agency_from(
    library: &Library,
    k: usize,
    units: usize,
    history: usize,
    text: &str,
) -> AgencySeat {
    let accounts = Accounts::new(
        library.store().clone(),
        Config::default().session_lifetime(),
    );
    let imported = synthetic_agency_from(k, units, text);
    let agency = imported.agency().clone();
    let tasks: Vec<String> = imported.plan.tasks().map(|(_, t)| t.id.clone()).collect();
    let report = library
        .import(imported, "test")
        .await
        .expect("synthetic agency imports");
    let office_unit = agency.central_office.clone().expect("a central office");

    // Accounts: hashing is the slow part; two at a time (two cores).
    let mut people: Vec<(String, Role, String)> = report
        .progress_docs
        .iter()
        .enumerate()
        .map(|(j, (unit, _))| (format!("cq{k}-dv{j}"), Role::UnitEditor, unit.clone()))
        .collect();
    people.push((format!("cq{k}-tonghop"), Role::AgencyAdmin, office_unit));
    let tokens: Vec<String> = futures::stream::iter(people)
        .map(|(username, role, unit)| {
            let (store, accounts, agency_id) =
                (library.store().clone(), accounts.clone(), agency.id.clone());
            async move {
                store
                    .add_user(NewUser {
                        username: username.clone(),
                        display_name: username.clone(),
                        role,
                        agency_id: Some(agency_id),
                        unit_id: Some(unit),
                        password: PASSWORD.into(),
                    })
                    .await
                    .expect("account");
                accounts
                    .login(&username, PASSWORD, IpAddr::V4(Ipv4Addr::LOCALHOST))
                    .await
                    .expect("signs in")
                    .token
            }
        })
        .buffered(2)
        .collect()
        .await;

    let mut seats = Vec::new();
    for ((_, doc), token) in report.progress_docs.iter().zip(&tokens) {
        let handle = library
            .repo()
            .find(samod::DocumentId::from_str(doc).expect("id"))
            .await
            .expect("repo")
            .expect("stored");
        let saved = handle.with_document(|d| {
            let saved = d.save();
            if history > 0 {
                year_of_history(d, "bench", &tasks, history);
            }
            saved
        });
        seats.push(UnitSeat {
            doc: doc.clone(),
            token: token.clone(),
            saved,
        });
    }
    let plan_saved = library
        .repo()
        .find(samod::DocumentId::from_str(&report.plan_doc).expect("id"))
        .await
        .expect("repo")
        .expect("stored")
        .with_document(|d| d.save());
    AgencySeat {
        plan_id: report.plan_id.clone(),
        plan_doc: report.plan_doc.clone(),
        plan_saved,
        office_token: tokens.last().expect("office").clone(),
        units: seats,
    }
}

/// Writes `agencies` synthetic agencies of `units` units into the data directory `dir` (which
/// then also holds the seed plan and its demo accounts, as on a first start), with `history`
/// changes in every unit's progress document, and signs every account in.
pub async fn province(
    dir: &Path,
    agencies: usize,
    units: usize,
    history: usize,
) -> Vec<AgencySeat> {
    let config = Config {
        data_dir: dir.to_path_buf(),
        store: crate::stores::store_setting(dir),
        ..Config::default()
    };
    let (library, _) = tiendo_server::open(&config).await.expect("data dir opens");
    let mut out = Vec::new();
    for k in 0..agencies {
        out.push(add_agency(&library, k, units, history).await);
    }
    library.stop().await;
    out
}

/// Copies the data directory `from` (a stopped server's) to `to`, with its store.
pub fn copy_data(from: &Path, to: &Path) {
    crate::stores::copy_store(from, to);
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("data dir") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}
