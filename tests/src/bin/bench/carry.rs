//! `bench carry`: bundle files carried by hand ([`tiendo_shared::bundle`]).
//!
//! - A unit's year of progress as a bundle — everything ("Xuất toàn bộ"), and the changes since
//!   its first sync — against the same document's automerge `save()` and `save_after()`: what
//!   the container, manifest and signature add.
//! - A new tablet's first sync after loading a starter bundle, against a first sync from
//!   nothing: bytes received, the time until every document opens and until the tablet holds
//!   what the server holds, through
//!   a proxy emulating DevTools' classic "Slow 3G" (2,000 ms round trip, 50,000 B/s each way;
//!   DevTools itself does not throttle WebSocket frames, so the link is emulated here).

use std::time::{Duration, Instant};

use tiendo_shared::bundle::{self, DocData};
use tiendo_shared::model::{PeriodKind, Progress, WorkStatus};
use tiendo_tests::{SyncClient, TestServer, data_dir, edit};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::Row;

const UNIT: &str = "thanh-tra-so";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
/// One way of the emulated link's round trip.
const ONE_WAY: Duration = Duration::from_millis(1_000);
/// Bytes per second each way.
const RATE: f64 = 50_000.0;

/// Both measurements, on one server holding a unit's year of `edits` edits.
pub async fn run(rows: &mut Vec<Row>, edits: usize) {
    let dir = data_dir();
    let server = tokio::task::block_in_place(|| TestServer::start(dir.path()));
    let user = server.demo_username(UNIT);
    let unit_token = tokio::task::block_in_place(|| server.login_demo(UNIT));
    let office_token = tokio::task::block_in_place(|| server.login_demo(OFFICE));
    let own = tokio::task::block_in_place(|| server.doc_id(&unit_token, "progress", Some(UNIT)));

    // The unit's year: each edit a figure and a sentence of a task's report.
    let mut tablet = SyncClient::new("carry-year").await;
    tablet.connect(server.sync_url(), &unit_token).await;
    let doc = tablet.find(&own).await.expect("the unit's progress");
    tablet.wait_acknowledged(&doc).await;
    let first = doc.with_document(|d| d.get_heads());
    let tasks = [
        "t2-d", "t3-b", "t3-c", "t3-d", "t3-dd", "t3-i", "t3-k", "t5-c-2",
    ];
    for i in 0..edits {
        let (task, period) = (tasks[i % tasks.len()], PeriodKind::ALL[(i / 50) % 4]);
        edit::<Progress>(&doc, &user, |p| {
            let e = p.entry_mut(task, period);
            e.status = WorkStatus::InProgress;
            e.percent = (i % 100) as u8;
            e.result = format!("Lần cập nhật {i}: đã rà soát {} hồ sơ.", i * 3);
        });
    }
    tablet.wait_acknowledged(&doc).await;
    tablet.stop().await;
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let seal = |data: Vec<u8>, deps: Vec<automerge::ChangeHash>, heads| {
        tiendo_tests::unit_bundle(
            &user,
            UNIT,
            vec![DocData {
                id: own.clone(),
                heads,
                deps,
                data,
            }],
            Vec::new(),
            &key,
        )
    };
    let (saved, since, heads) =
        doc.with_document(|d| (d.save(), d.save_after(&first), d.get_heads()));
    let whole = seal(saved.clone(), Vec::new(), heads.clone());
    // What the tablet exports: the changes after the server's heads, or the whole document
    // when that is smaller (`infra::bundles::export`).
    let partial = if since.len() <= saved.len() {
        seal(since.clone(), first.clone(), heads)
    } else {
        seal(saved.clone(), Vec::new(), heads)
    };
    rows.push(Row {
        section: "carry",
        what: format!("a unit's year ({edits} edits) as a bundle, everything"),
        ours: whole.len() as f64 / 1024.0,
        reference: saved.len() as f64 / 1024.0,
        reference_name: "automerge save() of the same document",
        unit: "KB",
    });
    rows.push(Row {
        section: "carry",
        what: "the same year as the tablet exports what the server lacks".into(),
        ours: partial.len() as f64 / 1024.0,
        reference: since.len() as f64 / 1024.0,
        reference_name: "automerge save_after() of the same changes",
        unit: "KB",
    });

    // A starter for the unit, then one more edit the new tablet has to fetch.
    let (status, _, _, starter) = tokio::task::block_in_place(|| {
        server.download(&office_token, &format!("/api/bundles/starter?unit={UNIT}"))
    });
    assert_eq!(status, 200, "the starter bundle downloads");
    let opened = bundle::open(&starter).expect("the starter opens");
    let mut other = SyncClient::new("carry-after-starter").await;
    other.connect(server.sync_url(), &unit_token).await;
    let again = other.find(&own).await.expect("the unit's progress");
    edit::<Progress>(&again, &user, |p| {
        p.entry_mut("t3-b", PeriodKind::Year).difficulties = "Thiếu nhân lực".into();
    });
    other.wait_acknowledged(&again).await;
    other.stop().await;

    let proxy = SlowLink::start(server.addr()).await;
    let url = url::Url::parse(&format!("ws://{}/sync", proxy.addr)).expect("url");
    let ids: Vec<String> = opened
        .manifest
        .documents
        .iter()
        .map(|d| d.id.clone())
        .collect();
    let mut wanted = Vec::new();
    for id in &ids {
        let (library, id) = (server.library().clone(), id.clone());
        let heads = tokio::task::block_in_place(|| {
            server.on_server(async move { library.heads(&id).await.expect("heads") })
        });
        wanted.push(heads);
    }
    let first_sync = |loaded: bool| {
        let (url, token, opened, ids, wanted) = (
            url.clone(),
            unit_token.clone(),
            opened.clone(),
            ids.clone(),
            wanted.clone(),
        );
        async move {
            let tablet_dir = data_dir();
            let db = tablet_dir.path().join("tablet.sqlite");
            let mut tablet = if loaded {
                SyncClient::from_starter(&format!("carry-new-{loaded}"), &db, &opened).await
            } else {
                SyncClient::with_store(&format!("carry-new-{loaded}"), &db).await
            };
            let started = Instant::now();
            tablet.connect(url, &token).await;
            let connected = Instant::now();
            let docs = futures::future::join_all(ids.iter().map(|id| tablet.find(id))).await;
            let opened_in = connected.elapsed();
            for (doc, heads) in docs.iter().zip(&wanted) {
                let doc = doc.as_ref().expect("every document of the starter");
                let deadline = Instant::now() + Duration::from_secs(300);
                while doc.with_document(|d| d.get_heads()) != *heads {
                    assert!(Instant::now() < deadline, "the tablet caught up in time");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            let took = started.elapsed();
            let (_, received) = tablet.traffic.bytes();
            tablet.stop().await;
            (opened_in, took, received)
        }
    };
    let (o_nothing, t_nothing, b_nothing) = first_sync(false).await;
    let (o_starter, t_starter, b_starter) = first_sync(true).await;
    eprintln!(
        "bench carry: first sync from nothing {t_nothing:?} ({b_nothing} B), after the starter {t_starter:?} ({b_starter} B)"
    );
    rows.push(Row {
        section: "carry",
        what: "a new tablet's first sync after a starter bundle, received, Slow 3G".into(),
        ours: b_starter as f64 / 1024.0,
        reference: b_nothing as f64 / 1024.0,
        reference_name: "first sync from nothing",
        unit: "KB",
    });
    rows.push(Row {
        section: "carry",
        what: "the same, from the handshake until every document opens".into(),
        ours: o_starter.as_secs_f64(),
        reference: o_nothing.as_secs_f64(),
        reference_name: "first sync from nothing",
        unit: "s",
    });
    rows.push(Row {
        section: "carry",
        what: "the same, until the tablet holds what the server holds".into(),
        ours: t_starter.as_secs_f64(),
        reference: t_nothing.as_secs_f64(),
        reference_name: "first sync from nothing",
        unit: "s",
    });
    let (status, _, _, boot) =
        tokio::task::block_in_place(|| server.download(&unit_token, "/api/bootstrap"));
    assert_eq!(status, 200, "the bootstrap answers");
    rows.push(Row {
        section: "carry",
        what: "the starter bundle itself (plan, organisation, the unit's year)".into(),
        ours: starter.len() as f64 / 1024.0,
        reference: boot.len() as f64 / 1024.0,
        reference_name: "/api/bootstrap of the same documents",
        unit: "KB",
    });
    drop(proxy);
}

/// A TCP proxy emulating a slow link: every chunk waits for the link to be free at [`RATE`]
/// and then [`ONE_WAY`] more, in each direction.
struct SlowLink {
    addr: String,
    task: tokio::task::JoinHandle<()>,
}

impl SlowLink {
    async fn start(upstream: String) -> SlowLink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(server) = tokio::net::TcpStream::connect(&upstream).await else {
                        return;
                    };
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::join!(pipe(cr, sw), pipe(sr, cw));
                });
            }
        });
        SlowLink { addr, task }
    }
}

impl Drop for SlowLink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Copies `from` to `to` as the slow link would deliver it.
async fn pipe(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>)>();
    let writer = async move {
        while let Some((at, bytes)) = rx.recv().await {
            tokio::time::sleep_until(at).await;
            if to.write_all(&bytes).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    };
    let reader = async move {
        let mut free = tokio::time::Instant::now();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match from.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let now = tokio::time::Instant::now();
            free = free.max(now) + Duration::from_secs_f64(n as f64 / RATE);
            if tx.send((free + ONE_WAY, buf[..n].to_vec())).is_err() {
                break;
            }
        }
    };
    tokio::join!(reader, writer);
}
