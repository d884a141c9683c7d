use super::*;
use std::io::Write;
use xlsx::cell_ref;

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
