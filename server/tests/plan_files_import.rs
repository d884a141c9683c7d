//! The layout fixtures of `shared/tests/fixtures/layouts/` as the files agencies hold: each is
//! written here as a Word .docx (docx-rs: tables with a title cell spanning the columns, cells
//! merged with the one above instead of left empty, a cell's text broken over two lines) and as
//! an Excel .xlsx (rust_xlsxwriter: merged area rows and merged lead cells), read back through
//! `plan_files` (format told from the bytes) and imported to exactly the tasks the text gives —
//! whose per-task expectations `shared/tests/plan_layouts_import.rs` holds.

use std::io::Cursor;

use docx_rs::{BreakType, Docx, Paragraph, Run, Table, TableCell, TableRow, VMergeType};
use tiendo_server::domain::plan_files::{self, Format};
use tiendo_shared::import::Imported;
use tiendo_shared::import::{Block, text_blocks};

const LAYOUTS: [&str; 4] = [
    "bullets-with-labels.txt",
    "nested-numbering.txt",
    "pipe-table.txt",
    "tab-annex.txt",
];

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../shared/tests/fixtures/layouts/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A table's rows as a Word or Excel author keeps them: a row without a number that only goes
/// on with the row above joins it (as a line break in its cells); an empty lead or timeline cell
/// under a task is a cell merged with the one above.
#[derive(Clone)]
enum Cell {
    Text(String),
    MergedAbove,
}

fn authored_rows(rows: &[Vec<String>]) -> Vec<Vec<Cell>> {
    let mut out: Vec<Vec<Cell>> = Vec::new();
    let mut texts: Vec<Vec<String>> = Vec::new();
    for cells in rows {
        let continues =
            cells[0].is_empty() && !texts.is_empty() && cells.iter().skip(1).any(|c| !c.is_empty());
        if continues {
            let last = texts.last_mut().unwrap();
            for (i, c) in cells.iter().enumerate() {
                if !c.is_empty() {
                    last[i] = format!("{}\n{c}", last[i]);
                }
            }
            continue;
        }
        texts.push(cells.clone());
    }
    let header = &texts[0];
    let merge_cols: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            let k = h.to_lowercase();
            k.contains("chủ trì") || k.contains("thời gian")
        })
        .map(|(i, _)| i)
        .collect();
    let numbered =
        |cells: &Vec<String>| cells[0].chars().next().is_some_and(|c| c.is_ascii_digit());
    for (r, cells) in texts.iter().enumerate() {
        // Merged only with a task's cell above, never with an area row's.
        let numbered = numbered(cells) && r > 0 && numbered(&texts[r - 1]);
        out.push(
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if r > 0 && numbered && c.is_empty() && merge_cols.contains(&i) {
                        Cell::MergedAbove
                    } else {
                        Cell::Text(c.clone())
                    }
                })
                .collect(),
        );
    }
    out
}

/// Paragraphs and tables of a text fixture, in order.
fn parts(text: &str) -> Vec<Result<String, Vec<Vec<String>>>> {
    let mut out: Vec<Result<String, Vec<Vec<String>>>> = Vec::new();
    for b in text_blocks(text) {
        match b {
            Block::Para(_, t) => out.push(Ok(t)),
            Block::Row { cells, row, .. } => match out.last_mut() {
                Some(Err(rows)) if row > 1 => rows.push(cells),
                _ => out.push(Err(vec![cells])),
            },
        }
    }
    out
}

fn runs(text: &str) -> Paragraph {
    let mut run = Run::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    Paragraph::new().add_run(run)
}

fn as_docx(text: &str) -> Vec<u8> {
    let mut doc = Docx::new();
    for part in parts(text) {
        match part {
            Ok(p) => {
                if !p.trim().is_empty() {
                    doc = doc.add_paragraph(runs(&p));
                }
            }
            Err(rows) => {
                let authored = authored_rows(&rows);
                let mut table_rows = Vec::new();
                for (r, cells) in authored.iter().enumerate() {
                    let is_area = r > 0
                        && matches!(&cells[0], Cell::Text(t) if t.trim_end_matches('.').chars().all(|c| "IVX".contains(c)) && !t.is_empty());
                    let mut row = Vec::new();
                    if is_area {
                        // The area's title spans the columns after its number.
                        let Cell::Text(stt) = &cells[0] else {
                            unreachable!()
                        };
                        let Cell::Text(title) = &cells[1] else {
                            unreachable!()
                        };
                        row.push(TableCell::new().add_paragraph(runs(stt)));
                        row.push(
                            TableCell::new()
                                .add_paragraph(runs(title))
                                .grid_span(cells.len() - 1),
                        );
                    } else {
                        for (i, c) in cells.iter().enumerate() {
                            let below_merged = authored
                                .get(r + 1)
                                .is_some_and(|next| matches!(next.get(i), Some(Cell::MergedAbove)));
                            row.push(match c {
                                Cell::Text(t) => {
                                    let cell = TableCell::new().add_paragraph(runs(t));
                                    if below_merged {
                                        cell.vertical_merge(VMergeType::Restart)
                                    } else {
                                        cell
                                    }
                                }
                                Cell::MergedAbove => TableCell::new()
                                    .add_paragraph(Paragraph::new())
                                    .vertical_merge(VMergeType::Continue),
                            });
                        }
                    }
                    table_rows.push(TableRow::new(row));
                }
                doc = doc.add_table(Table::new(table_rows));
            }
        }
    }
    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out).unwrap();
    out.into_inner()
}

fn as_xlsx(text: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Phụ lục").unwrap();
    let mut r: u32 = 0;
    for part in parts(text) {
        match part {
            Ok(p) => {
                if !p.trim().is_empty() {
                    sheet.write_string(r, 0, &p).unwrap();
                    r += 1;
                }
            }
            Err(rows) => {
                let authored = authored_rows(&rows);
                let width = authored[0].len() as u16;
                let fmt = rust_xlsxwriter::Format::new();
                for (i, cells) in authored.iter().enumerate() {
                    let is_area = i > 0
                        && matches!(&cells[0], Cell::Text(t) if t.trim_end_matches('.').chars().all(|c| "IVX".contains(c)) && !t.is_empty());
                    for (c, cell) in cells.iter().enumerate() {
                        if let Cell::Text(t) = cell {
                            match t.parse::<f64>() {
                                // Sub-task numbers like 1.1 stay text, as authors type them.
                                Ok(n) if !t.contains('.') => {
                                    sheet.write_number(r, c as u16, n).unwrap()
                                }
                                _ => sheet.write_string(r, c as u16, t).unwrap(),
                            };
                        }
                    }
                    if is_area {
                        let Cell::Text(title) = &cells[1] else {
                            unreachable!()
                        };
                        sheet.merge_range(r, 1, r, width - 1, title, &fmt).unwrap();
                    }
                    // A lead or timeline merged down over the rows that leave it empty.
                    for (c, cell) in cells.iter().enumerate() {
                        if let Cell::Text(t) = cell
                            && authored
                                .get(i + 1)
                                .is_some_and(|n| matches!(n.get(c), Some(Cell::MergedAbove)))
                        {
                            let mut end = i + 1;
                            while authored
                                .get(end + 1)
                                .is_some_and(|n| matches!(n.get(c), Some(Cell::MergedAbove)))
                            {
                                end += 1;
                            }
                            let span = (end - i) as u32;
                            sheet
                                .merge_range(r, c as u16, r + span, c as u16, t, &fmt)
                                .unwrap();
                        }
                    }
                    r += 1;
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// What must agree between formats: every task's code, title, lead and deadlines, and the areas.
fn summary(imp: &Imported) -> Vec<String> {
    let mut out: Vec<String> = imp
        .plan
        .areas
        .iter()
        .map(|a| format!("area {} {}", a.number, a.title))
        .collect();
    for (_, t) in imp.plan.tasks() {
        let lead: Vec<&str> = t.lead.iter().map(|a| a.text.as_str()).collect();
        let due: Vec<String> = t.schedule.milestones.iter().map(|m| m.due.vi()).collect();
        out.push(format!(
            "{} | {} | {} | {}",
            t.code,
            t.title,
            lead.join("; "),
            due.join(", ")
        ));
    }
    out
}

#[test]
fn every_layout_imports_the_same_from_text_docx_and_xlsx() {
    for name in LAYOUTS {
        let text = fixture(name);
        let (format, from_text) = plan_files::import(text.as_bytes()).unwrap();
        assert_eq!(format, Format::Text);
        let want = summary(&from_text);
        assert_eq!(
            want,
            summary(&tiendo_shared::import::import(&text).unwrap()),
            "{name}"
        );

        let docx = as_docx(&text);
        let (format, from_docx) =
            plan_files::import(&docx).unwrap_or_else(|e| panic!("{name}.docx: {e}"));
        assert_eq!(format, Format::Docx, "{name}");
        assert_eq!(summary(&from_docx), want, "{name} as .docx");

        let xlsx = as_xlsx(&text);
        let (format, from_xlsx) =
            plan_files::import(&xlsx).unwrap_or_else(|e| panic!("{name}.xlsx: {e}"));
        assert_eq!(format, Format::Xlsx, "{name}");
        assert_eq!(summary(&from_xlsx), want, "{name} as .xlsx");
    }
}

#[test]
fn the_format_is_told_from_the_content_and_bad_files_are_clear_errors() {
    let text = fixture("pipe-table.txt");
    // UTF-8 with a byte-order mark, and UTF-16 as Windows Notepad saves it.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    assert_eq!(plan_files::import(&bom).unwrap().1.plan.tasks().count(), 5);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(
        plan_files::import(&utf16).unwrap().1.plan.tasks().count(),
        5
    );

    for (bytes, says) in [
        (b"PK\x03\x04 not a zip".to_vec(), "không đọc được"),
        (vec![0xC3, 0x28, 0xA0], "UTF-8"),
    ] {
        let err = plan_files::import(&bytes).unwrap_err().to_string();
        assert!(err.contains(says), "{err}");
    }
    // A zip that is neither.
    let mut other = Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut other);
        z.start_file("hello.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, b"hi").unwrap();
        z.finish().unwrap();
    }
    let err = plan_files::import(other.get_ref()).unwrap_err().to_string();
    assert!(err.contains("không phải .docx hay .xlsx"), "{err}");
}

#[test]
fn word_automatic_list_numbers_are_read_as_written() {
    use docx_rs::{
        AbstractNumbering, IndentLevel, Level, LevelJc, LevelText, NumberFormat, Numbering,
        NumberingId, Start,
    };
    // Areas "1." and tasks "a)" numbered by Word, not typed; attributes as plain lines.
    let mut doc = Docx::new()
        .add_abstract_numbering(
            AbstractNumbering::new(1)
                .add_level(Level::new(
                    0,
                    Start::new(1),
                    NumberFormat::new("decimal"),
                    LevelText::new("%1."),
                    LevelJc::new("left"),
                ))
                .add_level(Level::new(
                    1,
                    Start::new(1),
                    NumberFormat::new("lowerLetter"),
                    LevelText::new("%2)"),
                    LevelJc::new("left"),
                )),
        )
        .add_numbering(Numbering::new(1, 1));
    let plain = |t: &str| Paragraph::new().add_run(Run::new().add_text(t));
    let numbered =
        |t: &str, level: usize| plain(t).numbering(NumberingId::new(1), IndentLevel::new(level));
    for p in [
        plain("KẾ HOẠCH Cải cách hành chính của UBND xã Tân Lập năm 2025"),
        plain("II. NHIỆM VỤ"),
        numbered("Cải cách thủ tục hành chính", 0),
        numbered("Niêm yết thủ tục hành chính", 1),
        plain("- Chủ trì: Bộ phận Một cửa"),
        plain("- Thời gian: Quý I/2025"),
        numbered("Rà soát thủ tục hành chính", 1),
        plain("- Chủ trì: Công chức Tư pháp - Hộ tịch"),
        plain("- Thời gian: Quý III/2025"),
        numbered("Cải cách tài chính công", 0),
        numbered("Công khai ngân sách", 1),
        plain("- Chủ trì: Công chức Tài chính - Kế toán"),
        plain("- Thời gian: Năm 2025"),
    ] {
        doc = doc.add_paragraph(p);
    }
    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out).unwrap();
    let (_, imp) = plan_files::import(out.get_ref()).unwrap();
    let got: Vec<(String, String)> = imp
        .plan
        .tasks()
        .map(|(_, t)| (t.code.clone(), t.lead[0].text.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("1.a".to_string(), "Bộ phận Một cửa".to_string()),
            ("1.b".to_string(), "Công chức Tư pháp - Hộ tịch".to_string()),
            (
                "2.a".to_string(),
                "Công chức Tài chính - Kế toán".to_string()
            ),
        ]
    );
}
