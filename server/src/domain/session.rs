//! The signed-in caller and what it may open: [`Authenticated`] (a user with a valid session, as
//! the routes extract it from a request and the sync socket keeps it) and [`doc_refs`] (the
//! documents a user may open, as `/api/me` lists them and a starter bundle carries them).
//!
//! Stage: *domain*, beneath the routes, the sync pump and the bundles that all take the caller.

use crate::store::DocKind;
use tiendo_shared::api;

use crate::domain::access::Access;
use crate::domain::accounts::User;
use crate::domain::library::Library;

/// A request with a valid session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    /// The SHA-256 of the session token (to close its sync connections on logout).
    pub session: Vec<u8>,
    /// The token itself.
    pub token: String,
}

/// The documents `user` may open, as `/api/me` lists them.
pub fn doc_refs(library: &Library, user: &User) -> Vec<api::DocRef> {
    refs(library, user, |k| DocKind::FIRST.contains(&k))
}

/// The PAR index's documents `user` may open (`/api/me`'s `par_documents`): apart from
/// [`doc_refs`], whose list older builds read and whose kinds they know. A unit member is listed
/// the criteria sets its agency is scored against, where that is decided.
pub async fn par_doc_refs(library: &Library, user: &User) -> Vec<api::DocRef> {
    let mut out = refs(library, user, |k| !DocKind::FIRST.contains(&k));
    // A unit scores against the set its agency's record names (a unit cannot read the record):
    // once the agency has one for a year, the other sets of that year are not listed to it.
    if user.role.is_unit_member()
        && let Some(agency) = user.agency_id.as_deref()
    {
        let par = crate::domain::par::Par::new(library.clone());
        match par.sets_in_force(agency).await {
            Ok(keep) => out.retain(|d| d.kind != DocKind::Criteria || keep(&d.doc_id)),
            Err(e) => tracing::warn!(error = %e, "the agency's criteria sets could not be told"),
        }
    }
    out
}

fn refs(library: &Library, user: &User, kind: impl Fn(DocKind) -> bool) -> Vec<api::DocRef> {
    library
        .catalogue()
        .visible_to(user)
        .into_iter()
        .filter(|(d, _)| kind(d.kind))
        .map(|(d, access)| api::DocRef {
            url: format!("automerge:{}", d.doc_id),
            doc_id: d.doc_id,
            kind: d.kind,
            agency_id: d.agency_id,
            plan_id: d.plan_id,
            unit_id: d.unit_id,
            title: d.title,
            access,
            writable: access == Access::Write,
        })
        .collect()
}
