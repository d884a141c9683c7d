//! Crash under load: several native samod clients (one per unit, in this process, on loopback)
//! edit their progress documents continuously while the real `tiendo serve` process is killed
//! with SIGKILL at a random moment and restarted on the same data directory and port, round
//! after round. Every edit the server had acknowledged (synced back as stored) before a kill is
//! on the server after the restart; at the end the clients reconnect and the server has every
//! edit they made, acknowledged or not. Every change the server holds after a kill has its
//! attestation (who delivered it), committed with it.
//!
//! Each edit appends one evidence item with a unique id, so "present" is exact. The short run is
//! part of `scripts/test`; the long run is
//! `TIENDO_KILLS=20 TIENDO_EDITS=1000 cargo test --release -p tiendo-tests --test
//! reliability_kill_under_load -- --nocapture` (`TIENDO_SEED` replays a run's kill points).

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use samod::DocHandle;
use tiendo_shared::model::{Evidence, PeriodKind, Progress};
use tiendo_tests::process::RealServer;
use tiendo_tests::{
    SyncClient, blocking, data_dir, edit, evidence_ids, login, own_progress, setting,
};

/// A small deterministic generator (xorshift), seeded from the clock unless `TIENDO_SEED` is set.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}

/// One unit's tablet: its account, its progress document, and the edits it made and had
/// acknowledged.
struct Tablet {
    name: String,
    password: String,
    doc_id: String,
    client: SyncClient,
    doc: Option<DocHandle>,
    made: usize,
    acked: BTreeSet<String>,
}

impl Tablet {
    /// Signs in again and connects to the (restarted) server at `addr`.
    async fn reconnect(&mut self, addr: &str) {
        let token = blocking(|| login(addr, &self.name, &self.password));
        self.client.disconnect();
        self.client
            .connect(
                url::Url::parse(&format!("ws://{addr}/sync")).unwrap(),
                &token,
            )
            .await;
    }
}

const TASKS: [&str; 4] = ["t1-a", "t2-a", "t3-b", "t4-c"];

/// Edits until `stop`, asking every few edits whether the server has them all; what it
/// confirms is recorded as acknowledged.
async fn edit_until(
    doc: DocHandle,
    conn: samod::ConnectionId,
    name: &str,
    first: usize,
    stop: Arc<AtomicBool>,
    count: Arc<AtomicUsize>,
) -> (usize, BTreeSet<String>) {
    let mut made = first;
    let mut acked = BTreeSet::new();
    let mut pending = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        let id = format!("{name}-e{made}");
        let (task, period) = (TASKS[made % TASKS.len()], PeriodKind::ALL[made % 4]);
        edit::<Progress>(&doc, name, |p| {
            p.entry_mut(task, period).evidence.push(Evidence {
                id: id.clone(),
                number: format!("{made}/BC"),
                date: None,
                summary: "ghi trong lúc máy chủ có thể bị tắt".into(),
                file: None,
                files: Vec::new(),
            });
        });
        pending.push(id);
        made += 1;
        count.fetch_add(1, Ordering::SeqCst);
        if made.is_multiple_of(5) {
            // Acknowledged = the server said it has every change up to here.
            if tokio::time::timeout(Duration::from_secs(2), doc.they_have_our_changes(conn))
                .await
                .is_ok()
            {
                acked.extend(pending.drain(..));
            }
        }
        tokio::task::yield_now().await;
    }
    (made, acked)
}

/// What the server has, read by a fresh client as the system administrator: each document's
/// evidence ids, and its changes.
async fn server_has(
    addr: &str,
    password: &str,
    doc_ids: &[String],
) -> Vec<(BTreeSet<String>, BTreeSet<automerge::ChangeHash>)> {
    let token = blocking(|| login(addr, "admin", password));
    let mut reader =
        SyncClient::new(&format!("reader-{}", Instant::now().elapsed().as_nanos())).await;
    reader
        .connect(
            url::Url::parse(&format!("ws://{addr}/sync")).unwrap(),
            &token,
        )
        .await;
    let mut out = Vec::new();
    for id in doc_ids {
        let doc = reader
            .find(id)
            .await
            .expect("the server shares it with the admin");
        let changes = doc.with_document(|d| d.get_changes(&[]).iter().map(|c| c.hash()).collect());
        out.push((evidence_ids(&doc), changes));
    }
    reader.stop().await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_edits_survive_sigkill_at_random_moments_under_load() {
    let kills = setting("TIENDO_KILLS", 3);
    let edits = setting("TIENDO_EDITS", 150);
    let clients = setting("TIENDO_CLIENTS", 3) as usize;
    let seed = setting(
        "TIENDO_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1,
    );
    println!(
        "kill under load: {clients} clients, {edits} edits, {kills} kills, TIENDO_SEED={seed}"
    );
    let mut rng = Rng(seed);
    let dir = data_dir();
    let nowhere = Path::new("/nonexistent");
    let mut server = blocking(|| RealServer::start(dir.path(), "127.0.0.1:0", nowhere));
    let addr = server.addr.clone();
    let admin_password = server.password("admin");
    let mut tablets = Vec::new();
    // One tablet per unit: a unit's head shares its editor's document, and each tablet here
    // counts only its own edits of its document.
    for (name, password) in server.accounts.iter().filter(|(u, _)| u != "admin") {
        if tablets.len() == clients {
            break;
        }
        let token = blocking(|| login(&addr, name, password));
        let (_, doc_id) = blocking(|| own_progress(&addr, &token));
        if tablets.iter().any(|t: &Tablet| t.doc_id == doc_id) {
            continue;
        }
        tablets.push(Tablet {
            name: name.clone(),
            password: password.clone(),
            doc_id,
            client: SyncClient::new(&format!("tablet-{name}")).await,
            doc: None,
            made: 0,
            acked: BTreeSet::new(),
        });
    }
    let doc_ids: Vec<String> = tablets.iter().map(|t| t.doc_id.clone()).collect();
    // The changes the import made (the server's own): every later one was delivered by a tablet.
    let imported: BTreeSet<automerge::ChangeHash> = server_has(&addr, &admin_password, &doc_ids)
        .await
        .into_iter()
        .flat_map(|(_, changes)| changes)
        .collect();
    let per_round = (edits / kills.max(1)).max(clients as u64);
    let started = Instant::now();

    for round in 1..=kills {
        // Everyone (re)connects to the server of this round.
        for t in &mut tablets {
            t.reconnect(&addr).await;
            if t.doc.is_none() {
                t.doc = Some(t.client.find(&t.doc_id).await.expect("own progress"));
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicUsize::new(0));
        // Uniform around the round's share, so the run makes about TIENDO_EDITS edits in all.
        let kill_at = (per_round / 2 + 1 + rng.next(per_round)) as usize;
        let mut work = Vec::new();
        for t in tablets.iter_mut() {
            let (doc, stop, count) = (t.doc.clone().unwrap(), stop.clone(), count.clone());
            let (name, first, conn) = (t.name.clone(), t.made, t.client.connection());
            work.push(tokio::spawn(async move {
                edit_until(doc, conn, &name, first, stop, count).await
            }));
        }
        while count.load(Ordering::SeqCst) < kill_at {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.kill(); // SIGKILL in the middle of the load
        let made_at_kill = count.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.store(true, Ordering::SeqCst);
        for (t, w) in tablets.iter_mut().zip(work) {
            let (made, acked) = w.await.expect("editing task");
            t.made = made;
            t.acked.extend(acked);
        }
        server = blocking(|| RealServer::start(dir.path(), &addr, nowhere));
        let found = server_has(&addr, &admin_password, &doc_ids).await;
        let mut lost = Vec::new();
        for (t, (f, _)) in tablets.iter().zip(&found) {
            lost.extend(t.acked.difference(f).cloned());
        }
        // Every change the server holds after the kill has who delivered it, and it is the
        // tablet that made it: the record is committed with the changes, never after them.
        let store = tiendo_tests::stores::open_store(dir.path()).await;
        let attested = store.attestations_of(&doc_ids).await.expect("the record");
        for (t, (_, changes)) in tablets.iter().zip(&found) {
            for h in changes.difference(&imported) {
                let a = attested
                    .iter()
                    .find(|a| a.doc_id == t.doc_id && a.hash == *h)
                    .unwrap_or_else(|| {
                        panic!("round {round} (TIENDO_SEED={seed}): change {h} of {} held without its attestation", t.name)
                    });
                assert_eq!(a.username, t.name, "{h} attested to who delivered it");
            }
        }
        drop(store);
        println!(
            "round {round}: killed after {made_at_kill} edits this round; acknowledged so far {}, found {} of them, {} made in all",
            tablets.iter().map(|t| t.acked.len()).sum::<usize>(),
            tablets
                .iter()
                .zip(&found)
                .map(|(t, (f, _))| t.acked.intersection(f).count())
                .sum::<usize>(),
            tablets.iter().map(|t| t.made).sum::<usize>(),
        );
        assert!(
            lost.is_empty(),
            "round {round} (TIENDO_SEED={seed}): acknowledged edits missing after SIGKILL: {lost:?}"
        );
    }

    // The clients come back and converge: the server ends with every edit they made.
    for t in &mut tablets {
        t.reconnect(&addr).await;
        t.client.wait_acknowledged(t.doc.as_ref().unwrap()).await;
    }
    let found = server_has(&addr, &admin_password, &doc_ids).await;
    for (t, (f, _)) in tablets.iter().zip(&found) {
        let mine = evidence_ids(t.doc.as_ref().unwrap());
        assert_eq!(
            mine.len(),
            t.made,
            "{}: every edit is in its own copy",
            t.name
        );
        assert_eq!(
            &mine, f,
            "{}: the server converged to the tablet's copy",
            t.name
        );
    }
    println!(
        "converged: {} edits from {clients} clients through {kills} kills in {:.1?}",
        tablets.iter().map(|t| t.made).sum::<usize>(),
        started.elapsed()
    );
    for t in tablets {
        t.client.stop().await;
    }
}
