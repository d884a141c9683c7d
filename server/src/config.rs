//! Configuration: defaults → `tiendo.toml` → `TIENDO_*` environment variables → command-line
//! flags, each layer overriding the one before. `tiendo print-config` shows the result.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The server's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Directory of the SQLite file.
    pub data_dir: PathBuf,
    /// Directory of the built client (index.html, wasm, sw.js…).
    pub static_dir: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".parse().expect("valid address"),
            data_dir: PathBuf::from("data"),
            static_dir: PathBuf::from("client/dist"),
        }
    }
}

/// Values given on the command line (highest priority).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--listen`.
    pub listen: Option<SocketAddr>,
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// `--static-dir`.
    pub static_dir: Option<PathBuf>,
}

impl Config {
    /// The SQLite database file.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("tiendo.sqlite")
    }

    /// Loads the layers. `file` is the TOML file to read (default `tiendo.toml` if it exists);
    /// `env` yields environment variables (pass `std::env::vars()`).
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
        flags: &Overrides,
    ) -> Result<Config> {
        let mut cfg = match file {
            Some(path) => Self::from_file(path)?,
            None if Path::new("tiendo.toml").exists() => Self::from_file(Path::new("tiendo.toml"))?,
            None => Config::default(),
        };
        for (k, v) in env {
            match k.as_str() {
                "TIENDO_LISTEN" => {
                    cfg.listen = v
                        .parse()
                        .map_err(|_| Error::Config(format!("TIENDO_LISTEN: not an address: {v}")))?
                }
                "TIENDO_DATA_DIR" => cfg.data_dir = PathBuf::from(v),
                "TIENDO_STATIC_DIR" => cfg.static_dir = PathBuf::from(v),
                _ => {}
            }
        }
        if let Some(l) = flags.listen {
            cfg.listen = l;
        }
        if let Some(d) = &flags.data_dir {
            cfg.data_dir = d.clone();
        }
        if let Some(s) = &flags.static_dir {
            cfg.static_dir = s.clone();
        }
        Ok(cfg)
    }

    fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_override_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tiendo.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\ndata_dir = \"/from/file\"\n",
        )
        .unwrap();
        let env = vec![("TIENDO_DATA_DIR".to_string(), "/from/env".to_string())];
        let flags = Overrides {
            static_dir: Some("/from/flag".into()),
            ..Overrides::default()
        };
        let cfg = Config::load(Some(&file), env, &flags).unwrap();
        assert_eq!(cfg.listen.port(), 9000);
        assert_eq!(cfg.data_dir, PathBuf::from("/from/env"));
        assert_eq!(cfg.static_dir, PathBuf::from("/from/flag"));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tiendo.toml");
        std::fs::write(&file, "lisen = \"x\"\n").unwrap();
        let err = Config::load(Some(&file), vec![], &Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
        let env = vec![("TIENDO_LISTEN".to_string(), "nowhere".to_string())];
        let err = Config::load(None, env, &Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("TIENDO_LISTEN"), "{err}");
    }
}
