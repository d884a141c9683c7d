//! The login throttle against a real server, from several loopback addresses (127.0.0.x, each
//! request from a socket bound to its own address): 60 wrong passwords sent at once for one
//! account are checked exactly as many times as there are free tries, the rest refused
//! unchecked; an address that fails often is slowed, never closed — a colleague signing in
//! correctly from the same office still gets in; the account is locked at that address only, so
//! its owner elsewhere signs in, until guesses spread over many addresses lock the account; a
//! disabled account's right password answers exactly as a wrong one.

use std::net::{IpAddr, SocketAddr};

use tiendo_server::domain::accounts::{
    FREE_ATTEMPTS, FREE_ATTEMPTS_PER_ACCOUNT, FREE_ATTEMPTS_PER_ADDRESS,
};
use tiendo_tests::{TestServer, blocking, data_dir};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const INSPECTORATE: &str = "thanh-tra-so";

/// `POST /api/login` from a socket bound to `from`: the status, `Retry-After` and body.
async fn login_from(server: SocketAddr, from: IpAddr, user: &str, password: &str) -> Answer {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(from, 0)).unwrap();
    let mut stream = socket.connect(server).await.unwrap();
    let body = serde_json::json!({ "username": user, "password": password }).to_string();
    let request = format!(
        "POST /api/login HTTP/1.1\r\nHost: {server}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let retry_after = head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("retry-after:")
            .map(|v| v.trim().to_string())
    });
    Answer {
        status,
        retry_after,
        body: body.to_string(),
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    retry_after: Option<String>,
    body: String,
}

fn ip(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_are_checked_exactly_the_free_tries_and_the_office_stays_open() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let addr: SocketAddr = server.addr().parse().unwrap();
    let office = ip(2);
    let inspectorate = server.demo_username(INSPECTORATE);

    // 60 wrong passwords for one account, at once, from one office.
    let guesses: Vec<_> = (0..60)
        .map(|i| {
            let user = inspectorate.clone();
            tokio::spawn(
                async move { login_from(addr, office, &user, &format!("doan-sai-{i}")).await },
            )
        })
        .collect();
    let mut answers = Vec::new();
    for g in guesses {
        answers.push(g.await.unwrap());
    }
    let checked = answers.iter().filter(|a| a.status == 401).count();
    let refused = answers.iter().filter(|a| a.status == 429).count();
    assert_eq!(
        (checked, refused),
        (FREE_ATTEMPTS as usize, 60 - FREE_ATTEMPTS as usize),
        "exactly the free tries are checked: {answers:#?}"
    );
    assert!(
        answers
            .iter()
            .filter(|a| a.status == 429)
            .all(|a| a.retry_after.is_some() && a.body.contains("too_many_attempts")),
        "{answers:#?}"
    );
    // The account is locked at this address: its right password is not even checked here.
    let right = server.password(INSPECTORATE);
    let a = login_from(addr, office, &inspectorate, &right).await;
    assert_eq!(a.status, 429, "{a:?}");

    // The same office keeps failing, over several names (known and unknown), past the
    // address's free failures: its answers slow down, it is never closed.
    let mut failures = FREE_ATTEMPTS;
    let mut names = 0;
    while failures <= FREE_ATTEMPTS_PER_ADDRESS {
        let name = format!("khong-co-ai-{names}");
        names += 1;
        let tries: Vec<_> = (0..FREE_ATTEMPTS)
            .take((FREE_ATTEMPTS_PER_ADDRESS + 1 - failures) as usize)
            .map(|_| {
                let name = name.clone();
                tokio::spawn(async move { login_from(addr, office, &name, "sai-mat-khau").await })
            })
            .collect();
        for t in tries {
            let a = t.await.unwrap();
            assert_eq!(a.status, 401, "{a:?}");
            failures += 1;
        }
    }
    assert!(failures > FREE_ATTEMPTS_PER_ADDRESS);
    // A colleague who types the right password from that office gets in at once.
    let a = login_from(
        addr,
        office,
        &server.demo_username(OFFICE),
        &server.password(OFFICE),
    )
    .await;
    assert_eq!(a.status, 200, "the office is not locked out: {a:?}");

    // The owner of the locked account, from home, signs in: the lock is the pair's.
    let home = ip(3);
    let a = login_from(addr, home, &inspectorate, &right).await;
    assert_eq!(a.status, 200, "locked at the office only: {a:?}");

    // Guesses spread over addresses, 4 tries each, add up for the account: once its free tries
    // are spent it is locked from every address where it is not signed in yet.
    let spread = FREE_ATTEMPTS_PER_ACCOUNT.div_ceil(FREE_ATTEMPTS - 1);
    for n in 0..spread {
        let from = ip(10 + n as u8);
        for _ in 0..FREE_ATTEMPTS - 1 {
            let a = login_from(addr, from, &inspectorate, "doan-sai").await;
            assert!(matches!(a.status, 401 | 429), "{a:?}");
        }
    }
    let a = login_from(addr, ip(100), &inspectorate, &right).await;
    assert_eq!(
        a.status, 429,
        "distributed guessing locks the account: {a:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_accounts_right_password_answers_as_a_wrong_one() {
    let dir = data_dir();
    let server = blocking(|| TestServer::start(dir.path()));
    let addr: SocketAddr = server.addr().parse().unwrap();
    let right = server.password(INSPECTORATE);
    let inspectorate = server.demo_username(INSPECTORATE);
    let store = server.library().store().clone();
    let user = inspectorate.clone();
    server.on_server(async move { store.set_disabled(&user, true).await.unwrap() });

    // Each from its own address, so neither answer meets the other's count.
    let with_right = login_from(addr, ip(20), &inspectorate, &right).await;
    let with_wrong = login_from(addr, ip(21), &inspectorate, "sai-mat-khau-1").await;
    let unknown = login_from(addr, ip(22), "khong-co-ai", "sai-mat-khau-1").await;
    assert_eq!(with_right.status, 401, "{with_right:?}");
    assert_eq!(
        (with_right.status, &with_right.body),
        (with_wrong.status, &with_wrong.body),
        "the right password of a disabled account says nothing more than a wrong one"
    );
    assert_eq!((unknown.status, &unknown.body), (401, &with_wrong.body));
    // It still tells an honest user what to do.
    assert!(
        with_right.body.contains("bị khoá") && with_right.body.contains("quản trị"),
        "{with_right:?}"
    );
    // And the right password spends a try as a wrong one does: the fifth locks the pair.
    for _ in 1..FREE_ATTEMPTS {
        assert_eq!(
            login_from(addr, ip(20), &inspectorate, &right).await.status,
            401
        );
    }
    assert_eq!(
        login_from(addr, ip(20), &inspectorate, &right).await.status,
        429
    );
}
