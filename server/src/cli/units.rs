//! `tiendo unit list`: the units of every stored organisation, for `tiendo user add --unit`.
//!
//! Stage: *operations*, reading the organisation documents from SQLite.

use clap::Subcommand;

use super::open_store;
use crate::config::Config;
use crate::reader;

#[derive(Subcommand)]
pub enum UnitCommand {
    /// List the units of every stored organisation.
    List,
}

/// Runs a `tiendo unit` command.
pub async fn run(cfg: &Config, command: UnitCommand) -> anyhow::Result<()> {
    match command {
        UnitCommand::List => {
            let store = open_store(cfg)?;
            for agency in reader::agencies(&store).await? {
                for u in &agency.units {
                    let office = agency.central_office.as_deref() == Some(u.id.as_str());
                    println!(
                        "{:<50} {}{}  ({})",
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
    }
}
