//! Fuzz target `schedule`: see `tiendo_server::fuzzing::schedule`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tiendo_server::fuzzing::schedule(data));
