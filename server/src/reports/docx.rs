//! The period report as a DOCX, in the administrative-document layout of Decree 30/2020/NĐ-CP
//! (with `docx-rs`).
//!
//! Stage: *rendering*, from a whole `shared::report::Report`.

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, WidthType,
};
use tiendo_shared::report::Report;
use tiendo_shared::status::Counts;

use super::ReportError;
use crate::error::Result;

/// The font of both files, as the decree asks.
pub(super) const FONT: &str = "Times New Roman";
/// mm → twentieths of a point.
const fn mm(v: i32) -> i32 {
    v * 1440 * 10 / 254
}
/// Font sizes in half-points.
const BODY: usize = 28; // 14 pt
const HEADER: usize = 26; // 13 pt
const SMALL: usize = 24; // 12 pt
const RECIPIENTS: usize = 22; // 11 pt

fn run(text: impl Into<String>, size: usize) -> Run {
    Run::new().add_text(text).size(size).fonts(
        RunFonts::new()
            .ascii(FONT)
            .hi_ansi(FONT)
            .cs(FONT)
            .east_asia(FONT),
    )
}

fn centered(r: Run) -> Paragraph {
    Paragraph::new().add_run(r).align(AlignmentType::Center)
}

/// A body paragraph: justified, first line indented 1 cm, 6 pt after.
fn body(text: impl Into<String>) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(mm(10))), None, None)
        .line_spacing(LineSpacing::new().after(120))
}

/// A heading inside the body (bold, indented like the body).
fn heading(text: impl Into<String>) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY).bold())
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(mm(10))), None, None)
        .line_spacing(LineSpacing::new().before(120).after(120))
}

fn cell(width_mm: i32, paragraphs: Vec<Paragraph>) -> TableCell {
    paragraphs.into_iter().fold(
        TableCell::new().width(mm(width_mm) as usize, WidthType::Dxa),
        |c, p| c.add_paragraph(p),
    )
}

pub(super) fn percent(rate: f64) -> String {
    format!("{:.1}", rate * 100.0).replace('.', ",")
}

fn counts_sentence(c: &Counts, as_of: &str) -> String {
    format!(
        "Kế hoạch đề ra {} nhiệm vụ; tính đến {as_of} có {} nhiệm vụ đến hạn. Trong đó: hoàn thành \
         đúng hạn {}, hoàn thành quá hạn {}, đang thực hiện trong hạn {}, quá hạn chưa hoàn thành {}, \
         chưa thực hiện {}, không thực hiện được {}. Tỷ lệ hoàn thành trên tổng số nhiệm vụ: {}%; \
         tỷ lệ hoàn thành nhiệm vụ đến hạn: {}%.",
        c.total,
        c.due,
        c.done_on_time,
        c.done_late,
        c.in_progress,
        c.overdue,
        c.not_started,
        c.unable,
        percent(c.completion_rate),
        percent(c.due_completion_rate),
    )
}

/// The report as a DOCX: A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times
/// New Roman; letterhead, number, place and date, title, body by area, assessment, recipients
/// and signature.
pub fn docx(r: &Report) -> Result<Vec<u8>> {
    let as_of = r.as_of.vi();
    // Letterhead: issuing body on the left, national motto on the right.
    let letterhead = Table::without_borders(vec![TableRow::new(vec![
        cell(
            75,
            vec![
                centered(run(&r.parent_body, HEADER)),
                centered(run(&r.agency, HEADER).bold()),
                centered(run("———————", HEADER)),
                centered(run(&r.number, HEADER)),
            ],
        ),
        cell(
            90,
            vec![
                centered(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", HEADER).bold()),
                centered(run("Độc lập - Tự do - Hạnh phúc", BODY).bold()),
                centered(run("———————————————", HEADER)),
                centered(run(&r.place_date, BODY).italic()),
            ],
        ),
    ])])
    .set_grid(vec![mm(75) as usize, mm(90) as usize]);

    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(mm(20))
                .bottom(mm(20))
                .left(mm(30))
                .right(mm(15))
                .header(mm(10))
                .footer(mm(10)),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(FONT)
                .hi_ansi(FONT)
                .cs(FONT)
                .east_asia(FONT),
        )
        .default_size(BODY)
        .add_table(letterhead)
        .add_paragraph(Paragraph::new())
        .add_paragraph(centered(run("BÁO CÁO", BODY).bold()))
        .add_paragraph(centered(run(&r.subject, BODY).bold()))
        .add_paragraph(centered(run("—————", BODY)))
        .add_paragraph(body(format!(
            "Thực hiện {}, {} báo cáo {} như sau:",
            r.plan_reference,
            r.agency_name,
            lower_first(&r.subject)
        )));

    let h = &r.summary.headline;
    doc = doc
        .add_paragraph(heading("I. KẾT QUẢ THỰC HIỆN"))
        .add_paragraph(heading("1. Tình hình chung"))
        .add_paragraph(body(counts_sentence(h, &as_of)))
        .add_paragraph(body(format!(
            "Mức độ thực hiện kế hoạch cải cách hành chính: hoàn thành {}/{} nhiệm vụ đến hạn \
             ({}%), tự đánh giá {} / {} điểm.",
            r.score.done,
            r.score.due,
            percent(r.score.rate),
            points(r.score.points),
            points(r.score.max_points)
        )))
        .add_paragraph(heading("2. Kết quả thực hiện các nhiệm vụ theo lĩnh vực"));

    for area in &r.areas {
        doc = doc.add_paragraph(heading(format!("{}. {}", area.number, area.title)));
        if area.tasks.is_empty() {
            doc = doc.add_paragraph(body("Không có nhiệm vụ trong kỳ."));
        }
        for t in &area.tasks {
            let deadline = t.deadline.map_or_else(|| t.timeline.clone(), |d| d.vi());
            doc = doc
                .add_paragraph(
                    Paragraph::new()
                        .add_run(run(format!("{} ", t.code), BODY).bold())
                        .add_run(run(&t.title, BODY))
                        .align(AlignmentType::Both)
                        .indent(None, Some(SpecialIndentType::FirstLine(mm(10))), None, None)
                        .line_spacing(LineSpacing::new().after(60)),
                )
                .add_paragraph(body(format!(
                    "- Đơn vị chủ trì: {}; thời hạn: {deadline}; tình trạng: {} ({}%).",
                    if t.lead.is_empty() {
                        "(chưa xác định)".to_string()
                    } else {
                        t.lead.join(", ")
                    },
                    t.state.vi(),
                    t.percent
                )));
            if t.results.is_empty() {
                doc = doc.add_paragraph(body("- Kết quả: chưa có báo cáo."));
            }
            for res in &t.results {
                doc = doc.add_paragraph(body(format!("- Kết quả ({}): {}", res.unit, res.text)));
            }
            if !t.evidence.is_empty() {
                doc = doc.add_paragraph(body(format!(
                    "- Tài liệu kiểm chứng: {}.",
                    t.evidence.join("; ")
                )));
            }
            if !t.missing.is_empty() {
                doc = doc.add_paragraph(body(format!(
                    "- Chưa báo cáo kỳ này: {}.",
                    t.missing.join(", ")
                )));
            }
        }
    }

    doc = doc
        .add_paragraph(heading("II. ĐÁNH GIÁ CHUNG"))
        .add_paragraph(heading("1. Kết quả đạt được"))
        .add_paragraph(body(format!(
            "Đã hoàn thành {} nhiệm vụ ({} đúng hạn, {} quá hạn); {} nhiệm vụ đang thực hiện trong hạn.",
            h.done_on_time + h.done_late,
            h.done_on_time,
            h.done_late,
            h.in_progress
        )))
        .add_paragraph(heading("2. Tồn tại, hạn chế, khó khăn, vướng mắc"));
    if h.overdue > 0 {
        doc = doc.add_paragraph(body(format!(
            "Còn {} nhiệm vụ quá hạn chưa hoàn thành.",
            h.overdue
        )));
    }
    if r.difficulties.is_empty() && h.overdue == 0 {
        doc = doc.add_paragraph(body("Các đơn vị không báo cáo khó khăn, vướng mắc."));
    }
    for d in &r.difficulties {
        doc = doc.add_paragraph(body(format!("- {}: {}", d.unit, d.text)));
    }
    doc = doc.add_paragraph(heading("III. ĐỀ XUẤT, KIẾN NGHỊ"));
    if r.proposals.is_empty() {
        doc = doc.add_paragraph(body("Không có đề xuất, kiến nghị."));
    }
    for p in &r.proposals {
        doc = doc.add_paragraph(body(format!("- {}: {}", p.unit, p.text)));
    }
    doc = doc.add_paragraph(body(format!(
        "Trên đây là báo cáo {} của {}.",
        lower_first(&r.subject),
        r.agency_name
    )));

    // Recipients on the left, signature on the right.
    let mut left = vec![Paragraph::new().add_run(run("Nơi nhận:", SMALL).bold().italic())];
    left.extend(r.recipients.iter().map(|x| {
        Paragraph::new().add_run(run(
            format!("- {}", x.trim_start_matches(['-', ' '])),
            RECIPIENTS,
        ))
    }));
    let mut right: Vec<Paragraph> = r
        .signer
        .title
        .split('\n')
        .map(|line| centered(run(line.trim(), BODY).bold()))
        .collect();
    right.push(centered(run("", BODY).add_break(BreakType::TextWrapping)));
    right.push(centered(run("", BODY).add_break(BreakType::TextWrapping)));
    right.push(centered(run("", BODY)));
    right.push(centered(run(&r.signer.name, BODY).bold()));
    let footer = Table::without_borders(vec![TableRow::new(vec![cell(85, left), cell(80, right)])])
        .set_grid(vec![mm(85) as usize, mm(80) as usize]);
    doc = doc.add_paragraph(Paragraph::new()).add_table(footer);

    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| ReportError::Render {
            kind: "DOCX",
            why: e.to_string(),
        })?;
    Ok(out.into_inner())
}

pub(super) fn points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}").replace('.', ",")
    }
}

pub(super) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
