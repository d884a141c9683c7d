//! `tiendo`: the command line of the Tiến độ server (serve, plan parse, import, user, unit,
//! backup, restore, print-config).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tiendo_server::accounts::{NewUser, Role, generate_password};
use tiendo_server::config::{Config, Overrides};
use tiendo_server::reports::{self, FileKind};
use tiendo_server::store::{DocKind, SqliteStore};
use tiendo_server::{open, serve};

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
    /// Manage user accounts (works while the server runs).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Units of the stored organisations.
    Unit {
        #[command(subcommand)]
        command: UnitCommand,
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
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; prints a generated password unless --password-stdin is given.
    Add {
        /// Login name (a-z, 0-9, '.', '_', '-').
        username: String,
        /// unit_editor, agency_admin, province_viewer or system_admin.
        #[arg(long, default_value = "unit_editor")]
        role: String,
        /// The unit (id from `tiendo unit list`) for unit_editor and agency_admin.
        #[arg(long)]
        unit: Option<String>,
        /// Display name (default: the unit's name or the login name).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Set a new password (ends the user's sessions); generated unless --password-stdin.
    Passwd {
        /// Login name.
        username: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user: no more logins, sessions end.
    Disable {
        /// Login name.
        username: String,
    },
    /// Enable a disabled user again.
    Enable {
        /// Login name.
        username: String,
    },
}

#[derive(Subcommand)]
enum UnitCommand {
    /// List the units of every stored organisation.
    List,
}

/// A unit as the CLI shows it.
struct UnitRow {
    agency_id: String,
    agency: String,
    id: String,
    name: String,
    central_office: bool,
}

/// Every unit of the stored organisation documents, read straight from SQLite.
async fn units(store: &SqliteStore) -> anyhow::Result<Vec<UnitRow>> {
    let mut out = Vec::new();
    for rec in store.documents().await? {
        if rec.kind != DocKind::Org {
            continue;
        }
        let doc = store.read_document(&rec.doc_id).await?;
        let org: tiendo_shared::Org = tiendo_shared::doc::read(&doc)?;
        for agency in org.agencies.iter().filter(|a| a.id == rec.agency_id) {
            for unit in &agency.units {
                out.push(UnitRow {
                    agency_id: agency.id.clone(),
                    agency: agency.name.clone(),
                    id: unit.id.clone(),
                    name: unit.name.clone(),
                    central_office: agency.central_office.as_deref() == Some(unit.id.as_str()),
                });
            }
        }
    }
    Ok(out)
}

/// `tiendo report`: reads the plan's documents straight from SQLite, with a progress bar.
async fn report_command(
    cfg: &Config,
    plan_id: &str,
    period: &str,
    as_of: Option<&str>,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    let period: tiendo_shared::PeriodKind = period.parse()?;
    let as_of = match as_of {
        Some(s) => s.parse::<tiendo_shared::Date>()?,
        None => tiendo_server::today(),
    };
    let store = open_store(cfg)?;
    let records = store.documents().await?;
    let documents = records
        .iter()
        .filter(|r| r.plan_id.as_deref() == Some(plan_id) || r.kind == DocKind::Org)
        .count() as u64;
    let bar = indicatif::ProgressBar::new(documents + 2).with_style(
        indicatif::ProgressStyle::with_template("{msg:28} [{bar:30}] {pos}/{len}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message("đọc tài liệu");
    let data = tiendo_server::library::gather(records, plan_id, |doc_id| {
        let (store, bar) = (store.clone(), bar.clone());
        async move {
            let doc = store.read_document(&doc_id).await;
            bar.inc(1);
            doc
        }
    })
    .await?;
    let report = data.report(period, as_of, &cfg.score)?;
    std::fs::create_dir_all(out).with_context(|| format!("không tạo được {}", out.display()))?;
    let mut written = Vec::new();
    for kind in [FileKind::Docx, FileKind::Xlsx] {
        bar.set_message(format!("tạo tệp {}", kind.extension().to_uppercase()));
        let bytes = kind.render(&report)?;
        let path = out.join(reports::file_name(&report, kind));
        std::fs::write(&path, bytes)
            .with_context(|| format!("không ghi được {}", path.display()))?;
        store
            .record_report(tiendo_server::store::GeneratedReport {
                plan_id: plan_id.to_string(),
                period: period.as_str().to_string(),
                kind: kind.extension().to_string(),
                as_of: as_of.to_string(),
                username: None,
                generated_at: tiendo_server::unix_now(),
            })
            .await?;
        written.push(path);
        bar.inc(1);
    }
    bar.finish_and_clear();
    for problem in &report.summary.problems {
        eprintln!("lưu ý: {problem}");
    }
    for path in written {
        println!("{}", path.display());
    }
    Ok(())
}

fn read_password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if !from_stdin {
        return Ok((generate_password(), true));
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("không đọc được mật khẩu từ stdin")?;
    Ok((line.trim_end_matches(['\r', '\n']).to_string(), false))
}

fn open_store(cfg: &Config) -> anyhow::Result<SqliteStore> {
    let path = cfg.database_path();
    if !path.exists() {
        anyhow::bail!(
            "chưa có cơ sở dữ liệu {} (chạy `tiendo serve` một lần để khởi tạo)",
            path.display()
        );
    }
    Ok(SqliteStore::open(&path)?)
}

async fn user_command(cfg: &Config, command: UserCommand) -> anyhow::Result<()> {
    let store = open_store(cfg)?;
    match command {
        UserCommand::Add {
            username,
            role,
            unit,
            name,
            password_stdin,
        } => {
            let role: Role = role.parse()?;
            let (agency_id, unit_row) = match (&unit, role.needs_unit()) {
                (Some(u), true) => {
                    let all = units(&store).await?;
                    let row = all
                        .into_iter()
                        .find(|r| r.id == *u)
                        .with_context(|| format!("không có đơn vị {u} (xem `tiendo unit list`)"))?;
                    (Some(row.agency_id.clone()), Some(row))
                }
                (None, true) => anyhow::bail!("vai trò {} cần --unit", role.as_str()),
                (Some(_), false) => {
                    anyhow::bail!("vai trò {} không gắn với đơn vị", role.as_str())
                }
                (None, false) => (None, None),
            };
            let (password, generated) = read_password(password_stdin)?;
            let display = name
                .or_else(|| unit_row.as_ref().map(|r| r.name.clone()))
                .unwrap_or_default();
            let user = store
                .add_user(NewUser {
                    username,
                    display_name: display,
                    role,
                    agency_id,
                    unit_id: unit_row.map(|r| r.id),
                    password: password.clone(),
                })
                .await?;
            println!("Đã tạo {} ({})", user.username, role.label());
            if generated {
                println!("  mật khẩu: {password}");
            }
        }
        UserCommand::List => {
            println!(
                "{:<45} {:<16} {:<45} trạng thái",
                "tên đăng nhập", "vai trò", "đơn vị"
            );
            for u in store.users().await? {
                println!(
                    "{:<45} {:<16} {:<45} {}",
                    u.username,
                    u.role.as_str(),
                    u.unit_id.as_deref().unwrap_or("–"),
                    if u.disabled {
                        "đã khoá"
                    } else {
                        "hoạt động"
                    }
                );
            }
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let (password, generated) = read_password(password_stdin)?;
            store.set_password(&username, &password).await?;
            println!("Đã đổi mật khẩu của {username}; các phiên đăng nhập cũ đã kết thúc.");
            if generated {
                println!("  mật khẩu mới: {password}");
            }
        }
        UserCommand::Disable { username } => {
            store.set_disabled(&username, true).await?;
            println!("Đã khoá {username}; các phiên đăng nhập đã kết thúc.");
        }
        UserCommand::Enable { username } => {
            store.set_disabled(&username, false).await?;
            println!("Đã mở khoá {username}.");
        }
    }
    Ok(())
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Print the parsed plan as JSON, or with `--table` as a table to check before importing.
    Parse {
        /// The plan: a .docx, an .xlsx annex or text (UTF-8), told from the content.
        file: PathBuf,
        /// A table of the tasks (area, code, title, lead, coordinating units, products,
        /// timeline and parsed deadline) and what could not be placed, instead of JSON.
        #[arg(long)]
        table: bool,
    },
}

/// Reads and parses a plan file of any supported format.
fn read_plan(path: &PathBuf, cfg: &Config) -> anyhow::Result<tiendo_shared::Imported> {
    let bytes =
        std::fs::read(path).with_context(|| format!("không đọc được {}", path.display()))?;
    let (_, imported) = tiendo_server::plan_files::import_with(&bytes, &cfg.import)
        .with_context(|| path.display().to_string())?;
    Ok(imported)
}

/// The parsed plan as the office checks it before saving.
fn plan_table(imp: &tiendo_shared::Imported) -> String {
    use comfy_table::{ContentArrangement, Table};
    let names = |list: &[tiendo_shared::Assignee]| {
        list.iter()
            .map(|a| a.text.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut t = Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header([
            "Lĩnh vực",
            "Mã",
            "Nhiệm vụ",
            "Chủ trì",
            "Phối hợp",
            "Sản phẩm",
            "Thời gian",
            "Hạn",
        ]);
    for (area, task) in imp.plan.tasks() {
        let due: Vec<String> = task
            .schedule
            .milestones
            .iter()
            .map(|m| m.due.vi())
            .collect();
        t.add_row([
            area.number.to_string(),
            task.code.clone(),
            task.title.clone(),
            names(&task.lead),
            names(&task.coordinating),
            task.products.join("; "),
            task.schedule.raw.clone(),
            if due.is_empty() {
                "—".to_string()
            } else {
                due.join(", ")
            },
        ]);
    }
    let mut out = format!(
        "{} — {} lĩnh vực, {} nhiệm vụ\n{t}\n",
        imp.plan.title,
        imp.plan.areas.len(),
        imp.plan.tasks().count()
    );
    let periods: Vec<String> = imp
        .plan
        .reporting_periods
        .iter()
        .map(|p| format!("{} {}", p.kind.vi(), p.deadline.vi()))
        .collect();
    out.push_str(&format!("Kỳ báo cáo: {}\n", periods.join(", ")));
    if !imp.unplaced.is_empty() {
        out.push_str("Chưa xếp được:\n");
        for u in &imp.unplaced {
            let place = match (u.row, u.column) {
                (Some(r), Some(c)) => format!("dòng {}, hàng {r} cột {c} của bảng", u.line),
                _ => format!("dòng {}", u.line),
            };
            out.push_str(&format!("  {place}: {} — {}\n", u.text, u.reason));
        }
    }
    out
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
            command: PlanCommand::Parse { file, table },
        } => {
            let cfg = Config::load(cli.config.as_deref(), std::env::vars(), &flags)?;
            let imported = read_plan(&file, &cfg)?;
            if table {
                print!("{}", plan_table(&imported));
            } else {
                let json = tiendo_shared::import::json_view(&imported);
                println!("{}", serde_json::to_string_pretty(&json)?);
            }
            Ok(())
        }
        Command::PrintConfig => {
            let cfg = Config::load(cli.config.as_deref(), std::env::vars(), &flags)?;
            print!("{}", toml::to_string(&cfg)?);
            Ok(())
        }
        Command::Import { file } => {
            let cfg = Config::load(cli.config.as_deref(), std::env::vars(), &flags)?;
            let imported = read_plan(&file, &cfg)?;
            runtime()?.block_on(async move {
                let lock = tiendo_server::lock_data_dir(&cfg)?;
                let store = tiendo_server::SqliteStore::open(&cfg.database_path())?;
                let library = tiendo_server::Library::open(store).await?.with_lock(lock);
                let result = library.import(imported).await;
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
        Command::User { command } => {
            let cfg = Config::load(cli.config.as_deref(), std::env::vars(), &flags)?;
            runtime()?.block_on(user_command(&cfg, command))
        }
        Command::Unit {
            command: UnitCommand::List,
        } => {
            let cfg = Config::load(cli.config.as_deref(), std::env::vars(), &flags)?;
            runtime()?.block_on(async move {
                let store = open_store(&cfg)?;
                for u in units(&store).await? {
                    println!(
                        "{:<50} {}{}  ({})",
                        u.id,
                        u.name,
                        if u.central_office {
                            " — đầu mối tổng hợp"
                        } else {
                            ""
                        },
                        u.agency
                    );
                }
                Ok(())
            })
        }
        Command::Report {
            plan,
            period,
            as_of,
            out,
        } => {
            let cfg = Config::load(cli.config.as_deref(), std::env::vars(), &flags)?;
            runtime()?.block_on(report_command(&cfg, &plan, &period, as_of.as_deref(), &out))
        }
        Command::Backup { file } => {
            let cfg = Config::load(cli.config.as_deref(), std::env::vars(), &flags)?;
            tiendo_server::store::backup(&cfg.database_path(), &file)?;
            println!(
                "Đã sao lưu {} vào {}",
                cfg.database_path().display(),
                file.display()
            );
            Ok(())
        }
        Command::Restore { file } => {
            let cfg = Config::load(cli.config.as_deref(), std::env::vars(), &flags)?;
            let _lock = tiendo_server::lock_data_dir(&cfg)?;
            tiendo_server::store::restore(&cfg.database_path(), &file)?;
            println!(
                "Đã khôi phục {} từ {}",
                cfg.database_path().display(),
                file.display()
            );
            Ok(())
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
                if let Some(report) = &startup.seeded {
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
                if startup.demo_accounts.is_empty() {
                    println!(
                        "  Tài khoản: xem `tiendo user list`; đặt lại mật khẩu bằng `tiendo user passwd TÊN`"
                    );
                } else {
                    println!("Tài khoản mẫu (mật khẩu chỉ hiện lần này; đổi bằng `tiendo user passwd TÊN`):");
                    for a in &startup.demo_accounts {
                        println!(
                            "  {:<50} {:<16} {}  {}",
                            a.username,
                            a.password,
                            a.role.as_str(),
                            a.unit.as_deref().unwrap_or("")
                        );
                    }
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
