//! Folds text into the one form every matcher searches, and remembers where
//! each byte of that form came from, so a match maps back to the exact
//! bytes of the post a client can highlight.
//!
//! Two forms exist. [`Folded`] is the plain form that names, school phrases,
//! links and contact details are found in. [`Squeezed`] is derived from it
//! for the lexicons and undoes deliberate evasions (leet, spaced letters,
//! stretched letters, self-censoring stars). `DESIGN.md` explains both.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Text in the plain folded form, with a byte map back to the original.
#[derive(Debug, Clone, Default)]
pub struct Folded {
    /// Always valid UTF-8: built from ASCII bytes and whole encoded chars.
    text: String,
    /// For each byte of `text`, the offset in the original of the char it came from.
    origin: Vec<u32>,
}

impl Folded {
    /// Folds `original`: compatibility decomposition, case folding, accents
    /// dropped, letters without a decomposition transliterated, look-alike
    /// letters from other scripts mapped to Latin, apostrophes and dashes
    /// unified, zero-width and bidi controls dropped, white space runs
    /// collapsed to one space.
    ///
    /// Inputs longer than `u32::MAX` bytes are truncated at a char boundary.
    pub fn new(original: &str) -> Folded {
        let mut end = original.len().min(u32::MAX as usize);
        while !original.is_char_boundary(end) {
            end -= 1;
        }
        let original = &original[..end];
        let mut out = Folded {
            text: String::with_capacity(original.len() + 8),
            origin: Vec::with_capacity(original.len() + 8),
        };
        let bytes = original.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Runs of plain lowercase ASCII letters, digits and common
            // punctuation are copied as they are.
            let run = bytes[i..]
                .iter()
                .take_while(|&&b| PLAIN[b as usize])
                .count();
            if run > 0 {
                out.text.push_str(&original[i..i + run]);
                out.origin.extend(i as u32..(i + run) as u32);
                i += run;
                continue;
            }
            let b = bytes[i];
            if b < 0x80 {
                out.push_ascii(b, i);
                i += 1;
                continue;
            }
            let c = original[i..].chars().next().unwrap_or('\u{fffd}');
            if is_emoji_letter(c, &original[..i], &original[i + c.len_utf8()..]) {
                out.push_ascii(b' ', i);
            } else {
                out.push_char(c, i);
            }
            i += c.len_utf8();
        }
        out
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Maps a folded range `[start, end)` back to a byte range of the original.
    /// `start < end <= self.as_str().len()` must hold.
    pub fn original_range(&self, original: &str, start: usize, end: usize) -> (usize, usize) {
        let from = self.origin[start] as usize;
        let last = self.origin[end - 1] as usize;
        let width = original[last..].chars().next().map_or(1, char::len_utf8);
        (from, last + width)
    }

    /// The offset in the original of the char that folded byte `at` came from.
    pub fn origin(&self, at: usize) -> usize {
        self.origin[at] as usize
    }

    fn push_ascii(&mut self, b: u8, at: usize) {
        let folded = match b {
            b'A'..=b'Z' => b + 32,
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                if self.text.ends_with(' ') {
                    return;
                }
                b' '
            }
            b'`' => b'\'',
            0..=0x1f | 0x7f => return,
            _ => b,
        };
        self.text.push(folded as char);
        self.origin.push(at as u32);
    }

    fn push_out(&mut self, c: char, at: usize) {
        let before = self.text.len();
        self.text.push(c);
        self.origin.resize(self.text.len(), at as u32);
        debug_assert!(self.text.len() > before);
    }

    fn push_char(&mut self, c: char, at: usize) {
        if is_ignorable(c) {
            return;
        }
        if c.is_whitespace() || is_blank(c) {
            self.push_ascii(b' ', at);
            return;
        }
        if let Some(u) = unify_punctuation(c) {
            self.push_out(u, at);
            return;
        }
        let mut parts = [char::default(); 18];
        let mut n = 0;
        decompose_compatible(c, |d| {
            if n < parts.len() {
                parts[n] = d;
                n += 1;
            }
        });
        for &d in &parts[..n] {
            if is_combining_mark(d) || is_ignorable(d) {
                continue;
            }
            if d.is_ascii() {
                self.push_ascii(d as u8, at);
                continue;
            }
            if d.is_whitespace() {
                self.push_ascii(b' ', at);
                continue;
            }
            if let Some(u) = unify_punctuation(d) {
                self.push_out(u, at);
                continue;
            }
            for l in d.to_lowercase() {
                if is_combining_mark(l) {
                    continue;
                }
                if l.is_ascii() {
                    self.push_ascii(l as u8, at);
                } else if let Some(t) = transliterate(l) {
                    for t in t.bytes() {
                        self.push_ascii(t, at);
                    }
                } else {
                    match lookalike(l).or_else(|| capital_lookalike(l)) {
                        Some(latin) => self.push_ascii(latin, at),
                        None => self.push_out(l, at),
                    }
                }
            }
        }
    }
}

/// ASCII bytes that fold to themselves and need no other care: lowercase
/// letters, digits and punctuation other than the backtick (space is not
/// plain, since runs of white space collapse).
const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        t[b] = !(b >= b'A' as usize && b <= b'Z' as usize) && b != b'`' as usize;
        b += 1;
    }
    t
};

/// Zero-width, bidi and other format controls, variation selectors and the
/// soft hyphen: invisible, and used to break words apart.
fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{17b4}' | '\u{17b5}'
        | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{fe00}'..='\u{fe0f}' | '\u{feff}'
        | '\u{fff0}'..='\u{fff8}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0000}'..='\u{e0fff}')
}

/// Characters that are not white space to Unicode but show as a blank
/// gap (Hangul fillers, the Braille blank): used as spaces, so folded as one.
fn is_blank(c: char) -> bool {
    matches!(
        c,
        '\u{115f}' | '\u{1160}' | '\u{2800}' | '\u{3164}' | '\u{ffa0}'
    )
}

/// Apostrophe and dash variants, unified to ASCII `'` and `-`.
fn unify_punctuation(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{2035}'
        | '\u{00b4}' | '\u{02b9}' | '\u{02bb}' | '\u{02bc}' | '\u{02bd}' | '\u{02c8}'
        | '\u{055a}' | '\u{ff07}' => Some('\''),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{2043}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' | '\u{058a}'
        | '\u{05be}' | '\u{2e3a}' | '\u{2e3b}' => Some('-'),
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{00ab}' | '\u{00bb}' => Some('"'),
        _ => None,
    }
}

/// Whether a letter symbol is shown as an emoji, and so separates words
/// like a space rather than being a letter: a regional indicator beside
/// another is a flag (`🇬🇧`), and any letter symbol followed by the emoji
/// variation selector is a button (`🅿️`). Folded to letters, "🇬🇧Oliver"
/// would hide a name inside the word "gboliver"; kept as they are, the
/// squared letters would still count as letters (Unicode calls them
/// alphabetic) and do the same.
fn is_emoji_letter(c: char, before: &str, after: &str) -> bool {
    let regional = |c: Option<char>| c.is_some_and(|c| ('\u{1f1e6}'..='\u{1f1ff}').contains(&c));
    let next = after.chars().next();
    match c {
        '\u{1f1e6}'..='\u{1f1ff}' => {
            regional(before.chars().next_back()) || regional(next) || next == Some('\u{fe0f}')
        }
        '\u{1f150}'..='\u{1f169}' | '\u{1f170}'..='\u{1f189}' => next == Some('\u{fe0f}'),
        _ => false,
    }
}

/// The 26 letters, for letter-like symbols indexed from their `a`.
const LETTERS: [&str; 26] = [
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s",
    "t", "u", "v", "w", "x", "y", "z",
];

/// Lowercase letters that have no canonical decomposition into a base
/// letter and an accent, spelled the way English text writes them; also
/// small capitals (`ꜰᴜᴄᴋ`) and the letter symbols that have no
/// compatibility decomposition: negative circled and squared letters
/// (`🅵🆄🅲🅺`) and regional indicators (`🇫 🇺 🇨 🇰`).
fn transliterate(c: char) -> Option<&'static str> {
    let letter = |first: char| LETTERS[(c as u32 - first as u32) as usize];
    Some(match c {
        '\u{1f150}'..='\u{1f169}' => letter('\u{1f150}'),
        '\u{1f170}'..='\u{1f189}' => letter('\u{1f170}'),
        '\u{1f1e6}'..='\u{1f1ff}' => letter('\u{1f1e6}'),
        'ᴀ' => "a",
        'ʙ' => "b",
        'ᴄ' => "c",
        'ᴅ' => "d",
        'ᴇ' => "e",
        'ꜰ' => "f",
        'ɢ' => "g",
        'ʜ' => "h",
        'ɪ' => "i",
        'ᴊ' => "j",
        'ᴋ' => "k",
        'ʟ' => "l",
        'ᴍ' => "m",
        'ɴ' => "n",
        'ᴏ' => "o",
        'ᴘ' => "p",
        'ꞯ' => "q",
        'ʀ' => "r",
        'ꜱ' => "s",
        'ᴛ' => "t",
        'ᴜ' => "u",
        'ᴠ' => "v",
        'ᴡ' => "w",
        'ʏ' => "y",
        'ᴢ' => "z",
        'ł' => "l",
        'đ' | 'ð' => "d",
        'ø' => "o",
        'ı' => "i",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        'ħ' => "h",
        'ŀ' => "l",
        'ŧ' => "t",
        'ŋ' => "n",
        'ĸ' => "k",
        'ſ' => "s",
        'ƒ' => "f",
        'ɨ' => "i",
        'ʉ' => "u",
        'ƀ' => "b",
        'ɗ' => "d",
        'ƙ' => "k",
        'ƴ' => "y",
        'ȥ' => "z",
        'ɍ' => "r",
        _ => return None,
    })
}

/// A letter from another script (or an unusual Latin one) that looks like
/// one ASCII letter or digit, per Unicode's confusables data
/// (`unicode-security`'s skeleton), lowercased.
fn lookalike(c: char) -> Option<u8> {
    if !c.is_alphanumeric() {
        return None;
    }
    let mut buf = [0u8; 4];
    let mut skeleton = unicode_security::confusable_detection::skeleton(c.encode_utf8(&mut buf));
    let first = skeleton.next()?;
    if skeleton.next().is_some() || !first.is_ascii_alphanumeric() {
        return None;
    }
    // The skeleton's prototypes are not case-aware ("l" and "I" share one),
    // so take its letter and trust our own lowercasing.
    Some(first.to_ascii_lowercase() as u8)
}

/// The look-alike of a lowercase letter's capital, for letters that only
/// look Latin as capitals (Cyrillic `н`/`Н`, `т`/`Т`, `в`/`В`, `м`/`М`):
/// either case folds alike, so "ЅНІТ", "SНIТ" and "ѕніт" are one word and
/// an all-caps name still finds its roster spelling. A capital taken for
/// `l` (the confusables data has one prototype for `l` and `I`) is `i`.
fn capital_lookalike(lower: char) -> Option<u8> {
    let mut upper = lower.to_uppercase();
    let capital = upper.next()?;
    if upper.next().is_some() || capital == lower {
        return None;
    }
    lookalike(capital).map(|l| if l == b'l' { b'i' } else { l })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> String {
        Folded::new(s).as_str().to_string()
    }

    #[test]
    fn folds_case_accents_and_compatibility_forms() {
        assert_eq!(fold("Zoë NGUYỄN"), "zoe nguyen");
        assert_eq!(fold("Łukasz Øvergaard"), "lukasz overgaard");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ＦＵＬＬ ﬁne"), "full fine");
        assert_eq!(fold("𝐁𝐨𝐥𝐝"), "bold");
        assert_eq!(fold("Æthelred İpek"), "aethelred ipek");
    }

    #[test]
    fn drops_invisibles_and_collapses_space() {
        assert_eq!(
            fold("Ame\u{200b}lia\u{202e}  \n\u{00a0}Jones"),
            "amelia jones"
        );
        assert_eq!(fold("a\u{2003}b\u{3000}c"), "a b c");
    }

    #[test]
    fn unifies_apostrophes_and_dashes() {
        assert_eq!(fold("O’Brien—Smith"), "o'brien-smith");
        assert_eq!(fold("Jones‐Smith"), "jones-smith");
    }

    #[test]
    fn folds_lookalikes_from_other_scripts() {
        // Cyrillic а, е, о, р, с and Greek ο.
        assert_eq!(fold("\u{0430}m\u{0435}li\u{0430}"), "amelia");
        assert_eq!(fold("\u{0440}\u{043e}\u{0441}k"), "pock");
        assert_eq!(fold("J\u{03bf}nes"), "jones");
        // Letters that look Latin only as capitals fold alike in either case.
        assert_eq!(fold("\u{0405}\u{041d}\u{0406}\u{0422}"), "shit");
        assert_eq!(fold("S\u{041d}I\u{0422}"), "shit");
        assert_eq!(fold("\u{0455}\u{043d}\u{0456}\u{0442}"), "shit");
        assert_eq!(fold("\u{0412}\u{041c}"), fold("\u{0432}\u{043c}"));
    }

    #[test]
    fn folds_small_capitals_and_letter_symbols() {
        assert_eq!(fold("ꜰᴜᴄᴋ ᴄᴜɴᴛ"), "fuck cunt");
        assert_eq!(fold("\u{1f175}\u{1f184}\u{1f172}\u{1f17a}"), "fuck");
        assert_eq!(fold("\u{1f155}\u{1f164}\u{1f152}\u{1f15a}"), "fuck");
        assert_eq!(fold("\u{1f1eb} \u{1f1fa} \u{1f1e8} \u{1f1f0}"), "f u c k");
        // Flags and emoji buttons separate words: not letters joined to one.
        assert_eq!(fold("\u{1f1ec}\u{1f1e7}Team"), " team");
        assert_eq!(fold("Team \u{1f1ec}\u{1f1e7}\u{1f1eb}\u{1f1f7}!"), "team !");
        assert_eq!(fold("\u{1f17f}\u{fe0f}arking"), " arking");
    }

    #[test]
    fn maps_back_to_original_bytes() {
        let original = "Hi Zoë\u{200b} Nguyễn!";
        let f = Folded::new(original);
        let start = f.as_str().find("zoe nguyen").unwrap();
        let (a, b) = f.original_range(original, start, start + "zoe nguyen".len());
        assert_eq!(&original[a..b], "Zoë\u{200b} Nguyễn");
    }
}
