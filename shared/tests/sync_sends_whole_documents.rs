//! A peer that has nothing of a document gets it whole in one sync message (automerge's v2 path).
//! The vendored automerge keeps that compressed document by the heads it was made at
//! (`vendor/patches/0007`), so a wave of new tablets costs one compression per version of the
//! plan, not one per tablet: every new peer gets the very same bytes; a change since is in the
//! next new peer's message; changes still waiting for their dependencies travel too.

use automerge::sync::{Message, State, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, Automerge, ROOT, ReadDoc};

/// A document of some size: many keys and a long text, over several changes.
fn plan() -> Automerge {
    let mut doc = AutoCommit::new();
    for i in 0..40 {
        doc.put(
            ROOT,
            format!("task-{i}"),
            format!("Nhiệm vụ số {i}: rà soát thủ tục hành chính"),
        )
        .unwrap();
        doc.commit();
    }
    doc.document().clone()
}

/// The message `doc` answers a new peer's first message with, and the peer after taking it.
fn first_sync(doc: &mut Automerge, state: &mut State) -> (Vec<u8>, Automerge) {
    let mut peer = Automerge::new();
    let mut peer_state = State::new();
    let hello = peer
        .generate_sync_message(&mut peer_state)
        .expect("a new peer says what it has");
    doc.receive_sync_message(state, hello).unwrap();
    let reply = doc
        .generate_sync_message(state)
        .expect("the document answers");
    let bytes = reply.clone().encode();
    peer.receive_sync_message(&mut peer_state, reply).unwrap();
    (bytes, peer)
}

/// The single chunk of a whole-document message.
fn chunk(bytes: &[u8]) -> Vec<u8> {
    let message = Message::decode(bytes).unwrap();
    assert_eq!(message.changes.len(), 1, "one chunk: the whole document");
    message.changes.iter().next().unwrap().to_vec()
}

#[test]
fn every_new_peer_gets_the_same_whole_document_and_changes_since_are_in_it() {
    let mut doc = plan();
    let (first, peer) = first_sync(&mut doc, &mut State::new());
    assert_eq!(
        peer.get_heads(),
        doc.get_heads(),
        "the peer holds the document"
    );
    assert_eq!(chunk(&first), doc.save(), "the chunk is the document saved");
    let (second, _) = first_sync(&mut doc, &mut State::new());
    assert_eq!(first, second, "the next new peer gets the very same bytes");

    // A change: the next new peer's document has it.
    let mut editing = AutoCommit::load(&doc.save()).unwrap();
    editing.put(ROOT, "task-0", "Đã hoàn thành").unwrap();
    doc.apply_changes(editing.get_changes(&doc.get_heads()))
        .unwrap();
    let (third, peer) = first_sync(&mut doc, &mut State::new());
    assert_ne!(third, first);
    assert_eq!(peer.get_heads(), doc.get_heads());
    assert_eq!(
        peer.get(ROOT, "task-0").unwrap().unwrap().0.as_str(),
        Some("Đã hoàn thành")
    );
    assert_eq!(chunk(&third), doc.save());

    // A change whose dependency has not arrived waits in the queue, and is sent along.
    let mut ahead = AutoCommit::load(&doc.save()).unwrap();
    ahead.put(ROOT, "a", 1).unwrap();
    ahead.commit();
    ahead.put(ROOT, "b", 2).unwrap();
    ahead.commit();
    let changes = ahead.get_changes(&doc.get_heads());
    doc.apply_changes([changes[1].clone()]).unwrap();
    assert_eq!(doc.get_missing_deps(&[]), vec![changes[0].hash()]);
    let (fourth, mut peer) = first_sync(&mut doc, &mut State::new());
    assert_eq!(
        chunk(&fourth),
        doc.save(),
        "orphans included, as save() includes them"
    );
    assert_eq!(peer.get_missing_deps(&[]), vec![changes[0].hash()]);
    peer.apply_changes([changes[0].clone()]).unwrap();
    assert_eq!(peer.get(ROOT, "b").unwrap().unwrap().0.as_i64(), Some(2));
}
