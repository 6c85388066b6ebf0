//! Gatepost screens draft social-media posts for school accounts before
//! they are published, against the school's own policy: pupils named or
//! photographed without consent, location data in photos, school branding
//! on staff accounts, derogatory or profane words, personal contact details
//! and unvetted links. Every finding says what was found, where, which
//! policy clause it breaks and how to fix it.
//!
//! The pipeline is pack → snapshot → screen → report:
//! [`pack::Pack::load`] reads and validates a policy pack,
//! [`snapshot::Snapshot::build`] compiles it once into matchers,
//! [`screen::screen`] checks a [`post::Request`] against it, and the
//! [`report::Report`] carries the verdict and findings.
//!
//! # Layout
//!
//! - `pack/`: policy pack parsing and validation (school.toml, roster.csv, lexicons).
//! - `snapshot`: the compiled, immutable pack.
//! - `text/`: folding with offset maps, name forms, the automata.
//! - `image/`: image metadata, bounded decoding, faces, fingerprints, logos, stripping.
//! - `rules/`: the rule catalogue and the rules' findings.
//! - `screen`: one post, start to finish.
//! - `report`, `post`: domain types.
//! - `proto`, `convert`: the wire types and their mapping to domain types.
//! - `rescan`: an account's history, in parallel and in order.
//! - `service/`: the gRPC service (`gatepost serve`); `shutdown`: its signals.
//! - `cli/`: the `gatepost` command.

pub mod cli;
pub mod convert;
pub mod date;
pub mod image;
pub mod pack;
pub mod post;
pub mod proto;
pub mod report;
pub mod rescan;
pub mod rules;
pub mod screen;
pub mod service;
pub mod shutdown;
pub mod snapshot;
pub mod text;

pub use date::Date;
pub use pack::Pack;
pub use post::{Account, AccountKind, Attachment, Post, Request};
pub use report::{Field, Finding, Location, Report, Severity, Verdict};
pub use screen::{Options, ScreenError, screen};
pub use snapshot::Snapshot;

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Report>();
};
