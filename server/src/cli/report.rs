//! `tiendo report`: the period report (DOCX) and its annex (XLSX) of a plan, written into a
//! directory, with a progress bar (works while the server runs).
//!
//! Stage: *rendering*, the same [`crate::reports::generate`] as the download route, over the
//! documents read straight from SQLite.

use std::path::Path;

use anyhow::Context;
use indicatif::ProgressBar;

use super::open_store;
use crate::config::Config;
use crate::domain::documents::{self, DocReader};
use crate::reports::{self, FileKind};
use crate::store::{DocRecord, Store};

/// The store, moving the progress bar on at every document read.
struct Counted<'a> {
    store: &'a Store,
    bar: &'a ProgressBar,
}

impl DocReader for Counted<'_> {
    async fn records(&self) -> crate::domain::Result<Vec<DocRecord>> {
        Ok(self.store.documents().await?)
    }

    async fn document(&self, doc_id: &str) -> crate::domain::Result<automerge::Automerge> {
        let doc = self.store.read_document(doc_id).await;
        self.bar.inc(1);
        Ok(doc?)
    }
}

/// Writes the report of `plan_id` for `period` as of `as_of` (default: [`reports::as_of`]) into
/// `out`.
pub async fn run(
    cfg: &Config,
    plan_id: &str,
    period: &str,
    as_of: Option<&str>,
    out: &Path,
) -> anyhow::Result<()> {
    let period: tiendo_shared::model::PeriodKind = period.parse()?;
    let as_of = match as_of {
        Some(s) => Some(s.parse::<tiendo_shared::model::Date>()?),
        None => None,
    };
    let store = open_store(cfg).await?;
    // The plan's own documents are read twice (their readings, then the documents for the
    // report), the organisation's once, then the files are made.
    let own = store
        .documents()
        .await?
        .iter()
        .filter(|r| r.plan_id.as_deref() == Some(plan_id))
        .count() as u64;
    let bar = ProgressBar::new(2 * own + 2).with_style(
        indicatif::ProgressStyle::with_template("{msg:28} [{bar:30}] {pos}/{len}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message("đọc tài liệu");
    let counted = Counted {
        store: &store,
        bar: &bar,
    };
    let data = documents::gather(&counted, plan_id).await?;
    let docs = documents::documents(&counted, &data).await?;
    bar.set_message("tạo tệp DOCX, XLSX");
    let as_of = reports::as_of(&data, Some(period), as_of, crate::today()).day;
    let request = reports::Request {
        period,
        as_of,
        kinds: vec![FileKind::Docx, FileKind::Xlsx],
        username: None,
    };
    let (report, files) = reports::generate(data, docs, &store, &cfg.score, &request).await?;
    bar.inc(1);
    std::fs::create_dir_all(out).with_context(|| format!("không tạo được {}", out.display()))?;
    let mut written = Vec::new();
    for file in files {
        let path = out.join(&file.name);
        std::fs::write(&path, &file.bytes)
            .with_context(|| format!("không ghi được {}", path.display()))?;
        written.push(path);
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
