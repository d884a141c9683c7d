//! Who may read and write which document, and the samod share policy that enforces it.
//!
//! Stage: *gate* between the sync socket and the hub. Every sync connection is bound to a signed-in
//! user ([`Peers::bind`]) before samod sees its handshake; samod then asks the [`Policy`] about each
//! (document, peer) pair and gets the answer of [`access`]:
//!
//! | role | plan, organisation | own unit's progress | other progress of the agency | other agencies |
//! |---|---|---|---|---|
//! | unit editor, unit head | read | write | – | – |
//! | agency admin (central office) | write | write | read | – |
//! | province viewer | read | read | read | read |
//! | system admin | write | write | write | write |
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

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use samod::{DocumentId, PeerId, ShareConfig, SharePolicy};
use tiendo_shared::Date;
use tiendo_shared::lineage::Lineage;

use tokio_util::sync::CancellationToken;

use crate::domain::accounts::{Role, User};
use crate::domain::error::{DomainError, Result};
use crate::store::{DocKind, DocRecord};

/// What a user may do with a document (the one enum, from `shared::api`).
pub use tiendo_shared::api::Access;

/// The rule table of this module's documentation. `inherits`: the user's unit has taken over the
/// work of the document's unit (a merge, split or function moved whose date has come,
/// [`tiendo_shared::lineage`]), so its documents are the user's own too: what an offline tablet of the old unit wrote still
/// syncs, and the successor reads the history it carries.
pub fn access(user: &User, doc: &DocRecord, inherits: bool) -> Access {
    if user.disabled {
        return Access::None;
    }
    let same_agency = user.agency_id.as_deref() == Some(doc.agency_id.as_str());
    let own_unit =
        same_agency && doc.unit_id.is_some() && (user.unit_id == doc.unit_id || inherits);
    match (user.role, doc.kind) {
        (Role::SystemAdmin, _) => Access::Write,
        (Role::ProvinceViewer, _) => Access::Read,
        (_, _) if !same_agency => Access::None,
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
        Role::ProvinceViewer | Role::SystemAdmin => Ok(()),
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
pub fn may_import(user: &User, imported: &tiendo_shared::Imported) -> Result<()> {
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
    kind: tiendo_shared::year::LinkKind,
    own: Access,
    other: Access,
) -> Result<()> {
    use tiendo_shared::year::LinkKind;
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

/// The document catalogue in memory (mirrors the `documents` table), and each agency's lineage
/// (from its organisation document: which units took over which units' work), for the share
/// policy.
#[derive(Clone, Default)]
pub struct Catalogue {
    docs: Arc<RwLock<HashMap<String, DocRecord>>>,
    lineages: Arc<RwLock<HashMap<String, Lineage>>>,
}

impl Catalogue {
    /// A catalogue holding `records`.
    pub fn new(records: impl IntoIterator<Item = DocRecord>) -> Catalogue {
        let map = records.into_iter().map(|r| (r.doc_id.clone(), r)).collect();
        Catalogue {
            docs: Arc::new(RwLock::new(map)),
            lineages: Arc::default(),
        }
    }

    /// The record of `doc_id`.
    pub fn get(&self, doc_id: &str) -> Option<DocRecord> {
        self.docs
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(doc_id)
            .cloned()
    }

    /// Adds (or replaces) a record.
    pub fn insert(&self, rec: DocRecord) {
        self.docs
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(rec.doc_id.clone(), rec);
    }

    pub fn all(&self) -> Vec<DocRecord> {
        let mut v: Vec<DocRecord> = self
            .docs
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        v.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
        v
    }

    /// Takes agency `agency_id`'s lineage, as its organisation document now says.
    pub fn set_lineage(&self, agency_id: &str, lineage: Lineage) {
        self.lineages
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(agency_id.to_string(), lineage);
    }

    /// Agency `agency_id`'s lineage as last taken (empty before its organisation is read).
    pub fn lineage(&self, agency_id: &str) -> Lineage {
        self.lineages
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(agency_id)
            .cloned()
            .unwrap_or_default()
    }

    /// The access of `user` to `doc` today ([`Catalogue::access_on`]).
    pub fn access(&self, user: &User, doc: &DocRecord) -> Access {
        self.access_on(user, doc, crate::today())
    }

    /// The access of `user` to `doc` on `day` ([`access`], with the lineage of the document's
    /// agency): a unit inherits another's documents only from the day the change takes effect,
    /// so a change dated in the future grants nothing before it.
    pub fn access_on(&self, user: &User, doc: &DocRecord, day: Date) -> Access {
        let inherits = match (&user.unit_id, &doc.unit_id) {
            (Some(mine), Some(theirs)) if mine != theirs => self
                .lineages
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .get(&doc.agency_id)
                .is_some_and(|l| l.heirs_on(theirs, day).contains(mine)),
            _ => false,
        };
        access(user, doc, inherits)
    }

    /// The documents `user` may open, with the access they have.
    pub fn visible_to(&self, user: &User) -> Vec<(DocRecord, Access)> {
        self.all()
            .into_iter()
            .filter_map(|d| match self.access(user, &d) {
                Access::None => None,
                a => Some((d, a)),
            })
            .collect()
    }
}

struct Binding {
    user: User,
    connections: usize,
}

struct Connection {
    peer: String,
    user_id: i64,
    session: Vec<u8>,
    cancel: CancellationToken,
}

#[derive(Default)]
struct PeersInner {
    by_peer: HashMap<String, Binding>,
    connections: HashMap<u64, Connection>,
    next_id: u64,
}

/// The live sync connections and the user each samod peer id is bound to.
#[derive(Clone, Default)]
pub struct Peers {
    inner: Arc<Mutex<PeersInner>>,
    refused_writes: Arc<AtomicU64>,
    /// Refused writes not yet added to the store's count ([`Peers::refused_in_store`]).
    refused_unstored: Arc<AtomicU64>,
    /// Held while the unstored count moves into the store, so a reader never counts it twice.
    refused_moving: Arc<tokio::sync::RwLock<()>>,
}

/// A bound connection; dropping it releases the binding.
pub struct ConnectionGuard {
    peers: Peers,
    id: u64,
    /// Cancelled when the session ends or the user is disabled.
    pub cancel: CancellationToken,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        let mut inner = self.peers.lock();
        if let Some(conn) = inner.connections.remove(&self.id)
            && let Some(b) = inner.by_peer.get_mut(&conn.peer)
        {
            b.connections -= 1;
            if b.connections == 0 {
                inner.by_peer.remove(&conn.peer);
            }
        }
    }
}

impl Peers {
    fn lock(&self) -> std::sync::MutexGuard<'_, PeersInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Binds samod peer id `peer` to `user` for one connection of session `session` (the token's
    /// hash). Refused when another user holds that peer id or the user has `max_per_user`
    /// connections already.
    pub fn bind(
        &self,
        peer: &str,
        user: &User,
        session: Vec<u8>,
        max_per_user: usize,
    ) -> Result<ConnectionGuard> {
        let mut inner = self.lock();
        let open = inner
            .connections
            .values()
            .filter(|c| c.user_id == user.id)
            .count();
        if open >= max_per_user {
            return Err(DomainError::TooManyConnections(format!(
                "người dùng {} đã có {open} kết nối đồng bộ (tối đa {max_per_user})",
                user.username
            )));
        }
        if let Some(b) = inner.by_peer.get(peer)
            && b.user.id != user.id
        {
            return Err(DomainError::Conflict(format!(
                "mã thiết bị (peer id) {peer} đang được người dùng khác dùng"
            )));
        }
        let binding = inner.by_peer.entry(peer.to_string()).or_insert(Binding {
            user: user.clone(),
            connections: 0,
        });
        binding.connections += 1;
        let id = inner.next_id;
        inner.next_id += 1;
        let cancel = CancellationToken::new();
        inner.connections.insert(
            id,
            Connection {
                peer: peer.to_string(),
                user_id: user.id,
                session,
                cancel: cancel.clone(),
            },
        );
        Ok(ConnectionGuard {
            peers: self.clone(),
            id,
            cancel,
        })
    }

    /// The user bound to `peer`.
    pub fn user_of(&self, peer: &str) -> Option<User> {
        self.lock().by_peer.get(peer).map(|b| b.user.clone())
    }

    /// Open sync connections of `user_id`.
    pub fn connections_of(&self, user_id: i64) -> usize {
        self.lock()
            .connections
            .values()
            .filter(|c| c.user_id == user_id)
            .count()
    }

    /// Closes the connections opened with session `session` (a token hash).
    pub fn end_session(&self, session: &[u8]) {
        for c in self.lock().connections.values() {
            if c.session == session {
                c.cancel.cancel();
            }
        }
    }

    /// The sessions (token hashes) of the open connections, each once.
    pub fn open_sessions(&self) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = self
            .lock()
            .connections
            .values()
            .map(|c| c.session.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Closes the connections opened with any of `sessions` (token hashes); how many.
    pub fn end_sessions(&self, sessions: &[Vec<u8>]) -> usize {
        let mut n = 0;
        for c in self.lock().connections.values() {
            if sessions.contains(&c.session) {
                c.cancel.cancel();
                n += 1;
            }
        }
        n
    }

    /// Closes every connection of `user_id` (disabled user, new password).
    pub fn end_user(&self, user_id: i64) {
        for c in self.lock().connections.values() {
            if c.user_id == user_id {
                c.cancel.cancel();
            }
        }
    }

    /// Closes every connection of `user_id` but those of session `keep` (a token hash: the
    /// device that changed the user's password).
    pub fn end_user_except(&self, user_id: i64, keep: &[u8]) {
        for c in self.lock().connections.values() {
            if c.user_id == user_id && c.session != keep {
                c.cancel.cancel();
            }
        }
    }

    /// Closes every connection (server shutdown).
    pub fn end_all(&self) {
        for c in self.lock().connections.values() {
            c.cancel.cancel();
        }
    }

    /// Counts a refused write (for tests and the health endpoint).
    pub fn count_refused_write(&self) {
        self.refused_writes.fetch_add(1, Ordering::Relaxed);
        self.refused_unstored.fetch_add(1, Ordering::Relaxed);
    }

    /// Writes this node refused since it started (its `/metrics` counter).
    pub fn refused_writes(&self) -> u64 {
        self.refused_writes.load(Ordering::Relaxed)
    }

    /// Adds the refused writes counted since the last call to the store's count, which every
    /// node sharing the store adds to (called every half second, and at stop).
    pub async fn store_refused(&self, store: &crate::store::Store) -> crate::store::Result<()> {
        if self.refused_unstored.load(Ordering::Relaxed) == 0 {
            return Ok(());
        }
        let _moving = self.refused_moving.write().await;
        let n = self.refused_unstored.load(Ordering::Relaxed);
        store.add_to_count("refused_writes", n as i64).await?;
        self.refused_unstored.fetch_sub(n, Ordering::Relaxed);
        Ok(())
    }

    /// Writes refused by every node of the deployment since it was set up: the store's count
    /// and what this node has not stored yet.
    pub async fn refused_in_store(&self, store: &crate::store::Store) -> crate::store::Result<u64> {
        let _still = self.refused_moving.read().await;
        let stored = store.count("refused_writes").await?;
        Ok(stored as u64 + self.refused_unstored.load(Ordering::Relaxed))
    }

    /// Open sync connections.
    pub fn connection_count(&self) -> usize {
        self.lock().connections.len()
    }
}

impl crate::metrics::StoreCounts for crate::store::Store {
    fn commit_seconds(&self) -> prometheus::Histogram {
        crate::store::Store::commit_seconds(self).clone()
    }

    fn chunk_transactions(&self) -> u64 {
        crate::store::Store::chunk_transactions(self)
    }

    fn documents_loaded(&self) -> usize {
        crate::store::Store::documents_loaded(self)
    }
}

impl crate::metrics::PeerCounts for Peers {
    fn connection_count(&self) -> usize {
        Peers::connection_count(self)
    }

    fn refused_writes(&self) -> u64 {
        Peers::refused_writes(self)
    }
}

/// samod's [`SharePolicy`] over the catalogue and the bound peers.
#[derive(Clone)]
pub struct Policy {
    /// The bound peers.
    pub peers: Peers,
    pub catalogue: Catalogue,
}

impl Policy {
    /// The access of `peer` to `doc_id`: nothing for an unbound peer or an unknown document.
    pub fn decide(&self, doc_id: &str, peer: &str) -> Access {
        match (self.peers.user_of(peer), self.catalogue.get(doc_id)) {
            (Some(user), Some(doc)) => self.catalogue.access(&user, &doc),
            _ => Access::None,
        }
    }
}

/// The samod share configuration of an access level. The server never announces documents:
/// clients ask for what they need.
pub fn share_config(a: Access) -> ShareConfig {
    match a {
        Access::None => ShareConfig::none(),
        Access::Read => ShareConfig::read_only().with_announce(false),
        Access::Write => ShareConfig::read_write().with_announce(false),
    }
}

impl SharePolicy for Policy {
    fn share(
        &self,
        doc_id: DocumentId,
        peer_id: PeerId,
    ) -> impl futures::Stream<Item = ShareConfig> + Send + 'static {
        let decision = self.decide(&doc_id.to_string(), &peer_id.to_string());
        if decision == Access::None {
            tracing::info!(doc = %doc_id, peer = %peer_id, "document not shared with peer");
        }
        futures::stream::iter([share_config(decision)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        use tiendo_shared::lineage::{ChangeKind, OrgChange};
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
