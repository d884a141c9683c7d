//! The organisation as it changes: each agency's lineage taken from its organisation document
//! (who inherits whose documents, [`crate::domain::access::Catalogue::access`]), accounts following
//! their unit when a merge, split or retirement takes effect, and the operations recorded from
//! the CLI ([`tiendo_shared::model::lineage`] holds the rules).
//!
//! Stage: *gate*, between the organisation documents and the accounts. An operation is an
//! ordinary edit of the organisation document, made offline on the admin's tablet as often as
//! here: the server follows every organisation document's changes ([`Library::watch_orgs`]) and
//! checks, at each sign-in and request and at the start of each day, whether a change has come
//! into effect for the user's unit since ([`Library::current_user`], [`Library::follow_days`]).
//! Only the document's own agency's entry counts ([`Library::follow_org`]), and nothing takes
//! effect before its date.

use tiendo_shared::model::lineage::{self, Basis, Operation, OrgChange, Recorded};
use tiendo_shared::model::{Date, Org};

use crate::domain::accounts::User;
use crate::domain::error::{DomainError, Result};
use crate::domain::library::Library;
use crate::store::DocKind;

impl Library {
    /// Takes the lineage of the agency whose organisation document `doc_id` is (its catalogue
    /// record says which) and lets its accounts follow the changes whose date has come.
    ///
    /// Only that agency's entry is taken. Each agency has its own document (the import makes one
    /// per agency), so an entry for another agency in it was written by someone without that
    /// agency's right: it is ignored, and logged, and never overrides the lineage, the accounts
    /// or the access taken from that agency's own document. Within the agency, the writer's
    /// right is the sync layer's to enforce: an organisation document is writable only by its
    /// agency's admin and by system administrators ([`crate::domain::access::access`]), so every change
    /// in it came from someone who may record that agency's changes. Their effects wait for
    /// their date ([`Library::follow_accounts`], [`crate::domain::access::Catalogue::access`]).
    pub async fn follow_org(&self, doc_id: &str) -> Result<()> {
        let rec = self
            .catalogue()
            .get(doc_id)
            .ok_or_else(|| DomainError::NotFound(format!("tài liệu {doc_id}")))?;
        let org: Org = self.read(doc_id).await?;
        for other in org.agencies.iter().filter(|a| a.id != rec.agency_id) {
            tracing::warn!(
                doc = %doc_id,
                agency = %rec.agency_id,
                named = %other.id,
                changes = other.changes.len(),
                "organisation document names another agency: ignored"
            );
        }
        let Some(agency) = org.agency(&rec.agency_id) else {
            tracing::warn!(doc = %doc_id, agency = %rec.agency_id, "organisation document without its agency");
            return Ok(());
        };
        self.catalogue().set_lineage(&agency.id, agency.lineage());
        self.follow_accounts(&agency.id, crate::today()).await
    }

    /// Moves or disables the accounts of agency `agency_id`'s units that ended on or before
    /// `today`, as each change says.
    pub async fn follow_accounts(&self, agency_id: &str, today: Date) -> Result<()> {
        let lineage = self.catalogue().lineage(agency_id);
        for c in lineage.changes().iter().filter(|c| c.kind.ends_unit()) {
            let Some((change, to)) = lineage.account_fate(&c.unit, today) else {
                continue;
            };
            let changed = self
                .store()
                .follow_unit(agency_id, &c.unit, to.as_deref())
                .await?;
            for u in changed {
                match &to {
                    Some(to) => {
                        tracing::info!(user = %u.username, from = %c.unit, %to, change = %change.id, "account moved to the successor unit");
                    }
                    None => {
                        tracing::info!(user = %u.username, unit = %c.unit, change = %change.id, "account disabled by an organisation change");
                        self.peers().end_user(u.id);
                    }
                }
            }
        }
        Ok(())
    }

    /// Follows every organisation document: its lineage now, and again after each change it
    /// receives (an admin's operation synced from a tablet). Runs until the repo stops.
    /// The tasks end at [`Library::stop`].
    pub fn watch_orgs(&self) {
        for rec in self.catalogue().all() {
            if rec.kind == DocKind::Org {
                self.watch_org(rec.doc_id);
            }
        }
    }

    /// At the start of each day (Vietnam time), lets every agency's accounts follow the changes
    /// dated that day: an account disabled from today has its open sync sockets closed even if
    /// it makes no request (a request or a sign-in applies it too, [`Library::current_user`]).
    /// Runs until [`Library::stop`].
    pub fn follow_days(&self) {
        let library = self.unlocked();
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(crate::until_tomorrow()).await;
                let today = crate::today();
                for rec in library.catalogue().all() {
                    if rec.kind != DocKind::Org {
                        continue;
                    }
                    if let Err(e) = library.follow_accounts(&rec.agency_id, today).await {
                        tracing::warn!(agency = %rec.agency_id, error = %e, "the day's organisation changes not followed");
                    }
                }
            }
        });
        self.keep_watcher(&task);
    }

    /// Follows organisation document `doc_id` (see [`Library::watch_orgs`]) until
    /// [`Library::stop`].
    pub fn watch_org(&self, doc_id: String) {
        use futures::StreamExt as _;
        let library = self.unlocked();
        let task = tokio::spawn(async move {
            if let Err(e) = library.follow_org(&doc_id).await {
                tracing::warn!(doc = %doc_id, error = %e, "organisation document not followed");
            }
            let Ok(handle) = library.handle(&doc_id).await else {
                return;
            };
            let mut changes = handle.changes();
            while changes.next().await.is_some() {
                if let Err(e) = library.follow_org(&doc_id).await {
                    tracing::warn!(doc = %doc_id, error = %e, "organisation change not followed");
                }
            }
        });
        self.keep_watcher(&task);
    }

    /// `user` as they are now: when an organisation change has come into effect for their unit
    /// since it was last looked at, the accounts follow it first. A user whose account it
    /// disabled is told what happened.
    pub async fn current_user(&self, user: User) -> Result<User> {
        let (Some(agency), Some(unit)) = (&user.agency_id, &user.unit_id) else {
            return Ok(user);
        };
        let today = crate::today();
        if self
            .catalogue()
            .lineage(agency)
            .account_fate(unit, today)
            .is_none()
        {
            return Ok(user);
        }
        self.follow_accounts(agency, today).await?;
        match self.store().user(&user.username).await? {
            Some(now) if !now.disabled => Ok(now),
            _ => Err(self.refused(&user).await),
        }
    }

    /// The answer to disabled `user`: what happened to their unit, or only that the account is
    /// disabled.
    pub async fn refused(&self, user: &User) -> DomainError {
        DomainError::Unauthorized(
            self.what_happened(user)
                .await
                .unwrap_or_else(|| "tài khoản đã bị khoá".into()),
        )
    }

    /// What happened to `user`'s unit, when a change ended it: "Phòng A sáp nhập vào Phòng B từ
    /// ngày … (Quyết định …)." and, when it disabled the account, that it did.
    pub async fn what_happened(&self, user: &User) -> Option<String> {
        let (agency_id, unit) = (user.agency_id.as_deref()?, user.unit_id.as_deref()?);
        let lineage = self.catalogue().lineage(agency_id);
        let (change, to) = lineage.account_fate(unit, crate::today())?;
        let org = self.org(agency_id).await.ok()?;
        let described = change.describe(org.agency(agency_id)?);
        Some(match to {
            None => format!(
                "{described} Tài khoản này đã bị khoá; liên hệ văn phòng để được cấp tài khoản mới."
            ),
            Some(_) => described,
        })
    }

    /// Records operation `op` in agency `agency_id`'s organisation document from `on`, as `by`
    /// (the CLI's path; the app's is a change synced from the admin's tablet). Returns the change.
    pub async fn record_org_change(
        &self,
        agency_id: &str,
        op: &Operation,
        on: Date,
        basis: Basis,
        by: &str,
    ) -> Result<OrgChange> {
        let rec = self
            .catalogue()
            .all()
            .into_iter()
            .find(|d| d.kind == DocKind::Org && d.agency_id == agency_id)
            .ok_or_else(|| DomainError::NotFound(format!("cơ quan {agency_id}")))?;
        let handle = self.handle(&rec.doc_id).await?;
        let at = crate::unix_now() * 1000;
        let recorded = Recorded {
            id: tiendo_shared::workflow::step_id(by, at, rand::random()),
            by: by.to_string(),
            at,
        };
        let change = handle
            .with_document(|d| lineage::record(d, agency_id, op, on, basis, &recorded))
            .map_err(|e| DomainError::BadRequest(e.to_string()))?;
        self.follow_org(&rec.doc_id).await?;
        Ok(change)
    }
}
