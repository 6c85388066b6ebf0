//! `roster.csv`: the pupils of one school and their consents. Parsing is
//! strict about what matters for safety (ids, names, consent values, dates)
//! and lenient about what spreadsheets add (a BOM, padding, extra columns).

use std::collections::HashSet;

use crate::date::Date;

use super::error::{Error, ErrorKind};

/// The columns SPEC requires, in SPEC's order.
pub const COLUMNS: [&str; 10] = [
    "pupil_id",
    "given_name",
    "preferred_name",
    "middle_names",
    "family_name",
    "year_group",
    "name_consent",
    "photo_consent",
    "consent_expires",
    "safeguarding",
];

/// Most pupils one roster may hold.
pub const MAX_PUPILS: usize = 1_000_000;

/// One pupil on a roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pupil {
    /// The school's id for the pupil.
    pub id: String,
    /// Given (first) name.
    pub given_name: String,
    /// The name the pupil goes by, if different.
    pub preferred_name: Option<String>,
    /// Middle names, in order.
    pub middle_names: Vec<String>,
    /// Family name (surname).
    pub family_name: String,
    /// Year group, as the school writes it.
    pub year_group: String,
    /// Written consent to be named.
    pub name_consent: bool,
    /// Written consent to be photographed for publication.
    pub photo_consent: bool,
    /// After this date both consents count as "no".
    pub consent_expires: Option<Date>,
    /// Must never be identifiable, whatever the consents say.
    pub safeguarding: bool,
}

impl Pupil {
    /// Whether consents still hold on `today`.
    pub fn consent_current(&self, today: Date) -> bool {
        self.consent_expires.is_none_or(|d| today <= d)
    }

    /// Name consent as of `today`.
    pub fn may_be_named(&self, today: Date) -> bool {
        self.name_consent && self.consent_current(today)
    }

    /// Photo consent as of `today`.
    pub fn may_be_photographed(&self, today: Date) -> bool {
        self.photo_consent && self.consent_current(today)
    }
}

/// Parses a yes/no cell: yes/no, y/n, true/false, 1/0, any case. An empty
/// cell is "no": consent that is not recorded is not given.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Parses `roster.csv`. `path` is used in errors only.
///
/// # Errors
///
/// Every problem found, each naming `path`, the line and the column.
pub fn parse(path: &str, text: &str) -> Result<Vec<Pupil>, Vec<Error>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let err = |kind| Error::new(path, kind);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![err(ErrorKind::Syntax(e.to_string())).at(1)]),
    };
    let mut index = [usize::MAX; COLUMNS.len()];
    let mut errors = Vec::new();
    for (i, name) in headers.iter().enumerate() {
        if let Some(c) = COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name)) {
            if index[c] != usize::MAX {
                errors.push(err(ErrorKind::Duplicate("column".into())).at(1).field(name));
            }
            index[c] = i;
        }
    }
    for (c, &i) in index.iter().enumerate() {
        if i == usize::MAX {
            errors.push(err(ErrorKind::Missing).at(1).field(COLUMNS[c]));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut pupils = Vec::new();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(err(ErrorKind::Syntax(e.to_string())).at(line));
                if errors.len() >= 100 {
                    break;
                }
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if pupils.len() >= MAX_PUPILS {
            errors.push(
                err(ErrorKind::Limit(format!(
                    "more than {MAX_PUPILS} pupils on one roster"
                )))
                .at(line),
            );
            break;
        }
        let cell = |c: usize| record.get(index[c]).unwrap_or("");
        let mut bad = |c: usize, kind| errors.push(err(kind).at(line).field(COLUMNS[c]));
        let required = |c: usize, bad: &mut dyn FnMut(usize, ErrorKind)| {
            let v = cell(c);
            if v.is_empty() {
                bad(c, ErrorKind::Missing);
            }
            v.to_string()
        };
        let id = required(0, &mut bad);
        let given_name = required(1, &mut bad);
        let family_name = required(4, &mut bad);
        let mut flag = |c: usize| {
            parse_bool(cell(c)).unwrap_or_else(|| {
                bad(
                    c,
                    ErrorKind::Invalid(format!("{:?} is not yes or no", cell(c))),
                );
                false
            })
        };
        let name_consent = flag(6);
        let photo_consent = flag(7);
        let safeguarding = flag(9);
        let consent_expires = match cell(8) {
            "" => None,
            s => match Date::parse_iso(s) {
                Some(d) => Some(d),
                None => {
                    bad(
                        8,
                        ErrorKind::Invalid(format!("{s:?} is not a date (YYYY-MM-DD)")),
                    );
                    None
                }
            },
        };
        if !id.is_empty() && !seen.insert(id.clone()) {
            errors.push(
                err(ErrorKind::Duplicate(format!("pupil_id {id:?}")))
                    .at(line)
                    .field("pupil_id"),
            );
        }
        let preferred = cell(2);
        pupils.push(Pupil {
            id,
            given_name,
            preferred_name: (!preferred.is_empty()).then(|| preferred.to_string()),
            middle_names: cell(3).split_whitespace().map(str::to_string).collect(),
            family_name,
            year_group: cell(5).to_string(),
            name_consent,
            photo_consent,
            consent_expires,
            safeguarding,
        });
        if errors.len() >= 100 {
            break;
        }
    }
    if errors.is_empty() {
        Ok(pupils)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "pupil_id,given_name,preferred_name,middle_names,family_name,year_group,name_consent,photo_consent,consent_expires,safeguarding\n";

    #[test]
    fn accepts_bom_quotes_and_mixed_yes_no() {
        let text = format!(
            "\u{feff}{HEADER}P1,Amelia,,Rose Anne,Jones,6,Yes,n,2030-07-31,FALSE\nP2,\"Mary, Jane\",Mj,,\"O'Brien\",5,1,TRUE,,0\n"
        );
        let pupils = parse("r.csv", &text).unwrap();
        assert_eq!(pupils.len(), 2);
        assert_eq!(pupils[0].middle_names, ["Rose", "Anne"]);
        assert!(pupils[0].name_consent && !pupils[0].photo_consent);
        assert_eq!(pupils[1].given_name, "Mary, Jane");
        assert_eq!(pupils[1].preferred_name.as_deref(), Some("Mj"));
        assert!(pupils[1].photo_consent && !pupils[1].safeguarding);
    }

    #[test]
    fn expired_consent_counts_as_no() {
        let text = format!("{HEADER}P1,A,,,B,6,yes,yes,2024-07-31,no\n");
        let p = &parse("r.csv", &text).unwrap()[0];
        assert!(p.may_be_named(Date::new(2024, 7, 31).unwrap()));
        assert!(!p.may_be_named(Date::new(2024, 8, 1).unwrap()));
        assert!(!p.may_be_photographed(Date::new(2025, 1, 1).unwrap()));
    }

    #[test]
    fn reports_every_error_with_line_and_column() {
        let text = format!(
            "{HEADER}P1,A,,,B,6,maybe,yes,,no\nP1,C,,,D,6,yes,yes,31/07/2025,no\nP3,,,,E,6,yes,yes,,no\n"
        );
        let errs: Vec<String> = parse("schools/x/roster.csv", &text)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errs,
            [
                "schools/x/roster.csv:2: name_consent: \"maybe\" is not yes or no",
                "schools/x/roster.csv:3: consent_expires: \"31/07/2025\" is not a date (YYYY-MM-DD)",
                "schools/x/roster.csv:3: pupil_id: duplicate pupil_id \"P1\"",
                "schools/x/roster.csv:4: given_name: missing",
            ]
        );
    }

    #[test]
    fn refuses_wrong_header() {
        let errs = parse("r.csv", "id,name\n1,x\n").unwrap_err();
        assert!(
            errs.iter()
                .any(|e| e.to_string() == "r.csv:1: pupil_id: missing")
        );
        assert_eq!(errs.len(), COLUMNS.len());
    }
}
