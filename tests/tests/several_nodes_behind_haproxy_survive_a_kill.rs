//! Three `tiendo serve` processes on one PostgreSQL database behind a real HAProxy (Debian's,
//! WebSockets through `timeout tunnel`, health-checked on `/api/health`). Unit tablets and the
//! office connect through the balancer; while the tablets edit, one node is killed with SIGKILL.
//! Its tablets reconnect through HAProxy to the others and go on. Every edit any node had
//! acknowledged is found afterwards, every tablet and the office converge, and the surviving
//! nodes' `/metrics` add up to the connections open.
//!
//! Needs PostgreSQL and HAProxy: `scripts/test` runs it in its PostgreSQL pass.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use samod::DocHandle;
use tiendo_shared::model::{Evidence, PeriodKind, Progress};
use tiendo_tests::process::RealServer;
use tiendo_tests::stores::{needs_postgres, store_setting};
use tiendo_tests::{
    SyncClient, blocking, data_dir, edit, eventually, evidence_ids, login, own_progress,
};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const NODES: usize = 3;
const EDITS_PER_TABLET: usize = 60;

/// HAProxy in front of `nodes`, on a free loopback port; killed when dropped.
struct Balancer {
    addr: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Balancer {
    fn start(nodes: &[String]) -> Balancer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let servers: String = nodes
            .iter()
            .enumerate()
            .map(|(i, a)| format!("  server n{i} {a} check inter 200ms fall 1 rise 2\n"))
            .collect();
        let config = format!(
            "global\n  maxconn 2000\n\
             defaults\n  mode http\n  timeout connect 1s\n  timeout client 60s\n  \
             timeout server 60s\n  timeout tunnel 1h\n  retries 3\n  option redispatch\n\
             frontend tiendo\n  bind 127.0.0.1:{port}\n  default_backend nodes\n\
             backend nodes\n  balance roundrobin\n  option httpchk GET /api/health\n{servers}"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("haproxy.cfg");
        std::fs::write(&file, config).unwrap();
        let binary = ["/usr/sbin/haproxy", "haproxy"]
            .into_iter()
            .find(|b| Path::new(b).exists() || *b == "haproxy")
            .unwrap();
        let child = Command::new(binary)
            .arg("-db")
            .arg("-f")
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("haproxy starts (Debian's haproxy; scripts/test installs it)");
        let addr = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(Instant::now() < deadline, "haproxy listens on {addr}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Balancer {
            addr,
            child,
            _dir: dir,
        }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A metric's value in a Prometheus text page (summed over its label sets).
fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{'))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

fn scrape(addr: &str) -> String {
    ureq::get(&format!("http://{addr}/metrics"))
        .call()
        .expect("/metrics answers the scraper's address")
        .into_body()
        .read_to_string()
        .unwrap()
}

struct Tablet {
    name: String,
    doc: DocHandle,
    client: SyncClient,
    made: usize,
    acked: BTreeSet<String>,
}

impl Tablet {
    fn edit(&mut self) -> String {
        let id = format!("{}-e{}", self.name, self.made);
        let n = self.made;
        edit::<Progress>(&self.doc, &self.name, |p| {
            p.entry_mut("t1-a", PeriodKind::ALL[n % 4])
                .evidence
                .push(Evidence {
                    id: id.clone(),
                    number: format!("{n}/BC"),
                    date: None,
                    summary: "ghi qua bộ cân bằng tải".into(),
                    file: None,
                    files: Vec::new(),
                });
        });
        self.made += 1;
        id
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (TIENDO_TEST_STORE): scripts/test runs it in its PostgreSQL pass"]
async fn a_node_killed_behind_the_balancer_loses_no_acknowledged_edit() {
    needs_postgres();
    let nowhere = Path::new("/nonexistent");
    let dirs: Vec<_> = (0..NODES).map(|_| data_dir()).collect();
    let shared = store_setting(dirs[0].path()).expect("a database");
    let env = [
        ("TIENDO_STORE", shared.as_str()),
        ("TIENDO_METRICS_FROM", "127.0.0.1"),
    ];
    let first =
        blocking(|| RealServer::start_with_env(dirs[0].path(), "127.0.0.1:0", nowhere, &env));
    let accounts = first.accounts.clone();
    let office_user = first.demo_username(OFFICE);
    let mut nodes = vec![Some(first)];
    for d in &dirs[1..] {
        nodes.push(Some(blocking(|| {
            RealServer::start_with_env(d.path(), "127.0.0.1:0", nowhere, &env)
        })));
    }
    let node_addrs: Vec<String> = nodes
        .iter()
        .map(|n| n.as_ref().unwrap().addr.clone())
        .collect();
    let balancer = blocking(|| Balancer::start(&node_addrs));
    let front = balancer.addr.clone();
    let sync_url = url::Url::parse(&format!("ws://{front}/sync")).unwrap();

    // Unit tablets, one per unit, and the office: all through the balancer.
    let mut tablets: Vec<Tablet> = Vec::new();
    let mut doc_ids = Vec::new();
    for (name, password) in accounts
        .iter()
        // Unit editors: not the administrators, the office, the heads, the agency's head or
        // the province's appraisal team.
        .filter(|(u, _)| {
            !["admin", "giamdoc", "thamdinh"].contains(&u.as_str())
                && *u != office_user
                && !u.contains('.')
        })
    {
        let token = blocking(|| login(&front, name, password));
        let (_, doc_id) = blocking(|| own_progress(&front, &token));
        let mut client = SyncClient::new(&format!("tablet-{name}")).await;
        client.connect(sync_url.clone(), &token).await;
        let doc = client.find(&doc_id).await.expect("own progress");
        doc_ids.push(doc_id);
        tablets.push(Tablet {
            name: name.clone(),
            doc,
            client,
            made: 0,
            acked: BTreeSet::new(),
        });
    }
    let office_password = &accounts.iter().find(|(u, _)| *u == office_user).unwrap().1;
    let office_token = blocking(|| login(&front, &office_user, office_password));
    let mut office = SyncClient::new("office").await;
    office.connect(sync_url.clone(), &office_token).await;
    let mut watching = Vec::new();
    for id in &doc_ids {
        watching.push(office.find(id).await.expect("the office reads every unit"));
    }

    // The node to kill: the one holding the most connections (HAProxy spread them round robin).
    let open: Vec<usize> = node_addrs
        .iter()
        .map(|a| sample(&scrape(a), "tiendo_sync_connections") as usize)
        .collect();
    assert_eq!(open.iter().sum::<usize>(), tablets.len() + 1, "{open:?}");
    let victim = (0..NODES).max_by_key(|&i| open[i]).unwrap();
    println!("connections per node before the kill: {open:?}");

    // Edits in turns; a third of the way in, one node is killed.
    let kill_at = EDITS_PER_TABLET / 3;
    let mut pending: Vec<Vec<String>> = vec![Vec::new(); tablets.len()];
    for round in 0..EDITS_PER_TABLET {
        if round == kill_at {
            nodes[victim].take().expect("the victim").kill();
            println!(
                "killed node {victim} ({}, {} connections) after {round} edits per tablet",
                node_addrs[victim], open[victim]
            );
        }
        for (t, pend) in tablets.iter_mut().zip(&mut pending) {
            pend.push(t.edit());
            if round % 5 == 4
                && let Some(conn) = t.client.connection_now()
                && tokio::time::timeout(Duration::from_secs(2), t.doc.they_have_our_changes(conn))
                    .await
                    .is_ok()
            {
                t.acked.extend(pend.drain(..));
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    // Every tablet is back through the balancer and has everything acknowledged.
    for t in &tablets {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(
                Instant::now() < deadline,
                "{} never reconnected and caught up",
                t.name
            );
            if let Some(conn) = t.client.connection_now()
                && tokio::time::timeout(Duration::from_secs(2), t.doc.they_have_our_changes(conn))
                    .await
                    .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    // What the deployment has, read by a fresh client through the balancer.
    let admin_password = &accounts.iter().find(|(u, _)| u == "admin").unwrap().1;
    let admin = blocking(|| login(&front, "admin", admin_password));
    let mut reader = SyncClient::new("reader").await;
    reader.connect(sync_url.clone(), &admin).await;
    let mut acked = 0;
    let mut found_acked = 0;
    for (t, id) in tablets.iter().zip(&doc_ids) {
        let doc = reader.find(id).await.expect("readable");
        let mine = evidence_ids(&t.doc);
        assert_eq!(mine.len(), t.made, "{}: every edit in its own copy", t.name);
        let found = eventually(&format!("{}: the deployment converges", t.name), || {
            let found = evidence_ids(&doc);
            (found == mine).then_some(found)
        })
        .await;
        acked += t.acked.len();
        found_acked += t.acked.intersection(&found).count();
    }
    println!(
        "behind HAProxy, {NODES} nodes, one killed: {} edits made, {acked} acknowledged, {found_acked} of them found",
        tablets.iter().map(|t| t.made).sum::<usize>()
    );
    assert_eq!(found_acked, acked, "no acknowledged edit lost");
    for (t, w) in tablets.iter().zip(&watching) {
        let want = evidence_ids(&t.doc);
        eventually(&format!("the office sees all of {}", t.name), || {
            (evidence_ids(w) == want).then_some(())
        })
        .await;
    }
    reader.stop().await;

    // The surviving nodes' metrics add up to the connections open: the tablets and the office.
    let clients = tablets.len() + 1;
    let alive: Vec<&String> = node_addrs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != victim)
        .map(|(_, a)| a)
        .collect();
    eventually("the nodes' open connections add up", || {
        let open: f64 = alive
            .iter()
            .map(|a| sample(&scrape(a), "tiendo_sync_connections"))
            .sum();
        (open as usize == clients).then_some(())
    })
    .await;
    let acknowledged: f64 = alive
        .iter()
        .map(|a| sample(&scrape(a), "tiendo_edits_acknowledged_total"))
        .sum();
    assert!(
        acknowledged >= 1.0,
        "the survivors acknowledged edits: {acknowledged}"
    );

    for t in tablets {
        t.client.stop().await;
    }
    office.stop().await;
    drop(balancer);
}
