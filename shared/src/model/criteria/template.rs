//! A starting criteria set for a province's departments, following the shape of the national
//! framework (QĐ 1187/QĐ-BNV): seven areas the agency scores itself (70 points), the survey's
//! area (30 points), a bonus and a penalty content. In our own wording, and marked
//! [`CriteriaSet::template`]: an office replaces it with its province's decision (imported from
//! the annex) before the year is scored.
//!
//! Stage: *model*, a fixture of data: the sub-criteria that the tracker can propose name their
//! [`Source`] (plan completion, reports on time, the plan's inspection and communication tasks).

use super::{CriteriaSet, Criterion, ItemKind, Level, Measured, Points, Rule, Source};

/// A row of the template: code, text, maximum in hundredths, rule (none: sums its children).
type Row = (&'static str, &'static str, i32, Option<Rule>);

fn levels(points: &[i32]) -> Option<Rule> {
    Some(Rule::Levels {
        levels: points.iter().map(|&p| Points(p)).collect(),
    })
}

fn range(step: i32) -> Option<Rule> {
    Some(Rule::Range { step: Points(step) })
}

fn rows() -> Vec<Row> {
    vec![
        (
            "1",
            "Công tác chỉ đạo, điều hành cải cách hành chính",
            1200,
            None,
        ),
        ("1.1", "Kế hoạch cải cách hành chính năm", 400, None),
        (
            "1.1.1",
            "Ban hành kế hoạch CCHC năm đúng thời hạn, đủ nội dung",
            100,
            levels(&[100, 50, 0]),
        ),
        (
            "1.1.2",
            "Mức độ hoàn thành kế hoạch CCHC năm",
            300,
            Some(Rule::Proportional),
        ),
        ("1.2", "Báo cáo cải cách hành chính định kỳ", 200, None),
        (
            "1.2.1",
            "Gửi báo cáo CCHC định kỳ đầy đủ, đúng thời hạn",
            200,
            Some(Rule::Proportional),
        ),
        ("1.3", "Kiểm tra công tác cải cách hành chính", 300, None),
        (
            "1.3.1",
            "Ban hành kế hoạch kiểm tra CCHC trong năm",
            100,
            levels(&[100, 0]),
        ),
        (
            "1.3.2",
            "Thực hiện kế hoạch kiểm tra và xử lý tồn tại sau kiểm tra",
            200,
            range(50),
        ),
        (
            "1.4",
            "Thông tin, tuyên truyền cải cách hành chính",
            200,
            None,
        ),
        (
            "1.4.1",
            "Thực hiện kế hoạch tuyên truyền CCHC",
            200,
            range(50),
        ),
        (
            "1.5",
            "Sáng kiến, giải pháp mới trong cải cách hành chính",
            100,
            None,
        ),
        (
            "1.5.1",
            "Có sáng kiến, giải pháp được cấp có thẩm quyền công nhận",
            100,
            levels(&[100, 50, 0]),
        ),
        (
            "2",
            "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
            800,
            None,
        ),
        (
            "2.1",
            "Xây dựng, ban hành văn bản quy phạm pháp luật",
            400,
            None,
        ),
        (
            "2.1.1",
            "Thực hiện kế hoạch xây dựng văn bản QPPL được giao",
            200,
            range(50),
        ),
        (
            "2.1.2",
            "Rà soát, hệ thống hóa văn bản QPPL thuộc lĩnh vực quản lý",
            200,
            levels(&[200, 100, 0]),
        ),
        ("2.2", "Theo dõi thi hành pháp luật", 400, None),
        (
            "2.2.1",
            "Ban hành và thực hiện kế hoạch theo dõi thi hành pháp luật",
            200,
            levels(&[200, 100, 0]),
        ),
        (
            "2.2.2",
            "Kiểm tra, xử lý văn bản sau kiểm tra",
            200,
            range(50),
        ),
        ("3", "Cải cách thủ tục hành chính", 1200, None),
        ("3.1", "Rà soát, đơn giản hóa thủ tục hành chính", 300, None),
        (
            "3.1.1",
            "Thực hiện kế hoạch rà soát, đơn giản hóa TTHC",
            300,
            range(50),
        ),
        ("3.2", "Công khai thủ tục hành chính", 300, None),
        (
            "3.2.1",
            "Công khai TTHC đầy đủ, đúng hạn trên Cổng dịch vụ công",
            300,
            levels(&[300, 150, 0]),
        ),
        ("3.3", "Giải quyết thủ tục hành chính", 600, None),
        (
            "3.3.1",
            "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
            400,
            Some(Rule::Proportional),
        ),
        (
            "3.3.2",
            "Xin lỗi người dân, tổ chức khi giải quyết hồ sơ trễ hạn",
            200,
            levels(&[200, 100, 0]),
        ),
        ("4", "Cải cách tổ chức bộ máy", 800, None),
        ("4.1", "Sắp xếp tổ chức bộ máy", 400, None),
        (
            "4.1.1",
            "Thực hiện quy định về chức năng, nhiệm vụ, cơ cấu tổ chức",
            400,
            levels(&[400, 200, 0]),
        ),
        ("4.2", "Quản lý biên chế", 400, None),
        (
            "4.2.1",
            "Sử dụng biên chế không vượt số được giao",
            200,
            levels(&[200, 0]),
        ),
        (
            "4.2.2",
            "Thực hiện tinh giản biên chế theo lộ trình",
            200,
            levels(&[200, 100, 0]),
        ),
        ("5", "Cải cách chế độ công vụ", 1000, None),
        ("5.1", "Vị trí việc làm", 300, None),
        (
            "5.1.1",
            "Bố trí công chức, viên chức theo vị trí việc làm được duyệt",
            300,
            range(50),
        ),
        (
            "5.2",
            "Tuyển dụng, đánh giá công chức, viên chức",
            400,
            None,
        ),
        (
            "5.2.1",
            "Tuyển dụng, sử dụng công chức, viên chức đúng quy định",
            200,
            levels(&[200, 0]),
        ),
        (
            "5.2.2",
            "Đánh giá, xếp loại chất lượng đúng quy định",
            200,
            levels(&[200, 100, 0]),
        ),
        ("5.3", "Kỷ luật, kỷ cương hành chính", 300, None),
        (
            "5.3.1",
            "Không có cán bộ, công chức bị xử lý kỷ luật trong năm",
            300,
            levels(&[300, 150, 0]),
        ),
        ("6", "Cải cách tài chính công", 800, None),
        ("6.1", "Quản lý, sử dụng ngân sách", 400, None),
        (
            "6.1.1",
            "Lập, thực hiện dự toán và quyết toán đúng quy định",
            400,
            levels(&[400, 200, 0]),
        ),
        ("6.2", "Tự chủ tài chính", 400, None),
        (
            "6.2.1",
            "Thực hiện cơ chế tự chủ của đơn vị sự nghiệp trực thuộc",
            400,
            range(100),
        ),
        (
            "7",
            "Xây dựng, phát triển chính quyền điện tử, chính quyền số",
            1200,
            None,
        ),
        ("7.1", "Ứng dụng công nghệ thông tin", 400, None),
        (
            "7.1.1",
            "Gửi, nhận văn bản điện tử có chữ ký số",
            400,
            range(50),
        ),
        ("7.2", "Dịch vụ công trực tuyến", 500, None),
        (
            "7.2.1",
            "Tỷ lệ hồ sơ nộp trực tuyến toàn trình",
            500,
            Some(Rule::Proportional),
        ),
        ("7.3", "Chuyển đổi số", 300, None),
        (
            "7.3.1",
            "Thực hiện kế hoạch chuyển đổi số của cơ quan",
            300,
            range(50),
        ),
        (
            "8",
            "Tác động của cải cách hành chính đến người dân, tổ chức (điều tra xã hội học)",
            3000,
            None,
        ),
        (
            "8.1",
            "Mức độ hài lòng về thể chế và thủ tục hành chính",
            1000,
            range(1),
        ),
        (
            "8.2",
            "Mức độ hài lòng về tổ chức bộ máy và đội ngũ công chức",
            1000,
            range(1),
        ),
        (
            "8.3",
            "Mức độ hài lòng về kết quả giải quyết công việc",
            1000,
            range(1),
        ),
        ("9", "Điểm thưởng", 300, None),
        (
            "9.1",
            "Mô hình, sáng kiến CCHC được nhân rộng trong tỉnh",
            200,
            levels(&[200, 100, 0]),
        ),
        (
            "9.2",
            "Được cấp có thẩm quyền khen thưởng về CCHC",
            100,
            levels(&[100, 0]),
        ),
        ("10", "Điểm trừ", 500, None),
        (
            "10.1",
            "Bị cấp có thẩm quyền phê bình vì chậm, thiếu báo cáo CCHC",
            200,
            levels(&[200, 0]),
        ),
        (
            "10.2",
            "Để xảy ra vi phạm trong giải quyết TTHC bị xử lý",
            300,
            levels(&[300, 0]),
        ),
    ]
}

/// The template for `province`'s departments in `year`.
pub fn departments(province: &str, year: i32) -> CriteriaSet {
    let items = rows()
        .into_iter()
        .map(|(code, text, max, rule)| {
            let area = code.split('.').next().unwrap_or(code);
            let kind = match area {
                "9" => ItemKind::Bonus,
                "10" => ItemKind::Penalty,
                _ => ItemKind::Normal,
            };
            let measured = if area == "8" {
                Measured::Survey
            } else {
                Measured::SelfScored
            };
            let source = match code {
                "1.1.2" => Some(Source::PlanCompletion),
                "1.2.1" => Some(Source::OnTimeReports),
                "1.3.2" => Some(Source::Tasks {
                    words: vec!["kiểm tra".into()],
                }),
                "1.4.1" => Some(Source::Tasks {
                    words: vec!["tuyên truyền".into()],
                }),
                _ => None,
            };
            Criterion {
                code: code.into(),
                text: text.into(),
                max: Points(max),
                rule: rule.unwrap_or(Rule::Proportional),
                evidence: evidence(code).into(),
                measured,
                // Legal documents, procedures with no applications, units with no
                // self-financed bodies: not every department has them.
                may_not_apply: matches!(code, "2.1.1" | "2.2.2" | "3.3.1" | "3.3.2" | "6.2.1"),
                kind,
                source,
            }
        })
        .collect();
    CriteriaSet {
        id: format!("mau-{year}-so"),
        province: province.into(),
        level: Level::Department,
        year,
        basis: "Mẫu theo cấu trúc QĐ 1187/QĐ-BNV — thay bằng quyết định của UBND tỉnh".into(),
        template: true,
        items,
        announced: None,
        unreadable: Vec::new(),
    }
}

/// The evidence a sub-criterion of the template expects.
fn evidence(code: &str) -> &'static str {
    match code {
        "1.1.1" => "Kế hoạch CCHC năm (số, ký hiệu, ngày ban hành)",
        "1.1.2" => "Báo cáo kết quả thực hiện kế hoạch CCHC năm",
        "1.2.1" => "Các báo cáo CCHC quý, 6 tháng, năm (số, ngày gửi)",
        "1.3.1" | "1.3.2" => "Kế hoạch kiểm tra, biên bản, kết luận kiểm tra",
        "1.4.1" => "Kế hoạch tuyên truyền, tin bài, hình ảnh",
        "8.1" | "8.2" | "8.3" => "Do Sở Nội vụ điều tra xã hội học",
        _ => "Văn bản, báo cáo chứng minh kết quả",
    }
}
