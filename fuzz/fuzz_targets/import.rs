//! Fuzz target `import`: see `tiendo_server::fuzzing::import`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tiendo_server::fuzzing::import(data));
