//! Real-browser scenarios: a Node script in `tests/browser/` drives Debian's Chromium through
//! playwright-core against a real server, and talks to the Rust test over a line protocol (JSON
//! events on its stdout, "go" on its stdin when the test has done its part, such as stopping the
//! server). Needs what `scripts/test` installs: `client/dist` (scripts/build-client),
//! `client/tools/node_modules` and `/usr/bin/chromium`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long one step of a scenario may take.
pub const STEP: Duration = Duration::from_secs(90);

/// The repository's root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// A fresh copy of the built client (`client/dist`), which a scenario may change (a "new build").
pub fn client_copy() -> tempfile::TempDir {
    let dist = workspace().join("client/dist");
    assert!(
        dist.join("index.html").is_file() && dist.join("sw.js").is_file(),
        "{} has no built client: run scripts/build-client (scripts/test does)",
        dist.display()
    );
    let copy = tempfile::tempdir().expect("temp dir");
    copy_dir(&dist, copy.path());
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read dist") {
        let entry = entry.expect("dist entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Where a failing scenario leaves its screenshots: `<target>/<profile>/browser-failures/<name>`
/// beside the test binaries (kept after the test; emptied when the scenario runs again).
pub fn screenshot_dir(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/<test binary>
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    profile.join("browser-failures").join(name)
}

/// A running scenario.
pub struct Scenario {
    name: String,
    child: Child,
    stdin: ChildStdin,
    events: mpsc::Receiver<serde_json::Value>,
    seen: Vec<serde_json::Value>,
    // Chromium's profile and its temporary files (scoped dirs of ~100 MB) go here and are
    // removed with the scenario.
    _scratch: tempfile::TempDir,
}

impl Scenario {
    /// Starts `tests/browser/<name>.mjs` with `env` (plus `PROFILE`, a fresh profile
    /// directory, `PROFILE_B` for a second browser, `PROFILE_DIR` for more and for files the
    /// scenario leaves for the test, and `SHOTS`, where a failure leaves screenshots).
    pub fn start(name: &str, env: &[(&str, String)]) -> Scenario {
        let script = workspace()
            .join("tests/browser")
            .join(format!("{name}.mjs"));
        let playwright = workspace().join("client/tools/node_modules/playwright-core");
        assert!(
            playwright.is_dir(),
            "playwright-core is not installed: run `npm ci` in client/tools (scripts/test does)"
        );
        let scratch = tempfile::tempdir().expect("temp dir");
        let tmp = scratch.path().join("tmp");
        std::fs::create_dir_all(&tmp).expect("tmp");
        let shots = screenshot_dir(name);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).expect("screenshot dir");
        let mut cmd = Command::new("node");
        cmd.arg(&script)
            .env("SHOTS", &shots)
            .env("PROFILE", scratch.path().join("profile-a"))
            .env("PROFILE_B", scratch.path().join("profile-b"))
            .env("PROFILE_DIR", scratch.path())
            .env("TMPDIR", &tmp)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start node for {name}: {e}"));
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, events) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let event = serde_json::from_str(&line)
                    .unwrap_or_else(|_| serde_json::json!({"event": "output", "line": line}));
                if tx.send(event).is_err() {
                    break;
                }
            }
        });
        Scenario {
            name: name.to_string(),
            child,
            stdin,
            events,
            seen: Vec::new(),
            _scratch: scratch,
        }
    }

    /// Waits for `event` and returns it; fails on an error, a page error, the end of the
    /// script or a timeout, showing what came before.
    pub fn expect(&mut self, event: &str) -> serde_json::Value {
        self.expect_within(event, STEP)
    }

    /// [`Scenario::expect`] with another patience (a benchmark's minutes on an emulated 3G link).
    pub fn expect_within(&mut self, event: &str, patience: Duration) -> serde_json::Value {
        loop {
            let got = match self.events.recv_timeout(patience) {
                Ok(got) => got,
                Err(e) => panic!(
                    "{}: no {event:?} within {patience:?} ({e}); events so far: {:#?}",
                    self.name, self.seen
                ),
            };
            self.seen.push(got.clone());
            match got["event"].as_str() {
                Some(e) if e == event => return got,
                Some("error") | Some("page-error") | Some("done") => panic!(
                    "{}: expected {event:?}, got {got:#}; events so far: {:#?}; screenshots in {}",
                    self.name,
                    self.seen,
                    screenshot_dir(&self.name).display()
                ),
                _ => {}
            }
        }
    }

    /// Lets the script go on after a hand-over.
    pub fn go(&mut self) {
        writeln!(self.stdin, "go").expect("scenario is listening");
        self.stdin.flush().expect("flush");
    }

    /// Waits for the script to finish cleanly.
    pub fn finish(mut self) {
        self.expect("done");
        let status = self.child.wait().expect("node exits");
        assert!(status.success(), "{}: node exited with {status}", self.name);
    }
}

impl Drop for Scenario {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
