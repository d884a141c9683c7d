//! The importer on the real 2025 plan of Sở KH&CN Quảng Ngãi: exact expectations, task by task.

use tiendo_shared::fixtures::SEED_PLAN;
use tiendo_shared::import::{Imported, import};
use tiendo_shared::model::org::{AssigneeKind, Group, UnitKind};
use tiendo_shared::model::{Date, PeriodKind, Recurrence, Task, Undated};

fn seed() -> Imported {
    import(SEED_PLAN).expect("the seed plan imports")
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn task<'a>(imp: &'a Imported, code: &str) -> &'a Task {
    imp.plan
        .task_by_code(code)
        .unwrap_or_else(|| panic!("task {code}"))
}

fn lead_texts(t: &Task) -> Vec<&str> {
    t.lead.iter().map(|a| a.text.as_str()).collect()
}

fn coord_texts(t: &Task) -> Vec<&str> {
    t.coordinating.iter().map(|a| a.text.as_str()).collect()
}

fn dues(t: &Task) -> Vec<Date> {
    t.schedule.milestones.iter().map(|m| m.due).collect()
}

#[test]
fn nine_areas_forty_three_tasks_four_periods() {
    let imp = seed();
    let p = &imp.plan;
    assert_eq!(p.areas.len(), 9);
    assert_eq!(
        p.areas.iter().map(|a| a.number).collect::<Vec<_>>(),
        (1..=9).collect::<Vec<_>>()
    );
    assert_eq!(
        p.areas.iter().map(|a| a.tasks.len()).collect::<Vec<_>>(),
        [6, 6, 12, 4, 5, 4, 2, 3, 1]
    );
    assert_eq!(p.tasks().count(), 43);
    let periods: Vec<_> = p
        .reporting_periods
        .iter()
        .map(|r| (r.kind, r.name.as_str(), r.deadline))
        .collect();
    assert_eq!(
        periods,
        [
            (PeriodKind::Q1, "Báo cáo quý I", d("2025-03-03")),
            (PeriodKind::H1, "Báo cáo 6 tháng", d("2025-06-03")),
            (PeriodKind::Q3, "Báo cáo quý III", d("2025-09-03")),
            (PeriodKind::Year, "Báo cáo năm", d("2025-11-25")),
        ]
    );
}

#[test]
fn header_bases_purposes_recipients_and_signer() {
    let p = seed().plan;
    assert_eq!(p.number, "/KH-SKHCN");
    assert_eq!(p.date, Some(d("2024-12-26")));
    assert_eq!(p.place, "Quảng Ngãi");
    assert_eq!(
        p.title,
        "Cải cách hành chính của Sở Khoa học và Công nghệ năm 2025"
    );
    assert_eq!(p.year, Some(2025));
    assert_eq!(p.issuer, "Sở Khoa học và Công nghệ");
    assert_eq!(p.legal_bases.len(), 4);
    assert!(p.legal_bases[0].starts_with("Căn cứ Nghị quyết số 93/NQ-HĐND ngày 08/12/2021"));
    assert_eq!(p.purposes.len(), 3);
    // The second purpose was broken across a page: "…hoạt động của" / "các cơ quan…".
    assert!(p.purposes[1].contains("tổ chức và hoạt động của các cơ quan hành chính nhà nước"));
    assert_eq!(p.requirements.len(), 5);
    assert_eq!(
        p.recipients.first().map(String::as_str),
        Some("UBND tỉnh (báo cáo)")
    );
    assert_eq!(
        p.recipients.last().map(String::as_str),
        Some("Lưu: VT, HCTH")
    );
    assert_eq!(p.recipients.len(), 7);
    assert_eq!(p.signer.title, "GIÁM ĐỐC");
    assert_eq!(p.signer.name, "Nguyễn Văn Thành");
}

#[test]
fn task_codes_follow_vietnamese_letter_order() {
    let imp = seed();
    let area3: Vec<&str> = imp.plan.areas[2]
        .tasks
        .iter()
        .map(|t| t.code.as_str())
        .collect();
    assert_eq!(
        area3,
        [
            "3.a", "3.b", "3.c", "3.d", "3.đ", "3.e", "3.g", "3.h", "3.i", "3.k", "3.l", "3.m"
        ]
    );
}

#[test]
fn the_two_tasks_lettered_5c_both_survive_with_distinct_ids() {
    let imp = seed();
    let fives: Vec<&Task> = imp.plan.areas[4]
        .tasks
        .iter()
        .filter(|t| t.code == "5.c")
        .collect();
    assert_eq!(fives.len(), 2);
    assert_ne!(fives[0].id, fives[1].id);
    assert!(
        fives[0]
            .title
            .starts_with("Xây dựng, tham mưu ban hành và triển khai thực hiện kế hoạch đào tạo")
    );
    assert!(
        fives[1]
            .title
            .starts_with("Tổ chức thanh tra, kiểm tra công vụ")
    );
    assert_eq!(
        lead_texts(fives[1]),
        ["Thanh tra Sở", "Phòng Hành chính - Tổng hợp"]
    );
    let ids: std::collections::HashSet<_> = imp.plan.tasks().map(|(_, t)| t.id.clone()).collect();
    assert_eq!(ids.len(), 43, "every task id is unique");
    assert!(
        imp.unplaced
            .iter()
            .any(|u| u.reason.contains("5.c lặp lại"))
    );
}

#[test]
fn task_1a_as_written() {
    let imp = seed();
    let t = task(&imp, "1.a");
    assert_eq!(t.id, "t1-a");
    assert_eq!(
        t.title,
        "Xây dựng, tham mưu ban hành và tổ chức thực hiện Kế hoạch tuyên truyền cải cách hành chính, tuyên truyền chuyên đổi số của Sở năm 2025"
    );
    assert_eq!(lead_texts(t), ["Phòng Hành chính – Tổng hợp"]);
    assert_eq!(
        t.lead[0].unit_id.as_deref(),
        Some("phong-hanh-chinh-tong-hop")
    );
    assert_eq!(coord_texts(t), ["Các phòng, đơn vị thuộc Sở"]);
    assert_eq!(t.coordinating[0].group, Some(Group::AllUnits));
    assert_eq!(
        t.products,
        ["Kế hoạch của Giám đốc Sở", "báo cáo kết quả thực hiện"]
    );
    assert_eq!(
        t.schedule.raw,
        "Quý I năm 2025 ban hành Kế hoạch; định kỳ báo cáo kết quả thực hiện."
    );
    assert_eq!(dues(t), [d("2025-03-31")]);
    assert_eq!(t.schedule.recurrence, Recurrence::Periodic);
}

#[test]
fn task_1b_names_bodies_outside_the_agency() {
    let imp = seed();
    let t = task(&imp, "1.b");
    assert_eq!(lead_texts(t), ["Phòng Quản lý Công nghệ và Chuyên ngành"]);
    assert_eq!(
        coord_texts(t),
        [
            "Các phòng, đơn vị thuộc Sở",
            "Sở Nội vụ",
            "các sở, ban, ngành",
            "UBND các huyện, thị xã, thành phố"
        ]
    );
    let kinds: Vec<_> = t.coordinating.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            AssigneeKind::Group,
            AssigneeKind::External,
            AssigneeKind::External,
            AssigneeKind::External
        ]
    );
    assert_eq!(t.schedule.raw, "Quý I năm 2025.");
    assert_eq!(dues(t), [d("2025-03-31")]);
}

#[test]
fn task_1c_has_two_lead_units() {
    let imp = seed();
    let t = task(&imp, "1.c");
    assert_eq!(
        lead_texts(t),
        [
            "Phòng Hành chính - Tổng hợp",
            "Tổ kiểm tra cải cách hành chính của Sở"
        ]
    );
    assert_eq!(
        t.products,
        [
            "Kế hoạch kiểm tra",
            "báo cáo kết quả kiểm tra",
            "kiến nghị xử lý các vấn đề phát hiện qua kiểm tra"
        ]
    );
}

#[test]
fn task_2c_latest_date_and_group_lead() {
    let imp = seed();
    let t = task(&imp, "2.c");
    assert_eq!(lead_texts(t), ["Các phòng chuyên môn, nghiệp vụ thuộc Sở"]);
    assert_eq!(t.lead[0].group, Some(Group::ProfessionalDepartments));
    assert_eq!(
        coord_texts(t),
        ["Phòng Hành chính - Tổng hợp", "các phòng, đơn vị liên quan"]
    );
    assert_eq!(t.coordinating[1].group, Some(Group::Related));
    assert_eq!(t.schedule.raw, "Chậm nhất là ngày 15/01/2025");
    assert_eq!(dues(t), [d("2025-01-15")]);
}

#[test]
fn task_3b_keeps_plus_sub_items_as_products() {
    let imp = seed();
    let t = task(&imp, "3.b");
    assert_eq!(t.products.len(), 3);
    assert!(t.products[0].starts_with("Kế hoạch của Sở Khoa học và Công nghệ về triển khai"));
    assert!(t.products[0].ends_with("(qua Văn phòng UBND tỉnh)"));
    assert!(t.products[1].starts_with("Phối hợp với Văn phòng UBND tỉnh tham mưu"));
    assert_eq!(t.products[2], "Báo cáo kết quả rà soát, đánh giá TTHC");
}

#[test]
fn task_3c_cited_decision_date_is_not_a_deadline() {
    let imp = seed();
    let t = task(&imp, "3.c");
    assert_eq!(t.schedule.recurrence, Recurrence::Continuous);
    assert_eq!(dues(t), [d("2025-12-31")]);
    assert!(
        t.schedule
            .raw
            .contains("Quyết định số 1648/QĐ-UBND ngày 30/11/2022")
    );
}

#[test]
fn task_3d_joined_across_the_page_break_and_monthly() {
    let imp = seed();
    let t = task(&imp, "3.d");
    assert!(
        t.title
            .contains("dịch vụ công theo thời gian thực trên môi trường điện tử")
    );
    assert_eq!(t.lead[0].group, Some(Group::AllUnits));
    assert!(
        t.lead[0]
            .note
            .as_deref()
            .unwrap()
            .contains("xin lỗi người dân")
    );
    assert_eq!(t.schedule.recurrence, Recurrence::Monthly);
    assert_eq!(t.schedule.milestones.len(), 12);
}

#[test]
fn task_3i_coordinator_with_a_role_note() {
    let imp = seed();
    let t = task(&imp, "3.i");
    assert_eq!(coord_texts(t), ["Phòng Hành chính - Tổng hợp"]);
    assert_eq!(
        t.coordinating[0].note.as_deref(),
        Some("hướng dẫn nghiệp vụ, đơn đốc, kiểm tra, đánh giá kết quả thực hiện")
    );
    assert_eq!(t.schedule.undated, Some(Undated::Regulation));
}

#[test]
fn task_3m_broken_title_and_lead_label_variant() {
    let imp = seed();
    let t = task(&imp, "3.m");
    assert!(
        t.title
            .contains("Cổng Dịch vụ công Quốc gia và các hình thức khác, tạo điều kiện")
    );
    assert_eq!(lead_texts(t), ["Phòng Hành chính - Tổng hợp"]);
}

#[test]
fn tasks_without_fixed_dates_say_why() {
    let imp = seed();
    assert_eq!(
        task(&imp, "4.a").schedule.undated,
        Some(Undated::OnDirective)
    );
    assert_eq!(
        task(&imp, "8.b").schedule.undated,
        Some(Undated::ApprovedPlan)
    );
    assert_eq!(
        task(&imp, "8.b").schedule.raw,
        "Theo kế hoạch được phê duyệt."
    );
    let second_5c = imp.plan.task("t5-c-2").unwrap();
    assert_eq!(second_5c.schedule.undated, Some(Undated::OnDirective));
}

#[test]
fn task_5b_has_two_milestones() {
    let imp = seed();
    let t = task(&imp, "5.b");
    assert_eq!(dues(t), [d("2025-03-31"), d("2025-11-30")]);
    assert_eq!(
        lead_texts(t),
        [
            "Phòng Hành chính - Tổng hợp",
            "Trung tâm Ứng dụng và Dịch vụ khoa học công nghệ"
        ]
    );
}

#[test]
fn task_5d_has_no_labelled_lines_and_is_reported() {
    let imp = seed();
    let t = task(&imp, "5.d");
    assert!(
        t.title
            .starts_with("Tăng cường kiểm tra việc thực hiện Quyết định số 48/2021/QĐ-UBND")
    );
    assert!(t.title.ends_with("kiểm tra đột xuất trong năm 2025."));
    assert!(t.lead.is_empty() && t.products.is_empty());
    assert_eq!(t.schedule.undated, Some(Undated::Unspecified));
    assert!(
        imp.unplaced
            .iter()
            .any(|u| u.reason.contains("5.d không ghi đơn vị chủ trì"))
    );
}

#[test]
fn months_quarters_and_quarter_ranges() {
    let imp = seed();
    assert_eq!(dues(task(&imp, "6.b")), [d("2025-01-31")]);
    assert_eq!(task(&imp, "6.b").schedule.raw, "Tháng 1/2025.");
    assert_eq!(dues(task(&imp, "6.d")), [d("2025-09-30")]);
    assert_eq!(dues(task(&imp, "1.đ")), [d("2025-12-31")]);
    assert_eq!(dues(task(&imp, "1.d")), [d("2025-12-31")]);
    assert_eq!(dues(task(&imp, "8.a")), [d("2025-06-30")]);
    assert_eq!(task(&imp, "8.a").schedule.raw, "Quý I – II năm 2025.");
}

#[test]
fn task_8c_keeps_its_extra_paragraph_and_plus_timeline_line() {
    let imp = seed();
    let t = task(&imp, "8.c");
    assert_eq!(t.description.len(), 1);
    assert!(t.description[0].starts_with("Áp dụng, duy trì và cải tiến"));
    assert_eq!(coord_texts(t), ["Các phòng thuộc Sở"]);
    assert_eq!(t.coordinating[0].group, Some(Group::Departments));
    let b = task(&imp, "8.b");
    assert_eq!(
        lead_texts(b),
        ["Phòng Quản lý Tiêu chuẩn Đo lường Chất lượng"]
    );
}

#[test]
fn area_9_is_itself_one_task() {
    let imp = seed();
    let area = &imp.plan.areas[8];
    assert_eq!(
        area.title,
        "Nâng cao chỉ số năng lực cạnh tranh cấp tỉnh (PCI)"
    );
    let t = &area.tasks[0];
    assert_eq!(t.code, "9");
    assert_eq!(
        t.title,
        "Xây dựng và triển khai kế hoạch cải thiện chỉ số năng lực cạnh tranh cấp tỉnh (PCI) năm 2025."
    );
    assert_eq!(lead_texts(t), ["Phòng Hành chính - Tổng hợp"]);
    assert_eq!(t.products, ["Kế hoạch của Sở Khoa học và Công nghệ"]);
    assert_eq!(dues(t), [d("2025-03-31")]);
    assert_eq!(t.schedule.recurrence, Recurrence::Periodic);
}

#[test]
fn unit_spellings_are_one_unit_and_the_central_office_is_found() {
    let imp = seed();
    let agency = imp.agency();
    let names: Vec<&str> = agency.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(agency.units.len(), 6, "{names:?}");
    let hcth = agency.find_unit("Phòng Hành chính – Tổng hợp").unwrap();
    assert_eq!(
        hcth.id,
        agency.find_unit("Phòng Hành chính - Tổng hợp").unwrap().id
    );
    assert_eq!(agency.central_office.as_deref(), Some(hcth.id.as_str()));
    let center = agency
        .find_unit("Trung tâm Ứng dụng và dịch vụ khoa học công nghệ")
        .unwrap();
    assert_eq!(
        center.name,
        "Trung tâm Ứng dụng và Dịch vụ khoa học công nghệ"
    );
    assert_eq!(center.kind, UnitKind::Center);
    assert_eq!(
        agency.find_unit("Thanh tra Sở").unwrap().kind,
        UnitKind::Inspectorate
    );
    assert!(agency.external_parties.iter().any(|e| e == "Sở Nội vụ"));
    // Group phrases resolve to sets of units.
    let all = agency.group_members(Group::AllUnits);
    assert_eq!(all.len(), 5, "every unit but the ad-hoc inspection team");
    let professional = agency.group_members(Group::ProfessionalDepartments);
    assert!(!professional.contains(&hcth.id));
    assert_eq!(professional.len(), 2);
    assert_eq!(imp.org.name, "UBND tỉnh Quảng Ngãi");
}

#[test]
fn every_task_has_a_lead_and_a_timeline_except_5d() {
    let imp = seed();
    for (_, t) in imp.plan.tasks() {
        if t.code == "5.d" {
            continue;
        }
        assert!(!t.lead.is_empty(), "{} has a lead", t.code);
        assert!(!t.schedule.raw.is_empty(), "{} has a timeline", t.code);
    }
    let unplaced_text: Vec<_> = imp.unplaced.iter().map(|u| u.reason.as_str()).collect();
    assert_eq!(imp.unplaced.len(), 3, "{unplaced_text:?}");
}
