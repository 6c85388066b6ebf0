//! The lexicon automaton: every term of the built-in and pack lexicons in
//! its squeezed form, with plural and self-censored (`f*ck`, `f**k`)
//! variants, searched over [`Squeezed`] text. Shared by all schools of a
//! snapshot, since lexicons are pack-wide.
//!
//! A candidate match must pass three tests: each letter is stretched at
//! least as much as in the term ("as" is not "ass"), the term's word
//! boundaries hold (whole word, word start, or anywhere, per its [`Mode`]),
//! and no allow-list entry ("Scunthorpe", "blue tit") covers it.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use super::normalize::Folded;
use super::scan::{BuildError, at_word_end, at_word_start, drop_contained};
use super::squeeze::Squeezed;
use crate::pack::lexicon::{Category, Entry, Mode};

/// One squeezed pattern text. Terms that squeeze alike but stretch
/// differently ("shiitake", "shitake") are separate variants of it.
#[derive(Debug, Clone, Default)]
struct Pattern {
    variants: Vec<Variant>,
}

#[derive(Debug, Clone)]
struct Variant {
    /// The minimum run for each byte of the pattern (0 for `*`).
    runs: Vec<u8>,
    /// How many letters the starred spelling hides (0 if none): `c**k`
    /// hides two of `cock` and three of `chink`.
    stars: u8,
    /// Entries this variant stands for, with the boundary rule to apply.
    entries: Vec<(u32, Mode)>,
}

/// A lexicon term found in squeezed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TermHit {
    /// Index of the entry in the snapshot's lexicon.
    pub entry: u32,
    /// Squeezed start offset.
    pub start: usize,
    /// Squeezed end offset.
    pub end: usize,
}

/// The compiled lexicon.
#[derive(Debug, Clone)]
pub struct LexiconMatcher {
    ac: AhoCorasick,
    patterns: Vec<Pattern>,
    allow: Vec<bool>,
    /// Per entry: whether it is profanity, which wins a tie on a starred
    /// spelling (see `rank` in [`LexiconMatcher::find`]).
    profanity: Vec<bool>,
}

/// The self-censored spellings of a one-word term of four letters or
/// more: any inner run of letters after the first may be starred, as long
/// as two letters still show (`fuck` → `f*ck`, `fu*k`, `f**k`, `fuc*`,
/// `fu**`). Three-letter terms get none: `r*d` or `t*t` could be anything.
/// Nor do terms longer than `STARRED_MAX` letters: a term of n letters has
/// about n²/2 starred forms of n bytes each, and nobody stars half of a
/// twenty-letter word.
fn starred(term: &str) -> Vec<String> {
    const STARRED_MAX: usize = 20;
    let chars: Vec<char> = term.chars().collect();
    if !(4..=STARRED_MAX).contains(&chars.len()) || !chars.iter().all(|c| c.is_alphabetic()) {
        return Vec::new();
    }
    let n = chars.len();
    let mut out = Vec::new();
    for i in 1..n {
        for j in i + 1..=n {
            if n - (j - i) < 2 {
                continue;
            }
            let mut v: String = chars[..i].iter().collect();
            v.extend(std::iter::repeat_n('*', j - i));
            v.extend(&chars[j..]);
            out.push(v);
        }
    }
    out
}

impl LexiconMatcher {
    /// Compiles `entries`.
    ///
    /// # Errors
    ///
    /// When the automaton exceeds aho-corasick's limits.
    pub fn build(entries: &[Entry]) -> Result<LexiconMatcher, BuildError> {
        let mut texts: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut allow = Vec::with_capacity(entries.len());
        let mut profanity = Vec::with_capacity(entries.len());
        for (e, entry) in entries.iter().enumerate() {
            allow.push(entry.category == Category::Allow);
            profanity.push(entry.category == Category::Profanity);
            let base = Folded::new(&entry.term).as_str().trim().to_string();
            let mut forms = vec![base.clone()];
            if entry.mode == Mode::Word && base.ends_with(|c: char| c.is_alphabetic()) {
                forms.push(format!("{base}s"));
                forms.push(format!("{base}es"));
            }
            // Words of a phrase are written with hyphens or spaces alike
            // ("batty-boy", "half caste", "blue-tit").
            for (from, to) in [(' ', '-'), ('-', ' ')] {
                if base.contains(from) {
                    let more: Vec<String> = forms
                        .iter()
                        .map(|f| f.replace(from, &to.to_string()))
                        .collect();
                    forms.extend(more);
                }
            }
            if entry.category != Category::Allow {
                // Look-alike spellings that folding cannot undo without
                // harming ordinary words ("Peru" must not become "perv"):
                // `1`/`|` for `l` (folded to `i`), `v` for `u`, `ph` for `f`.
                for (from, to) in [("l", "i"), ("u", "v"), ("f", "ph")] {
                    if base.contains(from) {
                        let more: Vec<String> = forms.iter().map(|f| f.replace(from, to)).collect();
                        forms.extend(more);
                    }
                }
                forms.extend(starred(&base));
            }
            for form in forms {
                let squeezed = Squeezed::new(&Folded::new(&form));
                let text = squeezed.as_str().to_string();
                if text.is_empty() {
                    continue;
                }
                let runs: Vec<u8> = (0..text.len())
                    .map(|i| {
                        if text.as_bytes()[i] == b'*' {
                            0
                        } else {
                            squeezed.run(i)
                        }
                    })
                    .collect();
                let id = *ids.entry(text.clone()).or_insert_with(|| {
                    texts.push(text.clone());
                    patterns.push(Pattern::default());
                    patterns.len() - 1
                });
                let stars = form.bytes().filter(|&b| b == b'*').count().min(255) as u8;
                let variants = &mut patterns[id].variants;
                let v = match variants
                    .iter()
                    .position(|v| v.runs == runs && v.stars == stars)
                {
                    Some(v) => v,
                    None => {
                        variants.push(Variant {
                            runs,
                            stars,
                            entries: Vec::new(),
                        });
                        variants.len() - 1
                    }
                };
                let pair = (e as u32, entry.mode);
                if !variants[v].entries.contains(&pair) {
                    variants[v].entries.push(pair);
                }
            }
        }
        // The lexicon is the same few thousand patterns for every post,
        // built once per pack, and is searched over every byte: a DFA.
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(super::automaton_kind(texts.len())))
            .byte_classes(true)
            .build(&texts)
            .map_err(|e| BuildError::new(e.to_string()))?;
        Ok(LexiconMatcher {
            ac,
            patterns,
            allow,
            profanity,
        })
    }

    /// How many distinct patterns the automaton holds.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Finds lexicon terms in squeezed text, allow-listed ones removed.
    pub fn find(&self, squeezed: &Squeezed) -> Vec<TermHit> {
        let text = squeezed.as_str();
        // Each hit with its rank among hits of the same span (lower wins).
        let mut hits: Vec<(TermHit, Mode, u8)> = Vec::new();
        let mut allowed: Vec<(usize, usize)> = Vec::new();
        // The squeezed text, then (if it has stand-ins for letters inside
        // words) its masked reading, ranked below it: word boundaries are
        // the squeezed text's in both.
        let readings = std::iter::once((text, 0)).chain(squeezed.masked().map(|m| (m, 4)));
        for (reading, penalty) in readings {
            for m in self.ac.find_overlapping_iter(reading) {
                let (start, end) = (m.start(), m.end());
                let word_start = at_word_start(text, start);
                let word_end = at_word_end(text, end);
                let variants = &self.patterns[m.pattern().as_usize()].variants;
                // Terms may be stretched ("fuuuck"); allow-list entries must
                // match as written, or "niger" would excuse a stretched slur.
                let fits = |v: &Variant, entry: u32| {
                    let exact = self.allow[entry as usize];
                    v.runs.iter().enumerate().all(|(k, &need)| {
                        let have = squeezed.run(start + k);
                        if exact && need > 0 {
                            have == need
                        } else {
                            have >= need
                        }
                    })
                };
                // Stars hide which word was meant. A spelling whose stars hide
                // as many letters as the term has ranks first (`c**k` is `cock`
                // before `chink`); then profanity (`s**t` and `w****r` are far
                // more often swear words than the slurs they also fit).
                let rank = |v: &Variant, entry: u32| {
                    if v.stars == 0 {
                        return 0;
                    }
                    let hidden: usize = (0..v.runs.len())
                        .filter(|&k| reading.as_bytes()[start + k] == b'*')
                        .map(|k| usize::from(squeezed.run(start + k)))
                        .sum();
                    u8::from(hidden != usize::from(v.stars)) * 2
                        + u8::from(!self.profanity[entry as usize])
                };
                let found = variants
                    .iter()
                    .flat_map(|v| v.entries.iter().map(move |e| (v, *e)))
                    .filter(|&(v, (entry, _))| fits(v, entry))
                    .map(|(v, e)| (e, rank(v, e.0)))
                    // A stand-in hides one letter: in the masked reading the
                    // stars must hide as many letters as the term has there.
                    .filter(|&(_, rank)| penalty == 0 || rank < 2)
                    .map(|(e, rank)| (e, rank + penalty));
                for ((entry, mode), rank) in found {
                    let ok = match mode {
                        Mode::Word => word_start && word_end,
                        Mode::Prefix => word_start,
                        Mode::Infix => true,
                    };
                    if !ok {
                        continue;
                    }
                    if self.allow[entry as usize] {
                        allowed.push((start, end));
                    } else {
                        hits.push((TermHit { entry, start, end }, mode, rank));
                    }
                }
            }
        }
        allowed.sort_unstable_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
        hits.sort_unstable_by_key(|(h, _, _)| h.start);
        let mut cover = allowed.iter().peekable();
        let mut widest: Option<(usize, usize)> = None;
        hits.retain(|(h, _, _)| {
            while let Some(&&(s, e)) = cover.peek() {
                if s > h.start {
                    break;
                }
                if widest.is_none_or(|(_, we)| e > we) {
                    widest = Some((s, e));
                }
                cover.next();
            }
            widest.is_none_or(|(_, e)| h.end > e)
        });
        // A term found inside a longer word ("f*cking", "motherfucker") is
        // reported as that whole word, so the highlight covers it.
        let mut hits: Vec<(TermHit, u8)> = hits
            .into_iter()
            .map(|(mut h, mode, rank)| {
                let in_word = |c: char| c.is_alphanumeric() || c == '*';
                if mode != Mode::Word {
                    h.end += text[h.end..]
                        .find(|c: char| !in_word(c))
                        .unwrap_or(text.len() - h.end);
                }
                if mode == Mode::Infix {
                    h.start = text[..h.start].rfind(|c: char| !in_word(c)).map_or(0, |i| {
                        i + text[i..].chars().next().map_or(1, char::len_utf8)
                    });
                }
                (h, rank)
            })
            .collect();
        // One hit per span: the best ranked (see `rank` above), then the
        // earliest entry, and the built-in files load discriminatory terms
        // first. A hit inside a longer one ("arse" in "arse bandit") is the
        // same finding.
        hits.sort_by_key(|(h, rank)| (h.start, std::cmp::Reverse(h.end), *rank, h.entry));
        let mut hits: Vec<TermHit> = hits.into_iter().map(|(h, _)| h).collect();
        hits.dedup_by_key(|h| (h.start, h.end));
        let mut hits = drop_contained(&hits, |h| (0, h.start, h.end));
        hits.sort_by_key(|h| (h.start, h.end));
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::lexicon::Grade;

    fn entry(term: &str, category: Category) -> Entry {
        let (term, mode) = crate::pack::lexicon::split_mode(term);
        Entry {
            term: term.into(),
            mode,
            category,
            grade: Grade::Strong,
            note: String::new(),
        }
    }

    fn found(m: &LexiconMatcher, text: &str) -> Vec<String> {
        let folded = Folded::new(text);
        let sq = Squeezed::new(&folded);
        m.find(&sq)
            .into_iter()
            .map(|h| {
                let (a, b) = sq.folded_range(&folded, h.start, h.end);
                let (a, b) = folded.original_range(text, a, b);
                text[a..b].to_string()
            })
            .collect()
    }

    #[test]
    fn finds_evasions_but_not_innocent_words() {
        let m = LexiconMatcher::build(&[
            entry("fuck*", Category::Profanity),
            entry("*fuck*", Category::Profanity),
            entry("ass", Category::Profanity),
            entry("cunt", Category::Profanity),
            entry("tit", Category::Profanity),
            entry("blue tit", Category::Allow),
        ])
        .unwrap();
        assert_eq!(found(&m, "f*ck this"), ["f*ck"]);
        assert_eq!(found(&m, "f**k"), ["f**k"]);
        assert_eq!(found(&m, "F U C K"), ["F U C K"]);
        assert_eq!(found(&m, "fuuuuck"), ["fuuuuck"]);
        assert_eq!(found(&m, "ƒuck"), ["ƒuck"]);
        assert_eq!(found(&m, "fu\u{200b}ck"), ["fu\u{200b}ck"]);
        assert_eq!(found(&m, "motherfucker"), ["motherfucker"]);
        assert_eq!(found(&m, "kick @ss"), ["@ss"]);
        assert_eq!(found(&m, "asses"), ["asses"]);
        assert!(found(&m, "as good as").is_empty());
        assert!(found(&m, "Scunthorpe, assistant, class").is_empty());
        assert!(found(&m, "We saw a blue tit").is_empty());
        assert_eq!(found(&m, "you tit"), ["tit"]);
        assert!(found(&m, "We saw a blue-tit").is_empty());
    }

    #[test]
    fn profanity_wins_a_tie_on_a_starred_spelling() {
        let m = LexiconMatcher::build(&[
            entry(
                "chink",
                Category::Discriminatory(crate::pack::lexicon::Characteristic::Race),
            ),
            entry(
                "slut",
                Category::Discriminatory(crate::pack::lexicon::Characteristic::Sex),
            ),
            entry("cock", Category::Profanity),
            entry("shit*", Category::Profanity),
        ])
        .unwrap();
        let entries = |text: &str| -> Vec<u32> {
            m.find(&Squeezed::new(&Folded::new(text)))
                .into_iter()
                .map(|h| h.entry)
                .collect()
        };
        assert_eq!(entries("c**k"), [2]);
        assert_eq!(entries("s**t"), [3]);
        assert_eq!(entries("chink"), [0]);
        assert_eq!(entries("ch*nk"), [0]);
        assert_eq!(entries("sl*t"), [1]);
        assert_eq!(entries("ch**k"), [0]);
        assert_eq!(entries("ch***k"), [0]);
    }

    #[test]
    fn allow_list_entries_match_as_written() {
        let m = LexiconMatcher::build(&[
            entry("loser", Category::Insult),
            entry("looser", Category::Allow),
        ])
        .unwrap();
        assert!(found(&m, "a looser fit").is_empty());
        assert_eq!(found(&m, "what a loser"), ["loser"]);
        assert_eq!(found(&m, "what a loooser"), ["loooser"]);
    }
}
