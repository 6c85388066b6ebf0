//! Policy reload: the admin RPC, SIGHUP and the directory watcher all call
//! [`State::reload`]. The new pack is loaded and compiled on a blocking
//! thread, published only if it is valid, and swapped in whole; calls in
//! flight keep the `Arc` they started with. A bad pack is refused with its
//! errors and the last good one stays.
//!
//! Watching polls the pack's file names, sizes and mtimes: no extra crate,
//! no inotify limits, and edits land within two polls once the directory
//! has stopped changing (a half-copied pack is not loaded).

use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::State;
use super::auth::{TOKENS_FILE, Tokens};
use crate::{Pack, Snapshot};

/// A policy in force: the compiled pack and the tokens that may use it.
#[derive(Debug)]
pub struct Policy {
    /// The compiled pack.
    pub snapshot: Arc<Snapshot>,
    /// Who may call, from the pack's `tokens.toml`.
    pub tokens: Tokens,
    /// The pack directory's [`fingerprint`] taken just before it was read.
    fingerprint: u64,
}

/// A pack that was refused: one line per problem
/// (`schools/oakfield/roster.csv:14: consent_expires: not a date`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub Vec<String>);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(e)?;
        }
        Ok(())
    }
}

impl std::error::Error for Refused {}

/// Loads, validates and compiles the pack in `dir` and its tokens.
/// Blocking.
pub(super) fn load(dir: &Path) -> Result<Policy, Refused> {
    let fingerprint = fingerprint(dir);
    let pack = Pack::load(dir).map_err(|e| Refused(e.0.iter().map(|e| e.to_string()).collect()))?;
    let tokens = Tokens::load(dir, &pack).map_err(Refused)?;
    let snapshot = Snapshot::build(&pack).map_err(|e| Refused(vec![e.to_string()]))?;
    Ok(Policy {
        snapshot: Arc::new(snapshot),
        tokens,
        fingerprint,
    })
}

impl State {
    /// Reloads the pack from disk. Reloads are serialised; the new policy is
    /// published only if the pack is valid (and, off loopback, still has
    /// tokens).
    ///
    /// # Errors
    ///
    /// The pack's problems, one per line; the old policy stays in force.
    pub async fn reload(self: &Arc<Self>, cause: &'static str) -> Result<String, Refused> {
        let _one_at_a_time = self.reload_lock.lock().await;
        let dir = self.config.policy_dir.clone();
        let loaded = tokio::task::spawn_blocking(move || load(&dir))
            .await
            .unwrap_or_else(|e| Err(Refused(vec![format!("reload failed: {e}")])));
        let loaded = loaded.and_then(|p| {
            if p.tokens.is_empty() && self.require_tokens.load(Ordering::Relaxed) {
                Err(Refused(vec![format!(
                    "{TOKENS_FILE}: no tokens, and the server listens beyond loopback"
                )]))
            } else {
                Ok(p)
            }
        });
        let old = self.policy().snapshot.version.clone();
        match loaded {
            Ok(policy) => {
                let version = policy.snapshot.version.clone();
                let tokens = policy.tokens.len();
                self.policy.store(Arc::new(policy));
                self.metrics.reload(true);
                tracing::info!(cause, old_version = %old, policy_version = %version, tokens, "policy reloaded");
                Ok(version)
            }
            Err(refused) => {
                self.metrics.reload(false);
                tracing::warn!(
                    cause,
                    policy_version = %old,
                    errors = refused.0.len(),
                    "policy reload refused; keeping the last good pack"
                );
                for e in &refused.0 {
                    tracing::warn!(problem = %e, "pack problem");
                }
                Err(refused)
            }
        }
    }
}

/// Polls the pack directory every `every` and reloads once a change from
/// the pack in force has held still for one poll. A refused state of the
/// directory is not retried until it changes again.
pub(super) async fn watch(state: Arc<State>, every: Duration) {
    let dir = state.config.policy_dir.clone();
    let print = move || {
        let dir = dir.clone();
        async move {
            tokio::task::spawn_blocking(move || fingerprint(&dir))
                .await
                .unwrap_or(0)
        }
    };
    let mut seen = state.policy().fingerprint;
    let mut tried = seen;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = print().await;
        if now == seen && now != tried && now != state.policy().fingerprint {
            tried = now;
            let _ = state.reload("pack directory changed").await;
        }
        seen = now;
    }
}

/// A hash of every path, size and mtime under `dir`.
fn fingerprint(dir: &Path) -> u64 {
    fn walk(dir: &Path, out: &mut Vec<(std::path::PathBuf, u64, Option<std::time::SystemTime>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                if out.len() < 1_000_000 {
                    walk(&path, out);
                }
            } else {
                out.push((path, meta.len(), meta.modified().ok()));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    let mut h = DefaultHasher::new();
    files.hash(&mut h);
    h.finish()
}
