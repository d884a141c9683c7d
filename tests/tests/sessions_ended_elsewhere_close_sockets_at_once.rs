//! A password changed or an account disabled with `tiendo user passwd` / `tiendo user disable` —
//! a separate process beside the running server, on the same store — closes the user's open
//! sync sockets at once (1008 within seconds), not at the socket's next session check a minute
//! later. Runs on either store: the CLI is pointed at the test's SQLite file or PostgreSQL
//! database.

use std::time::{Duration, Instant};

use tiendo_tests::process::RealServer;
use tiendo_tests::{RawEvent, RawSocket, TestServer, blocking, data_dir};

const UNIT: &str = "thanh-tra-so";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";

/// The promise: closed within this long of the command's return.
const AT_ONCE: Duration = Duration::from_secs(3);

/// An open sync socket of `token`'s user, past its `join`.
async fn open_socket(server: &TestServer, token: &str, peer: &str) -> RawSocket {
    let mut socket = RawSocket::connect(&server.sync_url(), Some(token))
        .await
        .expect("the socket opens");
    socket.join(peer).await;
    socket
}

/// Waits up to [`AT_ONCE`] for the socket to be closed; its close code.
async fn closed_within(socket: &mut RawSocket) -> Option<u16> {
    let deadline = Instant::now() + AT_ONCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        match socket.next(left).await {
            RawEvent::Closed(code, _) => return Some(code),
            RawEvent::Binary(_) => continue,
            RawEvent::Quiet => return None,
            RawEvent::Ended => return Some(1006),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_changed_or_an_account_disabled_by_the_command_line_closes_its_sockets_at_once()
{
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let unit = blocking(|| server.login_demo(UNIT));
    let office = blocking(|| server.login_demo(OFFICE));
    let mut unit_socket = open_socket(&server, &unit, "tablet-unit").await;
    let mut office_socket = open_socket(&server, &office, "laptop-office").await;

    let unit_user = server.demo_username(UNIT);
    let out = blocking(|| RealServer::cli(dir.path(), &["user", "disable", &unit_user]));
    assert!(out.contains(&unit_user), "{out}");
    assert_eq!(
        closed_within(&mut unit_socket).await,
        Some(1008),
        "the disabled user's socket closes at once"
    );
    // Someone else's socket stays open.
    assert_eq!(
        office_socket.next(Duration::from_millis(300)).await,
        RawEvent::Quiet
    );

    let office_user = server.demo_username(OFFICE);
    let out = blocking(|| RealServer::cli(dir.path(), &["user", "passwd", &office_user]));
    assert!(out.contains("mật khẩu mới"), "{out}");
    assert_eq!(
        closed_within(&mut office_socket).await,
        Some(1008),
        "a new password closes the old sessions' sockets at once"
    );
}
