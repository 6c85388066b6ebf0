//! Shared by the targets: the demo pack compiled once, a fixed screening
//! date, and the invariants every report must satisfy.

#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;

use gatepost::{Date, Location, Options, Pack, Report, Request, Severity, Snapshot, Verdict};

/// The demo pack (`fixtures/pack`), loaded and compiled on first use.
pub fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/pack");
        let pack = Pack::load(&dir).unwrap_or_else(|e| panic!("demo pack: {e}"));
        Snapshot::build(&pack).expect("demo pack compiles")
    })
}

/// A fixed date, so a consent's expiry never makes a run irreproducible.
pub fn options() -> Options {
    Options {
        today: Date::new(2026, 11, 21).expect("a valid date"),
    }
}

/// Checks what SPEC promises of every report: the verdict follows from the
/// findings, every rule id is in the catalogue, and every text location
/// lies on char boundaries inside the field it names.
pub fn check_report(request: &Request, report: &Report) {
    let worst = report.findings.iter().map(|f| f.severity).max();
    let expected = match worst {
        Some(Severity::Block) => Verdict::Reject,
        Some(Severity::Review) => Verdict::Review,
        _ => Verdict::Approve,
    };
    assert_eq!(
        report.verdict, expected,
        "verdict does not follow from findings"
    );
    let post = &request.post;
    for f in &report.findings {
        assert!(
            gatepost::rules::catalogue::rule(f.rule_id).is_some(),
            "unknown rule id {}",
            f.rule_id
        );
        assert!(!f.reason.is_empty(), "{}: empty reason", f.rule_id);
        match &f.location {
            Location::Text { field, start, end } => {
                let text = match field {
                    gatepost::Field::Text => &post.text,
                    gatepost::Field::AltText { index } => &post.attachments[*index].alt_text,
                    gatepost::Field::Link { index } => &post.links[*index],
                };
                assert!(
                    start <= end && *end <= text.len(),
                    "{}: {start}..{end} outside a field of {} bytes",
                    f.rule_id,
                    text.len()
                );
                assert!(
                    text.is_char_boundary(*start) && text.is_char_boundary(*end),
                    "{}: {start}..{end} not on char boundaries",
                    f.rule_id
                );
            }
            Location::Image {
                attachment, span, ..
            } => {
                assert!(
                    *attachment < post.attachments.len(),
                    "{}: bad attachment index",
                    f.rule_id
                );
                if let Some((s, e)) = span {
                    assert!(s <= e, "{}: inverted metadata span", f.rule_id);
                }
            }
            Location::Post => {}
        }
    }
}

/// Checks the folded and squeezed forms' maps: every byte of each maps
/// back to a range on char boundaries of the text it came from.
pub fn check_folding(original: &str) {
    let folded = gatepost::text::Folded::new(original);
    let f = folded.as_str();
    for i in 0..f.len() {
        let (a, b) = folded.original_range(original, i, i + 1);
        assert!(
            a < b && b <= original.len(),
            "folded byte {i} maps to {a}..{b}"
        );
        assert!(original.is_char_boundary(a) && original.is_char_boundary(b));
    }
    if !f.is_empty() {
        let (a, b) = folded.original_range(original, 0, f.len());
        assert!(a <= b && b <= original.len());
    }
    let squeezed = gatepost::text::Squeezed::new(&folded);
    let s = squeezed.as_str();
    for i in 0..s.len() {
        let (a, b) = squeezed.folded_range(&folded, i, i + 1);
        assert!(a < b && b <= f.len(), "squeezed byte {i} maps to {a}..{b}");
        assert!(f.is_char_boundary(a) && f.is_char_boundary(b));
        let _ = squeezed.run(i);
    }
}
