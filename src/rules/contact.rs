//! `contact.personal`: UK mobile numbers that are not the school's, e-mail
//! addresses at consumer mail providers, and home addresses (house number,
//! street and postcode). Searched in folded text, so full-width digits,
//! odd spaces and case make no difference.

use std::sync::LazyLock;

use regex::Regex;

/// What kind of personal contact detail was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    /// A UK mobile number.
    Mobile,
    /// An address at a consumer mail provider.
    Email,
    /// A house number, street and postcode.
    HomeAddress,
}

/// A contact detail found in folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactHit {
    /// What it is.
    pub kind: Contact,
    /// Folded start offset.
    pub start: usize,
    /// Folded end offset.
    pub end: usize,
}

static MOBILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:(?:\+|\b00)[\s\-.]{0,2}44[\s\-.)]{0,3}(?:\(0\)[\s\-.]{0,2})?|\(?\b0[\s\-.]{0,2})7(?:[\s.\-)]{0,3}\d){9}\b",
    )
        .expect("valid regex")
});

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[a-z0-9][a-z0-9._%+\-]*(?:@|\s?[\[(]at[\])]\s?|\sat\s)((?:[a-z0-9\-]+(?:\.|\s?[\[(]dot[\])]\s?|\sdot\s))+[a-z]{2,})\b",
    )
    .expect("valid regex")
});

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b\d{1,4}[a-z]?,?\s(?:[a-z'\-]+\s){0,3}(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|grove|gardens|gdns|place|pl|court|ct|terrace|hill|park|square|sq|walk|mews|row|view|rise|green|parade|vale|boulevard|chase|croft|fields|meadow|meadows|gate|wharf|yard|approach|circus|promenade|villas|cottages|estate|wynd|brae)\b[^\n]{0,80}?\b([a-z]{1,2}\d[a-z\d]?\s?\d[a-z]{2})\b",
    )
    .expect("valid regex")
});

/// Consumer mail providers, matched on any label of the domain
/// ("hotmail" covers hotmail.com, hotmail.co.uk, hotmail.fr, ...).
const PROVIDER_LABELS: &[&str] = &[
    "gmail",
    "googlemail",
    "hotmail",
    "outlook",
    "live",
    "msn",
    "icloud",
    "yahoo",
    "ymail",
    "rocketmail",
    "aol",
    "aim",
    "protonmail",
    "proton",
    "gmx",
    "btinternet",
    "btopenworld",
    "talktalk",
    "virginmedia",
    "ntlworld",
    "blueyonder",
    "tiscali",
    "zoho",
    "yandex",
    "fastmail",
    "tutanota",
    "tuta",
    "hushmail",
    "mailfence",
    "sky",
    "plusnet",
    "orange",
    "wanadoo",
    "lycos",
    "inbox",
    "qq",
    "163",
    "126",
];

/// Consumer mail domains whose labels are too generic to list above.
const PROVIDER_DOMAINS: &[&str] = &[
    "me.com", "mac.com", "mail.com", "pm.me", "hey.com", "mail.ru",
];

fn is_consumer_domain(domain: &str) -> bool {
    PROVIDER_DOMAINS
        .iter()
        .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
        || domain.split('.').any(|l| PROVIDER_LABELS.contains(&l))
}

/// The national digits of a UK telephone number ("+44 (0)1632 960000" →
/// "01632960000"), or `None` if it is not one.
pub fn phone_digits(number: &str) -> Option<String> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("0044").or(digits.strip_prefix("44")) {
        if number.trim_start().starts_with('0') && !digits.starts_with("00") {
            digits.clone()
        } else {
            format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
        }
    } else {
        digits
    };
    (national.starts_with('0') && (10..=11).contains(&national.len())).then_some(national)
}

/// A postcode with its space and case normalised ("ox1 2ab" → "OX12AB").
pub fn postcode_key(postcode: &str) -> String {
    postcode
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The postcodes found in free text (the school's own addresses).
pub fn postcodes_in(text: &str) -> Vec<String> {
    static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b[a-z]{1,2}\d[a-z\d]?\s?\d[a-z]{2}\b").expect("valid regex")
    });
    POSTCODE
        .find_iter(text)
        .map(|m| postcode_key(m.as_str()))
        .collect()
}

/// Whether folded text might hold a UK postcode: its inward code, a digit
/// and two letters ending a word ("1aa"), with a digit before it.
fn may_have_postcode(b: &[u8]) -> bool {
    (1..b.len().saturating_sub(2)).any(|i| {
        b[i].is_ascii_digit()
            && b[i + 1].is_ascii_alphabetic()
            && b[i + 2].is_ascii_alphabetic()
            && b.get(i + 3).is_none_or(|c| !c.is_ascii_alphanumeric())
            && b[..i].iter().rev().take(6).any(u8::is_ascii_digit)
    })
}

/// Finds personal contact details in folded text. `school_phones` holds
/// the school's own numbers (national digits), `school_domains` its own
/// mail domains and `school_postcodes` its own postcodes: none of them
/// is personal.
pub fn find(
    folded: &str,
    school_phones: &[String],
    school_domains: &[String],
    school_postcodes: &[String],
) -> Vec<ContactHit> {
    let mut hits = Vec::new();
    if folded.bytes().filter(u8::is_ascii_digit).count() >= 10 {
        for m in MOBILE.find_iter(folded) {
            let own = phone_digits(m.as_str()).is_some_and(|d| school_phones.contains(&d));
            if !own {
                hits.push(ContactHit {
                    kind: Contact::Mobile,
                    start: m.start(),
                    end: m.end(),
                });
            }
        }
    }
    // "jo at gmail.com": " at " then a consumer provider's name.
    let spelt_out = folded.match_indices(" at ").any(|(i, _)| {
        let next = &folded[i + 4..];
        PROVIDER_LABELS.iter().any(|l| next.starts_with(l))
    });
    if folded.contains('@')
        || folded.contains("[at]")
        || folded.contains("(at)")
        || folded.contains(" dot ")
        || spelt_out
    {
        for c in EMAIL.captures_iter(folded) {
            let (Some(all), Some(domain)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let domain: String = domain
                .as_str()
                .replace("[dot]", ".")
                .replace("(dot)", ".")
                .replace(" dot ", ".")
                .split_whitespace()
                .collect();
            let own = school_domains
                .iter()
                .any(|d| domain == *d || domain.ends_with(&format!(".{d}")));
            if !own && is_consumer_domain(&domain) {
                hits.push(ContactHit {
                    kind: Contact::Email,
                    start: all.start(),
                    end: all.end(),
                });
            }
        }
    }
    if may_have_postcode(folded.as_bytes()) {
        for c in ADDRESS.captures_iter(folded) {
            let (Some(all), Some(pc)) = (c.get(0), c.get(1)) else {
                continue;
            };
            if !school_postcodes.contains(&postcode_key(pc.as_str())) {
                hits.push(ContactHit {
                    kind: Contact::HomeAddress,
                    start: all.start(),
                    end: all.end(),
                });
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Contact, String)> {
        let school = ["01632960000".to_string(), "07700900999".to_string()];
        find(
            text,
            &school,
            &["oakfield.sch.uk".into()],
            &["OX12AB".into()],
        )
        .into_iter()
        .map(|h| (h.kind, text[h.start..h.end].to_string()))
        .collect()
    }

    #[test]
    fn mobile_numbers_in_any_spacing() {
        for n in [
            "07700 900123",
            "07700900123",
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "+447700900123",
            "0044 7700 900123",
            "(07700) 900 123",
            "077-009-00123",
            "07700.900.123",
            "+44-7700-900123",
            "(+44) 7700 900123",
            "+44 (0) 7700 900 123",
            "0 7700 900 123",
            "07 700 900 123",
        ] {
            let text = format!("call me on {n} today");
            let found = kinds(&text);
            assert_eq!(found.len(), 1, "{n}: {found:?}");
            assert_eq!(found[0].0, Contact::Mobile);
        }
        assert!(kinds("office 01632 960000").is_empty());
        assert!(kinds("school mobile 07700 900999").is_empty());
        assert!(kinds("ref 077009001234567").is_empty());
        assert_eq!(kinds("07700 900123 07700 900456").len(), 2);
    }

    #[test]
    fn consumer_email_only() {
        assert_eq!(kinds("mail jo.bloggs@gmail.com")[0].0, Contact::Email);
        assert_eq!(kinds("jo@hotmail.co.uk")[0].0, Contact::Email);
        assert_eq!(kinds("jo [at] yahoo [dot] com")[0].0, Contact::Email);
        assert!(kinds("office@oakfield.sch.uk").is_empty());
        assert!(kinds("info@bbc.co.uk").is_empty());
    }

    #[test]
    fn home_address_needs_number_street_and_postcode() {
        assert_eq!(
            kinds("she lives at 14 acacia avenue, oxford ox4 1aa")[0].0,
            Contact::HomeAddress
        );
        assert!(kinds("14 acacia avenue").is_empty());
        assert!(kinds("visit us at 1 school lane, oxford ox1 2ab").is_empty());
    }

    #[test]
    fn phone_digits_normalise() {
        assert_eq!(
            phone_digits("+44 (0)1632 960000").as_deref(),
            Some("01632960000")
        );
        assert_eq!(phone_digits("01632 960000").as_deref(), Some("01632960000"));
        assert_eq!(
            phone_digits("0044 1632 960000").as_deref(),
            Some("01632960000")
        );
        assert_eq!(phone_digits("12"), None);
    }
}
