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
//!
//! Its rooms: `blocks` turns text into paragraphs and table rows; `sections` reads a plan's
//! parts (header, purposes, implementation, signature); `tasks` its areas and tasks written as
//! paragraphs, `table` those in task tables; `labels` the attribute labels; `parties` the lead
//! and coordinating units; `finish` settles units, ids and schedules into the [`Plan`].

use std::collections::HashMap;
use std::sync::OnceLock;

use regex_lite::Regex;
use serde::Serialize;

use crate::model::org::{Agency, AgencyKind, Assignee, AssigneeKind, Group, Org, Unit};
use crate::model::plan::{Area, PeriodKind, Plan, ReportingPeriod, Signer, Task};
use crate::model::schedule::{self, Schedule};
use crate::model::{Date, Error, text};

mod blocks;
pub mod criteria;
mod finish;
mod labels;
mod parties;
mod sections;
mod table;
mod tasks;
pub mod units;

pub use blocks::{Block, text_blocks};
pub use parties::parse_assignees;

use blocks::paragraphs;
use labels::*;
use parties::*;
use sections::*;
use table::*;

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
    /// What the office decided, in the preview, for each unit the organisation does not know
    /// (new unit id → choice, [`units`]); a later plan is saved only when every such unit has one.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub choices: std::collections::BTreeMap<String, units::UnitChoice>,
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

/// The day of each quarter's last month that reports are due when a plan names no periods
/// (and the configuration says nothing else, `[import] report_day`).
pub const DEFAULT_REPORT_DAY: u32 = 15;

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
