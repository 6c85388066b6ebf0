//! `roster.csv` parsing on arbitrary text, then (for rosters of up to 8
//! pupils) the name automaton built from them and a scan of their names.
//! Never panics; every error names the file and, past the header, a line.

#![no_main]

use gatepost::pack::roster;
use gatepost::pack::school::SchoolConfig;
use gatepost::text::Folded;
use gatepost::text::scan::SchoolMatcher;
use libfuzzer_sys::fuzz_target;

const PATH: &str = "schools/fuzz/roster.csv";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match roster::parse(PATH, &text) {
        Ok(pupils) => {
            let mut seen = std::collections::HashSet::new();
            for p in &pupils {
                assert!(!p.id.is_empty() && !p.given_name.is_empty() && !p.family_name.is_empty());
                assert!(seen.insert(p.id.as_str()), "duplicate id accepted");
            }
            // Building an automaton costs a thousand parses; do it for
            // small rosters only, so the parser itself runs at full speed.
            if pupils.len() > 8 {
                return;
            }
            let config = SchoolConfig {
                name: "Fuzz School".into(),
                ..SchoolConfig::default()
            };
            let Ok(matcher) = SchoolMatcher::build(&pupils, &config) else {
                return;
            };
            let mentions: Vec<String> = pupils
                .iter()
                .take(16)
                .map(|p| format!("{} {}", p.given_name, p.family_name))
                .collect();
            let post = mentions.join(", ");
            let folded = Folded::new(&post);
            let hits = matcher.scan(&post, &folded);
            for n in &hits.names {
                assert!(n.start < n.end && n.end <= folded.as_str().len());
                assert!((n.pupil as usize) < pupils.len());
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                let shown = e.to_string();
                assert!(shown.starts_with(PATH), "{shown}");
                assert!(e.line.is_some(), "no line: {shown}");
            }
        }
    }
});
