use super::*;

#[test]
fn the_template_sums_to_one_hundred_with_its_survey_part_and_checks_clean() {
    let set = template::departments("Quảng Ngãi", 2025);
    assert_eq!(set.check(), Vec::<Problem>::new());
    assert!(set.template);
    assert_eq!(set.total(), Points::whole(100));
    let survey: i32 = set
        .scored()
        .filter(|c| c.measured == Measured::Survey)
        .map(|c| c.max.0)
        .sum();
    assert_eq!(Points(survey), Points::whole(30));
    let tracked: Vec<&str> = set
        .items
        .iter()
        .filter(|c| c.source.is_some())
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(tracked, ["1.1.2", "1.2.1", "1.3.2", "1.4.1"]);
}

#[test]
fn a_broken_set_names_each_problem() {
    let mut set = template::departments("Quảng Ngãi", 2025);
    // A sub-criterion raised without its criterion, a duplicate, an orphan, a bad code, levels
    // above the maximum, a step that does not divide it, a survey row with a tracker source.
    set.items
        .iter_mut()
        .find(|c| c.code == "1.1.1")
        .unwrap()
        .max = Points(200);
    let mut dup = set.get("2.1.1").unwrap().clone();
    dup.max = Points::ZERO;
    set.items.push(dup);
    let mut orphan = set.get("2.1.1").unwrap().clone();
    orphan.code = "11.1".into();
    orphan.max = Points::ZERO;
    set.items.push(orphan);
    let mut bad = set.get("2.1.1").unwrap().clone();
    bad.code = "2..1".into();
    set.items.push(bad);
    set.items
        .iter_mut()
        .find(|c| c.code == "4.2.1")
        .unwrap()
        .rule = Rule::Levels {
        levels: vec![Points(300), Points::ZERO],
    };
    set.items
        .iter_mut()
        .find(|c| c.code == "5.1.1")
        .unwrap()
        .rule = Rule::Range { step: Points(70) };
    set.items
        .iter_mut()
        .find(|c| c.code == "8.1")
        .unwrap()
        .source = Some(Source::PlanCompletion);
    let problems: Vec<String> = set.check().iter().map(|p| p.to_string()).collect();
    assert_eq!(
        problems,
        [
            "mã 2.1.1 có hai lần",
            "mã không hợp lệ: \"2..1\"",
            "mã 11.1 không có mục cha",
            "mục 1.1: điểm tối đa 4 khác tổng các mục con 5",
            "mục 1.1.1: các mức điểm không khớp điểm tối đa",
            "mục 4.2.1: các mức điểm không khớp điểm tối đa",
            "mục 5.1.1: bước điểm không chia hết điểm tối đa",
            "mục 8.1: điều tra xã hội học không tự chấm",
        ]
    );
}

#[test]
fn points_read_and_print_the_vietnamese_way() {
    for (text, hundredths, shown) in [
        ("2", 200, "2"),
        ("1,5", 150, "1,5"),
        ("0.25", 25, "0,25"),
        ("-1", -100, "-1"),
        (" 3,75 ", 375, "3,75"),
    ] {
        let p: Points = text.parse().unwrap();
        assert_eq!(p, Points(hundredths), "{text}");
        assert_eq!(p.to_string(), shown);
    }
    for bad in ["", "1,234", "a", "1,5,0", "99999", ",5", "1e2"] {
        assert!(bad.parse::<Points>().is_err(), "{bad:?}");
    }
}

#[test]
fn a_score_fits_its_rule() {
    let levels = Rule::Levels {
        levels: vec![Points(100), Points(50), Points::ZERO],
    };
    assert!(allowed(&levels, Points(100), Points(50)));
    assert!(!allowed(&levels, Points(100), Points(75)));
    let range = Rule::Range { step: Points(50) };
    assert!(allowed(&range, Points(200), Points(150)));
    assert!(!allowed(&range, Points(200), Points(125)));
    assert!(!allowed(&range, Points(200), Points(250)));
    assert!(!allowed(&Rule::Proportional, Points(300), Points(-1)));
}

#[test]
fn a_proportional_score_is_the_maximum_times_the_ratio_rounded_down() {
    assert_eq!(proportional(Points(300), 2, 3), Some(Points(200)));
    assert_eq!(proportional(Points(300), 29, 30), Some(Points(290)));
    assert_eq!(proportional(Points(200), 1, 3), Some(Points(66)));
    assert_eq!(
        proportional(Points(200), 5, 3),
        Some(Points(200)),
        "capped at the maximum"
    );
    assert_eq!(proportional(Points(200), 0, 0), None);
}

#[test]
fn maxima_rows_and_levels_beyond_any_annex_are_problems_not_overflows() {
    let base = template::departments("Quảng Ngãi", 2025);
    let at = |set: &mut CriteriaSet, code: &str| -> usize {
        set.items.iter().position(|c| c.code == code).unwrap()
    };
    // Two maxima that overflow an i32 when summed: named, no panic.
    let mut huge = base.clone();
    let (a, b) = (at(&mut huge, "1.1.1"), at(&mut huge, "1.1.2"));
    huge.items[a].max = Points(i32::MAX);
    huge.items[b].max = Points(i32::MAX);
    assert!(huge.check().contains(&Problem::Max("1.1.1".into())));
    assert_eq!(huge.total(), base.total());
    // A negative maximum that its siblings make up for.
    let mut negative = base.clone();
    let (a, b) = (at(&mut negative, "1.1.1"), at(&mut negative, "1.1.2"));
    negative.items[a].max = Points(-100);
    negative.items[a].rule = Rule::Range { step: Points(100) };
    negative.items[b].max = Points(500);
    assert_eq!(negative.check(), [Problem::Max("1.1.1".into())]);
    // Thousands of levels; thousands of rows.
    let mut levels = base.clone();
    let a = at(&mut levels, "1.1.1");
    let mut many = vec![Points::ZERO; MAX_LEVELS];
    many.push(Points(100));
    levels.items[a].rule = Rule::Levels { levels: many };
    assert_eq!(levels.check(), [Problem::TooManyLevels("1.1.1".into())]);
    let mut rows = base.clone();
    let row = rows.items[a].clone();
    rows.items.extend(std::iter::repeat_n(row, MAX_ROWS));
    let n = rows.items.len();
    assert_eq!(rows.check(), [Problem::TooManyRows(n)]);
}
