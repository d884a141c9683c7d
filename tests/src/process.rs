//! The real `tiendo` binary as a child process, started the way the README's run command starts
//! it (`tiendo serve`), for tests that stop the server for real (`kill -9`, an outage) and start it
//! again on the same data directory and port. The URL and the first start's demo logins are read
//! from what it prints.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A memory figure of a process in KiB from `/proc/<pid>/status`: `field` is `VmRSS` (now) or
/// `VmHWM` (peak); `pid` may be `self`. 0 where /proc does not tell.
pub fn memory_kib(pid: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The machine's memory in KiB (`MemTotal` of `/proc/meminfo`); 0 where /proc does not tell.
pub fn memory_kib_total() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The `tiendo` binary cargo built next to the running program: `target/<profile>/tiendo`
/// beside a test (`target/<profile>/deps/<test>`) or a binary such as `bench`
/// (`target/<profile>/bench`).
pub fn tiendo_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let name = format!("tiendo{}", std::env::consts::EXE_SUFFIX);
    let beside = exe.parent().expect("the program's directory");
    [beside, beside.parent().unwrap_or(beside)]
        .iter()
        .map(|d| d.join(&name))
        .find(|b| b.is_file())
        .unwrap_or_else(|| {
            panic!(
                "no {name} beside {}: run the tests with `cargo test --workspace` (the \
                 benchmarks with scripts/bench)",
                exe.display()
            )
        })
}

/// A demo login as `tiendo serve` printed it on first start.
#[derive(Clone, Debug)]
pub struct PrintedLogin {
    pub username: String,
    pub password: String,
    /// `unit_editor`, `unit_head`, `agency_admin`, `system_admin`.
    pub role: String,
    /// The id of its unit: the slug of the printed unit name, as the import makes unit ids.
    pub unit_id: Option<String>,
}

/// A running `tiendo serve`. Dropping it kills the process.
pub struct RealServer {
    pub child: Child,
    /// `host:port` it listens on.
    pub addr: String,
    /// The demo logins printed on first start (`(username, password)`); empty afterwards.
    pub accounts: Vec<(String, String)>,
    /// The same logins with their role and unit.
    pub logins: Vec<PrintedLogin>,
}

impl RealServer {
    /// Starts `tiendo serve --listen LISTEN --data-dir DATA --static-dir STATIC` (listen
    /// `127.0.0.1:0` for a free port) and waits until it prints its URL.
    pub fn start(data: &Path, listen: &str, static_dir: &Path) -> RealServer {
        Self::spawn(data, listen, static_dir, "warn", Stdio::null(), &[])
    }

    /// Like [`RealServer::start`], with settings in `env` (`TIENDO_*` variables).
    pub fn start_with_env(
        data: &Path,
        listen: &str,
        static_dir: &Path,
        env: &[(&str, &str)],
    ) -> RealServer {
        Self::spawn(data, listen, static_dir, "warn", Stdio::null(), env)
    }

    /// Like [`RealServer::start`], running the `tiendo` binary at `binary` (another build).
    pub fn start_binary(binary: &Path, data: &Path, listen: &str, static_dir: &Path) -> RealServer {
        Self::spawn_binary(
            binary,
            data,
            listen,
            static_dir,
            "warn",
            Stdio::null(),
            &[],
            &[],
        )
    }

    /// Like [`RealServer::start`], with the log at level `rust_log` written to `log`.
    pub fn start_logged(
        data: &Path,
        listen: &str,
        static_dir: &Path,
        rust_log: &str,
        log: &Path,
    ) -> RealServer {
        Self::start_logged_with_args(data, listen, static_dir, rust_log, log, &[])
    }

    /// Like [`RealServer::start_logged`], with `args` after `serve`'s own (e.g. `--log-format
    /// json`).
    pub fn start_logged_with_args(
        data: &Path,
        listen: &str,
        static_dir: &Path,
        rust_log: &str,
        log: &Path,
        args: &[&str],
    ) -> RealServer {
        let file = std::fs::File::create(log).expect("log file");
        Self::spawn_binary(
            &tiendo_binary(),
            data,
            listen,
            static_dir,
            rust_log,
            Stdio::from(file),
            &[],
            args,
        )
    }

    fn spawn(
        data: &Path,
        listen: &str,
        static_dir: &Path,
        rust_log: &str,
        stderr: Stdio,
        env: &[(&str, &str)],
    ) -> RealServer {
        Self::spawn_binary(
            &tiendo_binary(),
            data,
            listen,
            static_dir,
            rust_log,
            stderr,
            env,
            &[],
        )
    }

    // The one constructor behind every public starter, each naming all of it.
    #[allow(clippy::too_many_arguments)]
    fn spawn_binary(
        binary: &Path,
        data: &Path,
        listen: &str,
        static_dir: &Path,
        rust_log: &str,
        stderr: Stdio,
        env: &[(&str, &str)],
        args: &[&str],
    ) -> RealServer {
        let mut child = Command::new(binary)
            .args(["serve", "--listen", listen])
            .arg("--data-dir")
            .arg(data)
            .arg("--static-dir")
            .arg(static_dir)
            .args(args)
            .env("RUST_LOG", rust_log)
            .envs(crate::stores::store_env(data))
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start tiendo serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut addr = None;
        let mut logins = Vec::new();
        let mut in_accounts = false;
        while let Some(Ok(line)) = lines.next() {
            if let Some(rest) = line.strip_prefix("Tiến độ đang chạy tại http://") {
                addr = Some(rest.trim_end_matches('/').to_string());
            } else if line.starts_with("Tài khoản mẫu") {
                in_accounts = true;
            } else if in_accounts && line.starts_with("  ") {
                // `  username password role  unit name`
                let mut w = line.split_whitespace();
                if let (Some(u), Some(p)) = (w.next(), w.next()) {
                    let role = w.next().unwrap_or_default().to_string();
                    let unit = w.collect::<Vec<_>>().join(" ");
                    logins.push(PrintedLogin {
                        username: u.to_string(),
                        password: p.to_string(),
                        role,
                        unit_id: (!unit.is_empty())
                            .then(|| tiendo_shared::model::text::slug(&unit)),
                    });
                }
                if line.contains("system_admin") {
                    break;
                }
            } else if addr.is_some() && (line.contains("Tài khoản:") || in_accounts) {
                break;
            }
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        RealServer {
            child,
            addr: addr.expect("the server printed its URL"),
            accounts: logins
                .iter()
                .map(|l| (l.username.clone(), l.password.clone()))
                .collect(),
            logins,
        }
    }

    /// The printed demo login `who` names, as [`crate::TestServer::demo_account`]: its username
    /// (`thanhtra`, `vanphong`, `admin`), or a unit's id (that unit's editor, or the central
    /// office's administrator), or `<unit id>.truong` (that unit's head).
    pub fn demo_login(&self, who: &str) -> &PrintedLogin {
        let (unit, head) = match who.strip_suffix(".truong") {
            Some(unit) => (unit, true),
            None => (who, false),
        };
        self.logins
            .iter()
            .find(|l| l.username == who)
            .or_else(|| {
                self.logins
                    .iter()
                    .find(|l| l.unit_id.as_deref() == Some(unit) && (l.role == "unit_head") == head)
            })
            .unwrap_or_else(|| panic!("no demo login {who} printed: {:?}", self.accounts))
    }

    /// The username of the printed demo login `who` names ([`RealServer::demo_login`]).
    pub fn demo_username(&self, who: &str) -> String {
        self.demo_login(who).username.clone()
    }

    /// The password printed for the demo login `who` names ([`RealServer::demo_login`]).
    pub fn password(&self, who: &str) -> String {
        self.demo_login(who).password.clone()
    }

    /// `http://host:port{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Runs `tiendo ARGS --data-dir DATA` (a CLI command beside the running server) and returns
    /// its stdout; panics with its stderr when it fails.
    pub fn cli(data: &Path, args: &[&str]) -> String {
        let out = Command::new(tiendo_binary())
            .args(args)
            .arg("--data-dir")
            .arg(data)
            .envs(crate::stores::store_env(data))
            .output()
            .expect("run tiendo");
        assert!(
            out.status.success(),
            "tiendo {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A graceful stop, as an operator's `systemctl stop`: SIGTERM, then waits for the process
    /// to end (what it keeps is flushed).
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }

    /// A real outage: SIGKILL, no shutdown, no flush.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
