//! Report files: the period report as a DOCX in the administrative-document layout of Decree
//! 30/2020/NĐ-CP (with `docx-rs`), its XLSX annex (with `rust_xlsxwriter`), and the evidence
//! files of a period as one archive ([`evidence`], "Hồ sơ minh chứng"), and the province's
//! roll-up over agencies ([`province`]).
//!
//! Stage: *rendering*, the last step. The content comes whole from `shared::report` (the same
//! `shared::status` numbers as the dashboard); nothing here computes a number. [`generate`] is
//! the one way in: it renders ([`docx()`], [`xlsx()`]) and records what it made.

pub mod docx;
pub mod evidence;
pub mod par;
pub mod province;
pub mod xlsx;

pub use docx::docx;
pub use xlsx::{SUMMARY_COLUMNS, summary_row, xlsx};

use tiendo_shared::model::PeriodKind;
use tiendo_shared::views::report::Report;
use tiendo_shared::views::status::AsOf;

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
    /// Reading what the report is made of failed.
    #[error(transparent)]
    Domain(#[from] crate::domain::DomainError),
}

impl From<tokio::task::JoinError> for ReportError {
    fn from(e: tokio::task::JoinError) -> Self {
        ReportError::Domain(e.into())
    }
}

impl From<crate::store::StoreError> for ReportError {
    fn from(e: crate::store::StoreError) -> Self {
        ReportError::Domain(e.into())
    }
}

impl From<tiendo_shared::model::Error> for ReportError {
    fn from(e: tiendo_shared::model::Error) -> Self {
        ReportError::Domain(e.into())
    }
}

/// Result with the reports' error.
pub type Result<T, E = ReportError> = std::result::Result<T, E>;
use crate::domain::documents::PlanData;
use crate::store::{GeneratedReport, Store};

/// What a report is generated for.
#[derive(Debug, Clone)]
pub struct Request {
    /// The reporting period.
    pub period: PeriodKind,
    /// The day the numbers are computed for.
    pub as_of: tiendo_shared::model::Date,
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

/// The reports as the routes make them: over the store that keeps the list of generated files and
/// the evidence bytes. (`tiendo report` and `tiendo evidence` call [`generate`] and
/// [`evidence::export`] with a store of their own.)
#[derive(Clone)]
pub struct Reports {
    store: Store,
}

impl Reports {
    /// The reports kept in `store`.
    pub fn new(store: Store) -> Reports {
        Reports { store }
    }

    /// [`generate`], recorded in this store.
    pub async fn generate(
        &self,
        data: PlanData,
        docs: crate::domain::documents::Documents,
        rule: &tiendo_shared::views::report::ScoreRule,
        request: &Request,
    ) -> Result<(Report, Vec<Generated>)> {
        generate(data, docs, &self.store, rule, request).await
    }

    /// [`evidence::export`], the bytes read from this store.
    pub async fn evidence(
        &self,
        data: &PlanData,
        period: PeriodKind,
        as_of: tiendo_shared::model::Date,
    ) -> Result<Vec<u8>> {
        evidence::export(data, period, as_of, &self.store).await
    }
}

/// Builds the report of `data` for `request`, renders each requested file (off the async
/// threads) and records each in the store's list of generated reports (the reporting calendar's
/// "made on"). The one path for the HTTP download and `tiendo report`.
pub async fn generate(
    data: PlanData,
    docs: crate::domain::documents::Documents,
    store: &Store,
    rule: &tiendo_shared::views::report::ScoreRule,
    request: &Request,
) -> Result<(Report, Vec<Generated>)> {
    let plan_id = data.plan.id.clone();
    let received = store.receipts_by_doc(&data.workflow_docs()).await?;
    let (period, as_of, kinds, rule) = (
        request.period,
        request.as_of,
        request.kinds.clone(),
        rule.clone(),
    );
    // The plan's year, never the day's: the 2025 report downloaded in 2026 is 2025's.
    let year = data.plan.effective_year().unwrap_or(as_of.year());
    let agency = named_agency(&data);
    let (report, files) = tokio::task::spawn_blocking(move || -> Result<_> {
        let report = data.report(&docs, period, as_of, &rule, &received)?;
        let mut files = Vec::new();
        for kind in kinds {
            files.push(Generated {
                kind,
                name: file_name(year, period, &agency, kind),
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

/// The day a view of `data`'s plan is computed as of: the day the user picked, else the
/// shared rule ([`tiendo_shared::views::status::as_of()`]) for `period` (`None`: the plan as a whole)
/// with the office's configured deadlines, on `today` — a period whose deadline has passed is
/// computed as of that deadline, so a report printed later says what it said when it was due.
/// The one rule of the status, the year's figures, the reports and the evidence archive.
pub fn as_of(
    data: &PlanData,
    period: Option<PeriodKind>,
    picked: Option<tiendo_shared::model::Date>,
    today: tiendo_shared::model::Date,
) -> AsOf {
    match picked {
        Some(day) => AsOf::picked(day),
        None => tiendo_shared::views::status::as_of(
            &data.plan,
            period,
            &data
                .plan_steps
                .configured(period.unwrap_or(PeriodKind::Year)),
            today,
        ),
    }
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
                )));
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

/// The file name a download gets: `bao-cao-cchc-2025-nam-so-khcn-quang-ngai.docx`,
/// `phu-luc-cchc-2025-quy-1-so-khcn-quang-ngai.xlsx` — the plan's year (never the day's), the
/// period and the agency's short name, in ASCII ([`tiendo_shared::views::status::as_of::file_name`]).
pub fn file_name(year: i32, period: PeriodKind, agency: &str, kind: FileKind) -> String {
    let stem = match kind {
        FileKind::Docx => "bao-cao-cchc",
        FileKind::Xlsx => "phu-luc-cchc",
    };
    tiendo_shared::views::status::as_of::file_name(
        stem,
        year,
        Some(period),
        agency,
        kind.extension(),
    )
}

/// The agency as its downloads are named: its name, and a department's province after it
/// ("Sở Khoa học và Công nghệ" of "UBND tỉnh Quảng Ngãi" → "Sở Khoa học và Công nghệ tỉnh
/// Quảng Ngãi", so `so-khcn-quang-ngai`); a commune's name names its place already.
pub fn named_agency(data: &PlanData) -> String {
    let Ok(agency) = data.agency() else {
        return String::new();
    };
    let org = data.org.name.to_lowercase();
    let province = org
        .find("tỉnh ")
        .or_else(|| org.find("thành phố "))
        .map(|i| org[i..].trim().to_string());
    match province {
        Some(p)
            if tiendo_shared::views::province::Kind::of(agency)
                == tiendo_shared::views::province::Kind::So
                && !agency.name.to_lowercase().contains(&p) =>
        {
            format!("{} {p}", agency.name)
        }
        _ => agency.name.clone(),
    }
}

/// `Content-Disposition` of a download named `name` (ASCII, [`file_name`]).
pub fn attachment(name: &str) -> String {
    format!("attachment; filename=\"{name}\"")
}

// ---------------------------------------------------------------------------------------------
// DOCX

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_report(period: PeriodKind, as_of: &str) -> Report {
        let seed = tiendo_shared::import::import(crate::SEED_PLAN).unwrap();
        tiendo_shared::views::report::build(
            &seed.plan,
            &seed.org,
            seed.agency(),
            &[],
            period,
            as_of.parse().unwrap(),
            &Default::default(),
            &Default::default(),
            Vec::new(),
        )
    }

    #[test]
    fn the_same_report_made_twice_is_the_same_file() {
        let report = seed_report(PeriodKind::Q1, "2025-03-20");
        let first = (docx(&report).unwrap(), xlsx(&report).unwrap());
        // Past a second boundary: no clock in either file.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let again = (docx(&report).unwrap(), xlsx(&report).unwrap());
        assert!(first.0 == again.0, "DOCX bytes differ");
        assert!(first.1 == again.1, "XLSX bytes differ");
    }

    #[test]
    fn a_period_report_covers_what_fell_due_or_was_done_and_the_next_periods_tasks() {
        let report = seed_report(PeriodKind::Q1, "2025-03-20");
        let all: usize = report.areas.iter().map(|a| a.tasks.len()).sum();
        let in_period: usize = report
            .areas
            .iter()
            .flat_map(|a| &a.tasks)
            .filter(|t| t.in_period)
            .count();
        assert!(in_period > 0 && in_period < all, "{in_period} of {all}");
        for t in report
            .areas
            .iter()
            .flat_map(|a| &a.tasks)
            .filter(|t| t.in_period)
        {
            let due_in_q1 = t
                .deadline
                .is_some_and(|d| d <= "2025-03-14".parse().unwrap());
            assert!(
                due_in_q1 || t.state == tiendo_shared::views::status::TaskState::Overdue,
                "{}",
                t.code
            );
        }
        assert!(
            !report.next_tasks.is_empty(),
            "tasks due by 14/6 are the next period's"
        );
        for t in &report.next_tasks {
            let d = t.deadline.unwrap();
            assert!(
                d >= "2025-03-15".parse().unwrap() && d <= "2025-06-14".parse().unwrap(),
                "{}",
                t.code
            );
        }
        // The drafts stand where the office wrote nothing.
        assert!(report.texts.direction.contains("đã ban hành và triển khai"));
        assert!(report.texts.proposals.contains("Không có đề xuất"));
    }

    #[test]
    fn evidence_names_reach_the_docx_and_xlsx_without_bidi_tricks() {
        use tiendo_shared::model::{Evidence, EvidenceFile, Progress, WorkStatus};
        let seed = tiendo_shared::import::import(crate::SEED_PLAN).unwrap();
        // A task the Q1 report shows in full.
        let shown = seed_report(PeriodKind::Q1, "2025-03-20");
        let (task, unit) = shown
            .areas
            .iter()
            .flat_map(|a| &a.tasks)
            .filter(|t| t.in_period)
            .filter_map(|t| seed.plan.task(&t.task_id))
            .find_map(|t| Some((t, t.lead.iter().find_map(|l| l.unit_id.clone())?)))
            .unwrap();
        let mut progress = Progress::new(&seed.plan.id, &unit);
        let e = progress.entry_mut(&task.id, PeriodKind::Q1);
        e.status = WorkStatus::Done;
        e.percent = 100;
        e.evidence.push(Evidence {
            id: "ev-1".into(),
            number: "25/KH".into(),
            files: vec![EvidenceFile {
                name: "Hồ sơ\u{202E}xcod.jar\u{200B}".into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        let report = tiendo_shared::views::report::build(
            &seed.plan,
            &seed.org,
            seed.agency(),
            &[progress],
            PeriodKind::Q1,
            "2025-03-20".parse().unwrap(),
            &Default::default(),
            &Default::default(),
            Vec::new(),
        );
        let part = |bytes: Vec<u8>, name: &str| {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut xml).unwrap();
            xml
        };
        for xml in [
            part(docx(&report).unwrap(), "word/document.xml"),
            part(xlsx(&report).unwrap(), "xl/sharedStrings.xml"),
        ] {
            assert!(xml.contains("Hồ sơxcod.jar"), "the file is named");
            assert!(!xml.contains(['\u{202E}', '\u{200B}']), "nothing hidden");
        }
    }

    #[test]
    fn download_names_carry_the_plans_year_the_period_and_the_agency() {
        assert_eq!(
            file_name(
                2025,
                PeriodKind::Year,
                "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi",
                FileKind::Docx
            ),
            "bao-cao-cchc-2025-nam-so-khcn-quang-ngai.docx"
        );
        assert_eq!(
            file_name(2025, PeriodKind::Q1, "UBND xã An Bình", FileKind::Xlsx),
            "phu-luc-cchc-2025-quy-1-ubnd-xa-an-binh.xlsx"
        );
    }

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
