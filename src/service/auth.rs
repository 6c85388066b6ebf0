//! Who may call: bearer tokens listed in the pack's `tokens.toml`, stored
//! only as SHA-256 hashes, each scoped to some schools (or `*` for a whole
//! trust) and optionally allowed to reload the policy. The interceptor
//! resolves the `authorization` header to a [`Caller`] once per call and
//! the handlers check the school the call names against its scope.
//!
//! ```toml
//! [[token]]
//! name = "scheduler-1"     # appears in logs
//! sha256 = "9f86d0…"       # gatepost token hash, or printf %s "$TOKEN" | sha256sum
//! schools = ["oakfield"]   # or ["*"]
//! admin = false            # may call ReloadPolicy
//! ```
//!
//! With no `tokens.toml` every call is accepted, which `serve` allows on
//! loopback addresses only.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use tonic::{Request, Status};

use super::State;
use super::metrics::Rpc;
use crate::Pack;

/// The token file, relative to the pack directory.
pub const TOKENS_FILE: &str = "tokens.toml";

/// The tokens a pack allows, by SHA-256 of the token.
#[derive(Debug, Default)]
pub struct Tokens {
    by_hash: HashMap<[u8; 32], Arc<Grant>>,
}

/// What one token may do.
#[derive(Debug)]
pub(super) struct Grant {
    name: String,
    schools: Vec<String>,
    all_schools: bool,
    admin: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    token: Vec<toml::Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    sha256: String,
    schools: Vec<String>,
    #[serde(default)]
    admin: bool,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Tokens {
    /// Reads `dir/tokens.toml` if there is one; schools must exist in `pack`.
    ///
    /// # Errors
    ///
    /// Every problem, as `tokens.toml:LINE: field: why`.
    pub fn load(dir: &Path, pack: &Pack) -> Result<Tokens, Vec<String>> {
        let path = dir.join(TOKENS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Tokens::default()),
            Err(e) => return Err(vec![format!("{TOKENS_FILE}: cannot read: {e}")]),
        };
        Tokens::parse(&text, |id| pack.school(id).is_some())
    }

    /// Parses the text of a `tokens.toml`; `known` says whether a school id
    /// exists.
    ///
    /// # Errors
    ///
    /// Every problem, as `tokens.toml:LINE: field: why`.
    pub fn parse(text: &str, known: impl Fn(&str) -> bool) -> Result<Tokens, Vec<String>> {
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            vec![format!("{TOKENS_FILE}:{line}: {}", e.message().trim())]
        })?;
        let mut errors = Vec::new();
        let mut tokens = Tokens::default();
        for spanned in file.token {
            let line = line_of(text, spanned.span().start);
            let e = spanned.into_inner();
            let mut bad = |field: &str, why: String| {
                errors.push(format!("{TOKENS_FILE}:{line}: {field}: {why}"));
            };
            if e.name.trim().is_empty() {
                bad("name", "required".into());
            }
            let hash = match decode_hex(&e.sha256) {
                Some(h) => h,
                None => {
                    bad(
                        "sha256",
                        "not 64 hex digits (the SHA-256 of the token, never the token)".into(),
                    );
                    continue;
                }
            };
            if e.schools.is_empty() {
                bad("schools", "empty: list school ids, or \"*\" for all".into());
            }
            for s in &e.schools {
                if s != "*" && !known(s) {
                    bad("schools", format!("no school {s:?} in the pack"));
                }
            }
            let grant = Grant {
                name: e.name.trim().to_string(),
                all_schools: e.schools.iter().any(|s| s == "*"),
                schools: e.schools,
                admin: e.admin,
            };
            if tokens.by_hash.insert(hash, Arc::new(grant)).is_some() {
                bad("sha256", "the same token is listed twice".into());
            }
        }
        if errors.is_empty() {
            Ok(tokens)
        } else {
            Err(errors)
        }
    }

    /// How many tokens there are.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether there are none (then every call is accepted).
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The `sha256` a `tokens.toml` entry holds for `token`.
pub fn hash_hex(token: &str) -> String {
    hash(token).iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(s: &str) -> Option<[u8; 32]> {
    let s = s.trim().as_bytes();
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in s.chunks(2).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16);
        out[i] = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    Some(out)
}

/// The caller of one RPC, as the interceptor resolved it.
#[derive(Debug, Clone)]
pub(super) enum Caller {
    /// No tokens are configured (loopback only): anything goes.
    Open,
    /// A configured token.
    Token(Arc<Grant>),
}

impl Caller {
    /// The caller's name for logs.
    pub(super) fn name(&self) -> &str {
        match self {
            Caller::Open => "-",
            Caller::Token(g) => &g.name,
        }
    }

    /// PERMISSION_DENIED unless the caller may act for `school_id`.
    pub(super) fn check_school(&self, school_id: &str) -> Result<(), Status> {
        match self {
            Caller::Open => Ok(()),
            Caller::Token(g) if g.all_schools || g.schools.iter().any(|s| s == school_id) => Ok(()),
            Caller::Token(g) => Err(Status::permission_denied(format!(
                "token {:?} may not act for school {school_id:?}",
                g.name
            ))),
        }
    }

    /// PERMISSION_DENIED unless the caller may reload the policy.
    pub(super) fn check_admin(&self) -> Result<(), Status> {
        match self {
            Caller::Open => Ok(()),
            Caller::Token(g) if g.admin => Ok(()),
            Caller::Token(g) => Err(Status::permission_denied(format!(
                "token {:?} is not an admin token",
                g.name
            ))),
        }
    }

    /// The caller the interceptor stored in the request.
    pub(super) fn of<T>(request: &Request<T>) -> Result<Caller, Status> {
        request
            .extensions()
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| Status::internal("no caller: the auth interceptor did not run"))
    }
}

/// Resolves `authorization: Bearer <token>` to a [`Caller`].
#[derive(Clone)]
pub(super) struct Interceptor {
    state: Arc<State>,
}

impl Interceptor {
    pub(super) fn new(state: Arc<State>) -> Interceptor {
        Interceptor { state }
    }
}

impl tonic::service::Interceptor for Interceptor {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        let policy = self.state.policy();
        let caller = if policy.tokens.is_empty() {
            Ok(Caller::Open)
        } else {
            let token = request
                .metadata()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(str::trim);
            match token {
                None => Err(Status::unauthenticated(
                    "missing authorization: Bearer <token>",
                )),
                Some(t) => {
                    let hash = hash(t);
                    policy
                        .tokens
                        .by_hash
                        .get(&hash)
                        .map(|g| Caller::Token(Arc::clone(g)))
                        .ok_or_else(|| Status::unauthenticated("unknown token"))
                }
            }
        };
        match caller {
            Ok(c) => {
                request.extensions_mut().insert(c);
                Ok(request)
            }
            Err(status) => {
                let rpc = request
                    .extensions()
                    .get::<tonic::GrpcMethod<'_>>()
                    .map_or(Rpc::Other, |m| Rpc::from_method(m.method()));
                self.state
                    .metrics
                    .request(rpc, status.code(), std::time::Duration::ZERO);
                tracing::info!(rpc = rpc.name(), "unauthenticated call refused");
                Err(status)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn parses_and_reports_lines() {
        let ok = format!(
            "[[token]]\nname = \"a\"\nsha256 = \"{HASH}\"\nschools = [\"*\"]\nadmin = true\n"
        );
        assert_eq!(Tokens::parse(&ok, |_| true).unwrap().len(), 1);
        let bad = format!(
            "[[token]]\nname = \"a\"\nsha256 = \"{HASH}\"\nschools = [\"x\"]\n\n[[token]]\nname = \"b\"\nsha256 = \"nothex\"\nschools = [\"x\"]\n"
        );
        let errors = Tokens::parse(&bad, |_| false).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("tokens.toml:1: schools:"),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("tokens.toml:6: sha256:"),
            "{errors:?}"
        );
        let syntax = Tokens::parse("[[token]]\nnme = 1\n", |_| true).unwrap_err();
        assert!(syntax[0].starts_with("tokens.toml:"), "{syntax:?}");
    }
}
