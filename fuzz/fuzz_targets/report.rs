//! Fuzz target `report`: see `tiendo_server::fuzzing::report`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tiendo_server::fuzzing::report(data));
