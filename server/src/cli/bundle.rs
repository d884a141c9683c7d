//! `tiendo bundle`: bundle files by hand ([`crate::domain::bundles`]) — `import` a unit's bundle carried
//! in from a tablet that has no link, `export` a starter bundle for a unit's new tablet.
//!
//! Stage: *operations*, over the library (the server must be stopped on a SQLite data
//! directory: this takes its lock).

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use tiendo_shared::api::BundleOutcome;

use crate::config::Config;

/// Bundle files.
#[derive(Subcommand)]
pub enum BundleCommand {
    /// Apply a unit's bundle (.tiendo) as its author's sync would; prints what was applied,
    /// already known and refused.
    Import {
        /// The bundle file.
        file: PathBuf,
    },
    /// Write a starter bundle for a new tablet of a unit (the plan, the organisation, the
    /// unit's progress), signed with this server's key.
    Export {
        /// The unit id (`tiendo unit list`).
        #[arg(long)]
        unit: String,
        /// The agency id (default: the only one, or the one with this unit).
        #[arg(long)]
        agency: Option<String>,
        /// The plan id (default: the agency's first plan).
        #[arg(long, default_value = "")]
        plan: String,
        /// The file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
}

/// Runs `command`.
pub async fn run(cfg: &Config, command: BundleCommand) -> anyhow::Result<()> {
    let lock = crate::lock_data_dir(cfg)?;
    let store = super::open_store(cfg).await?;
    let library = crate::Library::open(store).await?.with_lock(lock);
    let result = match command {
        BundleCommand::Import { file } => import(cfg, &library, &file).await,
        BundleCommand::Export {
            unit,
            agency,
            plan,
            out,
        } => export(&library, &unit, agency, &plan, &out).await,
    };
    library.stop().await;
    result
}

async fn import(cfg: &Config, library: &crate::Library, file: &PathBuf) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(file).with_context(|| format!("không đọc được {}", file.display()))?;
    let (opened, author) = crate::domain::bundles::author_of(library, &bytes).await?;
    let report =
        crate::domain::bundles::import(library, opened, &author, cfg.limits.max_file_bytes).await?;
    println!(
        "Gói của {} ({}), lập lúc {} (giờ máy lập)",
        report.author_name,
        report.author,
        day_of(report.created_ms)
    );
    let word = |o: BundleOutcome| match o {
        BundleOutcome::Applied => "ghi mới",
        BundleOutcome::Known => "đã có",
        BundleOutcome::Refused => "TỪ CHỐI",
    };
    for d in &report.documents {
        let extra = match (d.outcome, &d.reason) {
            (BundleOutcome::Applied, _) => format!(" ({} thay đổi)", d.changes),
            (_, Some(why)) => format!(": {why}"),
            _ => String::new(),
        };
        let title = if d.title.is_empty() {
            &d.doc_id
        } else {
            &d.title
        };
        println!("  tài liệu {title}: {}{extra}", word(d.outcome));
    }
    for f in &report.files {
        let why = f
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        println!(
            "  tệp {} ({} KB): {}{why}",
            f.name,
            f.size.div_ceil(1024),
            word(f.outcome)
        );
    }
    println!("{}", report.summary());
    Ok(())
}

async fn export(
    library: &crate::Library,
    unit: &str,
    agency: Option<String>,
    plan: &str,
    out: &PathBuf,
) -> anyhow::Result<()> {
    if out.exists() {
        anyhow::bail!("{} đã có; chọn tên tệp khác", out.display());
    }
    let agency = match agency {
        Some(a) => a,
        None => {
            let with_unit: Vec<_> = library
                .agencies()
                .await?
                .into_iter()
                .filter(|a| a.unit(unit).is_some())
                .collect();
            match with_unit.as_slice() {
                [one] => one.id.clone(),
                [] => anyhow::bail!("không cơ quan nào có đơn vị {unit} (`tiendo unit list`)"),
                _ => anyhow::bail!("nhiều cơ quan có đơn vị {unit}; chọn bằng --agency"),
            }
        }
    };
    let now_ms = crate::unix_now() * 1000;
    let bytes =
        crate::domain::bundles::starter(library, &agency, unit, plan, "cli", now_ms).await?;
    std::fs::write(out, &bytes).with_context(|| format!("không ghi được {}", out.display()))?;
    println!(
        "Đã ghi gói khởi tạo {} cho đơn vị {unit} ({} KB)",
        out.display(),
        bytes.len().div_ceil(1024)
    );
    Ok(())
}

/// The day of `ms` in Vietnam.
fn day_of(ms: i64) -> String {
    tiendo_shared::model::Date::from_unix_millis_vn(ms)
        .map(|d| d.to_string())
        .unwrap_or_else(|| ms.to_string())
}
