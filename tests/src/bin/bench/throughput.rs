//! `bench throughput`: C tablets on loopback, each reading its agency's plan and editing its own
//! progress document — first as fast as the server acknowledges (its capacity), then all
//! together at an offered rate of Poisson edits (its latency when busy but not saturated) —
//! while each agency's central office watches its units' documents; the same workload, from the
//! same native automerge-repo clients (samod), against `tiendo serve` and against the reference automerge-repo sync server under
//! node (`tests/js/reference-server.mjs`, npm packages installed on first use).
//!
//! Stage: *measurement* of the sync server: edits acknowledged per second, the time from an edit
//! to its acknowledgement and to the central office seeing it (p50/p99), the server process's CPU
//! and peak memory.
//!
//! For a closer look: `BENCH_DEBUG=1` prints each tablet's connect timings and, per tablet, the
//! edits made and seen; `BENCH_SERVER_LOG=FILE` keeps `tiendo serve`'s log (level
//! `BENCH_SERVER_RUST_LOG`, default `info`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use samod::DocumentId;
use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::{SyncClient, edit};

use tiendo_tests::province::{AgencySeat, copy_data};

/// Units per synthetic agency.
pub const UNITS: usize = 20;

/// Tablets connecting at the same time (a morning's reconnect wave, not a thundering herd).
const CONNECTING: usize = 100;

/// Finds `doc_id` through `client`, however long a connect storm makes it take (up to 5 min).
async fn find(client: &SyncClient, doc_id: &str) -> samod::DocHandle {
    let id = DocumentId::from_str(doc_id).expect("document id");
    tokio::time::timeout(Duration::from_secs(300), client.repo.find(id))
        .await
        .expect("found within 5 minutes")
        .expect("repo running")
        .expect("the server shares it")
}

/// One tablet of the workload.
struct Tablet {
    doc: String,
    plan: String,
    token: String,
}

/// One central office: the documents it watches (indices into the tablets).
struct Office {
    token: String,
    watches: Vec<usize>,
}

/// How the tablets edit during a window.
#[derive(Clone, Copy, Debug)]
pub enum Load {
    /// Each edits again the moment its last edit is acknowledged: the server's capacity, and
    /// at capacity the time in the system is C ÷ throughput (Little's law) whatever the server.
    Closed,
    /// Together they offer this many edits per second, each tablet a Poisson stream: the
    /// latency a user meets when the server is busy but not saturated.
    Offered(f64),
}

/// What one window measured.
pub struct Window {
    /// Edits acknowledged by the server (by the end of the window for [`Load::Closed`]; within
    /// 10 s after it for [`Load::Offered`]).
    pub acked: usize,
    pub window: Duration,
    /// Edit → central office latencies.
    pub latencies: Vec<Duration>,
    /// Edit → acknowledged by the server, as the tablet waited ([`Load::Closed`] only).
    pub acks: Vec<Duration>,
    /// Edits made that no office saw within 10 s of the window's end.
    pub unseen: usize,
    /// Server CPU over the window, in % of one core.
    pub cpu_percent: f64,
    /// The clients' CPU (this process: tablets and offices) over the window, in % of one core.
    pub clients_cpu_percent: f64,
}

/// What one run measured.
pub struct Figures {
    /// Time for every tablet to connect and load its plan and progress document.
    pub connect: Duration,
    /// As fast as acknowledged.
    pub closed: Window,
    /// At the offered rate.
    pub paced: Window,
    /// Server peak resident memory over the whole run, MiB.
    pub peak_mib: f64,
}

impl Window {
    /// Acknowledged edits per second.
    pub fn per_second(&self) -> f64 {
        self.acked as f64 / self.window.as_secs_f64()
    }

    /// Edits acknowledged per second of the server process's CPU.
    pub fn per_cpu_second(&self) -> f64 {
        self.per_second() / (self.cpu_percent / 100.0).max(1e-9)
    }

    /// The `q` quantile of the edit → office latencies, in ms.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        quantile_ms(&self.latencies, q)
    }

    /// The `q` quantile of the edit → acknowledged latencies, in ms.
    pub fn ack_quantile_ms(&self, q: f64) -> f64 {
        quantile_ms(&self.acks, q)
    }
}

/// The `q` quantile of `latencies`, in ms.
fn quantile_ms(latencies: &[Duration], q: f64) -> f64 {
    if latencies.is_empty() {
        return f64::NAN;
    }
    let mut l = latencies.to_vec();
    l.sort();
    let i = ((l.len() as f64 - 1.0) * q).round() as usize;
    l[i].as_secs_f64() * 1000.0
}

/// CPU time (user + system) of process `pid` so far, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Fields 14 and 15 of proc(5); `after` starts at field 3.
    (ticks(11) + ticks(12)) / clock_ticks()
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// The workload over `agencies`, cut to `c` tablets (the first units of each agency in turn).
fn workload(agencies: &[AgencySeat], c: usize) -> (Vec<Tablet>, Vec<Office>) {
    let mut tablets = Vec::new();
    let mut offices = Vec::new();
    for a in agencies {
        let room = c - tablets.len();
        if room == 0 {
            break;
        }
        let first = tablets.len();
        tablets.extend(a.units.iter().take(room).map(|u| Tablet {
            doc: u.doc.clone(),
            plan: a.plan_doc.clone(),
            token: u.token.clone(),
        }));
        offices.push(Office {
            token: a.office_token.clone(),
            watches: (first..tablets.len()).collect(),
        });
    }
    (tablets, offices)
}

fn seq_of(handle: &samod::DocHandle) -> usize {
    handle.with_document(|d| {
        tiendo_shared::model::doc::read::<Progress, _>(d)
            .ok()
            .and_then(|p| {
                p.entry("bench", PeriodKind::Year)
                    .and_then(|e| e.result.strip_prefix('#')?.parse().ok())
            })
            .unwrap_or(0)
    })
}

/// A tablet connected for the windows: its index, its client, its progress document.
type Seated = (usize, SyncClient, samod::DocHandle);

/// Edit times per tablet (indexed by sequence number − 1), edit → office latencies, and per
/// tablet the last sequence number an office saw.
#[derive(Clone)]
struct Ledger {
    sent: Arc<Vec<Mutex<Vec<Instant>>>>,
    latencies: Arc<Mutex<Vec<Duration>>>,
    /// Edit → the server acknowledged it (a tablet waiting for its edit only).
    acks: Arc<Mutex<Vec<Duration>>>,
    seen: Arc<Vec<Mutex<usize>>>,
}

impl Ledger {
    fn made(&self) -> usize {
        self.sent
            .iter()
            .map(|s| s.lock().expect("sent").len())
            .sum()
    }

    fn got(&self) -> usize {
        self.seen.iter().map(|s| *s.lock().expect("seen")).sum()
    }

    /// Waits until the offices saw every edit made (at most 10 s); returns the edits they never
    /// saw and the latencies gathered since the last call (edit → office, edit → acknowledged).
    async fn settle(&self) -> (usize, Vec<Duration>, Vec<Duration>) {
        let made = self.made();
        let catch_up = Instant::now() + Duration::from_secs(10);
        while self.got() < made && Instant::now() < catch_up {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let unseen = made.saturating_sub(self.got());
        let latencies = std::mem::take(&mut *self.latencies.lock().expect("latencies"));
        let acks = std::mem::take(&mut *self.acks.lock().expect("acks"));
        (unseen, latencies, acks)
    }
}

/// Records one edit by tablet `i` (its next sequence number), made at `at`.
fn make_edit(ledger: &Ledger, i: usize, doc: &samod::DocHandle, at: Instant) {
    let seq = {
        let mut sent = ledger.sent[i].lock().expect("sent");
        sent.push(at);
        sent.len()
    };
    edit::<Progress>(doc, "bench", |p| {
        let e = p.entry_mut("bench", PeriodKind::Year);
        e.status = WorkStatus::InProgress;
        e.percent = (seq % 101) as u8;
        e.result = format!("#{seq}");
    });
}

/// The time between one tablet's edits when `c` tablets together offer `rate` edits per
/// second as a Poisson stream: exponential, drawn from `rng`.
fn next_gap(rng: &mut impl rand::Rng, c: usize, rate: f64) -> Duration {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    Duration::from_secs_f64(-u.ln() * c as f64 / rate)
}

/// One window of edits by every seated tablet, in the way `load` says, until the offices saw
/// them (at most 10 s more); returns the tablets and what the window measured. CPU is counted
/// until every tablet's loop ended.
async fn window_of(
    seated: Vec<Seated>,
    ledger: &Ledger,
    load: Load,
    window: Duration,
    pid: u32,
) -> (Vec<Seated>, Window) {
    let c = seated.len();
    let cpu_before = (cpu_seconds(pid), cpu_seconds(std::process::id()));
    let window_start = Instant::now();
    let deadline = window_start + window;
    let mut loops = Vec::new();
    for (i, client, doc) in seated {
        let ledger = ledger.clone();
        loops.push(tokio::spawn(async move {
            let conn = client.connection();
            let mut acked = 0usize;
            match load {
                // Each tablet edits, waits for the acknowledgement, edits again.
                Load::Closed => {
                    while Instant::now() < deadline {
                        let at = Instant::now();
                        make_edit(&ledger, i, &doc, at);
                        let waited = tokio::time::timeout_at(
                            tokio::time::Instant::from_std(deadline),
                            doc.they_have_our_changes(conn),
                        )
                        .await;
                        if waited.is_ok() {
                            acked += 1;
                            ledger.acks.lock().expect("acks").push(at.elapsed());
                        }
                    }
                }
                // Each tablet edits at its own Poisson times, acknowledged or not; an edit's
                // time is when it was due (a late load generator counts against the server,
                // as a late server would delay a user), and the same seed gives every server
                // the same schedule.
                Load::Offered(rate) => {
                    use rand::SeedableRng;
                    let mut rng = rand::rngs::StdRng::seed_from_u64(i as u64);
                    let mut due = window_start + next_gap(&mut rng, c, rate);
                    let mut made = 0usize;
                    while due < deadline {
                        tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
                        make_edit(&ledger, i, &doc, due);
                        made += 1;
                        due += next_gap(&mut rng, c, rate);
                    }
                    let grace = tokio::time::Instant::from_std(deadline + Duration::from_secs(10));
                    if made > 0
                        && tokio::time::timeout_at(grace, doc.they_have_our_changes(conn))
                            .await
                            .is_ok()
                    {
                        acked = made;
                    }
                }
            }
            ((i, client, doc), acked)
        }));
    }
    let mut acked = 0;
    let mut seated = Vec::new();
    for l in loops {
        let (tablet, n) = l.await.expect("tablet loop");
        acked += n;
        seated.push(tablet);
    }
    let server_cpu = cpu_seconds(pid) - cpu_before.0;
    let clients_cpu = cpu_seconds(std::process::id()) - cpu_before.1;
    let elapsed = window_start.elapsed().max(window);
    let (unseen, latencies, acks) = ledger.settle().await;
    let measured = Window {
        acked,
        // A paced tablet's loop also waits for its last acknowledgement: its rate is over the
        // window itself.
        window: match load {
            Load::Closed => elapsed,
            Load::Offered(_) => window,
        },
        latencies,
        acks,
        unseen,
        cpu_percent: server_cpu / elapsed.as_secs_f64() * 100.0,
        clients_cpu_percent: clients_cpu / elapsed.as_secs_f64() * 100.0,
    };
    (seated, measured)
}

/// Drives the workload against `url`, measuring process `pid`: all tablets connect and load,
/// then a window as fast as the server acknowledges, then a window at `offered` edits per
/// second.
async fn drive(
    url: &url::Url,
    pid: u32,
    tablets: Vec<Tablet>,
    offices: Vec<Office>,
    window: Duration,
    offered: f64,
) -> Figures {
    let ledger = Ledger {
        sent: Arc::new(tablets.iter().map(|_| Mutex::default()).collect()),
        latencies: Arc::default(),
        acks: Arc::default(),
        seen: Arc::new(tablets.iter().map(|_| Mutex::default()).collect()),
    };

    // The central offices, watching.
    let mut watchers = Vec::new();
    let mut office_clients = Vec::new();
    let mut office_handles = Vec::new();
    for (n, office) in offices.iter().enumerate() {
        let mut client = SyncClient::new(&format!("office-{n}-{}", std::process::id())).await;
        client.connect(url.clone(), &office.token).await;
        for &t in &office.watches {
            let handle = client
                .find(&tablets[t].doc)
                .await
                .expect("office reads the unit");
            office_handles.push((t, handle.clone()));
            let ledger = ledger.clone();
            watchers.push(tokio::spawn(async move {
                let mut changes = handle.changes();
                while changes.next().await.is_some() {
                    let now = Instant::now();
                    let seq = seq_of(&handle);
                    let mut last = ledger.seen[t].lock().expect("seen");
                    if seq > *last {
                        let times = ledger.sent[t].lock().expect("sent");
                        let mut l = ledger.latencies.lock().expect("latencies");
                        for at in &times[*last..seq.min(times.len())] {
                            l.push(now.saturating_duration_since(*at));
                        }
                        *last = seq;
                    }
                }
            }));
        }
        office_clients.push(client);
    }

    // The tablets connect and load their plan and progress, all at once.
    let started = Instant::now();
    let seated: Vec<Seated> = futures::stream::iter(tablets.iter().enumerate())
        .map(|(i, t)| {
            let url = url.clone();
            async move {
                let mut client =
                    SyncClient::new(&format!("tablet-{i}-{}", std::process::id())).await;
                let t0 = Instant::now();
                client
                    .connect_within(url, &t.token, Duration::from_secs(300))
                    .await;
                let t1 = t0.elapsed();
                find(&client, &t.plan).await;
                let t2 = t0.elapsed();
                let doc = find(&client, &t.doc).await;
                if std::env::var("BENCH_DEBUG").is_ok() {
                    eprintln!(
                        "connect {i}: handshake {t1:?} plan {t2:?} own {:?}",
                        t0.elapsed()
                    );
                }
                (i, client, doc)
            }
        })
        .buffer_unordered(CONNECTING)
        .collect()
        .await;
    let connect = started.elapsed();

    let (seated, closed) = window_of(seated, &ledger, Load::Closed, window, pid).await;
    if std::env::var("BENCH_DEBUG").is_ok() {
        for (n, o) in office_clients.iter().enumerate() {
            eprintln!("office {n}: traffic {:?}", o.traffic.bytes());
        }
        for (i, s) in ledger.sent.iter().enumerate() {
            let now = office_handles
                .iter()
                .find(|(t, _)| *t == i)
                .map(|(_, h)| seq_of(h));
            eprintln!(
                "tablet {i}: made {} seen {} office has {now:?}",
                s.lock().unwrap().len(),
                *ledger.seen[i].lock().unwrap()
            );
        }
    }
    let (seated, paced) = window_of(seated, &ledger, Load::Offered(offered), window, pid).await;

    let peak_mib = tiendo_tests::process::memory_kib(&pid.to_string(), "VmHWM") as f64 / 1024.0;
    for w in watchers {
        w.abort();
    }
    futures::future::join_all(seated.into_iter().map(|(_, client, _)| client.stop())).await;
    futures::future::join_all(office_clients.into_iter().map(SyncClient::stop)).await;
    Figures {
        connect,
        closed,
        paced,
        peak_mib,
    }
}

/// Runs the workload with `c` tablets against a fresh `tiendo serve` over a copy of `base`.
pub async fn ours(
    base: &Path,
    agencies: &[AgencySeat],
    c: usize,
    window: Duration,
    offered: f64,
) -> Figures {
    let run = tempfile::tempdir().expect("tmp");
    copy_data(base, run.path());
    // BENCH_SERVER_LOG=FILE keeps the server's log (level info) for a look afterwards.
    let server = match std::env::var_os("BENCH_SERVER_LOG") {
        Some(log) => tiendo_tests::process::RealServer::start_logged(
            run.path(),
            "127.0.0.1:0",
            Path::new("/nonexistent"),
            &std::env::var("BENCH_SERVER_RUST_LOG").unwrap_or_else(|_| "info".into()),
            Path::new(&log),
        ),
        None => tiendo_tests::process::RealServer::start(
            run.path(),
            "127.0.0.1:0",
            Path::new("/nonexistent"),
        ),
    };
    let url = url::Url::parse(&format!("ws://{}/sync", server.addr)).expect("url");
    let (tablets, offices) = workload(agencies, c);
    let figures = drive(&url, server.child.id(), tablets, offices, window, offered).await;
    server.kill();
    figures
}

/// [`ours`] with the server on PostgreSQL: a fresh database of the cluster at `cluster` (a
/// `postgres://user@host:port` URL), the fixture copied in with `migrate-store`'s copy.
pub async fn ours_on_postgres(
    base: &Path,
    cluster: &str,
    agencies: &[AgencySeat],
    c: usize,
    window: Duration,
    offered: f64,
) -> Figures {
    let run = tempfile::tempdir().expect("tmp");
    let url = format!(
        "{}/bench_{:016x}",
        cluster.trim_end_matches('/'),
        rand_u64()
    );
    tiendo_server::store::postgres::ensure_database(&url)
        .await
        .expect("a bench database");
    {
        let from = tiendo_server::Store::open(&base.join("tiendo.sqlite")).expect("the fixture");
        let to = tiendo_server::Store::connect(&url)
            .await
            .expect("the database");
        tiendo_server::store::copy::copy(&from, &to)
            .await
            .expect("the fixture copied");
    }
    let server = tiendo_tests::process::RealServer::start_with_env(
        run.path(),
        "127.0.0.1:0",
        Path::new("/nonexistent"),
        &[("TIENDO_STORE", &url)],
    );
    let url = url::Url::parse(&format!("ws://{}/sync", server.addr)).expect("url");
    let (tablets, offices) = workload(agencies, c);
    let figures = drive(&url, server.child.id(), tablets, offices, window, offered).await;
    server.kill();
    figures
}

/// A random number for a database name (the clock's nanoseconds, mixed).
fn rand_u64() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos() as u64;
    t.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(std::process::id())
}

/// `n` idle tablets on one node: each its own WebSocket and samod peer id (up to
/// `ceil(n / units)` per unit account, as several tablets of one unit), each asking for its
/// unit's progress document and answered, then connected and silent. Connected
/// [`CONNECTING`] at a time. Returns the seconds until all were answered, and the server's
/// resident memory (MiB) before they came and with them all connected.
pub async fn idle(base: &Path, agencies: &[AgencySeat], n: usize) -> (f64, f64, f64) {
    let run = tempfile::tempdir().expect("tmp");
    copy_data(base, run.path());
    let units: Vec<&tiendo_tests::province::UnitSeat> =
        agencies.iter().flat_map(|a| &a.units).collect();
    let per_account = n.div_ceil(units.len()).to_string();
    let server = tiendo_tests::process::RealServer::start_with_env(
        run.path(),
        "127.0.0.1:0",
        Path::new("/nonexistent"),
        &[("TIENDO_MAX_CONNECTIONS_PER_USER", &per_account)],
    );
    let pid = server.child.id().to_string();
    let url = url::Url::parse(&format!("ws://{}/sync", server.addr)).expect("url");
    let before = tiendo_tests::process::memory_kib(&pid, "VmRSS") as f64 / 1024.0;
    let started = Instant::now();
    let sockets: Vec<tiendo_tests::RawSocket> = futures::stream::iter(0..n)
        .map(|i| {
            let unit = units[i % units.len()];
            let url = url.clone();
            async move {
                let mut s = tiendo_tests::RawSocket::connect(&url, Some(&unit.token))
                    .await
                    .unwrap_or_else(|status| panic!("idle tablet {i}: upgrade refused ({status})"));
                let peer = format!("idle-{i}");
                let server_peer = s.join(&peer).await;
                s.send_binary(tiendo_tests::frame(
                    &[
                        ("type", "request"),
                        ("senderId", &peer),
                        ("targetId", &server_peer),
                        ("documentId", &unit.doc),
                    ],
                    Some(&tiendo_tests::empty_sync_message()),
                ))
                .await;
                match s.next(Duration::from_secs(120)).await {
                    tiendo_tests::RawEvent::Binary(_) => s,
                    other => panic!("idle tablet {i}: no answer: {other:?}"),
                }
            }
        })
        .buffer_unordered(CONNECTING)
        .collect()
        .await;
    let took = started.elapsed().as_secs_f64();
    // Settled: what the server holds for them, not the connecting's peak.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let with = tiendo_tests::process::memory_kib(&pid, "VmRSS") as f64 / 1024.0;
    assert_eq!(sockets.len(), n);
    drop(sockets);
    server.kill();
    (took, before, with)
}

/// The reference server's directory: its script and, once installed, its npm packages.
fn reference_dir() -> PathBuf {
    tiendo_tests::browser::workspace().join("tests/js")
}

/// Installs the reference server's npm packages (pinned in its package-lock.json) when missing.
pub fn install_reference() {
    let dir = reference_dir();
    if dir.join("node_modules/@automerge/automerge-repo").is_dir() {
        return;
    }
    // `npm install`, as scripts/env.sh: npm's registry mirror here lacks cbor-extract's optional
    // prebuilt packages, so `npm ci` refuses a lockfile without them (cbor-x runs without).
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .status()
        .expect("npm runs");
    assert!(status.success(), "npm install in {} failed", dir.display());
}

/// The reference automerge-repo sync server, running.
struct Reference {
    child: Child,
    port: u16,
    _storage: tempfile::TempDir,
}

impl Reference {
    fn start() -> Reference {
        let storage = tempfile::tempdir().expect("tmp");
        let mut child = Command::new("node")
            .arg(reference_dir().join("reference-server.mjs"))
            .arg(storage.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let port = lines
            .find_map(|l| l.ok()?.strip_prefix("listening ")?.parse().ok())
            .expect("the reference server printed its port");
        std::thread::spawn(move || for _ in lines {});
        Reference {
            child,
            port,
            _storage: storage,
        }
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the same workload with `c` tablets against a fresh reference server: a set-up client
/// first creates the same plan and progress documents there (same content, new ids).
pub async fn reference(
    agencies: &[AgencySeat],
    c: usize,
    window: Duration,
    offered: f64,
) -> Figures {
    let server = Reference::start();
    let url = url::Url::parse(&format!("ws://127.0.0.1:{}/", server.port)).expect("url");
    let mut setup = SyncClient::new(&format!("setup-{}", std::process::id())).await;
    setup.connect(url.clone(), "").await;
    let conn = setup.connection();
    let mut copies = Vec::new();
    let mut left = c;
    for a in agencies {
        if left == 0 {
            break;
        }
        let plan = create(&setup, &a.plan_saved).await;
        plan.they_have_our_changes(conn).await;
        let mut units = Vec::new();
        for u in a.units.iter().take(left) {
            let doc = create(&setup, &u.saved).await;
            doc.they_have_our_changes(conn).await;
            units.push(tiendo_tests::province::UnitSeat {
                doc: doc.document_id().to_string(),
                token: String::new(),
                saved: Vec::new(),
            });
        }
        left -= units.len();
        copies.push(AgencySeat {
            plan_id: a.plan_id.clone(),
            plan_doc: plan.document_id().to_string(),
            plan_saved: Vec::new(),
            office_token: String::new(),
            units,
        });
    }
    setup.stop().await;
    let (tablets, offices) = workload(&copies, c);
    drive(&url, server.child.id(), tablets, offices, window, offered).await
}

async fn create(client: &SyncClient, saved: &[u8]) -> samod::DocHandle {
    let doc = automerge::Automerge::load(saved).expect("saved document loads");
    client.repo.create(doc).await.expect("repo running")
}

/// What the attested record costs (`bench attest`): the closed-loop workload with `c` tablets
/// against this build and against `unattested` (the same sources built with the server's
/// `unattested` feature: no record written), one after the other on copies of one fixture.
/// Returns both figures and, from this build's run, the record's bytes on disk per change it
/// attests (the database's size with the record, less its size once the record is dropped and
/// the file vacuumed, over the rows) and the rows.
pub async fn attest_cost(
    base: &Path,
    agencies: &[AgencySeat],
    c: usize,
    window: Duration,
    unattested: &Path,
) -> (Figures, Figures, f64, u64) {
    // The paced window is not what this compares; a light one keeps it short.
    let offered = 20.0;
    let run = tempfile::tempdir().expect("tmp");
    copy_data(base, run.path());
    let server = tiendo_tests::process::RealServer::start(
        run.path(),
        "127.0.0.1:0",
        Path::new("/nonexistent"),
    );
    let url = url::Url::parse(&format!("ws://{}/sync", server.addr)).expect("url");
    let (tablets, offices) = workload(agencies, c);
    let with = drive(&url, server.child.id(), tablets, offices, window, offered).await;
    server.kill();
    let (per_change, rows) = record_bytes(&run.path().join("tiendo.sqlite"));

    let run = tempfile::tempdir().expect("tmp");
    copy_data(base, run.path());
    let server = tiendo_tests::process::RealServer::start_binary(
        unattested,
        run.path(),
        "127.0.0.1:0",
        Path::new("/nonexistent"),
    );
    let url = url::Url::parse(&format!("ws://{}/sync", server.addr)).expect("url");
    let (tablets, offices) = workload(agencies, c);
    let without = drive(&url, server.child.id(), tablets, offices, window, offered).await;
    server.kill();
    (with, without, per_change, rows)
}

/// The attested record's bytes on disk per row in the SQLite file `db` (a copy is measured with
/// and without the table, each vacuumed), and the rows.
fn record_bytes(db: &Path) -> (f64, u64) {
    let dir = tempfile::tempdir().expect("tmp");
    let copy = dir.path().join("copy.sqlite");
    {
        let c = rusqlite::Connection::open(db).expect("the run's database");
        c.execute("VACUUM INTO ?1", [copy.to_str().expect("a path")])
            .expect("a vacuumed copy");
    }
    let c = rusqlite::Connection::open(&copy).expect("the copy");
    let rows: u64 = c
        .query_row("SELECT count(*) FROM change_attestations", [], |r| r.get(0))
        .expect("the record");
    let size = |c: &rusqlite::Connection| -> u64 {
        c.query_row(
            "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
            [],
            |r| r.get(0),
        )
        .expect("the size")
    };
    let with = size(&c);
    c.execute_batch("DROP TABLE change_attestations; VACUUM")
        .expect("dropped");
    let without = size(&c);
    (
        with.saturating_sub(without) as f64 / rows.max(1) as f64,
        rows,
    )
}
