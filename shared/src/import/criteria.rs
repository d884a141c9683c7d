//! The criteria importer: a province's annex of PAR-index criteria (the table "Bộ tiêu chí xác
//! định Chỉ số CCHC", from its .docx or .xlsx, read into [`Block`]s by the server as plans are) →
//! a [`CriteriaSet`], with what could not be placed listed, not dropped.
//!
//! Stage: *import*, beside the plan importer, and the same flow: read → preview (the set, its
//! unplaced rows and [`CriteriaSet::check`]'s problems) → the office corrects → save.
//!
//! The table is found by its header: a column of codes (`STT`, `TT`, `Mã`), one of contents
//! (`Nội dung`, `Tiêu chí`) and one of maxima (`Điểm tối đa`); optional columns of scoring
//! guidance (`Cách chấm`, `Hướng dẫn chấm`, `Thang điểm`) and evidence (`Tài liệu kiểm chứng`).
//! A row's scoring rule is read from its guidance: a share ("tỷ lệ", "%") is proportional; two
//! or more scores up to the maximum, the maximum among them, are levels; anything else is any
//! score in steps of 0,25. An area named "điểm thưởng" or "điểm trừ" makes its rows a bonus or a
//! penalty; "điều tra xã hội học", "SIPAS" or "sự hài lòng" makes them the survey's.

use std::sync::OnceLock;

use regex_lite::Regex;
use serde::Serialize;

use super::{Block, Unplaced};
use crate::model::criteria::{
    CriteriaSet, Criterion, ItemKind, Level, Measured, Points, Problem, Rule,
};
use crate::model::{Error, text};

/// What the importer read from an annex.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedCriteria {
    /// The set as read (its id, province, level, year and basis from the paragraphs above the
    /// table; the office corrects them in the preview).
    pub set: CriteriaSet,
    /// Rows of the table it could not place.
    pub unplaced: Vec<Unplaced>,
    /// What [`CriteriaSet::check`] says of the set as read.
    #[serde(serialize_with = "as_texts")]
    pub problems: Vec<Problem>,
}

fn as_texts<S: serde::Serializer>(problems: &[Problem], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(problems.iter().map(|p| p.to_string()))
}

/// The columns of the criteria table.
struct Columns {
    table: usize,
    code: usize,
    content: usize,
    max: usize,
    guide: Option<usize>,
    evidence: Option<usize>,
}

fn columns(blocks: &[Block]) -> Option<(usize, Columns)> {
    blocks.iter().enumerate().find_map(|(i, b)| {
        let Block::Row { table, cells, .. } = b else {
            return None;
        };
        let slugs: Vec<String> = cells.iter().map(|c| text::slug(c)).collect();
        let find = |ok: &dyn Fn(&str) -> bool| slugs.iter().position(|s| ok(s));
        let code = find(&|s| {
            matches!(s, "stt" | "tt" | "ma" | "ma-so" | "so-tt") || s.starts_with("ma-tieu-chi")
        })?;
        let max = find(&|s| s.contains("toi-da"))?;
        let content = slugs
            .iter()
            .enumerate()
            .position(|(k, s)| k != code && (s.contains("noi-dung") || s.contains("tieu-chi")))?;
        let guide = find(&|s| {
            ["cach-cham", "huong-dan", "thang-diem", "muc-diem"]
                .iter()
                .any(|w| s.contains(w))
        });
        let evidence = find(&|s| s.contains("kiem-chung"));
        Some((
            i,
            Columns {
                table: *table,
                code,
                content,
                max,
                guide,
                evidence,
            },
        ))
    })
}

/// Reads an annex's blocks into a criteria set.
pub fn criteria(blocks: &[Block]) -> Result<ImportedCriteria, Error> {
    let (header, cols) = columns(blocks).ok_or_else(|| {
        Error::InvalidValue(
            "không tìm thấy bảng tiêu chí: cần các cột mã (STT), nội dung và điểm tối đa".into(),
        )
    })?;
    let paras: Vec<&str> = blocks[..header]
        .iter()
        .filter_map(|b| match b {
            Block::Para(_, t) => Some(t.as_str()),
            Block::Row { .. } => None,
        })
        .collect();
    let mut items: Vec<Criterion> = Vec::new();
    let mut unplaced = Vec::new();
    for b in &blocks[header + 1..] {
        let Block::Row {
            line,
            table,
            row,
            cells,
        } = b
        else {
            continue;
        };
        if *table != cols.table || numbering_row(cells) {
            continue;
        }
        let cell = |i: usize| cells.get(i).map(|c| text::clean(c)).unwrap_or_default();
        let (code, content) = (cell(cols.code), cell(cols.content));
        let code = code.trim_end_matches('.').to_string();
        let miss = |reason: &str, column: usize| Unplaced {
            line: *line,
            text: cells.join(" | "),
            reason: reason.into(),
            row: Some(*row),
            column: Some(column + 1),
        };
        if content.is_empty() && code.is_empty() {
            continue;
        }
        if !is_code(&code) {
            unplaced.push(miss("không có mã tiêu chí (1, 1.1, 1.1.1)", cols.code));
            continue;
        }
        let Ok(max) = cell(cols.max).parse::<Points>() else {
            unplaced.push(miss("điểm tối đa không đọc được", cols.max));
            continue;
        };
        let guide = cols.guide.map(cell).unwrap_or_default();
        let area = code.split('.').next().unwrap_or(&code).to_string();
        let area_text = items
            .iter()
            .find(|c| c.code == area)
            .map(|c| c.text.clone())
            .unwrap_or_else(|| content.clone());
        let area_slug = text::slug(&area_text);
        let kind = if area_slug.contains("diem-thuong") {
            ItemKind::Bonus
        } else if area_slug.contains("diem-tru") {
            ItemKind::Penalty
        } else {
            ItemKind::Normal
        };
        let survey = [&area_slug, &text::slug(&content)].iter().any(|s| {
            [
                "dieu-tra-xa-hoi-hoc",
                "sipas",
                "su-hai-long",
                "muc-do-hai-long",
            ]
            .iter()
            .any(|w| s.contains(w))
        });
        items.push(Criterion {
            code,
            text: content,
            max,
            rule: rule(&guide, max, survey),
            evidence: cols.evidence.map(cell).unwrap_or_default(),
            measured: if survey {
                Measured::Survey
            } else {
                Measured::SelfScored
            },
            may_not_apply: cells
                .iter()
                .any(|c| text::slug(c).contains("khong-ap-dung")),
            kind,
            source: None,
        });
    }
    let year = paras
        .iter()
        .find_map(|p| year_in(&text::key(p)))
        .unwrap_or_default();
    let province = paras
        .iter()
        .find_map(|p| province_in(p))
        .unwrap_or_default();
    let level = if paras.iter().any(|p| {
        let s = text::slug(p);
        s.contains("xa-phuong") || s.contains("cap-xa")
    }) {
        Level::Commune
    } else {
        Level::Department
    };
    let basis = paras
        .iter()
        .find(|p| text::slug(p).contains("quyet-dinh-so"))
        .map(|p| text::clean(p).chars().take(200).collect())
        .unwrap_or_default();
    let set = CriteriaSet {
        id: format!(
            "{}-{year}-{}",
            text::slug(&province),
            match level {
                Level::Department => "so",
                Level::Commune => "xa",
            }
        ),
        province,
        level,
        year,
        basis,
        template: false,
        items,
        announced: None,
        unreadable: Vec::new(),
    };
    let problems = set.check();
    Ok(ImportedCriteria {
        set,
        unplaced,
        problems,
    })
}

/// A row that numbers the columns ("1 2 3 4" or "(1) (2) (3)"), under many headers.
fn numbering_row(cells: &[String]) -> bool {
    let filled: Vec<String> = cells
        .iter()
        .map(|c| c.trim().trim_matches(['(', ')']).to_string())
        .filter(|c| !c.is_empty())
        .collect();
    filled.len() >= 3
        && filled
            .iter()
            .enumerate()
            .all(|(i, c)| c.parse::<usize>() == Ok(i + 1))
}

fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .split('.')
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The scoring rule a row's guidance describes.
fn rule(guide: &str, max: Points, survey: bool) -> Rule {
    static NUMBER: OnceLock<Regex> = OnceLock::new();
    let number = NUMBER.get_or_init(|| Regex::new(r"\d+(?:[.,]\d{1,2})?").expect("valid regex"));
    let slug = text::slug(guide);
    if slug.contains("ty-le") || guide.contains('%') {
        return Rule::Proportional;
    }
    let mut levels: Vec<Points> = number
        .find_iter(guide)
        .filter_map(|m| m.as_str().parse::<Points>().ok())
        .filter(|p| *p <= max)
        .collect();
    levels.sort_by(|a, b| b.cmp(a));
    levels.dedup();
    if levels.len() >= 2 && levels.contains(&max) {
        if !levels.contains(&Points::ZERO) && slug.contains("khong") {
            levels.push(Points::ZERO);
        }
        return Rule::Levels { levels };
    }
    // The survey's scores come to the hundredth; a self-score in quarters of a point.
    let step = if !survey && max.0 % 25 == 0 { 25 } else { 1 };
    Rule::Range { step: Points(step) }
}

fn year_in(p: &str) -> Option<i32> {
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let re = YEAR.get_or_init(|| Regex::new(r"năm\s+(20\d\d)").expect("valid regex"));
    re.captures(p)?.get(1)?.as_str().parse().ok()
}

/// "UBND TỈNH QUẢNG NGÃI" → "Quảng Ngãi".
fn province_in(p: &str) -> Option<String> {
    let key = text::key(p);
    let at = key.find("tỉnh ")?;
    let name: Vec<String> = key[at + "tỉnh ".len()..]
        .split_whitespace()
        .take_while(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .take(3)
        .map(text::capitalize)
        .collect();
    (!name.is_empty()).then(|| name.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text_blocks;

    /// A province's annex as text (its .docx and .xlsx forms: `server/tests/criteria_annexes_import.rs`).
    const ANNEX: &str = include_str!("../../tests/fixtures/criteria/annex-so-2025.txt");

    #[test]
    fn an_annex_table_reads_into_a_set_with_its_rules_kinds_and_basis() {
        let out = criteria(&text_blocks(ANNEX)).unwrap();
        let set = &out.set;
        assert_eq!(set.province, "Quảng Ngãi");
        assert_eq!(set.year, 2025);
        assert_eq!(set.level, Level::Department);
        assert_eq!(set.id, "quang-ngai-2025-so");
        assert!(set.basis.starts_with("(Kèm theo Quyết định số 134/QĐ-UBND"));
        let codes: Vec<&str> = set.items.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "1", "1.1", "1.1.1", "1.1.2", "2", "2.1", "3", "3.1", "4", "4.1"
            ]
        );
        let get = |c: &str| set.get(c).unwrap();
        assert_eq!(
            get("1.1.1").rule,
            Rule::Levels {
                levels: vec![Points(100), Points(50), Points::ZERO]
            }
        );
        assert_eq!(get("1.1.1").evidence, "Kế hoạch CCHC");
        assert_eq!(get("1.1.2").rule, Rule::Proportional);
        assert_eq!(get("2.1").measured, Measured::Survey);
        assert_eq!(get("2.1").rule, Rule::Range { step: Points(1) });
        assert_eq!(get("3.1").kind, ItemKind::Bonus);
        assert_eq!(
            get("3.1").rule,
            Rule::Levels {
                levels: vec![Points(200), Points::ZERO]
            }
        );
        assert_eq!(get("4.1").kind, ItemKind::Penalty);
        assert!(get("4.1").may_not_apply);
        assert!(!get("1.1.1").may_not_apply);
        let reasons: Vec<(&str, Option<usize>)> = out
            .unplaced
            .iter()
            .map(|u| (u.reason.as_str(), u.column))
            .collect();
        assert_eq!(
            reasons,
            [
                ("không có mã tiêu chí (1, 1.1, 1.1.1)", Some(1)),
                ("điểm tối đa không đọc được", Some(3))
            ]
        );
        // Area 4 says 1 point and its only readable row gives 1: the set checks clean.
        assert_eq!(out.problems, Vec::<Problem>::new());
    }

    #[test]
    fn a_file_without_the_criteria_table_is_refused_with_what_it_needs() {
        let err = criteria(&text_blocks(
            "Kế hoạch CCHC năm 2025\nSTT | Nội dung | Thời gian\n",
        ))
        .unwrap_err();
        assert!(err.to_string().contains("điểm tối đa"), "{err}");
    }
}
