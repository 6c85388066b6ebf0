//! Lexicon files: `term<TAB>category<TAB>severity<TAB>note`, as documented
//! in `lexicons/README.md`. The built-in files are compiled into the binary;
//! a pack's own `lexicons/*.tsv` add to them.

use super::error::{Error, ErrorKind};

/// The built-in lexicons, as (file name, contents).
pub const BUILT_IN: [(&str, &str); 4] = [
    (
        "discriminatory.tsv",
        include_str!("../../lexicons/discriminatory.tsv"),
    ),
    (
        "profanity.tsv",
        include_str!("../../lexicons/profanity.tsv"),
    ),
    ("insult.tsv", include_str!("../../lexicons/insult.tsv")),
    ("allow.tsv", include_str!("../../lexicons/allow.tsv")),
];

/// Longest term, in characters: the longest built-in phrase is about half
/// this, and a matcher pattern per term form must stay small.
pub const MAX_TERM_CHARS: usize = 64;

/// The header line every lexicon file starts with.
pub const HEADER: &str = "term\tcategory\tseverity\tnote";

/// A protected characteristic under the Equality Act 2010.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Characteristic {
    Race,
    Religion,
    Disability,
    Sex,
    SexualOrientation,
    GenderReassignment,
    Age,
    Pregnancy,
}

impl Characteristic {
    /// Plain words for a reason: "race", "sexual orientation".
    pub fn describe(self) -> &'static str {
        match self {
            Characteristic::Race => "race",
            Characteristic::Religion => "religion or belief",
            Characteristic::Disability => "disability",
            Characteristic::Sex => "sex",
            Characteristic::SexualOrientation => "sexual orientation",
            Characteristic::GenderReassignment => "gender reassignment",
            Characteristic::Age => "age",
            Characteristic::Pregnancy => "pregnancy or maternity",
        }
    }
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// `language.discriminatory`.
    Discriminatory(Characteristic),
    /// `language.profanity`.
    Profanity,
    /// `language.insult`.
    Insult,
    /// Never flagged: suppresses terms found inside it.
    Allow,
}

impl Category {
    fn parse(s: &str) -> Option<Category> {
        use Characteristic::*;
        Some(match s {
            "race" => Category::Discriminatory(Race),
            "religion" => Category::Discriminatory(Religion),
            "disability" => Category::Discriminatory(Disability),
            "sex" => Category::Discriminatory(Sex),
            "sexual_orientation" => Category::Discriminatory(SexualOrientation),
            "gender_reassignment" => Category::Discriminatory(GenderReassignment),
            "age" => Category::Discriminatory(Age),
            "pregnancy" => Category::Discriminatory(Pregnancy),
            "profanity" => Category::Profanity,
            "insult" => Category::Insult,
            "allow" => Category::Allow,
            _ => return None,
        })
    }
}

/// How offensive a term is (Ofcom's 2021 grading), shown as context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)]
pub enum Grade {
    Mild,
    Medium,
    Strong,
    Strongest,
}

impl Grade {
    fn parse(s: &str) -> Option<Grade> {
        Some(match s {
            "mild" => Grade::Mild,
            "medium" => Grade::Medium,
            "strong" => Grade::Strong,
            "strongest" => Grade::Strongest,
            _ => return None,
        })
    }

    /// The word used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Mild => "mild",
            Grade::Medium => "medium",
            Grade::Strong => "strong",
            Grade::Strongest => "strongest",
        }
    }
}

/// Where a term may match relative to word boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// A whole word or phrase (plural `s`/`es` accepted).
    Word,
    /// The start of a word: `fuck*`.
    Prefix,
    /// Anywhere, even inside a word: `*fuck*`.
    Infix,
}

/// One lexicon entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The term without its stars.
    pub term: String,
    /// Where it may match.
    pub mode: Mode,
    /// What it is.
    pub category: Category,
    /// How offensive.
    pub grade: Grade,
    /// A plain-English note for comms officers.
    pub note: String,
}

/// Splits a term column into the term and its match mode: `*term*`
/// anywhere, `term*` word start, otherwise whole word.
pub fn split_mode(raw: &str) -> (&str, Mode) {
    if let Some(t) = raw.strip_prefix('*').and_then(|t| t.strip_suffix('*')) {
        (t, Mode::Infix)
    } else if let Some(t) = raw.strip_suffix('*') {
        (t, Mode::Prefix)
    } else {
        (raw, Mode::Word)
    }
}

/// Parses one lexicon file. `path` is used in errors only.
///
/// # Errors
///
/// Every malformed line, naming `path`, the line and the column.
pub fn parse(path: &str, text: &str) -> Result<Vec<Entry>, Vec<Error>> {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    let mut header_seen = false;
    for (n, line) in text.lines().enumerate() {
        let n = n as u64 + 1;
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !header_seen {
            header_seen = true;
            if line != HEADER {
                errors.push(
                    Error::new(
                        path,
                        ErrorKind::Invalid(format!("the first line must be {HEADER:?}")),
                    )
                    .at(n),
                );
            }
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 4 {
            errors.push(
                Error::new(
                    path,
                    ErrorKind::Invalid(format!(
                        "expected 4 tab-separated columns, found {}",
                        cols.len()
                    )),
                )
                .at(n),
            );
            continue;
        }
        let bad =
            |field: &str, why: String| Error::new(path, ErrorKind::Invalid(why)).at(n).field(field);
        let raw = cols[0].trim();
        let (term, mode) = split_mode(raw);
        if term.is_empty() || term.contains('*') || !term.chars().any(char::is_alphabetic) {
            errors.push(bad("term", format!("{raw:?} is not a term")));
            continue;
        }
        let chars = term.chars().count();
        if chars > MAX_TERM_CHARS {
            errors.push(bad(
                "term",
                format!("{chars} characters long; at most {MAX_TERM_CHARS}"),
            ));
            continue;
        }
        let Some(category) = Category::parse(cols[1].trim()) else {
            errors.push(bad("category", format!("unknown category {:?}", cols[1])));
            continue;
        };
        let Some(grade) = Grade::parse(cols[2].trim()) else {
            errors.push(bad(
                "severity",
                format!(
                    "{:?} is not one of mild, medium, strong, strongest",
                    cols[2]
                ),
            ));
            continue;
        };
        entries.push(Entry {
            term: term.to_string(),
            mode,
            category,
            grade,
            note: cols[3].trim().to_string(),
        });
    }
    if !header_seen && errors.is_empty() && !text.trim().is_empty() {
        errors.push(Error::new(path, ErrorKind::Missing).field("header"));
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// The built-in entries.
///
/// # Panics
///
/// Never in a released build: the built-in files are checked by tests.
pub fn built_in() -> Vec<Entry> {
    BUILT_IN
        .iter()
        .flat_map(|(name, text)| {
            parse(name, text).unwrap_or_else(|e| panic!("built-in lexicon {name}: {e:?}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_lexicons_parse() {
        for (name, text) in BUILT_IN {
            let entries = parse(name, text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(!entries.is_empty(), "{name} is empty");
        }
    }

    #[test]
    fn parses_modes_and_reports_bad_lines() {
        let text = format!(
            "# c\n{HEADER}\nfuck*\tprofanity\tstrong\tswear\n*shit*\tprofanity\tstrong\tx\nidiot\tinsult\tmild\tx\n"
        );
        let e = parse("l.tsv", &text).unwrap();
        assert_eq!(e[0].mode, Mode::Prefix);
        assert_eq!(e[1].mode, Mode::Infix);
        assert_eq!(e[2].term, "idiot");
        let bad = format!("{HEADER}\nx\tnope\tmild\tn\n");
        assert_eq!(
            parse("l.tsv", &bad).unwrap_err()[0].to_string(),
            "l.tsv:2: category: unknown category \"nope\""
        );
    }
}
