//! Entry points for the fuzz targets in `fuzz/` (cargo fuzz, nightly) and for the stable test
//! that replays their corpus and every input that once crashed (`tests/tests/fuzz_replay.rs`):
//! the plan-text importer, the timeline parser, an inbound sync frame through the server's
//! checks into a document, and a stored progress document through the status computation into
//! the report writers. Each must answer with a value or an error for any input; a panic is a
//! finding.
//!
//! Stage: *test support* over the parsers (`shared`) and the inbound and report paths (server).

use std::sync::OnceLock;

use automerge::sync::SyncDoc;
use tiendo_shared::import::Imported;
use tiendo_shared::model::{Date, PeriodKind, Progress};

/// Arbitrary bytes as a plan's text.
pub fn import(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(imported) = tiendo_shared::import::import(text) {
        for (_, task) in imported.plan.tasks() {
            assert!(!task.id.is_empty(), "an imported task without an id");
        }
    }
}

/// Arbitrary bytes as a task's timeline ("Quý I năm 2025", "Chậm nhất là ngày 15/01/2025", …).
pub fn schedule(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for year in [None, Some(2025)] {
        if let Ok(s) = tiendo_shared::model::schedule::parse(text, year) {
            let _ = s.final_due();
        }
    }
}

/// Arbitrary bytes as an inbound sync frame: [`crate::sync::frame::inspect`], then the sync
/// message applied to a document as samod would, then the typed read of a progress document.
pub fn frame(data: &[u8]) {
    let Ok((_, Some(message))) = crate::sync::frame::inspect(data) else {
        return;
    };
    let mut doc = automerge::Automerge::new();
    let mut state = automerge::sync::State::new();
    if doc.receive_sync_message(&mut state, message).is_ok() {
        let _ = tiendo_shared::model::doc::read::<Progress, _>(&doc);
        let _ = doc.generate_sync_message(&mut state);
    }
}

fn seed() -> &'static Imported {
    static SEED: OnceLock<Imported> = OnceLock::new();
    SEED.get_or_init(|| tiendo_shared::import::import(crate::SEED_PLAN).expect("the seed plan"))
}

/// Arbitrary bytes as a unit's stored progress document over the seed plan, into the Q1 and
/// year reports: unreadable documents are skipped (as the server reports them); a readable one
/// must give both files.
pub fn report(data: &[u8]) {
    let Ok(doc) = automerge::Automerge::load(data) else {
        return;
    };
    let Ok(progress) = tiendo_shared::model::doc::read::<Progress, _>(&doc) else {
        return;
    };
    let imported = seed();
    let as_of: Date = "2025-06-30".parse().expect("a date");
    let rule = tiendo_shared::views::report::ScoreRule::default();
    for period in [PeriodKind::Q1, PeriodKind::Year] {
        let report = tiendo_shared::views::report::build(
            &imported.plan,
            &imported.org,
            imported.agency(),
            std::slice::from_ref(&progress),
            period,
            as_of,
            &rule,
            &Default::default(),
            Vec::new(),
        );
        crate::reports::docx(&report).expect("a DOCX from a readable report");
        crate::reports::xlsx(&report).expect("an XLSX from a readable report");
    }
}
