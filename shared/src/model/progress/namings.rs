//! Which changes named an evidence file in a progress document: the server serves a file's
//! bytes through a document only when the user who wrote the naming could read the file (it
//! proved it holds the bytes), so it must know, for each place the document names the file, the
//! changes that wrote that SHA-256 there.
//!
//! Stage: *local document*, read from Automerge's ops (as [`super::attribution`] is), never from
//! fields a writer fills in (`added_by`).

use automerge::{ChangeHash, ObjId, ObjType, ReadDoc, Value};

/// The objects of `kind` at `key` of `obj`, concurrent values included.
fn objs<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str, kind: ObjType) -> Vec<ObjId> {
    doc.get_all(obj, key)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(v, id)| matches!(v, Value::Object(k) if k == kind).then_some(id))
        .collect()
}

/// The maps that are items of every list in `lists`, concurrent values included.
fn items(doc: &automerge::Automerge, lists: &[ObjId]) -> Vec<ObjId> {
    lists
        .iter()
        .flat_map(|list| {
            (0..doc.length(list)).flat_map(move |i| {
                doc.get_all(list, i)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|(v, id)| matches!(v, Value::Object(ObjType::Map)).then_some(id))
            })
        })
        .collect()
}

/// Every place progress document `doc` names file `sha256` (an evidence file whose `sha256`
/// field holds it, in any task, period and evidence item, or in the unit's PAR-index sheet,
/// concurrent values included), each
/// as the changes that wrote that value there: one change for a plain string; for a string a
/// JavaScript client wrote as collaborative text, the change that made the text and those that
/// inserted each of its characters (a writer may have changed one character of another's
/// value). A naming is as trustworthy as the least trustworthy of its changes.
pub fn file_namings(doc: &automerge::Automerge, sha256: &str) -> Vec<Vec<ChangeHash>> {
    let mut out = Vec::new();
    for tasks in objs(doc, &automerge::ROOT, "tasks", ObjType::Map) {
        for task_key in doc.keys(&tasks).collect::<Vec<_>>() {
            for task in objs(doc, &tasks, &task_key, ObjType::Map) {
                for period_key in doc.keys(&task).collect::<Vec<_>>() {
                    for entry in objs(doc, &task, &period_key, ObjType::Map) {
                        let evidence = items(doc, &objs(doc, &entry, "evidence", ObjType::List));
                        for item in evidence {
                            let files = items(doc, &objs(doc, &item, "files", ObjType::List));
                            for file in files {
                                out.extend(namings_in(doc, &file, sha256));
                            }
                        }
                    }
                }
            }
        }
    }
    // The unit's PAR-index sheet names files too (`par` → code → evidence, each item its own
    // `sha256`: [`crate::model::assessment::sheet`]).
    for par in objs(doc, &automerge::ROOT, "par", ObjType::Map) {
        for code in doc.keys(&par).collect::<Vec<_>>() {
            for entry in objs(doc, &par, &code, ObjType::Map) {
                for item in items(doc, &objs(doc, &entry, "evidence", ObjType::List)) {
                    out.extend(namings_in(doc, &item, sha256));
                }
            }
        }
    }
    out
}

/// The namings of `sha256` in the `sha256` field of evidence file map `file`.
fn namings_in(doc: &automerge::Automerge, file: &ObjId, sha256: &str) -> Vec<Vec<ChangeHash>> {
    let mut out = Vec::new();
    for (value, op) in doc.get_all(file, "sha256").unwrap_or_default() {
        let ops = match value {
            Value::Scalar(s) if s.as_str() == Some(sha256) => vec![op],
            Value::Object(ObjType::Text) if doc.text(&op).ok().as_deref() == Some(sha256) => {
                let mut ops = vec![op.clone()];
                for i in 0..doc.length(&op) {
                    ops.extend(
                        doc.get_all(&op, i)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(_, id)| id),
                    );
                }
                ops
            }
            _ => continue,
        };
        let mut hashes: Vec<ChangeHash> = Vec::new();
        for op in &ops {
            match doc.hash_for_opid(op) {
                Some(h) if !hashes.contains(&h) => hashes.push(h),
                Some(_) => {}
                // An op the document cannot place: no naming to trust.
                None => {
                    hashes.clear();
                    break;
                }
            }
        }
        if !hashes.is_empty() {
            out.push(hashes);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, EvidenceFile, PeriodKind, Progress};

    const SHA: &str = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";

    fn name(doc: &mut automerge::Automerge, author: &str, sha256: &str, evidence: &str) {
        crate::model::doc::update::<Progress, _>(
            doc,
            author,
            crate::model::doc::UnixTime(1),
            |p| {
                p.entry_mut("t1-a", PeriodKind::Q1).evidence.push(Evidence {
                    id: evidence.into(),
                    files: vec![EvidenceFile {
                        sha256: sha256.into(),
                        ..Default::default()
                    }],
                    ..Default::default()
                })
            },
        )
        .unwrap();
    }

    #[test]
    fn each_naming_of_a_file_is_traced_to_the_change_that_wrote_its_hash() {
        let mut doc = automerge::Automerge::new();
        crate::model::doc::update::<Progress, _>(
            &mut doc,
            "a",
            crate::model::doc::UnixTime(1),
            |p| *p = Progress::new("plan", "unit"),
        )
        .unwrap();
        assert!(file_namings(&doc, SHA).is_empty());
        name(&mut doc, "a", SHA, "ev-1");
        let first = doc.get_heads();
        name(&mut doc, "b", &SHA.replace('0', "1"), "ev-2");
        name(&mut doc, "c", SHA, "ev-3");
        let third = doc.get_heads();
        assert_eq!(file_namings(&doc, SHA), vec![first, third]);
    }

    #[test]
    fn a_hash_written_as_text_is_traced_to_every_change_that_made_its_characters() {
        use automerge::transaction::Transactable;
        let mut doc = automerge::Automerge::new();
        name(&mut doc, "a", &SHA.replace('0', "1"), "ev-1");
        let named = doc.get_heads();
        // Another writer turns the first evidence file's hash into SHA, as collaborative text
        // with one character changed by a third change.
        let mut tx = doc.transaction();
        let tasks = tx.get(automerge::ROOT, "tasks").unwrap().unwrap().1;
        let task = tx.get(&tasks, "t1-a").unwrap().unwrap().1;
        let entry = tx.get(&task, "q1").unwrap().unwrap().1;
        let list = tx.get(&entry, "evidence").unwrap().unwrap().1;
        let item = tx.get(&list, 0).unwrap().unwrap().1;
        let files = tx.get(&item, "files").unwrap().unwrap().1;
        let file = tx.get(&files, 0).unwrap().unwrap().1;
        let text = tx.put_object(&file, "sha256", ObjType::Text).unwrap();
        tx.splice_text(&text, 0, 0, &SHA.replace('f', "e")).unwrap();
        tx.commit();
        let made = doc.get_heads();
        let mut tx = doc.transaction();
        for i in (1..64).step_by(2) {
            tx.splice_text(&text, i, 1, "f").unwrap();
        }
        tx.commit();
        let fixed = doc.get_heads();
        assert_ne!(named, made);
        assert_eq!(file_namings(&doc, SHA), vec![[made, fixed].concat()]);
    }
}
