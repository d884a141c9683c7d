//! The sync pump driven through channels instead of a socket (as axum's testing-websockets
//! example does): the same loop `/sync` runs, against a real SQLite file and samod repo, with
//! the test playing the client frame by frame.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use axum::extract::ws::Message;
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use tiendo_server::domain::accounts::{Accounts, token_hash};
use tiendo_server::domain::session::Authenticated;
use tiendo_server::sync::frame;
use tiendo_server::sync::{close_code, pump};
use tiendo_server::{AppState, Config};

/// A client's two halves: what the test sends, what the pump answers.
struct Client {
    to_pump: mpsc::Sender<Result<Message, std::io::Error>>,
    from_pump: mpsc::Receiver<Message>,
    pump: tokio::task::JoinHandle<()>,
}

impl Client {
    async fn send(&mut self, bytes: Vec<u8>) {
        self.to_pump
            .send(Ok(Message::Binary(bytes.into())))
            .await
            .expect("the pump reads");
    }

    async fn next(&mut self) -> Message {
        tokio::time::timeout(Duration::from_secs(10), self.from_pump.next())
            .await
            .expect("the pump answers in time")
            .expect("the pump's sink is open")
    }

    /// The close frame the pump ends with, after which the pump task itself ends.
    async fn expect_close(mut self) -> (u16, String) {
        loop {
            if let Message::Close(Some(c)) = self.next().await {
                tokio::time::timeout(Duration::from_secs(10), self.pump)
                    .await
                    .expect("the pump stops after closing")
                    .expect("the pump did not panic");
                return (c.code, c.reason.to_string());
            }
        }
    }
}

/// A server state over a fresh data directory (seeded, with demo accounts), and a pump for the
/// central office's account reading from and writing to channels.
async fn connect(dir: &tempfile::TempDir) -> Client {
    connect_with(dir, false).await
}

async fn connect_with(dir: &tempfile::TempDir, keepalive: bool) -> Client {
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let (library, startup) = tiendo_server::open(&config).await.expect("opens");
    let accounts = Accounts::new(library.store().clone(), config.session_lifetime());
    let office = startup
        .demo_accounts
        .iter()
        .find(|a| a.role == tiendo_server::domain::accounts::Role::AgencyAdmin)
        .expect("a central office account");
    let session = accounts
        .login(
            &office.username,
            &office.password,
            IpAddr::V4(Ipv4Addr::LOCALHOST),
        )
        .await
        .expect("signs in");
    let auth = Authenticated {
        user: session.user,
        session: token_hash(&session.token),
        token: session.token,
    };
    let state = AppState::new(config, library);
    let (to_pump, rx) = mpsc::channel(16);
    let (tx, from_pump) = mpsc::channel(16);
    let pump = tokio::spawn(pump::run(state, auth, tx, rx, keepalive));
    Client {
        to_pump,
        from_pump,
        pump,
    }
}

#[tokio::test]
async fn a_join_over_channels_is_answered_by_samod_with_the_servers_peer_id() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = connect(&dir).await;
    client
        .send(frame::encode(
            &[("type", "join"), ("senderId", "tablet-1")],
            None,
        ))
        .await;
    let Message::Binary(answer) = client.next().await else {
        panic!("expected the peer message");
    };
    let peer = frame::decode(&answer).expect("a protocol message");
    assert_eq!(peer.kind, "peer");
    assert!(peer.sender_id.is_some_and(|id| id != "tablet-1"));
}

#[tokio::test]
async fn a_client_that_asks_hears_keep_alives_on_an_idle_connection_and_others_do_not() {
    for keepalive in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let mut client = connect_with(&dir, keepalive).await;
        client
            .send(frame::encode(
                &[("type", "join"), ("senderId", "tablet-k")],
                None,
            ))
            .await;
        let mut texts = 0;
        let idle = tokio::time::sleep(tiendo_server::sync::KEEPALIVE * 2);
        tokio::pin!(idle);
        loop {
            tokio::select! {
                m = client.from_pump.next() => match m {
                    Some(Message::Text(t)) => {
                        assert_eq!(t.as_str(), "k");
                        texts += 1;
                    }
                    Some(_) => {}
                    None => break,
                },
                _ = &mut idle => break,
            }
        }
        if keepalive {
            assert!(texts >= 2, "{texts} keep-alives");
        } else {
            assert_eq!(texts, 0);
        }
    }
}

#[tokio::test]
async fn a_text_frame_before_the_join_closes_with_unsupported_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = connect(&dir).await;
    client
        .to_pump
        .send(Ok(Message::Text("hello".into())))
        .await
        .unwrap();
    let (code, reason) = client.expect_close().await;
    assert_eq!(code, close_code::UNSUPPORTED);
    assert!(reason.contains("text frames"), "{reason}");
}

#[tokio::test]
async fn garbage_after_the_join_closes_that_connection_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = connect(&dir).await;
    client
        .send(frame::encode(
            &[("type", "join"), ("senderId", "tablet-2")],
            None,
        ))
        .await;
    let _peer = client.next().await;
    client.send(b"not cbor at all".to_vec()).await;
    let (code, reason) = client.expect_close().await;
    assert_eq!(code, close_code::INVALID);
    assert!(reason.contains("malformed frame"), "{reason}");
}
