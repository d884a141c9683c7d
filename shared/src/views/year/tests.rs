use super::*;
use crate::model::doc::{self, UnixTime};
use crate::model::lineage::Basis;
use crate::model::links::{LinkKind, PlanLink, record};
use crate::model::plan::PeriodKind;
use crate::model::progress::{Entry, Progress, WorkStatus};
use crate::views::status::summarize;
use std::collections::BTreeMap;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn seed() -> crate::import::Imported {
    crate::import::import(crate::fixtures::SEED_PLAN).unwrap()
}

fn link(kind: LinkKind, plan_id: &str, from: &str) -> PlanLink {
    PlanLink {
        id: format!("{}-{plan_id}", kind.as_str()),
        kind,
        plan_id: plan_id.into(),
        from: d(from),
        basis: Basis {
            number: "Kế hoạch số 99/KH-SKHCN".into(),
            date: Some(d("2025-06-20")),
        },
        by: "office".into(),
    }
}

#[test]
fn links_are_appended_kept_by_the_editor_and_a_plan_cannot_link_itself() {
    let imp = seed();
    let mut plan = doc::new_document(&imp.plan, Some("system"), UnixTime(0)).unwrap();
    record(
        &mut plan,
        &link(LinkKind::Replaces, "kh-cu", "2025-07-01"),
        1_000,
    )
    .unwrap();
    // The plan editor's path: the whole model read and written back.
    doc::update::<crate::model::Plan, _>(&mut plan, "office", UnixTime(2), |p| {
        p.title = "Kế hoạch 6 tháng cuối năm".into();
    })
    .unwrap();
    let back: crate::model::Plan = doc::read(&plan).unwrap();
    assert_eq!(back.links.len(), 1);
    assert_eq!(back.links[0].from, d("2025-07-01"));
    assert!(
        back.links[0]
            .describe("Kế hoạch CCHC 2025")
            .starts_with("Thay thế Kế hoạch CCHC 2025 từ ngày 01/07/2025 (Kế hoạch số 99")
    );
    let again = record(
        &mut plan,
        &link(LinkKind::Replaces, "kh-cu", "2025-08-01"),
        2_000,
    );
    assert!(again.is_err(), "linked once");
    let own = record(
        &mut plan,
        &link(LinkKind::Absorbs, &imp.plan.id, "2025-08-01"),
        3_000,
    );
    assert!(own.is_err(), "not itself");
}

#[test]
fn a_replaced_plan_counts_what_fell_due_before_the_replacement_and_the_year_adds_them_up() {
    let imp = seed();
    let agency = &imp.org.agencies[0];
    let mut progress = Progress::new(&imp.plan.id, "phong-hanh-chinh-tong-hop");
    progress.tasks.insert(
        "t3-a".into(),
        BTreeMap::from([(
            "q1".to_string(),
            Entry {
                status: WorkStatus::Done,
                percent: 100,
                completed_on: Some(d("2025-03-10")),
                ..Entry::default()
            },
        )]),
    );
    let as_of = d("2025-12-31");
    let role = Role::Replaced {
        from: d("2025-07-01"),
    };
    assert_eq!(role.as_of(as_of), d("2025-06-30"));
    let old = summarize(
        &imp.plan,
        agency,
        std::slice::from_ref(&progress),
        role.as_of(as_of),
        Some(PeriodKind::Year),
    );
    let old_part = part(&imp.plan, &agency.name, role, as_of, &old);
    // Only the tasks due before 1 July: every one of them has a deadline before it.
    assert!(old_part.counts.total < old.headline.total);
    for id in &old_part.tasks {
        let t = old.tasks.iter().find(|t| &t.task_id == id).unwrap();
        assert!(t.deadline.unwrap() < d("2025-07-01"));
    }
    assert!(old_part.tasks.contains(&"t3-a".to_string()));
    assert_eq!(old_part.counts.done_on_time, 1);

    // The replacement (here the same tasks again, nobody reported): all of them.
    let new = summarize(&imp.plan, agency, &[], as_of, Some(PeriodKind::Year));
    let new_part = part(&imp.plan, &agency.name, Role::Continuing, as_of, &new);
    assert_eq!(new_part.counts.total, new.headline.total);
    let y = year(vec![(new_part.clone(), &new), (old_part.clone(), &old)]);
    assert_eq!(
        y.counts.total,
        new_part.counts.total + old_part.counts.total
    );
    assert_eq!(y.counts.done_on_time, 1);
    assert_eq!(y.counts.due, new_part.counts.due + old_part.counts.due);
    // An absorbed agency's plan counts whole.
    let absorbed = part(
        &imp.plan,
        "UBND xã",
        Role::Absorbed {
            from: d("2025-07-01"),
        },
        as_of,
        &new,
    );
    assert_eq!(absorbed.counts.total, new.headline.total);
}
