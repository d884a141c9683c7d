//! Replays, on the stable toolchain and in the test command, every input of the fuzz targets'
//! seed corpus (`fuzz/corpus/<target>/`) and every input a fuzzer once crashed on
//! (`fuzz/regressions/<target>/`) through the same entry points (`tiendo_server::fuzzing`),
//! plus a set of hand-made edge cases: none may panic.

use std::path::Path;

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 4] = [
    ("import", tiendo_server::fuzzing::import),
    ("schedule", tiendo_server::fuzzing::schedule),
    ("frame", tiendo_server::fuzzing::frame),
    ("report", tiendo_server::fuzzing::report),
];

fn inputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name() != ".keep")
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read(e.path()).expect("readable input"),
            )
        })
        .collect()
}

#[test]
fn every_corpus_and_regression_input_is_answered_without_a_panic() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let edge: Vec<Vec<u8>> = vec![
        Vec::new(),
        vec![0xFF; 64],
        b"\xa1\x64type\x64join".to_vec(),
        // Deeply nested CBOR: a map whose value is 200,000 nested arrays.
        [&b"\xa1\x64data"[..], &[0x81; 200_000][..], &[0x00][..]].concat(),
        [&[0x81; 200_000][..], &[0x00][..]].concat(),
        "Quý 0 năm 0; Chậm nhất là ngày 31/02/99999"
            .as_bytes()
            .to_vec(),
        "I. \n1. \na)\n- Đơn vị chủ trì thực hiện: .\n"
            .repeat(50)
            .into_bytes(),
    ];
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let mut all = inputs(&fuzz.join("corpus").join(name));
        assert!(!all.is_empty(), "target {name} has a seed corpus");
        all.extend(inputs(&fuzz.join("regressions").join(name)));
        for (path, data) in &all {
            let outcome = std::panic::catch_unwind(|| target(data));
            assert!(outcome.is_ok(), "{name}: {path} panicked");
            replayed += 1;
        }
        for data in &edge {
            assert!(
                std::panic::catch_unwind(|| target(data)).is_ok(),
                "{name}: edge case {:?} panicked",
                String::from_utf8_lossy(data)
            );
        }
    }
    println!("replayed {replayed} fuzz inputs");
}
