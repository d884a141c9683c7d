//! `tiendo plan parse`, `tiendo plan link` and `tiendo import`: a plan file (.docx, .xlsx annex
//! or text, told from the content) parsed for checking, or imported into the data directory; a
//! plan linked to the one whose year it continues.
//!
//! Stage: *import*, the same path as `POST /api/plans` ([`crate::domain::plan_files`] →
//! `shared::import` → [`crate::Library::import`]).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;

use crate::config::Config;

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Print the parsed plan as JSON, or with `--table` as a table to check before importing.
    Parse {
        /// The plan: a .docx, an .xlsx annex or text (UTF-8), told from the content.
        file: PathBuf,
        /// A table of the tasks (area, code, title, lead, coordinating units, products,
        /// timeline and parsed deadline) and what could not be placed, instead of JSON.
        #[arg(long)]
        table: bool,
    },
    /// Link a plan to the one whose year it continues: a mid-year replacement (`--replaces`), or
    /// the plan of an agency merged into this plan's (`--absorbs`). The year's figures then
    /// combine them (the server must be stopped: this takes the directory's lock).
    Link {
        /// The continuing plan's id.
        #[arg(long)]
        plan: String,
        /// The plan it replaces.
        #[arg(long, conflicts_with = "absorbs", required_unless_present = "absorbs")]
        replaces: Option<String>,
        /// The plan of the agency merged into this plan's.
        #[arg(long)]
        absorbs: Option<String>,
        /// From which day (YYYY-MM-DD or dd/mm/yyyy).
        #[arg(long)]
        from: String,
        /// The decision's (or replacing plan's) number.
        #[arg(long, default_value = "")]
        basis: String,
        /// Its date.
        #[arg(long)]
        basis_date: Option<String>,
    },
}

/// Runs a `tiendo plan` command.
pub async fn run(cfg: &Config, command: PlanCommand) -> anyhow::Result<()> {
    match command {
        PlanCommand::Link {
            plan,
            replaces,
            absorbs,
            from,
            basis,
            basis_date,
        } => {
            use tiendo_shared::model::links::{LinkKind, PlanLink};
            let (kind, other) = match (replaces, absorbs) {
                (Some(p), _) => (LinkKind::Replaces, p),
                (None, Some(p)) => (LinkKind::Absorbs, p),
                (None, None) => anyhow::bail!("cần --replaces hoặc --absorbs"),
            };
            let link = PlanLink {
                id: tiendo_shared::workflow::step_id(
                    "cli",
                    crate::unix_now() * 1000,
                    rand::random(),
                ),
                kind,
                plan_id: other,
                from: from.parse()?,
                basis: tiendo_shared::model::lineage::Basis {
                    number: basis.trim().to_string(),
                    date: basis_date.as_deref().map(str::parse).transpose()?,
                },
                by: "cli".into(),
            };
            let lock = crate::lock_data_dir(cfg)?;
            let store = crate::Store::open_at(&cfg.store_address()).await?;
            let library = crate::Library::open(store).await?.with_lock(lock);
            let result = library.link_plan(&plan, &link).await;
            let titles = async {
                let own = library.plan(&plan).await?.0.title;
                let other = library.plan(&link.plan_id).await?.0.title;
                Ok::<_, crate::error::AppError>((own, other))
            }
            .await;
            library.stop().await;
            result?;
            let (own, other) = titles?;
            println!("Đã liên kết: {own} — {}", link.describe(&other));
            Ok(())
        }
        PlanCommand::Parse { file, table } => {
            let imported = read_plan(&file, cfg)?;
            if table {
                print!("{}", plan_table(&imported));
            } else {
                let json = tiendo_shared::import::json_view(&imported);
                println!("{}", serde_json::to_string_pretty(&json)?);
            }
            Ok(())
        }
    }
}

/// `tiendo import FILE [--replaces PLAN --from DAY]`: imports the plan into the data directory
/// (the server must be stopped: this takes the directory's lock), as the replacement of another
/// when asked.
pub async fn import(
    cfg: &Config,
    file: &Path,
    replaces: Option<(String, String)>,
) -> anyhow::Result<()> {
    let imported = read_plan(file, cfg)?;
    let lock = crate::lock_data_dir(cfg)?;
    let store = crate::Store::open_at(&cfg.store_address()).await?;
    let library = crate::Library::open(store).await?.with_lock(lock);
    let mut imported = imported;
    // The units the organisation does not know: established from the plan's first day (the
    // preview of the app lets the office map them instead), each said aloud.
    match library.new_units(&imported).await {
        Ok(fresh) => {
            for n in fresh {
                let Some(from) = n.from else {
                    library.stop().await;
                    anyhow::bail!(
                        "đơn vị mới {}: kế hoạch không có năm để tính ngày thành lập",
                        n.name
                    );
                };
                println!("  đơn vị mới: {} (từ ngày {})", n.name, from.vi());
                imported
                    .choices
                    .insert(n.id, tiendo_shared::import::units::UnitChoice::New { from });
            }
        }
        Err(e) => {
            library.stop().await;
            return Err(e.into());
        }
    }
    let result = match replaces {
        Some((old, from)) => {
            let basis = tiendo_shared::model::lineage::Basis {
                number: imported.plan.number.clone(),
                date: imported.plan.date,
            };
            match from.parse() {
                Ok(from) => {
                    library
                        .import_replacement(imported, &old, from, basis, "cli")
                        .await
                }
                Err(e) => Err(e.into()),
            }
        }
        None => library.import(imported, "cli").await,
    };
    library.stop().await;
    let report = result.with_context(|| file.display().to_string())?;
    println!(
        "Đã nhập kế hoạch {} ({} nhiệm vụ) vào {}",
        report.plan_id,
        report.tasks,
        cfg.store_address()
    );
    println!("  tài liệu kế hoạch: {}", report.plan_doc);
    for u in &report.unplaced {
        println!(
            "  chưa xếp được (dòng {}): {} — {}",
            u.line, u.text, u.reason
        );
    }
    Ok(())
}

/// Reads and parses a plan file of any supported format.
fn read_plan(path: &Path, cfg: &Config) -> anyhow::Result<tiendo_shared::import::Imported> {
    let bytes =
        std::fs::read(path).with_context(|| format!("không đọc được {}", path.display()))?;
    let (_, imported) = crate::domain::plan_files::import_with(&bytes, &cfg.import)
        .with_context(|| path.display().to_string())?;
    Ok(imported)
}

/// The parsed plan as the office checks it before saving.
pub fn plan_table(imp: &tiendo_shared::import::Imported) -> String {
    use comfy_table::{ContentArrangement, Table};
    let names = |list: &[tiendo_shared::model::Assignee]| {
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
