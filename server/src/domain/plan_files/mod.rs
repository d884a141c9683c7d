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

use std::io::{Cursor, Read};

mod docx;
#[cfg(test)]
mod tests;
mod xlsx;

use docx::docx_blocks;
use tiendo_shared::import::{Block, Imported, text_blocks};
use tiendo_shared::model::Error;
use xlsx::{check_xlsx, xlsx_blocks};

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
