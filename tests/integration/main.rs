//! Gatepost's integration tests, built as one binary to save link time.

mod cli;
mod fixtures;
mod pack;
mod properties;
mod text_rules;
mod util;
mod images;
mod grpc;
mod rescan;
