//! `tiendo`, the command line: one module per command group, over the server library.
//!
//! Stage: *operations*. The configuration is loaded once ([`config`]: defaults → `tiendo.toml` →
//! `TIENDO_*` → flags), the log set in its `log_format` ([`main`]), then each command group gets
//! it: [`serve`] runs the server, [`plan`] parses and imports plan files, [`user`] and [`units`]
//! manage accounts and list units, [`report`] writes the period report, [`evidence`] the evidence
//! archive, [`bundle`] bundle files carried by hand, [`data`] backs up and restores. Commands
//! that read documents beside a running server read SQLite through
//! [`crate::domain::documents::DocReader`].

pub mod bundle;
pub mod data;
pub mod evidence;
pub mod plan;
pub mod province;
pub mod report;
pub mod serve;
pub mod units;
pub mod user;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, LogFormat, Overrides};
use crate::store::Store;

#[derive(Parser)]
#[command(
    name = "tiendo",
    version,
    about = "Tiến độ — theo dõi kế hoạch cải cách hành chính"
)]
pub struct Cli {
    /// TOML configuration file (default: ./tiendo.toml if present).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Data directory (SQLite file).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// The log on standard error: `text`, or `json` (one object a line, for a log collector).
    #[arg(long, global = true)]
    pub log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server (first start imports the embedded seed plan).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks a free one).
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Directory of the built client.
        #[arg(long)]
        static_dir: Option<PathBuf>,
    },
    /// Work with plan texts.
    Plan {
        #[command(subcommand)]
        command: plan::PlanCommand,
    },
    /// Import a plan text into the data directory as Automerge documents.
    Import {
        /// The plan text (UTF-8).
        file: PathBuf,
        /// The plan this one replaces mid-year (its id): imported under its own id and linked,
        /// the year's figures combining both.
        #[arg(long, requires = "from")]
        replaces: Option<String>,
        /// The replacement's first day (YYYY-MM-DD or dd/mm/yyyy).
        #[arg(long)]
        from: Option<String>,
    },
    /// Print the configuration in force (defaults → tiendo.toml → TIENDO_* → flags).
    PrintConfig,
    /// Manage user accounts (works while the server runs).
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Units of the stored organisations.
    Unit {
        #[command(subcommand)]
        command: units::UnitCommand,
    },
    /// Write the period report (DOCX) and its annex (XLSX) of a plan into a directory (works
    /// while the server runs).
    Report {
        /// The plan id (`tiendo plan list` on the server's /api/plans, or the import report).
        #[arg(long)]
        plan: String,
        /// The reporting period: q1, h1, q3 or year.
        #[arg(long)]
        period: String,
        /// The day the numbers are computed for (YYYY-MM-DD or dd/mm/yyyy; default today).
        #[arg(long)]
        as_of: Option<String>,
        /// Directory to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// The province's roll-up over every agency (works while the server runs).
    Province {
        #[command(subcommand)]
        command: province::ProvinceCommand,
    },
    /// Bundle files carried by hand: import a unit's, export a starter for a new tablet (the
    /// server must be stopped).
    Bundle {
        #[command(subcommand)]
        command: bundle::BundleCommand,
    },
    /// Evidence files: the "Hồ sơ minh chứng" archive of a period (works while the server runs).
    Evidence {
        #[command(subcommand)]
        command: evidence::EvidenceCommand,
    },
    /// Copy the database to FILE (consistent while the server runs).
    Backup {
        /// Where to write the copy (must not exist).
        file: PathBuf,
    },
    /// Replace the database with the backup FILE (stop the server first).
    Restore {
        /// A file written by `tiendo backup`.
        file: PathBuf,
    },
    /// Copy a whole deployment to another store (stop the servers first), then compare every
    /// document's heads in both: `--from sqlite:data/tiendo.sqlite --to postgres://…`.
    MigrateStore {
        /// The store copied: `sqlite:PATH` or `postgres://…`.
        #[arg(long)]
        from: String,
        /// The store written: empty, created if it is a PostgreSQL database that does not exist.
        #[arg(long)]
        to: String,
    },
}

/// The program: loads the configuration, logs to standard error in its `log_format`, runs the
/// command, and says what failed in Vietnamese.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let done = config(&cli).and_then(|cfg| {
        init_logging(cfg.log_format);
        run(cli, cfg)
    });
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The log subscriber. Colour only on a terminal: a redirected log (journald, a file, a
/// collector) gets no ANSI escapes. JSON is one flat object a line: `timestamp`, `level`,
/// `target`, `message` and the event's fields.
fn init_logging(format: LogFormat) {
    use std::io::IsTerminal;
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info,samod=warn".into()),
        )
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => fmt.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => fmt.json().flatten_event(true).with_ansi(false).init(),
    }
}

/// The configuration `cli` runs with: defaults → `tiendo.toml` → `TIENDO_*` → its flags.
pub fn config(cli: &Cli) -> anyhow::Result<Config> {
    let mut flags = Overrides {
        data_dir: cli.data_dir.clone(),
        log_format: cli.log_format,
        ..Overrides::default()
    };
    if let Command::Serve { listen, static_dir } = &cli.command {
        flags.listen = *listen;
        flags.static_dir = static_dir.clone();
    }
    Ok(Config::load(
        cli.config.as_deref(),
        std::env::vars(),
        &flags,
    )?)
}

/// Runs `cli`'s command with the configuration loaded once ([`config`]).
pub fn run(cli: Cli, cfg: Config) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { .. } => runtime()?.block_on(serve::run(cfg)),
        Command::Plan { command } => runtime()?.block_on(plan::run(&cfg, command)),
        Command::Import {
            file,
            replaces,
            from,
        } => runtime()?.block_on(plan::import(&cfg, &file, replaces.zip(from))),
        Command::PrintConfig => {
            print!("{}", toml::to_string(&cfg)?);
            Ok(())
        }
        Command::User { command } => runtime()?.block_on(user::run(&cfg, command)),
        Command::Unit { command } => runtime()?.block_on(units::run(&cfg, command)),
        Command::Report {
            plan,
            period,
            as_of,
            out,
        } => runtime()?.block_on(report::run(&cfg, &plan, &period, as_of.as_deref(), &out)),
        Command::Evidence { command } => runtime()?.block_on(evidence::run(&cfg, command)),
        Command::Bundle { command } => runtime()?.block_on(bundle::run(&cfg, command)),
        Command::Province { command } => runtime()?.block_on(province::run(&cfg, command)),
        Command::Backup { file } => data::backup(&cfg, &file),
        Command::Restore { file } => data::restore(&cfg, &file),
        Command::MigrateStore { from, to } => runtime()?.block_on(data::migrate_store(&from, &to)),
    }
}

/// The store of a deployment that a server has initialised (commands beside a running server
/// open it directly: SQLite's WAL lets them, PostgreSQL is made for it).
pub async fn open_store(cfg: &Config) -> anyhow::Result<Store> {
    let address = cfg.store_address();
    if let crate::store::Address::Sqlite(path) = &address
        && !path.exists()
    {
        anyhow::bail!(
            "chưa có cơ sở dữ liệu {} (chạy `tiendo serve` một lần để khởi tạo)",
            path.display()
        );
    }
    Ok(Store::open_at(&address).await?)
}

/// A multi-threaded runtime for the commands that need one.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
