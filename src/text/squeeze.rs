//! The squeezed form: the folded text with deliberate evasions undone, for
//! lexicon matching only. Leet digits and symbols inside words become
//! letters (`5h1t`), letters spaced or dotted apart are joined (`f u c k`),
//! self-censoring marks become `*` (`f#ck`), and stretched letters collapse
//! to one (`fuuuck`) with the stretch remembered, so a match can require
//! at least the term's own doubling (`ass` does not match `as`).

use super::normalize::Folded;

/// Squeezed text with maps back into the [`Folded`] text it came from.
#[derive(Debug, Clone, Default)]
pub struct Squeezed {
    text: String,
    /// Per byte of `text`: folded offset of the first char of its run.
    first: Vec<u32>,
    /// Per byte of `text`: folded offset of the last char of its run. Empty
    /// on the ASCII fast path, where a run ends just before the next begins.
    last: Vec<u32>,
    /// Per byte of `text`: how many times its char was repeated (max 255).
    runs: Vec<u8>,
    /// `text` with the stand-ins read as letters inside a word shown as
    /// `*` instead, when there are any: "f@ck" is "fack" as leet, but
    /// meant as "f*ck". Same length and offsets as `text`.
    masked: Option<String>,
}

#[derive(Clone, Copy)]
struct Unit {
    c: char,
    at: u32,
}

impl Squeezed {
    /// Squeezes folded text.
    pub fn new(folded: &Folded) -> Squeezed {
        let text = folded.as_str();
        let ascii = text.is_ascii();
        let leet = may_have_leet(text.as_bytes());
        let spaced = has_spaced_letters(text.as_bytes());
        if ascii && !leet && !spaced {
            return Squeezed::collapse_ascii(text);
        }
        let mut units: Vec<Unit> = text
            .char_indices()
            .map(|(at, c)| Unit { c, at: at as u32 })
            .collect();
        // Both passes are rare work: skip them when nothing could change.
        if leet || !ascii {
            units = unleet(units);
        }
        if spaced || !ascii {
            units = join_spaced_letters(units);
        }
        let mut out = Squeezed {
            text: String::with_capacity(units.len()),
            first: Vec::with_capacity(units.len()),
            last: Vec::with_capacity(units.len()),
            runs: Vec::with_capacity(units.len()),
            masked: None,
        };
        let mut stand_ins = Vec::new();
        let mut i = 0;
        while i < units.len() {
            let u = units[i];
            let mut j = i + 1;
            if u.c.is_alphabetic() || u.c == '*' {
                while j < units.len() && units[j].c == u.c {
                    j += 1;
                }
            }
            let run = (j - i).min(255) as u8;
            if u.c.is_ascii_alphabetic()
                && !text[u.at as usize..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphabetic)
            {
                stand_ins.push(out.text.len());
            }
            out.text.push(u.c);
            let n = out.text.len() - out.first.len();
            for _ in 0..n {
                out.first.push(u.at);
                out.last.push(units[j - 1].at);
                out.runs.push(run);
            }
            i = j;
        }
        out.masked = mask(&out.text, &stand_ins);
        out
    }

    /// The common case: ASCII text with nothing to undo but stretched letters.
    /// Branch-free: every byte is written, and the write position only
    /// advances past a byte that does not repeat the letter before it.
    fn collapse_ascii(text: &str) -> Squeezed {
        let b = text.as_bytes();
        let n = b.len();
        let mut out = vec![0u8; n];
        let mut first = vec![0u32; n];
        let mut k = 0;
        let mut prev = 0u8;
        for (i, &c) in b.iter().enumerate() {
            out[k] = c;
            first[k] = i as u32;
            let repeat = c == prev && c.is_ascii_alphabetic();
            k += usize::from(!repeat);
            prev = c;
        }
        out.truncate(k);
        first.truncate(k);
        // A run ends where the next kept byte begins.
        let runs = first
            .windows(2)
            .map(|w| (w[1] - w[0]).min(255) as u8)
            .chain(first.last().map(|&f| (n - f as usize).min(255) as u8))
            .collect();
        Squeezed {
            text: String::from_utf8(out).expect("ASCII in, ASCII out"),
            first,
            last: Vec::new(),
            runs,
            masked: None,
        }
    }

    /// The squeezed text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The squeezed text with stand-ins for letters inside words shown as
    /// `*`, if it has any: a second reading for the lexicon.
    pub fn masked(&self) -> Option<&str> {
        self.masked.as_deref()
    }

    /// How many times the char at byte `at` was repeated in the folded text.
    pub fn run(&self, at: usize) -> u8 {
        self.runs[at]
    }

    /// Maps a squeezed range back to a range of the folded text.
    pub fn folded_range(&self, folded: &Folded, start: usize, end: usize) -> (usize, usize) {
        let from = self.first[start] as usize;
        if self.last.is_empty() {
            let to = self
                .first
                .get(end)
                .map_or(folded.as_str().len(), |&f| f as usize);
            return (from, to);
        }
        let last = self.last[end - 1] as usize;
        let width = folded.as_str()[last..]
            .chars()
            .next()
            .map_or(1, char::len_utf8);
        (from, last + width)
    }
}

fn leet(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' | '!' | '|' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '6' => 'g',
        '7' => 't',
        '8' => 'b',
        '9' => 'g',
        '#' => '*',
        _ => return None,
    })
}

/// `text` with the stand-ins at byte offsets `at` (ASCII letters read
/// from digits or symbols) that have a letter on both sides shown as `*`;
/// `None` if there are none.
fn mask(text: &str, at: &[usize]) -> Option<String> {
    let letter = |c: Option<char>| c.is_some_and(char::is_alphabetic);
    let mut bytes = text.as_bytes().to_vec();
    let mut any = false;
    for &i in at {
        if letter(text[..i].chars().next_back()) && letter(text[i + 1..].chars().next()) {
            bytes[i] = b'*';
            any = true;
        }
    }
    // Only ASCII letters were replaced, by an ASCII byte.
    any.then(|| String::from_utf8(bytes).expect("one ASCII byte for another"))
}

fn is_mask(c: char) -> bool {
    matches!(c, '*' | '#' | '$')
}

/// Marks which chars belong to words (letters, digits, and the symbols
/// that stand in for letters), then maps leet chars to letters inside words
/// that have at least two real letters (or one, when the stand-ins are
/// symbols), so road names like "A55" and postcodes stay as they are.
fn alnum(units: &[Unit], i: usize) -> bool {
    units[i].c.is_alphanumeric()
}

fn unleet(mut units: Vec<Unit>) -> Vec<Unit> {
    let n = units.len();
    let mut in_word = vec![false; n];
    let mut i = 0;
    while i < n {
        let c = units[i].c;
        if c.is_alphanumeric() {
            in_word[i] = true;
            i += 1;
        } else if is_mask(c) {
            let mut j = i;
            while j < n && is_mask(units[j].c) {
                j += 1;
            }
            let touches = (i > 0 && alnum(&units, i - 1)) || (j < n && alnum(&units, j));
            for w in &mut in_word[i..j] {
                *w = touches;
            }
            i = j;
        } else {
            let inside = i > 0 && alnum(&units, i - 1) && i + 1 < n && alnum(&units, i + 1);
            in_word[i] = match c {
                '@' => i + 1 < n && alnum(&units, i + 1),
                '!' | '|' => inside,
                // Any other symbol standing for a letter inside a word
                // (`f%ck`, `f🤬ck`) is a mask; gap punctuation is not.
                _ if inside && !c.is_whitespace() && !is_gap(c) && !matches!(c, '&' | '+') => {
                    units[i].c = '*';
                    true
                }
                _ => false,
            };
            i += 1;
        }
    }
    let mut i = 0;
    while i < n {
        if !in_word[i] {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut letters = 0;
        let mut leets = 0;
        let mut digits = 0;
        while j < n && in_word[j] {
            let c = units[j].c;
            if c.is_alphabetic() {
                letters += 1;
            } else if leet(c).is_some() {
                leets += 1;
                digits += usize::from(c.is_ascii_digit());
            }
            j += 1;
        }
        // Symbols (`a$$`, `@ss`) are evasions wherever they stand in a
        // word; digits only count as letters beside two real letters.
        if leets > 0 && (letters >= 2 || (letters >= 1 && digits == 0)) {
            for u in &mut units[i..j] {
                if let Some(l) = leet(u.c) {
                    u.c = l;
                }
            }
        } else {
            for u in &mut units[i..j] {
                if u.c == '#' {
                    u.c = '*';
                }
            }
        }
        i = j;
    }
    units
}

/// ASCII byte classes for the quick tests below, one bit each.
const ALNUM: u8 = 1;
/// A digit, or a symbol that may stand for a letter or hide one.
const STAND_IN: u8 = 2;
/// Symbols that stand in beside a letter (`$hit`, `a$$`).
const EDGE_SYMBOLS: &[u8] = b"@$#*";
/// Symbols that stand in only between two letters or digits (`sh!t`, `f%ck`).
const INNER_SYMBOLS: &[u8] = b"!|%^~=?<>";
/// What may lie between spaced-out letters: gap chars and punctuation
/// other than `&` and `+`.
const SPACER: u8 = 4;

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        if b.is_ascii_alphanumeric() {
            t[i] |= ALNUM;
        }
        if b.is_ascii_digit() {
            t[i] |= STAND_IN;
        }
        if is_gap(b as char) || (b.is_ascii_punctuation() && b != b'&' && b != b'+') {
            t[i] |= SPACER;
        }
        i += 1;
    }
    let mut k = 0;
    while k < EDGE_SYMBOLS.len() {
        t[EDGE_SYMBOLS[k] as usize] |= STAND_IN;
        k += 1;
    }
    let mut k = 0;
    while k < INNER_SYMBOLS.len() {
        t[INNER_SYMBOLS[k] as usize] |= STAND_IN;
        k += 1;
    }
    t
};

fn class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

/// Whether the text might hold a leet word: a stand-in symbol touching a
/// letter ("$hit", "sh!t"; not "Great!"), or a digit touching a letter
/// ("5h1t"; not "Year 5" or "10:30"). Non-ASCII
/// bytes count as letters here, to stay on the safe side.
fn may_have_leet(b: &[u8]) -> bool {
    let letter = |i: usize| {
        b.get(i)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c >= 0x80)
    };
    let alnum = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let inside = |i: usize| i > 0 && alnum(i - 1) && alnum(i + 1);
    b.iter().enumerate().any(|(i, &c)| {
        class(c) & STAND_IN != 0
            && ((EDGE_SYMBOLS.contains(&c) && ((i > 0 && alnum(i - 1)) || alnum(i + 1)))
                || (INNER_SYMBOLS.contains(&c) && inside(i))
                || (c.is_ascii_digit() && (letter(i + 1) || (i > 0 && letter(i - 1)))))
    })
}

/// Whether ASCII text might hold two single letters separated by gap
/// chars or symbols (a cheap test before [`join_spaced_letters`]).
fn has_spaced_letters(b: &[u8]) -> bool {
    let n = b.len();
    let alnum = |i: usize| class(b[i]) & ALNUM != 0;
    let single = |i: usize| {
        b[i].is_ascii_alphabetic() && (i == 0 || !alnum(i - 1)) && (i + 1 >= n || !alnum(i + 1))
    };
    // Word by word: only a one-letter word can start a chain.
    let mut i = 0;
    while i < n {
        if !alnum(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && alnum(i) {
            i += 1;
        }
        if i - start == 1
            && b[start].is_ascii_alphabetic()
            && (start + 2..(start + 5).min(n))
                .any(|j| b[start + 1..j].iter().all(|&g| class(g) & SPACER != 0) && single(j))
        {
            return true;
        }
    }
    false
}

const fn is_gap(c: char) -> bool {
    matches!(
        c,
        ' ' | '.' | '-' | '_' | '/' | ',' | '+' | '~' | ':' | ';' | '\'' | '"' | '|' | '\\'
    )
}

/// Joins three or more single letters separated by one to three gap chars
/// (`f u c k`, `f.u.c.k`, `f - u - c - k`), or by one to three masks
/// (`f*u*c*k`, and `f🙂u🙂c🙂k`, whose symbols are masks by now). One
/// chain never mixes the two, and a letter beside a mask is not single in
/// a chain of gaps, so "what a c**k" keeps its starred word whole.
fn join_spaced_letters(units: Vec<Unit>) -> Vec<Unit> {
    let n = units.len();
    let single = |i: usize, masks: bool| {
        let word = |j: usize| units[j].c.is_alphanumeric() || (!masks && units[j].c == '*');
        units[i].c.is_alphabetic() && (i == 0 || !word(i - 1)) && (i + 1 >= n || !word(i + 1))
    };
    let gap = |c: char, masks: bool| if masks { c == '*' } else { is_gap(c) };
    let chain = |i: usize, masks: bool| {
        let mut chain = vec![i];
        let mut k = i;
        loop {
            let mut g = k + 1;
            while g < n && g <= k + 3 && gap(units[g].c, masks) {
                g += 1;
            }
            if g > k + 1 && g < n && g <= k + 4 && single(g, masks) {
                chain.push(g);
                k = g;
            } else {
                return chain;
            }
        }
    };
    let mut drop = vec![false; n];
    let mut i = 0;
    while i < n {
        let found = [false, true]
            .into_iter()
            .filter(|&masks| single(i, masks))
            .map(|masks| chain(i, masks))
            .max_by_key(Vec::len);
        let Some(chain) = found else {
            i += 1;
            continue;
        };
        if chain.len() >= 3 {
            for w in chain.windows(2) {
                for d in &mut drop[w[0] + 1..w[1]] {
                    *d = true;
                }
            }
        }
        i = chain[chain.len() - 1] + 1;
    }
    units
        .into_iter()
        .zip(drop)
        .filter_map(|(u, d)| (!d).then_some(u))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squeeze(s: &str) -> String {
        Squeezed::new(&Folded::new(s)).as_str().to_string()
    }

    #[test]
    fn undoes_leet_inside_words_only() {
        assert_eq!(squeeze("5h1t"), "shit");
        assert_eq!(squeeze("@ss and a$$"), "as and as");
        assert_eq!(squeeze("sh!t!"), "shit!");
        assert_eq!(squeeze("the A55 at 10:30"), "the a55 at 10:30");
        assert_eq!(squeeze("f#ck"), "f*ck");
        assert_eq!(squeeze("n166er"), "niger");
        assert_eq!(squeeze("Year 6, Y6, 6A"), "year 6, y6, 6a");
    }

    #[test]
    fn stand_ins_inside_words_are_also_read_as_masks() {
        let masked = |s: &str| Squeezed::new(&Folded::new(s)).masked().map(str::to_string);
        assert_eq!(masked("f@ck off").as_deref(), Some("f*ck of"));
        assert_eq!(masked("sh1t and sh!t").as_deref(), Some("sh*t and sh*t"));
        // Not at a word's edge, and not when nothing stood in for a letter.
        assert_eq!(masked("@ss and 5h1t").as_deref(), Some("as and sh*t"));
        assert_eq!(masked("@ss"), None);
        assert_eq!(masked("Zoë at 10:30, fück"), None);
    }

    #[test]
    fn joins_spaced_letters() {
        assert_eq!(squeeze("f u c k off"), "fuck of");
        assert_eq!(squeeze("s.h.i.t."), "shit.");
        assert_eq!(squeeze("f - u - c - k"), "fuck");
        assert_eq!(squeeze("a b"), "a b");
        assert_eq!(squeeze("f*u*c*k"), "fuck");
        assert_eq!(squeeze("f#u#c#k"), "fuck");
        assert_eq!(squeeze("f\u{1f642}u\u{1f642}c\u{1f642}k"), "fuck");
        assert_eq!(squeeze("s\u{1f4a5}h\u{1f4a5}i\u{1f4a5}t"), "shit");
        assert_eq!(squeeze("f*ck f**k"), "f*ck f*k");
        assert_eq!(squeeze("what a c**k"), "what a c*k");
        assert_eq!(squeeze("x y c**k"), "x y c*k");
    }

    #[test]
    fn collapses_runs_and_remembers_them() {
        let s = Squeezed::new(&Folded::new("fuuuck ass"));
        assert_eq!(s.as_str(), "fuck as");
        assert_eq!(s.run(1), 3);
        assert_eq!(s.run(6), 2);
    }

    #[test]
    fn fast_path_agrees_with_the_general_one() {
        let long = format!("s{}!!!{}", "o".repeat(300), "z".repeat(256));
        for text in [
            "hello   wooorld",
            "aa bb  ccc",
            "",
            "x",
            "zz",
            "letter -- 'quote'!!",
            &long,
        ] {
            let folded = Folded::new(text);
            let fast = Squeezed::collapse_ascii(folded.as_str());
            let units: Vec<Unit> = folded
                .as_str()
                .char_indices()
                .map(|(at, c)| Unit { c, at: at as u32 })
                .collect();
            let general = join_spaced_letters(unleet(units));
            let mut chars: Vec<char> = general.iter().map(|u| u.c).collect();
            chars.dedup_by(|a, b| a == b && a.is_alphabetic());
            let collapsed: String = chars.into_iter().collect();
            assert_eq!(fast.as_str(), collapsed, "{text:?}");
            assert_eq!(fast.first.len(), fast.text.len());
            let b = folded.as_str().as_bytes();
            let runs: Vec<u8> = fast
                .first
                .iter()
                .map(|&f| {
                    let c = b[f as usize];
                    let same = b[f as usize..].iter().take_while(|&&x| x == c).count();
                    let run = if c.is_ascii_alphabetic() { same } else { 1 };
                    run.min(255) as u8
                })
                .collect();
            assert_eq!(fast.runs, runs, "{text:?}");
        }
    }

    #[test]
    fn maps_back_through_the_folded_text() {
        let original = "You f u c k!";
        let folded = Folded::new(original);
        let s = Squeezed::new(&folded);
        let at = s.as_str().find("fuck").unwrap();
        let (a, b) = s.folded_range(&folded, at, at + 4);
        let (a, b) = folded.original_range(original, a, b);
        assert_eq!(&original[a..b], "f u c k");
    }
}
