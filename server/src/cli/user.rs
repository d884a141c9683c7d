//! `tiendo user`: accounts, managed from the server's machine (works while the server runs; a
//! password change or a disable ends the user's sessions, and the running server closes their
//! sync connections at once, [`crate::domain::sessions_elsewhere`]).
//!
//! Stage: *operations*, over the accounts in the SQLite file.

use anyhow::Context;
use clap::Subcommand;
use tiendo_shared::api::NewAccount;

use super::open_store;
use crate::config::Config;
use crate::domain::accounts::Role;
use crate::domain::accounts::admin::{self, Actor};
use crate::domain::documents;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user; prints a generated password unless --password-stdin is given.
    Add {
        /// Login name (a-z, 0-9, '.', '_', '-').
        username: String,
        /// unit_editor, unit_head, agency_admin, province_viewer or system_admin.
        #[arg(long, default_value = "unit_editor")]
        role: String,
        /// The unit (id from `tiendo unit list`) for unit_editor, unit_head and agency_admin.
        #[arg(long)]
        unit: Option<String>,
        /// The unit's agency, where several agencies have a unit of that id.
        #[arg(long)]
        agency: Option<String>,
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
    /// Move a unit member to another unit (id from `tiendo unit list`).
    Move {
        /// Login name.
        username: String,
        /// The unit.
        #[arg(long)]
        unit: String,
        /// The unit's agency (default: the user's own).
        #[arg(long)]
        agency: Option<String>,
    },
    /// The audit of account actions, newest first.
    Log {
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

/// Runs a `tiendo user` command: the same actions, rules and audit as the API
/// ([`crate::domain::accounts::admin`]), as the server's machine.
pub async fn run(cfg: &Config, command: UserCommand) -> anyhow::Result<()> {
    let store = open_store(cfg).await?;
    let machine = Actor::Machine;
    match command {
        UserCommand::Add {
            username,
            role,
            unit,
            agency,
            name,
            password_stdin,
        } => {
            let role: Role = role.parse()?;
            match (&unit, role.needs_unit()) {
                (None, true) => anyhow::bail!("vai trò {} cần --unit", role.as_str()),
                (Some(_), false) => {
                    anyhow::bail!("vai trò {} không gắn với đơn vị", role.as_str())
                }
                _ => {}
            }
            let agencies = documents::agencies(&store).await?;
            let password = if password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let new = NewAccount {
                role,
                unit_id: unit,
                agency_id: agency,
                display_name: name,
                username: Some(username),
            };
            let made = admin::create(
                &store,
                &agencies,
                &machine,
                new,
                password.clone(),
                crate::today(),
            )
            .await?;
            println!("Đã tạo {} ({})", made.account.username, role.label());
            if password.is_none() {
                println!("  mật khẩu: {}", made.password);
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
            let password = if password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let done = admin::reset_password(&store, &machine, &username, password.clone()).await?;
            println!("Đã đổi mật khẩu của {username}; các phiên đăng nhập cũ đã kết thúc.");
            if password.is_none() {
                println!("  mật khẩu mới: {}", done.password);
            }
        }
        UserCommand::Disable { username } => {
            admin::set_disabled(&store, &machine, &username, true).await?;
            println!("Đã khoá {username}; các phiên đăng nhập đã kết thúc.");
        }
        UserCommand::Enable { username } => {
            admin::set_disabled(&store, &machine, &username, false).await?;
            println!("Đã mở khoá {username}.");
        }
        UserCommand::Move {
            username,
            unit,
            agency,
        } => {
            let agencies = documents::agencies(&store).await?;
            admin::move_to(
                &store,
                &agencies,
                &machine,
                &username,
                agency.as_deref(),
                &unit,
                crate::today(),
            )
            .await?;
            println!("Đã chuyển {username} sang đơn vị {unit}.");
        }
        UserCommand::Log { limit } => {
            for e in admin::events(&store, &machine, limit).await? {
                let at = chrono_like(e.at);
                println!(
                    "{at}  {:<20} {:<16} {:<30} {}",
                    e.actor, e.action, e.username, e.detail
                );
            }
        }
    }
    Ok(())
}

/// A Unix-ms time as "dd/mm/yyyy HH:MM" in Vietnam's time.
fn chrono_like(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 7 * 3600;
    let day = tiendo_shared::model::Date::from_unix_millis_vn(ms)
        .map(|d| d.vi())
        .unwrap_or_default();
    let (h, m) = (secs.rem_euclid(86_400) / 3600, secs.rem_euclid(3600) / 60);
    format!("{day} {h:02}:{m:02}")
}

/// A password read from standard input (`--password-stdin`).
fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("không đọc được mật khẩu từ stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
