//! The province's roll-up as an XLSX (with `rust_xlsxwriter`): one row per agency with its
//! counts, completion, score and reports, and a sheet of the PAR-index criteria with their
//! working. The file's creation date is the roll-up's day, so the same roll-up makes the same
//! bytes.
//!
//! Stage: *rendering*, from a whole `shared::province::Rollup`.

use rust_xlsxwriter::Workbook;
use tiendo_shared::views::province::Rollup;
use tiendo_shared::views::report::period_phrase;

use super::Result;
use super::xlsx::{Formats, formats, xlsx_err};

/// The columns of the agency sheet, in order.
pub const COLUMNS: [&str; 14] = [
    "Cơ quan",
    "Loại",
    "Nhiệm vụ",
    "Đến hạn",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Quá hạn",
    "Tỷ lệ hoàn thành (%)",
    "Tỷ lệ hoàn thành nhiệm vụ đến hạn (%)",
    "Điểm mức độ hoàn thành",
    "Đơn vị phải báo cáo",
    "Đã gửi",
    "Đúng hạn",
    "Tổng điểm tiêu chí",
];

/// The roll-up as an XLSX.
pub fn xlsx(r: &Rollup) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let Formats {
        title,
        head,
        text,
        num,
    } = formats();
    // Rates and scores with one decimal.
    let num = num.set_num_format("0.0");
    // The plans' year, never the day's: the 2025 roll-up made in 2026 is 2025's.
    let year = r.year.unwrap_or(r.as_of.year());

    let sheet = book.add_worksheet();
    sheet.set_name("Toàn tỉnh").map_err(xlsx_err)?;
    sheet
        .write_string_with_format(
            0,
            0,
            format!(
                "Tổng hợp kết quả thực hiện kế hoạch CCHC {} (tính đến {})",
                period_phrase(r.period, year),
                r.as_of.vi()
            ),
            &title,
        )
        .map_err(xlsx_err)?;
    for (i, h) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(2, i as u16, *h, &head)
            .map_err(xlsx_err)?;
        sheet
            .set_column_width(i as u16, if i == 0 { 40.0 } else { 12.0 })
            .map_err(xlsx_err)?;
    }
    for (n, a) in r.rows.iter().enumerate() {
        let row = n as u32 + 3;
        sheet
            .write_string_with_format(row, 0, &a.agency, &text)
            .map_err(xlsx_err)?;
        sheet
            .write_string_with_format(row, 1, a.kind.vi(), &text)
            .map_err(xlsx_err)?;
        let numbers = [
            a.counts.total as f64,
            a.counts.due as f64,
            a.counts.done_on_time as f64,
            a.counts.done_late as f64,
            a.counts.overdue as f64,
            a.counts.completion_rate * 100.0,
            a.counts.due_completion_rate * 100.0,
            a.score.points,
            a.reports.expected as f64,
            a.reports.received as f64,
            a.reports.on_time as f64,
            a.points().0,
        ];
        for (i, v) in numbers.iter().enumerate() {
            sheet
                .write_number_with_format(row, i as u16 + 2, *v, &num)
                .map_err(xlsx_err)?;
        }
    }
    sheet.set_freeze_panes(3, 1).map_err(xlsx_err)?;

    let criteria = book.add_worksheet();
    criteria.set_name("Tiêu chí").map_err(xlsx_err)?;
    for (i, (h, w)) in [
        ("Cơ quan", 40.0),
        ("Tiêu chí", 45.0),
        ("Điểm", 8.0),
        ("Tối đa", 8.0),
        ("Cách tính", 80.0),
    ]
    .iter()
    .enumerate()
    {
        criteria
            .write_string_with_format(0, i as u16, *h, &head)
            .map_err(xlsx_err)?;
        criteria.set_column_width(i as u16, *w).map_err(xlsx_err)?;
    }
    let mut row = 1u32;
    for a in &r.rows {
        for c in &a.criteria {
            criteria
                .write_string_with_format(row, 0, &a.agency, &text)
                .map_err(xlsx_err)?;
            criteria
                .write_string_with_format(row, 1, &c.name, &text)
                .map_err(xlsx_err)?;
            criteria
                .write_number_with_format(row, 2, c.points, &num)
                .map_err(xlsx_err)?;
            criteria
                .write_number_with_format(row, 3, c.max_points, &num)
                .map_err(xlsx_err)?;
            criteria
                .write_string_with_format(row, 4, c.working.join("\n"), &text)
                .map_err(xlsx_err)?;
            row += 1;
        }
    }
    super::xlsx::saved(book, r.as_of)
}

/// The download's name: `tong-hop-cchc-<plan year>-<period>-toan-tinh.xlsx` (the scheme of
/// [`super::file_name`], the whole province in place of an agency).
pub fn file_name(r: &Rollup) -> String {
    tiendo_shared::views::status::as_of::file_name(
        "tong-hop-cchc",
        r.year.unwrap_or(r.as_of.year()),
        Some(r.period),
        "toàn tỉnh",
        "xlsx",
    )
}
