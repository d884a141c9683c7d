//! `bench files`: an evidence file's upload on a weak link (`tests/browser/bench_upload.mjs`):
//! the tablet's resumable upload (tus, 256 KiB pieces) of a 5 MB PDF on emulated "Fast 3G"
//! beside the floor — as many bytes in one request from the same page on the same link — and
//! the bytes sent twice when the upload is cut at half (the server killed and started again).

use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::process::RealServer;
use tiendo_tests::{data_dir, login, own_progress};

use crate::Row;

const UNIT: &str = "thanh-tra-so";
/// A PDF of `size` bytes (the benchmark's: 5 MB).
fn pdf(seed: u32, size: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    out.extend(
        (0..(size - out.len()) as u32)
            .map(|i| (i.wrapping_add(seed).wrapping_mul(2_654_435_761) >> 24) as u8),
    );
    out
}

/// Runs the upload scenario once and adds its rows.
pub async fn upload(rows: &mut Vec<Row>, size: usize) {
    let dir = data_dir();
    let dist = client_copy();
    let server = RealServer::start(dir.path(), "127.0.0.1:0", dist.path());
    let (user, password) = (server.demo_username(UNIT), server.password(UNIT));
    let addr = server.addr.clone();
    let token = tokio::task::block_in_place(|| login(&addr, &user, &password));
    let (_, doc) = tokio::task::block_in_place(|| own_progress(&addr, &token));
    let (first, second) = (dir.path().join("bc-1.pdf"), dir.path().join("bc-2.pdf"));
    std::fs::write(&first, pdf(1, size)).expect("write");
    std::fs::write(&second, pdf(2, size)).expect("write");
    let got = tokio::task::block_in_place(|| {
        let mut run = Scenario::start(
            "bench_upload",
            &[
                ("BASE", format!("http://{addr}/")),
                ("USER", user),
                ("PASSWORD", password),
                ("PDF", first.display().to_string()),
                ("PDF2", second.display().to_string()),
                ("DOC", doc),
            ],
        );
        // Each upload takes a minute or more on that link.
        let patience = std::time::Duration::from_secs(600);
        let floor = run.expect_within("floor", patience);
        eprintln!("bench files: one request {floor}");
        let app = run.expect_within("app", patience);
        eprintln!("bench files: the tablet's upload {app}");
        run.expect_within("half", patience);
        server.kill();
        // Down for longer than one piece takes on that link (256 KiB at 84,375 B/s: 3.1 s), so
        // the piece in flight is lost, not merely delayed by the emulation.
        std::thread::sleep(std::time::Duration::from_secs(5));
        let restarted = RealServer::start(dir.path(), &addr, dist.path());
        run.go();
        let got = run.expect_within("upload", patience);
        drop(restarted);
        run.finish();
        got
    });
    let f = |path: &[&str]| {
        path.iter()
            .fold(&got, |v, k| &v[*k])
            .as_f64()
            .unwrap_or(f64::NAN)
    };
    assert_eq!(
        got["floor"]["status"], 204,
        "the floor's upload was stored: {got}"
    );
    rows.push(Row {
        section: "files",
        what: format!(
            "{:.1} MB PDF uploaded by the tablet (tus, 256 KiB pieces), emulated Fast 3G",
            size as f64 / (1024.0 * 1024.0)
        ),
        ours: f(&["app", "ms"]),
        reference: f(&["floor", "ms"]),
        reference_name: "the same size in one request (creation + one PATCH)",
        unit: "ms",
    });
    rows.push(Row {
        section: "files",
        what: "  bytes sent for it".into(),
        ours: f(&["app", "sent"]),
        reference: f(&["size"]),
        reference_name: "the file",
        unit: "bytes",
    });
    rows.push(Row {
        section: "files",
        what: "  the same with the upload cut at half (server killed, restarted): bytes sent"
            .into(),
        ours: f(&["cut", "sent"]),
        reference: f(&["size"]),
        reference_name: "the file",
        unit: "bytes",
    });
    rows.push(Row {
        section: "files",
        what: "  the same: time to stored, 5 s without a server included".into(),
        ours: f(&["cut", "ms"]),
        reference: f(&["app", "ms"]),
        reference_name: "uncut",
        unit: "ms",
    });
}
