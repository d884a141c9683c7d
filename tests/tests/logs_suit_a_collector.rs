//! The log suits a log collector: the real `tiendo serve`, its standard error redirected to a
//! file (as journald or a container runtime takes it), writes no ANSI colour escapes; with
//! `--log-format json` every line of it is one JSON object with a level and a message.

use std::path::Path;

use tiendo_tests::process::RealServer;
use tiendo_tests::{blocking, data_dir, request};

/// Starts a server logging at `debug` into a file with `args`, has it answer a health check and
/// a sign-in (request logs), stops it as systemd does (SIGTERM: the shutdown is logged too) and
/// returns what it logged.
fn log_of_a_short_run(args: &[&str]) -> String {
    let dir = data_dir();
    let log = dir.path().join("server.log");
    let server = RealServer::start_logged_with_args(
        dir.path(),
        "127.0.0.1:0",
        Path::new("/nonexistent"),
        "debug",
        &log,
        args,
    );
    let (status, _) = request(&server.addr, "GET", "/api/health", None, None);
    assert_eq!(status, 200);
    let (username, password) = server.accounts[0].clone();
    let (status, body) = request(
        &server.addr,
        "POST",
        "/api/login",
        None,
        Some(serde_json::json!({ "username": username, "password": password })),
    );
    assert_eq!(status, 200, "{body}");
    server.stop();
    std::fs::read_to_string(&log).expect("the log file")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirected_log_has_no_colour_escapes() {
    let log = blocking(|| log_of_a_short_run(&[]));
    assert!(log.lines().count() > 3, "the run was logged: {log}");
    assert!(
        !log.contains("\x1b["),
        "no ANSI escape in a log that is not a terminal: {log}"
    );
    assert!(log.contains("shutting down"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_log_is_one_object_a_line_with_level_and_message() {
    let log = blocking(|| log_of_a_short_run(&["--log-format", "json"]));
    assert!(log.lines().count() > 3, "the run was logged: {log}");
    assert!(!log.contains("\x1b["), "{log}");
    let mut messages = Vec::new();
    for line in log.lines() {
        let event: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON object ({e}): {line}"));
        let level = event["level"].as_str().unwrap_or_default();
        assert!(
            ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(&level),
            "a level: {line}"
        );
        assert!(event["timestamp"].is_string(), "a timestamp: {line}");
        let message = event["message"]
            .as_str()
            .unwrap_or_else(|| panic!("a message: {line}"));
        messages.push((level.to_string(), message.to_string()));
    }
    assert!(
        messages
            .iter()
            .any(|(level, m)| level == "INFO" && m == "shutting down"),
        "the shutdown, at INFO: {messages:?}"
    );
}
