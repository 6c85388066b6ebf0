//! The demo pack's sample requests get the verdicts and rules that
//! `fixtures/expected.tsv` records.

use std::{fs, path::Path};

use gatepost::proto::v1 as pb;
use gatepost::{Date, Options, Pack, Snapshot, convert, screen};

#[test]
fn sample_requests_get_their_expected_verdicts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let pack = Pack::load(&root.join("pack")).unwrap_or_else(|e| panic!("{e}"));
    let snapshot = Snapshot::build(&pack).unwrap();
    let options = Options {
        today: Date::new(2026, 11, 21).unwrap(),
    };
    let expected = fs::read_to_string(root.join("expected.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut rows = 0;
    for line in expected
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, verdict) = (cols[0], cols[1]);
        let mut rules: Vec<&str> = cols
            .get(2)
            .map(|r| r.split(',').filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        rules.sort();
        let json = fs::read(root.join("requests").join(file)).unwrap();
        let wire: pb::ScreenPostRequest = serde_json::from_slice(&json).unwrap();
        let request = convert::request(wire).unwrap();
        let report = screen(&snapshot, &request, options).unwrap();
        let response = convert::response(&report, &request.post.id);
        let got_verdict = pb::Verdict::try_from(response.verdict)
            .unwrap()
            .as_str_name();
        let mut got_rules: Vec<&str> = report.findings.iter().map(|f| f.rule_id).collect();
        got_rules.sort();
        got_rules.dedup();
        if got_verdict != verdict || got_rules != rules {
            failures.push(format!(
                "{file}: want {verdict} {rules:?}, got {got_verdict} {got_rules:?}"
            ));
        }
        rows += 1;
    }
    assert!(rows >= 10, "expected.tsv has only {rows} rows");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
