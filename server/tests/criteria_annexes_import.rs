//! A province's PAR-index criteria annex (`shared/tests/fixtures/criteria/annex-so-2025.txt`) as
//! the files a Sở Nội vụ publishes: a Word .docx (docx-rs: the heading paragraphs, then the table)
//! and an Excel .xlsx (rust_xlsxwriter: maxima typed as numbers, codes as text), read back
//! through `plan_files` (format told from the bytes, the same bounds as plans) and imported by
//! `shared::import::criteria` to exactly the set the text gives.

use std::io::Cursor;

use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
use tiendo_server::domain::plan_files::{self, Format};
use tiendo_shared::import::criteria::{ImportedCriteria, criteria};
use tiendo_shared::import::{Block, text_blocks};
use tiendo_shared::model::criteria::{ItemKind, Measured, Points, Rule};

fn annex() -> String {
    let path = format!(
        "{}/../shared/tests/fixtures/criteria/annex-so-2025.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The annex's paragraphs, then its one table.
fn parts(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let (mut paras, mut rows) = (Vec::new(), Vec::new());
    for b in text_blocks(text) {
        match b {
            Block::Para(_, t) if !t.trim().is_empty() => paras.push(t),
            Block::Para(..) => {}
            Block::Row { cells, .. } => rows.push(cells),
        }
    }
    (paras, rows)
}

fn as_docx(text: &str) -> Vec<u8> {
    let (paras, rows) = parts(text);
    let mut doc = Docx::new();
    for p in paras {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(p)));
    }
    let table = Table::new(
        rows.iter()
            .map(|cells| {
                TableRow::new(
                    cells
                        .iter()
                        .map(|c| {
                            TableCell::new()
                                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(c)))
                        })
                        .collect(),
                )
            })
            .collect(),
    );
    doc = doc.add_table(table);
    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out).unwrap();
    out.into_inner()
}

fn as_xlsx(text: &str) -> Vec<u8> {
    let (paras, rows) = parts(text);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Phụ lục I").unwrap();
    let mut r: u32 = 0;
    for p in paras {
        sheet.write_string(r, 0, &p).unwrap();
        r += 1;
    }
    for cells in rows {
        for (c, t) in cells.iter().enumerate() {
            let c = c as u16;
            // The maximum column holds numbers; codes (1.1) stay text, as authors type them.
            match t.replace(',', ".").parse::<f64>() {
                Ok(n) if c == 2 => sheet.write_number(r, c, n).unwrap(),
                _ => sheet.write_string(r, c, t).unwrap(),
            };
        }
        r += 1;
    }
    book.save_to_buffer().unwrap()
}

fn read(bytes: &[u8], want: Format) -> ImportedCriteria {
    let (format, blocks) = plan_files::blocks(bytes).unwrap();
    assert_eq!(format, want);
    criteria(&blocks).unwrap()
}

#[test]
fn an_annex_reads_the_same_from_text_docx_and_xlsx() {
    let text = annex();
    let from_text = criteria(&text_blocks(&text)).unwrap();
    for (name, got) in [
        ("docx", read(&as_docx(&text), Format::Docx)),
        ("xlsx", read(&as_xlsx(&text), Format::Xlsx)),
    ] {
        assert_eq!(got.set, from_text.set, "the set read from the .{name}");
        assert_eq!(got.problems, from_text.problems, ".{name}");
        let reasons: Vec<&str> = got.unplaced.iter().map(|u| u.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "không có mã tiêu chí (1, 1.1, 1.1.1)",
                "điểm tối đa không đọc được"
            ],
            ".{name}"
        );
    }
    let set = &from_text.set;
    assert_eq!(
        (set.province.as_str(), set.year, set.id.as_str()),
        ("Quảng Ngãi", 2025, "quang-ngai-2025-so")
    );
    assert_eq!(set.total(), Points::whole(100));
    let get = |c: &str| set.get(c).unwrap();
    assert_eq!(get("1.1.2").rule, Rule::Proportional);
    assert_eq!(get("2.1").measured, Measured::Survey);
    assert_eq!(get("3.1").kind, ItemKind::Bonus);
    assert_eq!(get("4.1").kind, ItemKind::Penalty);
    assert!(from_text.problems.is_empty(), "{:?}", from_text.problems);
}
