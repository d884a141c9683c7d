//! `tiendo evidence export`: "Hồ sơ minh chứng" of a plan for a period, written as a ZIP (works
//! while the server runs).
//!
//! Stage: *rendering*, the same [`crate::reports::evidence::export`] as the download route, over
//! the documents and files read straight from SQLite.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::open_store;
use crate::config::Config;
use crate::domain::documents;
use crate::reports::evidence;

/// Evidence files.
#[derive(Subcommand)]
pub enum EvidenceCommand {
    /// Write the evidence files of a plan for a period, with their index sheet, as one ZIP.
    Export {
        /// The plan id.
        #[arg(long)]
        plan: String,
        /// The reporting period: q1, h1, q3 or year.
        #[arg(long)]
        period: String,
        /// The ZIP to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
}

/// Runs `command`.
pub async fn run(cfg: &Config, command: EvidenceCommand) -> anyhow::Result<()> {
    match command {
        EvidenceCommand::Export { plan, period, out } => {
            let period: tiendo_shared::model::PeriodKind = period.parse()?;
            if out.exists() {
                anyhow::bail!("{} đã có; chọn tên tệp khác", out.display());
            }
            let store = open_store(cfg).await?;
            let data = documents::gather(&store, &plan).await?;
            let as_of = crate::reports::as_of(&data, Some(period), None, crate::today()).day;
            let lines = evidence::index(&data, period, as_of)?;
            let bytes = evidence::export(&data, period, as_of, &store).await?;
            std::fs::write(&out, &bytes)
                .with_context(|| format!("không ghi được {}", out.display()))?;
            println!(
                "Đã ghi {} ({} tệp minh chứng, {} KB)",
                out.display(),
                lines.len(),
                bytes.len().div_ceil(1024)
            );
            Ok(())
        }
    }
}
