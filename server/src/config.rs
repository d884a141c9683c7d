//! Configuration: defaults → `tiendo.toml` → `TIENDO_*` environment variables → command-line
//! flags, each layer overriding the one before. `tiendo print-config` shows the result.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What loading the settings can fail at (each message names the setting).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A setting has a value that cannot be used.
    #[error("cấu hình {0}")]
    Invalid(String),
    /// The configuration file could not be read.
    #[error("không đọc được tệp cấu hình {path}: {source}")]
    Unreadable {
        /// The file.
        path: String,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
}

type Result<T, E = ConfigError> = std::result::Result<T, E>;

/// The server's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Directory of the SQLite file (and the lock one server holds on it).
    pub data_dir: PathBuf,
    /// Where the documents and accounts are stored: unset for the SQLite file in `data_dir`,
    /// `sqlite:PATH` for another file, or `postgres://user@host/db` for a PostgreSQL database
    /// several nodes may share (`TIENDO_STORE`).
    pub store: Option<String>,
    /// Directory of the built client (index.html, wasm, sw.js…).
    pub static_dir: PathBuf,
    /// How long a login lasts, in hours (tablets work offline for weeks: default 30 days).
    pub session_hours: u64,
    pub limits: Limits,
    /// Thresholds of the plan-completion score (`[score]`: full_above, partial_from,
    /// full_points, partial_points).
    pub score: tiendo_shared::views::report::ScoreRule,
    /// What the importer takes from the deployment (`[import]`: report_day, the reporting day
    /// of plans that name no periods).
    pub import: tiendo_shared::import::Options,
    /// The province's own rules (`[province]`: plan_deadline).
    pub province: Province,
    /// Addresses that may read `GET /metrics` without signing in (a Prometheus scraper);
    /// everyone else needs a system administrator's session. Empty by default.
    pub metrics_from: Vec<std::net::IpAddr>,
    /// How the log on standard error is written: `text` (lines for a person; coloured only on
    /// a terminal) or `json` (one object a line, for a log collector). `TIENDO_LOG_FORMAT`,
    /// `--log-format`.
    pub log_format: LogFormat,
    /// The day the views' defaults take for today (which period is closed, which year's
    /// roll-up opens), in place of the clock. **Tests only**: a test server pretends to be on a
    /// given day; never read from the file, the environment or the command line.
    #[serde(skip)]
    pub today: Option<tiendo_shared::model::Date>,
    /// The import of plan `.0` fails, once, as it is about to create the progress document of
    /// its `.1`-th unit (from 1): a storage failure part-way through an import. **Tests only**,
    /// like [`Config::today`].
    #[serde(skip)]
    pub fail_import: Option<(String, usize)>,
}

impl Config {
    /// Today for the views' defaults: [`Config::today`] when a test set it, else the clock's
    /// ([`crate::today`]).
    pub fn today(&self) -> tiendo_shared::model::Date {
        self.today.unwrap_or_else(crate::today)
    }
}

/// The log's form ([`Config::log_format`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Lines for a person reading a terminal or `journalctl`.
    #[default]
    Text,
    /// One JSON object a line (`timestamp`, `level`, `target`, `message`, fields).
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("{other:?} không phải text hay json")),
        }
    }
}

/// What the province sets for its agencies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Province {
    /// The day the year's CCHC plan must be issued by, `MM-DD` (a day from July on is the year
    /// before's: `12-31` means by 31 December before the year).
    pub plan_deadline: String,
}

impl Default for Province {
    fn default() -> Self {
        Province {
            plan_deadline: "12-31".into(),
        }
    }
}

impl Province {
    /// The plan deadline as (month, day).
    pub fn plan_deadline(&self) -> Result<(u32, u32)> {
        let bad = || {
            ConfigError::Invalid(format!(
                "[province] plan_deadline: {:?} không phải MM-DD",
                self.plan_deadline
            ))
        };
        let (m, d) = self.plan_deadline.split_once('-').ok_or_else(bad)?;
        let (m, d): (u32, u32) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        tiendo_shared::model::Date::from_dmy(d, m, 2024).map_err(|_| bad())?;
        Ok((m, d))
    }
}

/// Limits on sync connections (going over one closes that connection with a reason) and on what
/// one request may make the server read: each route's body, counted while it streams in and
/// refused (`413`) at the first byte over, after the session and the role are checked; and how
/// many plan files or bundles are parsed at once. What a plan file may hold once opened (zip
/// entries, inflated size, ratio, rows, cells) is bounded in `plan_files::Bounds`; a bundle's
/// items and nesting in `tiendo_shared::bundle::Bounds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest WebSocket message accepted, in bytes.
    pub max_frame_bytes: usize,
    /// Distinct documents one connection may sync.
    pub max_documents_per_connection: usize,
    /// Open sync connections per user (tablets, tabs).
    pub max_connections_per_user: usize,
    /// Largest evidence file accepted, in bytes (default 20 MB).
    pub max_file_bytes: u64,
    /// Largest plan file (`.docx`, `.xlsx`, text or a corrected draft) `POST /api/plans` and
    /// `/api/plans/preview` read, in bytes (default 10 MB: a plan with its annex and a logo).
    pub max_plan_file_bytes: u64,
    /// Largest bundle file `POST /api/bundles` reads, in bytes (default 256 MB: a unit's year
    /// with its photos).
    pub max_bundle_bytes: u64,
    /// Plan files and bundles parsed at once, each on a blocking thread (default 2): more wait
    /// their turn, at most [`crate::domain::parsing::WAIT`], then are answered `503` with `Retry-After`,
    /// so parsing never takes the threads that answer `/api/health` and sync.
    pub parsing_permits: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frame_bytes: 8 * 1024 * 1024,
            max_documents_per_connection: 500,
            max_connections_per_user: 8,
            max_file_bytes: 20 * 1024 * 1024,
            max_plan_file_bytes: 10 * 1024 * 1024,
            max_bundle_bytes: 256 * 1024 * 1024,
            parsing_permits: 2,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".parse().expect("valid address"),
            data_dir: PathBuf::from("data"),
            store: None,
            static_dir: PathBuf::from("client/dist"),
            session_hours: 24 * 30,
            limits: Limits::default(),
            score: tiendo_shared::views::report::ScoreRule::default(),
            import: tiendo_shared::import::Options::default(),
            province: Province::default(),
            metrics_from: Vec::new(),
            log_format: LogFormat::default(),
            today: None,
            fail_import: None,
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
    /// `--log-format`.
    pub log_format: Option<LogFormat>,
}

impl Config {
    /// How long a session lasts.
    pub fn session_lifetime(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.session_hours.max(1) * 3600)
    }

    /// The lock file a running server holds.
    pub fn lock_path(&self) -> PathBuf {
        self.data_dir.join("tiendo.lock")
    }

    /// The SQLite database file in the data directory (the default store).
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("tiendo.sqlite")
    }

    /// Where the store is: `store` if set, else the SQLite file in the data directory.
    pub fn store_address(&self) -> crate::store::Address {
        match self.store.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => crate::store::Address::parse(s),
            _ => crate::store::Address::Sqlite(self.database_path()),
        }
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
                    cfg.listen = v.parse().map_err(|_| {
                        ConfigError::Invalid(format!("TIENDO_LISTEN: không phải địa chỉ: {v}"))
                    })?
                }
                "TIENDO_DATA_DIR" => cfg.data_dir = PathBuf::from(v),
                "TIENDO_STORE" => cfg.store = Some(v),
                "TIENDO_STATIC_DIR" => cfg.static_dir = PathBuf::from(v),
                "TIENDO_SESSION_HOURS" => cfg.session_hours = number(&k, &v)?,
                "TIENDO_LOG_FORMAT" => {
                    cfg.log_format = v
                        .parse()
                        .map_err(|e| ConfigError::Invalid(format!("TIENDO_LOG_FORMAT: {e}")))?
                }
                "TIENDO_METRICS_FROM" => {
                    cfg.metrics_from = v
                        .split(',')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(|a| {
                            a.parse().map_err(|_| {
                                ConfigError::Invalid(format!(
                                    "TIENDO_METRICS_FROM: không phải địa chỉ IP: {a}"
                                ))
                            })
                        })
                        .collect::<Result<_>>()?;
                }
                "TIENDO_MAX_FRAME_BYTES" => cfg.limits.max_frame_bytes = number(&k, &v)?,
                "TIENDO_MAX_FILE_BYTES" => cfg.limits.max_file_bytes = number(&k, &v)?,
                "TIENDO_MAX_PLAN_FILE_BYTES" => cfg.limits.max_plan_file_bytes = number(&k, &v)?,
                "TIENDO_MAX_BUNDLE_BYTES" => cfg.limits.max_bundle_bytes = number(&k, &v)?,
                "TIENDO_PARSING_PERMITS" => cfg.limits.parsing_permits = number(&k, &v)?,
                "TIENDO_MAX_DOCUMENTS_PER_CONNECTION" => {
                    cfg.limits.max_documents_per_connection = number(&k, &v)?
                }
                "TIENDO_MAX_CONNECTIONS_PER_USER" => {
                    cfg.limits.max_connections_per_user = number(&k, &v)?
                }
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
        if let Some(f) = flags.log_format {
            cfg.log_format = f;
        }
        cfg.score
            .validate()
            .map_err(|e| ConfigError::Invalid(format!("[score]: {e}")))?;
        cfg.import
            .validate()
            .map_err(|e| ConfigError::Invalid(format!("[import]: {e}")))?;
        cfg.province.plan_deadline()?;
        if cfg.limits.parsing_permits == 0 {
            return Err(ConfigError::Invalid(
                "[limits] parsing_permits: phải ít nhất là 1".into(),
            ));
        }
        Ok(cfg)
    }

    fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Unreadable {
            path: path.display().to_string(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Invalid(format!("{}: {e}", path.display())))
    }
}

fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<T> {
    value
        .trim()
        .parse()
        .map_err(|_| ConfigError::Invalid(format!("{key}: không phải số: {value}")))
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
    fn the_store_is_the_data_directorys_sqlite_file_unless_one_is_named() {
        let cfg = Config::load(None, vec![], &Overrides::default()).unwrap();
        assert_eq!(
            cfg.store_address(),
            crate::store::Address::Sqlite(PathBuf::from("data/tiendo.sqlite"))
        );
        let env = vec![(
            "TIENDO_STORE".to_string(),
            "postgres://tiendo:bi-mat@db/tiendo".to_string(),
        )];
        let cfg = Config::load(None, env, &Overrides::default()).unwrap();
        let address = cfg.store_address();
        assert_eq!(
            address,
            crate::store::Address::Postgres("postgres://tiendo:bi-mat@db/tiendo".into())
        );
        assert!(
            !address.to_string().contains("bi-mat"),
            "a password never shows: {address}"
        );
        let env = vec![(
            "TIENDO_STORE".to_string(),
            "sqlite:/srv/t.sqlite".to_string(),
        )];
        let cfg = Config::load(None, env, &Overrides::default()).unwrap();
        assert_eq!(
            cfg.store_address(),
            crate::store::Address::Sqlite(PathBuf::from("/srv/t.sqlite"))
        );
    }

    #[test]
    fn the_log_format_is_text_unless_the_file_env_or_flag_says_json() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tiendo.toml");
        std::fs::write(&file, "log_format = \"json\"\n").unwrap();
        let none = Overrides::default();
        assert_eq!(
            Config::load(None, vec![], &none).unwrap().log_format,
            LogFormat::Text
        );
        assert_eq!(
            Config::load(Some(&file), vec![], &none).unwrap().log_format,
            LogFormat::Json
        );
        let env = vec![("TIENDO_LOG_FORMAT".to_string(), "json".to_string())];
        assert_eq!(
            Config::load(None, env, &none).unwrap().log_format,
            LogFormat::Json
        );
        let flag = Overrides {
            log_format: Some(LogFormat::Text),
            ..Overrides::default()
        };
        let env = vec![("TIENDO_LOG_FORMAT".to_string(), "json".to_string())];
        assert_eq!(
            Config::load(Some(&file), env, &flag).unwrap().log_format,
            LogFormat::Text
        );
        let env = vec![("TIENDO_LOG_FORMAT".to_string(), "xml".to_string())];
        let err = Config::load(None, env, &none).unwrap_err();
        assert!(err.to_string().contains("TIENDO_LOG_FORMAT"), "{err}");
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
