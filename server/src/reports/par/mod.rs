//! The three files of an agency's PAR-index self-assessment (tự đánh giá, chấm điểm Chỉ số cải
//! cách hành chính) that go to the province: the summary table the province asks for
//! ([`summary_xlsx`]), the report in the Decree 30/2020/NĐ-CP layout ([`report_docx`]) and the
//! evidence as one archive with a folder per sub-criterion ([`evidence_zip`]).
//!
//! Stage: *rendering*, the last step after `shared::model::assessment` (what each unit scored,
//! with its evidence and giải trình) and `shared::views::par_index` (what it is worth). Every
//! file is read from one [`Filing`]; the rows of the tables are built once, here ([`rows`]),
//! from the marks the agency files and the [`Index`]'s figures, so the spreadsheet, the report
//! and the archive's index sheet say the same thing. Nothing here scores: a criterion's or an
//! area's row adds up what its sub-criteria count in the index (within 0 and their maximum, as
//! the index counts them), an area's figure is the index's own.

mod docx;
mod xlsx;
mod zip;

pub use self::docx::report_docx;
pub use self::xlsx::summary_xlsx;
pub use self::zip::{Entry, INDEX_NAME, archive, entries, evidence_zip};

use std::collections::BTreeMap;

use tiendo_shared::model::Date;
use tiendo_shared::model::assessment::{Assessment, Scoring};
use tiendo_shared::model::criteria::{
    CriteriaSet, Criterion, ItemKind, Level, Mark, Measured, Points,
};
use tiendo_shared::model::text::visible;
use tiendo_shared::views::par_index::Index;

/// Everything the three files are made of: an agency's self-assessment of a year, the criteria
/// set it is scored against and the index computed from it.
#[derive(Debug, Clone)]
pub struct Filing<'a> {
    /// The province's criteria for the year and level.
    pub set: &'a CriteriaSet,
    /// The agency's self-assessment.
    pub assessment: &'a Assessment,
    /// [`tiendo_shared::views::par_index::index`] of `set` over [`Assessment::marks`].
    pub index: &'a Index,
    /// "Sở Khoa học và Công nghệ", as in running text.
    pub agency_name: &'a str,
    /// The agency's symbol in document numbers ("SKHCN"); empty: left for the clerk.
    pub symbol: &'a str,
    /// The units' names by id, for "Đơn vị chịu trách nhiệm".
    pub unit_names: &'a BTreeMap<String, String>,
    /// The head who approved the assessment and when; none: the files are a draft.
    pub approved: Option<(String, Date)>,
    /// The report's date (its place and date line, the files' dates).
    pub as_of: Date,
}

/// What a score cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Points (a sub-criterion's filed score, or what a criterion's sub-criteria count).
    Points(Points),
    /// "Không áp dụng" (KAD).
    NotApplicable,
    /// Measured by the province's sociological survey: the agency does not score it.
    Survey,
    /// A sub-criterion the agency has not scored yet.
    Unscored,
}

/// Whether a row is an area, a criterion, a sub-criterion or one of the totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Lĩnh vực (`1`).
    Area,
    /// Tiêu chí (`1.1`), or any row with children below an area.
    Criterion,
    /// Tiêu chí thành phần: a row that is scored.
    Sub,
    /// A total under the table (no code).
    Total,
}

/// One row of the self-assessment table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Area, criterion, sub-criterion or total.
    pub kind: RowKind,
    /// `1.1.1` (empty for a total).
    pub code: String,
    /// What is judged, or the total's name.
    pub text: String,
    /// The most it scores.
    pub max: Points,
    /// The score.
    pub score: Shown,
    /// Its evidence, one line each: the document's number, date and summary, and the file.
    pub evidence: Vec<String>,
    /// Giải trình (and the office's reason where it changed the unit's score).
    pub explanation: String,
    /// The unit responsible.
    pub unit: String,
}

impl Row {
    /// Whether the row is printed bold: everything but a sub-criterion.
    pub fn bold(&self) -> bool {
        self.kind != RowKind::Sub
    }
}

/// What a sub-criterion counts in the index for `mark` (as `par_index::index` counts it):
/// within 0 and its maximum; "không áp dụng" and no mark count nothing.
fn counted(c: &Criterion, mark: Option<Mark>) -> i32 {
    match mark {
        Some(Mark::Score(p)) => p.0.clamp(0, c.max.0.max(0)),
        _ => 0,
    }
}

/// Every row of the criteria set with the agency's scores, in the set's order: the 100 points'
/// areas, then their total, then the bonus and penalty contents, then the index.
pub fn rows(f: &Filing<'_>) -> Vec<Row> {
    let set = f.set;
    let items = &f.assessment.items;
    let leaves: Vec<&Criterion> = set.scored().collect();
    let under = |code: &str| {
        let prefix = format!("{code}.");
        leaves
            .iter()
            .copied()
            .filter(move |c| c.code.starts_with(&prefix))
            .collect::<Vec<_>>()
    };
    let row = |c: &Criterion| -> Row {
        let below = under(&c.code);
        if below.is_empty() {
            return sub_row(f, c, items.get(&c.code));
        }
        let score = if below.iter().all(|l| l.measured == Measured::Survey) {
            Shown::Survey
        } else {
            let area = (c.depth() == 1)
                .then(|| f.index.areas.iter().find(|a| a.code == c.code))
                .flatten();
            Shown::Points(match area {
                Some(a) => a.earned,
                None => Points(
                    below
                        .iter()
                        .map(|l| counted(l, items.get(&l.code).and_then(Scoring::filed)))
                        .sum(),
                ),
            })
        };
        Row {
            kind: if c.depth() == 1 {
                RowKind::Area
            } else {
                RowKind::Criterion
            },
            code: c.code.clone(),
            text: c.text.clone(),
            max: c.max,
            score,
            evidence: Vec::new(),
            explanation: String::new(),
            unit: String::new(),
        }
    };
    let of = |kind: ItemKind| set.items.iter().filter(move |c| area_kind(set, c) == kind);
    let mut out: Vec<Row> = of(ItemKind::Normal).map(row).collect();
    let ix = f.index;
    let mut total = total_row("TỔNG ĐIỂM TỰ ĐÁNH GIÁ", set.total(), ix.earned);
    if ix.applicable != set.total() {
        total.explanation = format!("Điểm tối đa của các tiêu chí áp dụng: {}", ix.applicable);
    }
    out.push(total);
    out.extend(of(ItemKind::Bonus).chain(of(ItemKind::Penalty)).map(row));
    let mut index = total_row("CHỈ SỐ CCHC TỰ ĐÁNH GIÁ", set.total(), ix.index);
    index.explanation = index_basis(f);
    out.push(index);
    out
}

/// The kind of the area `c` is in (a bonus area's criteria are bonus rows).
fn area_kind(set: &CriteriaSet, c: &Criterion) -> ItemKind {
    let area = c.code.split('.').next().unwrap_or(&c.code);
    set.get(area).map_or(c.kind, |a| a.kind)
}

fn total_row(text: &str, max: Points, score: Points) -> Row {
    Row {
        kind: RowKind::Total,
        code: String::new(),
        text: text.into(),
        max,
        score: Shown::Points(score),
        evidence: Vec::new(),
        explanation: String::new(),
        unit: String::new(),
    }
}

/// How the index reads from its parts, in words (the numbers are the index's).
pub fn index_basis(f: &Filing<'_>) -> String {
    let ix = f.index;
    let mut s = format!(
        "Điểm đạt {} trên {} điểm áp dụng, quy đổi thang {} điểm; cộng điểm thưởng {}, trừ điểm \
         trừ {}",
        ix.earned,
        ix.applicable,
        f.set.total(),
        ix.bonus,
        ix.penalty
    );
    if survey_pending(f) {
        s.push_str("; chưa gồm điểm điều tra xã hội học");
    }
    s
}

/// Whether a survey-measured sub-criterion has no score yet (the province adds it later).
pub fn survey_pending(f: &Filing<'_>) -> bool {
    f.index.unscored.iter().any(|code| {
        f.set
            .get(code)
            .is_some_and(|c| c.measured == Measured::Survey)
    })
}

fn sub_row(f: &Filing<'_>, c: &Criterion, scoring: Option<&Scoring>) -> Row {
    let score = match (c.measured, scoring.and_then(Scoring::filed)) {
        (Measured::Survey, _) => Shown::Survey,
        (_, Some(Mark::Score(p))) => Shown::Points(p),
        (_, Some(Mark::NotApplicable)) => Shown::NotApplicable,
        (_, None) => Shown::Unscored,
    };
    let (evidence, explanation, unit) = match scoring {
        None => Default::default(),
        Some(s) => (
            s.evidence.iter().map(evidence_line).collect(),
            explanation(s),
            s.unit_id
                .as_ref()
                .map(|u| f.unit_names.get(u).unwrap_or(u).clone())
                .unwrap_or_default(),
        ),
    };
    Row {
        kind: RowKind::Sub,
        code: c.code.clone(),
        text: c.text.clone(),
        max: c.max,
        score,
        evidence,
        explanation,
        unit: visible(&unit),
    }
}

/// "Số 12/KH-SKHCN ngày 10/01/2025 — Kế hoạch CCHC năm 2025 (tệp: ke-hoach.pdf)", or the file's
/// name alone.
pub fn evidence_line(e: &tiendo_shared::model::assessment::EvidenceItem) -> String {
    let (reference, name) = (visible(e.reference.trim()), visible(e.name.trim()));
    match (reference.is_empty(), name.is_empty()) {
        (true, _) => name,
        (false, true) => reference,
        (false, false) => format!("{reference} (tệp: {name})"),
    }
}

/// The giải trình, and the office's reason where its call differs from the unit's score.
fn explanation(s: &Scoring) -> String {
    let mut parts = vec![visible(s.explanation.trim())];
    let changed = s.office.as_ref().filter(|c| Some(c.mark) != s.mark);
    if let Some(call) = changed.filter(|c| !c.reason.trim().is_empty()) {
        parts.push(format!(
            "Điều chỉnh khi tổng hợp: {}",
            visible(call.reason.trim())
        ));
    }
    parts.retain(|p| !p.is_empty());
    parts.join("\n")
}

/// `earned` as a percentage of `of`, one decimal, the Vietnamese way ("87,5"); none of nothing.
pub fn percent(earned: Points, of: Points) -> Option<String> {
    (of.0 > 0).then(|| super::docx::percent(f64::from(earned.0) / f64::from(of.0)))
}

/// The place in the date line: the province's name without "Tỉnh"/"Thành phố"
/// ("Tỉnh Quảng Ngãi" → "Quảng Ngãi").
pub fn place(province: &str) -> String {
    let p = province.trim();
    for prefix in ["tỉnh ", "thành phố "] {
        if p.to_lowercase().starts_with(prefix) {
            return p.chars().skip(prefix.chars().count()).collect();
        }
    }
    p.to_string()
}

/// The letterhead's issuing body: the province's People's Committee for a department
/// ("UBND TỈNH QUẢNG NGÃI"); a commune's committee issues in its own name, with nothing above.
pub fn parent_body(set: &CriteriaSet) -> String {
    match set.level {
        Level::Department => {
            let p = set.province.trim();
            let named = place(p);
            let prefix = if named.len() == p.len() {
                "tỉnh ".to_string()
            } else {
                p[..p.len() - named.len()].to_string()
            };
            format!("UBND {prefix}{named}").to_uppercase()
        }
        Level::Commune => String::new(),
    }
}

/// What the score cell says in words where it holds no number.
pub fn shown_words(s: Shown) -> &'static str {
    match s {
        Shown::Points(_) => "",
        Shown::NotApplicable => "KAD",
        Shown::Survey => "Điều tra XHH",
        Shown::Unscored => "Chưa chấm",
    }
}

/// The title the report and the table share.
pub fn subject(year: i32) -> String {
    format!("Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {year}")
}

#[cfg(test)]
mod tests;
