//! Real office tools for the report tests: LibreOffice (headless) turns a DOCX into a PDF, and
//! poppler's `pdftotext`/`pdfinfo` read it back. `scripts/test` installs both from Debian.

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

/// Collapses whitespace (the PDF's justified lines break and space words freely).
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
