//! `bench`: Tiến độ's figures beside their references, measured in one run and printed as a
//! table (and written as JSON for tracking). Benchmarks, not tests: nothing here asserts a time.
//!
//! ```sh
//! cargo run -p tiendo-tests --release --bin bench -- all [--json FILE]
//! cargo run -p tiendo-tests --release --bin bench -- wire | status
//! ```
//!
//! - `wire`: bytes on the wire for one small edit after a year of history, against the
//!   automerge sync protocol between two in-memory documents (the floor) and against
//!   re-sending the document as JSON; a new tablet's first sync (raw and gzip); a reconnect with
//!   nothing new after 500 and after 5,000 changes.
//! - `status`: `shared::status` over synthetic national-scale data on one core (time, memory),
//!   against just decoding the same progress from JSON.
//!
//! Stage: *measurement*, over the real server (loopback), the real sync client and the pure
//! computations.

use std::io::Write;
use std::time::{Duration, Instant};

use automerge::sync::{Message, State, SyncDoc};
use serde_json::json;
use tiendo_shared::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::{SyncClient, TestServer, data_dir, edit, own_progress};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";

/// One row of the table.
struct Row {
    section: &'static str,
    what: String,
    ours: f64,
    reference: f64,
    reference_name: &'static str,
    unit: &'static str,
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip").len()
}

/// A unit's year: `tasks` × 4 periods, `changes` edits spread over them, each its own change.
fn year_of_history(doc: &mut automerge::Automerge, tasks: usize, changes: usize) {
    for k in 0..changes {
        tiendo_shared::doc::update::<Progress, _>(doc, "progress", OFFICE, |p| {
            let e = p.entry_mut(&format!("t{}", k % tasks), PeriodKind::ALL[(k / tasks) % 4]);
            e.status = WorkStatus::InProgress;
            e.percent = (k % 100) as u8;
            e.result = format!("Kết quả thực hiện lần {k}");
        })
        .expect("edit");
    }
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
        let mut quiet = true;
        if let Some(m) = a.generate_sync_message(sa) {
            let enc = m.encode();
            bytes += enc.len();
            messages += 1;
            b.receive_sync_message(sb, Message::decode(&enc).expect("decode"))
                .expect("receive");
            quiet = false;
        }
        if let Some(m) = b.generate_sync_message(sb) {
            let enc = m.encode();
            bytes += enc.len();
            messages += 1;
            a.receive_sync_message(sa, Message::decode(&enc).expect("decode"))
                .expect("receive");
            quiet = false;
        }
        if quiet {
            return (bytes, messages);
        }
    }
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

async fn wire(rows: &mut Vec<Row>) {
    let dir = data_dir();
    let server = tokio::task::block_in_place(|| TestServer::start(dir.path()));
    let token = tokio::task::block_in_place(|| server.login_demo(OFFICE));
    let addr = server.addr.to_string();
    let (_, doc_id) = tokio::task::block_in_place(|| own_progress(&addr, &token));

    for (history, label) in [(500usize, "500"), (5_000, "5,000")] {
        let mut client = SyncClient::new(&format!("bench-{history}")).await;
        client.connect(server.sync_url(), &token).await;
        let doc = client.find(&doc_id).await.expect("own progress");
        // The history, as the tablet made it: 60 tasks × 4 periods.
        doc.with_document(|d| {
            let already = d.get_changes(&[]).len();
            year_of_history(d, 60, history.saturating_sub(already));
        });
        acknowledged(&client, &doc).await;
        settled(&client).await;

        // One small edit.
        if history == 500 {
            client.traffic.reset();
            edit::<Progress>(&doc, "progress", OFFICE, |p| {
                p.entry_mut("t7", PeriodKind::Q1).percent = 55;
            });
            acknowledged(&client, &doc).await;
            let ours = settled(&client).await;
            // The floor: the same history in two in-memory documents, then the same edit.
            let mut a = doc.with_document(|d| d.clone());
            let mut b = a.clone();
            let (mut sa, mut sb) = (State::new(), State::new());
            sync_with(&mut a, &mut b, &mut sa, &mut sb);
            tiendo_shared::doc::update::<Progress, _>(&mut a, "progress", OFFICE, |p| {
                p.entry_mut("t7", PeriodKind::Q1).percent = 56;
            })
            .expect("edit");
            let (floor, _) = sync_with(&mut a, &mut b, &mut sa, &mut sb);
            let json = serde_json::to_vec(
                &tiendo_shared::doc::read::<Progress, _>(&a, "progress").expect("read"),
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
        ours: gzip_len(&saved) as f64,
        reference: saved.len() as f64,
        reference_name: "saved size, raw",
        unit: "bytes",
    });
    tablet.stop().await;
}

/// Synthetic national-scale data: `agencies` agencies of `units` units and `tasks` tasks, each
/// unit reporting on every task it leads for every period.
fn status_at_scale(rows: &mut Vec<Row>, agencies: usize) {
    let units = 10;
    let tasks = 50;
    let imported = tiendo_shared::import(tiendo_shared::SEED_PLAN).expect("seed");
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
            let mut p = Progress {
                plan_id: plan.id.clone(),
                unit_id: unit_ids[u % unit_ids.len()].clone(),
                tasks: Default::default(),
            };
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
    let as_of: tiendo_shared::Date = "2025-09-30".parse().expect("date");
    let json: Vec<String> = progress
        .iter()
        .map(|p| serde_json::to_string(p).expect("json"))
        .collect();

    let started = Instant::now();
    let mut counted = 0;
    for _ in 0..agencies {
        let s = tiendo_shared::status::summarize(
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
        what: "peak memory of the benchmark process (with the in-process server)".into(),
        ours: tiendo_tests::process::memory_kib("self", "VmHWM") as f64 / 1024.0,
        reference: 0.0,
        reference_name: "—",
        unit: "MiB",
    });
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().map(String::as_str).unwrap_or("all");
    let json_path = args
        .iter()
        .position(|a| a == "--json")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "bench.json".into());
    let mut rows = Vec::new();
    if matches!(what, "all" | "wire") {
        wire(&mut rows).await;
    }
    if matches!(what, "all" | "status") {
        // 34 provinces × 40 agencies.
        status_at_scale(&mut rows, 34 * 40);
    }
    if rows.is_empty() {
        eprintln!("usage: bench [all|wire|status] [--json FILE]");
        std::process::exit(2);
    }
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
        "machine": format!("{} cores", std::thread::available_parallelism().map_or(0, |n| n.get())),
        "rows": rows.iter().map(|r| json!({
            "section": r.section, "what": r.what, "ours": r.ours, "reference": r.reference,
            "reference_name": r.reference_name, "unit": r.unit,
        })).collect::<Vec<_>>(),
    });
    std::fs::write(&json_path, serde_json::to_vec_pretty(&out).expect("json")).expect("write json");
    println!("written to {json_path}");
}
