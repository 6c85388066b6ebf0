//! The `gatepost` command line. The clap structs hold only what was typed;
//! each subcommand turns them into library objects (a pack, a snapshot) and
//! prints. Printing lives here, never in the engine.
//!
//! Exit codes: 0 success; 1 `check --fail-on` met a verdict at or above
//! its level; 2 an error (bad pack, unreadable or malformed input).

mod check;
mod policy;
mod render;
mod rescan;
mod serve;
mod strip;
mod token;

use std::{ffi::OsString, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand, ValueEnum};

use crate::{Date, Pack, Snapshot};

/// Pre-publication screening of school social-media posts.
#[derive(Debug, Parser)]
#[command(name = "gatepost", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Screen request files (ScreenPostRequest, proto3 JSON) against a pack.
    Check(CheckArgs),
    /// Validate a policy pack and summarise it, or list every error in it.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// List the rule catalogue.
    Rules,
    /// Copy an image without its metadata (EXIF, XMP, IPTC, comments); pixels untouched.
    Strip {
        /// The image to clean (JPEG, PNG or WebP).
        input: PathBuf,
        /// Where to write the cleaned copy.
        output: PathBuf,
    },
    /// Run the gRPC service.
    Serve(serve::Args),
    /// Re-screen an account's history (JSONL of Posts) against a pack.
    Rescan(rescan::Args),
    /// Make API tokens for the pack's tokens.toml (which keeps only their hashes).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// A new random token: the tokens.toml entry on stdout, the token on stderr.
    New {
        /// Who holds it (appears in the service's logs).
        #[arg(long)]
        name: String,
        /// A school id it may screen for (repeat for several; "*" for all).
        #[arg(long = "school", value_name = "ID", required = true)]
        schools: Vec<String>,
        /// It may also reload the policy.
        #[arg(long)]
        admin: bool,
    },
    /// The sha256 for tokens.toml of a token read from stdin.
    Hash,
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Load and validate a pack directory.
    Check {
        /// The pack directory.
        dir: PathBuf,
    },
}

/// Output format for `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// For a person: each finding under the offending text, with its fix.
    Text,
    /// One ScreenPostResponse per line (proto3 JSON mapping).
    Json,
}

/// The least verdict that makes `check` exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Review,
    Reject,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The policy pack directory.
    #[arg(long, value_name = "DIR")]
    policy: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Judge consent expiry as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// Exit with status 1 if any post gets this verdict or a worse one.
    #[arg(long, value_enum, value_name = "VERDICT")]
    fail_on: Option<FailOn>,
    /// Request files.
    #[arg(value_name = "REQUEST.json", required = true)]
    files: Vec<PathBuf>,
}

/// Runs the command line and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Policy {
            command: PolicyCommand::Check { dir },
        } => policy::check(&dir),
        Command::Strip { input, output } => strip::run(&input, &output),
        Command::Rules => {
            policy::rules();
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(args) => serve::run(args),
        Command::Rescan(args) => rescan::run(args),
        Command::Token {
            command:
                TokenCommand::New {
                    name,
                    schools,
                    admin,
                },
        } => token::new(&name, &schools, admin),
        Command::Token {
            command: TokenCommand::Hash,
        } => token::hash(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gatepost: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Loads and compiles a pack, with every pack error in the message.
fn load_snapshot(dir: &std::path::Path) -> anyhow::Result<Snapshot> {
    let pack = Pack::load(dir)
        .map_err(|errors| anyhow::anyhow!("policy pack {} is invalid:\n{errors}", dir.display()))?;
    Ok(Snapshot::build(&pack)?)
}
