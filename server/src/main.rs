//! `tiendo`: the command line of the Tiến độ server (serve, plan parse, import, user, unit,
//! report, backup, restore, print-config); everything is in [`tiendo_server::cli`].
//!
//! Two settings of the process live here, where the process starts:
//! - the allocator: jemalloc with its background threads, which hand memory freed after a burst
//!   back to the system within seconds (its decay, 10 s), even when the server then sits idle.
//!   `bench hostile`'s bursts (same build, same bursts, resident at start → right after → 30 s
//!   later): glibc 295 → 2,887 → 1,536 MB; mimalloc 83 → 346 → 123 MB; jemalloc 52 → 530 →
//!   72 MB (issue 34 saw ~1.9 GB kept after a few bursts);
//! - the bound on what one automerge chunk may inflate to, for every chunk the process reads
//!   (sync, bundles, its own saved documents: [`automerge::set_max_inflated_bytes`], a patch
//!   of ours, vendor/README.md).

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    automerge::set_max_inflated_bytes(Some(
        tiendo_server::sync::frame::MAX_INFLATED_BYTES_IN_PROCESS,
    ));
    tiendo_server::cli::main()
}
