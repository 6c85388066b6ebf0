//! Turning what was found into findings under SPEC's rule table: which rule,
//! how severe for this kind of account, and the words a comms officer reads.
//! [`catalogue`] holds the fixed wording; [`Findings`] composes each reason
//! from what was found, where, and why.

pub mod catalogue;
pub mod contact;
pub mod link;

use crate::report::{Field, Finding, Location, Severity};

/// Collects findings for one post on one kind of account.
#[derive(Debug)]
pub struct Findings {
    official: bool,
    list: Vec<Finding>,
}

/// The short form of a policy reference: the first citation, up to its
/// first quotation or list separator.
pub fn short_ref(policy_ref: &str) -> &str {
    let end = policy_ref.find([':', ';']).unwrap_or(policy_ref.len());
    policy_ref[..end].trim()
}

/// How a field is named in a reason: "the post text", "the alt text of
/// image 2", "link 1".
pub fn describe_field(field: Field) -> String {
    match field {
        Field::Text => "the post text".to_string(),
        Field::AltText { index } => format!("the alt text of image {}", index + 1),
        Field::Link { index } => format!("link {}", index + 1),
    }
}

/// Quotes text from the post for a reason, shortened if very long.
pub fn quote(text: &str) -> String {
    const MAX: usize = 80;
    let text = text.trim();
    if text.chars().count() <= MAX {
        format!("\u{201c}{text}\u{201d}")
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("\u{201c}{cut}\u{2026}\u{201d}")
    }
}

impl Findings {
    /// Starts an empty set for an official or a personal account.
    pub fn new(official: bool) -> Findings {
        Findings {
            official,
            list: Vec::new(),
        }
    }

    /// The severity `rule_id` has on this kind of account, if it applies.
    pub fn severity(&self, rule_id: &str) -> Option<Severity> {
        let rule = catalogue::rule(rule_id)?;
        if self.official {
            rule.official
        } else {
            rule.personal
        }
    }

    /// Adds a finding for `rule_id` if the rule applies to this kind of
    /// account. `found` says what was found and where, as a sentence.
    pub fn add(&mut self, rule_id: &'static str, found: String, location: Location) {
        self.add_with_remedy(rule_id, found, None, location);
    }

    /// As [`Findings::add`], with a remedy more specific than the catalogue's.
    pub fn add_with_remedy(
        &mut self,
        rule_id: &'static str,
        found: String,
        remedy: Option<String>,
        location: Location,
    ) {
        let Some(rule) = catalogue::rule(rule_id) else {
            debug_assert!(false, "unknown rule {rule_id}");
            return;
        };
        let Some(severity) = self.severity(rule_id) else {
            return;
        };
        let mut chars = found.chars();
        let found: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        let reason = format!(
            "{found} {} (Policy: {}.)",
            rule.why,
            short_ref(rule.policy_ref)
        );
        if self
            .list
            .iter()
            .any(|f| f.rule_id == rule_id && f.location == location && f.reason == reason)
        {
            return;
        }
        self.list.push(Finding {
            rule_id: rule.id,
            severity,
            reason,
            remedy: remedy.unwrap_or_else(|| rule.remedy.to_string()),
            policy_ref: rule.policy_ref,
            location,
        });
    }

    /// Whether any finding has been added for `rule_id`.
    pub fn has(&self, rule_id: &str) -> bool {
        self.list.iter().any(|f| f.rule_id == rule_id)
    }

    /// The findings, in the order added.
    pub fn into_vec(self) -> Vec<Finding> {
        self.list
    }
}
