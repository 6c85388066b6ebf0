//! Re-screening an account's history: one school and account, many posts.
//! [`Scan`] screens a batch of wire posts and [`Tally`] counts the results,
//! so `gatepost rescan` and the `Rescan` RPC give the same answers and the
//! same summary. [`ordered`] is the thread-only pipeline the CLI uses:
//! batches go to the rayon pool, results come back in input order, and at
//! most a fixed number of batches are in flight, so memory stays bounded
//! whatever the length of the history.
//!
//! A post that cannot be converted (a field over its limit, an unknown
//! enum) does not stop a re-scan: it gets a `screening.incomplete` finding
//! naming the field, so it fails closed to REVIEW and the scan goes on.

use std::collections::VecDeque;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use crate::proto::v1 as pb;
use crate::report::{Location, Report, Verdict};
use crate::rules::Findings;
use crate::rules::catalogue::RULES;
use crate::screen::{Options, ScreenError, is_official, screen};
use crate::snapshot::Snapshot;
use crate::{Account, Post, Request, convert};

/// One re-scan: the pack, the school and account, and the options. Cheap to
/// share between threads (`Arc` it).
#[derive(Debug)]
pub struct Scan {
    snapshot: Arc<Snapshot>,
    template: Request,
    official: bool,
    options: Options,
    only_failing: bool,
}

/// What screening one post of a history gave.
#[derive(Debug)]
pub struct Outcome {
    /// The verdict (also in `result`).
    pub verdict: Verdict,
    /// The wire result; `None` when `only_failing` drops an approved post.
    pub result: Option<pb::PostResult>,
}

impl Scan {
    /// Prepares a re-scan of `account`'s posts for `school_id`.
    ///
    /// # Errors
    ///
    /// [`ScreenError::UnknownSchool`] when the pack has no such school.
    pub fn new(
        snapshot: Arc<Snapshot>,
        school_id: &str,
        account: Account,
        options: Options,
        only_failing: bool,
    ) -> Result<Scan, ScreenError> {
        let school_id = school_id.trim().to_string();
        let template = Request {
            school_id,
            account,
            post: Post::default(),
        };
        let school = snapshot
            .school(&template.school_id)
            .ok_or_else(|| ScreenError::UnknownSchool(template.school_id.clone()))?;
        let official = is_official(school, &template);
        Ok(Scan {
            snapshot,
            template,
            official,
            options,
            only_failing,
        })
    }

    /// Whether the account is screened as an official one.
    pub fn official(&self) -> bool {
        self.official
    }

    /// The pack version every result of this scan is judged against.
    pub fn policy_version(&self) -> &str {
        &self.snapshot.version
    }

    /// Screens one wire post, the `sequence`-th of the history, and adds
    /// it to `tally`.
    pub fn post(&self, sequence: u64, post: pb::Post, tally: &mut Tally) -> Outcome {
        let published_at = post.published_at;
        let post_id = post.id.clone();
        let report = match convert::post(post, "post") {
            Ok(post) => {
                let request = Request {
                    school_id: self.template.school_id.clone(),
                    account: self.template.account.clone(),
                    post,
                };
                // The school was checked in `new` and the snapshot is ours.
                screen(&self.snapshot, &request, self.options)
                    .unwrap_or_else(|e| self.incomplete("school_id", &e.to_string()))
            }
            Err(e) => self.incomplete(&e.field, &e.why),
        };
        tally.add(&report);
        let verdict = report.verdict;
        let result = (!self.only_failing || verdict != Verdict::Approve).then(|| pb::PostResult {
            post_id,
            sequence,
            verdict: convert::verdict(verdict) as i32,
            findings: report.findings.iter().map(convert::finding).collect(),
            published_at,
        });
        Outcome { verdict, result }
    }

    /// The report for a post that could not be screened: REVIEW, naming the
    /// field at fault.
    pub fn incomplete(&self, field: &str, why: &str) -> Report {
        let mut findings = Findings::new(self.official);
        findings.add(
            "screening.incomplete",
            format!("the field {field} could not be screened ({why})."),
            Location::Post,
        );
        let findings = findings.into_vec();
        Report {
            verdict: Verdict::from_findings(&findings),
            findings,
            policy_version: self.snapshot.version.clone(),
        }
    }
}

/// Counts for a re-scan summary. Tallies of batches merge into one.
#[derive(Debug, Clone)]
pub struct Tally {
    /// Posts screened.
    pub posts: u64,
    /// Posts by verdict: approve, review, reject.
    pub verdicts: [u64; 3],
    by_rule: Vec<u64>,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            posts: 0,
            verdicts: [0; 3],
            by_rule: vec![0; RULES.len()],
        }
    }
}

impl Tally {
    /// Counts one report.
    pub fn add(&mut self, report: &Report) {
        self.posts += 1;
        self.verdicts[verdict_index(report.verdict)] += 1;
        for f in &report.findings {
            if let Some(i) = RULES.iter().position(|r| r.id == f.rule_id) {
                self.by_rule[i] += 1;
            }
        }
    }

    /// Adds another tally's counts to this one.
    pub fn merge(&mut self, other: &Tally) {
        self.posts += other.posts;
        for (a, b) in self.verdicts.iter_mut().zip(other.verdicts) {
            *a += b;
        }
        for (a, b) in self.by_rule.iter_mut().zip(&other.by_rule) {
            *a += b;
        }
    }

    /// Findings by rule id, most frequent first (ties by rule id).
    pub fn by_rule(&self) -> Vec<(&'static str, u64)> {
        let mut list: Vec<_> = RULES
            .iter()
            .zip(&self.by_rule)
            .filter(|(_, n)| **n > 0)
            .map(|(r, n)| (r.id, *n))
            .collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        list
    }

    /// The wire summary.
    pub fn summary(&self, elapsed: Duration, policy_version: &str) -> pb::RescanSummary {
        pb::RescanSummary {
            posts_scanned: self.posts,
            approved: self.verdicts[0],
            review: self.verdicts[1],
            rejected: self.verdicts[2],
            findings_by_rule: self
                .by_rule()
                .into_iter()
                .map(|(rule_id, count)| pb::RuleCount {
                    rule_id: rule_id.to_string(),
                    count,
                })
                .collect(),
            elapsed_ms: elapsed.as_millis() as u64,
            policy_version: policy_version.to_string(),
        }
    }
}

fn verdict_index(v: Verdict) -> usize {
    match v {
        Verdict::Approve => 0,
        Verdict::Review => 1,
        Verdict::Reject => 2,
    }
}

/// Runs `work` over `input` in batches of `batch` items on the rayon pool,
/// and hands each batch's output to `sink` on the calling thread, in input
/// order. At most `in_flight` batches are queued or running at once, so a
/// slow `sink` slows the reading of `input` (backpressure) and memory is
/// bounded by `batch * in_flight` items. Returns early with the sink's
/// first error.
///
/// # Errors
///
/// The first error `sink` returns.
pub fn ordered<T, R, E>(
    input: impl IntoIterator<Item = T>,
    batch: usize,
    in_flight: usize,
    work: Arc<dyn Fn(Vec<T>) -> R + Send + Sync>,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send + 'static,
    R: Send + 'static,
{
    let batch = batch.max(1);
    let in_flight = in_flight.max(1);
    let mut pending: VecDeque<mpsc::Receiver<R>> = VecDeque::with_capacity(in_flight);
    let mut input = input.into_iter();
    loop {
        let items: Vec<T> = input.by_ref().take(batch).collect();
        let done = items.len() < batch;
        if !items.is_empty() {
            let (tx, rx) = mpsc::sync_channel(1);
            let work = Arc::clone(&work);
            rayon::spawn(move || {
                let _ = tx.send(work(items));
            });
            pending.push_back(rx);
        }
        while pending.len() >= in_flight || (done && !pending.is_empty()) {
            let rx = pending.pop_front().expect("pending is not empty");
            // A worker that panicked drops its sender; that is a bug, not input.
            let out = rx.recv().expect("rescan worker panicked");
            sink(out)?;
        }
        if done {
            return Ok(());
        }
    }
}
