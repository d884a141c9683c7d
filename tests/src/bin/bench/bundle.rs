//! `bench bundle`: what a tablet downloads (the built client's wasm, js and css: raw, gzip -9
//! and brotli 11) and how long the installed app takes to become usable offline: a new Chromium
//! process, the shell from the service worker's cache, the seed plan and a year of the unit's
//! progress from IndexedDB (`tests/browser/bench_cold_start.mjs`), median of several runs.
//!
//! Stage: *measurement* of the client as built by `scripts/build-client`.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::browser::{Scenario, client_copy, workspace};
use tiendo_tests::process::RealServer;
use tiendo_tests::{SyncClient, data_dir, edit, login, own_progress};

use crate::{Row, gzip_len, median};

/// The unit whose tablet starts cold: the lead unit of task 8.a of the seed plan.
const UNIT: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const TASK: &str = "t8-a";
const PERCENT: u8 = 77;

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        w.write_all(bytes).expect("brotli");
    }
    out.len()
}

/// The files of one build as `client/dist/builds.json` lists them (glue, wasm), and the shell's
/// CSS, which every build loads.
fn build_files(dist: &Path, build: &str) -> Vec<std::path::PathBuf> {
    let listing = std::fs::read_to_string(dist.join("builds.json"))
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/build-client)", dist.display()));
    let listing: serde_json::Value = serde_json::from_str(&listing).expect("builds.json");
    let css = listing["shell"]
        .as_array()
        .expect("shell")
        .iter()
        .filter_map(|f| f.as_str())
        .filter(|f| f.ends_with(".css"));
    listing["builds"][build]
        .as_array()
        .unwrap_or_else(|| panic!("no {build} build in builds.json"))
        .iter()
        .filter_map(|f| f.as_str())
        .chain(css)
        .map(|f| dist.join(f.trim_start_matches('/')))
        .collect()
}

/// The sizes of the two builds: the unit build (what every unit's tablet downloads) beside the
/// office build, whole and by file.
pub fn sizes(rows: &mut Vec<Row>) {
    let dist = workspace().join("client/dist");
    let kib = |n: usize| n as f64 / 1024.0;
    let mut whole = Vec::new();
    for build in ["unit", "office"] {
        let mut all = Vec::new();
        for file in build_files(&dist, build) {
            let bytes = std::fs::read(&file).expect("read");
            if !file_name(&file).ends_with(".css") || build == "unit" {
                rows.push(Row {
                    section: "bundle",
                    what: format!("{build}: {} gzip -9", file_name(&file)),
                    ours: kib(gzip_len(&bytes, 9)),
                    reference: kib(bytes.len()),
                    reference_name: "raw",
                    unit: "KiB",
                });
            }
            all.extend(bytes);
        }
        whole.push((build, gzip_len(&all, 9), brotli(&all), all.len()));
    }
    let (unit, office) = (whole[0], whole[1]);
    rows.push(Row {
        section: "bundle",
        what: "unit build, wasm + js + css, gzip -9 (target 550)".into(),
        ours: kib(unit.1),
        reference: kib(office.1),
        reference_name: "office build, the same",
        unit: "KiB",
    });
    rows.push(Row {
        section: "bundle",
        what: "unit build, wasm + js + css, brotli 11 (target 450)".into(),
        ours: kib(unit.2),
        reference: kib(office.2),
        reference_name: "office build, the same",
        unit: "KiB",
    });
    rows.push(Row {
        section: "bundle",
        what: "unit build, wasm + js + css, raw".into(),
        ours: kib(unit.3),
        reference: kib(office.3),
        reference_name: "office build, the same",
        unit: "KiB",
    });
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The figure `key` of every event a scenario emitted (NaN where missing).
fn column(events: &[serde_json::Value], key: &str) -> Vec<f64> {
    events
        .iter()
        .map(|e| e[key].as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// The offline cold start, `runs` times.
pub async fn cold_start(rows: &mut Vec<Row>, runs: usize) {
    let dir = data_dir();
    let dist = client_copy();
    let server = RealServer::start(dir.path(), "127.0.0.1:0", dist.path());
    let (user, password) = (server.demo_username(UNIT), server.password(UNIT));
    let addr = server.addr.clone();
    let token = tokio::task::block_in_place(|| login(&addr, &user, &password));
    let (_, doc_id) = tokio::task::block_in_place(|| own_progress(&addr, &token));

    // A year of the unit's progress, then its last figure on 8.a for every period.
    let tasks: Vec<String> = tiendo_shared::import::import(tiendo_server::SEED_PLAN)
        .expect("seed")
        .plan
        .tasks()
        .map(|(_, t)| t.id.clone())
        .collect();
    let mut client = SyncClient::new("bench-year-of-progress").await;
    let url = url::Url::parse(&format!("ws://{addr}/sync")).expect("url");
    client.connect(url, &token).await;
    let doc = client.find(&doc_id).await.expect("own progress");
    doc.with_document(|d| tiendo_tests::province::year_of_history(d, &user, &tasks, 500));
    edit::<Progress>(&doc, &user, |p| {
        for period in PeriodKind::ALL {
            let e = p.entry_mut(TASK, period);
            e.status = WorkStatus::InProgress;
            e.percent = PERCENT;
        }
    });
    tokio::time::timeout(
        Duration::from_secs(120),
        doc.they_have_our_changes(client.connection()),
    )
    .await
    .expect("the server has the year");
    client.stop().await;

    let base = format!("http://{addr}/");
    let runs_s = runs.to_string();
    let rows_run = tokio::task::block_in_place(|| {
        let mut run = Scenario::start(
            "bench_cold_start",
            &[
                ("BASE", base),
                ("USER", user),
                ("PASSWORD", password),
                ("TASK", TASK.to_string()),
                ("PERCENT", PERCENT.to_string()),
                ("RUNS", runs_s),
            ],
        );
        run.expect("synced");
        server.kill();
        run.go();
        let got: Vec<serde_json::Value> = (0..2 * runs).map(|_| run.expect("run")).collect();
        run.finish();
        got
    });
    let (throttled, rows_run): (Vec<_>, Vec<_>) =
        rows_run.into_iter().partition(|r| r["throttle"] == 4);
    let field = |k: &str| column(&rows_run, k);
    let controlled = rows_run.iter().all(|r| r["controlled"] == true);
    rows.push(Row {
        section: "bundle",
        what: format!(
            "offline cold start to interactive, median of {runs} (new browser process{})",
            if controlled {
                ", SW cache"
            } else {
                ", NOT SW-controlled"
            }
        ),
        ours: median(field("interactive")),
        reference: median(field("dom_content_loaded")),
        reference_name: "shell HTML parsed from the SW cache",
        unit: "ms",
    });
    rows.push(Row {
        section: "bundle",
        what: "  the same, from browser launch (wall clock)".into(),
        ours: median(field("wall_ms")),
        reference: median(field("launched_ms")),
        reference_name: "browser launch alone",
        unit: "ms",
    });
    rows.push(Row {
        section: "bundle",
        what: format!(
            "offline cold start to the task list painted from the last run, CPU throttled 4×, median of {runs} (target 700)"
        ),
        ours: median(column(&throttled, "painted")),
        reference: median(column(&throttled, "dom_content_loaded")),
        reference_name: "shell HTML parsed from the SW cache, throttled 4×",
        unit: "ms",
    });
    rows.push(Row {
        section: "bundle",
        what: "  the same unthrottled".into(),
        ours: median(field("painted")),
        reference: median(field("dom_content_loaded")),
        reference_name: "shell HTML parsed from the SW cache",
        unit: "ms",
    });
    rows.push(Row {
        section: "bundle",
        what: format!("  live (interactive), CPU throttled 4×, median of {runs}"),
        ours: median(column(&throttled, "interactive")),
        reference: median(column(&throttled, "dom_content_loaded")),
        reference_name: "shell HTML parsed from the SW cache, throttled 4×",
        unit: "ms",
    });
    // Where the throttled start goes: each stage as the page and the app mark it.
    for (stage, what) in [
        ("glue", "JS glue loaded"),
        ("wasm", "wasm compiled and instantiated"),
        ("session", "IndexedDB opened, documents loaded"),
        ("plan-open", "the plan's documents open"),
        ("snapshot", "documents read (first snapshot)"),
    ] {
        rows.push(Row {
            section: "bundle",
            what: format!("    stage, throttled 4×: {what}"),
            ours: median(column(&throttled, stage)),
            reference: median(field(stage)),
            reference_name: "the same, CPU unthrottled",
            unit: "ms",
        });
    }
    rows.push(Row {
        section: "bundle",
        what: "one saved field at a year of progress, CPU throttled 4× (target 16)".into(),
        ours: median(column(&throttled, "save_ms")),
        reference: median(field("save_ms")),
        reference_name: "the same, CPU unthrottled",
        unit: "ms",
    });
    rows.push(Row {
        section: "bundle",
        what: "  the same to the second frame after it (re-read, redrawn), throttled 4×".into(),
        ours: median(column(&throttled, "save_frame_ms")),
        reference: median(field("save_frame_ms")),
        reference_name: "the same, CPU unthrottled",
        unit: "ms",
    });
}

/// A unit's first visit on emulated "Fast 3G" (Chromium DevTools' preset), `runs` times, each in
/// a new profile: to the usable sign-in form, and through sign-in to the task list, beside the
/// shell's HTML parsed on the same link.
pub async fn first_visit(rows: &mut Vec<Row>, runs: usize) {
    let dir = data_dir();
    let dist = client_copy();
    let server = RealServer::start(dir.path(), "127.0.0.1:0", dist.path());
    let (user, password) = (server.demo_username(UNIT), server.password(UNIT));
    let base = format!("http://{}/", server.addr);
    let runs_s = runs.to_string();
    let visits = tokio::task::block_in_place(|| {
        let mut run = Scenario::start(
            "bench_first_visit",
            &[
                ("BASE", base),
                ("USER", user),
                ("PASSWORD", password),
                ("RUNS", runs_s),
            ],
        );
        let got: Vec<serde_json::Value> = (0..runs).map(|_| run.expect("visit")).collect();
        run.finish();
        got
    });
    let field = |k: &str| column(&visits, k);
    rows.push(Row {
        section: "bundle",
        what: format!(
            "first visit, emulated Fast 3G, to the sign-in form, median of {runs} (target 4000)"
        ),
        ours: median(field("form_ms")),
        reference: median(field("dom_content_loaded")),
        reference_name: "the shell HTML parsed, same link",
        unit: "ms",
    });
    rows.push(Row {
        section: "bundle",
        what: "  the same through sign-in to the unit's task list (target 6000)".into(),
        ours: median(field("tasks_ms")),
        reference: median(field("form_ms")),
        reference_name: "to the sign-in form",
        unit: "ms",
    });
    // Where the first visit's time goes after the form (ms from navigation start).
    for (stage, what) in [
        ("me_arrived", "signed in (`/api/me` answered)"),
        (
            "bootstrap_arrived",
            "the documents arrived (`/api/bootstrap`)",
        ),
        ("wasm_arrived", "the wasm arrived"),
        ("wasm", "wasm compiled and instantiated"),
        ("session", "documents stored and loaded"),
        ("snapshot", "documents read (first snapshot)"),
        ("tasks", "the task list drawn"),
        ("task_list", "the task list seen by the test"),
    ] {
        rows.push(Row {
            section: "bundle",
            what: format!("    stage of the first visit: {what}"),
            ours: median(field(stage)),
            reference: median(field("form_ms")),
            reference_name: "to the sign-in form",
            unit: "ms",
        });
    }
    rows.push(Row {
        section: "bundle",
        what: "  HTTP bytes to the sign-in form / to the task list (sync frames not counted)"
            .into(),
        ours: median(field("bytes_to_form")),
        reference: median(field("bytes_to_tasks")),
        reference_name: "to the task list",
        unit: "bytes",
    });
}
