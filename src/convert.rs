//! Wire ⇄ domain: the proto messages (as received over gRPC or read from
//! JSON by the CLI) become [`Request`]s, and [`Report`]s become
//! `ScreenPostResponse`s. This is the one place that decides a request is
//! malformed, and every error names the field at fault.

use crate::post::{Account, AccountKind, Attachment, Post, Request};
use crate::proto::v1 as pb;
use crate::report::{Finding, Location, Report, Severity, Verdict};
use crate::rules::catalogue::Rule;

/// Most attachments one post may carry.
pub const MAX_ATTACHMENTS: usize = 64;
/// Most links one post may carry.
pub const MAX_LINKS: usize = 10_000;
/// Longest text field accepted, in bytes.
pub const MAX_TEXT: usize = 4 << 20;

/// A malformed request: which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {why}")]
pub struct FieldError {
    /// The field path in proto names, e.g. `post.attachments[2].content`.
    pub field: String,
    /// What is wrong.
    pub why: String,
}

fn bad(field: impl Into<String>, why: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        why: why.into(),
    }
}

fn text_field(field: &str, value: String) -> Result<String, FieldError> {
    if value.len() > MAX_TEXT {
        return Err(bad(
            field,
            format!("{} bytes, more than the {MAX_TEXT} allowed", value.len()),
        ));
    }
    Ok(value)
}

/// Converts a wire account (absent means an unspecified kind).
///
/// # Errors
///
/// An unknown `kind` value.
pub fn account(account: Option<pb::Account>, prefix: &str) -> Result<Account, FieldError> {
    let Some(a) = account else {
        return Ok(Account::default());
    };
    let kind = match pb::AccountKind::try_from(a.kind) {
        Ok(pb::AccountKind::Unspecified) => AccountKind::Unspecified,
        Ok(pb::AccountKind::Official) => AccountKind::Official,
        Ok(pb::AccountKind::Personal) => AccountKind::Personal,
        Err(_) => {
            return Err(bad(
                format!("{prefix}.kind"),
                format!("unknown account kind {}", a.kind),
            ));
        }
    };
    Ok(Account {
        platform: a.platform,
        handle: a.handle,
        kind,
    })
}

/// Converts a wire post; `prefix` is its field path for errors.
///
/// # Errors
///
/// A field over its limit.
pub fn post(p: pb::Post, prefix: &str) -> Result<Post, FieldError> {
    if p.attachments.len() > MAX_ATTACHMENTS {
        return Err(bad(
            format!("{prefix}.attachments"),
            format!(
                "{} attachments, more than the {MAX_ATTACHMENTS} allowed",
                p.attachments.len()
            ),
        ));
    }
    if p.links.len() > MAX_LINKS {
        return Err(bad(
            format!("{prefix}.links"),
            format!("{} links, more than the {MAX_LINKS} allowed", p.links.len()),
        ));
    }
    let mut attachments = Vec::with_capacity(p.attachments.len());
    for (i, a) in p.attachments.into_iter().enumerate() {
        attachments.push(Attachment {
            filename: a.filename,
            media_type: a.media_type,
            content: a.content.to_vec(),
            alt_text: text_field(&format!("{prefix}.attachments[{i}].alt_text"), a.alt_text)?,
            depicted_pupil_ids: a.depicted_pupil_ids,
            people_attested: a.people_attested,
        });
    }
    let mut links = Vec::with_capacity(p.links.len());
    for (i, l) in p.links.into_iter().enumerate() {
        links.push(text_field(&format!("{prefix}.links[{i}]"), l)?);
    }
    Ok(Post {
        id: p.id,
        text: text_field(&format!("{prefix}.text"), p.text)?,
        links,
        attachments,
    })
}

/// Converts a `ScreenPostRequest`.
///
/// # Errors
///
/// A missing `school_id` or `post`, an unknown account kind, or a field
/// over its limit.
pub fn request(r: pb::ScreenPostRequest) -> Result<Request, FieldError> {
    if r.school_id.trim().is_empty() {
        return Err(bad("school_id", "required"));
    }
    let Some(p) = r.post else {
        return Err(bad("post", "required"));
    };
    Ok(Request {
        school_id: r.school_id.trim().to_string(),
        account: account(r.account, "account")?,
        post: post(p, "post")?,
    })
}

/// The wire severity.
pub fn severity(s: Severity) -> pb::Severity {
    match s {
        Severity::Info => pb::Severity::Info,
        Severity::Review => pb::Severity::Review,
        Severity::Block => pb::Severity::Block,
    }
}

/// The wire verdict.
pub fn verdict(v: Verdict) -> pb::Verdict {
    match v {
        Verdict::Approve => pb::Verdict::Approve,
        Verdict::Review => pb::Verdict::Review,
        Verdict::Reject => pb::Verdict::Reject,
    }
}

fn location(l: &Location) -> Option<pb::Location> {
    let kind = match l {
        Location::Text { field, start, end } => pb::location::Kind::Text(pb::TextLocation {
            field: field.name().to_string(),
            start: *start as u32,
            end: *end as u32,
            index: field.index() as u32,
        }),
        Location::Image {
            attachment,
            bbox,
            tag,
            span,
        } => pb::location::Kind::Image(pb::ImageLocation {
            attachment_index: *attachment as u32,
            r#box: bbox.map(|b| pb::PixelBox {
                x: b.x,
                y: b.y,
                width: b.width,
                height: b.height,
            }),
            metadata_tag: tag.clone().unwrap_or_default(),
            start: span.map_or(0, |s| s.0 as u32),
            end: span.map_or(0, |s| s.1 as u32),
        }),
        Location::Post => return None,
    };
    Some(pb::Location { kind: Some(kind) })
}

/// The wire finding.
pub fn finding(f: &Finding) -> pb::Finding {
    pb::Finding {
        rule_id: f.rule_id.to_string(),
        severity: severity(f.severity) as i32,
        reason: f.reason.clone(),
        remedy: f.remedy.clone(),
        policy_ref: f.policy_ref.to_string(),
        location: location(&f.location),
    }
}

/// The wire response for a report on the post with id `post_id`.
pub fn response(report: &Report, post_id: &str) -> pb::ScreenPostResponse {
    pb::ScreenPostResponse {
        verdict: verdict(report.verdict) as i32,
        findings: report.findings.iter().map(finding).collect(),
        policy_version: report.policy_version.clone(),
        post_id: post_id.to_string(),
    }
}

/// The wire form of a catalogue rule.
pub fn rule(r: &Rule) -> pb::Rule {
    let sev = |s: Option<Severity>| s.map_or(pb::Severity::Unspecified, severity) as i32;
    pb::Rule {
        rule_id: r.id.to_string(),
        description: r.description.to_string(),
        official_severity: sev(r.official),
        personal_severity: sev(r.personal),
        policy_ref: r.policy_ref.to_string(),
    }
}
