//! Plan text → blocks: paragraphs (re-joined across page breaks) and table rows (tab- or
//! `|`-separated lines).

use super::*;

/// A piece of a plan as the file holds it: a paragraph, or a row of a table (a Word table, an
/// Excel sheet, or text pasted with tab or `|` separators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph (1-based line or paragraph number, text).
    Para(usize, String),
    /// A table row: 1-based line, the table's number in the file, 1-based row in the table, cells.
    Row {
        /// Line or paragraph number where the row starts.
        line: usize,
        /// Which table of the file (0-based).
        table: usize,
        /// 1-based row within the table.
        row: usize,
        /// The cells, left to right (a merged cell repeats its value in the cells it covers).
        cells: Vec<String>,
    },
}

/// Reads plain text into blocks: a line with tabs or `|` between three or more cells is a table
/// row (a line of only `|`, `-` and `:` separates a header and is skipped); everything else is
/// a paragraph line.
pub fn text_blocks(source: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut table = 0usize;
    let mut row = 0usize;
    let mut in_table = false;
    for (i, raw) in source.lines().enumerate() {
        let cells: Option<Vec<String>> = if raw.contains('\t') {
            Some(raw.split('\t').map(text::clean).collect())
        } else if raw.matches('|').count() >= 2 {
            let t = raw.trim();
            let t = t.strip_prefix('|').unwrap_or(t);
            let t = t.strip_suffix('|').unwrap_or(t);
            Some(t.split('|').map(text::clean).collect())
        } else {
            None
        };
        match cells {
            Some(cells) if cells.len() >= 3 => {
                if cells
                    .iter()
                    .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
                {
                    continue;
                }
                if !in_table {
                    in_table = true;
                    row = 0;
                }
                row += 1;
                out.push(Block::Row {
                    line: i + 1,
                    table,
                    row,
                    cells,
                });
            }
            _ => {
                let line = text::clean(raw);
                if in_table && !line.is_empty() {
                    // A paragraph between rows ends the table unless the next line is a row.
                    in_table = false;
                    table += 1;
                }
                out.push(Block::Para(i + 1, raw.to_string()));
            }
        }
    }
    out
}

/// Splits the text into paragraphs, joining paragraphs broken across page boundaries: a line
/// that does not end a sentence, followed (after blank lines) by a line that starts in lower case
/// and is not a list item, continues that line.
pub(super) fn paragraphs(lines: &[(usize, &str)]) -> Vec<Para> {
    let p = patterns();
    let mut out: Vec<Para> = Vec::new();
    for &(n, raw) in lines {
        let line = text::clean(&raw.replace('*', ""));
        if line.is_empty() {
            continue;
        }
        let continues = out.last().is_some_and(|prev: &Para| {
            let ends_sentence = prev.text.ends_with(['.', ';', ':', '!', '?']);
            !ends_sentence && text::starts_lowercase(&line) && !p.list_marker.is_match(&line)
        });
        match out.last_mut() {
            Some(prev) if continues => {
                prev.text.push(' ');
                prev.text.push_str(&line);
            }
            _ => out.push(Para {
                line: n,
                text: line,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_paragraphs(text: &str) -> Vec<Para> {
        let lines: Vec<(usize, &str)> = text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect();
        paragraphs(&lines)
    }

    #[test]
    fn broken_paragraphs_are_joined() {
        let paras = text_paragraphs(
            "a) Làm việc theo thời gian\n\nthực trên môi trường điện tử.\n\n- Sản phẩm: X",
        );
        assert_eq!(paras.len(), 2);
        assert_eq!(
            paras[0].text,
            "a) Làm việc theo thời gian thực trên môi trường điện tử."
        );
        assert_eq!(paras[1].line, 5);
    }

    #[test]
    fn a_lowercase_list_item_is_not_a_continuation() {
        let paras = text_paragraphs("1. Cải cách\n\na) Nhiệm vụ một\n\nb) Nhiệm vụ hai");
        assert_eq!(paras.len(), 3);
    }
}
