//! The layouts agencies write their plans in, each imported with exact expectations per task:
//! "-" bullets with inline labels (a commune), nested 1.2.1 numbering with attributes in a
//! trailing parenthesis (a department), a task table pasted with "|" (a commune), and a Word
//! annex pasted as tab-separated text (a department). The same layouts as .docx and .xlsx are
//! imported by the server's tests (`server/tests/plan_files_import.rs`).

use tiendo_shared::import::{Imported, import};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/layouts/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// One task as expected: code, the start of its title, its lead parties, its deadlines.
struct Want {
    code: &'static str,
    title: &'static str,
    lead: &'static [&'static str],
    due: &'static [&'static str],
}

/// Checks every task of `imp` against `want`, in order.
fn check(name: &str, imp: &Imported, want: &[Want]) {
    let tasks: Vec<_> = imp.plan.tasks().map(|(_, t)| t).collect();
    let codes: Vec<&str> = tasks.iter().map(|t| t.code.as_str()).collect();
    let wanted: Vec<&str> = want.iter().map(|w| w.code).collect();
    assert_eq!(codes, wanted, "{name}: task codes");
    for (t, w) in tasks.iter().zip(want) {
        assert!(
            t.title.starts_with(w.title),
            "{name} {}: title {:?} should start {:?}",
            w.code,
            t.title,
            w.title
        );
        let lead: Vec<&str> = t.lead.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(lead, w.lead, "{name} {}: lead", w.code);
        let due: Vec<String> = t.schedule.milestones.iter().map(|m| m.due.vi()).collect();
        assert_eq!(
            due, w.due,
            "{name} {}: deadlines ({:?})",
            w.code, t.schedule.raw
        );
    }
}

/// Monthly work in 2025: due at every month's end.
const MONTHLY_2025: &[&str] = &[
    "31/01/2025",
    "28/02/2025",
    "31/03/2025",
    "30/04/2025",
    "31/05/2025",
    "30/06/2025",
    "31/07/2025",
    "31/08/2025",
    "30/09/2025",
    "31/10/2025",
    "30/11/2025",
    "31/12/2025",
];

const BULLETS: &[Want] = &[
    Want {
        code: "1.1",
        title: "Xây dựng và ban hành Kế hoạch",
        lead: &["Công chức Văn phòng - Thống kê"],
        due: &["31/03/2025"],
    },
    Want {
        code: "1.2",
        title: "Kiểm tra việc thực hiện",
        lead: &["Chủ tịch UBND xã"],
        due: &["30/09/2025"],
    },
    Want {
        code: "2.1",
        title: "Niêm yết công khai",
        lead: &["Bộ phận Một cửa"],
        due: &["30/06/2025"],
    },
    Want {
        code: "2.2",
        title: "Rà soát, đánh giá thủ tục",
        lead: &["Công chức Tư pháp - Hộ tịch"],
        due: &["31/12/2025"],
    },
    Want {
        code: "3.1",
        title: "Chấp hành kỷ luật",
        lead: &["Toàn thể cán bộ, công chức"],
        due: &["31/12/2025"],
    },
    Want {
        code: "4.1",
        title: "Tiếp nhận hồ sơ trực tuyến",
        lead: &["Bộ phận Một cửa"],
        due: MONTHLY_2025,
    },
];

const NESTED: &[Want] = &[
    Want {
        code: "1.1",
        title: "Rà soát văn bản quy phạm pháp luật",
        lead: &["Phòng Pháp chế"],
        due: &["31/03/2025"],
    },
    Want {
        code: "1.2.1",
        title: "Xây dựng kế hoạch theo dõi",
        lead: &["Phòng Pháp chế"],
        due: &["30/03/2025"],
    },
    Want {
        code: "1.2.2",
        title: "Báo cáo kết quả theo dõi",
        lead: &["Phòng Pháp chế"],
        due: &["30/06/2025", "31/12/2025"],
    },
    Want {
        code: "2.1",
        title: "Rà soát, đơn giản hóa",
        lead: &["Văn phòng Sở"],
        due: &["30/06/2025", "31/12/2025"],
    },
    Want {
        code: "2.2",
        title: "Tiếp nhận, xử lý phản ánh",
        lead: &["Văn phòng Sở"],
        due: &[],
    },
    Want {
        code: "3.1",
        title: "Số hóa hồ sơ",
        lead: &["Trung tâm Thông tin"],
        due: &["30/11/2025"],
    },
];

const PIPES: &[Want] = &[
    Want {
        code: "1.1",
        title: "Ban hành Kế hoạch cải cách hành chính năm 2025",
        lead: &["Văn phòng HĐND và UBND xã"],
        due: &["31/03/2025"],
    },
    Want {
        code: "1.2",
        title: "Tổ chức tuyên truyền cải cách hành chính trên hệ thống loa truyền thanh của xã",
        lead: &["Công chức Văn hóa - Xã hội"],
        due: &["31/03/2025", "30/06/2025", "30/09/2025", "31/12/2025"],
    },
    Want {
        code: "2.1",
        title: "Công khai thủ tục hành chính",
        lead: &["Bộ phận Một cửa"],
        due: &["30/06/2025"],
    },
    Want {
        code: "2.2",
        title: "Giải quyết hồ sơ đúng hạn",
        lead: &["Bộ phận Một cửa"],
        due: MONTHLY_2025,
    },
    Want {
        code: "3.1",
        title: "Công khai dự toán",
        lead: &["Công chức Tài chính - Kế toán"],
        due: &["31/12/2025"],
    },
];

const ANNEX: &[Want] = &[
    Want {
        code: "1.1",
        title: "Xây dựng Kế hoạch cải cách hành chính năm 2025",
        lead: &["Văn phòng Sở"],
        due: &["31/03/2025"],
    },
    Want {
        code: "1.2",
        title: "Kiểm tra cải cách hành chính",
        lead: &["Văn phòng Sở"],
        due: &["31/03/2025"],
    },
    Want {
        code: "2.1.1",
        title: "Rà soát văn bản lĩnh vực nông nghiệp",
        lead: &["Phòng Pháp chế"],
        due: &["30/06/2025"],
    },
    Want {
        code: "2.1.2",
        title: "Rà soát văn bản lĩnh vực môi trường",
        lead: &["Phòng Pháp chế"],
        due: &["30/06/2025"],
    },
    Want {
        code: "3.1",
        title: "Công bố danh mục thủ tục",
        lead: &["Văn phòng Sở"],
        due: &[],
    },
    Want {
        code: "4.1",
        title: "Sắp xếp các phòng chuyên môn",
        lead: &["Văn phòng Sở"],
        due: &["30/06/2025"],
    },
    Want {
        code: "5.1",
        title: "Đánh giá, xếp loại công chức",
        lead: &["Văn phòng Sở"],
        due: &["31/12/2025"],
    },
    Want {
        code: "6.1",
        title: "Giao quyền tự chủ tài chính",
        lead: &["Phòng Kế hoạch - Tài chính"],
        due: &["31/03/2025"],
    },
    Want {
        code: "7.1",
        title: "Vận hành hệ thống quản lý văn bản và điều hành liên thông bốn cấp",
        lead: &["Văn phòng Sở"],
        due: &["31/12/2025"],
    },
    Want {
        code: "8.1",
        title: "Đối thoại với doanh nghiệp",
        lead: &["Văn phòng Sở"],
        due: &["30/06/2025", "31/12/2025"],
    },
];

#[test]
fn bullets_with_inline_labels_are_tasks() {
    let imp = import(&fixture("bullets-with-labels.txt")).unwrap();
    check("bullets", &imp, BULLETS);
    assert_eq!(imp.plan.areas.len(), 4);
    assert_eq!(imp.plan.year, Some(2025));
    let products = &imp.plan.task("t1-1").unwrap().products;
    assert_eq!(products, &["Kế hoạch được ban hành"]);
}

#[test]
fn nested_numbering_with_attributes_in_parentheses() {
    let imp = import(&fixture("nested-numbering.txt")).unwrap();
    check("nested", &imp, NESTED);
    let t = imp.plan.tasks().find(|(_, t)| t.code == "1.2.1").unwrap().1;
    assert_eq!(
        t.description.first().map(String::as_str),
        Some("Theo dõi thi hành pháp luật"),
        "the grouping parent is the sub-tasks' heading"
    );
    assert!(
        imp.unplaced.iter().any(|u| u.reason.contains("mục tiêu")),
        "{:?}",
        imp.unplaced
    );
    assert_eq!(imp.plan.reporting_periods.len(), 4);
}

#[test]
fn a_pipe_table_with_roman_area_rows() {
    let imp = import(&fixture("pipe-table.txt")).unwrap();
    check("pipes", &imp, PIPES);
    let titles: Vec<&str> = imp.plan.areas.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Công tác chỉ đạo, điều hành",
            "Cải cách thủ tục hành chính",
            "Cải cách tài chính công"
        ]
    );
}

#[test]
fn a_tab_separated_annex_with_cells_the_same_as_above() {
    let imp = import(&fixture("tab-annex.txt")).unwrap();
    check("annex", &imp, ANNEX);
    assert_eq!(imp.plan.areas.len(), 8);
    let pci = imp.plan.tasks().find(|(_, t)| t.code == "8.1").unwrap().1;
    assert_eq!(pci.description, ["Phối hợp Hiệp hội doanh nghiệp"]);
}

#[test]
fn reporting_days_in_other_words_or_none_at_all() {
    let deadlines = |imp: &Imported| -> Vec<String> {
        imp.plan
            .reporting_periods
            .iter()
            .map(|p| p.deadline.vi())
            .collect()
    };
    let bullets = import(&fixture("bullets-with-labels.txt")).unwrap();
    assert_eq!(
        deadlines(&bullets),
        ["10/03/2025", "10/06/2025", "10/09/2025", "10/12/2025"]
    );
    let pipes = import(&fixture("pipe-table.txt")).unwrap();
    assert_eq!(
        deadlines(&pipes),
        ["08/03/2025", "08/06/2025", "08/09/2025", "08/12/2025"]
    );
    let annex = import(&fixture("tab-annex.txt")).unwrap();
    assert_eq!(
        deadlines(&annex),
        ["15/03/2025", "15/06/2025", "15/09/2025", "15/12/2025"]
    );
    assert!(
        annex
            .unplaced
            .iter()
            .any(|u| u.reason.contains("kỳ mặc định")),
        "the import report says the periods are defaults: {:?}",
        annex.unplaced
    );
}

#[test]
fn the_office_corrects_an_imported_task_before_saving() {
    use tiendo_shared::edit::maintain::{TaskDraft, correct_import};
    let mut imp = import(&fixture("tab-annex.txt")).unwrap();
    imp.check().unwrap();
    let id = imp
        .plan
        .tasks()
        .find(|(_, t)| t.code == "1.2")
        .unwrap()
        .1
        .id
        .clone();
    let draft = TaskDraft {
        title: "Kiểm tra cải cách hành chính tại các đơn vị trực thuộc".into(),
        lead: "Thanh tra Sở".into(),
        coordinating: "Văn phòng Sở".into(),
        products: "Thông báo kết luận".into(),
        timeline: "Quý III/2025".into(),
    };
    correct_import(&mut imp, &id, "1.3", &draft).unwrap();
    let t = imp.plan.task(&id).unwrap();
    assert_eq!(t.code, "1.3");
    assert_eq!(t.lead[0].text, "Thanh tra Sở");
    assert_eq!(t.schedule.milestones[0].due.vi(), "30/09/2025");
    // A code another task has is refused, and so is an empty lead.
    assert!(correct_import(&mut imp, &id, "1.1", &draft).is_err());
    let no_lead = TaskDraft {
        lead: String::new(),
        ..draft
    };
    assert!(correct_import(&mut imp, &id, "1.3", &no_lead).is_err());
    // The draft survives a trip through JSON, as the preview sends it.
    let back: tiendo_shared::import::Imported =
        serde_json::from_value(serde_json::to_value(&imp).unwrap()).unwrap();
    assert_eq!(back, imp);
}

#[test]
fn areas_come_in_any_order_under_any_title() {
    let text = "KẾ HOẠCH Cải cách hành chính của UBND xã An Phú năm 2025\n\nII. NHIỆM VỤ\n\n\
        1. Hiện đại hóa nền hành chính\n\na) Số hóa hồ sơ một cửa\n\n- Chủ trì: Bộ phận Một cửa\n\n- Thời gian: Quý II/2025\n\n\
        2. Nâng cao chỉ số PCI\n\na) Đối thoại với doanh nghiệp\n\n- Chủ trì: Chủ tịch UBND xã\n\n- Thời gian: 06 tháng/lần\n\n\
        3. Công tác chỉ đạo, điều hành\n\na) Ban hành kế hoạch\n\n- Chủ trì: Công chức Văn phòng - Thống kê\n\n- Thời gian: Quý I/2025\n";
    let imp = import(text).unwrap();
    let areas: Vec<(u32, &str)> = imp
        .plan
        .areas
        .iter()
        .map(|a| (a.number, a.title.as_str()))
        .collect();
    assert_eq!(
        areas,
        [
            (1, "Hiện đại hóa nền hành chính"),
            (2, "Nâng cao chỉ số PCI"),
            (3, "Công tác chỉ đạo, điều hành")
        ]
    );
    let leads: Vec<&str> = imp
        .plan
        .tasks()
        .map(|(_, t)| t.lead[0].text.as_str())
        .collect();
    assert_eq!(
        leads,
        [
            "Bộ phận Một cửa",
            "Chủ tịch UBND xã",
            "Công chức Văn phòng - Thống kê"
        ]
    );
}
