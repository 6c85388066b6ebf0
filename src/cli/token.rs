//! `gatepost token new|hash`: API tokens for `tokens.toml`, which stores
//! only their SHA-256, so whoever reads the pack cannot call the service.
//! `new` prints the entry to append on stdout and the token itself, once,
//! on stderr; `hash` gives the entry's `sha256` for a token already issued.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::service::hash_hex;

/// Random bytes in a token: 256 bits, as much as the hash keeps.
const TOKEN_BYTES: usize = 32;
/// Longest token `hash` reads from stdin.
const MAX_TOKEN: u64 = 4096;

pub(super) fn new(name: &str, schools: &[String], admin: bool) -> anyhow::Result<ExitCode> {
    if name.trim().is_empty() {
        anyhow::bail!("--name: required (it appears in the logs of every call)");
    }
    if let Some(s) = schools.iter().find(|s| s.trim().is_empty()) {
        anyhow::bail!("--school: {s:?} is not a school id");
    }
    let mut random = [0u8; TOKEN_BYTES];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut random))
        .context("cannot read /dev/urandom for a random token")?;
    let token = format!("gp_{}", URL_SAFE_NO_PAD.encode(random));
    let quoted: Vec<String> = schools.iter().map(|s| quote(s)).collect();
    let mut entry = format!(
        "[[token]]\nname = {}\nsha256 = \"{}\"\nschools = [{}]\n",
        quote(name.trim()),
        hash_hex(&token),
        quoted.join(", ")
    );
    if admin {
        entry.push_str("admin = true\n");
    }
    print!("{entry}");
    std::io::stdout().flush()?;
    eprintln!("token (shown once; give it to the caller, keep it out of the pack): {token}");
    Ok(ExitCode::SUCCESS)
}

pub(super) fn hash() -> anyhow::Result<ExitCode> {
    let mut text = String::new();
    std::io::stdin()
        .take(MAX_TOKEN)
        .read_to_string(&mut text)
        .context("stdin: a token, as UTF-8 text")?;
    let token = text.trim();
    if token.is_empty() {
        anyhow::bail!("stdin: no token (pipe the token in: gatepost token hash < token.txt)");
    }
    println!("{}", hash_hex(token));
    Ok(ExitCode::SUCCESS)
}

/// A TOML basic string: JSON's escapes are a subset of TOML's.
fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}
