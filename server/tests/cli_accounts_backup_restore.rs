//! The `tiendo` command line for operators: units, users, backup and restore, on a real data
//! directory; a restore is refused while a server holds the directory.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../seeds/ke-hoach-cchc-2025-so-khcn-quang-ngai.txt"
);

fn tiendo(data: &Path, args: &[&str]) -> Output {
    tiendo_stdin(data, args, "")
}

fn tiendo_stdin(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tiendo"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn err(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "should fail: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn units_and_users_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(err(&tiendo(data, &["user", "list"])).contains("chưa có cơ sở dữ liệu"));
    ok(&tiendo(data, &["import", SEED]));

    let units = ok(&tiendo(data, &["unit", "list"]));
    assert_eq!(units.lines().count(), 6, "{units}");
    assert!(
        units
            .lines()
            .any(|l| l.starts_with("phong-hanh-chinh-tong-hop") && l.contains("đầu mối tổng hợp")),
        "{units}"
    );

    let added = ok(&tiendo(
        data,
        &[
            "user",
            "add",
            "lan.tt",
            "--role",
            "unit_editor",
            "--unit",
            "thanh-tra-so",
        ],
    ));
    assert!(
        added.contains("mật khẩu: "),
        "a password is generated and shown: {added}"
    );
    assert!(
        err(&tiendo(
            data,
            &["user", "add", "lan.tt", "--unit", "thanh-tra-so"]
        ))
        .contains("đã có")
    );
    assert!(
        err(&tiendo(data, &["user", "add", "x2", "--unit", "khong-co"]))
            .contains("không có đơn vị")
    );
    assert!(
        err(&tiendo(
            data,
            &["user", "add", "x3", "--role", "unit_editor"]
        ))
        .contains("--unit")
    );
    assert!(err(&tiendo(data, &["user", "add", "x4", "--role", "boss"])).contains("vai trò"));
    let short = tiendo_stdin(
        data,
        &[
            "user",
            "add",
            "x5",
            "--role",
            "province_viewer",
            "--password-stdin",
        ],
        "ngan\n",
    );
    assert!(err(&short).contains("ít nhất 8"));
    ok(&tiendo_stdin(
        data,
        &[
            "user",
            "add",
            "so-noi-vu",
            "--role",
            "province_viewer",
            "--password-stdin",
        ],
        "mat-khau-dai-du\n",
    ));

    let list = ok(&tiendo(data, &["user", "list"]));
    let line = list.lines().find(|l| l.starts_with("lan.tt")).unwrap();
    assert!(
        line.contains("unit_editor") && line.contains("thanh-tra-so") && line.contains("hoạt động")
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("so-noi-vu") && l.contains("province_viewer"))
    );

    let passwd = ok(&tiendo(data, &["user", "passwd", "lan.tt"]));
    assert!(passwd.contains("mật khẩu mới: "));
    ok(&tiendo(data, &["user", "disable", "lan.tt"]));
    let list = ok(&tiendo(data, &["user", "list"]));
    assert!(
        list.lines()
            .find(|l| l.starts_with("lan.tt"))
            .unwrap()
            .contains("đã khoá")
    );
    ok(&tiendo(data, &["user", "enable", "lan.tt"]));
    assert!(err(&tiendo(data, &["user", "disable", "khong-co"])).contains("không"));
}

#[test]
fn backup_and_restore_round_trip_and_refuse_bad_or_busy_targets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&tiendo(&data, &["import", SEED]));
    ok(&tiendo(
        &data,
        &["user", "add", "truoc", "--role", "system_admin"],
    ));
    let backup = dir.path().join("sao-luu.sqlite");
    let out = ok(&tiendo(&data, &["backup", backup.to_str().unwrap()]));
    assert!(out.contains("Đã sao lưu"));
    assert!(err(&tiendo(&data, &["backup", backup.to_str().unwrap()])).contains("đã tồn tại"));

    ok(&tiendo(
        &data,
        &["user", "add", "sau", "--role", "system_admin"],
    ));
    let garbage = dir.path().join("rac.sqlite");
    std::fs::write(&garbage, b"this is not a database at all").unwrap();
    assert!(err(&tiendo(&data, &["restore", garbage.to_str().unwrap()])).contains("rac.sqlite"));
    assert!(
        ok(&tiendo(&data, &["user", "list"])).contains("sau"),
        "a refused restore leaves the data alone"
    );

    // While a server holds the data directory, restore is refused.
    let config = tiendo_server::Config {
        data_dir: data.clone(),
        ..tiendo_server::Config::default()
    };
    let lock = tiendo_server::lock_data_dir(&config).unwrap();
    assert!(err(&tiendo(&data, &["restore", backup.to_str().unwrap()])).contains("đang được"));
    drop(lock);

    let out = ok(&tiendo(&data, &["restore", backup.to_str().unwrap()]));
    assert!(out.contains("Đã khôi phục"));
    let list = ok(&tiendo(&data, &["user", "list"]));
    assert!(list.contains("truoc") && !list.contains("sau"), "{list}");
    assert_eq!(
        ok(&tiendo(&data, &["unit", "list"])).lines().count(),
        6,
        "documents restored"
    );
}

#[test]
fn reports_are_written_from_the_command_line_and_bad_periods_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out_dir = dir.path().join("bao-cao");
    ok(&tiendo(&data, &["import", SEED]));
    let plan = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
    let out = out_dir.to_str().unwrap();
    let written = ok(&tiendo(
        &data,
        &[
            "report",
            "--plan",
            plan,
            "--period",
            "h1",
            "--as-of",
            "30/06/2025",
            "--out",
            out,
        ],
    ));
    let files: Vec<&str> = written.lines().collect();
    assert_eq!(files.len(), 2, "{written}");
    assert!(
        files[0].ends_with("bao-cao-cchc-2025-6-thang-so-khcn-quang-ngai.docx"),
        "{written}"
    );
    assert!(
        files[1].ends_with("phu-luc-cchc-2025-6-thang-so-khcn-quang-ngai.xlsx"),
        "{written}"
    );
    for f in files {
        let bytes = std::fs::read(f).unwrap();
        assert_eq!(&bytes[..2], b"PK", "{f} is a zip (OOXML) file");
    }
    assert!(
        err(&tiendo(
            &data,
            &["report", "--plan", plan, "--period", "q5", "--out", out]
        ))
        .contains("q1, h1, q3, year")
    );
    assert!(
        err(&tiendo(
            &data,
            &[
                "report", "--plan", "khong-co", "--period", "q1", "--out", out
            ]
        ))
        .contains("không tìm thấy kế hoạch khong-co")
    );
}
