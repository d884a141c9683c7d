//! What the app keeps beside the documents, in a real headless Chromium's `localStorage`: every
//! value reads back as written, and logout's clear leaves none of them.
#![cfg(target_arch = "wasm32")]

use automerge::ChangeHash;
use samod::DocumentId;
use tiendo_client::infra::prefs;
use tiendo_shared::model::PeriodKind;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_kept_value_reads_back_and_logout_clears_them_all() {
    prefs::clear();
    let doc = DocumentId::try_from(vec![7u8; 16]).expect("a document id from 16 bytes");
    let hash = ChangeHash([3; 32]);
    prefs::set_plan("kh-2025");
    prefs::set_period(Some(PeriodKind::H1));
    prefs::set_own_changes(&doc, &[hash]);
    prefs::set_confirmed_heads(&doc, &[hash, ChangeHash([4; 32])]);
    let peer = prefs::peer_id();

    assert_eq!(prefs::plan().as_deref(), Some("kh-2025"));
    assert_eq!(prefs::period(), Some(PeriodKind::H1));
    assert_eq!(prefs::own_changes(&doc), vec![hash]);
    assert_eq!(prefs::confirmed_heads(&doc).len(), 2);
    assert_eq!(prefs::peer_id(), peer, "made once, then kept");
    prefs::set_period(None);
    assert_eq!(prefs::period(), None);

    prefs::clear();
    assert_eq!(prefs::plan(), None);
    assert!(prefs::own_changes(&doc).is_empty());
    assert_ne!(prefs::peer_id(), peer, "the next user gets a new peer id");
    prefs::clear();
}
