//! Test support for Tiến độ's integration tests: a real server on a random loopback port over a
//! real SQLite file in a temporary directory, stopped when dropped.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use tiendo_server::{Config, Startup};
use tokio::sync::oneshot;

/// A running server. Dropping it shuts the server down and waits for it to flush.
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// What start-up did.
    pub startup: Startup,
    data_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Starts the server on `127.0.0.1:0` over `data_dir`, through the same `open` + `serve`
    /// path as `tiendo serve`.
    pub fn start(data_dir: &Path) -> TestServer {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let dir = data_dir.to_path_buf();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let config = Config {
                    listen: "127.0.0.1:0".parse().unwrap(),
                    data_dir: dir,
                    static_dir: PathBuf::from("/nonexistent"),
                };
                let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
                let addr = listener.local_addr().unwrap();
                let (library, startup) = tiendo_server::open(&config).await.expect("open");
                ready_tx.send((addr, startup)).unwrap();
                tiendo_server::serve(config, library, listener, async {
                    let _ = stop_rx.await;
                })
                .await
                .expect("serve");
            });
        });
        let (addr, startup) = ready_rx.recv().expect("server started");
        TestServer {
            addr,
            startup,
            data_dir: data_dir.to_path_buf(),
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// GETs `path` and returns the status and the JSON body.
    pub fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut resp = agent.get(&self.url(path)).call().expect("request");
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.body_mut().read_json().expect("json body");
        (status, body)
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
