//! Real office tools for the report tests: LibreOffice (headless) turns a DOCX into a PDF, and
//! poppler's `pdftotext`/`pdfinfo` read it back; LibreOffice turns an XLSX's first sheet into
//! CSV. `scripts/test` installs both from Debian.

use std::path::Path;
use std::process::Command;

/// DOCX → PDF with LibreOffice, then the PDF's text (pdftotext) and its page size (pdfinfo).
pub fn pdf_text(docx: &Path) -> (String, String) {
    let dir = docx.parent().expect("a file in a directory");
    let status = Command::new("libreoffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(docx)
        // Its own profile, so a desktop LibreOffice or a parallel test does not lock it.
        .env("HOME", dir.join("lo-home"))
        .status()
        .expect("libreoffice runs (scripts/test installs libreoffice-writer-nogui)");
    assert!(status.success(), "libreoffice failed: {status}");
    let pdf = docx.with_extension("pdf");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    assert!(text.status.success(), "pdftotext failed");
    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
    (
        String::from_utf8_lossy(&text.stdout).into_owned(),
        String::from_utf8_lossy(&info.stdout).into_owned(),
    )
}

/// XLSX → CSV (its first sheet, UTF-8, cells as LibreOffice shows them: a number in its
/// format, so `1.50` is a number and `1,5` would be text) with LibreOffice.
pub fn csv_text(xlsx: &Path) -> String {
    let dir = xlsx.parent().expect("a file in a directory");
    let status = Command::new("libreoffice")
        .args([
            "--headless",
            "--convert-to",
            // Comma-separated, double quotes, UTF-8 (76), from the first line.
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(dir)
        .arg(xlsx)
        .env("HOME", dir.join("lo-home"))
        .status()
        .expect("libreoffice runs (scripts/test installs libreoffice-calc-nogui)");
    assert!(status.success(), "libreoffice failed: {status}");
    std::fs::read_to_string(xlsx.with_extension("csv")).expect("libreoffice wrote the CSV")
}

/// Collapses whitespace (the PDF's justified lines break and space words freely).
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A word on a PDF page as `pdftotext -bbox` places it: its text and box in points from the
/// page's top left.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub x_min: f64,
    pub y_min: f64,
    pub x_max: f64,
    pub y_max: f64,
}

/// Every page's words of `pdf` (already converted by [`pdf_text`]: the DOCX's `.pdf` beside it),
/// with the page width.
pub fn pdf_words(pdf: &Path) -> Vec<(f64, Vec<Word>)> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    assert!(out.status.success(), "pdftotext -bbox failed");
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let from = tag.find(&key).expect("attribute") + key.len();
        let to = tag[from..].find('"').expect("quote") + from;
        tag[from..to].parse().expect("a number")
    };
    let mut pages = Vec::new();
    for page in html.split("<page ").skip(1) {
        let width = attr(page, "width");
        let words = page
            .split("<word ")
            .skip(1)
            .map(|w| {
                let text_from = w.find('>').expect("tag end") + 1;
                let text_to = w.find("</word>").expect("word end");
                Word {
                    text: w[text_from..text_to]
                        .replace("&amp;", "&")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">"),
                    x_min: attr(w, "xMin"),
                    y_min: attr(w, "yMin"),
                    x_max: attr(w, "xMax"),
                    y_max: attr(w, "yMax"),
                }
            })
            .collect();
        pages.push((width, words));
    }
    pages
}
