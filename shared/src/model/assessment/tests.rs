//! The assessment's tally and merge.

use super::*;
use crate::model::criteria::template;

fn scored(unit: &str, mark: Mark) -> Scoring {
    Scoring {
        unit_id: Some(unit.into()),
        mark: Some(mark),
        ..Scoring::default()
    }
}

#[test]
fn the_tally_counts_what_is_scored_and_names_what_is_missing() {
    let set = template::departments("Quảng Ngãi", 2025);
    let mut a = Assessment {
        agency_id: "so-khcn".into(),
        year: 2025,
        criteria_id: set.id.clone(),
        ..Assessment::default()
    };
    let mut with_file = scored("vp", Mark::Score(Points(100)));
    with_file.evidence.push(EvidenceItem {
        sha256: "a".repeat(64),
        name: "ke-hoach-cchc-2025.pdf".into(),
        reference: "Số 12/KH-SKHCN ngày 10/01/2025".into(),
        task_id: Some("t1-a".into()),
    });
    a.items.insert("1.1.1".into(), with_file);
    let mut explained = scored("vp", Mark::Score(Points(50)));
    explained.explanation = "Chưa ban hành sáng kiến trong năm".into();
    a.items.insert("1.5.1".into(), explained);
    // Scored, no evidence, no explanation.
    a.items
        .insert("2.1.2".into(), scored("tt", Mark::Score(Points(200))));
    // "Không áp dụng" where it may apply, and where it may not.
    a.items
        .insert("2.1.1".into(), scored("tt", Mark::NotApplicable));
    a.items
        .insert("2.2.1".into(), scored("tt", Mark::NotApplicable));
    // A score between the levels.
    a.items
        .insert("4.1.1".into(), scored("tc", Mark::Score(Points(300))));
    // Assigned, not scored yet.
    a.items.insert(
        "5.1.1".into(),
        Scoring {
            unit_id: Some("tc".into()),
            ..Scoring::default()
        },
    );
    let t = a.tally(&set);
    assert_eq!(
        t.to_score, 31,
        "the template's self-scored sub-criteria, bonus and penalty included"
    );
    assert_eq!(t.scored, 6);
    assert_eq!(t.missing_evidence, ["2.1.2", "4.1.1"]);
    assert_eq!(t.out_of_rule, ["2.2.1", "4.1.1"]);
    assert_eq!(t.unassigned.len(), 31 - 7);
}

#[test]
fn the_office_call_is_what_the_agency_files() {
    let mut s = scored("vp", Mark::Score(Points(100)));
    s.proposed = Some(Points(250));
    assert_eq!(s.filed(), Some(Mark::Score(Points(100))));
    s.office = Some(OfficeCall {
        mark: Mark::Score(Points(250)),
        reason: "Theo tỷ lệ hoàn thành kế hoạch".into(),
        by: "vanphong".into(),
    });
    let a = Assessment {
        items: [("1.1.2".to_string(), s)].into(),
        ..Assessment::default()
    };
    assert_eq!(a.marks()["1.1.2"], Mark::Score(Points(250)));
}

#[test]
fn a_sheet_mark_beyond_any_maximum_reads_out_of_range_never_wrapped() {
    use automerge::ScalarValue;
    let read =
        |v: ScalarValue| sheet::parse_mark(&automerge::Value::Scalar(std::borrow::Cow::Owned(v)));
    let top = Some(Mark::Score(Points(i32::MAX)));
    assert_eq!(read(ScalarValue::Int((1 << 32) + 1)), Ok(top));
    assert_eq!(read(ScalarValue::Uint(u64::MAX)), Ok(top));
    assert_eq!(
        read(ScalarValue::Int(-(1 << 40))),
        Ok(Some(Mark::Score(Points(i32::MIN))))
    );
    assert_eq!(
        read(ScalarValue::Int(1)),
        Ok(Some(Mark::Score(Points(100))))
    );
    assert!(read(ScalarValue::F64(f64::NAN)).is_err());
}
