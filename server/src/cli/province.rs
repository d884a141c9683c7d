//! `tiendo province report`: the province's roll-up over every agency of the data directory as
//! an XLSX (works while the server runs: the documents are read straight from SQLite).
//!
//! Stage: *rendering*, the same `crate::domain::province::rollup` and `reports::province::xlsx` as
//! `GET /api/province/rollup.xlsx`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::open_store;
use crate::config::Config;

/// `tiendo province …`.
#[derive(Debug, Subcommand)]
pub enum ProvinceCommand {
    /// Write the roll-up of every agency's plan of a year for a period as an XLSX.
    Report {
        /// The plans' year (default: that of --as-of, else this year).
        #[arg(long)]
        year: Option<i32>,
        /// The reporting period: q1, h1, q3 or year.
        #[arg(long)]
        period: String,
        /// The day counted for (YYYY-MM-DD or dd/mm/yyyy; default: each plan's own rule — a
        /// period whose deadline has passed as of that deadline, else today).
        #[arg(long)]
        as_of: Option<String>,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Runs a `tiendo province` command.
pub async fn run(cfg: &Config, command: ProvinceCommand) -> anyhow::Result<()> {
    match command {
        ProvinceCommand::Report {
            year,
            period,
            as_of,
            out,
        } => {
            let period: tiendo_shared::model::PeriodKind = period.parse()?;
            let picked = match as_of {
                Some(s) => Some(s.parse::<tiendo_shared::model::Date>()?),
                None => None,
            };
            let ask = crate::domain::province::Ask::new(year, Some(period), picked, crate::today());
            let store = open_store(cfg).await?;
            let rules = crate::domain::province::Rules {
                score: cfg.score.clone(),
                plan_deadline: cfg.province.plan_deadline()?,
            };
            let rollup =
                crate::domain::province::rollup(&store, &store, |_| true, ask, &rules).await?;
            let bytes = crate::reports::province::xlsx(&rollup)?;
            std::fs::write(&out, bytes)
                .with_context(|| format!("không ghi được {}", out.display()))?;
            println!(
                "{} ({} cơ quan, {} tính đến {})",
                out.display(),
                rollup.rows.len(),
                period.vi(),
                rollup.as_of.vi()
            );
            Ok(())
        }
    }
}
