//! `GET /api/attestations`: the attested record of documents — who delivered each change and
//! when the server received it — for a task's history, which shows it in place of what the
//! changes claim (`shared::history::attest`).
//!
//! Stage: *API*, reading [`crate::store::attest`] for the documents the user may read. Access is
//! decided from the catalogue before the store is asked anything; a document the user may not
//! read is left out of the answer exactly like one that does not exist, so the answer reveals
//! neither.

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use tiendo_shared::api::{AttestationsAnswer, MAX_ATTESTED_DOCUMENTS};
use tiendo_shared::model::attestation;

use super::auth::Authenticated;
use crate::AppState;
use crate::domain::access::Access;
use crate::error::{AppError, Result};
use crate::store::attest::{Attested, Via, now_ms};

/// The attestation routes (under `/api`).
pub fn router() -> Router<AppState> {
    Router::new().route("/attestations", get(attestations))
}

/// What was asked: the documents (`doc`, repeated) and `since` (Unix ms, optional).
fn parse(query: Option<&str>) -> Result<(Vec<String>, Option<i64>)> {
    let mut docs = Vec::new();
    let mut since = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match &*key {
            "doc" => docs.push(value.into_owned()),
            "since" => {
                since = Some(value.parse::<i64>().map_err(|_| {
                    AppError::BadRequest(format!("since: cần số mili giây, không phải {value:?}"))
                })?);
            }
            _ => {}
        }
    }
    docs.sort();
    docs.dedup();
    if docs.is_empty() {
        return Err(AppError::BadRequest(
            "cần ít nhất một tài liệu (doc=…)".into(),
        ));
    }
    if docs.len() > MAX_ATTESTED_DOCUMENTS {
        return Err(AppError::BadRequest(format!(
            "tối đa {MAX_ATTESTED_DOCUMENTS} tài liệu mỗi lần hỏi, không phải {}",
            docs.len()
        )));
    }
    Ok((docs, since))
}

fn wire(a: Attested) -> attestation::Attestation {
    let (via, signed_ms) = match a.via {
        Via::Sync => (attestation::Via::Sync, None),
        Via::Bundle { signed_at } => (attestation::Via::Bundle, Some(signed_at)),
    };
    attestation::Attestation {
        hash: a.hash.to_string(),
        by: a.username,
        received_ms: a.received_at,
        via,
        signed_ms,
    }
}

/// `GET /api/attestations?doc=ID[&doc=ID…][&since=MS]`: every attestation of the readable
/// documents asked for (with `since`, those the server received after it), oldest first.
async fn attestations(
    State(state): State<AppState>,
    auth: Authenticated,
    RawQuery(query): RawQuery,
) -> Result<Json<AttestationsAnswer>> {
    let (asked, since) = parse(query.as_deref())?;
    let catalogue = &state.catalogue;
    let readable: Vec<String> = asked
        .into_iter()
        .filter(|d| {
            catalogue
                .get(d)
                .is_some_and(|rec| catalogue.access(&auth.user, &rec) != Access::None)
        })
        .collect();
    // Read before the store: a delivery recorded while it is read is asked again next time.
    let as_of_ms = now_ms();
    let mut documents: BTreeMap<String, Vec<attestation::Attestation>> =
        readable.iter().map(|d| (d.clone(), Vec::new())).collect();
    if !readable.is_empty() {
        for a in state.library.attestations_of(&readable).await? {
            if since.is_some_and(|s| a.received_at <= s) {
                continue;
            }
            if let Some(list) = documents.get_mut(&a.doc_id) {
                list.push(wire(a));
            }
        }
    }
    for list in documents.values_mut() {
        list.sort_by(|a, b| (a.received_ms, &a.hash).cmp(&(b.received_ms, &b.hash)));
    }
    Ok(Json(AttestationsAnswer {
        documents,
        as_of_ms,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_at_least_one_document_and_not_too_many() {
        let (docs, since) = parse(Some("doc=b&doc=a&doc=b&since=5")).unwrap();
        assert_eq!(
            (docs, since),
            (vec!["a".to_string(), "b".to_string()], Some(5))
        );
        assert!(parse(None).is_err());
        assert!(parse(Some("since=5")).is_err());
        assert!(parse(Some("doc=a&since=yesterday")).is_err());
        let many: Vec<String> = (0..=MAX_ATTESTED_DOCUMENTS)
            .map(|i| format!("doc=d{i}"))
            .collect();
        assert!(parse(Some(&many.join("&"))).is_err());
    }
}
