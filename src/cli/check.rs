//! `gatepost check`: screen request files and print a verdict for each.

use std::{fs, io::Write, process::ExitCode};

use anyhow::Context;

use super::{CheckArgs, FailOn, Format, load_snapshot, render};
use crate::proto::v1 as pb;
use crate::{Options, Verdict, convert, screen};

pub(super) fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let snapshot = load_snapshot(&args.policy)?;
    let options = Options {
        today: args.as_of.unwrap_or_else(crate::Date::today),
    };
    let mut failed = false;
    let mut worst = Verdict::Approve;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &args.files {
        let result = (|| -> anyhow::Result<_> {
            let bytes = fs::read(path).context("cannot read")?;
            let wire = parse_request(&bytes)?;
            let request = convert::request(wire)?;
            let report = screen(&snapshot, &request, options)?;
            Ok((request, report))
        })();
        let (request, report) = match result {
            Ok(r) => r,
            Err(e) => {
                eprintln!("gatepost: {}: {e:#}", path.display());
                failed = true;
                continue;
            }
        };
        worst = worst.max(report.verdict);
        match args.format {
            Format::Json => {
                let response = convert::response(&report, &request.post.id);
                serde_json::to_writer(&mut out, &response)?;
                writeln!(out)?;
            }
            Format::Text => {
                let label = path.display().to_string();
                write!(out, "{}", render::report(&label, &request, &report))?;
            }
        }
    }
    out.flush()?;
    let over = match args.fail_on {
        Some(FailOn::Review) => worst >= Verdict::Review,
        Some(FailOn::Reject) => worst >= Verdict::Reject,
        None => false,
    };
    Ok(if failed {
        ExitCode::from(2)
    } else if over {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Parses a `ScreenPostRequest` from proto3 JSON; errors name the field
/// path (`post.attachments[0].peopleAttested: invalid type ...`).
pub(super) fn parse_request(bytes: &[u8]) -> anyhow::Result<pb::ScreenPostRequest> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            anyhow::anyhow!("not a ScreenPostRequest: {inner}")
        } else {
            anyhow::anyhow!("not a ScreenPostRequest: {path}: {inner}")
        }
    })
}
