//! `bench hostile`: what one hostile user costs everyone else (issue 34). Each attack runs
//! against a real `tiendo serve` (the release binary, its own allocator) while `/api/health` is
//! asked every 50 ms and an honest tablet edits its own progress and waits for the server's
//! acknowledgement; the row gives the server's peak resident memory above what it held before
//! the attack (once the last attack's memory went back to within 64 MB of the start, at most
//! 30 s: an allocator's freed memory would be reused unseen), health's p99, and the honest edit's p99 beside its p99
//! with no attack. Targets:
//! at most +200 MB, health p99 ≤ 200 ms, the honest p99 within 2× unloaded. Then the memory
//! left behind: resident at start, at the peak, right after the attacks, and 30 s later.
//!
//! The payloads are made at run time by `tiendo_tests::hostile` (zip bombs, a sheet of a
//! million rows, a compressed change bomb), the integration tests' generators, never stored.
//!
//! Stage: *measurement*, over the real server on loopback.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::hostile::{compressed_change_bomb, docx_bomb, xlsx_rows};
use tiendo_tests::process::{RealServer, memory_kib};
use tiendo_tests::{SyncClient, data_dir, edit, frame, login, own_progress, request};

use crate::Row;

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
/// A unit editor of the seed agency.
const UNIT: &str = "thanh-tra-so";

/// How big each attack is.
#[derive(Clone, Copy)]
pub(crate) struct Sizes {
    /// What the .docx bomb's document part inflates to.
    pub(crate) docx_inflated: u64,
    /// Rows of the sheet (6 cells each).
    pub(crate) xlsx_rows: u64,
    /// What the compressed change inflates to.
    pub(crate) sync_inflated: usize,
    /// Each of the 8 slow bodies' bytes.
    pub(crate) slow_body: u64,
    /// Parallel wrong logins.
    pub(crate) logins: usize,
    /// The window without an attack (the honest edit's unloaded p99).
    pub(crate) unloaded: Duration,
    /// How long after the attacks the memory left behind is read.
    pub(crate) settle: Duration,
    /// The longest wait, before each attack, for the memory of the last one to go back to
    /// within 64 MB of the start (an allocator keeps freed memory a while; the next attack
    /// would reuse it unseen).
    pub(crate) calm: Duration,
}

impl Sizes {
    pub(crate) const FULL: Sizes = Sizes {
        docx_inflated: 2 << 30,
        xlsx_rows: 1_000_000,
        sync_inflated: 1 << 30,
        slow_body: 256 << 20,
        logins: 150,
        unloaded: Duration::from_secs(10),
        settle: Duration::from_secs(30),
        calm: Duration::from_secs(30),
    };
    pub(crate) const SMOKE: Sizes = Sizes {
        docx_inflated: 4 << 20,
        xlsx_rows: 2_000,
        sync_inflated: 4 << 20,
        slow_body: 1 << 20,
        logins: 6,
        unloaded: Duration::from_secs(1),
        settle: Duration::from_secs(2),
        calm: Duration::from_secs(1),
    };
}

/// What one window measured.
struct Window {
    /// Resident before the attack (MB), once calm.
    before_mb: f64,
    peak_mb: f64,
    health_p99: f64,
    honest_p99: f64,
    /// Answers of the probes (`/api/health`, `/api/me` where read) other than 200.
    failures: usize,
}

/// The 99th percentile of `v` (ms); 0 for none.
fn p99(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 * 0.99).ceil() as usize).clamp(1, v.len()) - 1]
}

/// One GET, its latency in ms and status (0 when it failed).
fn timed_get(agent: &ureq::Agent, url: &str, token: Option<&str>) -> (f64, u16) {
    let t = Instant::now();
    let mut req = agent.get(url);
    if let Some(t) = token {
        req = req.header("Authorization", &format!("Bearer {t}"));
    }
    let status = match req.call() {
        Ok(mut r) => {
            let _ = r.body_mut().read_to_vec();
            r.status().as_u16()
        }
        Err(_) => 0,
    };
    (t.elapsed().as_secs_f64() * 1000.0, status)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into()
}

/// A raw HTTP POST of `body` (or of `total` bytes sent in 64 KB chunks with `pause` between
/// them, when `body` is empty); the status (0 when the server cut the request).
fn post_bytes(
    addr: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
    slow: Option<(u64, Duration)>,
) -> u16 {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(300)));
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let len = slow.map_or(body.len() as u64, |(total, _)| total);
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Type: application/octet-stream\r\n\
         Content-Length: {len}\r\nConnection: close\r\n\r\n"
    );
    if s.write_all(head.as_bytes()).is_err() {
        return 0;
    }
    match slow {
        None => {
            let _ = s.write_all(body);
        }
        Some((total, pause)) => {
            let chunk = vec![0xa5u8; 64 * 1024];
            let mut left = total;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                if s.write_all(&chunk[..n]).is_err() {
                    break;
                }
                left -= n as u64;
                std::thread::sleep(pause);
            }
        }
    }
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer)
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// A sync message carrying one compressed change chunk (type 2) whose body is `inflated` zero
/// bytes deflated.
fn sync_bomb(inflated: usize) -> Vec<u8> {
    let chunk = compressed_change_bomb(inflated);
    automerge::sync::Message {
        heads: vec![],
        need: vec![],
        have: vec![],
        changes: automerge::sync::ChunkList::from(chunk),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
    .encode()
}

/// The probes around an attack: resident memory every 20 ms, `/api/health` every 50 ms (and
/// `/api/me` as `me`, when given), the honest tablet's edits one after another.
struct Probes {
    pid: String,
    addr: String,
    honest: Arc<SyncClient>,
    doc: samod::DocHandle,
    me: Option<String>,
    calm: Duration,
    /// Resident at start (KiB).
    baseline: u64,
}

impl Probes {
    /// Waits until resident memory is back within 64 MB of `baseline` (the server's at start),
    /// or `calm` has passed; what it holds then.
    async fn calm_down(&self) -> u64 {
        let started = Instant::now();
        loop {
            let now = memory_kib(&self.pid, "VmRSS");
            if now <= self.baseline + 64 * 1024 || started.elapsed() >= self.calm {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    async fn during<F>(&self, attack: F) -> Window
    where
        F: FnOnce() + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let before = self.calm_down().await;
        let memory = {
            let (stop, pid) = (stop.clone(), self.pid.clone());
            std::thread::spawn(move || {
                let mut peak = 0;
                while !stop.load(Ordering::Relaxed) {
                    peak = peak.max(memory_kib(&pid, "VmRSS"));
                    std::thread::sleep(Duration::from_millis(20));
                }
                peak.max(memory_kib(&pid, "VmRSS"))
            })
        };
        let health = {
            let (stop, addr, me) = (stop.clone(), self.addr.clone(), self.me.clone());
            std::thread::spawn(move || {
                let agent = agent();
                let (mut times, mut failures) = (Vec::new(), 0);
                while !stop.load(Ordering::Relaxed) {
                    let (ms, status) =
                        timed_get(&agent, &format!("http://{addr}/api/health"), None);
                    times.push(ms);
                    failures += usize::from(status != 200);
                    if let Some(token) = &me {
                        let (_, status) =
                            timed_get(&agent, &format!("http://{addr}/api/me"), Some(token));
                        failures += usize::from(status != 200);
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                (times, failures)
            })
        };
        let honest = {
            let (stop, client, doc) = (stop.clone(), self.honest.clone(), self.doc.clone());
            tokio::spawn(async move {
                let mut times = Vec::new();
                let mut n = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let t = Instant::now();
                    edit::<Progress>(&doc, OFFICE, |p| {
                        let e = p.entry_mut("t1-a", PeriodKind::Q1);
                        e.status = WorkStatus::InProgress;
                        e.percent = (n % 100) as u8;
                    });
                    let acked = tokio::time::timeout(
                        Duration::from_secs(120),
                        doc.they_have_our_changes(client.connection()),
                    )
                    .await;
                    times.push(if acked.is_ok() {
                        t.elapsed().as_secs_f64() * 1000.0
                    } else {
                        120_000.0
                    });
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                times
            })
        };
        // Half a second of quiet first, the attack, then half a second for what it left running.
        tokio::time::sleep(Duration::from_millis(500)).await;
        tokio::task::spawn_blocking(attack).await.expect("attack");
        tokio::time::sleep(Duration::from_millis(500)).await;
        stop.store(true, Ordering::Relaxed);
        let peak = memory.join().expect("memory probe");
        let (health_times, failures) = health.join().expect("health probe");
        let honest_times = honest.await.expect("honest tablet");
        Window {
            before_mb: before as f64 / 1024.0,
            peak_mb: peak.saturating_sub(before) as f64 / 1024.0,
            health_p99: p99(health_times),
            honest_p99: p99(honest_times),
            failures,
        }
    }
}

pub(crate) async fn run(rows: &mut Vec<Row>, sizes: Sizes) {
    let dir = data_dir();
    let server = RealServer::start(
        dir.path(),
        "127.0.0.1:0",
        std::path::Path::new("/nonexistent"),
    );
    let addr = server.addr.clone();
    let pid = server.child.id().to_string();
    let token = |who: &str| login(&addr, &server.demo_username(who), &server.password(who));
    let unit_user = server.demo_username(UNIT);
    let office = token(OFFICE);
    let unit = token(UNIT);
    let reader = token(UNIT);
    let (_, doc_id) = own_progress(&addr, &office);
    let (_, unit_doc) = own_progress(&addr, &unit);
    let (_, me) = request(&addr, "GET", "/api/me", Some(&office), None);
    let org_doc = me["documents"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["kind"] == "org"))
        .and_then(|d| d["doc_id"].as_str())
        .expect("the agency's organisation document")
        .to_string();
    let sync_url: url::Url = format!("ws://{addr}/sync").parse().unwrap();
    let mut honest = SyncClient::new("honest-tablet").await;
    honest.connect(sync_url.clone(), &office).await;
    let doc = honest.find(&doc_id).await.expect("own progress");
    let honest = Arc::new(honest);
    let mut probes = Probes {
        pid: pid.clone(),
        addr: addr.clone(),
        honest,
        doc,
        me: None,
        calm: sizes.calm,
        baseline: memory_kib(&pid, "VmRSS"),
    };
    let start_mb = probes.baseline as f64 / 1024.0;

    eprintln!("hostile: payloads");
    let docx = Arc::new(docx_bomb(sizes.docx_inflated));
    let xlsx = Arc::new(xlsx_rows(sizes.xlsx_rows, 6));
    let bomb = sync_bomb(sizes.sync_inflated);

    eprintln!("hostile: unloaded");
    let quiet = {
        let started = Instant::now();
        probes
            .during(move || std::thread::sleep(sizes.unloaded.saturating_sub(started.elapsed())))
            .await
    };
    let mut results: Vec<(String, Window)> = Vec::new();
    let mut peak_mb = start_mb;

    let mut attack = |name: String, w: Window, peak: &mut f64| {
        *peak = peak.max(w.before_mb + w.peak_mb);
        results.push((name, w));
    };
    for (who, t) in [("unit editor", unit.clone()), ("office", office.clone())] {
        let name = format!(
            ".docx bomb ({} KB → {} MB) to /api/plans/preview as {who}",
            docx.len() / 1024,
            sizes.docx_inflated >> 20
        );
        eprintln!("hostile: {name}");
        let (a, d) = (addr.clone(), docx.clone());
        let w = probes
            .during(move || {
                post_bytes(&a, "/api/plans/preview", Some(&t), &d, None);
            })
            .await;
        attack(name, w, &mut peak_mb);
    }
    {
        let name = format!(
            ".xlsx of {} rows × 6 ({} KB) to /api/plans/preview",
            crate::thousands(sizes.xlsx_rows as usize),
            xlsx.len() / 1024
        );
        eprintln!("hostile: {name}");
        let (a, x, t) = (addr.clone(), xlsx.clone(), office.clone());
        let w = probes
            .during(move || {
                post_bytes(&a, "/api/plans/preview", Some(&t), &x, None);
            })
            .await;
        attack(name, w, &mut peak_mb);
    }
    {
        let name = format!(
            "sync: a compressed change ({} KB → {} MB) to its own progress",
            bomb.len() / 1024,
            sizes.sync_inflated >> 20
        );
        eprintln!("hostile: {name}");
        let (url, t, doc) = (sync_url.clone(), unit.clone(), unit_doc.clone());
        let handle = tokio::runtime::Handle::current();
        let w = probes
            .during(move || {
                handle.block_on(async move {
                    let mut s = tiendo_tests::RawSocket::connect(&url, Some(&t))
                        .await
                        .expect("upgrade");
                    let target = s.join("bomber").await;
                    s.send_binary(frame(
                        &[
                            ("type", "sync"),
                            ("senderId", "bomber"),
                            ("targetId", &target),
                            ("documentId", &doc),
                        ],
                        Some(&bomb),
                    ))
                    .await;
                    // Closed (refused) or answered: either way the server is done with it.
                    let _ = s.next(Duration::from_secs(120)).await;
                })
            })
            .await;
        attack(name, w, &mut peak_mb);
    }
    {
        let name = format!(
            "8 slow bodies of {} MB to /api/bundles as unit editor",
            sizes.slow_body >> 20
        );
        eprintln!("hostile: {name}");
        let (a, total, t) = (addr.clone(), sizes.slow_body, unit.clone());
        let w = probes
            .during(move || {
                let pause = Duration::from_micros(500);
                let threads: Vec<_> = (0..8)
                    .map(|_| {
                        let (a, t) = (a.clone(), t.clone());
                        std::thread::spawn(move || {
                            post_bytes(&a, "/api/bundles", Some(&t), &[], Some((total, pause)))
                        })
                    })
                    .collect();
                for t in threads {
                    let _ = t.join();
                }
            })
            .await;
        attack(name, w, &mut peak_mb);
    }
    {
        // Last but one: the address may be slowed down afterwards (every session needed is open).
        let name = format!("{} parallel wrong logins", sizes.logins);
        eprintln!("hostile: {name}");
        // Sent from async tasks on the bench's runtime, not from a thread each: 150 runnable
        // threads on the machine's 2 cores would stretch the scheduler's period to ~100 ms for
        // every process, the server's and the probes' alike (measured: health and the honest
        // edit stalled together), which is the shared machine, not the server.
        let (a, n, user) = (addr.clone(), sizes.logins, unit_user.clone());
        let handle = tokio::runtime::Handle::current();
        let w = probes
            .during(move || {
                handle.block_on(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let tasks: Vec<_> = (0..n)
                        .map(|i| {
                            let (a, user) = (a.clone(), user.clone());
                            tokio::spawn(async move {
                                let body = serde_json::json!({"username": user, "password": format!("sai-{i}")})
                                    .to_string();
                                let req = format!(
                                    "POST /api/login HTTP/1.1\r\nHost: {a}\r\nContent-Type: application/json\r\n\
                                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                                    body.len()
                                );
                                let Ok(mut s) = tokio::net::TcpStream::connect(&a).await else {
                                    return;
                                };
                                if s.write_all(req.as_bytes()).await.is_ok() {
                                    let mut answer = Vec::new();
                                    let _ = s.read_to_end(&mut answer).await;
                                }
                            })
                        })
                        .collect();
                    for t in tasks {
                        let _ = t.await;
                    }
                })
            })
            .await;
        attack(name, w, &mut peak_mb);
    }
    {
        let name =
            "kind: \"commune\" in an organisation document, /api/me read meanwhile".to_string();
        eprintln!("hostile: {name}");
        probes.me = Some(reader.clone());
        let (url, t, org) = (sync_url.clone(), office.clone(), org_doc.clone());
        let handle = tokio::runtime::Handle::current();
        let w = probes
            .during(move || {
                handle.block_on(async move {
                    use automerge::ReadDoc;
                    use automerge::transaction::Transactable;
                    let mut client = SyncClient::new("org-writer").await;
                    client.connect(url, &t).await;
                    let org = client.find(&org).await.expect("its organisation");
                    org.with_document(|d| {
                        let (_, agencies) = d.get(automerge::ROOT, "agencies").unwrap().unwrap();
                        let (_, first) = d.get(&agencies, 0).unwrap().unwrap();
                        let mut tx = d.transaction();
                        tx.put(&first, "kind", "commune").unwrap();
                        tx.commit();
                    });
                    client.wait_acknowledged(&org).await;
                    // /api/me is read meanwhile: two seconds with the value in place.
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    client.stop().await;
                })
            })
            .await;
        attack(name, w, &mut peak_mb);
    }

    let after_mb = memory_kib(&pid, "VmRSS") as f64 / 1024.0;
    eprintln!("hostile: {} s for memory to settle", sizes.settle.as_secs());
    tokio::time::sleep(sizes.settle).await;
    let settled_mb = memory_kib(&pid, "VmRSS") as f64 / 1024.0;
    drop(server);

    println!();
    println!(
        "{:<72} {:>12} {:>10} {:>24} {:>9}  target met?",
        "hostile: attack", "peak RSS +MB", "health p99", "honest ack p99 (unloaded)", "failures"
    );
    let unloaded = quiet.honest_p99;
    for (name, w) in &results {
        let mut missed = Vec::new();
        if w.peak_mb > 200.0 {
            missed.push("memory");
        }
        if w.health_p99 > 200.0 {
            missed.push("health");
        }
        if w.honest_p99 > 2.0 * unloaded {
            missed.push("honest");
        }
        if w.failures > 0 {
            missed.push("failures");
        }
        println!(
            "{:<72} {:>12.0} {:>7.0} ms {:>12.0} ms ({:>4.0} ms) {:>9}  {}",
            name,
            w.peak_mb,
            w.health_p99,
            w.honest_p99,
            unloaded,
            w.failures,
            if missed.is_empty() {
                "yes".to_string()
            } else {
                format!("no ({})", missed.join(", "))
            }
        );
    }
    println!(
        "hostile: resident memory {start_mb:.0} MB at start, {peak_mb:.0} MB at the peak, \
         {after_mb:.0} MB after the attacks, {settled_mb:.0} MB {} s later",
        sizes.settle.as_secs()
    );
    println!();

    let row =
        |what: String, ours: f64, reference: f64, name: &'static str, unit: &'static str| Row {
            section: "hostile",
            what,
            ours,
            reference,
            reference_name: name,
            unit,
        };
    rows.push(row(
        "no attack: honest edit → acknowledged p99".into(),
        quiet.honest_p99,
        0.0,
        "—",
        "ms",
    ));
    rows.push(row(
        "no attack: /api/health p99".into(),
        quiet.health_p99,
        0.0,
        "—",
        "ms",
    ));
    for (name, w) in results {
        rows.push(row(
            format!("{name}: peak RSS increase"),
            w.peak_mb,
            200.0,
            "target",
            "MB",
        ));
        rows.push(row(
            format!("{name}: /api/health p99"),
            w.health_p99,
            200.0,
            "target",
            "ms",
        ));
        rows.push(row(
            format!("{name}: honest edit → acknowledged p99"),
            w.honest_p99,
            unloaded,
            "the same with no attack",
            "ms",
        ));
    }
    rows.push(row(
        format!(
            "resident memory {} s after the attacks",
            sizes.settle.as_secs()
        ),
        settled_mb,
        start_mb,
        "the same server at start",
        "MB",
    ));
    rows.push(row(
        "resident memory at the attacks' peak".into(),
        peak_mb,
        start_mb,
        "the same server at start",
        "MB",
    ));
}
