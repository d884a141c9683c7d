//! `.docx` plan files: `word/document.xml` read into paragraphs and table rows in document order,
//! with Word's automatic list numbers written in front as the reader sees them.
//!
//! Stage: *import*, under [`super`].

use std::collections::HashMap;

use quick_xml::events::Event;
use tiendo_shared::import::Block;

use super::*;

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

pub(super) fn docx_blocks(zip: &mut Zip<'_>) -> Result<Vec<Block>> {
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
