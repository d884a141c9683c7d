//! What an evidence file may be, told from its bytes rather than its name: the tablet checks a
//! file before keeping it, the server checks an upload's first bytes before storing it.
//!
//! Stage: *model*, pure.

/// The media types accepted as evidence, with the name a user reads.
pub const ACCEPTED: [(&str, &str); 5] = [
    ("application/pdf", "PDF"),
    ("image/jpeg", "ảnh JPEG"),
    ("image/png", "ảnh PNG"),
    (DOCX, "Word (.docx)"),
    (XLSX, "Excel (.xlsx)"),
];

/// Word's media type.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
/// Excel's media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How many first bytes [`sniff`] needs.
pub const SNIFF_BYTES: usize = 8;

/// Whether `mime` is accepted as evidence.
pub fn accepted(mime: &str) -> bool {
    ACCEPTED.iter().any(|(m, _)| *m == mime)
}

/// The kind of file `head` (its first bytes) starts like: PDF, JPEG, PNG or a ZIP container
/// (DOCX and XLSX are ZIP files; which one the ZIP holds is taken from the declared type).
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if head.starts_with(b"PK\x03\x04") {
        Some("application/zip")
    } else {
        None
    }
}

/// The file-name extension of an accepted media type ("pdf", "jpg", "png", "docx", "xlsx"), and
/// "bin" for anything else: what a file is called where others open it (the evidence archive)
/// follows what it is, never the name its sender gave it.
pub fn extension(mime: &str) -> &'static str {
    match mime {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        DOCX => "docx",
        XLSX => "xlsx",
        _ => "bin",
    }
}

/// Checks that a file declared as `mime` is accepted and that its first bytes are of that
/// kind; the error says what is wrong, in the user's words.
pub fn check(mime: &str, head: &[u8]) -> Result<(), String> {
    if !accepted(mime) {
        return Err(format!(
            "loại tệp {mime} không được nhận; chỉ nhận {}",
            ACCEPTED.map(|(_, n)| n).join(", ")
        ));
    }
    let found = sniff(head);
    let fits = match found {
        Some("application/zip") => mime == DOCX || mime == XLSX,
        Some(kind) => kind == mime,
        None => false,
    };
    if fits {
        Ok(())
    } else {
        Err(format!(
            "nội dung tệp không phải {} như tên/loại tệp khai báo",
            ACCEPTED
                .iter()
                .find(|(m, _)| *m == mime)
                .map(|(_, n)| *n)
                .unwrap_or(mime)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_by_their_bytes_not_their_names() {
        assert!(check("application/pdf", b"%PDF-1.7\n").is_ok());
        assert!(check("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]).is_ok());
        assert!(check("image/png", b"\x89PNG\r\n\x1a\n").is_ok());
        assert!(check(DOCX, b"PK\x03\x04rest").is_ok());
        // A text file called .pdf, a PDF called .jpg, an executable: refused, saying why.
        assert!(
            check("application/pdf", b"hello")
                .unwrap_err()
                .contains("không phải PDF")
        );
        assert!(check("image/jpeg", b"%PDF-1.7").is_err());
        assert!(
            check("application/x-msdownload", b"MZ")
                .unwrap_err()
                .contains("không được nhận")
        );
        assert!(check("application/pdf", b"").is_err());
    }
}
