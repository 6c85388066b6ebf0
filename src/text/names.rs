//! Pupil full names: the surface forms a name part can take, and the
//! checks that join a first name and a family name found near each other
//! into a mention of one pupil.
//!
//! Names are matched as parts, not as whole-name strings: the automaton
//! finds first names and family names (each in its hyphen, space,
//! apostrophe and run-together forms), and [`pair_gap_ok`] decides whether
//! what lies between two parts (spaces, initials, middle names, a comma in
//! "Family, Given" order) makes them one person's name. This keeps the
//! automaton small for large rosters and lets middle names and initials
//! appear in any combination. `DESIGN.md` has the details.

use super::normalize::Folded;

/// Characters that separate the pieces of one name part ("Jones-Smith",
/// "O'Brien", "van der Berg").
fn is_part_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '\'' | '.')
}

/// Folds a roster name part and tidies it: punctuation other than hyphens
/// and apostrophes becomes a space, and spaces are collapsed and trimmed.
pub fn fold_part(raw: &str) -> String {
    let folded = Folded::new(raw);
    let mut out = String::with_capacity(folded.as_str().len());
    for c in folded.as_str().chars() {
        let c = if c.is_alphanumeric() || c == '-' || c == '\'' {
            c
        } else {
            ' '
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

/// The other way a name part is often spelled without its letters' marks:
/// German and Scandinavian `ä ö ü ø å` as `ae oe ue oe aa` ("Müller" as
/// "Mueller", "Ødegaard" as "Oedegaard"), folded as [`fold_part`] does.
/// `None` when the part has none of these letters.
pub fn digraph_fold(raw: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    let composed: String = raw.nfc().collect();
    let mut changed = false;
    let mut out = String::with_capacity(composed.len() + 4);
    for c in composed.chars() {
        let digraph = match c {
            'ä' | 'Ä' => "ae",
            'ö' | 'Ö' | 'ø' | 'Ø' => "oe",
            'ü' | 'Ü' => "ue",
            'å' | 'Å' => "aa",
            _ => {
                out.push(c);
                continue;
            }
        };
        changed = true;
        out.push_str(digraph);
    }
    changed.then(|| fold_part(&out))
}

/// The canonical key of a folded name part: its letters and digits only,
/// so every surface form of a part shares one key.
pub fn key(folded_part: &str) -> String {
    folded_part
        .chars()
        .filter(|&c| !is_part_separator(c))
        .collect()
}

/// The words of a folded name part ("jones-smith" → ["jones", "smith"]).
pub fn words(folded_part: &str) -> impl Iterator<Item = &str> {
    folded_part
        .split(is_part_separator)
        .filter(|w| !w.is_empty())
}

/// Every surface form of a folded name part: as written, with its
/// separators as spaces, as hyphens, as the underscores and dots of
/// handles, and removed ("o'brien", "o brien", "o-brien", "o_brien",
/// "o.brien", "obrien"). A one-letter first piece also takes an apostrophe
/// ("Ó Briain" is written "O'Briain" too), and a word starting `mc`/`mac`
/// is also written with a space after it ("McDonald", "Mc Donald").
pub fn surface_forms(folded_part: &str) -> Vec<String> {
    let pieces: Vec<&str> = words(folded_part).collect();
    let mut forms = vec![folded_part.to_string()];
    if pieces.len() > 1 {
        forms.push(pieces.join(" "));
        forms.push(pieces.join("-"));
        forms.push(pieces.join("_"));
        forms.push(pieces.join("."));
        forms.push(pieces.concat());
        if pieces[0].chars().count() == 1 {
            forms.push(format!("{}'{}", pieces[0], pieces[1..].join(" ")));
        }
    }
    for (i, piece) in pieces.iter().enumerate() {
        let Some((prefix, tail)) = ["mac", "mc"]
            .into_iter()
            .find_map(|p| piece.strip_prefix(p).map(|tail| (p, tail)))
            .filter(|(_, tail)| tail.chars().count() >= 3)
        else {
            continue;
        };
        let mut split: Vec<String> = pieces.iter().map(|p| p.to_string()).collect();
        split[i] = format!("{prefix} {tail}");
        forms.push(split.join(" "));
    }
    forms.sort();
    forms.dedup();
    forms.retain(|f| !f.is_empty());
    forms
}

/// What a pupil's name looks like, for checking what lies between a first
/// and a family name.
#[derive(Debug, Clone, Default)]
pub struct NameShape {
    /// Keys of the pupil's given and preferred names.
    pub firsts: Vec<String>,
    /// Keys of the pupil's middle names.
    pub middles: Vec<String>,
}

/// Most bytes between a first name and a family name that can still be
/// one mention ("Amelia Rose Catherine Jones").
pub const MAX_GAP: usize = 64;

/// Whether `gap`, the folded text between two name parts, joins them into
/// one name: separators, single-letter initials, and the pupil's own middle
/// (or other first) names, with a comma only in "Family, Given" order.
pub fn pair_gap_ok(gap: &str, shape: &NameShape, family_first: bool) -> bool {
    if gap.is_empty() || gap.len() > MAX_GAP {
        return false;
    }
    let mut commas = 0;
    let mut word = String::new();
    let mut words_ok = true;
    let mut check = |word: &mut String| {
        if word.is_empty() {
            return;
        }
        let w = key(word);
        let ok = w.chars().count() == 1 || shape.middles.contains(&w) || shape.firsts.contains(&w);
        words_ok &= ok;
        word.clear();
    };
    for c in gap.chars() {
        match c {
            ' ' | '-' | '_' | '.' | '(' | ')' | '"' | '\'' => check(&mut word),
            ',' => {
                check(&mut word);
                commas += 1;
            }
            c if c.is_alphanumeric() => word.push(c),
            _ => return false,
        }
    }
    check(&mut word);
    // A full stop after a word that is not an initial, then a space, ends
    // a sentence: "Amazing Grace. Hope you enjoy it" is not "Grace Hope".
    // ("Amelia R. Jones" and "amelia.jones" still join.)
    let mut prev_len = usize::MAX;
    let mut len = 0;
    let mut chars = gap.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            len += 1;
            continue;
        }
        if len > 0 {
            prev_len = len;
        }
        len = 0;
        if c == '.' && prev_len != 1 && chars.peek() == Some(&' ') {
            return false;
        }
        if c != '.' {
            prev_len = 0;
        }
    }
    let starts_with_separator = !gap.starts_with(|c: char| c.is_alphanumeric());
    words_ok
        && starts_with_separator
        && !gap.ends_with(|c: char| c.is_alphanumeric())
        && (commas == 0 || (family_first && commas == 1 && gap.trim_start().starts_with(',')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(middles: &[&str]) -> NameShape {
        NameShape {
            firsts: vec!["amelia".into(), "millie".into()],
            middles: middles.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn surface_forms_cover_separators() {
        assert_eq!(
            surface_forms("o'brien"),
            [
                "o brien", "o'brien", "o-brien", "o.brien", "o_brien", "obrien"
            ]
        );
        assert_eq!(
            surface_forms(&fold_part("Okafor–Williams")),
            [
                "okafor williams",
                "okafor-williams",
                "okafor.williams",
                "okafor_williams",
                "okaforwilliams"
            ]
        );
        assert_eq!(surface_forms("jones"), ["jones"]);
        assert_eq!(
            surface_forms("o briain"),
            [
                "o briain", "o'briain", "o-briain", "o.briain", "o_briain", "obriain"
            ]
        );
        assert_eq!(surface_forms("mcdonald"), ["mc donald", "mcdonald"]);
        assert_eq!(surface_forms("macleod"), ["mac leod", "macleod"]);
        assert_eq!(surface_forms("mack"), ["mack"]);
        assert_eq!(digraph_fold("Ødegaard").as_deref(), Some("oedegaard"));
        assert_eq!(digraph_fold("Mu\u{308}ller").as_deref(), Some("mueller"));
        assert_eq!(digraph_fold("Nguyễn"), None);
        assert_eq!(fold_part("  Siobhán  Ní Bhriain "), "siobhan ni bhriain");
    }

    #[test]
    fn gaps_join_names() {
        let s = shape(&["rose"]);
        assert!(pair_gap_ok(" ", &s, false));
        assert!(pair_gap_ok(" r. ", &s, false));
        assert!(pair_gap_ok(" rose ", &s, false));
        assert!(pair_gap_ok(" (millie) ", &s, false));
        assert!(pair_gap_ok("-", &s, false));
        assert!(pair_gap_ok(", ", &s, true));
        assert!(!pair_gap_ok(", ", &s, false));
        assert!(!pair_gap_ok(" and ", &s, false));
        assert!(!pair_gap_ok(" jack ", &s, false));
        assert!(!pair_gap_ok("", &s, false));
        assert!(!pair_gap_ok(" & ", &s, false));
        // A full stop ends a sentence unless it follows an initial.
        assert!(!pair_gap_ok(". ", &s, false));
        assert!(!pair_gap_ok(" rose. ", &s, false));
        assert!(pair_gap_ok(".", &s, false));
        assert!(pair_gap_ok(" r. ", &s, false));
        assert!(pair_gap_ok(" r.s. ", &s, false));
    }
}
