//! `tiendo`: the command line of the Tiến độ server (serve, plan parse, import, print-config).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tiendo_server::config::{Config, Overrides};
use tiendo_server::{Startup, open, serve};

#[derive(Parser)]
#[command(
    name = "tiendo",
    version,
    about = "Tiến độ — theo dõi kế hoạch cải cách hành chính"
)]
struct Cli {
    /// TOML configuration file (default: ./tiendo.toml if present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data directory (SQLite file).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
        command: PlanCommand,
    },
    /// Import a plan text into the data directory as Automerge documents.
    Import {
        /// The plan text (UTF-8).
        file: PathBuf,
    },
    /// Print the configuration in force (defaults → tiendo.toml → TIENDO_* → flags).
    PrintConfig,
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Print the parsed plan as JSON.
    Parse {
        /// The plan text (UTF-8).
        file: PathBuf,
    },
}

fn read_text(path: &PathBuf) -> anyhow::Result<String> {
    let bytes =
        std::fs::read(path).with_context(|| format!("không đọc được {}", path.display()))?;
    String::from_utf8(bytes).with_context(|| format!("{} không phải văn bản UTF-8", path.display()))
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info,samod=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lỗi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let mut flags = Overrides {
        data_dir: cli.data_dir.clone(),
        ..Overrides::default()
    };
    match cli.command {
        Command::Plan {
            command: PlanCommand::Parse { file },
        } => {
            let text = read_text(&file)?;
            let imported =
                tiendo_shared::import(&text).with_context(|| file.display().to_string())?;
            let json = tiendo_shared::import::json_view(&imported);
            println!("{}", serde_json::to_string_pretty(&json)?);
            Ok(())
        }
        Command::PrintConfig => {
            let cfg = Config::load(cli.config.as_deref(), std::env::vars(), &flags)?;
            print!("{}", toml::to_string(&cfg)?);
            Ok(())
        }
        Command::Import { file } => {
            let cfg = Config::load(cli.config.as_deref(), std::env::vars(), &flags)?;
            let text = read_text(&file)?;
            runtime()?.block_on(async move {
                std::fs::create_dir_all(&cfg.data_dir)
                    .with_context(|| cfg.data_dir.display().to_string())?;
                let store = tiendo_server::SqliteStore::open(&cfg.database_path())?;
                let library = tiendo_server::Library::open(store).await;
                let result = library.import_text(&text).await;
                library.stop().await;
                let report = result.with_context(|| file.display().to_string())?;
                println!(
                    "Đã nhập kế hoạch {} ({} nhiệm vụ) vào {}",
                    report.plan_id,
                    report.tasks,
                    cfg.database_path().display()
                );
                println!("  tài liệu kế hoạch: {}", report.plan_doc);
                for u in &report.unplaced {
                    println!(
                        "  chưa xếp được (dòng {}): {} — {}",
                        u.line, u.text, u.reason
                    );
                }
                Ok(())
            })
        }
        Command::Serve { listen, static_dir } => {
            flags.listen = listen;
            flags.static_dir = static_dir;
            let cfg = Config::load(cli.config.as_deref(), std::env::vars(), &flags)?;
            runtime()?.block_on(async move {
                let listener = tokio::net::TcpListener::bind(cfg.listen)
                    .await
                    .with_context(|| format!("không mở được cổng {}", cfg.listen))?;
                let addr = listener.local_addr()?;
                let (library, startup) = open(&cfg).await?;
                if let Startup::Seeded(report) = &startup {
                    println!(
                        "Lần chạy đầu: đã nhập kế hoạch mẫu {} ({} nhiệm vụ, {} đơn vị) vào {}",
                        report.plan_id,
                        report.tasks,
                        report.progress_docs.len(),
                        cfg.database_path().display()
                    );
                }
                println!("Tiến độ đang chạy tại http://{addr}/");
                println!("  Trạng thái: http://{addr}/api/health");
                for plan in library.plans().await? {
                    println!("  Kế hoạch: http://{addr}/api/plans/{}/status", plan.id);
                }
                serve(cfg, library, listener, shutdown_signal()).await?;
                Ok(())
            })
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
