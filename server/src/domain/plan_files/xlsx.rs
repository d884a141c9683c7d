//! `.xlsx` plan files: every part streamed once within the bounds (rows, cells, the area they
//! span, shared strings, merged regions) before calamine reads the task sheet into blocks.
//!
//! Stage: *import*, under [`super`].

use std::io::{BufRead, BufReader, Cursor};

use quick_xml::events::Event;
use tiendo_shared::import::Block;

use super::*;

/// Streams every part of an .xlsx once, within [`BOUNDS`], before calamine reads it: each part's
/// size and ratio (calamine inflates with its own zip reader, so every part it could read is
/// measured here), and in the sheets the rows, the cells, the area they span; the shared strings
/// and merged regions.
pub(super) fn check_xlsx(zip: &mut Zip<'_>) -> Result<()> {
    let mut total = 0u64;
    let mut counts = SheetCounts::default();
    // The shared strings first: a sheet's cells are counted with the length of the string each
    // names (calamine gives every cell its own copy).
    let strings_first = |name: &str| !name.to_ascii_lowercase().ends_with("sharedstrings.xml");
    let mut order: Vec<usize> = (0..zip.len()).collect();
    order.sort_by_key(|&i| zip.name_for_index(i).is_some_and(strings_first));
    for index in order {
        let mut part = part(zip, index, ".xlsx", &mut total)?;
        if part.name.ends_with(".xml") || part.name.ends_with(".rels") {
            let name = part.name.clone();
            counts.scan(BufReader::new(&mut part), &name)?;
        } else {
            std::io::copy(&mut part, &mut std::io::sink()).map_err(|e| unreadable(".xlsx", e))?;
        }
        part.finish()?;
    }
    Ok(())
}

/// What the sheets of an .xlsx hold, counted as they stream by.
#[derive(Default)]
struct SheetCounts {
    rows: u64,
    cells: u64,
    area: u64,
    merges: u64,
    /// The length of each shared string.
    strings: Vec<u64>,
    /// The bytes of the cells' text, shared strings counted once per cell naming them.
    text: u64,
}

impl SheetCounts {
    fn scan(&mut self, reader: impl BufRead, part: &str) -> Result<()> {
        let mut xml = quick_xml::Reader::from_reader(reader);
        let mut buf = Vec::new();
        let mut in_sheet = false;
        // The sheet's row and column being read (0-based), and the span of its cells.
        let (mut row, mut col): (Option<u64>, Option<u64>) = (None, None);
        let mut span: Option<(u64, u64, u64, u64)> = None;
        // Inside a shared string; inside a cell (naming a shared string?).
        let (mut in_string, mut in_cell, mut names_string) = (false, false, false);
        let attr = |e: &quick_xml::events::BytesStart<'_>, name: &[u8]| {
            e.attributes()
                .flatten()
                .find(|a| a.key.local_name().as_ref() == name)
                .map(|a| a.value.into_owned())
        };
        loop {
            buf.clear();
            let event = xml
                .read_event_into(&mut buf)
                .map_err(|e| unreadable(".xlsx", format!("{part}: {e}")))?;
            // An element that opens (its content to come), not one written empty.
            let opens = matches!(event, Event::Start(_));
            match event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    b"sheetData" => in_sheet = true,
                    b"row" if in_sheet => {
                        self.rows += 1;
                        row = Some(
                            attr(&e, b"r")
                                .and_then(|r| std::str::from_utf8(&r).ok()?.parse::<u64>().ok())
                                .map_or_else(|| row.map_or(0, |r| r + 1), |r| r.saturating_sub(1)),
                        );
                        col = None;
                        if self.rows > BOUNDS.max_lines {
                            return Err(over(format!(
                                "tệp .xlsx có hơn {} dòng, quá giới hạn {} dòng của một kế hoạch",
                                BOUNDS.max_lines, BOUNDS.max_lines
                            )));
                        }
                    }
                    b"c" if in_sheet => {
                        self.cells += 1;
                        in_cell = opens;
                        names_string = attr(&e, b"t").is_some_and(|t| t == b"s");
                        let (r, c) = match attr(&e, b"r").as_deref().and_then(cell_ref) {
                            Some(rc) => rc,
                            None => (row.unwrap_or(0), col.map_or(0, |c| c + 1)),
                        };
                        col = Some(c);
                        let (r0, r1, c0, c1) = span.unwrap_or((r, r, c, c));
                        let now = (r0.min(r), r1.max(r), c0.min(c), c1.max(c));
                        span = Some(now);
                        let area = (now.1 - now.0 + 1).saturating_mul(now.3 - now.2 + 1);
                        if self.cells > BOUNDS.max_cells
                            || self.area.saturating_add(area) > BOUNDS.max_cells
                        {
                            return Err(over(format!(
                                "tệp .xlsx có {} ô trải trên {} dòng × {} cột, quá giới hạn {} ô",
                                self.cells,
                                now.1 - now.0 + 1,
                                now.3 - now.2 + 1,
                                BOUNDS.max_cells
                            )));
                        }
                    }
                    b"sst" => {
                        let declared = attr(&e, b"uniqueCount")
                            .into_iter()
                            .chain(attr(&e, b"count"))
                            .filter_map(|n| {
                                std::str::from_utf8(&n).ok()?.trim().parse::<u64>().ok()
                            })
                            .max()
                            .unwrap_or(0);
                        self.strings_over(declared)?;
                    }
                    b"si" => {
                        self.strings.push(0);
                        self.strings_over(self.strings.len() as u64)?;
                        in_string = opens;
                    }
                    b"mergeCell" => {
                        self.merges += 1;
                        if self.merges > BOUNDS.max_merges {
                            return Err(over(format!(
                                "tệp .xlsx có hơn {} vùng ô gộp, quá giới hạn",
                                BOUNDS.max_merges
                            )));
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    b"sheetData" => {
                        in_sheet = false;
                        if let Some((r0, r1, c0, c1)) = span.take() {
                            self.area = self.area.saturating_add((r1 - r0 + 1) * (c1 - c0 + 1));
                        }
                    }
                    b"si" => in_string = false,
                    b"c" => in_cell = false,
                    _ => {}
                },
                Event::Text(t) if in_string || in_cell => {
                    self.count_text(&t, in_string, names_string)?
                }
                Event::CData(t) if in_string || in_cell => {
                    self.count_text(&t, in_string, names_string)?
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(())
    }

    /// Counts text read inside a shared string (its length) or a cell (its own text, or the
    /// length of the shared string it names).
    fn count_text(&mut self, text: &[u8], in_string: bool, names_string: bool) -> Result<()> {
        if in_string {
            if let Some(last) = self.strings.last_mut() {
                *last += text.len() as u64;
            }
            return Ok(());
        }
        self.text += if names_string {
            std::str::from_utf8(text)
                .ok()
                .and_then(|i| i.trim().parse::<usize>().ok())
                .and_then(|i| self.strings.get(i).copied())
                .unwrap_or(0)
        } else {
            text.len() as u64
        };
        if self.text > BOUNDS.max_total_bytes {
            return Err(over(format!(
                "các ô của tệp .xlsx chứa hơn {} chữ (mỗi ô một bản), quá giới hạn",
                size_text(BOUNDS.max_total_bytes)
            )));
        }
        Ok(())
    }

    fn strings_over(&self, n: u64) -> Result<()> {
        if n > BOUNDS.max_cells {
            return Err(over(format!(
                "bảng chuỗi của tệp .xlsx có {n} chuỗi, quá giới hạn {} chuỗi",
                BOUNDS.max_cells
            )));
        }
        Ok(())
    }
}

/// A cell reference ("B7") as 0-based (row, column).
pub(super) fn cell_ref(r: &[u8]) -> Option<(u64, u64)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = r[..letters].iter().fold(0u64, |n, b| {
        n * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row: u64 = std::str::from_utf8(&r[letters..]).ok()?.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// An .xlsx's blocks; [`check_xlsx`] has bounded what calamine will read.
pub(super) fn xlsx_blocks(bytes: &[u8]) -> Result<Vec<Block>> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(".xlsx", e))?;
    let names = book.sheet_names();
    let mut sheets = Vec::new();
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| unreadable(".xlsx", e))?;
        let mut rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                        Data::Empty => String::new(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect();
        // Merged cells: the value of the top-left cell fills the region (clipped to the sheet,
        // and the text it repeats within `BOUNDS`).
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut filled = 0u64;
        for dims in book.merge_cells_by_sheet_name(&name).unwrap_or_default() {
            let (r0, c0) = (
                dims.start.0.saturating_sub(top) as usize,
                dims.start.1.saturating_sub(left) as usize,
            );
            let (r1, c1) = (
                dims.end.0.saturating_sub(top) as usize,
                dims.end.1.saturating_sub(left) as usize,
            );
            let value = rows
                .get(r0)
                .and_then(|r| r.get(c0))
                .cloned()
                .unwrap_or_default();
            for row in rows.iter_mut().take(r1 + 1).skip(r0) {
                for cell in row.iter_mut().take(c1 + 1).skip(c0) {
                    filled += value.len() as u64 + 1;
                    if filled > BOUNDS.max_total_bytes {
                        return Err(over(format!(
                            "các vùng ô gộp của tệp .xlsx lặp lại chữ ra hơn {}, quá giới hạn",
                            size_text(BOUNDS.max_total_bytes)
                        )));
                    }
                    *cell = value.clone();
                }
            }
        }
        sheets.push(rows);
    }
    let has_header = |rows: &Vec<Vec<String>>| {
        rows.iter().any(|r| {
            let keys: Vec<String> = r
                .iter()
                .map(|c| tiendo_shared::model::text::key(c))
                .collect();
            keys.iter()
                .any(|k| k.contains("nội dung") || k.contains("nhiệm vụ"))
                && keys
                    .iter()
                    .any(|k| k.contains("chủ trì") || k.contains("thực hiện"))
        })
    };
    let chosen = sheets.iter().position(has_header).unwrap_or(0);
    let rows = sheets.into_iter().nth(chosen).unwrap_or_default();
    let mut out = Vec::new();
    let mut table_row = 0;
    for (i, cells) in rows.into_iter().enumerate() {
        let filled: Vec<&String> = cells.iter().filter(|c| !c.trim().is_empty()).collect();
        if filled.len() == 1 && !cells[0].trim().is_empty() {
            // A title line above the table ("PHỤ LỤC", the plan's name).
            out.push(Block::Para(i + 1, cells[0].clone()));
            continue;
        }
        table_row += 1;
        out.push(Block::Row {
            line: i + 1,
            table: 0,
            row: table_row,
            cells,
        });
    }
    Ok(out)
}
