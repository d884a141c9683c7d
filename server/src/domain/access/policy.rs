//! samod's share policy: the catalogue and the bound peers, asked for each (document, peer).
//!
//! Stage: *domain*, under [`super`].

use samod::{DocumentId, PeerId, ShareConfig, SharePolicy};

use super::{Access, Catalogue, Peers};

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
