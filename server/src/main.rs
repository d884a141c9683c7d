//! `tiendo`: the command line of the Tiến độ server (serve, plan parse, import, user, unit,
//! report, backup, restore, print-config); everything is in [`tiendo_server::cli`].

fn main() -> std::process::ExitCode {
    tiendo_server::cli::main()
}
