//! Which documents show a plan to a user (`Me::plan_documents`, shared by the client's opening
//! and the server's `/api/bootstrap`), and the bootstrap answer's encoding.

use tiendo_shared::api::{BootDocument, Bootstrap, DocRef, Me, User};
use tiendo_shared::model::DocKind;
use tiendo_shared::model::role::{Access, Role};

fn doc(id: &str, kind: DocKind, plan: Option<&str>, unit: Option<&str>) -> DocRef {
    DocRef {
        doc_id: id.into(),
        url: format!("automerge:{id}"),
        kind,
        agency_id: "khcn".into(),
        plan_id: plan.map(Into::into),
        unit_id: unit.map(Into::into),
        title: id.into(),
        access: Access::Read,
        writable: false,
    }
}

fn me(role: Role, unit: Option<&str>, documents: Vec<DocRef>) -> Me {
    Me {
        user: User {
            username: "u".into(),
            display_name: "U".into(),
            role,
            agency_id: Some("khcn".into()),
            unit_id: unit.map(Into::into),
        },
        role_label: String::new(),
        agency: None,
        unit: None,
        documents,
        par_documents: Vec::new(),
        people: Vec::new(),
        sync_path: "/sync".into(),
        build: None,
        bundle_key: None,
    }
}

fn catalogue() -> Vec<DocRef> {
    vec![
        doc("P25", DocKind::Plan, Some("2025"), None),
        doc("P26", DocKind::Plan, Some("2026"), None),
        doc("ORG", DocKind::Org, None, None),
        doc("A25", DocKind::Progress, Some("2025"), Some("a")),
        doc("B25", DocKind::Progress, Some("2025"), Some("b")),
        doc("A26", DocKind::Progress, Some("2026"), Some("a")),
        doc("B26", DocKind::Progress, Some("2026"), Some("b")),
    ]
}

#[test]
fn a_unit_opens_the_plan_the_organisation_and_its_own_progress_of_that_plan() {
    let me = me(Role::UnitEditor, Some("a"), catalogue());
    let docs = me.plan_documents("2026").unwrap();
    assert_eq!(docs.ids(), ["P26", "ORG", "A26"]);
    assert!(docs.all_progress.is_empty());
}

#[test]
fn a_unit_that_took_over_another_units_work_opens_its_documents_too() {
    // The server lists a merged unit's documents to its successor as its own (writable).
    let mut docs = catalogue();
    for d in docs
        .iter_mut()
        .filter(|d| d.unit_id.as_deref() == Some("b"))
    {
        d.access = Access::Write;
        d.writable = true;
    }
    let me = me(Role::UnitEditor, Some("a"), docs);
    let docs = me.plan_documents("2025").unwrap();
    assert_eq!(docs.ids(), ["P25", "ORG", "A25", "B25"]);
    assert_eq!(docs.own_progress.unwrap().doc_id, "A25");
}

#[test]
fn the_office_opens_every_units_progress_of_the_plan_once() {
    let me = me(Role::AgencyAdmin, Some("b"), catalogue());
    let docs = me.plan_documents("2025").unwrap();
    assert_eq!(docs.own_progress.map(|d| d.doc_id.as_str()), Some("B25"));
    assert_eq!(docs.ids(), ["P25", "ORG", "B25", "A25"]);
}

#[test]
fn a_plan_not_the_users_falls_back_to_their_first() {
    let me = me(Role::UnitEditor, Some("b"), catalogue());
    assert_eq!(
        me.plan_documents("1999").unwrap().ids(),
        ["P25", "ORG", "B25"]
    );
    assert!(
        self::me(Role::UnitEditor, None, Vec::new())
            .plan_documents("")
            .is_err()
    );
}

#[test]
fn a_bootstrap_reads_back_byte_for_byte_and_garbage_says_why() {
    let boot = Bootstrap {
        plan_id: "2025".into(),
        documents: vec![BootDocument {
            doc_id: "P25".into(),
            bytes: (0..=255).collect(),
        }],
    };
    let bytes = boot.encode();
    assert_eq!(Bootstrap::decode(&bytes).unwrap(), boot);
    let err = Bootstrap::decode(&bytes[..bytes.len() / 2]).unwrap_err();
    assert!(err.starts_with("bootstrap:"), "{err}");
    assert!(Bootstrap::decode(b"{\"json\":1}").is_err());
}
