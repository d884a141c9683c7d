//! The server's attested record of the documents a task's history reads — who delivered each
//! change and when the server received it (`GET /api/attestations`) — fetched when the history
//! is shown and kept in memory for this page, so the history shows what it has offline.
//!
//! Stage: *I/O*, under the history screen: [`refresh`] asks the server (only for what arrived
//! since the last answer), [`attest`] puts what is known on a timeline through the pure
//! `shared::history::attest`. A record is never revised (the first delivery of a change stands),
//! so what was learned stays true.

use std::cell::RefCell;
use std::collections::HashMap;

use tiendo_shared::api::MAX_ATTESTED_DOCUMENTS;
use tiendo_shared::views::history::{self, Event, Record};

/// How far before the last answer the next one starts: a delivery is stamped when it arrives and
/// readable once committed (on another node, once that node commits), so one received just
/// before an answer may appear only after it.
const MARGIN_MS: i64 = 10 * 60 * 1000;

/// One document's record as far as known.
struct Known {
    record: Record,
    /// The server's clock at the last answer that covered the document.
    as_of_ms: i64,
}

thread_local! {
    static KNOWN: RefCell<HashMap<String, Known>> = RefCell::new(HashMap::new());
}

/// Asks the server for the records of `docs` (what arrived since the last answer for each);
/// whether every request was answered. Documents the user may not read stay unknown.
pub async fn refresh(docs: &[String]) -> bool {
    let mut answered = true;
    for chunk in docs.chunks(MAX_ATTESTED_DOCUMENTS) {
        // One `since` for the chunk: the oldest of its documents' answers, none if any document
        // was never asked about.
        let since = KNOWN.with_borrow(|known| {
            chunk
                .iter()
                .map(|d| known.get(d).map(|k| k.as_of_ms))
                .collect::<Option<Vec<i64>>>()
                .and_then(|times| times.into_iter().min())
                .map(|t| t - MARGIN_MS)
        });
        let Some(answer) = super::api::attestations(chunk, since).await else {
            answered = false;
            continue;
        };
        KNOWN.with_borrow_mut(|known| {
            for (doc, list) in answer.documents {
                let k = known.entry(doc).or_insert_with(|| Known {
                    record: Record::new(),
                    as_of_ms: answer.as_of_ms,
                });
                k.as_of_ms = answer.as_of_ms;
                k.record.extend(history::record(list));
            }
        });
    }
    answered
}

/// `events` with the known record on them ([`history::attest`]); `doc_of` names the document an
/// event's change is in from its [`Event::held_in`].
pub fn attest(events: Vec<Event>, doc_of: impl Fn(Option<&str>) -> Option<String>) -> Vec<Event> {
    KNOWN.with_borrow(|known| {
        history::attest(events, |held_in| {
            doc_of(held_in)
                .and_then(|d| known.get(&d))
                .map(|k| &k.record)
        })
    })
}
