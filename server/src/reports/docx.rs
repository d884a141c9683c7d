//! The period report as a DOCX, in the administrative-document layout of Decree 30/2020/NĐ-CP
//! (with `docx-rs`).
//!
//! Stage: *rendering*, from a whole `shared::report::Report`.

use docx_rs::{
    AlignmentType, BreakType, Docx, Header, LineSpacing, PageMargin, PageNum, Paragraph, Run,
    RunFonts, SpecialIndentType, Table, TableCell, TableRow, WidthType,
};
use tiendo_shared::views::report::Report;
use tiendo_shared::views::status::Counts;

use super::ReportError;
use super::Result;

/// The font of both files, as the decree asks.
pub(super) const FONT: &str = "Times New Roman";
/// mm → twentieths of a point.
pub(super) const fn mm(v: i32) -> i32 {
    v * 1440 * 10 / 254
}
/// Font sizes in half-points.
pub(super) const BODY: usize = 28; // 14 pt
pub(super) const HEADER: usize = 26; // 13 pt
pub(super) const SMALL: usize = 24; // 12 pt
pub(super) const RECIPIENTS: usize = 22; // 11 pt

pub(super) fn run(text: impl Into<String>, size: usize) -> Run {
    Run::new().add_text(text).size(size).fonts(
        RunFonts::new()
            .ascii(FONT)
            .hi_ansi(FONT)
            .cs(FONT)
            .east_asia(FONT),
    )
}

pub(super) fn centered(r: Run) -> Paragraph {
    Paragraph::new().add_run(r).align(AlignmentType::Center)
}

/// A body paragraph: justified, first line indented 1 cm, 6 pt after.
pub(super) fn body(text: impl Into<String>) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY))
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(mm(10))), None, None)
        .line_spacing(LineSpacing::new().after(120))
}

/// A heading inside the body (bold, indented like the body).
pub(super) fn heading(text: impl Into<String>) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY).bold())
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(mm(10))), None, None)
        .line_spacing(LineSpacing::new().before(120).after(120))
}

pub(super) fn cell(width_mm: i32, paragraphs: Vec<Paragraph>) -> TableCell {
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

/// Widths of the letterhead's two columns: the national motto must hold on one line at 12 pt
/// bold (about 92 mm of text plus the cell's padding), as in the Decree's template.
const LEFT_MM: i32 = 60;
const RIGHT_MM: i32 = 105;

/// The report as a DOCX: A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times
/// New Roman, page numbers centred at the top from page 2; letterhead, number, place and date,
/// title, and the body in the five parts of the reporting regime's outline (I. chỉ đạo, điều
/// hành; II. kết quả by area — what fell due or was done in the period, the full table being
/// the XLSX annex; III. đánh giá chung; IV. phương hướng, nhiệm vụ kỳ tới; V. đề xuất, kiến
/// nghị), recipients and signature.
pub fn docx(r: &Report) -> Result<Vec<u8>> {
    let as_of = r.as_of.vi();
    let letterhead = letterhead(&r.parent_body, &r.agency, &r.number, &r.place_date);

    let mut doc = page(r.as_of)
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
    let lines = |doc: Docx, text: &str| {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .fold(doc, |d, l| d.add_paragraph(body(l)))
    };
    doc = doc.add_paragraph(heading("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"));
    doc = lines(doc, &r.texts.direction);
    doc = doc
        .add_paragraph(heading(
            "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
        ))
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
        .add_paragraph(body(match r.reporting {
            Some((on_time, expected, points, max)) => format!(
                "Chế độ báo cáo: {on_time}/{expected} đơn vị gửi báo cáo đúng hạn, tự đánh giá {} / {} điểm.",
                self::points(points),
                self::points(max)
            ),
            None => "Chế độ báo cáo: không có đơn vị phải gửi báo cáo trong kỳ.".to_string(),
        }))
        .add_paragraph(heading("2. Kết quả thực hiện các nhiệm vụ theo lĩnh vực"))
        .add_paragraph(body(
            "Các nhiệm vụ đến hạn hoặc hoàn thành trong kỳ, và các nhiệm vụ quá hạn chưa hoàn \
             thành (chi tiết toàn bộ nhiệm vụ tại Phụ lục kèm theo):",
        ));

    for area in &r.areas {
        doc = doc.add_paragraph(heading(format!("{}. {}", area.number, area.title)));
        let tasks: Vec<_> = area.tasks.iter().filter(|t| t.in_period).collect();
        if tasks.is_empty() {
            doc = doc.add_paragraph(body("Không có nhiệm vụ đến hạn trong kỳ."));
        }
        for t in tasks {
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

    doc = doc.add_paragraph(heading("III. ĐÁNH GIÁ CHUNG"));
    doc = lines(doc, &r.texts.assessment);
    doc = doc.add_paragraph(heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI"));
    if r.next_tasks.is_empty() {
        doc = doc.add_paragraph(body(
            "Tiếp tục triển khai các nhiệm vụ còn lại của Kế hoạch, bảo đảm chất lượng và tiến độ.",
        ));
    }
    for t in &r.next_tasks {
        doc = doc.add_paragraph(body(format!(
            "- {} {} (chủ trì: {}{}).",
            t.code,
            t.title,
            if t.lead.is_empty() {
                "chưa xác định".to_string()
            } else {
                t.lead.join(", ")
            },
            t.deadline
                .map(|d| format!("; hạn {}", d.vi()))
                .unwrap_or_default()
        )));
    }
    doc = doc.add_paragraph(heading("V. ĐỀ XUẤT, KIẾN NGHỊ"));
    doc = lines(doc, &r.texts.proposals);
    doc = doc.add_paragraph(body(format!(
        "Trên đây là báo cáo {} của {}.",
        lower_first(&r.subject),
        r.agency_name
    )));

    let footer = signature(&r.recipients, &r.signer.title, &r.signer.name);
    doc = doc.add_paragraph(Paragraph::new()).add_table(footer);

    packed(doc)
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

/// The letterhead (Decree 30/2020/NĐ-CP): the issuing body over the agency, its number on the
/// left; the national motto over the place and date on the right.
pub(super) fn letterhead(parent_body: &str, agency: &str, number: &str, place_date: &str) -> Table {
    Table::without_borders(vec![TableRow::new(vec![
        cell(
            LEFT_MM,
            vec![
                centered(run(parent_body, HEADER)),
                centered(run(agency, HEADER).bold()),
                centered(run("———————", HEADER)),
                centered(run(number, HEADER)),
            ],
        ),
        cell(
            RIGHT_MM,
            vec![
                centered(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", SMALL).bold()),
                centered(run("Độc lập - Tự do - Hạnh phúc", BODY).bold()),
                centered(run("———————————————", HEADER)),
                centered(run(place_date, BODY).italic()),
            ],
        ),
    ])])
    .set_grid(vec![mm(LEFT_MM) as usize, mm(RIGHT_MM) as usize])
}

/// An empty document in the decree's page layout: A4 portrait, margins top/bottom 20 mm, left
/// 30 mm, right 15 mm, Times New Roman 14 pt, page numbers centred at the top from page 2; dated
/// `day`, not by the clock, so the same content makes the same file whenever it is made.
pub(super) fn page(day: tiendo_shared::model::Date) -> Docx {
    // The first page's header is empty.
    let numbered = Header::new().add_paragraph(
        Paragraph::new()
            .add_page_num(PageNum::new())
            .size(BODY)
            .fonts(
                RunFonts::new()
                    .ascii(FONT)
                    .hi_ansi(FONT)
                    .cs(FONT)
                    .east_asia(FONT),
            )
            .align(AlignmentType::Center),
    );
    let stamp = format!("{day}T00:00:00Z");
    Docx::new()
        .created_at(&stamp)
        .updated_at(&stamp)
        .header(numbered)
        .first_header(Header::new())
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
}

/// The closing block: "Nơi nhận" on the left, the signer's title (one line per `\n`), room for
/// the signature and the name on the right.
pub(super) fn signature(recipients: &[String], title: &str, name: &str) -> Table {
    let mut left = vec![Paragraph::new().add_run(run("Nơi nhận:", SMALL).bold().italic())];
    left.extend(recipients.iter().map(|x| {
        Paragraph::new().add_run(run(
            format!("- {}", x.trim_start_matches(['-', ' '])),
            RECIPIENTS,
        ))
    }));
    let mut right: Vec<Paragraph> = title
        .split('\n')
        .map(|line| centered(run(line.trim(), BODY).bold()))
        .collect();
    right.push(centered(run("", BODY).add_break(BreakType::TextWrapping)));
    right.push(centered(run("", BODY).add_break(BreakType::TextWrapping)));
    right.push(centered(run("", BODY)));
    right.push(centered(run(name, BODY).bold()));
    Table::without_borders(vec![TableRow::new(vec![cell(85, left), cell(80, right)])])
        .set_grid(vec![mm(85) as usize, mm(80) as usize])
}

/// `doc` as the bytes of a .docx file.
pub(super) fn packed(doc: Docx) -> Result<Vec<u8>> {
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| ReportError::Render {
            kind: "DOCX",
            why: e.to_string(),
        })?;
    Ok(out.into_inner())
}
