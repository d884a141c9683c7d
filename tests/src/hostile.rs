//! Hostile payloads, generated when asked (never committed): zip bombs dressed as plan files,
//! sheets of many rows, bundles of too many items or too deep a nesting, and a request whose
//! body never ends. The integration tests send them to a real server; `scripts/bench hostile`
//! sends the same ones to measure what they cost.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use zip::write::SimpleFileOptions;

/// The parts every Office file starts with.
fn office_zip(parts: &[(&str, &str)]) -> zip::ZipWriter<std::io::Cursor<Vec<u8>>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(*name, SimpleFileOptions::default())
            .expect("a part");
        zip.write_all(text.as_bytes()).expect("a part's bytes");
    }
    zip
}

/// Writes `filler` `count` times into the current part, in chunks (the whole is never held).
fn repeat(zip: &mut impl Write, filler: &[u8], count: u64) {
    let per_chunk = (1 << 20) / filler.len().max(1);
    let chunk = filler.repeat(per_chunk.max(1));
    let mut left = count;
    while left > 0 {
        let n = left.min(per_chunk as u64) as usize;
        zip.write_all(&chunk[..n * filler.len()]).expect("filler");
        left -= n as u64;
    }
}

/// A `.docx` whose `word/document.xml` inflates to about `inflated_bytes` (one paragraph of
/// spaces): deflate packs it about 1000:1, so 256 MB of document is a 250 KB file.
pub fn docx_bomb(inflated_bytes: u64) -> Vec<u8> {
    let mut zip = office_zip(&[(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
    )]);
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(inflated_bytes > u32::MAX as u64);
    zip.start_file("word/document.xml", options)
        .expect("document part");
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t xml:space="preserve">"#,
    )
    .unwrap();
    repeat(&mut zip, b" ", inflated_bytes);
    zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
        .unwrap();
    zip.finish().expect("zip").into_inner()
}

/// An `.xlsx` of one sheet of `rows` identical rows of `cells` numbers each (cells without
/// references, as some writers leave them): 1 M rows × 6 cells is about 95 MB of sheet in a
/// 0.5 MB file.
pub fn xlsx_rows(rows: u64, cells: u64) -> Vec<u8> {
    xlsx_sheet(rows, cells, false)
}

/// An `.xlsx` of one sheet of `rows` rows of `cells` cells, each with its reference and a
/// number of its own, as Excel writes them: it deflates about 10×, like a real sheet.
pub fn xlsx_numbered_rows(rows: u64, cells: u64) -> Vec<u8> {
    xlsx_sheet(rows, cells, true)
}

/// An `.xlsx` whose one shared string is `string_bytes` long and named by `cells` cells (one
/// per row): calamine gives each cell its own copy, `string_bytes × cells` in memory.
pub fn xlsx_shared_string(string_bytes: u64, cells: u64) -> Vec<u8> {
    let mut zip = xlsx_parts();
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    zip.start_file("xl/sharedStrings.xml", options).unwrap();
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#,
    )
    .unwrap();
    repeat(&mut zip, b"a", string_bytes);
    zip.write_all(b"</t></si></sst>").unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    )
    .unwrap();
    for r in 1..=cells {
        write!(zip, r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#).unwrap();
    }
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().expect("zip").into_inner()
}

/// The parts of an `.xlsx` of one sheet, `xl/worksheets/sheet1.xml` (not written yet).
fn xlsx_parts() -> zip::ZipWriter<std::io::Cursor<Vec<u8>>> {
    office_zip(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Kế hoạch" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        ),
    ])
}

fn xlsx_sheet(rows: u64, cells: u64, numbered: bool) -> Vec<u8> {
    let mut zip = xlsx_parts();
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    zip.start_file("xl/worksheets/sheet1.xml", options)
        .expect("sheet part");
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    )
    .unwrap();
    if numbered {
        let mut chunk = String::new();
        for r in 1..=rows {
            chunk.push_str(&format!("<row r=\"{r}\">"));
            for c in 0..cells.min(26) {
                let col = char::from(b'A' + c as u8);
                chunk.push_str(&format!("<c r=\"{col}{r}\"><v>{}</v></c>", r * 7 + c * 13));
            }
            chunk.push_str("</row>");
            if chunk.len() > 1 << 20 {
                zip.write_all(chunk.as_bytes()).unwrap();
                chunk.clear();
            }
        }
        zip.write_all(chunk.as_bytes()).unwrap();
    } else {
        let mut row = b"<row>".to_vec();
        for _ in 0..cells {
            row.extend_from_slice(b"<c><v>1</v></c>");
        }
        row.extend_from_slice(b"</row>");
        repeat(&mut zip, &row, rows);
    }
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().expect("zip").into_inner()
}

/// A CBOR head (major type `major`, argument `n`).
fn cbor_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xFF => out.extend([m | 24, n as u8]),
        0x100..=0xFFFF => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes())
        }
        0x1_0000..=0xFFFF_FFFF => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes())
        }
        _ => {
            out.push(m | 27);
            out.extend(n.to_be_bytes())
        }
    }
}

/// A bundle container (`tiendo_shared::bundle`'s format) whose documents array holds `items`
/// empty byte strings: one byte each in the file, a vector each once read.
pub fn bundle_items(items: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(items as usize + 32);
    cbor_head(&mut out, 5, 3); // map(3)
    out.push(0x00);
    cbor_head(&mut out, 3, 13);
    out.extend_from_slice(b"tiendo-bundle");
    out.extend([0x01, 0x01]); // 1: version 1
    out.push(0x03);
    cbor_head(&mut out, 4, items);
    out.resize(out.len() + items as usize, 0x40); // empty byte strings
    out
}

/// A bundle container carrying, under a key this build does not know, arrays nested `depth`
/// deep.
pub fn bundle_nested(depth: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(depth + 32);
    cbor_head(&mut out, 5, 3);
    out.push(0x00);
    cbor_head(&mut out, 3, 13);
    out.extend_from_slice(b"tiendo-bundle");
    out.extend([0x01, 0x01]);
    out.push(0x09); // key 9: unknown, skipped
    out.resize(out.len() + depth, 0x81); // array(1) of array(1) of …
    out.push(0x00);
    out
}

/// A request whose body never comes: the head declares `Content-Length: declared`, then only
/// `sent` bytes follow and the socket stays open. Answers the status and the body of the
/// server's answer, read without sending more (the socket times out after `patience`, so a
/// server that waits for the body fails the caller instead of hanging it).
pub fn endless_body(
    addr: &str,
    path: &str,
    token: &str,
    declared: u64,
    sent: &[u8],
    patience: Duration,
) -> (u16, serde_json::Value) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(patience)).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {declared}\r\n\r\n"
    );
    s.write_all(head.as_bytes()).expect("send head");
    s.write_all(sent).expect("send the first bytes");
    read_answer(&mut s)
}

/// A chunked request body of `total` bytes of `fill`, sent in 64 KB chunks while the server
/// reads; answers the status and body of the answer (a server that answers early may close the
/// socket under the sender: the rest is not sent).
pub fn chunked_body(
    addr: &str,
    path: &str,
    token: &str,
    total: u64,
    fill: u8,
) -> (u16, serde_json::Value) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    s.write_all(head.as_bytes()).expect("send head");
    let chunk = vec![fill; 64 * 1024];
    let mut left = total;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        let mut frame = format!("{n:x}\r\n").into_bytes();
        frame.extend_from_slice(&chunk[..n]);
        frame.extend_from_slice(b"\r\n");
        if s.write_all(&frame).is_err() {
            break;
        }
        left -= n as u64;
    }
    let _ = s.write_all(b"0\r\n\r\n");
    read_answer(&mut s)
}

/// Reads one HTTP answer (its head and a `Content-Length` or chunked body) from `s`.
fn read_answer(s: &mut TcpStream) -> (u16, serde_json::Value) {
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let body_start = loop {
        if let Some(at) = out.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => panic!(
                "no answer from the server: {:?}",
                String::from_utf8_lossy(&out)
            ),
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&out[..body_start]).to_ascii_lowercase();
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status");
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    // Read what the answer's body needs, or until the server closes.
    loop {
        let have = out.len() - body_start;
        let done = match length {
            Some(len) => have >= len,
            None => out.ends_with(b"0\r\n\r\n"),
        };
        if done {
            break;
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&out[body_start..]);
    let json = match (text.find('{'), text.rfind('}')) {
        (Some(a), Some(b)) => serde_json::from_str(&text[a..=b]).unwrap_or_default(),
        _ => serde_json::Value::Null,
    };
    (status, json)
}

/// POSTs `bytes` to `path` at `addr` with a bearer token and `content_type`: status and JSON
/// body.
pub fn post_bytes(
    addr: &str,
    path: &str,
    token: &str,
    content_type: &str,
    bytes: &[u8],
) -> (u16, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut resp = agent
        .post(format!("http://{addr}{path}"))
        .header("Authorization", format!("Bearer {token}"))
        .content_type(content_type)
        .send(bytes)
        .expect("request");
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or_default())
}

/// A compressed automerge change chunk (chunk type 2: magic bytes, checksum, type, LEB128
/// length, then a deflate stream) whose body is `inflated` zero bytes — deflate packs zeros about
/// 1000:1, so 1 GiB is a 1 MB chunk. Made streaming: the inflated bytes are never held.
pub fn compressed_change_bomb(inflated: usize) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    let mut left = inflated;
    while left > 0 {
        let n = left.min(zeros.len());
        e.write_all(&zeros[..n]).expect("deflate");
        left -= n;
    }
    let body = e.finish().expect("deflate");
    let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0xde, 0xad, 0xbe, 0xef, 2];
    let mut len = body.len();
    while len >= 0x80 {
        chunk.push((len as u8 & 0x7f) | 0x80);
        len >>= 7;
    }
    chunk.push(len as u8);
    chunk.extend(body);
    chunk
}
