//! `tiendo user`: accounts, managed from the server's machine (works while the server runs; a
//! password change or a disable ends the user's sessions, and the running server closes their
//! sync connections at once, [`crate::sessions_elsewhere`]).
//!
//! Stage: *operations*, over the accounts in the SQLite file.

use anyhow::Context;
use clap::Subcommand;

use super::open_store;
use crate::accounts::{NewUser, Role, generate_password};
use crate::config::Config;
use crate::reader;

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

/// Runs a `tiendo user` command.
pub async fn run(cfg: &Config, command: UserCommand) -> anyhow::Result<()> {
    let store = open_store(cfg).await?;
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
                    let agencies = reader::agencies(&store).await?;
                    let (agency, unit) = agencies
                        .iter()
                        .find_map(|a| a.units.iter().find(|x| x.id == *u).map(|x| (a, x)))
                        .with_context(|| format!("không có đơn vị {u} (xem `tiendo unit list`)"))?;
                    (Some(agency.id.clone()), Some(unit.clone()))
                }
                (None, true) => anyhow::bail!("vai trò {} cần --unit", role.as_str()),
                (Some(_), false) => {
                    anyhow::bail!("vai trò {} không gắn với đơn vị", role.as_str())
                }
                (None, false) => (None, None),
            };
            let (password, generated) = read_password(password_stdin)?;
            let display = name
                .or_else(|| unit_row.as_ref().map(|u| u.name.clone()))
                .unwrap_or_default();
            let user = store
                .add_user(NewUser {
                    username,
                    display_name: display,
                    role,
                    agency_id,
                    unit_id: unit_row.map(|u| u.id),
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
