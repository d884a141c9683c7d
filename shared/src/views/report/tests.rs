use super::*;

fn counts(due: usize, done: usize) -> Counts {
    Counts {
        total: due,
        due,
        done_on_time: done,
        due_completion_rate: if due == 0 {
            1.0
        } else {
            done as f64 / due as f64
        },
        ..Counts::default()
    }
}

#[test]
fn the_score_follows_the_thresholds() {
    let rule = ScoreRule::default();
    assert_eq!(score(&counts(10, 10), &rule).points, 2.0);
    assert_eq!(score(&counts(100, 91), &rule).points, 2.0);
    assert_eq!(
        score(&counts(10, 9), &rule).points,
        1.0,
        "90 % is not above 90 %"
    );
    assert_eq!(score(&counts(10, 7), &rule).points, 1.0);
    assert_eq!(score(&counts(100, 69), &rule).points, 0.0);
    assert_eq!(score(&counts(0, 0), &rule).points, 2.0, "nothing due yet");
    let strict = ScoreRule {
        full_above: 0.95,
        partial_from: 0.8,
        full_points: 3.0,
        partial_points: 1.5,
        reporting_points: 1.0,
    };
    assert_eq!(score(&counts(10, 9), &strict).points, 1.5);
    assert_eq!(reporting_score(5, 5, &strict), Some((1.0, 1.0)));
    assert_eq!(
        reporting_score(4, 5, &strict),
        Some((0.0, 1.0)),
        "one late: none"
    );
    assert_eq!(reporting_score(0, 0, &strict), None);
    assert_eq!(score(&counts(10, 9), &strict).max_points, 3.0);
}

#[test]
fn bad_score_rules_are_refused() {
    let bad = ScoreRule {
        full_above: 0.6,
        partial_from: 0.7,
        ..ScoreRule::default()
    };
    assert!(bad.validate().is_err());
    assert!(
        ScoreRule {
            full_above: 1.5,
            ..ScoreRule::default()
        }
        .validate()
        .is_err()
    );
    assert!(ScoreRule::default().validate().is_ok());
}

#[test]
fn dates_and_periods_read_as_in_official_documents() {
    let d = |s: &str| s.parse::<Date>().unwrap();
    assert_eq!(long_date(d("2025-03-05")), "ngày 05 tháng 3 năm 2025");
    assert_eq!(long_date(d("2025-02-14")), "ngày 14 tháng 02 năm 2025");
    assert_eq!(long_date(d("2025-11-25")), "ngày 25 tháng 11 năm 2025");
    assert_eq!(period_phrase(PeriodKind::H1, 2025), "6 tháng đầu năm 2025");
    assert_eq!(period_phrase(PeriodKind::Year, 2025), "năm 2025");
}

#[test]
fn saving_the_plan_model_keeps_the_offices_steps_texts_and_deadlines() {
    // The plan document holds the office's workflow steps, its report texts and its deadlines
    // beside the plan: a whole-model write of the plan keeps all three.
    use crate::model::role::Role;
    use crate::workflow::{
        Action, Configured, Step, configure, configured, office_steps, take_office_step,
    };
    let plan = crate::import::import(crate::fixtures::SEED_PLAN)
        .unwrap()
        .plan;
    let mut doc = crate::model::doc::create(&plan, Some("system"), crate::model::doc::UnixTime(0))
        .unwrap()
        .document()
        .clone();
    take_office_step(
        &mut doc,
        "u",
        PeriodKind::Q1,
        &Step::new(
            "r1",
            Action::Return,
            "vp",
            Role::AgencyAdmin,
            1_740_762_000_000,
            "s1",
        ),
    )
    .unwrap();
    texts::write(
        &mut doc,
        "vp",
        crate::model::doc::UnixTime(0),
        PeriodKind::Q1,
        &PartTexts {
            direction: "x".into(),
            ..Default::default()
        },
    )
    .unwrap();
    configure(
        &mut doc,
        "vp",
        crate::model::doc::UnixTime(0),
        PeriodKind::Q1,
        &Configured {
            unit: Some(Date::from_dmy(1, 3, 2025).unwrap()),
            agency: None,
        },
    )
    .unwrap();
    crate::model::doc::update::<crate::model::Plan, _>(
        &mut doc,
        "vp",
        crate::model::doc::UnixTime(0),
        |p| p.title.push('!'),
    )
    .unwrap();
    assert_eq!(office_steps(&doc, "u", PeriodKind::Q1).len(), 1);
    assert_eq!(texts::read(&doc, PeriodKind::Q1).direction, "x");
    assert!(configured(&doc, PeriodKind::Q1).unit.is_some());
}
