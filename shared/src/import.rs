//! The plan-text importer: a CCHC plan as text (exported from Word or PDF) → [`Plan`] and the
//! issuing agency's [`Agency`] with the units the plan names.
//!
//! Stage: *import*, the first step of the data flow. `tiendo plan parse` prints what it
//! understood, `tiendo import` stores it as an Automerge document, and the server seeds its
//! embedded default through the same [`import`] function.
//!
//! Real plan texts are untidy: paragraphs broken across page boundaries, en dashes and hyphens,
//! several spellings of the same label ("Cơ quan chủ trì thực hiện", "Đơn vị Chủ trì", "Chủ trì"),
//! tasks with no labelled lines, areas that are themselves one task. The importer copes with what
//! has a clear structure and lists everything it could not place in [`Imported::unplaced`]
//! instead of dropping it.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex_lite::Regex;
use serde::Serialize;

use crate::org::{Agency, AgencyKind, Assignee, AssigneeKind, Group, Org, Unit};
use crate::plan::{Area, PeriodKind, Plan, ReportingPeriod, Signer, Task};
use crate::schedule::{self, Schedule};
use crate::{Date, Error, text};

/// What the importer produced from one plan text: also the draft the office corrects before
/// saving (`POST /api/plans` takes it back as JSON).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Imported {
    /// The plan.
    pub plan: Plan,
    /// The organisation: the parent body and the issuing agency with its units.
    pub org: Org,
    /// Text the importer could not place, and tasks it found incomplete.
    pub unplaced: Vec<Unplaced>,
}

impl Imported {
    /// Checks a draft that comes back from the office's preview: tasks, each with a code and an
    /// id of its own, and the issuing agency in the organisation.
    pub fn check(&self) -> Result<(), Error> {
        let tasks: Vec<&Task> = self.plan.tasks().map(|(_, t)| t).collect();
        if tasks.is_empty() {
            return Err(Error::NotAPlan("bản nháp không có nhiệm vụ nào".into()));
        }
        if self.org.agency(&self.plan.agency_id).is_none() {
            return Err(Error::NotAPlan(format!(
                "bản nháp không có cơ quan {} trong tổ chức",
                self.plan.agency_id
            )));
        }
        let mut ids = std::collections::HashSet::new();
        for t in &tasks {
            if t.code.trim().is_empty() || !ids.insert(t.id.as_str()) {
                return Err(Error::NotAPlan(format!(
                    "nhiệm vụ {} không có mã hoặc trùng mã",
                    t.id
                )));
            }
        }
        Ok(())
    }

    /// The issuing agency.
    pub fn agency(&self) -> &Agency {
        self.org
            .agency(&self.plan.agency_id)
            .expect("the importer always creates the issuing agency")
    }
}

/// A piece of the text the importer could not place, or a task it found incomplete.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Unplaced {
    /// 1-based line number in the text (in a .docx or .xlsx: the paragraph or row number).
    pub line: usize,
    /// The text concerned.
    pub text: String,
    /// Why (in Vietnamese, for the central office).
    pub reason: String,
    /// For text in a table: its 1-based row within the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// For text in a table: its 1-based column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

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

/// A paragraph of the text with the line it starts on.
#[derive(Debug, Clone)]
struct Para {
    line: usize,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Header,
    Purposes,
    Tasks,
    Implementation,
    Recipients,
    Signature,
    /// After "PHỤ LỤC": the annex's titles, before its table.
    Annex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attr {
    Lead,
    Coordinating,
    Products,
    Timeline,
}

struct Patterns {
    roman: Regex,
    area: Regex,
    letter_task: Regex,
    dotted_task: Regex,
    nested_task: Regex,
    paren_task: Regex,
    list_marker: Regex,
    place_date: Regex,
    title_issuer: Regex,
    period_line: Regex,
    dmy: Regex,
    words_date: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        roman: Regex::new(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X)\.\s+(.+)$").unwrap(),
        area: Regex::new(r"^([0-9]{1,2})\.\s+(.+)$").unwrap(),
        letter_task: Regex::new(r"^([a-zđ])\)\s*(.*)$").unwrap(),
        dotted_task: Regex::new(r"^([0-9]{1,2})\.([0-9]{1,2})\.?\s+(.+)$").unwrap(),
        nested_task: Regex::new(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{1,2})\.?\s+(.+)$").unwrap(),
        paren_task: Regex::new(r"^\(([0-9]{1,2})\)\s*(.+)$").unwrap(),
        list_marker: Regex::new(r"^(?:[-+•–]|[a-zđ]\)|[0-9]+(?:\.[0-9]+)*[.)]|\([0-9a-zđ]+\)|[IVX]+\.)\s").unwrap(),
        place_date: Regex::new(
            r"^(.{2,60}?),\s*ngày\s+([0-9]{1,2}|\.+|…)\s+tháng\s+([0-9]{1,2})\s+năm\s+([0-9]{4})",
        )
        .unwrap(),
        title_issuer: Regex::new(
            r"(?i)(?:của|tại)\s+((?:Sở|Ủy ban|Uỷ ban|UBND|Ban|Văn phòng|Thanh tra)\s.+?)(?:\s+năm\s+[0-9]{4}|\s+giai đoạn|$)",
        )
        .unwrap(),
        period_line: Regex::new(r"báo cáo\s+(quý\s+iii|quý\s+3|9 tháng|quý\s+i|quý\s+1|6 tháng|sáu tháng|năm)\b").unwrap(),
        dmy: Regex::new(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})").unwrap(),
        words_date: Regex::new(r"ngày\s+([0-9]{1,2})\s+tháng\s+([0-9]{1,2})\s+năm\s+([0-9]{4})").unwrap(),
    })
}

/// Vietnamese task letters in order (no f, j, w, z).
pub const LETTERS: &[&str] = &[
    "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t",
    "u", "v", "x", "y",
];

/// Imports a plan text. Fails when the text is empty or has no tasks; everything else the text
/// contains is either placed in the plan or listed in [`Imported::unplaced`].
pub fn import(source: &str) -> Result<Imported, Error> {
    import_blocks(&text_blocks(source))
}

/// Imports a plan read into blocks (from text, or from a .docx or .xlsx by the server).
pub fn import_blocks(blocks: &[Block]) -> Result<Imported, Error> {
    import_blocks_with(blocks, &Options::default())
}

/// What the importer takes from the deployment rather than the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// When a plan names no reporting periods: the day of each quarter's last month units
    /// report by (1–28).
    pub report_day: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            report_day: DEFAULT_REPORT_DAY,
        }
    }
}

impl Options {
    /// Checks the values a configuration file could get wrong.
    pub fn validate(&self) -> Result<(), Error> {
        if (1..=28).contains(&self.report_day) {
            Ok(())
        } else {
            Err(Error::InvalidValue(format!(
                "report_day {} — cần từ 1 đến 28",
                self.report_day
            )))
        }
    }
}

/// [`import_blocks`] with the deployment's [`Options`].
pub fn import_blocks_with(blocks: &[Block], options: &Options) -> Result<Imported, Error> {
    let mut b = Builder {
        default_report_day: options.report_day,
        ..Builder::default()
    };
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut any = false;
    for block in blocks {
        match block {
            Block::Para(line, text) => lines.push((*line, text.as_str())),
            Block::Row {
                line,
                table,
                row,
                cells,
            } => {
                for para in paragraphs(&lines) {
                    any = true;
                    b.feed(&para)?;
                }
                lines.clear();
                if cells.iter().any(|c| !c.is_empty()) {
                    any = true;
                    b.feed_row(*line, *table, *row, cells);
                }
            }
        }
    }
    for para in paragraphs(&lines) {
        any = true;
        b.feed(&para)?;
    }
    if !any {
        return Err(Error::EmptyPlan);
    }
    b.finish()
}

/// Splits the text into paragraphs, joining paragraphs broken across page boundaries: a line
/// that does not end a sentence, followed (after blank lines) by a line that starts in lower case
/// and is not a list item, continues that line.
fn paragraphs(lines: &[(usize, &str)]) -> Vec<Para> {
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

/// A task being read, with its parties still as text.
#[derive(Debug, Default)]
struct TaskDraft {
    line: usize,
    code: String,
    letter: String,
    title: String,
    description: Vec<String>,
    lead_text: Vec<String>,
    coordinating_text: Vec<String>,
    products: Vec<String>,
    timeline: Vec<String>,
    last_attr: Option<Attr>,
    implicit: bool,
    /// Started by a "-" bullet in an area without numbered tasks.
    bullet: bool,
    /// The table row it came from.
    row: Option<usize>,
}

#[derive(Debug, Default)]
struct AreaDraft {
    number: u32,
    title: String,
    tasks: Vec<TaskDraft>,
    /// Rows or numbers that only grouped sub-tasks: (code, title).
    headings: Vec<(String, String)>,
}

#[derive(Debug)]
struct Builder {
    section: Section,
    sub_list: Option<bool>, // Some(true) purposes, Some(false) requirements
    number: String,
    date: Option<Date>,
    place: String,
    title: String,
    header_issuer: Option<String>,
    header_parent: Option<String>,
    legal_bases: Vec<String>,
    purposes: Vec<String>,
    requirements: Vec<String>,
    areas: Vec<AreaDraft>,
    periods: Vec<ReportingPeriod>,
    implementation: Vec<String>,
    recipients: Vec<String>,
    signer: Signer,
    unplaced: Vec<Unplaced>,
    seen_tasks_section: bool,
    /// The column layout of the table being read (by table number).
    table: Option<(usize, Columns)>,
    /// Inside a "Mục tiêu" block of an area: its bullets are goals, not tasks.
    in_goals: bool,
    /// "ngày N của tháng cuối quý": the day of each period's last month reports are due.
    quarter_day: Option<u32>,
    /// The configured day when the plan names no periods at all.
    default_report_day: u32,
}

/// Which column of a task table holds what.
#[derive(Debug, Clone, Default)]
struct Columns {
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
    fn from_header(cells: &[String]) -> Option<Columns> {
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
fn roman_value(s: &str) -> Option<u32> {
    let s = s.trim().trim_end_matches('.');
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        .iter()
        .position(|r| *r == s)
        .map(|p| p as u32 + 1)
}

/// Whether `s` is a task number such as "1", "1.2", "1.2.1." .
fn is_task_number(s: &str) -> bool {
    let s = s.trim().trim_end_matches('.');
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit()))
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            section: Section::Header,
            sub_list: None,
            number: String::new(),
            date: None,
            place: String::new(),
            title: String::new(),
            header_issuer: None,
            header_parent: None,
            legal_bases: Vec::new(),
            purposes: Vec::new(),
            requirements: Vec::new(),
            areas: Vec::new(),
            periods: Vec::new(),
            implementation: Vec::new(),
            recipients: Vec::new(),
            signer: Signer::default(),
            unplaced: Vec::new(),
            seen_tasks_section: false,
            table: None,
            in_goals: false,
            quarter_day: None,
            default_report_day: DEFAULT_REPORT_DAY,
        }
    }
}

fn strip_bullet(s: &str) -> &str {
    s.trim_start_matches(['-', '+', '•', '–', ' '])
}

fn is_upper_line(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.iter().all(|c| c.is_uppercase())
}

/// The labels that introduce a task's attributes, longest first within each attribute.
const LABELS: &[(&str, Attr)] = &[
    ("cơ quan chủ trì thực hiện", Attr::Lead),
    ("đơn vị chủ trì thực hiện", Attr::Lead),
    ("cơ quan chủ trì", Attr::Lead),
    ("đơn vị chủ trì", Attr::Lead),
    ("chủ trì thực hiện", Attr::Lead),
    ("chủ trì", Attr::Lead),
    ("đơn vị thực hiện", Attr::Lead),
    ("cơ quan thực hiện", Attr::Lead),
    ("người thực hiện", Attr::Lead),
    ("bộ phận thực hiện", Attr::Lead),
    ("cơ quan phối hợp thực hiện", Attr::Coordinating),
    ("đơn vị phối hợp thực hiện", Attr::Coordinating),
    ("cơ quan phối hợp", Attr::Coordinating),
    ("đơn vị phối hợp", Attr::Coordinating),
    ("phối hợp thực hiện", Attr::Coordinating),
    ("phối hợp", Attr::Coordinating),
    ("sản phẩm đầu ra", Attr::Products),
    ("kết quả đầu ra", Attr::Products),
    ("sản phẩm", Attr::Products),
    ("kết quả", Attr::Products),
    ("thời hạn hoàn thành", Attr::Timeline),
    ("thời gian hoàn thành", Attr::Timeline),
    ("thời gian thực hiện", Attr::Timeline),
    ("thời hạn", Attr::Timeline),
    ("thời gian", Attr::Timeline),
    ("tiến độ thực hiện", Attr::Timeline),
    ("tiến độ", Attr::Timeline),
];

/// The attribute a label names ("Cơ quan chủ trì thực hiện", "Đơn vị thực hiện", "Thời hạn
/// hoàn thành", "Sản phẩm dự kiến"…).
fn label_attr(label: &str) -> Option<Attr> {
    let k = text::key(label);
    if k.split_whitespace().count() > 8 {
        return None;
    }
    Some(if k.contains("phối hợp") {
        Attr::Coordinating
    } else if k.contains("chủ trì") {
        Attr::Lead
    } else if k.starts_with("thời gian") || k.starts_with("thời hạn") || k.starts_with("tiến độ")
    {
        Attr::Timeline
    } else if k.starts_with("sản phẩm") || k == "kết quả" || k.starts_with("kết quả đầu ra")
    {
        Attr::Products
    } else if k.ends_with("thực hiện") && k.split_whitespace().count() <= 4 {
        Attr::Lead
    } else {
        return None;
    })
}

/// Reads a line of one or more labelled attributes, written one after another ("Đơn vị thực
/// hiện: … Thời hạn hoàn thành: … Kết quả: …"); `None` unless the line starts with a label.
fn attributes(line: &str) -> Option<Vec<(Attr, String)>> {
    let body = strip_bullet(line).trim();
    let (label, rest) = body.split_once(':')?;
    let first = label_attr(label)?;
    // Further labels inside the rest, found char by char on a lower-cased copy (positions in
    // `lower` are positions in `chars`).
    let chars: Vec<char> = rest.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let mut cuts: Vec<(usize, usize, Attr)> = vec![(0, 0, first)]; // (label start, value start)
    let mut i = 0;
    while i < lower.len() {
        let at_word = i > 0 && !lower[i - 1].is_alphanumeric();
        let hit = if at_word {
            LABELS.iter().find_map(|(label, attr)| {
                let l: Vec<char> = label.chars().collect();
                if !lower[i..].starts_with(&l) {
                    return None;
                }
                let mut j = i + l.len();
                while j < lower.len() && lower[j] == ' ' {
                    j += 1;
                }
                (j < lower.len() && lower[j] == ':').then_some((j + 1, *attr))
            })
        } else {
            None
        };
        if let Some((value_start, attr)) = hit {
            cuts.push((i, value_start, attr));
            i = value_start;
        } else {
            i += 1;
        }
    }
    let several = cuts.len() > 1;
    let mut out = Vec::new();
    for (n, (_, value_start, attr)) in cuts.iter().enumerate() {
        let end = cuts.get(n + 1).map_or(chars.len(), |next| next.0);
        let value: String = chars[*value_start..end].iter().collect();
        let mut value = value.trim().trim_end_matches([';', ',']).trim();
        if several {
            value = value.trim_end_matches('.').trim();
        }
        out.push((*attr, value.to_string()));
    }
    Some(out)
}

/// Splits a trailing "(Chủ trì: …; Phối hợp: …; Thời gian: …)" off a task's title.
fn trailing_attributes(title: &str) -> Option<(String, Vec<(Attr, String)>)> {
    let t = title.trim().trim_end_matches(['.', ';']);
    let t = t.strip_suffix(')')?;
    let open = t.rfind('(')?;
    let inner = &t[open + 1..];
    let mut attrs = Vec::new();
    for part in inner.split(';') {
        attrs.extend(attributes(part.trim())?);
    }
    Some((t[..open].trim().to_string(), attrs))
}

impl Builder {
    fn unplaced(&mut self, para: &Para, reason: &str) {
        self.unplaced.push(Unplaced {
            line: para.line,
            text: para.text.clone(),
            reason: reason.to_string(),
            ..Unplaced::default()
        });
    }

    fn feed(&mut self, para: &Para) -> Result<(), Error> {
        let p = patterns();
        let t = para.text.as_str();
        let k = text::key(t);

        if let Some(c) = p.roman.captures(t) {
            let heading = text::key(&c[2]);
            self.section = if heading.contains("mục đích") || heading.contains("yêu cầu") {
                Section::Purposes
            } else if heading.contains("tổ chức thực hiện") {
                Section::Implementation
            } else if heading.contains("nhiệm vụ")
                || heading.contains("nội dung")
                || !self.seen_tasks_section && self.section == Section::Purposes
            {
                self.seen_tasks_section = true;
                Section::Tasks
            } else {
                self.unplaced(para, "đề mục không rõ thuộc phần nào của kế hoạch");
                self.section
            };
            return Ok(());
        }
        if k.starts_with("phụ lục") {
            self.section = Section::Annex;
            self.unplaced(para, "tiêu đề phụ lục (nhiệm vụ đọc từ bảng của phụ lục)");
            return Ok(());
        }
        if k.starts_with("nơi nhận") {
            self.section = Section::Recipients;
            if let Some((_, rest)) = t.split_once(':') {
                let rest = strip_bullet(rest.trim());
                if !rest.is_empty() {
                    self.recipients
                        .push(rest.trim_end_matches([';', '.']).to_string());
                }
            }
            return Ok(());
        }
        match self.section {
            Section::Header => self.feed_header(para),
            Section::Purposes => {
                self.feed_purposes(para);
                Ok(())
            }
            Section::Tasks => self.feed_tasks(para),
            Section::Implementation => self.feed_implementation(para),
            Section::Recipients | Section::Signature => {
                self.feed_tail(para);
                Ok(())
            }
            Section::Annex => {
                self.unplaced(para, "tiêu đề phụ lục (nhiệm vụ đọc từ bảng của phụ lục)");
                Ok(())
            }
        }
    }

    fn feed_header(&mut self, para: &Para) -> Result<(), Error> {
        let p = patterns();
        let t = para.text.as_str();
        let k = text::key(t);
        if k.starts_with("số") && (t.contains(':') || t.contains('/')) && self.number.is_empty() {
            self.number = t
                .split_once(':')
                .map_or(&t[4..], |(_, n)| n)
                .trim()
                .to_string();
        } else if let Some(c) = p.place_date.captures(t) {
            self.place = c[1].trim().to_string();
            if let (Ok(d), Ok(m), Ok(y)) = (c[2].parse(), c[3].parse(), c[4].parse()) {
                self.date = Some(Date::from_dmy(d, m, y)?);
            }
        } else if k.starts_with("kế hoạch") && self.title.is_empty() {
            let rest = t["KẾ HOẠCH".len()..].trim();
            self.title = rest.to_string();
        } else if k.starts_with("căn cứ") || k.starts_with("thực hiện") {
            self.legal_bases.push(t.to_string());
        } else if self.title.is_empty() && is_upper_line(t) {
            // Letterhead: "UBND TỈNH QUẢNG NGÃI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", motto lines.
            if k.starts_with("sở ")
                || k.starts_with("ủy ban nhân dân huyện")
                || k.starts_with("ubnd huyện")
            {
                self.header_issuer = Some(title_case(t));
            } else if k.starts_with("ubnd tỉnh") || k.starts_with("ủy ban nhân dân tỉnh") {
                self.header_parent = Some(title_case(t));
            }
        } else if !self.title.is_empty() && self.legal_bases.is_empty() && !k.starts_with("độc lập")
        {
            // A title spread over two lines.
            self.title.push(' ');
            self.title.push_str(t);
        } else if !(k.starts_with("cộng hòa")
            || k.starts_with("cộng hoà")
            || k.starts_with("độc lập"))
        {
            self.unplaced(para, "không thuộc phần đầu của kế hoạch");
        }
        Ok(())
    }

    fn feed_purposes(&mut self, para: &Para) {
        let p = patterns();
        let t = para.text.as_str();
        if let Some(c) = p.area.captures(t) {
            let k = text::key(&c[2]);
            if k.starts_with("mục đích") {
                self.sub_list = Some(true);
                return;
            }
            if k.starts_with("yêu cầu") {
                self.sub_list = Some(false);
                return;
            }
        }
        let item = strip_bullet(t).to_string();
        match self.sub_list {
            Some(true) => self.purposes.push(item),
            Some(false) => self.requirements.push(item),
            None => self.unplaced(para, "ngoài mục đích và yêu cầu"),
        }
    }

    fn current_task(&mut self) -> Option<&mut TaskDraft> {
        self.areas.last_mut()?.tasks.last_mut()
    }

    fn feed_tasks(&mut self, para: &Para) -> Result<(), Error> {
        let p = patterns();
        let t = para.text.as_str();

        // "1.2.1." under "1.2." under area 1: a sub-task; its parent only groups.
        if let Some(c) = p.nested_task.captures(t) {
            let (area, mid, n) = (c[1].to_string(), c[2].to_string(), c[3].to_string());
            if self
                .areas
                .last()
                .is_some_and(|a| a.number.to_string() == area)
            {
                self.in_goals = false;
                let parent = format!("{area}.{mid}");
                let heading = self.group_parent(&parent);
                self.start_task(
                    para,
                    format!("{parent}.{n}"),
                    format!("{mid}.{n}"),
                    c[4].to_string(),
                );
                if let (Some(h), Some(task)) = (heading, self.current_task()) {
                    task.description.insert(0, h);
                }
                return Ok(());
            }
        }
        if let Some(c) = p.dotted_task.captures(t) {
            let (area, n) = (c[1].to_string(), c[2].to_string());
            if self
                .areas
                .last()
                .is_some_and(|a| a.number.to_string() == area)
            {
                self.in_goals = false;
                self.start_task(para, format!("{area}.{n}"), n, c[3].to_string());
                return Ok(());
            }
        }
        if let Some(c) = p.area.captures(t)
            && attributes(t).is_none()
        {
            let number: u32 = c[1].parse().unwrap_or(0);
            self.in_goals = false;
            self.areas.push(AreaDraft {
                number,
                title: c[2].trim_end_matches([':', '.']).to_string(),
                ..AreaDraft::default()
            });
            return Ok(());
        }
        let Some(area) = self.areas.last() else {
            self.unplaced(para, "trước lĩnh vực đầu tiên");
            return Ok(());
        };
        let area_no = area.number;
        let explicit = area.tasks.iter().any(|t| !t.implicit && !t.bullet);
        if let Some(c) = p.letter_task.captures(t) {
            self.in_goals = false;
            let letter = c[1].to_string();
            self.start_task(
                para,
                format!("{area_no}.{letter}"),
                letter,
                c[2].to_string(),
            );
            return Ok(());
        }
        if let Some(c) = p.paren_task.captures(t) {
            self.in_goals = false;
            let n = c[1].to_string();
            self.start_task(para, format!("{area_no}.{n}"), n, c[2].to_string());
            return Ok(());
        }
        // "Mục tiêu: …" and its bullets describe the area's aims, not tasks.
        let stripped = text::key(strip_bullet(t));
        if stripped.starts_with("mục tiêu") {
            self.in_goals = true;
            self.unplaced(para, "mục tiêu của lĩnh vực, không phải nhiệm vụ");
            return Ok(());
        }
        if let Some(attrs) = attributes(t) {
            if self.current_task().is_none() {
                self.unplaced(para, "dòng thuộc tính không thuộc nhiệm vụ nào");
                return Ok(());
            }
            self.in_goals = false;
            let task = self.current_task().expect("checked");
            for (attr, value) in attrs {
                task.last_attr = Some(attr);
                push_attr(task, attr, &value);
            }
            return Ok(());
        }
        let is_sub_item = t.starts_with('+') || strip_bullet_dash(t).starts_with('+');
        let is_dash = t.starts_with(['-', '•', '–']) && !is_sub_item;
        if is_dash && self.in_goals {
            self.unplaced(para, "mục tiêu của lĩnh vực, không phải nhiệm vụ");
            return Ok(());
        }
        // An area whose tasks are "-" bullets (labels on the lines after each).
        if is_dash
            && !explicit
            && self
                .current_task()
                .is_none_or(|task| task.bullet || task.last_attr.is_some() || task.implicit)
        {
            let n = self
                .areas
                .last()
                .map_or(0, |a| a.tasks.iter().filter(|t| t.bullet).count())
                + 1;
            self.start_task(
                para,
                format!("{area_no}.{n}"),
                n.to_string(),
                strip_bullet(t).to_string(),
            );
            if let Some(task) = self.current_task() {
                task.bullet = true;
            }
            return Ok(());
        }
        match self.current_task() {
            Some(task) if is_sub_item && task.last_attr.is_some() => {
                let attr = task.last_attr.expect("checked");
                let item = strip_bullet(t).trim_end_matches(['.', ';']).to_string();
                match attr {
                    Attr::Products => task.products.push(item),
                    Attr::Lead => task.lead_text.push(item),
                    Attr::Coordinating => task.coordinating_text.push(item),
                    Attr::Timeline => task.timeline.push(strip_bullet(t).to_string()),
                }
            }
            Some(task) if task.last_attr.is_none() => {
                task.description.push(strip_bullet(t).to_string());
            }
            Some(_) => self.unplaced(para, "đoạn văn sau các dòng thuộc tính của nhiệm vụ"),
            None => {
                // An area with no lettered tasks is itself one task (seed area 9).
                let code = area_no.to_string();
                self.start_task(para, code, String::new(), t.to_string());
                if let Some(task) = self.current_task() {
                    task.implicit = true;
                }
            }
        }
        Ok(())
    }

    /// The task `code` of the current area, when it only groups sub-tasks: it becomes their
    /// heading (its title is returned, for the sub-tasks' description) instead of a task.
    fn group_parent(&mut self, code: &str) -> Option<String> {
        let area = self.areas.last_mut()?;
        let pos = area.tasks.iter().position(|t| t.code == code)?;
        let parent = &area.tasks[pos];
        if parent.last_attr.is_some() {
            return Some(parent.title.clone());
        }
        let parent = area.tasks.remove(pos);
        let title = parent.title.clone();
        area.headings.push((parent.code, title.clone()));
        Some(title)
    }

    fn start_task(&mut self, para: &Para, code: String, letter: String, title: String) {
        let area = self.areas.last_mut().expect("a task starts inside an area");
        // An implicit task with no attributes was only the area's introduction.
        if let Some(prev) = area.tasks.last()
            && prev.implicit
            && prev.last_attr.is_none()
        {
            let intro = area.tasks.pop().expect("checked");
            self.unplaced.push(Unplaced {
                line: intro.line,
                text: intro.title,
                reason: "đoạn mở đầu của lĩnh vực, không phải nhiệm vụ".to_string(),
                ..Unplaced::default()
            });
        }
        let area = self.areas.last_mut().expect("a task starts inside an area");
        let (title, attrs) = match trailing_attributes(&title) {
            Some((t, attrs)) => (t, attrs),
            None => (title, Vec::new()),
        };
        let mut task = TaskDraft {
            line: para.line,
            code,
            letter,
            title: title.trim().trim_end_matches(':').trim().to_string(),
            ..TaskDraft::default()
        };
        for (attr, value) in attrs {
            task.last_attr = Some(attr);
            push_attr(&mut task, attr, &value);
        }
        area.tasks.push(task);
    }

    /// A row of a table: the header names the columns, a row numbered I, II… (or an upper-case
    /// title alone) opens an area, a numbered row is a task, a row with neither continues the
    /// row above, and an empty lead or timeline cell means "the same as above".
    fn feed_row(&mut self, line: usize, table: usize, row: usize, cells: &[String]) {
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
    fn known_columns_only(&mut self, cells: &[String], cols: &Columns, line: usize, row: usize) {
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

    fn feed_implementation(&mut self, para: &Para) -> Result<(), Error> {
        let t = para.text.as_str();
        let mut found = false;
        // "báo cáo … trước ngày 10 của tháng cuối quý": one deadline per period.
        if let Some(day) = last_month_of_quarter_day(t) {
            self.quarter_day = Some(day);
        }
        for clause in t.split(';') {
            if let Some(period) = reporting_period(clause)? {
                found = true;
                if !self.periods.iter().any(|p| p.kind == period.kind) {
                    self.periods.push(period);
                }
            }
        }
        if !found {
            if is_upper_line(t) && t.split_whitespace().count() <= 6 {
                self.section = Section::Signature;
                self.feed_tail(para);
            } else {
                self.implementation.push(strip_bullet(t).to_string());
            }
        }
        Ok(())
    }

    fn feed_tail(&mut self, para: &Para) {
        let t = para.text.as_str();
        if is_upper_line(t) && t.split_whitespace().count() <= 6 {
            self.section = Section::Signature;
            if !self.signer.title.is_empty() {
                self.signer.title.push_str(" / ");
            }
            self.signer.title.push_str(t);
        } else if self.section == Section::Recipients && (t.starts_with('-') || t.starts_with('+'))
        {
            self.recipients
                .push(strip_bullet(t).trim_end_matches([';', '.']).to_string());
        } else if self.section == Section::Signature && self.signer.name.is_empty() {
            self.signer.name = t.to_string();
        } else {
            self.unplaced(para, "sau phần tổ chức thực hiện");
        }
    }

    fn finish(mut self) -> Result<Imported, Error> {
        let task_count: usize = self.areas.iter().map(|a| a.tasks.len()).sum();
        if task_count == 0 {
            return Err(Error::NotAPlan(
                "không tìm thấy lĩnh vực và nhiệm vụ nào (phần II, mục 1., a) …)".into(),
            ));
        }
        let year = year_of(&self.title).or_else(|| self.periods.first().map(|p| p.deadline.year()));
        let issuer = self
            .header_issuer
            .clone()
            .or_else(|| issuer_from_title(&self.title))
            .unwrap_or_else(|| "Cơ quan ban hành".to_string());
        let agency_id = text::slug(&issuer);
        let parent = self.header_parent.clone().unwrap_or_else(|| {
            if self.place.is_empty() {
                "Cơ quan cấp trên".to_string()
            } else {
                format!("UBND tỉnh {}", self.place)
            }
        });

        // Parties: read every lead and coordinating line, then settle unit names.
        let mut drafts: Vec<(usize, Vec<PartyDraft>, Vec<PartyDraft>)> = Vec::new();
        for area in &self.areas {
            for task in &area.tasks {
                let lead = task
                    .lead_text
                    .iter()
                    .flat_map(|s| parse_parties(s))
                    .collect();
                let coord = task
                    .coordinating_text
                    .iter()
                    .flat_map(|s| parse_parties(s))
                    .collect();
                drafts.push((task.line, lead, coord));
            }
        }
        let catalogue = UnitCatalogue::build(drafts.iter().flat_map(|(_, l, c)| l.iter().chain(c)));
        let central_office = self
            .implementation
            .iter()
            .find_map(|para| catalogue.central_office_in(para))
            .or_else(|| catalogue.central_office_by_name());

        let mut externals: Vec<String> = Vec::new();
        let mut areas = Vec::new();
        let mut drafts = drafts.into_iter();
        let mut seen_ids: HashMap<String, usize> = HashMap::new();
        for area in std::mem::take(&mut self.areas) {
            let mut tasks = Vec::new();
            let mut last_letter: Option<usize> = None;
            for task in area.tasks {
                let (line, lead, coord) = drafts.next().expect("one draft per task");
                // ASCII ids: "t3-g", "t1-dd" for đ, "t9" for an area that is one task.
                let base = match task.letter.as_str() {
                    "" => format!("t{}", area.number),
                    "đ" => format!("t{}-dd", area.number),
                    l => format!("t{}-{}", area.number, text::slug(l)),
                };
                let n = seen_ids.entry(base.clone()).or_insert(0);
                *n += 1;
                let id = if *n == 1 { base } else { format!("{base}-{n}") };
                if *n > 1 {
                    self.unplaced.push(Unplaced {
                        line,
                        text: format!("{}) {}", task.letter, task.title),
                        reason: format!("mục {} lặp lại; giữ cả hai với mã riêng {id}", task.code),
                        ..Unplaced::default()
                    });
                }
                if let Some(pos) = LETTERS.iter().position(|l| *l == task.letter) {
                    if last_letter.is_some_and(|prev| pos < prev) {
                        self.unplaced.push(Unplaced {
                            line,
                            text: task.code.clone(),
                            reason: "chữ cái của mục không theo thứ tự".into(),
                            ..Unplaced::default()
                        });
                    }
                    last_letter = Some(pos);
                }
                let timeline = task.timeline.join(" ");
                let schedule = match schedule::parse(&timeline, year) {
                    Ok(s) => s,
                    Err(e) => {
                        self.unplaced.push(Unplaced {
                            line,
                            text: timeline.clone(),
                            reason: format!("nhiệm vụ {}: {e}", task.code),
                            ..Unplaced::default()
                        });
                        Schedule::unspecified(&timeline)
                    }
                };
                if task.lead_text.is_empty() {
                    self.unplaced.push(Unplaced {
                        line,
                        text: task.code.clone(),
                        reason: format!("nhiệm vụ {} không ghi đơn vị chủ trì", task.code),
                        ..Unplaced::default()
                    });
                }
                if timeline.is_empty() {
                    self.unplaced.push(Unplaced {
                        line,
                        text: task.code.clone(),
                        reason: format!("nhiệm vụ {} không ghi thời gian thực hiện", task.code),
                        ..Unplaced::default()
                    });
                }
                let mut resolve = |parties: Vec<PartyDraft>| -> Vec<Assignee> {
                    parties
                        .into_iter()
                        .map(|d| {
                            let a = catalogue.assignee(d);
                            if a.kind == AssigneeKind::External
                                && !externals.iter().any(|e| text::key(e) == text::key(&a.text))
                            {
                                externals.push(a.text.clone());
                            }
                            a
                        })
                        .collect()
                };
                tasks.push(Task {
                    id,
                    code: task.code,
                    title: task.title,
                    description: task.description,
                    lead: resolve(lead),
                    coordinating: resolve(coord),
                    products: task.products,
                    schedule,
                    retired_on: None,
                });
            }
            areas.push(Area {
                number: area.number,
                title: area.title,
                tasks,
            });
        }

        let agency = Agency {
            id: agency_id.clone(),
            name: issuer.clone(),
            kind: agency_kind(&issuer),
            central_office,
            units: catalogue.units(),
            external_parties: externals,
        };
        let org = Org {
            id: text::slug(&parent),
            name: parent,
            agencies: vec![agency],
        };
        let plan_id = format!(
            "kh-cchc-{}-{}",
            year.map_or_else(|| "x".to_string(), |y| y.to_string()),
            agency_id
        );
        if let (Some(y), true) = (year, self.periods.is_empty()) {
            let (day, said) = match self.quarter_day {
                Some(d) => (
                    d,
                    "theo quy định báo cáo trong phần tổ chức thực hiện".to_string(),
                ),
                None => (
                    self.default_report_day,
                    format!(
                        "kế hoạch không ghi kỳ báo cáo; dùng kỳ mặc định (ngày {} của tháng cuối mỗi quý)",
                        self.default_report_day
                    ),
                ),
            };
            for (kind, month) in [
                (PeriodKind::Q1, 3),
                (PeriodKind::H1, 6),
                (PeriodKind::Q3, 9),
                (PeriodKind::Year, 12),
            ] {
                self.periods.push(ReportingPeriod {
                    kind,
                    name: format!("Báo cáo {}", kind.vi().to_lowercase()),
                    deadline: Date::from_dmy(day, month, y)?,
                });
            }
            if self.quarter_day.is_none() {
                self.unplaced.push(Unplaced {
                    text: "kỳ báo cáo".into(),
                    reason: said,
                    ..Unplaced::default()
                });
            }
        }
        self.periods.sort_by_key(|p| p.kind);
        let plan = Plan {
            id: plan_id,
            number: self.number,
            date: self.date,
            place: self.place,
            title: self.title,
            year,
            issuer,
            agency_id,
            signer: self.signer,
            legal_bases: self.legal_bases,
            purposes: self.purposes,
            requirements: self.requirements,
            areas,
            reporting_periods: self.periods,
            implementation: self.implementation,
            recipients: self.recipients,
        };
        Ok(Imported {
            plan,
            org,
            unplaced: self.unplaced,
        })
    }
}

fn strip_bullet_dash(s: &str) -> &str {
    s.trim_start_matches(['-', '–', ' '])
}

fn push_attr(task: &mut TaskDraft, attr: Attr, value: &str) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    match attr {
        Attr::Lead => task.lead_text.push(value.to_string()),
        Attr::Coordinating => task.coordinating_text.push(value.to_string()),
        Attr::Timeline => task.timeline.push(value.to_string()),
        Attr::Products => task.products.extend(
            value
                .split(';')
                .map(|s| s.trim().trim_end_matches('.').trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        ),
    }
}

/// "CẢI CÁCH THỂ CHẾ" → "Cải cách thể chế"; a word that stays upper case in a sentence
/// (PCI, UBND) is kept.
fn sentence_case(upper: &str) -> String {
    const KEEP: &[&str] = &["PCI", "UBND", "HĐND", "TTHC", "CCHC", "PAR", "SIPAS", "ISO"];
    let mut out = String::new();
    for (i, word) in upper.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if KEEP.contains(&word.trim_matches(|c: char| !c.is_alphanumeric())) {
            out.push_str(word);
        } else if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(&chars.as_str().to_lowercase());
            }
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

fn title_case(upper: &str) -> String {
    let lower = upper.to_lowercase();
    let mut words = lower.split_whitespace().map(|w| match w {
        "ubnd" => "UBND".to_string(),
        w => w.to_string(),
    });
    let first = words
        .next()
        .map(|w| text::capitalize(&w))
        .unwrap_or_default();
    let rest: Vec<String> = words.collect();
    let mut out = first;
    for (i, w) in rest.iter().enumerate() {
        out.push(' ');
        // Proper names after "tỉnh", "huyện" and the words of a Sở's field are capitalised.
        if i == 0
            || rest
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p == "tỉnh" || p == "huyện")
        {
            out.push_str(&text::capitalize(w));
        } else {
            out.push_str(w);
        }
    }
    out
}

fn year_of(title: &str) -> Option<i32> {
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let re = YEAR.get_or_init(|| Regex::new(r"năm ([0-9]{4})").unwrap());
    re.captures_iter(title)
        .last()
        .and_then(|c| c[1].parse().ok())
}

fn issuer_from_title(title: &str) -> Option<String> {
    patterns()
        .title_issuer
        .captures(title)
        .map(|c| c[1].trim().to_string())
}

fn agency_kind(issuer: &str) -> AgencyKind {
    let k = text::key(issuer);
    if k.starts_with("sở ") {
        AgencyKind::Department
    } else if k.contains("huyện") || k.contains("thị xã") || k.contains("thành phố") {
        AgencyKind::District
    } else if k.contains(" xã") || k.contains("phường") || k.contains("thị trấn") {
        AgencyKind::Commune
    } else {
        AgencyKind::Other
    }
}

/// The day units report by when a plan puts it as "trước ngày 10 của tháng cuối quý" or
/// "chậm nhất ngày 08 của tháng cuối quý".
fn last_month_of_quarter_day(text: &str) -> Option<u32> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"ngày ([0-9]{1,2}) (?:của |hằng |hàng )?tháng cuối (?:của )?(?:mỗi )?quý")
            .unwrap()
    });
    let k = text::key(text);
    re.captures(&k)?[1]
        .parse()
        .ok()
        .filter(|d| (1..=28).contains(d))
}

/// The day of each quarter's last month that reports are due when a plan names no periods
/// (and the configuration says nothing else, `[import] report_day`).
pub const DEFAULT_REPORT_DAY: u32 = 15;

fn reporting_period(clause: &str) -> Result<Option<ReportingPeriod>, Error> {
    let p = patterns();
    let k = text::key(clause);
    let Some(c) = p.period_line.captures(&k) else {
        return Ok(None);
    };
    let which = c[1].split_whitespace().collect::<Vec<_>>().join(" ");
    let kind = match which.as_str() {
        "quý i" | "quý 1" => PeriodKind::Q1,
        "6 tháng" | "sáu tháng" => PeriodKind::H1,
        "quý iii" | "quý 3" | "9 tháng" => PeriodKind::Q3,
        _ => PeriodKind::Year,
    };
    let date = if let Some(d) = p.dmy.captures(&k) {
        Some((d[1].to_string(), d[2].to_string(), d[3].to_string()))
    } else {
        p.words_date
            .captures(&k)
            .map(|d| (d[1].to_string(), d[2].to_string(), d[3].to_string()))
    };
    let Some((d, m, y)) = date else {
        return Ok(None);
    };
    let deadline = Date::from_dmy(
        d.parse().unwrap_or(0),
        m.parse().unwrap_or(0),
        y.parse().unwrap_or(0),
    )?;
    let name = strip_bullet(clause)
        .split(':')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let name = if name.split_whitespace().count() <= 5 {
        name
    } else {
        format!("Báo cáo {}", kind.vi().to_lowercase())
    };
    Ok(Some(ReportingPeriod {
        kind,
        name,
        deadline,
    }))
}

/// Reads a lead or coordinating line typed by a person (the plan-maintenance form) against an
/// agency's known units: the parties, and the names that look like units of the agency but are
/// not among them (kept as written, resolving to no unit).
pub fn parse_assignees(agency: &Agency, line: &str) -> (Vec<Assignee>, Vec<String>) {
    let mut unknown = Vec::new();
    let keys: Vec<(String, &Unit)> = agency
        .units
        .iter()
        .flat_map(|u| {
            std::iter::once(text::key(&u.name))
                .chain(u.aliases.iter().map(|a| text::key(a)))
                .map(move |k| (k, u))
        })
        .collect();
    let parties = parse_parties(&text::clean(line))
        .into_iter()
        .map(|d| {
            if d.kind != AssigneeKind::Unit {
                return Assignee {
                    text: d.text,
                    kind: d.kind,
                    unit_id: None,
                    group: d.group,
                    note: d.note,
                };
            }
            let k = text::key(&d.text);
            let best = keys
                .iter()
                .filter(|(key, _)| k == *key || k.starts_with(&format!("{key} ")))
                .max_by_key(|(key, _)| key.len());
            match best {
                Some((key, unit)) => {
                    let (spelled, extra) = split_words(&d.text, key.split_whitespace().count());
                    let note = match (extra, d.note) {
                        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
                        (a, b) => a.or(b),
                    };
                    Assignee {
                        text: spelled,
                        kind: AssigneeKind::Unit,
                        unit_id: Some(unit.id.clone()),
                        group: None,
                        note,
                    }
                }
                None => {
                    unknown.push(d.text.clone());
                    Assignee {
                        text: d.text,
                        kind: AssigneeKind::Unit,
                        unit_id: None,
                        group: None,
                        note: d.note,
                    }
                }
            }
        })
        .collect();
    (parties, unknown)
}

/// A party as read from a lead or coordinating line, before unit names are settled.
#[derive(Debug, Clone)]
struct PartyDraft {
    text: String,
    kind: AssigneeKind,
    group: Option<Group>,
    note: Option<String>,
}

/// Group phrases, longest first, and what they mean.
const GROUPS: &[(&str, Group)] = &[
    (
        "các phòng chuyên môn, nghiệp vụ thuộc sở",
        Group::ProfessionalDepartments,
    ),
    (
        "các phòng chuyên môn, nghiệp vụ",
        Group::ProfessionalDepartments,
    ),
    (
        "các phòng chuyên môn thuộc sở",
        Group::ProfessionalDepartments,
    ),
    ("các phòng chuyên môn", Group::ProfessionalDepartments),
    ("các phòng, đơn vị trực thuộc sở", Group::AllUnits),
    ("các phòng, đơn vị thuộc sở", Group::AllUnits),
    ("các phòng, đơn vị có liên quan", Group::Related),
    ("các phòng, đơn vị liên quan", Group::Related),
    ("các phòng có liên quan", Group::Related),
    ("các phòng liên quan", Group::Related),
    ("các đơn vị có liên quan", Group::Related),
    ("các đơn vị liên quan", Group::Related),
    ("các đơn vị thuộc sở", Group::AllUnits),
    ("các phòng thuộc sở", Group::Departments),
    ("các phòng, đơn vị", Group::AllUnits),
    // A commune's staff as a whole.
    ("toàn thể cán bộ, công chức", Group::AllUnits),
    ("cán bộ, công chức", Group::AllUnits),
];

/// Beginnings of a new party inside a list ("…, Trung tâm …", "… và các phòng …").
const PARTY_STARTS: &[&str] = &[
    "phòng ",
    "văn phòng",
    "thanh tra",
    "trung tâm",
    "tổ ",
    "các phòng",
    "các đơn vị",
    "các sở",
    "sở ",
    "ubnd",
    "ủy ban",
    "uỷ ban",
    "các cơ quan",
    "chi cục",
    "bộ ",
    "tổ chức, cá nhân",
    // A commune's staff and offices.
    "công chức",
    "bộ phận",
    "chủ tịch",
    "phó chủ tịch",
    "toàn thể",
];

/// Parties outside the agency.
const EXTERNAL_STARTS: &[&str] = &[
    "sở ",
    "các sở",
    "ubnd",
    "ủy ban",
    "uỷ ban",
    "văn phòng ubnd",
    "văn phòng ủy ban",
    "bộ ",
    "thanh tra tỉnh",
    "tổ chức, cá nhân",
    "các cơ quan",
    "người dân",
    "doanh nghiệp",
];

/// Units of the agency (a commune's civil servants, offices and leaders count as its units).
const UNIT_STARTS: &[&str] = &[
    "phòng ",
    "văn phòng",
    "thanh tra",
    "trung tâm",
    "tổ ",
    "chi cục",
    "công chức",
    "bộ phận",
    "chủ tịch",
    "phó chủ tịch",
];

fn starts_with_any(k: &str, list: &[&str]) -> bool {
    list.iter().any(|s| k.starts_with(s))
}

/// Reads a lead or coordinating line into parties.
fn parse_parties(line: &str) -> Vec<PartyDraft> {
    let mut out: Vec<PartyDraft> = Vec::new();
    let line = line.trim().trim_end_matches(['.', ';']).trim();
    for segment in line.split(';') {
        let mut seg = segment.trim();
        // "các cơ quan, đơn vị: Sở Nội vụ" — a heading inside the list.
        if let Some((head, rest)) = seg.split_once(':')
            && head.split_whitespace().count() <= 5
        {
            seg = rest.trim();
        }
        if seg.is_empty() {
            continue;
        }
        for piece in split_parties(seg) {
            let k = text::key(&piece);
            // Lower-case words that name no party continue the previous party's note.
            if !starts_with_any(&k, PARTY_STARTS)
                && !k.starts_with("các ")
                && text::starts_lowercase(&piece)
                && let Some(prev) = out.last_mut()
            {
                let note = prev.note.get_or_insert_with(String::new);
                if !note.is_empty() {
                    note.push_str("; ");
                }
                note.push_str(&piece);
                continue;
            }
            out.push(classify_party(&piece));
        }
    }
    out
}

/// Splits "A, B và C" where B and C begin a new party; commas inside a group phrase stay.
fn split_parties(seg: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let bytes = seg.as_bytes();
    // A group phrase with a comma inside ("Toàn thể cán bộ, công chức") is not split.
    let k = text::key(seg);
    let mut i = GROUPS
        .iter()
        .find(|(phrase, _)| k.starts_with(phrase))
        .map_or(0, |(phrase, _)| {
            split_words(seg, phrase.split_whitespace().count()).0.len()
        });
    while i < seg.len() {
        let sep_len = if seg[i..].starts_with(", ") {
            2
        } else if seg[i..].starts_with(" và ") {
            " và ".len()
        } else {
            0
        };
        // "Văn phòng HĐND và UBND xã" is one office.
        let joint_office = sep_len > 0 && text::key(&seg[start..i]).ends_with("hđnd");
        if sep_len > 0 && !joint_office {
            let after = &seg[i + sep_len..];
            if starts_with_any(&text::key(after), PARTY_STARTS) {
                pieces.push(seg[start..i].trim().to_string());
                start = i + sep_len;
                i = start;
                continue;
            }
        }
        i += 1;
        while i < bytes.len() && !seg.is_char_boundary(i) {
            i += 1;
        }
    }
    pieces.push(seg[start..].trim().to_string());
    pieces.retain(|p| !p.is_empty());
    pieces
}

fn classify_party(piece: &str) -> PartyDraft {
    let k = text::key(piece);
    for (phrase, group) in GROUPS {
        if k.starts_with(phrase) {
            let words = phrase.split_whitespace().count();
            let (name, rest) = split_words(piece, words);
            return PartyDraft {
                text: name,
                kind: AssigneeKind::Group,
                group: Some(*group),
                note: rest,
            };
        }
    }
    // "Bộ phận Một cửa" is a commune's office, not a ministry ("Bộ …").
    if starts_with_any(&k, EXTERNAL_STARTS) && !k.starts_with("bộ phận") {
        return PartyDraft {
            text: piece.to_string(),
            kind: AssigneeKind::External,
            group: None,
            note: None,
        };
    }
    if starts_with_any(&k, UNIT_STARTS) {
        return PartyDraft {
            text: piece.to_string(),
            kind: AssigneeKind::Unit,
            group: None,
            note: None,
        };
    }
    PartyDraft {
        text: piece.to_string(),
        kind: AssigneeKind::External,
        group: None,
        note: None,
    }
}

/// The first `n` words of `s` (counting a dash as a word, as [`text::key`] does) and the rest.
fn split_words(s: &str, n: usize) -> (String, Option<String>) {
    let mut seen = 0;
    let mut in_word = false;
    for (i, c) in s.char_indices() {
        let boundary = c == ' ';
        if !boundary && !in_word {
            if seen == n {
                let rest = s[i..].trim().to_string();
                return (
                    s[..i].trim().trim_end_matches(',').to_string(),
                    (!rest.is_empty()).then_some(rest),
                );
            }
            seen += 1;
        }
        in_word = !boundary;
    }
    (s.trim().to_string(), None)
}

/// The agency's units, settled from every spelling the plan uses.
struct UnitCatalogue {
    /// Key → (spelling → count, first seen order).
    spellings: Vec<(String, Vec<(String, usize)>)>,
}

impl UnitCatalogue {
    fn build<'a>(parties: impl Iterator<Item = &'a PartyDraft>) -> UnitCatalogue {
        let mut names: Vec<String> = parties
            .filter(|p| p.kind == AssigneeKind::Unit)
            .map(|p| p.text.clone())
            .collect();
        // Shortest first: a longer text that starts with a known name is that unit plus a note.
        let mut keys: Vec<String> = names.iter().map(|n| text::key(n)).collect();
        keys.sort_by_key(|k| k.len());
        keys.dedup();
        let mut canonical: Vec<String> = Vec::new();
        for k in keys {
            if !canonical.iter().any(|c| k.starts_with(&format!("{c} "))) {
                canonical.push(k);
            }
        }
        let mut spellings: Vec<(String, Vec<(String, usize)>)> =
            canonical.into_iter().map(|k| (k, Vec::new())).collect();
        for name in names.drain(..) {
            let (k, spelled) = Self::split_name(&spellings, &name);
            if let Some((_, list)) = spellings.iter_mut().find(|(key, _)| *key == k) {
                match list.iter_mut().find(|(s, _)| *s == spelled) {
                    Some((_, n)) => *n += 1,
                    None => list.push((spelled, 1)),
                }
            }
        }
        UnitCatalogue { spellings }
    }

    /// The canonical key of a unit text and the text's spelling of the name (without a note).
    fn split_name(spellings: &[(String, Vec<(String, usize)>)], name: &str) -> (String, String) {
        let k = text::key(name);
        let best = spellings
            .iter()
            .map(|(key, _)| key)
            .filter(|key| k == **key || k.starts_with(&format!("{key} ")))
            .max_by_key(|key| key.len());
        match best {
            Some(key) if *key == k => (
                key.clone(),
                name.trim().trim_end_matches(['.', ',']).to_string(),
            ),
            Some(key) => {
                let words = key.split_whitespace().count();
                let (spelled, _) = split_words(name, words);
                (key.clone(), spelled)
            }
            None => (k, name.to_string()),
        }
    }

    fn display(list: &[(String, usize)]) -> String {
        // The most frequent spelling; the first seen on a tie.
        let mut best: Option<&(String, usize)> = None;
        for item in list {
            if best.is_none_or(|b| item.1 > b.1) {
                best = Some(item);
            }
        }
        best.map(|b| b.0.clone()).unwrap_or_default()
    }

    fn units(&self) -> Vec<Unit> {
        self.spellings
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(_, list)| {
                let name = Self::display(list);
                let mut unit = Unit::named(&name);
                unit.aliases = list
                    .iter()
                    .map(|(s, _)| s.clone())
                    .filter(|s| *s != name)
                    .collect();
                unit
            })
            .collect()
    }

    fn unit_id(&self, key: &str) -> Option<String> {
        self.spellings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, list)| text::slug(&Self::display(list)))
    }

    fn assignee(&self, d: PartyDraft) -> Assignee {
        if d.kind != AssigneeKind::Unit {
            return Assignee {
                text: d.text,
                kind: d.kind,
                unit_id: None,
                group: d.group,
                note: d.note,
            };
        }
        let k = text::key(&d.text);
        let (key, spelled) = Self::split_name(&self.spellings, &d.text);
        let extra = if k.len() > key.len() {
            let words = key.split_whitespace().count();
            split_words(&d.text, words).1
        } else {
            None
        };
        let note = match (extra, d.note) {
            (Some(a), Some(b)) => Some(format!("{a}; {b}")),
            (a, b) => a.or(b),
        };
        Assignee {
            text: spelled,
            kind: AssigneeKind::Unit,
            unit_id: self.unit_id(&key),
            group: None,
            note,
        }
    }

    /// The unit named in part III as the one that collects reports: "về Sở (Phòng …)".
    fn central_office_in(&self, para: &str) -> Option<String> {
        let k = text::key(para);
        let pos = k.find("báo cáo")?;
        let after = &k[pos..];
        let open = after.find('(')?;
        let close = after[open..].find(')')? + open;
        let inside = after[open + 1..close].trim();
        self.spellings
            .iter()
            .find(|(key, list)| !list.is_empty() && inside == key)
            .and_then(|(key, _)| self.unit_id(key))
    }

    fn central_office_by_name(&self) -> Option<String> {
        self.spellings
            .iter()
            .find(|(key, list)| {
                !list.is_empty()
                    && (key.contains("hành chính - tổng hợp") || key.starts_with("văn phòng"))
            })
            .and_then(|(key, _)| self.unit_id(key))
    }
}

/// The importer's result as the JSON `tiendo plan parse` prints: the plan with, for each task,
/// its parties as written (`lead_units`, `coordinating_units`) and as understood (`lead`,
/// `coordinating`), its timeline as written and its milestones; then the organisation and what
/// could not be placed. Dates are `YYYY-MM-DD`.
pub fn json_view(imp: &Imported) -> serde_json::Value {
    use serde_json::json;
    let p = &imp.plan;
    let areas: Vec<_> = p
        .areas
        .iter()
        .map(|a| {
            let tasks: Vec<_> = a
                .tasks
                .iter()
                .map(|t| {
                    json!({
                        "id": t.id,
                        "code": t.code,
                        "title": t.title,
                        "description": t.description,
                        "lead_units": t.lead.iter().map(|x| &x.text).collect::<Vec<_>>(),
                        "coordinating_units": t.coordinating.iter().map(|x| &x.text).collect::<Vec<_>>(),
                        "lead": t.lead,
                        "coordinating": t.coordinating,
                        "products": t.products,
                        "timeline_text": t.schedule.raw,
                        "milestones": t.schedule.milestones,
                        "recurrence": t.schedule.recurrence,
                        "undated": t.schedule.undated,
                    })
                })
                .collect();
            json!({ "number": a.number, "title": a.title, "tasks": tasks })
        })
        .collect();
    json!({
        "id": p.id,
        "number": p.number,
        "date": p.date,
        "place": p.place,
        "title": p.title,
        "year": p.year,
        "issuer": p.issuer,
        "signer": p.signer,
        "legal_bases": p.legal_bases,
        "purposes": p.purposes,
        "requirements": p.requirements,
        "areas": areas,
        "reporting_periods": p.reporting_periods.iter().map(|r| json!({
            "kind": r.kind, "name": r.name, "deadline": r.deadline,
        })).collect::<Vec<_>>(),
        "implementation": p.implementation,
        "recipients": p.recipients,
        "organisation": imp.org,
        "unplaced": imp.unplaced,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_variants_are_recognised() {
        let cases = [
            ("- Cơ quan chủ trì thực hiện: Phòng A.", Attr::Lead),
            ("- Đơn vị Chủ trì: Phòng A.", Attr::Lead),
            ("+ Chủ trì: Phòng A", Attr::Lead),
            ("- Cơ quan/Đơn vị phối hợp: Phòng B", Attr::Coordinating),
            ("Phối hợp: Phòng B", Attr::Coordinating),
            ("- Sản phẩm: Kế hoạch", Attr::Products),
            ("+ Kết quả: Báo cáo", Attr::Products),
            ("- Thời gian hoàn thành: Quý I năm 2025.", Attr::Timeline),
            (
                "+ Thời gian thực hiện: Theo kế hoạch được phê duyệt.",
                Attr::Timeline,
            ),
            ("- Thời hạn: Tháng 3/2025", Attr::Timeline),
        ];
        for (line, want) in cases {
            let got = attributes(line).map(|v| v.iter().map(|(a, _)| *a).collect::<Vec<_>>());
            assert_eq!(got, Some(vec![want]), "{line}");
        }
        assert_eq!(attributes("- Ghi chú: không phải thuộc tính"), None);
        assert_eq!(
            attributes(
                "Áp dụng, duy trì và cải tiến hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia: x"
            ),
            None
        );
    }

    fn text_paragraphs(text: &str) -> Vec<Para> {
        let lines: Vec<(usize, &str)> = text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect();
        paragraphs(&lines)
    }

    #[test]
    fn several_labels_on_one_line_are_several_attributes() {
        let got = attributes(
            "Đơn vị thực hiện: Công chức Văn phòng - Thống kê. Thời hạn hoàn thành: Quý I/2025. Kết quả: Kế hoạch được ban hành",
        )
        .unwrap();
        assert_eq!(
            got,
            [
                (Attr::Lead, "Công chức Văn phòng - Thống kê".to_string()),
                (Attr::Timeline, "Quý I/2025".to_string()),
                (Attr::Products, "Kế hoạch được ban hành".to_string()),
            ]
        );
        let (title, attrs) = trailing_attributes(
            "Rà soát thủ tục hành chính (Chủ trì: Bộ phận Một cửa; Phối hợp: Công chức Tư pháp - Hộ tịch; Thời gian: Hằng quý).",
        )
        .unwrap();
        assert_eq!(title, "Rà soát thủ tục hành chính");
        assert_eq!(
            attrs.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
            [Attr::Lead, Attr::Coordinating, Attr::Timeline]
        );
        assert!(trailing_attributes("Tổ chức hội nghị (nếu có)").is_none());
    }

    #[test]
    fn a_communes_staff_and_offices_are_its_units() {
        for (line, kind) in [
            ("Công chức Văn phòng - Thống kê", AssigneeKind::Unit),
            ("Công chức Tư pháp - Hộ tịch", AssigneeKind::Unit),
            ("Bộ phận Một cửa", AssigneeKind::Unit),
            ("Chủ tịch UBND xã", AssigneeKind::Unit),
            ("Văn phòng HĐND và UBND xã", AssigneeKind::Unit),
            ("Toàn thể cán bộ, công chức", AssigneeKind::Group),
        ] {
            let parties = parse_parties(line);
            assert_eq!(parties.len(), 1, "{line}: {parties:?}");
            assert_eq!(parties[0].kind, kind, "{line}");
            assert_eq!(parties[0].text, line);
        }
        let two = parse_parties("Bộ phận Một cửa, Công chức Tư pháp - Hộ tịch");
        assert_eq!(two.len(), 2, "{two:?}");
    }

    #[test]
    fn split_parties_keeps_group_commas() {
        assert_eq!(
            split_parties("Phòng Hành chính - Tổng hợp và các phòng, đơn vị liên quan"),
            ["Phòng Hành chính - Tổng hợp", "các phòng, đơn vị liên quan"]
        );
        assert_eq!(
            split_parties("Phòng Quản lý Công nghệ và Chuyên ngành"),
            ["Phòng Quản lý Công nghệ và Chuyên ngành"]
        );
        assert_eq!(
            split_parties(
                "Phòng Hành chính - Tổng hợp, Trung tâm Ứng dụng và Dịch vụ khoa học công nghệ"
            ),
            [
                "Phòng Hành chính - Tổng hợp",
                "Trung tâm Ứng dụng và Dịch vụ khoa học công nghệ"
            ]
        );
    }

    #[test]
    fn group_phrase_with_a_tail_keeps_the_tail_as_note() {
        let parties = parse_parties(
            "Các phòng, đơn vị thực hiện các giải pháp nâng cao chất lượng phục vụ; thực hiện giải trình theo đúng quy định.",
        );
        assert_eq!(parties.len(), 1);
        assert_eq!(parties[0].group, Some(Group::AllUnits));
        assert_eq!(parties[0].text, "Các phòng, đơn vị");
        let note = parties[0].note.as_deref().unwrap();
        assert!(note.starts_with("thực hiện các giải pháp"), "{note}");
        assert!(note.ends_with("theo đúng quy định"), "{note}");
    }

    #[test]
    fn list_headings_and_external_bodies() {
        let parties = parse_parties(
            "Các phòng, đơn vị thuộc Sở; các cơ quan, đơn vị: Sở Nội vụ; các sở, ban, ngành; UBND các huyện, thị xã, thành phố.",
        );
        let kinds: Vec<_> = parties.iter().map(|p| (p.text.as_str(), p.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("Các phòng, đơn vị thuộc Sở", AssigneeKind::Group),
                ("Sở Nội vụ", AssigneeKind::External),
                ("các sở, ban, ngành", AssigneeKind::External),
                ("UBND các huyện, thị xã, thành phố", AssigneeKind::External),
            ]
        );
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
