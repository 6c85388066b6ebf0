//! `gatepost rescan`: re-screens an account's history from a JSONL file
//! (one proto3-JSON `Post` a line) with the same engine as the `Rescan`
//! RPC and no async runtime. Lines are read in batches, screened on the
//! rayon pool, and written back in input order, with a bounded number of
//! batches in flight, so memory does not grow with the file.
//!
//! stdout carries one `PostResult` (proto3 JSON) per post, so it can be
//! piped to `jq`; with `--format json` it ends with one `RescanSummary`
//! line, and with `--format text` the summary table goes to stderr. A
//! malformed line is reported on stderr with its number, the scan goes on,
//! and the exit status is 2 at the end.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::ValueEnum;

use super::load_snapshot;
use crate::proto::v1 as pb;
use crate::rescan::{Scan, Tally, ordered};
use crate::{Account, AccountKind, Date, Options};

/// Longest line read, in bytes.
const MAX_LINE: u64 = 64 << 20;
/// Lines per pool job.
const BATCH: usize = 512;

/// Account kind on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Kind {
    /// The school's own account.
    Official,
    /// A member of staff's own account.
    Personal,
}

/// How the summary is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum SummaryFormat {
    /// A table for a person, on stderr.
    Text,
    /// One RescanSummary (proto3 JSON) as the last line of stdout.
    Json,
}

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The policy pack directory.
    #[arg(long, value_name = "DIR")]
    policy: PathBuf,
    /// The school id.
    #[arg(long, value_name = "ID")]
    school: String,
    /// The account's handle, e.g. @OakfieldPri.
    #[arg(long, value_name = "HANDLE")]
    account: String,
    /// The platform, e.g. x.
    #[arg(long, value_name = "P", default_value = "")]
    platform: String,
    /// The account kind; if not given, looked up in the school's official accounts.
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// Only write results for posts that are not approved.
    #[arg(long)]
    only_failing: bool,
    /// Summary format.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    format: SummaryFormat,
    /// Judge consent expiry as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// The history: one Post (proto3 JSON) per line; `-` for stdin.
    #[arg(value_name = "HISTORY.jsonl")]
    history: PathBuf,
}

/// One batch's output, in input order.
struct Done {
    lines: u64,
    out: Vec<u8>,
    errors: Vec<String>,
    tally: Tally,
}

pub(super) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let snapshot = Arc::new(load_snapshot(&args.policy)?);
    let account = Account {
        platform: args.platform.clone(),
        handle: args.account.clone(),
        kind: match args.kind {
            None => AccountKind::Unspecified,
            Some(Kind::Official) => AccountKind::Official,
            Some(Kind::Personal) => AccountKind::Personal,
        },
    };
    let options = Options {
        today: args.as_of.unwrap_or_else(Date::today),
    };
    let scan = Arc::new(Scan::new(
        snapshot,
        &args.school,
        account,
        options,
        args.only_failing,
    )?);
    let label = args.history.display().to_string();
    let input: Box<dyn Read> = if label == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(&args.history).with_context(|| format!("{label}: cannot open"))?)
    };
    let mut reader = BufReader::with_capacity(1 << 20, input);

    let mut read_error = None;
    let mut line_no = 0u64;
    let lines = std::iter::from_fn(|| {
        loop {
            line_no += 1;
            let mut line = Vec::new();
            match reader.by_ref().take(MAX_LINE).read_until(b'\n', &mut line) {
                Ok(0) => return None,
                Ok(_) if line.len() as u64 == MAX_LINE && line.last() != Some(&b'\n') => {
                    // Skip the rest of an over-long line; the worker reports it.
                    let mut rest = Vec::new();
                    while let Ok(n) = reader.by_ref().take(MAX_LINE).read_until(b'\n', &mut rest) {
                        if n == 0 || rest.last() == Some(&b'\n') {
                            break;
                        }
                        rest.clear();
                    }
                    return Some((line_no, None));
                }
                Ok(_) if line.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(_) => return Some((line_no, Some(line))),
                Err(e) => {
                    read_error = Some(e);
                    return None;
                }
            }
        }
    });

    let work = {
        let scan = Arc::clone(&scan);
        let label = label.clone();
        Arc::new(move |batch: Vec<(u64, Option<Vec<u8>>)>| {
            let mut done = Done {
                lines: batch.len() as u64,
                out: Vec::with_capacity(batch.len() * 128),
                errors: Vec::new(),
                tally: Tally::default(),
            };
            for (line_no, line) in batch {
                let Some(line) = line else {
                    done.errors.push(format!(
                        "{label}:{line_no}: line longer than {MAX_LINE} bytes"
                    ));
                    continue;
                };
                match serde_json::from_slice::<pb::Post>(&line) {
                    Ok(post) => {
                        let outcome = scan.post(line_no - 1, post, &mut done.tally);
                        if let Some(result) = outcome.result {
                            let _ = serde_json::to_writer(&mut done.out, &result);
                            done.out.push(b'\n');
                        }
                    }
                    Err(e) => done
                        .errors
                        .push(format!("{label}:{line_no}: not a Post (proto3 JSON): {e}")),
                }
            }
            done
        })
    };

    let started = Instant::now();
    let progress = io::stderr().is_terminal();
    let mut last_progress = started;
    let mut tally = Tally::default();
    let mut malformed = 0u64;
    let mut lines_read = 0u64;
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let in_flight = rayon::current_num_threads() * 4;
    let written = ordered(
        lines,
        BATCH,
        in_flight,
        work,
        |done: Done| -> io::Result<()> {
            out.write_all(&done.out)?;
            if !done.errors.is_empty() {
                out.flush()?;
                for e in &done.errors {
                    eprintln!("{}gatepost: {e}", if progress { "\r\x1b[K" } else { "" });
                }
            }
            malformed += done.errors.len() as u64;
            lines_read += done.lines;
            tally.merge(&done.tally);
            if progress && last_progress.elapsed() >= Duration::from_millis(200) {
                last_progress = Instant::now();
                let rate = tally.posts as f64 / started.elapsed().as_secs_f64().max(1e-9);
                eprint!("\r\x1b[K{} posts screened ({rate:.0}/s)", tally.posts);
            }
            Ok(())
        },
    );
    if progress {
        eprint!("\r\x1b[K");
    }
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        r => r.context("cannot write results")?,
    }
    if let Some(e) = read_error {
        return Err(e).with_context(|| format!("{label}: cannot read line {line_no}"));
    }
    let elapsed = started.elapsed();
    let summary = tally.summary(elapsed, scan.policy_version());
    match args.format {
        SummaryFormat::Json => {
            serde_json::to_writer(&mut out, &summary)?;
            writeln!(out)?;
        }
        SummaryFormat::Text => {
            out.flush()?;
            let who = format!(
                "{} / {} ({})",
                args.school.trim(),
                args.account,
                if scan.official() {
                    "official"
                } else {
                    "personal"
                }
            );
            eprint!("{}", table(&label, &who, &summary, malformed, elapsed));
        }
    }
    out.flush()?;
    Ok(if malformed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The summary for a person.
fn table(
    label: &str,
    who: &str,
    s: &pb::RescanSummary,
    malformed: u64,
    elapsed: Duration,
) -> String {
    use std::fmt::Write as _;
    let mut t = String::new();
    let secs = elapsed.as_secs_f64();
    let rate = s.posts_scanned as f64 / secs.max(1e-9);
    let _ = writeln!(
        t,
        "Re-scan of {label} for {who}, policy {}",
        s.policy_version
    );
    let row = |t: &mut String, name: &str, n: u64| {
        let _ = writeln!(t, "  {name:<26} {n:>10}");
    };
    row(&mut t, "posts screened", s.posts_scanned);
    row(&mut t, "approved", s.approved);
    row(&mut t, "review", s.review);
    row(&mut t, "rejected", s.rejected);
    if malformed > 0 {
        row(&mut t, "malformed lines (skipped)", malformed);
    }
    if !s.findings_by_rule.is_empty() {
        let _ = writeln!(t, "  findings by rule:");
        for r in &s.findings_by_rule {
            let _ = writeln!(t, "    {:<24} {:>10}", r.rule_id, r.count);
        }
    }
    let _ = writeln!(t, "  {secs:.2} s, {rate:.0} posts/s");
    t
}
