//! Loading packs: good packs load, bad ones are refused with file:line
//! errors, and oversized or non-UTF-8 files are refused without being read.

use std::fs;

use gatepost::Pack;

use super::util::write_pack;

fn errors(dir: &std::path::Path) -> Vec<String> {
    match Pack::load(dir) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn the_test_pack_loads() {
    let dir = tempfile::tempdir().unwrap();
    write_pack(dir.path());
    let pack = Pack::load(dir.path()).unwrap();
    assert_eq!(pack.schools.len(), 2);
    assert_eq!(pack.school("test").unwrap().roster.len(), 20);
}

#[test]
fn version_changes_with_content() {
    let dir = tempfile::tempdir().unwrap();
    write_pack(dir.path());
    let first = Pack::load(dir.path()).unwrap().version;
    assert_eq!(first, Pack::load(dir.path()).unwrap().version);
    let roster = dir.path().join("schools/test/roster.csv");
    let mut text = fs::read_to_string(&roster).unwrap();
    text.push_str("P99,New,,,Pupil,Year 1,no,no,,no\n");
    fs::write(&roster, text).unwrap();
    assert_ne!(first, Pack::load(dir.path()).unwrap().version);
}

#[test]
fn non_utf8_roster_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write_pack(dir.path());
    let roster = dir.path().join("schools/test/roster.csv");
    let mut bytes = fs::read(&roster).unwrap();
    bytes.extend_from_slice(b"P98,Bad\xff,,,Byte,1,no,no,,no\n");
    fs::write(&roster, bytes).unwrap();
    let errs = errors(dir.path());
    assert_eq!(errs, ["schools/test/roster.csv:22: not UTF-8 text"]);
}

#[test]
fn oversized_roster_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    write_pack(dir.path());
    let roster = fs::File::create(dir.path().join("schools/test/roster.csv")).unwrap();
    roster.set_len(1 << 30).unwrap();
    let errs = errors(dir.path());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("schools/test/roster.csv: file is 1073741824 bytes"),
        "{errs:?}"
    );
}

#[test]
fn missing_school_toml_and_lexicon_errors_are_all_reported() {
    let dir = tempfile::tempdir().unwrap();
    write_pack(dir.path());
    fs::remove_file(dir.path().join("schools/other/school.toml")).unwrap();
    fs::create_dir_all(dir.path().join("lexicons")).unwrap();
    fs::write(
        dir.path().join("lexicons/extra.tsv"),
        "term\tcategory\tseverity\tnote\nboggart\tinsult\tvery\tx\n",
    )
    .unwrap();
    let errs = errors(dir.path());
    assert_eq!(
        errs,
        [
            "schools/other/school.toml: missing",
            "lexicons/extra.tsv:2: severity: \"very\" is not one of mild, medium, strong, strongest",
        ]
    );
}

#[test]
fn pack_lexicons_add_to_the_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    write_pack(dir.path());
    fs::create_dir_all(dir.path().join("lexicons")).unwrap();
    fs::write(
        dir.path().join("lexicons/local.tsv"),
        "term\tcategory\tseverity\tnote\nboggart\tinsult\tmild\tlocal insult\n",
    )
    .unwrap();
    let pack = Pack::load(dir.path()).unwrap();
    let snapshot = gatepost::Snapshot::build(&pack).unwrap();
    let mut req = super::util::request(super::util::Via::Official, "you boggart, what the fuck");
    req.school_id = "test".into();
    let report = gatepost::screen(&snapshot, &req, gatepost::Options::default()).unwrap();
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule_id).collect();
    assert!(rules.contains(&"language.insult"), "{rules:?}");
    assert!(rules.contains(&"language.profanity"), "{rules:?}");
}
