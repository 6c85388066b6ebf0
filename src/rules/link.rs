//! `link.unlisted` and `link.blocked`: the domains a post links to, from
//! `post.links` and from URLs written in its text. Domains are read from
//! the original bytes, never the folded text, so a look-alike domain
//! (`bbс.co.uk` with a Cyrillic `с`) is not mistaken for an allowed one.

use std::sync::LazyLock;

use regex::Regex;

/// How a link's domain stands with the school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkClass {
    /// The school's own, or an allowed domain.
    Allowed,
    /// A blocked domain.
    Blocked(String),
    /// Any other domain.
    Unlisted(String),
    /// No domain could be read from it.
    Unreadable,
}

/// A URL found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlHit {
    /// Folded start offset.
    pub start: usize,
    /// Folded end offset.
    pub end: usize,
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:\b[a-z][a-z0-9+.\-]*://|\bwww\.)[^\s<>]+
        |
        \b(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+
          (?:com|org|net|uk|io|co|info|biz|me|tv|ly|app|dev|edu|gov|ai|xyz|online|site|news|blog
            |shop|store|link|club|live|social|page|eu|us|ca|au|nz|ie|de|fr|es|it|nl|be|ch|in|ru|cn
            |to|gg|fm|tk|ml|cc|ws|one|top|click|tiktok|video|media|school|academy|education)
          \b(?:/[^\s<>]*)?",
    )
    .expect("valid regex")
});

/// Finds URLs and bare domains in folded text. E-mail addresses are not links.
pub fn find_urls(folded: &str) -> Vec<UrlHit> {
    // Every URL and bare domain has a dot followed by a letter or digit.
    let b = folded.as_bytes();
    if !(1..b.len()).any(|i| b[i - 1] == b'.' && b[i].is_ascii_alphanumeric()) {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for m in URL.find_iter(folded) {
        if folded[..m.start()].ends_with('@') {
            continue;
        }
        let trimmed = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '"', '\'']);
        if trimmed.is_empty() {
            continue;
        }
        hits.push(UrlHit {
            start: m.start(),
            end: m.start() + trimmed.len(),
        });
    }
    hits
}

/// The host of a URL or bare domain, lowercased, without `www.`, port,
/// user info or trailing dot; `None` if there is none.
pub fn host(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url.strip_prefix("//").unwrap_or(url),
    };
    let authority = rest.split(['/', '?', '#', '\\']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if authority.starts_with('[') {
        authority.split(']').next()?.trim_start_matches('[')
    } else {
        authority.split(':').next()?
    };
    let host = host.trim_end_matches('.').to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty() && !host.contains(char::is_whitespace)).then_some(host)
}

fn within(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// Classifies a link's host against the school's domain lists.
pub fn classify(url: &str, own: &[String], allowed: &[String], blocked: &[String]) -> LinkClass {
    let Some(host) = host(url) else {
        return LinkClass::Unreadable;
    };
    if blocked.iter().any(|d| within(&host, d)) {
        LinkClass::Blocked(host)
    } else if own.iter().chain(allowed).any(|d| within(&host, d)) {
        LinkClass::Allowed
    } else {
        LinkClass::Unlisted(host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(url: &str) -> LinkClass {
        classify(
            url,
            &["oakfield.sch.uk".into()],
            &["gov.uk".into(), "bbc.co.uk".into()],
            &["example-bad.com".into()],
        )
    }

    #[test]
    fn subdomains_count_as_their_domain() {
        assert_eq!(class("https://www.bbc.co.uk/sport"), LinkClass::Allowed);
        assert_eq!(class("https://news.bbc.co.uk"), LinkClass::Allowed);
        assert_eq!(class("http://education.gov.uk/x"), LinkClass::Allowed);
        assert_eq!(class("oakfield.sch.uk/news"), LinkClass::Allowed);
        assert_eq!(
            class("https://notbbc.co.uk"),
            LinkClass::Unlisted("notbbc.co.uk".into())
        );
        assert_eq!(
            class("https://cdn.example-bad.com/x"),
            LinkClass::Blocked("cdn.example-bad.com".into())
        );
        assert_eq!(
            class("https://bbc.co.uk.evil.com/"),
            LinkClass::Unlisted("bbc.co.uk.evil.com".into())
        );
        assert_eq!(
            class("https://user@evil.com:8080/"),
            LinkClass::Unlisted("evil.com".into())
        );
        assert_eq!(
            class("https://bb\u{0441}.co.uk"),
            LinkClass::Unlisted("bb\u{0441}.co.uk".into())
        );
        assert_eq!(class("https://"), LinkClass::Unreadable);
    }

    #[test]
    fn finds_urls_in_text() {
        let text =
            "see https://bbc.co.uk/sport, www.evil.com and shop.example.com. mail jo@gmail.com";
        let found: Vec<&str> = find_urls(text)
            .iter()
            .map(|h| &text[h.start..h.end])
            .collect();
        assert_eq!(
            found,
            [
                "https://bbc.co.uk/sport",
                "www.evil.com",
                "shop.example.com"
            ]
        );
        assert!(find_urls("Mr. Smith said hello.").is_empty());
    }
}
