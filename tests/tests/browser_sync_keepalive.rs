//! Honest sync state, in headless Chromium against the real `tiendo serve` behind a proxy that
//! can stop forwarding without closing anything (scenario `tests/browser/sync_keepalive.mjs`):
//! with the link dead and no TCP error anywhere, the keep-alive makes the tablet say
//! "Ngoại tuyến" within 5 s; it syncs again by itself when the link is back; the browser's
//! offline event drops the socket at once.

use tiendo_tests::browser::{Scenario, client_copy};
use tiendo_tests::data_dir;
use tiendo_tests::process::RealServer;
use tiendo_tests::proxy::Proxy;

const UNIT: &str = "thanh-tra-so";

#[test]
fn a_silently_dead_link_shows_offline_within_five_seconds_and_recovers() {
    let dir = data_dir();
    let dist = client_copy();
    let server = RealServer::start(dir.path(), "127.0.0.1:0", dist.path());
    let proxy = Proxy::start(&server.addr);
    let mut run = Scenario::start(
        "sync_keepalive",
        &[
            ("BASE", format!("http://{}/", proxy.addr)),
            ("USER", server.demo_username(UNIT)),
            ("PASSWORD", server.password(UNIT)),
        ],
    );
    run.expect("synced");
    proxy.freeze(true);
    run.go();
    let offline = run.expect("offline");
    assert!(offline["noticed"].as_f64().unwrap() <= 5000.0, "{offline}");
    proxy.freeze(false);
    run.go();
    run.expect("back");
    run.finish();
}
