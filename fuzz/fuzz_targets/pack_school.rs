//! `school.toml` and lexicon TSV parsing on arbitrary text (the first byte
//! picks which), then the school's phrase automaton or the lexicon
//! automaton built from whatever parsed, and a scan. Never panics; every
//! error names the file.

#![no_main]

use gatepost::pack::{lexicon, school};
use gatepost::text::lexicon::LexiconMatcher;
use gatepost::text::scan::SchoolMatcher;
use gatepost::text::{Folded, Squeezed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    if which % 4 == 3 {
        lexicon_file(&text);
        return;
    }
    const PATH: &str = "schools/fuzz/school.toml";
    match school::parse(PATH, &text) {
        Ok(config) => {
            assert!(!config.name.trim().is_empty());
            for d in config
                .website_domains
                .iter()
                .chain(&config.allowed_link_domains)
                .chain(&config.blocked_link_domains)
            {
                assert_eq!(
                    school::clean_domain(d).as_deref(),
                    Some(d.as_str()),
                    "not idempotent"
                );
            }
            let Ok(matcher) = SchoolMatcher::build(&[], &config) else {
                return;
            };
            let mut post = config.name.clone();
            for s in config
                .aliases
                .iter()
                .chain(&config.slogans)
                .chain(&config.hashtags)
            {
                post.push_str(" and ");
                post.push_str(s);
            }
            let folded = Folded::new(&post);
            let hits = matcher.scan(&post, &folded);
            for p in &hits.phrases {
                assert!(p.start < p.end && p.end <= folded.as_str().len());
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(e.to_string().starts_with(PATH));
            }
        }
    }
});

fn lexicon_file(text: &str) {
    const PATH: &str = "lexicons/fuzz.tsv";
    match lexicon::parse(PATH, text) {
        Ok(entries) => {
            if entries.is_empty() || entries.len() > 64 {
                return;
            }
            let Ok(m) = LexiconMatcher::build(&entries) else {
                return;
            };
            let post: String = entries.iter().map(|e| format!("{} ", e.term)).collect();
            let folded = Folded::new(&post);
            let squeezed = Squeezed::new(&folded);
            for hit in m.find(&squeezed) {
                assert!(hit.start < hit.end && hit.end <= squeezed.as_str().len());
                let (a, b) = squeezed.folded_range(&folded, hit.start, hit.end);
                assert!(a < b && b <= folded.as_str().len());
            }
        }
        Err(errors) => {
            for e in &errors {
                let shown = e.to_string();
                assert!(shown.starts_with(PATH), "{shown}");
            }
        }
    }
}
