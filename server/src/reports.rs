//! Report files: the period report as a DOCX in the administrative-document layout of Decree
//! 30/2020/NĐ-CP (with `docx-rs`) and its XLSX annex (with `rust_xlsxwriter`).
//!
//! Stage: *rendering*, the last step. The content comes whole from `shared::report` (the same
//! `shared::status` numbers as the dashboard); nothing here computes a number.

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, WidthType,
};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use tiendo_shared::PeriodKind;
use tiendo_shared::report::Report;
use tiendo_shared::status::Counts;

use crate::error::{Error, Result};
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
    .await
    .map_err(|e| Error::Report(format!("tạo báo cáo bị gián đoạn: {e}")))??;
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
            Error::BadRequest(format!(
                "tên tệp báo cáo không hợp lệ: {name} (ví dụ q1.docx, year.xlsx)"
            ))
        })?;
        let kind = match ext {
            "docx" => FileKind::Docx,
            "xlsx" => FileKind::Xlsx,
            _ => {
                return Err(Error::BadRequest(format!(
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

const FONT: &str = "Times New Roman";
/// mm → twentieths of a point.
const fn mm(v: i32) -> i32 {
    v * 1440 * 10 / 254
}
/// Font sizes in half-points.
const BODY: usize = 28; // 14 pt
const HEADER: usize = 26; // 13 pt
const SMALL: usize = 24; // 12 pt
const RECIPIENTS: usize = 22; // 11 pt

fn run(text: impl Into<String>, size: usize) -> Run {
    Run::new().add_text(text).size(size).fonts(
        RunFonts::new()
            .ascii(FONT)
            .hi_ansi(FONT)
            .cs(FONT)
            .east_asia(FONT),
    )
}

fn centered(r: Run) -> Paragraph {
    Paragraph::new().add_run(r).align(AlignmentType::Center)
}

/// A body paragraph: justified, first line indented 1 cm, 6 pt after.
fn body(text: impl Into<String>) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(mm(10))), None, None)
        .line_spacing(LineSpacing::new().after(120))
}

/// A heading inside the body (bold, indented like the body).
fn heading(text: impl Into<String>) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY).bold())
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(mm(10))), None, None)
        .line_spacing(LineSpacing::new().before(120).after(120))
}

fn cell(width_mm: i32, paragraphs: Vec<Paragraph>) -> TableCell {
    paragraphs.into_iter().fold(
        TableCell::new().width(mm(width_mm) as usize, WidthType::Dxa),
        |c, p| c.add_paragraph(p),
    )
}

fn percent(rate: f64) -> String {
    format!("{:.1}", rate * 100.0).replace('.', ",")
}

fn counts_sentence(c: &Counts, as_of: &str) -> String {
    format!(
        "Kế hoạch đề ra {} nhiệm vụ; tính đến {as_of} có {} nhiệm vụ đến hạn. Trong đó: hoàn thành \
         đúng hạn {}, hoàn thành quá hạn {}, đang thực hiện trong hạn {}, quá hạn chưa hoàn thành {}, \
         chưa thực hiện {}, không thực hiện được {}. Tỷ lệ hoàn thành trên tổng số nhiệm vụ: {}%; \
         tỷ lệ hoàn thành nhiệm vụ đến hạn: {}%.",
        c.total,
        c.due,
        c.done_on_time,
        c.done_late,
        c.in_progress,
        c.overdue,
        c.not_started,
        c.unable,
        percent(c.completion_rate),
        percent(c.due_completion_rate),
    )
}

/// The report as a DOCX: A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times
/// New Roman; letterhead, number, place and date, title, body by area, assessment, recipients
/// and signature.
pub fn docx(r: &Report) -> Result<Vec<u8>> {
    let as_of = r.as_of.vi();
    // Letterhead: issuing body on the left, national motto on the right.
    let letterhead = Table::without_borders(vec![TableRow::new(vec![
        cell(
            75,
            vec![
                centered(run(&r.parent_body, HEADER)),
                centered(run(&r.agency, HEADER).bold()),
                centered(run("———————", HEADER)),
                centered(run(&r.number, HEADER)),
            ],
        ),
        cell(
            90,
            vec![
                centered(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", HEADER).bold()),
                centered(run("Độc lập - Tự do - Hạnh phúc", BODY).bold()),
                centered(run("———————————————", HEADER)),
                centered(run(&r.place_date, BODY).italic()),
            ],
        ),
    ])])
    .set_grid(vec![mm(75) as usize, mm(90) as usize]);

    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(mm(20))
                .bottom(mm(20))
                .left(mm(30))
                .right(mm(15))
                .header(mm(10))
                .footer(mm(10)),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(FONT)
                .hi_ansi(FONT)
                .cs(FONT)
                .east_asia(FONT),
        )
        .default_size(BODY)
        .add_table(letterhead)
        .add_paragraph(Paragraph::new())
        .add_paragraph(centered(run("BÁO CÁO", BODY).bold()))
        .add_paragraph(centered(run(&r.subject, BODY).bold()))
        .add_paragraph(centered(run("—————", BODY)))
        .add_paragraph(body(format!(
            "Thực hiện {}, {} báo cáo {} như sau:",
            r.plan_reference,
            r.agency_name,
            lower_first(&r.subject)
        )));

    let h = &r.summary.headline;
    doc = doc
        .add_paragraph(heading("I. KẾT QUẢ THỰC HIỆN"))
        .add_paragraph(heading("1. Tình hình chung"))
        .add_paragraph(body(counts_sentence(h, &as_of)))
        .add_paragraph(body(format!(
            "Mức độ thực hiện kế hoạch cải cách hành chính: hoàn thành {}/{} nhiệm vụ đến hạn \
             ({}%), tự đánh giá {} / {} điểm.",
            r.score.done,
            r.score.due,
            percent(r.score.rate),
            points(r.score.points),
            points(r.score.max_points)
        )))
        .add_paragraph(heading("2. Kết quả thực hiện các nhiệm vụ theo lĩnh vực"));

    for area in &r.areas {
        doc = doc.add_paragraph(heading(format!("{}. {}", area.number, area.title)));
        if area.tasks.is_empty() {
            doc = doc.add_paragraph(body("Không có nhiệm vụ trong kỳ."));
        }
        for t in &area.tasks {
            let deadline = t.deadline.map_or_else(|| t.timeline.clone(), |d| d.vi());
            doc = doc
                .add_paragraph(
                    Paragraph::new()
                        .add_run(run(format!("{} ", t.code), BODY).bold())
                        .add_run(run(&t.title, BODY))
                        .align(AlignmentType::Both)
                        .indent(None, Some(SpecialIndentType::FirstLine(mm(10))), None, None)
                        .line_spacing(LineSpacing::new().after(60)),
                )
                .add_paragraph(body(format!(
                    "- Đơn vị chủ trì: {}; thời hạn: {deadline}; tình trạng: {} ({}%).",
                    if t.lead.is_empty() {
                        "(chưa xác định)".to_string()
                    } else {
                        t.lead.join(", ")
                    },
                    t.state.vi(),
                    t.percent
                )));
            if t.results.is_empty() {
                doc = doc.add_paragraph(body("- Kết quả: chưa có báo cáo."));
            }
            for res in &t.results {
                doc = doc.add_paragraph(body(format!("- Kết quả ({}): {}", res.unit, res.text)));
            }
            if !t.evidence.is_empty() {
                doc = doc.add_paragraph(body(format!(
                    "- Tài liệu kiểm chứng: {}.",
                    t.evidence.join("; ")
                )));
            }
            if !t.missing.is_empty() {
                doc = doc.add_paragraph(body(format!(
                    "- Chưa báo cáo kỳ này: {}.",
                    t.missing.join(", ")
                )));
            }
        }
    }

    doc = doc
        .add_paragraph(heading("II. ĐÁNH GIÁ CHUNG"))
        .add_paragraph(heading("1. Kết quả đạt được"))
        .add_paragraph(body(format!(
            "Đã hoàn thành {} nhiệm vụ ({} đúng hạn, {} quá hạn); {} nhiệm vụ đang thực hiện trong hạn.",
            h.done_on_time + h.done_late,
            h.done_on_time,
            h.done_late,
            h.in_progress
        )))
        .add_paragraph(heading("2. Tồn tại, hạn chế, khó khăn, vướng mắc"));
    if h.overdue > 0 {
        doc = doc.add_paragraph(body(format!(
            "Còn {} nhiệm vụ quá hạn chưa hoàn thành.",
            h.overdue
        )));
    }
    if r.difficulties.is_empty() && h.overdue == 0 {
        doc = doc.add_paragraph(body("Các đơn vị không báo cáo khó khăn, vướng mắc."));
    }
    for d in &r.difficulties {
        doc = doc.add_paragraph(body(format!("- {}: {}", d.unit, d.text)));
    }
    doc = doc.add_paragraph(heading("III. ĐỀ XUẤT, KIẾN NGHỊ"));
    if r.proposals.is_empty() {
        doc = doc.add_paragraph(body("Không có đề xuất, kiến nghị."));
    }
    for p in &r.proposals {
        doc = doc.add_paragraph(body(format!("- {}: {}", p.unit, p.text)));
    }
    doc = doc.add_paragraph(body(format!(
        "Trên đây là báo cáo {} của {}.",
        lower_first(&r.subject),
        r.agency_name
    )));

    // Recipients on the left, signature on the right.
    let mut left = vec![Paragraph::new().add_run(run("Nơi nhận:", SMALL).bold().italic())];
    left.extend(r.recipients.iter().map(|x| {
        Paragraph::new().add_run(run(
            format!("- {}", x.trim_start_matches(['-', ' '])),
            RECIPIENTS,
        ))
    }));
    let mut right: Vec<Paragraph> = r
        .signer
        .title
        .split('\n')
        .map(|line| centered(run(line.trim(), BODY).bold()))
        .collect();
    right.push(centered(run("", BODY).add_break(BreakType::TextWrapping)));
    right.push(centered(run("", BODY).add_break(BreakType::TextWrapping)));
    right.push(centered(run("", BODY)));
    right.push(centered(run(&r.signer.name, BODY).bold()));
    let footer = Table::without_borders(vec![TableRow::new(vec![cell(85, left), cell(80, right)])])
        .set_grid(vec![mm(85) as usize, mm(80) as usize]);
    doc = doc.add_paragraph(Paragraph::new()).add_table(footer);

    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| Error::Report(format!("không tạo được tệp DOCX: {e}")))?;
    Ok(out.into_inner())
}

fn points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}").replace('.', ",")
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// XLSX

/// The summary columns, in order, shared by the plan, area and unit rows.
pub const SUMMARY_COLUMNS: [&str; 10] = [
    "Số nhiệm vụ đề ra",
    "Số đến hạn",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Đang thực hiện",
    "Quá hạn",
    "Chưa thực hiện",
    "Không thực hiện được",
    "Tỷ lệ hoàn thành (%)",
    "Tỷ lệ hoàn thành nhiệm vụ đến hạn (%)",
];

/// The summary numbers of `c`, in [`SUMMARY_COLUMNS`] order.
pub fn summary_row(c: &Counts) -> [f64; 10] {
    [
        c.total as f64,
        c.due as f64,
        c.done_on_time as f64,
        c.done_late as f64,
        c.in_progress as f64,
        c.overdue as f64,
        c.not_started as f64,
        c.unable as f64,
        (c.completion_rate * 1000.0).round() / 10.0,
        (c.due_completion_rate * 1000.0).round() / 10.0,
    ]
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Report(format!("không tạo được tệp XLSX: {e}"))
}

/// The annex: sheet "Tổng hợp" (the plan, then by area, then by unit) and sheet "Nhiệm vụ"
/// (one row per task).
pub fn xlsx(r: &Report) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let title = Format::new()
        .set_bold()
        .set_font_size(13)
        .set_font_name(FONT);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_font_name(FONT);
    let text = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_font_name(FONT);
    let num = Format::new()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_font_name(FONT);

    let sheet = book.add_worksheet();
    sheet.set_name("Tổng hợp").map_err(xlsx_err)?;
    sheet
        .write_string_with_format(
            0,
            0,
            format!("PHỤ LỤC: {}", r.subject.to_uppercase()),
            &title,
        )
        .map_err(xlsx_err)?;
    sheet
        .write_string(
            1,
            0,
            format!("{} — số liệu tính đến ngày {}", r.agency, r.as_of.vi()),
        )
        .map_err(xlsx_err)?;
    sheet
        .write_string_with_format(3, 0, "Phạm vi", &head)
        .map_err(xlsx_err)?;
    for (i, h) in SUMMARY_COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(3, i as u16 + 1, *h, &head)
            .map_err(xlsx_err)?;
    }
    let mut row = 4u32;
    let mut put = |sheet: &mut Worksheet, label: &str, c: &Counts| -> Result<()> {
        sheet
            .write_string_with_format(row, 0, label, &text)
            .map_err(xlsx_err)?;
        for (i, v) in summary_row(c).iter().enumerate() {
            sheet
                .write_number_with_format(row, i as u16 + 1, *v, &num)
                .map_err(xlsx_err)?;
        }
        row += 1;
        Ok(())
    };
    put(sheet, "Toàn kế hoạch", &r.summary.headline)?;
    for a in &r.areas {
        put(
            sheet,
            &format!("Lĩnh vực {}. {}", a.number, a.title),
            &a.counts,
        )?;
    }
    for u in &r.units {
        put(sheet, &format!("Đơn vị chủ trì: {}", u.name), &u.lead)?;
    }
    sheet.set_column_width(0, 48).map_err(xlsx_err)?;
    for i in 1..=SUMMARY_COLUMNS.len() as u16 {
        sheet.set_column_width(i, 13).map_err(xlsx_err)?;
    }
    sheet.set_row_height(3, 48).map_err(xlsx_err)?;
    sheet
        .write_string(
            row + 1,
            0,
            format!(
                "Mức độ thực hiện kế hoạch: {}/{} nhiệm vụ đến hạn hoàn thành ({}%), {} / {} điểm",
                r.score.done,
                r.score.due,
                percent(r.score.rate),
                points(r.score.points),
                points(r.score.max_points)
            ),
        )
        .map_err(xlsx_err)?;

    let tasks = book.add_worksheet();
    tasks.set_name("Nhiệm vụ").map_err(xlsx_err)?;
    let columns = [
        ("Lĩnh vực", 28.0),
        ("Mã", 7.0),
        ("Nhiệm vụ", 50.0),
        ("Đơn vị chủ trì", 26.0),
        ("Thời hạn", 12.0),
        ("Tình trạng", 16.0),
        ("Tỷ lệ (%)", 9.0),
        ("Kết quả", 50.0),
        ("Tài liệu kiểm chứng", 40.0),
    ];
    for (i, (h, w)) in columns.iter().enumerate() {
        tasks
            .write_string_with_format(0, i as u16, *h, &head)
            .map_err(xlsx_err)?;
        tasks.set_column_width(i as u16, *w).map_err(xlsx_err)?;
    }
    let mut row = 1u32;
    for a in &r.areas {
        for t in &a.tasks {
            let cells = [
                format!("{}. {}", a.number, a.title),
                t.code.clone(),
                t.title.clone(),
                t.lead.join(", "),
                t.deadline.map_or_else(|| t.timeline.clone(), |d| d.vi()),
                t.state.vi().to_string(),
            ];
            for (i, v) in cells.iter().enumerate() {
                tasks
                    .write_string_with_format(row, i as u16, v, &text)
                    .map_err(xlsx_err)?;
            }
            tasks
                .write_number_with_format(row, 6, f64::from(t.percent), &num)
                .map_err(xlsx_err)?;
            let results = t
                .results
                .iter()
                .map(|x| format!("{}: {}", x.unit, x.text))
                .collect::<Vec<_>>()
                .join("\n");
            tasks
                .write_string_with_format(row, 7, results, &text)
                .map_err(xlsx_err)?;
            tasks
                .write_string_with_format(row, 8, t.evidence.join("\n"), &text)
                .map_err(xlsx_err)?;
            row += 1;
        }
    }
    tasks.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    book.save_to_buffer().map_err(xlsx_err)
}

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
