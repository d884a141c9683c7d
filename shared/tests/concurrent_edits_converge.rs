//! Property: whatever order concurrent progress edits from several actors are merged in, every
//! replica ends with the same document and the same status.

use automerge::Automerge;
use proptest::prelude::*;
use tiendo_shared::fixtures::SEED_PLAN;
use tiendo_shared::import::import;
use tiendo_shared::model::{Date, PeriodKind, Progress, WorkStatus, doc};
use tiendo_shared::views::status::summarize;

const TASKS: [&str; 4] = ["t1-a", "t3-e", "t8-a", "t6-b"];

#[derive(Debug, Clone)]
struct Edit {
    actor: usize,
    task: usize,
    period: usize,
    status: usize,
    percent: u8,
    result: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        0..3usize,
        0..4usize,
        0..4usize,
        0..4usize,
        0..=100u8,
        "[a-zạ ]{0,6}",
    )
        .prop_map(|(actor, task, period, status, percent, result)| Edit {
            actor,
            task,
            period,
            status,
            percent,
            result,
        })
}

fn apply(d: &mut Automerge, e: &Edit) {
    let mut p: Progress = doc::read(d).unwrap();
    let entry = p.entry_mut(TASKS[e.task], PeriodKind::ALL[e.period]);
    entry.status = [
        WorkStatus::NotStarted,
        WorkStatus::InProgress,
        WorkStatus::Done,
        WorkStatus::Unable,
    ][e.status];
    entry.percent = e.percent;
    entry.result = e.result.clone();
    if entry.status == WorkStatus::Done {
        entry.completed_on = Some("2025-03-01".parse().unwrap());
    }
    doc::write(d, &p, AT).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn merge_order_does_not_change_the_status(edits in prop::collection::vec(edit(), 1..24), order in Just(()).prop_perturb(|_, mut rng| {
        let mut o = vec![0usize, 1, 2];
        for i in (1..o.len()).rev() { o.swap(i, (rng.next_u32() as usize) % (i + 1)); }
        o
    })) {
        let imp = import(SEED_PLAN).unwrap();
        let unit = "phong-hanh-chinh-tong-hop";
        let base = doc::create(&Progress::new(&imp.plan.id, unit), Some("seed"), AT).unwrap().document().clone();
        let mut replicas: Vec<Automerge> = (0..3).map(|i| base.clone().with_actor(automerge::ActorId::from(vec![i as u8 + 1]))).collect();
        for e in &edits {
            apply(&mut replicas[e.actor], e);
        }
        // Replica A merges in the given order, replica B in the reverse one.
        let mut a = base.clone().with_actor(automerge::ActorId::from(vec![9]));
        let mut b = base.clone().with_actor(automerge::ActorId::from(vec![10]));
        for &i in &order { a.merge(&mut replicas[i].clone()).unwrap(); }
        for &i in order.iter().rev() { b.merge(&mut replicas[i].clone()).unwrap(); }
        prop_assert_eq!(a.get_heads(), b.get_heads());
        let pa: Progress = doc::read(&a).unwrap();
        let pb: Progress = doc::read(&b).unwrap();
        prop_assert_eq!(&pa, &pb);
        let as_of: Date = "2025-04-01".parse().unwrap();
        let sa = summarize(&imp.plan, imp.agency(), &[pa], as_of, Some(PeriodKind::Q1));
        let sb = summarize(&imp.plan, imp.agency(), &[pb], as_of, Some(PeriodKind::Q1));
        prop_assert_eq!(sa, sb);
    }
}

/// When the test's changes are made (1 July 2025, 00:00 UTC): `shared` reads no clock.
const AT: tiendo_shared::model::doc::UnixTime = tiendo_shared::model::doc::UnixTime(1_751_328_000);
