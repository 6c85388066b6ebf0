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
