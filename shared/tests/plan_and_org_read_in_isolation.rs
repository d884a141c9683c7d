//! Plan and organisation documents read in isolation (issue 34): whatever a writer puts in any
//! field of either, the reading answers; a value that does not fit reads as its default, an
//! entry that does not read is left out — both placed as problems — and a whole-model write of
//! what was read never deletes what was left out.

use automerge::transaction::Transactable;
use automerge::{Automerge, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use proptest::prelude::*;
use tiendo_shared::fixtures::SEED_PLAN;
use tiendo_shared::import::import;
use tiendo_shared::model::org::AgencyKind;
use tiendo_shared::model::{Org, Plan, doc};

const AT: doc::UnixTime = doc::UnixTime(1_751_328_000);

/// The seed plan's plan and organisation documents (imported once, loaded afresh each time).
fn seed_docs() -> (Automerge, Automerge) {
    static SAVED: std::sync::OnceLock<(Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
    let (plan, org) = SAVED.get_or_init(|| {
        let imp = import(SEED_PLAN).unwrap();
        let plan = doc::new_document(&imp.plan, Some("system"), AT).unwrap();
        let org = doc::new_document(&imp.org, Some("system"), AT).unwrap();
        (plan.save(), org.save())
    });
    (
        Automerge::load(plan).unwrap(),
        Automerge::load(org).unwrap(),
    )
}

fn obj(d: &Automerge, parent: &ObjId, prop: impl Into<automerge::Prop>) -> ObjId {
    d.get(parent, prop).unwrap().unwrap().1
}

fn change(d: &mut Automerge, f: impl FnOnce(&mut automerge::transaction::Transaction<'_>)) {
    let mut tx = d.transaction();
    f(&mut tx);
    tx.commit();
}

/// The finding: an agency admin wrote `kind: "commune"` (lower case); every build
/// answered 500 for every user. It reads as the kind it names.
#[test]
fn a_kind_in_lower_case_reads_as_the_kind_it_names() {
    let (_, mut org) = seed_docs();
    let agency = obj(&org, &obj(&org, &ROOT, "agencies"), 0);
    change(&mut org, |tx| tx.put(&agency, "kind", "commune").unwrap());
    let read: Org = doc::read(&org).unwrap();
    assert_eq!(read.agencies[0].kind, AgencyKind::Commune);
    assert!(read.unreadable.is_empty(), "{:?}", read.unreadable);
}

#[test]
fn a_value_that_does_not_fit_reads_as_its_default_and_is_placed() {
    let (mut plan, mut org) = seed_docs();
    change(&mut plan, |tx| tx.put(ROOT, "year", "not-a-year").unwrap());
    let agency = obj(&org, &obj(&org, &ROOT, "agencies"), 0);
    change(&mut org, |tx| tx.put(&agency, "kind", 42).unwrap());

    let read: Plan = doc::read(&plan).unwrap();
    assert_eq!(read.year, None);
    assert_eq!(read.tasks().count(), 43, "every task still reads");
    assert_eq!(read.unreadable.len(), 1, "{:?}", read.unreadable);
    assert_eq!(read.unreadable[0].place, "year");
    assert!(read.unreadable[0].reason.contains("not-a-year"));

    let read: Org = doc::read(&org).unwrap();
    assert_eq!(
        read.agencies[0].kind,
        AgencyKind::Other,
        "the default grants nothing more"
    );
    assert_eq!(read.agencies[0].units.len(), 6);
    let p = &read.unreadable[0];
    assert_eq!(p.place, format!("agencies[{}].kind", read.agencies[0].id));
    assert!(p.reason.contains("int"), "says what it found: {p}");
}

#[test]
fn an_entry_that_does_not_read_is_left_out_placed_and_kept_by_writes_of_the_rest() {
    let (mut plan, mut org) = seed_docs();
    // A task that is a number, and a unit whose id is an object.
    let areas = obj(&plan, &ROOT, "areas");
    let tasks = obj(&plan, &obj(&plan, &areas, 0), "tasks");
    let in_area = plan.length(&tasks);
    change(&mut plan, |tx| tx.insert(&tasks, 1, 7).unwrap());
    let agency = obj(&org, &obj(&org, &ROOT, "agencies"), 0);
    let units = obj(&org, &agency, "units");
    let bad_unit = obj(&org, &units, 2);
    change(&mut org, |tx| {
        tx.put_object(&bad_unit, "id", ObjType::Map).unwrap();
    });

    let mut p: Plan = doc::read(&plan).unwrap();
    assert_eq!(p.tasks().count(), 43);
    assert_eq!(p.unreadable.len(), 1, "{:?}", p.unreadable);
    assert_eq!(p.unreadable[0].place, "areas[1].tasks[#1]");
    let mut o: Org = doc::read(&org).unwrap();
    assert_eq!(o.agencies[0].units.len(), 5);
    assert!(
        o.unreadable[0].place.ends_with("units[#2]"),
        "{:?}",
        o.unreadable
    );

    // The office edits the rest, deletes a task and a unit it can read: what was left out stays.
    let removed_task = p.areas[0].tasks.remove(0).id;
    p.title = "Kế hoạch (sửa)".into();
    doc::update::<Plan, _>(&mut plan, "vp", AT, |x| *x = p.clone()).unwrap();
    let removed_unit = o.agencies[0].units.remove(0).id;
    o.agencies[0].units[0].name = "Phòng (đổi tên)".into();
    doc::update::<Org, _>(&mut org, "vp", AT, |x| *x = o.clone()).unwrap();

    assert_eq!(
        plan.length(&tasks),
        in_area,
        "one task removed, the number kept"
    );
    assert!(matches!(
        plan.get(&tasks, 0).unwrap().unwrap().0,
        Value::Scalar(s) if *s == ScalarValue::Int(7)
    ));
    let again: Plan = doc::read(&plan).unwrap();
    assert_eq!(again.title, "Kế hoạch (sửa)");
    assert!(
        again.task(&removed_task).is_none(),
        "a read task the office removed is gone"
    );
    assert_eq!(again.unreadable.len(), 1);
    assert_eq!(
        org.length(&units),
        5,
        "6 units, one removed, the unreadable one kept"
    );
    let again: Org = doc::read(&org).unwrap();
    assert!(again.agencies[0].unit(&removed_unit).is_none());
    assert_eq!(again.agencies[0].units.len(), 4);
    assert_eq!(again.unreadable.len(), 1);
}

/// Where a foreign client may write: every map key and list position of the document, with
/// its path from the root.
type Place = (ObjId, automerge::Prop, Vec<automerge::Prop>);

fn places(d: &Automerge) -> Vec<Place> {
    let mut out = Vec::new();
    let mut stack = vec![(ROOT, Vec::new())];
    while let Some((o, path)) = stack.pop() {
        let props: Vec<automerge::Prop> = match d.object_type(&o) {
            Ok(ObjType::Map) | Ok(ObjType::Table) => d.keys(&o).map(automerge::Prop::Map).collect(),
            Ok(ObjType::List) => (0..d.length(&o)).map(automerge::Prop::Seq).collect(),
            _ => Vec::new(),
        };
        for p in props {
            let mut here: Vec<automerge::Prop> = path.clone();
            here.push(p.clone());
            if let Ok(Some((Value::Object(_), child))) = d.get(&o, p.clone()) {
                stack.push((child, here.clone()));
            }
            out.push((o.clone(), p, here));
        }
    }
    out
}

/// The entries of the keyed lists `outer[i].inner[j]` in the document, as stored (readable or
/// not): what a write must never shrink unless the model removed one.
fn stored(d: &Automerge, outer: &str, inner: &str) -> usize {
    let Ok(Some((Value::Object(ObjType::List), list))) = d.get(ROOT, outer) else {
        return 0;
    };
    (0..d.length(&list))
        .filter_map(|i| match d.get(&list, i) {
            Ok(Some((Value::Object(ObjType::Map), m))) => match d.get(&m, inner) {
                Ok(Some((Value::Object(ObjType::List), l))) => Some(d.length(&l)),
                _ => None,
            },
            _ => None,
        })
        .sum()
}

#[derive(Debug, Clone)]
enum Bad {
    Int(i64),
    Text(String),
    Bool(bool),
    Null,
    Float(f64),
    Bytes,
    Map,
    List,
    Delete,
}

fn bad() -> impl Strategy<Value = Bad> {
    prop_oneof![
        any::<i64>().prop_map(Bad::Int),
        "\\PC{0,12}".prop_map(Bad::Text),
        any::<bool>().prop_map(Bad::Bool),
        Just(Bad::Null),
        any::<f64>().prop_map(Bad::Float),
        Just(Bad::Bytes),
        Just(Bad::Map),
        Just(Bad::List),
        Just(Bad::Delete),
    ]
}

fn write_bad(d: &mut Automerge, at: &Place, v: &Bad) {
    let (o, p, _) = at.clone();
    let mut tx = d.transaction();
    let r = match v {
        Bad::Int(i) => tx.put(&o, p, *i),
        Bad::Text(s) => tx.put(&o, p, s.as_str()),
        Bad::Bool(b) => tx.put(&o, p, *b),
        Bad::Null => tx.put(&o, p, ScalarValue::Null),
        Bad::Float(f) => tx.put(&o, p, *f),
        Bad::Bytes => tx.put(&o, p, vec![0u8, 255]),
        Bad::Map => tx.put_object(&o, p, ObjType::Map).map(|_| ()),
        Bad::List => tx.put_object(&o, p, ObjType::List).map(|_| ()),
        Bad::Delete => tx.delete(&o, p),
    };
    r.unwrap();
    tx.commit();
}

/// How many entries of `outer[i].inner` a write at `path` may cost the reading: none outside
/// them, one inside an entry, the whole list or more above it.
fn may_cost(path: &[automerge::Prop], outer: &str, inner: &str, total: usize) -> usize {
    use automerge::Prop::{Map, Seq};
    match path {
        [Map(o), Seq(_), Map(i), Seq(_), ..] if o == outer && i == inner => 1,
        [Map(o), ..] if o == outer => total,
        _ => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any value, anywhere: the plan and the organisation still read; a write outside the
    /// tasks (units) costs none of them, a write into one costs at most that one, and what the
    /// reading loses is placed (or was deleted); a whole-model write of the reading keeps every
    /// stored entry and reads the same entries back.
    #[test]
    fn any_value_anywhere_costs_at_most_its_entry(
        pick in any::<prop::sample::Index>(),
        in_plan in any::<bool>(),
        v in bad(),
    ) {
        let (plan, org) = seed_docs();
        let (mut d, outer, inner, total) = if in_plan {
            (plan, "areas", "tasks", 43)
        } else {
            (org, "agencies", "units", 6)
        };
        let at = pick.get(&places(&d)).clone();
        write_bad(&mut d, &at, &v);
        let count = |d: &Automerge| -> (usize, usize) {
            if in_plan {
                let p: Plan = doc::read(d).expect("a plan always reads");
                (p.tasks().count(), p.unreadable.len())
            } else {
                let o: Org = doc::read(d).expect("an organisation always reads");
                (o.agencies.iter().map(|a| a.units.len()).sum(), o.unreadable.len())
            }
        };
        let (entries, problems) = count(&d);
        let cost = may_cost(&at.2, outer, inner, total);
        prop_assert!(entries + cost >= total, "{entries} read after {v:?} at {:?}", at.2);
        // What the reading loses is placed — unless the write itself removed it: a delete, or
        // the list (or what holds it) replaced by an empty container or null.
        let removed = match v {
            Bad::Delete => true,
            Bad::List | Bad::Map | Bad::Null => cost == total,
            _ => false,
        };
        if entries < total && !removed {
            prop_assert!(problems > 0, "{v:?} at {:?} lost an entry unplaced", at.2);
        }
        let kept = stored(&d, outer, inner);
        if in_plan {
            doc::update::<Plan, _>(&mut d, "vp", AT, |_| ()).unwrap();
        } else {
            doc::update::<Org, _>(&mut d, "vp", AT, |_| ()).unwrap();
        }
        prop_assert_eq!(stored(&d, outer, inner), kept, "the write kept every stored entry ({:?} at {:?})", v, at.2);
        let (again, problems_after) = count(&d);
        prop_assert_eq!(again, entries);
        prop_assert!(problems_after <= problems, "a write repairs values, never adds problems");
    }
}
