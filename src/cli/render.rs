//! Text output for people: each finding shown under the text it is about,
//! in the style of a compiler diagnostic, with its reason, fix and policy.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use crate::post::Request;
use crate::report::{Field, Location, Report};

fn field_text(request: &Request, field: Field) -> &str {
    let post = &request.post;
    match field {
        Field::Text => &post.text,
        Field::AltText { index } => post.attachments.get(index).map_or("", |a| &a.alt_text),
        Field::Link { index } => post.links.get(index).map_or("", String::as_str),
    }
}

fn field_label(field: Field) -> String {
    match field {
        Field::Text => "text".into(),
        Field::AltText { index } => format!("attachments[{index}].alt_text"),
        Field::Link { index } => format!("links[{index}]"),
    }
}

/// The source line holding `start`, its 1-based number, and the underline.
fn snippet(text: &str, start: usize, end: usize) -> (usize, usize, String, String) {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_no = text[..start].matches('\n').count() + 1;
    let column = text[line_start..start].chars().count() + 1;
    let line = text[line_start..line_end].replace('\t', " ");
    let pad = text[line_start..start].replace('\t', " ").width();
    let marked = text[start..end.min(line_end)].width().max(1);
    let underline = format!("{}{}", " ".repeat(pad), "^".repeat(marked));
    (line_no, column, line, underline)
}

/// Renders one report.
pub(super) fn report(label: &str, request: &Request, report: &Report) -> String {
    let mut s = String::new();
    let post_id = if request.post.id.is_empty() {
        String::new()
    } else {
        format!("post {}, ", request.post.id)
    };
    let _ = writeln!(
        s,
        "{label}: {} ({post_id}{} finding(s), policy {})",
        report.verdict,
        report.findings.len(),
        report.policy_version
    );
    for f in &report.findings {
        let _ = writeln!(s, "{}[{}]: {}", f.severity, f.rule_id, f.reason);
        match &f.location {
            Location::Text { field, start, end } => {
                let text = field_text(request, *field);
                if *start <= *end && *end <= text.len() && text.is_char_boundary(*start) {
                    let (line_no, column, line, underline) = snippet(text, *start, *end);
                    let gutter = " ".repeat(line_no.to_string().len());
                    let _ = writeln!(s, "{gutter}--> {}:{line_no}:{column}", field_label(*field));
                    let _ = writeln!(s, "{gutter} |");
                    let _ = writeln!(s, "{line_no} | {line}");
                    let _ = writeln!(s, "{gutter} | {underline}");
                }
            }
            Location::Image {
                attachment,
                bbox,
                tag,
                ..
            } => {
                let name = request
                    .post
                    .attachments
                    .get(*attachment)
                    .map_or("", |a| a.filename.as_str());
                let mut at = format!(" --> attachments[{attachment}] {name}");
                if let Some(tag) = tag {
                    let _ = write!(at, ", metadata {tag}");
                }
                if let Some(b) = bbox {
                    let _ = write!(at, ", box {}x{} at ({}, {})", b.width, b.height, b.x, b.y);
                }
                let _ = writeln!(s, "{at}");
            }
            Location::Post => {}
        }
        let _ = writeln!(s, "  = fix: {}", f.remedy);
        let _ = writeln!(s, "  = policy: {}", f.policy_ref);
    }
    s.push('\n');
    s
}
