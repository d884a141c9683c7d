//! Who may read and write which document, and the samod share policy that enforces it.
//!
//! Stage: *gate* between the sync socket and the hub. Every sync connection is bound to a signed-in
//! user ([`Peers::bind`]) before samod sees its handshake; samod then asks the [`Policy`] about each
//! (document, peer) pair and gets the answer of [`access`]:
//!
//! | role | plan, organisation | own unit's progress | other progress of the agency | PAR criteria set | agency's PAR assessment, appraisal | other agencies |
//! |---|---|---|---|---|---|---|
//! | unit editor, unit head | read | write | – | read | – | – |
//! | agency admin (central office) | write | write | read | read | read | – |
//! | agency head | read | read | read | read | read | – |
//! | province viewer, province appraiser | read | read | read | read | read | read |
//! | system admin | write | write | write | read | read | write |
//!
//! The PAR index's own documents (criteria sets, assessment records, appraisals) are written by
//! the server alone, on the acts below it attests ([`crate::domain::par`]); a unit's scoring
//! sheet is in its own progress document. The acts: who keeps criteria sets
//! ([`may_keep_criteria`]), consolidates an assessment ([`may_consolidate`]), approves and sends
//! it ([`may_file`]), appraises ([`may_appraise`]), reads an assessment ([`may_read_assessment`])
//! and a group's ranking ([`may_see_ranking`]).
//!
//! Beside the document table: who sees the merged status and the reports ([`may_see_merged`]),
//! who may import a plan ([`may_import`]) or a bundle file ([`may_import_bundle`]), each first
//! asked of the role alone before the file is read ([`may_import_plans`],
//! [`may_import_bundles`]), who makes starter bundles ([`may_make_starter`]) and whose names a user's history shows
//! ([`sees_people_of`]) — every authorization rule is in this module.
//!
//! A document not in the catalogue is shared with nobody, so a client can neither read nor create
//! documents the server does not know. A read-only peer's changes are ignored by samod (automerge
//! read-only sync); the sync layer logs each such refused write with the peer and document.

mod catalogue;
mod par;
mod peers;
mod policy;

pub use catalogue::Catalogue;
pub use par::{
    may_appraise, may_consolidate, may_file, may_keep_criteria, may_read_assessment,
    may_see_ranking,
};
pub use peers::{ConnectionGuard, Peers};
pub use policy::{Policy, share_config};

use crate::domain::accounts::{Role, User};
use crate::domain::error::{DomainError, Result};
use crate::store::{DocKind, DocRecord};

/// What a user may do with a document (the one enum, from `shared::api`).
pub use tiendo_shared::model::role::Access;

/// The rule table of this module's documentation. `inherits`: the user's unit has taken over the
/// work of the document's unit (a merge, split or function moved whose date has come,
/// [`tiendo_shared::model::lineage`]), so its documents are the user's own too: what an offline tablet of the old unit wrote still
/// syncs, and the successor reads the history it carries.
pub fn access(user: &User, doc: &DocRecord, inherits: bool) -> Access {
    if user.disabled {
        return Access::None;
    }
    let same_agency = user.agency_id.as_deref() == Some(doc.agency_id.as_str());
    let own_unit =
        same_agency && doc.unit_id.is_some() && (user.unit_id == doc.unit_id || inherits);
    match (user.role, doc.kind) {
        // The server alone writes the PAR index's documents (the REST acts it attests), even for
        // a system administrator: a step, an addition or an announcement written over sync would
        // rest on what the change claims (a head's approval, a file never held); a criteria set
        // is read by everyone, units scoring within its rules offline.
        (_, DocKind::Criteria) => Access::Read,
        (Role::SystemAdmin, DocKind::Assessment | DocKind::Appraisal) => Access::Read,
        (Role::SystemAdmin, _) => Access::Write,
        (Role::ProvinceViewer | Role::ProvinceAppraiser, _) => Access::Read,
        (_, _) if !same_agency => Access::None,
        (Role::AgencyAdmin | Role::AgencyHead, DocKind::Assessment | DocKind::Appraisal) => {
            Access::Read
        }
        // A unit sees its own sub-criteria only: they are in its own progress document.
        (Role::UnitEditor | Role::UnitHead, DocKind::Assessment | DocKind::Appraisal) => {
            Access::None
        }
        (Role::AgencyHead, DocKind::Plan | DocKind::Org | DocKind::Progress) => Access::Read,
        // Who may record an agency's organisation changes: its admin (and system administrators),
        // enforced here for every change that syncs; the server takes from an organisation
        // document only its own agency's changes (`Library::follow_org`).
        (Role::AgencyAdmin, DocKind::Plan | DocKind::Org) => Access::Write,
        (Role::AgencyAdmin, DocKind::Progress) if own_unit => Access::Write,
        (Role::AgencyAdmin, DocKind::Progress) => Access::Read,
        (Role::UnitEditor | Role::UnitHead, DocKind::Plan | DocKind::Org) => Access::Read,
        (Role::UnitEditor | Role::UnitHead, DocKind::Progress) if own_unit => Access::Write,
        (Role::UnitEditor | Role::UnitHead, DocKind::Progress) => Access::None,
    }
}

/// Only the province (and system administrators) see the roll-up over agencies.
pub fn may_see_province(user: &User) -> Result<()> {
    match user.role {
        Role::ProvinceViewer | Role::ProvinceAppraiser | Role::SystemAdmin => Ok(()),
        _ => Err(DomainError::Forbidden(
            "tổng hợp toàn tỉnh dành cho Sở Nội vụ và quản trị hệ thống".to_string(),
        )),
    }
}

/// Only system administrators read a node's metrics over a session (scrapers come from the
/// configured addresses instead).
pub fn may_read_metrics(user: &User) -> Result<()> {
    match user.role {
        Role::SystemAdmin => Ok(()),
        _ => Err(DomainError::Forbidden(
            "số liệu vận hành dành cho quản trị hệ thống".to_string(),
        )),
    }
}

/// Only those who may read every unit's progress see the merged status and the reports.
pub fn may_see_merged(user: &User) -> Result<()> {
    if user.role.is_unit_member() {
        return Err(DomainError::Forbidden(
            "tổng hợp tiến độ dành cho đầu mối tổng hợp và lãnh đạo".to_string(),
        ));
    }
    Ok(())
}

/// Whether `user` may import plans at all, asked before a byte of the file is read: agency
/// administrators and system administrators ([`may_import`] then checks the plan's agency).
pub fn may_import_plans(user: &User) -> Result<()> {
    match user.role {
        Role::SystemAdmin | Role::AgencyAdmin => Ok(()),
        _ => Err(DomainError::Forbidden(
            "chỉ đầu mối tổng hợp của cơ quan nhập được kế hoạch; tệp không được đọc".to_string(),
        )),
    }
}

/// Who may import `imported`: agency administrators a plan of their own agency, system
/// administrators any plan.
pub fn may_import(user: &User, imported: &tiendo_shared::import::Imported) -> Result<()> {
    match user.role {
        Role::SystemAdmin => Ok(()),
        Role::AgencyAdmin
            if user.agency_id.as_deref() == Some(imported.plan.agency_id.as_str()) =>
        {
            Ok(())
        }
        Role::AgencyAdmin => Err(DomainError::Forbidden(format!(
            "kế hoạch của {} — chỉ nhập được kế hoạch của cơ quan mình",
            imported.agency().name
        ))),
        _ => Err(DomainError::Forbidden(
            "chỉ đầu mối tổng hợp của cơ quan nhập được kế hoạch".to_string(),
        )),
    }
}

/// Who may link plan `own` to plan `other` (`kind`): a replacement, whoever may write both plans
/// (their agency's central office); an agency merged into another, a system administrator only
/// (it spans two agencies).
pub fn may_link(
    user: &User,
    kind: tiendo_shared::model::links::LinkKind,
    own: Access,
    other: Access,
) -> Result<()> {
    use tiendo_shared::model::links::LinkKind;
    match kind {
        LinkKind::Absorbs if user.role != Role::SystemAdmin => Err(DomainError::Forbidden(
            "chỉ quản trị hệ thống ghi được việc sáp nhập cơ quan".into(),
        )),
        _ if own == Access::Write && other == Access::Write => Ok(()),
        _ => Err(DomainError::Forbidden(
            "chỉ đầu mối tổng hợp của cơ quan liên kết được hai kế hoạch của mình".into(),
        )),
    }
}

/// Whether `user` may import bundle files at all, asked before a byte of the file is read: the
/// offices that receive them, agency administrators and system administrators. A unit's own
/// tablet syncs when it has a link; a bundle is for where none reaches, and the office imports
/// it.
pub fn may_import_bundles(user: &User) -> Result<()> {
    match user.role {
        Role::SystemAdmin | Role::AgencyAdmin => Ok(()),
        _ => Err(DomainError::Forbidden(
            "gói dữ liệu do đầu mối tổng hợp của cơ quan nhập; tệp không được đọc".to_string(),
        )),
    }
}

/// Who may import a bundle file made by `author` (`crate::domain::bundles`): the author's agency's
/// central office or a system administrator. What it applies is decided by the author's own
/// rights.
pub fn may_import_bundle(importer: &User, author: &User) -> Result<()> {
    let same_agency = importer.agency_id.is_some() && importer.agency_id == author.agency_id;
    match importer.role {
        Role::SystemAdmin => Ok(()),
        Role::AgencyAdmin if same_agency => Ok(()),
        _ => Err(DomainError::Forbidden(format!(
            "gói của {} chỉ do đầu mối tổng hợp của cơ quan đó nhập",
            author.username
        ))),
    }
}

/// Who may make a starter bundle for a unit of `agency_id`: its central office, a system
/// administrator.
pub fn may_make_starter(user: &User, agency_id: &str) -> Result<()> {
    match user.role {
        Role::SystemAdmin => Ok(()),
        Role::AgencyAdmin if user.agency_id.as_deref() == Some(agency_id) => Ok(()),
        _ => Err(DomainError::Forbidden(
            "gói khởi tạo do đầu mối tổng hợp của cơ quan lập".into(),
        )),
    }
}

/// Whether `user`'s task history may name `other` (to show who changed what): the people of
/// the user's agency, and everyone for the roles that read every agency. Names only, never more.
pub fn sees_people_of(user: &User, other: &User) -> bool {
    matches!(user.role, Role::SystemAdmin | Role::ProvinceViewer)
        || (other.agency_id.is_some() && other.agency_id == user.agency_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::model::lineage::Lineage;

    fn user(role: Role, agency: Option<&str>, unit: Option<&str>) -> User {
        User {
            id: 1,
            username: "u".into(),
            display_name: "u".into(),
            role,
            agency_id: agency.map(str::to_string),
            unit_id: unit.map(str::to_string),
            disabled: false,
        }
    }

    fn doc(kind: DocKind, agency: &str, unit: Option<&str>) -> DocRecord {
        DocRecord {
            doc_id: "d".into(),
            kind,
            agency_id: agency.into(),
            plan_id: Some("p".into()),
            unit_id: unit.map(str::to_string),
            title: "t".into(),
        }
    }

    #[test]
    fn nobody_writes_the_par_documents_over_sync_not_even_a_system_administrator() {
        for role in [
            Role::UnitEditor,
            Role::AgencyAdmin,
            Role::AgencyHead,
            Role::ProvinceAppraiser,
            Role::SystemAdmin,
        ] {
            let u = user(role, Some("a"), Some("u1"));
            for kind in [DocKind::Criteria, DocKind::Assessment, DocKind::Appraisal] {
                assert_ne!(
                    access(&u, &doc(kind, "a", None), false),
                    Access::Write,
                    "{role:?} {kind:?}"
                );
            }
        }
    }

    #[test]
    fn the_rule_table_holds_for_every_role_and_document_kind() {
        use Access::{None as No, Read, Write};
        let docs = [
            doc(DocKind::Plan, "a", None),
            doc(DocKind::Org, "a", None),
            doc(DocKind::Progress, "a", Some("u1")),
            doc(DocKind::Progress, "a", Some("u2")),
            doc(DocKind::Plan, "b", None),
            doc(DocKind::Progress, "b", Some("u1")),
        ];
        let table = [
            (
                user(Role::UnitEditor, Some("a"), Some("u1")),
                [Read, Read, Write, No, No, No],
            ),
            (
                user(Role::AgencyAdmin, Some("a"), Some("u2")),
                [Write, Write, Read, Write, No, No],
            ),
            (
                user(Role::ProvinceViewer, None, None),
                [Read, Read, Read, Read, Read, Read],
            ),
            (
                user(Role::SystemAdmin, None, None),
                [Write, Write, Write, Write, Write, Write],
            ),
        ];
        for (u, expected) in table {
            let got: Vec<Access> = docs.iter().map(|d| access(&u, d, false)).collect();
            assert_eq!(got, expected, "{:?}", u.role);
        }
        let mut disabled = user(Role::SystemAdmin, None, None);
        disabled.disabled = true;
        assert_eq!(access(&disabled, &docs[0], false), No);
    }

    #[test]
    fn inherited_documents_are_writable_only_from_the_changes_date() {
        use tiendo_shared::model::lineage::{ChangeKind, OrgChange};
        let change = OrgChange {
            id: "c1".into(),
            kind: ChangeKind::MoveFunction,
            unit: "u1".into(),
            on: "2099-01-01".parse().unwrap(),
            into: vec!["u2".into()],
            created: Vec::new(),
            routes: [("t1".to_string(), "u2".to_string())].into(),
            old_name: String::new(),
            new_name: String::new(),
            basis: Default::default(),
            accounts: Default::default(),
            by: "admin".into(),
            at: 0,
        };
        let catalogue = Catalogue::default();
        catalogue.set_lineage("a", Lineage::new(&[change]));
        let heir = user(Role::UnitEditor, Some("a"), Some("u2"));
        let theirs = doc(DocKind::Progress, "a", Some("u1"));
        let on = |s: &str| catalogue.access_on(&heir, &theirs, s.parse().unwrap());
        assert_eq!(on("2098-12-31"), Access::None);
        assert_eq!(on("2099-01-01"), Access::Write);
        assert_eq!(catalogue.access(&heir, &theirs), Access::None, "today");
        // Another agency's lineage says nothing about this one's documents.
        let other = doc(DocKind::Progress, "b", Some("u1"));
        assert_eq!(
            catalogue.access_on(&heir, &other, "2099-01-01".parse().unwrap()),
            Access::None
        );
    }

    #[test]
    fn a_peer_id_binds_to_one_user_and_connections_are_limited() {
        let peers = Peers::default();
        let alice = user(Role::UnitEditor, Some("a"), Some("u1"));
        let mut bob = user(Role::UnitEditor, Some("a"), Some("u2"));
        bob.id = 2;
        let g1 = peers.bind("p1", &alice, vec![1], 2).unwrap();
        let g2 = peers.bind("p1", &alice, vec![1], 2).unwrap();
        assert!(matches!(
            peers.bind("p2", &alice, vec![1], 2),
            Err(DomainError::TooManyConnections(_))
        ));
        assert!(matches!(
            peers.bind("p1", &bob, vec![2], 2),
            Err(DomainError::Conflict(_))
        ));
        assert_eq!(peers.user_of("p1").unwrap().id, 1);
        peers.end_session(&[1]);
        assert!(g1.cancel.is_cancelled() && g2.cancel.is_cancelled());
        drop(g1);
        drop(g2);
        assert!(peers.user_of("p1").is_none());
        assert!(peers.bind("p1", &bob, vec![2], 2).is_ok());
    }
}
