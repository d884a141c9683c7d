//! `tiendo`: the command line of the Tiến độ server (serve, plan parse, import, user, unit,
//! report, backup, restore, print-config); everything is in [`tiendo_server::cli`].
//!
//! The process-wide bound on what one automerge chunk may inflate to is set here, where the
//! process starts: it covers every chunk the process reads (sync, bundles, its own saved
//! documents: [`automerge::set_max_inflated_bytes`], a patch of ours, vendor/README.md).

fn main() -> std::process::ExitCode {
    automerge::set_max_inflated_bytes(Some(
        tiendo_server::sync::frame::MAX_INFLATED_BYTES_IN_PROCESS,
    ));
    tiendo_server::cli::main()
}
