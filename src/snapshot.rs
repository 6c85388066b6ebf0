//! A compiled, immutable policy pack: per-school matchers, the lexicon
//! automaton and the lookups screening needs. Everything costly happens in
//! [`Snapshot::build`], once per pack load; screening only reads it, so a
//! snapshot can be shared behind an `Arc` and swapped whole on reload.

use std::collections::HashMap;

use crate::pack::{self, Pack, Pupil, SchoolConfig};
use crate::rules::contact;
use crate::text::lexicon::LexiconMatcher;
use crate::text::scan::{BuildError, SchoolMatcher};

/// One school, compiled.
#[derive(Debug)]
pub struct SchoolSnapshot {
    /// The school id.
    pub id: String,
    /// `school.toml`.
    pub config: SchoolConfig,
    /// The roster.
    pub pupils: Vec<Pupil>,
    /// Roster index by pupil id.
    pub by_id: HashMap<String, u32>,
    /// Names and school phrases.
    pub matcher: SchoolMatcher,
    /// The school's own phone numbers, national digits.
    pub phones: Vec<String>,
    /// The school's own postcodes.
    pub postcodes: Vec<String>,
    /// Official accounts as (platform, handle) lowercased, without `@`.
    pub official_accounts: Vec<(String, String)>,
    /// Logo templates and withdrawn-image fingerprints.
    pub images: crate::image::SchoolImages,
}

/// A compiled policy pack.
#[derive(Debug)]
pub struct Snapshot {
    /// Identifies the pack.
    pub version: String,
    /// Lexicon entries (built-in then the pack's own).
    pub lexicon_entries: Vec<pack::lexicon::Entry>,
    /// The lexicon automaton.
    pub lexicon: LexiconMatcher,
    schools: HashMap<String, SchoolSnapshot>,
    order: Vec<String>,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Snapshot>();
};

/// Lowercases a platform name and maps the usual aliases to one name
/// ("twitter" → "x", "fb" → "facebook", "ig" → "instagram").
pub fn platform_key(platform: &str) -> String {
    let p = platform.trim().to_lowercase();
    match p.as_str() {
        "twitter" | "x.com" | "twitter.com" => "x".into(),
        "fb" | "facebook.com" => "facebook".into(),
        "ig" | "insta" | "instagram.com" => "instagram".into(),
        _ => p,
    }
}

/// Lowercases a handle and drops a leading `@`.
pub fn handle_key(handle: &str) -> String {
    handle.trim().trim_start_matches('@').to_lowercase()
}

impl Snapshot {
    /// Compiles a loaded pack.
    ///
    /// # Errors
    ///
    /// When an automaton exceeds aho-corasick's limits.
    pub fn build(pack: &Pack) -> Result<Snapshot, BuildError> {
        let lexicon = LexiconMatcher::build(&pack.lexicon)?;
        let mut schools = HashMap::new();
        let mut order = Vec::new();
        for s in &pack.schools {
            let matcher = SchoolMatcher::build(&s.roster, &s.config)?;
            let by_id = s
                .roster
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.clone(), i as u32))
                .collect();
            let images =
                crate::image::SchoolImages::build(&s.logos, &s.withdrawn).map_err(|e| {
                    BuildError::new(
                        e.iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                })?;
            let snapshot = SchoolSnapshot {
                id: s.id.clone(),
                phones: s
                    .config
                    .phone_numbers
                    .iter()
                    .filter_map(|n| contact::phone_digits(n))
                    .collect(),
                postcodes: s
                    .config
                    .addresses
                    .iter()
                    .flat_map(|a| contact::postcodes_in(a))
                    .collect(),
                official_accounts: s
                    .config
                    .official_accounts
                    .iter()
                    .map(|a| (platform_key(&a.platform), handle_key(&a.handle)))
                    .collect(),
                config: s.config.clone(),
                pupils: s.roster.clone(),
                by_id,
                matcher,
                images,
            };
            order.push(s.id.clone());
            schools.insert(s.id.clone(), snapshot);
        }
        Ok(Snapshot {
            version: pack.version.clone(),
            lexicon_entries: pack.lexicon.clone(),
            lexicon,
            schools,
            order,
        })
    }

    /// The school with this id.
    pub fn school(&self, id: &str) -> Option<&SchoolSnapshot> {
        self.schools.get(id)
    }

    /// School ids in pack order.
    pub fn school_ids(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }
}
