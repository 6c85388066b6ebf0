//! Finding things in text: folding ([`normalize`], [`squeeze`]), pupil
//! name forms ([`names`]), the per-school automaton ([`scan`]) and the
//! lexicon automaton ([`lexicon`]). Nothing here knows about rules or
//! severities; `rules/` turns what is found into findings.

pub mod lexicon;
pub mod names;
pub mod normalize;
pub mod scan;
pub mod squeeze;

pub use normalize::Folded;
pub use squeeze::Squeezed;

use aho_corasick::AhoCorasickKind;

/// Most patterns for which an automaton is a full DFA: fastest to search,
/// but it grows with the pattern count; past this the contiguous NFA keeps
/// memory and build time in check.
const DFA_MAX_PATTERNS: usize = 20_000;

/// Which Aho-Corasick automaton to build for `patterns` patterns. Every
/// kind finds the same matches. Fuzz builds take the NFA: building a DFA
/// under comparison tracing costs a thousand parses and only exercises
/// `aho-corasick`, not Gatepost.
fn automaton_kind(patterns: usize) -> AhoCorasickKind {
    if cfg!(fuzzing) || patterns > DFA_MAX_PATTERNS {
        AhoCorasickKind::ContiguousNFA
    } else {
        AhoCorasickKind::DFA
    }
}
