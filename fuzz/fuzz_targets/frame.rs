//! Fuzz target `frame`: see `tiendo_server::fuzzing::frame`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tiendo_server::fuzzing::frame(data));
