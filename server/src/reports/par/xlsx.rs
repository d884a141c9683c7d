//! The self-assessment table as the province asks for it (with `rust_xlsxwriter`): STT, code,
//! content, maximum, self-score, evidence, giải trình, unit responsible; areas and criteria bold
//! with what their sub-criteria count, the total, the bonus and penalty contents and the index.
//! Scores are numbers (two decimals), so the province's sheet can add them up.
//!
//! Stage: *rendering*, from [`super::rows`].

use rust_xlsxwriter::{Format, Workbook};

use super::super::Result;
use super::super::xlsx::{Formats, formats, saved, xlsx_err};
use super::{Filing, Row, Shown, rows, shown_words, subject};

/// The table's columns and their widths.
pub const COLUMNS: [(&str, f64); 8] = [
    ("STT", 5.0),
    ("Mã", 8.0),
    ("Nội dung", 50.0),
    ("Điểm tối đa", 9.0),
    ("Điểm tự đánh giá", 11.0),
    ("Tài liệu kiểm chứng", 48.0),
    ("Giải trình", 36.0),
    ("Đơn vị chịu trách nhiệm", 22.0),
];

/// The most a cell holds: Excel's limit, in UTF-16 units (`rust_xlsxwriter` refuses more).
const CELL_MAX: usize = 32_767;

/// `s` within a cell: a longer text (a unit's sheet may hold anything) is cut with a note, so one
/// unit's giải trình never costs the office or the province the file.
pub fn cell(s: &str) -> std::borrow::Cow<'_, str> {
    const CUT: &str = "… (còn tiếp: xem báo cáo DOCX)";
    if s.encode_utf16().count() <= CELL_MAX {
        return s.into();
    }
    let room = CELL_MAX - CUT.encode_utf16().count();
    let mut used = 0;
    let kept: String = s
        .chars()
        .take_while(|c| {
            used += c.len_utf16();
            used <= room
        })
        .collect();
    format!("{kept}{CUT}").into()
}

/// The sheet's first row of the table (after the title lines).
pub const HEAD_ROW: u32 = 3;

/// The table as an XLSX: sheet "Tự đánh giá", dated the report's day.
pub fn summary_xlsx(f: &Filing<'_>) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let fm: Formats = formats();
    let (title, head) = (&fm.title, &fm.head);
    // Points with two decimals; STT a plain number.
    let plain = [
        fm.text.clone(),
        fm.num.clone(),
        fm.num.set_num_format("0.00"),
    ];
    let bold = plain.clone().map(|f| f.set_bold());
    let sheet = book.add_worksheet();
    sheet.set_name("Tự đánh giá").map_err(xlsx_err)?;
    sheet
        .write_string_with_format(0, 0, subject(f.set.year).to_uppercase(), title)
        .map_err(xlsx_err)?;
    let mut basis = format!(
        "{} — {}; số liệu tính đến ngày {}",
        f.agency_name,
        f.set.basis,
        f.as_of.vi()
    );
    if f.set.template {
        basis.push_str(" (bộ tiêu chí mẫu)");
    }
    sheet.write_string(1, 0, cell(&basis)).map_err(xlsx_err)?;
    for (c, (h, w)) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(HEAD_ROW, c as u16, *h, head)
            .map_err(xlsx_err)?;
        sheet.set_column_width(c as u16, *w).map_err(xlsx_err)?;
    }
    let table = rows(f);
    for (i, row) in table.iter().enumerate() {
        let r = HEAD_ROW + 1 + i as u32;
        let formats = if row.bold() { &bold } else { &plain };
        write_row(sheet, r, i + 1, row, formats)?;
    }
    let after = HEAD_ROW + 2 + table.len() as u32;
    sheet
        .write_string(
            after,
            0,
            "Ghi chú: KAD — không áp dụng; Điều tra XHH — do Sở Nội vụ điều tra xã hội học, \
             cơ quan không tự chấm.",
        )
        .map_err(xlsx_err)?;
    if let Some((name, day)) = &f.approved {
        sheet
            .write_string(
                after + 1,
                0,
                cell(&format!(
                    "Thủ trưởng cơ quan phê duyệt: {name}, ngày {}",
                    day.vi()
                )),
            )
            .map_err(xlsx_err)?;
    }
    sheet.set_freeze_panes(HEAD_ROW + 1, 0).map_err(xlsx_err)?;
    saved(book, f.as_of)
}

/// One row: the text cells in `text`, STT in `int`, the points in `num` (two decimals).
fn write_row(
    sheet: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    stt: usize,
    row: &Row,
    [text, int, num]: &[Format; 3],
) -> Result<()> {
    sheet
        .write_number_with_format(r, 0, stt as f64, int)
        .map_err(xlsx_err)?;
    sheet
        .write_string_with_format(r, 1, cell(&row.code), text)
        .map_err(xlsx_err)?;
    sheet
        .write_string_with_format(r, 2, cell(&row.text), text)
        .map_err(xlsx_err)?;
    sheet
        .write_number_with_format(r, 3, row.max.as_f64(), num)
        .map_err(xlsx_err)?;
    match row.score {
        Shown::Points(p) => sheet.write_number_with_format(r, 4, p.as_f64(), num),
        other => sheet.write_string_with_format(r, 4, shown_words(other), text),
    }
    .map_err(xlsx_err)?;
    for (c, v) in [
        (5, row.evidence.join("\n")),
        (6, row.explanation.clone()),
        (7, row.unit.clone()),
    ] {
        sheet
            .write_string_with_format(r, c, cell(&v), text)
            .map_err(xlsx_err)?;
    }
    Ok(())
}
