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
//!
//! Every reading is bounded ([`Bounds`], [`BOUNDS`]): a file is someone's upload, and a 500 KB
//! zip can hold gigabytes. Before anything is inflated, the zip's entry count and each entry's
//! declared size and compression ratio are checked; while inflating, every entry is read through
//! a [`Read::take`] of its bound, so a header that lies about the size cannot get past it; an
//! `.xlsx` has every sheet streamed once (counting rows, cells, the area the cells span, shared
//! strings and merged regions) before calamine, which reads a sheet whole, sees it; a `.docx`
//! counts its paragraphs, rows and cells as it reads. Going over a bound refuses the file with
//! [`PlanFileError::OverLimit`], naming the bound and what was found (`413` over HTTP).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Cursor, Read};

use quick_xml::events::Event;
use tiendo_shared::Error;
use tiendo_shared::import::{Block, Imported, text_blocks};

/// What a plan file may hold once opened. Real plans stay far below each bound (the seed plan:
/// 300 lines; an agency's .docx: a document part of 1–3 MB, 30 parts); a file over one is
/// refused whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Parts (entries) in a .docx or .xlsx zip.
    pub max_entries: u64,
    /// Inflated bytes of one part.
    pub max_entry_bytes: u64,
    /// Inflated bytes of all parts together.
    pub max_total_bytes: u64,
    /// Inflated bytes per compressed byte of a part over [`Bounds::ratio_from`] bytes: ordinary
    /// XML deflates 5–20×, a zip bomb's filler 1000×.
    pub max_ratio: u64,
    /// Parts smaller than this are not held to [`Bounds::max_ratio`] (a tiny part of repeated
    /// tags may deflate well and costs nothing).
    pub ratio_from: u64,
    /// Paragraphs and table rows (of a .docx, of all the sheets of an .xlsx, lines of a text).
    pub max_lines: u64,
    /// Table cells: of a .docx's tables; of an .xlsx, the cells written and the area the cells
    /// of each sheet span (calamine makes a dense grid of it), all sheets together; the shared
    /// strings.
    pub max_cells: u64,
    /// Merged regions of an .xlsx.
    pub max_merges: u64,
    /// Columns one .docx cell may span (Word's own maximum is 63).
    pub max_span: usize,
}

/// The bounds plan files are read within.
pub const BOUNDS: Bounds = Bounds {
    max_entries: 1_000,
    max_entry_bytes: 16 * 1024 * 1024,
    max_total_bytes: 64 * 1024 * 1024,
    max_ratio: 100,
    ratio_from: 1024 * 1024,
    max_lines: 20_000,
    max_cells: 200_000,
    max_merges: 10_000,
    max_span: 64,
};

/// Why a plan file was not read.
#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    /// Not a plan, or not readable as one (the importer's and the readers' refusals).
    #[error(transparent)]
    Plan(#[from] Error),
    /// Over one of the [`Bounds`], naming it and what was found.
    #[error("{0}")]
    OverLimit(String),
}

type Result<T, E = PlanFileError> = std::result::Result<T, E>;

/// `bytes` as people read sizes ("16 MB", "300 KB", "12 byte").
pub fn size_text(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        format!("{} MB", bytes.div_ceil(MB))
    } else if bytes >= 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{bytes} byte")
    }
}

fn over(why: String) -> PlanFileError {
    PlanFileError::OverLimit(why)
}

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

fn unreadable(what: &str, why: impl std::fmt::Display) -> PlanFileError {
    PlanFileError::Plan(Error::NotAPlan(format!("tệp {what} không đọc được: {why}")))
}

type Zip<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Tells the format from the bytes, and opens a zip's directory once its entry count is within
/// [`BOUNDS`].
fn open(bytes: &[u8]) -> Result<(Format, Option<Zip<'_>>)> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok((Format::Text, None));
    }
    // The directory's own count, before the zip crate reads (and makes room for) its entries.
    if let Some(n) = declared_entries(bytes).filter(|&n| n > BOUNDS.max_entries) {
        return Err(over(format!(
            "tệp nén khai báo {n} phần, quá giới hạn {} phần",
            BOUNDS.max_entries
        )));
    }
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable("nén", e))?;
    if zip.len() as u64 > BOUNDS.max_entries {
        return Err(over(format!(
            "tệp nén có {} phần, quá giới hạn {} phần",
            zip.len(),
            BOUNDS.max_entries
        )));
    }
    let has = |name: &str| zip.index_for_name(name).is_some();
    let format = if has("word/document.xml") {
        Format::Docx
    } else if has("xl/workbook.xml") {
        Format::Xlsx
    } else {
        return Err(Error::NotAPlan(
            "tệp nén không phải .docx hay .xlsx (không có word/document.xml hay xl/workbook.xml)"
                .into(),
        )
        .into());
    };
    Ok((format, Some(zip)))
}

/// The entry count the zip's end-of-central-directory record declares (zip64's when it defers
/// to it), if the record is found.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    let u16_at = |at: usize| Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    let u64_at = |at: usize| Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?));
    // The record is 22 bytes and a comment of at most 64 KB, at the very end.
    let from = bytes.len().saturating_sub(22 + 65_535);
    let end = bytes[from..].windows(4).rposition(|w| w == b"PK\x05\x06")? + from;
    let count = u16_at(end + 10)?;
    if count != u16::MAX {
        return Some(u64::from(count));
    }
    // Zip64: the locator (20 bytes) just before the record points at the zip64 record.
    let locator = end.checked_sub(20)?;
    if bytes.get(locator..locator + 4)? != b"PK\x06\x07" {
        return Some(u64::from(count));
    }
    let record = usize::try_from(u64_at(locator + 8)?).ok()?;
    if bytes.get(record..record + 4)? != b"PK\x06\x06" {
        return None;
    }
    u64_at(record + 32)
}

/// Tells the format from the bytes.
pub fn detect(bytes: &[u8]) -> Result<Format> {
    Ok(open(bytes)?.0)
}

/// Reads a plan file into blocks, within [`BOUNDS`].
pub fn blocks(bytes: &[u8]) -> Result<(Format, Vec<Block>)> {
    let (format, zip) = open(bytes)?;
    let blocks = match (format, zip) {
        (Format::Docx, Some(mut zip)) => docx_blocks(&mut zip)?,
        (Format::Xlsx, Some(mut zip)) => {
            check_xlsx(&mut zip)?;
            xlsx_blocks(bytes)?
        }
        _ => {
            let text = decode_text(bytes)?;
            let lines = text.lines().count() as u64;
            if lines > BOUNDS.max_lines {
                return Err(over(format!(
                    "văn bản có {lines} dòng, quá giới hạn {} dòng của một kế hoạch",
                    BOUNDS.max_lines
                )));
            }
            text_blocks(&text)
        }
    };
    Ok((format, blocks))
}

/// Imports a plan file of any supported format.
pub fn import(bytes: &[u8]) -> Result<(Format, Imported)> {
    import_with(bytes, &tiendo_shared::import::Options::default())
}

/// [`import`] with the deployment's import options (`[import]` in tiendo.toml).
pub fn import_with(
    bytes: &[u8],
    options: &tiendo_shared::import::Options,
) -> Result<(Format, Imported)> {
    let (format, blocks) = blocks(bytes)?;
    Ok((
        format,
        tiendo_shared::import::import_blocks_with(&blocks, options)?,
    ))
}

/// Checks part `index`'s declared sizes against [`BOUNDS`] (`total`: the declared sizes of the
/// parts checked so far) and opens it for reading through a [`Read::take`] of its bound: the
/// reader yields at most one byte more than the bound, which [`Inflated::finish`] refuses.
fn part<'z, 'b>(
    zip: &'z mut Zip<'b>,
    index: usize,
    what: &'static str,
    total: &mut u64,
) -> Result<Inflated<zip::read::ZipFile<'z, Cursor<&'b [u8]>>>> {
    let file = zip.by_index(index).map_err(|e| unreadable(what, e))?;
    let name = file.name().to_string();
    let (declared, compressed) = (file.size(), file.compressed_size());
    if declared > BOUNDS.max_entry_bytes {
        return Err(over(format!(
            "phần {name} của tệp {what} giải nén ra {}, quá giới hạn {} mỗi phần",
            size_text(declared),
            size_text(BOUNDS.max_entry_bytes)
        )));
    }
    check_ratio(what, &name, declared, compressed)?;
    *total = total.saturating_add(declared);
    if *total > BOUNDS.max_total_bytes {
        return Err(over(format!(
            "tệp {what} giải nén ra hơn {}, quá giới hạn {} cả tệp",
            size_text(*total),
            size_text(BOUNDS.max_total_bytes)
        )));
    }
    Ok(Inflated {
        reader: file.take(BOUNDS.max_entry_bytes + 1),
        read: 0,
        name,
        what,
        declared,
        compressed,
    })
}

fn check_ratio(what: &str, name: &str, inflated: u64, compressed: u64) -> Result<()> {
    if inflated > BOUNDS.ratio_from && inflated > compressed.saturating_mul(BOUNDS.max_ratio) {
        return Err(over(format!(
            "phần {name} của tệp {what} nén {} lần ({} ra {}), quá tỉ lệ {} lần cho phép: tệp \"bom nén\"",
            inflated / compressed.max(1),
            size_text(compressed),
            size_text(inflated),
            BOUNDS.max_ratio
        )));
    }
    Ok(())
}

/// A part being inflated, counted.
struct Inflated<R> {
    reader: std::io::Take<R>,
    read: u64,
    name: String,
    what: &'static str,
    declared: u64,
    compressed: u64,
}

impl<R: Read> Read for Inflated<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.reader.read(buf)?;
        self.read += n as u64;
        // A part inflating past what its header declared: stop here, [`Inflated::finish`] says why.
        if self.read > self.declared {
            return Ok(0);
        }
        Ok(n)
    }
}

impl<R> Inflated<R> {
    /// Once read: refuses a part that inflated past its declared size or its bounds.
    fn finish(&self) -> Result<()> {
        if self.read > self.declared {
            return Err(over(format!(
                "phần {} của tệp {} giải nén ra hơn {} đã khai báo: tệp hỏng hoặc cố ý khai sai",
                self.name,
                self.what,
                size_text(self.declared)
            )));
        }
        check_ratio(self.what, &self.name, self.read, self.compressed)
    }
}

/// A part read whole as text (at most its bound).
fn part_text(
    zip: &mut Zip<'_>,
    name: &str,
    what: &'static str,
    total: &mut u64,
) -> Result<Option<String>> {
    let Some(index) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let mut part = part(zip, index, what, total)?;
    let mut bytes = Vec::new();
    part.read_to_end(&mut bytes)
        .map_err(|e| unreadable(what, e))?;
    part.finish()?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| unreadable(what, format!("{name} không phải UTF-8")))
}

/// Streams every part of an .xlsx once, within [`BOUNDS`], before calamine reads it: each part's
/// size and ratio (calamine inflates with its own zip reader, so every part it could read is
/// measured here), and in the sheets the rows, the cells, the area they span; the shared strings
/// and merged regions.
fn check_xlsx(zip: &mut Zip<'_>) -> Result<()> {
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
fn cell_ref(r: &[u8]) -> Option<(u64, u64)> {
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

fn decode_text(bytes: &[u8]) -> Result<String> {
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
        .map_err(|_| Error::NotAPlan("không phải văn bản UTF-8, .docx hay .xlsx".into()).into())
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

fn docx_blocks(zip: &mut Zip<'_>) -> Result<Vec<Block>> {
    // Every part's declared size and ratio, before any is inflated.
    let mut declared = 0u64;
    for index in 0..zip.len() {
        part(zip, index, ".docx", &mut declared)?;
    }
    let mut total = 0u64;
    let xml = part_text(zip, "word/document.xml", ".docx", &mut total)?.unwrap_or_default();
    let mut numbering = part_text(zip, "word/numbering.xml", ".docx", &mut total)?
        .map(|xml| Numbering::parse(&xml))
        .unwrap_or_default();
    // Table rows, cells and the bytes of their text so far (a cell's text is repeated over the
    // columns it spans and down the rows merged with it), within `BOUNDS`.
    let (mut rows, mut cells, mut cell_bytes) = (0u64, 0u64, 0u64);
    let too_many = |what: &str, max: u64| {
        over(format!(
            "tệp .docx có hơn {max} {what}, quá giới hạn {max} {what} của một kế hoạch"
        ))
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
        if para_no as u64 + rows > BOUNDS.max_lines {
            return Err(too_many("đoạn văn và dòng bảng", BOUNDS.max_lines));
        }
        if cells > BOUNDS.max_cells {
            return Err(too_many("ô bảng", BOUNDS.max_cells));
        }
        if cell_bytes > BOUNDS.max_total_bytes {
            return Err(over(format!(
                "các ô bảng của tệp .docx (chữ lặp lại qua ô gộp) ra hơn {}, quá giới hạn",
                size_text(BOUNDS.max_total_bytes)
            )));
        }
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
                            // A span past Word's own maximum would repeat the text without end.
                            t.span = attr(b"w:val")
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(1)
                                .min(BOUNDS.max_span);
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
                        cells += t.span.max(1) as u64;
                        cell_bytes += (text.len() * t.span.max(1)) as u64;
                        for _ in 0..t.span.max(1) {
                            t.row.push(text.clone());
                        }
                    }
                }
                b"w:tr" => {
                    rows += 1;
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

/// An .xlsx's blocks; [`check_xlsx`] has bounded what calamine will read.
fn xlsx_blocks(bytes: &[u8]) -> Result<Vec<Block>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A .docx whose document part is `spaces` spaces in one paragraph.
    fn docx_of_spaces(spaces: usize) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", options).unwrap();
        zip.write_all(b"<w:document><w:body><w:p><w:r><w:t>")
            .unwrap();
        zip.write_all(&vec![b' '; spaces]).unwrap();
        zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
            .unwrap();
        zip.finish().unwrap().into_inner()
    }

    /// `bytes` with every header of `name` declaring `size` inflated bytes.
    fn declaring(mut bytes: Vec<u8>, name: &str, size: u32) -> Vec<u8> {
        for (signature, size_at, name_at) in [(b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)] {
            let at = (0..bytes.len() - name_at)
                .find(|&i| {
                    bytes[i..].starts_with(signature)
                        && bytes[i + name_at..].starts_with(name.as_bytes())
                })
                .expect("the header");
            bytes[at + size_at..at + size_at + 4].copy_from_slice(&size.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn a_part_that_inflates_past_its_declared_size_is_refused_at_that_size() {
        // 3 MB of spaces declared as 1 KB: the reader stops at the declared size.
        let lying = declaring(docx_of_spaces(3 << 20), "word/document.xml", 1024);
        let err = import(&lying).unwrap_err();
        assert!(matches!(err, PlanFileError::OverLimit(_)), "{err}");
        assert!(
            err.to_string().contains("giải nén ra hơn 1 KB đã khai báo"),
            "{err}"
        );
    }

    #[test]
    fn a_part_deflated_past_the_ratio_is_refused_before_it_is_inflated() {
        // 4 MB of spaces: over `ratio_from`, deflated some 1000×.
        let err = import(&docx_of_spaces(4 << 20)).unwrap_err();
        assert!(matches!(err, PlanFileError::OverLimit(_)), "{err}");
        assert!(err.to_string().contains("bom nén"), "{err}");
    }

    #[test]
    fn a_directory_declaring_more_parts_than_the_bound_is_refused_before_it_is_read() {
        let mut bytes = docx_of_spaces(10);
        let end = bytes.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
        bytes[end + 10..end + 12].copy_from_slice(&5000u16.to_le_bytes());
        let err = import(&bytes).unwrap_err();
        assert!(err.to_string().contains("5000 phần"), "{err}");
    }

    #[test]
    fn a_text_of_more_lines_than_a_plan_has_is_refused() {
        let text = "1. Việc\n".repeat(BOUNDS.max_lines as usize + 1);
        let err = import(text.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("dòng"), "{err}");
    }

    #[test]
    fn cell_references_read_as_row_and_column() {
        assert_eq!(cell_ref(b"A1"), Some((0, 0)));
        assert_eq!(cell_ref(b"AB12"), Some((11, 27)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref(b"1A"), None);
    }
}
