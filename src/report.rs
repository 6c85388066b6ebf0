//! Domain types for the outcome of screening: findings, severities, verdicts
//! and where in the post each finding is. These are not the prost types;
//! `service/convert.rs` and the CLI map them onto the wire forms.

use std::fmt;

/// How much a finding matters. Ordered: `Info < Review < Block`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Recorded, never changes the verdict.
    Info,
    /// A person should look before the post is published.
    Review,
    /// The post must not be published as it stands.
    Block,
}

impl Severity {
    /// The lowercase word used in text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Review => "review",
            Severity::Block => "block",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The overall answer for a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// No finding above `Info`.
    Approve,
    /// At least one `Review` finding and no `Block`.
    Review,
    /// At least one `Block` finding.
    Reject,
}

impl Verdict {
    /// The verdict that a set of findings implies (SPEC: any BLOCK rejects,
    /// else any REVIEW reviews, else approve; INFO never counts).
    pub fn from_findings(findings: &[Finding]) -> Verdict {
        match findings.iter().map(|f| f.severity).max() {
            Some(Severity::Block) => Verdict::Reject,
            Some(Severity::Review) => Verdict::Review,
            _ => Verdict::Approve,
        }
    }

    /// The uppercase word used in text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approve => "APPROVE",
            Verdict::Review => "REVIEW",
            Verdict::Reject => "REJECT",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which text field of a post a span is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// `post.text`.
    Text,
    /// `post.attachments[index].alt_text`.
    AltText {
        /// The attachment index.
        index: usize,
    },
    /// `post.links[index]`.
    Link {
        /// The index into `post.links`.
        index: usize,
    },
}

impl Field {
    /// The SPEC name of the field: `text`, `alt_text` or `link`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Text => "text",
            Field::AltText { .. } => "alt_text",
            Field::Link { .. } => "link",
        }
    }

    /// The attachment or link index (0 for `text`).
    pub fn index(self) -> usize {
        match self {
            Field::Text => 0,
            Field::AltText { index } | Field::Link { index } => index,
        }
    }
}

/// A pixel rectangle in an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PixelBox {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    /// Byte range `[start, end)` in a text field.
    Text {
        /// The field.
        field: Field,
        /// Start byte offset.
        start: usize,
        /// End byte offset (exclusive).
        end: usize,
    },
    /// A place in an attachment.
    Image {
        /// The attachment index.
        attachment: usize,
        /// Where in the picture, when known.
        bbox: Option<PixelBox>,
        /// The metadata tag, when the finding comes from metadata.
        tag: Option<String>,
        /// Byte range in the tag's text, for text found in metadata.
        span: Option<(usize, usize)>,
    },
    /// The post as a whole.
    Post,
}

/// One thing wrong with a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id, e.g. `pupil.full_name`.
    pub rule_id: &'static str,
    /// How much it matters for this account.
    pub severity: Severity,
    /// What was found, where, and why it breaks which policy clause.
    pub reason: String,
    /// What to change.
    pub remedy: String,
    /// The policy clause behind the rule.
    pub policy_ref: &'static str,
    /// Where it is.
    pub location: Location,
}

/// The result of screening one post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The overall answer.
    pub verdict: Verdict,
    /// Every finding, in the order of the post's fields and offsets.
    pub findings: Vec<Finding>,
    /// Identifies the policy pack used.
    pub policy_version: String,
}
