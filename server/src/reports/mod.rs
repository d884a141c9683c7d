//! Report files: the period report as a DOCX in the administrative-document layout of Decree
//! 30/2020/NĐ-CP (with `docx-rs`), its XLSX annex (with `rust_xlsxwriter`), and the evidence
//! files of a period as one archive ([`evidence`], "Hồ sơ minh chứng").
//!
//! Stage: *rendering*, the last step. The content comes whole from `shared::report` (the same
//! `shared::status` numbers as the dashboard); nothing here computes a number. [`generate`] is
//! the one way in: it renders ([`docx()`], [`xlsx()`]) and records what it made.

pub mod docx;
pub mod evidence;
pub mod xlsx;

pub use docx::docx;
pub use xlsx::{SUMMARY_COLUMNS, summary_row, xlsx};

use tiendo_shared::PeriodKind;
use tiendo_shared::report::Report;

use crate::error::Result;

/// What making a report file can fail at.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The file asked for is not one this server makes (`q1.docx`, `year.xlsx`…).
    #[error("{0}")]
    BadName(String),
    /// The renderer failed.
    #[error("không tạo được tệp {kind}: {why}")]
    Render {
        /// DOCX or XLSX.
        kind: &'static str,
        /// What the library said.
        why: String,
    },
}
use crate::reader::PlanData;
use crate::store::{GeneratedReport, SqliteStore};

/// What a report is generated for.
#[derive(Debug, Clone)]
pub struct Request {
    /// The reporting period.
    pub period: PeriodKind,
    /// The day the numbers are computed for.
    pub as_of: tiendo_shared::Date,
    /// The files to make.
    pub kinds: Vec<FileKind>,
    /// Who asked (none from the CLI), for the list of generated reports.
    pub username: Option<String>,
}

/// A report file made and recorded.
#[derive(Debug, Clone)]
pub struct Generated {
    pub kind: FileKind,
    /// Its download name ([`file_name`]).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Builds the report of `data` for `request`, renders each requested file (off the async
/// threads) and records each in the store's list of generated reports (the reporting calendar's
/// "made on"). The one path for the HTTP download and `tiendo report`.
pub async fn generate(
    data: PlanData,
    store: &SqliteStore,
    rule: &tiendo_shared::report::ScoreRule,
    request: &Request,
) -> Result<(Report, Vec<Generated>)> {
    let plan_id = data.plan.id.clone();
    let (period, as_of, kinds, rule) = (
        request.period,
        request.as_of,
        request.kinds.clone(),
        rule.clone(),
    );
    let (report, files) = tokio::task::spawn_blocking(move || -> Result<_> {
        let report = data.report(period, as_of, &rule)?;
        let mut files = Vec::new();
        for kind in kinds {
            files.push(Generated {
                kind,
                name: file_name(&report, kind),
                bytes: kind.render(&report)?,
            });
        }
        Ok((report, files))
    })
    .await??;
    for file in &files {
        store
            .record_report(GeneratedReport {
                plan_id: plan_id.clone(),
                period: period.as_str().to_string(),
                kind: file.kind.extension().to_string(),
                as_of: as_of.to_string(),
                username: request.username.clone(),
                generated_at: crate::unix_now(),
            })
            .await?;
    }
    Ok((report, files))
}

/// A report file kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// The report (Word).
    Docx,
    /// The annex (Excel).
    Xlsx,
}

impl FileKind {
    /// Parses `q1.docx`, `year.xlsx`… into the period and the kind.
    pub fn parse_name(name: &str) -> Result<(PeriodKind, FileKind)> {
        let (period, ext) = name.rsplit_once('.').ok_or_else(|| {
            ReportError::BadName(format!(
                "tên tệp báo cáo không hợp lệ: {name} (ví dụ q1.docx, year.xlsx)"
            ))
        })?;
        let kind = match ext {
            "docx" => FileKind::Docx,
            "xlsx" => FileKind::Xlsx,
            _ => {
                return Err(ReportError::BadName(format!(
                    "định dạng báo cáo không hỗ trợ: .{ext} (docx, xlsx)"
                ))
                .into());
            }
        };
        Ok((period.parse()?, kind))
    }

    /// The MIME type.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
        }
    }

    /// Renders `report`.
    pub fn render(self, report: &Report) -> Result<Vec<u8>> {
        match self {
            FileKind::Docx => docx(report),
            FileKind::Xlsx => xlsx(report),
        }
    }
}

/// The file name a download gets: `bao-cao-cchc-q1-2025.docx`, `phu-luc-cchc-q1-2025.xlsx`.
pub fn file_name(report: &Report, kind: FileKind) -> String {
    let stem = match kind {
        FileKind::Docx => "bao-cao-cchc",
        FileKind::Xlsx => "phu-luc-cchc",
    };
    format!(
        "{stem}-{}-{}.{}",
        report.period.as_str(),
        report.as_of.year(),
        kind.extension()
    )
}

// ---------------------------------------------------------------------------------------------
// DOCX

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_file_names_parse_and_bad_ones_are_clear() {
        assert_eq!(
            FileKind::parse_name("q1.docx").unwrap(),
            (PeriodKind::Q1, FileKind::Docx)
        );
        assert_eq!(
            FileKind::parse_name("year.xlsx").unwrap(),
            (PeriodKind::Year, FileKind::Xlsx)
        );
        assert!(
            FileKind::parse_name("q1.pdf")
                .unwrap_err()
                .to_string()
                .contains("docx, xlsx")
        );
        assert!(
            FileKind::parse_name("q5.docx")
                .unwrap_err()
                .to_string()
                .contains("q1, h1, q3, year")
        );
        assert!(FileKind::parse_name("q1").is_err());
    }
}
