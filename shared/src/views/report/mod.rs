//! Report: what the periodic report to the province says, assembled from the plan, the
//! organisation and every unit's progress — the same [`crate::views::status`] numbers the
//! dashboard shows, plus the texts (results, evidence, difficulties, proposals) units wrote.
//!
//! Stage: *report content*, after status and before rendering. Pure: the server renders it to
//! DOCX and XLSX; the browser can show the same content offline. The plan-completion score
//! ("Mức độ thực hiện kế hoạch CCHC" in the PAR-index self-assessment) lives here too.

use serde::{Deserialize, Serialize};

use crate::model::Date;
use crate::model::org::{Agency, Org};
use crate::model::plan::{PeriodKind, Plan, Signer};
use crate::model::progress::Progress;
use crate::views::status::{self, Counts, Summary, TaskState};

pub mod scoring;
pub mod texts;

pub use scoring::{Score, ScoreRule, reporting_score, score};

/// One unit's text in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitText {
    /// The unit's name.
    pub unit: String,
    /// What it wrote.
    pub text: String,
}

/// One task in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportTask {
    /// Task id.
    pub task_id: String,
    /// Code as printed ("1.a").
    pub code: String,
    /// Title.
    pub title: String,
    /// Lead units, by name.
    pub lead: Vec<String>,
    /// The deadline that applies for the period.
    pub deadline: Option<Date>,
    /// The timeline as the plan wrote it.
    pub timeline: String,
    /// The derived state.
    pub state: TaskState,
    /// Mean percent over the lead units.
    pub percent: u8,
    /// The lead units' results.
    pub results: Vec<UnitText>,
    /// Evidence, one line each: "Số …, ngày dd/mm/yyyy: trích yếu (tệp: a.pdf, b.jpg)".
    pub evidence: Vec<String>,
    /// Lead units that have not reported for the period.
    pub missing: Vec<String>,
    /// Whether it fell due or was done in the period's data window, is overdue and still open,
    /// or a lead unit reported work on it for this very period: what the report's body covers
    /// (the XLSX annex lists every task).
    #[serde(default)]
    pub in_period: bool,
}

/// A task of the next period (part 4, "phương hướng, nhiệm vụ kỳ tới").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextTask {
    /// Code as printed ("1.a").
    pub code: String,
    /// Title.
    pub title: String,
    /// Lead units, by name.
    pub lead: Vec<String>,
    /// Its deadline.
    pub deadline: Option<Date>,
}

/// Where a unit's figures in the report come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSource {
    /// The unit's name.
    pub unit: String,
    /// "đã tiếp nhận", "đã gửi (chưa tiếp nhận)" or "chưa gửi — số liệu đang cập nhật".
    pub basis: String,
    /// The heads of the unit's progress document used (empty: its live state).
    pub heads: Vec<String>,
    /// Whether it sent the period's report by its deadline (`None`: not sent).
    #[serde(default)]
    pub on_time: Option<bool>,
}

/// The texts of parts 1, 3 and 5 as the office wrote them for a period (kept in the plan
/// document, [`texts`]); an empty one is drafted from the units' reports ([`draft_texts`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartTexts {
    /// Part 1: công tác chỉ đạo, điều hành.
    pub direction: String,
    /// Part 3: đánh giá chung (ưu điểm, tồn tại hạn chế, nguyên nhân).
    pub assessment: String,
    /// Part 5: đề xuất, kiến nghị.
    pub proposals: String,
}

/// One area in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportArea {
    /// Area number.
    pub number: u32,
    /// Area title.
    pub title: String,
    /// Counts for the area.
    pub counts: Counts,
    /// Its active tasks, in plan order.
    pub tasks: Vec<ReportTask>,
}

/// One unit's line in the summary by unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportUnit {
    /// Unit name.
    pub name: String,
    /// Counts over the tasks it leads.
    pub lead: Counts,
    /// Tasks it coordinates.
    pub coordinating_tasks: usize,
}

/// The whole report for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// "UBND TỈNH QUẢNG NGÃI".
    pub parent_body: String,
    /// "SỞ KHOA HỌC VÀ CÔNG NGHỆ".
    pub agency: String,
    /// "Sở Khoa học và Công nghệ", as in running text.
    pub agency_name: String,
    /// "Số:      /BC-SKHCN" (the number is filled in by the clerk).
    pub number: String,
    /// "Quảng Ngãi, ngày 05 tháng 3 năm 2025".
    pub place_date: String,
    /// "Kết quả thực hiện công tác cải cách hành chính quý I năm 2025".
    pub subject: String,
    /// The plan reported on ("Kế hoạch số …/KH-SKHCN ngày … về …").
    pub plan_reference: String,
    /// The period.
    pub period: PeriodKind,
    /// The day the numbers are computed for.
    pub as_of: Date,
    /// The status behind every number.
    pub summary: Summary,
    /// The plan-completion score.
    pub score: Score,
    /// Per area, in plan order.
    pub areas: Vec<ReportArea>,
    /// Per unit, in the organisation's order.
    pub units: Vec<ReportUnit>,
    /// Difficulties units reported.
    pub difficulties: Vec<UnitText>,
    /// Proposals units made.
    pub proposals: Vec<UnitText>,
    /// "Nơi nhận".
    pub recipients: Vec<String>,
    /// Who signs.
    pub signer: Signer,
    /// Parts 1, 3 and 5 as printed: the office's text, or the draft where it wrote none.
    #[serde(default)]
    pub texts: PartTexts,
    /// Part 4: the tasks due after this period until the next report's cut-off.
    #[serde(default)]
    pub next_tasks: Vec<NextTask>,
    /// Where each unit's figures come from.
    #[serde(default)]
    pub sources: Vec<ReportSource>,
    /// "Báo cáo đúng hạn": units that sent on time, units expected (all but the central
    /// office), and the points ([`reporting_score`]).
    #[serde(default)]
    pub reporting: Option<(usize, usize, f64, f64)>,
}

/// "quý I năm 2025", "6 tháng đầu năm 2025", "quý III năm 2025", "năm 2025".
pub fn period_phrase(period: PeriodKind, year: i32) -> String {
    match period {
        PeriodKind::Q1 => format!("quý I năm {year}"),
        PeriodKind::H1 => format!("6 tháng đầu năm {year}"),
        PeriodKind::Q3 => format!("quý III năm {year}"),
        PeriodKind::Year => format!("năm {year}"),
    }
}

/// "ngày 05 tháng 3 năm 2025": days under 10 and months 1 and 2 take a leading zero
/// (Decree 30/2020/NĐ-CP).
pub fn long_date(d: Date) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// The report's number line, from the plan's symbol: "/KH-SKHCN" → "Số:      /BC-SKHCN".
fn report_number(plan: &Plan) -> String {
    let symbol = plan
        .number
        .rsplit('/')
        .next()
        .map(|s| s.trim().replacen("KH-", "BC-", 1))
        .filter(|s| s.starts_with("BC-"))
        .unwrap_or_else(|| "BC".to_string());
    format!("Số:      /{symbol}")
}

/// Upper-cases Vietnamese text for the letterhead.
fn upper(s: &str) -> String {
    s.to_uppercase()
}

/// Assembles the report of `plan` for `period` as of `as_of`, with the office's texts for
/// parts 1, 3 and 5 (`texts`; empty ones drafted) and where each unit's figures come from.
#[allow(clippy::too_many_arguments)]
pub fn build(
    plan: &Plan,
    org: &Org,
    agency: &Agency,
    progress: &[Progress],
    period: PeriodKind,
    as_of: Date,
    rule: &ScoreRule,
    texts: &PartTexts,
    sources: Vec<ReportSource>,
) -> Report {
    let summary = status::summarize(plan, agency, progress, as_of, Some(period));
    // Names as they were on the report's day: a Q1 report printed in December keeps Q1's.
    let unit_name = |id: &str| agency.unit_name_on(id, as_of);
    let doc_of = |unit: &str| progress.iter().rev().find(|p| p.unit_id == unit);
    let year = plan.effective_year().unwrap_or(as_of.year());
    let (from, to) = crate::workflow::data_window(period, year);
    let within = |d: Date| from <= d && d <= to;

    let mut areas: Vec<ReportArea> = summary
        .by_area
        .iter()
        .map(|a| ReportArea {
            number: a.number,
            title: a.title.clone(),
            counts: a.counts.clone(),
            tasks: Vec::new(),
        })
        .collect();
    for t in &summary.tasks {
        let Some(task) = plan.task(&t.task_id) else {
            continue;
        };
        let mut evidence = Vec::new();
        for r in &t.reports {
            let Some(entry) = doc_of(&r.unit_id).and_then(|p| p.entry(&t.task_id, r.period)) else {
                continue;
            };
            for e in &entry.evidence {
                let mut line = String::new();
                if !e.number.trim().is_empty() {
                    line.push_str(&format!("Số {}", e.number.trim()));
                }
                if let Some(d) = e.date {
                    if !line.is_empty() {
                        line.push_str(", ");
                    }
                    line.push_str(&format!("ngày {}", d.vi()));
                }
                if !e.summary.trim().is_empty() {
                    if !line.is_empty() {
                        line.push_str(": ");
                    }
                    line.push_str(e.summary.trim());
                }
                // The files that carry it, by name (the "Hồ sơ minh chứng" export holds them),
                // without the bidi controls and invisible characters a name can hide a type with.
                let files: Vec<String> = e
                    .files
                    .iter()
                    .map(|f| crate::model::text::visible(&f.name))
                    .collect();
                if !files.is_empty() {
                    line.push_str(&format!(" (tệp: {})", files.join(", ")));
                }
                if !line.is_empty() && !evidence.contains(&line) {
                    evidence.push(line);
                }
            }
        }
        let rt = ReportTask {
            task_id: t.task_id.clone(),
            code: t.code.clone(),
            title: t.title.clone(),
            lead: t.lead_units.iter().map(|u| unit_name(u)).collect(),
            deadline: t.deadline,
            timeline: task.schedule.raw.clone(),
            state: t.state,
            percent: t.percent,
            results: t
                .reports
                .iter()
                .filter(|r| !r.result.trim().is_empty())
                .map(|r| UnitText {
                    unit: unit_name(&r.unit_id),
                    text: r.result.trim().to_string(),
                })
                .collect(),
            evidence,
            missing: t.missing_reports.iter().map(|u| unit_name(u)).collect(),
            in_period: t.deadline.is_some_and(within)
                || (t.state.is_done()
                    && t.reports
                        .iter()
                        .filter_map(|r| r.completed_on)
                        .max()
                        .is_some_and(within))
                || t.state == TaskState::Overdue
                || t.reports
                    .iter()
                    .any(|r| r.period == period && !r.result.trim().is_empty()),
        };
        if let Some(area) = areas.iter_mut().find(|a| a.number == t.area) {
            area.tasks.push(rt);
        }
    }

    // Difficulties and proposals written for this period (or, failing that, the latest earlier).
    let mut difficulties = Vec::new();
    let mut proposals = Vec::new();
    for unit in &agency.on(as_of).units {
        let Some(doc) = doc_of(&unit.id) else {
            continue;
        };
        for (task_id, _) in doc.tasks.iter() {
            if summary.tasks.iter().all(|t| &t.task_id != task_id) {
                continue;
            }
            if let Some((_, e)) = doc.latest_entry(task_id, Some(period)) {
                for (list, text) in [
                    (&mut difficulties, &e.difficulties),
                    (&mut proposals, &e.proposals),
                ] {
                    let text = text.trim();
                    if !text.is_empty()
                        && !list
                            .iter()
                            .any(|u: &UnitText| u.unit == unit.name && u.text == text)
                    {
                        list.push(UnitText {
                            unit: unit.name.clone(),
                            text: text.to_string(),
                        });
                    }
                }
            }
        }
    }

    let plan_reference = {
        let mut s = format!("Kế hoạch số {}", plan.number.trim());
        if let Some(d) = plan.date {
            s.push_str(&format!(" ngày {}", d.vi()));
        }
        let mut title = plan.title.chars();
        let title: String = title
            .next()
            .map(|f| f.to_lowercase().chain(title).collect())
            .unwrap_or_default();
        s.push_str(&format!(" của {} về {title}", plan.issuer));
        s
    };
    let (next_from, next_to) = crate::workflow::next_window(period, year);
    let next_tasks = summary
        .tasks
        .iter()
        .filter(|t| !t.state.is_done())
        .filter(|t| t.deadline.is_some_and(|d| next_from <= d && d <= next_to))
        .map(|t| NextTask {
            code: t.code.clone(),
            title: t.title.clone(),
            lead: t.lead_units.iter().map(|u| unit_name(u)).collect(),
            deadline: t.deadline,
        })
        .collect();
    let mut report = Report {
        parent_body: upper(&org.name),
        agency: upper(&agency.name),
        agency_name: agency.name.clone(),
        number: report_number(plan),
        place_date: format!("{}, {}", plan.place, long_date(as_of)),
        subject: format!(
            "Kết quả thực hiện công tác cải cách hành chính {}",
            period_phrase(period, year)
        ),
        plan_reference,
        period,
        as_of,
        score: score(&summary.headline, rule),
        units: summary
            .by_unit
            .iter()
            .map(|u| ReportUnit {
                name: u.name.clone(),
                lead: u.lead.clone(),
                coordinating_tasks: u.coordinating_tasks,
            })
            .collect(),
        summary,
        areas,
        difficulties,
        proposals,
        recipients: report_recipients(plan),
        signer: plan.signer.clone(),
        texts: PartTexts::default(),
        next_tasks,
        sources,
        reporting: None,
    };
    let expected = report
        .sources
        .iter()
        .filter(|s| !s.basis.starts_with("đầu mối tổng hợp"))
        .count();
    let on_time = report
        .sources
        .iter()
        .filter(|s| s.on_time == Some(true))
        .count();
    report.reporting = reporting_score(on_time, expected, rule)
        .map(|(points, max)| (on_time, expected, points, max));
    let draft = draft_texts(&report);
    let pick = |own: &str, draft: String| {
        if own.trim().is_empty() {
            draft
        } else {
            own.trim().to_string()
        }
    };
    report.texts = PartTexts {
        direction: pick(&texts.direction, draft.direction),
        assessment: pick(&texts.assessment, draft.assessment),
        proposals: pick(&texts.proposals, draft.proposals),
    };
    report
}

/// Drafts of parts 1, 3 and 5 from what the units reported: part 1 from the results of area 1
/// (chỉ đạo, điều hành), part 3 from the counts and the units' difficulties, part 5 from their
/// proposals. One paragraph a line.
pub fn draft_texts(r: &Report) -> PartTexts {
    let mut direction = vec![format!(
        "{} đã ban hành và triển khai {}; giao nhiệm vụ cụ thể cho các phòng, đơn vị, theo dõi, \
         đôn đốc việc thực hiện theo định kỳ.",
        r.agency_name, r.plan_reference
    )];
    for t in r
        .areas
        .iter()
        .filter(|a| a.number == 1)
        .flat_map(|a| &a.tasks)
    {
        for res in &t.results {
            direction.push(format!("- {} {}: {}", t.code, t.title, res.text));
        }
    }
    let h = &r.summary.headline;
    let mut assessment = vec![format!(
        "Ưu điểm: đã hoàn thành {} nhiệm vụ ({} đúng hạn, {} quá hạn); {} nhiệm vụ đang thực \
         hiện trong hạn.",
        h.done_on_time + h.done_late,
        h.done_on_time,
        h.done_late,
        h.in_progress
    )];
    let mut limits = Vec::new();
    if h.overdue > 0 {
        limits.push(format!(
            "còn {} nhiệm vụ quá hạn chưa hoàn thành",
            h.overdue
        ));
    }
    if limits.is_empty() && r.difficulties.is_empty() {
        assessment.push("Tồn tại, hạn chế: các đơn vị không báo cáo khó khăn, vướng mắc.".into());
    } else {
        assessment.push(format!(
            "Tồn tại, hạn chế: {}.",
            if limits.is_empty() {
                "một số khó khăn, vướng mắc trong quá trình thực hiện".to_string()
            } else {
                limits.join("; ")
            }
        ));
    }
    if !r.difficulties.is_empty() {
        assessment.push("Nguyên nhân:".into());
        for d in &r.difficulties {
            assessment.push(format!("- {}: {}", d.unit, d.text));
        }
    }
    let proposals = if r.proposals.is_empty() {
        vec!["Không có đề xuất, kiến nghị.".to_string()]
    } else {
        r.proposals
            .iter()
            .map(|p| format!("- {}: {}", p.unit, p.text))
            .collect()
    };
    PartTexts {
        direction: direction.join("\n"),
        assessment: assessment.join("\n"),
        proposals: proposals.join("\n"),
    }
}

/// "Nơi nhận" of the report: the province's home-affairs department first, then the plan's
/// own leaders and archive lines (lines naming the units that carry the plan out are dropped).
fn report_recipients(plan: &Plan) -> Vec<String> {
    let mut out = vec!["Sở Nội vụ (b/c);".to_string()];
    for r in &plan.recipients {
        let lower = r.to_lowercase();
        if lower.contains("nội vụ") || lower.contains("các phòng") || lower.contains("đơn vị")
        {
            continue;
        }
        out.push(r.clone());
    }
    if !out.iter().any(|r| r.to_lowercase().contains("lưu")) {
        out.push("Lưu: VT.".to_string());
    }
    out
}

#[cfg(test)]
mod tests;
