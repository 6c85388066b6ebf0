//! `school.toml`: a school's names, brand, domains, numbers and official
//! accounts. Unknown keys are refused so a misspelt key cannot silently
//! switch a check off.

use serde::Deserialize;

use super::error::{Error, ErrorKind};

/// An account the school itself runs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialAccount {
    /// "x", "facebook", "instagram", ...
    pub platform: String,
    /// The handle, e.g. `@OakfieldPri`.
    pub handle: String,
}

/// The contents of `school.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolConfig {
    /// The school's name.
    pub name: String,
    /// Other names that identify the school.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Slogans and mottos.
    #[serde(default)]
    pub slogans: Vec<String>,
    /// Hashtags, with or without `#`.
    #[serde(default)]
    pub hashtags: Vec<String>,
    /// The school's own web and mail domains.
    #[serde(default)]
    pub website_domains: Vec<String>,
    /// Other domains that links may point to without review.
    #[serde(default)]
    pub allowed_link_domains: Vec<String>,
    /// Domains that must never be linked.
    #[serde(default)]
    pub blocked_link_domains: Vec<String>,
    /// Phrases that count as a personal-account disclaimer.
    #[serde(default)]
    pub disclaimer_phrases: Vec<String>,
    /// The school's own telephone numbers: never "personal".
    #[serde(default)]
    pub phone_numbers: Vec<String>,
    /// The school's own postal addresses (Gatepost extension): their
    /// postcodes are never a "home address".
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Accounts the school runs.
    #[serde(default)]
    pub official_accounts: Vec<OfficialAccount>,
}

/// Parses and validates `school.toml`. `path` is used in errors only.
///
/// # Errors
///
/// Every problem found, each naming `path`, the line where known, and the key.
pub fn parse(path: &str, text: &str) -> Result<SchoolConfig, Vec<Error>> {
    let mut config: SchoolConfig = toml::from_str(text).map_err(|e| {
        let mut err = Error::new(path, ErrorKind::Syntax(e.message().to_string()));
        if let Some(span) = e.span() {
            err = err.at(line_of(text, span.start));
        }
        vec![err]
    })?;
    let mut errors = Vec::new();
    let invalid = |key: &str, why: String| {
        Error::new(path, ErrorKind::Invalid(why))
            .field(key)
            .at(key_line(text, key))
    };
    if config.name.trim().is_empty() {
        errors.push(invalid("name", "must not be empty".into()));
    }
    for (key, list) in [
        ("website_domains", &mut config.website_domains),
        ("allowed_link_domains", &mut config.allowed_link_domains),
        ("blocked_link_domains", &mut config.blocked_link_domains),
    ] {
        for d in list.iter_mut() {
            match clean_domain(d) {
                Some(clean) => *d = clean,
                None => errors.push(invalid(key, format!("{d:?} is not a domain name"))),
            }
        }
    }
    for (key, list) in [
        ("aliases", &config.aliases),
        ("slogans", &config.slogans),
        ("hashtags", &config.hashtags),
        ("disclaimer_phrases", &config.disclaimer_phrases),
        ("addresses", &config.addresses),
    ] {
        if list.iter().any(|s| s.trim().is_empty()) {
            errors.push(invalid(key, "entries must not be empty".into()));
        }
    }
    for n in &config.phone_numbers {
        if crate::rules::contact::phone_digits(n).is_none() {
            errors.push(invalid(
                "phone_numbers",
                format!("{n:?} is not a UK telephone number"),
            ));
        }
    }
    for a in &config.official_accounts {
        if a.platform.trim().is_empty() || a.handle.trim().trim_start_matches('@').is_empty() {
            errors.push(invalid(
                "official_accounts",
                "each needs a platform and a handle".into(),
            ));
        }
    }
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

/// Lowercases a domain and strips a scheme, `www.`, a path or a trailing
/// dot; `None` if what is left is not a plausible host name.
pub fn clean_domain(d: &str) -> Option<String> {
    let mut d = d.trim().to_ascii_lowercase();
    if let Some(i) = d.find("://") {
        d.drain(..i + 3);
    }
    if let Some(i) = d.find(['/', '?', '#']) {
        d.truncate(i);
    }
    let d = d.trim_end_matches('.');
    let d = d.strip_prefix("www.").unwrap_or(d);
    let ok = d.contains('.')
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    ok.then(|| d.to_string())
}

fn line_of(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

fn key_line(text: &str, key: &str) -> u64 {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with(key) && l[key.len()..].trim_start().starts_with(['=', ']'])
                || l.starts_with(&format!("[[{key}]]"))
        })
        .map_or(1, |i| i as u64 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spec_example() {
        let text = r#"
name = "Oakfield Primary School"
aliases = ["Oakfield Primary", "OPS"]
website_domains = ["https://www.Oakfield.sch.uk/"]
phone_numbers = ["01632 960000"]
[[official_accounts]]
platform = "x"
handle = "@OakfieldPri"
"#;
        let c = parse("school.toml", text).unwrap();
        assert_eq!(c.website_domains, ["oakfield.sch.uk"]);
        assert_eq!(c.official_accounts[0].handle, "@OakfieldPri");
    }

    #[test]
    fn refuses_unknown_keys_and_bad_values_with_lines() {
        let err = parse("s/school.toml", "name = \"X\"\nslogan = [\"typo\"]\n").unwrap_err();
        assert_eq!(err[0].line, Some(2));
        assert!(err[0].to_string().contains("slogan"), "{}", err[0]);
        let err = parse(
            "s/school.toml",
            "name = \"X\"\nwebsite_domains = [\"not a domain\"]\n",
        )
        .unwrap_err();
        assert_eq!(
            err[0].to_string(),
            "s/school.toml:2: website_domains: \"not a domain\" is not a domain name"
        );
        let err = parse("s/school.toml", "aliases = []\n").unwrap_err();
        assert!(err[0].to_string().contains("name"), "{}", err[0]);
    }
}
