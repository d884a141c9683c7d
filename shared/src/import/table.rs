//! Task tables (pipe or tab text, Word tables, Excel annexes): the header names the columns,
//! roman rows open areas, numbered rows are tasks.

use super::*;

/// Which column of a task table holds what.
#[derive(Debug, Clone, Default)]
pub(super) struct Columns {
    stt: Option<usize>,
    content: Option<usize>,
    lead: Option<usize>,
    coordinating: Option<usize>,
    products: Option<usize>,
    timeline: Option<usize>,
    notes: Option<usize>,
}

impl Columns {
    /// Reads a header row ("STT | Nội dung công việc | Đơn vị chủ trì | …"); `None` when the row
    /// is not one.
    pub(super) fn from_header(cells: &[String]) -> Option<Columns> {
        let mut c = Columns::default();
        for (i, cell) in cells.iter().enumerate() {
            let k = text::key(cell);
            if k.is_empty() {
                continue;
            }
            if k == "stt" || k == "tt" || k.starts_with("số tt") || k.starts_with("số thứ tự")
            {
                c.stt.get_or_insert(i);
            } else if k.contains("phối hợp") {
                c.coordinating.get_or_insert(i);
            } else if k.contains("chủ trì") || k.contains("thực hiện") && !k.contains("thời")
            {
                c.lead.get_or_insert(i);
            } else if k.contains("thời gian") || k.contains("thời hạn") || k.contains("tiến độ")
            {
                c.timeline.get_or_insert(i);
            } else if k.contains("sản phẩm") || k.contains("kết quả") {
                c.products.get_or_insert(i);
            } else if k.contains("ghi chú") {
                c.notes.get_or_insert(i);
            } else if k.contains("nội dung") || k.contains("nhiệm vụ") || k.contains("công việc")
            {
                c.content.get_or_insert(i);
            }
        }
        (c.content.is_some() && (c.lead.is_some() || c.timeline.is_some())).then_some(c)
    }
}

/// The value of a roman numeral I–X, if `s` is one (with or without a trailing dot).
pub(super) fn roman_value(s: &str) -> Option<u32> {
    let s = s.trim().trim_end_matches('.');
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        .iter()
        .position(|r| *r == s)
        .map(|p| p as u32 + 1)
}

/// Whether `s` is a task number such as "1", "1.2", "1.2.1." .
pub(super) fn is_task_number(s: &str) -> bool {
    let s = s.trim().trim_end_matches('.');
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit()))
}

impl Builder {
    /// A row of a table: the header names the columns, a row numbered I, II… (or an upper-case
    /// title alone) opens an area, a numbered row is a task, a row with neither continues the
    /// row above, and an empty lead or timeline cell means "the same as above".
    pub(super) fn feed_row(&mut self, line: usize, table: usize, row: usize, cells: &[String]) {
        let here = |column: usize, text: &str, reason: &str| Unplaced {
            line,
            text: text.to_string(),
            reason: reason.to_string(),
            row: Some(row),
            column: Some(column + 1),
        };
        if self.table.as_ref().is_none_or(|(t, _)| *t != table) {
            if let Some(cols) = Columns::from_header(cells) {
                self.table = Some((table, cols));
                self.section = Section::Tasks;
                self.seen_tasks_section = true;
                return;
            }
            if self.table.is_none() {
                for (i, c) in cells.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
                    self.unplaced.push(here(
                        i,
                        c,
                        "bảng không có dòng tiêu đề (STT, Nội dung, Chủ trì…)",
                    ));
                }
                return;
            }
            // A table split by a page break goes on with the same columns.
            let cols = self.table.take().expect("checked").1;
            self.table = Some((table, cols));
        }
        let cols = self.table.as_ref().expect("set above").1.clone();
        // A cell's line breaks (a Word cell of several lines) read as spaces, except between
        // the items of the products cell.
        let raw = cells;
        let flat: Vec<String> = cells
            .iter()
            .map(|c| text::clean(&c.replace('\n', " ")))
            .collect();
        let cells = &flat[..];
        let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).map_or("", |s| s.trim());
        let stt = cell(cols.stt);
        let content = cell(cols.content);
        // "(1) (2) (3)…" under the header.
        if cells
            .iter()
            .all(|c| c.is_empty() || c.starts_with('(') && c.ends_with(')'))
        {
            return;
        }
        let others_empty = [cols.lead, cols.coordinating, cols.products, cols.timeline]
            .iter()
            .all(|i| cell(*i).is_empty());
        if let Some(n) = roman_value(stt).or_else(|| {
            (stt.is_empty() && others_empty && is_upper_line(content))
                .then(|| self.areas.len() as u32 + 1)
        }) {
            let title = content.trim_end_matches([':', '.']);
            let title = if is_upper_line(title) {
                sentence_case(title)
            } else {
                title.to_string()
            };
            self.areas.push(AreaDraft {
                number: n,
                title,
                ..AreaDraft::default()
            });
            return;
        }
        if self.areas.is_empty() {
            self.areas.push(AreaDraft {
                number: 1,
                title: "Nhiệm vụ".to_string(),
                ..AreaDraft::default()
            });
        }
        let area_no = self.areas.last().expect("one exists").number;
        if is_task_number(stt) {
            let number = stt.trim_end_matches('.').to_string();
            let code = format!("{area_no}.{number}");
            // The cells above, for empty ones that mean "the same" (the parent's, for the first
            // sub-task).
            let previous = self
                .current_task()
                .map(|t| (t.lead_text.clone(), t.timeline.clone()));
            // "1.2" after "1": the row "1" only grouped its sub-tasks.
            let heading = number
                .rsplit_once('.')
                .and_then(|(parent, _)| self.group_parent(&format!("{area_no}.{parent}")));
            let para = Para {
                line,
                text: content.to_string(),
            };
            self.start_task(&para, code, number, content.to_string());
            let task = self.current_task().expect("just started");
            task.row = Some(row);
            if let Some(h) = heading {
                task.description.insert(0, h);
            }
            let lead = cell(cols.lead);
            let timeline = cell(cols.timeline);
            let (prev_lead, prev_timeline) = previous.unwrap_or_default();
            if !lead.is_empty() {
                task.lead_text.push(lead.to_string());
            } else {
                task.lead_text = prev_lead;
            }
            if !timeline.is_empty() {
                task.timeline.push(timeline.to_string());
            } else {
                task.timeline = prev_timeline;
            }
            let coordinating = cell(cols.coordinating);
            if !coordinating.is_empty() {
                task.coordinating_text.push(coordinating.to_string());
            }
            let products = cols
                .products
                .and_then(|i| raw.get(i))
                .map_or("", |s| s.as_str());
            for item in products
                .split('\n')
                .map(|s| strip_bullet(s.trim()).trim_end_matches([';', '.']))
            {
                if !item.is_empty() {
                    task.products.push(item.to_string());
                }
            }
            let notes = cell(cols.notes);
            if !notes.is_empty() {
                task.description.push(notes.to_string());
            }
            self.known_columns_only(cells, &cols, line, row);
            return;
        }
        // No number: the cells go on from the row above (a cell broken over two lines).
        if stt.is_empty()
            && let Some(task) = self.current_task()
            && task.row.is_some()
        {
            let append = |v: &mut Vec<String>, s: &str| {
                if s.is_empty() {
                    return;
                }
                match v.last_mut() {
                    Some(last) => {
                        last.push(' ');
                        last.push_str(s);
                    }
                    None => v.push(s.to_string()),
                }
            };
            if !content.is_empty() {
                task.title.push(' ');
                task.title.push_str(content);
            }
            append(&mut task.lead_text, cell(cols.lead));
            append(&mut task.coordinating_text, cell(cols.coordinating));
            append(&mut task.products, cell(cols.products));
            append(&mut task.timeline, cell(cols.timeline));
            append(&mut task.description, cell(cols.notes));
            return;
        }
        for (i, c) in cells.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            self.unplaced
                .push(here(i, c, "dòng của bảng không có số thứ tự nhiệm vụ"));
        }
    }

    /// Text in columns the header did not name is listed, not dropped.
    pub(super) fn known_columns_only(
        &mut self,
        cells: &[String],
        cols: &Columns,
        line: usize,
        row: usize,
    ) {
        let known = [
            cols.stt,
            cols.content,
            cols.lead,
            cols.coordinating,
            cols.products,
            cols.timeline,
            cols.notes,
        ];
        for (i, c) in cells.iter().enumerate() {
            if !c.is_empty() && !known.contains(&Some(i)) {
                self.unplaced.push(Unplaced {
                    line,
                    text: c.clone(),
                    reason: "cột không có tên trong dòng tiêu đề".into(),
                    row: Some(row),
                    column: Some(i + 1),
                });
            }
        }
    }
}
