//! The report's annex as an XLSX (with `rust_xlsxwriter`): the summary sheet, one row per task
//! (every task of the plan: the report's body has only the period's), and where each unit's
//! figures come from (the submission and its document heads). The file's creation date is the
//! report's day, so the same report makes the same bytes.
//!
//! Stage: *rendering*, from a whole `shared::report::Report`.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use tiendo_shared::views::report::Report;
use tiendo_shared::views::status::Counts;

use super::ReportError;
use super::Result;
use super::docx::{FONT, percent, points};

/// The cell formats both spreadsheets use: a title, column heads, wrapped text and numbers, in
/// the decree's font.
pub(super) struct Formats {
    pub title: Format,
    pub head: Format,
    pub text: Format,
    pub num: Format,
}

pub(super) fn formats() -> Formats {
    Formats {
        title: Format::new()
            .set_bold()
            .set_font_size(13)
            .set_font_name(FONT),
        head: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_font_name(FONT),
        text: Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_font_name(FONT),
        num: Format::new()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_font_name(FONT),
    }
}

/// `book` saved, dated `day` (no clock: the same content makes the same bytes).
pub(super) fn saved(mut book: Workbook, day: tiendo_shared::model::Date) -> Result<Vec<u8>> {
    let created = ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)
        .map_err(xlsx_err)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    book.save_to_buffer().map_err(xlsx_err)
}

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

pub(super) fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> ReportError {
    ReportError::Render {
        kind: "XLSX",
        why: e.to_string(),
    }
}

/// The annex: sheet "Tổng hợp" (the plan, then by area, then by unit) and sheet "Nhiệm vụ"
/// (one row per task).
pub fn xlsx(r: &Report) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let Formats {
        title,
        head,
        text,
        num,
    } = formats();

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

    let sources = book.add_worksheet();
    sources.set_name("Nguồn số liệu").map_err(xlsx_err)?;
    for (i, (h, w)) in [
        ("Đơn vị", 40.0),
        ("Số liệu theo", 36.0),
        ("Phiên bản tài liệu (heads)", 70.0),
    ]
    .iter()
    .enumerate()
    {
        sources
            .write_string_with_format(0, i as u16, *h, &head)
            .map_err(xlsx_err)?;
        sources.set_column_width(i as u16, *w).map_err(xlsx_err)?;
    }
    for (i, src) in r.sources.iter().enumerate() {
        let row = i as u32 + 1;
        for (col, v) in [&src.unit, &src.basis, &src.heads.join("\n")]
            .iter()
            .enumerate()
        {
            sources
                .write_string_with_format(row, col as u16, v.as_str(), &text)
                .map_err(xlsx_err)?;
        }
    }

    saved(book, r.as_of)
}
