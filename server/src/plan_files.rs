//! Plan files: a plan as agencies hold it — a Word `.docx` from their document system, an Excel
//! `.xlsx` annex, or text pasted from Word or PDF — read into the importer's blocks.
//!
//! Stage: *import*, before `shared::import`. The format is told from the content (a zip with
//! `word/document.xml` or `xl/workbook.xml`, else UTF-8 text), never from the file name alone.
//! The readers only turn files into paragraphs and table rows; every layout decision is the
//! importer's (`shared::import::import_blocks`), shared by the CLI, the API and the tests.
//!
//! - `.docx` (zip + quick-xml over `word/document.xml`): body paragraphs and tables in document
//!   order, with Word's automatic list numbers (`word/numbering.xml`: "1.", "a)", "I.") written
//!   in front of their paragraphs as the reader sees them; a line break inside a paragraph
//!   starts a new one (labels "on the next line"); in a
//!   table, a cell spanning columns (`gridSpan`) repeats its text in each, a cell merged with the
//!   one above (`vMerge`) takes that cell's text, and a cell's paragraphs and line breaks are
//!   kept as line breaks.
//! - `.xlsx` (calamine): the first sheet with a task-table header (else the first sheet), one row
//!   per sheet row, merged cells repeating their value; numbers as written ("1", "1.2").
//! - text: UTF-8 (a byte-order mark is dropped; UTF-16 with a BOM is decoded).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::Event;
use tiendo_shared::Error;
use tiendo_shared::import::{Block, Imported, text_blocks};

/// What a plan file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A Word document.
    Docx,
    /// An Excel workbook.
    Xlsx,
    Text,
}

impl Format {
    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Format::Docx => ".docx",
            Format::Xlsx => ".xlsx",
            Format::Text => "văn bản",
        }
    }
}

fn unreadable(what: &str, why: impl std::fmt::Display) -> Error {
    Error::NotAPlan(format!("tệp {what} không đọc được: {why}"))
}

/// Tells the format from the bytes.
pub fn detect(bytes: &[u8]) -> Result<Format, Error> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(Format::Text);
    }
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable("nén", e))?;
    let has = |name: &str| zip.index_for_name(name).is_some();
    if has("word/document.xml") {
        Ok(Format::Docx)
    } else if has("xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else {
        Err(Error::NotAPlan(
            "tệp nén không phải .docx hay .xlsx (không có word/document.xml hay xl/workbook.xml)"
                .into(),
        ))
    }
}

/// Reads a plan file into blocks.
pub fn blocks(bytes: &[u8]) -> Result<(Format, Vec<Block>), Error> {
    let format = detect(bytes)?;
    let blocks = match format {
        Format::Docx => docx_blocks(bytes)?,
        Format::Xlsx => xlsx_blocks(bytes)?,
        Format::Text => text_blocks(&decode_text(bytes)?),
    };
    Ok((format, blocks))
}

/// Imports a plan file of any supported format.
pub fn import(bytes: &[u8]) -> Result<(Format, Imported), Error> {
    import_with(bytes, &tiendo_shared::import::Options::default())
}

/// [`import`] with the deployment's import options (`[import]` in tiendo.toml).
pub fn import_with(
    bytes: &[u8],
    options: &tiendo_shared::import::Options,
) -> Result<(Format, Imported), Error> {
    let (format, blocks) = blocks(bytes)?;
    Ok((
        format,
        tiendo_shared::import::import_blocks_with(&blocks, options)?,
    ))
}

fn decode_text(bytes: &[u8]) -> Result<String, Error> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_text(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16(&units).map_err(|e| unreadable("văn bản UTF-16", e));
    }
    String::from_utf8(bytes.to_vec())
        .map_err(|_| Error::NotAPlan("không phải văn bản UTF-8, .docx hay .xlsx".into()))
}

/// Word's automatic list numbering (`word/numbering.xml`): the label each numbered paragraph
/// shows, counted in document order as Word counts it.
#[derive(Default)]
struct Numbering {
    /// numId → abstractNumId.
    nums: HashMap<String, String>,
    /// abstractNumId → level → (format, text such as "%1.", start).
    levels: HashMap<String, HashMap<u32, (String, String, u32)>>,
    /// abstractNumId → the current count of each level.
    counters: HashMap<String, [u32; 9]>,
}

impl Numbering {
    fn parse(xml: &str) -> Numbering {
        let mut n = Numbering::default();
        let mut reader = quick_xml::Reader::from_str(xml);
        let (mut abs, mut lvl, mut num): (Option<String>, Option<u32>, Option<String>) =
            (None, None, None);
        let mut current = (String::from("decimal"), String::new(), 1u32);
        while let Ok(event) = reader.read_event() {
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let val = |name: &[u8]| {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == name)
                            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                    };
                    match e.name().as_ref() {
                        b"w:abstractNum" => abs = val(b"w:abstractNumId"),
                        b"w:lvl" => {
                            lvl = val(b"w:ilvl").and_then(|v| v.parse().ok());
                            current = (String::from("decimal"), String::new(), 1);
                        }
                        b"w:start" => {
                            current.2 = val(b"w:val").and_then(|v| v.parse().ok()).unwrap_or(1)
                        }
                        b"w:numFmt" => current.0 = val(b"w:val").unwrap_or_default(),
                        b"w:lvlText" => current.1 = val(b"w:val").unwrap_or_default(),
                        b"w:num" => num = val(b"w:numId"),
                        b"w:abstractNumId" => {
                            if let (Some(id), Some(a)) = (&num, val(b"w:val")) {
                                n.nums.insert(id.clone(), a);
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) => match e.name().as_ref() {
                    b"w:lvl" => {
                        if let (Some(a), Some(l)) = (&abs, lvl) {
                            n.levels
                                .entry(a.clone())
                                .or_default()
                                .insert(l, current.clone());
                        }
                    }
                    b"w:abstractNum" => abs = None,
                    b"w:num" => num = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        n
    }

    /// The label of the next paragraph numbered `num_id` at level `ilvl`.
    fn label(&mut self, num_id: &str, ilvl: u32) -> Option<String> {
        let abs = self.nums.get(num_id)?.clone();
        let levels = self.levels.get(&abs)?;
        let (fmt, text, start) = levels.get(&ilvl)?.clone();
        let counters = self.counters.entry(abs).or_insert([0; 9]);
        let i = (ilvl as usize).min(8);
        counters[i] = if counters[i] == 0 {
            start
        } else {
            counters[i] + 1
        };
        for deeper in counters.iter_mut().skip(i + 1) {
            *deeper = 0;
        }
        if fmt == "bullet" {
            return Some("-".into());
        }
        let mut label = text;
        for k in (0..=i).rev() {
            let (f, _, s) = levels.get(&(k as u32)).cloned().unwrap_or_default();
            let n = if counters[k] == 0 {
                s.max(1)
            } else {
                counters[k]
            };
            label = label.replace(&format!("%{}", k + 1), &number_in(&f, n));
        }
        Some(label)
    }
}

/// `n` written in a Word number format.
fn number_in(format: &str, n: u32) -> String {
    const ROMAN: [&str; 10] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];
    match format {
        "lowerLetter" | "upperLetter" => {
            let letter = char::from(b'a' + ((n.max(1) - 1) % 26) as u8).to_string();
            if format == "upperLetter" {
                letter.to_uppercase()
            } else {
                letter
            }
        }
        "upperRoman" | "lowerRoman" => {
            let r = ROMAN
                .get(n.max(1) as usize - 1)
                .map_or_else(|| n.to_string(), |r| r.to_string());
            if format == "lowerRoman" {
                r.to_lowercase()
            } else {
                r
            }
        }
        "none" => String::new(),
        _ => n.to_string(),
    }
}

/// A table being read from a .docx.
#[derive(Default)]
struct TableState {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: String,
    span: usize,
    merged_above: bool,
    started_at: usize,
}

fn docx_blocks(bytes: &[u8]) -> Result<Vec<Block>, Error> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(".docx", e))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|e| unreadable(".docx", e))?
        .read_to_string(&mut xml)
        .map_err(|e| unreadable(".docx", e))?;
    let mut numbering = {
        let mut xml = String::new();
        match zip.by_name("word/numbering.xml") {
            Ok(mut f) => {
                f.read_to_string(&mut xml)
                    .map_err(|e| unreadable(".docx", e))?;
                Numbering::parse(&xml)
            }
            Err(_) => Numbering::default(),
        }
    };
    // The list number of the paragraph being read: (numId, level).
    let mut num_pr: (Option<String>, u32) = (None, 0);
    // Where the body paragraph being read begins in `out` (a line break may flush part of it).
    let mut p_start = 0usize;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = Vec::new();
    let mut para = String::new();
    let mut para_no = 0usize;
    let mut in_text = false;
    // Tables can nest; the innermost collects, an inner table's text joins its cell.
    let mut tables: Vec<TableState> = Vec::new();
    let mut table_no = 0usize;
    let flush_para = |para: &mut String, para_no: &mut usize, out: &mut Vec<Block>| {
        *para_no += 1;
        out.push(Block::Para(*para_no, std::mem::take(para)));
    };
    loop {
        let event = reader.read_event().map_err(|e| unreadable(".docx", e))?;
        match event {
            Event::Start(e) if e.name().as_ref() == b"w:t" => in_text = true,
            Event::Start(e) | Event::Empty(e) => {
                let attr = |name: &[u8]| -> Option<String> {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name)
                        // w:val of gridSpan and vMerge: plain ASCII, no entities.
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                };
                match e.name().as_ref() {
                    b"w:p" if tables.is_empty() => {
                        p_start = out.len();
                        num_pr = (None, 0);
                    }
                    b"w:numId" => num_pr.0 = attr(b"w:val").filter(|v| v != "0"),
                    b"w:ilvl" => {
                        num_pr.1 = attr(b"w:val").and_then(|v| v.parse().ok()).unwrap_or(0)
                    }
                    b"w:tbl" => tables.push(TableState {
                        started_at: para_no + 1,
                        ..TableState::default()
                    }),
                    b"w:tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.row.clear();
                        }
                    }
                    b"w:tc" => {
                        if let Some(t) = tables.last_mut() {
                            t.cell.clear();
                            t.span = 1;
                            t.merged_above = false;
                        }
                    }
                    b"w:gridSpan" => {
                        if let Some(t) = tables.last_mut() {
                            t.span = attr(b"w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                        }
                    }
                    b"w:vMerge" => {
                        if let Some(t) = tables.last_mut() {
                            t.merged_above = attr(b"w:val").is_none_or(|v| v != "restart");
                        }
                    }
                    b"w:br" | b"w:cr" => match tables.last_mut() {
                        Some(t) => t.cell.push('\n'),
                        None => flush_para(&mut para, &mut para_no, &mut out),
                    },
                    b"w:tab" => match tables.last_mut() {
                        Some(t) => t.cell.push(' '),
                        None => para.push(' '),
                    },
                    _ => {}
                }
            }
            Event::Text(t) if in_text => {
                let s = t.decode().map_err(|e| unreadable(".docx", e))?;
                let s = quick_xml::escape::unescape(&s).map_err(|e| unreadable(".docx", e))?;
                match tables.last_mut() {
                    Some(t) => t.cell.push_str(&s),
                    None => para.push_str(&s),
                }
            }
            Event::GeneralRef(r) if in_text => {
                let name = r.decode().map_err(|e| unreadable(".docx", e))?;
                let s = quick_xml::escape::unescape(&format!("&{name};"))
                    .map_err(|e| unreadable(".docx", e))?
                    .into_owned();
                match tables.last_mut() {
                    Some(t) => t.cell.push_str(&s),
                    None => para.push_str(&s),
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:t" => in_text = false,
                b"w:p" => {
                    // Word's own list number, in front of the text as the reader sees it.
                    let label = num_pr
                        .0
                        .take()
                        .and_then(|id| numbering.label(&id, std::mem::take(&mut num_pr.1)));
                    match tables.last_mut() {
                        Some(t) => {
                            if let Some(l) = label {
                                let start = t.cell.rfind('\n').map_or(0, |i| i + 1);
                                t.cell.insert_str(start, &format!("{l} "));
                            }
                            t.cell.push('\n');
                        }
                        None => {
                            if let Some(l) = label {
                                match out.get_mut(p_start) {
                                    Some(Block::Para(_, first)) => {
                                        first.insert_str(0, &format!("{l} "))
                                    }
                                    _ => para.insert_str(0, &format!("{l} ")),
                                }
                            }
                            flush_para(&mut para, &mut para_no, &mut out);
                        }
                    }
                }
                b"w:tc" => {
                    if let Some(t) = tables.last_mut() {
                        let text = t.cell.trim_end_matches('\n').to_string();
                        let col = t.row.len();
                        let text = if t.merged_above && text.trim().is_empty() {
                            t.rows
                                .last()
                                .and_then(|r| r.get(col))
                                .cloned()
                                .unwrap_or_default()
                        } else {
                            text
                        };
                        for _ in 0..t.span.max(1) {
                            t.row.push(text.clone());
                        }
                    }
                }
                b"w:tr" => {
                    if let Some(t) = tables.last_mut() {
                        let row = std::mem::take(&mut t.row);
                        t.rows.push(row);
                    }
                }
                b"w:tbl" => {
                    let t = tables.pop().expect("a table was open");
                    match tables.last_mut() {
                        // A table inside a cell: its text joins that cell.
                        Some(outer) => {
                            for r in &t.rows {
                                outer.cell.push_str(&r.join(" "));
                                outer.cell.push('\n');
                            }
                        }
                        None => {
                            for (i, cells) in t.rows.into_iter().enumerate() {
                                out.push(Block::Row {
                                    line: t.started_at + i,
                                    table: table_no,
                                    row: i + 1,
                                    cells,
                                });
                            }
                            table_no += 1;
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn xlsx_blocks(bytes: &[u8]) -> Result<Vec<Block>, Error> {
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
        // Merged cells: the value of the top-left cell fills the region.
        let (top, left) = range.start().unwrap_or((0, 0));
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
                for c in c0..=c1 {
                    if let Some(cell) = row.get_mut(c) {
                        *cell = value.clone();
                    }
                }
            }
        }
        sheets.push(rows);
    }
    let has_header = |rows: &Vec<Vec<String>>| {
        rows.iter().any(|r| {
            let keys: Vec<String> = r.iter().map(|c| tiendo_shared::text::key(c)).collect();
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
