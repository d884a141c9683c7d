//! `bench`: Tiến độ's figures beside their references, measured in one run and printed as a
//! table (and written as JSON for tracking). Benchmarks, not tests: nothing here asserts a time.
//!
//! ```sh
//! bash scripts/bench all [--json FILE]            # builds what it needs, then runs this
//! bash scripts/bench wire | status | par | throughput | bundle | files | carry | hostile
//! bash scripts/bench throughput --clients 50,200 --window 10
//! ```
//!
//! - `wire`: bytes on the wire for one small edit after a year of history, against the
//!   automerge sync protocol between two in-memory documents (the floor) and against
//!   re-sending the document as JSON; a new tablet's first sync (raw and gzip); a reconnect with
//!   nothing new after 500 and after 5,000 changes.
//! - `status`: `shared::status` over synthetic national-scale data on one core (time, memory),
//!   against just decoding the same progress from JSON; the server's status endpoint for one
//!   agency of 20 units, its documents loaded cold from SQLite, against the same request warm.
//! - `par` ([`par`]): the province's PAR-index ranking over 130 communes × 90 sub-criteria,
//!   each sent and appraised — the first ever, cold after a restart, warm, after one appraisal
//!   change — against the arithmetic alone (`par_index::index` and `rank` over the same models
//!   in memory).
//! - `throughput` ([`throughput`]): C tablets against `tiendo serve` and against the reference
//!   automerge-repo sync server under node.
//! - `bundle` ([`bundle`]): the client's download size and its offline cold start in Chromium.
//! - `files` ([`files`]): an evidence file's resumable upload on a weak link against one request.
//! - `hostile` ([`hostile`]): each attack of issue 34 (zip bombs, a huge sheet, a sync
//!   compression bomb, slow bodies, parallel wrong logins, an unreadable organisation value)
//!   against the real server: its peak memory, `/api/health`'s p99 and an honest tablet's edit
//!   → acknowledged p99 meanwhile; the memory left 30 s after.
//! - `carry` ([`carry`]): bundle files carried by hand — a unit's year as a bundle against its
//!   saved size; a new tablet's first sync after a starter bundle against one from nothing, on
//!   an emulated Slow 3G link.
//!
//! Stage: *measurement*, over the real server (loopback), the real sync client and the pure
//! computations.

mod bundle;
mod carry;
mod files;
mod hostile;
mod par;
mod throughput;

use std::io::Write;
use std::time::{Duration, Instant};

use automerge::sync::{Message, State, SyncDoc};
use serde_json::json;
use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::{SyncClient, TestServer, data_dir, edit, own_progress};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";

/// How big each section's work is: the benchmark's sizes, or the smoke run's (`--smoke`: tiny,
/// seconds each — it proves every section still runs and prints its rows, in the test command).
#[derive(Clone, Copy)]
pub(crate) struct Sizes {
    /// Agencies of `status_at_scale`.
    pub(crate) agencies_at_scale: usize,
    /// `status_endpoint`: units of the agency, changes per unit.
    pub(crate) endpoint: (usize, usize),
    /// `province_rollup`: agencies, units each, changes per unit.
    pub(crate) rollup: (usize, usize, usize),
    /// `wire`: the two histories a reconnect is measured after (the edit after the first).
    pub(crate) wire: [usize; 2],
    /// `par`: the communes ranked.
    pub(crate) par_agencies: usize,
    /// `files`: the evidence file's size.
    pub(crate) file_bytes: usize,
    /// `carry`: the edits of the unit's year.
    pub(crate) carry_edits: usize,
    /// `hostile`: the attacks' sizes.
    pub(crate) hostile: hostile::Sizes,
}

impl Sizes {
    const FULL: Sizes = Sizes {
        agencies_at_scale: 34 * 40,
        endpoint: (20, 500),
        rollup: (130, 8, 50),
        wire: [500, 5_000],
        par_agencies: 130,
        file_bytes: 5 * 1024 * 1024,
        carry_edits: 400,
        hostile: hostile::Sizes::FULL,
    };
    const SMOKE: Sizes = Sizes {
        agencies_at_scale: 4,
        endpoint: (3, 20),
        rollup: (3, 2, 5),
        wire: [20, 40],
        par_agencies: 3,
        file_bytes: 300 * 1024,
        carry_edits: 12,
        hostile: hostile::Sizes::SMOKE,
    };
}

/// `n` with thousands separated by commas, as the table prints sizes.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One row of the table.
pub(crate) struct Row {
    pub(crate) section: &'static str,
    pub(crate) what: String,
    pub(crate) ours: f64,
    pub(crate) reference: f64,
    pub(crate) reference_name: &'static str,
    pub(crate) unit: &'static str,
}

/// The gzip size of `bytes` at `level` (0–9).
pub(crate) fn gzip_len(bytes: &[u8], level: u32) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip").len()
}

/// The median of `v` (the upper one of an even count).
pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs the automerge sync protocol between two documents until neither has anything to say;
/// the bytes of every message.
fn sync_pair(a: &mut automerge::Automerge, b: &mut automerge::Automerge) -> (usize, usize) {
    let (mut sa, mut sb) = (State::new(), State::new());
    sync_with(a, b, &mut sa, &mut sb)
}

fn sync_with(
    a: &mut automerge::Automerge,
    b: &mut automerge::Automerge,
    sa: &mut State,
    sb: &mut State,
) -> (usize, usize) {
    let (mut bytes, mut messages) = (0, 0);
    loop {
        let there = pass(a, b, sa, sb);
        let back = pass(b, a, sb, sa);
        if there.is_none() && back.is_none() {
            return (bytes, messages);
        }
        for n in [there, back].into_iter().flatten() {
            bytes += n;
            messages += 1;
        }
    }
}

/// One sync message from `from` to `to`, if `from` has anything to say; its encoded size.
fn pass(
    from: &mut automerge::Automerge,
    to: &mut automerge::Automerge,
    s_from: &mut State,
    s_to: &mut State,
) -> Option<usize> {
    let enc = from.generate_sync_message(s_from)?.encode();
    to.receive_sync_message(s_to, Message::decode(&enc).expect("decode"))
        .expect("receive");
    Some(enc.len())
}

/// Waits (up to 10 minutes: a long history on a busy machine) until the server has every change
/// the client has of `doc`.
async fn acknowledged(client: &SyncClient, doc: &samod::DocHandle) {
    tokio::time::timeout(
        Duration::from_secs(600),
        doc.they_have_our_changes(client.connection()),
    )
    .await
    .expect("the server acknowledged the history");
}

/// Waits until traffic has been quiet for 300 ms; the bytes both ways.
async fn settled(client: &SyncClient) -> usize {
    let mut last = client.traffic.bytes();
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = client.traffic.bytes();
        if now == last {
            return now.0 + now.1;
        }
        last = now;
    }
}

async fn wire(rows: &mut Vec<Row>, sizes: Sizes) {
    let dir = data_dir();
    let server = tokio::task::block_in_place(|| TestServer::start(dir.path()));
    let token = tokio::task::block_in_place(|| server.login_demo(OFFICE));
    let user = server.demo_username(OFFICE);
    let addr = server.addr.to_string();
    let (_, doc_id) = tokio::task::block_in_place(|| own_progress(&addr, &token));

    for (i, history) in sizes.wire.into_iter().enumerate() {
        let label = thousands(history);
        let mut client = SyncClient::new(&format!("bench-{history}")).await;
        client.connect(server.sync_url(), &token).await;
        let doc = client.find(&doc_id).await.expect("own progress");
        // The history, as the tablet made it: 60 tasks × 4 periods.
        doc.with_document(|d| {
            let already = d.get_changes(&[]).len();
            let tasks: Vec<String> = (0..60).map(|t| format!("t{t}")).collect();
            tiendo_tests::province::year_of_history(
                d,
                &user,
                &tasks,
                history.saturating_sub(already),
            );
        });
        acknowledged(&client, &doc).await;
        settled(&client).await;

        // One small edit.
        if i == 0 {
            client.traffic.reset();
            edit::<Progress>(&doc, &user, |p| {
                p.entry_mut("t7", PeriodKind::Q1).percent = 55;
            });
            acknowledged(&client, &doc).await;
            let ours = settled(&client).await;
            // The floor: the same history in two in-memory documents, then the same edit.
            let mut a = doc.with_document(|d| d.clone());
            let mut b = a.clone();
            let (mut sa, mut sb) = (State::new(), State::new());
            sync_with(&mut a, &mut b, &mut sa, &mut sb);
            tiendo_shared::model::doc::update::<Progress, _>(
                &mut a,
                &user,
                tiendo_shared::model::doc::UnixTime(tiendo_server::unix_now()),
                |p| {
                    p.entry_mut("t7", PeriodKind::Q1).percent = 56;
                },
            )
            .expect("edit");
            let (floor, _) = sync_with(&mut a, &mut b, &mut sa, &mut sb);
            let json = serde_json::to_vec(
                &tiendo_shared::model::doc::read::<Progress, _>(&a).expect("read"),
            )
            .expect("json")
            .len();
            rows.push(Row {
                section: "wire",
                what: format!("one percent edit after {label} changes, both directions"),
                ours: ours as f64,
                reference: floor as f64,
                reference_name: "automerge sync, two in-memory docs",
                unit: "bytes",
            });
            rows.push(Row {
                section: "wire",
                what: "the same edit as a whole-document JSON upload".into(),
                ours: ours as f64,
                reference: json as f64,
                reference_name: "JSON of the progress document",
                unit: "bytes",
            });
        }

        // A reconnect with nothing new.
        client.disconnect();
        client.traffic.reset();
        client.connect(server.sync_url(), &token).await;
        let _ = client.find(&doc_id).await;
        let ours = settled(&client).await;
        let mut a = doc.with_document(|d| d.clone());
        let mut b = a.clone();
        let (floor, _) = sync_pair(&mut a, &mut b);
        rows.push(Row {
            section: "wire",
            what: format!("reconnect, nothing new, after {label} changes"),
            ours: ours as f64,
            reference: floor as f64,
            reference_name: "automerge sync of identical docs",
            unit: "bytes",
        });
        client.stop().await;
    }

    // A new tablet's first sync of the plan and every unit's progress (the central office).
    let mut tablet = SyncClient::new("bench-new-tablet").await;
    tablet.connect(server.sync_url(), &token).await;
    let (_, me) = tokio::task::block_in_place(|| server.get_json_as(&token, "/api/me"));
    let mut saved = Vec::new();
    for d in me["documents"].as_array().expect("documents") {
        let h = tablet
            .find(d["doc_id"].as_str().expect("id"))
            .await
            .expect("readable");
        saved.extend(h.with_document(|d| d.save()));
    }
    let ours = settled(&tablet).await;
    rows.push(Row {
        section: "wire",
        what: format!(
            "first sync of a new tablet: {} documents",
            me["documents"].as_array().map_or(0, Vec::len)
        ),
        ours: ours as f64,
        reference: saved.len() as f64,
        reference_name: "the documents' saved (compressed) size",
        unit: "bytes",
    });
    rows.push(Row {
        section: "wire",
        what: "first sync if gzipped (estimate: the saved documents gzipped)".into(),
        ours: gzip_len(&saved, 6) as f64,
        reference: saved.len() as f64,
        reference_name: "saved size, raw",
        unit: "bytes",
    });
    tablet.stop().await;
}

/// Synthetic national-scale data: `agencies` agencies of `units` units and `tasks` tasks, each
/// unit reporting on every task it leads for every period.
fn status_at_scale(rows: &mut Vec<Row>, agencies: usize, resident_before: u64) {
    let units = 10;
    let tasks = 50;
    let imported = tiendo_shared::import::import(tiendo_server::SEED_PLAN).expect("seed");
    let mut plan = imported.plan.clone();
    let agency = imported.agency().clone();
    let unit_ids: Vec<String> = agency.units.iter().map(|u| u.id.clone()).collect();
    // Stretch the seed to `tasks` tasks by repeating its tasks with new ids.
    let all: Vec<_> = plan.tasks().map(|(_, t)| t.clone()).collect();
    for a in &mut plan.areas {
        a.tasks.clear();
    }
    for i in 0..tasks {
        let mut t = all[i % all.len()].clone();
        t.id = format!("s{i}");
        let area = i % plan.areas.len();
        plan.areas[area].tasks.push(t);
    }
    let progress: Vec<Progress> = (0..units)
        .map(|u| {
            let mut p = Progress::new(&plan.id, &unit_ids[u % unit_ids.len()]);
            for i in 0..tasks {
                for period in PeriodKind::ALL {
                    let e = p.entry_mut(&format!("s{i}"), period);
                    e.status = if (i + u) % 3 == 0 {
                        WorkStatus::Done
                    } else {
                        WorkStatus::InProgress
                    };
                    e.percent = ((i * 7 + u) % 101) as u8;
                    e.result = format!("Kết quả {i}");
                }
            }
            p
        })
        .collect();
    let as_of: tiendo_shared::model::Date = "2025-09-30".parse().expect("date");
    let json: Vec<String> = progress
        .iter()
        .map(|p| serde_json::to_string(p).expect("json"))
        .collect();

    let started = Instant::now();
    let mut counted = 0;
    for _ in 0..agencies {
        let s = tiendo_shared::views::status::summarize(
            &plan,
            &agency,
            &progress,
            as_of,
            Some(PeriodKind::Q3),
        );
        counted += s.headline.total;
    }
    let ours = started.elapsed();
    let started = Instant::now();
    let mut decoded = 0;
    for _ in 0..agencies {
        for j in &json {
            let p: Progress = serde_json::from_str(j).expect("decode");
            decoded += p.tasks.len();
        }
    }
    let reference = started.elapsed();
    assert!(counted > 0 && decoded > 0);
    rows.push(Row {
        section: "status",
        what: format!(
            "status of {agencies} agencies × {units} units × {tasks} tasks × 4 periods, one core"
        ),
        ours: ours.as_secs_f64() * 1000.0,
        reference: reference.as_secs_f64() * 1000.0,
        reference_name: "decoding the same progress from JSON",
        unit: "ms",
    });
    rows.push(Row {
        section: "status",
        what: "  memory it took at its peak (one agency's data at a time, as the server)".into(),
        ours: (tiendo_tests::process::memory_kib("self", "VmHWM").saturating_sub(resident_before))
            as f64
            / 1024.0,
        reference: 0.0,
        reference_name: "—",
        unit: "MiB",
    });
}

/// The server's status endpoint for one agency of 20 units with a year of progress each: the
/// first request after a fresh start (every document loaded from SQLite), median of `runs`
/// starts, against the same request once the documents are in memory.
/// One saved field at a year of a unit's progress (the seed plan's tasks × 4 periods, every
/// entry filled, each saved ten times before): `progress::edit_entry`, which reads and writes
/// that entry only, beside the whole-document read-and-reconcile (`doc::update`) the form used
/// before, on copies of the same document, native. Median of `runs` × 20 saves.
fn saved_field(rows: &mut Vec<Row>, runs: usize) {
    use tiendo_shared::model::doc::UnixTime;
    let at = UnixTime(1_751_328_000);
    let imported = tiendo_shared::import::import(tiendo_server::SEED_PLAN).expect("seed");
    let tasks: Vec<String> = imported.plan.tasks().map(|(_, t)| t.id.clone()).collect();
    let mut year = tiendo_shared::model::doc::new_document(
        &Progress::new(&imported.plan.id, "thanh-tra-so"),
        Some("system"),
        at,
    )
    .expect("doc");
    for round in 0..10 {
        for t in &tasks {
            for period in PeriodKind::ALL {
                tiendo_shared::model::progress::edit_entry(&mut year, "lan", at, t, period, |e| {
                    e.status = WorkStatus::InProgress;
                    e.percent = (round * 10) as u8;
                    e.result = format!("Kết quả {t} lần {round}");
                })
                .expect("edit");
            }
        }
    }
    let time = |f: &mut dyn FnMut(&mut automerge::Automerge, usize)| {
        let mut samples = Vec::new();
        for _ in 0..runs.max(1) {
            let mut d = year.fork();
            for i in 0..20 {
                let started = Instant::now();
                f(&mut d, i);
                samples.push(started.elapsed().as_secs_f64() * 1000.0);
            }
        }
        samples.sort_by(f64::total_cmp);
        samples[samples.len() / 2]
    };
    let entry = time(&mut |d, i| {
        tiendo_shared::model::progress::edit_entry(
            d,
            "lan",
            at,
            &tasks[i % tasks.len()],
            PeriodKind::Q3,
            |e| e.percent = (i % 100) as u8,
        )
        .expect("edit");
    });
    let whole = time(&mut |d, i| {
        tiendo_shared::model::doc::update::<Progress, _>(d, "lan", at, |p| {
            p.entry_mut(&tasks[i % tasks.len()], PeriodKind::Q3).percent = (i % 100) as u8
        })
        .expect("update");
    });
    rows.push(Row {
        section: "edit",
        what: format!(
            "one saved field, {} entries × 10 saves each (native, median)",
            tasks.len() * 4
        ),
        ours: entry,
        reference: whole,
        reference_name: "whole-document read + reconcile (before)",
        unit: "ms",
    });
}

async fn status_endpoint(rows: &mut Vec<Row>, runs: usize, sizes: Sizes) {
    let dir = data_dir();
    let (units, changes) = sizes.endpoint;
    let agencies = tiendo_tests::province::province(dir.path(), 1, units, changes).await;
    let a = &agencies[0];
    let path = format!("/api/plans/{}/status?as_of=2025-09-30&period=q3", a.plan_id);
    let timed = |addr: &str| {
        let started = Instant::now();
        let (code, body) = tiendo_tests::request(addr, "GET", &path, Some(&a.office_token), None);
        let took = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(code, 200, "{body}");
        assert!(body["headline"]["total"].as_u64() > Some(0), "{body}");
        took
    };
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let server = tiendo_tests::process::RealServer::start(
            dir.path(),
            "127.0.0.1:0",
            std::path::Path::new("/nonexistent"),
        );
        tokio::task::block_in_place(|| {
            cold.push(timed(&server.addr));
            for _ in 0..10 {
                warm.push(timed(&server.addr));
            }
        });
        server.kill();
    }
    rows.push(Row {
        section: "status",
        what: format!(
            "GET status, one agency × {units} units × {changes} changes, cold from SQLite (median of {runs})"
        ),
        ours: median(cold),
        reference: median(warm),
        reference_name: "the same request, documents in memory",
        unit: "ms",
    });
}

/// The province's roll-up over 130 agencies × 8 units (the seed's 43 tasks, every entry of 50
/// units' worth of a year's changes): the first ever (nothing kept anywhere), cold from SQLite
/// after a restart (the documents' readings kept by the run before), and after one unit's edit
/// (one agency recomputed), each beside recomputing every agency from scratch (every document
/// read from SQLite and hydrated, as `tiendo province report` does with nothing kept).
#[allow(non_snake_case)]
async fn province_rollup(rows: &mut Vec<Row>, sizes: Sizes) {
    let (AGENCIES, UNITS, HISTORY) = sizes.rollup;
    let dir = data_dir();
    eprintln!("status: preparing a province of {AGENCIES} agencies × {UNITS} units");
    let agencies = tiendo_tests::province::province(dir.path(), AGENCIES, UNITS, HISTORY).await;
    {
        let store = tiendo_server::store::Store::open(&dir.path().join("tiendo.sqlite"))
            .expect("the province's database");
        store
            .add_user(tiendo_server::domain::accounts::NewUser {
                username: "so-noi-vu".into(),
                display_name: "Sở Nội vụ".into(),
                role: tiendo_server::domain::accounts::Role::ProvinceViewer,
                agency_id: None,
                unit_id: None,
                password: "mat-khau-do-hieu-nang".into(),
            })
            .await
            .expect("a province viewer");
    }
    let start = || {
        let server = tiendo_tests::process::RealServer::start(
            dir.path(),
            "127.0.0.1:0",
            std::path::Path::new("/nonexistent"),
        );
        let token = tokio::task::block_in_place(|| {
            tiendo_tests::login(&server.addr, "so-noi-vu", "mat-khau-do-hieu-nang")
        });
        (server, token)
    };
    let timed = |addr: &str, token: &str, as_of: &str| {
        let path = format!("/api/province/rollup?period=q3&as_of={as_of}");
        tokio::task::block_in_place(|| {
            let started = Instant::now();
            let (code, body) = tiendo_tests::request(addr, "GET", &path, Some(token), None);
            let took = started.elapsed().as_secs_f64() * 1000.0;
            assert_eq!(code, 200, "{body}");
            // The synthetic agencies and the seed's, imported at the first start.
            assert_eq!(body["rows"].as_array().map(Vec::len), Some(AGENCIES + 1));
            took
        })
    };
    // The reference: every agency recomputed from scratch — each document read from SQLite and
    // hydrated, nothing kept — as `tiendo province report` does, in this process.
    let scratch = || async {
        let store = tiendo_server::store::Store::open(&dir.path().join("tiendo.sqlite"))
            .expect("the province's database");
        // What the server kept is not used: every document is hydrated.
        let store = tiendo_server::store::Store::without_readings(store);
        let config = tiendo_server::config::Config::default();
        let rules = tiendo_server::domain::province::Rules {
            score: config.score.clone(),
            plan_deadline: config.province.plan_deadline().expect("a deadline"),
        };
        let started = Instant::now();
        let rollup = tiendo_server::domain::province::rollup(
            &store,
            &store,
            |_| true,
            tiendo_server::domain::province::Ask::new(
                None,
                Some(tiendo_shared::model::PeriodKind::Q3),
                Some("2025-09-30".parse().unwrap()),
                tiendo_server::today(),
            ),
            &rules,
        )
        .await
        .expect("a roll-up");
        assert_eq!(rollup.rows.len(), AGENCIES + 1);
        started.elapsed().as_secs_f64() * 1000.0
    };
    // The first roll-up ever, then a restart: cold, with what the first run kept.
    let (server, token) = start();
    let first = timed(&server.addr, &token, "2025-09-30");
    server.stop();
    let (server, token) = start();
    let addr = server.addr.clone();
    let cold = timed(&addr, &token, "2025-09-30");
    let scratch_warm = scratch().await;
    // One unit's edit, then the roll-up again: that agency alone is recomputed.
    let unit = &agencies[0].units[0];
    let mut tablet = SyncClient::new("bench-rollup-tablet").await;
    tablet
        .connect(
            url::Url::parse(&format!("ws://{addr}/sync")).unwrap(),
            &unit.token,
        )
        .await;
    let doc = tablet.find(&unit.doc).await.expect("its progress");
    tiendo_tests::edit::<tiendo_shared::model::Progress>(&doc, "bench", |p| {
        p.entry_mut("t1-a", tiendo_shared::model::PeriodKind::Q3)
            .percent = 77;
    });
    acknowledged(&tablet, &doc).await;
    tablet.stop().await;
    let after_edit = timed(&addr, &token, "2025-09-30");
    let scratch_again = scratch().await;
    server.kill();
    rows.push(Row {
        section: "status",
        what: format!(
            "province roll-up, {} agencies × {UNITS} units, the first ever (nothing kept yet)",
            AGENCIES + 1
        ),
        ours: first,
        reference: scratch_warm,
        reference_name: "every agency recomputed from SQLite, nothing kept",
        unit: "ms",
    });
    rows.push(Row {
        section: "status",
        what: format!(
            "province roll-up, {} agencies × {UNITS} units, cold from SQLite after a restart (target 2,000)",
            AGENCIES + 1
        ),
        ours: cold,
        reference: scratch_warm,
        reference_name: "every agency recomputed from SQLite, nothing kept",
        unit: "ms",
    });
    rows.push(Row {
        section: "status",
        what: "province roll-up after one unit's edit: one agency recomputed (target 50)".into(),
        ours: after_edit,
        reference: scratch_again,
        reference_name: "every agency recomputed from SQLite, nothing kept",
        unit: "ms",
    });
}

/// A row of a throughput window: what, how it is read from the window's figures, its unit.
type WindowRow = (&'static str, fn(&throughput::Window) -> f64, &'static str);

const ACKED: WindowRow = ("edits acknowledged per second", |w| w.per_second(), "/s");
const OFFICE_P50: WindowRow = (
    "edit → central office sees it, p50",
    |w| w.quantile_ms(0.5),
    "ms",
);
const OFFICE_P99: WindowRow = (
    "edit → central office sees it, p99",
    |w| w.quantile_ms(0.99),
    "ms",
);
const UNSEEN: WindowRow = (
    "edits never seen by the office (10 s grace)",
    |w| w.unseen as f64,
    "",
);

/// The rows of the window in which each tablet edits as fast as it is acknowledged.
const CLOSED_LOOP: [WindowRow; 9] = [
    ACKED,
    (
        "edits acknowledged per server CPU-second",
        |w| w.per_cpu_second(),
        "/s",
    ),
    OFFICE_P50,
    OFFICE_P99,
    ("edit → acknowledged, p50", |w| w.ack_quantile_ms(0.5), "ms"),
    (
        "edit → acknowledged, p99",
        |w| w.ack_quantile_ms(0.99),
        "ms",
    ),
    UNSEEN,
    (
        "server CPU during the window (100 % = one core)",
        |w| w.cpu_percent,
        "%",
    ),
    (
        "the clients' CPU during the window (same clients)",
        |w| w.clients_cpu_percent,
        "%",
    ),
];

/// The rows of the window at an offered rate.
const PACED: [WindowRow; 5] = [
    ACKED,
    OFFICE_P50,
    OFFICE_P99,
    UNSEEN,
    ("server CPU (100 % = one core)", |w| w.cpu_percent, "%"),
];

/// The throughput section: each C against our server and the reference, one after the other.
/// The attested record's cost: bytes per change stored, and the closed loop with and without it.
async fn attest_section(
    rows: &mut Vec<Row>,
    c: usize,
    window: Duration,
    unattested: &std::path::Path,
) {
    let base = data_dir();
    let agencies = tiendo_tests::province::province(
        base.path(),
        c.div_ceil(throughput::UNITS),
        throughput::UNITS,
        0,
    )
    .await;
    eprintln!("attest: {c} tablets, with the attested record and without");
    let (with, without, per_change, attested) =
        throughput::attest_cost(base.path(), &agencies, c, window, unattested).await;
    let row = |what: String, o: f64, r: f64, unit: &'static str| Row {
        section: "attest",
        what,
        ours: o,
        reference: r,
        reference_name: "the same build without the attested record",
        unit,
    };
    for (what, of, unit) in CLOSED_LOOP.iter().take(4) {
        rows.push(row(
            format!("C={c}: {what}"),
            of(&with.closed),
            of(&without.closed),
            unit,
        ));
    }
    rows.push(row(
        format!(
            "the attested record on disk, per change ({} changes)",
            thousands(attested as usize)
        ),
        per_change,
        0.0,
        "B",
    ));
}

async fn throughput_section(
    rows: &mut Vec<Row>,
    clients: &[usize],
    window: Duration,
    offered: f64,
    idle_tablets: usize,
    postgres: Option<&str>,
) {
    assert!(
        !tiendo_tests::stores::on_postgres(),
        "the bench's fixture is SQLite: name PostgreSQL with --postgres URL, not TIENDO_TEST_STORE"
    );
    throughput::install_reference();
    let most = clients.iter().copied().max().unwrap_or(0);
    let base = data_dir();
    eprintln!("throughput: preparing {most} units' accounts and documents");
    let agencies = tiendo_tests::province::province(
        base.path(),
        most.div_ceil(throughput::UNITS),
        throughput::UNITS,
        0,
    )
    .await;
    for &c in clients {
        eprintln!("throughput: {c} tablets against tiendo serve");
        let mut ours = vec![(
            "",
            throughput::ours(base.path(), &agencies, c, window, offered).await,
        )];
        if let Some(url) = postgres {
            eprintln!("throughput: {c} tablets against tiendo serve on PostgreSQL");
            let figures =
                throughput::ours_on_postgres(base.path(), url, &agencies, c, window, offered).await;
            ours.push((" (PostgreSQL)", figures));
        }
        eprintln!("throughput: {c} tablets against the reference server");
        let reference = throughput::reference(&agencies, c, window, offered).await;
        for (store, ours) in &ours {
            let row = |what: String, o: f64, r: f64, unit: &'static str| Row {
                section: "sync",
                what: format!("{what}{store}"),
                ours: o,
                reference: r,
                reference_name: "automerge-repo 2.5.6 sync server (node)",
                unit,
            };
            for (what, of, unit) in CLOSED_LOOP {
                let what = format!("C={c}: {what}");
                rows.push(row(what, of(&ours.closed), of(&reference.closed), unit));
            }
            rows.push(row(
                format!("C={c}: all tablets connected, plan + own progress loaded"),
                ours.connect.as_secs_f64() * 1000.0,
                reference.connect.as_secs_f64() * 1000.0,
                "ms",
            ));
            // The same tablets at a given pace: the latency below saturation.
            for (what, of, unit) in PACED {
                let what = format!(
                    "C={c}, {} edits/s offered: {what}",
                    thousands(offered as usize)
                );
                rows.push(row(what, of(&ours.paced), of(&reference.paced), unit));
            }
            rows.push(row(
                format!("C={c}: server peak resident memory"),
                ours.peak_mib,
                reference.peak_mib,
                "MiB",
            ));
        }
    }
    eprintln!("throughput: {idle_tablets} idle tablets against tiendo serve");
    let (took, before, with) = throughput::idle(base.path(), &agencies, idle_tablets).await;
    rows.push(Row {
        section: "sync",
        what: format!(
            "{} idle tablets on one node: all connected and served their progress",
            thousands(idle_tablets)
        ),
        ours: took * 1000.0,
        reference: 0.0,
        reference_name: "—",
        unit: "ms",
    });
    rows.push(Row {
        section: "sync",
        what: format!(
            "{} idle tablets on one node: server resident memory",
            thousands(idle_tablets)
        ),
        ours: with,
        reference: before,
        reference_name: "the same server before they connected",
        unit: "MiB",
    });
}

/// `--name VALUE` from the arguments.
fn option(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// The machine, as the README quotes it.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name")?
                    .split_once(':')
                    .map(|(_, v)| v.trim().to_string())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = tiendo_tests::process::memory_kib_total() / 1024 / 1024;
    format!(
        "{} cores ({cpu}), {mem} GiB, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::env::consts::OS
    )
}

/// Resets this process's peak-memory mark (`VmHWM`) to what it holds now (`VmRSS`, returned in
/// KiB), so a section reports its own peak above that.
fn reset_peak_memory() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    tiendo_tests::process::memory_kib("self", "VmRSS")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().map(String::as_str).unwrap_or("all");
    let json_path = option(&args, "--json").unwrap_or_else(|| "bench.json".into());
    let clients: Vec<usize> = option(&args, "--clients")
        .unwrap_or_else(|| "50,200,1000".into())
        .split(',')
        .map(|c| {
            c.trim()
                .parse()
                .expect("--clients: numbers, e.g. 50,200,1000")
        })
        .collect();
    let window = Duration::from_secs(
        option(&args, "--window")
            .map(|w| w.parse().expect("--window: seconds"))
            .unwrap_or(15),
    );
    let smoke = args.iter().any(|a| a == "--smoke");
    // `--postgres URL`: the throughput section also runs ours on a database of that cluster.
    let postgres = option(&args, "--postgres").filter(|p| p != "none");
    // `--offered N`: the paced window's edits per second, all tablets together.
    let offered: f64 = option(&args, "--offered")
        .map(|n| n.parse().expect("--offered: edits per second"))
        .unwrap_or(400.0);
    let idle_tablets: usize = option(&args, "--idle")
        .map(|n| n.parse().expect("--idle: a number of tablets"))
        .unwrap_or(10_000);
    let (sizes, clients, window, offered, idle_tablets) = if smoke {
        (Sizes::SMOKE, vec![4], Duration::from_secs(2), 20.0, 20)
    } else {
        (Sizes::FULL, clients, window, offered, idle_tablets)
    };
    let runs: usize = option(&args, "--runs")
        .map(|r| r.parse().expect("--runs: a number"))
        .unwrap_or(if smoke { 1 } else { 5 });
    let mut rows = Vec::new();
    // Each section must print rows: one that prints none has stopped measuring.
    let ran = |rows: &Vec<Row>, section: &str, before: usize| {
        assert!(rows.len() > before, "bench {section}: no rows");
        eprintln!("bench {section}: {} rows", rows.len() - before);
    };
    // Status first: its memory figure is its peak above what the process holds before it, and
    // memory the allocator keeps from earlier sections would hide that peak.
    if matches!(what, "all" | "status") {
        let before = rows.len();
        let resident = reset_peak_memory();
        status_at_scale(&mut rows, sizes.agencies_at_scale, resident);
        status_endpoint(&mut rows, runs, sizes).await;
        province_rollup(&mut rows, sizes).await;
        ran(&rows, "status", before);
    }
    if matches!(what, "all" | "par") {
        let before = rows.len();
        par::run(&mut rows, sizes.par_agencies, runs).await;
        ran(&rows, "par", before);
    }
    if matches!(what, "all" | "wire") {
        let before = rows.len();
        wire(&mut rows, sizes).await;
        ran(&rows, "wire", before);
    }
    if matches!(what, "all" | "edit") {
        let before = rows.len();
        saved_field(&mut rows, runs);
        ran(&rows, "edit", before);
    }
    if matches!(what, "all" | "throughput") {
        let before = rows.len();
        throughput_section(
            &mut rows,
            &clients,
            window,
            offered,
            idle_tablets,
            postgres.as_deref(),
        )
        .await;
        ran(&rows, "throughput", before);
    }
    if matches!(what, "all" | "attest") {
        let before = rows.len();
        // The same sources built with the server's `unattested` feature (scripts/bench builds
        // it); the smoke run has none and sets this build against itself, to keep the rows alive.
        let unattested = option(&args, "--unattested")
            .map(std::path::PathBuf::from)
            .or_else(|| smoke.then(tiendo_tests::process::tiendo_binary))
            .expect("--unattested PATH: a tiendo built with --features unattested (scripts/bench attest builds it)");
        attest_section(
            &mut rows,
            clients.iter().copied().max().unwrap_or(4).min(200),
            window,
            &unattested,
        )
        .await;
        ran(&rows, "attest", before);
    }
    if matches!(what, "all" | "files") {
        let before = rows.len();
        files::upload(&mut rows, sizes.file_bytes).await;
        ran(&rows, "files", before);
    }
    if matches!(what, "all" | "bundle") {
        let before = rows.len();
        bundle::sizes(&mut rows);
        bundle::cold_start(&mut rows, runs).await;
        bundle::first_visit(&mut rows, runs.min(3)).await;
        ran(&rows, "bundle", before);
    }
    if matches!(what, "all" | "carry") {
        let before = rows.len();
        carry::run(&mut rows, sizes.carry_edits).await;
        ran(&rows, "carry", before);
    }
    if matches!(what, "all" | "hostile") {
        let before = rows.len();
        hostile::run(&mut rows, sizes.hostile).await;
        ran(&rows, "hostile", before);
    }
    if rows.is_empty() {
        eprintln!(
            "usage: bench [all|wire|status|par|edit|throughput|attest|bundle|files|carry|hostile] [--json FILE] \\
             [--clients 50,200,1000] [--window SECONDS] [--offered EDITS_PER_S] [--runs N] \\
             [--idle TABLETS] [--smoke]"
        );
        std::process::exit(2);
    }
    println!("machine: {}", machine());
    println!(
        "{:<8} {:<72} {:>12} {:>12} {:>8}  reference",
        "section", "what", "ours", "reference", "ratio"
    );
    for r in &rows {
        let ratio = if r.reference > 0.0 {
            format!("{:.2}×", r.ours / r.reference)
        } else {
            "—".into()
        };
        println!(
            "{:<8} {:<72} {:>9.1} {:<2} {:>9.1} {:<2} {:>8}  {}",
            r.section, r.what, r.ours, r.unit, r.reference, r.unit, ratio, r.reference_name
        );
    }
    let out = json!({
        "machine": machine(),
        "rows": rows.iter().map(|r| json!({
            "section": r.section, "what": r.what, "ours": r.ours, "reference": r.reference,
            "reference_name": r.reference_name, "unit": r.unit,
        })).collect::<Vec<_>>(),
    });
    std::fs::write(&json_path, serde_json::to_vec_pretty(&out).expect("json")).expect("write json");
    println!("written to {json_path}");
}
