//! One school's automaton: every surface form of its pupils' first and
//! family names, their run-together full names (`#AmeliaJones`), and the
//! school's own names, slogans, hashtags and disclaimer phrases, compiled
//! once per pack load and searched over [`Folded`] text.
//!
//! Match semantics: `MatchKind::Standard` with overlapping search, then a
//! word-boundary filter. Leftmost-longest would be cheaper but drops the
//! shorter match whenever a longer one fails the boundary test
//! ("Joanne Marie Smith" must still yield "marie"), so every candidate is
//! kept and the boundary decides.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::names::{self, NameShape};
use super::normalize::Folded;
use crate::pack::{Pupil, SchoolConfig};

/// A school phrase kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phrase {
    /// The school's name or an alias.
    SchoolName,
    /// A slogan or motto.
    Slogan,
    /// A school hashtag.
    Hashtag,
    /// A disclaimer phrase.
    Disclaimer,
}

#[derive(Debug, Clone, Copy)]
enum Payload {
    /// A first or family name part, by key id.
    Part(u32),
    /// A whole name run together; `split` is the byte length of the first
    /// name in the pattern, for the capitals check.
    Joined {
        pupil: u32,
        split: u32,
    },
    Phrase(Phrase),
}

#[derive(Debug, Clone, Copy)]
struct PairEntry {
    pupil: u32,
    needs_capitals: bool,
}

/// A pupil's full name found in folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct NameHit {
    /// Folded start offset.
    pub start: usize,
    /// Folded end offset.
    pub end: usize,
    /// Index of the pupil in the school's roster.
    pub pupil: u32,
}

/// A school phrase found in folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseHit {
    /// What was found.
    pub phrase: Phrase,
    /// Folded start offset.
    pub start: usize,
    /// Folded end offset.
    pub end: usize,
}

/// Everything one scan found.
#[derive(Debug, Clone, Default)]
pub struct Hits {
    /// Pupil full names, sorted, one per pupil and span.
    pub names: Vec<NameHit>,
    /// School phrases.
    pub phrases: Vec<PhraseHit>,
}

/// Ordinary English words (lexicons/common_words.txt): a name made only of
/// these ("Summer Day") counts only when written with capitals.
static COMMON_WORDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut words: Vec<&str> = include_str!("../../lexicons/common_words.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    words.sort_unstable();
    words
});

fn is_common_word(w: &str) -> bool {
    COMMON_WORDS.binary_search(&w).is_ok()
}

/// The compiled matcher for one school.
#[derive(Debug, Clone)]
pub struct SchoolMatcher {
    ac: AhoCorasick,
    payloads: Vec<Vec<Payload>>,
    pairs: HashMap<(u32, u32), Vec<PairEntry>>,
    shapes: Vec<NameShape>,
    joined_caps: Vec<bool>,
}

/// Why a matcher could not be built.
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot build the matcher: {0}")]
pub struct BuildError(String);

impl BuildError {
    pub(crate) fn new(why: String) -> BuildError {
        BuildError(why)
    }
}

#[derive(Default)]
struct Builder {
    patterns: Vec<String>,
    ids: HashMap<String, usize>,
    payloads: Vec<Vec<Payload>>,
    keys: HashMap<String, u32>,
}

impl Builder {
    fn add(&mut self, pattern: &str, payload: Payload) {
        if pattern.is_empty() {
            return;
        }
        let id = *self.ids.entry(pattern.to_string()).or_insert_with(|| {
            self.patterns.push(pattern.to_string());
            self.payloads.push(Vec::new());
            self.patterns.len() - 1
        });
        self.payloads[id].push(payload);
    }

    fn key_id(&mut self, key: &str) -> u32 {
        let next = self.keys.len() as u32;
        *self.keys.entry(key.to_string()).or_insert(next)
    }

    /// Registers every surface form of a folded name part, and of its
    /// other spelling if it has one; returns its key id.
    fn part(&mut self, folded: &str, other: Option<&str>) -> u32 {
        let id = self.key_id(&names::key(folded));
        self.forms(id, folded);
        if let Some(other) = other {
            self.forms(id, other);
        }
        id
    }

    /// Registers every surface form of `folded` as key `id`.
    fn forms(&mut self, id: u32, folded: &str) {
        for form in names::surface_forms(folded) {
            let before = self.ids.get(&form).copied();
            let already = before.is_some_and(|p| {
                self.payloads[p]
                    .iter()
                    .any(|x| matches!(x, Payload::Part(k) if *k == id))
            });
            if !already {
                self.add(&form, Payload::Part(id));
            }
        }
    }
}

fn phrase_forms(raw: &str) -> Vec<String> {
    let folded = Folded::new(raw.trim()).as_str().trim().to_string();
    let bare: String = folded
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '#' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut forms = vec![folded, bare];
    forms.sort();
    forms.dedup();
    forms.retain(|f| f.chars().any(char::is_alphanumeric));
    forms
}

impl SchoolMatcher {
    /// Compiles the matcher for a school's roster and configuration.
    ///
    /// # Errors
    ///
    /// When the automaton exceeds aho-corasick's limits.
    pub fn build(pupils: &[Pupil], config: &SchoolConfig) -> Result<SchoolMatcher, BuildError> {
        let mut b = Builder::default();
        let mut pairs: HashMap<(u32, u32), Vec<PairEntry>> = HashMap::new();
        let mut shapes = Vec::with_capacity(pupils.len());
        let mut joined_caps = Vec::with_capacity(pupils.len());
        for (i, p) in pupils.iter().enumerate() {
            let i = i as u32;
            let family = names::fold_part(&p.family_name);
            let family_other = names::digraph_fold(&p.family_name).filter(|f| *f != family);
            let mut firsts = vec![(
                names::fold_part(&p.given_name),
                names::digraph_fold(&p.given_name),
            )];
            if let Some(pref) = &p.preferred_name {
                let folded = names::fold_part(pref);
                if !firsts.iter().any(|(f, _)| *f == folded) {
                    firsts.push((folded, names::digraph_fold(pref)));
                }
            }
            firsts.retain(|(f, _)| !f.is_empty());
            for (f, other) in &mut firsts {
                if other.as_ref().is_some_and(|o| o == f || o.is_empty()) {
                    *other = None;
                }
            }
            let middle_join: String = p
                .middle_names
                .iter()
                .map(|m| names::key(&names::fold_part(m)))
                .collect();
            let mut middles: Vec<String> = Vec::new();
            for m in &p.middle_names {
                let other = names::digraph_fold(m).map(|o| names::key(&o));
                for k in std::iter::once(names::key(&names::fold_part(m))).chain(other) {
                    if !k.is_empty() && !middles.contains(&k) {
                        middles.push(k);
                    }
                }
            }
            if family.is_empty() || firsts.is_empty() {
                shapes.push(NameShape::default());
                joined_caps.push(false);
                continue;
            }
            let family_id = b.part(&family, family_other.as_deref());
            let family_common = names::words(&family).all(is_common_word);
            // The family name's spellings for run-together names: its key,
            // and its punctuated forms ("olivero'brien"): what folding
            // leaves when only an invisible character (zero-width space,
            // word joiner) stands between the names.
            let mut family_joins: Vec<String> = Vec::new();
            let mut family_keys: Vec<String> = Vec::new();
            for fam in std::iter::once(&family).chain(family_other.as_ref()) {
                let fam_key = names::key(fam);
                for form in names::surface_forms(fam) {
                    if form != fam_key && !form.contains(' ') && !family_joins.contains(&form) {
                        family_joins.push(form);
                    }
                }
                if !family_joins.contains(&fam_key) {
                    family_joins.push(fam_key.clone());
                }
                family_keys.push(fam_key);
            }
            let mut all_caps = true;
            let mut first_keys = Vec::new();
            for (first, first_other) in &firsts {
                let first_id = b.part(first, first_other.as_deref());
                let needs_capitals = family_common && names::words(first).all(is_common_word);
                all_caps &= needs_capitals;
                pairs
                    .entry((first_id, family_id))
                    .or_default()
                    .push(PairEntry {
                        pupil: i,
                        needs_capitals,
                    });
                for first in std::iter::once(first).chain(first_other.as_ref()) {
                    let first_key = names::key(first);
                    let split = first_key.len() as u32;
                    for form in &family_joins {
                        b.add(
                            &format!("{first_key}{form}"),
                            Payload::Joined { pupil: i, split },
                        );
                    }
                    if !middle_join.is_empty() {
                        for family_key in &family_keys {
                            b.add(
                                &format!("{first_key}{middle_join}{family_key}"),
                                Payload::Joined { pupil: i, split },
                            );
                        }
                    }
                    first_keys.push(first_key);
                }
            }
            shapes.push(NameShape {
                firsts: first_keys,
                middles,
            });
            joined_caps.push(all_caps);
        }
        let phrase_lists: [(&[String], Phrase); 5] = [
            (std::slice::from_ref(&config.name), Phrase::SchoolName),
            (&config.aliases, Phrase::SchoolName),
            (&config.slogans, Phrase::Slogan),
            (&config.hashtags, Phrase::Hashtag),
            (&config.disclaimer_phrases, Phrase::Disclaimer),
        ];
        for (list, kind) in phrase_lists {
            for raw in list {
                let mut forms = phrase_forms(raw);
                if kind == Phrase::Hashtag {
                    let tag = raw.trim().trim_start_matches('#');
                    forms.extend(phrase_forms(tag));
                    forms.extend(phrase_forms(&format!("#{tag}")));
                }
                for f in forms {
                    b.add(&f, Payload::Phrase(kind));
                }
            }
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(super::automaton_kind(b.patterns.len())))
            .build(&b.patterns)
            .map_err(|e| BuildError::new(e.to_string()))?;
        Ok(SchoolMatcher {
            ac,
            payloads: b.payloads,
            pairs,
            shapes,
            joined_caps,
        })
    }

    /// How many patterns the automaton holds.
    pub fn pattern_count(&self) -> usize {
        self.payloads.len()
    }

    /// Finds pupils' full names and school phrases in `folded`, the folded
    /// form of `original`.
    pub fn scan(&self, original: &str, folded: &Folded) -> Hits {
        let text = folded.as_str();
        let mut parts: Vec<(usize, usize, u32)> = Vec::new();
        let mut hits = Hits::default();
        let capital = |at: usize| {
            original[folded.origin(at)..]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        };
        // A run-together name may also sit inside a camel-case hashtag or
        // handle ("#WellDoneLiamONeill", "#LiamONeill2024"): it starts with
        // a capital after a lower-case letter or digit, and ends before a
        // capital that follows a lower-case letter, or before a digit.
        let before = |at: usize| original[..folded.origin(at)].chars().next_back();
        let camel_start = |at: usize| {
            capital(at) && before(at).is_some_and(|c| c.is_lowercase() || c.is_numeric())
        };
        let camel_end = |at: usize| {
            at < text.len() && {
                let next = original[folded.origin(at)..].chars().next();
                next.is_some_and(char::is_numeric)
                    || (next.is_some_and(char::is_uppercase)
                        && before(at).is_some_and(char::is_lowercase))
            }
        };
        for m in self.ac.find_overlapping_iter(text) {
            let (start, end) = (m.start(), m.end());
            let (word_start, word_end) = (at_word_start(text, start), at_word_end(text, end));
            let bounded = word_start && word_end;
            let mut in_camel = None;
            for payload in &self.payloads[m.pattern().as_usize()] {
                if !bounded && !matches!(payload, Payload::Joined { .. }) {
                    continue;
                }
                match *payload {
                    Payload::Part(key) => parts.push((start, end, key)),
                    Payload::Joined { pupil, split } => {
                        if !bounded
                            && !*in_camel.get_or_insert_with(|| {
                                (word_start || camel_start(start)) && (word_end || camel_end(end))
                            })
                        {
                            continue;
                        }
                        let needs = self.joined_caps[pupil as usize];
                        let split_at = start + split as usize;
                        if !needs || (capital(start) && split_at < end && capital(split_at)) {
                            hits.names.push(NameHit { start, end, pupil });
                        }
                    }
                    Payload::Phrase(phrase) => hits.phrases.push(PhraseHit { phrase, start, end }),
                }
            }
        }
        parts.sort_unstable();
        for (i, &(s1, e1, k1)) in parts.iter().enumerate() {
            for &(s2, e2, k2) in &parts[i + 1..] {
                if s2 > e1 + names::MAX_GAP {
                    break;
                }
                if s2 <= e1 {
                    continue;
                }
                let gap = &text[e1..s2];
                for (key, family_first) in [((k1, k2), false), ((k2, k1), true)] {
                    let Some(entries) = self.pairs.get(&key) else {
                        continue;
                    };
                    for entry in entries {
                        let shape = &self.shapes[entry.pupil as usize];
                        if !names::pair_gap_ok(gap, shape, family_first) {
                            continue;
                        }
                        if entry.needs_capitals && !(capital(s1) && capital(s2)) {
                            continue;
                        }
                        hits.names.push(NameHit {
                            start: s1,
                            end: e2,
                            pupil: entry.pupil,
                        });
                    }
                }
            }
        }
        // A phrase inside a longer one ("Oakfield Primary" inside "Oakfield
        // Primary School", "oakfieldproud" inside "#oakfieldproud") is the
        // same mention; so is a pupil found inside a longer mention of the
        // same pupil ("Amelia Rose Jones").
        hits.phrases
            .sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        hits.phrases = drop_contained(&hits.phrases, |h| (0, h.start, h.end));
        hits.names
            .sort_unstable_by_key(|h| (h.pupil, h.start, std::cmp::Reverse(h.end)));
        hits.names.dedup();
        hits.names = drop_contained(&hits.names, |h| (h.pupil, h.start, h.end));
        hits.names.sort_unstable();
        hits
    }
}

/// Keeps the items not strictly inside another of the same group. `items`
/// must be sorted by (group, start, end descending); `key` gives (group,
/// start, end). One pass: an item is inside the group's widest earlier one
/// if it ends no later and is not the same span.
pub(crate) fn drop_contained<T: Copy>(
    items: &[T],
    key: impl Fn(&T) -> (u32, usize, usize),
) -> Vec<T> {
    let mut kept = Vec::with_capacity(items.len());
    let mut cover: Option<(u32, usize, usize)> = None;
    for item in items {
        let (group, start, end) = key(item);
        match cover {
            Some((g, s, e)) if g == group && end <= e && (start, end) != (s, e) => continue,
            Some((g, _, e)) if g == group && end <= e => {}
            _ => cover = Some((group, start, end)),
        }
        kept.push(*item);
    }
    kept
}

/// Whether a match may start at `at`: nothing alphanumeric just before.
pub fn at_word_start(text: &str, at: usize) -> bool {
    !text[..at]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

/// Whether a match may end at `at`: nothing alphanumeric just after.
pub fn at_word_end(text: &str, at: usize) -> bool {
    !text[at..].chars().next().is_some_and(char::is_alphanumeric)
}
