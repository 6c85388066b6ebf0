//! Gatepost's integration tests, built as one binary to save link time.

mod bad_input;
mod cli;
mod fixtures;
mod grpc;
mod images;
mod memory;
mod pack;
mod properties;
mod regression;
mod rescan;
mod server;
mod text_rules;
mod util;
