//! The Debian package's `/etc/tiendo/tiendo.toml` (server/debian/tiendo.toml) names every
//! setting the server reads: with its commented settings (`#key = …`, `#[section]`) uncommented
//! it is a file the real `tiendo print-config` accepts (no unknown key, every value valid), and
//! it holds every key `print-config` shows. As packaged, it puts the data where the unit may
//! write (`ReadWritePaths` of tiendo.service) and serves the client where the package puts it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use tiendo_tests::process::tiendo_binary;

fn debian(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../server/debian")
        .join(file)
}

/// `tiendo print-config` (with `--config FILE` if given) in an empty directory and an empty
/// environment, so only the defaults and the file count.
fn print_config(file: Option<&Path>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(tiendo_binary());
    cmd.env_clear().current_dir(dir.path());
    if let Some(file) = file {
        cmd.arg("--config").arg(file);
    }
    let out = cmd.arg("print-config").output().expect("run tiendo");
    assert!(
        out.status.success(),
        "print-config {file:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The `section.key` names a TOML text sets (top-level keys as `key`).
fn keys(toml: &str) -> BTreeSet<String> {
    let mut section = String::new();
    let mut keys = BTreeSet::new();
    for line in toml.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = format!("{name}.");
        } else if let Some((key, _)) = line.split_once('=')
            && !line.starts_with('#')
        {
            keys.insert(format!("{section}{}", key.trim()));
        }
    }
    keys
}

#[test]
fn every_setting_is_in_the_packaged_config_and_valid_uncommented() {
    let packaged = std::fs::read_to_string(debian("tiendo.toml")).unwrap();
    // `#key = value` and `#[section]` are settings; `# words` are comments.
    let uncommented: String = packaged
        .lines()
        .map(|l| match l.strip_prefix('#') {
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_lowercase() || c == '[') => rest,
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tiendo.toml");
    std::fs::write(&file, &uncommented).unwrap();
    print_config(Some(&file));

    let named = keys(&uncommented);
    let missing: Vec<_> = keys(&print_config(None))
        .into_iter()
        .filter(|k| !named.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "settings the server reads that server/debian/tiendo.toml does not name: {missing:?}"
    );
    assert!(named.contains("store"), "the store, unset by default");
}

#[test]
fn the_packaged_paths_are_those_the_unit_and_the_package_use() {
    let config = print_config(Some(&debian("tiendo.toml")));
    let setting = |key: &str| {
        config
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("{key} in {config}"))
            .trim_matches('"')
            .to_string()
    };
    let unit = std::fs::read_to_string(debian("tiendo.service")).unwrap();
    let writable: Vec<&str> = unit
        .lines()
        .filter_map(|l| l.strip_prefix("ReadWritePaths="))
        .collect();
    assert_eq!(writable, [setting("data_dir").as_str()]);
    assert!(unit.contains("ExecStart=/usr/bin/tiendo serve --config /etc/tiendo/tiendo.toml\n"));
    assert_eq!(setting("static_dir"), "/usr/share/tiendo/client");
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/Cargo.toml"))
            .unwrap();
    assert!(
        manifest.contains("\"usr/share/tiendo/client/\""),
        "the package puts the client in the static_dir"
    );
    assert_eq!(setting("listen"), "127.0.0.1:8080");
}
