//! "Hồ sơ minh chứng": the evidence files of a plan for a period, as one ZIP the central office
//! attaches to the province's scoring software — a folder per area and task, each file named by
//! its evidence number and date, and an index sheet (XLSX) with task, unit, number, date,
//! summary, file name and SHA-256.
//!
//! Stage: *rendering*, beside the period report: [`index`] lists what the units' reports name
//! (pure), [`export`] reads the bytes from the store and writes the archive. A file named but
//! not uploaded yet is listed in the index as such and is not in the archive; so is a file a
//! report names without its writer ever having sent its bytes ([`crate::domain::file_access`]): a unit
//! cannot pull another agency's file into its office's archive by writing down its hash.
//!
//! Names come from users, so what the archive shows is cleaned: bidi controls and invisible
//! characters are taken out of every entry and every cell ([`tiendo_shared::model::text::visible`]),
//! and a file's extension is that of its detected type, never the sender's: a ZIP named
//! "hồ sơ\u{202E}xcod.jar" (shown "hồ sơraj.docx") is "hồ sơxcod.bin" in the archive.

use std::io::Write;

use rust_xlsxwriter::{Format, Workbook};
use tiendo_shared::model::text::visible;
use tiendo_shared::model::{Date, PeriodKind, files};

use super::ReportError;
use super::Result;
use crate::domain::documents::PlanData;
use crate::domain::file_access::FileTrust;
use crate::store::Store;

/// One evidence file as the index lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The area, "1. Công tác chỉ đạo điều hành".
    pub area: String,
    /// The task's code and title.
    pub task_code: String,
    /// The task's title.
    pub task_title: String,
    /// The reporting unit's name.
    pub unit: String,
    /// The evidence's number (số/ký hiệu).
    pub number: String,
    /// Its date.
    pub date: Option<Date>,
    /// Its summary (trích yếu).
    pub summary: String,
    /// The file's name as attached ([`visible`]).
    pub file_name: String,
    /// Its media type as declared (the extension until the bytes are read).
    pub mime: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Where it is in the archive (folder/name.extension).
    pub path: String,
    /// The folder and name of that path, without the extension ([`place`]).
    folder: String,
    stem: String,
    /// The progress document that names it.
    pub doc_id: String,
}

/// Keeps a name usable as a path part on every system: no bidi controls or invisible
/// characters, no separators or reserved characters, no leading dots, at most `max` characters.
pub(super) fn safe(name: &str, max: usize) -> String {
    let cleaned: String = visible(name)
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '-',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let cut: String = trimmed.chars().take(max).collect();
    if cut.is_empty() {
        "_".into()
    } else {
        cut.trim_end().to_string()
    }
}

/// Every evidence file the units' reports of `data` name for `period`, in plan order (area,
/// task, unit), each with its place in the archive, the units named as they were on `as_of`.
/// Two files that would share a name get " (2)", " (3)" … before the extension.
pub fn index(data: &PlanData, period: PeriodKind, as_of: Date) -> Result<Vec<Line>> {
    let agency = data.agency()?;
    let mut lines = Vec::new();
    for (area, task) in data.plan.tasks() {
        let area_name = format!("{}. {}", area.number, area.title);
        let folder = format!(
            "{}/{}",
            safe(&area_name, 60),
            safe(&format!("{} {}", task.code, task.title), 60)
        );
        for progress in &data.progress {
            let Some(entry) = progress.entry(&task.id, period) else {
                continue;
            };
            for ev in &entry.evidence {
                for f in ev.files.iter().filter(|f| f.has_valid_hash()) {
                    let name = visible(&f.name);
                    let stem = match (ev.number.trim(), ev.date) {
                        ("", None) => {
                            safe(name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s), 80)
                        }
                        (n, Some(d)) => safe(
                            format!("{} ngày {}", n, d.vi().replace('/', "-")).trim(),
                            80,
                        ),
                        (n, None) => safe(n, 80),
                    };
                    lines.push(Line {
                        area: area_name.clone(),
                        task_code: task.code.clone(),
                        task_title: task.title.clone(),
                        unit: agency.unit_name_on(&progress.unit_id, as_of),
                        number: ev.number.clone(),
                        date: ev.date,
                        summary: ev.summary.clone(),
                        file_name: name,
                        mime: f.mime.clone(),
                        sha256: f.sha256.clone(),
                        path: String::new(),
                        folder: folder.clone(),
                        stem,
                        doc_id: data
                            .progress_docs
                            .get(&progress.unit_id)
                            .cloned()
                            .unwrap_or_default(),
                    });
                }
            }
        }
    }
    let declared: Vec<&'static str> = lines.iter().map(|l| files::extension(&l.mime)).collect();
    place(&mut lines, &declared);
    Ok(lines)
}

/// Gives each line its path in the archive, `folder/stem.extension` with its extension from
/// `exts`; two files that would share a path get " (2)", " (3)" … before the extension.
fn place(lines: &mut [Line], exts: &[&str]) {
    let mut taken = std::collections::HashSet::new();
    for (l, ext) in lines.iter_mut().zip(exts) {
        let mut path = format!("{}/{}.{ext}", l.folder, l.stem);
        let mut n = 2;
        while !taken.insert(path.clone()) {
            path = format!("{}/{} ({n}).{ext}", l.folder, l.stem);
            n += 1;
        }
        l.path = path;
    }
}

/// The extension of the type `bytes` are of: PDF, JPEG, PNG, and a ZIP container that is a Word
/// document or an Excel workbook (told by the part it must hold; only the archive's directory is
/// read); "bin" for anything else, a ZIP of another kind (a `.jar`) included.
pub(super) fn detected_extension(bytes: &[u8]) -> &'static str {
    match files::sniff(bytes) {
        Some("application/zip") => {
            let Ok(zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
                return "bin";
            };
            if zip.index_for_name("word/document.xml").is_some() {
                files::extension(files::DOCX)
            } else if zip.index_for_name("xl/workbook.xml").is_some() {
                files::extension(files::XLSX)
            } else {
                "bin"
            }
        }
        Some(mime) => files::extension(mime),
        None => "bin",
    }
}

/// The index sheet: one row per file, and whether it is in the archive; dated `as_of`, not by the
/// clock.
fn index_sheet(
    lines: &[Line],
    stored: &[bool],
    as_of: Date,
) -> std::result::Result<Vec<u8>, ReportError> {
    let render = |e: rust_xlsxwriter::XlsxError| ReportError::Render {
        kind: "XLSX",
        why: e.to_string(),
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Danh mục minh chứng").map_err(render)?;
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    let heads = [
        ("STT", 5.0),
        ("Lĩnh vực", 28.0),
        ("Nhiệm vụ", 36.0),
        ("Đơn vị", 24.0),
        ("Số/ký hiệu", 16.0),
        ("Ngày", 11.0),
        ("Trích yếu", 36.0),
        ("Tệp", 30.0),
        ("Trong hồ sơ", 40.0),
        ("SHA-256", 66.0),
    ];
    for (c, (h, w)) in heads.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(render)?;
        sheet.set_column_width(c as u16, *w).map_err(render)?;
    }
    for (i, (l, in_zip)) in lines.iter().zip(stored).enumerate() {
        let r = i as u32 + 1;
        let cells = [
            l.area.clone(),
            format!("{} {}", l.task_code, l.task_title),
            l.unit.clone(),
            l.number.clone(),
            l.date.map(|d| d.vi()).unwrap_or_default(),
            l.summary.clone(),
            l.file_name.clone(),
            if *in_zip {
                l.path.clone()
            } else {
                "chưa tải lên máy chủ".into()
            },
            l.sha256.clone(),
        ];
        sheet.write_number(r, 0, f64::from(r)).map_err(render)?;
        for (c, v) in cells.iter().enumerate() {
            sheet
                .write_string_with_format(r, c as u16 + 1, visible(v), &wrap)
                .map_err(render)?;
        }
    }
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(
        as_of.year() as u16,
        as_of.month() as u8,
        as_of.day() as u8,
    )
    .map_err(render)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    book.save_to_buffer().map_err(render)
}

/// The name of the archive: `ho-so-minh-chung-<plan year>-<period>-<agency>.zip`
/// (`ho-so-minh-chung-2025-nam-so-khcn.zip`, [`super::file_name`]'s scheme).
pub fn file_name(year: i32, period: PeriodKind, agency: &str) -> String {
    tiendo_shared::views::status::as_of::file_name(
        "ho-so-minh-chung",
        year,
        Some(period),
        agency,
        "zip",
    )
}

/// The archive of `data`'s evidence files for `period` as of `as_of` (units named as they were
/// then, every entry dated that day: the same evidence makes the same archive whenever it is
/// made), the bytes read from `store`.
pub async fn export(
    data: &PlanData,
    period: PeriodKind,
    as_of: Date,
    store: &Store,
) -> Result<Vec<u8>> {
    let mut lines = index(data, period, as_of)?;
    let mut contents = Vec::with_capacity(lines.len());
    let records = store.documents().await?;
    let mut docs: std::collections::HashMap<String, automerge::Automerge> = Default::default();
    for l in &lines {
        let Some(rec) = records.iter().find(|r| r.doc_id == l.doc_id) else {
            contents.push(None);
            continue;
        };
        if !docs.contains_key(&l.doc_id) {
            docs.insert(l.doc_id.clone(), store.read_document(&l.doc_id).await?);
        }
        let namings = tiendo_shared::model::progress::file_namings(&docs[&l.doc_id], &l.sha256);
        let may_write = |u: &crate::domain::accounts::User| {
            crate::domain::access::access(u, rec, false) == crate::domain::access::Access::Write
        };
        let trust = FileTrust::of(store, &l.sha256).await?;
        contents.push(
            if trust
                .names_trustworthily(&l.doc_id, &namings, &may_write)
                .await?
            {
                store.read_file(&l.sha256).await?
            } else {
                None
            },
        );
    }
    let stored: Vec<bool> = contents.iter().map(Option::is_some).collect();
    tokio::task::spawn_blocking(move || -> std::result::Result<Vec<u8>, ReportError> {
        // Named by what the bytes are; a file not in the archive keeps its declared type's
        // extension.
        let exts: Vec<&'static str> = lines
            .iter()
            .zip(&contents)
            .map(|(l, bytes)| match bytes {
                Some(bytes) => detected_extension(bytes),
                None => files::extension(&l.mime),
            })
            .collect();
        place(&mut lines, &exts);
        let sheet = index_sheet(&lines, &stored, as_of)?;
        let files = lines
            .iter()
            .zip(&contents)
            .filter_map(|(l, bytes)| Some((l.path.as_str(), bytes.as_deref()?)));
        archive(("Danh muc minh chung.xlsx", &sheet), files, as_of)
    })
    .await?
}

/// A ZIP of the index sheet `index` (name, bytes) at the root and `files` (path, bytes), every
/// entry dated `as_of`: the same content makes the same archive whenever it is made.
pub(super) fn archive<'a>(
    index: (&str, &[u8]),
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    as_of: Date,
) -> Result<Vec<u8>> {
    let failed = |e: &dyn std::fmt::Display| ReportError::Render {
        kind: "ZIP",
        why: e.to_string(),
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let day = zip::DateTime::from_date_and_time(
        as_of.year() as u16,
        as_of.month() as u8,
        as_of.day() as u8,
        0,
        0,
        0,
    )
    .unwrap_or_default();
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(day);
    // Scans and photos are compressed already: stored as they are.
    let as_is = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(day);
    zip.start_file(index.0, deflated).map_err(|e| failed(&e))?;
    zip.write_all(index.1).map_err(|e| failed(&e))?;
    for (path, bytes) in files {
        zip.start_file(path, as_is).map_err(|e| failed(&e))?;
        zip.write_all(bytes).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_the_archive_are_safe_on_every_system() {
        assert_eq!(safe("25/KH-SKHCN", 80), "25-KH-SKHCN");
        assert_eq!(safe("../../etc/passwd", 80), "-..-etc-passwd");
        assert_eq!(safe("  ..ẩn  ", 80), "ẩn");
        assert_eq!(safe("", 80), "_");
        assert_eq!(safe("Kế hoạch: năm 2025?", 8), "Kế hoạch");
    }
}
