//! The `gatepost` binary: check in both formats, errors per file, exit
//! codes, and policy check.

use std::process::{Command, Output};

fn gatepost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gatepost"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("gatepost runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn check_json_prints_one_response_per_file_in_order() {
    let files = [
        "fixtures/requests/clean_official.json",
        "fixtures/requests/named_without_consent.json",
        "fixtures/requests/insult.json",
    ];
    let mut args = vec![
        "check",
        "--policy",
        "fixtures/pack",
        "--format",
        "json",
        "--as-of",
        "2026-11-21",
    ];
    args.extend(files);
    let out = gatepost(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let verdicts: Vec<&str> = lines
        .iter()
        .map(|v| v["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        ["VERDICT_APPROVE", "VERDICT_REJECT", "VERDICT_REVIEW"]
    );
    let finding = &lines[1]["findings"][0];
    assert_eq!(finding["ruleId"], "pupil.full_name");
    assert_eq!(finding["severity"], "SEVERITY_BLOCK");
    assert_eq!(finding["location"]["text"]["field"], "text");
    assert!(finding["location"]["text"]["end"].as_u64().unwrap() > 0);
    assert!(
        lines[1]["policyVersion"]
            .as_str()
            .is_some_and(|v| !v.is_empty())
    );
}

#[test]
fn check_reports_bad_files_and_screens_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let bad_json = dir.path().join("bad.json");
    std::fs::write(
        &bad_json,
        "{\"schoolId\": \"oakfield\", \"post\": {\"text\": 7}}",
    )
    .unwrap();
    let unknown_school = dir.path().join("unknown.json");
    std::fs::write(
        &unknown_school,
        "{\"schoolId\": \"nowhere\", \"post\": {\"text\": \"hi\"}}",
    )
    .unwrap();
    let missing = dir.path().join("missing.json");
    let out = gatepost(&[
        "check",
        "--policy",
        "fixtures/pack",
        "--format",
        "json",
        bad_json.to_str().unwrap(),
        "fixtures/requests/clean_official.json",
        unknown_school.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out).lines().count(), 1);
    let err = stderr(&out);
    assert!(err.contains("bad.json") && err.contains("text"), "{err}");
    assert!(
        err.contains("unknown.json") && err.contains("unknown school"),
        "{err}"
    );
    assert!(
        err.contains("missing.json") && err.contains("cannot read"),
        "{err}"
    );
}

#[test]
fn check_text_underlines_the_finding() {
    let out = gatepost(&[
        "check",
        "--policy",
        "fixtures/pack",
        "--as-of",
        "2026-11-21",
        "fixtures/requests/named_without_consent.json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("REJECT"), "{text}");
    assert!(text.contains("block[pupil.full_name]"), "{text}");
    assert!(text.contains("^^^^"), "{text}");
    assert!(text.contains("= fix:"), "{text}");
}

#[test]
fn fail_on_sets_the_exit_status() {
    let out = gatepost(&[
        "check",
        "--policy",
        "fixtures/pack",
        "--format",
        "json",
        "--fail-on",
        "reject",
        "fixtures/requests/named_without_consent.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn policy_check_summarises_a_good_pack_and_lists_every_error_in_a_bad_one() {
    let out = gatepost(&["policy", "check", "fixtures/pack"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("oakfield"));

    let dir = tempfile::tempdir().unwrap();
    let school = dir.path().join("schools/broken");
    std::fs::create_dir_all(&school).unwrap();
    std::fs::write(school.join("school.toml"), "name = \"B\"\nslogan = \"x\"\n").unwrap();
    std::fs::write(
        school.join("roster.csv"),
        "pupil_id,given_name,preferred_name,middle_names,family_name,year_group,name_consent,photo_consent,consent_expires,safeguarding\nP1,A,,,B,6,perhaps,yes,,no\n",
    )
    .unwrap();
    let out = gatepost(&["policy", "check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("schools/broken/school.toml:2"), "{err}");
    assert!(
        err.contains("schools/broken/roster.csv:2: name_consent"),
        "{err}"
    );
}

#[test]
fn rules_lists_the_catalogue() {
    let out = gatepost(&["rules"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for id in [
        "pupil.full_name",
        "language.profanity",
        "screening.incomplete",
    ] {
        assert!(text.contains(id), "{id}");
    }
}
