//! The `tiendo` command line: `plan parse` prints the plan as JSON, `import` stores it, and bad
//! input is a clear error with a non-zero exit.

use std::process::Command;

fn tiendo() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tiendo"));
    c.env("RUST_LOG", "warn");
    c
}

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../seeds/ke-hoach-cchc-2025-so-khcn-quang-ngai.txt"
);
const COMMUNE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/tests/fixtures/ke-hoach-ubnd-xa-mau.txt"
);

#[test]
fn plan_parse_prints_the_seed_as_unescaped_json() {
    let out = tiendo().args(["plan", "parse", SEED]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Phòng Hành chính – Tổng hợp"),
        "UTF-8 is printed as is, not escaped"
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["number"], "/KH-SKHCN");
    assert_eq!(v["date"], "2024-12-26");
    assert_eq!(v["issuer"], "Sở Khoa học và Công nghệ");
    let areas = v["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 9);
    let tasks: Vec<&serde_json::Value> = areas
        .iter()
        .flat_map(|a| a["tasks"].as_array().unwrap())
        .collect();
    assert_eq!(tasks.len(), 43);
    let t = tasks.iter().find(|t| t["code"] == "2.c").unwrap();
    assert_eq!(
        t["lead_units"][0],
        "Các phòng chuyên môn, nghiệp vụ thuộc Sở"
    );
    assert_eq!(t["timeline_text"], "Chậm nhất là ngày 15/01/2025");
    assert_eq!(t["milestones"][0]["due"], "2025-01-15");
    assert_eq!(t["recurrence"], "once");
    let periods: Vec<(&str, &str)> = v["reporting_periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["deadline"].as_str().unwrap()))
        .collect();
    assert_eq!(
        periods,
        [
            ("Báo cáo quý I", "2025-03-03"),
            ("Báo cáo 6 tháng", "2025-06-03"),
            ("Báo cáo quý III", "2025-09-03"),
            ("Báo cáo năm", "2025-11-25")
        ]
    );
}

#[test]
fn plan_parse_errors_go_to_stderr_with_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n\n").unwrap();
    let letter = dir.path().join("letter.txt");
    std::fs::write(&letter, "Kính gửi anh chị,\n\nCảm ơn.").unwrap();
    let binary = dir.path().join("binary.txt");
    std::fs::write(&binary, [0xc3, 0x28, 0xff, 0x00, 0x41]).unwrap();
    let missing = dir.path().join("missing.txt");
    for (file, expect) in [
        (&empty, "trống"),
        (&letter, "không phải văn bản kế hoạch"),
        (&binary, "UTF-8"),
        (&missing, "không đọc được"),
    ] {
        let out = tiendo().args(["plan", "parse"]).arg(file).output().unwrap();
        assert!(!out.status.success(), "{file:?} must fail");
        assert!(out.stdout.is_empty(), "nothing on stdout for {file:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{file:?}: {err}");
    }
}

#[test]
fn plan_parse_table_previews_a_docx_plan_before_import() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/tests/fixtures/layouts/bullets-with-labels.txt"
    ))
    .unwrap();
    // The plan as a Word file, one paragraph per line, saved under a name that says nothing.
    let mut doc = docx_rs::Docx::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        doc = doc
            .add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(line)));
    }
    let file = dir.path().join("ke-hoach.bin");
    let mut bytes = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut bytes).unwrap();
    std::fs::write(&file, bytes.into_inner()).unwrap();
    let out = tiendo()
        .args(["plan", "parse", "--table"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    for want in [
        "4 lĩnh vực, 6 nhiệm vụ",
        "Chủ trì",
        "Công chức Văn phòng - Thống kê",
        "Bộ phận Một cửa",
        "31/03/2025",
        "Kỳ báo cáo: Quý I 10/03/2025",
    ] {
        assert!(table.contains(want), "{want:?} in:\n{table}");
    }
}

#[test]
fn import_stores_a_plan_and_refuses_it_twice() {
    let dir = tempfile::tempdir().unwrap();
    let out = tiendo()
        .arg("--data-dir")
        .arg(dir.path())
        .args(["import", COMMUNE])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("kh-cchc-2025-ubnd-xa-nghia-ha"), "{text}");
    assert!(
        text.contains("31/02/2025"),
        "what could not be placed is shown: {text}"
    );
    assert!(dir.path().join("tiendo.sqlite").exists());
    let again = tiendo()
        .arg("--data-dir")
        .arg(dir.path())
        .args(["import", COMMUNE])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("đã được nhập"));
}

#[test]
fn print_config_shows_the_layers_in_force() {
    let out = tiendo()
        .env("TIENDO_LISTEN", "127.0.0.1:9999")
        .args(["--data-dir", "/tmp/x", "print-config"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("listen = \"127.0.0.1:9999\""), "{text}");
    assert!(text.contains("data_dir = \"/tmp/x\""), "{text}");
}

#[test]
fn a_plan_without_reporting_periods_gets_the_configured_day() {
    let dir = tempfile::tempdir().unwrap();
    let annex = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/tests/fixtures/layouts/tab-annex.txt"
    );
    let parse = |config: Option<&str>| {
        let mut c = tiendo();
        c.current_dir(dir.path());
        if let Some(toml) = config {
            std::fs::write(dir.path().join("tiendo.toml"), toml).unwrap();
        }
        let out = c
            .args(["plan", "parse", "--table", annex])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, table, _) = parse(None);
    assert!(
        ok && table.contains("Quý I 15/03/2025") && table.contains("kỳ mặc định"),
        "{table}"
    );
    let (ok, table, _) = parse(Some("[import]\nreport_day = 10\n"));
    assert!(
        ok && table.contains("Quý I 10/03/2025, 6 tháng 10/06/2025"),
        "{table}"
    );
    let (ok, _, err) = parse(Some("[import]\nreport_day = 31\n"));
    assert!(!ok && err.contains("report_day"), "{err}");
}
