//! The importer on a plan laid out differently from the seed: "1.1"/"(1)" numbering, "+"
//! attribute lines, short labels (Chủ trì, Phối hợp, Kết quả, Thời hạn), and bad input.

use tiendo_shared::import::import;
use tiendo_shared::model::org::AgencyKind;
use tiendo_shared::model::{Date, Error, PeriodKind, Recurrence};

const COMMUNE: &str = include_str!("fixtures/ke-hoach-ubnd-xa-mau.txt");

#[test]
fn short_labels_and_dotted_numbering() {
    let imp = import(COMMUNE).unwrap();
    let p = &imp.plan;
    assert_eq!(p.number, "12/KH-UBND");
    assert_eq!(p.date, Some("2025-01-05".parse().unwrap()));
    assert_eq!(p.issuer, "UBND xã Nghĩa Hà");
    assert_eq!(imp.agency().kind, AgencyKind::Commune);
    assert_eq!(p.areas.len(), 2);
    let t = p.task_by_code("1.1").unwrap();
    assert_eq!(t.lead[0].text, "Văn phòng - Thống kê xã");
    assert_eq!(t.coordinating[0].text, "Công chức Tư pháp - Hộ tịch");
    assert_eq!(t.products, ["Danh mục thủ tục hành chính được công bố"]);
    assert_eq!(
        t.schedule.milestones[0].due,
        "2025-03-31".parse::<Date>().unwrap()
    );
    let paren = p.task_by_code("2.1").unwrap();
    assert_eq!(paren.schedule.recurrence, Recurrence::Continuous);
    assert_eq!(p.reporting_periods.len(), 4);
    assert_eq!(
        p.period(PeriodKind::Q3).unwrap().deadline,
        "2025-09-10".parse::<Date>().unwrap()
    );
    assert_eq!(p.signer.name, "Trần Văn B");
}

#[test]
fn what_cannot_be_placed_is_reported_not_dropped() {
    let imp = import(COMMUNE).unwrap();
    let reasons: Vec<String> = imp
        .unplaced
        .iter()
        .map(|u| format!("{}: {} — {}", u.line, u.text, u.reason))
        .collect();
    // The impossible date 31/02/2025 is named, and the task keeps its raw timeline.
    assert!(
        reasons.iter().any(|r| r.contains("31/02/2025")),
        "{reasons:#?}"
    );
    let t = imp.plan.task_by_code("1.2").unwrap();
    assert_eq!(t.schedule.raw, "Chậm nhất là ngày 31/02/2025");
    assert!(t.schedule.milestones.is_empty());
    // The stray paragraph is listed with its line number.
    assert!(
        imp.unplaced
            .iter()
            .any(|u| u.text.starts_with("Một đoạn văn không thuộc") && u.line == 45),
        "{reasons:#?}"
    );
}

#[test]
fn empty_and_non_plan_texts_are_clear_errors() {
    assert!(matches!(import(""), Err(Error::EmptyPlan)));
    assert!(matches!(import("\n  \n\u{00A0}\n"), Err(Error::EmptyPlan)));
    let err = import("Xin chào\n\nĐây là một bức thư.").unwrap_err();
    assert!(matches!(err, Error::NotAPlan(_)), "{err}");
    assert!(err.to_string().contains("không phải văn bản kế hoạch"));
}

#[test]
fn crlf_and_decomposed_text_import_the_same() {
    let crlf = tiendo_shared::fixtures::SEED_PLAN.replace('\n', "\r\n");
    let a = import(&crlf).unwrap();
    let b = import(tiendo_shared::fixtures::SEED_PLAN).unwrap();
    assert_eq!(a.plan, b.plan);
}
