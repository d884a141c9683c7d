use super::*;

fn seed() -> crate::import::Imported {
    crate::import::import(crate::fixtures::SEED_PLAN).unwrap()
}

#[test]
fn a_row_has_the_agencys_counts_score_and_criteria_with_their_working() {
    let s = seed();
    let agency = s.agency().clone();
    let as_of: Date = "2025-03-31".parse().unwrap();
    let summary =
        crate::views::status::summarize(&s.plan, &agency, &[], as_of, Some(PeriodKind::Q1));
    let sent = sent_from(
        &agency,
        as_of,
        &[],
        crate::workflow::deadlines(&s.plan, PeriodKind::Q1).map(|d| d.unit),
        None,
    );
    let r = row(
        &s.plan,
        &agency,
        &summary,
        &sent,
        &ScoreRule::default(),
        (12, 31),
    );
    assert_eq!(r.kind, Kind::So);
    assert_eq!(r.counts, summary.headline);
    assert_eq!(r.reports.expected, agency.units.len() - 1);
    assert_eq!(r.reports.received, 0);
    assert_eq!(r.criteria.len(), 3);
    // The seed plan is dated 26/12/2024: on time for 31/12/2024.
    assert_eq!(r.criteria[0].points, 1.0, "{:?}", r.criteria[0]);
    assert!(r.criteria[0].working[0].contains("26/12/2024"));
    assert!(
        r.criteria[1]
            .working
            .iter()
            .any(|w| w.starts_with("Chưa hoàn thành: "))
    );
    assert!(
        r.criteria[2]
            .working
            .iter()
            .any(|w| w.ends_with(": chưa gửi"))
    );
    // A deadline early in the year is that year's; one late in the year the year before's.
    assert_eq!(plan_deadline(2025, (1, 15)).unwrap().vi(), "15/01/2025");
    assert_eq!(plan_deadline(2025, (12, 20)).unwrap().vi(), "20/12/2024");
    let late = row(
        &s.plan,
        &agency,
        &summary,
        &sent,
        &ScoreRule::default(),
        (12, 20),
    );
    assert_eq!(late.criteria[0].points, 0.0);
}

#[test]
fn a_period_expects_reports_only_from_the_units_of_its_day_under_their_names_then() {
    let s = seed();
    let mut agency = s.agency().clone();
    let d = |x: &str| x.parse::<Date>().unwrap();
    let expected_2025: Vec<String> = agency
        .units
        .iter()
        .filter(|u| agency.central_office.as_deref() != Some(u.id.as_str()))
        .map(|u| u.name.clone())
        .collect();
    // In 2026 a unit is renamed and a new one is made by a split.
    let others: Vec<usize> = (0..agency.units.len())
        .filter(|i| agency.central_office.as_deref() != Some(agency.units[*i].id.as_str()))
        .collect();
    let (r, sp) = (others[0], others[1]);
    let renamed = agency.units[r].id.clone();
    let old_name = agency.units[r].name.clone();
    agency.units[r].name = "Phòng đổi tên năm 2026".into();
    let split = agency.units[sp].id.clone();
    agency.units.push(crate::model::Unit {
        id: "phong-moi-2026".into(),
        name: "Phòng mới năm 2026".into(),
        ..agency.units[sp].clone()
    });
    // As recorded (through JSON: whatever else a change comes to hold, defaulted).
    let change = |c: serde_json::Value| -> crate::model::lineage::OrgChange {
        serde_json::from_value(c).unwrap()
    };
    agency.changes = vec![
        change(serde_json::json!({
            "id": "doi-ten", "kind": "rename", "unit": renamed, "on": "2026-01-15",
            "old_name": old_name, "new_name": "Phòng đổi tên năm 2026",
        })),
        change(serde_json::json!({
            "id": "tach", "kind": "split", "unit": split, "on": "2026-02-01",
            "into": [split, "phong-moi-2026"], "created": ["phong-moi-2026"],
        })),
    ];
    let deadline = crate::workflow::deadlines(&s.plan, PeriodKind::Year).map(|d| d.unit);
    let then = sent_from(&agency, d("2025-12-20"), &[], deadline, None);
    let names: Vec<String> = then.units.iter().map(|u| u.0.clone()).collect();
    assert_eq!(
        names, expected_2025,
        "the units of 2025, as they were named"
    );
    let now = sent_from(&agency, d("2026-12-07"), &[], deadline, None);
    let names: Vec<String> = now.units.iter().map(|u| u.0.clone()).collect();
    assert!(
        names.contains(&"Phòng mới năm 2026".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"Phòng đổi tên năm 2026".to_string()),
        "{names:?}"
    );
    assert!(!names.contains(&old_name), "{names:?}");
}

#[test]
fn rows_sort_by_any_column_and_filter_by_kind() {
    let s = seed();
    let mut agency = s.agency().clone();
    let as_of: Date = "2025-03-31".parse().unwrap();
    let summary =
        crate::views::status::summarize(&s.plan, &agency, &[], as_of, Some(PeriodKind::Q1));
    let sent = Sent::default();
    let a = row(
        &s.plan,
        &agency,
        &summary,
        &sent,
        &ScoreRule::default(),
        (12, 31),
    );
    agency.name = "UBND phường Cẩm Thành".into();
    agency.kind = AgencyKind::Commune;
    let mut b = row(
        &s.plan,
        &agency,
        &summary,
        &sent,
        &ScoreRule::default(),
        (12, 31),
    );
    b.counts.overdue += 5;
    assert_eq!(b.kind, Kind::Phuong);
    let rows = vec![a.clone(), b.clone()];
    let by = |key, desc| -> Vec<String> {
        view(&rows, None, key, desc)
            .into_iter()
            .map(|r| r.agency)
            .collect()
    };
    assert_eq!(by(SortKey::Overdue, true)[0], "UBND phường Cẩm Thành");
    assert_eq!(by(SortKey::Overdue, false)[0], a.agency);
    assert_eq!(
        by(SortKey::Agency, false),
        vec![a.agency.clone(), b.agency.clone()]
    );
    assert_eq!(
        view(&rows, Some(Kind::Phuong), SortKey::Agency, false).len(),
        1
    );
    assert!(view(&rows, Some(Kind::DacKhu), SortKey::Agency, false).is_empty());
}
