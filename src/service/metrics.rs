//! Prometheus metrics in the text exposition format, on their own port.
//! The label sets are small and fixed (RPC × status code, verdicts, rule
//! ids), so every series is an atomic in a flat array: recording costs a
//! few relaxed adds, and there is no registry crate or HTTP framework to
//! carry. The tiny HTTP/1 responder answers `GET /metrics` and nothing else.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tonic::Code;

use super::State;
use crate::report::Verdict;
use crate::rules::catalogue::RULES;

/// The RPCs, as metric labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rpc {
    /// `ScreenPost`.
    ScreenPost,
    /// `Rescan`.
    Rescan,
    /// `ListRules`.
    ListRules,
    /// `StripMetadata`.
    StripMetadata,
    /// `ReloadPolicy`.
    ReloadPolicy,
    /// Anything else refused before routing.
    Other,
}

const RPCS: [Rpc; 6] = [
    Rpc::ScreenPost,
    Rpc::Rescan,
    Rpc::ListRules,
    Rpc::StripMetadata,
    Rpc::ReloadPolicy,
    Rpc::Other,
];

impl Rpc {
    /// The method name.
    pub fn name(self) -> &'static str {
        match self {
            Rpc::ScreenPost => "ScreenPost",
            Rpc::Rescan => "Rescan",
            Rpc::ListRules => "ListRules",
            Rpc::StripMetadata => "StripMetadata",
            Rpc::ReloadPolicy => "ReloadPolicy",
            Rpc::Other => "other",
        }
    }

    /// From a gRPC method name.
    pub fn from_method(method: &str) -> Rpc {
        RPCS.into_iter()
            .find(|r| r.name() == method)
            .unwrap_or(Rpc::Other)
    }
}

/// Latency bucket upper bounds, in seconds.
const BUCKETS: [f64; 14] = [
    0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 30.0,
];
const CODES: usize = 17;

#[derive(Debug, Default)]
struct Series {
    count: AtomicU64,
    sum_nanos: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len()],
}

/// Every counter and histogram the service keeps.
#[derive(Debug)]
pub struct Metrics {
    requests: Vec<Series>,
    verdicts: [AtomicU64; 3],
    findings: Vec<AtomicU64>,
    reloads: [AtomicU64; 2],
    rescan_posts: AtomicU64,
    rescan_in_flight: AtomicU64,
    rescan_in_flight_max: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics {
            requests: (0..RPCS.len() * CODES).map(|_| Series::default()).collect(),
            verdicts: Default::default(),
            findings: (0..RULES.len()).map(|_| AtomicU64::new(0)).collect(),
            reloads: Default::default(),
            rescan_posts: AtomicU64::new(0),
            rescan_in_flight: AtomicU64::new(0),
            rescan_in_flight_max: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// Records one finished call.
    pub fn request(&self, rpc: Rpc, code: Code, elapsed: Duration) {
        let i = RPCS
            .iter()
            .position(|r| *r == rpc)
            .unwrap_or(RPCS.len() - 1);
        let c = (code as usize).min(CODES - 1);
        let s = &self.requests[i * CODES + c];
        s.count.fetch_add(1, Relaxed);
        s.sum_nanos.fetch_add(elapsed.as_nanos() as u64, Relaxed);
        let secs = elapsed.as_secs_f64();
        if let Some(b) = BUCKETS.iter().position(|b| secs <= *b) {
            s.buckets[b].fetch_add(1, Relaxed);
        }
    }

    /// Records a verdict and its findings' rule ids.
    pub fn verdict(&self, verdict: Verdict, rule_ids: impl Iterator<Item = &'static str>) {
        let v = match verdict {
            Verdict::Approve => 0,
            Verdict::Review => 1,
            Verdict::Reject => 2,
        };
        self.verdicts[v].fetch_add(1, Relaxed);
        for id in rule_ids {
            self.rule(id, 1);
        }
    }

    /// Adds `n` findings for rule `id`.
    pub fn rule(&self, id: &str, n: u64) {
        if let Some(i) = RULES.iter().position(|r| r.id == id) {
            self.findings[i].fetch_add(n, Relaxed);
        }
    }

    /// Adds a re-scan batch's verdict counts.
    pub fn verdicts(&self, counts: [u64; 3]) {
        for (a, n) in self.verdicts.iter().zip(counts) {
            a.fetch_add(n, Relaxed);
        }
        self.rescan_posts.fetch_add(counts.iter().sum(), Relaxed);
    }

    /// Records a reload attempt.
    pub fn reload(&self, ok: bool) {
        self.reloads[usize::from(!ok)].fetch_add(1, Relaxed);
    }

    /// Re-scan posts read from a stream and not yet answered.
    pub fn rescan_in_flight(&self, delta: i64) {
        if delta >= 0 {
            let now = self.rescan_in_flight.fetch_add(delta as u64, Relaxed) + delta as u64;
            self.rescan_in_flight_max.fetch_max(now, Relaxed);
        } else {
            self.rescan_in_flight
                .fetch_sub(delta.unsigned_abs(), Relaxed);
        }
    }

    /// The most re-scan posts ever held at once (read, not yet answered).
    pub fn rescan_in_flight_max(&self) -> u64 {
        self.rescan_in_flight_max.load(Relaxed)
    }

    /// Calls finished for `rpc` with `code`.
    pub fn requests(&self, rpc: Rpc, code: Code) -> u64 {
        let i = RPCS
            .iter()
            .position(|r| *r == rpc)
            .unwrap_or(RPCS.len() - 1);
        self.requests[i * CODES + (code as usize).min(CODES - 1)]
            .count
            .load(Relaxed)
    }

    /// The Prometheus text exposition.
    pub fn render(&self, policy_version: &str) -> String {
        let mut o = String::with_capacity(8 << 10);
        let _ = self.write(&mut o, policy_version);
        o
    }

    fn write(&self, o: &mut String, policy_version: &str) -> std::fmt::Result {
        writeln!(
            o,
            "# HELP gatepost_requests_total RPCs finished, by method and gRPC status."
        )?;
        writeln!(o, "# TYPE gatepost_requests_total counter")?;
        self.each_series(|rpc, code, s| {
            writeln!(
                o,
                "gatepost_requests_total{{rpc=\"{rpc}\",code=\"{code}\"}} {}",
                s.count.load(Relaxed)
            )
        })?;
        writeln!(
            o,
            "# HELP gatepost_request_duration_seconds RPC latency, by method and gRPC status."
        )?;
        writeln!(o, "# TYPE gatepost_request_duration_seconds histogram")?;
        self.each_series(|rpc, code, s| {
            let mut cumulative = 0;
            for (b, n) in BUCKETS.iter().zip(&s.buckets) {
                cumulative += n.load(Relaxed);
                writeln!(
                    o,
                    "gatepost_request_duration_seconds_bucket{{rpc=\"{rpc}\",code=\"{code}\",le=\"{b}\"}} {cumulative}"
                )?;
            }
            let count = s.count.load(Relaxed);
            writeln!(o, "gatepost_request_duration_seconds_bucket{{rpc=\"{rpc}\",code=\"{code}\",le=\"+Inf\"}} {count}")?;
            writeln!(
                o,
                "gatepost_request_duration_seconds_sum{{rpc=\"{rpc}\",code=\"{code}\"}} {}",
                s.sum_nanos.load(Relaxed) as f64 / 1e9
            )?;
            writeln!(o, "gatepost_request_duration_seconds_count{{rpc=\"{rpc}\",code=\"{code}\"}} {count}")
        })?;
        writeln!(
            o,
            "# HELP gatepost_verdicts_total Posts screened (ScreenPost and Rescan), by verdict."
        )?;
        writeln!(o, "# TYPE gatepost_verdicts_total counter")?;
        for (v, n) in ["VERDICT_APPROVE", "VERDICT_REVIEW", "VERDICT_REJECT"]
            .iter()
            .zip(&self.verdicts)
        {
            writeln!(
                o,
                "gatepost_verdicts_total{{verdict=\"{v}\"}} {}",
                n.load(Relaxed)
            )?;
        }
        writeln!(o, "# HELP gatepost_findings_total Findings, by rule id.")?;
        writeln!(o, "# TYPE gatepost_findings_total counter")?;
        for (r, n) in RULES.iter().zip(&self.findings) {
            writeln!(
                o,
                "gatepost_findings_total{{rule=\"{}\"}} {}",
                r.id,
                n.load(Relaxed)
            )?;
        }
        writeln!(
            o,
            "# HELP gatepost_rescan_posts_total Posts screened by Rescan."
        )?;
        writeln!(o, "# TYPE gatepost_rescan_posts_total counter")?;
        writeln!(
            o,
            "gatepost_rescan_posts_total {}",
            self.rescan_posts.load(Relaxed)
        )?;
        writeln!(
            o,
            "# HELP gatepost_rescan_posts_in_flight Rescan posts read and not yet answered."
        )?;
        writeln!(o, "# TYPE gatepost_rescan_posts_in_flight gauge")?;
        writeln!(
            o,
            "gatepost_rescan_posts_in_flight {}",
            self.rescan_in_flight.load(Relaxed)
        )?;
        writeln!(
            o,
            "# HELP gatepost_policy_reloads_total Policy reload attempts, by result."
        )?;
        writeln!(o, "# TYPE gatepost_policy_reloads_total counter")?;
        writeln!(
            o,
            "gatepost_policy_reloads_total{{result=\"ok\"}} {}",
            self.reloads[0].load(Relaxed)
        )?;
        writeln!(
            o,
            "gatepost_policy_reloads_total{{result=\"refused\"}} {}",
            self.reloads[1].load(Relaxed)
        )?;
        writeln!(o, "# HELP gatepost_policy_info The policy pack in force.")?;
        writeln!(o, "# TYPE gatepost_policy_info gauge")?;
        writeln!(o, "gatepost_policy_info{{version=\"{policy_version}\"}} 1")
    }

    /// Calls `f` for every (rpc, code) series that has seen a call.
    fn each_series(
        &self,
        mut f: impl FnMut(&str, &str, &Series) -> std::fmt::Result,
    ) -> std::fmt::Result {
        for (i, rpc) in RPCS.iter().enumerate() {
            for c in 0..CODES {
                let s = &self.requests[i * CODES + c];
                if s.count.load(Relaxed) > 0 {
                    f(rpc.name(), code_name(c), s)?;
                }
            }
        }
        Ok(())
    }
}

fn code_name(c: usize) -> &'static str {
    [
        "OK",
        "CANCELLED",
        "UNKNOWN",
        "INVALID_ARGUMENT",
        "DEADLINE_EXCEEDED",
        "NOT_FOUND",
        "ALREADY_EXISTS",
        "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED",
        "FAILED_PRECONDITION",
        "ABORTED",
        "OUT_OF_RANGE",
        "UNIMPLEMENTED",
        "INTERNAL",
        "UNAVAILABLE",
        "DATA_LOSS",
        "UNAUTHENTICATED",
    ][c]
}

/// Serves `GET /metrics` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let (mut conn, _) = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "metrics accept failed");
                    continue;
                }
            },
        };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let mut head = Vec::with_capacity(1024);
            let mut buf = [0u8; 1024];
            let read = tokio::time::timeout(Duration::from_secs(5), async {
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 8192 {
                    match conn.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
            })
            .await;
            if read.is_err() {
                return;
            }
            let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
            let mut parts = line.split(|b| *b == b' ');
            let (method, path) = (parts.next(), parts.next());
            let response = if method == Some(b"GET")
                && path.is_some_and(|p| p == b"/metrics" || p.starts_with(b"/metrics?"))
            {
                let body = state.metrics.render(&state.policy().snapshot.version);
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            } else {
                "HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n".to_string()
            };
            let _ = conn.write_all(response.as_bytes()).await;
            let _ = conn.shutdown().await;
        });
    }
}
