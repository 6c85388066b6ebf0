//! The `gatepost` command: see `gatepost --help` and the README.

use std::process::ExitCode;

fn main() -> ExitCode {
    gatepost::cli::run(std::env::args_os())
}
