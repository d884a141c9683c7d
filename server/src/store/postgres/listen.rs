//! Listening to the other nodes sharing the database: their commits, catalogue entries and
//! account changes, as `NOTIFY` announcements on [`CHANNEL`].
//!
//! Stage: *the store*, above the engine's contracts: it keeps the prints (a cache) and tells the
//! sync layer what other nodes did ([`Foreign`]).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use tokio_postgres::NoTls;

use super::{CHANNEL, Foreign};
use crate::store::Result;
use crate::store::prints::{Prints, content_doc};

/// Listens on [`CHANNEL`] until `stop` is cancelled. Each time it (re)connects it lists the
/// stored keys and makes the prints again from them, then applies the announcements (this node's
/// own included: prints ignore a repeat) — so no commit is missed between a listing and the
/// announcements after it. Other nodes' new chunks and catalogue entries are passed on as
/// [`Foreign`]; after a lost connection, [`Foreign::Lost`]. `ready` is sent after the first
/// listing.
pub(crate) async fn listen(
    url: String,
    node: Arc<str>,
    prints: Arc<Prints>,
    out: tokio::sync::broadcast::Sender<Foreign>,
    stop: tokio_util::sync::CancellationToken,
    ready: tokio::sync::oneshot::Sender<Result<()>>,
) {
    let mut ready = Some(ready);
    let mut pause = std::time::Duration::from_millis(100);
    loop {
        let outcome = listen_once(&url, &node, &prints, &out, &stop, &mut ready).await;
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "listening for other nodes' commits failed; retrying");
            if let Some(r) = ready.take() {
                let _ = r.send(Err(e));
                return;
            }
        }
        if stop.is_cancelled() {
            return;
        }
        let _ = out.send(Foreign::Lost);
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(pause) => {}
        }
        pause = (pause * 2).min(std::time::Duration::from_secs(5));
    }
}

async fn listen_once(
    url: &str,
    node: &str,
    prints: &Prints,
    out: &tokio::sync::broadcast::Sender<Foreign>,
    stop: &tokio_util::sync::CancellationToken,
    ready: &mut Option<tokio::sync::oneshot::Sender<Result<()>>>,
) -> Result<()> {
    let config = tokio_postgres::Config::from_str(url)?;
    let (client, mut connection) = config.connect(NoTls).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let driver = tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(m) = futures::StreamExt::next(&mut messages).await {
            match m {
                Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                    let _ = tx.send(n.payload().to_string());
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "the listening connection failed");
                    break;
                }
            }
        }
    });
    let _driver = AbortOnDrop(driver);
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    // Announcements of commits before the listing arrive before its rows: they are queued.
    let keys = client.query("SELECT key FROM chunks", &[]).await?;
    prints.replace(keys.into_iter().map(|r| r.get(0)));
    if let Some(r) = ready.take() {
        let _ = r.send(Ok(()));
    }
    loop {
        let payload = tokio::select! {
            _ = stop.cancelled() => return Ok(()),
            p = rx.recv() => match p {
                Some(p) => p,
                None => return Ok(()), // the connection ended: reconnect
            },
        };
        let mut words = payload.split(' ');
        let (Some(kind), Some(from)) = (words.next(), words.next()) else {
            continue;
        };
        let keys: Vec<&str> = words.collect();
        match kind {
            "c" | "d" => {
                for k in &keys {
                    prints.changed(k, kind == "c");
                }
                if kind == "c" && from != node {
                    let mut by_doc: HashMap<&str, Vec<String>> = HashMap::new();
                    for k in keys {
                        if let Some(doc) = content_doc(k) {
                            by_doc.entry(doc).or_default().push(k.to_string());
                        }
                    }
                    for (doc, keys) in by_doc {
                        let _ = out.send(Foreign::Chunks {
                            doc: doc.to_string(),
                            keys,
                        });
                    }
                }
            }
            "r" if from != node => {
                let _ = out.send(Foreign::Catalogue);
            }
            "a" if from != node => {
                let _ = out.send(Foreign::Accounts);
            }
            _ => {}
        }
    }
}

/// Aborts the task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
