//! # tiendo-server
//!
//! The server of Tiến độ: it keeps every agency's plan, organisation and units' progress as
//! automerge-repo documents (through samod) in one SQLite file, seeds the embedded default plan
//! on first start, and serves the JSON API and the built client.
//!
//! ## Floors
//!
//! Each floor imports only the floors beneath it (`scripts/check-layout`, run by `scripts/test`,
//! fails on a loop between top-level modules, and on a file over 600 lines):
//!
//! ```text
//!  cli/  routes/  sync/  fuzzing      ways in: the CLI, HTTP (+ AppError's mapping), the socket
//!  error                             AppError: every layer's error, mapped to HTTP once
//!  reports/                          DOCX, XLSX, evidence archives from shared's report model
//!  domain/                           library (repo, catalogue, imports), documents (reading,
//!                                    the one cache), accounts, access, session, admit, bundles,
//!                                    organisation, province, file_access, plan_files, parsing;
//!                                    its own DomainError
//!  store/  config  credentials  metrics    the bottom: SQLite/PostgreSQL, settings, account
//!                                    records and password rules, the metrics registry
//! ```
//!
//! [`AppState`] holds the domain's services a handler names: [`Library`] (documents), the access
//! catalogue and the sync peers, accounts, files, reports, metrics, parsers; no handler reaches
//! the store, or one service through another.
//!
//! Data flow through this crate:
//!
//! ```text
//! plan file ─► domain::plan_files ─► shared::import ─► domain::library (import) ─► samod Repo
//!        ─► store (SQLite): every document first, the catalogue rows last (all or nothing)
//! client ─► routes::sync (session) ─► sync::pump (sync::frame checks) ─► domain::admit,
//!        domain::access::Policy ─► samod Repo ─► store::chunks (SQLite)
//!        ◄─ sync messages held until their heads are committed (store::durable) ◄─┘
//! HTTP /api ─► routes::auth (domain::session::Authenticated) ─► routes::api
//!        ─► domain::documents (DocReader) ─► shared::views::status ─► JSON, or reports ─► DOCX, XLSX
//! bundle file ─► routes::bundles | cli::bundle ─► domain::bundles (signature, access, admit)
//!        ─► samod Repo ─► store ; domain::bundles::starter ─► a signed file for a new tablet
//! tiendo CLI ─► cli::* ─► the same library, or SQLite directly beside a running server
//! ```
//!
//! Errors: one enum per layer ([`store::StoreError`], [`domain::DomainError`],
//! [`config::ConfigError`], [`reports::ReportError`], `shared`'s) and [`AppError`] over them,
//! mapped to HTTP once.
//!
//! The crate is a library with a thin `main`: [`app`] builds the router from an [`AppState`],
//! [`serve`] runs it on a listener the caller bound (tests bind `127.0.0.1:0`).

pub mod cli;
pub mod config;
pub mod credentials;
pub mod domain;
pub mod error;
pub mod fuzzing;
pub mod metrics;
pub mod reports;
pub mod routes;
pub mod store;
pub mod sync;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use domain::accounts::{Accounts, NewUser, Role};

use axum::serve::ListenerExt;
use tiendo_shared::model::Date;
use tokio::net::TcpListener;

pub use config::Config;
pub use domain::library::Library;
pub use error::{AppError, Result};
pub use routes::app;
pub use store::Store;

/// The embedded default plan (`seeds/`): the 2025 CCHC plan of Sở KH&CN Quảng Ngãi, imported
/// on the first start of an empty data directory.
pub const SEED_PLAN: &str = include_str!("../../seeds/ke-hoach-cchc-2025-so-khcn-quang-ngai.txt");

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The settings in force.
    pub config: Arc<Config>,
    /// The documents: plans, organisations and progress in the samod repo, their catalogue,
    /// imports, receipts and attestations, the sync peers.
    pub library: Library,
    /// Who may read and write each document (the access catalogue the share policy reads),
    /// shared with the library, which keeps it current.
    pub catalogue: domain::access::Catalogue,
    /// The live sync connections and the user each peer id is bound to.
    pub peers: domain::access::Peers,
    /// Sign-in, sessions and the administration of accounts.
    pub accounts: Accounts,
    /// Evidence files: uploads, stored files, who may read them.
    pub files: domain::file_access::Files,
    /// Report files (DOCX, XLSX, evidence archives) made and recorded.
    pub reports: reports::Reports,
    /// This node's metrics (`GET /metrics`).
    pub metrics: metrics::Metrics,
    /// The permits to parse plan files and bundles ([`domain::parsing`]).
    pub parsers: domain::parsing::Parsers,
    /// The PAR index: criteria sets, assessments, appraisals ([`domain::par`]).
    pub par: domain::par::Par,
}

impl AppState {
    /// The services of a server over `library` (and its store), with `config`.
    pub fn new(config: Config, library: Library) -> AppState {
        let store = library.store().clone();
        AppState {
            parsers: domain::parsing::Parsers::new(config.limits.parsing_permits),
            accounts: Accounts::new(store.clone(), config.session_lifetime()),
            metrics: metrics::Metrics::new(library.peers(), &store),
            files: domain::file_access::Files::new(store.clone()),
            reports: reports::Reports::new(store),
            config: Arc::new(config),
            catalogue: library.catalogue().clone(),
            peers: library.peers().clone(),
            par: domain::par::Par::new(library.clone()),
            library,
        }
    }
}

/// A generated account, printed once at first start.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    /// The generated password.
    pub password: String,
    pub role: Role,
    /// The unit's name (none for the administrator).
    pub unit: Option<String>,
    /// The unit's id (none for the administrator).
    pub unit_id: Option<String>,
}

/// What start-up did.
#[derive(Debug, Clone, Default)]
pub struct Startup {
    /// The data directory held no documents: the seed plan was imported.
    pub seeded: Option<domain::library::ImportReport>,
    /// There were no accounts: these were created (passwords shown only now).
    pub demo_accounts: Vec<DemoAccount>,
}

/// Takes the data directory's lock file, so that a second server, an import or a restore cannot
/// run on the same SQLite file at the same time.
pub fn lock_data_dir(config: &Config) -> Result<std::fs::File> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| AppError::Io {
        path: config.data_dir.display().to_string(),
        source,
    })?;
    let path = config.lock_path();
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| AppError::Io {
            path: path.display().to_string(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(AppError::Locked(format!(
            "thư mục dữ liệu {} đang được một tiến trình Tiến độ khác dùng (máy chủ đang chạy?)",
            config.data_dir.display()
        ))),
        Err(std::fs::TryLockError::Error(source)) => Err(AppError::Io {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// The province of the embedded seed plan.
pub const SEED_PROVINCE: &str = "Tỉnh Quảng Ngãi";

/// Opens the data directory (creating it and the SQLite file if needed, and holding its lock);
/// when it holds no documents yet, imports the embedded seed plan through the same path as
/// `tiendo import`; when it has no accounts, creates one per unit plus an administrator.
pub async fn open(config: &Config) -> Result<(Library, Startup)> {
    let lock = lock_data_dir(config)?;
    let store = Store::open_at(&config.store_address()).await?;
    let library = Library::open(store)
        .await?
        .with_lock(lock)
        .with_import_fault(config.fail_import.clone());
    let mut startup = Startup::default();
    if library.is_empty().await? {
        let seeded = library.import_text(crate::SEED_PLAN).await?;
        // The PAR index's template set for the seed plan's year, to replace with the province's
        // decision (the embedded default is a Quảng Ngãi department).
        let plan = library.plan(&seeded.plan_id).await?.0;
        if let Some(year) = plan.effective_year() {
            domain::par::Par::new(library.clone())
                .ensure_template(SEED_PROVINCE, year)
                .await?;
        }
        startup.seeded = Some(seeded);
    }
    if library.store().users().await?.is_empty() {
        startup.demo_accounts = create_demo_accounts(&library).await?;
    }
    Ok((library, startup))
}

/// One account per unit of every agency (the central office as agency admin, the others as
/// unit editors), the head of each of those units, and `admin`, each with a generated password
/// and a short, typeable name: the unit's stem (`thanhtra`), its head `thanhtra.truong`, the
/// central office `vanphong` (a second agency's names take `.2`, `.3`…).
pub async fn create_demo_accounts(library: &Library) -> Result<Vec<DemoAccount>> {
    // The stem itself, else `stem.2`, `stem.3`…, the first free with its head's name.
    fn unique(taken: &mut std::collections::BTreeSet<String>, stem: &str) -> String {
        let name = (1..)
            .map(|n| match n {
                1 => stem.to_string(),
                n => format!("{stem}.{n}"),
            })
            .find(|n| !taken.contains(n) && !taken.contains(&format!("{n}.truong")))
            .expect("some number is free");
        taken.insert(name.clone());
        taken.insert(format!("{name}.truong"));
        name
    }
    let mut taken: std::collections::BTreeSet<String> =
        ["admin".to_string(), "thamdinh".to_string()].into();
    let mut out = Vec::new();
    for agency in library.agencies().await? {
        for unit in &agency.units {
            let office = agency.central_office.as_deref() == Some(unit.id.as_str());
            let (role, username) = if office {
                (Role::AgencyAdmin, unique(&mut taken, "vanphong"))
            } else {
                (
                    Role::UnitEditor,
                    unique(
                        &mut taken,
                        &domain::accounts::admin::username_stem(&unit.name),
                    ),
                )
            };
            let mut add = |username: String, display_name: String, role: Role| {
                let password = domain::accounts::generate_password();
                out.push(DemoAccount {
                    username: username.clone(),
                    password: password.clone(),
                    role,
                    unit: Some(unit.name.clone()),
                    unit_id: Some(unit.id.clone()),
                });
                NewUser {
                    username,
                    display_name,
                    role,
                    agency_id: Some(agency.id.clone()),
                    unit_id: Some(unit.id.clone()),
                    password,
                }
            };
            let mut users = vec![add(username.clone(), unit.name.clone(), role)];
            // The agency's head, who approves and sends its PAR-index self-assessment; sits
            // in the central office.
            if office {
                users.push(add(
                    unique(&mut taken, "giamdoc"),
                    format!("Thủ trưởng {}", agency.name),
                    Role::AgencyHead,
                ));
            }
            // Each reporting unit's head, who approves its period reports.
            if role == Role::UnitEditor {
                users.push(add(
                    format!("{username}.truong"),
                    format!("Lãnh đạo {}", unit.name),
                    Role::UnitHead,
                ));
            }
            for user in users {
                library.store().add_user(user).await?;
            }
        }
    }
    // The province's appraisal team (Sở Nội vụ), for the PAR index.
    let password = domain::accounts::generate_password();
    library
        .store()
        .add_user(NewUser {
            username: "thamdinh".into(),
            display_name: "Tổ thẩm định Chỉ số CCHC (Sở Nội vụ)".into(),
            role: Role::ProvinceAppraiser,
            agency_id: None,
            unit_id: None,
            password: password.clone(),
        })
        .await?;
    out.push(DemoAccount {
        username: "thamdinh".into(),
        password,
        role: Role::ProvinceAppraiser,
        unit: None,
        unit_id: None,
    });
    let password = domain::accounts::generate_password();
    library
        .store()
        .add_user(NewUser {
            username: "admin".into(),
            display_name: "Quản trị hệ thống".into(),
            role: Role::SystemAdmin,
            agency_id: None,
            unit_id: None,
            password: password.clone(),
        })
        .await?;
    out.push(DemoAccount {
        username: "admin".into(),
        password,
        role: Role::SystemAdmin,
        unit: None,
        unit_id: None,
    });
    Ok(out)
}

/// Serves the application on `listener` until `shutdown` resolves, then stops the document repo
/// so everything pending reaches SQLite.
pub async fn serve(
    config: Config,
    library: Library,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let state = AppState::new(config, library.clone());
    // Evidence files no report names any more go after a grace period: looked at hourly.
    let collector = {
        let library = library.clone();
        tokio::spawn(async move {
            let hour = std::time::Duration::from_secs(3600);
            let mut every = tokio::time::interval_at(tokio::time::Instant::now() + hour, hour);
            loop {
                every.tick().await;
                match library.collect_files(FILE_GRACE_SECS).await {
                    Ok(gone) if !gone.is_empty() => {
                        tracing::info!(files = gone.len(), "unnamed evidence files collected")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "collecting evidence files failed"),
                }
            }
        })
    };
    // Organisation changes synced from an admin's tablet: lineage and accounts follow them.
    library.watch_orgs();
    // Changes dated today: the accounts follow at midnight, not only at their next request.
    library.follow_days();
    // Sessions ended by `tiendo user passwd`/`disable` beside the server: their sockets close.
    library.watch_sessions();
    let peers = library.peers().clone();
    let shutdown = async move {
        shutdown.await;
        // Long-lived sync sockets would hold graceful shutdown open: close them first.
        peers.end_all();
    };
    // Sync is many small request/answer messages: with Nagle's algorithm on, each answer could
    // wait for the peer's delayed ACK (40 ms on Linux) — the benchmark's office saw its 20 units'
    // documents load in 0.8 s instead of milliseconds.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    let result = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .map_err(|source| AppError::Io {
        path: "listener".into(),
        source,
    });
    collector.abort();
    library.stop().await;
    result
}

/// How long an evidence file no report names is kept before it is deleted: a tablet offline for
/// weeks may still sync the report that names it (30 days).
pub const FILE_GRACE_SECS: i64 = 30 * 86_400;

/// Now, in Unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// How long until the next day begins in Vietnam (UTC+7), and a second more (so that
/// [`today`] is that day when it ends).
pub fn until_tomorrow() -> std::time::Duration {
    const DAY_MS: i64 = 86_400_000;
    const UTC7_MS: i64 = 7 * 3_600_000;
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    let next = ((ms + UTC7_MS).div_euclid(DAY_MS) + 1) * DAY_MS - UTC7_MS;
    std::time::Duration::from_millis((next - ms + 1000) as u64)
}

/// Today in Vietnam (UTC+7).
pub fn today() -> Date {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    Date::from_unix_millis_vn(ms).expect("the clock is within chrono's range")
}
