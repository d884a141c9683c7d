//! "Tài liệu kiểm chứng" of a self-assessment as one ZIP for the province's appraisal: a folder
//! per sub-criterion, named exactly by its code (`1.1.1/`), holding the files offered for it, and
//! at the root an index sheet (`Danh muc tai lieu kiem chung.xlsx`) listing every file with its
//! code, content, reference, SHA-256 and place in the archive, and the giải trình of every
//! sub-criterion the agency scores without evidence.
//!
//! Stage: *rendering*, beside the period's evidence archive ([`crate::reports::evidence`]) and
//! bounded the same way: names are cleaned ([`tiendo_shared::model::text::visible`], no
//! separators, at most 80 characters), a file's extension is that of its detected type, never
//! the sender's, and only files the store holds and the caller trusts are read (each once,
//! however many sub-criteria offer it); a file named but not available is listed as such, not an
//! error. [`entries`] is the pure listing, [`archive`] writes it, [`evidence_zip`] reads the bytes.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rust_xlsxwriter::Workbook;
use tiendo_shared::model::Date;
use tiendo_shared::model::criteria::Measured;
use tiendo_shared::model::progress::is_sha256;
use tiendo_shared::model::text::visible;

use super::super::Result;
use super::super::evidence::{detected_extension, safe};
use super::super::xlsx::{Formats, formats, saved, xlsx_err};
use super::Filing;
use crate::store::Store;

/// The index sheet's name in the archive (ASCII: every unzip tool shows it alike).
pub const INDEX_NAME: &str = "Danh muc tai lieu kiem chung.xlsx";

/// One line of the index: an evidence file of a sub-criterion, or a sub-criterion scored without
/// evidence (its giải trình).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The sub-criterion's code, also its folder.
    pub code: String,
    /// What it judges.
    pub text: String,
    /// The unit responsible.
    pub unit: String,
    /// The file's name as offered ([`visible`]); empty on a line without evidence.
    pub file_name: String,
    /// Its number, date and summary.
    pub reference: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Where it is in the archive (`1.1.1/ke-hoach.pdf`); none: not available (not stored, or not
    /// trusted), or a line without evidence.
    pub path: Option<String>,
    /// The giải trình.
    pub explanation: String,
}

/// The index of `f`'s evidence, in the set's order, each file placed with the extension of its
/// bytes in `files` (by SHA-256; a file not there has no path). Within a folder a file offered
/// twice is listed once, and two files that would share a name get " (2)", " (3)" … before the
/// extension.
pub fn entries(f: &Filing<'_>, files: &BTreeMap<String, Vec<u8>>) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut taken = HashSet::new();
    for c in f.set.scored() {
        let scoring = f.assessment.items.get(&c.code);
        let unit = scoring
            .and_then(|s| s.unit_id.as_ref())
            .map(|u| visible(f.unit_names.get(u).unwrap_or(u)))
            .unwrap_or_default();
        let explanation = scoring
            .map(|s| visible(s.explanation.trim()))
            .unwrap_or_default();
        let line = |file_name: String, reference: String, sha256: String| Entry {
            code: c.code.clone(),
            text: c.text.clone(),
            unit: unit.clone(),
            file_name,
            reference,
            sha256,
            path: None,
            explanation: explanation.clone(),
        };
        let evidence = scoring.map_or(&[][..], |s| s.evidence.as_slice());
        if evidence.is_empty() {
            if c.measured == Measured::SelfScored {
                out.push(line(String::new(), String::new(), String::new()));
            }
            continue;
        }
        let folder = safe(&c.code, 20);
        let mut seen = BTreeSet::new();
        for e in evidence.iter().filter(|e| seen.insert(e.sha256.as_str())) {
            let name = visible(e.name.trim());
            let mut l = line(name.clone(), visible(e.reference.trim()), e.sha256.clone());
            if let Some(bytes) = files.get(&e.sha256) {
                let stem = safe(name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s), 80);
                let ext = detected_extension(bytes);
                let mut path = format!("{folder}/{stem}.{ext}");
                let mut n = 2;
                while !taken.insert(path.clone()) {
                    path = format!("{folder}/{stem} ({n}).{ext}");
                    n += 1;
                }
                l.path = Some(path);
            }
            out.push(l);
        }
    }
    out
}

/// The index sheet: one row per line of `entries`, dated `as_of`.
fn index_sheet(entries: &[Entry], as_of: Date) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let Formats {
        head, text, num, ..
    } = formats();
    let sheet = book.add_worksheet();
    sheet.set_name("Danh mục").map_err(xlsx_err)?;
    let heads = [
        ("STT", 5.0),
        ("Mã", 8.0),
        ("Nội dung", 40.0),
        ("Đơn vị chịu trách nhiệm", 22.0),
        ("Tệp", 30.0),
        ("Số, ngày, trích yếu", 40.0),
        ("Trong hồ sơ", 36.0),
        ("SHA-256", 66.0),
        ("Giải trình", 36.0),
    ];
    for (c, (h, w)) in heads.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &head)
            .map_err(xlsx_err)?;
        sheet.set_column_width(c as u16, *w).map_err(xlsx_err)?;
    }
    for (i, e) in entries.iter().enumerate() {
        let r = i as u32 + 1;
        let place = match (&e.path, e.file_name.is_empty() && e.sha256.is_empty()) {
            (Some(p), _) => p.clone(),
            (None, true) => "Không có tài liệu kiểm chứng".into(),
            (None, false) => "Không có tệp trên máy chủ".into(),
        };
        sheet
            .write_number_with_format(r, 0, f64::from(r), &num)
            .map_err(xlsx_err)?;
        let cells = [
            &e.code,
            &e.text,
            &e.unit,
            &e.file_name,
            &e.reference,
            &place,
            &e.sha256,
            &e.explanation,
        ];
        for (c, v) in cells.into_iter().enumerate() {
            sheet
                .write_string_with_format(r, c as u16 + 1, super::xlsx::cell(&visible(v)), &text)
                .map_err(xlsx_err)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    saved(book, as_of)
}

/// The archive of `entries` with the bytes in `files` (by SHA-256), every entry dated `as_of`:
/// the same evidence makes the same archive whenever it is made.
pub fn write(entries: &[Entry], files: &BTreeMap<String, Vec<u8>>, as_of: Date) -> Result<Vec<u8>> {
    let sheet = index_sheet(entries, as_of)?;
    let filed = entries.iter().filter_map(|e| {
        let path = e.path.as_deref()?;
        Some((path, files.get(&e.sha256)?.as_slice()))
    });
    super::super::evidence::archive((INDEX_NAME, &sheet), filed, as_of)
}

/// The archive of `f`'s evidence with the bytes in `files` (by SHA-256).
pub fn archive(f: &Filing<'_>, files: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>> {
    write(&entries(f, files), files, f.as_of)
}

/// The archive of `f`'s evidence, the bytes read from `store`: only well-formed hashes that
/// `trusted` accepts (the caller's authority check over the document that names them, as
/// [`crate::domain::file_access`] decides for the period's archive: a unit cannot pull another
/// agency's file in by writing down its hash), each read once; the archive is written off the
/// async threads.
pub async fn evidence_zip(
    f: &Filing<'_>,
    store: &Store,
    trusted: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Vec<u8>> {
    let hashes: BTreeSet<&str> = f
        .assessment
        .items
        .values()
        .flat_map(|s| &s.evidence)
        .map(|e| e.sha256.as_str())
        .filter(|h| is_sha256(h) && trusted(h))
        .collect();
    let mut files = BTreeMap::new();
    for h in hashes {
        if let Some(bytes) = store.read_file(h).await? {
            files.insert(h.to_string(), bytes);
        }
    }
    let listed = entries(f, &files);
    let as_of = f.as_of;
    tokio::task::spawn_blocking(move || write(&listed, &files, as_of)).await?
}
