use super::store::append;
use super::*;
use crate::model::doc::{self, UnixTime};
use crate::model::org::Org;
use crate::model::org::{AgencyKind, UnitKind};
use crate::model::progress::{Entry, WorkStatus};
use crate::model::raw::all_objs;
use automerge::ReadDoc;
use automerge::transaction::Transactable;
use automerge::{ObjId, ObjType};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn org() -> Org {
    let unit = |id: &str, name: &str| Unit {
        id: id.into(),
        name: name.into(),
        kind: UnitKind::Department,
        aliases: Vec::new(),
    };
    Org {
        id: "tinh".into(),
        name: "Tỉnh".into(),
        agencies: vec![Agency {
            id: "so".into(),
            name: "Sở".into(),
            kind: AgencyKind::Department,
            central_office: Some("vp".into()),
            units: vec![
                unit("vp", "Văn phòng"),
                unit("a", "Phòng Thông tin"),
                unit("b", "Phòng Khoa học"),
                unit("c", "Phòng Công nghệ"),
            ],
            external_parties: Vec::new(),
            changes: Vec::new(),
        }],
        unreadable: Vec::new(),
    }
}

fn rec(n: u32) -> Recorded {
    Recorded {
        id: format!("admin-{n}"),
        by: "admin".into(),
        at: 1_700_000_000_000 + i64::from(n),
    }
}

fn basis() -> Basis {
    Basis {
        number: "Quyết định số 12/QĐ-UBND".into(),
        date: Some(d("2026-03-20")),
    }
}

fn doc_of(org: &Org) -> automerge::Automerge {
    doc::new_document(org, Some("system"), UnixTime(0)).unwrap()
}

fn agency_of(doc: &automerge::Automerge) -> Agency {
    doc::read::<Org, _>(doc).unwrap().agencies.remove(0)
}

fn merge_a_into_b() -> Operation {
    Operation::Merge {
        unit: "a".into(),
        into: "b".into(),
        accounts: AccountFate::Move,
    }
}

/// The organisation with unit a merged into b from 1 April.
fn merged() -> automerge::Automerge {
    let mut doc = doc_of(&org());
    record(
        &mut doc,
        "so",
        &merge_a_into_b(),
        d("2026-04-01"),
        basis(),
        &rec(1),
    )
    .unwrap();
    doc
}

#[test]
fn a_merge_ends_the_unit_passes_its_tasks_and_keeps_its_name_for_earlier_days() {
    let mut doc = merged();
    let agency = agency_of(&doc);
    let l = agency.lineage();
    assert!(l.valid("a", d("2026-03-31")));
    assert!(!l.valid("a", d("2026-04-01")));
    assert_eq!(l.route("a", "t1-a", d("2026-03-31")), "a");
    assert_eq!(l.route("a", "t1-a", d("2026-04-01")), "b");
    assert_eq!(
        agency.on(d("2026-03-31")).units.len(),
        4,
        "Q1 still has the merged unit"
    );
    assert!(agency.on(d("2026-06-30")).unit("a").is_none());
    assert_eq!(
        l.heirs("a"),
        BTreeSet::from(["b".to_string()]),
        "b's members may write a's documents"
    );
    assert_eq!(l.predecessors("b"), BTreeSet::from(["a".to_string()]));
    assert_eq!(
        agency.changes[0].describe(&agency),
        "Phòng Thông tin sáp nhập vào Phòng Khoa học từ ngày 01/04/2026 \
         (Quyết định số 12/QĐ-UBND ngày 20/03/2026)."
    );
    // A second ending of the same unit is refused, with what happened.
    let again = record(
        &mut doc,
        "so",
        &merge_a_into_b(),
        d("2026-05-01"),
        basis(),
        &rec(2),
    );
    assert!(again.unwrap_err().to_string().contains("sáp nhập vào"));
}

#[test]
fn a_rename_keeps_the_id_and_the_old_name_for_days_before_it() {
    let mut doc = doc_of(&org());
    let op = Operation::Rename {
        unit: "a".into(),
        name: "Phòng  Chuyển đổi số ".into(),
    };
    record(&mut doc, "so", &op, d("2026-07-01"), basis(), &rec(1)).unwrap();
    let agency = agency_of(&doc);
    assert_eq!(agency.unit("a").unwrap().name, "Phòng Chuyển đổi số");
    assert_eq!(agency.unit_name_on("a", d("2026-03-31")), "Phòng Thông tin");
    assert_eq!(
        agency.unit_name_on("a", d("2026-07-01")),
        "Phòng Chuyển đổi số"
    );
    assert_eq!(
        agency.on(d("2026-03-31")).unit("a").unwrap().name,
        "Phòng Thông tin"
    );
    // The plans written before still find the unit by its old name.
    assert_eq!(agency.find_unit("Phòng Thông tin").unwrap().id, "a");
}

#[test]
fn a_past_day_prints_the_name_of_then_with_todays_beside_it() {
    let mut doc = doc_of(&org());
    let op = Operation::Rename {
        unit: "a".into(),
        name: "Phòng Chuyển đổi số".into(),
    };
    record(&mut doc, "so", &op, d("2026-07-01"), basis(), &rec(1)).unwrap();
    record(
        &mut doc,
        "so",
        &merge_a_into_b(),
        d("2026-09-01"),
        basis(),
        &rec(2),
    )
    .unwrap();
    let agency = agency_of(&doc);
    let today = d("2026-12-07");
    // Renamed, then merged: the name of then, and the unit that carries its work today.
    assert_eq!(
        agency.unit_name_then_now("a", d("2026-03-31"), today),
        "Phòng Thông tin (nay là Phòng Khoa học)"
    );
    // A name that did not change prints alone.
    assert_eq!(
        agency.unit_name_then_now("c", d("2025-12-20"), today),
        "Phòng Công nghệ"
    );
    let renamed = agency_of(&{
        let mut doc = doc_of(&org());
        record(&mut doc, "so", &op, d("2026-07-01"), basis(), &rec(1)).unwrap();
        doc
    });
    assert_eq!(
        renamed.unit_name_then_now("a", d("2025-12-20"), today),
        "Phòng Thông tin (nay là Phòng Chuyển đổi số)"
    );
    assert_eq!(
        renamed.unit_name_then_now("a", d("2026-08-01"), today),
        "Phòng Chuyển đổi số"
    );
}

#[test]
fn a_split_creates_units_from_its_date_and_sends_each_chosen_task_where_chosen() {
    let mut doc = doc_of(&org());
    let op = Operation::Split {
        unit: "a".into(),
        into: vec!["c".into()],
        new_units: vec!["Phòng Bưu chính".into()],
        routes: BTreeMap::from([("t2-b".to_string(), "Phòng Bưu chính".to_string())]),
        accounts: AccountFate::Disable,
    };
    record(&mut doc, "so", &op, d("2026-07-01"), basis(), &rec(1)).unwrap();
    let agency = agency_of(&doc);
    let l = agency.lineage();
    assert_eq!(l.route("a", "t2-b", d("2026-07-01")), "phong-buu-chinh");
    assert_eq!(
        l.route("a", "t1-a", d("2026-07-01")),
        "c",
        "the rest: first"
    );
    assert!(!l.valid("phong-buu-chinh", d("2026-06-30")));
    assert!(l.valid("phong-buu-chinh", d("2026-07-01")));
    assert_eq!(
        l.account_fate("a", d("2026-07-01")).map(|(_, to)| to),
        Some(None),
        "disabled"
    );
    assert_eq!(l.account_fate("a", d("2026-06-30")), None, "not yet");
    // A route to a unit that is not a successor is refused.
    let bad = Operation::Split {
        unit: "b".into(),
        into: vec!["c".into()],
        new_units: vec![],
        routes: BTreeMap::from([("t2-b".to_string(), "vp".to_string())]),
        accounts: AccountFate::Keep,
    };
    assert!(record(&mut doc, "so", &bad, d("2026-07-01"), basis(), &rec(2)).is_err());
}

#[test]
fn chains_are_followed_for_tasks_and_accounts() {
    let mut doc = merged();
    let b_into_c = Operation::Merge {
        unit: "b".into(),
        into: "c".into(),
        accounts: AccountFate::Move,
    };
    record(&mut doc, "so", &b_into_c, d("2026-07-01"), basis(), &rec(2)).unwrap();
    let agency = agency_of(&doc);
    let l = agency.lineage();
    // Renamed later, the successor keeps the name it had on the merge's day.
    let rename = Operation::Rename {
        unit: "c".into(),
        name: "Phòng Đổi mới".into(),
    };
    let mut renamed = doc.fork();
    record(
        &mut renamed,
        "so",
        &rename,
        d("2026-09-01"),
        basis(),
        &rec(3),
    )
    .unwrap();
    let after = agency_of(&renamed);
    assert!(
        after.changes[1]
            .describe(&after)
            .contains("sáp nhập vào Phòng Công nghệ")
    );
    assert_eq!(l.route("a", "t", d("2026-05-01")), "b");
    assert_eq!(l.route("a", "t", d("2026-07-01")), "c");
    assert_eq!(
        l.account_fate("a", d("2026-05-01")).map(|(_, to)| to),
        Some(Some("b".into()))
    );
    assert_eq!(
        l.account_fate("a", d("2026-07-02")).map(|(_, to)| to),
        Some(Some("c".into()))
    );
    assert_eq!(l.heirs("a").len(), 2);
}

#[test]
fn heirs_may_write_only_from_each_changes_date() {
    let mut doc = merged();
    let b_into_c = Operation::Merge {
        unit: "b".into(),
        into: "c".into(),
        accounts: AccountFate::Move,
    };
    record(&mut doc, "so", &b_into_c, d("2026-07-01"), basis(), &rec(2)).unwrap();
    let moved = Operation::MoveFunction {
        unit: "vp".into(),
        to: "c".into(),
        tasks: vec!["t1".into()],
    };
    record(&mut doc, "so", &moved, d("2099-01-01"), basis(), &rec(3)).unwrap();
    let l = agency_of(&doc).lineage();
    let set = |units: &[&str]| units.iter().map(|u| u.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        l.heirs_on("a", d("2026-03-31")),
        set(&[]),
        "before the merge"
    );
    assert_eq!(l.heirs_on("a", d("2026-04-01")), set(&["b"]), "on its day");
    assert_eq!(l.heirs_on("a", d("2026-06-30")), set(&["b"]));
    assert_eq!(
        l.heirs_on("a", d("2026-07-01")),
        set(&["b", "c"]),
        "the chain"
    );
    // A function moved in 2099 gives nothing before then; the lineage shows it as planned.
    assert_eq!(l.heirs_on("vp", d("2098-12-31")), set(&[]));
    assert_eq!(l.heirs_on("vp", d("2099-01-01")), set(&["c"]));
    assert_eq!(l.heirs("vp"), set(&["c"]));
}

#[test]
fn progress_counts_for_the_successor_after_the_date_and_its_own_entry_wins() {
    let doc = merged();
    let agency = agency_of(&doc);
    let entry = |status, percent| Entry {
        status,
        percent,
        ..Entry::default()
    };
    let mut a = Progress::new("p", "a");
    a.tasks.insert(
        "t1".into(),
        BTreeMap::from([
            ("q1".to_string(), entry(WorkStatus::InProgress, 40)),
            ("h1".to_string(), entry(WorkStatus::InProgress, 60)),
        ]),
    );
    let mut b = Progress::new("p", "b");
    b.tasks.insert(
        "t1".into(),
        BTreeMap::from([("h1".to_string(), entry(WorkStatus::Done, 100))]),
    );
    let before = fold(&agency, &[a.clone(), b.clone()], d("2026-03-31")).into_owned();
    assert!(!before[1].tasks["t1"].contains_key("q1"), "not yet b's");
    let after = fold(&agency, &[a.clone(), b], d("2026-04-01")).into_owned();
    assert_eq!(after[0], a, "a's document stays a's");
    assert_eq!(after[1].tasks["t1"]["q1"].percent, 40, "a's Q1 under b");
    assert_eq!(after[1].tasks["t1"]["h1"].percent, 100, "b's own wins");
    // A successor with no document yet gets one to carry the entries.
    let only_a = fold(&agency, &[a], d("2026-04-01")).into_owned();
    assert_eq!(only_a[1].unit_id, "b");
    assert_eq!(only_a[1].tasks["t1"]["h1"].percent, 60);
}

#[test]
fn whole_model_writes_and_older_readers_keep_the_change_list() {
    let mut doc = merged();
    // The importer's path: read the model, add a unit, write it back.
    doc::update::<Org, _>(&mut doc, "system", UnixTime(1), |o| {
        o.agencies[0].units.push(Unit::named("Phòng Mới"));
    })
    .unwrap();
    let agency = agency_of(&doc);
    assert_eq!(agency.changes.len(), 1);
    assert_eq!(agency.units.len(), 5);
    // A change of a later release's kind is left out of the reading and kept in the document.
    let mut tx = doc.transaction();
    let later = OrgChange {
        id: "z".into(),
        ..agency.changes[0].clone()
    };
    append(&mut tx, "so", &later).unwrap();
    let list = all_objs(&tx, &agency_obj(&tx), CHANGES_KEY, ObjType::List)[0].clone();
    let (_, last) = tx.get(&list, 1).unwrap().unwrap();
    tx.put(&last, "kind", "annex").unwrap();
    tx.commit();
    assert_eq!(agency_of(&doc).changes.len(), 1);
    doc::update::<Org, _>(&mut doc, "system", UnixTime(2), |o| {
        o.agencies[0].name = "Sở mới".into();
    })
    .unwrap();
    let list = all_objs(&doc, &agency_obj(&doc), CHANGES_KEY, ObjType::List)[0].clone();
    assert_eq!(doc.length(&list), 2, "the unknown change is still there");
}

fn agency_obj<D: ReadDoc>(doc: &D) -> ObjId {
    let agencies = all_objs(doc, &automerge::ROOT, "agencies", ObjType::List)[0].clone();
    doc.get(&agencies, 0).unwrap().unwrap().1
}

#[test]
fn change_lists_created_on_two_devices_at_once_are_read_together() {
    let base = doc_of(&org());
    let mut one = base.fork();
    let mut two = base.fork();
    record(
        &mut one,
        "so",
        &merge_a_into_b(),
        d("2026-04-01"),
        basis(),
        &rec(1),
    )
    .unwrap();
    let rename = Operation::Rename {
        unit: "c".into(),
        name: "Phòng Đổi mới".into(),
    };
    record(&mut two, "so", &rename, d("2026-05-01"), basis(), &rec(2)).unwrap();
    one.merge(&mut two).unwrap();
    let agency = agency_of(&one);
    assert_eq!(agency.changes.len(), 2);
    assert_eq!(agency.unit("c").unwrap().name, "Phòng Đổi mới");
    assert!(!agency.lineage().valid("a", d("2026-04-01")));
}

#[test]
fn an_established_unit_exists_from_its_day_and_joins_groups_only_then() {
    let mut doc = doc_of(&org());
    let op = Operation::Establish {
        unit: "phong-phap-che".into(),
        name: "Phòng Pháp chế".into(),
    };
    let change = record(&mut doc, "so", &op, d("2026-01-01"), basis(), &rec(1)).unwrap();
    assert_eq!(change.kind, ChangeKind::Establish);
    let agency = agency_of(&doc);
    assert!(agency.unit("phong-phap-che").is_some());
    assert_eq!(
        change.describe(&agency),
        "Phòng Pháp chế thành lập từ ngày 01/01/2026 (Quyết định số 12/QĐ-UBND ngày 20/03/2026)."
    );
    let members = |day: &str| {
        agency
            .on(d(day))
            .group_members(crate::model::Group::ProfessionalDepartments)
    };
    assert!(!members("2025-12-31").contains(&"phong-phap-che".to_string()));
    assert!(members("2026-01-01").contains(&"phong-phap-che".to_string()));
    assert_eq!(members("2025-12-31").len(), 3);
    // A name the agency has, or had, is refused.
    let again = Operation::Establish {
        unit: "a".into(),
        name: "Phòng Thông tin".into(),
    };
    assert!(record(&mut doc, "so", &again, d("2026-02-01"), basis(), &rec(2)).is_err());
    let empty = Operation::Establish {
        unit: String::new(),
        name: "  ".into(),
    };
    assert!(record(&mut doc, "so", &empty, d("2026-02-01"), basis(), &rec(3)).is_err());
}
