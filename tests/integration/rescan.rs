//! `gatepost rescan` end to end: a generated history with a malformed line,
//! results in input order, a summary that matches the engine, the error
//! naming the line, and a non-zero exit at the end.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use gatepost::proto::v1 as pb;
use gatepost::{Date, Options, Pack, Snapshot, convert, screen};

const POSTS: usize = 3_000;
const BAD_LINE: usize = 1_234; // 1-based

fn text(i: usize) -> String {
    match i % 6 {
        1 => format!("Well done Oliver O'Brien, round {i}!"),
        2 => format!("What a shit day {i}"),
        4 => format!("Those refs were idiots today {i}"),
        _ => format!("Lovely day at the school fair {i}, thank you all!"),
    }
}

/// Writes the history; returns the 1-based line numbers of the posts.
fn write_history(path: &Path) -> Vec<usize> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut lines = Vec::new();
    let mut line = 0;
    for i in 0..POSTS {
        line += 1;
        if line == BAD_LINE {
            writeln!(f, "{{\"id\": \"broken\", \"text\": ").unwrap();
            line += 1;
        }
        let post = pb::Post {
            id: format!("h{i}"),
            text: text(i),
            ..Default::default()
        };
        writeln!(f, "{}", serde_json::to_string(&post).unwrap()).unwrap();
        lines.push(line);
    }
    lines
}

fn expected() -> Vec<pb::Verdict> {
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pack");
    let snapshot = Snapshot::build(&Pack::load(&pack).unwrap()).unwrap();
    let options = Options {
        today: Date::new(2026, 11, 21).unwrap(),
    };
    (0..POSTS)
        .map(|i| {
            let request = convert::request(pb::ScreenPostRequest {
                school_id: "oakfield".into(),
                account: Some(pb::Account {
                    platform: "x".into(),
                    handle: "@OakfieldPri".into(),
                    kind: 0,
                }),
                post: Some(pb::Post {
                    id: format!("h{i}"),
                    text: text(i),
                    ..Default::default()
                }),
            })
            .unwrap();
            convert::verdict(screen(&snapshot, &request, options).unwrap().verdict)
        })
        .collect()
}

fn rescan(history: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gatepost"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "rescan",
            "--policy",
            "fixtures/pack",
            "--school",
            "oakfield",
            "--account",
            "@OakfieldPri",
            "--platform",
            "x",
            "--as-of",
            "2026-11-21",
        ])
        .args(extra)
        .arg(history)
        .output()
        .unwrap()
}

#[test]
fn rescan_cli_streams_in_order_reports_the_bad_line_and_summarises() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.jsonl");
    let lines = write_history(&history);
    let want = expected();

    let out = rescan(&history, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "malformed line must fail the run"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("history.jsonl:{BAD_LINE}:")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut rows: Vec<&str> = stdout.lines().collect();
    let summary: pb::RescanSummary = serde_json::from_str(rows.pop().unwrap()).unwrap();
    assert_eq!(rows.len(), POSTS);
    for (i, row) in rows.iter().enumerate() {
        let r: pb::PostResult = serde_json::from_str(row).unwrap();
        assert_eq!(r.post_id, format!("h{i}"));
        assert_eq!(
            r.sequence,
            lines[i] as u64 - 1,
            "sequence is the 0-based line"
        );
        assert_eq!(r.verdict, want[i] as i32, "post {i}");
    }
    let count = |v| want.iter().filter(|w| **w == v).count() as u64;
    assert_eq!(summary.posts_scanned, POSTS as u64);
    assert_eq!(summary.approved, count(pb::Verdict::Approve));
    assert_eq!(summary.review, count(pb::Verdict::Review));
    assert_eq!(summary.rejected, count(pb::Verdict::Reject));
    assert!(summary.approved > 0 && summary.review > 0 && summary.rejected > 0);
    assert!(!summary.policy_version.is_empty());

    // --only-failing and the table for a person on stderr.
    let out = rescan(&history, &["--only-failing"]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let failing = POSTS as u64 - count(pb::Verdict::Approve);
    assert_eq!(stdout.lines().count() as u64, failing);
    for row in stdout.lines() {
        let r: pb::PostResult = serde_json::from_str(row).unwrap();
        assert_ne!(r.verdict, pb::Verdict::Approve as i32);
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("posts screened"), "{stderr}");
    assert!(stderr.contains("malformed lines"), "{stderr}");
    assert!(stderr.contains("pupil.full_name"), "{stderr}");
}

#[test]
fn rescan_cli_clean_history_exits_zero_and_unknown_school_fails() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.jsonl");
    std::fs::write(&history, "{\"id\":\"a\",\"text\":\"Lovely day\"}\n\n").unwrap();
    let out = rescan(&history, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);

    let out = Command::new(env!("CARGO_BIN_EXE_gatepost"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["rescan", "--policy", "fixtures/pack", "--school", "nowhere"])
        .args(["--account", "@x"])
        .arg(&history)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));
}
