//! `tiendo unit list|merge|rename|split|retire|move`: the units of every stored organisation
//! (for `tiendo user add --unit`), and the organisation changes an agency admin records in the app
//! (merge, rename, split, retire, a function moved), each from a date on a legal basis.
//!
//! Stage: *operations*. Listing reads the organisation documents from SQLite (works while the
//! server runs); a change takes the data directory's lock (the server must be stopped, as for
//! `tiendo import`) and is recorded by [`crate::Library::record_org_change`], the accounts
//! following it when its date has come.

use std::collections::BTreeMap;

use anyhow::Context;
use clap::{Args, Subcommand};
use tiendo_shared::model::Date;
use tiendo_shared::model::lineage::{AccountFate, Basis, Operation};

use super::open_store;
use crate::config::Config;
use crate::domain::documents;

#[derive(Subcommand)]
pub enum UnitCommand {
    /// List the units of every stored organisation.
    List,
    /// Merge a unit into another from a date: its tasks pass to it.
    Merge {
        #[command(flatten)]
        change: Change,
        /// The unit it joins.
        #[arg(long)]
        into: String,
        /// Its accounts: move (to the unit it joins) or disable.
        #[arg(long, default_value = "move")]
        accounts: String,
    },
    /// Rename a unit from a date (reports before it keep the old name).
    Rename {
        #[command(flatten)]
        change: Change,
        /// The new name.
        #[arg(long)]
        name: String,
    },
    /// Split a unit from a date into existing units and new ones.
    Split {
        #[command(flatten)]
        change: Change,
        /// An existing unit taking part of its work (repeat).
        #[arg(long = "into")]
        into: Vec<String>,
        /// The name of a new unit to create (repeat).
        #[arg(long = "new")]
        new_units: Vec<String>,
        /// Where a task goes: TASK=UNIT (a unit id or a new unit's name; repeat). Tasks not
        /// named go to the first unit.
        #[arg(long = "task")]
        tasks: Vec<String>,
        /// Its accounts: move (to the first unit) or disable.
        #[arg(long, default_value = "disable")]
        accounts: String,
    },
    /// Retire a unit from a date.
    Retire {
        #[command(flatten)]
        change: Change,
        /// Its accounts: keep or disable.
        #[arg(long, default_value = "disable")]
        accounts: String,
    },
    /// Move some of a unit's tasks to another unit from a date.
    Move {
        #[command(flatten)]
        change: Change,
        /// The unit taking the tasks.
        #[arg(long)]
        to: String,
        /// A task's id (repeat).
        #[arg(long = "task", required = true)]
        tasks: Vec<String>,
    },
}

/// What every change names.
#[derive(Args)]
pub struct Change {
    /// The agency's id (default: the only agency that has the unit).
    #[arg(long)]
    agency: Option<String>,
    /// The unit changed.
    #[arg(long)]
    unit: String,
    /// The first day of the new arrangement (YYYY-MM-DD or dd/mm/yyyy).
    #[arg(long)]
    on: String,
    /// The decision's number ("Quyết định số 12/QĐ-UBND").
    #[arg(long, default_value = "")]
    basis: String,
    /// The decision's date.
    #[arg(long)]
    basis_date: Option<String>,
}

/// Runs a `tiendo unit` command.
pub async fn run(cfg: &Config, command: UnitCommand) -> anyhow::Result<()> {
    let (change, op) = match command {
        UnitCommand::List => return list(cfg).await,
        UnitCommand::Merge {
            change,
            into,
            accounts,
        } => {
            let op = Operation::Merge {
                unit: change.unit.clone(),
                into,
                accounts: accounts.parse()?,
            };
            (change, op)
        }
        UnitCommand::Rename { change, name } => {
            let op = Operation::Rename {
                unit: change.unit.clone(),
                name,
            };
            (change, op)
        }
        UnitCommand::Split {
            change,
            into,
            new_units,
            tasks,
            accounts,
        } => {
            let routes = tasks
                .iter()
                .map(|t| {
                    t.split_once('=')
                        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                        .with_context(|| format!("--task {t}: viết NHIỆM_VỤ=ĐƠN_VỊ"))
                })
                .collect::<anyhow::Result<BTreeMap<_, _>>>()?;
            let op = Operation::Split {
                unit: change.unit.clone(),
                into,
                new_units,
                routes,
                accounts: accounts.parse()?,
            };
            (change, op)
        }
        UnitCommand::Retire { change, accounts } => {
            let accounts: AccountFate = accounts.parse()?;
            let op = Operation::Retire {
                unit: change.unit.clone(),
                accounts,
            };
            (change, op)
        }
        UnitCommand::Move { change, to, tasks } => {
            let op = Operation::MoveFunction {
                unit: change.unit.clone(),
                to,
                tasks,
            };
            (change, op)
        }
    };
    record(cfg, change, op).await
}

async fn list(cfg: &Config) -> anyhow::Result<()> {
    let store = open_store(cfg).await?;
    for agency in documents::agencies(&store).await? {
        let lineage = agency.lineage();
        for u in &agency.units {
            let office = agency.central_office.as_deref() == Some(u.id.as_str());
            let ended = lineage
                .end_of(&u.id)
                .map(|c| format!(" — {}", c.describe(&agency)))
                .unwrap_or_default();
            println!(
                "{:<50} {}{}  ({}){ended}",
                u.id,
                u.name,
                if office {
                    " — đầu mối tổng hợp"
                } else {
                    ""
                },
                agency.name
            );
        }
    }
    Ok(())
}

async fn record(cfg: &Config, change: Change, op: Operation) -> anyhow::Result<()> {
    let on: Date = change.on.parse()?;
    let basis = Basis {
        number: change.basis.trim().to_string(),
        date: change.basis_date.as_deref().map(str::parse).transpose()?,
    };
    let agency_id = match change.agency {
        Some(a) => a,
        None => {
            let store = open_store(cfg).await?;
            let found: Vec<String> = documents::agencies(&store)
                .await?
                .into_iter()
                .filter(|a| a.unit(&change.unit).is_some())
                .map(|a| a.id)
                .collect();
            match found.as_slice() {
                [one] => one.clone(),
                [] => anyhow::bail!("không có đơn vị {} (xem `tiendo unit list`)", change.unit),
                _ => anyhow::bail!(
                    "đơn vị {} có ở nhiều cơ quan ({}); chọn bằng --agency",
                    change.unit,
                    found.join(", ")
                ),
            }
        }
    };
    let lock = crate::lock_data_dir(cfg)?;
    let store = crate::Store::open_at(&cfg.store_address()).await?;
    let library = crate::Library::open(store).await?.with_lock(lock);
    let result = library
        .record_org_change(&agency_id, &op, on, basis, "cli")
        .await;
    let org = library.org(&agency_id).await;
    library.stop().await;
    let change = result?;
    let agency = org?;
    let agency = agency
        .agency(&agency_id)
        .context("cơ quan không còn trong tổ chức")?;
    println!("Đã ghi: {}", change.describe(agency));
    Ok(())
}
