//! The self-assessment report ("Báo cáo kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành
//! chính năm …") as a DOCX in the layout of Decree 30/2020/NĐ-CP, the same page, letterhead and
//! signature block as the period report: I. the general result (the index, and a table by
//! area), II. a table by sub-criterion with its evidence and giải trình, III. difficulties and
//! proposals; the head's signature (a draft until the head approves).
//!
//! Stage: *rendering*, from [`super::rows`] and the [`tiendo_shared::views::par_index::Index`].

use docx_rs::{AlignmentType, Paragraph, Table, TableCell, TableRow, WidthType};
use tiendo_shared::model::criteria::Level;
use tiendo_shared::views::report::long_date;

use super::super::Result;
use super::super::docx::{
    BODY, SMALL, body, centered, heading, letterhead, lower_first, mm, packed, page, run, signature,
};
use super::{Filing, Row, RowKind, Shown, parent_body, percent, place, rows, shown_words, subject};

/// A bordered table cell in 12 pt: `lines` one paragraph each, bold or not, aligned `align`.
fn tcell(width_mm: i32, lines: &[impl AsRef<str>], bold: bool, align: AlignmentType) -> TableCell {
    let para = |t: &str| {
        let r = run(t, SMALL);
        Paragraph::new()
            .add_run(if bold { r.bold() } else { r })
            .align(align)
    };
    let mut cell = TableCell::new().width(mm(width_mm) as usize, WidthType::Dxa);
    if lines.is_empty() {
        cell = cell.add_paragraph(para(""));
    }
    for l in lines {
        cell = cell.add_paragraph(para(l.as_ref()));
    }
    cell
}

/// A bordered table of `widths` (mm) whose first row is `heads`, in bold.
fn table(widths: &[i32], heads: &[&str], body: Vec<TableRow>) -> Table {
    let head = TableRow::new(
        widths
            .iter()
            .zip(heads)
            .map(|(w, h)| tcell(*w, &[h], true, AlignmentType::Center))
            .collect(),
    );
    // A row is not split across pages: a score stays beside its code.
    let rows = std::iter::once(head).chain(body).map(TableRow::cant_split);
    Table::new(rows.collect()).set_grid(widths.iter().map(|w| mm(*w) as usize).collect())
}

/// A score as the report prints it: "1,5", or "Không áp dụng", "Điều tra XHH", "Chưa chấm".
fn score_text(s: Shown) -> String {
    match s {
        Shown::Points(p) => p.to_string(),
        Shown::NotApplicable => "Không áp dụng".into(),
        other => shown_words(other).into(),
    }
}

/// Part I's table: each normal area's maximum that applies, its self-score and the share.
fn areas_table(f: &Filing<'_>, table_rows: &[Row]) -> Table {
    const W: [i32; 5] = [12, 83, 22, 25, 23];
    let c = AlignmentType::Center;
    let mut body = Vec::new();
    for (i, a) in f.index.areas.iter().enumerate() {
        let shown = table_rows
            .iter()
            .find(|r| r.kind == RowKind::Area && r.code == a.code)
            .map_or(Shown::Points(a.earned), |r| r.score);
        let (score, share) = match shown {
            Shown::Points(_) => (
                a.earned.to_string(),
                percent(a.earned, a.applicable).unwrap_or_default(),
            ),
            other => (score_text(other), String::new()),
        };
        body.push(TableRow::new(vec![
            tcell(W[0], &[(i + 1).to_string()], false, c),
            tcell(W[1], &[a.text.as_str()], false, AlignmentType::Left),
            tcell(W[2], &[a.applicable.to_string()], false, c),
            tcell(W[3], &[score], false, c),
            tcell(W[4], &[share], false, c),
        ]));
    }
    let ix = f.index;
    let total = [
        String::new(),
        "Tổng cộng".to_string(),
        ix.applicable.to_string(),
        ix.earned.to_string(),
        percent(ix.earned, ix.applicable).unwrap_or_default(),
    ];
    body.push(TableRow::new(
        W.iter()
            .zip(&total)
            .map(|(w, t)| tcell(*w, std::slice::from_ref(t), true, c))
            .collect(),
    ));
    table(
        &W,
        &[
            "STT",
            "Lĩnh vực",
            "Điểm tối đa",
            "Điểm tự đánh giá",
            "Tỷ lệ đạt (%)",
        ],
        body,
    )
}

/// Part II's table: every row of the set, sub-criteria with their evidence and giải trình.
fn detail_table(table_rows: &[Row]) -> Table {
    const W: [i32; 5] = [15, 62, 17, 19, 52];
    let c = AlignmentType::Center;
    let body = table_rows
        .iter()
        .map(|r| {
            let mut notes = r.evidence.clone();
            if !r.explanation.is_empty() {
                notes.push(format!("Giải trình: {}", r.explanation));
            }
            TableRow::new(vec![
                tcell(W[0], &[r.code.as_str()], r.bold(), c),
                tcell(W[1], &[r.text.as_str()], r.bold(), AlignmentType::Left),
                tcell(W[2], &[r.max.to_string()], r.bold(), c),
                tcell(W[3], &[score_text(r.score)], r.bold(), c),
                tcell(W[4], &notes, false, AlignmentType::Left),
            ])
        })
        .collect();
    table(
        &W,
        &[
            "Mã",
            "Nội dung",
            "Điểm tối đa",
            "Điểm tự đánh giá",
            "Tài liệu kiểm chứng, giải trình",
        ],
        body,
    )
}

/// The report as a DOCX, dated `f.as_of`.
pub fn report_docx(f: &Filing<'_>) -> Result<Vec<u8>> {
    let set = f.set;
    let title = subject(set.year);
    let number = format!("Số:      /BC-{}", f.symbol.trim());
    let place_date = format!("{}, {}", place(&set.province), long_date(f.as_of));
    let letterhead = letterhead(
        &parent_body(set),
        &f.agency_name.to_uppercase(),
        &number,
        &place_date,
    );
    let mut doc = page(f.as_of).add_table(letterhead);
    if f.approved.is_none() {
        doc = doc.add_paragraph(centered(
            run("DỰ THẢO (chưa được Thủ trưởng cơ quan phê duyệt)", SMALL).italic(),
        ));
    }
    // A province's decision is named as issued; the template says it is one.
    let criteria = if set.template {
        format!(
            "bộ tiêu chí mẫu xác định Chỉ số cải cách hành chính năm {} ({})",
            set.year, set.basis
        )
    } else {
        format!(
            "Bộ tiêu chí xác định Chỉ số cải cách hành chính năm {} ban hành kèm theo {}",
            set.year, set.basis
        )
    };
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_paragraph(centered(run("BÁO CÁO", BODY).bold()))
        .add_paragraph(centered(run(&title, BODY).bold()))
        .add_paragraph(centered(run("—————", BODY)))
        .add_paragraph(body(format!(
            "Thực hiện {criteria}, {} báo cáo {} như sau:",
            f.agency_name,
            lower_first(&title)
        )));

    let ix = f.index;
    let table_rows = rows(f);
    doc = doc
        .add_paragraph(heading("I. KẾT QUẢ TỰ ĐÁNH GIÁ CHUNG"))
        .add_paragraph(body(format!(
            "Tổng điểm tự đánh giá: {} / {} điểm (điểm tối đa của các tiêu chí áp dụng {}); \
             điểm thưởng {}; điểm trừ {}. Chỉ số cải cách hành chính tự đánh giá: {} / {} điểm.",
            ix.earned,
            set.total(),
            ix.applicable,
            ix.bonus,
            ix.penalty,
            ix.index,
            set.total()
        )))
        .add_paragraph(body(format!("Cách tính: {}.", super::index_basis(f))));
    if let Some((name, day)) = &f.approved {
        doc = doc.add_paragraph(body(format!(
            "Kết quả tự đánh giá đã được Thủ trưởng cơ quan ({name}) phê duyệt ngày {}.",
            day.vi()
        )));
    }
    if !ix.unscored.is_empty() {
        let own: Vec<&str> = ix
            .unscored
            .iter()
            .filter(|c| {
                set.get(c).is_some_and(|c| {
                    c.measured == tiendo_shared::model::criteria::Measured::SelfScored
                })
            })
            .map(String::as_str)
            .collect();
        if !own.is_empty() {
            doc = doc.add_paragraph(body(format!(
                "Các tiêu chí thành phần chưa chấm (tính 0 điểm): {}.",
                own.join(", ")
            )));
        }
    }
    doc = doc
        .add_paragraph(body("Kết quả theo từng lĩnh vực:"))
        .add_table(areas_table(f, &table_rows))
        .add_paragraph(heading(
            "II. KẾT QUẢ TỰ ĐÁNH GIÁ THEO TIÊU CHÍ, TIÊU CHÍ THÀNH PHẦN",
        ))
        .add_paragraph(body(
            "Điểm tự đánh giá, tài liệu kiểm chứng và giải trình của từng tiêu chí thành phần \
             (tài liệu kiểm chứng gửi kèm theo, sắp xếp theo mã tiêu chí):",
        ))
        .add_table(detail_table(&table_rows))
        .add_paragraph(heading("III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT"));
    let proposals: Vec<&str> = f
        .assessment
        .proposals
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if proposals.is_empty() {
        doc = doc.add_paragraph(body("Không có khó khăn, vướng mắc, đề xuất."));
    }
    for l in proposals {
        doc = doc.add_paragraph(body(tiendo_shared::model::text::visible(l)));
    }
    doc = doc.add_paragraph(body(format!(
        "Trên đây là báo cáo {} của {}.",
        lower_first(&title),
        f.agency_name
    )));
    let head = match set.level {
        Level::Department => "GIÁM ĐỐC",
        Level::Commune => "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
    };
    let signer = f.approved.as_ref().map_or("", |(name, _)| name.as_str());
    let recipients = ["Sở Nội vụ (b/c);".to_string(), "Lưu: VT.".to_string()];
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_table(signature(&recipients, head, signer));
    packed(doc)
}
