//! `/sync`: the automerge-repo WebSocket, bound to a signed-in user and checked frame by frame.
//!
//! Stage: *transport*, between a client's samod/automerge-repo and the server's samod hub:
//!
//! ```text
//! routes::sync (upgrade, session) ─► pump::run ─► frame::inspect ─► samod Transport ─► hub
//!                                   pump::run ◄── held until store::wait_durable ◄─┘
//! ```
//!
//! - [`frame`]: the protocol message as bytes — decode, the stateless checks, encode;
//! - [`pump`]: one connection's loop, generic over any `Sink`/`Stream` of WebSocket messages
//!   (a test drives it with channels): the first frame must be the `join`, whose peer id is bound
//!   to the user ([`Peers::bind`](crate::domain::access::Peers::bind)) and samod told to expect it;
//!   every inbound frame is checked before samod sees it (binary, within the size limit, a
//!   well-formed protocol and automerge sync message whose chunks inflate to at most
//!   [`frame::MAX_INFLATED_BYTES`] together, at most so many documents per connection);
//!   a bad frame closes *that* connection with a close code and reason; changes a peer may not
//!   write are logged (samod ignores them); an outbound sync message is held back until every
//!   change in the heads it announces is committed to SQLite, so a client never hears "stored"
//!   for a change a crash could still lose;
//! - the gate every change a user may write passes is the domain's
//!   ([`crate::domain::admit`]): attested (who delivered it, when) and, where reporting steps
//!   live, checked before samod applies it.

pub mod frame;
pub mod pump;

use std::time::Duration;

pub use frame::Frame;

/// How long a new socket may take to send its `join`.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an open connection re-checks its session (an expiry; sessions ended or users
/// disabled by another process are noticed within a second by [`crate::domain::sessions_elsewhere`]).
pub const SESSION_RECHECK: Duration = Duration::from_secs(60);
/// How often a client that asked for it (`/sync?keepalive=1`) hears from an idle connection: a
/// text frame `k` (the browser cannot see WebSocket pings), so a tablet notices a dead link in
/// seconds ([`pump::run`]). Clients that did not ask are sent nothing new.
pub const KEEPALIVE: Duration = Duration::from_millis(1500);
/// How long an outbound message may wait for SQLite before the connection is closed.
pub const STORAGE_TIMEOUT: Duration = Duration::from_secs(30);

/// WebSocket close codes used here (RFC 6455 §7.4.1).
pub mod close_code {
    /// Policy violation: wrong handshake, limits, session ended.
    pub const POLICY: u16 = 1008;
    /// A text frame: the protocol is binary.
    pub const UNSUPPORTED: u16 = 1003;
    /// Bytes that are not a protocol message.
    pub const INVALID: u16 = 1007;
    /// A frame over the size limit.
    pub const TOO_BIG: u16 = 1009;
    /// The server could not store in time.
    pub const SERVER_ERROR: u16 = 1011;
}
